"""What a prune would remove, and the rule that stops one from emptying the index by accident.

A prune removes the reports whose files are no longer among the folders ingested. Pointed at
the wrong folder, that is nearly every report; so a prune that would remove more than
``prune_max_fraction`` of the index's reports is refused, with nothing changed, unless it is
explicitly forced (``ingest --prune --yes``, the Admin tab's second confirmation).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.discovery import discover
from ingest.parse import relative_source


@dataclass(frozen=True)
class PrunePlan:
    """What a prune would do.

    Attributes:
        gone: Source paths in the index whose files are no longer found.
        reports: Names (title, else path) of the live reports that would be removed.
        total: Live reports in the index now.
        max_fraction: The largest share of the index a prune may remove unforced.
    """

    gone: list[str]
    reports: list[str]
    total: int
    max_fraction: float

    @property
    def removes(self) -> int:
        """How many live reports would be removed."""
        return len(self.reports)

    @property
    def over_limit(self) -> bool:
        """True when the prune would remove more than the allowed share of the index."""
        return self.total > 0 and self.removes > self.total * self.max_fraction

    def describe(self) -> str:
        """One line: "would remove 3 of 10 reports (30%)"."""
        share = self.removes / self.total if self.total else 0.0
        return f"would remove {self.removes} of {self.total} reports ({share:.0%})"


class PruneRefusedError(RuntimeError):
    """A prune would remove more than the allowed share of the index and was not forced."""

    def __init__(self, plan: PrunePlan) -> None:
        super().__init__(
            f"refusing to prune: it {plan.describe()}, more than "
            f"{plan.max_fraction:.0%} of the index; nothing was changed"
        )
        self.plan = plan


def plan_prune(manifest, present: set[str], max_fraction: float) -> PrunePlan:
    """What removing every source path not in ``present`` would do.

    Args:
        manifest: The index's ``Manifest``.
        present: The source paths (relative, as recorded) whose files are still there.
        max_fraction: The allowed share (``Settings.ingest.prune_max_fraction``).
    """
    rows = manifest.query("SELECT path, status, report_id FROM sources ORDER BY path")
    live = manifest.live_report_ids()
    gone = [path for path, _st, _rid in rows if path not in present]
    kept = {rid for path, st, rid in rows if path in present and st == "indexed" and rid}
    candidates = {rid for path, st, rid in rows if path not in present and st == "indexed" and rid}
    removed = sorted((candidates - kept) & live)
    names: dict[str, str] = {}
    if removed:
        marks = ",".join("?" * len(removed))
        for rid, title, source in manifest.query(
            f"SELECT report_id, title, source FROM reports WHERE report_id IN ({marks})",
            tuple(removed),
        ):
            names[rid] = f"{title} ({source})" if title else source
    return PrunePlan(gone, [names.get(r, r) for r in removed], len(live), max_fraction)


def preview_prune(index, paths: list[Path], max_fraction: float) -> PrunePlan:
    """What ``ingest PATHS --prune`` would remove now (reads the folders, changes nothing).

    Args:
        index: The ``vectorstore.index.Index``.
        paths: The files and folders an ingest would be given.
        max_fraction: The allowed share (``Settings.ingest.prune_max_fraction``).
    """
    present = {relative_source(f, root) for f, root in discover(paths, skip=[index.path])}
    return plan_prune(index.manifest, present, max_fraction)
