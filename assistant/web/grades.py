"""Display names of grades and judgements, shared by the Reports and Timeline tabs."""

from __future__ import annotations

import re

GRADE_ORDER = ("inadequate", "requires_improvement", "good", "outstanding")  # low to high
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
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


def grade_label(grade_key: str | None, worded: str | None = None) -> str:
    """A grade for display: "Requires improvement" for any wording of it."""
    return GRADE_LABELS.get(grade_key or "", "") or " ".join((worded or "").split())


def judgement_label(j: dict) -> str:
    """A judgement's short name for display ("Leaders", "Care leavers")."""
    key = j.get("key") or ""
    if key == "children_in_care" and re.search(r"care\s+leavers", j.get("judgement") or "", re.I):
        return "Children in care and care leavers"
    return JUDGEMENT_LABELS.get(key) or " ".join((j.get("judgement") or "").split())
