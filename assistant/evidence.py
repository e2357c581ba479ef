"""Evidence: the scored sentences of the top passages, gathered once for the decision, the
answer and the quotes.

The evidence holds the ranked passages, their candidate sentences scored against the question,
the leading sentences' best similarity on the calibrated scale, the share of the question's
terms the top passages hold and the sentences an answer would cite; :func:`assistant.decide.decide`
then answers or abstains on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Composer, Sentence
from assistant.question import Understood
from assistant.records import Abstention
from assistant.rerank import (
    asks_figure,
    content_terms,
    coverage,
    rerank_by_sentences,
    sentence_bonus,
)
from assistant.settings import RerankWeights
from vectorstore.keyword import tokenize
from vectorstore.records import Hit


@dataclass
class Evidence:
    """What a passage answer would be made of.

    Attributes:
        question: The question as asked.
        hits: Ranked passages.
        sentences: Scored candidate sentences, best first.
        best_similarity: The leading sentences' best similarity, on the calibrated scale.
        coverage: Share of the question's content terms the top passages hold.
        chosen: The sentences the answer would cite.
        grounding: An abstention found before retrieval (a name or kind the index lacks).
        must_name: Names no report is about that the cited passages must hold (a force a
            report speaks of): an answer from passages that do not name it is about another.
    """

    question: str
    hits: list[Hit]
    sentences: list[Sentence] = field(default_factory=list)
    best_similarity: float = 0.0
    coverage: float = 0.0
    chosen: list[Sentence] = field(default_factory=list)
    grounding: Abstention | None = None
    must_name: tuple[str, ...] = ()


def subject_terms(u: Understood) -> set[str]:
    """Stemmed terms that only name the question's subjects (already a filter, so no evidence)."""
    terms: set[str] = set()
    for s in u.context.subjects:
        terms |= set(tokenize(s))
    return terms


def passage_evidence(
    question: str,
    focus: str,
    u: Understood,
    hits: list[Hit],
    composer: Composer,
    weights: RerankWeights,
    *,
    sentence_rerank: bool,
    coverage_of: int,
) -> Evidence:
    """Score the sentences of the top passages and gather what the decision needs.

    Args:
        question: The question as asked.
        focus: The question's topic once subject and period are filters (or the question).
        u: How the question was understood.
        hits: The retrieved passages.
        composer: Scores and selects the sentences.
        weights: The score weights (``retrieval.weights``).
        sentence_rerank: Reorder the top passages by their best sentence.
        coverage_of: The top passages whose terms count towards the coverage.
    """
    ev = Evidence(question, hits, grounding=u.abstention, must_name=u.spoken_of)
    if not hits:
        return ev
    terms = content_terms(question) - subject_terms(u)
    ev.sentences = composer.score_sentences(
        focus,
        hits,
        terms,
        sentence_bonus(question, u.newest, weights),
        figures=asks_figure(question),
    )
    if sentence_rerank:
        ev.hits = rerank_by_sentences(hits, ev.sentences, composer.passages, weights)
    ev.coverage = coverage(terms, ev.hits[:coverage_of])
    ev.best_similarity = composer.best_similarity(focus, ev.sentences)
    ev.chosen = composer.select(ev.sentences) if ev.sentences else []
    return ev


def quote_evidence(
    topic: str,
    u: Understood,
    hits: list[Hit],
    composer: Composer,
    weights: RerankWeights,
    *,
    coverage_of: int,
) -> Evidence:
    """The evidence for quotes on a topic: every scored sentence, the best one chosen."""
    terms = content_terms(topic) - subject_terms(u)
    cands = (
        composer.score_sentences(topic, hits, terms, sentence_bonus(topic, u.newest, weights))
        if hits
        else []
    )
    return Evidence(
        topic,
        hits,
        cands,
        composer.best_similarity(topic, cands) if cands else 0.0,
        coverage(terms, hits[:coverage_of]),
        cands[:1],
    )
