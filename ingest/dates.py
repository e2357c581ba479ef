"""Dates as reports print them: "7 to 18 November 2022", "8 – 12 July 2013", "6 July 2015 – 30 July 2015"."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
_M = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_D = r"(\d{1,2})(?:st|nd|rd|th)?"
_Y = r"(\d{4})"
_SEP = r"\s*(?:to|–|—|-|and|until)\s*"

_RANGE_PATTERNS = [
    # 6 July 2015 – 30 July 2015 / 30 September 2019 to 11 October 2019
    re.compile(rf"{_D}\s+{_M}\s+{_Y}{_SEP}{_D}\s+{_M}\s+{_Y}", re.I),
    # 30 September to 11 October 2019
    re.compile(rf"{_D}\s+{_M}{_SEP}{_D}\s+{_M}\s+{_Y}", re.I),
    # 7 to 18 November 2022
    re.compile(rf"{_D}{_SEP}{_D}\s+{_M}\s+{_Y}", re.I),
]
_SINGLE = re.compile(rf"{_D}\s+{_M},?\s+{_Y}", re.I)
_MONTHS_RANGE = re.compile(rf"\b{_M}(?:\s+{_Y})?{_SEP}{_M}\s+{_Y}", re.I)
# "Monday 4 March to Friday 8 March 2024": the day names say nothing the dates do not.
_WEEKDAY = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b,?\s*", re.I)


def _mk(y: str, m: str, d: str | int) -> date | None:
    try:
        return date(int(y), MONTHS[m.lower().rstrip(".")], int(d))
    except (ValueError, KeyError):
        return None


def parse_date(text: str) -> date | None:
    """The first full date ("16 August 2013") in the text, or None."""
    m = _SINGLE.search(_WEEKDAY.sub("", text))
    return _mk(m.group(3), m.group(2), m.group(1)) if m else None


def parse_range(text: str) -> tuple[date | None, date | None]:
    """The first date range in the text; a single date gives (d, d); nothing gives (None, None)."""
    start, end = parse_span(text)
    if start is not None:
        return start, end
    d = parse_date(text)
    return (d, d) if d else (None, None)


def parse_span(text: str) -> tuple[date | None, date | None]:
    """The first date range in the text ("4 to 8 March 2024"); a single date is no range.

    Args:
        text: Any text.

    Returns:
        The range's first and last days, or (None, None).
    """
    text = _WEEKDAY.sub("", text)
    for i, pat in enumerate(_RANGE_PATTERNS):
        m = pat.search(text)
        if not m:
            continue
        g = m.groups()
        if i == 0:
            return _mk(g[2], g[1], g[0]), _mk(g[5], g[4], g[3])
        if i == 1:
            end = _mk(g[4], g[3], g[2])
            start = _mk(g[4], g[1], g[0])
            if start and end and start > end:  # "30 December to 10 January 2020"
                start = _mk(str(int(g[4]) - 1), g[1], g[0])
            return start, end
        return _mk(g[3], g[2], g[0]), _mk(g[3], g[2], g[1])
    return None, None


def parse_month_range(text: str) -> tuple[date | None, date | None]:
    """A period stated in months: "in September and October 2015" -> 1 Sep to 31 Oct 2015."""
    import calendar

    m = _MONTHS_RANGE.search(text)
    if not m:
        return None, None
    m1, y1, m2, y2 = m.groups()
    start = _mk(y1 or y2, m1, 1)
    mon2 = MONTHS[m2.lower().rstrip(".")]
    end = date(int(y2), mon2, calendar.monthrange(int(y2), mon2)[1])
    if start and start > end:
        start = _mk(str(int(y2) - 1), m1, 1)
    return start, end


def human_range(start: date | None, end: date | None) -> str | None:
    """ "7 to 18 November 2022", "30 September to 11 October 2019", or a single date."""
    if start is None and end is None:
        return None
    start = start or end
    end = end or start
    assert start is not None and end is not None
    if start == end:
        return f"{start.day} {start:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day} to {end.day} {end:%B %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%B} to {end.day} {end:%B %Y}"
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
