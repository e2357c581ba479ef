"""A real local HTTP server on 127.0.0.1 that publishes a feed and report files, as scripted.

Each path answers from a :class:`Page`: its bytes, status, an ETag (a matching ``If-None-Match``
gets 304), a declared type, and optionally a stall after some bytes (a download that times out
midway). Every request is recorded (path and headers) so tests can see what was sent.

Usage::

    with FeedServer() as server:
        server.publish("/reports/a.pdf", pdf_bytes)
        server.feed("/feed.xml", [FeedItem("/reports/a.pdf", "A report", "2025-01-02")])
        server.url("/feed.xml")
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class Page:
    """What one path answers.

    Attributes:
        body: The bytes.
        status: The HTTP status.
        content_type: The declared type.
        etag: Sent as ``ETag``; a request with a matching ``If-None-Match`` gets 304.
        stall_after: Send this many bytes, then stall for ``stall_s`` (None: send all).
        stall_s: How long a stall lasts.
    """

    body: bytes
    status: int = 200
    content_type: str = "application/pdf"
    etag: str | None = None
    stall_after: int | None = None
    stall_s: float = 5.0


@dataclass(frozen=True)
class FeedItem:
    """One entry of a generated Atom feed."""

    path: str
    title: str
    published: str


@dataclass
class FeedServer:
    """The server (a context manager; started on a free port)."""

    pages: dict[str, Page] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def __enter__(self) -> FeedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers)))
                page = server.pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                if page.etag and self.headers.get("If-None-Match") == page.etag:
                    self.send_response(304)
                    self.send_header("ETag", page.etag)
                    self.end_headers()
                    return
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                if page.etag:
                    self.send_header("ETag", page.etag)
                self.end_headers()
                try:
                    if page.stall_after is None:
                        self.wfile.write(page.body)
                        return
                    self.wfile.write(page.body[: page.stall_after])
                    self.wfile.flush()
                    time.sleep(page.stall_s)
                    self.wfile.write(page.body[page.stall_after :])
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def publish(self, path: str, body: bytes, **kw) -> Page:
        """Serve bytes at a path (with an ETag made from them unless one is given)."""
        kw.setdefault("etag", '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
        self.pages[path] = Page(body, **kw)
        return self.pages[path]

    def feed(self, path: str, items: list[FeedItem]) -> Page:
        """Serve an Atom feed of the items at a path."""
        entries = "".join(
            f"<entry><title>{escape(i.title)}</title><id>{escape(self.url(i.path))}</id>"
            f'<link rel="enclosure" type="application/pdf" href="{escape(i.path)}"/>'
            f"<published>{i.published}T09:30:00Z</published></entry>"
            for i in items
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Published reports</title>'
            f"{entries}</feed>"
        ).encode()
        return self.publish(path, body, content_type="application/atom+xml")

    def fetched(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for a path, in order."""
        return [h for p, h in self.requests if p == path]
