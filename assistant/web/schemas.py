"""The requests of the REST API and the MCP tools, as pydantic models (validated on arrival).

Answers are returned in the JSON shapes of the command line (``ask --json``, ``quote --json``,
``reports --json``, ``status --json``), built by the same functions; see ``service``.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_TEXT_CHARS = 1000  # the longest question or quote topic the server takes
MAX_HISTORY = 20  # earlier turns a question may carry
MAX_QUOTES = 20

_SUBJECTS = "Local authority or police force, as named in `GET /api/reports` (one name or a list)."


def _names(value: str | list[str] | None) -> list[str]:
    items = [value] if isinstance(value, str) else list(value or [])
    return [" ".join(v.split()) for v in items if v and v.strip()]


class HistoryContext(BaseModel):
    """What an earlier answer was steered to (its ``context`` object)."""

    model_config = ConfigDict(extra="ignore")

    subjects: list[str] = Field(default_factory=list, max_length=50)
    report_ids: list[str] = Field(default_factory=list, max_length=50)
    date_from: date | None = None
    date_to: date | None = None
    latest: bool = False
    carried: bool = False
    description: str = Field("", max_length=MAX_TEXT_CHARS)


class HistoryTurn(BaseModel):
    """An earlier turn of the conversation: an earlier ``/api/ask`` answer can be passed back
    as it came (fields other than these are ignored)."""

    model_config = ConfigDict(extra="ignore")

    question: str = Field(..., max_length=MAX_TEXT_CHARS)
    answer: str = Field("", max_length=20 * MAX_TEXT_CHARS)
    abstained: bool = False
    context: HistoryContext = Field(default_factory=HistoryContext)


class AskRequest(BaseModel):
    """A question, with optional filters and the conversation so far."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        ...,
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description="The question.",
        examples=["How well are care leavers supported in Norfolk?"],
    )
    subject: str | list[str] | None = Field(None, description=_SUBJECTS)
    inspectorate: str | list[str] | None = Field(
        None, description="Inspectorate (Ofsted, HMIC), one or a list."
    )
    report: str | None = Field(
        None, max_length=200, description="Only this report (a `report_id` from `/api/reports`)."
    )
    date_from: date | None = Field(None, description="Inspections ending on or after this day.")
    date_to: date | None = Field(None, description="Inspections starting on or before this day.")
    kind: str | None = Field(
        None,
        max_length=100,
        description="Only reports of this kind: e.g. inspection, focused visit, area SEND "
        "inspection, JTAI, joint inspection, PEEL.",
    )
    history: list[HistoryTurn] = Field(
        default_factory=list,
        max_length=MAX_HISTORY,
        description="Earlier answers of the conversation, oldest first: follow-up questions "
        "carry their subject, report and period.",
    )

    @field_validator("subject", "inspectorate")
    @classmethod
    def _short_names(cls, value: str | list[str] | None) -> str | list[str] | None:
        if any(len(v) > 200 for v in _names(value)) or len(_names(value)) > 50:
            raise ValueError("at most 50 names of at most 200 characters")
        return value

    @property
    def subjects(self) -> list[str]:
        """The subject filter as a list."""
        return _names(self.subject)

    @property
    def inspectorates(self) -> list[str]:
        """The inspectorate filter as a list."""
        return _names(self.inspectorate)


class QuoteRequest(BaseModel):
    """A topic to find quotes about."""

    model_config = ConfigDict(extra="forbid")

    topic: str = Field(
        ...,
        min_length=1,
        max_length=MAX_TEXT_CHARS,
        description="What the quotes should be about.",
        examples=["care leavers' accommodation"],
    )
    subject: str | None = Field(
        None, max_length=200, description="Local authority or police force (any usual name)."
    )
    report: str | None = Field(
        None, max_length=500, description="Only this report (a report id or source path)."
    )
    k: int = Field(5, ge=1, le=MAX_QUOTES, description="How many quotes.")
    kind: str | None = Field(
        None,
        max_length=100,
        description="Only reports of this kind: e.g. inspection, focused visit, area SEND "
        "inspection, JTAI, joint inspection, PEEL.",
    )


class ReportsQuery(BaseModel):
    """Filters of the catalogue of reports (the options of ``reports``)."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(None, max_length=200, description="Local authority or force.")
    grade: str | None = Field(
        None, max_length=100, description="e.g. inadequate, good, 'requires improvement'."
    )
    judgement: str | None = Field(
        None, max_length=100, description="e.g. overall, leadership, care leavers."
    )
    date_from: date | None = Field(None, description="Inspected on or after this day.")
    date_to: date | None = Field(None, description="Inspected on or before this day.")
    kind: str | None = Field(
        None,
        max_length=100,
        description="Only reports of this kind: e.g. inspection, focused visit, area SEND "
        "inspection, JTAI, joint inspection, PEEL.",
    )


class RescanRequest(BaseModel):
    """An admin's request to index what changed in the reports folder."""

    model_config = ConfigDict(extra="forbid")

    prune: bool = Field(False, description="Also remove reports whose files are gone.")
    yes: bool = Field(
        False,
        description="With `prune`: remove them even when that is more than a fifth of the "
        "index (otherwise such a prune is refused with 409 and nothing is changed).",
    )
