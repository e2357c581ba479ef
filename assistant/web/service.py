"""The calls behind the REST API and the MCP tools, answering in the command line's JSON.

Each returns exactly what the matching command prints with ``--json``, built by the same
function: ``answer_json`` (``ask``), ``quote_json`` (``quote``), ``report_json`` (``reports``)
and ``index_status`` (``status``). At most ``limit`` calls that run the model run at once (the
page's own questions wait in Gradio's queue instead).
"""

from __future__ import annotations

import threading

from assistant.catalogue import report_json
from assistant.core import Assistant
from assistant.jsonio import answer_json, quote_json
from assistant.kinds import recorded_kinds
from assistant.records import Answer, Context
from assistant.status import index_status
from assistant.web.schemas import AskRequest, HistoryTurn, QuoteRequest, ReportsQuery
from vectorstore.records import Filters


def _earlier(turn: HistoryTurn) -> Answer:
    """An earlier turn as the ``Answer`` the assistant reads a conversation from."""
    c = turn.context
    context = Context(
        subjects=tuple(c.subjects),
        report_ids=tuple(c.report_ids),
        date_from=c.date_from,
        date_to=c.date_to,
        latest=c.latest,
        carried=c.carried,
        description=c.description,
    )
    return Answer(turn.question, turn.answer, turn.abstained, context=context)


class Service:
    """The assistant's answers as JSON, for callers other than the page.

    Args:
        assistant: The served assistant.
        limit: How many questions or quote searches run at once.
    """

    def __init__(self, assistant: Assistant, limit: int = 2) -> None:
        self.assistant = assistant
        self._slots = threading.BoundedSemaphore(max(1, limit))

    def _kinds(self, kind: str | None) -> tuple[str, ...]:
        """The recorded kinds a kind filter means; one no report is of matches nothing."""
        if not kind:
            return ()
        return recorded_kinds(kind, self.assistant.resolver.kinds) or (kind,)

    def ask(self, req: AskRequest) -> dict:
        """The ``ask --json`` object for the question, its filters and its conversation."""
        filters = Filters(
            subjects=tuple(req.subjects),
            inspectorates=tuple(req.inspectorates),
            report_ids=(req.report,) if req.report else (),
            date_from=req.date_from,
            date_to=req.date_to,
            kinds=self._kinds(req.kind),
        )
        history = [_earlier(t) for t in req.history] or None
        with self._slots:
            answer = self.assistant.ask(req.question, history=history, filters=filters)
        return answer_json(answer)

    def quote(self, req: QuoteRequest) -> dict:
        """The ``quote --json`` object: ranked verbatim quotes with paste-ready citations."""
        with self._slots:
            quotes = self.assistant.quote(
                req.topic,
                subject=req.subject or None,
                report=req.report or None,
                k=req.k,
                filters=Filters(kinds=self._kinds(req.kind)),
            )
        return {"topic": req.topic, "quotes": [quote_json(q) for q in quotes]}

    def reports(self, query: ReportsQuery) -> list[dict]:
        """The ``reports --json`` list.

        Raises:
            ValueError: An unknown grade or judgement.
        """
        catalogue = self.assistant.catalogue
        rows = catalogue.list_reports(
            subject=query.subject or None,
            grade=query.grade or None,
            judgement=query.judgement or None,
            date_from=query.date_from,
            date_to=query.date_to,
            kind=query.kind or None,
        )
        return [report_json(catalogue.report(r)) for r in rows]

    def status(self) -> dict:
        """The ``status --json`` object of the served index."""
        return index_status(self.assistant.settings).as_dict()
