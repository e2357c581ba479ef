"""Bad-input benchmark: hostile and broken files, each reported with a reason, nothing else lost.

Every kind of file is made here (nothing is copied from anywhere) and ingested by the real CLI
in its own process, alone, into a fresh index; then all of them go in together with two good
reports, which must be indexed; then a good report is overwritten by half of itself (a
half-copied file), which must be reported while its indexed version stays live. Prints a
table: kind, reason, seconds, peak RSS (of the CLI and its parser process, whichever is larger).

    .venv/bin/python benchmarks/bad_inputs.py [--markdown] [--only KIND ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_FILE_MB = 8  # the runs' file size limit (the oversized file is just over it)
CHUNK = 16 * 1024 * 1024
GOOD_PHRASE = "Zetaford inspectors praised the lighthouse mentoring scheme"
SECRET = "The strongroom code is 4417 and must never be shared."


@dataclass(frozen=True)
class Kind:
    """One kind of bad input.

    Attributes:
        key: A short name.
        file: The file name it is saved under in the reports folder.
        what: What it is, for the table.
        expect: Words the reason must contain (case-insensitive).
        make: Writes it: ``make(path, outside)``, ``outside`` a folder beside the reports one.
    """

    key: str
    file: str
    what: str
    expect: str
    make: Callable[[Path, Path], None]


# -- building blocks -------------------------------------------------------------------------------


def report_pdf(path: Path, phrase: str = GOOD_PHRASE, pages: int = 2) -> Path:
    """A small real report PDF with the phrase on its first page."""
    import pymupdf

    doc = pymupdf.open()
    for i in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 90), "Inspection of Zetaford local authority", fontsize=18)
        body = f"{phrase} for young people, page {i + 1}." if i == 0 else "Leaders know services."
        page.insert_text((72, 140), body, fontsize=11)
    doc.save(path)
    doc.close()
    return path


def deflate_of(unit: bytes, total: int, wrap: bool) -> bytes:
    """Deflate data that inflates to about ``total`` bytes of ``unit`` repeated, made quickly.

    The stream is one compressed block of CHUNK bytes (whole units) repeated, each ending on a
    full flush so that the copies need nothing from each other, then an empty final block.
    Checksums are left wrong: readers inflate everything before they could check them.

    Returns:
        The compressed bytes (zlib-wrapped when ``wrap``).
    """
    chunk = unit * (CHUNK // len(unit))
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    body = block * max(1, total // len(chunk)) + tail
    return b"\x78\xda" + body + b"\0\0\0\0" if wrap else body


def write_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> None:
    """A ZIP written by hand from (name, deflated data, CRC-32, recorded size) entries."""
    out, central = BytesIO(), BytesIO()
    for name, data, crc, size in entries:
        offset = out.tell()
        raw = name.encode()
        fields = (20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0)
        out.write(b"PK\x03\x04" + struct.pack("<HHHHHIIIHH", *fields) + raw + data)
        central.write(
            b"PK\x01\x02"
            + struct.pack(
                "<HHHHHHIIIHHHHHII",
                *(20, 20, 0, 8, 0, 0, crc, len(data), size, len(raw)),
                *(0, 0, 0, 0, 0, offset),
            )
            + raw
        )
    cd = central.getvalue()
    eocd = struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(cd), out.tell(), 0)
    path.write_bytes(out.getvalue() + cd + b"PK\x05\x06" + eocd)


def docx_parts() -> dict[str, bytes]:
    """The parts of a small real Word document."""
    import docx

    buf = BytesIO()
    d = docx.Document()
    d.add_paragraph("Zetaford inspectors found strong early help.")
    d.save(buf)
    with zipfile.ZipFile(buf) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def docx_with(path: Path, name: str, data: bytes, crc: int, size: int) -> None:
    """A real Word document whose part ``name`` is replaced by the given deflated data."""
    entries = []
    for part, raw in docx_parts().items():
        if part == name:
            entries.append((part, data, crc, size))
            continue
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        entries.append((part, comp.compress(raw) + comp.flush(), zlib.crc32(raw), len(raw)))
    write_zip(path, entries)


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written by hand from its numbered objects (1 is the catalogue)."""
    out = BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def stream(dictionary: bytes, data: bytes) -> bytes:
    """A PDF stream object."""
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


# -- the kinds -------------------------------------------------------------------------------------


def _locked(path: Path, _out: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Secret findings about the council.")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")


def _scanned(path: Path, _out: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 200), 0)
    pix.clear_with(220)
    page.insert_image(page.rect, pixmap=pix)
    doc.save(path)


def _pages(path: Path, _out: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Zetaford page one of a very long file.")
    for _ in range(19_999):
        doc.new_page()
    doc.save(path)


def _huge_page(path: Path, _out: Path) -> None:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=14_400, height=14_400)  # the largest page PDF allows: 200 inches
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 64, 64), 0)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    doc.save(path)


def _zip_bomb(path: Path, _out: Path) -> None:
    data = deflate_of(b" ", 1024 * 1024 * 1024, wrap=False)
    docx_with(path, "word/document.xml", data, 0, 1024 * 1024 * 1024)


def _zip_bomb_lying(path: Path, _out: Path) -> None:
    # The entry says 4 KB (with the CRC of those 4 KB); its data inflates to 1.5 GB.
    data = deflate_of(b" ", 1536 * 1024 * 1024, wrap=False)
    docx_with(path, "word/document.xml", data, zlib.crc32(b" " * 4096), 4096)


def _stream_bomb(path: Path, _out: Path) -> None:
    data = deflate_of(b" ", 4096 * 1024 * 1024, wrap=True)
    text = b"BT /F1 12 Tf 72 720 Td (Zetaford stream) Tj ET\n"
    path.write_bytes(
        raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R] "
                b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
                b"/BaseFont /Helvetica >> >> >> >>",
                stream(b"", text),
                stream(b"/Filter /FlateDecode", data),
            ]
        )
    )


def _image_bomb(path: Path, _out: Path) -> None:
    side = 40_000  # 1.6 billion grey pixels on a small page with no text
    data = deflate_of(b"\xc8", side * side, wrap=True)
    path.write_bytes(
        raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
                b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
                stream(b"", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
                stream(
                    b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Filter /FlateDecode" % (side, side),
                    data,
                ),
            ]
        )
    )


def _text_bomb(path: Path, _out: Path) -> None:
    # 40 million characters of text on one page: every one of them costs the text extractor
    # memory, far more than the file's few hundred kilobytes.
    show = b"0 -1 Td (" + b"Zetaford " * 100 + b") Tj\n"
    data = deflate_of(show, 40_000_000, wrap=True)
    path.write_bytes(
        raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [4 0 R 5 0 R 6 0 R] "
                b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 "
                b"/BaseFont /Helvetica >> >> >> >>",
                stream(b"", b"BT /F1 1 Tf 72 720 Td\n"),
                stream(b"/Filter /FlateDecode", data),
                stream(b"", b"ET\n"),
            ]
        )
    )


def _cyclic(path: Path, _out: Path) -> None:
    path.write_bytes(
        raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
            ]
        )
    )


def _nested_html(path: Path, _out: Path) -> None:
    n = 100_000
    body = "<blockquote>" * n + "Zetaford deep" + "</blockquote>" * n
    path.write_text(f"<html><body><main><p>Zetaford.</p>{body}</main></body></html>")


def _laughs(path: Path, _out: Path) -> None:
    ents = ['<!ENTITY a0 "lol lol lol lol lol lol lol lol lol lol">']
    ents += [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)]
    xml = (
        '<?xml version="1.0"?><!DOCTYPE w:document [' + "".join(ents) + "]>"
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    docx_with(
        path, "word/document.xml", comp.compress(xml) + comp.flush(), zlib.crc32(xml), len(xml)
    )


def _symlink_out(path: Path, outside: Path) -> None:
    note = outside / "private-note.txt"
    note.write_text(f"Private note\n\n{SECRET}\n", encoding="utf-8")
    path.symlink_to(note)


def _executable(path: Path, _out: Path) -> None:
    shutil.copyfile(shutil.which("true") or "/bin/true", path)


def _bytes(data: Callable[[], bytes]) -> Callable[[Path, Path], None]:
    return lambda path, _out: path.write_bytes(data())


def _good_pdf_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as d:
        return report_pdf(Path(d) / "r.pdf").read_bytes()


SLOW = "took longer than"
KINDS: list[Kind] = [
    Kind("empty", "empty.pdf", "empty file", ("empty file",), _bytes(lambda: b"")),
    Kind(
        "truncated",
        "truncated.pdf",
        "PDF cut at a third",
        ("truncated",),
        _bytes(lambda: (b := _good_pdf_bytes())[: len(b) // 3]),
    ),
    Kind(
        "garbage",
        "garbage.pdf",
        "PDF header, random bytes",
        ("corrupt",),
        _bytes(lambda: b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"),
    ),
    Kind(
        "picture",
        "picture.png",
        "an image",
        ("unsupported type",),
        _bytes(lambda: b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 500),
    ),
    Kind(
        "zip",
        "archive.zip",
        "a ZIP that is not Word",
        ("zip",),
        _bytes(lambda: b"PK\x03\x04" + b"\x00" * 100),
    ),
    Kind("locked", "locked.pdf", "password-protected PDF", ("password-protected",), _locked),
    Kind("scanned", "scan.pdf", "scan without text", ("scanned PDF",), _scanned),
    Kind(
        "legacy-doc",
        "minutes.doc",
        "legacy Word (.doc)",
        ("legacy Word",),
        _bytes(lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ),
    Kind(
        "oversized",
        "huge.txt",
        f"text over the {MAX_FILE_MB} MB limit",
        ("too large",),
        _bytes(lambda: b"words " * (MAX_FILE_MB * 180_000)),
    ),
    Kind(
        "executable",
        "annual-report.pdf",
        "a program renamed .pdf",
        ("unsupported type",),
        _executable,
    ),
    Kind("zip-bomb", "bomb.docx", "DOCX unpacking to 1 GB", ("zip bomb",), _zip_bomb),
    Kind(
        "zip-bomb-lying",
        "bomb-lying.docx",
        "DOCX part recorded as 4 KB, inflating to 1.5 GB",
        ("corrupt Word document",),
        _zip_bomb_lying,
    ),
    Kind(
        "laughs",
        "laughs.docx",
        "DOCX with nested XML entities",
        ("corrupt Word document",),
        _laughs,
    ),
    Kind("pages-20k", "long.pdf", "PDF with 20,000 pages", ("too many pages",), _pages),
    Kind(
        "huge-page",
        "poster.pdf",
        "scanned page of 14,400 pt",
        ("too large to OCR",),
        _huge_page,
    ),
    Kind(
        "stream-bomb",
        "stream.pdf",
        "PDF content inflating to 4 GB",
        (SLOW,),
        _stream_bomb,
    ),
    Kind(
        "image-bomb",
        "image.pdf",
        "PDF image of 40,000² pixels",
        ("scanned PDF", SLOW),
        _image_bomb,
    ),
    Kind(
        "text-bomb",
        "text.pdf",
        "PDF page with 40 million characters",
        (SLOW, "out of memory", "killed"),
        _text_bomb,
    ),
    Kind("cyclic", "cyclic.pdf", "PDF page tree that contains itself", ("corrupt",), _cyclic),
    Kind(
        "nested-html",
        "nested.html",
        "HTML nested 100,000 deep",
        ("nested too deeply", SLOW),
        _nested_html,
    ),
    Kind(
        "symlink-out",
        "private-note.txt",
        "link to a file outside the folder",
        ("outside the reports folder",),
        _symlink_out,
    ),
]


def expected(kind: Kind, reason: str | None) -> bool:
    """Whether a reason is one the kind should get."""
    return reason is not None and any(e.lower() in reason.lower() for e in kind.expect)


# -- running them -----------------------------------------------------------------------------------

RUN_ENV = {
    "INSPECTION_ASSISTANT_MAX_FILE_MB": str(MAX_FILE_MB),
    "INSPECTION_ASSISTANT_PARSE_TIMEOUT_S": "20",
}


@dataclass(frozen=True)
class Run:
    """One ``ingest --json`` run of the CLI.

    Attributes:
        summary: Its JSON summary.
        seconds: Wall-clock time of the run (model load included).
        peak_rss_mb: Peak RSS of the CLI or its parser process, whichever is larger.
        returncode: Its exit code.
    """

    summary: dict
    seconds: float
    peak_rss_mb: float
    returncode: int


def run_ingest(folder: Path, index: Path, env: dict[str, str] | None = None) -> Run:
    """Ingest a folder with the real CLI in its own process, timing it and measuring its memory."""
    full = {**os.environ, **RUN_ENV, **(env or {})}
    full["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), full.get("PYTHONPATH")) if p)
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", str(folder), "--index", str(index)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=full, cwd=ROOT
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    # wait4 gives the largest resident set of the process and of its waited-for children.
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - t0
    summary = json.loads(out.decode().strip().splitlines()[-1]) if out.strip() else {}
    return Run(summary, seconds, usage.ru_maxrss / 1024, proc.returncode)


def build(reports: Path, outside: Path, kinds: list[Kind]) -> None:
    """Write the given kinds into the reports folder (and what links point at into outside)."""
    reports.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    for kind in kinds:
        kind.make(reports / kind.file, outside)


def write_good(reports: Path) -> list[str]:
    """Two good reports beside the bad ones; returns their file names."""
    report_pdf(reports / "zetaford-report.pdf")
    (reports / "zetaford-notes.txt").write_text(
        "Zetaford notes\n\nInspectors found that care leavers in Zetaford have stable homes.\n",
        encoding="utf-8",
    )
    return ["zetaford-notes.txt", "zetaford-report.pdf"]


def reason_of(run: Run, name: str) -> str | None:
    """The reason a run gave for a file, or None when it did not fail."""
    return next((f["reason"] for f in run.summary.get("failed", []) if f["path"] == name), None)


def half_copied(work: Path) -> tuple[Run, Run, str]:
    """A good report indexed, then overwritten by the first half of its bytes and ingested again.

    Returns:
        The first run, the second run and the overwritten file's name.
    """
    reports, index = work / "half" / "reports", work / "half" / "index"
    reports.mkdir(parents=True)
    pdf = report_pdf(reports / "zetaford-report.pdf")
    first = run_ingest(reports, index)
    data = pdf.read_bytes()
    pdf.write_bytes(data[: len(data) // 2])
    return first, run_ingest(reports, index), pdf.name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    ap.add_argument("--only", nargs="*", help="only these kinds")
    ap.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = ap.parse_args()
    kinds = [k for k in KINDS if not args.only or k.key in args.only]
    work = args.keep or Path(tempfile.mkdtemp(prefix="ia-bad-"))
    rows: list[tuple[str, str, str, float, float, bool]] = []
    for kind in kinds:
        folder = work / kind.key
        build(folder / "reports", folder / "outside", [kind])
        run = run_ingest(folder / "reports", folder / "index")
        reason = reason_of(run, kind.file)
        ok = expected(kind, reason)
        reason = reason or "(indexed)"
        rows.append((kind.key, kind.what, reason, run.seconds, run.peak_rss_mb, ok))
    first, second, name = half_copied(work)
    reason = reason_of(second, name) or "(indexed)"
    kept = first.summary.get("added") == 1 and "stays live" in reason
    rows.append(
        (
            "half-copied",
            "indexed PDF overwritten by its first half",
            reason,
            second.seconds,
            second.peak_rss_mb,
            kept,
        )
    )

    together = work / "together"
    build(together / "reports", together / "outside", kinds)
    good = write_good(together / "reports")
    run = run_ingest(together / "reports", together / "index")
    failed = {f["path"] for f in run.summary.get("failed", [])}
    lost = [g for g in good if g in failed]
    if args.markdown:
        print("| kind | file | reason | seconds | peak RSS (MB) |")
        print("|---|---|---|---:|---:|")
        for key, what, reason, secs, rss, ok in rows:
            mark = "" if ok else " **(unexpected)**"
            print(f"| {key} | {what} | {reason}{mark} | {secs:.1f} | {rss:,.0f} |")
    else:
        for key, what, reason, secs, rss, ok in rows:
            print(
                f"{key:16} {secs:6.1f} s {rss:7,.0f} MB  {'ok ' if ok else 'BAD'} {what}: {reason}"
            )
    print(
        f"\nAll {len(kinds)} kinds with {len(good)} good reports in one run: "
        f"{run.summary.get('added')} added, {len(failed)} failed, good ones lost: {lost or 'none'}, "
        f"{run.seconds:.1f} s, peak RSS {run.peak_rss_mb:,.0f} MB, exit code {run.returncode}."
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
