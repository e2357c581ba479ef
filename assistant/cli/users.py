"""``users add``, ``remove``, ``disable``, ``enable`` and ``list``: the users file of the web app.

A running app notices the change at its next request: a changed or removed user's sessions end.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from assistant.cli.common import fail

app = typer.Typer(help="Manage the users file of the web app.", no_args_is_help=True)

AuthOption = Annotated[
    Path, typer.Option("--auth", help="the users file (created when missing)", show_default=False)
]


def read_password(given: str | None, from_stdin: bool) -> str | None:
    """The password: as given, else from standard input, else asked for twice at the terminal.

    Args:
        given: The ``--password`` value.
        from_stdin: Read the first line of standard input (also when it is no terminal).

    Returns:
        The password, or None when none was given or the two typed differ.
    """
    if given is not None:
        return given
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n") if line else None
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        print("error: the passwords differ", file=sys.stderr)
        return None
    return first


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="the user name")],
    role: Annotated[Literal["reader", "admin"], typer.Option(help="what the user may do")],
    auth: AuthOption,
    password: Annotated[
        str | None,
        typer.Option(
            help="the password (prompted for when not given; read from standard input when it "
            "is not a terminal)",
            show_default=False,
        ),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin", help="read the password from the first line of standard input"
        ),
    ] = False,
    replace: Annotated[bool, typer.Option("--replace", help="change an existing user")] = False,
) -> None:
    """Add a user (or change one with --replace, ending their sessions)."""
    from assistant.auth import AuthError, UserStore

    secret = read_password(password, password_stdin)
    if secret is None:
        fail("no password given")
    try:
        UserStore(auth).add_user(name, secret, role, replace=replace)
    except AuthError as exc:
        fail(str(exc))
    print(f"user {name} ({role}) saved in {auth}")


@app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="the user name")],
    auth: AuthOption,
) -> None:
    """Remove a user (ending their sessions)."""
    from assistant.auth import AuthError, UserStore

    try:
        removed = UserStore(auth).remove_user(name)
    except AuthError as exc:
        fail(str(exc))
    if not removed:
        fail(f"no user {name} in {auth}")
    print(f"user {name} removed from {auth}")


@app.command("list")
def list_users(auth: AuthOption) -> None:
    """List users and roles."""
    from assistant.auth import AuthError, UserStore

    try:
        for account in UserStore(auth).accounts():
            note = "\tdisabled" if account.disabled else ""
            print(f"{account.name}\t{account.role}{note}")
    except AuthError as exc:
        fail(str(exc))


def _set_disabled(name: str, auth: Path, disabled: bool) -> None:
    from assistant.auth import AuthError, UserStore

    try:
        UserStore(auth).set_disabled(name, disabled)
    except AuthError as exc:
        fail(str(exc))
    print(f"user {name} {'disabled' if disabled else 'enabled'} in {auth}")


@app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="the user name")], auth: AuthOption) -> None:
    """Disable a user: no login, and their sessions end (kept in the file, unlike remove)."""
    _set_disabled(name, auth, True)


@app.command("enable")
def enable(name: Annotated[str, typer.Argument(help="the user name")], auth: AuthOption) -> None:
    """Enable a disabled user again."""
    _set_disabled(name, auth, False)
