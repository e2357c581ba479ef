"""A polite HTTP client for publication feeds and report files.

Every request names the project in its User-Agent, waits its turn per host, gives up a socket
operation after a timeout, and retries connection failures and 5xx answers with a doubling
backoff. Downloads go to a hidden temporary file beside their destination and are cut off at the
size limit; the caller moves a checked file into place.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from assistant.settings import Settings


class FetchError(RuntimeError):
    """A request that did not give a usable answer; the message is a one-line reason."""


@dataclass(frozen=True)
class Validators:
    """What a server said identifies a version (sent back for a conditional request).

    Attributes:
        etag: The ``ETag`` header, or None.
        last_modified: The ``Last-Modified`` header, or None.
    """

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """The answer to a (conditional) GET.

    Attributes:
        not_modified: True when the server answered 304 (nothing else is set then).
        validators: The new version's validators.
        body: The body (for pages and feeds; None for downloads to a file).
        path: The temporary file the body was written to (downloads), or None.
        size: Bytes received.
        content_type: The ``Content-Type`` header (informative only: types are sniffed).
    """

    not_modified: bool
    validators: Validators = Validators()
    body: bytes | None = None
    path: Path | None = None
    size: int = 0
    content_type: str | None = None


class PoliteClient:
    """One HTTP client for a sync run (shared by its sources).

    Args:
        settings: Timeouts, retries, backoff, the per-host interval and the User-Agent.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.sources.timeout_s),
            headers={"User-Agent": settings.sources.user_agent},
            follow_redirects=True,
            trust_env=False,
        )
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        with self._lock:
            due = self._last.get(host, 0.0) + self.settings.sources.min_interval_s
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self._last[host] = time.monotonic()

    def get(
        self,
        url: str,
        validators: Validators | None = None,
        *,
        limit: int,
        to: Path | None = None,
    ) -> Fetched:
        """GET a URL, conditionally when validators are given, with retries.

        Args:
            url: What to fetch (http or https).
            validators: The version already held (sent as If-None-Match / If-Modified-Since).
            limit: Refuse bodies larger than this many bytes.
            to: Write the body to this temporary file instead of returning it (removed again
                when the download fails).

        Returns:
            The answer.

        Raises:
            FetchError: Not http(s), a 4xx, a 5xx or a network failure after the retries, a
                timeout, or a body over the limit.
        """
        if urlsplit(url).scheme not in ("http", "https"):
            raise FetchError(f"not an http(s) address: {url}")
        headers = {}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        attempts = max(0, self.settings.sources.retries) + 1
        for attempt in range(attempts):
            self._wait_turn(url)
            try:
                return self._once(url, headers, limit, to)
            except _Retryable as exc:
                if attempt + 1 >= attempts:
                    raise FetchError(str(exc)) from exc
                time.sleep(self.settings.sources.backoff_s * (2**attempt))
        raise AssertionError("unreachable")

    def _once(self, url: str, headers: dict[str, str], limit: int, to: Path | None) -> Fetched:
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                if r.status_code == 304:
                    return Fetched(True)
                if r.status_code >= 500:
                    raise _Retryable(f"server error: HTTP {r.status_code}")
                if r.status_code >= 400:
                    raise FetchError(f"HTTP {r.status_code}")
                declared = r.headers.get("Content-Length")
                if declared and declared.isdigit() and int(declared) > limit:
                    raise FetchError(_too_large(int(declared), limit))
                got = Validators(r.headers.get("ETag"), r.headers.get("Last-Modified"))
                kind = r.headers.get("Content-Type")
                if to is None:
                    body = bytearray()
                    for part in r.iter_bytes():
                        body += part
                        if len(body) > limit:
                            raise FetchError(_too_large(len(body), limit))
                    return Fetched(False, got, bytes(body), size=len(body), content_type=kind)
                size = 0
                try:
                    with open(to, "wb") as fh:
                        for part in r.iter_bytes():
                            size += len(part)
                            if size > limit:
                                raise FetchError(_too_large(size, limit))
                            fh.write(part)
                except BaseException:
                    to.unlink(missing_ok=True)
                    raise
                return Fetched(False, got, path=to, size=size, content_type=kind)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timed out after {self.settings.sources.timeout_s:g} s") from exc
        except httpx.RemoteProtocolError as exc:
            raise _Retryable(f"connection broken: {exc}") from exc
        except httpx.TransportError as exc:
            raise _Retryable(f"cannot connect: {exc}") from exc


class _Retryable(Exception):
    pass


def _too_large(size: int, limit: int) -> str:
    return f"file too large: {size / 1048576:.1f} MB is over the {limit / 1048576:g} MB limit"
