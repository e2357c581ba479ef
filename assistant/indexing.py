"""Incremental, crash-safe ingest: files in, index updated report by report.

New files are added, changed ones swapped in one step, unchanged ones skipped without
embedding, gone ones removed with ``prune``. One writer at a time (a lock file in the index);
readers keep answering throughout.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.discovery import discover, inside_root
from assistant.held import AcceptedFiles
from assistant.indexing_records import IngestSummary, Phase, Progress
from assistant.parsing import parse_with, parser_for
from assistant.prune import PruneRefusedError, plan_prune
from assistant.settings import Settings
from ingest.chunking import chunk_report, sentence_spans
from ingest.errors import IngestError
from ingest.parse import relative_source
from ingest.records import PARSER_VERSION, Chunk, ParsedReport, report_id_for
from ingest.screen import screen_report
from vectorstore.embedder import Embedder
from vectorstore.errors import IndexWriteError, disk_full_cause, low_space_cause
from vectorstore.index import Index
from vectorstore.locks import IndexLockedError, writer_lock
from vectorstore.records import FailedFile, SourceFile, SpanVectors

__all__ = [
    "IndexLockedError",
    "IndexWriteError",
    "IngestSummary",
    "Ingestor",
    "Phase",
    "Progress",
    "discover",
    "writer_lock",
]

log = logging.getLogger("inspection_assistant.ingest")


@dataclass
class _Pending:
    report: ParsedReport
    chunks: list[Chunk]
    sources: list[SourceFile]
    replaces: bool


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
        force_prune: bool = False,
        progress: Callable[[Progress], None] | None = None,
        phases: Callable[[Phase], None] | None = None,
    ) -> IngestSummary:
        """Ingest files and folders into the index.

        Args:
            paths: Files and folders to take in.
            prune: Remove reports whose files are no longer among ``paths``.
            force_prune: Prune even when that removes more than ``prune_max_fraction`` of
                the index's reports (otherwise such a run is refused before any change).
            progress: Called after each file (and once more when the last group of chunks
                has gone in).
            phases: Called when a step starts: scanning, reading each file, embedding a group
                of chunks, making reports live.

        Returns:
            The run's summary.

        Raises:
            IndexWriteError: The disk filled up (or a file size limit was reached): the reports
                made live before stay live, and the next run finishes the job.
            PruneRefusedError: The prune would remove too much of the index and was not forced.
        """
        try:
            return self._run(paths, prune, force_prune, progress, phases)
        except Exception as exc:
            below = int(self.settings.store.disk_full_below_mb * 1024 * 1024)
            cause = disk_full_cause(exc) or low_space_cause(self.index.path, below)
            if cause is None:
                raise
            raise IndexWriteError(
                f"the index at {self.index.path} cannot be written: {cause}. The reports "
                "indexed before stay live and searchable; free some space and run ingest "
                "again to finish"
            ) from exc

    def _run(self, paths, prune, force_prune, progress, phases) -> IngestSummary:
        t0 = time.perf_counter()
        s = IngestSummary()
        phase = phases or (lambda _p: None)
        with self.index.writing(), parser_for(self.settings) as parser:
            s.repaired = self.index.recover(self.embedder.embed_documents).reembedded
            retry_failed = self.index.manifest.get_meta("failure_key") != self._failure_key()
            phase(Phase("scanning"))
            files = discover(paths, skip=[self.index.path])
            named = {os.path.abspath(p) for p in paths}
            if prune and not force_prune:
                present = {relative_source(f, root) for f, root in files}
                limit = self.settings.ingest.prune_max_fraction
                plan = plan_prune(self.index.manifest, present, limit)
                if plan.over_limit:
                    raise PruneRefusedError(plan)
            accepted = AcceptedFiles(self.index.path).paths()
            position, current = 0, ""  # the file being read, for the steps between files
            m = self.index.manifest
            noted = m.noted_failures()
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
                if os.path.abspath(path) not in named and not inside_root(path, root):
                    # A link out of the folder would index (and quote) whatever it points at.
                    self._fail(
                        s,
                        rel,
                        None,
                        0,
                        0.0,
                        "refused: a symbolic link to a file outside the reports folder",
                        keep_live=False,
                    )
                    continue
                try:
                    st = path.stat()
                except OSError as exc:
                    self._fail(s, rel, None, 0, 0.0, f"cannot read file: {exc.strerror}")
                    continue
                old = m.source(rel)
                live = self.index.live_ids()
                if (
                    old
                    and old.indexed
                    and old.report_id in live
                    and (old.size, old.mtime) == (st.st_size, st.st_mtime)
                    and old.report_id == report_id_for(old.sha256)
                ):
                    if rel in noted:  # the file is back as it was indexed
                        m.touch_source(rel, st.st_mtime)
                    s.unchanged += 1
                    self._tick(progress, done, len(files), s, t0, rel)
                    continue
                # A file whose bytes failed to parse fails the same way until it or a setting
                # changes; one that could not be read (no sha recorded) is tried again.
                if (
                    old
                    and old.status == "failed"
                    and old.sha256 is not None
                    and not retry_failed
                    and rel not in accepted  # held until an admin accepted it: read it now
                    and (old.size, old.mtime) == (st.st_size, st.st_mtime)
                ):
                    s.failed.append(FailedFile(rel, m.source_error(rel) or "failed"))
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
                src = SourceFile(rel, sha, st.st_size, st.st_mtime)
                if old and old.indexed and old.report_id == rid and rid in live:
                    m.touch_source(rel, st.st_mtime)
                    s.unchanged += 1
                    self._tick(progress, done, len(files), s, t0, rel)
                    continue
                if rid in live:  # the same bytes are indexed under another name
                    retired = m.commit_sources(rid, [src])
                    self.index.drop(retired)
                    s.updated += 1 if old and old.indexed else 0
                    s.added += 0 if old and old.indexed else 1
                    self._tick(progress, done, len(files), s, t0, rel)
                    continue
                if sha in by_sha:
                    by_sha[sha].sources.append(src)
                    continue
                try:
                    report = parse_with(self.settings, parser, data, rel)
                    chunks = chunk_report(
                        report,
                        self.embedder.count_tokens,
                        max_tokens=self.settings.embedding.max_tokens,
                        target_tokens=self.settings.ingest.chunk_tokens,
                    )
                    if not chunks:
                        raise IngestError("no indexable text after parsing")
                    screened = screen_report(report)
                    if screened.held and rel not in accepted:
                        raise IngestError(screened.reason)
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
                item = _Pending(report, chunks, [src], bool(old and old.indexed))
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
                    phase(Phase("removing", position, len(files), chunks=len(gone)))
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
            m.set_meta("failure_key", self._failure_key())
        s.seconds = time.perf_counter() - t0
        return s

    def _failure_key(self) -> str:
        """What a file's failure may depend on besides its bytes: when it changes, files that
        failed are read again even if they did not change."""
        st = self.settings.ingest
        tesseract = bool(shutil.which("tesseract"))
        return (
            f"{PARSER_VERSION}:{st.max_file_mb}:{st.ocr and tesseract}:"
            f"{self.settings.embedding.max_tokens}:"
            f"{st.chunk_tokens}:{st.parse_isolated}:{st.parse_memory_mb}:{st.parse_timeout_s}:"
            f"{st.max_pages}:{st.max_unzipped_mb}:{st.ocr_max_megapixels}:{st.ocr_min_dpi}:"
            f"{st.max_html_depth}"
        )

    def _fail(
        self,
        s: IngestSummary,
        rel: str,
        sha: str | None,
        size: int,
        mtime: float,
        reason: str,
        keep_live: bool = True,
    ) -> None:
        """Report a file that could not be indexed.

        When the file changed since its report was made live (or could not be read at all),
        the live version stays: a half-copied file or a passing read error must not take a
        good report out of the index. The failure is noted on the path and the next run tries
        again. Otherwise the path is marked failed and a report only it held is retired.
        """
        reason = " ".join(reason.split())
        m = self.index.manifest
        old = m.source(rel)
        if (
            keep_live
            and old
            and old.indexed
            and old.report_id in self.index.live_ids()
            and (sha is None or sha != old.sha256)
        ):
            reason = f"{reason}; the version indexed before stays live"
            m.note_failure(rel, reason)
        else:
            self.index.drop(m.record_failure(rel, sha, size, mtime, reason))
        s.failed.append(FailedFile(rel, reason))
        log.warning("failed: %s: %s", rel, reason)

    @staticmethod
    def _tick(progress, done, total, s, t0, rel) -> None:
        if progress is not None:
            progress(Progress(done, total, s.pages, s.chunks, time.perf_counter() - t0, rel))
