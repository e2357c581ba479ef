"""``serve``: the web app (chat, quotes, reports, admin)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant import serving
from assistant.cli.common import IndexOption, fail, say
from assistant.factory import has_index, no_index_message
from vectorstore.errors import CollectionOwnedError, CorruptIndexError


def serve(
    index: IndexOption = None,
    reports: Annotated[
        Path | None,
        typer.Option(
            help="reports folder: uploads go there, files are opened from there "
            "(default: reports/)",
            show_default=False,
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(help="address to listen on (default 127.0.0.1)", show_default=False),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="port (default 7860)", show_default=False)
    ] = None,
    auth: Annotated[
        Path | None,
        typer.Option(help="users file: login required (see `users add`)", show_default=False),
    ] = None,
    allow_remote_without_auth: Annotated[
        bool,
        typer.Option(
            "--allow-remote-without-auth",
            help="allow a non-loopback --host without --auth (not recommended)",
        ),
    ] = False,
    concurrency: Annotated[
        int, typer.Option(help="questions answered at once; the rest wait in the queue")
    ] = 2,
    mcp: Annotated[
        bool,
        typer.Option(
            "--mcp", help="also serve the Model Context Protocol endpoint (ask, quote, reports)"
        ),
    ] = False,
) -> None:
    """Serve the web app (chat, quotes, reports, admin)."""
    settings = serving.serve_settings(
        concurrency,
        index_dir=index,
        reports_dir=reports,
        host=host,
        port=port,
        auth_file=auth,
        mcp=True if mcp else None,
    )
    try:
        plan = serving.plan(
            settings, allow_remote_without_auth=allow_remote_without_auth, concurrency=concurrency
        )
    except serving.ServeRefusedError as exc:
        fail(str(exc))
    if plan.warning:
        say(plan.warning)
    if not has_index(settings):
        fail(no_index_message(settings))
    say("loading the model…")
    try:
        app = serving.build_app(plan)
    except (CorruptIndexError, CollectionOwnedError, ValueError) as exc:
        fail(str(exc))
    say(plan.listening)
    serving.run(app, plan)
