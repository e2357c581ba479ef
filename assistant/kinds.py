"""Kinds of report, as users name them and as the index records them.

A report's kind is read from its document at ingest (``ReportRecord.kind``: "inspection" for the
graded inspections of every framework, "focused visit", "area SEND inspection", "PEEL
assessment", or the kind its title names, "thematic inspection" say); an index built before
kinds were recorded gives it from the ``report_type``. Users name kinds in many ways ("the
focussed visit", "the SEND inspection", "the JTAI", "PEEL"); ``kinds_named`` finds them in a
question, and also any kind the index holds by its own name ("the quality review"). A user's
kind may cover several recorded kinds: "the joint inspection" is any inspection of several
inspectorates, a JTAI or an area SEND inspection included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

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
        (r"\b(?:local\s+)?area\s+SEND\b|\bSEND\s+(?:area\s+)?(?:inspections?|reports?|visits?)\b|"
         r"\b(?:special\s+educational\s+needs|SEND)\s+(?:and\s+disabilit(?:y|ies)\s+)?"
         r"(?:local\s+area\s+)?inspections?\b",
         "area SEND inspection"),
        (r"\bPEEL\b", "PEEL assessment"),
        (r"\byouth\s+(?:justice|offending)\s+(?:services?\s+)?inspections?\b", "youth justice inspection"),
        (r"\bprobation\s+inspections?\b|\bHMI\s*Probation\s+(?:inspection|report)s?\b",
         "probation inspection"),
        (r"\bjoint\s+inspections?\b", "joint inspection"),
    )
)  # fmt: skip

# A user's kind -> every recorded kind it covers (itself always included).
_COVERS: dict[str, frozenset[str]] = {
    "joint inspection": frozenset(
        {"joint inspection", "joint targeted area inspection", "area SEND inspection"}
    ),
    "PEEL assessment": frozenset({"PEEL assessment", "PEEL inspection"}),
}

# Recorded kinds too plain to be named by their own words in a question.
_PLAIN = frozenset({INSPECTION, "report", "review", "visit", "letter", "statement", "assessment"})


def kind_of(record: ReportRecord) -> str:
    """The kind of an indexed report: the one read from its document, else from its type."""
    if record.kind:
        return record.kind
    t = (record.report_type or "").lower()
    for rx, kind in _USER_KINDS:
        if rx.search(t):
            return kind
    if "press release" in t:
        return "press release"
    return INSPECTION if t else "report"


def covers(named: str, kind: str) -> bool:
    """Tell whether a kind a user names covers a recorded kind ("joint inspection" a JTAI)."""
    return kind == named or kind in _COVERS.get(named, ())


def covered(named: Iterable[str], held: Iterable[str]) -> tuple[str, ...]:
    """The recorded kinds (of ``held``) that the kinds a question names cover."""
    named = tuple(named)
    return tuple(k for k in held if any(covers(n, k) for n in named))


def is_of_kind(record: ReportRecord, named: Iterable[str]) -> bool:
    """Tell whether a report is of any of the kinds a question names."""
    kind = kind_of(record)
    return any(covers(n, kind) for n in named)


def kinds_named(question: str, held: Iterable[str] = ()) -> list[str]:
    """The kinds of report a question names, in order, each once.

    Args:
        question: The question.
        held: Kinds the index holds: any of them the question names by its own words counts
            too ("the quality review", "the thematic inspection").

    Returns:
        The kinds, in the order the question names them.
    """
    found = [(m.start(), kind) for rx, kind in _USER_KINDS for m in rx.finditer(question)]
    taken = [(m.start(), m.end()) for rx, _ in _USER_KINDS for m in rx.finditer(question)]
    own_words = {kind for _, kind in _USER_KINDS}
    for kind in held:
        # A kind with its own patterns above is named only as they say ("the press release",
        # not "a line for a press release").
        if kind in _PLAIN or kind in own_words or len(kind.split()) < 2:
            continue
        rx = re.compile(r"\b" + r"\s+".join(map(re.escape, kind.split())) + r"s?\b", re.I)
        for m in rx.finditer(question):
            if not any(a <= m.start() < b for a, b in taken):
                found.append((m.start(), kind))
    return list(dict.fromkeys(kind for _, kind in sorted(found)))


def recorded_kinds(words: str, held: Iterable[str]) -> tuple[str, ...]:
    """The recorded kinds a user's kind filter means ("JTAI", "the SEND inspection", "joint
    inspection", or a recorded kind's own name), among those the index holds.

    Args:
        words: The kind as the user gave it.
        held: The kinds the index holds.

    Returns:
        The recorded kinds (empty when the index holds none of that kind).
    """
    held = list(held)
    named = kinds_named(words, held) or [" ".join(words.split())]
    lowered = {k.lower(): k for k in held}
    return covered((lowered.get(n.lower(), n) for n in named), held)


_INSPECTION_KIND = re.compile(r"\b(?:re-?inspection|ILACS|SIF)\b", re.I)
_INSPECTION = re.compile(r"\binspection\b", re.I)
_VISIT = re.compile(r"\bvisit\b", re.I)


def names_inspection(question: str) -> bool:
    """True when a question asks for an inspection rather than a visit: "re-inspection", ILACS,
    SIF, or an "inspection" that no "visit" follows ("the visit after the inspection" does not).

    One pass over the question per word (a lookahead to the end after each "inspection" would
    take quadratic time on a long question).
    """
    if _INSPECTION_KIND.search(question):
        return True
    last_inspection = max((m.end() for m in _INSPECTION.finditer(question)), default=-1)
    last_visit = max((m.start() for m in _VISIT.finditer(question)), default=-1)
    return last_inspection > last_visit


_FULL_INSPECTION = re.compile(
    r"\bfull\s+(?:[\w-]+\s+){0,2}?(?:re-?)?inspection\b|\bgraded\s+inspection\b|"
    r"\b(?:ILACS|SIF)\s+(?:re-?)?inspection\b",
    re.I,
)


def names_full_inspection(question: str) -> bool:
    """True when a question insists on a graded inspection ("its full ILACS inspection", "the
    graded inspection"), so a visit of the same period is not what it asks for."""
    return bool(_FULL_INSPECTION.search(question)) and not _VISIT.search(question)


def holdings(reports: list[ReportRecord]) -> str:
    """ "inspection (2017), focused visit (2020)": the kinds and years of the reports, oldest
    first (what the index holds of a subject)."""
    items = []
    for r in sorted(reports, key=_when):
        when = _when(r)
        items.append(f"{kind_of(r)} ({when.year if when != date.min else 'undated'})")
    return ", ".join(dict.fromkeys(items)) or "none"


def _when(r: ReportRecord) -> date:
    return r.inspection_end or r.inspection_start or r.published or date.min
