"""Reports a follow-up counts from the one the conversation was about: "the next inspection",
"the one before", "since then", "how does that compare with the previous one"."""

from __future__ import annotations

import re
from datetime import date

from assistant.kinds import INSPECTION, holdings, kind_of
from assistant.periods import UNDATED_LEAD
from assistant.records import AbstainReason, Abstention, Context
from vectorstore.records import ReportRecord

# Reports counted from the one a conversation was about: "the next inspection", "since then".
_RELATIVE = re.compile(
    r"\b(?:next|following|subsequent|later|after\s+that|since(?:\s+then)?|previous|prior|earlier|"
    r"before\s+that|the\s+one\s+before)\b",
    re.I,
)
_COMPARE = re.compile(r"\b(?:compar\w*|differ\w*|changed?|better|worse|than)\b", re.I)


def overlaps(r: ReportRecord, start: date | None, end: date | None) -> bool:
    """Whether a report's dates meet the period (an undated report always does)."""
    dates = [d for d in (r.inspection_start, r.inspection_end, r.published) if d]
    if not dates:
        return True  # undated: uncertain metadata ranks, it never filters the report out
    if r.published and not (r.inspection_start or r.inspection_end):
        dates.append(r.published - UNDATED_LEAD)  # inspected in the weeks before publication
    lo, hi = min(dates), max(dates)
    return (start is None or hi >= start) and (end is None or lo <= end)


def when(r: ReportRecord) -> date:
    """The date a report is placed at: the end of its inspection, else its publication."""
    return r.inspection_end or r.inspection_start or r.published or date.min


def relative_reports(
    question: str, subjects: tuple[str, ...], prev: Context, reports: list[ReportRecord]
) -> tuple[tuple[str, ...], Abstention | None] | None:
    """The reports a follow-up means by "the next inspection", "the one before" or "since
    then", counted from the report(s) the previous turn was about; None when it says none
    of these."""
    m = _RELATIVE.search(question)
    if m is None or not subjects:
        return None
    mine = sorted((r for r in reports if r.subject in subjects), key=when)
    anchor = [r for r in mine if r.report_id in prev.report_ids] or [
        r
        for r in mine
        if (prev.date_from or prev.date_to) and overlaps(r, prev.date_from, prev.date_to)
    ]
    if not anchor:
        return None
    word = m.group(0).lower()
    before = bool(re.match(r"(?:previous|prior|earlier|before)", word))
    if before:
        cands = [r for r in mine if when(r) < min(when(r) for r in anchor)]
    else:
        cands = [r for r in mine if when(r) > max(when(r) for r in anchor)]
    if re.search(r"\b(?:full|graded)\s+inspection|\binspection\b", question, re.I) and not (
        re.search(r"\bvisit\b", question, re.I)
    ):
        cands = [r for r in cands if kind_of(r) == INSPECTION]
    if re.search(r"\b(?:next|previous|following|earlier|prior|later)\s+one\b", question, re.I):
        # "the next one" is the next of the same kind: after an inspection, the next inspection.
        kinds = {kind_of(r) for r in anchor}
        kinds = {INSPECTION} if INSPECTION in kinds else kinds
        cands = [r for r in cands if kind_of(r) in kinds] or cands
    if not cands:
        where = "before" if before else "after"
        return (), Abstention(
            AbstainReason.PERIOD_NOT_COVERED,
            f"The index holds no {', '.join(subjects)} report {where} the one of "
            f"{when(anchor[0]).year}; the indexed reports are: {holdings(mine)}.",
            (f"{where} {when(anchor[0]).year}",),
        )
    if word.startswith("since"):
        return tuple(r.report_id for r in cands if r.report_id), None
    chosen = cands[-1] if before else cands[0]
    picked = (chosen.report_id,) if chosen.report_id else ()
    if _COMPARE.search(question):
        # "how does that compare with the previous inspection?": both reports, the one the
        # conversation is about first (it often says how much has changed since).
        picked = tuple(r.report_id for r in anchor if r.report_id) + picked
    return picked, None


# A question that leans on the one before: "and what about …", "is that better …", "them".
_FOLLOW_UP = re.compile(
    r"^\s*(and|also|what about|how about|what of|and what|same|then)\b|"
    r"\b(there|they|their|them|it|its|that report|this report|the same|that authority|"
    r"this authority|that council|this council|that force|this force|those|these)\b|"
    # "is that better than the previous one?", "how does that grade compare?"
    r"^\s*(?:is|was|were|has|had|did|does)\s+(?:that|this)\b|"
    r"\b(?:previous|next|last|earlier|later|other)\s+one\b|\bone\s+before\b|"
    r"\bthat\s+(?:one|grade|rating|judge?ment|result|outcome|visit|inspection|letter)\b",
    re.I,
)


def previous_context(history: list | None) -> Context | None:
    """The context of the latest earlier turn that was about a place, a report or a period."""
    for turn in reversed(history or []):
        ctx = getattr(turn, "context", None)
        if ctx is not None and (ctx.subjects or ctx.report_ids or ctx.date_from or ctx.date_to):
            return ctx
    return None


def is_follow_up(question: str, subjects: tuple, period: str) -> bool:
    """Whether a question continues the conversation: it leans on the turn before, or is short
    and does not name both a place and a period of its own."""
    if _FOLLOW_UP.search(question):
        return True
    return len(question.split()) <= 8 and not (subjects and period)
