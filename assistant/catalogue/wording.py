"""How catalogue answers word reports, periods and grades a report does not state."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.catalogue.records import Absence, CatalogueReport
from assistant.kinds import kind_of
from assistant.periods import parse_period
from assistant.vocabulary import OVERALL, Area
from ingest.dates import human_range
from vectorstore.records import ReportRecord

ABSENCE_WORDS = {
    Absence.NOT_GRADED_VISIT: "a focused or monitoring visit: such visits are not graded",
    Absence.LSCB_REVIEW_ONLY: "an LSCB review: the local authority is not graded in it",
    Absence.HMIC_NOT_GRADED: "HMIC inspections of this kind are not graded",
    Absence.NOT_GRADED_KIND: "a {kind}: it gives no graded judgement",
    Absence.CONFLICTING: "its statements of this grade disagree",
    Absence.NOT_STATED: "",
}
"""Why a grade is absent, as an answer says it ("" when no reason is known)."""


def when(r: ReportRecord) -> str:
    """A report's dates as an answer names it ("inspection of 6 to 17 March 2017")."""
    span = human_range(r.inspection_start, r.inspection_end)
    if span:
        inspected = r.inspection_end or r.inspection_start
        if r.published and inspected and r.published.year != inspected.year:
            return f"inspection of {span}, published {human_range(r.published, r.published)}"
        return f"inspection of {span}"
    if r.published:
        return f"report published {human_range(r.published, r.published)}"
    return f"report {r.source}"


def lc(text: str) -> str:
    """Lower-case a leading capital of an ordinary word ("Overall effectiveness")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def possessive(name: str) -> str:
    """ "Croydon's", "St Helens'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def period_words(question: str, prep: str = "from") -> str:
    """ "from 2017", "since 2014", "from March 2023" (``prep`` for a plain period), or ""."""
    desc = parse_period(question).words
    if not desc:
        return ""
    if desc.startswith(("since", "before")):
        return desc
    return f"{prep} {desc}"


def none_stated(
    subject: str, pool: Sequence[CatalogueReport], period: str, area: Area | None
) -> str:
    """The sentence saying a subject's reports state no grade for an area (or none at all).

    Args:
        subject: The subject's canonical name.
        pool: Its reports in the question's scope, oldest first.
        period: The period's words ("from 2017"), or "".
        area: The judgement asked about; None for "any graded judgement".

    Returns:
        The sentence; with one report, why its grade is absent when that is known.
    """
    what = f"a grade for {area.name}" if area else "any graded judgement"
    if len(pool) == 1:
        rep = pool[0]
        year = re.fullmatch(r"from ((?:19|20)\d{2})", period)
        name = (
            f"The {year.group(1)} {subject} report"
            if year
            else f"The {subject} report ({when(rep.record)})"
        )
        why = ABSENCE_WORDS[rep.absence(area or OVERALL)].format(kind=kind_of(rep.record))
        return f"{name} does not state {what}" + (f" ({why})." if why else ".")
    span = f" {period}" if period else ""
    return f"None of the {len(pool)} {subject} reports{span} states {what}."


__all__ = ["ABSENCE_WORDS", "lc", "none_stated", "period_words", "possessive", "when"]
