"""Tell a file's type from its content, not its name."""

from __future__ import annotations

import zipfile
from io import BytesIO

from ingest.errors import IngestError

SUPPORTED = ("pdf", "html", "docx", "markdown", "text")


def sniff(data: bytes, name: str = "") -> str:
    """Return the file type: "pdf", "html", "docx", "markdown" or "text".

    Args:
        data: The file's bytes.
        name: The file name, used only to tell Markdown from plain text.

    Raises:
        IngestError: For an empty file or a type we cannot read.
    """
    if not data:
        raise IngestError("empty file (0 bytes)")
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return "pdf"
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                if "word/document.xml" in zf.namelist():
                    return "docx"
        except zipfile.BadZipFile as exc:
            raise IngestError("corrupt ZIP container: not a readable Word document") from exc
        raise IngestError("unsupported type: a ZIP archive that is not a Word document")
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError("unsupported type: legacy Word/Office (.doc) file; save it as .docx")
    if _looks_binary(head):
        raise IngestError("unsupported type: binary file that is not a PDF or Word document")
    low = head.lower().lstrip(b"\xef\xbb\xbf \t\r\n")
    if (
        low.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or b"<html" in low[:512]
        or (b"<body" in low or b"<p>" in low or b"<div" in low)
    ):
        if low.startswith(b"<?xml") and b"<html" not in low:
            raise IngestError("unsupported type: XML that is not XHTML")
        return "html"
    lname = name.lower()
    if lname.endswith((".md", ".markdown")):
        return "markdown"
    return "text"


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        # UTF-16 text has NULs too; a BOM says so.
        return not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return control > len(head) * 0.1
