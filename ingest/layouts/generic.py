"""``generic``: a report of a layout nobody described (the last resort of every document).

Whatever inspectorate wrote it, its verdict is read in its own words where it states one in a
way any report would: an overall rating ("Overall rating: Good"), rated areas ("The force is
adequate at investigating crime."), or an outcome sentence (under an "Outcome" heading, or an
outcome statement); otherwise the catalogue says plainly that it gives no graded judgement.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout, with_improvements
from ingest.layouts.outcomes import read_outcomes, read_ratings, to_judgements
from ingest.layouts.text import Page, content_pages, head_text
from ingest.report_kind import inspectorates_named

KEY = "generic"

_REASON = "a report of no known layout"


def detect(pages: Sequence[Page]) -> Detection | None:
    """Any document with text: the least confident claim of all.

    Args:
        pages: The document's pages.

    Returns:
        The detection, or None for a document without text.
    """
    head = head_text(pages, 3)
    if not head:
        return None
    others = [a for a in inspectorates_named(head_text(pages, 2)) if a != "Ofsted"]
    if others:
        # Written by another inspectorate: not Ofsted's unknown layout, though Ofsted is named.
        return Detection(KEY, 0.15, f"{_REASON}, by {others[0]}")
    return Detection(KEY, 0.05, _REASON)


def extract(pages: Sequence[Page]) -> Catalogue:
    """An overall rating, rated areas or an outcome sentence, and the improvement points.

    Args:
        pages: The report's pages.

    Returns:
        The catalogue (framework ``generic``).
    """
    content = content_pages(pages)
    cat = Catalogue(framework=KEY, notes={"framework": _REASON})
    ratings = read_ratings(content)
    # An overall rating is the verdict; an outcome sentence only stands in for a missing one.
    outcomes = [] if any(c.key == "overall" for c in ratings) else read_outcomes(content)
    cat.judgements = to_judgements(ratings + outcomes, cat.notes)
    if not cat.judgements:
        cat.notes["overall"] = f"no graded judgement: {_REASON} that states no grade or outcome"
    return with_improvements(cat, pages)


LAYOUT = Layout(
    key=KEY,
    framework="generic",
    description="reports of no known layout: their own ratings or outcome sentence, if any",
    detect=detect,
    extract=extract,
)
