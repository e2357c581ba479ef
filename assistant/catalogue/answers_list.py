"""List questions across reports: "Which councils were judged inadequate overall in 2023?"."""

from __future__ import annotations

from assistant.catalogue.cites import Cites
from assistant.catalogue.records import TimelinePoint, sort_key
from assistant.catalogue.reply import abstain, finish
from assistant.catalogue.scope import CURRENT, scope_of
from assistant.catalogue.store import Catalogue, in_period
from assistant.catalogue.wording import lc, period_words, when
from assistant.question import Understood
from assistant.records import Answer
from assistant.route import Route
from assistant.vocabulary import GRADE_NAMES, OVERALL
from ingest.subjects import is_police_force


def _point_key(p: TimelinePoint) -> tuple:
    return sort_key(p.record)


def answer_list(catalogue: Catalogue, question: str, u: Understood, route: Route) -> Answer:
    """Answer a list question: the reports stating a grade (or any grade) for a judgement.

    Args:
        catalogue: The catalogue.
        question: The question (whitespace collapsed).
        u: How the question was understood (subjects, period, latest).
        route: The route, with the judgement area, the grade and councils or forces.

    Returns:
        One cited sentence listing the reports (at most ``catalogue.max_citations`` cited, the rest
        counted), or an abstention saying no report records it.
    """
    area = route.areas[0] if route.areas else OVERALL
    scope = scope_of(u)
    period = period_words(question, "in")
    span = f" {period}" if period else ""
    recs = [r for r in catalogue.live_reports() if in_period(r, scope.start, scope.end, True)]
    if scope.subjects:
        recs = [r for r in recs if r.subject in scope.subjects]
    if scope.report_ids:
        recs = [r for r in recs if r.report_id in scope.report_ids]
    if route.police is not None:
        recs = [r for r in recs if bool(r.subject and is_police_force(r.subject)) == route.police]
    noun = {True: "police force", False: "local authority"}.get(route.police, "")
    if not recs:
        return abstain(
            question, u, f"The catalogue has no {noun + ' ' if noun else ''}report{span}."
        )
    what = "overall" if area.keys == OVERALL.keys else f"for {area.name}"
    stated = catalogue.points(sorted(recs, key=sort_key), area)
    # "Which councils are rated inadequate?": each one's latest graded report only.
    current = u.context.latest or (
        not (scope.start or scope.end) and CURRENT.search(question) is not None
    )
    if current:
        newest = {p.record.subject: p for p in stated}  # sorted oldest first: the last wins
        stated = sorted(newest.values(), key=_point_key)
        span = f"{span} in the latest graded report"
    hits = [p for p in stated if route.grade is None or p.judgement.grade_key == route.grade]
    if not hits:
        grade = f"a grade of {GRADE_NAMES[route.grade]}" if route.grade else "a grade"
        return abstain(
            question,
            u,
            f"No {noun + ' ' if noun else ''}report in the catalogue{span} records {grade} {what}.",
        )
    cites = Cites(catalogue.report_chunks)
    items = []
    over = 0
    for p in hits:
        if len(items) >= catalogue.max_citations:
            over += 1
            continue
        r, j = p.record, p.judgement
        n = cites.cite_judgement(r.report_id, j)
        if n is None:
            continue  # no stored chunk holds the statement verbatim: not shown
        grade = "" if route.grade else f": {lc(j.grade)}"
        items.append(f"{r.subject or r.source} ({when(r)}){grade} [{n}]")
    if not items:
        return finish(question, u, [], [], cites.citations)
    count = len(items) + over
    reports = f"{count} report{'s' if count != 1 else ''}"
    if route.grade:
        lead = f"Judged {GRADE_NAMES[route.grade]} {what}{span} ({reports}): "
    else:
        lead = f"Grades {what}{span} ({reports}): "
    tail = f"; and {over} more not cited here" if over else ""
    return finish(question, u, [lead + "; ".join(items) + tail + "."], [], cites.citations)


__all__ = ["answer_list"]
