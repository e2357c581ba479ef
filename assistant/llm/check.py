"""The check of a model reply: sentence by sentence against the numbered passages it cites.

A sentence is kept only when every check passes; the first that fails is its ``reason``:

* ``"no citation"`` / ``"no such passage"``: it cites nothing, or only passages that do not
  exist (``1 <= n <= len(passages)``).
* ``"quote not verbatim"``: text in quotation marks (“…”, "…", ‘…’, '…') is not one contiguous
  verbatim span of one cited passage (whitespace, typographic quotes and dashes, end
  punctuation and the case of the first letter aside). A quotation stitched from two places –
  with or without an ellipsis – fails.
* ``"unsupported"``: no cited passage shares a content word with it, or fewer than
  ``min_support`` of its content words (stemmed; stop words, framing words such as "inspectors
  found" and the cited reports' title/subject words left out) occur in the cited passages.
  A cited passage that shares no content word with the sentence does not count as cited: its
  marker is dropped and nothing below may rest on it.
* ``"figure not in passage"``: a number, percentage, year, month or fraction it states
  ("92 per cent", "twelve", "2019", "June", "half") is not stated by a cited passage or the
  passage's source line (title and inspection dates) – a percentage must be a percentage there.
* ``"grade not in passage"``: it uses a grade word (outstanding, good, requires improvement,
  inadequate, adequate) that no cited passage uses.
* ``"negation mismatch"``: it is negated ("not", "no", "never", "without", "fails to", "n't"…)
  and its supporting span is not, or the other way round. The supporting span is the fewest
  clauses of the cited passages that cover its content words (greedily, largest cover first).

Sentences of a passage that read as instructions to an AI model are data, not evidence: they
are left out of every check above (see :class:`assistant.llm.evidence.Passage`), so a reply that
obeys a planted instruction finds no support for what it repeats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.llm.evidence import (
    Clause,
    Passage,
    PassageSentence,
    content_terms,
    figures,
    grades,
    negated,
    normalise,
    quote_key,
    quotes,
    terms,
)
from assistant.settings import LLMSettings
from ingest.records import Chunk
from vectorstore.records import Hit

_DEFAULT = LLMSettings()
"""Share of a sentence's content words that must occur in its cited passages."""

MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
"""A citation marker: ``[1]``, ``[1, 3]``."""


@dataclass(frozen=True)
class Span:
    """The sentence of a cited passage that supports a checked sentence (its citation quote).

    Attributes:
        passage: The passage number as sent to the model (1-based).
        text: The passage sentence, verbatim.
        offset: Where it starts in the passage's text.
    """

    passage: int
    text: str
    offset: int


@dataclass
class CheckedSentence:
    """One sentence of the model's reply and the verdict on it.

    Attributes:
        text: The sentence as the model wrote it (markers included).
        plain: The sentence with its [n] markers taken out.
        cites: Passage numbers it cites that exist (1-based, in order).
        quotes: Words it puts in quotation marks.
        support: Share of its content words found in the cited passages.
        kept: True when it passed every check.
        reason: Why it was dropped (see the module docstring), or None.
        spans: When kept, one supporting sentence for each cited passage it rests on.
    """

    text: str
    plain: str
    cites: tuple[int, ...]
    quotes: tuple[str, ...]
    support: float = 0.0
    kept: bool = False
    reason: str | None = None
    spans: tuple[Span, ...] = ()


@dataclass
class LLMCheck:
    """The verdict on a whole reply."""

    sentences: list[CheckedSentence] = field(default_factory=list)

    @property
    def kept(self) -> list[CheckedSentence]:
        """Sentences that passed."""
        return [s for s in self.sentences if s.kept]

    @property
    def dropped(self) -> list[CheckedSentence]:
        """Sentences that failed a check."""
        return [s for s in self.sentences if not s.kept]


# -- sentences of a reply ----------------------------------------------------------------------

_ABBREV = "".join(
    rf"(?<!\b{a}\.)" for a in (r"e\.g", r"i\.e", "Mr", "Mrs", "Ms", "Dr", "No", "St", "vs", "etc")
)
# A sentence ends after . ! or ?, any closing quotes, and any [n] markers placed after the stop.
_END = re.compile(
    _ABBREV + r"(?<=[.!?])[\"”’)]*(?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])*"
    r"(?=\s+[\"“‘(\[]?[A-Z0-9]|\s*$)"
)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_LEAD_MARKERS = re.compile(r"^(?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]\s*)+")


def split_llm_sentences(text: str) -> list[str]:
    """The sentences of a model reply; [n] markers after a full stop stay with their sentence."""
    out: list[str] = []
    for line in text.replace("\r", "").split("\n"):
        line = _BULLET.sub("", line.replace("**", "")).strip()
        if not line:
            continue
        start = 0
        for m in _END.finditer(line):
            piece = line[start : m.end()].strip()
            if piece:
                out.append(piece)
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    # Markers that still open a sentence ("... day. [1] Next") belong to the one before.
    merged: list[str] = []
    for s in out:
        lead = _LEAD_MARKERS.match(s)
        if lead and merged:
            merged[-1] += " " + lead.group(0).strip()
            s = s[lead.end() :].strip()
        if s:
            merged.append(s)
    return merged


def complete_sentences(text: str) -> list[str]:
    """The sentences of a reply still being written that can no longer change.

    All but the last sentence of :func:`split_llm_sentences`, and none while the last one
    starts with a ``[`` (markers that may yet belong to the sentence before).
    """
    sentences = split_llm_sentences(text)
    if not sentences or sentences[-1].startswith("["):
        return sentences[:-2] if len(sentences) > 1 else []
    return sentences[:-1]


def cited_numbers(sentence: str) -> list[int]:
    """The passage numbers a sentence's markers cite, in order, each once."""
    nums: list[int] = []
    for m in MARKER.finditer(sentence):
        for n in re.split(r"\s*[,;]\s*", m.group(1)):
            if int(n) not in nums:
                nums.append(int(n))
    return nums


def plain_text(sentence: str) -> str:
    """A sentence with its markers taken out and its spacing tidied."""
    return re.sub(r"\s+([.,;:!?])", r"\1", " ".join(MARKER.sub(" ", sentence).split()))


# -- the check ---------------------------------------------------------------------------------


def prepare(passages: Sequence[Hit | Chunk]) -> list[Passage]:
    """The numbered passages prepared for checking (passage ``n`` is ``passages[n - 1]``)."""
    return [Passage.of(p) for p in passages]


def check_llm_answer(
    text: str, passages: Sequence[Hit | Chunk], min_support: float = _DEFAULT.min_support
) -> LLMCheck:
    """Check a model reply sentence by sentence against the numbered passages.

    Args:
        text: The model's reply.
        passages: The numbered passages (passage ``n`` is ``passages[n - 1]``).
        min_support: Share of a sentence's content words that must occur in its cited passages.

    Returns:
        The verdict on each sentence (see :class:`CheckedSentence`).
    """
    prepared = prepare(passages)
    return LLMCheck([check_sentence(s, prepared, min_support) for s in split_llm_sentences(text)])


def check_sentence(
    raw: str, passages: Sequence[Passage], min_support: float = _DEFAULT.min_support
) -> CheckedSentence:
    """The verdict on one sentence of a reply (see the module docstring for the checks)."""
    plain = plain_text(raw)
    nums = cited_numbers(raw)
    cites = tuple(n for n in nums if 1 <= n <= len(passages))
    s = CheckedSentence(raw, plain, cites, quotes(plain))
    s.reason = _verdict(s, nums, passages, min_support)
    s.kept = s.reason is None
    return s


def _verdict(
    s: CheckedSentence, nums: list[int], passages: Sequence[Passage], min_support: float
) -> str | None:
    if not re.search(r"\w", s.plain):
        return "empty"
    if not nums:
        return "no citation"
    if not s.cites:
        return "no such passage"
    cited = [(n, passages[n - 1]) for n in s.cites]
    if any(not any(p.holds_quote(q) for _, p in cited) for q in s.quotes):
        return "quote not verbatim"
    words = content_terms(s.plain)
    resting = [
        (n, p)
        for n, p in cited
        if words & (p.terms | p.meta) or any(p.holds_quote(q) for q in s.quotes)
    ]
    if not resting:
        return "unsupported"
    if figures(s.plain) - set().union(*(p.figures for _, p in resting)):
        return "figure not in passage"
    if grades(s.plain) - set().union(*(p.grades for _, p in resting)):
        return "grade not in passage"
    evidence = words - set().union(*(p.meta for _, p in resting))
    body: set[str] = set().union(*(p.terms for _, p in resting))
    s.support = (len(evidence & body) / len(evidence)) if evidence else (1.0 if words else 0.0)
    if s.support < min_support:
        return "unsupported"
    is_negated = negated(s.plain)
    cover = supporting_span(evidence & body, resting, is_negated)
    if is_negated != any(c.negated for _, _, c in cover):
        return "negation mismatch"
    s.spans = tuple(_span(s, n, p, cover) for n, p in resting if p.sentences)
    return None


def supporting_span(
    words: set[str], passages: Sequence[tuple[int, Passage]], prefer_negated: bool = False
) -> list[tuple[int, PassageSentence, Clause]]:
    """The fewest clauses of the passages that cover the words, largest cover first.

    Among clauses that cover as much, one negated like the sentence (``prefer_negated``) is
    taken, then the shorter.

    Returns:
        ``(passage number, sentence, clause)`` for each clause taken.
    """
    pool = [(n, sent, c) for n, p in passages for sent in p.sentences for c in sent.clauses]
    left, chosen = set(words), []
    while left and pool:
        best = max(
            pool,
            key=lambda x: (
                len(x[2].terms & left),
                x[2].negated == prefer_negated,
                -len(x[2].terms),
            ),
        )
        gain = best[2].terms & left
        if not gain:
            break
        chosen.append(best)
        left -= gain
    return chosen


def _span(
    s: CheckedSentence, n: int, p: Passage, cover: list[tuple[int, PassageSentence, Clause]]
) -> Span:
    """The passage sentence to cite: one holding a quotation, else the one the supporting span
    draws on most, else the one most like the sentence."""
    words = terms(s.plain)
    keys = [quote_key(q) for q in s.quotes]
    gain: dict[int, int] = {}
    for rank, (m, sent, _) in enumerate(cover):
        if m == n:
            gain.setdefault(sent.offset, len(cover) - rank)

    def score(sent: PassageSentence) -> tuple[int, int, float, float]:
        holds = sum(1 for k in keys if k and k in normalise(sent.text))
        cover_ = len(words & sent.terms) / len(words) if words else 0.0
        union = words | sent.terms
        jacc = len(words & sent.terms) / len(union) if union else 0.0
        return (holds, gain.get(sent.offset, 0), cover_, jacc)

    best = max(p.sentences, key=score)
    return Span(n, best.text, best.offset)
