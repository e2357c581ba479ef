"""The Reports tab's table: every indexed report and failed file, with its graded judgements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.catalogue import Catalogue
from assistant.kinds import kind_of
from assistant.vocabulary import grade_label, judgement_label
from ingest.records import Judgement
from vectorstore.records import ReportRecord

REPORT_COLUMNS = [
    "Title",
    "Subject",
    "Inspectorate",
    "Inspected from",
    "Inspected to",
    "Published",
    "Overall",
    "Grades",
    "Pages",
    "Chunks",
    "Status",
    "File",
    "Reason",
    "Kind",
    "Report id",
]
REPORT_DATATYPES = ["str"] * 8 + ["number", "number"] + ["str"] * 5


def grade_cells(judgements: Sequence[Judgement]) -> tuple[str, str]:
    """The Reports tab's "Overall" and "Grades" cells for a report's judgements.

    Returns:
        The overall grade ("" when none is stated) and every graded judgement, the overall one
        first: "Overall: Good · Leaders: Outstanding · Care leavers: Good".
    """
    overall = next((j for j in judgements if j.key == "overall"), None)
    ordered = ([overall] if overall else []) + [j for j in judgements if j is not overall]
    parts: list[str] = []
    for j in ordered:
        grade = grade_label(j.grade_key, j.grade)
        part = f"{judgement_label(j)}: {grade}" if grade else ""
        if part and part not in parts:
            parts.append(part)
    first = grade_label(overall.grade_key, overall.grade) if overall else ""
    return first, " · ".join(parts)


def report_rows(
    records: list[ReportRecord], judgements: dict[str, Sequence[Judgement]] | None = None
) -> list[list]:
    """The Reports tab's table: every indexed report and every failed file.

    Args:
        records: The index's report records (failed files too).
        judgements: report_id -> the report's graded judgements.
    """
    judgements = judgements or {}
    rows = []
    for r in records:
        overall, grades = grade_cells(judgements.get(r.report_id or "", []))
        rows.append(
            [
                r.title or "",
                r.subject or "",
                r.inspectorate or "",
                r.inspection_start.isoformat() if r.inspection_start else "",
                r.inspection_end.isoformat() if r.inspection_end else "",
                r.published.isoformat() if r.published else "",
                overall,
                grades,
                r.pages,
                r.chunks,
                r.status,
                r.source,
                r.error or "",
                kind_of(r) if r.status == "indexed" else "",
                r.report_id or "",
            ]
        )
    return rows


@dataclass(frozen=True)
class ReportsTable:
    """What the Reports tab shows.

    Attributes:
        summary: "12 report(s) indexed, 1 file(s) failed."
        rows: One row per report record, in ``REPORT_COLUMNS`` order.
    """

    summary: str
    rows: list[list]


def reports_table(records: list[ReportRecord], catalogue: Catalogue) -> ReportsTable:
    """Every report record of the index (failed files too), with its grades.

    Args:
        records: The index's report records, failed files included.
        catalogue: The catalogue the grades are read from.
    """
    n_ok = len({r.report_id for r in records if r.status == "indexed"})
    n_bad = sum(1 for r in records if r.status == "failed")
    judgements: dict[str, Sequence[Judgement]] = {}
    for r in records:
        if r.status == "indexed" and r.report_id and r.report_id not in judgements:
            judgements[r.report_id] = catalogue.report(r).judgements
    return ReportsTable(
        f"{n_ok} report(s) indexed, {n_bad} file(s) failed.", report_rows(records, judgements)
    )
