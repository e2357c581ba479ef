"""Login sessions of the page: Gradio's token table, made to expire and to be revoked.

Gradio keeps the page's logins in ``app.tokens`` (login cookie -> user name) and looks every
request's user up there. ``SessionTable`` takes that place: a token counts only while its
session is younger than ``session_max_s``, has been used within ``session_idle_s``, and its
user is still in the users file with the stamp they had at login (a new password, a new role
or removal ends it). Lookups re-read the users file when it changes, so ``users add --replace``
and ``users remove`` take effect on a running app at once.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass

from assistant.auth import AuthError, UserStore

_PRUNE_EVERY_S = 60.0


@dataclass
class Session:
    """One signed-in page.

    Attributes:
        user: The user name.
        stamp: The user's stamp at login.
        opened: When the login happened (monotonic seconds).
        seen: When the session was last used (monotonic seconds).
    """

    user: str
    stamp: str
    opened: float
    seen: float


class SessionTable(MutableMapping[str, str]):
    """Login token -> user name, holding only live sessions.

    Args:
        users: The users file.
        idle_s: A session ends after this long unused.
        max_s: A session ends this long after its login.
        clock: Monotonic seconds (``time.monotonic``).
    """

    def __init__(
        self,
        users: UserStore,
        idle_s: float,
        max_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.users = users
        self.idle_s = idle_s
        self.max_s = max_s
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._pruned = clock()

    def open(self, user: str, stamp: str) -> str:
        """Start a session for a user who just signed in; returns its token."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        with self._lock:
            self._sessions[token] = Session(user, stamp, now, now)
            if now - self._pruned > _PRUNE_EVERY_S:
                self._prune(now)
        return token

    def revoke_user(self, user: str) -> int:
        """End every session of a user; returns how many there were."""
        with self._lock:
            gone = [t for t, s in self._sessions.items() if s.user == user]
            for token in gone:
                del self._sessions[token]
        return len(gone)

    def _alive(self, session: Session, now: float) -> bool:
        if now - session.opened > self.max_s or now - session.seen > self.idle_s:
            return False
        try:
            return self.users.stamp(session.user) == session.stamp
        except AuthError:
            return False  # an unreadable users file signs nobody in

    def _prune(self, now: float) -> None:
        for token in [t for t, s in self._sessions.items() if not self._alive(s, now)]:
            del self._sessions[token]
        self._pruned = now

    # -- the mapping Gradio uses ----------------------------------------------------------
    def __getitem__(self, token: str) -> str:
        now = self._clock()
        with self._lock:
            session = self._sessions.get(token) if isinstance(token, str) else None
            if session is None:
                raise KeyError(token)
            if not self._alive(session, now):
                del self._sessions[token]
                raise KeyError(token)
            session.seen = now
            return session.user

    def __setitem__(self, token: str, user: str) -> None:
        stamp = self.users.stamp(user)
        if stamp is None:
            raise KeyError(user)
        now = self._clock()
        with self._lock:
            self._sessions[token] = Session(user, stamp, now, now)

    def __delitem__(self, token: str) -> None:
        with self._lock:
            del self._sessions[token]

    def __iter__(self) -> Iterator[str]:
        now = self._clock()
        with self._lock:
            live = [t for t, s in self._sessions.items() if self._alive(s, now)]
        return iter(live)

    def __len__(self) -> int:
        return sum(1 for _ in self)
