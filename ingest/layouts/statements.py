"""Grade statements: judgement labels, summary tables, graded headings, and choosing among them.

A layout lists its judgement labels, finds *candidates* (a label and a grade the report states,
with the verbatim quote) in its summary table and headings, and hands them to ``resolve``, which
keeps one judgement per key and drops a key whose statements disagree.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ingest.layouts.text import AFTER_GRADE, GRADE, NOT_JUDGED, Page, collapse_ws, grade_key
from ingest.records import Judgement


@dataclass(frozen=True)
class Label:
    """A judgement's label as a layout prints it.

    Attributes:
        key: The normalised judgement key ("overall", "help_and_protection", ...).
        pattern: Regex for the label as printed.
    """

    key: str
    pattern: str


def label(key: str, words: str) -> Label:
    """A label matching ``words``: any whitespace between them, first letter as printed.

    Args:
        key: The normalised judgement key.
        words: The label's words, e.g. ``"Overall effectiveness"``.

    Returns:
        The label; after its first letter, case is ignored.
    """
    first, rest = words[0], words[1:]
    rest = re.sub(r"\\? ", r"\\s+", re.escape(rest).replace("\\ ", " "))
    return Label(key, f"{re.escape(first)}(?i:{rest})")


@dataclass(frozen=True)
class Candidate:
    """One statement of a grade found in a report.

    Attributes:
        key: The normalised judgement key.
        judgement: The judgement's name as printed (whitespace collapsed).
        grade: The grade as printed.
        page: Printed page number.
        quote: The statement's text, verbatim.
        rank: 0 for a primary statement (the summary table), higher for a supporting one.
    """

    key: str
    judgement: str
    grade: str
    page: int
    quote: str
    rank: int


def _alt(labels: Iterable[Label]) -> str:
    return "|".join(f"(?P<L{i}>{lab.pattern})" for i, lab in enumerate(labels))


_GRADE_HEADER = re.compile(r"\s*Grade\b(?!\s*[1-4])")


class Table:
    """A summary table of "label grade" pairs, compiled once for a list of labels.

    Args:
        labels: The table's judgement labels.
        numbered: Whether labels may be numbered ("2.1 Adoption performance").
    """

    def __init__(self, labels: Sequence[Label], *, numbered: bool) -> None:
        self.labels = list(labels)
        num = r"(?:\d(?:\.\d)?\.?\s*)?" if numbered else ""
        alt = _alt(self.labels)
        self.start = re.compile(rf"{num}(?:{alt})")
        # A grade or "Not judged"; the 2013 table may repeat the grade as a number ("Inadequate
        # Grade 4").
        self.pair = re.compile(
            rf"\s*(?P<q>{num}(?:{alt})\s*:?\s*(?P<g>{GRADE}|{NOT_JUDGED})"
            rf"(?:\s+Grade\s*[1-4](?!\s*\())?){AFTER_GRADE}"
        )
        self.label = re.compile(rf"\s*{num}(?:{alt})")
        self.grade = re.compile(rf"\s*(?P<g>{GRADE}|{NOT_JUDGED}){AFTER_GRADE}")

    def _which(self, m: re.Match[str]) -> int:
        return next(int(k[1:]) for k, v in m.groupdict().items() if k.startswith("L") and v)

    def run_at(self, page: Page, pos: int, rank: int) -> list[Candidate]:
        """The pairs that follow each other from ``pos`` on.

        Args:
            page: The page.
            pos: Where to start in its flat text.
            rank: The candidates' rank.

        Returns:
            The run of pairs, possibly empty.
        """
        run: list[Candidate] = []
        while (m := self.pair.match(page.flat, pos)) is not None:
            i = self._which(m)
            name = collapse_ws(m.group(f"L{i}"))
            run.append(
                Candidate(self.labels[i].key, name, m.group("g"), page.number, m.group("q"), rank)
            )
            pos = m.end()
        return run

    def find(self, page: Page, rank: int, start: int = 0) -> list[Candidate]:
        """The longest run of at least two pairs on a page, or a column-wise table.

        A column-wise table has all its labels first, then as many grades.

        Args:
            page: The page.
            rank: The candidates' rank.
            start: Where to start looking in its flat text.

        Returns:
            The table's pairs, or an empty list.
        """
        text = page.flat
        best: list[Candidate] = []
        for m0 in self.start.finditer(text, start):
            run = self.run_at(page, m0.start(), rank)
            if len(run) > len(best):
                best = run
        if len(best) >= 2:
            return best
        for m0 in self.start.finditer(text, start):
            pos = m0.start()
            labs: list[tuple[int, str]] = []
            while (m := self.label.match(text, pos)) is not None:
                i = self._which(m)
                labs.append((i, collapse_ws(m.group(f"L{i}"))))
                pos = m.end()
            if len(labs) < 2:
                continue
            if (m := _GRADE_HEADER.match(text, pos)) is not None:
                pos = m.end()  # the table's "Grade" column header
            grades: list[str] = []
            while len(grades) < len(labs) and (m := self.grade.match(text, pos)) is not None:
                grades.append(m.group("g"))
                pos = m.end()
            if len(grades) == len(labs):
                quote = text[m0.start() : pos].strip()
                return [
                    Candidate(self.labels[i].key, name, g, page.number, quote, rank)
                    for (i, name), g in zip(labs, grades, strict=True)
                ]
        return []

    def front(self, front: Sequence[Page], rank: int) -> list[Candidate]:
        """The table on the front pages; it may run on at the top of the next page.

        Args:
            front: The first pages with text.
            rank: The candidates' rank.

        Returns:
            The first page's table, with the pairs that run on; or an empty list.
        """
        for i, p in enumerate(front):
            run = self.find(p, rank)
            if run:
                if i + 1 < len(front):
                    seen = {c.key for c in run}
                    run += [c for c in self.run_at(front[i + 1], 0, rank) if c.key not in seen]
                return run
        return []


def find_all(page: Page, regex: re.Pattern[str], key: str, rank: int) -> list[Candidate]:
    """Every statement a regex finds on a page.

    Args:
        page: The page.
        regex: A pattern with groups ``q`` (the quote), ``j`` (the judgement) and ``g`` (grade).
        key: The judgement key the statements grade.
        rank: The candidates' rank.

    Returns:
        The candidates in page order.
    """
    return [
        Candidate(key, collapse_ws(m.group("j")), m.group("g"), page.number, m.group("q"), rank)
        for m in regex.finditer(page.flat)
    ]


def heading_regexes(labels: Iterable[Label], *, colon: bool) -> list[tuple[str, re.Pattern[str]]]:
    """Patterns for section headings that state a grade.

    Args:
        labels: The judgements' labels.
        colon: True for "Label: grade" headings (ILACS); False for "Label grade Summary" (SIF).

    Returns:
        ``(key, pattern)`` pairs for ``find_all``.
    """
    sep = r"\s*:\s*" if colon else r"\s+"
    tail = AFTER_GRADE if colon else r"(?=\s+Summary\b)"
    return [
        (lab.key, re.compile(rf"(?P<q>(?P<j>{lab.pattern}){sep}(?P<g>{GRADE})){tail}"))
        for lab in labels
    ]


def find_headings(
    pages: Iterable[Page], regexes: Sequence[tuple[str, re.Pattern[str]]], rank: int
) -> list[Candidate]:
    """Every graded heading on the pages.

    Args:
        pages: The pages to read.
        regexes: ``(key, pattern)`` pairs, as ``heading_regexes`` gives.
        rank: The candidates' rank.

    Returns:
        The candidates, page by page.
    """
    return [c for p in pages for key, rx in regexes for c in find_all(p, rx, key, rank)]


def resolve(
    candidates: Sequence[Candidate],
    notes: dict[str, str],
    normalise: Callable[[str], str | None] = grade_key,
) -> list[Judgement]:
    """One judgement per key from the candidates; a key whose statements disagree is dropped.

    Keys come in the order of their best-ranked statement; of a key's statements the best
    ranked is kept. A statement whose words are not a grade ("Not judged") is noted, not kept.

    Args:
        candidates: Every statement found.
        notes: Where to say why a key was dropped (filled in place).
        normalise: Grade as printed to normalised grade (``grade_key``; a layout may differ).

    Returns:
        The judgements, in order.
    """
    by_key: dict[str, list[Candidate]] = {}
    for c in candidates:
        if grade_key(c.grade) is None:
            notes.setdefault(
                c.key, f"the report states {collapse_ws(c.grade)!r} (p{c.page}: {c.quote!r})"
            )
            continue
        by_key.setdefault(c.key, []).append(c)
    order: list[str] = []
    for c in sorted(candidates, key=lambda c: c.rank):
        if c.key not in order:
            order.append(c.key)
    out: list[Judgement] = []
    for key in order:
        group = sorted(by_key.get(key, []), key=lambda c: c.rank)
        if not group:
            continue
        if len(Counter(normalise(c.grade) for c in group)) > 1:
            seen = "; ".join(f"p{c.page}: {c.quote!r}" for c in group[:4])
            notes[key] = f"conflicting statements, none kept: {seen}"
            continue
        c = group[0]
        out.append(
            Judgement(
                judgement=c.judgement,
                grade=collapse_ws(c.grade),
                page=c.page,
                quote=collapse_ws(c.quote),
                key=key,
                grade_key=normalise(c.grade),
            )
        )
    return out


def note_missing(
    found: Iterable[Judgement], expected: Iterable[str], notes: dict[str, str]
) -> None:
    """Note every expected judgement the report does not state.

    Args:
        found: The judgements kept.
        expected: The keys a report of the layout grades.
        notes: The notes to fill in place.
    """
    keys = {j.key for j in found}
    for key in expected:
        if key not in keys:
            notes.setdefault(key, "not stated in the report's judgement summary or headings")
