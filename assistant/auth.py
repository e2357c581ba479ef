"""Users of the app: a JSON file of names, roles and salted scrypt password hashes.

The file (``--auth FILE``) looks like::

    {"version": 1, "users": {"alice": {"role": "admin", "stamp": "<random>",
                                       "password": "scrypt$131072$8$1$<salt>$<hash>"}}}

Roles: ``reader`` (chat and quotes) and ``admin`` (also upload and re-index). The file is
re-read when it changes on disk, so ``inspection-assistant users add`` and ``users remove`` take
effect on a running app at its next request.

A user's ``stamp`` changes whenever their password or role is set; sessions and cached logins
carry the stamp they were opened with, so they end when it changes or the user is removed. A
hash made with older scrypt parameters still verifies and is replaced by a current one at the
next successful login, keeping the stamp.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROLES = ("reader", "admin")
MIN_PASSWORD_LENGTH = 8
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
# scrypt cost: the OWASP Password Storage Cheat Sheet's minimum (N=2^17, r=8, p=1), 128 MiB of
# memory per check. Stored hashes carry their own parameters.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
_DKLEN = 32
_MAXMEM = 2 * 128 * SCRYPT_N * SCRYPT_R  # headroom over what a current hash needs


@dataclass(frozen=True)
class Account:
    """A user as admins see it: name, role and whether the user is disabled."""

    name: str
    role: str
    disabled: bool = False


class AuthError(ValueError):
    """A bad user name, role, password or users file."""


@dataclass(frozen=True)
class ScryptHash:
    """A stored password hash, parsed.

    Attributes:
        n: CPU and memory cost.
        r: Block size.
        p: Parallelism.
        salt: The salt.
        digest: The derived key.
    """

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    @classmethod
    def parse(cls, stored: str) -> ScryptHash | None:
        """The parsed hash, or None when the string is not a scrypt hash of this format."""
        try:
            scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
            if scheme != "scrypt":
                return None
            return cls(
                int(n), int(r), int(p), base64.b64decode(salt_b64), base64.b64decode(digest_b64)
            )
        except (ValueError, TypeError, AttributeError):
            return None

    @property
    def current(self) -> bool:
        """True when made with at least today's parameters."""
        return (
            self.n >= SCRYPT_N
            and self.r >= SCRYPT_R
            and self.p >= SCRYPT_P
            and len(self.digest) >= _DKLEN
        )


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen, maxmem=_MAXMEM
    )


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password, with its parameters, as one string."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, _DKLEN)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    """True when the password matches the stored hash (compared in constant time)."""
    parsed = ScryptHash.parse(stored)
    if parsed is None:
        return False
    try:
        got = _scrypt(password, parsed.salt, parsed.n, parsed.r, parsed.p, len(parsed.digest))
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(got, parsed.digest)


def needs_rehash(stored: str) -> bool:
    """True when the stored hash was made with weaker parameters than today's."""
    parsed = ScryptHash.parse(stored)
    return parsed is not None and not parsed.current


def _burn(password: str) -> None:
    """Spend what checking a current hash costs, so unknown users take as long as known ones."""
    _scrypt(password, secrets.token_bytes(16), SCRYPT_N, SCRYPT_R, SCRYPT_P, _DKLEN)


def check_name(name: str) -> str:
    """The user name, or AuthError when it is not 1-64 letters, digits or ``._@-``."""
    if not _NAME.match(name or ""):
        raise AuthError(
            "user names are 1 to 64 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def _stamp_of(user: dict) -> str:
    stamp = user.get("stamp")
    if isinstance(stamp, str) and stamp:
        return stamp
    # Files written before stamps existed: the hash itself changes with the password.
    return hashlib.sha256(str(user.get("password")).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Verified:
    """A successful login.

    Attributes:
        name: The user.
        role: Their role.
        stamp: Their stamp at login (sessions end when it changes).
        rehashed: Whether the stored hash was just replaced by one with current parameters.
    """

    name: str
    role: str
    stamp: str
    rehashed: bool = False


class UserStore:
    """The users file.

    Args:
        path: The JSON file (created by ``add_user`` when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._cache: tuple[tuple[int, int, int], dict[str, dict]] | None = None

    # -- reading ------------------------------------------------------------------------
    def _users(self) -> dict[str, dict]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return {}
        # Every write is a new file moved into place: a new inode even within one clock tick.
        key = (st.st_mtime_ns, st.st_ino, st.st_size)
        cached = self._cache
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            users = data["users"]
            if not isinstance(users, dict):
                raise TypeError("users is not an object")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise AuthError(f"cannot read the users file {self.path}: {exc}") from exc
        with self._lock:
            self._cache = (key, users)
        return users

    def _user(self, name: str | None) -> dict | None:
        user = self._users().get(name or "")
        if not isinstance(user, dict) or user.get("role") not in ROLES or user.get("disabled"):
            return None  # a disabled user: no login, and their sessions end
        return user

    def names(self) -> list[str]:
        """The user names, sorted."""
        return sorted(self._users())

    def role(self, name: str | None) -> str | None:
        """The user's role, or None for an unknown user."""
        user = self._user(name) if name else None
        return user["role"] if user else None

    def stamp(self, name: str | None) -> str | None:
        """The user's current stamp (changes with their password or role); None when unknown."""
        user = self._user(name) if name else None
        return _stamp_of(user) if user else None

    def authenticate(self, name: str, password: str) -> Verified | None:
        """Check a login; rehash a stored hash with old parameters when it matches.

        Takes the time of a full scrypt check, for unknown users too: run it off the event loop.

        Returns:
            The verified user, or None when the name and password do not match a user.
        """
        user = self._user(name)
        stored = user.get("password") if user else None
        if not isinstance(stored, str):
            _burn(password or "")
            return None
        if not verify_password(password or "", stored):
            return None
        if needs_rehash(stored):
            rehashed = self._rehash(name, stored, password)
            if rehashed is not None:
                return rehashed
        return Verified(name, user["role"], _stamp_of(user))

    def verify(self, name: str, password: str) -> bool:
        """True when the name and password match a user (see ``authenticate``)."""
        return self.authenticate(name, password) is not None

    # -- writing ------------------------------------------------------------------------
    def add_user(self, name: str, password: str, role: str, *, replace: bool = False) -> None:
        """Add a user (or, with ``replace``, change an existing user's password and role).

        Changing a user ends their sessions in a running app.

        Raises:
            AuthError: Bad name, role or password, or the user exists and ``replace`` is False.
        """
        check_name(name)
        if role not in ROLES:
            raise AuthError(f"role must be one of {', '.join(ROLES)}")
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise AuthError(f"passwords have at least {MIN_PASSWORD_LENGTH} characters")
        hashed = hash_password(password)
        with self._locked() as users:
            if name in users and not replace:
                raise AuthError(f"user {name!r} exists (use --replace to change it)")
            users[name] = {"role": role, "password": hashed, "stamp": secrets.token_hex(16)}
            self._write(users)

    def remove_user(self, name: str) -> bool:
        """Remove a user (ending their sessions); False when there was none of that name."""
        with self._locked() as users:
            if users.pop(name, None) is None:
                return False
            self._write(users)
            return True

    def _rehash(self, name: str, stored: str, password: str) -> Verified | None:
        hashed = hash_password(password)
        with self._locked() as users:
            user = users.get(name)
            # Changed meanwhile (a new password, the user removed): leave it as it is now.
            if not isinstance(user, dict) or user.get("password") != stored:
                return None
            stamp = _stamp_of(user)
            users[name] = {**user, "password": hashed, "stamp": stamp}
            self._write(users)
            return Verified(name, user["role"], stamp, rehashed=True)

    def accounts(self) -> list[Account]:
        """Every user with role and whether they are disabled, by name (no password hashes)."""
        return [
            Account(name, str(user.get("role")), bool(user.get("disabled")))
            for name, user in sorted(self._users().items())
            if isinstance(user, dict)
        ]

    def _change(self, name: str, **fields: object) -> None:
        with self._locked() as users:
            if not isinstance(users.get(name), dict):
                raise AuthError(f"no user {name!r}")
            # A new stamp: the user's sessions and cached logins end.
            users[name] = {**users[name], **fields, "stamp": secrets.token_hex(16)}
            self._write(users)

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        """Disable a user (no login, and their sessions end) or enable them again.

        Raises:
            AuthError: No such user.
        """
        self._change(name, disabled=bool(disabled))

    def set_role(self, name: str, role: str) -> None:
        """Change a user's role (their sessions end).

        Raises:
            AuthError: No such user, or not a role.
        """
        if role not in ROLES:
            raise AuthError(f"role must be one of {', '.join(ROLES)}")
        self._change(name, role=role)

    def set_password(self, name: str, password: str) -> None:
        """Reset a user's password, keeping their role and whether they are disabled.

        Raises:
            AuthError: No such user, or the password is too short.
        """
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise AuthError(f"passwords have at least {MIN_PASSWORD_LENGTH} characters")
        self._change(name, password=hash_password(password))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, dict]]:
        """The users as on disk now, under a lock that other processes writing the file share."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        with self._lock, open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                self._cache = None
                yield dict(self._users())
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, users: dict[str, dict]) -> None:
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
