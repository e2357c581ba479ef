"""CLI commands for the web app: ``serve`` and ``users add``."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR = 0, 1


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.settings import Settings
    from assistant.web.access import is_loopback

    overrides: dict = {}
    if args.index:
        overrides["index_dir"] = Path(args.index)
    if args.reports:
        overrides["reports_dir"] = Path(args.reports)
    if args.host:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    if args.auth:
        overrides["auth_file"] = Path(args.auth)
    s = Settings(**overrides)

    users = None
    if s.auth_file is not None:
        from assistant.auth import AuthError, UserStore

        users = UserStore(s.auth_file)
        try:
            names = users.names()
        except AuthError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        if not names:
            print(
                f"error: no users in {s.auth_file}: add one with `inspection-assistant users "
                f"add NAME --role admin --auth {s.auth_file}`",
                file=sys.stderr,
            )
            return EXIT_ERROR
    loopback = is_loopback(s.host)
    if users is None and not loopback:
        if not args.allow_remote_without_auth:
            print(
                f"error: refusing to serve on {s.host} without login. Use --auth FILE, or "
                "--allow-remote-without-auth if the network is trusted.",
                file=sys.stderr,
            )
            return EXIT_ERROR
        print(
            f"WARNING: serving on {s.host} WITHOUT LOGIN: anyone who can reach this machine "
            "can use the app. Uploads and re-indexing are switched off.",
            file=sys.stderr,
        )
    if not (s.index_dir / "manifest.sqlite").exists():
        print(
            f"error: no index at {s.index_dir}: run `inspection-assistant ingest PATH` first",
            file=sys.stderr,
        )
        return EXIT_ERROR

    from assistant.core import Assistant
    from assistant.web.server import serve

    if not s.embedder_threads and args.concurrency > 1:
        # Several answers run at once: one inference thread each beats oversubscribed cores.
        s = s.model_copy(update={"embedder_threads": 1})
    assistant = Assistant(s)
    print("loading the model…", file=sys.stderr, flush=True)
    assistant.warm_up()
    shown = f"[{s.host}]" if ":" in s.host else s.host
    if users is None:
        print(
            f"serving on http://{shown}:{s.port}/ without login"
            + (" (loopback only: only this computer can connect)" if loopback else ""),
            file=sys.stderr,
            flush=True,
        )
    else:
        print(
            f"serving on http://{shown}:{s.port}/ (login required, users from {s.auth_file})",
            file=sys.stderr,
            flush=True,
        )
    serve(s, assistant, users, admin_without_auth=loopback, answer_concurrency=args.concurrency)
    return EXIT_OK


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password is not None:
        return args.password
    if args.password_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        return line.rstrip("\r\n") if line else None
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        print("error: the passwords differ", file=sys.stderr)
        return None
    return first


def cmd_users_add(args: argparse.Namespace) -> int:
    from assistant.auth import AuthError, UserStore

    password = _read_password(args)
    if password is None:
        print("error: no password given", file=sys.stderr)
        return EXIT_ERROR
    try:
        UserStore(Path(args.auth)).add_user(args.name, password, args.role, replace=args.replace)
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(f"user {args.name} ({args.role}) saved in {args.auth}")
    return EXIT_OK


def cmd_users_list(args: argparse.Namespace) -> int:
    from assistant.auth import AuthError, UserStore

    store = UserStore(Path(args.auth))
    try:
        for name in store.names():
            print(f"{name}\t{store.role(name)}")
    except AuthError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


def register(sub) -> None:
    """Add ``serve`` and ``users`` to the CLI."""
    s = sub.add_parser("serve", help="serve the web app (chat, quotes, reports, admin)")
    s.add_argument("--index", help="index folder (default: index/)")
    s.add_argument(
        "--reports",
        help="reports folder: uploads go there, files are opened from there (default: reports/)",
    )
    s.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, help="port (default 7860)")
    s.add_argument("--auth", help="users file: login required (see `users add`)")
    s.add_argument(
        "--allow-remote-without-auth",
        action="store_true",
        help="allow a non-loopback --host without --auth (not recommended)",
    )
    s.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="questions answered at once; the rest wait in the queue (default 2)",
    )
    s.set_defaults(func=cmd_serve)

    u = sub.add_parser("users", help="manage the users file of the web app")
    usub = u.add_subparsers(dest="users_command", required=True)
    add = usub.add_parser("add", help="add a user (or change one with --replace)")
    add.add_argument("name")
    add.add_argument("--role", choices=["reader", "admin"], required=True)
    add.add_argument("--auth", required=True, help="the users file (created when missing)")
    add.add_argument(
        "--password",
        help="the password (prompted for when not given; read "
        "from standard input when it is not a terminal)",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    add.add_argument("--replace", action="store_true", help="change an existing user")
    add.set_defaults(func=cmd_users_add)
    ls = usub.add_parser("list", help="list users and roles")
    ls.add_argument("--auth", required=True)
    ls.set_defaults(func=cmd_users_list)
