"""Periods a question names: "in 2017", "November 2022", "since 2019", "spring 2021".

``parse_period`` gives the dates and the words that describe them; when a question also names
the year of the inspection or report itself, that year wins over dates that only say what
period the report's figures cover.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ingest.dates import MONTHS

_YEAR = r"(?:19|20)\d{2}"
_MONTH_NAMES = "|".join(sorted({m for m in MONTHS if len(m) > 3} | {"sept"}, key=len, reverse=True))
_MONTH_YEAR = re.compile(
    rf"\b({_MONTH_NAMES}|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?\s+({_YEAR})\b", re.I
)
_BETWEEN = re.compile(rf"\b(?:between|from)\s+({_YEAR})\s+(?:and|to|-|–)\s+({_YEAR})\b", re.I)
_SINCE = re.compile(rf"\b(?:since|after|from)\s+({_YEAR})\b", re.I)
_BEFORE = re.compile(rf"\b(?:before|until|prior to)\s+({_YEAR})\b", re.I)
_IN_YEAR = re.compile(rf"\b({_YEAR})\b")
# The year of the report itself: "the 2020 focused visit", "its 2023 joint area SEND
# inspection", "the report published in 2019" (up to three words naming the kind between).
_REPORT_NOUN = r"(?:re-?)?(?:inspection|report|visit|letter|assessment|review)s?"
_INSPECTION_YEAR = re.compile(
    rf"\b({_YEAR})\s+(?:[a-z'’&-]+\s+){{0,3}}?{_REPORT_NOUN}\b"
    rf"|\b(?:inspection|inspected|report|visit|visited)\s+(?:published\s+)?in\s+({_YEAR})\b",
    re.I,
)
_AROUND_REPORT = re.compile(
    rf"\b(before|prior\s+to|preced(?:ed|ing)|earlier\s+than|after|following|since|followed)\s+"
    rf"(?:the|its|their)\s+({_YEAR})\s+(?:ofsted\s+)?(?:full\s+|graded\s+)?"
    rf"(?:re-?)?(?:inspection|report|visit|one)s?\b",
    re.I,
)
UNDATED_LEAD = timedelta(days=90)
"""How long before its publication a report whose inspection dates were not read may have been
inspected: a period counts that whole span rather than leave the report out."""

_SEASON_YEAR = re.compile(
    rf"\b(spring|summer|autumn|fall|winter|early|late|mid|end\s+of|start\s+of|beginning\s+of)"
    rf"[-\s]+({_YEAR})\b",
    re.I,
)
# Months of each season, and of the early, middle and late part of a year.
_SEASONS = {
    "spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14),
    "early": (1, 4), "start of": (1, 3), "beginning of": (1, 3), "mid": (5, 8),
    "late": (9, 12), "end of": (10, 12),
}  # fmt: skip


@dataclass(frozen=True)
class Period:
    """A period a question names.

    Attributes:
        start: Its first day, or None when open (``before 2019``).
        end: Its last day, or None when open (``since 2019``).
        words: How to describe it ("2017", "since 2019", "before the 2023 report"; "" when the
            question names none).
    """

    start: date | None = None
    end: date | None = None
    words: str = ""


def parse_period(text: str) -> Period:
    """The period a question names, and how to describe it (``Period()`` when none).

    When the question also names the year of the inspection or report itself ("between April
    and December 2014, according to the 2015 inspection"), that year wins over dates that only
    say what period the report's figures cover.
    """
    m = _AROUND_REPORT.search(text)
    if m:
        # "the visits that came before the 2023 inspection": counted from that report's year.
        y = int(m.group(2))
        if re.match(r"(?:before|prior|preced|earlier)", m.group(1), re.I):
            return Period(None, date(y, 12, 31), f"before the {y} report")
        return Period(date(y, 1, 1), None, f"after the {y} report")
    start, end, words = _parse_period(text)
    figure = _FIGURE_DATE.search(text)
    m = _INSPECTION_YEAR.search(text)
    if m:
        y = int(m.group(1) or m.group(2))
        if figure or not ((start is None or start.year <= y) and (end is None or y <= end.year)):
            return Period(date(y, 1, 1), date(y, 12, 31), str(y))
    if figure and start is not None:
        # "at the end of March 2016": a figure's date, reported by a later report.
        last = date(start.year + 1, 12, 31)
        return Period(start, last, f"{start:%B %Y} to {last.year}")
    return Period(start, end, words)


# The date a figure is counted at ("at the end of March 2016", "as at 31 March 2017"), not
# the date of the report that gives it.
_FIGURE_DATE = re.compile(
    rf"\b(?:at\s+the\s+end\s+of|at\s+end\s+of|as\s+(?:at|of)|at)\s+(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?"
    rf"(?:{_MONTH_NAMES}|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?\s+{_YEAR}\b",
    re.I,
)


def _parse_period(text: str) -> tuple[date | None, date | None, str]:
    m = _BETWEEN.search(text)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return date(a, 1, 1), date(b, 12, 31), f"{a} to {b}"
    m = _MONTH_YEAR.search(text)
    if m:
        mon = MONTHS[m.group(1).lower().rstrip(".")]
        y = int(m.group(2))
        return (
            date(y, mon, 1),
            date(y, mon, calendar.monthrange(y, mon)[1]),
            f"{calendar.month_name[mon]} {y}",
        )
    m = _SEASON_YEAR.search(text)
    if m:
        first, last = _SEASONS[" ".join(m.group(1).lower().split())]
        y = int(m.group(2))
        end_y, end_m = (y + 1, last - 12) if last > 12 else (y, last)
        return (
            date(y, first, 1),
            date(end_y, end_m, calendar.monthrange(end_y, end_m)[1]),
            f"{m.group(1).lower()} {y}",
        )
    m = _SINCE.search(text)
    if m:
        return date(int(m.group(1)), 1, 1), None, f"since {m.group(1)}"
    m = _BEFORE.search(text)
    if m:
        return None, date(int(m.group(1)) - 1, 12, 31), f"before {m.group(1)}"
    years = [int(y) for y in _IN_YEAR.findall(text)]
    if years:
        a, b = min(years), max(years)
        return date(a, 1, 1), date(b, 12, 31), str(a) if a == b else f"{a} to {b}"
    return None, None, ""


def describe_period(start: date | None, end: date | None) -> str:
    if start and end:
        if start.year == end.year and start.month == 1 and end.month == 12:
            return str(start.year)
        if start.year == end.year and start.month == end.month:
            return f"{start:%B %Y}"
        return f"{start:%B %Y} to {end:%B %Y}"
    if start:
        return f"since {start:%B %Y}"
    if end:
        return f"before {end:%B %Y}"
    return ""
