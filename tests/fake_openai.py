"""A real local HTTP server that speaks the OpenAI chat-completions protocol with scripted replies.

``POST /v1/chat/completions`` answers with the next scripted :class:`Reply` (or ``default``):
a JSON ``chat.completion`` object, or, when the request has ``"stream": true``, server-sent
events ``data: {chat.completion.chunk}`` ending with ``data: [DONE]``. A reply with ``trickle`` set sends its whole HTTP response (status line and
headers included) one byte at a time, to test a wall-clock deadline that a per-read timeout
would never trip. Every request is recorded (path, headers, JSON body, and when the reply was
fully sent) so tests can inspect what was sent.

Usage::

    with FakeOpenAI() as server:
        server.script("Referrals are screened within a day [1].")
        model = OpenAICompatibleChat(server.base_url, "fake", api_key="x")
        model.complete([ChatMessage("user", "hi")], Deadline.after(5))
        server.requests[0]["body"]["messages"]
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted reply.

    Attributes:
        content: The assistant message text.
        delay: Seconds to wait before sending anything (to trip client timeouts).
        status: HTTP status; anything but 200 sends an OpenAI-style error body.
        token_delay: Seconds between streamed chunks.
        trickle: Seconds between single bytes of the whole response (0: send normally).
    """

    content: str = ""
    delay: float = 0.0
    status: int = 200
    token_delay: float = 0.0
    trickle: float = 0.0


def tokens_of(text: str) -> list[str]:
    """Split text into word-sized tokens (each with its leading space), as a model streams."""
    return re.findall(r"\s*\S+", text) or [text]


class FakeOpenAI:
    """The server; start with ``start()`` or a ``with`` block, stop with ``stop()``.

    Attributes:
        replies: Queue of scripted replies, used in order.
        default: Reply used when the queue is empty.
        requests: Every request received: ``{"path", "headers", "body", "sent_at"}``, where
            ``sent_at`` is the ``time.monotonic()`` reading once the reply was fully sent (None
            until then, or when the client hung up first).
    """

    def __init__(self, default: Reply | None = None) -> None:
        self.replies: deque[Reply] = deque()
        self.default = default or Reply("I cannot answer that.")
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------------
    def script(self, *replies: Reply | str) -> None:
        """Queue replies (strings become plain ``Reply(content)``)."""
        with self._lock:
            for r in replies:
                self.replies.append(Reply(r) if isinstance(r, str) else r)

    def reset(self) -> None:
        """Forget queued replies and recorded requests."""
        with self._lock:
            self.replies.clear()
            self.requests.clear()

    def _next(self) -> Reply:
        with self._lock:
            return self.replies.popleft() if self.replies else self.default

    def _record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(entry)

    @property
    def port(self) -> int:
        assert self._server is not None, "server not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The OpenAI base URL (``http://127.0.0.1:<port>/v1``)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, name="fake-openai", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        _trickle = 0.0

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                body = {"_raw": raw.decode("utf-8", "replace")}
            entry = {
                "path": self.path,
                "headers": dict(self.headers),
                "body": body,
                "sent_at": None,
            }
            fake._record(entry)
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self._json(
                    404,
                    {
                        "error": {
                            "message": f"no route {self.path}",
                            "type": "invalid_request_error",
                        }
                    },
                )
                return
            reply = fake._next()
            self._trickle = reply.trickle
            try:
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    self._json(
                        reply.status,
                        {"error": {"message": "scripted failure", "type": "server_error"}},
                    )
                elif body.get("stream"):
                    self._stream(body, reply)
                else:
                    self._json(200, _completion(body, reply.content))
                self.wfile.flush()
                entry["sent_at"] = time.monotonic()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (e.g. timed out)

        def _send(self, data: bytes) -> None:
            """Write bytes, one at a time when trickling."""
            if not self._trickle:
                self.wfile.write(data)
                return
            for i in range(len(data)):
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()
                time.sleep(self._trickle)

        def flush_headers(self) -> None:
            # The status line and headers go out through _send too (trickled when asked).
            if hasattr(self, "_headers_buffer"):
                self._send(b"".join(self._headers_buffer))
                self._headers_buffer = []

        def _json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self._send(data)

        def _stream(self, body: dict, reply: Reply) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            model = body.get("model", "fake")
            deltas = [{"role": "assistant", "content": ""}]
            deltas += [{"content": t} for t in tokens_of(reply.content)]
            for i, delta in enumerate(deltas):
                if i and reply.token_delay:
                    time.sleep(reply.token_delay)
                self._event(_chunk(model, delta, None))
            self._event(_chunk(model, {}, "stop"))
            self._send(b"data: [DONE]\n\n")
            self.wfile.flush()

        def _event(self, payload: dict) -> None:
            self._send(b"data: " + json.dumps(payload).encode() + b"\n\n")
            self.wfile.flush()

    return Handler


def _completion(body: dict, content: str) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": 1,
            "completion_tokens": len(tokens_of(content)),
            "total_tokens": 1 + len(tokens_of(content)),
        },
    }


def _chunk(model: str, delta: dict, finish: str | None) -> dict:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
