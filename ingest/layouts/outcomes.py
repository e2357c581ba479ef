"""Verdicts in a report's own scheme: outcome statements and rated areas, for any kind of report.

Inspections that are not graded on Ofsted's four-point scale still state a verdict: the area
SEND framework's outcome statement ("The local area partnership's ... arrangements typically lead
to positive experiences and outcomes ..."), the older framework's decision on a written statement
of action, a revisit's finding on progress, a sentence under an "Inspection outcome" heading, or
a rating ("Overall rating: Good", "Investigating crime: Adequate", "The force is good at
preventing crime."). These readers find them on the pages of any layout; the outcome's grade is
the report's own sentence, verbatim, and its normalised grade stays None.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ingest.layouts.scales import rating_pattern, scale_words
from ingest.layouts.statements import Candidate
from ingest.layouts.text import APOS, Page
from ingest.records import Judgement

# Sentences that are a verdict wherever they stand.
_OUTCOME_SENTENCES = re.compile(
    rf"\bThe\s+local\s+area\s+partnership{APOS}s\s+(?:[\w/()]+\s+){{1,14}}?arrangements\b"
    r"|\bwritten\s+statement\s+of\s+action\s+(?:\(WSOA\)\s+)?is\s+(?:not\s+)?required\b"
    r"|\b(?:has|have)\s+(?:not\s+)?made\s+sufficient\s+progress\s+in\s+addressing\b",
    re.I,
)
# A heading (a whole line) whose next sentence is the verdict.
_OUTCOME_HEADING = re.compile(
    r"^(?:(?:(?:the\s+)?(?:inspection|overall|our|summary)\s+)?(?:outcome|verdict|conclusion)s?|"
    r"overall\s+judgement|findings?\s+in\s+brief)\s*:?$",
    re.I,
)
# "Outcome: The service ..." on one line.
_OUTCOME_INLINE = re.compile(
    r"^(?:(?:inspection|overall)\s+)?(?:outcome|verdict|conclusion)\s*:\s*(?=[A-Z])", re.I
)
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z(“\"‘']|\s*$)")


@dataclass(frozen=True)
class _RatingPatterns:
    overall: re.Pattern[str]
    at: re.Pattern[str]
    line: re.Pattern[str]
    only: re.Pattern[str]


# A rated area on a line of its own: "Investigating crime: Adequate", "1.2 Partnerships Good",
# or the area's line followed by a line holding only its rating.
_AREA = r"(?:\d(?:\.\d)?\.?\s+)?(?P<j>[A-Z][a-z]+(?:\s+[a-z]+|\s+[A-Z][a-z]+){0,7}?)"
_AREA_ONLY = re.compile(rf"^{_AREA}$")


@lru_cache(maxsize=64)
def _patterns(words: tuple[str, ...]) -> _RatingPatterns:
    """The rating patterns for one scale's words (``scales.scale_words``)."""
    rating = rating_pattern(words)
    return _RatingPatterns(
        # "Overall rating: Good", "Overall effectiveness: Strong", "rated as: Good".
        overall=re.compile(
            rf"(?P<q>(?P<j>(?i:overall\s+(?:rating|grade|judgement|assessment|effectiveness)"
            rf"|overall,?\s+[^.:]{{3,80}}?\s+(?:is|was)\s+rated(?:\s+as)?))\s*:?\s*"
            rf"(?P<g>{rating}))(?=\.?\s*$|\.?\s+[^a-z\s])"
        ),
        # "The force is good at preventing crime." / "The force requires improvement in ...".
        at=re.compile(
            rf"(?P<q>(?:The\s+force|[A-Z][\w&-]+(?:\s+(?:and\s+)?[A-Z][\w&-]+){{0,4}}\s+"
            rf"(?:Police|Constabulary))\s+(?:is\s+(?P<g1>{rating})|(?P<g2>requires\s+improvement))"
            r"\s+(?:at|in)\s+(?P<j>[a-z][a-z ,'’-]{3,80}?))\.(?=\s|$)"
        ),
        line=re.compile(rf"^(?P<q>{_AREA}\s*:?\s+(?P<g>{rating}))\.?$"),
        only=re.compile(rf"^(?P<g>{rating})$"),
    )


def sentence_at(text: str, pos: int) -> tuple[int, int]:
    """The span of the sentence of ``text`` that holds position ``pos``.

    Args:
        text: A page's flat text.
        pos: A position in it.

    Returns:
        ``(start, end)``, the end after the sentence's full stop.
    """
    start = 0
    for m in _SENTENCE_END.finditer(text, 0, pos):
        start = m.end()
    m = _SENTENCE_END.search(text, pos)
    end = m.end() if m else len(text)
    while start < end and text[start] == " ":
        start += 1
    return start, end


def _with_next(lines: Sequence[str], i: int, head: str | None = None, most: int = 4) -> str:
    """Line ``i`` (or ``head``, its tail) joined with the lines after it that continue its
    sentence: up to ``most`` of them, until one ends a sentence."""
    text = lines[i] if head is None else head
    for nxt in lines[i + 1 : i + 1 + most]:
        if _SENTENCE_END.search(text):
            break
        text = f"{text} {nxt}"
    return text


def _outcome(page: Page, quote: str, rank: int) -> Candidate:
    return Candidate("overall", "Outcome", quote.strip(), page.number, quote.strip(), rank)


def read_outcomes(pages: Sequence[Page], first: int = 4) -> list[Candidate]:
    """The outcome statement of a report: the verdict sentence, verbatim, with its page.

    Args:
        pages: The report's pages (with text).
        first: How many pages to look at (a verdict is stated up front).

    Returns:
        At most one candidate (key ``overall``, judgement "Outcome", grade the sentence).
    """
    for page in pages[:first]:
        for i, line in enumerate(page.lines):
            m = _OUTCOME_SENTENCES.search(line)
            if m:
                # A sentence wrapped over several printed lines ends on a later one.
                text = _with_next(page.lines, i)
                start, end = sentence_at(text, m.start())
                return [_outcome(page, text[start:end], 0)]
    for page in pages[:first]:
        lines = page.lines
        for i, line in enumerate(lines):
            inline = _OUTCOME_INLINE.match(line)
            if inline or (_OUTCOME_HEADING.match(line) and i + 1 < len(lines)):
                text = line[inline.end() :] if inline else lines[i + 1]
                text = _with_next(lines, i if inline else i + 1, text)
                if not re.match(r"[A-Z“\"]", text):
                    continue
                _, end = sentence_at(text, 0)
                return [_outcome(page, text[:end], 1)]
    return []


def _slug(words: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", words.lower()).strip("_")[:60]


def read_ratings(pages: Sequence[Page]) -> list[Candidate]:
    """Rated areas and an overall rating, in any report's words.

    Args:
        pages: The report's pages.

    Returns:
        Candidates: ``overall`` for an overall rating, ``rated_<area>`` for "The force is good
        at <area>" statements, in page order.
    """
    rx = _patterns(scale_words(pages))
    out: list[Candidate] = []
    for page in pages:
        for m in rx.overall.finditer(page.flat):
            j = re.sub(r"\s+", " ", m.group("j")).strip()
            out.append(Candidate("overall", j, m.group("g"), page.number, m.group("q"), 0))
        lines = page.lines
        for i, line in enumerate(lines):
            m = rx.line.match(line)
            pair = None
            if m is None and i + 1 < len(lines) and rx.only.match(lines[i + 1]):
                pair = _AREA_ONLY.match(line)
            if m is not None or pair is not None:
                area = (m or pair).group("j")
                grade = m.group("g") if m else lines[i + 1]
                quote = m.group("q") if m else f"{line} {lines[i + 1]}"
                if not re.match(r"(?i)overall\b", area):
                    out.append(
                        Candidate(f"rated_{_slug(area)}", area, grade, page.number, quote, 2)
                    )
        for m in rx.at.finditer(page.flat):
            area = re.sub(r"\s+", " ", m.group("j")).strip()
            grade = m.group("g1") or m.group("g2")
            name = area[0].upper() + area[1:]
            out.append(
                Candidate(f"rated_{_slug(area)}", name, grade, page.number, m.group("q") + ".", 1)
            )
    return out


def rating_key(grade: str) -> str | None:
    """A rating's normalised grade: the four-point scale's words only (adequate and the
    like have none, so they are never compared with Ofsted's grades)."""
    g = re.sub(r"\s+", " ", grade).strip().lower()
    if g in ("outstanding", "good", "inadequate"):
        return g
    if g in ("requires improvement", "require improvement"):
        return "requires_improvement"
    return None


def to_judgements(candidates: Sequence[Candidate], notes: dict[str, str]) -> list[Judgement]:
    """One judgement per key, in order; a key whose statements disagree is dropped (noted).

    Args:
        candidates: Outcomes and ratings found.
        notes: Where to say why a key was dropped.

    Returns:
        The judgements; an outcome's grade is its sentence and its ``grade_key`` None.
    """
    groups: dict[str, list[Candidate]] = {}
    for c in sorted(candidates, key=lambda c: c.rank):
        groups.setdefault(c.key, []).append(c)
    out = []
    for key, group in groups.items():
        outcome = group[0].judgement == "Outcome"
        if not outcome and len({rating_key(c.grade) or c.grade.lower() for c in group}) > 1:
            notes[key] = "conflicting statements, none kept: " + "; ".join(
                f"p{c.page}: {c.quote!r}" for c in group[:4]
            )
            continue
        c = group[0]
        grade = re.sub(r"\s+", " ", c.grade).strip()
        out.append(
            Judgement(
                judgement=c.judgement,
                grade=grade,
                page=c.page,
                quote=re.sub(r"\s+", " ", c.quote).strip(),
                key=key,
                grade_key=None if outcome else rating_key(grade),
            )
        )
    return out


__all__ = ["rating_key", "read_outcomes", "read_ratings", "sentence_at", "to_judgements"]
