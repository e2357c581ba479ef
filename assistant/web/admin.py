"""Admin actions: saving uploaded reports and updating the served index, one run at a time.

Both the Admin tab and the REST API use one ``IndexUpdater`` per app, so that two index
updates never run at once (a second one is refused, not queued), while questions keep being
answered from the live reports.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core import Assistant
from assistant.indexing import (
    IndexLockedError,
    Ingestor,
    IngestSummary,
    Phase,
    Progress,
    writer_lock,
)
from assistant.uploads import UploadRejectedError, save_upload
from vectorstore.lease import LeaseHeldError


class IndexBusyError(RuntimeError):
    """An index update is already running (in this app, or another process is writing)."""


class IndexUpdater:
    """Re-indexes the reports folder into the assistant's index.

    Args:
        assistant: The served assistant (its index and embedder are shared with the updates).
        reports_dir: The reports folder.
    """

    def __init__(self, assistant: Assistant, reports_dir: Path) -> None:
        self.assistant = assistant
        self.reports_dir = Path(reports_dir)
        self._lock = threading.Lock()

    def run(
        self,
        prune: bool = False,
        progress: Callable[[Progress], None] | None = None,
        wait: bool = False,
        *,
        force_prune: bool = False,
        phases: Callable[[Phase], None] | None = None,
    ) -> IngestSummary:
        """Index new and changed files of the reports folder (incremental, crash-safe).

        Args:
            prune: Also remove reports whose files are gone.
            progress: Called after each file.
            wait: Wait for an update of this app that is running (a scheduled sync does;
                people are told to try again instead).
            force_prune: Prune even more than ``prune_max_fraction`` of the index (the
                admin's second confirmation).
            phases: Called when a step of the run starts.

        Raises:
            IndexBusyError: Another update is running.
            PruneRefusedError: The prune would remove too much of the index and was not forced.
        """
        if not self._lock.acquire(blocking=wait):
            raise IndexBusyError("An index update is already running.")
        try:
            try:
                with writer_lock(self.assistant.index.path, wait=False):
                    pass
            except IndexLockedError as exc:
                raise IndexBusyError(
                    "Another ingest is writing to this index; try again later."
                ) from exc
            a = self.assistant
            ingestor = Ingestor(a.index, a.embedder, a.settings)
            try:
                return ingestor.run(
                    [self.reports_dir],
                    prune=prune,
                    force_prune=force_prune,
                    progress=progress,
                    phases=phases,
                )
            except LeaseHeldError as exc:  # a shared index written from another host
                raise IndexBusyError(str(exc)) from exc
        finally:
            self._lock.release()


@dataclass
class SavedUploads:
    """What happened to uploaded files.

    Attributes:
        saved: One line per file saved into the reports folder ("a.pdf → a.pdf [pdf]").
        rejected: One line per refused file, with the reason.
    """

    saved: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def discard_uploads(paths: list[Path]) -> None:
    """Delete temporary uploads (and the folders Gradio made for them, once empty) after they
    were saved into the reports folder or refused: nothing of them stays in the cache."""
    for path in paths:
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            path.parent.rmdir()  # Gradio puts each upload in a folder of its own


def save_uploads(paths: list[Path], reports_dir: Path, max_bytes: int) -> SavedUploads:
    """Check each uploaded file and save the good ones into the reports folder."""
    out = SavedUploads()
    for path in paths:
        try:
            s = save_upload(path, path.name, reports_dir, max_bytes)
        except UploadRejectedError as exc:
            out.rejected.append(f"{path.name}: {exc}")
            continue
        note = (
            " (already in the reports folder)"
            if s.already_present
            else f" (saved as {s.name}: that name was taken)"
            if s.renamed
            else ""
        )
        out.saved.append(f"{path.name} → {s.name} [{s.kind}]{note}")
    return out
