"""One sync: list each source, fetch what is new or changed into the reports folder, ingest.

A fetched file is written under a hidden temporary name (never indexed), checked (size, type by
content, a PDF that opens) and only then renamed over its live name; a failed fetch leaves the
live file and its indexed report as they were. Entries a source no longer lists are kept and
marked withdrawn, or removed from the index when the source prunes.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from assistant.indexing import IngestSummary
from assistant.settings import Settings, SourceConfig
from assistant.sync.feeds import Entry
from assistant.sync.http import FetchError, PoliteClient, Validators
from assistant.sync.sources import Source, make_source
from assistant.sync.state import (
    EntryState,
    Failure,
    SourceState,
    SyncResult,
    load_state,
    save_state,
    state_dir,
)
from assistant.uploads import sanitize_name
from ingest.errors import IngestError
from ingest.parse import relative_source
from ingest.sniff import sniff
from vectorstore.index import Index
from vectorstore.provenance import ProvenanceRow

log = logging.getLogger("inspection_assistant.sync")


class SyncBusyError(RuntimeError):
    """Another sync of this index is running."""


def when(offset_s: float = 0.0) -> str:
    """UTC time ``offset_s`` from now as ISO text."""
    return (datetime.now(UTC) + timedelta(seconds=offset_s)).isoformat(timespec="seconds")


@contextmanager
def sync_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's sync lock (one sync at a time; refused, not queued)."""
    folder = state_dir(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".sync.lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise SyncBusyError("another sync is running on this index") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def check_content(path: Path, name: str, expect_pdf: bool) -> str:
    """The type of a fetched file, by its content.

    Args:
        path: The fetched (temporary) file.
        name: The name it will have (tells Markdown from text).
        expect_pdf: The address or server said PDF: anything else is refused.

    Raises:
        IngestError: Empty, an unsupported type, not the PDF it was served as, or a PDF that
            does not open.
    """
    data = path.read_bytes()
    kind = sniff(data, name)
    if expect_pdf and kind != "pdf":
        raise IngestError(f"served as a PDF but the content is {kind}")
    if kind == "pdf":
        import pymupdf

        try:
            with pymupdf.open(stream=data, filetype="pdf") as doc:
                if doc.page_count < 1:
                    raise IngestError("a PDF without pages")
                doc[doc.page_count - 1].get_text()
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(f"a PDF that does not open ({type(exc).__name__})") from exc
    return kind


class Syncer:
    """Syncs sources into one reports folder and index.

    Args:
        settings: The settings (reports folder, limits, HTTP politeness).
        index: The open index (its provenance table is written here).
        ingest: Runs the incremental ingest of the reports folder (the CLI's ingestor, or the
            app's updater, so that a sync and an Admin rescan never run at once).
    """

    def __init__(
        self, settings: Settings, index: Index, ingest: Callable[[], IngestSummary]
    ) -> None:
        self.settings = settings
        self.index = index
        self.ingest = ingest
        self.reports_dir = Path(settings.sources.reports_dir)

    def run(self, configs: list[SourceConfig]) -> SyncResult:
        """Sync the given sources, then ingest what changed (once, for all of them).

        Raises:
            SyncBusyError: Another sync of this index is running.
            OSError: The reports folder or the index cannot be written.
        """
        result = SyncResult()
        with sync_lock(self.index.path), PoliteClient(self.settings) as client:
            done: list[tuple[SourceState, dict[str, str], list[str]]] = []
            for config in configs:
                state, fetched, gone = self._source(make_source(config, self.settings), client)
                done.append((state, fetched, gone))
                result.added += [state.entries[k].url or k for k in fetched if fetched[k] == "a"]
                result.changed += [state.entries[k].url or k for k in fetched if fetched[k] == "c"]
            for state, _, _ in done:  # what is on disk is remembered, whatever ingest does
                save_state(self.index.path, state)
            changed = any(fetched or gone for _, fetched, gone in done)
            if changed or not self._indexed_all(done):
                summary = self.ingest()
                result.indexed = True
                self._ingest_failures(summary, done)
            for state, _fetched, gone in done:
                removed = self._prune(state, gone)
                result.removed += removed
                state.last_sync = when()
                state.next_sync = when(state.interval_s)
                save_state(self.index.path, state)
                result.unchanged += state.unchanged
                result.pending += [f"{state.name}: {p}" for p in state.pending]
                result.withdrawn += [
                    e.url or k for k, e in state.entries.items() if e.withdrawn
                ] + removed
                result.failed += state.failed
                result.sources.append(state)
        return result

    # -- one source ---------------------------------------------------------------------
    def _source(
        self, source: Source, client: PoliteClient
    ) -> tuple[SourceState, dict[str, str], list[str]]:
        """Fetch one source: its state, {key: "a"dded | "c"hanged}, and withdrawn keys to prune."""
        c = source.config
        state = load_state(self.index.path, c.name) or SourceState(
            name=c.name, kind=c.kind, location=c.location, interval_s=c.interval_s
        )
        state.kind, state.location, state.interval_s = c.kind, c.location, c.interval_s
        state.added = state.changed = state.unchanged = state.withdrawn = 0
        state.failed, state.pending = [], []
        fetched: dict[str, str] = {}
        held = Validators(state.etag, state.last_modified)
        try:
            listing = source.listing(client, held if (state.etag or state.last_modified) else None)
        except (FetchError, OSError) as exc:
            state.failed.append(Failure(url=c.location, reason=_line(exc)))
            return state, fetched, []
        if listing.not_modified:
            state.unchanged = sum(1 for e in state.entries.values() if not e.withdrawn)
            return state, fetched, []
        state.etag, state.last_modified = listing.validators.etag, listing.validators.last_modified
        state.pending = list(listing.pending)
        folder = self.reports_dir / "sources" / c.name
        folder.mkdir(parents=True, exist_ok=True)
        listed = set()
        for entry in listing.entries:
            listed.add(entry.key)
            how = self._entry(source, client, state, entry, folder)
            if how:
                fetched[entry.key] = how
        gone = []
        for key, e in state.entries.items():
            if key not in listed and key not in listing.pending:
                if c.prune:
                    gone.append(key)
                e.withdrawn = True
        state.withdrawn = sum(1 for e in state.entries.values() if e.withdrawn)
        state.added = sum(1 for v in fetched.values() if v == "a")
        state.changed = sum(1 for v in fetched.values() if v == "c")
        self._record_provenance(state)
        return state, fetched, gone

    def _entry(
        self, source: Source, client: PoliteClient, state: SourceState, entry: Entry, folder: Path
    ) -> str | None:
        old = state.entries.get(entry.key)
        live = self.reports_dir / old.file if old else None
        held = (
            Validators(old.etag, old.last_modified)
            if old and live is not None and live.exists() and (old.etag or old.last_modified)
            else None
        )
        tmp = folder / f".sync-{secrets.token_hex(6)}.part"
        try:
            got = source.fetch(entry, client, held, tmp)
            if got.not_modified:
                state.unchanged += 1
                self._keep(state, entry, old)
                return None
            name = old.file.rsplit("/", 1)[-1] if old else _file_name(entry)
            expect_pdf = name.lower().endswith(".pdf") or "pdf" in (got.content_type or "")
            kind = check_content(tmp, name, expect_pdf)
            if old is None:
                name = sanitize_name(name, kind)
                same = folder / name
                # Fetched before but not remembered (a sync stopped midway): the same file.
                if same.exists() and _sha(same) == _sha(tmp):
                    live = same
                else:
                    name = _free_name(folder, name)
            dest = folder / name
            if live is not None and live.exists() and _sha(live) == _sha(tmp):
                tmp.unlink()
                state.unchanged += old is not None
                how = None if old is not None else "a"
            else:
                os.replace(tmp, dest)
                how = "c" if old is not None and live is not None and live.exists() else "a"
        except (FetchError, IngestError, OSError) as exc:
            tmp.unlink(missing_ok=True)
            state.failed.append(Failure(url=entry.url or entry.location, reason=_line(exc)))
            if old is not None:
                old.withdrawn = False
            return None
        state.entries[entry.key] = EntryState(
            file=relative_source(dest, self.reports_dir),
            url=entry.url,
            published=entry.published.isoformat() if entry.published else None,
            etag=got.validators.etag,
            last_modified=got.validators.last_modified,
        )
        return how

    @staticmethod
    def _keep(state: SourceState, entry: Entry, old: EntryState | None) -> None:
        if old is not None:
            old.withdrawn = False
            old.url = entry.url
            old.published = entry.published.isoformat() if entry.published else old.published

    def _record_provenance(self, state: SourceState) -> None:
        self.index.provenance.put(
            [
                ProvenanceRow(
                    e.file,
                    e.url,
                    date.fromisoformat(e.published) if e.published else None,
                    state.name,
                    e.withdrawn,
                )
                for e in state.entries.values()
            ]
        )

    def _indexed_all(self, done: list[tuple[SourceState, dict[str, str], list[str]]]) -> bool:
        """True when every file the sources hold is in the manifest (an earlier ingest ran)."""
        known = set(self.index.manifest.source_paths())
        return all(e.file in known for s, _, _ in done for e in s.entries.values())

    def _ingest_failures(self, summary: IngestSummary, done) -> None:
        by_file = {e.file: (s, e.url or k) for s, _, _ in done for k, e in s.entries.items()}
        for f in summary.failed:
            hit = by_file.get(f.path)
            if hit is not None:
                hit[0].failed.append(Failure(url=hit[1], reason=f.reason))

    def _prune(self, state: SourceState, gone: list[str]) -> list[str]:
        """Remove withdrawn entries of a pruning source: files, provenance and index rows."""
        if not gone:
            return []
        entries = [state.entries.pop(k) for k in gone]
        files = [e.file for e in entries]
        with self.index.writing():
            retired = self.index.manifest.remove_sources(files)
            self.index.drop(retired)
            self.index.rebuild_keyword()
            self.index.provenance.remove(files)
        for f in files:
            (self.reports_dir / f).unlink(missing_ok=True)
        state.withdrawn = sum(1 for e in state.entries.values() if e.withdrawn)
        return [e.url or e.file for e in entries]


def one_off_feed(url: str) -> SourceConfig:
    """A source for ``sync --feed URL``: named by its host and a hash of the URL."""
    host = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in urlsplit(url).netloc)
    digest = hashlib.sha1(url.encode()).hexdigest()[:8]
    return SourceConfig(name=f"{host or 'feed'}-{digest}"[:64], kind="feed", location=url)


def _file_name(entry: Entry) -> str:
    tail = unquote(urlsplit(entry.location).path.rstrip("/").rsplit("/", 1)[-1])
    if not tail and entry.title:
        tail = entry.title
    return tail or "report"


def _free_name(folder: Path, name: str) -> str:
    stem, ext = os.path.splitext(name)
    candidate, i = name, 2
    while (folder / candidate).exists():
        candidate, i = f"{stem} ({i}){ext}", i + 1
    return candidate


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
