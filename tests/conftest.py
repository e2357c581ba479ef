"""Shared fixtures: generated reports (real PDFs, text, HTML, Word), real indexes, the real model.

No corpus text is copied here: every document is written by these generators.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

# -- a tiny layout engine for realistic report PDFs -------------------------------------------


@dataclass
class Block:
    """A block on a page: a heading, a paragraph (lines), or a numbered paragraph."""

    kind: str  # "h" heading, "p" paragraph, "n" numbered paragraph, "b" bullet
    lines: list[str]
    number: int | None = None
    size: float = 11.0


@dataclass
class PdfSpec:
    """A report to render: pages of blocks, a running header and footer, page numbering."""

    pages: list[list[Block]]
    header: str | None = None
    footer: str | None = None
    first_printed: int | None = 1  # printed number of the first page; None = cover unnumbered
    cover: list[tuple[str, float, bool]] = field(default_factory=list)


def render_pdf(spec: PdfSpec, path: Path) -> Path:
    """Write the spec as a real PDF with PyMuPDF (Helvetica, A4)."""
    import pymupdf

    doc = pymupdf.open()
    printed = spec.first_printed
    for i, blocks in enumerate(spec.pages):
        page = doc.new_page(width=595, height=842)
        if spec.header:
            page.insert_text((72, 40), spec.header, fontsize=8, fontname="helv")
        if spec.footer:
            page.insert_text((72, 815), spec.footer, fontsize=8, fontname="helv")
        if i == 0 and spec.cover:
            y = 140.0
            for text, size, bold in spec.cover:
                page.insert_text((72, y), text, fontsize=size, fontname="hebo" if bold else "helv")
                y += size * 1.3 if size > 14 else size * 1.6
        number = None
        if printed is not None:
            number = printed + i
        elif i > 0:
            number = i
        if number is not None:
            page.insert_text((520, 800), str(number), fontsize=10, fontname="helv")
        y = 110.0 if not (i == 0 and spec.cover) else 140.0 + 40 * len(spec.cover)
        for b in blocks:
            if b.kind == "h":
                for line in b.lines:
                    page.insert_text((72, y), line, fontsize=14, fontname="hebo")
                    y += 18
                y += 8
                continue
            x = 100 if b.kind in ("n", "b") else 72
            if b.kind == "n":
                page.insert_text((72, y), f"{b.number}.", fontsize=b.size, fontname="helv")
            if b.kind == "b":
                page.insert_text((80, y), "•", fontsize=b.size, fontname="helv")
            for line in b.lines:
                page.insert_text((x, y), line, fontsize=b.size, fontname="helv")
                y += b.size * 1.3
            y += b.size * 0.9
    doc.save(path)
    doc.close()
    return path


def traits_spec() -> PdfSpec:
    """A 3-page ILACS-style report with every parsing trait and exactly known paragraphs."""
    return PdfSpec(
        header="Inspection of Testshire local authority children's services",
        footer="7 to 18 March 2022",
        first_printed=None,  # the cover carries no number; page 2 prints 1, page 3 prints 2
        cover=[
            ("Inspection of Testshire local authority", 24, False),
            ("children's services", 24, False),
            ("Inspection dates: 7 to 18 March 2022", 12, True),
            ("Lead inspector: Alex Example, His Majesty's Inspector", 12, True),
        ],
        pages=[
            [
                Block(
                    "p",
                    [
                        "Children in Testshire receive help that is mostly timely. Safeguarding",
                        "leaders know their services well.",
                    ],
                ),
            ],
            [
                Block("h", ["Help and protection"]),
                Block(
                    "n",
                    [
                        "Social workers visit children often and listen to them. The",
                        "multi-",
                        "agency safeguarding hub makes quick decisions about risk.",
                    ],
                    number=1,
                ),
                Block(
                    "n",
                    [
                        "Managers check the quality of assessments each month, and the",
                        "safe-",
                        "guarding board reviews the findings with partners.",
                    ],
                    number=2,
                ),
                Block("h", ["Children in care"]),
                Block(
                    "n",
                    [
                        "When children go missing from care, return home interviews happen",
                        "quickly and the information",
                    ],
                    number=3,
                ),
            ],
            [
                Block(
                    "p", ["is shared with the police so that patterns of exploitation are found."]
                ),
                Block(
                    "n",
                    ["Care leavers have stable homes and personal advisers who know them well."],
                    number=4,
                ),
            ],
        ],
    )


TITLE = "Inspection of Testshire local authority children's services"
TRAITS_EXPECTED = [
    # (text, page_start, page_end, pdf_start, pdf_end, number, section, is_heading)
    # The cover has no printed number (page 0, front matter); page 2 prints 1, page 3 prints 2.
    (TITLE, 0, 0, 1, 1, None, TITLE, True),
    ("Inspection dates: 7 to 18 March 2022", 0, 0, 1, 1, None, TITLE, False),
    ("Lead inspector: Alex Example, His Majesty's Inspector", 0, 0, 1, 1, None, TITLE, False),
    (
        "Children in Testshire receive help that is mostly timely. Safeguarding leaders know their "
        "services well.",
        0,
        0,
        1,
        1,
        None,
        TITLE,
        False,
    ),
    ("Help and protection", 1, 1, 2, 2, None, "Help and protection", True),
    (
        "Social workers visit children often and listen to them. The multi-agency safeguarding hub "
        "makes quick decisions about risk.",
        1,
        1,
        2,
        2,
        1,
        "Help and protection",
        False,
    ),
    (
        "Managers check the quality of assessments each month, and the safeguarding board reviews "
        "the findings with partners.",
        1,
        1,
        2,
        2,
        2,
        "Help and protection",
        False,
    ),
    ("Children in care", 1, 1, 2, 2, None, "Children in care", True),
    (
        "When children go missing from care, return home interviews happen quickly and the "
        "information is shared with the police so that patterns of exploitation are found.",
        1,
        2,
        2,
        3,
        3,
        "Children in care",
        False,
    ),
    (
        "Care leavers have stable homes and personal advisers who know them well.",
        2,
        2,
        3,
        3,
        4,
        "Children in care",
        False,
    ),
]

# -- small reports for retrieval and answers ---------------------------------------------------

TOPICS = {
    "missing": "When children go missing from home or care, return home interviews are {q} and "
    "the information is {s} with the police to spot exploitation.",
    "leavers": "Care leavers {v} supported by personal advisers who help them find homes, "
    "education and work.",
    "leaders": "Senior leaders {l} and the workforce is {w}.",
    "adoption": "Children who cannot live with their families are {a} adopted without delay.",
}

REPORT_TEXTS = {
    ("Croydon", 2017): dict(
        q="often late",
        s="rarely shared",
        v="are poorly",
        l="were slow to act on known weaknesses",
        w="unstable",
        a="not always",
    ),
    ("Croydon", 2024): dict(
        q="timely",
        s="routinely shared",
        v="are well",
        l="have transformed services",
        w="stable",
        a="now",
    ),
    ("Norfolk", 2022): dict(
        q="completed within three days",
        s="carefully shared",
        v="are exceptionally well",
        l="are ambitious and visible",
        w="settled",
        a="quickly",
    ),
}


def wrap(text: str, width: int = 80) -> list[str]:
    """Break text into lines of at most ``width`` characters, between words."""
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + len(word) + 1 > width:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return [*lines, cur]


ILACS_LABELS = {
    "impact_of_leaders": "The impact of leaders on social work practice with children and families",
    "help_and_protection": "The experiences and progress of children who need help and protection",
    "children_in_care": "The experiences and progress of children in care",
    "care_leavers": "The experiences and progress of care leavers",
    "overall": "Overall effectiveness",
}
RI = "Requires improvement to be good"


def judgement_table(grades: dict[str, str]) -> list[Block]:
    """The ILACS front-page "Judgement / Grade" table."""
    table = [Block("p", ["Judgement"], size=9), Block("p", ["Grade"], size=9)]
    for key, label in ILACS_LABELS.items():
        table += [Block("p", [label], size=9), Block("p", [grades[key]], size=9)]
    return table


def graded_heading(key: str, grades: dict[str, str]) -> Block:
    """An ILACS section heading stating its grade ("...children in care: good")."""
    return Block("h", wrap(f"{ILACS_LABELS[key]}: {grades[key].lower()}", 52))


def graded_ilacs_spec(subject: str, year: int, pages: list[list[Block]]) -> PdfSpec:
    """An ILACS-style report with the usual header, footer and cover, graded pages given."""
    return PdfSpec(
        header=f"Inspection of {subject} local authority children's services",
        footer=f"Ofsted inspection report, March {year}",
        first_printed=1,
        cover=[
            (f"Inspection of {subject} local authority", 22, False),
            ("children's services", 22, False),
            (f"Inspection dates: 6 to 17 March {year}", 12, True),
            ("Lead inspector: Sam Sample, His Majesty's Inspector", 12, True),
        ],
        pages=pages,
    )


def ilacs_pdf(subject: str, year: int, words: dict[str, str], path: Path) -> Path:
    """A small generated ILACS-style report about one authority and year."""
    lines = {k: v.format(**words) for k, v in TOPICS.items()}
    spec = PdfSpec(
        header=f"Inspection of {subject} local authority children's services",
        footer=f"3 to 14 March {year}",
        first_printed=1,
        cover=[
            (f"Inspection of {subject} local authority", 24, False),
            ("children's services", 24, False),
            (f"Inspection dates: 3 to 14 March {year}", 12, True),
            ("Lead inspector: Sam Sample, His Majesty's Inspector", 12, True),
            ("Ofsted", 10, False),
        ],
        pages=[
            [
                Block("h", ["Help and protection"]),
                Block("n", wrap(lines["missing"]), number=1),
                Block("n", wrap(lines["adoption"]), number=2),
            ],
            [
                Block("h", ["Care leavers"]),
                Block("n", wrap(lines["leavers"]), number=3),
                Block("h", ["Leadership"]),
                Block("n", wrap(lines["leaders"]), number=4),
            ],
        ],
    )
    return render_pdf(spec, path)


ESSEX_RELEASE = """Essex Police must improve how it protects children

HM Inspectorate of Constabulary (HMIC) has today published a report on child protection work in Essex Police, carried out in March and April 2015.

Inspectors found that officers did not always recognise the signs of child sexual exploitation.

Custody records showed that some children were held overnight when they should have been released to a safe place.

The force has since appointed more specialist detectives to investigate abuse.
"""


@pytest.fixture(scope="session")
def embedder():
    """The real model (the configured backend), loaded once."""
    from vectorstore.embedder import make_embedder

    e = Settings().embedding
    return make_embedder(kind=e.backend, model=e.model, batch_size=e.batch_size)


@pytest.fixture(scope="session")
def reports_dir(tmp_path_factory) -> Path:
    """A folder of generated reports: three ILACS-style PDFs and a police press release."""
    d = tmp_path_factory.mktemp("reports")
    for (subject, year), words in REPORT_TEXTS.items():
        sub = d / subject.lower()
        sub.mkdir(exist_ok=True)
        ilacs_pdf(subject, year, words, sub / f"inspection {year}.pdf")
    (d / "essex-police-release.txt").write_text(ESSEX_RELEASE, encoding="utf-8")
    return d


def index_reports(paths: list[Path], settings: Settings, embedder):
    """Ingest files or folders into a real index (Chroma + BM25 + manifest); no file may fail.

    Returns:
        (settings, index, summary).
    """
    from assistant.indexing import Ingestor
    from vectorstore.index import Index

    index = Index(settings.store.index_dir)
    summary = Ingestor(index, embedder, settings).run(list(paths))
    assert not summary.failed, summary.failed
    return settings, index, summary


@pytest.fixture(scope="session")
def built_index(tmp_path_factory, reports_dir, embedder):
    """A real index over ``reports_dir``, built once."""
    settings, index, _ = index_reports(
        [reports_dir], Settings(index_dir=tmp_path_factory.mktemp("index")), embedder
    )
    return settings, index


@pytest.fixture(scope="session")
def assistant(built_index, embedder):
    """An Assistant over the built index."""
    from assistant.core import Assistant

    settings, index = built_index
    return Assistant(settings, index=index, embedder=embedder)


@pytest.fixture()
def fresh(tmp_path, embedder):
    """A fresh empty index with an Ingestor over it: (ingestor, index, settings)."""
    from assistant.indexing import Ingestor
    from vectorstore.index import Index

    settings = Settings(index_dir=tmp_path / "index", ingest={"max_file_mb": 1})
    index = Index(settings.store.index_dir)
    return Ingestor(index, embedder, settings), index, settings


@pytest.fixture(scope="session")
def cli_env() -> dict[str, str]:
    """Environment for CLI subprocesses."""
    env = dict(os.environ)
    env.pop("INSPECTION_ASSISTANT_INDEX_DIR", None)
    env.pop("INSPECTION_ASSISTANT_STORE__INDEX_DIR", None)
    return env


def ask_json(index_dir: Path, question: str, env: dict[str, str]) -> dict:
    """``inspection-assistant ask QUESTION --index INDEX_DIR --json`` in a subprocess; its
    JSON (the command must succeed)."""
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", question, "--index", str(index_dir), "--json"],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def corpus_file(*parts: str) -> Path:
    """A file of the real corpus (tests using it are marked ``corpus``)."""
    return CORPUS.joinpath(*parts)


requires_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus not present")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Debian chromium driven by Playwright, one per test module. Playwright's sync API runs
    an event loop in this thread while it is open: a second instance would clash, and so would
    a later test's ``asyncio.run``, so it is closed when its module ends."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()
