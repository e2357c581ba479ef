"""Opening-line requests: "what's the opening line of the summary in our May 2024 report?".

A press officer who asks for a report's opening or headline line wants the first sentence of
its summary, word for word: the first sentence of the report's summary section (its first
pages), cited, not the passage most similar to the words "opening line".
"""

from __future__ import annotations

import re

from assistant.catalogue.cites import Cites
from assistant.catalogue.reply import finish
from assistant.catalogue.store import Catalogue
from assistant.catalogue.wording import possessive, when
from assistant.kinds import kind_of
from assistant.question import Understood
from assistant.records import Answer
from ingest.chunking import sentence_spans

_OPENING = re.compile(
    r"\b(?:opening|first|headline|top|lead)\s+(?:line|sentence|statement|finding)s?\b"
    r"|\bheadline\s+(?:quote|verdict)\b|\bhow\s+(?:does|did)\s+(?:the|our|its|their)\s+"
    r"(?:report|summary)\s+(?:open|start|begin)\b",
    re.I,
)
_SUMMARY = re.compile(r"\b(?:headline|summary|overall|main\s+findings|key\s+findings)\b", re.I)
# First sentences that only say what the document is.
_FRAME = re.compile(
    r"^(?:this\s+(?:letter|report)|inspection\s+dates|lead\s+inspector|ofsted|his\s+majesty|"
    r"her\s+majesty|published|report\s+published)\b",
    re.I,
)


def asks_opening_line(question: str) -> bool:
    """True when a question asks for a report's opening or headline line."""
    return bool(_OPENING.search(question))


def answer_opening(catalogue: Catalogue, question: str, u: Understood) -> Answer | None:
    """The first sentence of the summary of the report the question is about, cited.

    Args:
        catalogue: The catalogue (its reports' stored passages).
        question: The question.
        u: How it was understood: the report picked, or the subject's newest one.

    Returns:
        The answer, or None when the question picks no single report or its summary has no
        sentence (the passages then answer as usual).
    """
    picked = u.context.report_ids[:1] or u.newest[:1]
    if not picked:
        return None
    rid = picked[0]
    record = next((r for r in catalogue.live_reports() if r.report_id == rid), None)
    if record is None:
        return None
    cites = Cites(catalogue.report_chunks)
    lead = [c for c in cites.chunks(rid) if c.pdf_page_start <= 2]
    ordered = [c for c in lead if c.section and _SUMMARY.search(c.section)] + lead
    for chunk in ordered:
        for a, b in sentence_spans(chunk.text):
            text = " ".join(chunk.text[a:b].split())
            if (
                len(text.split()) < 6
                or not re.search(r"[.!?][\"”’)]?$", text)  # a heading or a table row
                or _FRAME.match(text)
            ):
                continue
            n = cites.cite(rid, chunk.text[a:b])
            if n is None:
                continue
            whose = possessive(record.subject) if record.subject else "the"
            sentence = (
                f"The summary of {whose} {kind_of(record)} ({when(record).strip()}) "
                f"opens: “{text}” [{n}]"
            )
            return finish(question, u, [sentence], [], cites.citations)
    return None


__all__ = ["answer_opening", "asks_opening_line"]
