"""The catalogue: reports with their graded judgements, and the structured questions it answers.

``list_reports`` and ``report_json`` back ``inspection-assistant reports``; ``timeline`` gives a
per-authority series for a chart; ``answer_from_catalogue`` answers grade, list, timeline and
"what needs to improve" questions in ``ask`` and the chat.

Every grade or point an answer states is cited with a quote that is verbatim in a stored chunk
of its report (``make_citation`` checks it); an item whose quote no chunk holds is left out
rather than shown unverified. A structured question the catalogue cannot answer gets a plain
abstention saying what is missing, not a retrieval answer from other reports.

Which questions come here is decided by :mod:`assistant.route`; the answerers take its ``Route``.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date

from assistant.answer import QuoteNotVerbatimError, make_citation
from assistant.kinds import kind_of
from assistant.periods import parse_period
from assistant.question import Understood
from assistant.records import Answer, Citation
from assistant.route import Route
from assistant.route_words import all_subjects
from assistant.vocabulary import (
    GRADE_NAMES,
    OVERALL,
    Area,
    grade_from_words,
    judgement_area,
    pick_judgement,
)
from ingest.chunking import sentence_spans
from ingest.dates import human_range
from ingest.judgements import collapse_ws, grade_key
from ingest.records import Chunk, Judgement
from ingest.subjects import is_police_force
from vectorstore.records import ReportRecord

log = logging.getLogger("inspection_assistant.catalogue")

MAX_CITATIONS = 12
"""Most items cited in one answer; the rest are counted ("and 3 more")."""


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------


def _live_reports(assistant) -> list[ReportRecord]:
    """One record per live report; its ``source`` is the path its chunks carry (as in ``ask``)."""
    first = dict(
        assistant.index.manifest.query("SELECT report_id, source FROM reports WHERE status='live'")
    )
    by_id: dict[str, ReportRecord] = {}
    for r in assistant.reports(include_failed=False):
        if r.status != "indexed" or not r.report_id or r.report_id not in first:
            continue
        have = by_id.get(r.report_id)
        if have is None or (r.source == first[r.report_id] and have.source != r.source):
            by_id[r.report_id] = r
    return list(by_id.values())


def report_date(r: ReportRecord) -> date | None:
    """The date a report is placed at: the end of its inspection, else its publication."""
    return r.inspection_end or r.inspection_start or r.published


def _sort_key(r: ReportRecord) -> tuple:
    return (r.subject or "\uffff", report_date(r) or date.min, r.source)


def _in_period(
    r: ReportRecord, start: date | None, end: date | None, published_too: bool = False
) -> bool:
    """The report falls in the period.

    Its inspection dates must overlap the period (the publication date stands in when it has
    none); with ``published_too`` the span from inspection to publication counts, as in the
    question resolver ("the 2014 report" may be one inspected in December 2013).
    """
    if start is None and end is None:
        return True
    dates = [d for d in (r.inspection_start, r.inspection_end) if d]
    if published_too or not dates:
        dates += [r.published] if r.published else []
    if not dates:
        return False
    lo, hi = min(dates), max(dates)
    return (start is None or hi >= start) and (end is None or lo <= end)


def _resolve_subject(assistant, subject: str) -> str | None:
    res = assistant.resolver.resolver
    return res.resolve(subject)


def list_reports(
    assistant,
    subject: str | None = None,
    grade: str | None = None,
    judgement: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> list[ReportRecord]:
    """The live reports that match, one per report, sorted by subject then date.

    Args:
        assistant: The ``Assistant``.
        subject: Any name or alias of a local authority or police force ("Hull", "the Met").
        grade: User words for a grade: "inadequate", "requires improvement", "RI", "good".
        judgement: User words or a key: "overall", "leadership", "care leavers",
            "help_and_protection", or "any". With a grade and no judgement, the overall
            judgement is matched.
        date_from: Earliest date (inclusive): the inspection must end on or after it.
        date_to: Latest date (inclusive): the inspection must start on or before it.
            Reports without inspection dates are placed at their publication date.

    Returns:
        The matching reports.

    Raises:
        ValueError: When ``grade`` or ``judgement`` is not a known grade or judgement.
    """
    recs = _live_reports(assistant)
    if subject:
        resolved = _resolve_subject(assistant, subject)
        if resolved is None:
            return []
        recs = [r for r in recs if r.subject == resolved]
    recs = [r for r in recs if _in_period(r, date_from, date_to)]
    gk = None
    if grade:
        gk = grade_from_words(grade)
        if gk is None:
            raise ValueError(
                f"unknown grade {grade!r}: use outstanding, good, requires improvement (RI) "
                "or inadequate"
            )
    area: Area | None = None
    any_judgement = bool(judgement) and judgement.strip().lower() in ("any", "all", "*")
    if judgement and not any_judgement:
        area = judgement_area(judgement)
        if area is None:
            raise ValueError(
                f"unknown judgement {judgement!r}: use e.g. overall, leadership, help and "
                "protection, children in care, care leavers, adoption, lscb"
            )
    if gk is not None and area is None and not any_judgement:
        area = OVERALL
    if gk is not None or area is not None:
        manifest = assistant.index.manifest
        kept = []
        for r in recs:
            js = manifest.judgements(r.report_id)
            if area is not None:
                j = pick_judgement(js, area)
                if j is not None and (gk is None or j.grade_key == gk):
                    kept.append(r)
            elif any(j.grade_key == gk for j in js):
                kept.append(r)
        recs = kept
    return sorted(recs, key=_sort_key)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def report_json(assistant, record: ReportRecord) -> dict:
    """A report of the catalogue as JSON (``reports --json``).

    Returns:
        ``source`` (the path citations name, as in ``ask``), ``report_id``, ``title``,
        ``subject``, ``inspectorate``, ``framework``, ``report_type``, ``lead_inspector``,
        ``inspection_start``, ``inspection_end``, ``published`` (ISO dates or None),
        ``judgements`` (``judgement`` and ``grade`` as the report words them, ``page``,
        ``quote``, ``key``, ``grade_key``), ``improvements`` (verbatim points) and ``aliases``
        (other paths holding the same file).
    """
    m = assistant.index.manifest
    rid = record.report_id
    return {
        "source": record.source,
        "report_id": rid,
        "title": record.title,
        "subject": record.subject,
        "inspectorate": record.inspectorate,
        "framework": record.framework,
        "report_type": record.report_type,
        "lead_inspector": record.lead_inspector,
        "inspection_start": _iso(record.inspection_start),
        "inspection_end": _iso(record.inspection_end),
        "published": _iso(record.published),
        "judgements": [
            {
                "judgement": j.judgement,
                "grade": j.grade,
                "page": j.page,
                "quote": j.quote,
                "key": j.key,
                "grade_key": j.grade_key,
            }
            for j in (m.judgements(rid) if rid else [])
        ],
        "improvements": m.improvements(rid) if rid else [],
        "aliases": list(record.aliases),
    }


def timeline(
    assistant, subject: str, judgement: str = "overall", graded_only: bool = True
) -> list[dict]:
    """A subject's grades over time, oldest first (for a per-authority chart).

    Args:
        assistant: The ``Assistant``.
        subject: Any name or alias of the local authority or force.
        judgement: Which judgement (default the overall one).
        graded_only: Leave out reports that state no grade for it (visits, letters).

    Returns:
        One dict per report: ``date`` (ISO: inspection end, else start, else publication),
        ``grade`` (as worded), ``grade_key``, ``judgement`` (as worded), ``page``, ``quote``,
        ``source``, ``report_id``, ``title``, ``framework``, ``inspection_start``,
        ``inspection_end``, ``published``.
    """
    area = judgement_area(judgement) or OVERALL
    out = []
    manifest = assistant.index.manifest
    for r in list_reports(assistant, subject=subject):
        j = pick_judgement(manifest.judgements(r.report_id), area)
        if j is None and graded_only:
            continue
        out.append(
            {
                "date": _iso(report_date(r)),
                "grade": j.grade if j else None,
                "grade_key": j.grade_key if j else None,
                "judgement": j.judgement if j else None,
                "page": j.page if j else None,
                "quote": j.quote if j else None,
                "source": r.source,
                "report_id": r.report_id,
                "title": r.title,
                "framework": r.framework,
                "inspection_start": _iso(r.inspection_start),
                "inspection_end": _iso(r.inspection_end),
                "published": _iso(r.published),
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Verbatim quotes in stored chunks
# --------------------------------------------------------------------------------------------


def find_verbatim(text: str, quote: str) -> tuple[int, int] | None:
    """Where a quote stands in a text once whitespace is collapsed in both.

    Args:
        text: A chunk's verbatim text.
        quote: The quote (whitespace may differ: a line break for a space).

    Returns:
        ``(start, end)`` of the exact original substring of ``text``, or None.
    """
    q = collapse_ws(quote)
    if not q:
        return None
    at = text.find(q)
    if at >= 0:
        return at, at + len(q)
    norm: list[str] = []
    pos: list[int] = []
    in_ws = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_ws and norm:
                norm.append(" ")
                pos.append(i)
            in_ws = True
            continue
        in_ws = False
        norm.append(ch)
        pos.append(i)
    at = "".join(norm).find(q)
    if at < 0:
        return None
    return pos[at], pos[at + len(q) - 1] + 1


_ANY_GRADE = (
    r"(?P<g>grade\s*[1-4]\s*\(\s*(?:outstanding|good|adequate|inadequate)\s*\)|"
    r"requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|inadequate|adequate|good)"
)
_STATEMENT_END = r"(?=\s*$|\s*[.;:\n]|\s+[^a-z\s])"


def _statement_regexes(judgement: str) -> list[re.Pattern[str]]:
    """Other ways a report states a judgement's grade: a heading or table row ("... care
    leavers: good") or a SIF sentence ("The graded judgement for ... is requires improvement")."""
    label = collapse_ws(judgement)
    label = re.sub(r"^\d(?:\.\d)?\.?\s*", "", label)
    label = re.sub(r"^the\s+", "", label, flags=re.I)
    if len(label) < 8:
        return []
    flex = r"\s+".join(re.escape(w) for w in label.split())
    return [
        re.compile(
            rf"(?:\d(?:\.\d)?\.?\s*)?(?:the\s+)?{flex}\s*:?\s*{_ANY_GRADE}{_STATEMENT_END}", re.I
        ),
        re.compile(
            rf"the\s+graded\s+judgement\s+(?:for|about)\s+(?:the\s+)?{flex}\s+"
            rf"(?:is\s+that\s+(?:it|they)\s+)?(?:is\s+|are\s+)?{_ANY_GRADE}\b",
            re.I,
        ),
    ]


class _Cites:
    """Builds numbered, verified citations for one answer."""

    def __init__(self, assistant) -> None:
        self.manifest = assistant.index.manifest
        self.citations: list[Citation] = []
        self._chunks: dict[str, list[Chunk]] = {}

    def chunks(self, report_id: str) -> list[Chunk]:
        if report_id not in self._chunks:
            self._chunks[report_id] = self.manifest.report_chunks(report_id)
        return self._chunks[report_id]

    def locate(
        self, report_id: str, quote: str, page: int | None = None
    ) -> tuple[Chunk, str, int] | None:
        """The chunk holding a quote (on ``page`` when given) and the exact words there."""
        fallback = None
        for ch in self.chunks(report_id):
            if page is not None and not (ch.page_start <= page <= ch.page_end):
                continue
            span = find_verbatim(ch.text, quote)
            if span is None:
                continue
            start, end = span
            found = (ch, ch.text[start:end], start)
            if page is None or ch.page_at(start)[0] == page:
                return found
            fallback = fallback or found
        return fallback

    def cite_judgement(self, report_id: str, j: Judgement) -> int | None:
        """Cite a judgement: its own quote on its page, else another verbatim statement of the
        same judgement and grade in the report (a table row split between two chunks)."""
        n = self.cite(report_id, j.quote, j.page)
        if n is not None or not j.grade_key:
            return n
        for rx in _statement_regexes(j.judgement):
            for ch in self.chunks(report_id):
                for m in rx.finditer(ch.text):
                    if grade_key(m.group("g")) != j.grade_key:
                        continue
                    try:
                        c = make_citation(len(self.citations) + 1, ch, m.group(0), m.start())
                    except QuoteNotVerbatimError:
                        continue
                    self.citations.append(c)
                    return c.n
        return None

    def cite(self, report_id: str, quote: str, page: int | None = None) -> int | None:
        """Add a citation for a quote; its marker number, or None when no chunk holds it."""
        got = self.locate(report_id, quote, page)
        if got is None:
            return None
        ch, exact, offset = got
        try:
            c = make_citation(len(self.citations) + 1, ch, exact, offset)
        except QuoteNotVerbatimError:
            return None
        self.citations.append(c)
        return c.n


# --------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------


def _when(r: ReportRecord) -> str:
    span = human_range(r.inspection_start, r.inspection_end)
    if span:
        inspected = r.inspection_end or r.inspection_start
        if r.published and inspected and r.published.year != inspected.year:
            return f"inspection of {span}, published {human_range(r.published, r.published)}"
        return f"inspection of {span}"
    if r.published:
        return f"report published {human_range(r.published, r.published)}"
    return f"report {r.source}"


def _lc(text: str) -> str:
    """Lower-case a leading capital of an ordinary word ("Overall effectiveness")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _period_words(question: str, prep: str = "from") -> str:
    """ "from 2017", "since 2014", "from March 2023" (``prep`` for a plain period), or ""."""
    _, _, desc = parse_period(question)
    if not desc:
        return ""
    if desc.startswith(("since", "before")):
        return desc
    return f"{prep} {desc}"


def _notes(assistant, report_id: str) -> dict[str, str]:
    rows = assistant.index.manifest.query(
        "SELECT metadata_json FROM reports WHERE report_id=?", (report_id,)
    )
    try:
        return (json.loads(rows[0][0] or "{}").get("notes") or {}) if rows else {}
    except (TypeError, ValueError):
        return {}


def _why_absent(assistant, r: ReportRecord, area: Area) -> str:
    """A short reason from the extractor's notes ("a focused or monitoring visit...")."""
    notes = _notes(assistant, r.report_id)
    for key in (*area.keys, "overall"):
        note = notes.get(f"judgements.{key.split('+')[0]}") or ""
        if note.startswith("conflicting") and key != "overall":
            return "its statements of this grade disagree"
        if "visit" in note:
            return "a focused or monitoring visit: such visits are not graded"
        if note.startswith("LSCB review only"):
            return "an LSCB review: the local authority is not graded in it"
        if "HMIC inspections of this kind are not graded" in note:
            return "HMIC inspections of this kind are not graded"
    return ""


def _abstain(question: str, u: Understood, text: str) -> Answer:
    return Answer(
        question,
        text,
        True,
        citations=[],
        passages=[],
        context=u.context,
        filters=u.filters,
        mode="catalogue",
    )


@dataclass(frozen=True)
class _Scope:
    """What a question is limited to: from the question, the conversation or the user's filters."""

    subjects: tuple[str, ...]
    report_ids: tuple[str, ...]  # a report carried from an earlier turn or picked in the filters
    start: date | None
    end: date | None


def _scope(u: Understood) -> _Scope:
    ctx, f = u.context, u.filters
    chosen: tuple[str, ...] = ()
    if ctx.carried and ctx.report_ids:
        chosen = ctx.report_ids
    elif f.report_ids and tuple(f.report_ids) != tuple(ctx.report_ids):
        chosen = tuple(f.report_ids)  # the user picked reports in the filters
    return _Scope(
        subjects=tuple(ctx.subjects or f.subjects),
        report_ids=chosen,
        start=ctx.date_from or f.date_from,
        end=ctx.date_to or f.date_to,
    )


def _pool(assistant, subject: str, scope: _Scope) -> list[ReportRecord]:
    """A subject's live reports within the scope, oldest first."""
    mine = [r for r in _live_reports(assistant) if r.subject == subject]
    if scope.report_ids:
        mine = [r for r in mine if r.report_id in scope.report_ids]
    else:
        mine = [r for r in mine if _in_period(r, scope.start, scope.end, True)]
    return sorted(mine, key=_sort_key)


def _subjects_or_abstain(assistant, question: str, u: Understood) -> list[str] | Answer:
    subjects = _scope(u).subjects
    if subjects:
        return list(subjects)
    named = all_subjects().find_in(question)
    if named:
        return _abstain(question, u, f"The catalogue has no {named[0]} report.")
    return _abstain(
        question,
        u,
        "The question does not name a local authority or police force the catalogue holds.",
    )


def _grade_sentence(
    r: ReportRecord, j: Judgement, n: int, asked: str | None, subject: str, label: str
) -> str:
    judgement = j.judgement
    grade = _lc(j.grade)
    if judgement.endswith("?"):
        body = f"“{judgement}” was graded {grade}"
    else:
        verb = "were" if re.match(r"children['\u2019]s\s+services\b", judgement, re.I) else "was"
        judged = "" if re.search(r"\bjudgement\b", judgement, re.I) else " judged"
        body = f"{_lc(judgement)} {verb}{judged} {grade}"
    lead = ""
    if asked is not None:
        lead = "Yes: " if j.grade_key == asked else "No: "
    text = f"In {_possessive(subject)} {label}{_when(r)}, {body} [{n}]."
    return lead + (text[0].lower() + text[1:] if lead else text)


UNGRADED_KINDS = frozenset({"focused visit", "monitoring visit"})


def _not_graded(cites: _Cites, r: ReportRecord, subject: str) -> str | None:
    """ "The Trafford focused visit (…) is not graded [1].", citing where the report says what
    kind of visit it is; None when no stored sentence says so."""
    kind = kind_of(r)
    rx = re.compile(kind.replace(" ", r"\s+"), re.I)
    for ch in cites.chunks(r.report_id):
        for a, b in sentence_spans(ch.text):
            if rx.search(ch.text[a:b]):
                n = cites.cite(r.report_id, ch.text[a:b])
                if n is not None:
                    return (
                        f"{_possessive(subject)} {_when(r)} was a {kind}: {kind}s are not "
                        f"graded, so it gives no grade [{n}]."
                    )
    return None


def _answer_grade(assistant, question: str, u: Understood, intent: Route) -> Answer:
    subjects = _subjects_or_abstain(assistant, question, u)
    if isinstance(subjects, Answer):
        return subjects
    scope = _scope(u)
    has_period = bool(scope.start or scope.end or scope.report_ids)
    period = _period_words(question)
    which = _which(question, u)
    manifest = assistant.index.manifest
    cites = _Cites(assistant)
    sentences: list[str] = []
    missing: list[str] = []
    areas = intent.areas or [OVERALL]
    no_previous = "The catalogue has no {} report before the latest graded one."
    for subject in subjects:
        pool = _pool(assistant, subject, scope)
        if not pool:
            missing.append(
                f"The catalogue has no {subject} report{' ' + period if period else ''}."
            )
            continue
        judged = {r.report_id: manifest.judgements(r.report_id) for r in pool}
        if not any(judged.values()) and all(kind_of(r) in UNGRADED_KINDS for r in pool):
            said = _not_graded(cites, pool[-1], subject)
            if said:
                sentences.append(said)
                continue
        if intent.all_judgements:
            graded = [r for r in pool if judged[r.report_id]]
            if not graded:
                missing.append(_none_stated(assistant, subject, pool, period, None))
                continue
            chosen = _choose(graded, which, has_period)
            if not chosen:
                missing.append(no_previous.format(subject))
            for r in chosen:
                items = []
                for j in judged[r.report_id]:
                    n = cites.cite_judgement(r.report_id, j)
                    if n is not None:
                        items.append(f"{_lc(j.judgement)}: {_lc(j.grade)} [{n}]")
                if items:
                    sentences.append(
                        f"{_possessive(subject)} {_label(r, chosen, which, pool)}"
                        f"{_when(r)} stated these grades: " + "; ".join(items) + "."
                    )
            continue
        for area in areas:
            stated = [
                (r, j) for r in pool if (j := pick_judgement(judged[r.report_id], area)) is not None
            ]
            if not stated:
                missing.append(_none_stated(assistant, subject, pool, period, area))
                continue
            reps = _choose([r for r, _ in stated], which, has_period)
            if not reps:
                missing.append(no_previous.format(subject))
            for r in reps:
                j = next(j for rr, j in stated if rr is r)
                n = cites.cite_judgement(r.report_id, j)
                if n is None:
                    continue  # no stored chunk holds the statement verbatim: not shown
                label = _label(r, reps, which, [rr for rr, _ in stated])
                sentences.append(_grade_sentence(r, j, n, intent.grade, subject, label))
    return _finish(question, u, sentences, missing, cites)


def _which(question: str, u: Understood) -> str | None:
    """ "previous", "earliest" or "latest" report asked for, or None."""
    if _PREVIOUS.search(question):
        return "previous"
    if _EARLIEST.search(question) and not u.context.latest:
        return "earliest"
    return "latest" if u.context.latest else None


def _label(
    r: ReportRecord, chosen: list[ReportRecord], which: str | None, pool: list[ReportRecord]
) -> str:
    """ "latest graded " when one report of several was picked, else ""."""
    if len(chosen) == 1 and len(pool) > 1:
        if which in ("previous", "earliest"):
            return f"{which} graded "
        if which == "latest" or r is pool[-1]:
            return "latest graded "
    return ""


def _choose(graded: list[ReportRecord], which: str | None, period: bool) -> list[ReportRecord]:
    graded = sorted(graded, key=_sort_key)
    if which == "earliest":
        return graded[:1]
    if which == "previous":
        return graded[-2:-1]
    if which == "latest" or not period:
        return graded[-1:]
    return graded


def _none_stated(
    assistant, subject: str, pool: list[ReportRecord], period: str, area: Area | None
) -> str:
    what = f"a grade for {area.name}" if area else "any graded judgement"
    if len(pool) == 1:
        r = pool[0]
        year = re.fullmatch(r"from ((?:19|20)\d{2})", period)
        name = (
            f"The {year.group(1)} {subject} report"
            if year
            else f"The {subject} report ({_when(r)})"
        )
        why = _why_absent(assistant, r, area or OVERALL)
        return f"{name} does not state {what}" + (f" ({why})." if why else ".")
    span = f" {period}" if period else ""
    return f"None of the {len(pool)} {subject} reports{span} states {what}."


def _finish(
    question: str, u: Understood, sentences: list[str], missing: list[str], cites: _Cites
) -> Answer:
    if not sentences:
        text = " ".join(missing) or (
            "The catalogue holds the grade, but no stored passage of the report contains its "
            "statement verbatim, so it is not shown."
        )
        return _abstain(question, u, text)
    return Answer(
        question,
        " ".join(sentences),
        False,
        citations=cites.citations,
        passages=[],
        context=u.context,
        filters=u.filters,
        mode="catalogue",
        notice=" ".join(missing) or None,
    )


def _answer_list(assistant, question: str, u: Understood, intent: Route) -> Answer:
    area = intent.areas[0] if intent.areas else OVERALL
    scope = _scope(u)
    period = _period_words(question, "in")
    span = f" {period}" if period else ""
    manifest = assistant.index.manifest
    recs = [r for r in _live_reports(assistant) if _in_period(r, scope.start, scope.end, True)]
    if scope.subjects:
        recs = [r for r in recs if r.subject in scope.subjects]
    if scope.report_ids:
        recs = [r for r in recs if r.report_id in scope.report_ids]
    if intent.police is not None:
        recs = [r for r in recs if bool(r.subject and is_police_force(r.subject)) == intent.police]
    noun = {True: "police force", False: "local authority"}.get(intent.police, "")
    if not recs:
        return _abstain(
            question, u, f"The catalogue has no {noun + ' ' if noun else ''}report{span}."
        )
    what = "overall" if area.keys == OVERALL.keys else f"for {area.name}"
    stated = []
    for r in sorted(recs, key=_sort_key):
        j = pick_judgement(manifest.judgements(r.report_id), area)
        if j is not None:
            stated.append((r, j))
    # "Which councils are rated inadequate?": each one's latest graded report only.
    current = u.context.latest or (
        not (scope.start or scope.end) and _CURRENT.search(question) is not None
    )
    if current:
        newest = {r.subject: (r, j) for r, j in stated}  # sorted oldest first: the last wins
        stated = sorted(newest.values(), key=lambda x: _sort_key(x[0]))
        span = f"{span} in the latest graded report"
    hits = [(r, j) for r, j in stated if intent.grade is None or j.grade_key == intent.grade]
    if not hits:
        grade = f"a grade of {GRADE_NAMES[intent.grade]}" if intent.grade else "a grade"
        return _abstain(
            question,
            u,
            f"No {noun + ' ' if noun else ''}report in the catalogue{span} records {grade} {what}.",
        )
    cites = _Cites(assistant)
    items = []
    over = 0
    for r, j in hits:
        if len(items) >= MAX_CITATIONS:
            over += 1
            continue
        n = cites.cite_judgement(r.report_id, j)
        if n is None:
            continue  # no stored chunk holds the statement verbatim: not shown
        grade = "" if intent.grade else f": {_lc(j.grade)}"
        items.append(f"{r.subject or r.source} ({_when(r)}){grade} [{n}]")
    if not items:
        return _finish(question, u, [], [], cites)
    count = len(items) + over
    reports = f"{count} report{'s' if count != 1 else ''}"
    if intent.grade:
        lead = f"Judged {GRADE_NAMES[intent.grade]} {what}{span} ({reports}): "
    else:
        lead = f"Grades {what}{span} ({reports}): "
    tail = f"; and {over} more not cited here" if over else ""
    return _finish(question, u, [lead + "; ".join(items) + tail + "."], [], cites)


def _answer_timeline(assistant, question: str, u: Understood, intent: Route) -> Answer:
    subjects = _subjects_or_abstain(assistant, question, u)
    if isinstance(subjects, Answer):
        return subjects
    scope = _scope(u)
    scope = _Scope(scope.subjects, (), scope.start, scope.end)  # a timeline spans reports
    period = _period_words(question)
    span = f" {period}" if period else ""
    manifest = assistant.index.manifest
    cites = _Cites(assistant)
    sentences: list[str] = []
    missing: list[str] = []
    for subject in subjects:
        pool = _pool(assistant, subject, scope)
        if not pool:
            missing.append(f"The catalogue has no {subject} report{span}.")
            continue
        for area in intent.areas or [OVERALL]:
            items = []
            ungraded = 0
            for r in pool:
                j = pick_judgement(manifest.judgements(r.report_id), area)
                if j is None:
                    ungraded += 1
                    continue
                if len(items) >= MAX_CITATIONS:
                    continue
                n = cites.cite_judgement(r.report_id, j)
                if n is not None:
                    items.append(f"{_lc(j.grade)} ({_when(r)}) [{n}]")
            if not items:
                missing.append(_none_stated(assistant, subject, pool, period, area))
                continue
            tail = ""
            if ungraded:
                tail = (
                    f"; {ungraded} other {subject} report{'s' if ungraded > 1 else ''}{span} "
                    f"state{'s' if ungraded == 1 else ''} no such grade"
                )
            what = "overall grade" if area.keys == OVERALL.keys else f"grade for {area.name}"
            sentences.append(
                f"{_possessive(subject)} {what}{span}, oldest first: "
                + "; ".join(items)
                + tail
                + "."
            )
    return _finish(question, u, sentences, missing, cites)


def _point_text(point: str, words: int = 30) -> str:
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


def _answer_improve(assistant, question: str, u: Understood, intent: Route) -> Answer:
    subjects = _subjects_or_abstain(assistant, question, u)
    if isinstance(subjects, Answer):
        return subjects
    scope = _scope(u)
    period = _period_words(question)
    span = f" {period}" if period else ""
    which = _which(question, u)
    manifest = assistant.index.manifest
    cites = _Cites(assistant)
    sentences: list[str] = []
    missing: list[str] = []
    for subject in subjects:
        pool = _pool(assistant, subject, scope)
        if not pool:
            missing.append(f"The catalogue has no {subject} report{span}.")
            continue
        listed = [(r, pts) for r in pool if (pts := manifest.improvements(r.report_id))]
        if not listed:
            if len(pool) == 1 or which == "latest":
                missing.append(
                    f"The {subject} report ({_when(pool[-1])}) does not list what needs to improve."
                )
            else:
                missing.append(
                    f"None of the {len(pool)} {subject} reports{span} lists what needs to improve."
                )
            continue
        if which == "previous" and len(listed) < 2:
            missing.append(
                f"The catalogue has no {subject} report before the latest one that "
                "lists what needs to improve."
            )
            continue
        if which == "earliest":
            r, points = listed[0]
        elif which == "previous":
            r, points = listed[-2]
        else:
            r, points = listed[-1]
        words = 30 if len(points) <= 5 else 15
        items = []
        for p in points:
            if len(items) >= MAX_CITATIONS:
                break
            n = cites.cite(r.report_id, p)
            if n is not None:
                items.append(f"“{_point_text(p, words)}” [{n}]")
        if not items:
            continue
        more = len(points) - len(items)
        label, verb = "", "says these need to improve"
        if len(pool) > 1:
            label = f"{which or 'latest'} "
            extreme = pool[0] if which == "earliest" else pool[-1]
            if which != "previous" and r is not extreme:
                label, verb = f"{which or 'latest'} ", "lists these points to improve"
                label += f"{subject} report that lists what needs to improve"
        name = label if label.endswith("improve") else f"{label}{subject} report"
        tail = f"; and {more} more point{'s' if more > 1 else ''} not shown" if more > 0 else ""
        sentences.append(f"The {name} ({_when(r)}) {verb}: " + "; ".join(items) + tail + ".")
    return _finish(question, u, sentences, missing, cites)


_EARLIEST = re.compile(r"\b(?:earliest|first|oldest)\b", re.I)
_CURRENT = re.compile(r"\b(?:are|is|currently|current|now|latest|most\s+recent)\b", re.I)
_PREVIOUS = re.compile(r"\b(?:previous|prior|preceding|last\s+but\s+one)\b", re.I)


def answer_from_catalogue(
    assistant, question: str, understood: Understood, route: Route
) -> Answer | None:
    """Answer a structured question from the catalogue, or None to use normal retrieval.

    Structured questions: a grade ("What grade did Croydon get for leadership in 2017?"), a
    list across reports ("Which councils were judged inadequate overall in 2023?"), a timeline
    ("How has Birmingham's overall grade changed since 2014?") and improvement points ("What
    does the latest Norfolk report say needs to improve?").

    Args:
        assistant: The ``Assistant``.
        question: The question (whitespace collapsed).
        understood: ``assistant.understand(question, ...)``: subjects, period, latest.

    Returns:
        An ``Answer`` with ``mode="catalogue"`` and a verified citation for every stated grade
        or point (``abstained`` with a sentence saying what is missing when the catalogue
        cannot answer), or None when the question is not structured.
    """
    if not question or not question.strip():
        return None
    try:
        intent = route
        handler = {
            "grade": _answer_grade,
            "list": _answer_list,
            "timeline": _answer_timeline,
            "improve": _answer_improve,
        }[intent.kind]
        return handler(assistant, question, understood, intent)
    except Exception:  # a catalogue fault must not break ``ask``: retrieval answers instead
        log.exception("catalogue answer failed for %r", question)
        return None


__all__ = [
    "answer_from_catalogue",
    "find_verbatim",
    "list_reports",
    "report_date",
    "report_json",
    "timeline",
]
