"""Cue words of the routes: the grade, judgement, improvement, list and timeline words users
write, the words a structured question may hold besides them, and the places it names.

Used by :mod:`assistant.route`; data and small pure functions, no decisions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.vocabulary import AREAS, USER_GRADE
from ingest.subjects import LOCAL_AUTHORITIES, POLICE_FORCES, SubjectResolver

# "rate" the verb ("how did Ofsted rate them"), not the noun ("the rate of children in care").
GRADE_TERM = re.compile(
    r"\b(?:grade[sd]?|grading|rated|ratings?|re-?rated|judge|"
    r"(?<!the\s)(?<!a\s)(?<!its\s)rate(?!\s+(?:of|per|at|for)\b))\b",
    re.I,
)
JUDGED = re.compile(
    r"\bjudged\b(?:\s+(?:as|to\s+be|to\s+have\s+been|it))?\s*"
    r"(?:outstanding|good|requires?\s+improvement|RI\b|inadequate|adequate|\?|$|for\b|on\b|in\b|"
    r"overall\b|by\b|at\b)",
    re.I,
)
JUDGEMENT_NOUN = re.compile(r"\bjudge?ments?\b", re.I)
NOT_GRADES = re.compile(
    r"\b(?:GCSEs?|exams?|schools?|pupils?|attainment|key\s+stage|A[- ]levels?|qualifications?|"
    r"test\s+results?|grade\s+boundar\w+)\b",
    re.I,
)
CHANGE = re.compile(
    r"\b(?:chang(?:e|ed|es|ing)|improv(?:e|ed|ing)|declin(?:e|ed)|progress(?:ed)?|evolv(?:e|ed)|"
    r"mov(?:e|ed)|go(?:ne)?\s+(?:up|down)|compare[sd]?|"
    r"(?:got|gotten|become|became|getting)\s+(?:any\s+)?(?:better|worse))\b",
    re.I,
)
HISTORY = re.compile(
    r"\b(?:timeline|history|over\s+time|over\s+the\s+years|track\s+record|trend|"
    r"every\s+inspection|each\s+inspection|all\s+(?:the\s+|its\s+|their\s+)?inspections)\b",
    re.I,
)
HOW = re.compile(r"^\s*(?:how\b|has\b|have\b|did\b|what\s+(?:is|was)\s+the\s+trend)", re.I)
IMPROVE = re.compile(
    r"\b(?:needs?|needed)\s+to\s+(?:be\s+)?improv(?:e|ed)\b|\bareas?\s+(?:for|of|to|needing)\s+"
    r"(?:improvement|improve)\b|\brecommendations?\b|"
    r"\bimprovement\s+(?:points|areas|priorities|actions)\b|\bwhat\s+to\s+improve\b|"
    r"\bpriority\s+(?:and\s+immediate\s+)?actions?\b|"
    r"\b(?:tell|told|ask|asked|want|wanted|required?)\s+(?:[\w'’]+\s+){0,4}?to\s+"
    r"(?:improve|address|fix|work\s+on|sort\s+out|change)\b",
    re.I,
)
_WHAT_SHOULD = re.compile(r"\bwhat\s+(?:should|must)\b", re.I)
_IMPROVE_VERB = re.compile(r"\bimprove\b", re.I)


def asks_improve(question: str) -> bool:
    """True when a question asks what needs to improve: ``IMPROVE``, or "what should … improve".

    The two parts of "what should … improve" are found apart: one pattern with ``.*`` between
    them would retry from every "what should" to the end, quadratic on a long question.
    """
    if IMPROVE.search(question):
        return True
    first = _WHAT_SHOULD.search(question)
    if first is None:
        return False
    return _IMPROVE_VERB.search(question, first.end()) is not None


LIST_NOUN = re.compile(
    r"\b(?:councils|local\s+authorities|authorities|LAs|areas|boroughs|counties|unitaries|"
    r"forces|constabularies|places|reports|inspections)\b|"
    r"\bwhich\s+(?:council|local\s+authority|authority|area|borough|county|unitary|force|"
    r"police\s+force|constabulary|report|inspection)\b",
    re.I,
)
LIST_Q = re.compile(
    r"^\s*(?:which|what|list|name|show|give|how\s+many|(?:were|are|did|have|has)\s+any|any|"
    r"are\s+there)\b",
    re.I,
)
POLICE_NOUN = re.compile(r"\b(?:forces|police|constabular(?:y|ies))\b", re.I)
REPORT_TYPE = re.compile(
    r"\b(?:looked[-\s]+after\s+children(?:['\u2019]s)?(?:\s+services)?\s+inspections?|"
    r"child\s+protection\s+inspections?|single\s+inspection(?:\s+framework)?|re-?inspections?|"
    r"(?:focused|monitoring|joint\s+targeted\s+area)\s+visits?|ILACS|SIF|JTAI)\b",
    re.I,
)
PERIOD_WORDS = re.compile(
    r"\b(?:(?:between|from|since|after|before|until|prior\s+to|in|during)\s+)?"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)[a-z]*\.?\s+|"
    r"(?:spring|summer|autumn|fall|winter|early|late|mid|end\s+of|start\s+of)[-\s]+)?"
    r"(?:19|20)\d{2}\b",
    re.I,
)


def words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a structured question may hold besides its subject, period, grade and judgement words.
ALLOWED = words(
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
    experience experiences progress impact effectiveness
    compared between until after before prior during
    published publication come came
    where land landed fare fared perform performed round stand stands sit sits
    lac ilacs sif jtai effective
    """
)
# The words a route is read from, for reading a slip of typing as the word meant.
ROUTE_VOCABULARY = ALLOWED | words(
    """
    leadership leaders management governance protection adoption permanence leavers looked
    outstanding inadequate adequate requires improvement effectiveness capacity safeguarding
    provision focused inspection judgement graded grade rated rating priority improve
    january february march april june july august september october november december
    """
)
MONTHS = words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['\u2019][A-Za-z]+)*")


@lru_cache(maxsize=1)
def all_subjects() -> SubjectResolver:
    """Every local authority and police force this package knows (indexed or not)."""
    return SubjectResolver([*LOCAL_AUTHORITIES, *POLICE_FORCES])


def subject_spans(text: str, resolvers: list[SubjectResolver]) -> list[tuple[int, int]]:
    """Character spans of the words that name a subject (any alias, possessive or not)."""
    toks = list(WORD.finditer(text))
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        hit = 0
        for n in range(min(5, len(toks) - i), 0, -1):
            words = text[toks[i].start() : toks[i + n - 1].end()]
            if n == 1 and (words.lower() in ALLOWED or words.lower() in MONTHS):
                continue
            if any(res.resolve(words) for res in resolvers):
                spans.append((toks[i].start(), toks[i + n - 1].end()))
                hit = n
                break
        i += hit or 1
    return spans


def residual(question: str, resolver: SubjectResolver) -> list[str]:
    """Words of a question that are not subject, period, grade, judgement or function words."""
    text = question
    cut: list[tuple[int, int]] = []
    for rx in (PERIOD_WORDS, USER_GRADE, REPORT_TYPE, *(a[0] for a in AREAS)):
        cut += [(m.start(), m.end()) for m in rx.finditer(text)]
    cut += subject_spans(text, [resolver, all_subjects()])
    chars = list(text)
    for a, b in cut:
        for k in range(a, b):
            chars[k] = " "
    rest = []
    for m in WORD.finditer("".join(chars)):
        w = m.group(0).lower().replace("\u2019", "'")
        base = w[:-2] if w.endswith("'s") else w
        if w in ALLOWED or base in ALLOWED or w in MONTHS or w.isdigit():
            continue
        rest.append(w)
    return rest


GRADE_WORD = re.compile(r"\b(?:outstanding|inadequate|requires?\s+improvement|RI)\b")
OUTCOME = re.compile(
    r"\b(?:outcome|verdict|result|score[sd]?|awarded|give|gave|given|get|got|receive[sd]?|"
    r"do|fare[sd]?|hang|held|keep|kept|stay(?:ed)?|still|overal+|come\s+out|came\s+out)\b",
    re.I,
)
QUOTE_ASK = re.compile(
    r"\b(?:quotes?|quotable|quotation|soundbites?|a\s+(?:short\s+|good\s+)?line|lines?\s+from)\b",
    re.I,
)
# Verbs of a finding: "what did inspectors say about leadership" asks what the report says.
FINDING_VERB = re.compile(
    r"\b(?:say|says|said|find|finds|found|describe[sd]?|mention(?:s|ed)?|note[sd]?|comment(?:s|ed)?|"
    r"think|thought|tell\s+me\s+about|summar(?:y|ise|ize))\b",
    re.I,
)
# Verbs of being given a grade: "what did X get for leadership", "what did Ofsted give X".
AWARD = re.compile(r"\b(?:get|got|give|gave|given|receive[sd]?|award(?:ed)?|score[sd]?)\b", re.I)
IMPROVE_CUE = re.compile(
    r"\b(?:improv\w*|priority|priorities|fix\w*|recommend\w*|must|should|need(?:s|ed)?\s+to|"
    r"areas?\s+for|actions?|work\s+on|address|better|change|weakness\w*|tell|told|require[sd]?)\b",
    re.I,
)
MENTIONS_CUE = re.compile(
    r"\b(?:which|what\s+other|list|name)\b.{0,40}\b(?:reports?|councils?|local\s+authorit\w+|"
    r"authorit\w+|areas|boroughs|counties|inspections?|letters|visits|LAs|forces)\b",
    re.I,
)
MENTION_WORDS = re.compile(
    r"\b(?:mention\w*|talk\w*\s+about|refer\w*\s+to|use[sd]?|had|have)\b", re.I
)


WHY = re.compile(r"^\s*(?:and\s+|so\s+|but\s+)?why\b", re.I)

# A leading clause that states a grade as the premise of another question ("Despite its
# outstanding judgement in 2023, what did it still need to improve?", "After Kirklees was judged
# inadequate, which council oversaw it?"): the question is the clause after the comma.
_PREMISE = re.compile(
    r"^\s*(?:after|despite|although|though|even\s+though|given|following|with|while|once)\b"
    r"(?P<premise>[^,?]{3,160}),\s*(?P<rest>\S.*)$",
    re.I,
)


def asks_about_grades(text: str) -> bool:
    """True when a question names a grade, a judgement or grading."""
    return bool(
        GRADE_TERM.search(text)
        or JUDGED.search(text)
        or JUDGEMENT_NOUN.search(text)
        or GRADE_WORD.search(text)
        or re.search(r"\boverall\s+effectiveness\b", text, re.I)
    )


# "hackney front door focused visit oct 2022 - what rating did they get?": the words before the
# dash pick the report, the question after it asks.
_SELECTOR = re.compile(
    r"^(?P<selector>[^?]{3,160}?)\s+[-–—:]\s+(?P<rest>(?:and\s+|so\s+)?(?:what|how|which|did|does|"
    r"do|was|were|is|are|has|have|who|any|why|can|could)\b.*)$",
    re.I,
)


def main_clause(question: str) -> str:
    """The question without a leading clause that only states a grade as its premise (the
    question itself when it has none, or when its main clause asks about grades too), or,
    when words before a dash pick the report, the question after the dash if it asks for a
    grade."""
    m = _SELECTOR.match(question)
    if m is not None and asks_about_grades(m.group("rest")):
        return m.group("rest")
    m = _PREMISE.match(question)
    if m is None or not asks_about_grades(m.group("premise")) or asks_about_grades(m.group("rest")):
        return question
    return m.group("rest")


# Words that only say what an improvement question asks for (not what about).
IMPROVE_FRAME = frozenset(
    [
        *["experiences", "experience", "progress", "published", "publication", "came"],
        *[
            "ok",
            "okay",
            "so",
            "then",
            "and",
            "but",
            "also",
            "they",
            "their",
            "them",
            "there",
            "it",
            "its",
            "else",
            "please",
        ],
        "fix",
        "fixed",
        "fixing",
        "urgently",
        "urgent",
        "visit",
        "visits",
        "letter",
        "tell",
        "told",
        "do",
        "doing",
        "work",
        "working",
        "area",
        "areas",
        "practice",
        "change",
        "changes",
        "address",
        "addressing",
        "weakness",
        "weaknesses",
        "action",
        "actions",
        "set",
        "came",
        "come",
        "out",
        "following",
        "followed",
        "after",
        "still",
        "anything",
        "despite",
        "find",
        "found",
        "identify",
        "identified",
        "want",
        "wanted",
        "ask",
        "asked",
        "next",
        "better",
        "get",
        "getting",
        "improve",
        "improved",
        "improving",
        "improvement",
        "improvements",
        "needed",
        "needs",
        "need",
        "must",
        "should",
        "priority",
        "priorities",
        "recommendation",
        "recommendations",
        "required",
        "require",
        "requires",
        "requirement",
        "requirements",
        "key",
        "main",
        "biggest",
        "top",
        "list",
    ]
)


def topic_words(question: str, resolver: SubjectResolver) -> list[str]:
    """Words of a question that name a topic of its own (not its frame, place or period)."""
    return [w for w in residual(question, resolver) if w not in IMPROVE_FRAME]


def police_asked(q: str) -> bool | None:
    if POLICE_NOUN.search(q):
        return True
    if re.search(r"\b(?:councils?|authorit|LAs|boroughs|counties|unitar)", q, re.I):
        return False
    return None
