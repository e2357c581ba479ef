"""Route records and rules: what a route is, and the word-shape rules that decide one.

``rule_route`` recognises a structured question whose every other word is a function word, a
place, a period or a judgement name; ``plain_route`` the shapes the strict rules leave (short
follow-ups after grades, "how did X do", the weakest area, "when" or "ever" with a grade);
``cued`` says whether a question carries a word of a route, which the example-based router
(:mod:`assistant.route`) requires before its examples may decide.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.route_words import (
    CHANGE,
    FINDING_VERB,
    GRADE_TERM,
    GRADE_WORD,
    HISTORY,
    HOW,
    IMPROVE,
    IMPROVE_CUE,
    JUDGED,
    JUDGEMENT_NOUN,
    LIST_NOUN,
    LIST_Q,
    MENTION_WORDS,
    MENTIONS_CUE,
    NOT_GRADES,
    OUTCOME,
    WHY,
    all_subjects,
    asks_about_grades,
    asks_improve,
    police_asked,
    residual,
    topic_words,
)
from assistant.vocabulary import OVERALL, USER_GRADE, Area, areas_in, grade_from_words
from ingest.subjects import SubjectResolver


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
        topic: Words of an improvement question that name a topic of its own ("assessments",
            "care leavers"): the catalogue answers with the points on that topic, and leaves the
            question to the passages when no point is about it (unless it asks for the points
            by their name, "the areas for priority action").
    """

    kind: RouteKind
    areas: tuple[Area, ...] = ()
    all_judgements: bool = False
    grade: str | None = None
    police: bool | None = None
    by: str = "default"
    margin: float = 0.0
    topic: tuple[str, ...] = ()


PASSAGES = Route(RouteKind.PASSAGES)

# --------------------------------------------------------------------------------------------
# Cue words
# --------------------------------------------------------------------------------------------


def rule_route(question: str, resolver: SubjectResolver) -> Route | None:
    """The strict rules: a structured route, or None when the question is not plainly one."""
    found = _strict(question, resolver)
    if (
        found is not None
        and found.kind is RouteKind.GRADE
        and _WHEN_OR_EVER.search(question)
        and not topic_words(question, resolver)
    ):
        # "has Surrey ever been rated outstanding?", "when was Torbay last judged
        # inadequate?": every report's grade, dated.
        return Route(RouteKind.TIMELINE, found.areas or (OVERALL,), by="rules")
    return found


def _strict(question: str, resolver: SubjectResolver) -> Route | None:
    q = question
    grade_term = bool(GRADE_TERM.search(q) or JUDGED.search(q))
    areas = tuple(areas_in(q))
    if (
        not grade_term
        and JUDGEMENT_NOUN.search(q)
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
    improve = asks_improve(q)
    if not grade_term and not improve:
        return None
    if grade_term and NOT_GRADES.search(q):
        return None
    if residual(q, resolver):
        topic = tuple(topic_words(q, resolver))
        if improve and not grade_term and topic and not WHY.search(q):
            # "what does Norfolk need to improve on strategy meetings": the points on that
            # topic, or the passages when no point is about it.
            return Route(RouteKind.IMPROVE, by="rules", topic=topic)
        return None
    m = USER_GRADE.search(q)
    asked = grade_from_words(m.group("g")) if m else None
    if improve and not grade_term:
        return Route(RouteKind.IMPROVE, by="rules")
    plural = asks_every_judgement(q)
    if HISTORY.search(q) or (HOW.search(q) and CHANGE.search(q)):
        return Route(RouteKind.TIMELINE, areas or (OVERALL,), by="rules")
    has_subject = bool(resolver.find_in(q) or all_subjects().find_in(q))
    if LIST_Q.search(q) and LIST_NOUN.search(q) and (asked is not None or not has_subject):
        return Route(
            RouteKind.LIST, areas or (OVERALL,), grade=asked, police=police_asked(q), by="rules"
        )
    if improve and not _grade_asked_first(q):
        return Route(RouteKind.IMPROVE, by="rules")
    if WHICH_PART.search(q) and set(areas) <= {OVERALL}:
        areas = ()  # "it got good overall, but which bit didn't?": every judgement
    return Route(
        RouteKind.GRADE, areas, all_judgements=not areas and plural, grade=asked, by="rules"
    )


WHICH_PART = re.compile(
    r"\bwhich\s+(?:bits?|parts?|areas?|aspects?|ones?|judge?ments?|services?|sections?)\b", re.I
)


# After a grade: "better or worse than the previous one?", "did it improve at the next one?"
_BETTER_OR_WORSE = re.compile(
    r"\b(?:better|worse|improved?|declined?|slipped|dropped|same|up\s+or\s+down|"
    r"go(?:ne)?\s+(?:up|down)|went\s+(?:up|down)|compare[sd]?)\b",
    re.I,
)

# "which area was weakest", "which part was rated lowest": the one grade that stands out.
STANDS_OUT = re.compile(
    r"\b(?:weak|strong|wors|bes|low|high)est\b|\b(?:worst|best)\b|\bmost\s+(?:improved|concern)",
    re.I,
)


_HOW_DID_THEY_DO = re.compile(
    r"^\s*(?:and\s+)?(?:how\s+did\s+\S+(?:\s+\S+){0,3}?\s+(?:do|fare|perform|get\s+on|come\s+out)|"
    r"where\s+(?:did|does|do)\s+\S+(?:\s+\S+){0,3}?\s+(?:land|stand|sit))\b",
    re.I,
)
_WHEN_OR_EVER = re.compile(
    r"^\s*(?:when|which\s+year|what\s+year|in\s+which\s+year|in\s+what\s+year)\b|\bever\b", re.I
)
# "Knowsley's result in the report published March 2023?", "what did sunderland get?"
_RESULT = re.compile(
    r"\b(?:result|outcome|verdict)s?\b|^\s*(?:and\s+)?what\s+(?:did|does|has)\s+\S+(?:\s+\S+){0,3}?\s+"
    r"(?:get|got|receive|score|achieve)\b",
    re.I,
)
_BEST_AREA = re.compile(
    r"\b(?:best|worst|weakest|strongest|lowest|highest)(?:[-\s]+(?:rated|graded))?\s+"
    r"(?:area|part|judge?ment|bit|aspect|service)s?\b",
    re.I,
)


def asks_every_judgement(q: str) -> bool:
    """A grade question asking for every judgement: "what grades …", or which of them stands
    out ("which bit didn't make good?", "which area avoided the lowest grade?")."""
    return bool(
        re.search(
            r"\b(?:grades|ratings|judge?ments)\b|\bany\s+(?:judge?ment|grade|area)s?\b", q, re.I
        )
        or WHICH_PART.search(q)
        or _BEST_AREA.search(q)
    )


def _grade_asked_first(q: str) -> bool:
    """Whether a question asking for a grade and for what to improve asks for the grade first
    ("what grade did Durham get? was it inadequate given the priority actions?")."""
    grade = [m.start() for rx in (GRADE_TERM, JUDGED) if (m := rx.search(q))]
    improve = [m.start() for rx in (IMPROVE, IMPROVE_CUE) if (m := rx.search(q))]
    return bool(grade) and (not improve or min(grade) < min(improve))


def cued(kind: RouteKind, q: str, has_subject: bool) -> bool:
    """The question carries a word of this route (examples alone never decide)."""
    # "judged" alone is no cue ("were children judged to be at risk"): a grade word must follow.
    grade_like = bool(
        GRADE_TERM.search(q)
        or JUDGEMENT_NOUN.search(q)
        or GRADE_WORD.search(q)
        or re.search(r"\b(?:good|adequate)\b", q, re.I)
        or (areas_in(q) and OUTCOME.search(q))
        or re.search(r"\b(?:outcome|verdict|result)\b", q, re.I)
        or bool(WHICH_PART.search(q) and STANDS_OUT.search(q))
    )
    if kind is RouteKind.GRADE:
        return grade_like and not NOT_GRADES.search(q)
    if kind is RouteKind.LIST:
        return grade_like and bool(LIST_Q.search(q) and LIST_NOUN.search(q))
    if kind is RouteKind.TIMELINE:
        # A change over time: "improve" alone asks what to improve, not how grades moved.
        over_time = CHANGE.search(q) and re.search(
            r"\b(?:since|over|between|compared?|across|trend|from|got\s+better|got\s+worse)\b",
            q,
            re.I,
        )
        return bool(HISTORY.search(q) or over_time) and (grade_like or has_subject)
    if kind is RouteKind.IMPROVE:
        # The grade "requires improvement" asks for no list of what to improve.
        plain = re.sub(r"\brequires?\s+improvement(?:\s+to\s+be\s+good)?", " ", q, flags=re.I)
        return bool(IMPROVE_CUE.search(plain)) and has_subject
    if kind is RouteKind.MENTIONS:
        return (
            bool(MENTIONS_CUE.search(q))
            and not has_subject
            or bool(MENTION_WORDS.search(q) and re.search(r"\breports?\b", q, re.I))
        )
    return True


_REPORT_WORDS = ("inspection", "inspections", "visit", "visits", "report", "reports", "full")


def _own_topic(topic: list[str]) -> list[str]:
    """Topic words of a short follow-up besides its outcome verb and the report it counts to
    ("what did they get at the next full inspectoin?" has none)."""
    return [
        w
        for w in topic
        if not OUTCOME.fullmatch(w)
        and not difflib.get_close_matches(w.lower(), _REPORT_WORDS, n=1, cutoff=0.8)
    ]


# "did Wakefield climb out of inadequate?": a grade left behind, or not.
_LEFT_GRADE = re.compile(
    r"\b(?:get|got|gets|climb(?:ed)?|come|came|move[ds]?|break|broke|pull(?:ed)?|step(?:ped)?|"
    r"lift(?:ed)?|emerge[ds]?)\s+(?:out\s+of|up\s+from|away\s+from|off)\s+(?:the\s+|its\s+|their\s+)?"
    r"(?:inadequate|requires?\s+improvement|RI)\b|\bno\s+longer\s+(?:judged\s+)?(?:inadequate|RI)\b",
    re.I,
)
_HOW_EFFECTIVE = re.compile(r"^\s*(?:and\s+)?how\s+effective\s+(?:was|were|is|are)\b", re.I)
# A judgement named alone after the words picking the report: "Kent 2013 - capacity to improve?"
_ONLY_AREA = re.compile(r"^[^?]*(?:\s[-–—]|:)\s+(?:and\s+)?(?:the\s+)?[\w\s&']{3,60}\??\s*$", re.I)
_YES_NO = re.compile(r"^\s*(?:and\s+)?(?:was|were|is|are|did|does|has|have)\b", re.I)
# Words of a verdict's frame, no topic: "the bottom line verdict", "the final outcome".
_VERDICT_FRAME = frozenset({"bottom", "line", "final", "headline", "actual"})


def plain_route(
    question: str, resolver: SubjectResolver, has_subject: bool, after_grades: bool
) -> Route | None:
    """The shapes of a structured question the strict rules leave: short follow-ups after a
    grade answer, "how did X do", a change between two years, the weakest area, "when" or
    "ever" with a grade; None when the question has none of them.

    Args:
        question: The question's main clause.
        resolver: The subjects the index holds.
        has_subject: The question or the conversation names a place.
        after_grades: The previous turn was answered with grades.
    """
    areas = tuple(areas_in(question))
    # The question's own topic words, read once (the slowest step of routing).
    topic = topic_words(question, resolver)
    if after_grades and areas and len(question.split()) <= 8 and not topic:
        return Route(RouteKind.GRADE, areas, by="rules")
    if after_grades and len(question.split()) <= 14 and _BETTER_OR_WORSE.search(question):
        # "is that better or worse than the previous one?": how the grades moved.
        return Route(RouteKind.TIMELINE, areas or (OVERALL,), by="rules")
    if (
        after_grades
        and len(question.split()) <= 10
        and OUTCOME.search(question)
        and not FINDING_VERB.search(question)
        and not _own_topic(topic)
    ):
        # "and how did they do at the next one?", "have they kept that up since?": the
        # grades of the report the conversation turns to.
        return Route(RouteKind.GRADE, areas, by="rules")
    own = [w for w in topic if w not in _VERDICT_FRAME]
    m = USER_GRADE.search(question)
    asked = grade_from_words(m.group("g")) if m else None
    if (
        has_subject
        and areas
        and m
        and (_YES_NO.match(question) or not own)
        and not FINDING_VERB.search(question)
    ):
        # "T&W 2024 - was help & protection outstanding like all the rest?"
        return Route(RouteKind.GRADE, areas, grade=asked, by="rules")
    if (
        has_subject
        and areas
        and (_HOW_EFFECTIVE.match(question) or _ONLY_AREA.match(question))
        and not residual(question, resolver)
    ):
        # "how effective was the LSCB in Bolton in 2016?", "Kent 2013 LAC inspection -
        # capacity to improve?": the grade of that judgement.
        return Route(RouteKind.GRADE, areas, by="rules")
    if has_subject and _LEFT_GRADE.search(question):
        return Route(RouteKind.GRADE, areas, grade=asked, by="rules")
    if not own and _WHEN_OR_EVER.search(question) and asks_about_grades(question):
        # "Which year did Rochdale get outstanding?"
        return Route(RouteKind.TIMELINE, areas or (OVERALL,), by="rules")
    if (
        not own
        and (_HOW_DID_THEY_DO.search(question) or _RESULT.search(question))
        # A place the question itself names (a carried one may be a finding's place: "how
        # did they do at the next one?" after a question on the front door asks about that).
        and bool(resolver.find_in(question) or all_subjects().find_in(question))
    ):
        # "How did Oldham do in 2024?", "where did Barnsley land?": the grades.
        return Route(RouteKind.GRADE, areas, by="rules")
    if (
        has_subject
        and not own
        and CHANGE.search(question)
        and len(set(re.findall(r"\b(?:19|20)\d\d\b", question))) >= 2
    ):
        # "Did Thurrock go up or down from 2019 to 2022?": how the grades moved.
        return Route(RouteKind.TIMELINE, areas or (OVERALL,), by="rules")
    if (
        has_subject
        and (WHICH_PART.search(question) or _BEST_AREA.search(question))
        and STANDS_OUT.search(question)
        and len([w for w in topic if not STANDS_OUT.search(w)]) <= 1
    ):
        # "which area came out weakest in Peterborough's inspection?": every grade.
        return Route(RouteKind.GRADE, (), all_judgements=True, by="rules")
    return None
