"""Extractive answers: verbatim sentences of the best passages, each cited and verified
(by :func:`assistant.verify.make_citation`)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.records import Citation
from assistant.rerank import ASKS_MONEY, ASKS_NUMBER, MONEY, NUMBER
from assistant.settings import AnswerSettings, RerankWeights
from assistant.verify import make_citation
from ingest.chunking import sentence_spans
from ingest.records import Chunk
from vectorstore.embedder import Embedder
from vectorstore.keyword import tokenize
from vectorstore.records import Hit, SpanVectors

_ASKS_FACT = re.compile(
    r"\b(?:who|whom|when|dates?|named?|called|lead\s+inspector|led|inspectors?\s+were)\b", re.I
)
# "Lead inspector: Jo Bloggs", and the older cover's "Reporting inspector Jo Bloggs HMI".
_LABEL_VALUE = re.compile(
    r"^(?:[A-Z][A-Za-z ]{2,30}:\s+\S|(?:Lead|Reporting|Team|Senior|Chief)\s+inspectors?\s+[A-Z])"
)


@dataclass(frozen=True)
class Cited:
    """Answer text with its [n] markers and the verified citations they number."""

    text: str
    citations: list[Citation]


@dataclass
class Sentence:
    """A candidate sentence of a passage."""

    text: str
    offset: int
    hit: Hit
    score: float = 0.0
    sim: float = 0.0
    vector: np.ndarray | None = None
    bonus: float = 0.0  # e.g. for stating the figure asked for, or being in the newest report
    pooled: bool = False  # its vector was pooled in context at ingest (not embedded alone)


def sentences_of(hit: Hit, min_words: int = 5, max_words: int = 90) -> list[Sentence]:
    """Whole sentences of a passage with their offsets (headings and fragments left out)."""
    text = hit.chunk.text
    out: list[Sentence] = []
    for a, b in sentence_spans(text):
        sent = text[a:b]
        n = len(sent.split())
        if min_words <= n <= max_words and (
            re.search(r"[.!?:;”\")]$", sent) or _LABEL_VALUE.match(sent)
        ):
            out.append(Sentence(sent, a, hit))
    return out


class Composer:
    """Picks the sentences that answer a question and cites them.

    Args:
        embedder: The embedder (sentences are compared with the question in its space).
        settings: The ``answer`` group (length, score gap, near-duplicates, templates, cache).
        weights: The score weights (``retrieval.weights``).
        passages: How many top passages sentences are taken from.
        embed_limit: How many sentences without stored vectors are embedded and compared.
        confident: A best sentence at least this similar is a confident match (below it,
            the abstention rule also weighs term coverage).
        sentence_lookup: Sentence vectors stored at ingest, by chunk id (see
            ``Index.sentence_vectors``); sentences without one are embedded here.
    """

    def __init__(
        self,
        embedder: Embedder,
        settings: AnswerSettings,
        *,
        weights: RerankWeights,
        passages: int,
        embed_limit: int,
        confident: float,
        sentence_lookup: Callable[[list[str]], dict[str, SpanVectors]] | None = None,
    ) -> None:
        self.embedder = embedder
        self.settings = settings
        self.weights = weights
        self.max_sentences = settings.sentences
        self.max_words = settings.words
        self.confident = confident
        self.passages = passages
        self.embed_limit = embed_limit
        self.sentence_lookup = sentence_lookup
        # Set by the assistant once the index's template sentences are known.
        self.is_boilerplate: Callable[[str], bool] | None = None
        self._cache: dict[str, np.ndarray] = {}
        self._cache_lock = threading.Lock()

    def score_sentences(
        self,
        question: str,
        hits: list[Hit],
        terms: set[str],
        bonus: Callable[[Sentence], float] | None = None,
        figures: bool = False,
    ) -> list[Sentence]:
        """Candidate sentences of the top passages, scored against the question.

        Args:
            question: The question (or its focused form).
            hits: Ranked passages.
            terms: The question's stemmed content terms.
            figures: The question asks for a figure or an amount: template-shaped sentences
                that state one are not discounted.
            bonus: Extra score for a sentence (e.g. stating a figure when one is asked).
        """
        top = hits[: self.passages]
        cands = [s for h in top for s in sentences_of(h)]
        if not cands:
            return []
        stored = self._stored_vectors(top)
        have = [s for s in cands if (s.hit.chunk.id, s.offset, len(s.text)) in stored]
        missing = [s for s in cands if (s.hit.chunk.id, s.offset, len(s.text)) not in stored]
        if len(missing) > self.embed_limit:
            # Embedding sentences is the costly step: shortlist them by query-term overlap
            # and passage rank first.
            def cheap(s: Sentence) -> float:
                cov = len(terms & set(tokenize(s.text))) / len(terms) if terms else 0.0
                return cov + 0.5 / s.hit.rank  # a shortlist order only, never a score

            missing = sorted(missing, key=cheap, reverse=True)[: self.embed_limit]
        for s in have:
            s.pooled = True
        cands = have + missing
        q = self.embedder.embed_query(question)
        vecs = [stored[(s.hit.chunk.id, s.offset, len(s.text))] for s in have]
        if missing:
            vecs.extend(self._sentence_vectors([s.text for s in missing]))
        mat = np.stack(vecs)
        sims = mat @ q
        # Who led it, when, what it is called: the answer is in a template-shaped line
        # ("Lead inspector: …", "Inspection dates: …"), so templates count then.
        templates_count = self.is_boilerplate is not None and not _ASKS_FACT.search(question)
        # "How many children were looked after": the figures stand in template-shaped lines
        # ("At 31 March 2015, 200 children are being looked after …"), which then count.
        figures = figures or bool(ASKS_NUMBER.search(question) or ASKS_MONEY.search(question))
        for s, v, sim in zip(cands, mat, sims, strict=True):
            cov = len(terms & set(tokenize(s.text))) / len(terms) if terms else 0.0
            s.sim = float(sim)
            s.vector = v
            s.bonus = bonus(s) if bonus else 0.0
            s.score = (
                float(sim)
                + self.weights.sentence_coverage * cov
                + self.weights.sentence_rank / s.hit.rank
                + s.bonus
            )
            if (
                templates_count
                and not (figures and (NUMBER.search(s.text) or MONEY.search(s.text)))
                and self.is_boilerplate(s.text)
            ):
                s.score -= self.settings.boilerplate_penalty  # a template answers nothing
        cands.sort(key=lambda s: s.score, reverse=True)
        return cands

    def best_similarity(self, question: str, cands: list[Sentence], top: int = 3) -> float:
        """The best similarity of the leading sentences to the question, on the scale the
        abstention thresholds were calibrated on (each sentence embedded on its own).

        Sentence vectors pooled in context rank well but score short questions lower, so when
        they fall short of a confident match the leading sentences are embedded on their own.
        """
        lead = cands[:top]
        if not lead:
            return 0.0
        pooled = max(s.sim for s in lead)
        if pooled >= self.confident or not any(s.pooled for s in lead):
            return pooled
        q = self.embedder.embed_query(question)
        return max(pooled, float((self._sentence_vectors([s.text for s in lead]) @ q).max()))

    def _stored_vectors(self, hits: list[Hit]) -> dict[tuple[str, int, int], np.ndarray]:
        """Stored sentence vectors of the passages, keyed by (chunk id, offset, length)."""
        if self.sentence_lookup is None:
            return {}
        out: dict[tuple[str, int, int], np.ndarray] = {}
        for cid, sv in self.sentence_lookup([h.chunk.id for h in hits]).items():
            for (a, b), v in zip(sv.spans.tolist(), sv.vectors, strict=True):
                out[(cid, a, b - a)] = v
        return out

    def _sentence_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of sentences, from a bounded cache (top passages recur across questions)."""
        with self._cache_lock:
            found = {t: self._cache.get(t) for t in texts}
        missing = [t for t, v in found.items() if v is None]
        if missing:
            for t, v in zip(missing, self.embedder.embed_documents(missing), strict=True):
                found[t] = v
            with self._cache_lock:
                self._cache.update((t, found[t]) for t in missing)
                while len(self._cache) > self.settings.sentence_cache:
                    self._cache.pop(next(iter(self._cache)))
        return np.stack([found[t] for t in texts])

    def select(
        self, cands: list[Sentence], max_sentences: int | None = None, max_words: int | None = None
    ) -> list[Sentence]:
        """The best sentences within the answer's length, near-duplicates left out.

        More than ``per_paragraph`` sentences of one paragraph are taken only when no other
        paragraph offers one as good (within the score gap), and the answer never opens with a
        sentence that leans on the one before it ("They reported that this has improved"):
        another chosen sentence opens it, or else the sentence it leans on is put first.
        """
        max_sentences = max_sentences or self.max_sentences
        max_words = max_words or self.max_words
        top = cands[0].score if cands else 0.0
        eligible = [s for s in cands if s.score >= top - self.settings.score_gap]
        chosen: list[Sentence] = []
        words = 0
        cap = self.settings.per_paragraph
        for spread in (True, False) if cap else (False,):
            for s in eligible:
                if len(chosen) >= max_sentences:
                    break
                n = len(s.text.split())
                if any(c is s for c in chosen) or (chosen and words + n > max_words):
                    continue
                if spread and sum(_paragraph(c) == _paragraph(s) for c in chosen) >= cap:
                    continue
                if any(
                    c.vector is not None
                    and s.vector is not None
                    and float(np.dot(c.vector, s.vector)) > self.settings.near_duplicate
                    for c in chosen
                ):
                    continue
                chosen.append(s)
                words += n
        chosen.sort(key=lambda s: -s.score)
        return _open_independently(chosen, cands, max_words)

    def cite(self, chosen: list[Sentence]) -> Cited:
        """Answer text with [n] markers and the verified citations.

        When the sentences come from more than one report, each is introduced with its
        report's place and year ("Norfolk (2022): …"), so an answer that mixes reports never
        reads as if about one.
        """
        citations: list[Citation] = []
        parts: list[str] = []
        labels = _report_labels([s.hit.chunk for s in chosen])
        for s in chosen:
            c = make_citation(len(citations) + 1, s.hit.chunk, s.text, s.offset)
            citations.append(c)
            label = labels.get(s.hit.chunk.report_id)
            parts.append(f"{label}: {s.text} [{c.n}]" if label else f"{s.text} [{c.n}]")
        return Cited(" ".join(parts), citations)


# Openings that lean on an earlier sentence: a pronoun or a link word as the first word.
_DEPENDENT = re.compile(
    r"^(?:They|Their|Them|These|Those|This|That|It|Its|He|She|His|Her|However|But|And|Also|So|"
    r"Yet|Additionally|Furthermore|Moreover|Consequently|Therefore|Thus|Nevertheless|Similarly|"
    r"Likewise|Again|Such|Both|Instead|Otherwise|Here|There|As\s+a\s+result|In\s+addition|"
    r"Despite\s+this|In\s+turn|As\s+such|Of\s+these|Of\s+those)\b"
)


# "It is clear that…", "There are too many…" stand on their own.
_STANDS_ALONE = re.compile(r"^(?:It|There)\s+(?:is|are|was|were|has|have)\b")


def depends_on_previous(sentence: str) -> bool:
    """Whether a sentence leans on the one before it ("They reported that…", "However, …")."""
    text = sentence.lstrip(" \t\"“‘'(•-–")
    if _STANDS_ALONE.match(text):
        return False
    return bool(_DEPENDENT.match(text))


def _open_independently(
    chosen: list[Sentence], cands: list[Sentence], max_words: int
) -> list[Sentence]:
    if not chosen or not depends_on_previous(chosen[0].text):
        return chosen
    for i, s in enumerate(chosen[1:], 1):
        if not depends_on_previous(s.text):
            return [s, *chosen[:i], *chosen[i + 1 :]]
    first = chosen[0]
    before = [
        c
        for c in cands
        if c.hit.chunk.id == first.hit.chunk.id
        and c.offset < first.offset
        and not any(c is x for x in chosen)
    ]
    if before:
        lead = max(before, key=lambda c: c.offset)
        if not depends_on_previous(lead.text):
            # The sentence it leans on goes first; the last one goes if the answer gets long.
            out = [lead, *chosen]
            while len(out) > 2 and sum(len(s.text.split()) for s in out) > max_words:
                out.pop()
            return out
    return chosen


def _paragraph(s: Sentence) -> tuple[str, int | None, int]:
    chunk = s.hit.chunk
    return chunk.id, chunk.paragraph_at(s.offset), chunk.text.count("\n\n", 0, s.offset)


def report_label(chunk: Chunk) -> str:
    """A report named for people by its place and year: "Norfolk (2022)"."""
    day = chunk.inspection_end or chunk.inspection_start or chunk.published
    place = chunk.subject or chunk.title or chunk.source
    return f"{place} ({day.year})" if day else place


def _report_labels(chunks: list[Chunk]) -> dict[str, str]:
    """Each report's label when the chunks come from more than one report (else none)."""
    reports = {c.report_id: c for c in chunks}
    if len(reports) < 2:
        return {}
    labels = {rid: report_label(c) for rid, c in reports.items()}
    if len(set(labels.values())) < len(labels):  # the same place and year: add the kind
        labels = {rid: f"{labels[rid]} {c.kind or ''}".strip() for rid, c in reports.items()}
    return labels
