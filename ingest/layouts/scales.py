"""Grade scales: the words a report grades in, read from the report itself where it declares them.

Ofsted's four-point scale is not the only one. PEEL assessments grade on five points (with
*adequate*), Ofsted's report cards on their own words ("exceptional", "strong standard",
"expected standard", "needs attention", "urgent improvement"), and a framework nobody here has
seen may print its scale in a sentence: "Grades are given on a four-point scale: exceptional,
strong, expected standard and needs attention." A rating is only read in a scale's words, so a
report's declared scale, and any known scale whose words the report uses, join the words every
report shares.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.layouts.text import Page

COMMON = (
    "outstanding",
    "good",
    "adequate",
    "requires improvement",
    "require improvement",
    "inadequate",
    "insufficient",
    "sufficient",
    "satisfactory",
    "effective",
    "ineffective",
    "partly effective",
)
"""Rating words read in any report."""

KNOWN: dict[str, tuple[tuple[str, ...], int]] = {
    "ofsted report card": (
        (
            "exceptional",
            "strong standard",
            "expected standard",
            "needs attention",
            "urgent improvement",
        ),
        2,
    ),
    "assurance": (("fully assured", "assured", "partially assured", "not assured"), 1),
    "healthy prison tests": (("reasonably good", "not sufficiently good", "poor"), 1),
}
"""Scales read only where a report uses their multi-word grades: each scale's words and how
many of its multi-word grades must appear ("expected standard" alone is common prose, "partially
assured" is not; the single words, "exceptional" or "poor", are never enough)."""

_NUMBER = r"(?:two|three|four|five|six|seven|[2-7])"
# "graded on a four-point scale: A, B and C", "The grades are: A, B, C or D",
# "rated on the following scale: ...", "uses four grades: ...".
_DECLARED = re.compile(
    rf"(?i:\b(?:(?:on|uses?|using|against)\s+(?:a|an|the|our)\s+(?:{_NUMBER}[-\s]point\s+|"
    r"following\s+|new\s+)?(?:grading\s+|rating\s+|judgement\s+)?scale"
    rf"|(?:uses?|using|are|is|awards?|gives?)\s+(?:one\s+of\s+)?(?:the\s+following\s+|{_NUMBER}\s+)"
    r"(?:grades|ratings|judgements|outcomes)"
    r"|(?:the\s+)?(?:grades|ratings|possible\s+judgements)\s+(?:used\s+)?are)"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:of\s+)?[:,]?\s+)"
    r"(?P<list>[^.;:]{8,220})"
)
_ITEM_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
_ITEM = re.compile(r"^[a-z][a-z'-]{2,}(?:\s[a-z][a-z'-]*){0,3}$")  # no letter grades


def _items(text: str) -> tuple[str, ...]:
    """The grades of a declared list ("exceptional, strong, expected standard and needs
    attention"), lower case, or () when the text is no list of grade words."""
    text = re.sub(r"[“”\"‘’']", "", text).strip().lower()
    text = re.sub(r"\s+(?:from|with|where|which|in|for)\s.*$", "", text)
    parts = [p.strip() for p in _ITEM_SPLIT.split(text) if p.strip()]
    parts = [re.sub(r"^(?:the|an?)\s+", "", p) for p in parts]
    if not 3 <= len(parts) <= 7 or not all(_ITEM.match(p) for p in parts):
        return ()
    return tuple(dict.fromkeys(parts))


def declared_scale(pages: Sequence[Page], first: int = 6) -> tuple[str, ...]:
    """The grade words a report says it grades in, in its own order.

    Args:
        pages: The report's pages.
        first: How many pages to look at (a report states its scale up front or in its
            introduction).

    Returns:
        The grade words, lower case (empty when the report declares no scale).
    """
    for page in pages[:first]:
        pos = 0
        # Not finditer: "Grades are given on a scale: ..." first matches at "Grades are".
        while (m := _DECLARED.search(page.flat, pos)) is not None:
            found = _items(m.group("list"))
            if found:
                return found
            pos = m.start() + 1
    return ()


def scale_words(pages: Sequence[Page]) -> tuple[str, ...]:
    """Every grade word to read ratings in for one report: the common words, its declared
    scale, and each known scale whose multi-word grades it uses (``KNOWN``).

    Args:
        pages: The report's pages.

    Returns:
        The words, longest first (so a pattern built from them prefers the longest).
    """
    words = set(COMMON) | set(declared_scale(pages))
    text = " ".join(p.flat for p in pages).lower()
    for scale, least in KNOWN.values():
        multi = [w for w in scale if " " in w]
        if sum(bool(re.search(rf"\b{re.escape(w)}\b", text)) for w in multi) >= least:
            words |= set(scale)
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


def rating_pattern(words: tuple[str, ...]) -> str:
    """A case-insensitive regex group matching any of the words (spaces as any whitespace).

    Args:
        words: The grade words, longest first.

    Returns:
        The pattern, e.g. ``(?i:needs\\s+attention|good)``.
    """
    alts = "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in words)
    return f"(?i:{alts})"


__all__ = ["COMMON", "KNOWN", "declared_scale", "rating_pattern", "scale_words"]
