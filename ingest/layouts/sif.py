"""``ofsted-sif``: the 2013-2017 single inspection framework (SIF) and its re-inspections.

The front page states the overall judgement (``Children's services in X are inadequate``, or
``The overall judgement is that children's services require improvement``) and lists the
numbered judgements (``2.1 Adoption performance Good``). Most reports are combined with the
review of the Local Safeguarding Children Board (LSCB), whose judgement is stated separately;
re-inspections have no LSCB review. The review published on its own is ``lscb_review``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout, with_improvements
from ingest.layouts.statements import (
    Candidate,
    Table,
    find_all,
    find_headings,
    heading_regexes,
    label,
    note_missing,
    resolve,
)
from ingest.layouts.text import (
    AFTER_GRADE,
    AFTER_GRADE_OR_BECAUSE,
    APOS,
    GRADE,
    VERB,
    Page,
    collapse_ws,
    content_pages,
    head_text,
)

KEY = "ofsted-sif"

EXPECTED = (
    "overall",
    "help_and_protection",
    "children_in_care",
    "adoption",
    "care_leavers",
    "leadership",
)
"""The local authority's judgements under the SIF (the LSCB's is ``lscb``)."""

LABELS = [
    label("help_and_protection", "Children who need help and protection"),
    label("children_in_care", "Children looked after and achieving permanence"),
    label("adoption", "Adoption performance"),
    label("care_leavers", "Experiences and progress of care leavers"),
    label("leadership", "Leadership, management and governance"),
]

_HEADING_LABELS = [
    label(
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
    ),
    label(
        "children_in_care",
        "The experiences and progress of children looked after and achieving permanence",
    ),
    label("leadership", "Leadership, management and governance"),
]

_TABLE = Table(LABELS, numbered=True)
_HEADINGS = heading_regexes(_HEADING_LABELS, colon=False)

TITLE = re.compile(
    r"(?:Re-?inspection|Inspection)\s+of\s+services\s+for\s+children\s+in\s+need\s+of\s+help|"
    r"Review\s+of\s+the\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding\s+Children",
    re.I,
)
"""The SIF report's title, or the LSCB review's (combined reports carry both)."""

# "Children's services in Norfolk are inadequate", "The overall judgement is that children's
# services require improvement", "Children's services require improvement to be good".
_OVERALL = re.compile(
    rf"(?P<q>(?P<j>(?:The\s+overall\s+judgement\s+is\s+that\s+)?[Cc]hildren{APOS}s\s+services?"
    rf"(?:\s+in\s+(?:the\s+)?[A-Z][^.;:]{{0,80}}?)?)\s+"
    rf"{VERB}(?P<g>{GRADE})){AFTER_GRADE_OR_BECAUSE}"
)
_OVERALL_2 = re.compile(
    rf"(?P<q>(?P<j>The\s+overall\s+judgement)\s+is\s+(?P<g>{GRADE})){AFTER_GRADE}"
)

LSCB_STATEMENT = re.compile(
    r"(?P<q>(?P<j>The\s+(?:judgement\s+for\s+the\s+)?(?:effectiveness\s+of\s+the\s+)?"
    r"(?:Local\s+Safeguarding\s+Children\s+Board(?:\s+\(LSCB\))?|LSCB))\s+"
    rf"{VERB}(?P<g>{GRADE})){AFTER_GRADE_OR_BECAUSE}"
)
"""The LSCB's judgement: "The Local Safeguarding Children Board requires improvement",
"The effectiveness of the Local Safeguarding Children Board (LSCB) is good"."""

# The body: "The graded judgement for adoption performance is that it is good".
_GRADED = re.compile(
    r"(?P<q>The\s+graded\s+judgement\s+(?:for|about)\s+(?:the\s+)?"
    r"(?P<j>(?P<adoption>adoption(?:\s+performance)?)|(?:experiences?\s+and\s+progress\s+of\s+)?care\s+leavers)"
    rf"\s+(?:is\s+that\s+(?:it|they)\s+)?{VERB}(?P<g>{GRADE})){AFTER_GRADE}",
    re.I,
)


def lscb_statements(page: Page, rank: int) -> list[Candidate]:
    """The LSCB judgement statements on a page.

    Args:
        page: The page.
        rank: The candidates' rank.

    Returns:
        Candidates keyed ``lscb``.
    """
    return find_all(page, LSCB_STATEMENT, "lscb", rank)


def detect(pages: Sequence[Page]) -> Detection | None:
    """A SIF report (or re-inspection), by its title on the first pages.

    Args:
        pages: The document's pages.

    Returns:
        The detection, or None.
    """
    if TITLE.search(head_text(pages, 3)):
        return Detection(KEY, 0.8, "front page: single inspection framework / LSCB review title")
    return None


def _candidates(content: list[Page]) -> list[Candidate]:
    front = content[:2]
    cands: list[Candidate] = []
    for p in front:
        got = find_all(p, _OVERALL, "overall", 0) + find_all(p, _OVERALL_2, "overall", 0)
        if got:
            cands += got[:1]
            break
    cands += _TABLE.front(front, 0)
    for i, p in enumerate(content):
        cands += lscb_statements(p, 0 if i < len(front) else 1)
        cands += find_headings([p], _HEADINGS, 1)
        for m in _GRADED.finditer(p.flat):
            key = "adoption" if m.group("adoption") else "care_leavers"
            j = collapse_ws(m.group("j"))
            cands.append(Candidate(key, j, m.group("g"), p.number, m.group("q"), 1))
    return cands


def extract(pages: Sequence[Page]) -> Catalogue:
    """The overall statement, the numbered judgements, the LSCB's and the improvement points.

    Args:
        pages: The report's pages.

    Returns:
        The catalogue.
    """
    cat = Catalogue(framework=KEY)
    cat.judgements = resolve(_candidates(content_pages(pages)), cat.notes)
    note_missing(cat.judgements, EXPECTED, cat.notes)
    if cat.get("lscb") is None and "lscb" not in cat.notes:
        head = head_text(pages, 2)
        if re.search(r"Re-?inspection", head, re.I):
            cat.notes["lscb"] = "a re-inspection: the LSCB is not reviewed in this report"
        elif not re.search(
            r"Review\s+of\s+the\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding", head, re.I
        ):
            cat.notes["lscb"] = (
                "the LSCB review is not part of this report (its title does not include it)"
            )
        else:
            cat.notes["lscb"] = "no LSCB judgement statement found"
    return with_improvements(cat, pages)


LAYOUT = Layout(
    key=KEY,
    framework="ofsted-sif",
    description="Ofsted single inspection framework reports (2013-2017), most with the LSCB review",
    detect=detect,
    extract=extract,
)
