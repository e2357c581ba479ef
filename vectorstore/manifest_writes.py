"""Writing the manifest: staging a report, making it live, failures, removals, purges.

Each change is one SQLite transaction, and every change readers must see bumps the
``generation`` counter in the same transaction.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from ingest.records import Chunk, ParsedReport
from vectorstore.manifest_rows import chunk_to_json, iso_date, now
from vectorstore.records import SourceFile, SpanVectors


class ManifestWrites:
    """The writing half of :class:`vectorstore.manifest.Manifest` (which opens the connection)."""

    _conn: sqlite3.Connection
    _lock: threading.RLock

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (committed at the end of the ``with``, rolled back on error),
        for a change made of many rows at once (a replica applying a published generation)."""
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

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
                        iso_date(md.inspection_start),
                        iso_date(md.inspection_end),
                        iso_date(md.published),
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
        self, report_id: str | None, sources: list[SourceFile], live: bool = True
    ) -> list[str]:
        """Point source paths at a report and make it live, in one transaction.

        Args:
            report_id: The report the paths now hold.
            sources: Each path, with the bytes it held.
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
                        tuple(s.path for s in sources),
                    )
                }
                for s in sources:
                    c.execute(
                        "INSERT OR REPLACE INTO sources VALUES (?,?,?,?,?,?,?,?)",
                        (s.path, s.sha256, s.size, s.mtime, "indexed", None, report_id, now()),
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

    def bump_generation(self) -> None:
        """Make readers load the index again (after its vectors were repaired)."""
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                self._bump()
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

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
        """Mark a path failed with its reason; a report it held is retired if nothing else holds it.

        The same failure again (same bytes, same reason) changes nothing readers see: only the
        file's size and mtime are kept, and the generation stays.
        """
        with self._lock:
            c = self._conn
            c.execute("BEGIN IMMEDIATE")
            try:
                same = c.execute(
                    "SELECT 1 FROM sources WHERE path=? AND status='failed' AND sha256 IS ? "
                    "AND error=?",
                    (path, sha, reason),
                ).fetchone()
                if same:
                    c.execute(
                        "UPDATE sources SET size=?, mtime=? WHERE path=?", (size, mtime, path)
                    )
                    c.execute("COMMIT")
                    return []
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
        """Remember a new mtime for an unchanged file (so the next run need not hash it).

        A failure noted on the path (see :meth:`note_failure`) is cleared: the file is back to
        the bytes that are indexed.
        """
        with self._lock:
            self._conn.execute("UPDATE sources SET mtime=?, error=NULL WHERE path=?", (mtime, path))

    def note_failure(self, path: str, reason: str) -> None:
        """Note why a changed file could not be re-read, keeping its indexed version live.

        The path keeps the hash, size and time of the indexed version, so the next run reads
        the file again.
        """
        with self._lock:
            self._conn.execute(
                "UPDATE sources SET error=?, updated_at=? WHERE path=? AND status='indexed'",
                (reason, now(), path),
            )

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
