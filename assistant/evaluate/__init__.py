"""Evaluation on a labelled question set, with baselines scored on the same PDFs in the same run.

Two question files are read: the regression set (``benchmarks/qa/questions.jsonl``) and the blind
set (``benchmarks/qa/blind.jsonl``, written by people who saw only the reports, split into
``dev`` and ``test`` before anything was run). Metrics per split and per question type:

* source hit@1 and @5, evidence hit@5 and MRR over the top five passages;
* answer cites the evidence: a citation of the answer quotes the labelled span (or overlaps it);
* grade correct: a grade question is answered (not declined) and its text states the grade;
* citation verbatim: every quote re-checked against the original file's page, not our text;
* abstention on unanswerable questions, and answered-when-answerable.

The package, one job per module: ``questions`` (the labelled questions), ``scoring`` (ranks,
evidence, grades, verbatim pages), ``metrics`` (rows, metrics, tables) and ``run``.
"""

from assistant.evaluate.metrics import COLUMNS, Metrics, Row, Summary, to_markdown
from assistant.evaluate.questions import Question, load_questions, norm
from assistant.evaluate.run import CORPUS_DEFAULT, evaluate_assistant, evaluate_baseline, run_eval
from assistant.evaluate.scoring import (
    Passage,
    Ranks,
    SourcePages,
    quotes_evidence,
    ranks,
    states_grade,
)

__all__ = [
    "COLUMNS",
    "CORPUS_DEFAULT",
    "Metrics",
    "Passage",
    "Question",
    "Ranks",
    "Row",
    "SourcePages",
    "Summary",
    "evaluate_assistant",
    "evaluate_baseline",
    "load_questions",
    "norm",
    "quotes_evidence",
    "ranks",
    "run_eval",
    "states_grade",
    "to_markdown",
]
