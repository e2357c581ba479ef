"""The catalogue: reports with their graded judgements, and the structured questions it answers.

``Catalogue`` (built once per index generation, see ``Assistant.catalogue``) gives the live
reports as typed records: ``list_reports`` and ``report`` back ``inspection-assistant reports``
(as JSON through ``report_json``), ``timeline`` a per-authority series for a chart
(``timeline_json``). ``answer_from_catalogue`` answers grade, list, timeline and "what needs to
improve" questions in ``ask`` and the chat.

Every grade or point an answer states is cited with a quote that is verbatim in a stored chunk
of its report (see :mod:`assistant.catalogue.cites`); an item whose quote no chunk holds is left
out rather than shown unverified. A structured question the catalogue cannot answer gets a plain
abstention saying what is missing, not a retrieval answer from other reports.

Which questions come here is decided by :mod:`assistant.route`; the answer writers take its
``Route``. The modules:

* ``records``: ``CatalogueReport``, ``TimelinePoint`` and ``Absence`` (why no grade is stated);
* ``store``: ``Catalogue``, the one reader of the manifest (and of ingest's notes);
* ``export``: the JSON of the command line, the REST API and the web app;
* ``cites``: verbatim quotes in stored chunks and the citations of one answer;
* ``scope``, ``wording``, ``reply``: what a question is limited to, how answers word things,
  and the ``Answer`` they return;
* ``answers_grade``, ``answers_list``, ``answers_timeline``, ``answers_improve``: one answer
  writer per kind of structured question.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.catalogue.answers_grade import answer_grade
from assistant.catalogue.answers_improve import answer_improve
from assistant.catalogue.answers_list import answer_list
from assistant.catalogue.answers_timeline import answer_timeline
from assistant.catalogue.cites import find_verbatim
from assistant.catalogue.export import report_json, timeline_json
from assistant.catalogue.records import Absence, CatalogueReport, TimelinePoint, report_date
from assistant.catalogue.store import Catalogue, absences_of
from assistant.question import Understood
from assistant.records import Answer
from assistant.route import Route, RouteKind

log = logging.getLogger("inspection_assistant.catalogue")

_WRITERS: dict[RouteKind, Callable[[Catalogue, str, Understood, Route], Answer]] = {
    RouteKind.GRADE: answer_grade,
    RouteKind.LIST: answer_list,
    RouteKind.TIMELINE: answer_timeline,
    RouteKind.IMPROVE: answer_improve,
}


def answer_from_catalogue(
    catalogue: Catalogue, question: str, understood: Understood, route: Route
) -> Answer | None:
    """Answer a structured question from the catalogue, or None to use normal retrieval.

    Structured questions: a grade ("What grade did Croydon get for leadership in 2017?"), a
    list across reports ("Which councils were judged inadequate overall in 2023?"), a timeline
    ("How has Birmingham's overall grade changed since 2014?") and improvement points ("What
    does the latest Norfolk report say needs to improve?").

    Args:
        catalogue: The catalogue of the index's current generation.
        question: The question (whitespace collapsed).
        understood: ``Assistant.understand(question, ...)``: subjects, period, latest.
        route: ``Assistant.route(question, understood)``: which kind of question, and its
            judgement areas, grade and councils or forces.

    Returns:
        An ``Answer`` with ``mode="catalogue"`` and a verified citation for every stated grade
        or point (``abstained`` with a sentence saying what is missing when the catalogue
        cannot answer), or None when the question is not structured.
    """
    if not question or not question.strip():
        return None
    writer = _WRITERS.get(route.kind)
    if writer is None:
        return None
    try:
        return writer(catalogue, question, understood, route)
    except Exception:  # a catalogue fault must not break ``ask``: retrieval answers instead
        log.exception("catalogue answer failed for %r", question)
        return None


__all__ = [
    "Absence",
    "Catalogue",
    "CatalogueReport",
    "TimelinePoint",
    "absences_of",
    "answer_from_catalogue",
    "find_verbatim",
    "report_date",
    "report_json",
    "timeline_json",
]
