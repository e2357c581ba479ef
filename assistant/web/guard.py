"""Requests from where they don't belong, refused before any route runs.

* **Host allow-list.** Only requests whose ``Host`` is one of the allowed names are answered
  (default: the loopback names and the host the app listens on); others get HTTP 400. A web
  page elsewhere cannot reach the app through a name of its own that resolves to this
  computer (DNS rebinding).
* **Origin check.** A request that changes something (``POST``, ``PUT``, ``PATCH``,
  ``DELETE``) sent by a browser from another site is refused with 403: its ``Origin`` must be
  the app's own (the ``Host`` it was sent to) or one of the allowed origins. Scripts that send
  no ``Origin`` (curl, the Python clients) are not browsers acting for someone else.
* **Uploads.** Gradio's generic upload route takes files only from admins.
* **Failures.** An exception no route handled is answered with a 500 and a reference id.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.web.access import LOOPBACK, Access, host_of, is_loopback, local_request, request_user
from assistant.web.errors import public_error
from assistant.web.login import TooManyAttemptsError

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
UPLOAD_PATHS = frozenset({"/gradio_api/upload", "/gradio_api/upload/"})
_WILDCARD = {"0.0.0.0", "::", ""}


@dataclass(frozen=True)
class GuardPolicy:
    """Which hosts the app answers for and which other sites may post to it.

    Attributes:
        hosts: Host names and addresses answered (lower case); ``"*"`` answers any.
        origins: Origins besides the app's own that may send changing requests
            (``https://intranet.example``).
    """

    hosts: frozenset[str]
    origins: frozenset[str] = frozenset()

    def host_allowed(self, host: str) -> bool:
        """True when the app answers for this host name."""
        return "*" in self.hosts or host in self.hosts


def guard_policy(
    allowed_hosts: list[str], allowed_origins: list[str], bind_host: str
) -> GuardPolicy:
    """The policy of an app served at ``bind_host``.

    Args:
        allowed_hosts: Host names the app answers for besides the defaults (``"*"``: any).
        allowed_origins: Other sites that may post to the app (scheme, host and port).
        bind_host: The host the app listens on: answered too; listening on every interface
            (``0.0.0.0``), this computer's own names are.
    """
    hosts = set(LOOPBACK) | {h.strip().lower().rstrip(".") for h in allowed_hosts if h.strip()}
    bind = bind_host.strip("[]").lower()
    if bind in _WILDCARD:
        hosts |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    else:
        hosts.add(bind)
    origins = {o.strip().rstrip("/").lower() for o in allowed_origins if o.strip()}
    return GuardPolicy(frozenset(hosts), frozenset(origins))


def origin_allowed(policy: GuardPolicy, origin: str, host_header: str) -> bool:
    """True when a browser's ``Origin`` is the app itself (the host it posted to) or allowed."""
    origin = origin.strip().rstrip("/").lower()
    if origin in policy.origins:
        return True
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (a sandboxed frame, a file) and anything odd
    return parts.netloc == host_header.strip().lower()


class RequestGuard:
    """ASGI middleware applying a ``GuardPolicy`` (and the upload rule) to every request.

    Args:
        app: The application.
        policy: Allowed hosts and origins.
        access: Logins and roles (who is an admin).
    """

    def __init__(self, app: ASGIApp, policy: GuardPolicy, access: Access) -> None:
        self.app = app
        self.policy = policy
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = await self._refusal(request)
        if refusal is None:
            await self._shielded(scope, receive, send)
        elif scope["type"] == "http":
            await refusal(scope, receive, send)
        else:
            await send({"type": "websocket.close", "code": 1008})

    async def _shielded(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; an unexpected failure before the response started becomes a 500 with
        a reference id (the details are logged), not a stack trace or a dropped connection."""
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started or scope["type"] != "http":
                raise
            detail = public_error(exc, scope.get("path", ""))
            await JSONResponse({"detail": detail}, status_code=500)(scope, receive, send)

    async def _refusal(self, request: Request) -> PlainTextResponse | None:
        host_header = request.headers.get("host", "")
        if not self.policy.host_allowed(host_of(host_header)):
            return PlainTextResponse("This app does not answer for that host name.", 400)
        if request.method in UNSAFE_METHODS:
            origin = request.headers.get("origin")
            cross_site = request.headers.get("sec-fetch-site") == "cross-site"
            if (origin is not None and not origin_allowed(self.policy, origin, host_header)) or (
                origin is None and cross_site
            ):
                return PlainTextResponse("Requests from other sites are not accepted.", 403)
            if request.url.path in UPLOAD_PATHS and not await self._is_admin(request):
                return PlainTextResponse("Only admins may upload files.", 403)
        return None

    async def _is_admin(self, request: Request) -> bool:
        access = self.access
        if access.users is None:
            return access.admin_without_auth and local_request(request)
        try:
            user = await request_user(request, access)
        except TooManyAttemptsError:
            return False
        return access.role_of(user) == "admin"


__all__ = ["GuardPolicy", "RequestGuard", "guard_policy", "is_loopback", "origin_allowed"]
