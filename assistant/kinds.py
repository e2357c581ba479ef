"""Kinds of report, as users name them and as the index records them.

A report's kind comes from its ``report_type`` (read from the document at ingest): "focused
visit", "monitoring visit", "press release", or "inspection" for the graded inspections of
every framework. Users name kinds in many ways ("the focussed visit", "the SEND inspection",
"PEEL"); ``kinds_named`` finds them in a question.
"""

from __future__ import annotations

import re

from vectorstore.records import ReportRecord

INSPECTION = "inspection"

# (pattern, kind) — the kinds users ask for; longer phrases first.
_USER_KINDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), kind)
    for p, kind in (
        (r"\bfocus+ed\s+visits?\b|\bfocus+ed\s+inspections?\b", "focused visit"),
        (r"\bmonitoring\s+visits?\b", "monitoring visit"),
        # "the HMIC press release", not "a line for a press release" the user is writing.
        (r"\b(?:the|its|their|HMIC['’]?s?|HMICFRS['’]?s?|police)\s+press\s+releases?\b",
         "press release"),
        (r"\bjoint\s+targeted\s+area\s+inspections?\b|\bJTAIs?\b", "joint targeted area inspection"),
        (r"\b(?:local\s+)?area\s+SEND\b|\bSEND\s+inspections?\b|\bSEND\s+(?:area\s+)?reports?\b",
         "area SEND inspection"),
        (r"\bPEEL\b", "PEEL assessment"),
    )
)  # fmt: skip


def kind_of(record: ReportRecord) -> str:
    """The kind of an indexed report, from the type its document states."""
    t = (record.report_type or "").lower()
    for rx, kind in _USER_KINDS:
        if rx.search(t):
            return kind
    if "press release" in t:
        return "press release"
    return INSPECTION if t else "report"


def kinds_named(question: str) -> list[str]:
    """The kinds of report a question names, in order, each once."""
    found = [(m.start(), kind) for rx, kind in _USER_KINDS for m in rx.finditer(question)]
    return list(dict.fromkeys(kind for _, kind in sorted(found)))
