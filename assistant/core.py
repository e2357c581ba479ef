"""The assistant: a question in, a short cited answer (or a plain abstention) out."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

from assistant.answer import Composer, make_citation, sentences_of
from assistant.factory import make_embedder_for, open_index
from assistant.question import QuestionResolver, Understood, focus_query
from assistant.records import Answer, Context, Quote
from assistant.retrieve import Retriever, content_terms
from assistant.settings import Settings
from vectorstore.embedder import Embedder
from vectorstore.index import Index
from vectorstore.keyword import tokenize
from vectorstore.records import Filters, Hit, ReportRecord

NO_ANSWER = "The indexed reports don't answer this question."


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
        self.retriever = Retriever(self.index, self.embedder, candidates=s.candidates)
        self.composer = Composer(
            self.embedder,
            s.answer_sentences,
            s.answer_words,
            s.abstain_soft_below,
            passages=s.rerank_passages,
            embed_limit=s.rerank_sentences,
            sentence_lookup=self.index.sentence_vectors,
        )
        self._resolver: tuple[int, QuestionResolver] | None = None
        self._lock = threading.Lock()
        self.llm = None
        if s.llm_provider != "none":
            from assistant.llm import make_llm

            self.llm = make_llm(s)

    # -- catalogue ----------------------------------------------------------------------
    def reports(self, include_failed: bool = True) -> list[ReportRecord]:
        """Every indexed report and every failed file."""
        return self.index.manifest.reports(include_failed=include_failed)

    @property
    def resolver(self) -> QuestionResolver:
        """The question resolver, rebuilt when the index changes."""
        gen = self.index.manifest.generation()
        cached = self._resolver
        if cached is None or cached[0] != gen:
            with self._lock:
                cached = (gen, QuestionResolver(self.reports(include_failed=False)))
                self._resolver = cached
        return cached[1]

    def warm_up(self) -> None:
        """Load the model and indexes now rather than on the first question."""
        self.embedder.embed_query("warm up")
        self.index.warm_up()
        _ = self.resolver

    # -- answers ------------------------------------------------------------------------
    def understand(
        self, question: str, history: list | None = None, filters: Filters | None = None
    ) -> Understood:
        """How a question will be steered (subject, period, report)."""
        return self.resolver.understand(question, history, filters)

    def retrieve(
        self,
        question: str,
        filters: Filters | None = None,
        k: int | None = None,
        understood: Understood | None = None,
    ) -> list[Hit]:
        """The best passages for a question (steered like ``ask``)."""
        u = understood or self.understand(question, None, filters)
        question = focus_query(question, u) if self.settings.focus_queries else question
        return self.retriever.search(
            question, u.filters, k or self.settings.top_k, self._subject_terms(u), u.newest
        )

    def _subject_terms(self, u: Understood) -> set[str]:
        terms: set[str] = set()
        for s in u.context.subjects:
            terms |= set(tokenize(s))
        return terms

    def ask(
        self,
        question: str,
        history: list | None = None,
        filters: Filters | None = None,
        use_llm: bool = True,
    ) -> Answer:
        """Answer a question from the reports, with verified citations.

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
            )
        structured = self._structured(question, u)
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
        hits = [] if u.empty_reason else self.retrieve(question, understood=u)
        t1 = time.perf_counter()
        answer = self._compose(question, u, hits, use_llm)
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
        stream = stream_llm_answer(self, extractive)
        yield from stream
        final = stream.result()
        final.timings_ms = dict(extractive.timings_ms)
        final.timings_ms["answer"] = round(
            final.timings_ms.get("answer", 0) + (time.perf_counter() - t0) * 1000, 1
        )
        final.timings_ms["total"] = round(
            final.timings_ms.get("retrieve", 0) + final.timings_ms["answer"], 1
        )
        yield final

    def _structured(self, question: str, u: Understood) -> Answer | None:
        """Grade, comparison and timeline questions answered from the catalogue."""
        try:
            from assistant.catalogue import answer_from_catalogue
        except ModuleNotFoundError:
            return None
        return answer_from_catalogue(self, question, u)

    def _compose(
        self, question: str, u: Understood, hits: list[Hit], use_llm: bool = True
    ) -> Answer:
        terms = content_terms(question) - self._subject_terms(u)
        if not hits:
            text = NO_ANSWER + (f" {u.empty_reason}" if u.empty_reason else "")
            fallback = (
                []
                if not u.empty_reason
                else self.retrieve(question, filters=Filters(subjects=u.context.subjects), k=5)
            )
            return Answer(
                question, text, True, passages=fallback, context=u.context, filters=u.filters
            )
        focus = focus_query(question, u) if self.settings.focus_queries else question
        cands = self.composer.score_sentences(focus, hits, terms, _bonus(question, u.newest))
        if self.settings.sentence_rerank:
            hits = _rerank_by_sentences(hits, cands, self.composer.passages)
        best = cands[0] if cands else None
        covered = self._coverage(terms, hits[:5])
        if best is None or self._weak(
            self.composer.best_similarity(focus, cands), hits[0], covered
        ):
            return Answer(
                question,
                NO_ANSWER + " The closest passages are shown below.",
                True,
                passages=hits,
                context=u.context,
                filters=u.filters,
            )
        chosen = self.composer.select(cands)
        if not _states_what_is_asked(question, chosen):
            return Answer(
                question,
                NO_ANSWER + " The closest passages don't state the figure asked for; they are "
                "shown below.",
                True,
                passages=hits,
                context=u.context,
                filters=u.filters,
            )
        text, citations = self.composer.cite(chosen)
        answer = Answer(
            question,
            text,
            False,
            citations=citations,
            passages=hits,
            context=u.context,
            filters=u.filters,
        )
        if self.llm is not None and use_llm:
            from assistant.llm import compose_with_llm

            answer = compose_with_llm(self, answer)
        return answer

    def _weak(self, best_sim: float, top: Hit, covered: float) -> bool:
        """Too weak to answer: the calibrated abstention rule (see the settings)."""
        s = self.settings
        if best_sim < s.abstain_below:
            return True
        return best_sim < s.abstain_soft_below and covered < s.abstain_coverage

    @staticmethod
    def _coverage(terms: set[str], hits: list[Hit]) -> float:
        if not terms:
            return 1.0
        have: set[str] = set()
        for h in hits:
            have |= set(tokenize(h.chunk.embed_text))
        return len(terms & have) / len(terms)

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
            resolved = self.resolver.resolver.resolve(subject) or subject
            f = Filters(
                subjects=(resolved,),
                inspectorates=f.inspectorates,
                report_ids=f.report_ids,
                date_from=f.date_from,
                date_to=f.date_to,
            )
        if report:
            rid = self._report_id(report)
            f = Filters(
                subjects=f.subjects,
                inspectorates=f.inspectorates,
                report_ids=(rid,),
                date_from=f.date_from,
                date_to=f.date_to,
            )
        u = self.understand(topic, None, f)
        hits = self.retriever.search(
            topic, u.filters, max(8, k * 2), self._subject_terms(u), u.newest
        )
        terms = content_terms(topic) - self._subject_terms(u)
        cands = (
            self.composer.score_sentences(topic, hits, terms, _bonus(topic, u.newest))
            if hits
            else []
        )
        if cands and self._weak(
            self.composer.best_similarity(topic, cands), hits[0], self._coverage(terms, hits[:5])
        ):
            cands = []
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


_ASKS_MONEY = re.compile(
    r"\b(salar(?:y|ies)|budget|cost|costs|spend|spent|pay|paid|funding)\b", re.I
)
_ASKS_NUMBER = re.compile(
    # At the start, or after an opening clause ("In Devon's 2015 inspection, how many ...");
    # "a quote on how much they improved" asks for words, not a figure.
    r"^(?:[^,?]*,\s*)?(?:how many|how much|what (?:number|percentage|proportion|share|rate)|"
    r"what (?:is|was|were) the (?:number|percentage|proportion|rate))\b",
    re.I,
)
_MONEY = re.compile(r"£\s?\d|\d\s?(?:pounds|million|billion|k)\b", re.I)
_NUMBER = re.compile(
    r"\b(?!(?:19|20)\d\d\b)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|half|third|quarter|per cent|percent)\b",
    re.I,
)


def _states_what_is_asked(question: str, chosen: list) -> bool:
    """A question asking for a figure is answered only by sentences that state one."""
    text = " ".join(s.text for s in chosen)
    if _ASKS_MONEY.search(question) and not _MONEY.search(text):
        return False
    return not (_ASKS_NUMBER.search(question) and not _NUMBER.search(text))


FIGURE_BONUS = 0.08
NEWEST_BONUS = 0.15
SENTENCE_WEIGHT = 0.5  # of the best sentence in a passage's rerank score


def _bonus(question: str, newest: tuple[str, ...]):
    """Extra score for a sentence: stating a figure or an amount when the question asks for
    one, and coming from the subject's newest report when no period was named."""
    money = bool(_ASKS_MONEY.search(question))
    number = bool(_ASKS_NUMBER.search(question))
    if not (money or number or newest):
        return None

    def bonus(s) -> float:
        states = (money and _MONEY.search(s.text)) or (number and _NUMBER.search(s.text))
        return (FIGURE_BONUS if states else 0.0) + (
            NEWEST_BONUS if s.hit.chunk.report_id in newest else 0.0
        )

    return bonus


def _rerank_by_sentences(hits: list[Hit], cands: list, n: int) -> list[Hit]:
    """Reorder the top passages by their best sentence's similarity to the question, blended
    with the passage score (sentence-level evidence is sharper than a passage's average)."""
    best: dict[str, float] = {}
    for s in cands:
        cid = s.hit.chunk.id
        best[cid] = max(best.get(cid, 0.0), s.sim + s.bonus)
    top, rest = hits[:n], hits[n:]
    if not best or len(top) < 2:
        return hits
    hi = max(h.rerank or 0.0 for h in top) or 1.0
    for h in top:
        # A passage none of whose sentences made the shortlist keeps a discounted dense score.
        sent = best.get(h.chunk.id, 0.85 * (h.dense or 0.0))
        h.rerank = round((1 - SENTENCE_WEIGHT) * (h.rerank or 0.0) / hi + SENTENCE_WEIGHT * sent, 4)
    top.sort(key=lambda h: h.rerank or 0.0, reverse=True)
    out = top + rest
    for i, h in enumerate(out, 1):
        h.rank = i
    return out


def _extend_quote(s) -> tuple[str, int]:
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


def _timings(t0: float, t1: float, t2: float) -> dict[str, float]:
    return {
        "retrieve": round((t1 - t0) * 1000, 1),
        "answer": round((t2 - t1) * 1000, 1),
        "total": round((t2 - t0) * 1000, 1),
    }


__all__ = ["NO_ANSWER", "Assistant", "Context"]
