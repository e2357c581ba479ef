"""``joint``: inspections whose verdict is not a grade: area SEND inspections, joint targeted area
inspections and other joint inspections of several inspectorates.

A document is of this kind when its first page says so (the kind's own name), or when it names
two or more inspectorates as its authors. Its verdict is read in its own scheme: an outcome
statement (the sentence, verbatim, with its page), a rating where it gives one, and otherwise a
note saying plainly that the report gives no graded judgement. Areas for improvement or priority
action are read as in every layout.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout, with_improvements
from ingest.layouts.outcomes import read_outcomes, read_ratings, to_judgements
from ingest.layouts.text import Page, content_pages, head_text
from ingest.report_kind import KIND_WORDS, inspectorates_named

KEY = "joint"

_TITLE_LINES = 6

_OWN_KINDS = frozenset(
    {"joint targeted area inspection", "area SEND inspection", "joint inspection"}
)


def _kind(pages: Sequence[Page]) -> tuple[str | None, str, bool]:
    """The joint kind the first page names (named: True), else "joint inspection" when the
    first pages name several inspectorates (named: False); (None, "", False) otherwise."""
    # The title lines only: a graded inspection's first page may mention "the JTAI" in passing.
    front = " ".join(pages[0].lines[:_TITLE_LINES]) if pages else ""
    for rx, kind in KIND_WORDS:
        m = rx.search(front)
        if m and kind in _OWN_KINDS:
            return kind, m.group(0), True
    authors = inspectorates_named(head_text(pages, 2))
    if len(authors) >= 2:
        return "joint inspection", " and ".join(authors), False
    return None, "", False


def detect(pages: Sequence[Page]) -> Detection | None:
    """A joint or area SEND inspection, by its first page.

    Args:
        pages: The document's pages.

    Returns:
        The detection (confident when the page names the kind), or None.
    """
    kind, words, named = _kind(content_pages(pages))
    if kind is None:
        return None
    if named:
        return Detection(KEY, 0.8, f"first page: {words}")
    return Detection(KEY, 0.55, f"several inspectorates: {words}")


def extract(pages: Sequence[Page]) -> Catalogue:
    """The outcome statement or ratings, and the improvement points.

    Args:
        pages: The report's pages.

    Returns:
        The catalogue.
    """
    content = content_pages(pages)
    kind, _, _ = _kind(content)
    cat = Catalogue(framework=KEY)
    cat.judgements = to_judgements(read_outcomes(content) + read_ratings(content), cat.notes)
    if not cat.judgements:
        cat.notes.setdefault(
            "overall", f"no graded judgement: a {kind or 'joint inspection'} states no grade"
        )
    return with_improvements(cat, pages)


LAYOUT = Layout(
    key=KEY,
    framework="joint",
    description="area SEND, joint targeted area and other joint inspections (outcome statements)",
    detect=detect,
    extract=extract,
)
