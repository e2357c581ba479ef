"""Where each report file came from: its public URL, feed publication date and source.

A table of its own in the index's SQLite file, keyed by the file's path (relative to the reports
folder, as in the manifest's ``sources``). It is read when chunks and report records leave the
index, so a link learnt after a file was indexed reaches its citations without re-embedding.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from ingest.records import Chunk
from vectorstore.records import ReportRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS provenance (
    path TEXT PRIMARY KEY,
    url TEXT,
    published TEXT,
    origin TEXT NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0
);
"""


@dataclass(frozen=True)
class ProvenanceRow:
    """Where one file came from.

    Attributes:
        path: The file's path relative to the reports folder.
        url: Its public link, or None (a folder without a sidecar entry).
        published: Its publication date as its source gives it, or None.
        origin: The name of the source.
        withdrawn: True when the source no longer lists it.
    """

    path: str
    url: str | None
    published: date | None
    origin: str
    withdrawn: bool = False


class Provenance:
    """The provenance table of one index (its own connection to the manifest's file).

    Args:
        db_path: The index's ``manifest.sqlite``.
    """

    def __init__(self, db_path: Path) -> None:
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            Path(db_path), check_same_thread=False, timeout=30, isolation_level=None
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.executescript(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def put(self, rows: list[ProvenanceRow]) -> None:
        """Record (or replace) where files came from."""
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO provenance VALUES (?,?,?,?,?)",
                [
                    (
                        r.path,
                        r.url,
                        r.published.isoformat() if r.published else None,
                        r.origin,
                        int(r.withdrawn),
                    )
                    for r in rows
                ],
            )

    def remove(self, paths: list[str]) -> None:
        """Forget the provenance of files (pruned ones)."""
        with self._lock:
            self._conn.executemany("DELETE FROM provenance WHERE path=?", [(p,) for p in paths])

    def of_origin(self, origin: str) -> list[ProvenanceRow]:
        """Every file recorded for one source."""
        return [
            _row(*r)
            for r in self._rows(
                "SELECT path, url, published, origin, withdrawn FROM provenance WHERE origin=? "
                "ORDER BY path",
                (origin,),
            )
        ]

    def by_path(self, paths: list[str]) -> dict[str, ProvenanceRow]:
        """Provenance of the given files (those without any are left out)."""
        out: dict[str, ProvenanceRow] = {}
        for start in range(0, len(paths), 500):
            part = paths[start : start + 500]
            marks = ",".join("?" * len(part))
            for r in self._rows(
                "SELECT path, url, published, origin, withdrawn FROM provenance "
                f"WHERE path IN ({marks})",
                tuple(part),
            ):
                out[r[0]] = _row(*r)
        return out

    def urls_of_reports(self, report_ids: list[str]) -> dict[str, str]:
        """The public link of each report (of the first of its files that has one)."""
        out: dict[str, str] = {}
        ids = sorted(set(report_ids))
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            for rid, url in self._rows(
                "SELECT s.report_id, p.url FROM sources s JOIN provenance p ON p.path=s.path "
                f"WHERE s.report_id IN ({marks}) AND p.url IS NOT NULL "
                "ORDER BY p.withdrawn, s.path",
                tuple(part),
            ):
                out.setdefault(rid, url)
        return out

    def with_urls(self, chunks: list[Chunk]) -> list[Chunk]:
        """The chunks with their report's public link filled in."""
        if not chunks:
            return chunks
        urls = self.urls_of_reports([c.report_id for c in chunks])
        return [replace(c, url=urls[c.report_id]) if c.report_id in urls else c for c in chunks]

    def annotate(self, records: list[ReportRecord]) -> list[ReportRecord]:
        """Report records with their link, source name, withdrawal and feed publication date.

        The feed's publication date, when there is one, stands for the report's: it is when
        the inspectorate published it, which the text of the report rarely says.
        """
        known = self.by_path([r.source for r in records])
        for r in records:
            p = known.get(r.source)
            if p is None:
                continue
            r.url, r.origin, r.withdrawn = p.url, p.origin, p.withdrawn
            if p.published is not None:
                r.published = p.published
        return records


def _row(path, url, published, origin, withdrawn) -> ProvenanceRow:
    return ProvenanceRow(
        path, url, date.fromisoformat(published) if published else None, origin, bool(withdrawn)
    )
