"""The outcome of each question and the metrics over them, per split and question type."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

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


@dataclass(frozen=True)
class Metrics:
    """The metrics over some rows (None where no row counts); see the package's docstring."""

    n: int
    source_hit_1: float | None
    source_hit_5: float | None
    evidence_hit_5: float | None
    mrr: float | None
    cites_evidence: float | None
    grade_correct: float | None
    citation_verbatim: float | None
    abstention_unanswerable: float | None
    answered_answerable: float | None

    def as_dict(self) -> dict[str, int | float | None]:
        """The metrics by their column names (``source_hit@1``...), as the reports print them."""
        return {k.replace("_hit_", "_hit@"): v for k, v in asdict(self).items()}


@dataclass
class Summary:
    """Aggregated metrics of one system."""

    name: str
    rows: list[Row] = field(default_factory=list)

    def metrics(self, qtype: str | None = None, split: str | None = None) -> Metrics:
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
        return Metrics(
            n=len(rows),
            source_hit_1=rate(ans, lambda r: r.source_rank == 1),
            source_hit_5=rate(ans, lambda r: r.source_rank is not None and r.source_rank <= 5),
            evidence_hit_5=rate(
                with_ev, lambda r: r.evidence_rank is not None and r.evidence_rank <= 5
            ),
            mrr=round(
                sum(1 / r.evidence_rank for r in mrr_rows if r.evidence_rank) / len(mrr_rows), 3
            )
            if mrr_rows
            else None,
            cites_evidence=rate(
                [r for r in with_ev if r.cites_evidence is not None], lambda r: r.cites_evidence
            ),
            grade_correct=rate(
                [r for r in rows if r.grade_correct is not None], lambda r: r.grade_correct
            ),
            citation_verbatim=round(sum(r.verbatim for r in rows) / cites, 4) if cites else None,
            abstention_unanswerable=rate(una, lambda r: r.abstained),
            answered_answerable=rate(ans, lambda r: not r.abstained),
        )


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
                m = s.metrics(t, split).as_dict()
                out.append(
                    f"| {s.name} | "
                    + " | ".join("—" if m[c] is None else str(m[c]) for c in COLUMNS)
                    + " |"
                )
    return "\n".join(out)
