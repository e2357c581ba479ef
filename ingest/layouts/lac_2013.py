"""``ofsted-lac-2013``: the 2012-2013 inspections of looked after children services.

A four-point scale with *adequate* (``grade_key`` maps it to ``requires_improvement``), section
headings such as ``Capacity to improve Grade 3 (adequate)``, and a "Record of main findings"
table at the end, which is the primary statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout, with_improvements
from ingest.layouts.statements import Candidate, Table, find_headings, label, note_missing, resolve
from ingest.layouts.text import APOS, Page, content_pages, head_text

KEY = "ofsted-lac-2013"

EXPECTED = ("overall", "capacity_to_improve", "outcomes", "quality_of_provision", "leadership")
"""The judgements every report of this layout grades."""

LABELS = [
    label("overall", "Overall effectiveness"),
    label("capacity_to_improve", "Capacity to improve"),
    label("outcomes", "Outcomes for looked after children and young people"),
    label("quality_of_provision", "Quality of provision"),
    label("leadership", "Leadership and management"),
]

_HEADING_LABELS = [
    label(
        "overall", "Overall effectiveness of services for looked after children and young people"
    ),
    *LABELS[1:],
]

_TABLE = Table(LABELS, numbered=False)
_HEADINGS = [
    (
        lab.key,
        re.compile(
            rf"(?P<q>(?P<j>{lab.pattern})\s+(?P<g>Grade\s*[1-4]\s*\(\s*(?i:outstanding|good|adequate|inadequate)\s*\)))"
        ),
    )
    for lab in _HEADING_LABELS
]

_TITLE = re.compile(rf"Inspection\s+of\s+looked\s+after\s+children(?:{APOS}s)?\s+services", re.I)


def detect(pages: Sequence[Page]) -> Detection | None:
    """An inspection of looked after children services, by its title.

    Args:
        pages: The document's pages.

    Returns:
        The detection, or None.
    """
    if _TITLE.search(head_text(pages, 3)):
        return Detection(KEY, 0.9, "front page: 'Inspection of looked after children services'")
    return None


def _record_of_main_findings(content: list[Page]) -> list[Candidate]:
    for p in content:
        i = p.flat.find("Record of main findings")
        if i >= 0:
            run = _TABLE.find(p, 0, start=i)
            if run:
                return run
    return []


def extract(pages: Sequence[Page]) -> Catalogue:
    """The record of main findings, the graded headings and the improvement points.

    Args:
        pages: The report's pages.

    Returns:
        The catalogue.
    """
    content = content_pages(pages)
    cands = _record_of_main_findings(content) + find_headings(content, _HEADINGS, 1)
    cat = Catalogue(framework=KEY)
    cat.judgements = resolve(cands, cat.notes)
    note_missing(cat.judgements, EXPECTED, cat.notes)
    return with_improvements(cat, pages)


LAYOUT = Layout(
    key=KEY,
    framework="ofsted-lac-2013",
    description="Ofsted inspections of looked after children services (2012-2013)",
    detect=detect,
    extract=extract,
)
