"""Signing in: the page's ``POST /login`` and the HTTP Basic check of scripts, both rate-limited
and with the password check off the event loop.

Failed logins are counted per client address and per user name over a window; once either
count reaches its limit, further attempts are refused with HTTP 429, "Too many attempts, try
again in N s" and a ``Retry-After`` header, without checking the password. An attempt counts
from the moment it starts, so a burst sent at once is cut off at the limit too. Password checks
(scrypt, 128 MiB each) run in worker threads, at most ``login_checks_at_once`` together, so a
flood of logins never holds up other requests. HTTP Basic credentials that matched are
remembered for ``login_basic_cache_s`` (keyed by a keyed hash, never the password itself) and
forgotten when the user's password or role changes.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated

import anyio
import anyio.to_thread
import fastapi
from fastapi import Form
from fastapi.responses import JSONResponse, Response
from starlette.requests import Request

from assistant.auth import AuthError, UserStore, Verified
from assistant.settings import Settings
from assistant.web.sessions import SessionTable

_MAX_KEYS = 20_000  # per kind: an attacker's made-up user names must not grow memory without end
_MAX_CACHED = 1_000
_log = logging.getLogger(__name__)


def too_many_message(retry_after: int) -> str:
    """The refusal shown to a client over its limit."""
    return f"Too many attempts, try again in {retry_after} s"


class TooManyAttemptsError(Exception):
    """A login refused by the rate limit.

    Attributes:
        retry_after: Whole seconds until an attempt will be considered again.
    """

    def __init__(self, retry_after: int) -> None:
        super().__init__(too_many_message(retry_after))
        self.retry_after = retry_after

    def response(self) -> JSONResponse:
        """The HTTP 429 answer."""
        return JSONResponse(
            {"detail": str(self)}, status_code=429, headers={"Retry-After": str(self.retry_after)}
        )


@dataclass(frozen=True)
class Attempt:
    """One login attempt under way, counted against its client and its user name."""

    client: str
    user: str
    at: float


@dataclass
class AttemptLimiter:
    """Failed (and running) login attempts per client and per user name over a window.

    Attributes:
        window_s: Attempts older than this are forgotten.
        per_client: Limit of one client address.
        per_user: Limit of one user name.
        clock: Monotonic seconds.
    """

    window_s: float
    per_client: int
    per_user: int
    clock: Callable[[], float] = time.monotonic
    _clients: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)
    _users: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, client: str, user: str) -> Attempt:
        """Count an attempt, or refuse it.

        Raises:
            TooManyAttemptsError: The client or the user name is at its limit.
        """
        now = self.clock()
        user = user[:64]
        with self._lock:
            waits = [
                self._wait(table, key, limit, now)
                for table, key, limit in (
                    (self._clients, client, self.per_client),
                    (self._users, user, self.per_user),
                )
            ]
            if any(w is not None for w in waits):
                raise TooManyAttemptsError(max(w for w in waits if w is not None))
            for table, key in ((self._clients, client), (self._users, user)):
                table.setdefault(key, deque()).append(now)
                table.move_to_end(key)
                while len(table) > _MAX_KEYS:
                    table.popitem(last=False)
        return Attempt(client, user, now)

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt matched: it no longer counts, nor do the user name's earlier failures."""
        with self._lock:
            times = self._clients.get(attempt.client)
            if times is not None and attempt.at in times:
                times.remove(attempt.at)
            self._users.pop(attempt.user, None)

    def _wait(
        self, table: OrderedDict[str, deque[float]], key: str, limit: int, now: float
    ) -> int | None:
        times = table.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            del table[key]
            return None
        if len(times) < limit:
            return None
        return max(1, math.ceil(times[len(times) - limit] + self.window_s - now))


@dataclass
class _Cached:
    user: str
    stamp: str
    until: float


class Gatekeeper:
    """Who may sign in: the rate limit, the password check and the page's sessions.

    Args:
        users: The users file.
        settings: Its ``web.login_*`` and ``web.session_*`` settings.
    """

    def __init__(self, users: UserStore, settings: Settings) -> None:
        self.users = users
        self.limiter = AttemptLimiter(
            settings.web.login_window_s,
            settings.web.login_failures_per_client,
            settings.web.login_failures_per_user,
        )
        self.sessions = SessionTable(users, settings.web.session_idle_s, settings.web.session_max_s)
        self.cache_s = settings.web.login_basic_cache_s
        self._checks = anyio.CapacityLimiter(max(1, settings.web.login_checks_at_once))
        self._key = secrets.token_bytes(32)
        self._cache: OrderedDict[bytes, _Cached] = OrderedDict()
        self._cache_lock = threading.Lock()

    async def check(self, name: str, password: str, client: str) -> Verified | None:
        """Check a login attempt against the limit and the users file.

        Returns:
            The verified user, or None for a wrong name or password.

        Raises:
            TooManyAttemptsError: The client or the user name is at its limit.
        """
        attempt = self.limiter.begin(client, name)
        try:
            verified = await anyio.to_thread.run_sync(
                self.users.authenticate, name, password, limiter=self._checks
            )
        except AuthError as exc:
            _log.error("login refused: %s", exc)  # the admin's log, not the client's answer
            return None
        if verified is not None:
            self.limiter.succeeded(attempt)
        return verified

    async def basic(self, name: str, password: str, client: str) -> str | None:
        """The user of HTTP Basic credentials, or None when they do not match.

        Raises:
            TooManyAttemptsError: The client or the user name is at its limit.
        """
        key = hmac.new(self._key, f"{name}\0{password}".encode(), hashlib.sha256).digest()
        now = time.monotonic()
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and hit.until > now and self._stamp(hit.user) == hit.stamp:
            return hit.user
        verified = await self.check(name, password, client)
        if verified is None:
            return None
        with self._cache_lock:
            self._cache[key] = _Cached(verified.name, verified.stamp, now + self.cache_s)
            self._cache.move_to_end(key)
            while len(self._cache) > _MAX_CACHED:
                self._cache.popitem(last=False)
        return verified.name

    def _stamp(self, user: str) -> str | None:
        try:
            return self.users.stamp(user)
        except AuthError:
            return None


def client_address(request: Request) -> str:
    """The client's address as the server sees it (behind a proxy, the one it forwards)."""
    return request.client.host if request.client else "unknown"


def add_login_route(app: fastapi.FastAPI, gate: Gatekeeper) -> None:
    """Serve ``POST /login`` for the page (before Gradio's own route of that path).

    Answers as Gradio's route does (the page's login form relies on it): 200 and the login
    cookies on success, 400 "Incorrect credentials." otherwise; and 429 over the rate limit.

    Args:
        app: The app, before Gradio is mounted on it.
        gate: The rate limit, password check and sessions.
    """

    async def login(
        request: Request,
        username: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
    ) -> Response:
        name = username.strip()
        try:
            verified = await gate.check(name, password, client_address(request))
        except TooManyAttemptsError as exc:
            return exc.response()
        if verified is None:
            return JSONResponse({"detail": "Incorrect credentials."}, status_code=400)
        token = gate.sessions.open(verified.name, verified.stamp)
        cookie_id = request.app.state.gradio.cookie_id  # Gradio names its login cookies so
        response = JSONResponse({"success": True})
        response.set_cookie(
            f"access-token-{cookie_id}", token, httponly=True, samesite="none", secure=True
        )
        response.set_cookie(f"access-token-unsecure-{cookie_id}", token, httponly=True)
        return response

    for path in ("/login", "/login/"):
        app.router.add_api_route(path, login, methods=["POST"], include_in_schema=False)
