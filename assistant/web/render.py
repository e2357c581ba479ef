"""The chat's HTML: answers with linked [n] markers, the sources panel, quote cards.

Presentation only. Report text and user input are always escaped before display; the only
markup is the app's own.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING
from urllib.parse import quote as url_quote

from assistant.records import Answer, Citation, Quote
from ingest.dates import human_range
from vectorstore.records import Hit

if TYPE_CHECKING:
    from assistant.indexing import IngestSummary

# Characters that could start Markdown or HTML; entities show them literally.
# "@" too: an e-mail address in report or model text must not become a mailto link.
_MD_ESCAPES = {c: f"&#{ord(c)};" for c in "\\`*_[]<>&~|$@"}
# What Markdown's autolinks start with besides "://" (GFM links "www." names on their own).
_WWW = re.compile(r"(?i)\b(www)\.")
_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])")
_MARKER = re.compile(r"\[(\d{1,3})\]")


def esc_md(text: str) -> str:
    """Text for a Markdown-rendered component, shown literally (no Markdown, HTML or links:
    web addresses and e-mail addresses stay plain text)."""
    lines = []
    for line in (text or "").split("\n"):
        line = "".join(_MD_ESCAPES.get(ch, ch) for ch in line)
        # A heading, quote or list marker at the start of a line is shown as typed.
        line = _LINE_START.sub(
            lambda m: m.group(1) + "".join(f"&#{ord(c)};" for c in m.group(2)), line
        )
        lines.append(_WWW.sub(r"\1&#46;", line.replace("://", "&#58;//")))
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
        for i, h in enumerate(closest_matches(a)[:3], 1):
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
    if a.search_fallback:
        body += f"<br><em>{esc_md(a.search_fallback.message)}</em>"
    return body


def earlier_chat(turns: list[Answer], keep: int) -> list[dict[str, str]]:
    """The chat messages of earlier turns, numbered from 1, after a note that older questions
    were dropped (the chat keeps ``keep`` turns)."""
    note = f"<em>Only the last {keep} questions of this chat are kept.</em>"
    messages = [{"role": "assistant", "content": note}]
    for i, a in enumerate(turns, 1):
        messages.append({"role": "user", "content": esc_md(a.question)})
        messages.append({"role": "assistant", "content": answer_message(a, i)})
    return messages


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


def open_link(
    files: dict[str, str], report_id: str | None, pdf_page: int | None, page: int | None
) -> str:
    """A link that opens the report's file (a PDF at its page), or "" when it cannot be served.

    Args:
        files: report_id -> "pdf" or "other" for the reports whose file the app serves.
        report_id: The report.
        pdf_page: 1-based page of the PDF to open at.
        page: The printed page number shown in the label.
    """
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


def public_link(url: str | None) -> str:
    """A link to the report where it was published (http(s) only), or ""."""
    if not url or not url.lower().startswith(("https://", "http://")):
        return ""
    return (
        f'<a class="ia-open ia-public" href="{esc(url)}" target="_blank" '
        'rel="noopener noreferrer">Open the published report</a>'
    )


def copy_label(c: Citation, n_label: str) -> str:
    """The copy button's accessible name: which quote, from which report and page."""
    where = f", page {c.page}" if c.page is not None else ""
    return f"Copy quote {n_label.rstrip('.')} with citation: {c.title or c.source}{where}"


def page_button(files: dict[str, str], c: Citation) -> str:
    """A button that shows the cited PDF page in the app, the quote highlighted ("" for
    reports that are not PDFs the app serves)."""
    if files.get(c.report_id or "") != "pdf" or not c.pdf_page:
        return ""
    src = f"report-page/{url_quote(c.report_id)}/{int(c.pdf_page)}.png?q={url_quote(c.quote)}"
    label = f"Show page {c.page if c.page is not None else c.pdf_page} of {c.title or c.source}"
    return (
        f'<button type="button" class="ia-page" data-src="{esc(src)}" '
        f'data-title="{esc(label)}" aria-label="{esc(label)} with the quote highlighted">'
        "Show the page</button>"
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
        f'data-label="Copy quote with citation" aria-label="{esc(copy_label(c, n_label))}">'
        "Copy quote with citation</button>"
        f"{page_button(files, c)}"
        f"{open_link(files, c.report_id, c.pdf_page, c.page)}{public_link(c.url)}</div>"
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
        f'<div class="ia-actions">{open_link(files, ch.report_id, ch.pdf_page_start, ch.page_start)}'
        f"{public_link(ch.url)}"
        f"</div></article>"
    )


def closest_matches(a: Answer) -> list[Hit]:
    """The passages shown as closest matches of an abstention (none for catalogue answers)."""
    return [] if a.mode == "catalogue" else list(a.passages)


def _turn_sources(a: Answer, turn: int, files: dict[str, str]) -> str:
    if a.citations:
        return "".join(
            citation_card(c, cite_anchor(turn, c.n), files, f"[{c.n}]") for c in a.citations
        )
    closest = closest_matches(a)
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


def ingest_log_html(summary: IngestSummary | None, saved: list[str], rejected: list[str]) -> str:
    """The Admin tab's log: files saved, files refused and what the index update did."""
    parts = ['<div class="ia-log">']
    if saved:
        parts.append("<p>Saved:</p><ul>" + "".join(f"<li>{esc(s)}</li>" for s in saved) + "</ul>")
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
                    f'<li class="ia-bad">{esc(f.path)}: {esc(f.reason)}</li>'
                    for f in summary.failed
                )
                + "</ul>"
            )
    parts.append("</div>")
    return "".join(parts)


def banner_html(title: str, note: str) -> str:
    """The page header: the app's name, what it does, and who is signed in."""
    return (
        f'<div class="ia-banner"><div><h1>{esc(title)}</h1><div class="ia-sub">Cited answers '
        "and quotes from published inspection reports (Ofsted, HMIC).</div></div>"
        f"{note}</div>"
    )


def login_note(logins: bool, username: str | None, role: str | None, loopback: bool) -> str:
    """The banner's note: the signed-in user, or what serving without login means.

    Args:
        logins: Whether the app has a users file.
        username: The signed-in user.
        role: Their role.
        loopback: Without logins, whether the app only answers on this computer.
    """
    if logins:
        return (
            f'<span class="ia-note">Signed in as {esc(username or "?")} '
            f'({esc(role or "no role")}) · <a href="logout">Sign out</a></span>'
        )
    if loopback:
        return (
            '<span class="ia-note">No login: this app only answers on this computer '
            "(loopback).</span>"
        )
    return (
        '<span class="ia-note ia-warn">No login and reachable from the network: '
        "uploads and re-indexing are switched off.</span>"
    )
