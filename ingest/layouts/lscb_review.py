"""``ofsted-lscb-review``: a review of a Local Safeguarding Children Board published on its own.

Under the single inspection framework (2013-2017) the review of the LSCB was mostly combined
with the inspection of the local authority (``sif``); when published alone, its title opens the
document and it grades the Board only (``The Local Safeguarding Children Board requires
improvement``). Its catalogue's framework is ``ofsted-sif``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.base import Catalogue, Detection, Layout, with_improvements
from ingest.layouts.sif import EXPECTED as LA_JUDGEMENTS
from ingest.layouts.sif import TITLE as SIF_TITLE
from ingest.layouts.sif import lscb_statements
from ingest.layouts.statements import resolve
from ingest.layouts.text import Page, content_pages, head_text

KEY = "ofsted-lscb-review"

# The review's title within the document's first dozen words: the review is the document.
_TITLE_FIRST = re.compile(
    r"^(?:\S+\s+){0,12}?Review\s+of\s+the\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding", re.I
)


def detect(pages: Sequence[Page]) -> Detection | None:
    """An LSCB review alone: its title opens the document.

    More confident than ``sif``, whose title pattern also matches the review's.

    Args:
        pages: The document's pages.

    Returns:
        The detection, or None.
    """
    if _TITLE_FIRST.search(head_text(pages, 2)) and SIF_TITLE.search(head_text(pages, 3)):
        return Detection(KEY, 0.85, "front page: review of the LSCB, published on its own")
    return None


def extract(pages: Sequence[Page]) -> Catalogue:
    """The Board's judgement and the improvement points; the local authority is not graded.

    Args:
        pages: The review's pages.

    Returns:
        The catalogue (framework ``ofsted-sif``).
    """
    content = content_pages(pages)
    cands = [c for i, p in enumerate(content) for c in lscb_statements(p, 0 if i < 2 else 1)]
    cat = Catalogue(framework="ofsted-sif")
    cat.judgements = resolve(cands, cat.notes)
    cat.notes.setdefault(
        "overall",
        "LSCB review only: the document grades the Safeguarding Children Board, not the local authority",
    )
    for key in LA_JUDGEMENTS[1:]:
        cat.notes.setdefault(
            key, "LSCB review only: the local authority is not graded in this document"
        )
    if cat.get("lscb") is None:
        cat.notes.setdefault("lscb", "no LSCB judgement statement found")
    return with_improvements(cat, pages)


LAYOUT = Layout(
    key=KEY,
    framework="ofsted-sif",
    description="Ofsted reviews of a Local Safeguarding Children Board published on their own",
    detect=detect,
    extract=extract,
)
