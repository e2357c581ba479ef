"""``hmic``: documents of HM Inspectorate of Constabulary (HMIC, later HMICFRS).

PEEL pillar questions ("How effective is the force at keeping people safe and reducing crime?
Good") are read when graded. HMICFRS's *adequate* keeps ``grade_key`` None: it sits between good
and requires improvement on that five-point scale. Child protection inspections are not graded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout, with_improvements
from ingest.layouts.outcomes import read_ratings, to_judgements
from ingest.layouts.statements import Label, Table, label, resolve
from ingest.layouts.text import APOS, Page, collapse_ws, content_pages, grade_key, head_text

KEY = "hmic"

LABELS = [
    Label("effectiveness", r"How\s+effective\s+is\s+the\s+force\s+at\s+[^?]{3,160}\?"),
    Label("efficiency", r"How\s+efficient\s+is\s+the\s+force\s+at\s+[^?]{3,160}\?"),
    Label("legitimacy", r"How\s+legitimate\s+is\s+the\s+force\s+at\s+[^?]{3,160}\?"),
    label("overall", "Overall judgement"),
]

_TABLE = Table(LABELS, numbered=False)

_NAME = re.compile(
    rf"HM\s+Inspectorate\s+of\s+Constabulary|(?:Her|His)\s+Majesty{APOS}s\s+Inspectorate\s+of\s+Constabulary|"
    r"\bHMICFRS\b|\bHMIC\b"
)
_OFSTED = re.compile(r"\bOfsted\b")


def hmic_grade(grade: str) -> str | None:
    """Normalise an HMIC grade: as ``grade_key``, but *adequate* has no normalised grade.

    Args:
        grade: The grade as printed.

    Returns:
        One of ``GRADE_KEYS``, or None.
    """
    if collapse_ws(grade).lower() == "adequate":
        return None
    return grade_key(grade)


def detect(pages: Sequence[Page]) -> Detection | None:
    """A document naming HM Inspectorate of Constabulary on its first pages (and not Ofsted).

    Args:
        pages: The document's pages.

    Returns:
        The detection, or None.
    """
    head = head_text(pages, 3)
    if _NAME.search(head) and not _OFSTED.search(head):
        return Detection(KEY, 0.5, "names HM Inspectorate of Constabulary")
    return None


def extract(pages: Sequence[Page]) -> Catalogue:
    """The graded PEEL questions, if any, and the improvement points.

    Args:
        pages: The document's pages.

    Returns:
        The catalogue.
    """
    cands = [c for p in content_pages(pages) for c in _TABLE.find(p, 0)]
    cat = Catalogue(framework=KEY)
    cat.judgements = resolve(cands, cat.notes, normalise=hmic_grade)
    if not cat.judgements:
        # PEEL assessments since 2021 grade each question area in a sentence of their own.
        cat.judgements = to_judgements(read_ratings(content_pages(pages)), cat.notes)
    if not cat.judgements:
        cat.notes.setdefault(
            "overall", "no graded judgement stated (HMIC inspections of this kind are not graded)"
        )
    return with_improvements(cat, pages)


LAYOUT = Layout(
    key=KEY,
    framework="hmic",
    description="HM Inspectorate of Constabulary (HMICFRS) inspections and releases",
    detect=detect,
    extract=extract,
)
