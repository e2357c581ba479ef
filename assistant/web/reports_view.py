"""The Reports tab as people read it: a table of fixed, narrow columns that fits the page,
filters by grade, year, kind and inspectorate, and one report's details on demand (all its
grades, pages, file, failure reason) with links to its file and its timeline.

The full rows (``reports_table``) are kept in the page's state; this module only picks,
filters and shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote as url_quote

import gradio as gr

from assistant.web.render import esc
from assistant.web.reports_table import REPORT_COLUMNS

SHOWN = ["Title", "Subject", "Kind", "Inspectorate", "Inspected to", "Overall", "Status"]
SHOWN_HEADERS = ["Report", "Place", "Kind", "Inspectorate", "Inspected", "Overall", "Status"]
WIDTHS = ["34%", "14%", "12%", "11%", "10%", "12%", "7%"]
NO_DETAILS = "<p class='ia-empty'>Choose a report in the table to see its details.</p>"
ANY = "Any"


def _col(row: list, name: str):
    return row[REPORT_COLUMNS.index(name)]


def year_of(row: list) -> str:
    """The year a row's report was inspected (or published), "" when unknown."""
    for name in ("Inspected to", "Inspected from", "Published"):
        value = _col(row, name)
        if value:
            return str(value)[:4]
    return ""


@dataclass(frozen=True)
class ReportsFilter:
    """What the Reports tab's filters ask for (None: any)."""

    grade: str | None = None
    year: str | None = None
    kind: str | None = None
    inspectorate: str | None = None

    def keeps(self, row: list) -> bool:
        """True when a full row passes every filter."""
        return (
            (not self.grade or _col(row, "Overall") == self.grade)
            and (not self.year or year_of(row) == self.year)
            and (not self.kind or _col(row, "Kind") == self.kind)
            and (not self.inspectorate or _col(row, "Inspectorate") == self.inspectorate)
        )


def make_filter(grade, year, kind, inspectorate) -> ReportsFilter:
    """The filter from the dropdowns' values ("Any" or empty: no restriction)."""
    return ReportsFilter(
        *(None if v in (None, "", ANY) else str(v) for v in (grade, year, kind, inspectorate))
    )


def shown_rows(rows: list[list], f: ReportsFilter) -> tuple[list[list], list[int]]:
    """The visible cells of the rows that pass the filter, and their positions in ``rows``."""
    keep = [i for i, r in enumerate(rows) if f.keeps(r)]
    return [[_shown(rows[i], name) for name in SHOWN] for i in keep], keep


def _shown(row: list, name: str):
    # A file that failed has no title: its name says which one it is.
    if name == "Title":
        return _col(row, "Title") or _col(row, "File")
    return _col(row, name)


def filter_options(rows: list[list]) -> dict[str, list[str]]:
    """The choices of each filter: the values the rows hold, "Any" first."""

    def values(get) -> list[str]:
        return [ANY, *sorted({v for v in map(get, rows) if v})]

    return {
        "grade": values(lambda r: _col(r, "Overall")),
        "year": [ANY, *sorted({y for y in map(year_of, rows) if y}, reverse=True)],
        "kind": values(lambda r: _col(r, "Kind")),
        "inspectorate": values(lambda r: _col(r, "Inspectorate")),
    }


def details_html(row: list) -> str:
    """One report's details: grades, dates, pages, file (linked), status and reason."""
    rid = _col(row, "Report id")
    title = _col(row, "Title") or _col(row, "File")
    items = [
        ("Place", _col(row, "Subject")),
        ("Kind", _col(row, "Kind")),
        ("Inspectorate", _col(row, "Inspectorate")),
        (
            "Inspected",
            " to ".join(v for v in (_col(row, "Inspected from"), _col(row, "Inspected to")) if v),
        ),
        ("Published", _col(row, "Published")),
        ("Grades", _col(row, "Grades")),
        ("Pages", _col(row, "Pages")),
        ("Chunks", _col(row, "Chunks")),
        ("File", _col(row, "File")),
        ("Status", _col(row, "Status")),
        ("Reason", _col(row, "Reason")),
    ]
    cells = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items if v not in ("", None))
    link = (
        f'<a class="ia-open" href="report-file/{esc(url_quote(rid))}" target="_blank" '
        'rel="noopener">Open the report file</a>'
        if rid and _col(row, "Status") == "indexed"
        else ""
    )
    return f'<div class="ia-report-details"><h3>{esc(title)}</h3><dl>{cells}</dl>{link}</div>'


@dataclass
class ReportsControls:
    """The Reports tab's components."""

    summary: gr.Markdown
    refresh: gr.Button
    all_rows: gr.State
    grade: gr.Dropdown
    year: gr.Dropdown
    kind: gr.Dropdown
    inspectorate: gr.Dropdown
    table: gr.Dataframe
    positions: gr.State
    details: gr.HTML
    chosen: gr.State
    to_timeline: gr.Button


def build_reports_tab() -> ReportsControls:
    """The Reports tab's components (call inside its ``gr.Tab``)."""
    with gr.Row():
        summary = gr.Markdown(elem_id="ia-catalogue-summary")
        refresh = gr.Button("Refresh", size="sm", scale=0)
    all_rows = gr.State([])
    with gr.Row():
        grade = gr.Dropdown(label="Overall grade", choices=[ANY], value=ANY, elem_id="ia-rf-grade")
        year = gr.Dropdown(label="Year", choices=[ANY], value=ANY, elem_id="ia-rf-year")
        kind = gr.Dropdown(label="Kind", choices=[ANY], value=ANY, elem_id="ia-rf-kind")
        inspectorate = gr.Dropdown(
            label="Inspectorate", choices=[ANY], value=ANY, elem_id="ia-rf-inspectorate"
        )
    table = gr.Dataframe(
        headers=SHOWN_HEADERS,
        value=[],
        interactive=False,
        wrap=True,
        show_search="search",
        elem_id="ia-reports",
        max_height=560,
        column_widths=WIDTHS,
        datatype=["str"] * len(SHOWN),
    )
    positions = gr.State([])
    details = gr.HTML(NO_DETAILS, elem_id="ia-report-details")
    chosen = gr.State(None)
    to_timeline = gr.Button("Show its timeline", size="sm", visible=False, elem_id="ia-to-timeline")
    return ReportsControls(
        summary, refresh, all_rows, grade, year, kind, inspectorate, table, positions, details,
        chosen, to_timeline,
    )  # fmt: skip


def wire_reports_tab(c: ReportsControls, tabs: gr.Tabs, t_subject: gr.Dropdown) -> None:
    """Connect the filters, the row choice and the timeline link."""
    private = {"api_visibility": "private"}
    filters = [c.grade, c.year, c.kind, c.inspectorate]

    def show(rows, grade, year, kind, inspectorate):
        visible, keep = shown_rows(rows or [], make_filter(grade, year, kind, inspectorate))
        return visible, keep, NO_DETAILS, None, gr.update(visible=False)

    def options(rows, *current):
        opts = filter_options(rows or [])
        return [
            gr.update(choices=opts[k], value=v if v in opts[k] else ANY)
            for k, v in zip(("grade", "year", "kind", "inspectorate"), current, strict=True)
        ]

    shown = [c.table, c.positions, c.details, c.chosen, c.to_timeline]
    c.all_rows.change(options, [c.all_rows, *filters], filters, **private).then(
        show, [c.all_rows, *filters], shown, **private
    )
    for f in filters:
        f.input(show, [c.all_rows, *filters], shown, **private)

    def choose(rows, keep, evt: gr.SelectData):
        row_index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if rows is None or keep is None or not 0 <= row_index < len(keep):
            return NO_DETAILS, None, gr.update(visible=False)
        row = rows[keep[row_index]]
        subject = _col(row, "Subject") or None
        return details_html(row), subject, gr.update(visible=bool(subject))

    c.table.select(
        choose, [c.all_rows, c.positions], [c.details, c.chosen, c.to_timeline], **private
    )
    c.to_timeline.click(
        lambda subject: (gr.Tabs(selected="timeline"), gr.update(value=subject)),
        [c.chosen],
        [tabs, t_subject],
        **private,
    )
