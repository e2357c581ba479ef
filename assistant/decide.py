"""Decide: answer or abstain, one policy with a typed reason.

The evidence a decision is made on is gathered once (the ranked passages, the scored sentences,
the best sentence's similarity on the calibrated scale, the question's term coverage and what
the question names that the index lacks); :func:`decide` then returns an :class:`Abstention`
or None (answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer import Sentence
from assistant.records import AbstainReason, Abstention
from assistant.rerank import states_what_is_asked
from assistant.settings import AbstentionSettings
from vectorstore.records import Hit

NO_ANSWER = "The indexed reports don't answer this question."


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
    """

    question: str
    hits: list[Hit]
    sentences: list[Sentence] = field(default_factory=list)
    best_similarity: float = 0.0
    coverage: float = 0.0
    chosen: list[Sentence] = field(default_factory=list)
    grounding: Abstention | None = None


def decide(ev: Evidence, policy: AbstentionSettings) -> Abstention | None:
    """The one answer-or-abstain decision for a passage answer.

    Args:
        ev: The evidence.
        policy: The thresholds (the ``abstention`` group).

    Returns:
        An abstention with its reason, or None when the evidence answers the question.
    """
    if ev.grounding is not None:
        return ev.grounding
    if not ev.hits or not ev.sentences:
        return Abstention(AbstainReason.WEAK_EVIDENCE, NO_ANSWER)
    weak = ev.best_similarity < policy.below or (
        ev.best_similarity < policy.soft_below and ev.coverage < policy.coverage
    )
    if weak:
        return Abstention(
            AbstainReason.WEAK_EVIDENCE, NO_ANSWER + " The closest passages are shown below."
        )
    if not states_what_is_asked(ev.question, [s.text for s in ev.chosen]):
        return Abstention(
            AbstainReason.FIGURE_NOT_STATED,
            NO_ANSWER + " The closest passages don't state the figure asked for; they are "
            "shown below.",
        )
    return None
