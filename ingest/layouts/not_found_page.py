"""``not-found-page``: a saved "Report not found" web page in place of a report.

Such files were saved when the report was missing at download time. They are not reports: the
catalogue says so and grades nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout
from ingest.layouts.text import Page, head_text

KEY = "not-found-page"

_NOT_FOUND = re.compile(r"\bReport not found\b|document you requested no longer exists", re.I)
_REASON = "not a report: the file is a 'Report not found' web page"


def detect(pages: Sequence[Page]) -> Detection | None:
    """A short document saying the report is not found.

    Args:
        pages: The document's pages.

    Returns:
        The detection (certain: the document says what it is), or None.
    """
    head = head_text(pages, 3)
    if _NOT_FOUND.search(head) and len(head) < 3000:
        return Detection(KEY, 1.0, _REASON)
    return None


def extract(pages: Sequence[Page]) -> Catalogue:
    """No judgements, no improvement points: notes saying why.

    Args:
        pages: The document's pages.

    Returns:
        The catalogue (framework ``other``).
    """
    del pages  # nothing to read
    return Catalogue(
        framework="other",
        notes={"framework": _REASON, "overall": f"no graded judgements: {_REASON}"},
    )


LAYOUT = Layout(
    key=KEY,
    framework="other",
    description="saved 'Report not found' web pages in place of a report",
    detect=detect,
    extract=extract,
)
