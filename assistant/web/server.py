"""The web app as one FastAPI application: the Gradio page at ``/``, the REST API at ``/api``,
the report files at ``/report-file/<report_id>`` and, with the ``mcp`` setting, the MCP tools
at ``/mcp``; and serving it (``serve``, or ``start`` in a background thread for tests)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import fastapi
import gradio as gr
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.routing import Mount

from assistant.auth import UserStore
from assistant.conversation_stores import conversation_store_for
from assistant.conversations import ConversationsUnavailable
from assistant.core import Assistant
from assistant.web.access import Access
from assistant.web.admin import IndexUpdater
from assistant.web.api import DESCRIPTION, PREFIX, make_router
from assistant.web.api_docs import docs_html
from assistant.web.files import add_report_file_route
from assistant.web.guard import RequestGuard, guard_policy
from assistant.web.handlers import TITLE, Handlers
from assistant.web.layout import STATIC, THEME, build_blocks
from assistant.web.login import Gatekeeper, add_login_route
from assistant.web.page_image import add_page_image_route
from assistant.web.saved import SavedChats
from assistant.web.saved_api import make_saved_router
from assistant.web.service import Service


def create_app(
    assistant: Assistant,
    reports_dir: Path,
    users: UserStore | None = None,
    *,
    admin_without_auth: bool = True,
    answer_concurrency: int = 2,
    mcp: bool = False,
) -> fastapi.FastAPI:
    """The web app: Gradio at ``/``, the REST API at ``/api``, report files at
    ``/report-file/<report_id>``, and with ``mcp`` the MCP endpoint at ``/mcp``.

    Args:
        assistant: The assistant to serve.
        reports_dir: The reports folder (uploads and report files).
        users: The users file; None for no login.
        admin_without_auth: Without login, let everyone upload and re-index (loopback only).
        answer_concurrency: Questions answered at once (by the page; and by the API and MCP).
        mcp: Also serve the MCP tools ``ask``, ``quote`` and ``reports``.
    """
    gate = Gatekeeper(users, assistant.settings) if users is not None else None
    access = Access(users, admin_without_auth, gate)
    updater = IndexUpdater(assistant, reports_dir)
    scheduler = None
    if assistant.settings.sources.configured and assistant.settings.sources.sync_on_serve:
        from assistant.sync.schedule import SyncScheduler

        synced = assistant.settings.override(reports_dir=Path(reports_dir))
        scheduler = SyncScheduler(synced, assistant.index, lambda: updater.run(wait=True))
    handlers = Handlers(assistant, reports_dir, access, updater, scheduler)
    service = Service(assistant, answer_concurrency)
    store = conversation_store_for(assistant.settings, assistant.index)
    saved = SavedChats(assistant, store, access, handlers.files)
    blocks = build_blocks(handlers, answer_concurrency, saved)
    endpoint = None
    if mcp:
        from assistant.web.mcp_server import MCP_PATH, McpEndpoint, make_tools

        endpoint = McpEndpoint(make_tools(service), access)

    @contextlib.asynccontextmanager
    async def lifespan(_app: fastapi.FastAPI) -> AsyncIterator[None]:
        if scheduler is not None:
            scheduler.start()
        try:
            async with endpoint.session() if endpoint else contextlib.nullcontext():
                yield
        finally:
            if scheduler is not None:
                scheduler.stop()

    app = fastapi.FastAPI(
        title=f"{TITLE} API",
        version="1",
        description=DESCRIPTION,
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.handlers = handlers
    app.state.conversations = store
    app.state.scheduler = scheduler

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: fastapi.Request, exc: RequestValidationError) -> JSONResponse:
        # What was wrong, without sending the input back (a question of 200 KB, say).
        errors = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in exc.errors()]
        return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)

    @app.exception_handler(ConversationsUnavailable)
    async def unavailable(_request: fastapi.Request, exc: ConversationsUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    # Routes before the page: Gradio's mount at "/" takes every path not matched yet.
    app.include_router(make_router(service, updater, access))
    app.include_router(make_saved_router(store, access))
    if endpoint is not None:
        for path in (MCP_PATH, f"{MCP_PATH}/"):
            app.router.add_route(path, endpoint, include_in_schema=False)

    @app.get(f"{PREFIX}/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(docs_html(app.openapi()))

    add_report_file_route(app, assistant, reports_dir, access)
    if gate is not None:
        add_login_route(app, gate)
    add_page_image_route(app, assistant, reports_dir, access)
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        # With logins, Gradio must ask for one; the app's own POST /login (rate-limited,
        # checked off the event loop) answers before Gradio's route of that path is reached.
        auth=_refuse if users is not None else None,
        auth_message="Sign in with the account your administrator gave you."
        if users is not None
        else None,
        footer_links=["api"],
        run_history=False,
        show_error=False,  # unexpected errors: a reference id, details only in the log
        max_file_size=assistant.settings.ingest.max_file_bytes,
        enable_monitoring=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        theme=THEME,
        css_paths=[STATIC / "app.css"],
        js=(STATIC / "app.js").read_text(encoding="utf-8"),
    )
    app.state.gradio = next(r.app for r in app.routes if isinstance(r, Mount))
    if gate is not None:
        app.state.gradio.tokens = gate.sessions
    s = assistant.settings
    policy = guard_policy(s.web.allowed_hosts, s.web.allowed_origins, s.web.host)
    app.add_middleware(RequestGuard, policy=policy, access=access)
    return app


def _refuse(_username: str, _password: str) -> bool:
    return False


def base_url(host: str, port: int) -> str:
    """The app's address: ``http://127.0.0.1:7860/`` (an IPv6 host in brackets)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@dataclass
class RunningServer:
    """A server started by ``start``."""

    url: str
    server: object
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread."""
        self.server.should_exit = True  # type: ignore[attr-defined]
        self.thread.join(timeout)


def start(
    app: fastapi.FastAPI, host: str = "127.0.0.1", port: int = 7860, timeout: float = 30.0
) -> RunningServer:
    """Serve the app from a background thread; returns once it accepts connections."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        ws="none",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="inspection-assistant-ui", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on {host}:{port}")
        time.sleep(0.05)
    return RunningServer(base_url(host, port), server, thread)
