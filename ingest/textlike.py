"""Plain text, Markdown, HTML and Word documents to paragraphs.

These formats have no pages: every paragraph is on page 1. Headings become sections and a
leading "9." becomes the paragraph number, as in PDFs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

from ingest.errors import IngestError
from ingest.limits import ParseLimits, check_html_depth, safe_zip
from ingest.records import Paragraph

_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
_BULLET = re.compile(r"^\s*(?:[-*+•●▪◼]|\d{1,3}\))\s+")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_INLINE = re.compile(r"(\*\*|__|`)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def decode_text(data: bytes) -> str:
    """Decode text whatever its encoding: UTF-8 (with or without BOM), UTF-16, else a best guess.

    Args:
        data: The bytes.

    Returns:
        The text. Never raises for undecodable bytes: the best-scoring legacy encoding wins.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return data.decode("cp1252", errors="replace")


@dataclass
class ParsedText:
    """The paragraphs of a web page or Word document, with what the file says about itself.

    Attributes:
        paragraphs: The paragraphs in reading order (headings marked).
        title: The page's or document's title, if it has one.
        metadata: Meta tags or core properties worth keeping (publication date, author...).
    """

    paragraphs: list[Paragraph]
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


class _Builder:
    """Collects paragraphs with their section and number."""

    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self.section: str | None = None

    def heading(self, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        self.section = text
        self.paragraphs.append(Paragraph(text, 1, 1, 1, 1, None, text, True))

    def para(self, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            return
        number = None
        m = _NUMBERED.match(text)
        if m:
            number, text = int(m.group(1)), text[m.end() :]
        else:
            b = _BULLET.match(text)
            if b:
                text = text[b.end() :]
        if text:
            self.paragraphs.append(Paragraph(text, 1, 1, 1, 1, number, self.section, False))


def _is_text_heading(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    line = block[0].strip()
    words = line.split()
    if not words or len(words) > 12 or line[-1] in '.,;:!?"”)':
        return False
    if _NUMBERED.match(line) or _BULLET.match(line):
        return False
    caps = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return line.isupper() or caps >= max(1, int(0.6 * len(words)))


def parse_text(text: str, markdown: bool = False) -> list[Paragraph]:
    """Split plain text or Markdown into paragraphs (blank lines separate them).

    Args:
        text: The document text.
        markdown: Treat "#" lines as headings and strip inline markup.
    """
    b = _Builder()
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        if not markdown and _is_text_heading(block):
            b.heading(block[0])
        else:
            # Each bullet or numbered line is its own paragraph; other lines re-flow.
            current: list[str] = []
            for line in block:
                if (_BULLET.match(line) or _NUMBERED.match(line.strip())) and current:
                    b.para(" ".join(current))
                    current = []
                current.append(line.strip())
            b.para(" ".join(current))
        block.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if markdown:
            m = _MD_HEADING.match(line)
            if m:
                flush()
                b.heading(_md_inline(m.group(2)))
                continue
            line = _md_inline(line)
        if not line.strip():
            flush()
            continue
        block.append(line)
    flush()
    return b.paragraphs


def _md_inline(line: str) -> str:
    return _MD_INLINE.sub("", _MD_LINK.sub(r"\1", line))


_SKIP_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "svg",
    "button",
    "iframe",
    "template",
)


def parse_html(data: bytes, limits: ParseLimits | None = None) -> ParsedText:
    """Main text of a web page (navigation, scripts, styles, header and footer dropped).

    Args:
        data: The page's bytes.
        limits: The nesting depth cap (defaults when not given).

    Returns:
        The paragraphs, the page title and any meta tags worth keeping (e.g. publication date).

    Raises:
        IngestError: Nested too deeply (reading it would take time quadratic in its depth).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode_text(data), "html.parser")
    check_html_depth(soup, limits or ParseLimits())
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    meta: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = (tag.get("name") or tag.get("property") or "").lower()
        if key and tag.get("content"):
            meta[key] = tag["content"]
    for tag in soup(list(_SKIP_TAGS)):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": ["navigation", "banner", "contentinfo"]}):
        tag.decompose()
    for tag in soup.find_all(attrs={"aria-hidden": "true"}):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    b = _Builder()
    blocks = (
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "td",
        "th",
        "dd",
        "dt",
        "pre",
    )
    for el in root.find_all(blocks):
        if el.find(blocks):  # an outer block: its inner blocks speak for it
            continue
        text = el.get_text(" ", strip=True)
        if el.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            b.heading(text)
        else:
            b.para(text)
    if not b.paragraphs:
        for chunk in root.get_text("\n").split("\n\n"):
            b.para(chunk)
    if title is None:
        h1 = next((p.text for p in b.paragraphs if p.is_heading), None)
        title = h1
    return ParsedText(b.paragraphs, title, meta)


def parse_docx(data: bytes, limits: ParseLimits | None = None) -> ParsedText:
    """Paragraphs of a Word document; Heading styles become sections.

    Args:
        data: The document's bytes.
        limits: The cap on its unpacked size (defaults when not given).

    Returns:
        The paragraphs and the document's core properties (title, author, dates); ``title``
        stays None (it is one of the properties).

    Raises:
        IngestError: Corrupt, or unpacking to more than the cap (a zip bomb).
    """
    import docx

    unpacked = safe_zip(data, limits or ParseLimits())
    try:
        doc = docx.Document(BytesIO(unpacked))
    except Exception as exc:
        raise IngestError("corrupt Word document: cannot be opened") from exc
    b = _Builder()
    for p in doc.paragraphs:
        style = (p.style.name if p.style is not None else "") or ""
        if style.lower().startswith(("heading", "title")):
            b.heading(p.text)
        else:
            b.para(p.text)
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                b.para(" | ".join(dict.fromkeys(cells)))
    props = doc.core_properties
    meta = {
        k: str(v)
        for k, v in {"title": props.title, "author": props.author, "created": props.created}.items()
        if v
    }
    return ParsedText(b.paragraphs, metadata=meta)
