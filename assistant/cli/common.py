"""What the commands share: the common options, JSON and error output, logging."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from assistant.settings import Settings

EXIT_OK, EXIT_ERROR = 0, 1

IndexOption = Annotated[
    Path | None,
    typer.Option("--index", help="index folder (default: index/)", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="kind of report: e.g. inspection, 'focused visit', 'area SEND inspection', JTAI, PEEL",
        show_default=False,
    ),
]

# Rich writes to whichever stream is sys.stdout / sys.stderr when it prints.
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

NOISY_LOGGERS = ("httpx", "chromadb", "transformers", "sentence_transformers", "bm25s")


def print_json(data: Any, *, ascii_only: bool = False) -> None:
    """Print one JSON document on one line of standard output.

    Args:
        data: What to print.
        ascii_only: Escape non-ASCII characters (what ``ingest`` and ``status`` always did).
    """
    print(json.dumps(data, ensure_ascii=ascii_only), flush=True)


def say(message: str) -> None:
    """Print a message for the person at the terminal on standard error."""
    print(message, file=sys.stderr, flush=True)


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``error: message`` on standard error and end the command with an exit code."""
    say(f"error: {message}")
    raise typer.Exit(code)


def configure_logging(verbose: bool) -> None:
    """Warnings only (or everything from INFO with ``verbose``); the chattiest libraries quiet."""
    level = logging.INFO if verbose else logging.WARNING
    handler: logging.Handler
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        # Log lines show above the ingest progress bars instead of breaking them.
        handler = RichHandler(console=err, show_time=False, show_path=False)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    # On the handler too: some libraries (bm25s) set their own logger to DEBUG when imported.
    handler.setLevel(level)
    logging.basicConfig(level=level, handlers=[handler])
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.ERROR)


def refuse_if_served(settings: Settings) -> None:
    """End the command when a running ``serve`` has the settings' embedded index open.

    The embedded vector store must have one process writing it: a server that did not write
    the new vectors answers from stale ones, and its next write could overwrite them.
    """
    from vectorstore.locks import served_elsewhere

    if settings.store.backend == "chroma" and served_elsewhere(settings.store.index_dir):
        fail(
            f"the index at {settings.store.index_dir} is being served by `inspection-assistant serve`; "
            "its embedded vector store must have one process writing it, or the server would "
            "answer from stale vectors and could overwrite the new ones. Add the reports from "
            "the Admin tab of the running app (or stop it first), or keep the vectors in a "
            "Chroma server (INSPECTION_ASSISTANT_STORE=chroma-server)",
            EXIT_ERROR,
        )
