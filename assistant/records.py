"""Typed records that leave the assistant: citations, answers, quotes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum

from assistant.spelling import Correction
from vectorstore.records import Filters, Hit


@dataclass(frozen=True)
class Citation:
    """A verified verbatim quote and where it stands.

    Attributes:
        n: The marker number used in the answer text ([n]).
        chunk_id: The chunk the quote comes from.
        report_id: The report the quote comes from.
        source: Path relative to the ingest root.
        title: Report title.
        subject: Local authority or police force.
        inspectorate: Inspectorate.
        inspection_date: Human-readable inspection dates ("7 to 18 November 2022").
        page: Printed page number where the quote stands.
        pdf_page: 1-based page index in the file (to open the file at that page).
        paragraph: The report's paragraph number, if any.
        section: Section heading, if any.
        quote: The verbatim words (checked against the stored text).
        passage: The whole stored passage the quote sits in.
        line: A paste-ready citation line (ending with the public link when there is one).
        url: The public link of the report (where its source published it), or None.
    """

    n: int
    chunk_id: str
    report_id: str
    source: str
    title: str | None
    subject: str | None
    inspectorate: str | None
    inspection_date: str | None
    page: int
    pdf_page: int
    paragraph: int | None
    section: str | None
    quote: str
    passage: str
    line: str
    url: str | None = None


@dataclass(frozen=True)
class Context:
    """What a question was steered to: from the question itself or carried from earlier turns.

    Attributes:
        subjects: Subjects the search was limited to.
        report_ids: Reports the search was limited to.
        date_from: Start of the period.
        date_to: End of the period.
        latest: True when the question asked for the newest report.
        carried: True when any of this came from an earlier turn.
        description: Human-readable summary ("Norfolk, 2022"), with any place name read from
            a near spelling ("read “Cornwal” as Cornwall").
        corrections: Words of the question read as the place they nearly spell, or asked
            about when they could be several.
    """

    subjects: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    latest: bool = False
    carried: bool = False
    description: str = ""
    corrections: tuple[Correction, ...] = ()


class AbstainReason(StrEnum):
    """Why a question is declined: one policy decides, each reason has its own wording."""

    EMPTY_QUESTION = "empty_question"
    SUBJECT_NOT_INDEXED = "subject_not_indexed"
    PERIOD_NOT_COVERED = "period_not_covered"
    KIND_NOT_HELD = "kind_not_held"
    ENTITY_NOT_FOUND = "entity_not_found"
    WEAK_EVIDENCE = "weak_evidence"
    FIGURE_NOT_STATED = "figure_not_stated"
    PERSON_NOT_NAMED = "person_not_named"
    NOT_IN_CATALOGUE = "not_in_catalogue"
    OPINION = "opinion"


@dataclass(frozen=True)
class Abstention:
    """A question the indexed reports don't answer, and why.

    Attributes:
        reason: The decision's reason.
        message: The sentence shown to the user (what is missing, what the index holds).
        missing: What the question names that the index does not hold (names, periods, kinds).
    """

    reason: AbstainReason
    message: str
    missing: tuple[str, ...] = ()


class SearchFallbackReason(StrEnum):
    """Why a question was searched with less than the whole index."""

    STORE_UNAVAILABLE = "store_unavailable"


@dataclass(frozen=True)
class SearchFallback:
    """The question was searched by keywords only: the vector store could not answer.

    Attributes:
        reason: Why.
        message: The sentence shown to the user.
    """

    reason: SearchFallbackReason
    message: str


KEYWORD_ONLY = SearchFallback(
    SearchFallbackReason.STORE_UNAVAILABLE,
    "The vector store is not available just now, so this answer comes from keyword search "
    "alone and may miss passages that say the same in other words.",
)


@dataclass
class Answer:
    """An answer with numbered citations, or an abstention with the closest matches.

    Attributes:
        question: The question as asked.
        text: Answer text with [n] markers.
        abstained: True when the indexed reports do not answer the question.
        citations: Verified citations, numbered as in the text.
        passages: The retrieved passages in rank order (also when abstaining).
        context: Subject, report and period the question was steered to.
        filters: Filters applied to the search.
        mode: "extractive", "catalogue" or "llm".
        notice: A message for the user (e.g. an LLM fallback), if any.
        timings_ms: retrieve, answer and total in milliseconds.
        abstention: Why the question was declined (None when answered).
        search_fallback: Set when the passages were found by keyword search alone.
    """

    question: str
    text: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    passages: list[Hit] = field(default_factory=list)
    context: Context = field(default_factory=Context)
    filters: Filters = field(default_factory=Filters)
    mode: str = "extractive"
    notice: str | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    abstention: Abstention | None = None
    search_fallback: SearchFallback | None = None

    def citation_dicts(self) -> list[dict]:
        """Citations as plain dicts (for JSON)."""
        return [asdict(c) for c in self.citations]


@dataclass(frozen=True)
class Quote:
    """A verbatim quote for a press officer, ranked.

    Attributes:
        rank: 1-based rank.
        citation: The verified citation (its ``line`` is the paste-ready text).
        score: Relevance score.
    """

    rank: int
    citation: Citation
    score: float


@dataclass(frozen=True)
class Understood:
    """A question made explicit.

    Attributes:
        question: The question as asked.
        context: The subject, reports and period it was steered to.
        filters: The search filters that follow (user filters merged in).
        abstention: Set when the steering leaves nothing to search (e.g. no Norfolk report of
            2031): the assistant then says so instead of answering from other reports.
        newest: When a question names a subject but no period or report, the subject's newest
            report (per subject): ranked a little higher, as "what do inspectors say" means now.
        spoken_of: Forces the question names that no report is about but indexed reports
            may speak of: answered only from passages that name them.
    """

    question: str
    context: Context
    filters: Filters
    abstention: Abstention | None = None
    newest: tuple[str, ...] = ()
    spoken_of: tuple[str, ...] = ()
