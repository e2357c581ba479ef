"""Evaluation on a labelled question set, with baselines scored on the same PDFs in the same run.

Metrics per question type: source hit@1 and @5, evidence hit@5, MRR, citation verbatim rate
(every quote re-checked against the original file's page, not our stored text), abstention on
unanswerable questions and false abstention on answerable ones.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.settings import Settings

CORPUS_DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def norm(text: str) -> str:
    """Normalise for matching: quotes, dashes, hyphen-line-break joins, case and whitespace."""
    t = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = t.replace("–", "-").replace("—", "-").replace("\xad", "")
    t = re.sub(r"(\w)-\s+(\w)", r"\1-\2", t)
    return re.sub(r"\s+", " ", t).strip().lower()


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


@dataclass
class Summary:
    """Aggregated metrics of one system."""

    name: str
    rows: list[Row] = field(default_factory=list)

    def metrics(self, qtype: str | None = None) -> dict[str, float | int | None]:
        rows = [r for r in self.rows if qtype in (None, r.qtype)]
        ans = [r for r in rows if r.answerable]
        una = [r for r in rows if not r.answerable]
        # The overall figure is over single-report questions, whose one labelled span is the
        # evidence; the cross-report row scores those questions by their per-source phrases.
        with_ev = [r for r in ans if r.qtype != "cross_report" or qtype == "cross_report"]

        def rate(xs, pred):
            return round(sum(1 for x in xs if pred(x)) / len(xs), 3) if xs else None

        cites = sum(r.citations for r in rows)
        return {
            "n": len(rows),
            "source_hit@1": rate(ans, lambda r: r.source_rank == 1),
            "source_hit@5": rate(ans, lambda r: r.source_rank is not None and r.source_rank <= 5),
            "evidence_hit@5": rate(
                with_ev, lambda r: r.evidence_rank is not None and r.evidence_rank <= 5
            ),
            "mrr": round(
                sum(
                    (1 / (r.evidence_rank or r.source_rank))
                    if (r.evidence_rank or (r.qtype == "cross_report" and r.source_rank))
                    else 0
                    for r in ans
                )
                / len(ans),
                3,
            )
            if ans
            else None,
            "citation_verbatim": round(sum(r.verbatim for r in rows) / cites, 4) if cites else None,
            "abstention_unanswerable": rate(una, lambda r: r.abstained),
            "false_abstention": rate(ans, lambda r: r.abstained),
        }


class SourcePages:
    """Original page texts of corpus files, for checking quotes against the source itself."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self._cache: dict[str, list[str]] = {}

    def pages(self, source: str) -> list[str]:
        if source not in self._cache:
            path = self.corpus / source
            if path.suffix.lower() == ".pdf":
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
            joined = [w for w in words]
            for k in range(len(joined) - 1, 0, -1):  # a word hyphenated over the break
                head = " ".join(joined[:k])
                m = re.match(r"(.*\w-)(\w.*)", joined[k - 1])
                if (
                    m
                    and " ".join([*joined[: k - 1], m.group(1)]) in here
                    and (" ".join([m.group(2), *joined[k:]]) in there)
                ):
                    return True
        return False


def _ranks(passages: list[tuple[str, str]], q: dict) -> tuple[int | None, int | None]:
    sources = set(q.get("sources") or [])
    evidence = norm(q["evidence"]) if q.get("evidence") else None
    # A cross-report question may name phrases that every listed source states: a passage of
    # any listed source holding one is evidence as well as the one labelled span.
    phrases = [norm(p).lower() for p in q.get("evidence_any") or []]
    src_rank = ev_rank = None
    for i, (source, text) in enumerate(passages, 1):
        if src_rank is None and source in sources:
            src_rank = i
        if ev_rank is None and source in sources:
            t = norm(text)
            if (evidence and evidence in t) or any(p in t.lower() for p in phrases):
                ev_rank = i
    return src_rank, ev_rank


def evaluate_assistant(assistant, questions: list[dict], pages: SourcePages | None) -> Summary:
    """Ask every question and score the answers."""
    s = Summary("inspection-assistant")
    for q in questions:
        t0 = time.perf_counter()
        a = assistant.ask(q["question"])
        ms = (time.perf_counter() - t0) * 1000
        passages = [(h.chunk.source, h.chunk.text) for h in a.passages[:5]]
        if a.mode == "catalogue":
            # The cited passages come first, then the retrieved ones (as the app shows them).
            cited = [(c.source, c.passage) for c in a.citations]
            passages = list(
                dict.fromkeys(cited + [(h.chunk.source, h.chunk.text) for h in a.passages])
            )[:5]
        src, ev = _ranks(passages, q)
        ok = 0
        for c in a.citations:
            if pages is None or pages.holds(c.source, c.pdf_page, c.quote):
                ok += 1
        s.rows.append(
            Row(q["id"], q["type"], q["answerable"], src, ev, a.abstained, len(a.citations), ok, ms)
        )
    return s


def evaluate_baseline(name: str, search, questions: list[dict]) -> Summary:
    """Score a baseline's top-5 passages (it never abstains and cites nothing)."""
    s = Summary(name)
    for q in questions:
        t0 = time.perf_counter()
        hits = search(q["question"])[:5]
        ms = (time.perf_counter() - t0) * 1000
        src, ev = _ranks([(h.source, h.text) for h in hits], q)
        s.rows.append(Row(q["id"], q["type"], q["answerable"], src, ev, False, 0, 0, ms))
    return s


def to_markdown(summaries: list[Summary]) -> str:
    """A table per question type and overall."""
    cols = [
        "n",
        "source_hit@1",
        "source_hit@5",
        "evidence_hit@5",
        "mrr",
        "citation_verbatim",
        "abstention_unanswerable",
        "false_abstention",
    ]
    types = sorted({r.qtype for r in summaries[0].rows})
    out = []
    for t in [None, *types]:
        out.append(f"\n#### {'all questions' if t is None else t}\n")
        out.append("| system | " + " | ".join(cols) + " |")
        out.append("|---" * (len(cols) + 1) + "|")
        for s in summaries:
            m = s.metrics(t)
            out.append(
                f"| {s.name} | "
                + " | ".join("—" if m[c] is None else str(m[c]) for c in cols)
                + " |"
            )
    return "\n".join(out)


def run_eval(
    file: Path,
    index_dir: Path | None = None,
    baselines: bool = False,
    corpus: Path | None = None,
    out: Path | None = None,
) -> str:
    """Run the evaluation; returns a Markdown report (and writes JSON to ``out``).

    Args:
        file: The questions JSONL.
        index_dir: The index built from ``corpus``.
        baselines: Also score LangChain's default recipe and BM25 alone on the same PDFs.
        corpus: The folder the index was built from (default ../shared/corpus).
        out: Where to write per-question results as JSON.
    """
    from assistant.core import Assistant

    questions = [json.loads(x) for x in Path(file).read_text().splitlines() if x.strip()]
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
        persist = settings.index_dir.parent / (settings.index_dir.name + "-langchain-baseline")
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
        f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms (n={len(times)})\n"
    )
    if out:
        out.write_text(
            json.dumps({s.name: [r.__dict__ for r in s.rows] for s in summaries}, indent=1)
        )
    by_type = defaultdict(int)
    for q in questions:
        by_type[q["type"]] += 1
    return f"questions: {dict(by_type)}\n" + report
