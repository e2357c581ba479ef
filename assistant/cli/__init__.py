"""The ``inspection-assistant`` command line.

Commands: ingest, status, ask, quote, reports, eval, serve, sync, users. Each parses its options,
calls the library and prints; ``--json`` output is the same JSON the library defines.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

from assistant.settings import enforce_offline

enforce_offline()

import typer  # noqa: E402

from assistant.cli import ask, catalogue, held, ingest, serve, sync, users  # noqa: E402
from assistant.cli import eval as eval_command  # noqa: E402
from assistant.cli.common import configure_logging  # noqa: E402

PROG = "inspection-assistant"

app = typer.Typer(
    name=PROG,
    help="Chat and quote assistant over published inspection reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.command("ingest")(ingest.ingest)
app.command("status")(ingest.status)
app.command("ask")(ask.ask)
app.command("quote")(ask.quote)
app.command("reports")(catalogue.reports)
app.command("eval")(eval_command.evaluate)
app.command("serve")(serve.serve)
app.command("sync")(sync.sync)
app.add_typer(users.app, name="users")
app.add_typer(held.app, name="held")


def package_version() -> str:
    """The installed version of the package."""
    try:
        return version(PROG)
    except PackageNotFoundError:
        return "unknown"


def _print_version(value: bool) -> None:
    if value:
        print(f"{PROG} {package_version()}")
        raise typer.Exit()


@app.callback()
def _options(
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="log more")] = False,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Chat and quote assistant over published inspection reports."""
    configure_logging(verbose)


def main(argv: list[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: The arguments (``sys.argv[1:]`` when None).

    Returns:
        The exit code: 0 on success, 1 on an error, 2 on a usage error (and for ``ingest``,
        2 when some files failed).
    """
    try:
        app(args=argv, prog_name=PROG)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    return 0
