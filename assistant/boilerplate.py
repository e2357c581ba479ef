"""Boilerplate: sentences that many reports share word for word, names and figures aside.

Letters and reports reuse template sentences ("This letter summarises the findings of the
focused visit to …", "Ofsted will take the findings from this focused visit into account …").
They are on topic for many questions but answer none, so an answer prefers other sentences. A
sentence counts as boilerplate when, with its names and numbers masked, it stands in at least
``min_reports`` different reports of the index, or when it opens with words that a large share of
the reports open a sentence with ("Inspectors looked at the local authority's arrangements for
…", "They read case files, watched how …"): findings share openings in a few per cent of the
reports at most, templates in a sixth or more.
"""

from __future__ import annotations

import atexit
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable

from ingest.records import Chunk

_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w’'\-]*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n\n")


def template_key(sentence: str) -> int:
    """A hash of the sentence with its names and numbers masked."""
    masked = _NUMBER.sub("0", _NAME.sub("X", sentence.strip()))
    return hash(" ".join(masked.lower().split()))


class Boilerplate:
    """Which sentences are templates, from the live chunks of an index.

    Args:
        chunks: Every live chunk.
        min_reports: In how many reports a template must stand (``answer.boilerplate_reports``).
        opening_share: The share of the reports whose sentences must open with the same words
            for those openings to count as a template (``answer.boilerplate_opening_share``).
        opening_words: How many words make an opening (``answer.boilerplate_opening_words``).
    """

    def __init__(
        self,
        chunks: Iterable[Chunk],
        min_reports: int,
        opening_share: float,
        opening_words: int,
    ) -> None:
        seen: dict[int, set[str]] = defaultdict(set)
        openings: dict[int, set[str]] = defaultdict(set)
        every: set[str] = set()
        self.opening_words = opening_words
        for ch in chunks:
            every.add(ch.report_id)
            # A plain split is enough to count templates (and several times faster than the
            # sentence spans answers use); a sentence is looked up whole either way.
            for sentence in _SPLIT.split(ch.text):
                if len(sentence) >= 30:
                    reports = seen[template_key(sentence)]
                    if len(reports) < min_reports:
                        reports.add(ch.report_id)
                    key = self._opening(sentence)
                    if key is not None:
                        openings[key].add(ch.report_id)
        self.templates = frozenset(k for k, r in seen.items() if len(r) >= min_reports)
        least = max(min_reports, opening_share * len(every))
        self.openings = frozenset(k for k, r in openings.items() if len(r) >= least)

    def _opening(self, sentence: str) -> int | None:
        words = _NUMBER.sub("0", _NAME.sub("X", sentence.strip())).lower().split()
        if len(words) < self.opening_words + 3:
            return None
        return hash(" ".join(words[: self.opening_words]))

    def __contains__(self, sentence: str) -> bool:
        return template_key(sentence) in self.templates or self._opening(sentence) in self.openings


# A one-shot command (``ask``) may end while the templates are still being counted: a daemon
# thread killed inside SQLite or numpy at interpreter exit can crash the process, so exit asks
# it to stop and waits for it.
_EXITING = threading.Event()
_BACKGROUND: list[threading.Thread] = []


@atexit.register
def _stop_background() -> None:
    _EXITING.set()
    for thread in _BACKGROUND:
        thread.join(timeout=30)


def learn_in_background(
    load: Callable[[], Iterable[Chunk]],
    ready: Callable[[Boilerplate], None],
    min_reports: int,
    opening_share: float,
    opening_words: int,
) -> threading.Thread:
    """Count the templates of the chunks ``load`` returns in a background thread and hand the
    result to ``ready`` (not called when the process exits first). The thresholds are those of
    :class:`Boilerplate`.

    Returns:
        The started thread.
    """

    def build() -> None:
        chunks = load()
        found = Boilerplate(
            (c for c in chunks if not _EXITING.is_set()), min_reports, opening_share, opening_words
        )
        if not _EXITING.is_set():
            ready(found)

    thread = threading.Thread(target=build, name="boilerplate", daemon=True)
    _BACKGROUND.append(thread)
    thread.start()
    return thread
