"""Evaluation on a labelled question set, with baselines scored on the same PDFs in the same run.

Two question files are read: the regression set (``benchmarks/qa/questions.jsonl``) and the blind
set (``benchmarks/qa/blind.jsonl``, written by people who saw only the reports, split into
``dev`` and ``test`` before anything was run). Metrics per split and per question type:

* source hit@1 and @5, evidence hit@5 and MRR over the top five passages;
* answer cites the evidence: a citation of the answer quotes the labelled span (or overlaps it);
* grade correct: a grade question is answered (not declined) and its text states the grade;
* citation verbatim: every quote re-checked against the original file's page, not our text;
* abstention on unanswerable questions, and answered-when-answerable.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from assistant.settings import Settings

CORPUS_DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus"
COLUMNS = (
    "n",
    "source_hit@1",
    "source_hit@5",
    "evidence_hit@5",
    "mrr",
    "cites_evidence",
    "grade_correct",
    "citation_verbatim",
    "abstention_unanswerable",
    "answered_answerable",
)


def norm(text: str) -> str:
    """Normalise for matching: quotes, dashes, hyphen-line-break joins, case and whitespace."""
    t = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = t.replace("–", "-").replace("—", "-").replace("\xad", "")
    t = re.sub(r"(\w)-\s+(\w)", r"\1-\2", t)
    return re.sub(r"\s+", " ", t).strip().lower()


@dataclass(frozen=True)
class Question:
    """One labelled question of either set (the regression set has no split or history)."""

    id: str
    type: str
    question: str
    answerable: bool
    sources: tuple[str, ...] = ()
    evidence: str | None = None
    evidence_any: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    grade: str | None = None
    split: str = "regression"

    @classmethod
    def from_json(cls, rec: dict, split: str = "regression") -> Question:
        """A question from one JSONL record (unknown fields are ignored)."""
        return cls(
            id=rec["id"],
            type=rec["type"],
            question=rec["question"],
            answerable=bool(rec["answerable"]),
            sources=tuple(rec.get("sources") or ()),
            evidence=rec.get("evidence"),
            evidence_any=tuple(rec.get("evidence_any") or ()),
            history=tuple(rec.get("history") or ()),
            grade=rec.get("grade"),
            split=rec.get("split") or split,
        )


def load_questions(file: Path, split: str | None = None) -> list[Question]:
    """Questions of a JSONL file, optionally of one split only."""
    qs = [
        Question.from_json(json.loads(x))
        for x in Path(file).read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    return [q for q in qs if split in (None, q.split)]


@dataclass
class Row:
    """The outcome of one question for one system."""

    qid: str
    qtype: str
    answerable: bool
    source_rank: int | None = None  # 1-based rank of the first passage from a right source
    evidence_rank: int | None = None  # 1-based rank of the first passage holding the evidence
    abstained: bool = False
    citations: int = 0
    verbatim: int = 0
    ms: float = 0.0
    split: str = "regression"
    has_evidence: bool = True
    cites_evidence: bool | None = None
    grade_correct: bool | None = None


@dataclass
class Summary:
    """Aggregated metrics of one system."""

    name: str
    rows: list[Row] = field(default_factory=list)

    def metrics(self, qtype: str | None = None, split: str | None = None) -> dict:
        """The metrics over the rows of one type and/or split (all when None)."""
        rows = [r for r in self.rows if qtype in (None, r.qtype) and split in (None, r.split)]
        ans = [r for r in rows if r.answerable]
        una = [r for r in rows if not r.answerable]
        # The overall figure is over single-report questions, whose one labelled span is the
        # evidence; the cross-report row scores those questions by their per-source phrases.
        with_ev = [
            r
            for r in ans
            if r.has_evidence and (r.qtype != "cross_report" or qtype == "cross_report")
        ]

        def rate(xs, pred):
            return round(sum(1 for x in xs if pred(x)) / len(xs), 3) if xs else None

        cites = sum(r.citations for r in rows)
        mrr_rows = [r for r in ans if r.has_evidence]
        return {
            "n": len(rows),
            "source_hit@1": rate(ans, lambda r: r.source_rank == 1),
            "source_hit@5": rate(ans, lambda r: r.source_rank is not None and r.source_rank <= 5),
            "evidence_hit@5": rate(
                with_ev, lambda r: r.evidence_rank is not None and r.evidence_rank <= 5
            ),
            "mrr": round(
                sum(1 / r.evidence_rank for r in mrr_rows if r.evidence_rank) / len(mrr_rows), 3
            )
            if mrr_rows
            else None,
            "cites_evidence": rate(
                [r for r in with_ev if r.cites_evidence is not None], lambda r: r.cites_evidence
            ),
            "grade_correct": rate(
                [r for r in rows if r.grade_correct is not None], lambda r: r.grade_correct
            ),
            "citation_verbatim": round(sum(r.verbatim for r in rows) / cites, 4) if cites else None,
            "abstention_unanswerable": rate(una, lambda r: r.abstained),
            "answered_answerable": rate(ans, lambda r: not r.abstained),
        }


class SourcePages:
    """Original page texts of corpus files, for checking quotes against the source itself."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self._cache: dict[str, list[str]] = {}

    def pages(self, source: str) -> list[str]:
        """The normalised text of each page of a corpus file."""
        if source not in self._cache:
            path = self.corpus / source
            if not path.is_file():
                self._cache[source] = []
            elif path.suffix.lower() == ".pdf":
                import pymupdf

                with pymupdf.open(path) as doc:
                    self._cache[source] = [norm(p.get_text()) for p in doc]
            else:
                self._cache[source] = [norm(path.read_text(encoding="utf-8", errors="replace"))]
        return self._cache[source]

    def holds(self, source: str, pdf_page: int, quote: str) -> bool:
        """True when the quote is verbatim (modulo line breaks) on that page of the file."""
        pages = self.pages(source)
        q = norm(quote)
        if 1 <= pdf_page <= len(pages) and q in pages[pdf_page - 1]:
            return True
        # A sentence that runs over a page break starts on the cited page and ends on the next
        # (the running header and footer stand between the two parts in the file).
        if 1 <= pdf_page < len(pages):
            words = q.split(" ")
            here, there = pages[pdf_page - 1], pages[pdf_page]
            for k in range(len(words) - 1, 0, -1):
                head, tail = " ".join(words[:k]), " ".join(words[k:])
                if head.endswith("-"):
                    continue
                if here.endswith(head) or (head in here and tail in there):
                    return tail in there
            for k in range(len(words) - 1, 0, -1):  # a word hyphenated over the break
                m = re.match(r"(.*\w-)(\w.*)", words[k - 1])
                if (
                    m
                    and " ".join([*words[: k - 1], m.group(1)]) in here
                    and (" ".join([m.group(2), *words[k:]]) in there)
                ):
                    return True
        return False


def _ranks(passages: list[tuple[str, str]], q: Question) -> tuple[int | None, int | None]:
    sources = set(q.sources)
    evidence = norm(q.evidence) if q.evidence else None
    # A cross-report question may name phrases that every listed source states: a passage of
    # any listed source holding one is evidence as well as the one labelled span.
    phrases = [norm(p) for p in q.evidence_any]
    src_rank = ev_rank = None
    for i, (source, text) in enumerate(passages, 1):
        if src_rank is None and source in sources:
            src_rank = i
        if ev_rank is None and source in sources:
            t = norm(text)
            if (evidence and evidence in t) or any(p in t for p in phrases):
                ev_rank = i
    return src_rank, ev_rank


def quotes_evidence(quote: str, evidence: str) -> bool:
    """True when a quote holds the evidence, sits inside it, or shares most of its words in a
    row (a sentence cut at another boundary than the label's)."""
    a, b = norm(quote).split(), norm(evidence).split()
    if not a or not b:
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= min(len(b), max(6, (len(b) + 1) // 2))


_GRADE_WORDS = {
    "requires improvement to be good": ("requires improvement",),
    "not graded": (
        "not graded",
        "no graded judgement",
        "no graded judgements",
        "no grade",
        "not given a grade",
        "does not grade",
        "do not grade",
    ),
}


def states_grade(text: str, grade: str) -> bool:
    """True when an answer's text states the expected grade."""
    t = norm(text)
    want = _GRADE_WORDS.get(grade, (grade,))
    return any(re.search(rf"\b{re.escape(w)}\b", t) for w in want)


def evaluate_assistant(assistant, questions: list[Question], pages: SourcePages | None) -> Summary:
    """Ask every question (after its history, in one conversation) and score the answers."""
    s = Summary("inspection-assistant")
    for q in questions:
        history = [assistant.ask(h) for h in q.history]
        t0 = time.perf_counter()
        a = assistant.ask(q.question, history=history or None)
        ms = (time.perf_counter() - t0) * 1000
        passages = [(h.chunk.source, h.chunk.text) for h in a.passages[:5]]
        if a.mode == "catalogue":
            # The cited passages come first, then the retrieved ones (as the app shows them).
            cited = [(c.source, c.passage) for c in a.citations]
            passages = list(
                dict.fromkeys(cited + [(h.chunk.source, h.chunk.text) for h in a.passages])
            )[:5]
        src, ev = _ranks(passages, q)
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
                q.id,
                q.type,
                q.answerable,
                src,
                ev,
                a.abstained,
                len(a.citations),
                ok,
                ms,
                q.split,
                has_ev,
                cites,
                grade_ok,
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
        src, ev = _ranks([(h.source, h.text) for h in hits], q)
        s.rows.append(
            Row(
                q.id,
                q.type,
                q.answerable,
                src,
                ev,
                False,
                0,
                0,
                ms,
                q.split,
                bool(q.evidence or q.evidence_any),
            )
        )
    return s


def to_markdown(summaries: list[Summary]) -> str:
    """A table per split, per question type and overall."""
    rows = summaries[0].rows
    splits = sorted({r.split for r in rows})
    out = []
    for split in splits:
        types = sorted({r.qtype for r in rows if r.split == split})
        out.append(f"\n### split: {split}\n")
        for t in [None, *types]:
            out.append(f"\n#### {'all questions' if t is None else t}\n")
            out.append("| system | " + " | ".join(COLUMNS) + " |")
            out.append("|---" * (len(COLUMNS) + 1) + "|")
            for s in summaries:
                m = s.metrics(t, split)
                out.append(
                    f"| {s.name} | "
                    + " | ".join("—" if m[c] is None else str(m[c]) for c in COLUMNS)
                    + " |"
                )
    return "\n".join(out)


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

        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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
