"""The catalogue's records as JSON, for ``reports --json``, the REST API and the web app.

The keys and their order are part of the command line's output: keep them as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from assistant.catalogue.records import CatalogueReport, TimelinePoint
from assistant.kinds import kind_of


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def report_json(report: CatalogueReport) -> dict[str, Any]:
    """A report of the catalogue as JSON (``reports --json``).

    Args:
        report: The report, from ``Catalogue.report``.

    Returns:
        ``source`` (the path citations name, as in ``ask``), ``report_id``, ``title``,
        ``subject``, ``inspectorate``, ``framework``, ``report_type``, ``lead_inspector``,
        ``inspection_start``, ``inspection_end``, ``published`` (ISO dates or None),
        ``judgements`` (``judgement`` and ``grade`` as the report words them, ``page``,
        ``quote``, ``key``, ``grade_key``), ``improvements`` (verbatim points) and ``aliases``
        (other paths holding the same file), then ``kind`` ("inspection", "focused visit",
        "area SEND inspection", ...) and ``inspectorates`` (every author of the report).
    """
    r = report.record
    return {
        "source": r.source,
        "report_id": r.report_id,
        "title": r.title,
        "subject": r.subject,
        "inspectorate": r.inspectorate,
        "framework": r.framework,
        "report_type": r.report_type,
        "lead_inspector": r.lead_inspector,
        "inspection_start": _iso(r.inspection_start),
        "inspection_end": _iso(r.inspection_end),
        "published": _iso(r.published),
        "judgements": [
            {
                "judgement": j.judgement,
                "grade": j.grade,
                "page": j.page,
                "quote": j.quote,
                "key": j.key,
                "grade_key": j.grade_key,
            }
            for j in report.judgements
        ],
        "improvements": list(report.improvements),
        "aliases": list(r.aliases),
        "kind": kind_of(r),
        "inspectorates": list(r.inspectorates),
    }


def timeline_json(points: Iterable[TimelinePoint]) -> list[dict[str, Any]]:
    """A timeline as JSON, one object per point (the web app's Timeline tab reads these).

    Args:
        points: The points, from ``Catalogue.timeline``.

    Returns:
        One dict per point: ``date`` (ISO: inspection end, else start, else publication),
        ``grade`` (as worded), ``grade_key``, ``judgement`` (as worded), ``page``, ``quote``,
        ``source``, ``report_id``, ``title``, ``framework``, ``inspection_start``,
        ``inspection_end``, ``published``.
    """
    out = []
    for p in points:
        r, j = p.record, p.judgement
        out.append(
            {
                "date": _iso(p.day),
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


__all__ = ["report_json", "timeline_json"]
