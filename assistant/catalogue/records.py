"""Typed records of the catalogue: a report with its judgements, a point of a timeline, and why
a report states no grade.

Every answer writer and the web app work with these; JSON is made from them only at the edge
(:mod:`assistant.catalogue.export`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from assistant.vocabulary import OVERALL, Area, pick_judgement
from ingest.records import Judgement
from vectorstore.records import ReportRecord

UNGRADED_KINDS = frozenset({"focused visit", "monitoring visit"})
"""Kinds of report (``assistant.kinds.kind_of``) that are never graded."""


class Absence(Enum):
    """Why a report states no grade for a judgement."""

    NOT_GRADED_VISIT = "not_graded_visit"
    """A focused or monitoring visit: visits are not graded."""
    LSCB_REVIEW_ONLY = "lscb_review_only"
    """A review of the Local Safeguarding Children Board only: the authority is not graded."""
    HMIC_NOT_GRADED = "hmic_not_graded"
    """An HMIC inspection of a kind that is not graded."""
    NOT_GRADED_KIND = "not_graded_kind"
    """A report of a kind that states no graded judgement (a joint targeted area inspection,
    a report of a layout nobody described that states no grade or outcome)."""
    CONFLICTING = "conflicting"
    """The report's statements of the grade disagree, so none is kept."""
    NOT_STATED = "not_stated"
    """The report does not state it, for no reason the catalogue knows."""


def report_date(r: ReportRecord) -> date | None:
    """The date a report is placed at: the end of its inspection, else its publication."""
    return r.inspection_end or r.inspection_start or r.published


def sort_key(r: ReportRecord) -> tuple[str, date, str]:
    """Order of reports in the catalogue: by subject (unnamed last), then date, then path."""
    return (r.subject or "\uffff", report_date(r) or date.min, r.source)


@dataclass(frozen=True)
class CatalogueReport:
    """A live report with what the catalogue holds of it.

    Attributes:
        record: The report's record (its ``source`` is the path its chunks carry).
        judgements: Its graded judgements, in the order the report states them.
        improvements: Its "what needs to improve" points, verbatim.
        absences: Why the report states no grade, by judgement key; only keys with a known
            reason are present.
    """

    record: ReportRecord
    judgements: tuple[Judgement, ...] = ()
    improvements: tuple[str, ...] = ()
    absences: Mapping[str, Absence] = field(default_factory=dict)

    @property
    def report_id(self) -> str:
        """The report's id ("" for a record without one)."""
        return self.record.report_id or ""

    def judgement(self, area: Area) -> Judgement | None:
        """The report's judgement for an area, or None when it states none."""
        return pick_judgement(list(self.judgements), area)

    def absence(self, area: Area) -> Absence:
        """Why the report states no grade for an area.

        The area's own keys are looked at first, then the overall judgement (a visit or a
        review states no grade at all). Disagreeing statements of the overall grade are not
        given as the reason.

        Args:
            area: The judgement area asked about.

        Returns:
            The reason, or ``Absence.NOT_STATED`` when none is known.
        """
        for key in (*area.keys, *OVERALL.keys):
            why = self.absences.get(key.split("+")[0])
            if why is None or (why is Absence.CONFLICTING and key in OVERALL.keys):
                continue
            return why
        return Absence.NOT_STATED


@dataclass(frozen=True)
class TimelinePoint:
    """A report's grade for one judgement, placed at the report's date.

    Attributes:
        record: The report's record.
        judgement: Its judgement for the area, or None when it states none.
    """

    record: ReportRecord
    judgement: Judgement | None

    @property
    def day(self) -> date | None:
        """Where the point is placed: the inspection's end, else its start, else publication."""
        return report_date(self.record)


__all__ = [
    "UNGRADED_KINDS",
    "Absence",
    "CatalogueReport",
    "TimelinePoint",
    "report_date",
    "sort_key",
]
