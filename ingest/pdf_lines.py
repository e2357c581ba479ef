"""The lines of PDF pages, and what their margins hold: running headers, footers, page numbers.

A page's spans on one baseline become one line (superscript footnote markers dropped); lines that
repeat in the margins of many pages are running text, and numbers there give the printed page
numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

MARGIN = 0.12  # top and bottom share of the page where running headers and footers live
_PAGE_NUM = re.compile(r"^(?:page\s+)?(\d{1,4})(?:\s+of\s+\d{1,4})?$", re.I)
_DIGITS = re.compile(r"\d+")


@dataclass
class Line:
    """One visual line of a page."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    page: int  # 0-based index

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def page_lines(page, index: int) -> list[Line]:
    """Lines of a page in content order, spans on one baseline merged, superscripts dropped."""
    lines: list[Line] = []
    data = page.get_text("dict", flags=0)
    for block in data["blocks"]:
        if block.get("type") != 0:
            continue
        for raw in block["lines"]:
            spans = [s for s in raw["spans"] if s["text"]]
            if not spans:
                continue
            size = (
                max(s["size"] for s in spans if s["text"].strip())
                if any(s["text"].strip() for s in spans)
                else spans[0]["size"]
            )
            kept = []
            for s in spans:
                t = s["text"]
                # A footnote marker: a small raised run of digits after some text.
                if kept and s["size"] < 0.8 * size and t.strip().isdigit():
                    continue
                kept.append(s)
            text = "".join(s["text"] for s in kept).replace("\xad", "")
            text = re.sub(r"\s+", " ", text).strip()
            if not text:
                continue
            bold = any(
                (s["flags"] & 16 or "bold" in s["font"].lower()) for s in kept if s["text"].strip()
            )
            x0, y0, x1, y1 = raw["bbox"]
            line = Line(text, x0, y0, x1, y1, size, bold, index)
            prev = lines[-1] if lines else None
            if prev and abs(prev.y0 - y0) < 2.5 and x0 >= prev.x1 - 2:
                prev.text = f"{prev.text} {text}"
                prev.x1 = x1
                prev.size = max(prev.size, size)
                prev.bold = prev.bold and bold if prev.text.strip() else bold
                continue
            lines.append(line)
    return lines


def norm_key(text: str) -> str:
    """A line's text with its digits masked, to tell repeated running lines apart from body text."""
    return _DIGITS.sub("#", text.lower()).strip()


def running_lines(pages: list[list[Line]], heights: list[float]) -> set[str]:
    """Keys of lines that repeat in the margins of many pages (running headers and footers)."""
    n = len(pages)
    if n < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines, h in zip(pages, heights, strict=True):
        keys = {norm_key(ln.text) for ln in lines if ln.y1 < h * MARGIN or ln.y0 > h * (1 - MARGIN)}
        counts.update(keys)
    threshold = max(2, int(0.3 * n))
    return {k for k, c in counts.items() if c >= threshold and k.strip("# ")}


_EDGE_NUM = re.compile(r"^(\d{1,3})\s+\S.*$|^.*\S\s+(\d{1,3})$")
_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b",
    re.I,
)


def page_labels(
    pages: list[list[Line]], heights: list[float], running: set[str]
) -> tuple[list[int | None], set]:
    """Printed page numbers per page index, and the lines that printed only a number.

    A number alone in the margin counts, and so does one at either end of a running header
    or footer ("Norfolk County Council Inspection ... 3").
    """
    found: dict[int, int] = {}
    edge: list[tuple[int, int]] = []
    number_lines = set()
    for i, (lines, h) in enumerate(zip(pages, heights, strict=True)):
        for ln in lines:
            if ln.y1 < h * MARGIN or ln.y0 > h * (1 - MARGIN):
                m = _PAGE_NUM.match(ln.text)
                if m:
                    found.setdefault(i, int(m.group(1)))
                    number_lines.add(id(ln))
                    continue
                e = _EDGE_NUM.match(ln.text)
                if e and norm_key(ln.text) in running and not _MONTH.search(ln.text):
                    edge.append((i, int(e.group(1) or e.group(2))))
    candidates = list(found.items()) or edge
    labels: list[int | None] = [None] * len(pages)
    if candidates:
        offsets = Counter(i - num for i, num in candidates)
        offset, votes = offsets.most_common(1)[0]
        pages_voting = len({i for i, _ in candidates})
        if votes >= max(1, 0.5 * pages_voting):
            for i in range(len(pages)):
                label = i - offset
                labels[i] = label if label >= 1 else None
        else:
            for i, num in found.items():
                labels[i] = num
    return labels, number_lines
