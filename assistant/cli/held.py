"""``held list`` and ``held accept``: files held back as not inspection reports.

An accepted file is indexed by the next ``ingest`` of its folder (or the app's next rescan).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from assistant.cli.common import IndexOption, JsonOption, fail, out, print_json
from assistant.factory import open_index, settings_for
from assistant.held import AcceptedFiles, held_files

app = typer.Typer(help="Files held back as not inspection reports.", no_args_is_help=True)


@app.command("list")
def list_held(index: IndexOption = None, json_out: JsonOption = False) -> None:
    """The files held back, with the reason and whether an admin accepted them."""
    settings = settings_for(index_dir=index)
    held = held_files(open_index(settings))
    accepted = AcceptedFiles(settings.store.index_dir).paths()
    if json_out:
        print_json(
            [{"path": h.path, "reason": h.reason, "accepted": h.path in accepted} for h in held]
        )
        return
    if not held:
        out.print("No file is held back.")
        return
    table = Table("held file", "reason", "accepted")
    for h in held:
        table.add_row(Text(h.path), Text(h.reason), "yes" if h.path in accepted else "")
    out.print(table)


@app.command("accept")
def accept(
    paths: Annotated[list[str], typer.Argument(help="held files, as `held list` names them")],
    index: IndexOption = None,
) -> None:
    """Accept held files as reports: the next ingest of their folder indexes them.

    Exits 1, accepting nothing, when a path is not among the held files.
    """
    settings = settings_for(index_dir=index)
    held = {h.path for h in held_files(open_index(settings))}
    unknown = [p for p in paths if p not in held]
    if unknown:
        fail(f"not held: {', '.join(unknown)} (see `held list`)")
    AcceptedFiles(settings.store.index_dir).accept(paths)
    out.print(f"Accepted {len(paths)} file(s); the next ingest of their folder indexes them.")
