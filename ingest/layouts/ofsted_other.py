"""``ofsted-other``: an Ofsted document of no layout this package knows (the fallback).

Ofsted published other kinds of children's services reports (the 2012 inspections of
safeguarding and looked after children, ...). Their grades are not read: the catalogue says the
layout is unknown rather than guess from prose.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout
from ingest.layouts.text import Page, head_text

KEY = "ofsted-other"

_OFSTED = re.compile(r"\bOfsted\b")
_REASON = "an Ofsted document of no known inspection layout"


def detect(pages: Sequence[Page]) -> Detection | None:
    """A document naming Ofsted on its first pages; the least confident claim of all.

    Args:
        pages: The document's pages.

    Returns:
        The detection, or None.
    """
    if _OFSTED.search(head_text(pages, 3)):
        return Detection(KEY, 0.1, _REASON)
    return None


def extract(pages: Sequence[Page]) -> Catalogue:
    """No judgements, no improvement points: notes saying why.

    Args:
        pages: The document's pages.

    Returns:
        The catalogue (framework ``other``).
    """
    del pages  # nothing is read from an unknown layout
    return Catalogue(
        framework="other",
        notes={"framework": _REASON, "overall": f"no graded judgements: {_REASON}"},
    )


LAYOUT = Layout(
    key=KEY,
    framework="other",
    description="Ofsted documents of no known layout (nothing is read from them)",
    detect=detect,
    extract=extract,
)
