"""Follow-up questions suggested under an answer, drawn from the reports it cites (no model).

For the report an answer cites first: its other graded judgements, what it says needs to
improve, and the report of the same place before and after it. Each suggestion is only made
when the catalogue holds what it asks about, so every one can be answered.
"""

from __future__ import annotations

from assistant.catalogue import Catalogue
from assistant.catalogue.records import report_date
from assistant.records import Answer
from vectorstore.records import ReportRecord


def _when(r: ReportRecord) -> str:
    d = report_date(r)
    return d.strftime("%B %Y") if d else ""


def follow_ups(catalogue: Catalogue, answer: Answer, limit: int = 3) -> list[str]:
    """Up to ``limit`` follow-up questions about the reports the answer cites.

    Args:
        catalogue: The catalogue of live reports.
        answer: The answer shown (an abstention gets none).
        limit: How many at most.
    """
    if answer.abstained or not answer.citations or limit <= 0:
        return []
    records = {r.report_id: r for r in catalogue.live_reports() if r.report_id}
    asked = " ".join(answer.question.lower().split())
    out: list[str] = []

    def add(q: str) -> None:
        if q.lower() != asked and q not in out:
            out.append(q)

    for rid in dict.fromkeys(c.report_id for c in answer.citations):
        r = records.get(rid)
        if r is None or not r.subject:
            continue
        when = _when(r)
        held = catalogue.report(r)
        at = f" in {when}" if when else ""
        if len([j for j in held.judgements if j.grade_key]) > 0 and "rated" not in asked:
            add(f"How was {r.subject} rated for each judgement{at}?")
        if held.improvements and "improve" not in asked:
            add(f"What did the {r.subject} report{at} say needs to improve?")
        same = sorted(
            (x for x in records.values() if x.subject == r.subject and report_date(x)),
            key=lambda x: report_date(x),  # type: ignore[arg-type, return-value]
        )
        if r in same:
            i = same.index(r)
            if i > 0:
                add(f"What did the previous {r.subject} report, of {_when(same[i - 1])}, find?")
            if i + 1 < len(same):
                add(f"What did the next {r.subject} report, of {_when(same[i + 1])}, find?")
        if len(out) >= limit:
            break
    return out[:limit]
