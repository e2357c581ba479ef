"""Timeline questions: "How has Birmingham's overall grade changed since 2014?"."""

from __future__ import annotations

from dataclasses import replace

from assistant.catalogue.cites import Cites
from assistant.catalogue.reply import finish
from assistant.catalogue.scope import pool, scope_of, subjects_or_abstain
from assistant.catalogue.store import Catalogue
from assistant.catalogue.wording import lc, none_stated, period_words, possessive, when
from assistant.question import Understood
from assistant.records import Answer
from assistant.route import Route
from assistant.vocabulary import OVERALL


def answer_timeline(catalogue: Catalogue, question: str, u: Understood, route: Route) -> Answer:
    """Answer a timeline question: each subject's grades for a judgement, oldest first.

    Args:
        catalogue: The catalogue.
        question: The question (whitespace collapsed).
        u: How the question was understood (subjects, period).
        route: The route, with the judgement areas asked about.

    Returns:
        One cited sentence per subject and judgement, or an abstention saying what is missing.
    """
    subjects = subjects_or_abstain(question, u)
    if isinstance(subjects, Answer):
        return subjects
    scope = replace(scope_of(u), report_ids=())  # a timeline spans reports
    period = period_words(question)
    span = f" {period}" if period else ""
    cites = Cites(catalogue.report_chunks)
    sentences: list[str] = []
    missing: list[str] = []
    for subject in subjects:
        reports = pool(catalogue, subject, scope)
        if not reports:
            missing.append(f"The catalogue has no {subject} report{span}.")
            continue
        for area in route.areas or [OVERALL]:
            items = []
            ungraded = 0
            for rep in reports:
                j = rep.judgement(area)
                if j is None:
                    ungraded += 1
                    continue
                if len(items) >= catalogue.max_citations:
                    continue
                n = cites.cite_judgement(rep.report_id, j)
                if n is not None:
                    items.append(f"{lc(j.grade)} ({when(rep.record)}) [{n}]")
            if not items:
                missing.append(none_stated(subject, reports, period, area))
                continue
            tail = ""
            if ungraded:
                tail = (
                    f"; {ungraded} other {subject} report{'s' if ungraded > 1 else ''}{span} "
                    f"state{'s' if ungraded == 1 else ''} no such grade"
                )
            what = "overall grade" if area.keys == OVERALL.keys else f"grade for {area.name}"
            sentences.append(
                f"{possessive(subject)} {what}{span}, oldest first: "
                + "; ".join(items)
                + tail
                + "."
            )
            newest = [rep for rep in reports if rep.judgement(area) is not None][-1:]
            if area.keys == OVERALL.keys and newest:
                found = cites.comparison(newest[0].report_id)
                if found:
                    sentences.append(f"The latest says: “{found[0]}” [{found[1]}]")
    return finish(question, u, sentences, missing, cites.citations)


__all__ = ["answer_timeline"]
