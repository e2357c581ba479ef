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
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import numpy as np

from assistant.route_exemplars import EXEMPLARS
from assistant.vocabulary import AREAS, OVERALL, USER_GRADE, Area, areas_in, grade_from_words
from ingest.subjects import LOCAL_AUTHORITIES, POLICE_FORCES, SubjectResolver


class RouteKind(StrEnum):
    """The paths a question can take."""

    PASSAGES = "passages"
    GRADE = "grade"
    LIST = "list"
    TIMELINE = "timeline"
    IMPROVE = "improve"
    MENTIONS = "mentions"


CATALOGUE_ROUTES = frozenset(
    {RouteKind.GRADE, RouteKind.LIST, RouteKind.TIMELINE, RouteKind.IMPROVE}
)


@dataclass(frozen=True)
class Route:
    """Where a question goes, with the slots the catalogue needs.

    Attributes:
        kind: The path.
        areas: The judgements the question names, in order.
        all_judgements: A grade question asking for every judgement ("what grades …").
        grade: A grade the question names (normalised), e.g. "inadequate".
        police: A list of forces (True) or of councils (False), or either (None).
        by: "rules", "exemplars" or "default": which signal decided.
        margin: How much nearer the chosen route's examples were than the passage examples.
    """

    kind: RouteKind
    areas: tuple[Area, ...] = ()
    all_judgements: bool = False
    grade: str | None = None
    police: bool | None = None
    by: str = "default"
    margin: float = 0.0


PASSAGES = Route(RouteKind.PASSAGES)

# --------------------------------------------------------------------------------------------
# Cue words
# --------------------------------------------------------------------------------------------

_GRADE_TERM = re.compile(r"\b(?:grade[sd]?|grading|rated?|ratings?|re-?rated)\b", re.I)
_JUDGED = re.compile(
    r"\bjudged\b(?:\s+(?:as|to\s+be|to\s+have\s+been|it))?\s*"
    r"(?:outstanding|good|requires?\s+improvement|RI\b|inadequate|adequate|\?|$|for\b|on\b|in\b|"
    r"overall\b|by\b|at\b)",
    re.I,
)
_JUDGEMENT_NOUN = re.compile(r"\bjudge?ments?\b", re.I)
_NOT_GRADES = re.compile(
    r"\b(?:GCSEs?|exams?|schools?|pupils?|attainment|key\s+stage|A[- ]levels?|qualifications?|"
    r"test\s+results?|grade\s+boundar\w+)\b",
    re.I,
)
_CHANGE = re.compile(
    r"\b(?:chang(?:e|ed|es|ing)|improv(?:e|ed|ing)|declin(?:e|ed)|progress(?:ed)?|evolv(?:e|ed)|"
    r"mov(?:e|ed)|go(?:ne)?\s+(?:up|down)|compare[sd]?)\b",
    re.I,
)
_HISTORY = re.compile(
    r"\b(?:timeline|history|over\s+time|over\s+the\s+years|track\s+record|trend|"
    r"every\s+inspection|each\s+inspection|all\s+(?:the\s+|its\s+|their\s+)?inspections)\b",
    re.I,
)
_HOW = re.compile(r"^\s*(?:how\b|has\b|have\b|did\b|what\s+(?:is|was)\s+the\s+trend)", re.I)
_IMPROVE = re.compile(
    r"\b(?:needs?|needed)\s+to\s+(?:be\s+)?improv(?:e|ed)\b|\bareas?\s+(?:for|of|to|needing)\s+"
    r"(?:improvement|improve)\b|\bwhat\s+(?:should|must)\b.*\bimprove\b|\brecommendations?\b|"
    r"\bimprovement\s+(?:points|areas|priorities|actions)\b|\bwhat\s+to\s+improve\b|"
    r"\bpriority\s+(?:and\s+immediate\s+)?actions?\b",
    re.I,
)
_LIST_NOUN = re.compile(
    r"\b(?:councils|local\s+authorities|authorities|LAs|areas|boroughs|counties|unitaries|"
    r"forces|constabularies|places|reports|inspections)\b|"
    r"\bwhich\s+(?:council|local\s+authority|authority|area|borough|county|unitary|force|"
    r"police\s+force|constabulary|report|inspection)\b",
    re.I,
)
_LIST_Q = re.compile(
    r"^\s*(?:which|what|list|name|show|give|how\s+many|were\s+any|are\s+there)\b", re.I
)
_POLICE_NOUN = re.compile(r"\b(?:forces|police|constabular(?:y|ies))\b", re.I)
_EARLIEST = re.compile(r"\b(?:earliest|first|oldest)\b", re.I)
_CURRENT = re.compile(r"\b(?:are|is|currently|current|now|latest|most\s+recent)\b", re.I)
_REPORT_TYPE = re.compile(
    r"\b(?:looked[-\s]+after\s+children(?:['\u2019]s)?(?:\s+services)?\s+inspections?|"
    r"child\s+protection\s+inspections?|single\s+inspection(?:\s+framework)?|re-?inspections?|"
    r"(?:focused|monitoring|joint\s+targeted\s+area)\s+visits?|ILACS|SIF|JTAI)\b",
    re.I,
)
_PREVIOUS = re.compile(r"\b(?:previous|prior|preceding|last\s+but\s+one)\b", re.I)
_PERIOD_WORDS = re.compile(
    r"\b(?:(?:between|from|since|after|before|until|prior\s+to|in|during)\s+)?"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+)?(?:19|20)\d{2}\b",
    re.I,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a structured question may hold besides its subject, period, grade and judgement words.
_ALLOWED = _words(
    """
    a about according achieve achieved against all also an and any are area areas as at award
    awarded be been being by can could council councils did do does during each earliest ever
    every first for from gave get give given got grade graded grades grading had has have how i
    in inspected inspection inspections inspector inspectors is it its judged judgement
    judgements judgment judgments last latest list listed lists local made main make many me
    most name named newest not of ofsted ofsted's oldest on or overall please previous
    priorities priority rate rated rating ratings re receive received recent recently
    recommendation recommendations recommend recommended report reports said say says score
    scored show since so state stated states tell that the their them there these they this
    those time to under was were what what's whats when which who whose with year years you
    your change changed changes changing improve improved improvement improvements improving
    need needed needs should must point points things thing identified identify key
    authority authorities services service children's childrens children social care la las
    areas boroughs borough counties county forces force police constabulary constabularies
    unitary unitaries places timeline history over trend track record go gone up down declined
    decline progressed compare compared compares moved move evolved any were are there
    current currently now ago new latest's one ones get got just only still yet been
    hmic hmicfrs ofsted's agency inspectorate out result results outcome verdict
    action actions immediate
    compared between until after before prior during
    """
)
_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")


@lru_cache(maxsize=1)
def all_subjects() -> SubjectResolver:
    """Every local authority and police force this package knows (indexed or not)."""
    return SubjectResolver([*LOCAL_AUTHORITIES, *POLICE_FORCES])


def _subject_spans(text: str, resolvers: list[SubjectResolver]) -> list[tuple[int, int]]:
    """Character spans of the words that name a subject (any alias, possessive or not)."""
    toks = list(_WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        hit = 0
        for n in range(min(5, len(toks) - i), 0, -1):
            words = text[toks[i].start() : toks[i + n - 1].end()]
            if n == 1 and (words.lower() in _ALLOWED or words.lower() in _MONTHS):
                continue
            if any(res.resolve(words) for res in resolvers):
                spans.append((toks[i].start(), toks[i + n - 1].end()))
                hit = n
                break
        i += hit or 1
    return spans


def _residual(question: str, resolver: SubjectResolver) -> list[str]:
    """Words of a question that are not subject, period, grade, judgement or function words."""
    text = question
    cut: list[tuple[int, int]] = []
    for rx in (_PERIOD_WORDS, USER_GRADE, _REPORT_TYPE, *(a[0] for a in AREAS)):
        cut += [(m.start(), m.end()) for m in rx.finditer(text)]
    cut += _subject_spans(text, [resolver, all_subjects()])
    chars = list(text)
    for a, b in cut:
        for k in range(a, b):
            chars[k] = " "
    rest = []
    for m in _WORD.finditer("".join(chars)):
        w = m.group(0).lower().replace("\u2019", "'")
        base = w[:-2] if w.endswith("'s") else w
        if w in _ALLOWED or base in _ALLOWED or w in _MONTHS or w.isdigit():
            continue
        rest.append(w)
    return rest


_GRADE_WORD = re.compile(r"\b(?:outstanding|inadequate|requires?\s+improvement|RI)\b")
_OUTCOME = re.compile(
    r"\b(?:outcome|verdict|result|score[sd]?|awarded|give|gave|given|get|got|receive[sd]?|"
    r"do|did|fare[sd]?|hang|held|keep|kept|stay(?:ed)?|still|overal+)\b",
    re.I,
)
_IMPROVE_CUE = re.compile(
    r"\b(?:improv\w*|priority|priorities|fix\w*|recommend\w*|must|should|need(?:s|ed)?\s+to|"
    r"areas?\s+for|actions?|work\s+on|address|better|change|weakness\w*|tell|told|require[sd]?)\b",
    re.I,
)
_MENTIONS_CUE = re.compile(
    r"\b(?:which|what\s+other|list|name)\b.{0,40}\b(?:reports?|councils?|local\s+authorit\w+|"
    r"authorit\w+|areas|boroughs|counties|inspections?|letters|visits|LAs|forces)\b",
    re.I,
)
_MENTION_WORDS = re.compile(
    r"\b(?:mention\w*|talk\w*\s+about|refer\w*\s+to|use[sd]?|had|have)\b", re.I
)


_WHY = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?why\b", re.I)


def _police(q: str) -> bool | None:
    if _POLICE_NOUN.search(q):
        return True
    if re.search(r"\b(?:councils?|authorit|LAs|boroughs|counties|unitar)", q, re.I):
        return False
    return None


def rule_route(question: str, resolver: SubjectResolver) -> Route | None:
    """The strict rules: a structured route, or None when the question is not plainly one."""
    q = question
    grade_term = bool(_GRADE_TERM.search(q) or _JUDGED.search(q))
    areas = tuple(areas_in(q))
    if (
        not grade_term
        and _JUDGEMENT_NOUN.search(q)
        and (
            areas
            or re.search(
                r"\bwhat\s+(?:was|were|is|are)?\s*(?:the\s+)?(?:\w+['\u2019]s\s+)?"
                r"(?:overall\s+)?judge?ments?\b",
                q,
                re.I,
            )
        )
    ):
        grade_term = True
    if re.search(r"\boverall\s+effectiveness\b", q, re.I):
        grade_term = True
    improve = bool(_IMPROVE.search(q))
    if not grade_term and not improve:
        return None
    if grade_term and _NOT_GRADES.search(q):
        return None
    if _residual(q, resolver):
        return None
    m = USER_GRADE.search(q)
    asked = grade_from_words(m.group("g")) if m else None
    if improve and not grade_term:
        return Route(RouteKind.IMPROVE, by="rules")
    plural = bool(re.search(r"\b(?:grades|ratings|judge?ments)\b", q, re.I))
    if _HISTORY.search(q) or (_HOW.search(q) and _CHANGE.search(q)):
        return Route(RouteKind.TIMELINE, areas or (OVERALL,), by="rules")
    has_subject = bool(resolver.find_in(q) or all_subjects().find_in(q))
    if _LIST_Q.search(q) and _LIST_NOUN.search(q) and (asked is not None or not has_subject):
        return Route(
            RouteKind.LIST, areas or (OVERALL,), grade=asked, police=_police(q), by="rules"
        )
    if improve:
        return Route(RouteKind.IMPROVE, by="rules")
    return Route(
        RouteKind.GRADE, areas, all_judgements=not areas and plural, grade=asked, by="rules"
    )


def _cued(kind: RouteKind, q: str, has_subject: bool) -> bool:
    """The question carries a word of this route (examples alone never decide)."""
    grade_like = bool(
        _GRADE_TERM.search(q)
        or _JUDGED.search(q)
        or _JUDGEMENT_NOUN.search(q)
        or _GRADE_WORD.search(q)
        or re.search(r"\b(?:good|adequate)\b", q, re.I)
        or (areas_in(q) and _OUTCOME.search(q))
        or re.search(r"\b(?:outcome|verdict|result)\b", q, re.I)
    )
    if kind is RouteKind.GRADE:
        return grade_like and not _NOT_GRADES.search(q)
    if kind is RouteKind.LIST:
        return grade_like and bool(_LIST_Q.search(q) and _LIST_NOUN.search(q))
    if kind is RouteKind.TIMELINE:
        return bool(_HISTORY.search(q) or _CHANGE.search(q)) and (grade_like or has_subject)
    if kind is RouteKind.IMPROVE:
        return bool(_IMPROVE_CUE.search(q)) and has_subject
    if kind is RouteKind.MENTIONS:
        return (
            bool(_MENTIONS_CUE.search(q))
            and not has_subject
            or bool(_MENTION_WORDS.search(q) and re.search(r"\breports?\b", q, re.I))
        )
    return True


def mask_places(question: str, resolver: SubjectResolver) -> str:
    """The question with the places it names written as "X" (as in the examples)."""
    spans = _subject_spans(question, [resolver, all_subjects()])
    out, last = [], 0
    for a, b in spans:
        out += [question[last:a], "X"]
        last = b
    out.append(question[last:])
    return re.sub(r"X['\u2019]s\b", "X's", "".join(out))


class ExemplarRouter:
    """Nearest labelled examples in embedding space: a score per route.

    Args:
        embedder: Anything with ``embed_documents(list[str])`` and ``embed_query(str)``.
        exemplars: Route name → example questions.
        top: How many nearest examples of a route are averaged.
    """

    def __init__(self, embedder, exemplars: dict[str, tuple[str, ...]] = EXEMPLARS, top: int = 3):
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
        margin: How much nearer a structured route's examples must be than the passages'.
        strong_cue: How much of that margin a grade word of the trade makes up for.
    """

    def __init__(
        self,
        resolver: SubjectResolver,
        exemplars: ExemplarRouter | None = None,
        margin: float = 0.03,
        strong_cue: float = 0.08,
    ) -> None:
        self.resolver = resolver
        self.exemplars = exemplars
        self.margin = margin
        self.strong_cue = strong_cue

    def route(self, question: str, carried_subject: bool = False) -> Route:
        """The route of one question.

        Args:
            question: The question (whitespace collapsed).
            carried_subject: The conversation supplies a place the question does not name.
        """
        rule = rule_route(question, self.resolver)
        if rule is not None:
            return rule
        if self.exemplars is None:
            return PASSAGES
        has_subject = carried_subject or bool(
            self.resolver.find_in(question) or all_subjects().find_in(question)
        )
        cued = [
            k for k in RouteKind if k is not RouteKind.PASSAGES and _cued(k, question, has_subject)
        ]
        if not cued:
            return PASSAGES
        if _WHY.search(question):
            return PASSAGES  # a question asking why wants the findings, not the grade
        scores = self.exemplars.scores(mask_places(question, self.resolver))
        kind = max(cued, key=lambda k: scores[k])
        margin = scores[kind] - scores[RouteKind.PASSAGES]
        # A grade word of the trade ("graded", "rated", "judgement") is itself strong evidence:
        # the examples then need only not be clearly farther than the passage examples.
        strong = kind in (RouteKind.GRADE, RouteKind.LIST) and bool(
            _GRADE_TERM.search(question) or _JUDGED.search(question)
        )
        if margin < (self.margin - self.strong_cue if strong else self.margin):
            return Route(RouteKind.PASSAGES, by="exemplars", margin=round(margin, 4))
        areas = tuple(areas_in(question))
        m = USER_GRADE.search(question)
        asked = grade_from_words(m.group("g")) if m else None
        plural = bool(re.search(r"\b(?:grades|ratings|judge?ments)\b", question, re.I))
        if kind in (RouteKind.LIST, RouteKind.TIMELINE):
            areas = areas or (OVERALL,)
        return Route(
            kind,
            areas,
            all_judgements=kind is RouteKind.GRADE and not areas and plural,
            grade=asked if kind in (RouteKind.GRADE, RouteKind.LIST) else None,
            police=_police(question) if kind is RouteKind.LIST else None,
            by="exemplars",
            margin=round(margin, 4),
        )
