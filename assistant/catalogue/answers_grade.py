"""Grade questions: "What grade did Croydon get for leadership in 2017?"."""

from __future__ import annotations

import re

from assistant.catalogue.cites import Cites
from assistant.catalogue.records import UNGRADED_KINDS, Absence, CatalogueReport
from assistant.catalogue.reply import finish
from assistant.catalogue.scope import (
    choose,
    label,
    pool,
    scope_of,
    subjects_or_abstain,
    which_report,
    with_previous,
)
from assistant.catalogue.store import Catalogue
from assistant.catalogue.wording import lc, none_stated, period_words, possessive, when
from assistant.kinds import kind_of
from assistant.question import Understood
from assistant.records import Answer
from assistant.route import Route
from assistant.vocabulary import OVERALL
from ingest.chunking import sentence_spans
from ingest.records import Judgement

_NO_PREVIOUS = "The catalogue has no {} report before the latest graded one."


# "Did Coventry get out of inadequate?", "is it no longer inadequate?": the answer is yes when
# the grade is another than the one named.
_AWAY_FROM = re.compile(
    r"\b(?:(?:get|got|gets|getting|come|came|climb(?:ed)?|move[ds]?|moving|step(?:ped)?|"
    r"emerge[ds]?|lift(?:ed)?|break|broke|pull(?:ed)?)\s+(?:out\s+of|up\s+from|away\s+from|off|"
    r"beyond|above)|escape[ds]?|shake|shook|shed|leave|left\s+behind|no\s+longer|not\s+still)\b",
    re.I,
)


def _grade_sentence(
    rep: CatalogueReport,
    j: Judgement,
    n: int,
    asked: str | None,
    subject: str,
    label: str,
    away: bool = False,
) -> str:
    """ "In Croydon's inspection of …, the impact of leaders was judged good [1]."; with a grade
    asked about, led by "Yes: " or "No: " (``away``: the question asks whether the grade left
    the one named)."""
    judgement = j.judgement
    grade = lc(j.grade)
    if j.grade_key == "requires_improvement":
        grade = re.sub(r"^require\b", "requires", grade)  # "judged to require improvement"
    if j.grade_key is None and len(j.grade.split()) > 4:
        # An outcome statement: the report's own sentence is the verdict.
        text = f"In {possessive(subject)} {label}{when(rep.record)}, the outcome was: “{j.grade}” [{n}]."
        return text
    if judgement.endswith("?"):
        body = f"“{judgement}” was graded {grade}"
    else:
        verb = "were" if re.match(r"children['\u2019]s\s+services\b", judgement, re.I) else "was"
        judged = "" if re.search(r"\bjudgement\b", judgement, re.I) else " judged"
        body = f"{lc(judgement)} {verb}{judged} {grade}"
    lead = ""
    if asked is not None:
        lead = "Yes: " if (j.grade_key == asked) != away else "No: "
    text = f"In {possessive(subject)} {label}{when(rep.record)}, {body} [{n}]."
    return lead + (text[0].lower() + text[1:] if lead else text)


# A question weighing a grade against the one before: "did Croydon get out of inadequate?",
# "did Lambeth improve on its previous grade?", "is Sandwell still inadequate?".
_AGAINST_BEFORE = re.compile(
    r"\b(?:previous(?:ly)?|before|last\s+time|still|again|since|moved\s+on|improve[ds]?\s+on|"
    r"changed?|compared?|same\s+as)\b",
    re.I,
)


def _comparison(cites: Cites, rep: CatalogueReport) -> str | None:
    """ "The report says: “Services … have improved since the last inspection …” [2]"."""
    found = cites.comparison(rep.report_id)
    return f"The report says: “{found[0]}” [{found[1]}]" if found else None


def _not_graded(cites: Cites, rep: CatalogueReport, subject: str) -> str | None:
    """ "The Trafford focused visit (…) is not graded [1].", citing where the report says what
    kind of visit it is; None when no stored sentence says so."""
    kind = kind_of(rep.record)
    rx = re.compile(kind.replace(" ", r"\s+"), re.I)
    for ch in cites.chunks(rep.report_id):
        for a, b in sentence_spans(ch.text):
            if rx.search(ch.text[a:b]):
                n = cites.cite(rep.report_id, ch.text[a:b])
                if n is not None:
                    return (
                        f"{possessive(subject)} {when(rep.record)} was a {kind}: {kind}s are not "
                        f"graded, so it gives no grade [{n}]."
                    )
    return None


def _all_grades(
    cites: Cites,
    subject: str,
    chosen: list[CatalogueReport],
    which: str | None,
    among: list[CatalogueReport],
) -> list[str]:
    """One sentence per chosen report listing every grade it states, each cited."""
    sentences = []
    for rep in chosen:
        items = []
        for j in rep.judgements:
            n = cites.cite_judgement(rep.report_id, j)
            if n is not None:
                items.append(f"{lc(j.judgement)}: {lc(j.grade)} [{n}]")
        if items:
            sentences.append(
                f"{possessive(subject)} {label(rep, chosen, which, among)}"
                f"{when(rep.record)} stated these grades: " + "; ".join(items) + "."
            )
    return sentences


def answer_grade(catalogue: Catalogue, question: str, u: Understood, route: Route) -> Answer:
    """Answer a grade question: each subject's grade for each judgement asked about.

    Args:
        catalogue: The catalogue.
        question: The question (whitespace collapsed).
        u: How the question was understood (subjects, period, latest).
        route: The route, with the judgement areas and the grade asked about.

    Returns:
        The answer: one cited sentence per grade stated, what is missing as its notice (or an
        abstention saying what is missing).
    """
    subjects = subjects_or_abstain(question, u)
    if isinstance(subjects, Answer):
        return subjects
    scope = scope_of(u)
    has_period = bool(scope.start or scope.end or scope.report_ids)
    period = period_words(question)
    which = which_report(question, u)
    cites = Cites(catalogue.report_chunks)
    sentences: list[str] = []
    missing: list[str] = []
    areas = route.areas or [OVERALL]
    for subject in subjects:
        reports = pool(catalogue, subject, scope)
        which_here = which
        if which == "previous" and has_period and reports:
            # "did Lambeth improve on its previous grade in the report of December 2022": that
            # report and the graded one before it, both stated.
            reports = with_previous(catalogue, subject, reports)
            which_here = None
        if not reports:
            missing.append(
                f"The catalogue has no {subject} report{' ' + period if period else ''}."
            )
            continue
        if not any(rep.judgements for rep in reports) and all(
            kind_of(rep.record) in UNGRADED_KINDS or rep.absence(OVERALL) is Absence.NOT_GRADED_KIND
            for rep in reports
        ):
            said = _not_graded(cites, reports[-1], subject)
            if said:
                sentences.append(said)
                continue
        # A report graded by area only (a PEEL assessment) answers an unspecified grade question
        # with every area's grade.
        by_area_only = (
            not route.areas
            and any(rep.judgements for rep in reports)
            and not any(rep.judgement(OVERALL) for rep in reports)
        )
        if route.all_judgements or by_area_only:
            graded = [rep for rep in reports if rep.judgements]
            if not graded:
                missing.append(none_stated(subject, reports, period, None))
                continue
            chosen = choose(graded, which_here, has_period)
            if not chosen:
                missing.append(_NO_PREVIOUS.format(subject))
            sentences += _all_grades(cites, subject, chosen, which_here, reports)
            continue
        for area in areas:
            stated = [(rep, j) for rep in reports if (j := rep.judgement(area)) is not None]
            if not stated:
                missing.append(none_stated(subject, reports, period, area))
                continue
            among = [rep for rep, _ in stated]
            picked = choose(among, which_here, has_period)
            if not picked:
                missing.append(_NO_PREVIOUS.format(subject))
            for rep in picked:
                j = next(j for other, j in stated if other is rep)
                n = cites.cite_judgement(rep.report_id, j)
                if n is None:
                    continue  # no stored chunk holds the statement verbatim: not shown
                named = label(rep, picked, which_here, among)
                sentences.append(
                    _grade_sentence(
                        rep, j, n, route.grade, subject, named, bool(_AWAY_FROM.search(question))
                    )
                )
                if area == OVERALL and (
                    _AWAY_FROM.search(question) or _AGAINST_BEFORE.search(question)
                ):
                    said = _comparison(cites, rep)
                    if said:
                        sentences.append(said)
    return finish(question, u, sentences, missing, cites.citations)


__all__ = ["answer_grade"]
