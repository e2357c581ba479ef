"""Incremental, crash-safe ingest: files in, index updated report by report.

New files are added, changed ones swapped in one step, unchanged ones skipped without
embedding, gone ones removed with ``prune``. One writer at a time (a lock file in the index);
readers keep answering throughout.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from assistant.settings import Settings
from ingest.chunking import chunk_report, sentence_spans
from ingest.errors import IngestError
from ingest.parse import parse_bytes, relative_source
from ingest.records import Chunk, ParsedReport, report_id_for
from vectorstore.embedder import Embedder
from vectorstore.index import Index
from vectorstore.records import SpanVectors

log = logging.getLogger("inspection_assistant.ingest")

SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass
class IngestSummary:
    """What one ingest run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The JSON shape of ``ingest --json``."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "failed": self.failed,
            "pages": self.pages,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Progress:
    """Progress of a run, passed to the callback after each file."""

    files_done: int
    files_total: int
    pages: int
    chunks: int
    elapsed: float
    current: str


@dataclass(frozen=True)
class Phase:
    """A step of a run starting, passed to the ``phases`` callback.

    Attributes:
        name: "scanning" (finding the files), "reading" (reading and parsing one file),
            "embedding" (a group of chunks) or "making live" (writing reports into the index,
            and at the end bringing the keyword index up to date).
        file: 1-based number of the file being read (the last one read for later steps).
        files_total: Files found (0 while scanning).
        current: The file being read ("" for the other steps).
        chunks: The chunks being embedded or made live (0 otherwise).
    """

    name: Literal["scanning", "reading", "embedding", "making live"]
    file: int = 0
    files_total: int = 0
    current: str = ""
    chunks: int = 0


@dataclass
class _Pending:
    report: ParsedReport
    chunks: list[Chunk]
    sources: list[tuple[str, str, int, float]]
    replaces: bool


class IndexLockedError(RuntimeError):
    """Another ingest is writing to this index."""


@contextmanager
def writer_lock(index_dir: Path, wait: bool = True) -> Iterator[None]:
    """Hold the index's writer lock (released even if the process dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".writer.lock", "w") as fh:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh, flags)
        except BlockingIOError as exc:
            raise IndexLockedError("another ingest is running on this index") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def discover(paths: list[Path], skip: list[Path] | None = None) -> list[tuple[Path, Path]]:
    """(file, root) for every file under the given paths; a file given alone has its folder as root.

    Hidden files and folders, and anything inside ``skip`` folders (e.g. the index), are left out.
    """
    skip_resolved = [s.resolve() for s in (skip or [])]
    out: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    for p in paths:
        p = Path(p)
        if p.is_dir():
            root = p
            files = sorted(f for f in p.rglob("*") if f.is_file())
        elif p.exists():
            root, files = p.parent, [p]
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
        for f in files:
            rel = f.relative_to(root)
            if any(part.startswith(".") for part in rel.parts) or f.name in SKIP_NAMES:
                continue
            r = f.resolve()
            if any(r.is_relative_to(s) for s in skip_resolved) or r in seen:
                continue
            seen.add(r)
            out.append((f, root))
    return out


class Ingestor:
    """Runs ingest for one index with one embedder and one settings object."""

    def __init__(self, index: Index, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings

    def run(
        self,
        paths: list[Path],
        *,
        prune: bool = False,
        progress: Callable[[Progress], None] | None = None,
        phases: Callable[[Phase], None] | None = None,
    ) -> IngestSummary:
        """Ingest files and folders into the index.

        Args:
            paths: Files and folders to take in.
            prune: Remove reports whose files are no longer among ``paths``.
            progress: Called after each file (and once more when the last group of chunks
                has gone in).
            phases: Called when a step starts: scanning, reading each file, embedding a group
                of chunks, making reports live.

        Returns:
            The run's summary.
        """
        t0 = time.perf_counter()
        s = IngestSummary()
        phase = phases or (lambda _p: None)
        with writer_lock(self.index.path):
            self.index.recover()
            phase(Phase("scanning"))
            files = discover(paths, skip=[self.index.path])
            position, current = 0, ""  # the file being read, for the steps between files
            m = self.index.manifest
            seen: set[str] = set()
            pending: list[_Pending] = []
            pending_chunks = 0
            # Several paths with the same bytes: the first indexes, the others point at it.
            by_sha: dict[str, _Pending] = {}

            def flush() -> None:
                nonlocal pending, pending_chunks
                if not pending:
                    return
                chunks = [c for p in pending for c in p.chunks]
                texts = [c.embed_text for c in chunks]
                # The model reads embed_text (a context prefix, then the text): sentence spans
                # go in shifted by the prefix and come back in the text's own offsets.
                shifts = [len(c.embed_text) - len(c.text) for c in chunks]
                spans = [
                    [(a + d, b + d) for a, b in sentence_spans(c.text)]
                    for c, d in zip(chunks, shifts, strict=True)
                ]
                phase(Phase("embedding", position, len(files), chunks=len(chunks)))
                embedded = self.embedder.embed_passages(texts, spans)
                vectors, pooled = embedded.vectors, embedded.spans
                sentences = [
                    SpanVectors((sv.spans - d).astype(np.int32), sv.vectors)
                    for sv, d in zip(pooled, shifts, strict=True)
                ]
                if texts:
                    self.index.check_model(self.embedder.name, int(vectors.shape[1]))
                phase(Phase("making live", position, len(files), chunks=len(chunks)))
                i = 0
                for p in pending:
                    n = len(p.chunks)
                    self.index.add_report(
                        p.report, p.chunks, vectors[i : i + n], p.sources, sentences[i : i + n]
                    )
                    i += n
                    s.chunks += n
                    s.pages += p.report.pages
                    if p.replaces:
                        s.updated += 1
                    else:
                        s.added += 1
                pending, pending_chunks = [], 0
                by_sha.clear()

            for done, (path, root) in enumerate(files, 1):
                rel = relative_source(path, root)
                position, current = done, rel
                phase(Phase("reading", done, len(files), rel))
                seen.add(rel)
                try:
                    st = path.stat()
                except OSError as exc:
                    self._fail(s, rel, None, 0, 0.0, f"cannot read file: {exc.strerror}")
                    continue
                old = m.source(rel)
                live = self.index.live_ids()
                if (
                    old
                    and old[3] == "indexed"
                    and old[4] in live
                    and old[1] == st.st_size
                    and old[2] == st.st_mtime
                    and old[4] == report_id_for(old[0])
                ):
                    s.unchanged += 1
                    self._tick(progress, done, len(files), s, t0, rel)
                    continue
                try:
                    if st.st_size > self.settings.ingest.max_file_bytes:
                        raise IngestError(
                            f"file too large: {st.st_size / 1048576:.1f} MB is over the "
                            f"{self.settings.ingest.max_file_mb:g} MB limit"
                        )
                    data = path.read_bytes()
                except OSError as exc:
                    self._fail(
                        s, rel, None, st.st_size, st.st_mtime, f"cannot read file: {exc.strerror}"
                    )
                    continue
                except IngestError as exc:
                    self._fail(s, rel, None, st.st_size, st.st_mtime, str(exc))
                    continue
                sha = hashlib.sha256(data).hexdigest()
                rid = report_id_for(sha)
                src = (rel, sha, st.st_size, st.st_mtime)
                if old and old[3] == "indexed" and old[4] == rid and rid in live:
                    m.touch_source(rel, st.st_mtime)
                    s.unchanged += 1
                    self._tick(progress, done, len(files), s, t0, rel)
                    continue
                if rid in live:  # the same bytes are indexed under another name
                    retired = m.commit_sources(rid, [src])
                    self.index.drop(retired)
                    s.updated += 1 if old and old[3] == "indexed" else 0
                    s.added += 0 if old and old[3] == "indexed" else 1
                    self._tick(progress, done, len(files), s, t0, rel)
                    continue
                if sha in by_sha:
                    by_sha[sha].sources.append(src)
                    continue
                try:
                    report = parse_bytes(
                        data,
                        rel,
                        max_bytes=self.settings.ingest.max_file_bytes,
                        ocr=self.settings.ingest.ocr,
                    )
                    chunks = chunk_report(
                        report,
                        self.embedder.count_tokens,
                        max_tokens=self.settings.embedding.max_tokens,
                        target_tokens=self.settings.ingest.chunk_tokens,
                    )
                    if not chunks:
                        raise IngestError("no indexable text after parsing")
                except IngestError as exc:
                    self._fail(s, rel, sha, st.st_size, st.st_mtime, str(exc))
                    continue
                except Exception as exc:  # a hostile file must not stop the run
                    log.exception("unexpected error parsing %s", rel)
                    self._fail(
                        s,
                        rel,
                        sha,
                        st.st_size,
                        st.st_mtime,
                        f"could not be parsed ({type(exc).__name__}: {str(exc)[:120]})",
                    )
                    continue
                item = _Pending(report, chunks, [src], bool(old and old[3] == "indexed"))
                pending.append(item)
                by_sha[sha] = item
                pending_chunks += len(chunks)
                if pending_chunks >= self.settings.ingest.embed_group:
                    flush()
                self._tick(progress, done, len(files), s, t0, rel)
            chunks_before = s.chunks
            flush()
            if s.chunks != chunks_before:  # the counts after the last group went in
                self._tick(progress, position, len(files), s, t0, current)

            phase(Phase("making live", position, len(files)))
            if prune:
                gone = [p for p in m.source_paths() if p not in seen]
                if gone:
                    indexed_gone = {
                        p
                        for p, st_ in m.query("SELECT path, status FROM sources")
                        if st_ == "indexed" and p in gone
                    }
                    retired = m.remove_sources(gone)
                    self.index.drop(retired)
                    s.removed = len(indexed_gone)
            # A no-op when BM25 already matches the manifest's generation.
            self.index.rebuild_keyword()
        s.seconds = time.perf_counter() - t0
        return s

    def _fail(
        self, s: IngestSummary, rel: str, sha: str | None, size: int, mtime: float, reason: str
    ) -> None:
        reason = " ".join(reason.split())
        retired = self.index.manifest.record_failure(rel, sha, size, mtime, reason)
        self.index.drop(retired)
        s.failed.append({"path": rel, "reason": reason})
        log.warning("failed: %s: %s", rel, reason)

    @staticmethod
    def _tick(progress, done, total, s, t0, rel) -> None:
        if progress is not None:
            progress(Progress(done, total, s.pages, s.chunks, time.perf_counter() - t0, rel))
