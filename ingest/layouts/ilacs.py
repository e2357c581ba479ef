"""``ofsted-ilacs``: the 2018+ inspections of local authority children's services (ILACS).

The front page has a ``Judgement / Grade`` table (row-wise or column-wise), and each section
heading states its grade: ``The experiences and progress of children in care: good``. Since 2023
children in care and care leavers are graded separately (five judgements, not four).

The framework's focused and monitoring visit letters are read here too: they are not graded, and
the catalogue says so; their "areas for priority action" and "areas for improvement" are read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout, with_improvements
from ingest.layouts.outcomes import read_ratings, to_judgements
from ingest.layouts.statements import (
    Table,
    find_headings,
    heading_regexes,
    label,
    note_missing,
    resolve,
)
from ingest.layouts.text import APOS, Page, content_pages, head_text

KEY = "ofsted-ilacs"

EXPECTED = ("overall", "impact_of_leaders", "help_and_protection", "children_in_care")
"""The judgements every ILACS report grades (care leavers only since 2023)."""

LABELS = [
    label(
        "impact_of_leaders",
        "The impact of leaders on social work practice with children and families",
    ),
    label(
        "help_and_protection",
        "The experiences and progress of children who need help and protection",
    ),
    label("children_in_care", "The experiences and progress of children in care and care leavers"),
    label("children_in_care", "The experiences and progress of children in care"),
    label("care_leavers", "The experiences and progress of care leavers"),
    label("overall", "Overall effectiveness"),
]

_TABLE = Table(LABELS, numbered=False)
_HEADINGS = heading_regexes([lab for lab in LABELS if lab.key != "overall"], colon=True)

_TITLE = re.compile(
    rf"Inspection\s+of\s+(?:the\s+)?[A-Z][^.]{{0,90}}?children{APOS}s\s+(?:social\s+care\s+)?services|"
    rf"Inspection\s+of\s+children{APOS}s\s+social\s+care\s+services|"
    r"\b(?:Focused|Monitoring)\s+visit\b",
    re.I,
)
_VISIT = re.compile(r"\b(?:Focused|Monitoring)\s+visit\b", re.I)


def detect(pages: Sequence[Page]) -> Detection | None:
    """An ILACS report or visit letter, by its title on the first pages.

    The title's words ("Inspection of ... children's services") are shared with other
    layouts' titles, hence a middling confidence.

    Args:
        pages: The document's pages.

    Returns:
        The detection, or None.
    """
    if _TITLE.search(head_text(pages, 3)):
        return Detection(KEY, 0.6, "front page: inspection of local authority children's services")
    return None


def extract(pages: Sequence[Page]) -> Catalogue:
    """The judgement table, the graded headings and the improvement points.

    Args:
        pages: The report's pages.

    Returns:
        The catalogue.
    """
    content = content_pages(pages)
    cands = _TABLE.front(content[:2], 0) + find_headings(content, _HEADINGS, 1)
    cat = Catalogue(framework=KEY)
    cat.judgements = resolve(cands, cat.notes)
    visit = _VISIT.search(head_text(pages, 2))
    if not cat.judgements and not visit:
        # A later framework's report under the same title: its own scale's ratings, if any.
        cat.judgements = to_judgements(read_ratings(content), cat.notes)
    if not cat.judgements and visit:
        cat.notes.setdefault("overall", "a focused or monitoring visit: such visits are not graded")
    else:
        note_missing(cat.judgements, EXPECTED, cat.notes)
    return with_improvements(cat, pages)


LAYOUT = Layout(
    key=KEY,
    framework="ofsted-ilacs",
    description="Ofsted ILACS inspections (2018+) and the framework's focused and monitoring visits",
    detect=detect,
    extract=extract,
)
