"""``reports``: the catalogue of reports and their graded judgements."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from assistant.cli.ask import assistant_for
from assistant.cli.common import IndexOption, JsonOption, fail, out, print_json

NO_GRADE = "—"


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def reports(
    subject: Annotated[
        str | None, typer.Option(help="local authority or police force", show_default=False)
    ] = None,
    grade: Annotated[
        str | None,
        typer.Option(help="e.g. inadequate, good, 'requires improvement'", show_default=False),
    ] = None,
    judgement: Annotated[
        str | None,
        typer.Option(help="e.g. overall, leadership, care leavers", show_default=False),
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="YYYY-MM-DD", show_default=False)
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="YYYY-MM-DD", show_default=False)
    ] = None,
    index: IndexOption = None,
    json_out: JsonOption = False,
) -> None:
    """The catalogue of reports and their judgements."""
    from assistant.catalogue import list_reports, report_json

    a = assistant_for(index)
    try:
        rows = list_reports(
            a,
            subject=subject,
            grade=grade,
            judgement=judgement,
            date_from=_day(date_from),
            date_to=_day(date_to),
        )
    except ValueError as exc:
        fail(str(exc))
    found = [report_json(a, r) for r in rows]
    if json_out:
        print_json(found)
        return
    table = Table("subject", "inspected", "overall", "source", box=None, pad_edge=False)
    for d in found:
        overall = next((j["grade"] for j in d["judgements"] if j.get("key") == "overall"), None)
        table.add_row(
            Text(d["subject"] or "?"),
            Text(d["inspection_start"] or "?"),
            Text(overall or NO_GRADE),
            Text(d["source"]),
        )
    out.print(table)
