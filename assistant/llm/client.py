"""An OpenAI-compatible chat-completions client whose every call is bounded by a deadline.

It speaks the protocol directly over :mod:`http.client` so that the deadline is wall-clock time
for the whole call, not a per-read socket timeout: before every connect, send and receive, the
socket's timeout is set to what is left of the deadline (and at most ``timeout_s``, the limit
of one socket operation). A server that trickles one byte a second is therefore cut off at the
deadline like a silent one, and the call raises :class:`~assistant.llm.backends.ModelTimeout`.

Replies are read as a ``chat.completion`` JSON object, or, streamed, as server-sent events of
``chat.completion.chunk`` objects ending with ``data: [DONE]``. Connections are made directly
(proxy environment variables are not read) and closed after each call.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import urllib.parse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from assistant.llm.backends import (
    ChatMessage,
    Deadline,
    ModelError,
    ModelReplyError,
    ModelTimeout,
    ModelUnreachable,
)
from assistant.settings import LLMSettings

_DEFAULT = LLMSettings()


class OpenAICompatibleChat:
    """A chat-completions client for any OpenAI-compatible server.

    Args:
        base_url: The server's base URL (``http(s)://host[:port]/v1``).
        model: The model name sent with each request.
        api_key: Sent as a bearer token when set.
        timeout_s: Limit of one socket operation; the whole call is bounded by its deadline.
        max_tokens: Longest reply asked for.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = _DEFAULT.timeout_s,
        max_tokens: int = _DEFAULT.max_output_tokens,
    ) -> None:
        url = urllib.parse.urlsplit(base_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ValueError(f"not an http(s) base URL: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self._url = url

    def complete(self, messages: Sequence[ChatMessage], deadline: Deadline) -> str:
        """The whole reply (see :meth:`ChatModel.complete`)."""
        with _errors():
            conn, resp = self._post(messages, deadline, stream=False)
            try:
                payload = json.loads(resp.read())
            finally:
                resp.close()
                conn.close()
        try:
            content = payload["choices"][0]["message"].get("content") or ""
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise ModelReplyError(f"not a chat completion: {str(payload)[:200]}") from exc
        if not isinstance(content, str):
            raise ModelReplyError("the reply's content is not text")
        return content

    def stream(self, messages: Sequence[ChatMessage], deadline: Deadline) -> Iterator[str]:
        """The reply's text as server-sent events arrive (see :meth:`ChatModel.stream`)."""
        with _errors():
            conn, resp = self._post(messages, deadline, stream=True)
            try:
                for line in resp:
                    token = _event_text(line)
                    if token is None:
                        return
                    if token:
                        yield token
            finally:
                resp.close()
                conn.close()

    def _post(
        self, messages: Sequence[ChatMessage], deadline: Deadline, stream: bool
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        body = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": 0,
            "max_tokens": self.max_tokens,
            "stream": stream,
        }
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if stream else "application/json",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        cls = _HTTPS if self._url.scheme == "https" else _HTTP
        conn = cls(self._url.hostname, self._url.port, timeout=self.timeout_s)
        conn.deadline = deadline
        resp = None
        try:
            conn.request(
                "POST", self._url.path.rstrip("/") + "/chat/completions", json.dumps(body), headers
            )
            resp = conn.getresponse()
            if resp.status != 200:
                detail = _error_detail(resp.read(4096))
                raise ModelUnreachable(f"HTTP {resp.status} from the model server: {detail}")
        except BaseException:
            if resp is not None:
                resp.close()
            conn.close()
            raise
        return conn, resp


def _event_text(line: bytes) -> str | None:
    """The text of one server-sent event line ("" for none), or None at ``[DONE]``."""
    text = line.decode("utf-8").strip()
    if not text.startswith("data:"):
        return ""
    data = text[5:].strip()
    if data == "[DONE]":
        return None
    try:
        event = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ModelReplyError(f"not a JSON event: {data[:200]}") from exc
    if not isinstance(event, dict) or "error" in event:
        raise ModelReplyError(f"the server reported an error: {data[:200]}")
    parts = []
    for choice in event.get("choices") or []:
        delta = choice.get("delta") if isinstance(choice, dict) else None
        content = delta.get("content") if isinstance(delta, dict) else None
        if isinstance(content, str):
            parts.append(content)
    return "".join(parts)


def _error_detail(raw: bytes) -> str:
    try:
        return str(json.loads(raw)["error"]["message"])[:200]
    except (ValueError, KeyError, TypeError):
        return raw[:200].decode("utf-8", "replace")


@contextmanager
def _errors() -> Iterator[None]:
    """Transport failures as :class:`ModelError` (timeouts first: they are OSErrors too)."""
    try:
        yield
    except ModelError:
        raise
    except TimeoutError as exc:
        raise ModelTimeout(str(exc) or "the model server timed out") from exc
    except (OSError, http.client.HTTPException) as exc:
        raise ModelUnreachable(f"{type(exc).__name__}: {exc}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelReplyError(f"the reply could not be read: {exc}") from exc


class _DeadlineSocket:
    """A connected socket whose every send and receive is bounded by the deadline.

    Like a socket, it stays open while a file made by :meth:`makefile` is open (http.client
    hands the connection to the response that way).
    """

    def __init__(self, sock: socket.socket, deadline: Deadline, timeout: float) -> None:
        self._sock = sock
        self._deadline = deadline
        self._timeout = timeout
        self._files = 0
        self._closed = False

    def _arm(self) -> None:
        self._sock.settimeout(self._deadline.bound(self._timeout))

    def sendall(self, data: bytes) -> None:
        self._arm()
        self._sock.sendall(data)

    def recv_into(self, buffer: Any) -> int:
        self._arm()
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        self._files += 1
        return io.BufferedReader(_Reader(self))

    def file_closed(self) -> None:
        self._files -= 1
        if self._closed and self._files <= 0:
            self._sock.close()

    def close(self) -> None:
        self._closed = True
        if self._files <= 0:
            self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _Reader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket) -> None:
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._sock.file_closed()
        super().close()


class _DeadlineConnection:
    """Mixin: connect within the deadline, then wrap the socket in a :class:`_DeadlineSocket`."""

    deadline: Deadline
    timeout: float
    sock: Any

    def connect(self) -> None:
        per_op = self.timeout
        self.timeout = self.deadline.bound(per_op)
        try:
            super().connect()  # type: ignore[misc]
        finally:
            self.timeout = per_op
        self.sock = _DeadlineSocket(self.sock, self.deadline, per_op)


class _HTTP(_DeadlineConnection, http.client.HTTPConnection):
    pass


class _HTTPS(_DeadlineConnection, http.client.HTTPSConnection):
    pass
