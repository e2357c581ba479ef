"""The words of grades and judgements, shared by question routing, the catalogue and the app.

``grade_from_words`` reads a user's grade words ("RI", "requires improvement"), ``judgement_area``
and ``areas_in`` the judgements a question names ("care leavers", "leadership", "overall"), and
``pick_judgement`` finds a report's judgement for an area. ``grade_label`` and
``judgement_label`` name grades and judgements for display (the Reports and Timeline tabs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.judgements import collapse_ws, grade_key
from ingest.records import Judgement

GRADE_NAMES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires_improvement": "requires improvement",
    "inadequate": "inadequate",
}
"""Grade key -> the grade as a sentence says it ("requires improvement")."""

GRADE_ORDER = ("inadequate", "requires_improvement", "good", "outstanding")
"""The grade keys from lowest to highest."""

GRADE_LABELS = {key: name.capitalize() for key, name in GRADE_NAMES.items()}
"""Grade key -> the grade for display ("Requires improvement")."""

JUDGEMENT_LABELS = {
    "overall": "Overall",
    "impact_of_leaders": "Leaders",
    "leadership": "Leadership",
    "help_and_protection": "Help and protection",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "adoption": "Adoption",
    "lscb": "LSCB",
    "capacity_to_improve": "Capacity to improve",
    "outcomes": "Outcomes",
    "quality_of_provision": "Quality of provision",
    "effectiveness": "Effectiveness",
    "efficiency": "Efficiency",
    "legitimacy": "Legitimacy",
}
"""Judgement key -> its short name for display."""

JUDGEMENT_KEYS = frozenset(JUDGEMENT_LABELS)
"""Every judgement key the catalogue knows."""

# --------------------------------------------------------------------------------------------
# User words: grades and judgements
# --------------------------------------------------------------------------------------------

USER_GRADE = re.compile(
    r"(?<!how )\b(?P<g>outstanding|requires?\s+improvement(?:\s+to\s+be\s+good)?|"
    r"(?-i:RI)|inadequate|adequate|good)\b",
    re.I,
)


def grade_from_words(words: str | None) -> str | None:
    """A normalised grade from a user's words.

    Args:
        words: "requires improvement", "RI", "inadequate", "Good", "requires_improvement",
            "grade 4", ...

    Returns:
        One of "outstanding", "good", "requires_improvement", "inadequate", or None.
    """
    if not words:
        return None
    w = collapse_ws(words.replace("_", " ").replace("-", " ")).lower()
    if w in ("ri", "r i", "r.i."):
        return "requires_improvement"
    return grade_key(w)


# "looked after children inspection", "child protection inspection": a kind of report, not a
# judgement.
_NOT_A_TYPE = (
    r"(?!(?:\s+children)?\s+(?:children['\u2019]s\s+)?(?:services\s+)?(?:inspections?|reports?)\b)"
)

# (pattern, candidate keys in order of preference). Longer phrases first.
AREAS: list[tuple[re.Pattern[str], tuple[str, ...], str]] = [
    (re.compile(p, re.I), keys, name)
    for p, keys, name in [
        (r"\bchildren\s+in\s+care\s+and\s+care\s+leavers\b", ("children_in_care",),
         "children in care and care leavers"),
        (r"\b(?:care\s+leavers?|leaving\s+care)\b", ("care_leavers", "children_in_care+leavers"),
         "care leavers"),
        (r"\b(?:children\s+in\s+care|(?:children\s+)?looked[-\s]+after(?:\s+children)?|"
         rf"permanence|LAC|CLA|CiC)\b{_NOT_A_TYPE}", ("children_in_care",), "children in care"),
        (r"\b(?:help\s+(?:and|&)\s+prot[a-z]{2,7}|"
         r"(?:children\s+)?(?:who\s+)?needs?\s+(?:of\s+)?help(?:\s+(?:and|&)\s+prot[a-z]{2,7})?|"
         rf"child\s+protection)\b{_NOT_A_TYPE}", ("help_and_protection",), "help and protection"),
        (r"\badoption(?:\s+performance)?\b", ("adoption",), "adoption"),
        (r"\bcapacity\s+to\s+improve\b", ("capacity_to_improve",), "capacity to improve"),
        (r"\bquality\s+of\s+provision\b", ("quality_of_provision",), "quality of provision"),
        (r"\b(?:LSCB|(?:local\s+)?safeguarding\s+(?:children\s+)?board)\b", ("lscb",),
         "the Local Safeguarding Children Board"),
        (r"\b(?:(?:the\s+)?impact\s+of\s+leaders(?:hip)?(?:\s+on\s+social\s+work\s+practice"
         r"(?:\s+with\s+children\s+and\s+families)?)?|leaders(?:hip)?(?:,?\s+management"
         r"(?:\s+and\s+governance)?)?|management(?:\s+and\s+governance)?|governance)\b",
         ("impact_of_leaders", "leadership"), "leadership"),
        (r"\boverall(?:\s+effectiveness|\s+judgements?|\s+grades?|\s+ratings?)?\b", ("overall",),
         "overall effectiveness"),
        (r"\befficien(?:cy|t)\b", ("efficiency",), "efficiency"),
        (r"\blegitima(?:cy|te)\b", ("legitimacy",), "legitimacy"),
        (r"\beffective(?:ness)?\b", ("effectiveness",), "effectiveness"),
        (r"\boutcomes\b", ("outcomes",), "outcomes"),
    ]
]  # fmt: skip


@dataclass(frozen=True)
class Area:
    """A judgement area: the report keys that can state it, best first, and its name."""

    keys: tuple[str, ...]
    name: str


def judgement_area(words: str | None) -> Area | None:
    """The judgement a user's words name ("leadership", "care leavers", "overall", a key).

    Returns:
        The candidate keys (in order of preference) and a display name, or None when the words
        name no known judgement.
    """
    if not words:
        return None
    w = words.strip()
    if w.lower().replace(" ", "_") in JUDGEMENT_KEYS:
        key = w.lower().replace(" ", "_")
        if key in ("leadership", "impact_of_leaders"):
            return Area(("impact_of_leaders", "leadership"), "leadership")
        if key == "care_leavers":
            return Area(("care_leavers", "children_in_care+leavers"), "care leavers")
        return Area((key,), key.replace("_", " "))
    for rx, keys, name in AREAS:
        if rx.search(w):
            return Area(keys, name)
    return None


# Words that set a judgement aside: "not care leavers", "other than leadership".
_SET_ASIDE = re.compile(
    r"(?:\bnot|\bexcept|\bexcluding|\brather\s+than|\bother\s+than|\bapart\s+from|\bignoring|"
    r"\bleaving\s+aside)\s+(?:for\s+|the\s+|for\s+the\s+)?$",
    re.I,
)


def areas_in(text: str) -> list[Area]:
    """Every judgement a question names, in order, each once."""
    found: list[tuple[int, Area]] = []
    taken: list[tuple[int, int]] = []
    for rx, keys, name in AREAS:
        for m in rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            if _SET_ASIDE.search(text[: m.start()]):
                continue  # "children in care (not care leavers)"
            if not any(a.keys == keys for _, a in found):
                found.append((m.start(), Area(keys, name)))
    return [a for _, a in sorted(found, key=lambda x: x[0])]


def pick_judgement(judgements: list[Judgement], area: Area) -> Judgement | None:
    """The report's judgement for an area (the combined ILACS label covers care leavers)."""
    for key in area.keys:
        if key == "children_in_care+leavers":
            j = next((j for j in judgements if j.key == "children_in_care"), None)
            if j is not None and re.search(r"care\s+leavers", j.judgement, re.I):
                return j
            continue
        j = next((j for j in judgements if j.key == key), None)
        if j is not None:
            return j
    return None


OVERALL = Area(("overall",), "overall effectiveness")


# --------------------------------------------------------------------------------------------
# Display names
# --------------------------------------------------------------------------------------------


def grade_label(grade_key: str | None, worded: str | None = None) -> str:
    """A grade for display: "Requires improvement" for any wording of it.

    Args:
        grade_key: The normalised grade, or None.
        worded: The grade as the report words it (shown when there is no known key).

    Returns:
        The label, or "" when neither is given.
    """
    return GRADE_LABELS.get(grade_key or "", "") or " ".join((worded or "").split())


def judgement_label(j: Judgement) -> str:
    """A judgement's short name for display ("Leaders", "Care leavers")."""
    if j.key == "children_in_care" and re.search(r"care\s+leavers", j.judgement or "", re.I):
        return "Children in care and care leavers"
    return JUDGEMENT_LABELS.get(j.key or "") or " ".join((j.judgement or "").split())
