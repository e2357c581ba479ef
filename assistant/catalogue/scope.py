"""What a structured question is limited to, and which of a subject's reports it means."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.catalogue.records import CatalogueReport, sort_key
from assistant.catalogue.reply import abstain
from assistant.catalogue.store import Catalogue, in_period
from assistant.question import Understood
from assistant.records import Answer
from assistant.route_words import all_subjects

EARLIEST = re.compile(r"\b(?:earliest|first|oldest)\b", re.I)
CURRENT = re.compile(r"\b(?:are|is|currently|current|now|latest|most\s+recent)\b", re.I)
PREVIOUS = re.compile(r"\b(?:previous|prior|preceding|last\s+but\s+one)\b", re.I)


@dataclass(frozen=True)
class Scope:
    """What a question is limited to: from the question, the conversation or the user's filters.

    Attributes:
        subjects: Canonical subject names.
        report_ids: A report carried from an earlier turn or picked in the filters.
        start: The period's first day, or None.
        end: The period's last day, or None.
    """

    subjects: tuple[str, ...]
    report_ids: tuple[str, ...]
    start: date | None
    end: date | None


def scope_of(u: Understood) -> Scope:
    """The scope of an understood question."""
    ctx, f = u.context, u.filters
    chosen: tuple[str, ...] = ()
    if ctx.carried and ctx.report_ids:
        chosen = ctx.report_ids
    elif f.report_ids and tuple(f.report_ids) != tuple(ctx.report_ids):
        chosen = tuple(f.report_ids)  # the user picked reports in the filters
    return Scope(
        subjects=tuple(ctx.subjects or f.subjects),
        report_ids=chosen,
        start=ctx.date_from or f.date_from,
        end=ctx.date_to or f.date_to,
    )


def pool(catalogue: Catalogue, subject: str, scope: Scope) -> list[CatalogueReport]:
    """A subject's live reports within the scope, oldest first."""
    mine = [r for r in catalogue.live_reports() if r.subject == subject]
    if scope.report_ids:
        mine = [r for r in mine if r.report_id in scope.report_ids]
    else:
        mine = [r for r in mine if in_period(r, scope.start, scope.end, True)]
    return [catalogue.report(r) for r in sorted(mine, key=sort_key)]


def with_previous(
    catalogue: Catalogue, subject: str, reports: list[CatalogueReport]
) -> list[CatalogueReport]:
    """The reports with the subject's graded report before the earliest of them put first."""
    first = sort_key(reports[0].record)
    earlier = [
        r
        for r in sorted(catalogue.live_reports(), key=sort_key)
        if r.subject == subject and sort_key(r) < first
    ]
    graded = [rep for r in earlier if (rep := catalogue.report(r)).judgements]
    return graded[-1:] + reports


def subjects_or_abstain(question: str, u: Understood) -> list[str] | Answer:
    """The subjects a question is about, or the abstention saying the catalogue has none."""
    subjects = scope_of(u).subjects
    if subjects:
        return list(subjects)
    named = all_subjects().find_in(question)
    if named:
        return abstain(question, u, f"The catalogue has no {named[0]} report.")
    return abstain(
        question,
        u,
        "The question does not name a local authority or police force the catalogue holds.",
    )


def which_report(question: str, u: Understood) -> str | None:
    """ "previous", "earliest" or "latest" report asked for, or None."""
    if PREVIOUS.search(question):
        return "previous"
    if EARLIEST.search(question) and not u.context.latest:
        return "earliest"
    return "latest" if u.context.latest else None


def choose(graded: list[CatalogueReport], which: str | None, period: bool) -> list[CatalogueReport]:
    """The reports an answer states: the one asked for, or every one of a period."""
    graded = sorted(graded, key=lambda rep: sort_key(rep.record))
    if which == "earliest":
        return graded[:1]
    if which == "previous":
        return graded[-2:-1]
    if which == "latest" or not period:
        return graded[-1:]
    return graded


def label(
    rep: CatalogueReport,
    chosen: list[CatalogueReport],
    which: str | None,
    among: list[CatalogueReport],
) -> str:
    """ "latest graded " when one report of several (``among``) was picked, else ""."""
    if len(chosen) == 1 and len(among) > 1:
        if which in ("previous", "earliest"):
            return f"{which} graded "
        if which == "latest" or rep is among[-1]:
            return "latest graded "
    return ""


__all__ = [
    "CURRENT",
    "Scope",
    "choose",
    "label",
    "pool",
    "scope_of",
    "subjects_or_abstain",
    "with_previous",
    "which_report",
]
