"""Question understanding: which authority or force, which period, which report.

"Croydon in 2017" is steered to the Croydon reports of 2017, "the latest Norfolk report" to the
newest one, and a follow-up ("And what about care leavers there?") carries the subject, report
and period of the turn before it, saying so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant.kinds import (
    INSPECTION,
    covered,
    holdings,
    is_of_kind,
    kind_of,
    kinds_named,
    names_full_inspection,
    names_inspection,
)
from assistant.periods import describe_period, parse_period
from assistant.records import AbstainReason, Abstention, Context, Understood
from assistant.regions import region_named
from assistant.relative import (
    is_follow_up,
    overlaps,
    previous_context,
    relative_reports,
    when,
)
from assistant.settings import RouteSettings
from assistant.spelling import Correction, force_for_county, near_places, unrecognised
from ingest.subjects import LOCAL_AUTHORITIES, POLICE_FORCES, SubjectResolver, is_police_force
from vectorstore.records import Filters, ReportRecord

_LATEST = re.compile(
    r"\b(latest|most recent|newest|last|current|recent)\b(?!\s+(?:year|time|month))", re.I
)
_REPORT_NOUN = re.compile(r"\b(?:report|visit|inspection|re-inspection|letter)s?\b", re.I)
_EARLIEST = re.compile(r"\b(earliest|first|oldest)\b", re.I)
_PREVIOUS = re.compile(r"\b(previous|prior|preceding|last time)\b", re.I)
_LAST_TIME = re.compile(r"\blast time\b", re.I)
_NAMED_BODY = re.compile(
    r"\b((?:[A-Z][a-z]+\s){1,3}(?:City\s|County\s|Borough\s|District\s)?(?:Council|Police|Constabulary))\b"
)


class QuestionResolver:
    """Steers questions to subjects, periods and reports, from what the index holds.

    Args:
        reports: The live reports of the index (one row per source is fine).
        in_reports: Whether a word, as typed, appears in the indexed passages (a word that
            does is never read as a misspelt place name); None reads no misspellings.
        settings: The ``route`` group (how misspelt place names are read).
    """

    def __init__(
        self,
        reports: list[ReportRecord],
        in_reports: Callable[[str], bool] | None = None,
        settings: RouteSettings | None = None,
    ) -> None:
        by_id: dict[str, ReportRecord] = {}
        for r in reports:
            if r.status == "indexed" and r.report_id and r.report_id not in by_id:
                by_id[r.report_id] = r
        self.reports = list(by_id.values())
        self.subjects = sorted({r.subject for r in self.reports if r.subject})
        self.kinds = sorted({kind_of(r) for r in self.reports})
        self.resolver = SubjectResolver(self.subjects)
        self._in_reports = in_reports
        self._settings = settings or RouteSettings()
        self._variants = self.resolver.variants
        self._everyone = SubjectResolver(
            set(LOCAL_AUTHORITIES) | set(POLICE_FORCES) | set(self.subjects)
        )

    @property
    def in_reports(self) -> Callable[[str], bool] | None:
        """Whether words, as typed, appear in the indexed reports (None: not known)."""
        return self._in_reports

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

        A place name typed nearly right ("Cornwal") is read as the indexed place it spells,
        and the context says so; one that could be either of two places is asked about.

        Args:
            question: The user's question.
            history: Earlier answers of the conversation (``Answer`` objects), oldest first.
            filters: Filters the user set explicitly (they always apply).
        """
        named = tuple(self.resolver.find_in(question))
        s = self._settings
        corrections: tuple[Correction, ...] = ()
        if not named and s.misspelt_places and self._in_reports and not self.not_indexed(question):
            corrections = tuple(
                near_places(question, self._variants, self._in_reports, s.misspelling_min_letters,
                            s.two_slips_from)
            )  # fmt: skip
            corrections = corrections or tuple(unrecognised(question, self._in_reports))
        taken = tuple(c.taken for c in corrections if c.taken)
        u = self._understand(
            question,
            history,
            filters,
            named + taken or force_for_county(question, self._everyone, self.subjects),
        )
        if not corrections:
            return u
        notes = "; ".join(c.describe() for c in corrections)
        ctx = u.context
        return replace(
            u,
            context=replace(
                ctx,
                corrections=corrections,
                description=f"{ctx.description} ({notes})" if ctx.description else notes,
            ),
        )

    def _understand(
        self,
        question: str,
        history: list | None,
        filters: Filters | None,
        subjects: tuple[str, ...],
    ) -> Understood:
        filters = filters or Filters()
        wider = [n for n in self._everyone.find_in(question) if n not in self.subjects]
        if wider and subjects:
            # "Lancashire Constabulary" names a force the index lacks, not Lancashire council.
            subjects = tuple(s for s in subjects if not any(s in w for w in wider))
            if not subjects:
                u = self._finish(question, (), None, None, False, False, filters, False, ())
                return replace(
                    u,
                    abstention=Abstention(
                        AbstainReason.SUBJECT_NOT_INDEXED,
                        f"The index holds no report on {', '.join(wider)}.",
                        tuple(wider),
                    ),
                )
        named = parse_period(question)
        start, end, period = named.start, named.end, named.words
        names_report = bool(_REPORT_NOUN.search(question))
        latest = (
            bool(_LATEST.search(question))
            and names_report
            or bool(re.search(r"\b(latest|most recent|newest)\b", question, re.I))
        )
        earliest = bool(_EARLIEST.search(question)) and names_report
        previous = bool(_PREVIOUS.search(question)) and names_report
        carried = False
        prev_ctx = previous_context(history)
        if prev_ctx is not None and not is_follow_up(question, subjects, period):
            prev_ctx = None
        if prev_ctx is not None:
            if not subjects and prev_ctx.subjects:
                subjects = prev_ctx.subjects
                carried = True
            # A place the question names itself starts afresh: the earlier turn's period and
            # reports were about another place (or about none).
            same_place = carried or set(subjects) == set(prev_ctx.subjects)
            if not same_place:
                prev_ctx = None
        if _LAST_TIME.search(question) and not (prev_ctx and prev_ctx.report_ids):
            latest, previous = True, False  # "how was Leeds rated last time?": the newest report
        if prev_ctx is not None:
            relative = (
                relative_reports(question, subjects, prev_ctx, self.reports) if not period else None
            )
            if relative is not None:
                picked, abstention = relative
                u = self._finish(
                    question, subjects, None, None, False, False, filters, True, picked
                )
                return replace(u, abstention=abstention) if abstention else u
            if (
                not period
                and not latest
                and not earliest
                and (prev_ctx.date_from or prev_ctx.date_to or prev_ctx.report_ids)
            ):
                if (
                    not prev_ctx.report_ids
                    and subjects
                    and not self._covers(subjects, prev_ctx.date_from, prev_ctx.date_to)
                ):
                    # The earlier turn's period matched no report of this place: carrying it
                    # would only repeat that refusal for a question that did not ask it.
                    prev_ctx = replace(prev_ctx, date_from=None, date_to=None)
                start, end = prev_ctx.date_from, prev_ctx.date_to
                carried = carried or bool(start or end or prev_ctx.report_ids)
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
            kinds=tuple(kinds_named(question, self.kinds)),
            prefer=INSPECTION if names_inspection(question) else None,
            strict=names_full_inspection(question),
        )
        region = region_named(question) if not subjects and not filters.subjects else None
        if region is not None:
            name, members = region.name, region.members
            held = tuple(m for m in members if m in self.subjects)
            ctx = replace(
                u.context, description="; ".join(b for b in (name, u.context.description) if b)
            )
            return replace(u, context=ctx, filters=replace(u.filters, subjects=held or members))
        if not subjects and not filters.subjects and not u.abstention:
            # A force that no report is about but an indexed report speaks of (a partner in a
            # joint inspection) is searched for by its name instead of declined.
            named = self.not_indexed(question)
            spoken = tuple(
                m for m in named if is_police_force(m) and self._in_reports and self._in_reports(m)
            )
            missing = [m for m in named if m not in spoken]
            if spoken:
                u = replace(u, spoken_of=spoken)
            if missing:
                u = replace(
                    u,
                    abstention=Abstention(
                        AbstainReason.SUBJECT_NOT_INDEXED,
                        f"The index holds no report on {', '.join(missing)}.",
                        tuple(missing),
                    ),
                )
        elif not u.abstention and (
            forces := tuple(filter(is_police_force, self.not_indexed(question)))
        ):
            # "HMICFRS on the Metropolitan Police in Newham": the answer must name the force.
            u = replace(u, spoken_of=forces)
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
        kinds: tuple[str, ...] = (),
        prefer: str | None = None,
        strict: bool = False,
    ) -> Understood:
        abstention = None
        pick: tuple[str, ...] = tuple(report_ids)
        if subjects and not pick:
            mine = [r for r in self.reports if r.subject in subjects]
            if filters.kinds:
                mine = [r for r in mine if is_of_kind(r, filters.kinds)]
            if start or end:
                in_period = [r for r in mine if overlaps(r, start, end)]
                if not in_period and mine:
                    abstention = Abstention(
                        AbstainReason.PERIOD_NOT_COVERED,
                        f"No {', '.join(subjects)} report in the index covers "
                        f"{describe_period(start, end)}; the indexed reports are: "
                        f"{holdings(mine)}.",
                        (describe_period(start, end),),
                    )
                mine = in_period
            if kinds and mine:
                of_kind = [r for r in mine if is_of_kind(r, kinds)]
                if not of_kind:
                    span = describe_period(start, end)
                    every = [r for r in self.reports if r.subject in subjects]
                    abstention = Abstention(
                        AbstainReason.KIND_NOT_HELD,
                        f"The index holds no {kinds[0]} of {', '.join(subjects)}"
                        f"{' in ' + span if span else ''}; the indexed reports are: "
                        f"{holdings(every)}.",
                        (kinds[0],),
                    )
                mine = of_kind
                if mine and not (latest or earliest):
                    pick = tuple(r.report_id for r in mine if r.report_id)
            if (
                strict
                and (start or end)
                and mine
                and not any(kind_of(r) == prefer for r in mine)
                and abstention is None
            ):
                # "its full ILACS inspection in 2021" when 2021 holds only a focused visit.
                every = [r for r in self.reports if r.subject in subjects]
                abstention = Abstention(
                    AbstainReason.KIND_NOT_HELD,
                    f"The index holds no full {prefer} of {', '.join(subjects)} in "
                    f"{describe_period(start, end)}; the indexed reports are: {holdings(every)}.",
                    (prefer,),
                )
            if prefer and any(kind_of(r) == prefer for r in mine):
                # "the latest inspection": of the graded inspections, when there are visits too
                # (a preference, never a filter that leaves nothing).
                mine = [r for r in mine if kind_of(r) == prefer]
            if (latest or earliest) and mine:
                ordered = sorted(mine, key=when)
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
                    newest += (max(mine, key=when).report_id,)
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
            # A kind named with no place limits the search to reports of that kind.
            kinds=filters.kinds or (() if (subjects or pick) else covered(kinds, self.kinds)),
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
            bits.append(describe_period(start, end))
        return "; ".join(b for b in bits if b)

    def _covers(self, subjects: tuple, start, end) -> bool:
        """Whether any report of the subjects overlaps the period."""
        return any(r.subject in subjects and overlaps(r, start, end) for r in self.reports)
