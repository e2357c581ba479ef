"""A saved conversation as a briefing note: Markdown and Word (.docx), with its citations.

Each answer is followed by its sources, numbered as in the answer, each the verbatim quote
and its paste-ready citation line (report, dates, page, paragraph).
"""

from __future__ import annotations

import io
import re

from assistant.conversations import Conversation
from assistant.records import Answer

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def _answer_md(i: int, a: Answer) -> list[str]:
    out = [f"## {i}. {_md(a.question)}", ""]
    if a.abstained:
        out += ["*No answer in the reports.*", ""]
    out += [_md(a.text), ""]
    if a.citations:
        out += ["**Sources**", ""]
        for c in a.citations:
            out.append(f"{c.n}. {_md(c.line)}")
        out.append("")
    return out


def briefing_markdown(conv: Conversation) -> str:
    """The conversation as a Markdown briefing note."""
    s = conv.summary
    lines = [
        f"# Briefing note: {_md(s.title)}",
        "",
        f"Prepared from published inspection reports on {s.updated[:10]}. Every sentence "
        "is quoted verbatim from the report it cites.",
        "",
    ]
    for i, a in enumerate(conv.answers, 1):
        lines += _answer_md(i, a)
    return "\n".join(lines).rstrip() + "\n"


def briefing_docx(conv: Conversation) -> bytes:
    """The conversation as a Word briefing note (.docx bytes)."""
    import docx

    doc = docx.Document()
    s = conv.summary
    doc.add_heading(f"Briefing note: {s.title}", level=1)
    doc.add_paragraph(
        f"Prepared from published inspection reports on {s.updated[:10]}. Every sentence is "
        "quoted verbatim from the report it cites."
    )
    for i, a in enumerate(conv.answers, 1):
        doc.add_heading(f"{i}. {a.question}", level=2)
        if a.abstained:
            doc.add_paragraph().add_run("No answer in the reports.").italic = True
        doc.add_paragraph(" ".join(a.text.split()))
        if a.citations:
            doc.add_paragraph().add_run("Sources").bold = True
            for c in a.citations:
                doc.add_paragraph(f"[{c.n}] {c.line}", style="List Number")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
