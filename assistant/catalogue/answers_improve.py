"""Improvement questions: "What does the latest Norfolk report say needs to improve?"."""

from __future__ import annotations

import re

from assistant.catalogue.cites import Cites
from assistant.catalogue.records import CatalogueReport
from assistant.catalogue.reply import finish
from assistant.catalogue.scope import pool, scope_of, subjects_or_abstain, which_report
from assistant.catalogue.store import Catalogue
from assistant.catalogue.wording import period_words, when
from assistant.question import Understood
from assistant.records import Answer
from assistant.route import Route


def point_text(point: str, words: int = 30) -> str:
    """A point as shown in the answer: its first sentence, without the full stop, at most
    ``words`` words (the citation holds it whole)."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", point, maxsplit=1)
    text = first[0]
    cut = len(first) > 1
    ws = text.split()
    if len(ws) > words:
        text = " ".join(ws[:words])
        cut = True
    text = text.rstrip(" .,;:")
    return text + ("…" if cut else "")


# The points asked for by their own name: listed whole even when none is on the question's topic.
_POINTS_NAMED = re.compile(
    r"\b(?:priority\s+actions?|areas?\s+for\s+(?:priority\s+)?(?:action|improvement)|"
    r"recommendations?|improvement\s+(?:points|areas|priorities|actions))\b",
    re.I,
)


def _stem(word: str) -> str:
    return word.lower().replace("\u2019", "'").removesuffix("'s")[:6]


# Words nearly every point holds: no topic of their own.
_EVERYWHERE = {
    _stem(w)
    for w in (
        "children",
        "young",
        "people",
        "services",
        "local",
        "authority",
        "social",
        "families",
        "family",
        "practice",
        "workers",
        "improve",
        "improvement",
    )
}


def on_topic(points: list[str], topic: tuple[str, ...]) -> list[str]:
    """The points that name a word of the topic (compared by their first six letters); two
    words when the topic has three or more ("how the screening team records backgrounds" is
    not answered by a point that only shares "records")."""
    stems = {_stem(w) for w in topic if len(w) >= 4} - _EVERYWHERE
    if not stems:
        return []
    need = 1 if len(stems) < 3 else 2
    return [p for p in points if len(stems & {_stem(w) for w in re.findall(r"[\w’']+", p)}) >= need]


def _none_listed(subject: str, reports: list[CatalogueReport], which: str | None, span: str) -> str:
    if len(reports) == 1 or which == "latest":
        return f"The {subject} report ({when(reports[-1].record)}) does not list what needs to improve."
    return f"None of the {len(reports)} {subject} reports{span} lists what needs to improve."


def _points_sentence(
    cites: Cites,
    subject: str,
    rep: CatalogueReport,
    reports: list[CatalogueReport],
    which: str | None,
    limit: int,
    points: list[str] | None = None,
) -> str | None:
    """ "The latest Norfolk report (…) says these need to improve: “…” [1]; …", or None when no
    point is found verbatim in a stored chunk."""
    points = rep.improvements if points is None else points
    words = 30 if len(points) <= 5 else 15
    items = []
    for p in points:
        if len(items) >= limit:
            break
        n = cites.cite(rep.report_id, p, one_paragraph=True)
        if n is not None:
            # The words shown are the cited quote's own (a point may run over list items).
            items.append(f"“{point_text(cites.citations[n - 1].quote, words)}” [{n}]")
    if not items:
        return None
    more = len(points) - len(items)
    label, verb = "", "says these need to improve"
    if len(reports) > 1:
        label = f"{which or 'latest'} "
        extreme = reports[0] if which == "earliest" else reports[-1]
        if which != "previous" and rep is not extreme:
            label, verb = f"{which or 'latest'} ", "lists these points to improve"
            label += f"{subject} report that lists what needs to improve"
    name = label if label.endswith("improve") else f"{label}{subject} report"
    tail = f"; and {more} more point{'s' if more > 1 else ''} not shown" if more > 0 else ""
    return f"The {name} ({when(rep.record)}) {verb}: " + "; ".join(items) + tail + "."


def answer_improve(catalogue: Catalogue, question: str, u: Understood, route: Route) -> Answer:
    """Answer an improvement question: the points a subject's report says need to improve.

    Args:
        catalogue: The catalogue.
        question: The question (whitespace collapsed).
        u: How the question was understood (subjects, period, latest).
        route: The route; its topic narrows the points to those on the topic.

    Returns:
        One sentence per subject quoting its report's points, each cited, or an abstention
        saying what is missing (also when the question has a topic of its own that no point
        is about, so that the passages may answer it).
    """
    subjects = subjects_or_abstain(question, u)
    if isinstance(subjects, Answer):
        return subjects
    scope = scope_of(u)
    period = period_words(question)
    span = f" {period}" if period else ""
    which = which_report(question, u)
    cites = Cites(catalogue.report_chunks)
    sentences: list[str] = []
    missing: list[str] = []
    for subject in subjects:
        reports = pool(catalogue, subject, scope)
        if not reports:
            missing.append(f"The catalogue has no {subject} report{span}.")
            continue
        listed = [rep for rep in reports if rep.improvements]
        if not listed:
            missing.append(_none_listed(subject, reports, which, span))
            continue
        if which == "previous" and len(listed) < 2:
            missing.append(
                f"The catalogue has no {subject} report before the latest one that "
                "lists what needs to improve."
            )
            continue
        if which == "earliest":
            rep = listed[0]
        elif which == "previous":
            rep = listed[-2]
        else:
            rep = listed[-1]
        points = rep.improvements
        if route.topic:
            mine = on_topic(points, route.topic)
            if mine:
                points = mine + [p for p in points if p not in mine]
                if not _POINTS_NAMED.search(question):
                    points = mine
            elif not _POINTS_NAMED.search(question):
                missing.append(
                    f"No point the {subject} report ({when(rep.record)}) lists is about "
                    f"{' '.join(route.topic)}."
                )
                continue
        said = _points_sentence(
            cites, subject, rep, reports, which, catalogue.max_citations, points
        )
        if said is not None:
            sentences.append(said)
    return finish(question, u, sentences, missing, cites.citations)


__all__ = ["answer_improve", "point_text"]
