"""``ingest`` and ``status``: building the index and saying what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from assistant.cli.common import (
    EXIT_OK,
    IndexOption,
    JsonOption,
    fail,
    out,
    print_json,
    refuse_if_served,
)
from assistant.cli.progress import ingest_progress
from assistant.factory import make_ingestor, open_index, settings_for
from assistant.status import index_status
from vectorstore.errors import CollectionOwnedError, CorruptIndexError, IndexWriteError

EXIT_INDEX, EXIT_SOME_FAILED = 1, 2


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="report files or folders", show_default=False)
    ],
    index: IndexOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="remove reports whose files are no longer among PATHS")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="print one JSON summary")] = False,
) -> None:
    """Add, update (and with --prune remove) reports.

    Exits 0 when every file is indexed, 2 when some failed, 1 when the index cannot be written.
    """
    settings = settings_for(index_dir=index)
    refuse_if_served(settings)
    try:
        opened = open_index(settings)
    except Exception as exc:
        fail(f"cannot open the index at {settings.store.index_dir}: {exc}", EXIT_INDEX)
    ingestor = make_ingestor(settings, opened)
    try:
        with ingest_progress(enabled=not json_out) as shown:
            summary = ingestor.run(paths, prune=prune, progress=shown.file_done, phases=shown.phase)
    except FileNotFoundError as exc:
        fail(str(exc), EXIT_INDEX)
    except (IndexWriteError, CorruptIndexError, CollectionOwnedError) as exc:
        fail(str(exc), EXIT_INDEX)
    except (OSError, ValueError) as exc:
        fail(f"the index cannot be written: {exc}", EXIT_INDEX)
    if json_out:
        print_json(summary.as_dict(), ascii_only=True)
    else:
        repaired = f", repaired {summary.repaired}" if summary.repaired else ""
        print(
            f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
            f"removed {summary.removed}{repaired}, failed {len(summary.failed)}; "
            f"{summary.pages} pages, {summary.chunks} chunks in {summary.seconds:.1f} s"
        )
        for f in summary.failed:
            print(f"  failed: {f['path']}: {f['reason']}")
    raise typer.Exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


def status(index: IndexOption = None, json_out: JsonOption = False) -> None:
    """What the index holds."""
    st = index_status(settings_for(index_dir=index))
    if json_out:
        print_json(st.as_dict(), ascii_only=True)
    elif st.error:
        print(st.error)
    else:
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column()
        for label, value in (
            ("index", str(st.index)),
            ("reports", f"{st.reports} ({st.sources} files)"),
            ("chunks", str(st.chunks)),
            ("size on disk", st.size),
            ("embedding model", st.embedding_model or ""),
            ("failed", str(len(st.failed))),
            ("collection", f"{st.collection} ({st.vectors} vectors)"),
        ):
            table.add_row(label, Text(value))
        out.print(table)
        for problem in st.problems:
            out.print(Text(f"problem: {problem}", style="bold red"))
        if st.failed:
            failed = Table("failed file", "reason")
            for path, reason in st.failed:
                failed.add_row(Text(path), Text(reason))
            out.print(failed)
        if st.synced:
            synced = Table("source", "last sync", "next sync", "new", "changed", "failed")
            for s in st.synced:
                synced.add_row(
                    Text(s.name),
                    Text(s.last_sync or "never"),
                    Text(s.next_sync or "-"),
                    str(s.added),
                    str(s.changed),
                    Text("; ".join(f"{f.url}: {f.reason}" for f in s.failed) or "0"),
                )
            out.print(synced)
    if st.error:
        raise typer.Exit(EXIT_INDEX)
