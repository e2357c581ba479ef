"""Files held back because they don't look like inspection reports, and the ones admins accepted.

Ingest holds a file whose opening has none of the signals of a report (``ingest.screen``): it
is recorded as failed with the reason "not an inspection report: …", so ``ingest --json``,
``status`` and the Admin tab list it. An admin who knows better accepts it; the accepted paths
are kept in the index folder (``accepted.json``) and the next run indexes them.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from ingest.screen import HELD_REASON

ACCEPTED_FILE = "accepted.json"


@dataclass(frozen=True)
class HeldFile:
    """A file held back from the index.

    Attributes:
        path: Its path relative to the reports folder (as in the manifest).
        reason: Why it was held.
    """

    path: str
    reason: str


def is_held(reason: str | None) -> bool:
    """True when a failure reason is the screen's "not an inspection report"."""
    return bool(reason) and reason.startswith(HELD_REASON)


class AcceptedFiles:
    """The paths admins accepted as reports, kept in ``<index>/accepted.json``.

    Args:
        index_dir: The index folder.
    """

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / ACCEPTED_FILE
        self._lock = threading.Lock()

    def paths(self) -> set[str]:
        """The accepted paths (none when the file is missing or unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        accepted = data.get("accepted") if isinstance(data, dict) else None
        return {p for p in accepted or [] if isinstance(p, str)}

    def accept(self, paths: list[str]) -> set[str]:
        """Add paths to the accepted ones (written atomically); returns them all."""
        with self._lock:
            accepted = self.paths() | {p for p in paths if p}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".accepted-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({"version": 1, "accepted": sorted(accepted)}, fh, indent=1)
                    fh.write("\n")
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            return accepted


def held_files(index) -> list[HeldFile]:
    """The files the index holds back as not inspection reports, by path.

    Args:
        index: The ``vectorstore.index.Index``.
    """
    rows = index.manifest.query(
        "SELECT path, error FROM sources WHERE status='failed' ORDER BY path"
    )
    return [HeldFile(path, reason) for path, reason in rows if is_held(reason)]
