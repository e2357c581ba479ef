"""The Gradio app: chat, quotes, the reports catalogue and admin, over one ``Assistant``.

This module holds no question answering, ranking or ingest logic: it calls ``Assistant``,
``Ingestor``, ``assistant.uploads`` and ``assistant.auth`` and shows what they return. Report
text and user input are always escaped before display; the only markup is the app's own.

The API for scripts (``gradio_client``) has two named endpoints, ``/ask`` and ``/quote``, that
return the same JSON as ``inspection-assistant ask --json`` and ``quote --json``.
"""

from __future__ import annotations

import html
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote as url_quote

import fastapi
import gradio as gr
from fastapi.responses import FileResponse, PlainTextResponse
from starlette.routing import Mount

from assistant.auth import UserStore
from assistant.catalogue import report_json, timeline
from assistant.core import Assistant
from assistant.indexing import IndexLockedError, Ingestor, writer_lock
from assistant.jsonio import answer_json, quote_json
from assistant.records import Answer, Citation, Quote
from assistant.uploads import UploadRejectedError, save_upload
from ingest.dates import human_range
from ingest.errors import IngestError
from ingest.sniff import sniff
from vectorstore.records import Filters, Hit, ReportRecord

log = logging.getLogger("inspection_assistant.ui")

STATIC = Path(__file__).parent / "static"
TITLE = "Inspection Assistant"
ANSWERS = "answers"  # the concurrency group of everything that runs the model
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REPORT_COLUMNS = [
    "Title",
    "Subject",
    "Inspectorate",
    "Inspected from",
    "Inspected to",
    "Published",
    "Overall",
    "Grades",
    "Pages",
    "Chunks",
    "Status",
    "File",
    "Reason",
]
REPORT_DATATYPES = ["str"] * 8 + ["number", "number"] + ["str"] * 3
REVEAL_WORDS = 4  # words added per step when showing a finished answer progressively
REVEAL_PAUSE_S = 0.02

# System fonts only: no web font is fetched, from a CDN or anywhere else.
THEME = gr.themes.Default(
    font=[
        gr.themes.Font("system-ui"),
        gr.themes.Font("Segoe UI"),
        gr.themes.Font("Roboto"),
        gr.themes.Font("Helvetica Neue"),
        gr.themes.Font("Arial"),
        "sans-serif",
    ],
    font_mono=[
        gr.themes.Font("ui-monospace"),
        gr.themes.Font("SFMono-Regular"),
        gr.themes.Font("Menlo"),
        gr.themes.Font("Consolas"),
        "monospace",
    ],
)


# -- access ---------------------------------------------------------------------------------
@dataclass
class Access:
    """Who may do what.

    Attributes:
        users: The users file (None: no login).
        admin_without_auth: Without login, whether everyone is an admin (True on loopback).
    """

    users: UserStore | None = None
    admin_without_auth: bool = True

    def role(self, request: gr.Request | None) -> str | None:
        """The role of the request's user ("reader", "admin"), None when not signed in."""
        if self.users is None:
            return "admin" if self.admin_without_auth else "reader"
        return self.users.role(getattr(request, "username", None) if request else None)

    def require(self, request: gr.Request | None, role: str) -> None:
        """Raise a visible error unless the user has the role (admins may do everything)."""
        have = self.role(request)
        if have is None or (role == "admin" and have != "admin"):
            raise gr.Error(f"This needs the {role} role." if have else "Please sign in.")


# -- escaping and rendering (presentation only) ---------------------------------------------
# Characters that could start Markdown or HTML; entities show them literally.
_MD_ESCAPES = {c: f"&#{ord(c)};" for c in "\\`*_[]<>&~|$"}
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_MARKER = re.compile(r"\[(\d{1,3})\]")


def esc_md(text: str) -> str:
    """Text for a Markdown-rendered component, shown literally (no Markdown, HTML or links)."""
    lines = []
    for line in (text or "").split("\n"):
        line = "".join(_MD_ESCAPES.get(ch, ch) for ch in line)
        # A heading, quote or list marker at the start of a line is shown as typed.
        line = _LINE_START.sub(
            lambda m: m.group(1) + "".join(f"&#{ord(c)};" for c in m.group(2)), line
        )
        lines.append(line.replace("://", "&#58;//"))
    return "<br>".join(lines)


def esc(text: object) -> str:
    """Text for an HTML component, shown literally."""
    return html.escape("" if text is None else str(text), quote=True)


def cite_anchor(turn: int, n: int) -> str:
    """The id of citation ``n`` of answer ``turn`` in the sources panel."""
    return f"ia-src-{turn}-{n}"


def answer_markdown(text: str, turn: int, numbers: set[int]) -> str:
    """Answer text for the chat: escaped, its [n] markers linked to the sources panel."""
    parts: list[str] = []
    pos = 0
    for m in _MARKER.finditer(text or ""):
        parts.append(esc_md(text[pos : m.start()]))
        n = int(m.group(1))
        if n in numbers:
            target = cite_anchor(turn, n)
            parts.append(
                f'<a class="ia-cite" href="#{target}" data-target="{target}" '
                f'title="Show source {n}">&#91;{n}&#93;</a>'
            )
        else:
            parts.append(esc_md(m.group(0)))
        pos = m.end()
    parts.append(esc_md((text or "")[pos:]))
    return "".join(parts)


def near_anchor(turn: int, i: int) -> str:
    """The id of closest match ``i`` of abstained answer ``turn`` in the sources panel."""
    return f"ia-near-{turn}-{i}"


def answer_message(a: Answer, turn: int) -> str:
    """The finished answer for the chat; an abstention says so and lists the closest matches."""
    body = answer_markdown(a.text, turn, {c.n for c in a.citations})
    if a.abstained:
        body = '<span class="ia-abstain">No answer in the reports</span> ' + body
        near = []
        # Catalogue abstentions deliberately carry no passages: nothing "close" to list.
        for i, h in enumerate(_closest(a)[:3], 1):
            target = near_anchor(turn, i)
            label = f"{h.chunk.title or h.chunk.source}, page {h.chunk.page_start}"
            near.append(
                f'<br>{i}. <a class="ia-cite" href="#{target}" data-target="{target}">'
                f"{esc_md(label)}</a>"
            )
        if near:
            body += "<br><em>Closest matches (not answers):</em>" + "".join(near)
    if a.notice:
        body += f"<br><em>{esc_md(a.notice)}</em>"
    return body


def _highlighted_passage(c: Citation) -> str:
    passage = c.passage or c.quote
    at = passage.find(c.quote) if c.quote else -1
    if at < 0:
        marked = esc(passage)
    else:
        marked = (
            esc(passage[:at])
            + "<mark>"
            + esc(c.quote)
            + "</mark>"
            + esc(passage[at + len(c.quote) :])
        )
    paras = [p for p in marked.split("\n\n") if p.strip()]
    return "".join(f"<p>{p}</p>" for p in paras)


def _where(page: int | None, paragraph: int | None, section: str | None) -> str:
    bits = []
    if page is not None:
        bits.append(f"page {page}")
    if paragraph is not None:
        bits.append(f"paragraph {paragraph}")
    if section:
        bits.append(f"section “{section}”")
    return ", ".join(bits)


def _open_link(
    files: dict[str, str], report_id: str | None, pdf_page: int | None, page: int | None
) -> str:
    kind = files.get(report_id or "")
    if not kind:
        return ""
    href = f"report-file/{url_quote(report_id or '')}"
    if kind == "pdf" and pdf_page:
        href += f"#page={int(pdf_page)}"
        label = f"Open the report at page {page if page is not None else pdf_page}"
    else:
        label = "Open the report"
    return (
        f'<a class="ia-open" href="{esc(href)}" target="_blank" '
        f'rel="noopener noreferrer">{esc(label)}</a>'
    )


def citation_card(c: Citation, anchor: str, files: dict[str, str], n_label: str) -> str:
    """One source: title, subject, date, page and paragraph, the passage, copy and open."""
    meta = " · ".join(
        esc(b)
        for b in (
            c.subject,
            c.inspectorate,
            c.inspection_date,
            _where(c.page, c.paragraph, c.section),
        )
        if b
    )
    return (
        f'<article class="ia-src" id="{esc(anchor)}">'
        f'<header><span class="ia-n">{esc(n_label)}</span> '
        f'<span class="ia-title">{esc(c.title or c.source)}</span></header>'
        f'<div class="ia-meta">{meta}</div>'
        f'<blockquote class="ia-passage">{_highlighted_passage(c)}</blockquote>'
        f'<div class="ia-actions"><button type="button" class="ia-copy" data-copy="{esc(c.line)}" '
        f'data-label="Copy quote with citation">Copy quote with citation</button>'
        f"{_open_link(files, c.report_id, c.pdf_page, c.page)}</div>"
        f'<div class="ia-line">{esc(c.line)}</div>'
        f"</article>"
    )


def passage_card(h: Hit, anchor: str, files: dict[str, str]) -> str:
    """One of the closest matches shown under an abstention."""
    ch = h.chunk
    text = " ".join(ch.text.split())
    snippet = text[:420] + ("…" if len(text) > 420 else "")
    when = human_range(ch.inspection_start, ch.inspection_end)
    meta = " · ".join(
        esc(b)
        for b in (
            ch.subject,
            ch.inspectorate,
            when,
            _where(ch.page_start, ch.paragraphs[0] if ch.paragraphs else None, ch.section),
        )
        if b
    )
    return (
        f'<article class="ia-src ia-closest" id="{esc(anchor)}">'
        f'<header><span class="ia-n">{h.rank or ""}.</span> '
        f'<span class="ia-title">{esc(ch.title or ch.source)}</span></header>'
        f'<div class="ia-meta">{meta}</div>'
        f'<blockquote class="ia-passage"><p>{esc(snippet)}</p></blockquote>'
        f'<div class="ia-actions">{_open_link(files, ch.report_id, ch.pdf_page_start, ch.page_start)}'
        f"</div></article>"
    )


def _closest(a: Answer) -> list[Hit]:
    """The passages shown as closest matches of an abstention (none for catalogue answers)."""
    return [] if a.mode == "catalogue" else list(a.passages)


def _turn_sources(a: Answer, turn: int, files: dict[str, str]) -> str:
    if a.citations:
        return "".join(
            citation_card(c, cite_anchor(turn, c.n), files, f"[{c.n}]") for c in a.citations
        )
    closest = _closest(a)
    if closest:
        return (
            '<p class="ia-empty">No passage answers the question. Closest matches:</p>'
            + "".join(
                passage_card(h, near_anchor(turn, i), files) for i, h in enumerate(closest[:5], 1)
            )
        )
    return '<p class="ia-empty">No sources.</p>'


EMPTY_SOURCES = (
    '<div class="ia-sources"><h3>Sources</h3><p class="ia-empty">Ask a question: '
    "each [n] in the answer links to its source here, with the quoted words "
    "highlighted.</p></div>"
)


def sources_html(turns: list[Answer], files: dict[str, str]) -> str:
    """The sources panel: the newest answer's sources, earlier ones folded below."""
    if not turns:
        return EMPTY_SOURCES
    out = ['<div class="ia-sources">']
    for turn in range(len(turns), 0, -1):
        a = turns[turn - 1]
        body = _turn_sources(a, turn, files)
        if turn == len(turns):
            out.append(
                f'<section class="ia-turn"><h3>Sources for “{esc(a.question)}”</h3>{body}</section>'
            )
        else:
            out.append(
                f'<details class="ia-turn"><summary>Earlier: “{esc(a.question)}”'
                f"</summary>{body}</details>"
            )
    out.append("</div>")
    return "".join(out)


def context_html(a: Answer | None) -> str:
    """What the answer was steered to, and whether it came from an earlier question."""
    if a is None or not a.context.description:
        return '<div class="ia-context"></div>'
    carried = (
        '<span class="ia-carried">carried over from your earlier question</span>'
        if a.context.carried
        else ""
    )
    return (
        f'<div class="ia-context">Context: <span class="ia-chip">'
        f"{esc(a.context.description)}</span>{carried}</div>"
    )


def quotes_html(topic: str, quotes: list[Quote], files: dict[str, str]) -> str:
    """Quote cards for the Quotes tab."""
    if not quotes:
        return (
            f'<div class="ia-sources"><p class="ia-empty">No quote in the indexed reports '
            f"matches “{esc(topic)}”.</p></div>"
        )
    cards = "".join(
        citation_card(q.citation, f"ia-quote-{q.rank}", files, f"{q.rank}.") for q in quotes
    )
    return f'<div class="ia-sources ia-quote-list">{cards}</div>'


GRADE_ORDER = ("inadequate", "requires_improvement", "good", "outstanding")  # low to high
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
JUDGEMENT_LABELS = {
    "overall": "Overall",
    "impact_of_leaders": "Leaders",
    "leadership": "Leadership",
    "help_and_protection": "Help and protection",
    "children_in_care": "Children in care",
    "care_leavers": "Care leavers",
    "adoption": "Adoption",
    "lscb": "LSCB",
    "capacity_to_improve": "Capacity to improve",
    "outcomes": "Outcomes",
    "quality_of_provision": "Quality of provision",
    "effectiveness": "Effectiveness",
    "efficiency": "Efficiency",
    "legitimacy": "Legitimacy",
}


def grade_label(grade_key: str | None, worded: str | None = None) -> str:
    """A grade for display: "Requires improvement" for any wording of it."""
    return GRADE_LABELS.get(grade_key or "", "") or " ".join((worded or "").split())


def judgement_label(j: dict) -> str:
    """A judgement's short name for display ("Leaders", "Care leavers")."""
    key = j.get("key") or ""
    if key == "children_in_care" and re.search(r"care\s+leavers", j.get("judgement") or "", re.I):
        return "Children in care and care leavers"
    return JUDGEMENT_LABELS.get(key) or " ".join((j.get("judgement") or "").split())


def grade_cells(judgements: list[dict]) -> tuple[str, str]:
    """The Reports tab's "Overall" and "Grades" cells for a report's judgements (catalogue JSON).

    Returns:
        The overall grade ("" when none is stated) and every graded judgement, the overall one
        first: "Overall: Good · Leaders: Outstanding · Care leavers: Good".
    """
    overall = next((j for j in judgements if j.get("key") == "overall"), None)
    ordered = ([overall] if overall else []) + [j for j in judgements if j is not overall]
    parts: list[str] = []
    for j in ordered:
        grade = grade_label(j.get("grade_key"), j.get("grade"))
        part = f"{judgement_label(j)}: {grade}" if grade else ""
        if part and part not in parts:
            parts.append(part)
    first = grade_label(overall.get("grade_key"), overall.get("grade")) if overall else ""
    return first, " · ".join(parts)


def report_rows(
    records: list[ReportRecord], judgements: dict[str, list[dict]] | None = None
) -> list[list]:
    """The Reports tab's table: every indexed report and every failed file.

    Args:
        records: The index's report records (failed files too).
        judgements: report_id -> the report's judgements as ``catalogue.report_json`` gives them.
    """
    judgements = judgements or {}
    rows = []
    for r in records:
        overall, grades = grade_cells(judgements.get(r.report_id or "", []))
        rows.append(
            [
                r.title or "",
                r.subject or "",
                r.inspectorate or "",
                r.inspection_start.isoformat() if r.inspection_start else "",
                r.inspection_end.isoformat() if r.inspection_end else "",
                r.published.isoformat() if r.published else "",
                overall,
                grades,
                r.pages,
                r.chunks,
                r.status,
                r.source,
                r.error or "",
            ]
        )
    return rows


# -- the per-authority timeline (an inline SVG drawn here: no plotting library, no network) ---
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


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def timeline_svg(subject: str, points: list[dict]) -> str:
    """A chart of graded points over time: x the inspection date, y the grade (ordinal).

    Only the app's own markup is emitted; every text from the reports is escaped, grades become
    class names only when they are one of the four known grade keys.
    """
    placed = [
        (d, p) for p in points if (d := _day(p.get("date"))) and p.get("grade_key") in GRADE_ORDER
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
        days = [d.toordinal() for d, _ in placed]
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
            for d, _ in placed:
                out.append(
                    f'<text class="ia-tl-xlabel" x="{x_of(d.toordinal()):.1f}" '
                    f'y="{axis_y + 19}" text-anchor="middle">{esc(d.isoformat())}</text>'
                )
        coords = [(x_of(d.toordinal()), _grade_y(p["grade_key"])) for d, p in placed]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            out.append(f'<polyline class="ia-tl-line" points="{path}"/>')
        for (d, p), (x, y) in zip(placed, coords, strict=True):
            tip = f"{d.isoformat()}: {grade_label(p['grade_key'], p.get('grade'))}"
            if p.get("page") is not None:
                tip += f" (page {p['page']})"
            if p.get("title"):
                tip += f" · {p['title']}"
            out.append(
                f'<g class="ia-tl-point" data-date="{d.isoformat()}" data-grade="{p["grade_key"]}">'
                f'<circle class="ia-g-{p["grade_key"]}" cx="{x:.1f}" cy="{y:.1f}" r="7">'
                f"<title>{esc(tip)}</title></circle></g>"
            )
    out.append("</svg>")
    return "".join(out)


def timeline_table(points: list[dict], files: dict[str, str]) -> str:
    """Date, grade, and the verbatim words stating it (with their page), one row per report."""
    rows = []
    for p in points:
        where = f" (page {p['page']})" if p.get("page") is not None else ""
        quote = f"“{esc(' '.join((p.get('quote') or '').split()))}”{esc(where)}"
        report = esc(p.get("title") or p.get("source") or "")
        link = _open_link(files, p.get("report_id"), None, None)
        grade = grade_label(p.get("grade_key"), p.get("grade"))
        rows.append(
            f'<tr class="ia-tl-row" data-grade="{esc(p.get("grade_key") or "")}">'
            f"<td>{esc(p.get('date') or 'undated')}</td>"
            f'<td class="ia-tl-grade">{esc(grade)}</td>'
            f'<td class="ia-tl-quote">{quote}</td>'
            f"<td>{report}{' · ' + link if link else ''}</td></tr>"
        )
    return (
        '<table class="ia-timeline-table"><thead><tr><th>Date</th><th>Grade</th>'
        "<th>Stated in the report</th><th>Report</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def timeline_html(subject: str | None, points: list[dict], files: dict[str, str]) -> str:
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


def _report_label(r: ReportRecord) -> str:
    when = human_range(r.inspection_start, r.inspection_end) or (
        r.published.isoformat() if r.published else "undated"
    )
    return f"{r.subject or 'Unknown'} — {r.title or r.source} ({when})"


def _parse_day(value: str | None, label: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        gr.Warning(f"{label}: use a date like 2022-11-30; ignored.")
        return None


def make_filters(subjects, inspectorates, report, date_from, date_to) -> Filters:
    """The user's filter choices as ``Filters``."""
    return Filters(
        subjects=tuple(s for s in (subjects or []) if s),
        inspectorates=tuple(i for i in (inspectorates or []) if i),
        report_ids=(report,) if report else (),
        date_from=_parse_day(date_from, "From"),
        date_to=_parse_day(date_to, "To"),
    )


# -- report files ---------------------------------------------------------------------------
def report_file(assistant: Assistant, reports_dir: Path, report_id: str) -> Path | None:
    """The file of an indexed report inside the reports folder, or None.

    Only sources the index knows are served, and only when they resolve inside the folder.
    """
    root = Path(reports_dir).resolve()
    for r in assistant.reports(include_failed=False):
        if r.report_id != report_id or r.status != "indexed":
            continue
        for src in [r.source, *r.aliases]:
            try:
                p = (root / src).resolve()
            except (OSError, RuntimeError):
                continue
            if p.is_relative_to(root) and p.is_file():
                return p
    return None


def servable_kinds(assistant: Assistant, reports_dir: Path) -> dict[str, str]:
    """report_id -> "pdf" or "other" for reports whose file can be opened from the app."""
    root = Path(reports_dir).resolve()
    out: dict[str, str] = {}
    for r in assistant.reports(include_failed=False):
        if not r.report_id or r.report_id in out:
            continue
        try:
            p = (root / r.source).resolve()
        except (OSError, RuntimeError):
            continue
        if p.is_relative_to(root) and p.is_file():
            out[r.report_id] = "pdf" if p.suffix.lower() == ".pdf" else "other"
    return out


# -- the app --------------------------------------------------------------------------------
class App:
    """The Blocks app and its handlers, bound to one assistant.

    Args:
        assistant: The assistant (its index and embedder are shared with admin ingests).
        reports_dir: The reports folder (uploads go there; report files are served from it).
        access: Login and roles.
        answer_concurrency: How many questions run at once (the rest wait in Gradio's queue).
    """

    def __init__(
        self,
        assistant: Assistant,
        reports_dir: Path,
        access: Access | None = None,
        answer_concurrency: int = 2,
    ) -> None:
        self.assistant = assistant
        self.reports_dir = Path(reports_dir)
        self.access = access or Access()
        self.answer_concurrency = answer_concurrency
        self._ingest_lock = threading.Lock()
        self.blocks = self._build()

    # -- helpers ----------------------------------------------------------------------------
    def _files(self) -> dict[str, str]:
        return servable_kinds(self.assistant, self.reports_dir)

    def _choices(self):
        live = self.assistant.reports(include_failed=False)
        subjects = sorted({r.subject for r in live if r.subject})
        inspectorates = sorted({r.inspectorate for r in live if r.inspectorate})
        seen: dict[str, str] = {}
        for r in sorted(live, key=lambda r: (r.subject or "", r.inspection_start or date.min)):
            if r.report_id and r.report_id not in seen:
                seen[r.report_id] = _report_label(r)
        reports = [(label, rid) for rid, label in seen.items()]
        return subjects, inspectorates, reports

    def _catalogue(self):
        records = self.assistant.reports(include_failed=True)
        n_ok = len({r.report_id for r in records if r.status == "indexed"})
        n_bad = sum(1 for r in records if r.status == "failed")
        summary = f"{n_ok} report(s) indexed, {n_bad} file(s) failed."
        judgements: dict[str, list[dict]] = {}
        for r in records:
            if r.status == "indexed" and r.report_id and r.report_id not in judgements:
                judgements[r.report_id] = report_json(self.assistant, r)["judgements"]
        return summary, report_rows(records, judgements)

    def _timeline(self, subject: str | None, request: gr.Request = None) -> str:
        self.access.require(request, "reader")
        if not subject:
            return EMPTY_TIMELINE
        points = timeline(self.assistant, subject, judgement="overall", graded_only=True)
        return timeline_html(subject, points, self._files())

    def _refresh_outputs(self):
        subjects, inspectorates, reports = self._choices()
        summary, rows = self._catalogue()
        return (
            gr.update(choices=subjects),
            gr.update(choices=inspectorates),
            gr.update(choices=reports),
            gr.update(choices=subjects),
            gr.update(choices=reports),
            summary,
            rows,
            gr.update(choices=subjects),
        )

    # -- API endpoints (same JSON as the CLI) ------------------------------------------------
    def api_ask(
        self,
        question: str,
        subjects: list[str] | None = None,
        inspectorates: list[str] | None = None,
        report: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        request: gr.Request = None,
    ) -> dict:
        """Answer a question from the indexed reports, with verified citations.

        Returns the same JSON object as `inspection-assistant ask --json`.
        """
        self.access.require(request, "reader")
        filters = make_filters(subjects, inspectorates, report, date_from, date_to)
        return answer_json(self.assistant.ask(question, filters=filters))

    def api_quote(
        self,
        topic: str,
        subject: str | None = None,
        report: str | None = None,
        k: int = 5,
        request: gr.Request = None,
    ) -> dict:
        """Ranked verbatim quotes with paste-ready citations.

        Returns the same JSON object as `inspection-assistant quote --json`.
        """
        self.access.require(request, "reader")
        quotes = self.assistant.quote(
            topic, subject=subject or None, report=report or None, k=max(1, min(int(k), 20))
        )
        return {"topic": topic, "quotes": [quote_json(q) for q in quotes]}

    # -- chat -------------------------------------------------------------------------------
    def answer_stream(
        self, question: str, history: list[Answer], filters: Filters
    ) -> Iterator[str | Answer]:
        """What the assistant produces for one question: text as it is generated, then the Answer.

        LLM streaming hook: when ``assistant.llm`` is set and the assistant offers
        ``ask_stream(question, history=, filters=)`` yielding text deltas and finally the
        ``Answer``, the deltas are shown as they arrive. Otherwise (extractive mode) the whole
        answer comes at once and is revealed progressively by ``_reveal``.
        """
        stream = getattr(self.assistant, "ask_stream", None)
        if self.assistant.llm is not None and callable(stream):
            yield from stream(question, history=history or None, filters=filters)
            return
        yield self.assistant.ask(question, history=history or None, filters=filters)

    def _ask(
        self,
        message,
        chat,
        turns,
        subjects,
        inspectorates,
        report,
        date_from,
        date_to,
        request: gr.Request,
    ):
        self.access.require(request, "reader")
        question = " ".join((message or "").split())
        if not question:
            gr.Warning("Type a question first.")
            yield gr.update(), chat, None, False, gr.update()
            return
        filters = make_filters(subjects, inspectorates, report, date_from, date_to)
        turn = len(turns or []) + 1
        chat = [
            *(chat or []),
            {"role": "user", "content": esc_md(question)},
            {"role": "assistant", "content": "<em>Searching the reports…</em>"},
        ]
        yield "", chat, None, False, gr.update()
        streamed, text = False, ""
        try:
            for item in self.answer_stream(question, list(turns or []), filters):
                if isinstance(item, str):
                    streamed, text = True, text + item
                    chat[-1] = {"role": "assistant", "content": answer_markdown(text, turn, set())}
                    yield gr.update(), chat, None, streamed, gr.update()
                else:
                    yield gr.update(), chat, item, streamed, gr.update()
        except gr.Error:
            raise
        except Exception as exc:
            log.exception("answering failed")
            chat[-1] = {
                "role": "assistant",
                "content": "<em>Sorry: this question could not be answered.</em>",
            }
            yield gr.update(), chat, None, False, gr.update()
            raise gr.Error(f"The question could not be answered ({type(exc).__name__}).") from exc

    def _reveal(self, chat, turns, pending: Answer | None, streamed: bool):
        if pending is None:
            yield chat, turns, gr.update(), gr.update(), gr.update()
            return
        turns = [*(turns or []), pending]
        turn = len(turns)
        numbers = {c.n for c in pending.citations}
        chat = list(chat)
        if not streamed and not pending.abstained:
            words = pending.text.split(" ")
            for end in range(REVEAL_WORDS, len(words), REVEAL_WORDS):
                partial = " ".join(words[:end])
                chat[-1] = {"role": "assistant", "content": answer_markdown(partial, turn, numbers)}
                yield chat, gr.update(), gr.update(), gr.update(), gr.update()
                time.sleep(REVEAL_PAUSE_S)
        chat[-1] = {"role": "assistant", "content": answer_message(pending, turn)}
        yield (
            chat,
            turns,
            sources_html(turns, self._files()),
            context_html(pending),
            gr.update(visible=pending.context.carried),
        )

    def _remove_context(
        self, chat, turns, subjects, inspectorates, report, date_from, date_to, request: gr.Request
    ):
        self.access.require(request, "reader")
        if not turns:
            return chat, turns, gr.update(), context_html(None), gr.update(visible=False)
        last = turns[-1]
        filters = make_filters(subjects, inspectorates, report, date_from, date_to)
        answer = self.assistant.ask(last.question, history=None, filters=filters)
        turns = [answer]  # earlier turns no longer steer follow-ups
        chat = list(chat or [])
        content = "<em>Asked again without the earlier context:</em><br>" + answer_message(
            answer, 1
        )
        if chat and chat[-1].get("role") == "assistant":
            chat[-1] = {"role": "assistant", "content": content}
        else:
            chat.append({"role": "assistant", "content": content})
        return (
            chat,
            turns,
            sources_html(turns, self._files()),
            context_html(answer),
            gr.update(visible=answer.context.carried),
        )

    @staticmethod
    def _new_chat():
        return [], [], EMPTY_SOURCES, context_html(None), gr.update(visible=False), ""

    # -- quotes -----------------------------------------------------------------------------
    def _quotes(self, topic, subject, report, k, request: gr.Request):
        self.access.require(request, "reader")
        topic = " ".join((topic or "").split())
        if not topic:
            gr.Warning("Type a topic first.")
            return gr.update()
        quotes = self.assistant.quote(
            topic, subject=subject or None, report=report or None, k=int(k or 5)
        )
        return quotes_html(topic, quotes, self._files())

    # -- admin ------------------------------------------------------------------------------
    def _run_ingest(self, progress: gr.Progress, prune: bool = False):
        if not self._ingest_lock.acquire(blocking=False):
            raise gr.Error("An index update is already running.")
        try:
            try:
                with writer_lock(self.assistant.index.path, wait=False):
                    pass
            except IndexLockedError as exc:
                raise gr.Error("Another ingest is writing to this index; try again later.") from exc

            def tick(p) -> None:
                progress((p.files_done, p.files_total), desc=f"Indexing {p.current}", unit="files")

            ingestor = Ingestor(
                self.assistant.index, self.assistant.embedder, self.assistant.settings
            )
            progress(0, desc="Scanning the reports folder")
            return ingestor.run([self.reports_dir], prune=prune, progress=tick)
        finally:
            self._ingest_lock.release()

    @staticmethod
    def _summary_html(summary, saved_lines: list[str], rejected: list[str]) -> str:
        parts = ['<div class="ia-log">']
        if saved_lines:
            parts.append(
                "<p>Saved:</p><ul>" + "".join(f"<li>{esc(s)}</li>" for s in saved_lines) + "</ul>"
            )
        if rejected:
            parts.append(
                '<p class="ia-bad">Not saved:</p><ul>'
                + "".join(f'<li class="ia-bad">{esc(s)}</li>' for s in rejected)
                + "</ul>"
            )
        if summary is not None:
            parts.append(
                f"<p>Index updated: {summary.added} added, {summary.updated} updated, "
                f"{summary.unchanged} unchanged, {summary.removed} removed, "
                f"{len(summary.failed)} failed ({summary.pages} pages, {summary.chunks} chunks, "
                f"{summary.seconds:.1f} s).</p>"
            )
            if summary.failed:
                parts.append(
                    "<ul>"
                    + "".join(
                        f'<li class="ia-bad">{esc(f["path"])}: {esc(f["reason"])}</li>'
                        for f in summary.failed
                    )
                    + "</ul>"
                )
        parts.append("</div>")
        return "".join(parts)

    def _upload(self, files, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        self.access.require(request, "admin")
        if not files:
            raise gr.Error("Choose one or more report files first.")
        saved, rejected = [], []
        max_bytes = self.assistant.settings.max_file_bytes
        for f in files:
            path = Path(f if isinstance(f, str) else getattr(f, "name", f))
            try:
                s = save_upload(path, path.name, self.reports_dir, max_bytes)
            except UploadRejectedError as exc:
                rejected.append(f"{path.name}: {exc}")
                continue
            note = (
                " (already in the reports folder)"
                if s.already_present
                else f" (saved as {s.name}: that name was taken)"
                if s.renamed
                else ""
            )
            saved.append(f"{path.name} → {s.name} [{s.kind}]{note}")
        summary = self._run_ingest(progress) if saved else None
        return (self._summary_html(summary, saved, rejected), *self._refresh_outputs())

    def _rescan(self, prune, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        self.access.require(request, "admin")
        summary = self._run_ingest(progress, prune=bool(prune))
        return (self._summary_html(summary, [], []), *self._refresh_outputs())

    # -- page load --------------------------------------------------------------------------
    def _banner(self, request: gr.Request | None) -> str:
        role = self.access.role(request)
        if self.access.users is not None:
            who = getattr(request, "username", None) or "?"
            note = (
                f'<span class="ia-note">Signed in as {esc(who)} ({esc(role or "no role")}) · '
                f'<a href="logout">Sign out</a></span>'
            )
        elif self.access.admin_without_auth:
            note = (
                '<span class="ia-note">No login: this app only answers on this computer '
                "(loopback).</span>"
            )
        else:
            note = (
                '<span class="ia-note ia-warn">No login and reachable from the network: '
                "uploads and re-indexing are switched off.</span>"
            )
        return (
            f'<div class="ia-banner"><div><h1>{TITLE}</h1><div class="ia-sub">Cited answers '
            "and quotes from published inspection reports (Ofsted, HMIC).</div></div>"
            f"{note}</div>"
        )

    def _on_load(self, request: gr.Request):
        role = self.access.role(request)
        return (self._banner(request), gr.update(visible=role == "admin"), *self._refresh_outputs())

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> gr.Blocks:
        with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as demo:
            banner = gr.HTML(elem_id="ia-banner")
            turns = gr.State([])
            pending = gr.State(None)
            streamed = gr.State(False)
            with gr.Tabs():
                with gr.Tab("Chat", id="chat", elem_id="ia-tab-chat"), gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=360):
                        with gr.Row(equal_height=False):
                            context = gr.HTML(context_html(None), elem_id="ia-context")
                            remove_ctx = gr.Button(
                                "Remove context",
                                size="sm",
                                visible=False,
                                scale=0,
                                min_width=140,
                                elem_id="ia-remove-context",
                            )
                        chatbot = gr.Chatbot(
                            label="Conversation",
                            elem_id="ia-chat",
                            height=520,
                            render_markdown=True,
                            sanitize_html=True,
                            allow_tags=False,
                            latex_delimiters=[],
                            buttons=["copy"],
                            feedback_options=None,
                            allow_file_downloads=False,
                            placeholder="Ask about the indexed inspection reports, e.g. "
                            "“How well are care leavers supported in Norfolk?”",
                        )
                        with gr.Row():
                            question = gr.Textbox(
                                show_label=False,
                                scale=6,
                                elem_id="ia-question",
                                placeholder="Ask a question about the reports…",
                                max_length=1000,
                                autofocus=True,
                                submit_btn=False,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, elem_id="ia-send")
                            new_chat = gr.Button("New chat", scale=1, elem_id="ia-new-chat")
                        with gr.Accordion("Filters", open=False, elem_id="ia-filters"):
                            with gr.Row():
                                subjects = gr.Dropdown(
                                    label="Local authority or police force",
                                    choices=[],
                                    multiselect=True,
                                    filterable=True,
                                    elem_id="ia-subjects",
                                )
                                inspectorates = gr.Dropdown(
                                    label="Inspectorate",
                                    choices=[],
                                    multiselect=True,
                                    elem_id="ia-inspectorates",
                                )
                            with gr.Row():
                                date_from = gr.DateTime(
                                    label="From",
                                    include_time=False,
                                    type="string",
                                    elem_id="ia-from",
                                )
                                date_to = gr.DateTime(
                                    label="To", include_time=False, type="string", elem_id="ia-to"
                                )
                            report = gr.Dropdown(
                                label="Single report",
                                choices=[],
                                value=None,
                                filterable=True,
                                elem_id="ia-report",
                            )
                            clear = gr.Button("Clear filters", size="sm")
                    with gr.Column(scale=2, min_width=320):
                        sources = gr.HTML(EMPTY_SOURCES, elem_id="ia-sources")
                with gr.Tab("Quotes", id="quotes", elem_id="ia-tab-quotes"):
                    with gr.Row():
                        topic = gr.Textbox(
                            label="Topic",
                            scale=3,
                            elem_id="ia-topic",
                            placeholder="e.g. care leavers' accommodation",
                        )
                        q_subject = gr.Dropdown(
                            label="Local authority or police force",
                            choices=[],
                            value=None,
                            filterable=True,
                            scale=2,
                            elem_id="ia-q-subject",
                        )
                        q_report = gr.Dropdown(
                            label="Report",
                            choices=[],
                            value=None,
                            filterable=True,
                            scale=2,
                            elem_id="ia-q-report",
                        )
                        q_k = gr.Slider(1, 10, value=5, step=1, label="How many", scale=1)
                    find = gr.Button("Find quotes", variant="primary", elem_id="ia-find-quotes")
                    quotes = gr.HTML(elem_id="ia-quotes")
                with gr.Tab("Reports", id="reports", elem_id="ia-tab-reports"):
                    with gr.Row():
                        catalogue_summary = gr.Markdown(elem_id="ia-catalogue-summary")
                        refresh = gr.Button("Refresh", size="sm", scale=0)
                    catalogue = gr.Dataframe(
                        headers=REPORT_COLUMNS,
                        value=[],
                        interactive=False,
                        wrap=True,
                        show_search="search",
                        elem_id="ia-reports",
                        max_height=640,
                        datatype=REPORT_DATATYPES,
                    )
                with gr.Tab("Timeline", id="timeline", elem_id="ia-tab-timeline"):
                    t_subject = gr.Dropdown(
                        label="Local authority or police force",
                        choices=[],
                        value=None,
                        filterable=True,
                        elem_id="ia-t-subject",
                    )
                    timeline_out = gr.HTML(EMPTY_TIMELINE, elem_id="ia-timeline")
                with gr.Tab("Admin", id="admin", visible=False, elem_id="ia-tab-admin") as admin:
                    gr.Markdown(
                        "Add reports (PDF, HTML, text, Markdown or Word). Files are "
                        "checked, saved into the reports folder and indexed; the chat "
                        "keeps answering meanwhile."
                    )
                    upload_files = gr.File(
                        label="Reports to upload",
                        file_count="multiple",
                        type="filepath",
                        elem_id="ia-upload",
                    )
                    with gr.Row():
                        upload_btn = gr.Button(
                            "Upload and index", variant="primary", elem_id="ia-upload-btn"
                        )
                        rescan_btn = gr.Button("Rescan reports folder", elem_id="ia-rescan")
                        prune = gr.Checkbox(
                            label="Also remove reports whose files are gone", value=False
                        )
                    admin_log = gr.HTML(elem_id="ia-admin-log")

            filter_inputs = [subjects, inspectorates, report, date_from, date_to]
            refresh_outputs = [
                subjects,
                inspectorates,
                report,
                q_subject,
                q_report,
                catalogue_summary,
                catalogue,
                t_subject,
            ]
            limit = {"concurrency_id": ANSWERS, "concurrency_limit": self.answer_concurrency}

            for trigger in (question.submit, send.click):
                trigger(
                    self._ask,
                    [question, chatbot, turns, *filter_inputs],
                    [question, chatbot, pending, streamed, sources],
                    api_visibility="private",
                    show_progress="hidden",
                    **limit,
                ).then(
                    self._reveal,
                    [chatbot, turns, pending, streamed],
                    [chatbot, turns, sources, context, remove_ctx],
                    api_visibility="private",
                    show_progress="hidden",
                    concurrency_limit=None,
                )
            remove_ctx.click(
                self._remove_context,
                [chatbot, turns, *filter_inputs],
                [chatbot, turns, sources, context, remove_ctx],
                api_visibility="private",
                **limit,
            )
            new_chat.click(
                self._new_chat,
                None,
                [chatbot, turns, sources, context, remove_ctx, question],
                api_visibility="private",
                queue=False,
            )
            chatbot.clear(
                lambda: self._new_chat()[1:5],
                None,
                [turns, sources, context, remove_ctx],
                api_visibility="private",
                queue=False,
            )
            clear.click(
                lambda: ([], [], None, None, None),
                None,
                filter_inputs,
                api_visibility="private",
                queue=False,
            )
            find.click(
                self._quotes,
                [topic, q_subject, q_report, q_k],
                quotes,
                api_visibility="private",
                **limit,
            )
            topic.submit(
                self._quotes,
                [topic, q_subject, q_report, q_k],
                quotes,
                api_visibility="private",
                **limit,
            )
            t_subject.change(self._timeline, [t_subject], timeline_out, api_visibility="private")
            refresh.click(self._refresh_outputs, None, refresh_outputs, api_visibility="private")
            admin_limit = {"concurrency_id": "admin", "concurrency_limit": 1}
            upload_btn.click(
                self._upload,
                [upload_files],
                [admin_log, *refresh_outputs],
                api_visibility="private",
                **admin_limit,
            )
            rescan_btn.click(
                self._rescan,
                [prune],
                [admin_log, *refresh_outputs],
                api_visibility="private",
                **admin_limit,
            )
            demo.load(
                self._on_load, None, [banner, admin, *refresh_outputs], api_visibility="private"
            )

            gr.api(self.api_ask, api_name="ask", **limit)
            gr.api(self.api_quote, api_name="quote", **limit)
        demo.queue(default_concurrency_limit=self.answer_concurrency, max_size=256)
        return demo


# -- serving ----------------------------------------------------------------------------------
def _signed_in_user(gradio_app, request: fastapi.Request) -> str | None:
    """The Gradio login of a request (the same cookie check as Gradio's own routes)."""
    cid = gradio_app.cookie_id
    token = request.cookies.get(f"access-token-{cid}") or request.cookies.get(
        f"access-token-unsecure-{cid}"
    )
    return gradio_app.tokens.get(token) if token else None


def create_app(
    assistant: Assistant,
    reports_dir: Path,
    users: UserStore | None = None,
    *,
    admin_without_auth: bool = True,
    answer_concurrency: int = 2,
) -> fastapi.FastAPI:
    """The web app: Gradio at ``/`` and the report files at ``/report-file/<report_id>``.

    Args:
        assistant: The assistant to serve.
        reports_dir: The reports folder (uploads and report files).
        users: The users file; None for no login.
        admin_without_auth: Without login, let everyone upload and re-index (loopback only).
        answer_concurrency: Questions answered at once.
    """
    access = Access(users, admin_without_auth)
    ui = App(assistant, reports_dir, access, answer_concurrency)
    app = fastapi.FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ui = ui

    @app.get("/report-file/{report_id}")
    def report_file_route(report_id: str, request: fastapi.Request):
        if users is not None and users.role(_signed_in_user(app.state.gradio, request)) is None:
            return PlainTextResponse("Please sign in.", status_code=401)
        path = report_file(assistant, reports_dir, report_id)
        if path is None:
            return PlainTextResponse("No such report file.", status_code=404)
        try:
            kind = sniff(path.read_bytes(), path.name)
        except (OSError, IngestError):
            return PlainTextResponse("This file cannot be shown.", status_code=404)
        headers = {
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=300",
            "Referrer-Policy": "no-referrer",
        }
        disposition = "inline"
        if kind == "pdf":
            media = "application/pdf"
        elif kind == "docx":
            media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            disposition = "attachment"
        else:  # HTML, Markdown and text are shown as plain text, never run as a page
            media = "text/plain; charset=utf-8"
            headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
        headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{url_quote(path.name)}"
        return FileResponse(path, media_type=media, headers=headers)

    gr.mount_gradio_app(
        app,
        ui.blocks,
        path="/",
        auth=users.verify if users is not None else None,
        auth_message="Sign in with the account your administrator gave you."
        if users is not None
        else None,
        footer_links=["api"],
        run_history=False,
        show_error=True,
        max_file_size=assistant.settings.max_file_bytes,
        enable_monitoring=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        theme=THEME,
        css_paths=[STATIC / "app.css"],
        js=(STATIC / "app.js").read_text(encoding="utf-8"),
    )
    app.state.gradio = next(r.app for r in app.routes if isinstance(r, Mount))
    return app


@dataclass
class RunningServer:
    """A server started by ``start``."""

    url: str
    server: object
    thread: threading.Thread

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread."""
        self.server.should_exit = True  # type: ignore[attr-defined]
        self.thread.join(timeout)


def start(
    app: fastapi.FastAPI, host: str = "127.0.0.1", port: int = 7860, timeout: float = 30.0
) -> RunningServer:
    """Serve the app from a background thread; returns once it accepts connections."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="on",
        ws="none",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="inspection-assistant-ui", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the app did not start on {host}:{port}")
        time.sleep(0.05)
    shown = f"[{host}]" if ":" in host else host
    return RunningServer(f"http://{shown}:{port}/", server, thread)


def is_loopback(host: str) -> bool:
    """True for a host name or address that only this computer can reach."""
    return host in LOOPBACK or host.startswith("127.")
