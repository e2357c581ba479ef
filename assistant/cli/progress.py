"""Ingest progress on standard error: Rich bars on a terminal, a log line now and then otherwise."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Column

from assistant.cli.common import err

if TYPE_CHECKING:
    from assistant.indexing import Phase, Progress

LOG_EVERY_S = 5.0


class IngestDisplay(Protocol):
    """Receives an ingest run's steps and per-file progress."""

    def phase(self, p: Phase) -> None:
        """A step starts."""

    def file_done(self, p: Progress) -> None:
        """A file has been dealt with."""


def describe(p: Phase) -> str:
    """The words shown for a step."""
    if p.name == "reading":
        return f"reading file {p.file} of {p.files_total}"
    if p.name == "embedding":
        return f"embedding {p.chunks} chunks"
    if p.name == "removing":
        return f"removing {p.chunks} files' reports"
    return p.name


class Silent:
    """Shows nothing (``--json``)."""

    def phase(self, p: Phase) -> None:
        """Ignore the step."""

    def file_done(self, p: Progress) -> None:
        """Ignore the file."""


class LogLines(Silent):
    """A line every few seconds and one at the end, for logs (standard error is no terminal)."""

    def __init__(self) -> None:
        self._last = 0.0
        self._shown: tuple[int, int, int] | None = None

    def file_done(self, p: Progress) -> None:
        """Print a line when enough time has passed or the last file is done."""
        state = (p.files_done, p.pages, p.chunks)
        finished = p.files_done == p.files_total and state != self._shown
        if finished or p.elapsed - self._last >= LOG_EVERY_S:
            self._last, self._shown = p.elapsed, state
            rate = p.chunks / p.elapsed if p.elapsed else 0
            eta = (p.elapsed / p.files_done) * (p.files_total - p.files_done) if p.files_done else 0
            print(
                f"[ingest] {p.files_done}/{p.files_total} files, {p.pages} pages, {p.chunks} "
                f"chunks, {rate:.1f} chunks/s, ETA {eta:.0f} s",
                file=sys.stderr,
                flush=True,
            )


class Bars:
    """A Rich progress bar of files with the current step, the counts and the file's name."""

    def __init__(self) -> None:
        self._rich = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}", style="bold", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}", markup=False),
            TimeElapsedColumn(),
            TextColumn(
                "{task.fields[name]}",
                markup=False,
                table_column=Column(no_wrap=True, overflow="ellipsis", ratio=1),
            ),
            console=err,
        )
        self._task = self._rich.add_task("scanning", total=None, counts="", name="")

    def __enter__(self) -> Bars:
        self._rich.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._rich.stop()

    def phase(self, p: Phase) -> None:
        """Show the step (and the file being read)."""
        total = p.files_total if p.name != "scanning" else None
        self._rich.update(self._task, description=describe(p), total=total, name=p.current)

    def file_done(self, p: Progress) -> None:
        """Move the bar on and show the pages and chunks so far."""
        self._rich.update(
            self._task,
            completed=p.files_done,
            total=p.files_total,
            counts=f"{p.pages} pages, {p.chunks} chunks",
        )


@contextmanager
def ingest_progress(enabled: bool = True) -> Iterator[IngestDisplay]:
    """The display for an ingest run.

    Args:
        enabled: False shows nothing at all (``--json``).

    Yields:
        Rich bars when standard error is a terminal, occasional log lines when it is not,
        nothing when not enabled.
    """
    if not enabled:
        yield Silent()
    elif sys.stderr.isatty():
        with Bars() as bars:
            yield bars
    else:
        yield LogLines()
