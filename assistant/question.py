"""Question understanding: which authority or force, which period, which report.

"Croydon in 2017" is steered to the Croydon reports of 2017, "the latest Norfolk report" to the
newest one, and a follow-up ("And what about care leavers there?") carries the subject, report
and period of the turn before it, saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from assistant.records import AbstainReason, Abstention, Context
from ingest.dates import MONTHS
from ingest.subjects import LOCAL_AUTHORITIES, POLICE_FORCES, SubjectResolver
from vectorstore.records import Filters, ReportRecord

_YEAR = r"(?:19|20)\d{2}"
_MONTH_NAMES = "|".join(sorted({m for m in MONTHS if len(m) > 3} | {"sept"}, key=len, reverse=True))
_MONTH_YEAR = re.compile(
    rf"\b({_MONTH_NAMES}|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)\.?\s+({_YEAR})\b", re.I
)
_BETWEEN = re.compile(rf"\b(?:between|from)\s+({_YEAR})\s+(?:and|to|-|–)\s+({_YEAR})\b", re.I)
_SINCE = re.compile(rf"\b(?:since|after|from)\s+({_YEAR})\b", re.I)
_BEFORE = re.compile(rf"\b(?:before|until|prior to)\s+({_YEAR})\b", re.I)
_IN_YEAR = re.compile(rf"\b({_YEAR})\b")
_INSPECTION_YEAR = re.compile(
    rf"\b({_YEAR})\s+(?:ofsted\s+|hmic\s+|children['’]s\s+services\s+)?"
    rf"(?:re-)?(?:inspection|report)s?\b"
    rf"|\b(?:inspection|inspected|report)\s+(?:published\s+)?in\s+({_YEAR})\b",
    re.I,
)
_LATEST = re.compile(
    r"\b(latest|most recent|newest|last|current|recent)\b(?!\s+(?:year|time|month))", re.I
)
_EARLIEST = re.compile(r"\b(earliest|first|oldest)\b", re.I)
_PREVIOUS = re.compile(r"\b(previous|prior|preceding|last time)\b", re.I)
_NAMED_BODY = re.compile(
    r"\b((?:[A-Z][a-z]+\s){1,3}(?:City\s|County\s|Borough\s|District\s)?(?:Council|Police|Constabulary))\b"
)
_FOLLOW_UP = re.compile(
    r"^\s*(and|also|what about|how about|what of|and what|same|then)\b|"
    r"\b(there|they|their|them|it|its|that report|this report|the same|that authority|"
    r"this authority|that council|this council|that force|this force|those|these)\b",
    re.I,
)


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
    """

    question: str
    context: Context
    filters: Filters
    abstention: Abstention | None = None
    newest: tuple[str, ...] = ()


def _overlaps(r: ReportRecord, start: date | None, end: date | None) -> bool:
    dates = [d for d in (r.inspection_start, r.inspection_end, r.published) if d]
    if not dates:
        return False
    lo, hi = min(dates), max(dates)
    return (start is None or hi >= start) and (end is None or lo <= end)


def _when(r: ReportRecord) -> date:
    return r.inspection_end or r.inspection_start or r.published or date.min


def parse_period(text: str) -> tuple[date | None, date | None, str]:
    """The period a question names, and how to describe it ("" when none).

    When the question also names the year of the inspection or report itself ("between April
    and December 2014, according to the 2015 inspection"), that year wins over dates that only
    say what period the report's figures cover.
    """
    start, end, words = _parse_period(text)
    m = _INSPECTION_YEAR.search(text)
    if m:
        y = int(m.group(1) or m.group(2))
        if not ((start is None or start.year <= y) and (end is None or y <= end.year)):
            return date(y, 1, 1), date(y, 12, 31), str(y)
    return start, end, words


def _parse_period(text: str) -> tuple[date | None, date | None, str]:
    import calendar

    m = _BETWEEN.search(text)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return date(a, 1, 1), date(b, 12, 31), f"{a} to {b}"
    m = _MONTH_YEAR.search(text)
    if m:
        mon = MONTHS[m.group(1).lower().rstrip(".")]
        y = int(m.group(2))
        return (
            date(y, mon, 1),
            date(y, mon, calendar.monthrange(y, mon)[1]),
            f"{calendar.month_name[mon]} {y}",
        )
    m = _SINCE.search(text)
    if m:
        return date(int(m.group(1)), 1, 1), None, f"since {m.group(1)}"
    m = _BEFORE.search(text)
    if m:
        return None, date(int(m.group(1)) - 1, 12, 31), f"before {m.group(1)}"
    years = [int(y) for y in _IN_YEAR.findall(text)]
    if years:
        a, b = min(years), max(years)
        return date(a, 1, 1), date(b, 12, 31), str(a) if a == b else f"{a} to {b}"
    return None, None, ""


class QuestionResolver:
    """Steers questions to subjects, periods and reports, from what the index holds.

    Args:
        reports: The live reports of the index (one row per source is fine).
    """

    def __init__(self, reports: list[ReportRecord]) -> None:
        by_id: dict[str, ReportRecord] = {}
        for r in reports:
            if r.status == "indexed" and r.report_id and r.report_id not in by_id:
                by_id[r.report_id] = r
        self.reports = list(by_id.values())
        self.subjects = sorted({r.subject for r in self.reports if r.subject})
        self.resolver = SubjectResolver(self.subjects)
        self._everyone = SubjectResolver(
            set(LOCAL_AUTHORITIES) | set(POLICE_FORCES) | set(self.subjects)
        )

    def not_indexed(self, question: str) -> list[str]:
        """Authorities or forces the question names that no indexed report is about."""
        missing = [n for n in self._everyone.find_in(question) if n not in self.subjects]
        for name in _NAMED_BODY.findall(question):
            if self.resolver.resolve(name) is None and self._everyone.resolve(name) is None:
                missing.append(name)
        return list(dict.fromkeys(missing))

    def understand(
        self, question: str, history: list | None = None, filters: Filters | None = None
    ) -> Understood:
        """Resolve a question (and its conversation) into a context and search filters.

        Args:
            question: The user's question.
            history: Earlier answers of the conversation (``Answer`` objects), oldest first.
            filters: Filters the user set explicitly (they always apply).
        """
        filters = filters or Filters()
        subjects = tuple(self.resolver.find_in(question))
        start, end, period = parse_period(question)
        latest = (
            bool(_LATEST.search(question))
            and "report" in question.lower()
            or bool(re.search(r"\b(latest|most recent|newest)\b", question, re.I))
        )
        earliest = bool(_EARLIEST.search(question)) and "report" in question.lower()
        previous = bool(_PREVIOUS.search(question)) and "report" in question.lower()
        carried = False
        prev_ctx = self._previous_context(history)
        if prev_ctx is not None and self._is_follow_up(question, subjects, period):
            if not subjects and prev_ctx.subjects:
                subjects = prev_ctx.subjects
                carried = True
            if (
                not period
                and not latest
                and not earliest
                and (prev_ctx.date_from or prev_ctx.date_to or prev_ctx.report_ids)
            ):
                start, end = prev_ctx.date_from, prev_ctx.date_to
                carried = True
                if prev_ctx.report_ids and (set(subjects) == set(prev_ctx.subjects)):
                    return self._finish(
                        question,
                        subjects,
                        start,
                        end,
                        prev_ctx.latest,
                        False,
                        filters,
                        True,
                        prev_ctx.report_ids,
                    )
        u = self._finish(
            question,
            subjects,
            start,
            end,
            latest,
            earliest or previous,
            filters,
            carried,
            (),
            previous=previous,
        )
        if not subjects and not filters.subjects and not u.abstention:
            missing = self.not_indexed(question)
            if missing:
                u = replace(
                    u,
                    abstention=Abstention(
                        AbstainReason.SUBJECT_NOT_INDEXED,
                        f"The index holds no report on {', '.join(missing)}.",
                        tuple(missing),
                    ),
                )
        return u

    def _finish(
        self,
        question,
        subjects,
        start,
        end,
        latest,
        earliest,
        filters,
        carried,
        report_ids,
        previous: bool = False,
    ) -> Understood:
        abstention = None
        pick: tuple[str, ...] = tuple(report_ids)
        if subjects and not pick:
            mine = [r for r in self.reports if r.subject in subjects]
            if start or end:
                in_period = [r for r in mine if _overlaps(r, start, end)]
                if not in_period and mine:
                    years = sorted({_when(r).year for r in mine})
                    abstention = Abstention(
                        AbstainReason.PERIOD_NOT_COVERED,
                        f"No {', '.join(subjects)} report in the index covers "
                        f"{_describe_period(start, end)}; the indexed reports are from "
                        f"{', '.join(str(y) for y in years)}.",
                        (_describe_period(start, end),),
                    )
                mine = in_period
            if (latest or earliest) and mine:
                ordered = sorted(mine, key=_when)
                if previous and len(ordered) >= 2:
                    chosen = [ordered[-2]]
                elif latest:
                    chosen = [ordered[-1]]
                else:
                    chosen = [ordered[0]]
                pick = tuple(r.report_id for r in chosen if r.report_id)
            elif (start or end) and mine:
                pick = tuple(r.report_id for r in mine if r.report_id)
        newest: tuple[str, ...] = ()
        named = tuple(subjects) or filters.subjects  # from the question, or chosen as filters
        if named and not (
            pick
            or start
            or end
            or earliest
            or filters.report_ids
            or filters.date_from
            or filters.date_to
        ):
            for subject in named:
                mine = [r for r in self.reports if r.subject == subject and r.report_id]
                if len(mine) > 1:
                    newest += (max(mine, key=_when).report_id,)
        description = self._describe(subjects, start, end, pick, latest)
        if newest:
            description = "; ".join(b for b in (description, "newest report first") if b)
        ctx = Context(
            subjects=tuple(subjects),
            report_ids=pick,
            date_from=start,
            date_to=end,
            latest=bool(latest),
            carried=carried,
            description=description,
        )
        merged = Filters(
            subjects=filters.subjects or tuple(subjects),
            inspectorates=filters.inspectorates,
            report_ids=filters.report_ids or pick,
            date_from=filters.date_from or (None if pick else start),
            date_to=filters.date_to or (None if pick else end),
        )
        return Understood(question, ctx, merged, abstention, newest)

    def _describe(self, subjects, start, end, pick, latest) -> str:
        bits = []
        if subjects:
            bits.append(", ".join(subjects))
        if pick and len(pick) == 1:
            r = next((r for r in self.reports if r.report_id == pick[0]), None)
            if r is not None:
                from ingest.dates import human_range

                when = human_range(r.inspection_start, r.inspection_end) or (
                    r.published.isoformat() if r.published else ""
                )
                bits.append(("latest report, " if latest else "report of ") + when)
        elif start or end:
            bits.append(_describe_period(start, end))
        return "; ".join(b for b in bits if b)

    @staticmethod
    def _previous_context(history: list | None) -> Context | None:
        for turn in reversed(history or []):
            ctx = getattr(turn, "context", None)
            if ctx is not None and (ctx.subjects or ctx.report_ids or ctx.date_from or ctx.date_to):
                return ctx
        return None

    @staticmethod
    def _is_follow_up(question: str, subjects: tuple, period: str) -> bool:
        if _FOLLOW_UP.search(question):
            return True
        return len(question.split()) <= 6 and not (subjects and period)


def _describe_period(start: date | None, end: date | None) -> str:
    if start and end:
        if start.year == end.year and start.month == 1 and end.month == 12:
            return str(start.year)
        if start.year == end.year and start.month == end.month:
            return f"{start:%B %Y}"
        return f"{start:%B %Y} to {end:%B %Y}"
    if start:
        return f"since {start:%B %Y}"
    if end:
        return f"before {end:%B %Y}"
    return ""


_ASKING = re.compile(
    r"\b(?:what|how|did|does|do|has|have|had|was|were|is|are|can|could|please|give|me|i|"
    r"tell|show|find|found|say|says|said|note|noted|report|reported|describe|described|"
    r"according|to|about|on|of|the|a|an|in|from|its|their|it|there|any|quote|quotes|"
    r"ofsted|inspectors?|inspection|inspections|re-inspection|report|reports|council|"
    r"county|city|borough|local|authority|authority's|children's|services|latest|recent|"
    r"most|newest|previous|last|first|earliest)\b",
    re.I,
)


_FRAME = re.compile(
    r"\b(?:according to (?:ofsted|(?:the )?inspectors?|the report)"
    r"|(?:did|do|does) (?:ofsted|(?:the )?inspectors?) (?:find|say|note|report|mention|"
    r"identify|describe|see)"
    r"|(?:in|from|of) (?:its|the|their|this|that) (?:ofsted )?(?:inspection )?report"
    r"|(?:in|of|for) (?:the )?children['’]s (?:social care )?services"
    r"|ofsted['’]?s?)\b",
    re.I,
)
_DANGLING = re.compile(r"(?:\s+(?:at the end of|by|in|of|from|at|for|during))+\s*$", re.I)


def focus_query(question: str, u: Understood) -> str:
    """The topical part of a question, once its subject and period are applied as filters.

    "What did inspectors find in 2015 about Lambeth's follow-up with children who had gone
    missing from care?" becomes "follow-up with children who had gone missing from care?" for
    ranking inside the steered reports. Falls back to the question when too little is left.
    """
    text = question
    for s in u.context.subjects:
        text = re.sub(rf"\b{re.escape(s)}(?:['’]s)?\b", " ", text, flags=re.I)
    text = _MONTH_YEAR.sub(" ", text)
    text = re.sub(
        rf"\b(?:in|since|after|before|from|during|between|and|to)?\s*{_YEAR}\b",
        " ",
        text,
        flags=re.I,
    )
    # Words that only frame the question: every report is an inspection report about
    # children's services, so they carry no topic (and pull in the back-page boilerplate).
    text = _FRAME.sub(" ", " ".join(text.split()))
    words = text.split()
    # Drop the leading question frame ("What did inspectors find about ..."), keep the topic.
    i = 0
    while i < len(words) and _ASKING.fullmatch(words[i].strip("?,.:;'’\"").lower() or "x"):
        i += 1
    topic = _DANGLING.sub("", " ".join(words[i:]).strip(" ,.;:?")).strip(" ,.;:")
    content = [w for w in topic.split() if not _ASKING.fullmatch(w.strip("?,.:;'’\"").lower())]
    return topic if len(content) >= 2 else question
