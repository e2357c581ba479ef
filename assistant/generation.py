"""What is rebuilt when the index changes: the question resolver, the grounding check, the
catalogue, and (in the background) the index's template sentences."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer import Composer
from assistant.boilerplate import Boilerplate, learn_in_background
from assistant.catalogue import Catalogue
from assistant.ground import Grounder
from assistant.question import QuestionResolver
from assistant.settings import AnswerSettings, RouteSettings
from vectorstore.index import Index
from vectorstore.records import Filters


@dataclass(frozen=True)
class Generation:
    """The views of one generation of the index.

    Attributes:
        number: The manifest's generation they were built from.
        resolver: Steers questions to the indexed subjects, periods and reports.
        grounder: Declines questions naming what no indexed report is about.
        catalogue: The reports and their judgements.
    """

    number: int
    resolver: QuestionResolver
    grounder: Grounder
    catalogue: Catalogue


class PerGeneration:
    """The current :class:`Generation`, rebuilt on first use after the index changes.

    Args:
        index: The index.
        composer: Told which sentences are templates once they are known.
        settings: The ``answer`` group (how many citations a catalogue answer lists, in how
            many reports a template stands).
        route: The ``route`` group (how the question resolver reads misspelt places).
    """

    def __init__(
        self,
        index: Index,
        composer: Composer,
        settings: AnswerSettings,
        route: RouteSettings | None = None,
    ) -> None:
        self.index = index
        self.composer = composer
        self.settings = settings
        self.route = route or RouteSettings()
        self._current: Generation | None = None
        self._lock = threading.Lock()
        self._boilerplate: threading.Thread | None = None

    def current(self) -> Generation:
        """The views of the index as it is now."""
        number = self.index.manifest.generation()
        cached = self._current
        if cached is None or cached.number != number:
            with self._lock:
                # A word's presence is looked up once per generation (it is asked for the
                # capitalised words of many questions).
                in_reports = lru_cache(maxsize=4096)(self._in_reports)
                resolver = QuestionResolver(
                    self.index.reports(include_failed=False), in_reports, self.route
                )
                cached = Generation(
                    number,
                    resolver,
                    Grounder(resolver.reports, resolver.resolver, self._mentions),
                    Catalogue(
                        self.index.manifest,
                        resolver.resolver,
                        self.index.provenance,
                        max_citations=self.settings.catalogue_citations,
                    ),
                )
                self._current = cached
                self._learn_boilerplate(number)
        return cached

    def wait_for_templates(self) -> None:
        """Wait until the template sentences of the current generation are known."""
        if self._boilerplate is not None:
            self._boilerplate.join()

    def _learn_boilerplate(self, number: int) -> None:
        """Find the index's template sentences in the background (a few seconds on a large
        index); answers prefer other sentences once they are known."""

        def ready(found: Boilerplate) -> None:
            if self.index.manifest.generation() == number:
                self.composer.is_boilerplate = found.__contains__

        self._boilerplate = learn_in_background(
            self.index.manifest.iter_live_chunks,
            ready,
            min_reports=self.settings.boilerplate_reports,
            opening_share=self.settings.boilerplate_opening_share,
            opening_words=self.settings.boilerplate_opening_words,
        )

    def _mentions(self, phrase: str, subjects: tuple[str, ...] = ()) -> list[str]:
        filters = Filters(subjects=subjects) if subjects else None
        return [h.chunk.text for h in self.index.search_keyword(phrase, 20, filters)]

    def _in_reports(self, words: str) -> bool:
        # Keyword search stems ("Cornwal" finds Cornwall): the words must be in a passage as
        # typed, as whole words.
        typed = re.compile(r"\b" + r"\s+".join(map(re.escape, words.split())) + r"\b", re.I)
        return any(typed.search(text) for text in self._mentions(words))
