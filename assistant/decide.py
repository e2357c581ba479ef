"""Decide: answer or abstain, one policy with a typed reason.

The evidence a decision is made on is gathered once (:mod:`assistant.evidence`: the ranked
passages, the scored sentences, the best sentence's similarity on the calibrated scale, the
question's term coverage and what the question names that the index lacks); :func:`decide`
then returns an :class:`Abstention` or None (answer).
"""

from __future__ import annotations

import re

from assistant.evidence import Evidence
from assistant.records import AbstainReason, Abstention
from assistant.rerank import states_person_asked, states_what_is_asked
from assistant.settings import AbstentionSettings

NO_ANSWER = "The indexed reports don't answer this question."


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
    unnamed = [n for n in ev.must_name if not _named_in(n, ev.chosen)]
    if unnamed:
        return Abstention(
            AbstainReason.SUBJECT_NOT_INDEXED,
            NO_ANSWER + f" The index holds no report on {', '.join(unnamed)}, and the passages "
            "that mention it don't answer this; they are shown below.",
            tuple(unnamed),
        )
    if not states_person_asked(ev.question, [s.text for s in ev.chosen]):
        return Abstention(
            AbstainReason.PERSON_NOT_NAMED,
            NO_ANSWER + " The closest passages don't name the person asked for; they are "
            "shown below.",
        )
    if not states_what_is_asked(ev.question, [s.text for s in ev.chosen]):
        return Abstention(
            AbstainReason.FIGURE_NOT_STATED,
            NO_ANSWER + " The closest passages don't state the figure asked for; they are "
            "shown below.",
        )
    return None


def _named_in(name: str, chosen: list) -> bool:
    """Whether the passage the answer's first sentence comes from names a force (its place is
    enough: "Northumbria" for Northumbria Police)."""
    place = re.sub(r"\s+(?:Police|Constabulary)(?:\s+Service)?$", "", name).lower()
    return bool(chosen) and place in chosen[0].hit.chunk.text.lower()
