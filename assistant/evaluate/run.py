"""Running an evaluation: the assistant and the baselines asked every question, one report."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.evaluate.metrics import Row, Summary, to_markdown
from assistant.evaluate.questions import Question, load_questions, norm
from assistant.evaluate.scoring import Passage, SourcePages, quotes_evidence, ranks, states_grade
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.core import Assistant

CORPUS_DEFAULT = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def evaluate_assistant(
    assistant: Assistant, questions: list[Question], pages: SourcePages | None
) -> Summary:
    """Ask every question (after its history, in one conversation) and score the answers."""
    s = Summary("inspection-assistant")
    for q in questions:
        history = [assistant.ask(h) for h in q.history]
        t0 = time.perf_counter()
        a = assistant.ask(q.question, history=history or None)
        ms = (time.perf_counter() - t0) * 1000
        passages = [Passage(h.chunk.source, h.chunk.text) for h in a.passages[:5]]
        if a.mode == "catalogue":
            # The cited passages come first, then the retrieved ones (as the app shows them).
            cited = [Passage(c.source, c.passage) for c in a.citations]
            passages = list(
                dict.fromkeys(cited + [Passage(h.chunk.source, h.chunk.text) for h in a.passages])
            )[:5]
        r = ranks(passages, q)
        ok = sum(
            1 for c in a.citations if pages is None or pages.holds(c.source, c.pdf_page, c.quote)
        )
        has_ev = bool(q.evidence or q.evidence_any)
        cites = None
        if q.answerable and q.evidence:
            cites = any(
                c.source in q.sources and quotes_evidence(c.quote, q.evidence) for c in a.citations
            )
        elif q.answerable and q.evidence_any:
            cites = any(
                c.source in q.sources and any(norm(p) in norm(c.quote) for p in q.evidence_any)
                for c in a.citations
            )
        grade_ok = None
        if q.type == "grade" and q.grade:
            grade_ok = not a.abstained and states_grade(a.text, q.grade)
        s.rows.append(
            Row(
                qid=q.id,
                qtype=q.type,
                answerable=q.answerable,
                source_rank=r.source,
                evidence_rank=r.evidence,
                abstained=a.abstained,
                citations=len(a.citations),
                verbatim=ok,
                ms=ms,
                split=q.split,
                has_evidence=has_ev,
                cites_evidence=cites,
                grade_correct=grade_ok,
            )
        )
    return s


def evaluate_baseline(name: str, search, questions: list[Question]) -> Summary:
    """Score a baseline's top-5 passages (it never abstains and cites nothing)."""
    s = Summary(name)
    for q in questions:
        t0 = time.perf_counter()
        hits = search(" ".join([*q.history, q.question]))[:5]
        ms = (time.perf_counter() - t0) * 1000
        r = ranks([Passage(h.source, h.text) for h in hits], q)
        s.rows.append(
            Row(
                qid=q.id,
                qtype=q.type,
                answerable=q.answerable,
                source_rank=r.source,
                evidence_rank=r.evidence,
                ms=ms,
                split=q.split,
                has_evidence=bool(q.evidence or q.evidence_any),
            )
        )
    return s


def run_eval(
    file: Path,
    index_dir: Path | None = None,
    baselines: bool = False,
    corpus: Path | None = None,
    out: Path | None = None,
    split: str | None = None,
) -> str:
    """Run the evaluation; returns a Markdown report (and writes JSON to ``out``).

    Args:
        file: The questions JSONL (the regression set or the blind set).
        index_dir: The index built from ``corpus``.
        baselines: Also score LangChain's default recipe and BM25 alone on the same PDFs.
        corpus: The folder the index was built from (default ../shared/corpus).
        out: Where to write per-question results as JSON.
        split: Only the questions of this split ("dev" or "test"; all when None).
    """
    from assistant.core import Assistant

    questions = load_questions(file, split)
    corpus = corpus or CORPUS_DEFAULT
    settings = Settings(**({"index_dir": index_dir} if index_dir else {}))
    assistant = Assistant(settings)
    assistant.warm_up()
    pages = SourcePages(corpus) if corpus.exists() else None
    summaries = [evaluate_assistant(assistant, questions, pages)]
    if baselines:
        import sys

        sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
        from benchmarks.baselines import bm25_alone, langchain_recipe

        pdfs = sorted(corpus.rglob("*.pdf"))
        persist = settings.store.index_dir.parent / (
            settings.store.index_dir.name + "-langchain-baseline"
        )
        summaries.append(
            evaluate_baseline(
                "langchain-recipe", langchain_recipe(pdfs, corpus, persist), questions
            )
        )
        summaries.append(evaluate_baseline("bm25-alone", bm25_alone(pdfs, corpus), questions))
    report = to_markdown(summaries)
    times = sorted(r.ms for r in summaries[0].rows)
    report += (
        f"\n\nassistant latency per question: p50 {times[len(times) // 2]:.0f} ms, "
        f"p95 {times[max(0, int(len(times) * 0.95) - 1)]:.0f} ms (n={len(times)})\n"
    )
    if out:
        out.write_text(
            json.dumps({s.name: [asdict(r) for r in s.rows] for s in summaries}, indent=1)
        )
    by_type: dict[str, int] = defaultdict(int)
    for q in questions:
        by_type[q.type] += 1
    return f"questions: {dict(by_type)}\n" + report
