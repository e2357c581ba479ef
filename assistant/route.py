"""Route: which path answers a question, from its words and its nearest labelled examples.

* ``grade``, ``list``, ``timeline`` and ``improve`` questions are answered from the catalogue of
  graded judgements and improvement points;
* ``mentions`` questions ("which reports mention …") rank reports, one cited passage each;
* everything else is answered from passages.

Two signals decide. Strict rules recognise a structured question whose every other word is a
function word, a place, a period or a judgement name (precise, but brittle to paraphrase).
Otherwise the question, with the places it names masked, is compared in embedding space with
the labelled examples of :mod:`assistant.route_exemplars`; a structured route wins only when its
examples are clearly nearer than the passage examples *and* the question carries a cue word of
that route (a grade, a judgement, an improvement or a list word), so a paraphrase is understood
and a finding question is not taken for a grade question.
"""

from __future__ import annotations

import re
import threading

import numpy as np

from assistant.route_exemplars import EXEMPLARS
from assistant.route_rules import (
    CATALOGUE_ROUTES,
    PASSAGES,
    STANDS_OUT,
    WHICH_PART,
    Route,
    RouteKind,
    asks_every_judgement,
    cued,
    plain_route,
    rule_route,
)
from assistant.route_words import (
    AWARD,
    FINDING_VERB,
    GRADE_TERM,
    GRADE_WORD,
    JUDGEMENT_NOUN,
    PERIOD_WORDS,
    QUOTE_ASK,
    WHY,
    all_subjects,
    main_clause,
    police_asked,
    subject_spans,
    topic_words,
)
from assistant.settings import RouteSettings
from assistant.vocabulary import OVERALL, USER_GRADE, areas_in, grade_from_words
from ingest.subjects import SubjectResolver


def mask_places(question: str, resolver: SubjectResolver) -> str:
    """The question with the places it names written as "X" (as in the examples)."""
    spans = subject_spans(question, [resolver, all_subjects()])
    out, last = [], 0
    for a, b in spans:
        out += [question[last:a], "X"]
        last = b
    out.append(question[last:])
    return re.sub(r"X['\u2019]s\b", "X's", "".join(out))


def masked(question: str, resolver: SubjectResolver) -> str:
    """The question as the examples are written: places as "X", periods left out."""
    text = PERIOD_WORDS.sub(" ", mask_places(question, resolver))
    return " ".join(text.split())


class ExemplarRouter:
    """Nearest labelled examples in embedding space: a score per route.

    Args:
        embedder: Anything with ``embed_documents(list[str])`` and ``embed_query(str)``.
        exemplars: Route name → example questions.
        top: How many nearest examples of a route are averaged (``route.nearest``).
    """

    def __init__(
        self,
        embedder,
        exemplars: dict[str, tuple[str, ...]] = EXEMPLARS,
        top: int = RouteSettings().nearest,
    ):
        self.embedder = embedder
        self.exemplars = exemplars
        self.top = top
        self._mats: dict[RouteKind, np.ndarray] | None = None
        self._lock = threading.Lock()

    def _matrices(self) -> dict[RouteKind, np.ndarray]:
        with self._lock:
            if self._mats is None:
                names = list(self.exemplars)
                texts = [t for n in names for t in self.exemplars[n]]
                vecs = np.asarray(self.embedder.embed_documents(texts), dtype=np.float32)
                mats, i = {}, 0
                for n in names:
                    k = len(self.exemplars[n])
                    mats[RouteKind(n)] = vecs[i : i + k]
                    i += k
                self._mats = mats
            return self._mats

    def scores(self, text: str) -> dict[RouteKind, float]:
        """The mean similarity of the text to each route's nearest examples."""
        q = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
        out = {}
        for kind, mat in self._matrices().items():
            sims = np.sort(mat @ q)[::-1][: self.top]
            out[kind] = float(sims.mean())
        return out


class Router:
    """Decides the route of a question (see the module's docstring).

    Args:
        resolver: The subjects the index holds.
        exemplars: The example-based scorer (rules only when None).
        settings: The ``route`` group: how much nearer a structured route's examples must be
            than the passages' (``margin``), and how much of that a grade word of the trade
            makes up for (``strong_cue``).
    """

    def __init__(
        self,
        resolver: SubjectResolver,
        exemplars: ExemplarRouter | None = None,
        settings: RouteSettings | None = None,
    ) -> None:
        self.resolver = resolver
        self.exemplars = exemplars
        settings = settings or RouteSettings()
        self.margin = settings.margin
        self.strong_cue = settings.strong_cue

    def route(
        self, question: str, carried_subject: bool = False, after_grades: bool = False
    ) -> Route:
        """The route of one question.

        Args:
            question: The question (whitespace collapsed).
            carried_subject: The conversation supplies a place the question does not name.
            after_grades: The previous turn was answered with grades: a short follow-up that
                names only a judgement ("and what about care leavers?") asks for its grade.
        """
        has_subject = carried_subject or bool(
            self.resolver.find_in(question) or all_subjects().find_in(question)
        )
        question = main_clause(question)
        found = rule_route(question, self.resolver) or plain_route(
            question, self.resolver, has_subject, after_grades
        )
        if found is not None:
            return found
        if self.exemplars is None:
            return PASSAGES
        kinds = [
            k for k in RouteKind if k is not RouteKind.PASSAGES and cued(k, question, has_subject)
        ]
        if not kinds:
            return PASSAGES
        if WHY.search(question) or QUOTE_ASK.search(question):
            # Asking why wants the findings; asking for a quote wants the report's own words.
            return PASSAGES
        scores = self.exemplars.scores(masked(question, self.resolver))
        kind = max(kinds, key=lambda k: scores[k])
        if kind is RouteKind.GRADE and not has_subject and RouteKind.LIST in kinds:
            # "which councils got an outstanding result": a grade question about no place asks
            # for the list of places with that grade.
            kind = RouteKind.LIST
        margin = scores[kind] - scores[RouteKind.PASSAGES]
        # A grade word of the trade ("graded", "rated", "judgement") is itself strong evidence:
        # the examples then need only not be clearly farther than the passage examples.
        strong = kind in (RouteKind.GRADE, RouteKind.LIST) and bool(
            GRADE_TERM.search(question)
            or JUDGEMENT_NOUN.search(question)
            or GRADE_WORD.search(question)
            or (areas_in(question) and AWARD.search(question))
            or (WHICH_PART.search(question) and STANDS_OUT.search(question))
        )
        if margin < (self.margin - self.strong_cue if strong else self.margin):
            return Route(RouteKind.PASSAGES, by="exemplars", margin=round(margin, 4))
        if kind is RouteKind.GRADE and (
            len(topic_words(question, self.resolver)) >= 3
            or (FINDING_VERB.search(question) and not GRADE_TERM.search(question))
        ):
            # "despite its outstanding result, was any group's support weak?": a finding with a
            # grade word in it, not a grade question.
            return Route(RouteKind.PASSAGES, by="exemplars", margin=round(margin, 4))
        if kind is RouteKind.IMPROVE and topic_words(question, self.resolver):
            # "what must Norfolk improve for disabled children": the points on that topic, or
            # the passages when no point is about it (decided where the points are known).
            topic = tuple(topic_words(question, self.resolver))
            return Route(RouteKind.IMPROVE, by="exemplars", margin=round(margin, 4), topic=topic)
        areas = tuple(areas_in(question))
        m = USER_GRADE.search(question)
        asked = grade_from_words(m.group("g")) if m else None
        plural = asks_every_judgement(question)
        if kind in (RouteKind.LIST, RouteKind.TIMELINE):
            areas = areas or (OVERALL,)
        elif WHICH_PART.search(question) and set(areas) <= {OVERALL}:
            areas = ()
        return Route(
            kind,
            areas,
            all_judgements=kind is RouteKind.GRADE and not areas and plural,
            grade=asked if kind in (RouteKind.GRADE, RouteKind.LIST) else None,
            police=police_asked(question) if kind is RouteKind.LIST else None,
            by="exemplars",
            margin=round(margin, 4),
        )


__all__ = [
    "CATALOGUE_ROUTES",
    "PASSAGES",
    "ExemplarRouter",
    "Route",
    "RouteKind",
    "Router",
    "mask_places",
    "masked",
    "rule_route",
]
