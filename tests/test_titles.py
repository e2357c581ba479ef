"""Report titles whole and clean enough for a citation line."""

from __future__ import annotations

import json
import subprocess
import sys

from ingest.parse import parse_file
from ingest.titles import is_junk_title, tidy_title
from tests.conftest import Block, PdfSpec, render_pdf

SIF = (
    "Inspection of services for children in need of help and protection, children looked "
    "after and care leavers Review of the effectiveness of the Local Safeguarding Children Board"
)


def test_the_councils_name_above_the_title_is_left_out():
    assert tidy_title(f"Testshire County Council {SIF}", []) == SIF
    assert tidy_title(
        "London Borough of Alphaton Inspection of children’s social care services", []
    ) == ("Inspection of children’s social care services")
    # A title that starts as a title stays as it is.
    t = "Focused visit to Testshire local authority children’s services"
    assert tidy_title(t + ".", []) == t


def test_a_name_bullet_or_letterhead_gives_way_to_the_title_on_the_first_pages():
    first = ["Dear Sam", "Focused visit to Testshire children’s services", "This letter summarises"]
    assert is_junk_title("◼ Management directions and plans for children")
    assert is_junk_title("T 0300 123 1231 Textphone 0161 618 8524")
    assert not is_junk_title("Inspection of Testshire children’s services")
    for title in ("◼ Management directions and plans", "T 0300 123 1231 Textphone 0161 618 8524"):
        assert tidy_title(title, first) == "Focused visit to Testshire children’s services"
    assert tidy_title("Testshire County Council", ["Testshire", SIF]) == SIF
    # Nothing better on the first pages: the name stays (a title of some kind beats none).
    assert tidy_title("Testshire County Council", ["Dear Sam"]) == "Testshire County Council"
    assert tidy_title(None, ["Dear Sam"]) is None


def test_a_long_cover_title_is_read_whole(tmp_path, cli_env):
    spec = PdfSpec(
        header="Testshire County Council",
        footer="Ofsted inspection report",
        first_printed=1,
        cover=[
            ("Testshire County Council", 26, False),
            ("Inspection of services for children in need of help", 16, False),
            ("and protection, children looked after and care", 16, False),
            ("leavers", 16, False),
            ("Review of the effectiveness of the Local", 16, False),
            ("Safeguarding Children Board", 16, False),
            ("Inspection date: 6 March to 30 March 2017", 12, True),
            ("Report published: 13 June 2017", 12, True),
        ],
        pages=[[Block("p", ["Children's services in Testshire are good. " * 3])]],
    )
    pdf = render_pdf(spec, tmp_path / "testshire.pdf")
    report = parse_file(pdf, tmp_path)
    assert report.metadata.title == SIF
    assert report.metadata.subject == "Testshire"

    # Through the command line: ingest, then the catalogue's title.
    index = tmp_path / "index"
    cli = [sys.executable, "-m", "assistant.cli"]
    run = dict(capture_output=True, text=True, env=cli_env, timeout=300)
    out = subprocess.run([*cli, "ingest", str(tmp_path), "--index", str(index), "--json"], **run)
    assert out.returncode == 0, out.stderr
    out = subprocess.run([*cli, "reports", "--index", str(index), "--json"], **run)
    [row] = json.loads(out.stdout)
    assert row["title"] == SIF
