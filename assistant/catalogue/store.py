"""The catalogue's reports, read from the index's manifest as typed records.

``Catalogue`` is the one place the catalogue reads the manifest: the live reports, their
judgements, improvement points and the notes ingest wrote about them. The notes are prose; they
are turned into ``Absence`` values here (``absences_of``), so nothing downstream reads them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from assistant.catalogue.records import (
    UNGRADED_KINDS,
    Absence,
    CatalogueReport,
    TimelinePoint,
    sort_key,
)
from assistant.kinds import is_of_kind, kind_of, kinds_named
from assistant.periods import UNDATED_LEAD
from assistant.settings import AnswerSettings
from assistant.vocabulary import OVERALL, Area, grade_from_words, judgement_area, pick_judgement
from ingest.records import Chunk, Judgement
from vectorstore.records import ReportRecord

if TYPE_CHECKING:
    from ingest.subjects import SubjectResolver
    from vectorstore.manifest import Manifest
    from vectorstore.provenance import Provenance

_NOTE_PREFIX = "judgements."


def in_period(
    r: ReportRecord, start: date | None, end: date | None, published_too: bool = False
) -> bool:
    """The report falls in the period.

    Its inspection dates must overlap the period (the publication date stands in when it has
    none); with ``published_too`` the span from inspection to publication counts, as in the
    question resolver ("the 2014 report" may be one inspected in December 2013).

    Args:
        r: The report.
        start: The period's first day, or None.
        end: The period's last day, or None.
        published_too: Count the publication date as well as the inspection dates.

    Returns:
        True when the report falls in the period (always, for no period).
    """
    if start is None and end is None:
        return True
    dates = [d for d in (r.inspection_start, r.inspection_end) if d]
    if not dates and r.published:
        # Inspection dates unread: it took place in the weeks before publication.
        dates = [r.published - UNDATED_LEAD, r.published]
    elif published_too and r.published:
        dates += [r.published]
    if not dates:
        return False
    lo, hi = min(dates), max(dates)
    return (start is None or hi >= start) and (end is None or lo <= end)


def _absence_in_note(note: str) -> Absence | None:
    """The reason a note of ingest gives for a missing grade, or None when it gives none."""
    if note.startswith("conflicting"):
        return Absence.CONFLICTING
    if "visit" in note:
        return Absence.NOT_GRADED_VISIT
    if note.startswith("LSCB review only"):
        return Absence.LSCB_REVIEW_ONLY
    if "HMIC inspections of this kind are not graded" in note:
        return Absence.HMIC_NOT_GRADED
    if note.startswith("no graded judgement:"):
        return Absence.NOT_GRADED_KIND
    return None


def absences_of(
    record: ReportRecord, judgements: Sequence[Judgement], notes: Mapping[str, str]
) -> dict[str, Absence]:
    """Why a report states no grade, by judgement key.

    A report that states no grade at all is a visit when its kind is one, and an ungraded HMIC
    inspection when its framework is HMIC's. Where only ingest's notes say why (disagreeing
    statements, an LSCB review), the notes are read here and nowhere else.

    Args:
        record: The report.
        judgements: Its graded judgements.
        notes: Ingest's notes of the report (``"judgements.<key>"`` -> why it is absent).

    Returns:
        Judgement key -> the reason its grade is absent (keys with no known reason are left
        out).
    """
    found: dict[str, Absence] = {}
    for name, note in notes.items():
        if name.startswith(_NOTE_PREFIX) and isinstance(note, str):
            why = _absence_in_note(note)
            if why is not None:
                found[name[len(_NOTE_PREFIX) :]] = why
    if not judgements:
        overall = OVERALL.keys[0]
        if kind_of(record) in UNGRADED_KINDS:
            found[overall] = Absence.NOT_GRADED_VISIT
        elif record.framework == "hmic":
            found[overall] = Absence.HMIC_NOT_GRADED
    return found


class Catalogue:
    """The live reports of one index generation and what they state.

    Args:
        manifest: The index's manifest.
        subjects: The resolver of the indexed subjects' names and aliases.
        provenance: Where the reports came from (their public links), when known.
        max_citations: Most items cited in one answer; the rest are counted ("and 3 more")
            (``answer.catalogue_citations``).
    """

    def __init__(
        self,
        manifest: Manifest,
        subjects: SubjectResolver,
        provenance: Provenance | None = None,
        max_citations: int = AnswerSettings().catalogue_citations,
    ) -> None:
        self._manifest = manifest
        self._subjects = subjects
        self._provenance = provenance
        self.max_citations = max_citations
        self._live: list[ReportRecord] | None = None

    def live_reports(self) -> list[ReportRecord]:
        """One record per live report; its ``source`` is the path its chunks carry (as in
        ``ask``). Read once: a catalogue is made for one generation of the index (reading
        every report costs about 0.2 s at 7,000 reports)."""
        if self._live is None:
            self._live = self._read_live()
        return list(self._live)

    def _read_live(self) -> list[ReportRecord]:
        first = dict(
            self._manifest.query("SELECT report_id, source FROM reports WHERE status='live'")
        )
        by_id: dict[str, ReportRecord] = {}
        records = self._manifest.reports(include_failed=False)
        if self._provenance is not None:
            records = self._provenance.annotate(records)
        for r in records:
            if r.status != "indexed" or not r.report_id or r.report_id not in first:
                continue
            have = by_id.get(r.report_id)
            if have is None or (r.source == first[r.report_id] and have.source != r.source):
                by_id[r.report_id] = r
        return list(by_id.values())

    def list_reports(
        self,
        subject: str | None = None,
        grade: str | None = None,
        judgement: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        kind: str | None = None,
    ) -> list[ReportRecord]:
        """The live reports that match, one per report, sorted by subject then date.

        Args:
            subject: Any name or alias of a local authority or police force ("Hull", "the Met").
            grade: User words for a grade: "inadequate", "requires improvement", "RI", "good".
            judgement: User words or a key: "overall", "leadership", "care leavers",
                "help_and_protection", or "any". With a grade and no judgement, the overall
                judgement is matched.
            date_from: Earliest date (inclusive): the inspection must end on or after it.
            date_to: Latest date (inclusive): the inspection must start on or before it.
                Reports without inspection dates are placed at their publication date.
            kind: A kind of report, as users name it ("focused visit", "the SEND inspection",
                "JTAI", "joint inspection") or as recorded.

        Returns:
            The matching reports.

        Raises:
            ValueError: When ``grade`` or ``judgement`` is not a known grade or judgement.
        """
        recs = self.live_reports()
        if subject:
            resolved = self._subjects.resolve(subject)
            if resolved is None:
                return []
            recs = [r for r in recs if r.subject == resolved]
        recs = [r for r in recs if in_period(r, date_from, date_to)]
        if kind:
            named = kinds_named(kind, {kind_of(r) for r in recs}) or [kind.strip()]
            recs = [r for r in recs if is_of_kind(r, named)]
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
            kept = []
            for r in recs:
                js = self._judgements(r)
                if area is not None:
                    j = pick_judgement(js, area)
                    if j is not None and (gk is None or j.grade_key == gk):
                        kept.append(r)
                elif any(j.grade_key == gk for j in js):
                    kept.append(r)
            recs = kept
        return sorted(recs, key=sort_key)

    def report(self, record: ReportRecord) -> CatalogueReport:
        """A report with its judgements, improvement points and why grades are absent."""
        judgements = tuple(self._judgements(record))
        rid = record.report_id
        improvements = tuple(self._manifest.improvements(rid)) if rid else ()
        absences = absences_of(record, judgements, self._notes(rid)) if rid else {}
        return CatalogueReport(record, judgements, improvements, absences)

    def points(
        self, records: Iterable[ReportRecord], area: Area, graded_only: bool = True
    ) -> list[TimelinePoint]:
        """Each report's judgement for an area, in the order given.

        Args:
            records: The reports.
            area: The judgement area.
            graded_only: Leave out reports that state no grade for it.

        Returns:
            One point per report (per graded report with ``graded_only``).
        """
        out = []
        for r in records:
            j = pick_judgement(self._judgements(r), area)
            if j is None and graded_only:
                continue
            out.append(TimelinePoint(r, j))
        return out

    def timeline(
        self, subject: str, judgement: str = "overall", graded_only: bool = True
    ) -> list[TimelinePoint]:
        """A subject's grades over time, oldest first (for a per-authority chart).

        Args:
            subject: Any name or alias of the local authority or force.
            judgement: Which judgement (default the overall one).
            graded_only: Leave out reports that state no grade for it (visits, letters).

        Returns:
            One point per report, placed at its inspection's end, else start, else publication.
        """
        area = judgement_area(judgement) or OVERALL
        return self.points(self.list_reports(subject=subject), area, graded_only)

    def report_chunks(self, report_id: str) -> list[Chunk]:
        """The stored chunks of a report, in reading order (with its public link)."""
        chunks = self._manifest.report_chunks(report_id)
        return self._provenance.with_urls(chunks) if self._provenance is not None else chunks

    def _judgements(self, record: ReportRecord) -> list[Judgement]:
        return self._manifest.judgements(record.report_id) if record.report_id else []

    def _notes(self, report_id: str) -> dict[str, str]:
        """Ingest's notes of a report: why a grade or a field is absent."""
        rows = self._manifest.query(
            "SELECT metadata_json FROM reports WHERE report_id=?", (report_id,)
        )
        try:
            notes = (json.loads(rows[0][0] or "{}").get("notes") or {}) if rows else {}
        except (TypeError, ValueError, AttributeError):
            return {}
        return notes if isinstance(notes, dict) else {}


__all__ = ["Catalogue", "absences_of", "in_period"]
