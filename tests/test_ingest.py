"""Ingest: parsing traits, chunks, the incremental index, bad input, crash safety, the CLI."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import (
    CORPUS,
    TRAITS_EXPECTED,
    Block,
    PdfSpec,
    corpus_file,
    render_pdf,
    requires_corpus,
    traits_spec,
)

from ingest.chunking import chunk_report, split_sentences
from ingest.errors import IngestError
from ingest.parse import parse_bytes, parse_file
from ingest.records import PageAt
from vectorstore.records import FailedFile, Filters

CLI = [sys.executable, "-m", "assistant.cli"]


def _paras(report):
    return [
        (
            p.text,
            p.page_start,
            p.page_end,
            p.pdf_page_start,
            p.pdf_page_end,
            p.number,
            p.section,
            p.is_heading,
        )
        for p in report.paragraphs
    ]


# -- parsing -----------------------------------------------------------------------------------
def test_pdf_traits_exact(tmp_path):
    pdf = render_pdf(traits_spec(), tmp_path / "traits.pdf")
    report = parse_file(pdf, tmp_path)
    assert _paras(report) == TRAITS_EXPECTED
    # Running header/footer and page numbers are gone from the text but kept as metadata.
    text = " ".join(p.text for p in report.paragraphs)
    assert "7 to 18 March 2022" not in text.replace("Inspection dates: 7 to 18 March 2022", "")
    assert report.page_labels == [None, 1, 2]
    md = report.metadata
    assert md.title == "Inspection of Testshire local authority children's services"
    assert md.subject == "Testshire"
    assert (str(md.inspection_start), str(md.inspection_end)) == ("2022-03-07", "2022-03-18")
    assert md.lead_inspector == "Alex Example"
    assert md.published is None and "published" in md.notes


def test_paragraph_over_page_break_keeps_page_of_each_part(tmp_path, embedder):
    report = parse_file(render_pdf(traits_spec(), tmp_path / "t.pdf"), tmp_path)
    chunks = chunk_report(report, embedder.count_tokens)
    chunk = next(c for c in chunks if "return home interviews" in c.text)
    assert chunk.paragraph_at(chunk.text.index("return home interviews")) == 3
    assert chunk.page_at(chunk.text.index("return home interviews")) == PageAt(1, 2)
    assert chunk.page_at(chunk.text.index("shared with the police")) == PageAt(2, 3)
    assert (chunk.page_start, chunk.page_end) == (1, 2)


def test_chunks_whole_sentences_within_token_limit(embedder):
    sentences = [
        f"Sentence number {i} says that the service for children is improving in area {i}."
        for i in range(60)
    ]
    text = "Long findings\n\n" + " ".join(sentences) + "\n\nA short closing paragraph."
    report = parse_bytes(text.encode(), "long.txt")
    chunks = chunk_report(report, embedder.count_tokens, max_tokens=256, target_tokens=200)
    assert len(chunks) > 3
    body = " ".join(sentences)
    for c in chunks:
        assert embedder.count_tokens(c.embed_text) + 2 <= 256
        for part in c.text.split("\n\n"):
            assert part in text  # verbatim
            if part in body:
                assert part.endswith(".") and (body.startswith(part) or f". {part}" in body)
    # the same bytes give the same ids
    again = chunk_report(parse_bytes(text.encode(), "long.txt"), embedder.count_tokens)
    assert [c.id for c in again] == [c.id for c in chunks]


def test_split_sentences_keeps_text():
    text = "Dr. Smith visited e.g. three homes. It went well! Did it? Yes: 12 visits."
    parts = split_sentences(text)
    assert " ".join(parts) == text
    assert parts[0] == "Dr. Smith visited e.g. three homes."


def test_html_main_text_only():
    html = b"""<!doctype html><html><head><title>Press release: Essex Police</title>
    <style>.x{color:red}</style><script>var tracking = 1;</script></head><body>
    <nav><a href="/">Home</a> <a href="/news">News</a></nav><header>Site banner</header>
    <main><h1>Essex Police must improve</h1><p>Inspectors found weak practice.</p>
    <ul><li>Officers lacked training.</li></ul></main><footer>Cookies and privacy</footer>
    </body></html>"""
    report = parse_bytes(html, "release.html")
    texts = [p.text for p in report.paragraphs]
    assert texts == [
        "Essex Police must improve",
        "Inspectors found weak practice.",
        "Officers lacked training.",
    ]
    assert report.file_type == "html"


def test_markdown_and_docx_and_legacy_text(tmp_path):
    md = b"# Findings\n\n9. Leaders are **visible** and ambitious.\n\n- Plans are [clear](x).\n"
    r = parse_bytes(md, "notes.md")
    assert [(p.text, p.number, p.section) for p in r.paragraphs] == [
        ("Findings", None, "Findings"),
        ("Leaders are visible and ambitious.", 9, "Findings"),
        ("Plans are clear.", None, "Findings"),
    ]
    import docx

    d = docx.Document()
    d.add_heading("Care leavers", level=1)
    d.add_paragraph("Personal advisers know young people well.")
    d.save(tmp_path / "r.docx")
    r = parse_file(tmp_path / "r.docx", tmp_path)
    assert r.file_type == "docx"
    assert [(p.text, p.section) for p in r.paragraphs] == [
        ("Care leavers", "Care leavers"),
        ("Personal advisers know young people well.", "Care leavers"),
    ]
    cp1252 = "Café culture: the council’s “fresh start” plan.\n".encode("cp1252")
    r = parse_bytes(cp1252, "legacy.txt")
    assert "Café culture: the council’s “fresh start” plan." in r.paragraphs[0].text


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("empty.pdf", lambda p: b"", "empty file"),
        ("truncated.pdf", lambda p: p[: len(p) // 3], "truncated"),
        ("garbage.pdf", lambda p: b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "corrupt"),
        ("picture.png", lambda p: b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 500, "unsupported type"),
        ("archive.zip", lambda p: b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
    ],
)
def test_bad_bytes_give_one_line_reasons(tmp_path, name, make, reason):
    good = render_pdf(traits_spec(), tmp_path / "good.pdf").read_bytes()
    with pytest.raises(IngestError) as err:
        parse_bytes(make(good), name)
    assert reason.lower() in str(err.value).lower()
    assert "\n" not in str(err.value)


def test_encrypted_and_scanned_pdfs(tmp_path):
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Secret findings about the council.")
    doc.save(
        tmp_path / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o"
    )
    with pytest.raises(IngestError, match="password-protected"):
        parse_file(tmp_path / "locked.pdf", tmp_path)

    blank = pymupdf.open()
    page = blank.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 200), 0)
    pix.clear_with(220)
    page.insert_image(page.rect, pixmap=pix)
    blank.save(tmp_path / "scan.pdf")
    with pytest.raises(IngestError, match="scanned PDF with no text layer"):
        parse_file(tmp_path / "scan.pdf", tmp_path)


def test_extension_that_lies_is_read_by_content(tmp_path):
    html = (
        b"<html><body><main><p>Inspectors praised the fostering service.</p></main></body></html>"
    )
    (tmp_path / "really-html.pdf").write_bytes(html)
    r = parse_file(tmp_path / "really-html.pdf", tmp_path)
    assert r.file_type == "html"
    assert r.paragraphs[0].text == "Inspectors praised the fostering service."


# -- the incremental index ---------------------------------------------------------------------
def _write_report(path: Path, subject: str, finding: str) -> Path:
    path.write_text(f"Report on {subject}\n\n{finding}\n", encoding="utf-8")
    return path


def _texts(index, query: str) -> list[str]:
    return [h.chunk.text for h in index.search_keyword(query, 10)]


def test_add_unchanged_change_duplicate_prune(fresh, tmp_path):
    ingestor, index, _ = fresh
    src = tmp_path / "src"
    src.mkdir()
    _write_report(src / "a.txt", "Alphaton", "Alphaton inspectors praised the adoption team.")
    _write_report(src / "b.txt", "Betaville", "Betaville inspectors criticised fostering delays.")
    s = ingestor.run([src])
    assert (s.added, s.updated, s.unchanged, s.failed) == (2, 0, 0, [])

    calls = []
    real = ingestor.embedder.embed_passages
    ingestor.embedder.embed_passages = lambda t, spans: calls.append(len(t)) or real(t, spans)
    try:
        s = ingestor.run([src])
        assert (s.added, s.unchanged, calls) == (0, 2, [])  # nothing embedded

        _write_report(src / "a.txt", "Alphaton", "Alphaton inspectors found adoption delays.")
        s = ingestor.run([src])
        assert (s.added, s.updated, s.unchanged) == (0, 1, 1)
        assert any("adoption delays" in t for t in _texts(index, "adoption"))
        assert not any("praised the adoption" in t for t in _texts(index, "adoption"))

        (src / "copy-of-b.txt").write_bytes((src / "b.txt").read_bytes())
        calls.clear()
        s = ingestor.run([src])
        assert (s.added, calls) == (1, [])  # same bytes, indexed once
        rows = {r.source: r for r in index.manifest.reports()}
        assert rows["copy-of-b.txt"].report_id == rows["b.txt"].report_id
        assert rows["b.txt"].aliases == ["copy-of-b.txt"]
        assert len(_texts(index, "fostering")) == 1
    finally:
        ingestor.embedder.embed_passages = real

    (src / "b.txt").unlink()
    s = ingestor.run([src])  # without --prune nothing is removed
    assert s.removed == 0 and len(_texts(index, "fostering")) == 1
    (src / "copy-of-b.txt").unlink()
    from assistant.prune import PruneRefusedError

    with pytest.raises(PruneRefusedError, match="1 of 2 reports"):
        ingestor.run([src], prune=True)  # half the index: refused, nothing changed
    assert len(_texts(index, "fostering")) == 1
    s = ingestor.run([src], prune=True, force_prune=True)
    assert s.removed == 2
    assert _texts(index, "fostering") == []
    assert index.stats().reports == 1
    assert index.store.report_ids() == index.manifest.live_report_ids()


def test_bad_files_fail_alone(fresh, tmp_path):
    import pymupdf

    ingestor, index, settings = fresh
    src = tmp_path / "src"
    src.mkdir()
    _write_report(
        src / "good.txt", "Gammaford", "Gammaford inspectors praised the care leavers service."
    )
    render_pdf(traits_spec(), src / "good.pdf")
    (src / "zero.pdf").write_bytes(b"")
    (src / "truncated.pdf").write_bytes((src / "good.pdf").read_bytes()[:900])
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Locked")
    doc.save(src / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    (src / "lying.pdf").write_bytes(
        b"<html><body><p>Deltaburgh inspectors found strong early help.</p></body></html>"
    )
    (src / "latin1.txt").write_bytes(
        "Report on Epsilonbury\n\nEpsilonbury’s café plan was praised.".encode("cp1252")
    )
    (src / "huge.txt").write_bytes(b"words " * 300_000)  # over the 1 MB limit of the fixture
    (src / "binary.dat").write_bytes(bytes(range(256)) * 10)
    s = ingestor.run([src])
    reasons = {f.path: f.reason for f in s.failed}
    assert set(reasons) == {"zero.pdf", "truncated.pdf", "locked.pdf", "huge.txt", "binary.dat"}
    assert "empty" in reasons["zero.pdf"]
    assert "truncated" in reasons["truncated.pdf"]
    assert "password" in reasons["locked.pdf"]
    assert "too large" in reasons["huge.txt"]
    assert "unsupported" in reasons["binary.dat"]
    assert s.added == 4  # good.txt, good.pdf, lying.pdf (HTML), latin1.txt
    assert index.stats().failed == [FailedFile(p, r) for p, r in sorted(reasons.items())]
    assert _texts(index, "Deltaburgh") and _texts(index, "Epsilonbury")


def test_progress_reports_each_step(fresh, tmp_path):
    ingestor, _, _ = fresh
    src = tmp_path / "src"
    src.mkdir()
    _write_report(src / "a.txt", "Alphaton", "Alphaton inspectors praised the adoption team.")
    _write_report(src / "b.txt", "Betaville", "Betaville inspectors criticised fostering delays.")
    steps, files = [], []
    summary = ingestor.run([src], progress=files.append, phases=steps.append)
    assert [(p.name, p.file, p.files_total, p.current) for p in steps[:3]] == [
        ("scanning", 0, 0, ""),
        ("reading", 1, 2, "a.txt"),
        ("reading", 2, 2, "b.txt"),
    ]
    embedding, live, last = steps[3:]
    assert (embedding.name, live.name, last.name) == ("embedding", "making live", "making live")
    assert embedding.chunks == live.chunks == summary.chunks >= 2 and last.chunks == 0
    # After each file, and once more with the counts of the last embedded group.
    assert [(p.files_done, p.files_total, p.current) for p in files] == [
        (1, 2, "a.txt"),
        (2, 2, "b.txt"),
        (2, 2, "b.txt"),
    ]
    assert (files[-1].pages, files[-1].chunks) == (summary.pages, summary.chunks)
    steps.clear()
    ingestor.run([src], phases=steps.append)  # unchanged: nothing to embed
    assert [p.name for p in steps] == ["scanning", "reading", "reading", "making live"]


def test_cli_json_exit_codes_and_status(tmp_path, cli_env):
    src = tmp_path / "src"
    src.mkdir()
    _write_report(src / "ok.txt", "Zetaham", "Zetaham inspectors praised the adoption service.")
    idx = tmp_path / "idx"
    out = subprocess.run(
        [*CLI, "ingest", str(src), "--index", str(idx), "--json"],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert set(d) == {
        "added",
        "updated",
        "unchanged",
        "removed",
        "repaired",
        "failed",
        "pages",
        "chunks",
        "seconds",
    }
    assert (d["added"], d["failed"]) == (1, [])
    (src / "bad.pdf").write_bytes(b"%PDF-1.4 broken")
    out = subprocess.run(
        [*CLI, "ingest", str(src), "--index", str(idx), "--json"],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=300,
    )
    assert out.returncode == 2
    d = json.loads(out.stdout)
    assert d["unchanged"] == 1 and d["failed"][0]["path"] == "bad.pdf"
    st = subprocess.run(
        [*CLI, "status", "--index", str(idx), "--json"],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    s = json.loads(st.stdout)
    assert s["reports"] == 1 and s["chunks"] >= 1 and s["failed"][0]["path"] == "bad.pdf"
    assert s["embedding_model"] and s["size_bytes"] > 0
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    out = subprocess.run(
        [*CLI, "ingest", str(src), "--index", str(blocker)],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=120,
    )
    assert out.returncode == 1 and "index" in out.stderr


def test_kill_mid_ingest_leaves_a_working_index(tmp_path, cli_env, embedder):
    """kill -9 during a run: the index still answers, no duplicates, the next run finishes."""
    from vectorstore.index import Index

    src = tmp_path / "src"
    src.mkdir()
    for i in range(40):
        _write_report(
            src / f"r{i:02d}.txt",
            f"Town{i}",
            " ".join(
                f"Town{i} inspectors looked at practice area {j} in detail and found "
                f"that managers review plan {j} every month."
                for j in range(40)
            ),
        )
    idx = tmp_path / "idx"
    subprocess.run(
        [*CLI, "ingest", str(src / "r00.txt"), "--index", str(idx)],
        env=cli_env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    proc = subprocess.Popen(
        [*CLI, "ingest", str(src), "--index", str(idx)],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    index = Index(idx)
    deadline = time.time() + 240
    while time.time() < deadline and index.stats().reports < 4:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    index = Index(idx)
    live = index.manifest.live_report_ids()
    assert 1 <= len(live) < 40
    # The manifest never claims a report is indexed when it is not.
    for r in index.manifest.reports():
        assert r.status == "indexed" and r.report_id in live
    hits = index.search_dense(embedder.embed_query("Town0 managers review plans"), 5)
    assert hits and all(h.chunk.report_id in live for h in hits)
    out = subprocess.run(
        [*CLI, "ingest", str(src), "--index", str(idx), "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    index = Index(idx)
    assert index.stats().reports == 40
    ids = [c.id for c in index.manifest.live_chunks()]
    assert len(ids) == len(set(ids))
    assert index.store.count() == len(ids)  # no orphan or duplicate vectors


# -- real reports ------------------------------------------------------------------------------
@requires_corpus
@pytest.mark.corpus
@pytest.mark.parametrize(
    ("rel", "title", "subject", "start", "end", "lead"),
    [
        (
            "ofsted-ilacs/80418_norfolk/children's services inspection - 13 january 2023.pdf",
            "Inspection of Norfolk local authority children’s services",
            "Norfolk",
            "2022-11-07",
            "2022-11-18",
            "Margaret Burke",
        ),
        (
            "ofsted-ilacs/80418_norfolk/children's services inspection,  pdf - 16 august 2013.pdf",
            "Inspection of looked after children services Norfolk County Council",
            "Norfolk",
            "2013-07-08",
            "2013-07-12",
            "Gary Lamb",
        ),
        (
            "ofsted-ilacs/80503_hounslow/children's services inspection - 12 november 2018.pdf",
            "Inspection of children's social care services",
            "Hounslow",
            "2018-10-01",
            "2018-10-12",
            "Tara Geere",
        ),
    ],
)
def test_real_reports_metadata(rel, title, subject, start, end, lead):
    r = parse_file(corpus_file(*rel.split("/")), CORPUS)
    md = r.metadata
    assert r.source == rel
    assert (md.title, md.subject, md.inspectorate) == (title, subject, "Ofsted")
    assert (str(md.inspection_start), str(md.inspection_end), md.lead_inspector) == (
        start,
        end,
        lead,
    )
    assert r.pages > 5 and len(r.paragraphs) > 50


@requires_corpus
@pytest.mark.corpus
def test_real_2013_report_printed_page_numbers():
    r = parse_file(
        corpus_file(
            "ofsted-ilacs",
            "80418_norfolk",
            "children's services inspection,  pdf - 16 august 2013.pdf",
        ),
        CORPUS,
    )
    assert r.page_labels[:4] == [None, None, 1, 2]  # cover and copyright page are unnumbered
    assert r.metadata.published is not None and str(r.metadata.published) == "2013-08-16"


@requires_corpus
@pytest.mark.corpus
def test_real_search_with_filters(fresh):
    ingestor, index, _ = fresh
    ingestor.settings = ingestor.settings.override(ingest__max_file_mb=50)
    folder = corpus_file("ofsted-ilacs", "80418_norfolk")
    s = ingestor.run(
        [
            folder / "children's services inspection - 13 january 2023.pdf",
            CORPUS / "press-releases" / "hmic-essex-police-child-protection.txt",
        ]
    )
    assert s.failed == [] and s.added == 2
    police = index.search_keyword("children custody", 5, Filters(subjects=("Essex Police",)))
    assert police and all(h.chunk.subject == "Essex Police" for h in police)
    assert all(h.chunk.inspectorate == "HMIC" for h in police)


@pytest.mark.skipif(not __import__("shutil").which("tesseract"), reason="tesseract-ocr missing")
def test_scanned_pdf_is_read_by_ocr(tmp_path):
    import pymupdf

    src = pymupdf.open()
    page = src.new_page()
    page.insert_text(
        (72, 100), "Inspectors found that care leavers are well supported.", fontsize=14
    )
    scan = pymupdf.open()
    scan.new_page().insert_image(scan[0].rect, pixmap=page.get_pixmap(dpi=200))
    scan.save(tmp_path / "scan.pdf")
    r = parse_file(tmp_path / "scan.pdf", tmp_path)
    assert [p.text for p in r.paragraphs] == [
        "Inspectors found that care leavers are well supported."
    ]
    assert r.warnings == ["OCR used on pages [1]"]


def test_bold_inspector_lines_on_the_cover_stay_with_the_dates(tmp_path, embedder):
    # The 2013 and 2018 layouts set these in bold; they are not section headings.
    spec = PdfSpec(
        first_printed=None,
        cover=[
            ("Inspection of looked after children services", 20, True),
            ("Testshire County Council", 14, True),
            ("Inspection dates: 15 to 19 July 2013", 12, False),
            ("Reporting inspector Sam Example HMI", 12, True),
            ("Her Majesty's Inspector", 12, True),
        ],
        pages=[[], [Block("h", ["Summary"]), Block("p", ["Children are safe."])]],
    )
    report = parse_file(render_pdf(spec, tmp_path / "cover.pdf"), tmp_path)
    headings = [p.text for p in report.paragraphs if p.is_heading]
    assert not any("inspector" in h.lower() for h in headings), headings
    first = chunk_report(report, embedder.count_tokens)[0].text
    assert "Inspection dates: 15 to 19 July 2013\n\nReporting inspector Sam Example HMI" in first
    assert "Her Majesty's Inspector" in first


# -- hostile files and faults --------------------------------------------------------------------
def test_failed_reread_of_a_changed_file_keeps_the_live_version(fresh, tmp_path):
    ingestor, index, _ = fresh
    src = tmp_path / "src"
    src.mkdir()
    pdf = render_pdf(traits_spec(), src / "testshire.pdf")
    good = pdf.read_bytes()
    _write_report(src / "other.txt", "Gammaford", "Gammaford inspectors praised adoption.")
    assert ingestor.run([src]).added == 2

    pdf.write_bytes(good[: len(good) // 2])  # a half-copied file
    s = ingestor.run([src])
    assert (s.added, s.updated, s.removed) == (0, 0, 0)
    [failed] = s.failed
    assert failed.path == "testshire.pdf"
    assert "truncated" in failed.reason and "stays live" in failed.reason
    assert any("return home interviews" in t for t in _texts(index, "return home interviews"))
    assert index.stats().reports == 2
    assert index.stats().failed == [FailedFile("testshire.pdf", failed.reason)]

    pdf.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8)  # replaced by a program
    s = ingestor.run([src])
    assert "unsupported" in s.failed[0].reason and index.stats().reports == 2

    pdf.write_bytes(good)  # copied again, whole: nothing to re-embed, the failure is gone
    s = ingestor.run([src])
    assert (s.unchanged, s.failed) == (2, [])
    assert index.stats().failed == []


def test_symlinks_out_of_the_reports_folder_are_refused(fresh, tmp_path):
    ingestor, index, _ = fresh
    src, private = tmp_path / "src", tmp_path / "private"
    src.mkdir()
    private.mkdir()
    (private / "note.txt").write_text("Private note\n\nThe strongroom code is 4417.\n")
    (src / "note.txt").symlink_to(private / "note.txt")
    (src / "sub").mkdir()
    _write_report(src / "sub" / "real.txt", "Alphaton", "Alphaton inspectors praised adoption.")
    (src / "alias.txt").symlink_to(src / "sub" / "real.txt")  # inside the folder: fine
    s = ingestor.run([src])
    assert s.failed == [
        FailedFile("note.txt", "refused: a symbolic link to a file outside the reports folder")
    ]
    assert s.added == 1
    assert _texts(index, "strongroom code") == []
    assert _texts(index, "Alphaton adoption")


def _hostile(name: str):
    """A kind of hostile file from the bad-input benchmark (made there, not copied)."""
    from bad_inputs_kinds import kinds

    return next(k for k in kinds() if k.key == name)


def test_a_parser_blowup_kills_only_its_child_process(tmp_path):
    from ingest.jobs import ParseJob
    from ingest.limits import ParseLimits
    from ingest.sandbox import IsolatedParser

    good = render_pdf(traits_spec(), tmp_path / "good.pdf").read_bytes()
    bomb, stall = tmp_path / "text.pdf", tmp_path / "stream.pdf"
    _hostile("text-bomb").make(bomb, tmp_path)
    _hostile("stream-bomb").make(stall, tmp_path)

    def job(data: bytes) -> ParseJob:
        return ParseJob(data, "x.pdf", None, False, ParseLimits())

    with IsolatedParser(memory_mb=800, timeout_s=120) as parser:
        with pytest.raises(IngestError, match="memory|killed"):
            parser.parse(job(bomb.read_bytes()))
        assert parser.parse(job(good)).metadata.title == TRAITS_EXPECTED[0][0]
        assert parser.started == 2 and parser.peak_rss_kb < 800 * 1024
    with IsolatedParser(memory_mb=1536, timeout_s=1) as parser:
        with pytest.raises(IngestError, match="took longer than the 1 s limit"):
            parser.parse(job(stall.read_bytes()))
        assert parser.parse(job(good)).paragraphs
