"""The improvement-list reader: "What needs to improve", "Areas for improvement", recommendations.

Every layout's reports list what needs to improve under one of a few headings; the list ends at
the next section heading. The reader works on lines, whether a line is a paragraph or a printed
line: a new point starts at a number or bullet, or at a capitalised line after a line that ends a
sentence; headings inside a list ("Immediately:", "Performance information") separate points and
are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ingest.layouts.text import APOS, GRADE, Page, collapse_ws

START_HEADINGS = re.compile(
    r"^(?:What needs to improve(?: in this (?:local authority|area(?: of (?:social work )?practice)?))?|"
    r"Recommendations|Areas? for improvement|Areas? for priority action|"
    r"Priority and immediate action|What the local authority needs to improve|"
    r"What does the (?:local authority|LSCB|Local Safeguarding Children Board) need to improve)\s*[?:]?$",
    re.I,
)
"""A heading that starts an improvement list (the whole line)."""

END_HEADINGS = re.compile(
    r"^(?:(?:The )?experiences and progress|(?:The )?impact of leaders|Summary\b|Executive summary|"
    r"(?:Main |Headline )?findings$|Overview$|Next steps$|"
    r"Inspection findings|Information about|Section \d|The local authority$|"
    r"Record of main findings|Contents$|Grade\s*[1-4]\s*\(|"
    r"What the inspection judgements? mean|The Local Safeguarding Children Board|"
    r"The effectiveness of the|Overall effectiveness|Annex|Local leadership|Inspection judgements|"
    r"Children living in this area|Previous Ofsted inspections|Child protection in this area|"
    r"Children looked after in this area|Key strengths and weaknesses|Inspection judgement about|"
    rf"The local authority{APOS}s strengths|The LSCB{APOS}s strengths|Progress since the last inspection|"
    r"(?:This|The) (?:local authority|LSCB|Board) has the following strengths)",
    re.I,
)
"""A heading that ends an improvement list (matched at the start of a line)."""

# A judgement heading such as "The experiences and progress of care leavers: good" ends a list.
_GRADE_HEADING = re.compile(rf"^[A-Z][^.]{{10,140}}:\s*{GRADE}$")
_BULLET = re.compile(r"^[\uf000-\uf0ff\u25fc\u25aa\u25cf\u25a0\u2022\u2013\u2212\u2500\u2015\-]\s*")
_NUMBERED = re.compile(r"^(\d{1,3})\.(?:\s+|$)")
_SUBHEAD = re.compile(
    r"^(?:Immediately|Within (?:\w+ )?(?:three|six|\d+) months|Within \w+ months)\s*:?$", re.I
)
_INTRO = re.compile(
    r"^(?:In order to improve|To improve)\b.*(?:following action|should)|"
    r"^(?:There (?:are|were) no|The inspection did not find|No areas for)\b",
    re.I,
)
_PAGE_NO = re.compile(r"^\d{1,3}$")
# A letterhead or page footer (telephone, e-mail, web address) read inside a list.
_FOOTER = re.compile(r"^T\s*\d{3,}|\bTextphone\b|\S+@\S+\.\w+|\bwww\.\S+", re.I)


def _is_subheading(line: str, next_line: str) -> bool:
    """A short title line inside a list ("Performance information"), not a point."""
    return (
        len(line.split()) <= 8
        and re.match(r"[a-z]", next_line) is None
        and re.match(r"[A-Z]", line) is not None
        and re.search(r"[.;:!?,)]$", line) is None
        and not _NUMBERED.match(line)
        and not _BULLET.match(line)
    )


@dataclass
class _Item:
    page: int
    parts: list[str] = field(default_factory=list)
    marked: bool = False  # started by a number or a bullet
    open: bool = True  # may still take continuation lines


def _read_items(pages: Sequence[Page]) -> list[_Item]:
    """The points of every improvement list, as lines gathered per point."""
    items: list[_Item] = []

    def close() -> None:
        if items:
            items[-1].open = False

    in_section = False
    for page in pages:
        lines = page.lines
        is_contents = any(x.lower() == "contents" for x in lines[:6])
        for li, line in enumerate(lines):
            if START_HEADINGS.match(line):
                in_section = not is_contents
                close()
                continue
            if not in_section:
                continue
            if END_HEADINGS.match(line) or _GRADE_HEADING.match(line):
                in_section = False
                close()
                continue
            if _PAGE_NO.match(line) or _FOOTER.search(line):
                continue
            cur = items[-1] if items and items[-1].open else None
            if cur is not None and cur.marked and not cur.parts and not _BULLET.match(line):
                cur.parts.append(line)  # the text after a number or bullet on its own line
                continue
            ended = (
                cur is None or not cur.parts or re.search(r"[.;:!?]$", cur.parts[-1]) is not None
            )
            nxt = lines[li + 1] if li + 1 < len(lines) else ""
            if _SUBHEAD.match(line) or (ended and _is_subheading(line, nxt)):
                close()
                continue
            m = _NUMBERED.match(line) or _BULLET.match(line)
            if m:
                rest = line[m.end() :]
                items.append(_Item(page.number, [rest] if rest else [], marked=True))
                continue
            if cur is not None and not cur.parts:
                cur.page = page.number
                cur.parts.append(line)
            elif cur is not None and not (ended and re.match(r"[A-Z0-9(\u2018'\"\u201c]", line)):
                cur.parts.append(line)
            else:
                items.append(_Item(page.number, [line]))
    return items


_WORDY = re.compile(r"[A-Za-z]{3,}")


def is_point(text: str) -> bool:
    """Whether a line read in an improvement list can be a point: not a lead-in to the list
    ("… to address the following areas:") and not a footer that strayed in (a telephone line).
    """
    return (
        not text.rstrip().endswith(":")
        and len(_WORDY.findall(text)) >= 3
        and not _FOOTER.search(text)
    )


@dataclass(frozen=True)
class Improvements:
    """The points of a report's improvement lists.

    Attributes:
        points: Each point verbatim (whitespace collapsed), in order.
        pages: The printed page each point starts on.
    """

    points: list[str]
    pages: list[int]


def read_improvements(pages: Sequence[Page]) -> Improvements:
    """The points of the improvement lists, in order, with the page each starts on.

    Args:
        pages: The report's pages.

    Returns:
        Each point verbatim (whitespace collapsed) and its printed page. Introductions ("In order to improve ... the following action") and headings that
        slipped through are left out.
    """
    texts, pages_out = [], []
    for it in _read_items(pages):
        text = collapse_ws(" ".join(it.parts))
        if len(text) < 15 or _INTRO.search(text) or not is_point(text):
            continue
        if not it.marked and len(text.split()) <= 8 and not re.search(r"[.;:!?)]$", text):
            continue  # a heading that slipped through
        texts.append(text)
        pages_out.append(it.page)
    return Improvements(texts, pages_out)
