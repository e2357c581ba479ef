"""The Timeline tab: one authority's overall grades over time, as an inline SVG and a table.

The chart is drawn here (no plotting library, no network). Only the app's own markup is
emitted; every text from the reports is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from assistant.catalogue import TimelinePoint
from assistant.vocabulary import GRADE_LABELS, GRADE_ORDER, grade_label
from assistant.web.render import esc, open_link

_SVG_W, _SVG_H = 720, 280
_PLOT_L, _PLOT_R, _PLOT_T, _PLOT_B = 170, 700, 28, 226  # the plot area inside the SVG
_X_PAD = 24  # keeps the first and last points off the plot's edges

EMPTY_TIMELINE = (
    '<div class="ia-timeline"><p class="ia-empty">Choose a local authority or police force to '
    "see its overall grades over time.</p></div>"
)


def _grade_y(grade_key: str) -> float:
    step = (_PLOT_B - _PLOT_T) / (len(GRADE_ORDER) - 1)
    return _PLOT_B - GRADE_ORDER.index(grade_key) * step


def _grade_key(p: TimelinePoint) -> str | None:
    return p.judgement.grade_key if p.judgement else None


def timeline_svg(subject: str, points: Sequence[TimelinePoint]) -> str:
    """A chart of graded points over time: x the inspection date, y the grade (ordinal).

    Only the app's own markup is emitted; every text from the reports is escaped, grades become
    class names only when they are one of the four known grade keys.
    """
    placed = [
        (d, p, p.judgement)
        for p in points
        if (d := p.day) and p.judgement and p.judgement.grade_key in GRADE_ORDER
    ]
    title = f"Overall grades of {subject} over time"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ia-timeline-chart" '
        f'viewBox="0 0 {_SVG_W} {_SVG_H}" role="img" aria-label="{esc(title)}">',
        f"<title>{esc(title)}</title>",
    ]
    for g in GRADE_ORDER:
        y = _grade_y(g)
        out.append(
            f'<line class="ia-tl-grid" x1="{_PLOT_L}" y1="{y:.1f}" x2="{_PLOT_R}" y2="{y:.1f}"/>'
            f'<text class="ia-tl-ylabel" x="{_PLOT_L - 10}" y="{y + 4:.1f}" '
            f'text-anchor="end">{esc(GRADE_LABELS[g])}</text>'
        )
    axis_y = _PLOT_B + 16
    out.append(
        f'<line class="ia-tl-axis" x1="{_PLOT_L}" y1="{axis_y}" x2="{_PLOT_R}" y2="{axis_y}"/>'
    )
    if placed:
        days = [d.toordinal() for d, _, _ in placed]
        lo, hi = min(days), max(days)
        if hi - lo < 60:  # one report, or reports weeks apart: centre them in a year's span
            lo, hi = lo - 183, hi + 183
        span = hi - lo
        left, right = _PLOT_L + _X_PAD, _PLOT_R - _X_PAD

        def x_of(day: int) -> float:
            return left + (day - lo) * (right - left) / span

        first, last = date.fromordinal(lo).year, date.fromordinal(hi).year
        years = [y for y in range(first, last + 2) if lo <= date(y, 1, 1).toordinal() <= hi]
        every = max(1, -(-len(years) // 10))
        for y in years[::every]:
            x = x_of(date(y, 1, 1).toordinal())
            out.append(
                f'<line class="ia-tl-tick" x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" '
                f'y2="{axis_y + 5}"/><text class="ia-tl-xlabel" x="{x:.1f}" '
                f'y="{axis_y + 19}" text-anchor="middle">{y}</text>'
            )
        if not years:  # under a year: label the points' dates instead
            for d, _, _ in placed:
                out.append(
                    f'<text class="ia-tl-xlabel" x="{x_of(d.toordinal()):.1f}" '
                    f'y="{axis_y + 19}" text-anchor="middle">{esc(d.isoformat())}</text>'
                )
        coords = [(x_of(d.toordinal()), _grade_y(j.grade_key)) for d, _, j in placed]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            out.append(f'<polyline class="ia-tl-line" points="{path}"/>')
        for (d, p, j), (x, y) in zip(placed, coords, strict=True):
            tip = f"{d.isoformat()}: {grade_label(j.grade_key, j.grade)}"
            if j.page is not None:
                tip += f" (page {j.page})"
            if p.record.title:
                tip += f" · {p.record.title}"
            out.append(
                f'<g class="ia-tl-point" data-date="{d.isoformat()}" data-grade="{j.grade_key}">'
                f'<circle class="ia-g-{j.grade_key}" cx="{x:.1f}" cy="{y:.1f}" r="7">'
                f"<title>{esc(tip)}</title></circle></g>"
            )
    out.append("</svg>")
    return "".join(out)


def timeline_table(points: Sequence[TimelinePoint], files: dict[str, str]) -> str:
    """Date, grade, and the verbatim words stating it (with their page), one row per report."""
    rows = []
    for p in points:
        r, j = p.record, p.judgement
        where = f" (page {j.page})" if j and j.page is not None else ""
        quote = f"“{esc(' '.join(((j.quote if j else None) or '').split()))}”{esc(where)}"
        report = esc(r.title or r.source or "")
        link = open_link(files, r.report_id, None, None)
        grade = grade_label(_grade_key(p), j.grade if j else None)
        day = p.day
        rows.append(
            f'<tr class="ia-tl-row" data-grade="{esc(_grade_key(p) or "")}">'
            f"<td>{esc(day.isoformat() if day else 'undated')}</td>"
            f'<td class="ia-tl-grade">{esc(grade)}</td>'
            f'<td class="ia-tl-quote">{quote}</td>'
            f"<td>{report}{' · ' + link if link else ''}</td></tr>"
        )
    return (
        '<table class="ia-timeline-table"><thead><tr><th>Date</th><th>Grade</th>'
        "<th>Stated in the report</th><th>Report</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def timeline_html(
    subject: str | None, points: Sequence[TimelinePoint], files: dict[str, str]
) -> str:
    """The Timeline tab: the chart and the table of one authority's overall grades."""
    if not subject:
        return EMPTY_TIMELINE
    if not points:
        return (
            f'<div class="ia-timeline"><p class="ia-empty">No indexed report of {esc(subject)} '
            "states an overall grade.</p></div>"
        )
    return (
        f'<div class="ia-timeline"><h3>Overall grades: {esc(subject)}</h3>'
        f"{timeline_svg(subject, points)}{timeline_table(points, files)}</div>"
    )
