"""``reports``: the catalogue of reports and their graded judgements."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from assistant.cli.ask import assistant_for
from assistant.cli.common import IndexOption, JsonOption, KindOption, fail, out, print_json

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
    kind: KindOption = None,
    index: IndexOption = None,
    json_out: JsonOption = False,
) -> None:
    """The catalogue of reports and their judgements."""
    from assistant.catalogue import report_json

    catalogue = assistant_for(index).catalogue
    try:
        rows = catalogue.list_reports(
            subject=subject,
            grade=grade,
            judgement=judgement,
            date_from=_day(date_from),
            date_to=_day(date_to),
            kind=kind,
        )
    except ValueError as exc:
        fail(str(exc))
    found = [catalogue.report(r) for r in rows]
    if json_out:
        print_json([report_json(rep) for rep in found])
        return
    table = Table("subject", "inspected", "overall", "source", box=None, pad_edge=False)
    for rep in found:
        r = rep.record
        overall = next((j.grade for j in rep.judgements if j.key == "overall"), None)
        table.add_row(
            Text(r.subject or "?"),
            Text(r.inspection_start.isoformat() if r.inspection_start else "?"),
            Text(overall or NO_GRADE),
            Text(r.source),
        )
    out.print(table)
