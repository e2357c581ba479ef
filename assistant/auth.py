"""Users of the app: a JSON file of names, roles and salted scrypt password hashes.

The file (``--auth FILE``) looks like::

    {"version": 1, "users": {"alice": {"role": "admin", "password": "scrypt$16384$8$1$<salt>$<hash>"}}}

Roles: ``reader`` (chat and quotes) and ``admin`` (also upload and re-index). The file is
re-read when it changes on disk, so ``inspection-assistant users add`` takes effect on a
running app at the next login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from pathlib import Path

ROLES = ("reader", "admin")
MIN_PASSWORD_LENGTH = 8
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
# scrypt cost: 16 MiB of memory and a few tens of milliseconds per check.
_N, _R, _P, _DKLEN = 2**14, 8, 1, 32


class AuthError(ValueError):
    """A bad user name, role, password or users file."""


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password, with its parameters, as one string."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    b64 = base64.b64encode
    return f"scrypt${_N}${_R}${_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches the stored hash (compared in constant time)."""
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, digest = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=salt,
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, digest)


_DUMMY_HASH = hash_password(secrets.token_urlsafe(12))


def check_name(name: str) -> str:
    """The user name, or AuthError when it is not 1-64 letters, digits or ``._@-``."""
    if not _NAME.match(name or ""):
        raise AuthError(
            "user names are 1 to 64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


class UserStore:
    """The users file.

    Args:
        path: The JSON file (created by ``add_user`` when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._cache: tuple[float, dict[str, dict]] | None = None

    # -- reading ------------------------------------------------------------------------
    def _users(self) -> dict[str, dict]:
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        cached = self._cache
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            users = data["users"]
            if not isinstance(users, dict):
                raise TypeError("users is not an object")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AuthError(f"cannot read the users file {self.path}: {exc}") from exc
        with self._lock:
            self._cache = (mtime, users)
        return users

    def names(self) -> list[str]:
        """The user names, sorted."""
        return sorted(self._users())

    def role(self, name: str | None) -> str | None:
        """The user's role, or None for an unknown user."""
        if not name:
            return None
        user = self._users().get(name)
        role = user.get("role") if isinstance(user, dict) else None
        return role if role in ROLES else None

    def verify(self, name: str, password: str) -> bool:
        """True when the name and password match a user (the login check)."""
        user = self._users().get(name or "")
        stored = user.get("password") if isinstance(user, dict) else None
        if not isinstance(stored, str) or user.get("role") not in ROLES:
            verify_password(password or "", _DUMMY_HASH)  # same time for unknown users
            return False
        return verify_password(password or "", stored)

    # -- writing ------------------------------------------------------------------------
    def add_user(self, name: str, password: str, role: str, *, replace: bool = False) -> None:
        """Add a user (or, with ``replace``, change an existing user's password and role).

        Raises:
            AuthError: Bad name, role or password, or the user exists and ``replace`` is False.
        """
        check_name(name)
        if role not in ROLES:
            raise AuthError(f"role must be one of {', '.join(ROLES)}")
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise AuthError(f"passwords have at least {MIN_PASSWORD_LENGTH} characters")
        with self._lock:
            users = dict(self._users())
            if name in users and not replace:
                raise AuthError(f"user {name!r} exists (use --replace to change it)")
            users[name] = {"role": role, "password": hash_password(password)}
            self._write(users)

    def remove_user(self, name: str) -> bool:
        """Remove a user; False when there was none of that name."""
        with self._lock:
            users = dict(self._users())
            if users.pop(name, None) is None:
                return False
            self._write(users)
            return True

    def _write(self, users: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".users-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": 1, "users": users}, fh, indent=2, sort_keys=True)
                fh.write("\n")
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._cache = None
