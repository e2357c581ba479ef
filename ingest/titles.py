"""A report's title as a citation line needs it: whole, without the council's name in front,
never a letterhead, a bullet point or only a place name."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Where a title proper starts: "Inspection of …", "Re-inspection of …", "Focused visit to …".
_TITLE_START = re.compile(
    r"\b(?:Re-?inspection\s+of|Inspection\s+of|Focused\s+visit\s+to|Monitoring\s+visit\s+to|"
    r"Joint\s+targeted\s+area\s+inspection|Joint\s+inspection|Area\s+SEND|"
    r"(?:Local\s+area\s+)?SEND\s+inspection|Review\s+of\s+the\s+effectiveness|PEEL\b|"
    r"Children['’]s\s+services\s+inspection)",
    re.I,
)
# Words a council's name is made of ("London Borough of Barking and Dagenham Council").
_NAME_WORD = re.compile(r"^(?:[A-Z][\w’'.-]*|of|and|upon|on|the|with|in|le|under|-)$")
# A line of contact details (a letterhead's telephone and web lines) is no title.
CONTACT = re.compile(r"\b(?:T(?:el)?\s*0\d{3}|Textphone|www\.|@|Helpline)\b|\d{4}\s+\d{3}\s+\d{4}")
_CUT_AT = re.compile(r"\s+(?:Inspection\s+dates?|Report\s+published|Published)\b.*$", re.I)
_MAX_WORDS = 40


def is_junk_title(title: str) -> bool:
    """A bullet point, a letterhead or a sentence fragment picked up as a title."""
    t = title.strip()
    return not t or not t[0].isalnum() or t[0].islower() or bool(CONTACT.search(t))


def _is_name(words: list[str]) -> bool:
    return bool(words) and len(words) <= 10 and all(_NAME_WORD.match(w) for w in words)


def tidy_title(title: str | None, first: Iterable[str]) -> str | None:
    """The title a citation line can show.

    A council's name printed above the title is left out ("Norfolk County Council Inspection
    of …" gives "Inspection of …"); a title that is only the name, a bullet point or the
    letterhead is replaced by the first paragraph of the first pages that reads as a title;
    failing that, a name stays the title.

    Args:
        title: The title as read from the cover, a heading or the file's properties.
        first: The texts of the paragraphs of the first pages, in order.

    Returns:
        The title, or None when none was found.
    """
    t = " ".join((title or "").split())
    if t and is_junk_title(t):
        t = ""
    m = _TITLE_START.search(t)
    if m and m.start() > 0 and _is_name(t[: m.start()].split()):
        t = t[m.start() :]
    if t and (m or not _is_name(t.split())):
        return _bounded(t)
    for text in first:
        text = " ".join(text.split())
        if _TITLE_START.match(text) and not is_junk_title(text):
            return _bounded(text)
    return t or None


def _bounded(title: str) -> str:
    title = _CUT_AT.sub("", title).strip(" ,;:.")
    words = title.split()
    return title if len(words) <= _MAX_WORDS else " ".join(words[:_MAX_WORDS]) + "…"
