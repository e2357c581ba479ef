"""``ingest`` and ``status``: building the index and saying what it holds."""

from __future__ import annotations

import sys
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
from assistant.prune import PrunePlan, PruneRefusedError
from assistant.status import index_status
from vectorstore.errors import CollectionOwnedError, CorruptIndexError, IndexWriteError
from vectorstore.lease import LeaseHeldError, LeaseLostError
from vectorstore.shared_state import SharedStateError

EXIT_INDEX, EXIT_SOME_FAILED, EXIT_PRUNE_REFUSED, EXIT_BUSY = 1, 2, 3, 4


def ingest(
    paths: Annotated[
        list[Path], typer.Argument(help="report files or folders", show_default=False)
    ],
    index: IndexOption = None,
    prune: Annotated[
        bool, typer.Option("--prune", help="remove reports whose files are no longer among PATHS")
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            help="with --prune: remove them even when that is more than a fifth of the index",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="print one JSON summary")] = False,
) -> None:
    """Add, update (and with --prune remove) reports.

    Exits 0 when every file is indexed, 2 when some failed (or were held as not inspection
    reports), 1 when the index cannot be written, 3 when --prune would remove more than a
    fifth of the index without --yes (nothing is changed then), 4 when another host or
    process is writing the shared index (its lease is held).
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
            summary = ingestor.run(
                paths,
                prune=prune,
                force_prune=yes,
                progress=shown.file_done,
                phases=shown.phase,
            )
    except PruneRefusedError as exc:
        refused(exc.plan, str(exc), json_out)
    except LeaseHeldError as exc:
        fail(str(exc), EXIT_BUSY)
    except (LeaseLostError, SharedStateError) as exc:
        fail(str(exc), EXIT_INDEX)
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
            print(f"  failed: {f.path}: {f.reason}")
    raise typer.Exit(EXIT_SOME_FAILED if summary.failed else EXIT_OK)


def refused(plan: PrunePlan, message: str, json_out: bool) -> None:
    """Say what a refused prune would have removed and exit with ``EXIT_PRUNE_REFUSED``."""
    if json_out:
        print_json(
            {
                "refused": message,
                "would_remove": plan.removes,
                "reports": plan.total,
                "max_fraction": plan.max_fraction,
                "gone": plan.gone,
            },
            ascii_only=True,
        )
    else:
        print(f"error: {message}; run again with --yes to remove them", file=sys.stderr)
        for name in plan.reports[:20]:
            print(f"  would remove: {name}", file=sys.stderr)
        if plan.removes > 20:
            print(f"  … and {plan.removes - 20} more", file=sys.stderr)
    raise typer.Exit(EXIT_PRUNE_REFUSED)


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
            for f in st.failed:
                failed.add_row(Text(f.path), Text(f.reason))
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
