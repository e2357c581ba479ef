"""The chat's filters: the choices offered (from the live reports) and the user's picks as
``Filters``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import gradio as gr

from assistant.kinds import kind_of
from ingest.dates import human_range
from vectorstore.records import Filters, ReportRecord


@dataclass(frozen=True)
class FilterChoices:
    """What the filter dropdowns offer.

    Attributes:
        subjects: Local authorities and police forces, sorted.
        inspectorates: Inspectorates, sorted.
        reports: (label, report_id) per report, by subject then inspection date.
        kinds: Kinds of report held ("inspection", "focused visit", ...), sorted.
    """

    subjects: list[str]
    inspectorates: list[str]
    reports: list[tuple[str, str]]
    kinds: list[str] = field(default_factory=list)


def report_label(r: ReportRecord) -> str:
    """A report as the dropdowns name it: "Norfolk — <title> (7 to 18 November 2022)"."""
    when = human_range(r.inspection_start, r.inspection_end) or (
        r.published.isoformat() if r.published else "undated"
    )
    return f"{r.subject or 'Unknown'} — {r.title or r.source} ({when})"


def filter_choices(live: Sequence[ReportRecord]) -> FilterChoices:
    """The subjects, inspectorates, reports and kinds of report of the live index (its live
    records)."""
    subjects = sorted({r.subject for r in live if r.subject})
    inspectorates = sorted({r.inspectorate for r in live if r.inspectorate})
    seen: dict[str, str] = {}
    for r in sorted(live, key=lambda r: (r.subject or "", r.inspection_start or date.min)):
        if r.report_id and r.report_id not in seen:
            seen[r.report_id] = report_label(r)
    kinds = sorted({kind_of(r) for r in live})
    return FilterChoices(
        subjects, inspectorates, [(label, rid) for rid, label in seen.items()], kinds
    )


def _parse_day(value: str | None, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        gr.Warning(f"{label}: use a date like 2022-11-30; ignored.")
        return None


def make_filters(subjects, inspectorates, report, date_from, date_to, kinds=None) -> Filters:
    """The user's filter choices as ``Filters`` (a date that cannot be read is ignored, with a
    warning)."""
    return Filters(
        subjects=tuple(s for s in (subjects or []) if s),
        inspectorates=tuple(i for i in (inspectorates or []) if i),
        report_ids=(report,) if report else (),
        date_from=_parse_day(date_from, "From"),
        date_to=_parse_day(date_to, "To"),
        kinds=tuple(k for k in (kinds or []) if k),
    )
