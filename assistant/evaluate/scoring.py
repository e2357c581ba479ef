"""The evaluation's scoring rules: where the evidence ranks, what counts as quoting it or
stating a grade, and whether a quote is verbatim on its page of the original file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from assistant.evaluate.questions import Question, norm

_FOOTNOTE_MARK = re.compile(r"(?<=[a-z)’'])\d{1,2}(?=[\s.,;:)]|$)")


class SourcePages:
    """Original page texts of corpus files, for checking quotes against the source itself."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus
        self._cache: dict[str, list[str]] = {}

    def pages(self, source: str) -> list[str]:
        """The normalised text of each page of a corpus file."""
        if source not in self._cache:
            path = self.corpus / source
            if not path.is_file():
                self._cache[source] = []
            elif path.suffix.lower() == ".pdf":
                import pymupdf

                with pymupdf.open(path) as doc:
                    self._cache[source] = [norm(p.get_text()) for p in doc]
            else:
                self._cache[source] = [norm(path.read_text(encoding="utf-8", errors="replace"))]
        return self._cache[source]

    def holds(self, source: str, pdf_page: int, quote: str) -> bool:
        """True when the quote is verbatim (modulo line breaks) on that page of the file."""
        pages = self.pages(source)
        q = norm(quote)
        if 1 <= pdf_page <= len(pages) and (
            q in pages[pdf_page - 1] or q in _FOOTNOTE_MARK.sub("", pages[pdf_page - 1])
        ):
            # Ingest drops raised footnote markers ("in the area3." is quoted "in the area."),
            # which the page's plain text keeps glued to the word.
            return True
        # A sentence that runs over a page break starts on the cited page and ends on the next
        # (the running header and footer stand between the two parts in the file).
        if 1 <= pdf_page < len(pages):
            words = q.split(" ")
            here, there = pages[pdf_page - 1], pages[pdf_page]
            for k in range(len(words) - 1, 0, -1):
                head, tail = " ".join(words[:k]), " ".join(words[k:])
                if head.endswith("-"):
                    continue
                if here.endswith(head) or (head in here and tail in there):
                    return tail in there
            for k in range(len(words), 0, -1):  # a word hyphenated over the break
                # At any of its hyphens: "17-year-olds" may break after "17-".
                for m in re.finditer(r"(?<=\w-)(?=\w)", words[k - 1]):
                    first, rest = words[k - 1][: m.start()], words[k - 1][m.start() :]
                    if " ".join([*words[: k - 1], first]) in here and (
                        " ".join([rest, *words[k:]]) in there
                    ):
                        return True
        return False


@dataclass(frozen=True)
class Passage:
    """A ranked passage as the evaluation sees it: its file and its text."""

    source: str
    text: str


@dataclass(frozen=True)
class Ranks:
    """1-based ranks of the first passage from a right source and of the first holding the
    evidence (None when there is none)."""

    source: int | None
    evidence: int | None


def ranks(passages: list[Passage], q: Question) -> Ranks:
    """Where the first passage of a listed source, and the first holding the evidence, rank."""
    sources = set(q.sources)
    evidence = norm(q.evidence) if q.evidence else None
    # A cross-report question may name phrases that every listed source states: a passage of
    # any listed source holding one is evidence as well as the one labelled span.
    phrases = [norm(p) for p in q.evidence_any]
    src_rank = ev_rank = None
    for i, p in enumerate(passages, 1):
        if src_rank is None and p.source in sources:
            src_rank = i
        if ev_rank is None and p.source in sources:
            t = norm(p.text)
            if (evidence and evidence in t) or any(p in t for p in phrases):
                ev_rank = i
    return Ranks(src_rank, ev_rank)


def quotes_evidence(quote: str, evidence: str) -> bool:
    """True when a quote holds the evidence, sits inside it, or shares most of its words in a
    row (a sentence cut at another boundary than the label's)."""
    a, b = norm(quote).split(), norm(evidence).split()
    if not a or not b:
        return False
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    if m.size == len(a) >= 3:
        # The quote sits inside the labelled span: a grade row of a labelled table
        # ("Overall effectiveness Inadequate"), one sentence of a two-sentence label.
        return True
    return m.size >= min(len(b), max(6, (len(b) + 1) // 2))


_GRADE_WORDS = {
    "requires improvement to be good": ("requires improvement",),
    "not graded": (
        "not graded",
        "no graded judgement",
        "no graded judgements",
        "no grade",
        "not given a grade",
        "does not grade",
        "do not grade",
    ),
}


def states_grade(text: str, grade: str) -> bool:
    """True when an answer's text states the expected grade."""
    t = norm(text)
    want = _GRADE_WORDS.get(grade, (grade,))
    return any(re.search(rf"\b{re.escape(w)}\b", t) for w in want)
