"""Text, grade words and verbatim checks shared by every layout.

Every pattern of a layout is matched on a page's text with its whitespace collapsed, so the
same layout reads pages whose lines are paragraphs (``ParsedReport.page_texts()``) and pages
whose lines are printed lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

_WS = re.compile(r"\s+")

GRADE_KEYS = ("outstanding", "good", "requires_improvement", "inadequate")
"""The normalised grades, best first."""

APOS = "['\u2019]"
"""An apostrophe as printed: straight or curly."""

# A grade as printed. Longest alternatives first. Case-insensitive only inside the group, so that
# the boundary after it can look at the case of the next word.
GRADE = (
    r"(?i:grade\s*[1-4]\s*\(\s*(?:outstanding|good|adequate|inadequate)\s*\)"
    r"|requires?\s+improvement\s+to\s+be\s+good"
    r"|requires?\s+improvement"
    r"|outstanding|inadequate|adequate|good)"
)
"""Regex: a grade as printed ("Requires improvement to be good", "Grade 3 (adequate)", ...)."""

# What may follow a grade: the end, a full stop, or a word that does not start in lower case
# (the next heading or sentence). "are good and improving" is therefore not a grade statement.
# (A footnote mark may sit after the full stop: "require improvement.2 The authority ...".)
AFTER_GRADE = r"(?=\.?\s*$|\.?\s+[^a-z\s]|\.(?=[A-Z])|\.\d{1,2}(?:\s|$))"
"""Regex lookahead: what may follow a grade for it to end a statement."""

AFTER_GRADE_OR_BECAUSE = r"(?=\.?\s*$|\.?\s+[^a-z\s]|\.(?=[A-Z])|\.\d{1,2}(?:\s|$)|\s+because\b)"
"""Regex lookahead: as ``AFTER_GRADE``, or "because" (a statement followed by its reason)."""

NOT_JUDGED = r"(?i:not\s+judged|not\s+applicable)"
"""Regex: what a summary table prints instead of a grade."""

VERB = r"(?=are\s|is\s|requires?\s)(?:(?:are|is)\s+)?"
"""Regex: "is"/"are" before a grade, or nothing before "require(s) improvement"."""


def collapse_ws(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends.

    Args:
        text: Any text.

    Returns:
        The text with runs of whitespace (line breaks included) replaced by one space.
    """
    return _WS.sub(" ", text).strip()


def is_verbatim(quote: str, page_text: str) -> bool:
    """Tell whether a quote is a verbatim substring of a page once whitespace is collapsed.

    Args:
        quote: The quoted text.
        page_text: The text of the page it claims to come from.

    Returns:
        True when ``collapse_ws(quote)`` is non-empty and occurs in ``collapse_ws(page_text)``.
    """
    q = collapse_ws(quote)
    return bool(q) and q in collapse_ws(page_text)


def grade_key(grade: str) -> str | None:
    """Normalise a grade as printed to one of ``GRADE_KEYS``.

    The 2013 looked-after-children scale's *adequate* (a service that only meets minimum
    requirements) maps to ``requires_improvement``, the grade that replaced it; ``Grade 1`` to
    ``Grade 4`` map by number.

    Args:
        grade: The grade as the report prints it, e.g. ``"Requires improvement to be good"``,
            ``"Grade 4 (inadequate)"``, ``"adequate"``.

    Returns:
        The normalised grade, or None when the words are not a grade.
    """
    g = collapse_ws(grade).lower()
    if "inadequate" in g:
        return "inadequate"
    if "outstanding" in g:
        return "outstanding"
    if "requires improvement" in g or "require improvement" in g or "adequate" in g:
        return "requires_improvement"
    if "good" in g:
        return "good"
    m = re.search(r"grade\s*([1-4])", g)
    if m:
        return {"1": "outstanding", "2": "good", "3": "requires_improvement", "4": "inadequate"}[
            m.group(1)
        ]
    return None


@dataclass(frozen=True)
class Page:
    """One printed page of a report, as every layout reads it.

    Attributes:
        number: The printed page number (the file's page index where none is printed).
        raw: The page text: one paragraph, heading or printed line per line.
        flat: The text with its whitespace collapsed (what patterns are matched on).
        lines: The non-empty lines, each with its whitespace collapsed.
    """

    number: int
    raw: str
    flat: str = field(init=False)
    lines: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flat", collapse_ws(self.raw))
        lines = (collapse_ws(x) for x in self.raw.splitlines())
        object.__setattr__(self, "lines", tuple(x for x in lines if x))


def read_pages(pages: Sequence[tuple[int, str]]) -> list[Page]:
    """Wrap ``(printed page number, page text)`` pairs as pages.

    Args:
        pages: The pairs in reading order, as ``sorted(ParsedReport.page_texts().items())``.

    Returns:
        One ``Page`` per pair, same order.
    """
    return [Page(number, text) for number, text in pages]


def head_text(pages: Sequence[Page], n: int) -> str:
    """The first ``n`` pages' text, whitespace collapsed: where a report says what it is.

    Args:
        pages: The report's pages.
        n: How many pages to take (empty pages count).

    Returns:
        Their flat texts joined by spaces.
    """
    return collapse_ws(" ".join(p.flat for p in pages[:n]))


def content_pages(pages: Sequence[Page]) -> list[Page]:
    """The pages that hold any text, in order.

    Args:
        pages: The report's pages.

    Returns:
        The pages whose flat text is not empty.
    """
    return [p for p in pages if p.flat]
