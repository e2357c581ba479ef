"""Across reports: "which reports mention …", ranked by report with one cited passage each.

The passages that answer a question are grouped by report; each report counts by its best
passage, and the answer lists the leading reports, each with the sentence of its best passage
that is nearest the question, cited and verified like any other quote.
"""

from __future__ import annotations

import re

from assistant.answer import Cited, Composer, Sentence
from assistant.decide import NO_ANSWER, decide
from assistant.evidence import Evidence
from assistant.records import Answer
from assistant.rerank import content_terms, coverage, renumber
from assistant.retrieve import Retriever
from assistant.settings import AbstentionSettings
from ingest.dates import human_range
from vectorstore.records import Filters, Hit

_FRAME = re.compile(
    r"^\s*(?:which|what\s+other|list|name|show\s+me|in\s+which|are\s+there\s+any)\s+"
    r"(?:of\s+the\s+)?(?:(?:local\s+)?(?:councils?|authorit\w+|areas|boroughs|counties|reports?|"
    r"inspections?|letters|visits|LAs|forces|places)\s*)+"
    r"(?:(?:do|does|did|have|has|had|were|was|are|is)\s+)?(?:inspectors\s+)?"
    r"(?:mention(?:ed|s)?|talk(?:ed|s)?\s+about|refer(?:red|s)?\s+to|say|said|use[sd]?)?\s*",
    re.I,
)


def topic_of(question: str) -> str:
    """The topic of an across-reports question ("which reports mention X?" gives "X")."""
    rest = _FRAME.sub("", question).strip(" ?.!")
    return rest if len(rest.split()) >= 1 else question


class AcrossReports:
    """Answers a question with a list of reports, one cited passage each.

    Args:
        retriever: The passage retriever.
        composer: Picks each report's best sentence.
        policy: The abstention thresholds.
        reports: How many reports an answer lists.
        pool: How many passages are ranked before grouping by report.
    """

    def __init__(
        self,
        retriever: Retriever,
        composer: Composer,
        policy: AbstentionSettings,
        *,
        reports: int,
        pool: int,
    ) -> None:
        self.retriever = retriever
        self.composer = composer
        self.policy = policy
        self.reports = reports
        self.pool = pool

    def best_per_report(self, query: str, filters: Filters) -> list[Hit]:
        """The best passage of each report, best report first (ranks set)."""
        hits = self.retriever.search(query, filters, k=self.pool)
        seen: set[str] = set()
        out: list[Hit] = []
        for h in hits:
            if h.chunk.report_id in seen:
                continue
            seen.add(h.chunk.report_id)
            out.append(h)
        return renumber(out)

    def answer(self, question: str, filters: Filters) -> Answer:
        """The listed reports, or an abstention (with the closest passages)."""
        topic = topic_of(question)
        best = self.best_per_report(topic, filters)
        terms = content_terms(topic)
        chosen: list[Sentence] = []
        for h in best[: self.reports]:
            cands = self.composer.score_sentences(topic, [h], terms)
            if cands:
                chosen.append(cands[0])
        ev = Evidence(
            question,
            best,
            sorted(chosen, key=lambda s: s.score, reverse=True),
            self.composer.best_similarity(topic, chosen) if chosen else 0.0,
            coverage(terms, best[: self.policy.coverage_passages]),
            chosen[:1],
        )
        abstention = decide(ev, self.policy)
        if abstention is not None:
            return Answer(question, abstention.message, True, passages=best, abstention=abstention)
        kept = [s for s in chosen if s.sim >= self.policy.below]
        cited = self._cite(kept)
        return Answer(question, cited.text, False, citations=cited.citations, passages=best)

    def _cite(self, chosen: list[Sentence]) -> Cited:
        citations = self.composer.cite(chosen).citations
        items = []
        for s, c in zip(chosen, citations, strict=True):
            ch = s.hit.chunk
            when = human_range(ch.inspection_start, ch.inspection_end) or (
                ch.published.isoformat() if ch.published else ""
            )
            name = ch.subject or ch.title or ch.source
            items.append(f"{name}{f' ({when})' if when else ''}: “{c.quote}” [{c.n}]")
        lead = f"{len(items)} report{'s' if len(items) != 1 else ''} speak to this"
        return Cited(lead + ": " + "; ".join(items) + ".", citations)


__all__ = ["NO_ANSWER", "AcrossReports", "topic_of"]
