"""``sync``: fetch new and changed reports from the configured sources, then ingest them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import EXIT_OK, IndexOption, fail, print_json, refuse_if_served
from assistant.factory import make_ingestor, open_index, settings_for

EXIT_INDEX, EXIT_SOME_FAILED = 1, 2


def sync(
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="only this configured source (repeatable)"),
    ] = None,
    feed: Annotated[
        list[str] | None,
        typer.Option("--feed", help="also this Atom/RSS feed URL, once (repeatable)"),
    ] = None,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", help="reports folder (default: reports/)", show_default=False),
    ] = None,
    index: IndexOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="print one JSON summary")] = False,
) -> None:
    """Fetch what the sources publish that is new or changed, and index it.

    Exits 0 when all went well, 2 when some downloads failed, 1 when the index cannot be written.
    """
    from assistant.sync.engine import SyncBusyError, Syncer, one_off_feed

    settings = settings_for(index_dir=index, reports_dir=reports)
    configs = [c for c in settings.sources.configured if not source or c.name in source]
    unknown = sorted(set(source or []) - {c.name for c in settings.sources.configured})
    if unknown:
        fail(f"no configured source named {', '.join(unknown)}", EXIT_INDEX)
    configs += [one_off_feed(url) for url in feed or []]
    if not configs:
        fail("no sources: configure INSPECTION_ASSISTANT_SOURCES or pass --feed URL", EXIT_INDEX)
    refuse_if_served(settings)
    try:
        opened = open_index(settings)
        ingestor = make_ingestor(settings, opened)
        syncer = Syncer(settings, opened, lambda: ingestor.run([settings.sources.reports_dir]))
        result = syncer.run(configs)
    except SyncBusyError as exc:
        fail(str(exc), EXIT_INDEX)
    except (OSError, ValueError) as exc:
        fail(f"the index cannot be written: {exc}", EXIT_INDEX)
    if json_out:
        print_json(result.as_json())
    else:
        print(
            f"added {len(result.added)}, changed {len(result.changed)}, unchanged "
            f"{result.unchanged}, withdrawn {len(result.withdrawn)}, removed "
            f"{len(result.removed)}, failed {len(result.failed)}"
        )
        for f in result.failed:
            print(f"  failed: {f.url}: {f.reason}")
        for p in result.pending:
            print(f"  not ready yet: {p}")
    raise typer.Exit(EXIT_SOME_FAILED if result.failed else EXIT_OK)
