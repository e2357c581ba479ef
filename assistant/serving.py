"""Serving the web app: who may connect, the app over the assistant, and the server.

``plan`` decides whether a configuration may be served (logins, loopback, the users file);
``build_app`` loads the model and makes the app; ``run`` serves it until stopped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.factory import make_assistant, settings_for
from assistant.settings import Settings

if TYPE_CHECKING:
    import fastapi

    from assistant.auth import UserStore


class ServeRefusedError(RuntimeError):
    """The configuration may not be served (no users, or a remote host without logins)."""


@dataclass(frozen=True)
class ServePlan:
    """What will be served and to whom.

    Attributes:
        settings: The settings to serve with (one inference thread per answer when several
            answers run at once and no thread count is set).
        users: The users file when logins are required, else None.
        loopback: True when only this computer can connect.
        concurrency: Questions answered at once.
        warning: A warning to show before serving (no logins on a reachable host), or None.
    """

    settings: Settings
    users: UserStore | None
    loopback: bool
    concurrency: int
    warning: str | None = None

    @property
    def url(self) -> str:
        """The address the app is served at."""
        s = self.settings
        host = f"[{s.web.host}]" if ":" in s.web.host else s.web.host
        return f"http://{host}:{s.web.port}/"

    @property
    def listening(self) -> str:
        """The line that says where the app is served and who may use it."""
        mcp = f"; MCP tools at {self.url}mcp" if self.settings.web.mcp else ""
        if self.users is None:
            where = " (loopback only: only this computer can connect)" if self.loopback else ""
            return f"serving on {self.url} without login{where}{mcp}"
        return (
            f"serving on {self.url} (login required, users from {self.settings.web.auth_file}){mcp}"
        )


def serve_settings(concurrency: int = 2, **overrides: Any) -> Settings:
    """Settings for serving: the configured ones with the given values in their place.

    Args:
        concurrency: Questions answered at once: above 1, each answer gets one inference
            thread unless ``embedder_threads`` is set (oversubscribed cores are slower).
        **overrides: Settings fields (``index_dir``, ``host``, ``mcp``...); None leaves a field
            as configured.

    Returns:
        The settings.
    """
    s = settings_for(**overrides)
    if not s.embedding.threads and concurrency > 1:
        s = s.override(embedding__threads=1)
    return s


def plan(settings: Settings, *, allow_remote_without_auth: bool, concurrency: int) -> ServePlan:
    """Check that the settings may be served, and how.

    Args:
        settings: The settings to serve with.
        allow_remote_without_auth: Serve a host other computers can reach without logins.
        concurrency: Questions answered at once.

    Returns:
        The plan.

    Raises:
        ServeRefusedError: The users file is unreadable or empty, or the host can be reached
            from other computers, has no logins and that was not allowed.
    """
    from assistant.web.access import is_loopback

    users = None
    if settings.web.auth_file is not None:
        from assistant.auth import AuthError, UserStore

        users = UserStore(settings.web.auth_file)
        try:
            names = users.names()
        except AuthError as exc:
            raise ServeRefusedError(str(exc)) from exc
        if not names:
            raise ServeRefusedError(
                f"no users in {settings.web.auth_file}: add one with `inspection-assistant users "
                f"add NAME --role admin --auth {settings.web.auth_file}`"
            )
    loopback = is_loopback(settings.web.host)
    warning = None
    if users is None and not loopback:
        if not allow_remote_without_auth:
            raise ServeRefusedError(
                f"refusing to serve on {settings.web.host} without login. Use --auth FILE, or "
                "--allow-remote-without-auth if the network is trusted."
            )
        warning = (
            f"WARNING: serving on {settings.web.host} WITHOUT LOGIN: anyone who can reach this "
            "machine can use the app. Uploads and re-indexing are switched off."
        )
    return ServePlan(settings, users, loopback, concurrency, warning)


def build_app(p: ServePlan) -> fastapi.FastAPI:
    """The web app for a plan, with the model loaded (this takes a few seconds).

    Raises:
        NoIndexError: No index has been built at the settings' index folder.
        CorruptIndexError: The index's manifest is damaged.
    """
    from assistant.web.server import create_app
    from vectorstore.locks import hold_serving
    from vectorstore.replica import SharedIndex

    assistant = make_assistant(p.settings)
    assistant.warm_up()
    app = create_app(
        assistant,
        p.settings.sources.reports_dir,
        p.users,
        admin_without_auth=p.loopback,
        answer_concurrency=p.concurrency,
        mcp=p.settings.web.mcp,
    )
    # Held while the process lives: `ingest` from another process refuses to write an
    # embedded store this app has open (the Admin tab writes through this process instead).
    app.state.serving_lock = hold_serving(p.settings.store.index_dir)
    if isinstance(assistant.index, SharedIndex):  # swap in what other hosts publish
        app.state.stop_following = threading.Event()
        assistant.index.follow(app.state.stop_following)
    return app


def run(app: fastapi.FastAPI, p: ServePlan) -> None:
    """Serve the app at the plan's host and port until the process is stopped."""
    import uvicorn

    uvicorn.run(
        app,
        host=p.settings.web.host,
        port=p.settings.web.port,
        log_level="warning",
        lifespan="on",
        ws="none",
    )
