"""How the manifest is stored: the SQLite schema and a chunk's row (text apart, the rest JSON)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from ingest.records import Chunk

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS reports (
    report_id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    status TEXT NOT NULL,            -- staged | live | retired
    source TEXT NOT NULL,            -- the first path it was indexed from
    file_type TEXT,
    pages INTEGER,
    chunks INTEGER,
    title TEXT, subject TEXT, inspectorate TEXT, framework TEXT, report_type TEXT,
    lead_inspector TEXT,
    inspection_start TEXT, inspection_end TEXT, published TEXT,
    metadata_json TEXT,
    indexed_at TEXT
);
CREATE TABLE IF NOT EXISTS sources (
    path TEXT PRIMARY KEY,
    sha256 TEXT,
    size INTEGER,
    mtime REAL,
    status TEXT NOT NULL,            -- indexed | failed
    error TEXT,
    report_id TEXT,
    updated_at TEXT
);
CREATE INDEX IF NOT EXISTS sources_report ON sources(report_id);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    data_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks(report_id);
-- Sentence vectors of each chunk (pooled in context at ingest): spans int32 (n, 2) into the
-- chunk's text, vectors float16 (n, dim). Older indexes lack them; answers then embed sentences.
CREATE TABLE IF NOT EXISTS sentences (
    chunk_id TEXT PRIMARY KEY,
    report_id TEXT NOT NULL,
    spans BLOB NOT NULL,
    vectors BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS sentences_report ON sentences(report_id);
CREATE TABLE IF NOT EXISTS judgements (
    report_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    judgement TEXT, grade TEXT, key TEXT, grade_key TEXT, page INTEGER, quote TEXT,
    PRIMARY KEY (report_id, ordinal)
);
CREATE TABLE IF NOT EXISTS improvements (
    report_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    text TEXT,
    PRIMARY KEY (report_id, ordinal)
);
"""


def iso_date(value: date | None) -> str | None:
    """A date as ISO text (None stays None)."""
    return value.isoformat() if value else None


def parse_date(value: str | None) -> date | None:
    """ISO text back to a date (None or empty gives None)."""
    return date.fromisoformat(value) if value else None


def now() -> str:
    """The current UTC time as ISO text."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def chunk_to_json(c: Chunk) -> str:
    """Serialise a chunk's fields (all but text) for storage."""
    return json.dumps(
        {
            "report_id": c.report_id,
            "source": c.source,
            "ordinal": c.ordinal,
            "embed_text_prefix": c.embed_text[: len(c.embed_text) - len(c.text)],
            "page_start": c.page_start,
            "page_end": c.page_end,
            "pdf_page_start": c.pdf_page_start,
            "pdf_page_end": c.pdf_page_end,
            "paragraphs": list(c.paragraphs),
            "section": c.section,
            "pages_at": [list(x) for x in c.pages_at],
            "paras_at": [list(x) for x in c.paras_at],
            "title": c.title,
            "subject": c.subject,
            "inspectorate": c.inspectorate,
            "inspection_start": iso_date(c.inspection_start),
            "inspection_end": iso_date(c.inspection_end),
            "published": iso_date(c.published),
            "kind": c.kind,
        },
        ensure_ascii=False,
    )


def chunk_from_row(chunk_id: str, text: str, data_json: str) -> Chunk:
    """Rebuild a chunk from its stored row."""
    d = json.loads(data_json)
    return Chunk(
        id=chunk_id,
        report_id=d["report_id"],
        source=d["source"],
        ordinal=d["ordinal"],
        text=text,
        embed_text=d.get("embed_text_prefix", "") + text,
        page_start=d["page_start"],
        page_end=d["page_end"],
        pdf_page_start=d["pdf_page_start"],
        pdf_page_end=d["pdf_page_end"],
        paragraphs=tuple(d["paragraphs"]),
        section=d["section"],
        pages_at=tuple(tuple(x) for x in d["pages_at"]),
        paras_at=tuple(tuple(x) for x in d["paras_at"]),
        title=d["title"],
        subject=d["subject"],
        inspectorate=d["inspectorate"],
        inspection_start=parse_date(d["inspection_start"]),
        inspection_end=parse_date(d["inspection_end"]),
        published=parse_date(d["published"]),
        kind=d.get("kind"),
    )
