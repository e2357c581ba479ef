"""Quotes for a press officer: one to three whole sentences, ranked, each a verified citation."""

from __future__ import annotations

from assistant.answer import Sentence, make_citation, sentences_of
from assistant.records import Quote


def quotes_from(cands: list[Sentence], k: int) -> list[Quote]:
    """The k best candidate sentences as quotes (a short sentence keeps its neighbour).

    Args:
        cands: Scored sentences, best first.
        k: How many quotes.
    """
    quotes: list[Quote] = []
    used: set[tuple[str, int]] = set()
    for s in cands:
        if (s.hit.chunk.id, s.offset) in used:
            continue
        text, offset = _extend_quote(s)
        used.add((s.hit.chunk.id, s.offset))
        cit = make_citation(len(quotes) + 1, s.hit.chunk, text, offset)
        quotes.append(Quote(rank=len(quotes) + 1, citation=cit, score=round(s.score, 4)))
        if len(quotes) >= k:
            break
    return quotes


def _extend_quote(s: Sentence) -> tuple[str, int]:
    """A quote of one to three whole sentences: the sentence, plus its neighbour when short."""
    text = s.hit.chunk.text
    if len(s.text.split()) >= 18:
        return s.text, s.offset
    sents = sentences_of(s.hit, min_words=1, max_words=200)
    for i, other in enumerate(sents):
        if other.offset == s.offset and i + 1 < len(sents):
            nxt = sents[i + 1]
            between = text[s.offset + len(s.text) : nxt.offset]
            if between == " ":
                return text[s.offset : nxt.offset + len(nxt.text)], s.offset
    return s.text, s.offset
