"""The SQLite manifest and catalogue: sources, reports, chunk texts, judgements.

SQLite is the index's source of truth for what is *live*. A report's chunks are written to the
vector store while the report is ``staged``; one transaction then makes it ``live`` (and retires
the report it replaces), so a reader sees either the old report or the new one, never a mix.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from ingest.records import Chunk, Judgement, ParsedReport
from vectorstore.records import ReportRecord, SpanVectors

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


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _pd(value: str | None) -> date | None:
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
            "inspection_start": _d(c.inspection_start),
            "inspection_end": _d(c.inspection_end),
            "published": _d(c.published),
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
        inspection_start=_pd(d["inspection_start"]),
        inspection_end=_pd(d["inspection_end"]),
        published=_pd(d["published"]),
        kind=d.get("kind"),
    )


class Manifest:
    """The SQLite manifest. Safe to share between threads; one writer at a time."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, timeout=30, isolation_level=None
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    # -- reading -----------------------------------------------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run a read query and return all rows."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the meta table."""
        rows = self.query("SELECT value FROM meta WHERE key=?", (key,))
        return rows[0][0] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO meta(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (key, value),
            )

    def generation(self) -> int:
        """A counter bumped by every change readers must see."""
        return int(self.get_meta("generation", "0") or 0)

    def live_report_ids(self) -> set[str]:
        """Ids of the reports readers may see."""
        return {r[0] for r in self.query("SELECT report_id FROM reports WHERE status='live'")}

    def source(self, path: str) -> tuple | None:
        """(sha256, size, mtime, status, report_id) of a source path, or None."""
        rows = self.query(
            "SELECT sha256, size, mtime, status, report_id FROM sources WHERE path=?", (path,)
        )
        return rows[0] if rows else None

    def report_status(self, report_id: str) -> str | None:
        """The status of a report id, or None when unknown."""
        rows = self.query("SELECT status FROM reports WHERE report_id=?", (report_id,))
        return rows[0][0] if rows else None

    def source_paths(self) -> list[str]:
        """Every source path in the manifest."""
        return [r[0] for r in self.query("SELECT path FROM sources ORDER BY path")]

    def chunks(self, ids: list[str]) -> dict[str, Chunk]:
        """Chunks by id (live or not)."""
        out: dict[str, Chunk] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for cid, text, data in self.query(
                f"SELECT id, text, data_json FROM chunks WHERE id IN ({marks})", tuple(part)
            ):
                out[cid] = chunk_from_row(cid, text, data)
        return out

    def sentence_vectors(self, ids: list[str]) -> dict[str, SpanVectors]:
        """Stored sentence vectors by chunk id (chunks without them are left out)."""
        out: dict[str, SpanVectors] = {}
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for cid, spans, vecs in self.query(
                f"SELECT chunk_id, spans, vectors FROM sentences WHERE chunk_id IN ({marks})",
                tuple(part),
            ):
                sp = np.frombuffer(spans, dtype=np.int32).reshape(-1, 2)
                v = np.frombuffer(vecs, dtype=np.float16).reshape(len(sp), -1)
                out[cid] = SpanVectors(sp, v.astype(np.float32))
        return out

    def live_chunks(self) -> list[Chunk]:
        """Every chunk of every live report, in report and reading order."""
        rows = self.query(
            "SELECT c.id, c.text, c.data_json FROM chunks c JOIN reports r "
            "ON r.report_id=c.report_id WHERE r.status='live' ORDER BY c.report_id, c.ordinal"
        )
        return [chunk_from_row(*row) for row in rows]

    def report_chunks(self, report_id: str) -> list[Chunk]:
        """Chunks of one report in reading order."""
        rows = self.query(
            "SELECT id, text, data_json FROM chunks WHERE report_id=? ORDER BY ordinal",
            (report_id,),
        )
        return [chunk_from_row(*row) for row in rows]

    def reports(self, include_failed: bool = True) -> list[ReportRecord]:
        """Every live report (one row per source path) and every failed file."""
        rows = self.query(
            "SELECT s.path, s.sha256, s.size, s.status, s.error, s.report_id, s.updated_at, "
            "r.chunks, r.pages, r.title, r.subject, r.inspectorate, r.framework, r.report_type, "
            "r.lead_inspector, r.inspection_start, r.inspection_end, r.published, r.indexed_at, "
            "r.source, r.status, r.metadata_json "
            "FROM sources s LEFT JOIN reports r ON r.report_id=s.report_id ORDER BY s.path"
        )
        out = []
        aliases: dict[str, list[str]] = {}
        for row in rows:
            if row[3] == "indexed" and row[5]:
                aliases.setdefault(row[5], []).append(row[0])
        for (
            path,
            sha,
            size,
            status,
            error,
            rid,
            updated,
            chunks,
            pages,
            title,
            subject,
            insp,
            framework,
            rtype,
            lead,
            start,
            end,
            pub,
            indexed_at,
            _first,
            rstatus,
            md_json,
        ) in rows:
            if status == "indexed" and rstatus != "live":
                continue
            if status == "failed" and not include_failed:
                continue
            stored = json.loads(md_json) if md_json else {}
            out.append(
                ReportRecord(
                    source=path,
                    sha256=sha,
                    size=size or 0,
                    status=status,
                    error=error,
                    report_id=rid,
                    chunks=chunks or 0,
                    pages=pages or 0,
                    title=title,
                    subject=subject,
                    inspectorate=insp,
                    framework=framework,
                    report_type=rtype,
                    lead_inspector=lead,
                    kind=stored.get("kind"),
                    inspectorates=list(stored.get("inspectorates") or ([insp] if insp else [])),
                    inspection_start=_pd(start),
                    inspection_end=_pd(end),
                    published=_pd(pub),
                    indexed_at=indexed_at or updated,
                    aliases=[a for a in aliases.get(rid or "", []) if a != path],
                )
            )
        return out

    def judgements(self, report_id: str) -> list[Judgement]:
        """The graded judgements of a report, in the order the report states them."""
        rows = self.query(
            "SELECT judgement, grade, page, quote, key, grade_key FROM judgements "
            "WHERE report_id=? ORDER BY ordinal",
            (report_id,),
        )
        return [Judgement(*row) for row in rows]

    def improvements(self, report_id: str) -> list[str]:
        """The report's "what needs to improve" points."""
        return [
            r[0]
            for r in self.query(
                "SELECT text FROM improvements WHERE report_id=? ORDER BY ordinal", (report_id,)
            )
        ]

    # -- writing -----------------------------------------------------------------------
    def stage_report(
        self,
        report: ParsedReport,
        chunks: list[Chunk],
        sentences: list[SpanVectors] | None = None,
    ) -> None:
        """Write a report and its chunks (and their sentence vectors, when given, one per chunk)
        as ``staged`` (invisible to readers)."""
        md = report.metadata
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                c.execute("DELETE FROM chunks WHERE report_id=?", (report.report_id,))
                c.execute("DELETE FROM sentences WHERE report_id=?", (report.report_id,))
                c.execute("DELETE FROM judgements WHERE report_id=?", (report.report_id,))
                c.execute("DELETE FROM improvements WHERE report_id=?", (report.report_id,))
                c.execute(
                    "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        report.report_id,
                        report.sha256,
                        "staged",
                        report.source,
                        report.file_type,
                        report.pages,
                        len(chunks),
                        md.title,
                        md.subject,
                        md.inspectorate,
                        md.framework,
                        md.report_type,
                        md.lead_inspector,
                        _d(md.inspection_start),
                        _d(md.inspection_end),
                        _d(md.published),
                        json.dumps(
                            {
                                "notes": md.notes,
                                "kind": md.kind,
                                "inspectorates": md.inspectorates,
                                "warnings": report.warnings,
                                "page_labels": report.page_labels,
                            }
                        ),
                        now(),
                    ),
                )
                c.executemany(
                    "INSERT INTO chunks VALUES (?,?,?,?,?)",
                    [
                        (ch.id, ch.report_id, ch.ordinal, ch.text, chunk_to_json(ch))
                        for ch in chunks
                    ],
                )
                if sentences is not None:
                    c.executemany(
                        "INSERT INTO sentences VALUES (?,?,?,?)",
                        [
                            (
                                ch.id,
                                ch.report_id,
                                np.ascontiguousarray(sv.spans, dtype=np.int32).tobytes(),
                                np.ascontiguousarray(sv.vectors, dtype=np.float16).tobytes(),
                            )
                            for ch, sv in zip(chunks, sentences, strict=True)
                        ],
                    )
                c.executemany(
                    "INSERT INTO judgements VALUES (?,?,?,?,?,?,?,?)",
                    [
                        (
                            report.report_id,
                            i,
                            j.judgement,
                            j.grade,
                            j.key,
                            j.grade_key,
                            j.page,
                            j.quote,
                        )
                        for i, j in enumerate(report.judgements)
                    ],
                )
                c.executemany(
                    "INSERT INTO improvements VALUES (?,?,?)",
                    [(report.report_id, i, t) for i, t in enumerate(report.improvements)],
                )
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

    def commit_sources(
        self, report_id: str | None, sources: list[tuple[str, str, int, float]], live: bool = True
    ) -> list[str]:
        """Point source paths at a report and make it live, in one transaction.

        Args:
            report_id: The report the paths now hold.
            sources: (path, sha256, size, mtime) of each path.
            live: Make the report live.

        Returns:
            Ids of reports no path refers to any more (now ``retired``).
        """
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                marks = ",".join("?" * len(sources))
                before = {
                    r[0]
                    for r in c.execute(
                        f"SELECT DISTINCT report_id FROM sources WHERE path IN ({marks}) "
                        "AND report_id IS NOT NULL",
                        tuple(s[0] for s in sources),
                    )
                }
                for path, sha, size, mtime in sources:
                    c.execute(
                        "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?,?)",
                        (path, sha, size, mtime, "indexed", None, report_id, now()),
                    )
                if live and report_id:
                    c.execute(
                        "UPDATE reports SET status='live', indexed_at=? WHERE report_id=?",
                        (now(), report_id),
                    )
                retired = self._retire_orphans(before - {report_id})
                self._bump()
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        return retired

    def _retire_orphans(self, candidates: set[str]) -> list[str]:
        retired = []
        for rid in candidates:
            (n,) = self._conn.execute(
                "SELECT COUNT(*) FROM sources WHERE report_id=? AND status='indexed'", (rid,)
            ).fetchone()
            if n == 0:
                self._conn.execute("UPDATE reports SET status='retired' WHERE report_id=?", (rid,))
                retired.append(rid)
        return retired

    def _bump(self) -> None:
        (g,) = self._conn.execute(
            "SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key='generation'), 0)"
        ).fetchone()
        self._conn.execute(
            "INSERT INTO meta(key, value) VALUES('generation', ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (str(g + 1),),
        )

    def record_failure(
        self, path: str, sha: str | None, size: int, mtime: float, reason: str
    ) -> list[str]:
        """Mark a path failed with its reason; a report it held is retired if nothing else holds it."""
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                before = {
                    r[0]
                    for r in c.execute(
                        "SELECT report_id FROM sources WHERE path=? AND report_id IS NOT NULL",
                        (path,),
                    )
                }
                c.execute(
                    "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?,?)",
                    (path, sha, size, mtime, "failed", reason, None, now()),
                )
                retired = self._retire_orphans(before)
                self._bump()
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        return retired

    def remove_sources(self, paths: list[str]) -> list[str]:
        """Forget source paths; returns the reports retired because nothing holds them."""
        if not paths:
            return []
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                before = set()
                for path in paths:
                    before |= {
                        r[0]
                        for r in c.execute(
                            "SELECT report_id FROM sources WHERE path=? AND report_id IS NOT NULL",
                            (path,),
                        )
                    }
                    c.execute("DELETE FROM sources WHERE path=?", (path,))
                retired = self._retire_orphans(before)
                self._bump()
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
        return retired

    def touch_source(self, path: str, mtime: float) -> None:
        """Remember a new mtime for an unchanged file (so the next run need not hash it)."""
        with self._lock:
            self._conn.execute("UPDATE sources SET mtime=? WHERE path=?", (mtime, path))

    def purge(self, report_ids: list[str]) -> None:
        """Delete retired or staged reports' rows for good (their vectors are already gone)."""
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                for rid in report_ids:
                    for table in ("chunks", "sentences", "judgements", "improvements"):
                        c.execute(f"DELETE FROM {table} WHERE report_id=?", (rid,))
                    c.execute("DELETE FROM reports WHERE report_id=? AND status!='live'", (rid,))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

    def dead_report_ids(self) -> list[str]:
        """Reports that are staged (an interrupted run) or retired (awaiting deletion)."""
        return [r[0] for r in self.query("SELECT report_id FROM reports WHERE status!='live'")]
