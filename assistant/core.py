"""The assistant: a question in, a short cited answer (or a plain abstention) out."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace

from assistant.across import AcrossReports
from assistant.answer import Composer
from assistant.catalogue import Catalogue, answer_from_catalogue
from assistant.catalogue.answers_opening import answer_opening, asks_opening_line
from assistant.decide import NO_ANSWER, decide
from assistant.evidence import passage_evidence, quote_evidence, subject_terms
from assistant.factory import make_embedder_for, open_index
from assistant.focus import focus_query
from assistant.generation import PerGeneration
from assistant.ground import Grounder
from assistant.question import QuestionResolver, Understood
from assistant.quotes import literal_matches, press_release_dates, quotes_from
from assistant.records import AbstainReason, Abstention, Answer, Context, Quote
from assistant.rerank import content_terms
from assistant.retrieve import Retrieved, Retriever
from assistant.route import CATALOGUE_ROUTES, ExemplarRouter, Route, RouteKind, Router
from assistant.route_words import QUOTE_ASK, ROUTE_VOCABULARY, asks_about_grades
from assistant.settings import Settings
from assistant.spelling import word_slips
from vectorstore.embedder import Embedder
from vectorstore.index import Index
from vectorstore.records import Filters, Hit, ReportRecord

# Declined before routing: the catalogue could only answer about something else.
_DECLINE_AT_ONCE = frozenset(
    {
        AbstainReason.KIND_NOT_HELD,
        AbstainReason.ENTITY_NOT_FOUND,
        AbstainReason.SUBJECT_NOT_INDEXED,
        AbstainReason.OPINION,
    }
)


class Assistant:
    """Answers questions and finds quotes over one index.

    Args:
        settings: The settings (index folder, model, answer length...).
        index: An open index (opened from the settings when None).
        embedder: The embedder (made from the settings when None).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        index: Index | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.settings = settings or Settings()
        s = self.settings
        self.index = index or open_index(s)
        self.embedder = embedder or make_embedder_for(s)
        self.retriever = Retriever(self.index, self.embedder, s.retrieval)
        self.composer = Composer(
            self.embedder,
            s.answer,
            weights=s.retrieval.weights,
            passages=s.retrieval.rerank_passages,
            embed_limit=s.retrieval.rerank_sentences,
            confident=s.abstention.soft_below,
            sentence_lookup=self.index.sentence_vectors,
        )
        self._exemplars = (
            ExemplarRouter(self.embedder, top=s.route.nearest) if s.route.exemplars else None
        )
        self.policy = s.abstention
        self.across = AcrossReports(
            self.retriever,
            self.composer,
            self.policy,
            reports=s.answer.across_reports,
            pool=s.answer.across_pool,
        )
        self.generation = PerGeneration(self.index, self.composer, s.answer, s.route)
        self.llm = None
        if s.llm.provider != "none":
            from assistant.llm import make_llm

            self.llm = make_llm(s)

    # -- catalogue ----------------------------------------------------------------------
    def reports(self, include_failed: bool = True) -> list[ReportRecord]:
        """Every indexed report and every failed file."""
        return self.index.reports(include_failed=include_failed)

    @property
    def resolver(self) -> QuestionResolver:
        """The question resolver, rebuilt when the index changes."""
        return self.generation.current().resolver

    @property
    def grounder(self) -> Grounder:
        """The check of a question's names and kinds, rebuilt when the index changes."""
        return self.generation.current().grounder

    @property
    def catalogue(self) -> Catalogue:
        """The catalogue of reports and their judgements, rebuilt when the index changes."""
        return self.generation.current().catalogue

    def warm_up(self) -> None:
        """Load the model and indexes now rather than on the first question."""
        self.embedder.embed_query("warm up")
        if self._exemplars is not None:
            self._exemplars.scores("warm up")
        self.index.warm_up()
        self.generation.current()
        self.generation.wait_for_templates()

    # -- answers ------------------------------------------------------------------------
    def understand(
        self, question: str, history: list | None = None, filters: Filters | None = None
    ) -> Understood:
        """How a question will be steered (subject, period, report), and whether it names
        what the index does not hold."""
        u = self.resolver.understand(question, history, filters)
        if u.abstention is None and question.strip():
            grounding = self.grounder.check(question, u.filters.subjects)
            if grounding is not None:
                u = replace(u, abstention=grounding)
        return u

    def retrieve(
        self,
        question: str,
        filters: Filters | None = None,
        k: int | None = None,
        understood: Understood | None = None,
    ) -> list[Hit]:
        """The best passages for a question (steered like ``ask``)."""
        return self._retrieve(question, filters, k, understood).hits

    def _retrieve(
        self, question: str, filters=None, k=None, understood: Understood | None = None
    ) -> Retrieved:
        u = understood or self.understand(question, None, filters)
        quote = bool(QUOTE_ASK.search(question))
        question = focus_query(question, u) if self.settings.retrieval.focus_queries else question
        return self.retriever.retrieve(
            question,
            u.filters,
            k or self.settings.retrieval.top_k,
            subject_terms(u),
            u.newest,
            quote,
        )

    def ask(
        self,
        question: str,
        history: list | None = None,
        filters: Filters | None = None,
        use_llm: bool = True,
    ) -> Answer:
        """Answer a question from the reports, with verified citations.

        The stages run once, in order: understand (subject, period, report) → route (catalogue,
        across reports or passages) → retrieve → rerank → decide (answer or abstain, one policy
        with a typed reason) → compose → verify (every quote verbatim in its passage).

        Args:
            question: The question.
            history: Earlier ``Answer`` objects of the conversation, oldest first.
            filters: Explicit filters (subject, inspectorate, report, dates).
            use_llm: Compose with the language model when one is configured (the UI passes
                False and streams the model's answer itself).

        Returns:
            The answer; ``abstained`` is True when the reports don't answer it.
        """
        t0 = time.perf_counter()
        question = " ".join(question.split())
        u = self.understand(question, history, filters)
        if not question:
            return Answer(
                question,
                "Please ask a question.",
                True,
                context=u.context,
                filters=u.filters,
                timings_ms={"retrieve": 0, "answer": 0, "total": 0},
                abstention=Abstention(AbstainReason.EMPTY_QUESTION, "Please ask a question."),
            )
        if u.abstention is not None and u.abstention.reason in _DECLINE_AT_ONCE:
            answer = self._compose(question, u, [], use_llm)
            answer.timings_ms = _timings(t0, time.perf_counter(), time.perf_counter())
            return answer
        route = self.route(question, u, history)
        structured = self._structured(question, u, route)
        if structured is not None:
            t1 = time.perf_counter()
            if not structured.passages:
                # The passages still show where to read more (the nearest ones when abstaining).
                structured.passages = (
                    self.retrieve(question, filters=Filters(subjects=u.context.subjects), k=5)
                    if structured.abstained
                    else self.retrieve(question, understood=u)
                )
            structured.timings_ms = _timings(t0, t1, time.perf_counter())
            return structured
        found = Retrieved([]) if u.abstention else self._retrieve(question, understood=u)
        t1 = time.perf_counter()
        answer = self._compose(question, u, found.hits, use_llm)
        answer.search_fallback = found.fallback
        answer.timings_ms = _timings(t0, t1, time.perf_counter())
        return answer

    def ask_stream(
        self, question: str, history: list | None = None, filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """Like :meth:`ask`, for the UI: yields the language model's text as it arrives, then
        the checked ``Answer`` (whose text replaces what was streamed). Without a model, or when
        the extractive answer abstains, only the ``Answer`` is yielded.
        """
        extractive = self.ask(question, history, filters, use_llm=False)
        if self.llm is None or extractive.abstained or extractive.mode != "extractive":
            yield extractive
            return
        from assistant.llm import stream_llm_answer

        t0 = time.perf_counter()
        stream = stream_llm_answer(self.llm, extractive, self.settings)
        yield from stream
        final = stream.result()
        final.search_fallback = extractive.search_fallback
        final.timings_ms = dict(extractive.timings_ms)
        final.timings_ms["answer"] = round(
            final.timings_ms.get("answer", 0) + (time.perf_counter() - t0) * 1000, 1
        )
        final.timings_ms["total"] = round(
            final.timings_ms.get("retrieve", 0) + final.timings_ms["answer"], 1
        )
        yield final

    def route(self, question: str, u: Understood, history: list | None = None) -> Route:
        """Which path answers the question (catalogue, across reports or passages)."""
        router = Router(self.resolver.resolver, self._exemplars, self.settings.route)
        last = history[-1] if history else None
        after_grades = bool(
            u.context.carried
            and last is not None
            and last.mode == "catalogue"
            and asks_about_grades(last.question)
        )
        slips = [(c.typed, c.meant[0]) for c in u.context.corrections if len(c.meant) == 1]
        # "peterborughs inspection" routes as "Peterborough's inspection" would, and
        # "leadrship grade?" as "leadership grade?".
        slips += word_slips(question, ROUTE_VOCABULARY, self._known_word)
        for typed, meant in slips:
            question = re.sub(rf"\b{re.escape(typed)}\b", meant, question)
        return router.route(
            question, carried_subject=bool(u.context.subjects), after_grades=after_grades
        )

    def _known_word(self, word: str) -> bool:
        """A word in its own right: one of the model's whole words, or in the reports."""
        in_reports = self.resolver.in_reports
        return self.embedder.count_tokens(word) == 1 or bool(in_reports and in_reports(word))

    def _structured(self, question: str, u: Understood, route: Route) -> Answer | None:
        """Grade, list, timeline and improvement questions answered from the catalogue;
        questions across reports answered with one cited passage per report; a request for
        a report's opening line answered with its summary's first sentence."""
        if u.abstention is None and asks_opening_line(question):
            opening = answer_opening(self.catalogue, question, u)
            if opening is not None:
                return opening
        if route.kind in CATALOGUE_ROUTES:
            answer = answer_from_catalogue(self.catalogue, question, u, route)
            if answer is not None and answer.abstained and route.kind is RouteKind.IMPROVE:
                return None  # no list of points was extracted: the passages may still say
            return answer
        if route.kind is RouteKind.MENTIONS and u.abstention is None:
            answer = self.across.answer(question, u.filters)
            answer.context, answer.filters, answer.mode = u.context, u.filters, "across"
            return answer
        return None

    def _compose(
        self, question: str, u: Understood, hits: list[Hit], use_llm: bool = True
    ) -> Answer:
        r = self.settings.retrieval
        focus = focus_query(question, u) if r.focus_queries else question
        ev = passage_evidence(
            question,
            focus,
            u,
            hits,
            self.composer,
            r.weights,
            sentence_rerank=r.sentence_rerank,
            coverage_of=self.policy.coverage_passages,
        )
        abstention = decide(ev, self.policy)
        if abstention is not None:
            passages = ev.hits
            if abstention is u.abstention:
                text = NO_ANSWER + f" {abstention.message}"
                passages = self.retrieve(
                    question, filters=Filters(subjects=u.context.subjects), k=5
                )
            else:
                text = abstention.message
            return Answer(
                question,
                text,
                True,
                passages=passages,
                context=u.context,
                filters=u.filters,
                abstention=abstention,
            )
        cited = self.composer.cite(ev.chosen)
        answer = Answer(
            question,
            cited.text,
            False,
            citations=cited.citations,
            passages=ev.hits,
            context=u.context,
            filters=u.filters,
        )
        if self.llm is not None and use_llm:
            from assistant.llm import compose_with_llm

            answer = compose_with_llm(self.llm, answer, self.settings)
        return answer

    # -- quotes -------------------------------------------------------------------------
    def quote(
        self,
        topic: str,
        subject: str | None = None,
        report: str | None = None,
        k: int = 5,
        filters: Filters | None = None,
    ) -> list[Quote]:
        """Ranked verbatim quotes (one to three whole sentences) with paste-ready citations.

        Args:
            topic: What the quote should be about.
            subject: Local authority or police force (any name or alias).
            report: A report id or source path.
            k: How many quotes.
            filters: Further filters.
        """
        f = filters or Filters()
        if subject:
            f = replace(f, subjects=(self.resolver.resolver.resolve(subject) or subject,))
        if report:
            f = replace(f, report_ids=(self._report_id(report),))
        u = self.understand(topic, None, f)
        hits = self.retriever.search(topic, u.filters, max(8, k * 2), subject_terms(u), u.newest)
        ev = quote_evidence(
            topic,
            u,
            hits,
            self.composer,
            self.settings.retrieval.weights,
            coverage_of=self.policy.coverage_passages,
        )
        cands = ev.sentences
        if cands and decide(ev, self.policy) is not None:
            cands = literal_matches(cands, content_terms(topic) - subject_terms(u))
        return quotes_from(cands, k, press_release_dates(self.catalogue.live_reports()))

    def _report_id(self, report: str) -> str:
        for r in self.reports(include_failed=False):
            if report in (r.report_id, r.source) or (r.source and r.source.endswith(report)):
                return r.report_id or report
        return report

    # -- LangChain ----------------------------------------------------------------------
    def as_retriever(self, k: int = 5, filters: Filters | None = None):
        """A LangChain ``BaseRetriever`` over this assistant (Documents carry chunk metadata)."""
        from assistant.langchain import AssistantRetriever

        return AssistantRetriever(assistant=self, k=k, filters=filters)


def _timings(t0: float, t1: float, t2: float) -> dict[str, float]:
    return {
        "retrieve": round((t1 - t0) * 1000, 1),
        "answer": round((t2 - t1) * 1000, 1),
        "total": round((t2 - t0) * 1000, 1),
    }


__all__ = ["NO_ANSWER", "Assistant", "Context"]
