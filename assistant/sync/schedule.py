"""Syncs in the background of ``serve``: each source on its interval, a watched folder on change.

One thread runs the syncs, one source at a time, while the app keeps answering; a thread per
watched folder (``watchfiles``, debounced) wakes it when files appear, change or go. "Sync now"
from the Admin view runs a sync right away (refused while one runs).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.indexing import IngestSummary
from assistant.settings import Settings, SourceConfig
from assistant.sync.engine import SyncBusyError, Syncer, when
from assistant.sync.state import SourceState, SyncResult, load_state
from vectorstore.index import Index

log = logging.getLogger("inspection_assistant.sync")


class SyncScheduler:
    """Runs the configured sources' syncs on schedule.

    Args:
        settings: The settings (their ``sources``).
        index: The served index.
        ingest: The app's incremental ingest of the reports folder.
    """

    def __init__(
        self, settings: Settings, index: Index, ingest: Callable[[], IngestSummary]
    ) -> None:
        self.settings = settings
        self.configs = {c.name: c for c in settings.sources.configured}
        self.syncer = Syncer(settings, index, ingest)
        self.index = index
        self._due = dict.fromkeys(self.configs, time.monotonic())
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._run_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.last: SyncResult | None = None

    def start(self) -> None:
        """Start the sync thread and a watcher per folder source."""
        if not self.configs or self._threads:
            return
        self._threads.append(threading.Thread(target=self._loop, name="sync", daemon=True))
        for c in self.configs.values():
            if c.kind == "folder":
                t = threading.Thread(target=self._watch, args=(c,), name=f"watch-{c.name}")
                t.daemon = True
                self._threads.append(t)
        for t in self._threads:
            t.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the threads (a sync under way finishes first)."""
        self._stop.set()
        self._wake.set()
        for t in self._threads:
            t.join(timeout)

    def sync_now(self, names: list[str] | None = None) -> SyncResult:
        """Sync the named sources (all by default) now, in the caller's thread.

        Raises:
            SyncBusyError: A sync is running.
        """
        if not self._run_lock.acquire(blocking=False):
            raise SyncBusyError("a sync is already running")
        try:
            return self._run([self.configs[n] for n in (names or list(self.configs))])
        finally:
            self._run_lock.release()

    def overview(self) -> list[SourceState]:
        """Every configured source with its last sync (never synced ones too)."""
        out = []
        now = time.monotonic()
        for c in self.configs.values():
            state = load_state(self.index.path, c.name) or SourceState(
                name=c.name, kind=c.kind, location=c.location, interval_s=c.interval_s
            )
            state.next_sync = when(max(0.0, self._due.get(c.name, now) - now))
            out.append(state)
        return out

    # -- threads ----------------------------------------------------------------------------
    def _run(self, configs: list[SourceConfig]) -> SyncResult:
        result = self.syncer.run(configs)
        self.last = result
        now = time.monotonic()
        for state in result.sources:
            wait = state.interval_s
            if state.pending:
                wait = min(wait, self.settings.sources.settle_s + 0.5)
            self._due[state.name] = now + wait
        return result

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            due = [n for n, t in self._due.items() if t <= now]
            if due and self._run_lock.acquire(blocking=False):
                try:
                    self._run([self.configs[n] for n in due])
                except Exception as exc:  # noqa: BLE001 - the app must keep answering
                    log.warning("sync failed: %s", exc)
                    for n in due:
                        self._due[n] = time.monotonic() + self.settings.sources.retry_busy_s
                finally:
                    self._run_lock.release()
                continue
            nearest = min(self._due.values(), default=now + 60.0)
            self._wake.wait(max(0.05, min(60.0, nearest - time.monotonic())))
            self._wake.clear()

    def _watch(self, config: SourceConfig) -> None:
        from watchfiles import watch

        folder = Path(config.location).expanduser()
        while not self._stop.is_set() and not folder.is_dir():
            self._stop.wait(5.0)
        try:
            for _changes in watch(
                folder,
                debounce=self.settings.sources.debounce_ms,
                stop_event=self._stop,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                # Wait for the copy to settle before the sync looks (it skips unsettled files).
                self._due[config.name] = time.monotonic() + self.settings.sources.settle_s + 0.1
                self._wake.set()
        except Exception as exc:  # noqa: BLE001 - polling still covers the folder
            log.warning("watching %s stopped: %s", folder, exc)


def start_scheduler(
    settings: Settings, index: Index, ingest: Callable[[], IngestSummary]
) -> SyncScheduler | None:
    """A started scheduler for the configured sources, or None when there are none (or
    ``sync_on_serve`` is off)."""
    if not settings.sources.configured or not settings.sources.sync_on_serve:
        return None
    scheduler = SyncScheduler(settings, index, ingest)
    scheduler.start()
    return scheduler
