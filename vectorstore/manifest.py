"""The SQLite manifest and catalogue: sources, reports, chunk texts, judgements.

SQLite is the index's source of truth for what is *live*. A report's chunks are written to the
vector store while the report is ``staged``; one transaction then makes it ``live`` (and retires
the report it replaces), so a reader sees either the old report or the new one, never a mix.
The schema and row formats are in :mod:`vectorstore.manifest_rows`, the writes in
:mod:`vectorstore.manifest_writes`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ingest.records import Chunk, Judgement
from vectorstore.errors import CorruptIndexError
from vectorstore.manifest_rows import SCHEMA, chunk_from_row, chunk_to_json, now, parse_date
from vectorstore.manifest_writes import ManifestWrites
from vectorstore.records import ReportRecord, SourceRow, SpanVectors

__all__ = ["Manifest", "chunk_from_row", "chunk_to_json", "now"]


def damaged(path: Path, exc: sqlite3.DatabaseError) -> CorruptIndexError:
    """The error for a manifest SQLite cannot read."""
    return CorruptIndexError(
        f"the manifest {path} is damaged ({exc}): restore the index folder from a backup, or "
        "move it away and ingest the reports again into a new one"
    )


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    # OperationalError also covers a busy database or a full disk, which are not damage.
    text = str(exc).lower()
    return not isinstance(exc, sqlite3.OperationalError) or "malformed" in text


class Manifest(ManifestWrites):
    """The SQLite manifest. Safe to share between threads; one writer at a time.

    Raises:
        CorruptIndexError: The file is not a readable SQLite database with the manifest's
            tables (checked when it is opened).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(
                self.path, check_same_thread=False, timeout=30, isolation_level=None
            )
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(SCHEMA)
            for table in ("meta", "reports", "sources", "chunks"):
                self._conn.execute(f"SELECT * FROM {table} LIMIT 1").fetchall()
        except sqlite3.DatabaseError as exc:
            if _is_damage(exc):
                raise damaged(self.path, exc) from exc
            raise

    def check(self) -> str | None:
        """What SQLite's own check finds wrong with the whole file, or None (reads every page:
        a second or so on a large index)."""
        try:
            rows = self.query("PRAGMA quick_check")
        except CorruptIndexError as exc:
            return str(exc)
        found = [r[0] for r in rows if r[0] != "ok"]
        return f"the manifest {self.path} is damaged: {'; '.join(found[:3])}" if found else None

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    # -- reading -----------------------------------------------------------------------
    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run a read query and return all rows.

        Raises:
            CorruptIndexError: SQLite finds the file damaged.
        """
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except sqlite3.DatabaseError as exc:
                if _is_damage(exc):
                    raise damaged(self.path, exc) from exc
                raise

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

    def source(self, path: str) -> SourceRow | None:
        """What the manifest remembers of a source path, or None."""
        rows = self.query(
            "SELECT sha256, size, mtime, status, report_id FROM sources WHERE path=?", (path,)
        )
        return SourceRow(*rows[0]) if rows else None

    def source_error(self, path: str) -> str | None:
        """Why a source path failed, or None."""
        rows = self.query("SELECT error FROM sources WHERE path=?", (path,))
        return rows[0][0] if rows else None

    def noted_failures(self) -> set[str]:
        """Paths whose indexed version stays live although their file could not be re-read."""
        rows = self.query("SELECT path FROM sources WHERE status='indexed' AND error IS NOT NULL")
        return {r[0] for r in rows}

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

    def iter_live_chunks(self, step: int = 2000) -> Iterator[Chunk]:
        """Every chunk of every live report, read ``step`` at a time (by id), so that a pass
        over a large index never holds all its chunks at once."""
        last = ""
        while True:
            rows = self.query(
                "SELECT c.id, c.text, c.data_json FROM chunks c JOIN reports r "
                "ON r.report_id=c.report_id WHERE r.status='live' AND c.id > ? "
                "ORDER BY c.id LIMIT ?",
                (last, step),
            )
            for row in rows:
                yield chunk_from_row(*row)
            if len(rows) < step:
                return
            last = rows[-1][0]

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
                    inspection_start=parse_date(start),
                    inspection_end=parse_date(end),
                    published=parse_date(pub),
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
