"""Report files: which indexed report's file may be opened from the app, and the route that
serves it (``/report-file/<report_id>``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote as url_quote

import fastapi
from fastapi.responses import FileResponse, PlainTextResponse, Response

from assistant.core import Assistant
from assistant.web.access import Access, signed_in_user
from ingest.errors import IngestError
from ingest.sniff import sniff
from vectorstore.records import ReportRecord


def report_file(reports: Sequence[ReportRecord], reports_dir: Path, report_id: str) -> Path | None:
    """The file of an indexed report inside the reports folder, or None.

    Only sources the index knows (``reports``, the live records) are served, and only when they
    resolve inside the folder.
    """
    root = Path(reports_dir).resolve()
    for r in reports:
        if r.report_id != report_id or r.status != "indexed":
            continue
        for src in [r.source, *r.aliases]:
            try:
                p = (root / src).resolve()
            except (OSError, RuntimeError):
                continue
            if p.is_relative_to(root) and p.is_file():
                return p
    return None


def servable_kinds(reports: Sequence[ReportRecord], reports_dir: Path) -> dict[str, str]:
    """report_id -> "pdf" or "other" for the live reports whose file can be opened from the app."""
    root = Path(reports_dir).resolve()
    out: dict[str, str] = {}
    for r in reports:
        if not r.report_id or r.report_id in out:
            continue
        try:
            p = (root / r.source).resolve()
        except (OSError, RuntimeError):
            continue
        if p.is_relative_to(root) and p.is_file():
            out[r.report_id] = "pdf" if p.suffix.lower() == ".pdf" else "other"
    return out


def file_response(path: Path) -> Response:
    """The file as the browser should get it: PDFs inline, Word files as downloads, HTML,
    Markdown and text as plain text (never run as a page)."""
    try:
        kind = sniff(path.read_bytes(), path.name)
    except (OSError, IngestError):
        return PlainTextResponse("This file cannot be shown.", status_code=404)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=300",
        "Referrer-Policy": "no-referrer",
    }
    disposition = "inline"
    if kind == "pdf":
        media = "application/pdf"
    elif kind == "docx":
        media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        disposition = "attachment"
    else:
        media = "text/plain; charset=utf-8"
        headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{url_quote(path.name)}"
    return FileResponse(path, media_type=media, headers=headers)


def add_report_file_route(
    app: fastapi.FastAPI, assistant: Assistant, reports_dir: Path, access: Access
) -> None:
    """Serve ``/report-file/<report_id>`` (signed-in users only when the app has logins)."""

    @app.get("/report-file/{report_id}", include_in_schema=False)
    def report_file_route(report_id: str, request: fastapi.Request) -> Response:
        if access.users is not None and access.role_of(signed_in_user(request)) is None:
            return PlainTextResponse("Please sign in.", status_code=401)
        path = report_file(assistant.reports(include_failed=False), reports_dir, report_id)
        if path is None:
            return PlainTextResponse("No such report file.", status_code=404)
        return file_response(path)
