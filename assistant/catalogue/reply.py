"""The ``Answer`` a catalogue answer writer returns: cited sentences, or a plain abstention."""

from __future__ import annotations

from assistant.question import Understood
from assistant.records import Answer, Citation

UNQUOTED = (
    "The catalogue holds the grade, but no stored passage of the report contains its "
    "statement verbatim, so it is not shown."
)


def abstain(question: str, u: Understood, text: str) -> Answer:
    """A catalogue abstention saying what is missing (no citations, no passages)."""
    return Answer(
        question,
        text,
        True,
        citations=[],
        passages=[],
        context=u.context,
        filters=u.filters,
        mode="catalogue",
    )


def finish(
    question: str,
    u: Understood,
    sentences: list[str],
    missing: list[str],
    citations: list[Citation],
) -> Answer:
    """The answer from its cited sentences; what is missing becomes its notice.

    Args:
        question: The question.
        u: How the question was understood.
        sentences: The answer's sentences, each with its citation markers.
        missing: Sentences saying what the catalogue does not hold.
        citations: The citations the markers number.

    Returns:
        The answer, or an abstention saying what is missing when there is no sentence.
    """
    if not sentences:
        return abstain(question, u, " ".join(missing) or UNQUOTED)
    return Answer(
        question,
        " ".join(sentences),
        False,
        citations=citations,
        passages=[],
        context=u.context,
        filters=u.filters,
        mode="catalogue",
        notice=" ".join(missing) or None,
    )


__all__ = ["abstain", "finish"]
