"""The web app without a browser: users file, upload checks, rendering, and the API over HTTP.

The app runs for real (uvicorn on a free loopback port) over a real index built from reports
generated here; ``gradio_client`` calls its named endpoints. ``test_browser.py`` reuses the same
index and servers through ``get_ui_env`` and ``get_server`` (built once per session).
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import (
    ILACS_LABELS,
    RI,
    Block,
    graded_heading,
    graded_ilacs_spec,
    judgement_table,
    render_pdf,
    wrap,
)

from assistant.settings import Settings

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

# -- generated reports (no corpus text) --------------------------------------------------------

HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'

SUFFOLK_MD = """# Inspection of Suffolk local authority children's services

Ofsted

Inspection dates: 6 to 17 March 2023

Lead inspector: Sam Example

## The experiences and progress of care leavers: requires improvement

1. Care leavers in Suffolk do not always have a personal adviser early enough, and some wait months before one is allocated.

2. Too many care leavers in Suffolk live in unsuitable housing such as bed and breakfast accommodation for long periods.

3. Social workers in Suffolk have high caseloads, which limits the time they spend with children and families.
"""

KENT_HOSTILE_TXT = f"""Inspection of Kent local authority children's services {HOSTILE_IMG}

Ofsted

Inspection dates: 2 to 13 May 2022

The fostering panel in Kent reviews every approval carefully {HOSTILE_SCRIPT} and its minutes are clear.

Foster carers in Kent receive training on {HOSTILE_IMG} supporting children who have experienced trauma.

Kent's adoption service matches children with families quickly [click](javascript:window.__pwned=1) and supports them after placement.

Kent's leaflet for care leavers is at www.kent-leavers.example and the team at help@kent-leavers.example or https://kent-leavers.example/help answers their questions.
"""

NORFOLK_PARAGRAPHS = [
    "Care leavers in Norfolk live in safe and suitable accommodation and are helped by their "
    "personal advisers to find work, education or training.",
    "Personal advisers in Norfolk stay in touch with care leavers and help them to manage money "
    "and plan for adulthood.",
    "Social workers in Norfolk know their children well and visit them regularly, seeing them "
    "alone when it matters.",
    "The front door service responds quickly to contacts and referrals, and thresholds are "
    "understood by partners.",
]

DEVON_PARAGRAPHS = [
    "Young people in Devon who offend are offered the lighthouse mentoring scheme, which pairs "
    "each of them with a trained volunteer mentor for a year.",
    "The lighthouse mentoring scheme has reduced reoffending, and mentors meet young people "
    "every week in the community.",
]


# Graded ILACS-style reports for the Reports tab's grades and the Timeline tab.
RUTLAND_2018 = {**dict.fromkeys(ILACS_LABELS, RI), "help_and_protection": "Good"}
RUTLAND_2023 = {**dict.fromkeys(ILACS_LABELS, "Good"), "impact_of_leaders": "Outstanding"}

BROKEN_PDF = b"%PDF-1.7\n% a truncated file that no reader can open\n"


def report_pdf(path: Path, subject: str, dates: str, paragraphs: list[str]) -> Path:
    """A small ILACS-style PDF: a cover title, inspection dates and numbered paragraphs."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 140), f"Inspection of {subject} local authority", fontsize=24)
    page.insert_text((72, 171), "children's services", fontsize=24)
    page.insert_text((72, 210), f"Inspection dates: {dates}", fontsize=12, fontname="hebo")
    page.insert_text(
        (72, 230),
        "Lead inspector: Alex Example, His Majesty's Inspector",
        fontsize=12,
        fontname="hebo",
    )
    page = doc.new_page(width=595, height=842)
    page.insert_text((520, 800), "2", fontsize=10)
    y = 110.0
    page.insert_text((72, y), "Children's experiences", fontsize=14, fontname="hebo")
    y += 26
    for number, text in enumerate(paragraphs, 1):
        page.insert_text((72, y), f"{number}.", fontsize=11)
        for line in wrap(text):
            page.insert_text((100, y), line, fontsize=11)
            y += 11 * 1.3
        y += 11 * 0.9
    doc.save(path)
    doc.close()
    return path


def graded_pdf(path: Path, subject: str, year: int, grades: dict[str, str]) -> Path:
    """An ILACS-style PDF graded as ``test_catalogue.ilacs_report`` grades its reports (the
    judgement table on page 1, graded headings after it), with only a few sentences about the
    inspection itself, so that the other tests' questions still find (or miss) what they did."""
    headings = [
        graded_heading(key, grades)
        for key in ("help_and_protection", "children_in_care", "care_leavers", "impact_of_leaders")
    ]
    spec = graded_ilacs_spec(
        subject,
        year,
        pages=[
            [
                *judgement_table(grades),
                Block("p", wrap(f"Inspectors met the chief executive of {subject} in {year}.")),
            ],
            [*headings, Block("p", wrap("Ofsted has published this report on its website."))],
        ],
    )
    return render_pdf(spec, path)


def write_reports(folder: Path) -> None:
    """The app's test reports: Norfolk (PDF), Suffolk (Markdown), Kent (hostile text), two
    graded Rutland PDFs, and a broken PDF that fails (the Reports tab lists it with its reason)."""
    folder.mkdir(parents=True, exist_ok=True)
    graded_pdf(folder / "rutland-2023.pdf", "Rutland", 2023, RUTLAND_2023)  # the later first
    graded_pdf(folder / "rutland-2018.pdf", "Rutland", 2018, RUTLAND_2018)
    report_pdf(folder / "norfolk-2022.pdf", "Norfolk", "7 to 18 November 2022", NORFOLK_PARAGRAPHS)
    (folder / "suffolk-2023.md").write_text(SUFFOLK_MD, encoding="utf-8")
    (folder / "kent-hostile.txt").write_text(KENT_HOSTILE_TXT, encoding="utf-8")
    (folder / "broken.pdf").write_bytes(BROKEN_PDF)


# -- one index and two servers per test session ------------------------------------------------


@dataclass
class UIEnv:
    """What the app tests share."""

    root: Path
    settings: Settings
    assistant: object
    reports_dir: Path
    users_file: Path


@dataclass
class Served:
    """A running app."""

    url: str
    app: object
    server: object


_CACHE: dict[str, object] = {}
PASSWORDS = {"reader": "reader-pass-123", "admin": "admin-pass-123"}


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_ui_env(tmp_path_factory, embedder) -> UIEnv:
    """Build (once per session) the reports, the index, the assistant and a users file."""
    if "env" not in _CACHE:
        from assistant.auth import UserStore
        from assistant.core import Assistant
        from assistant.indexing import Ingestor

        root = tmp_path_factory.mktemp("ui")
        reports = root / "reports"
        write_reports(reports)
        settings = Settings(
            index_dir=root / "index", reports_dir=reports, ingest={"max_file_mb": 2}
        )
        assistant = Assistant(settings, embedder=embedder)
        summary = Ingestor(assistant.index, embedder, settings).run([reports])
        assert [f.path for f in summary.failed] == ["broken.pdf"], summary.failed
        users_file = root / "users.json"
        store = UserStore(users_file)
        for role, password in PASSWORDS.items():
            store.add_user(role, password, role)
        _CACHE["env"] = UIEnv(root, settings, assistant, reports, users_file)
    return _CACHE["env"]  # type: ignore[return-value]


def get_server(name: str, env: UIEnv) -> Served:
    """Start (once per session) the app without login ("open") or with login ("auth")."""
    if name not in _CACHE:
        from assistant.auth import UserStore
        from assistant.web.server import create_app, start

        users = UserStore(env.users_file) if name == "auth" else None
        app = create_app(env.assistant, env.reports_dir, users, admin_without_auth=True)
        running = start(app, "127.0.0.1", free_port())
        _CACHE[name] = Served(running.url, app, running)
    return _CACHE[name]  # type: ignore[return-value]


def stop_servers() -> None:
    for name in ("open", "auth"):
        served = _CACHE.pop(name, None)
        if served is not None:
            served.server.stop()


@pytest.fixture(scope="session")
def ui_env(tmp_path_factory, embedder) -> UIEnv:
    return get_ui_env(tmp_path_factory, embedder)


@pytest.fixture(scope="session")
def open_server(ui_env):
    yield get_server("open", ui_env)
    stop_servers()


@pytest.fixture(scope="session")
def auth_server(ui_env):
    yield get_server("auth", ui_env)
    stop_servers()


@contextmanager
def api_client(url: str, **kwargs):
    """A gradio_client Client, closed afterwards (its heartbeat stream too)."""
    from gradio_client import Client

    client = Client(url, verbose=False, **kwargs)
    try:
        yield client
    finally:
        client.close()


def http_get(url: str, cookies: str | None = None) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Cookie": cookies} if cookies else {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def report_id(env: UIEnv, source: str) -> str:
    return next(r.report_id for r in env.assistant.reports() if r.source == source)


# -- users file ----------------------------------------------------------------------------------


def test_password_hashes_are_salted_and_verified():
    from assistant.auth import hash_password, verify_password

    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$")
    assert "correct horse" not in a
    assert verify_password("correct horse", a) and verify_password("correct horse", b)
    assert not verify_password("wrong horse", a)
    assert not verify_password("correct horse", "garbage")
    assert not verify_password("correct horse", "pbkdf2$1$2$3$4$5")


def test_user_store_roles_and_file(tmp_path):
    from assistant.auth import AuthError, UserStore

    f = tmp_path / "users.json"
    store = UserStore(f)
    store.add_user("alice", "alice-password", "admin")
    store.add_user("bob.reader", "bob-password", "reader")
    assert store.verify("alice", "alice-password")
    assert not store.verify("alice", "bob-password")
    assert not store.verify("nobody", "alice-password")
    assert store.role("alice") == "admin" and store.role("bob.reader") == "reader"
    assert store.role("nobody") is None and store.role(None) is None
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    raw = f.read_text()
    assert "alice-password" not in raw and json.loads(raw)["users"]["alice"]["role"] == "admin"
    with pytest.raises(AuthError):
        store.add_user("alice", "another-password", "reader")
    store.add_user("alice", "another-password", "reader", replace=True)
    assert store.verify("alice", "another-password") and store.role("alice") == "reader"
    for name, password, role in [
        ("", "long-enough", "reader"),
        ("../x", "long-enough", "reader"),
        ("carol", "short", "reader"),
        ("carol", "long-enough", "root"),
    ]:
        with pytest.raises(AuthError):
            store.add_user(name, password, role)
    # Another process adds a user: the running app sees it.
    UserStore(f).add_user("dave", "dave-password", "reader")
    assert store.verify("dave", "dave-password")
    assert store.remove_user("dave") and not store.verify("dave", "dave-password")
    f.write_text("{not json")
    with pytest.raises(AuthError):
        store.names()


def test_cli_users_add(tmp_path, monkeypatch, capsys):
    import io

    from assistant.auth import UserStore
    from assistant.cli import main

    f = tmp_path / "u.json"
    assert (
        main(
            [
                "users",
                "add",
                "erin",
                "--role",
                "admin",
                "--auth",
                str(f),
                "--password",
                "erin-password",
            ]
        )
        == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("frank-password\n"))
    assert (
        main(["users", "add", "frank", "--role", "reader", "--auth", str(f), "--password-stdin"])
        == 0
    )
    assert (
        main(["users", "add", "frank", "--role", "reader", "--auth", str(f), "--password", "x"])
        == 1
    )
    store = UserStore(f)
    assert store.verify("erin", "erin-password") and store.role("erin") == "admin"
    assert store.verify("frank", "frank-password") and store.role("frank") == "reader"
    assert main(["users", "list", "--auth", str(f)]) == 0
    assert "erin\tadmin" in capsys.readouterr().out


def test_serve_refuses_remote_without_auth(tmp_path, capsys):
    from assistant.cli import main

    code = main(["serve", "--index", str(tmp_path / "none"), "--host", "0.0.0.0"])
    assert code == 1
    assert "without login" in capsys.readouterr().err
    empty = tmp_path / "empty.json"
    empty.write_text('{"version": 1, "users": {}}')
    assert main(["serve", "--index", str(tmp_path / "none"), "--auth", str(empty)]) == 1
    assert "no users" in capsys.readouterr().err


# -- uploads -------------------------------------------------------------------------------------

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    "given, kind, expected",
    [
        ("report.pdf", "pdf", "report.pdf"),
        ("../../etc/passwd", "text", "passwd.txt"),
        ("..\\..\\windows\\win.ini", "text", "win.ini.txt"),
        ("/abs/path/Norfolk 2022.PDF", "pdf", "Norfolk 2022.pdf"),
        (".hidden.pdf", "pdf", "hidden.pdf"),
        ("...", "pdf", "upload.pdf"),
        ("", "markdown", "upload.md"),
        ("notes.md", "markdown", "notes.md"),
        ("report.txt", "pdf", "report.pdf"),
        ("evil.exe", "pdf", "evil.exe.pdf"),
        ("page.htm", "html", "page.htm"),
        ("a\x00b\x1f<c>|d?.docx", "docx", "ab_c__d_.docx"),
        ("CON.txt", "text", "CON_.txt"),
        ("-rf.pdf", "pdf", "rf.pdf"),
    ],
)
def test_sanitize_name(given, kind, expected):
    from assistant.uploads import sanitize_name

    assert sanitize_name(given, kind) == expected


def test_sanitize_name_limits_length():
    from assistant.uploads import MAX_NAME_CHARS, sanitize_name

    name = sanitize_name("x" * 500 + ".pdf", "pdf")
    assert len(name) <= MAX_NAME_CHARS and name.endswith(".pdf")


def test_save_upload_never_overwrites(tmp_path):
    from assistant.uploads import save_upload

    reports = tmp_path / "reports"
    src = tmp_path / "in.pdf"
    src.write_bytes(PDF_BYTES)
    a = save_upload(src, "Report.pdf", reports, 1 << 20)
    assert a.path == reports / "Report.pdf" and a.kind == "pdf" and not a.renamed
    assert a.path.read_bytes() == PDF_BYTES
    same = save_upload(PDF_BYTES, "Report.pdf", reports, 1 << 20)
    assert same.already_present and same.path == a.path
    other = save_upload(PDF_BYTES + b"% other\n", "Report.pdf", reports, 1 << 20)
    assert other.name == "Report (2).pdf" and other.renamed
    assert a.path.read_bytes() == PDF_BYTES  # the first file is untouched
    third = save_upload(PDF_BYTES + b"% third\n", "../Report.pdf", reports, 1 << 20)
    assert third.name == "Report (3).pdf" and third.path.parent == reports
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["in.pdf"]  # nothing outside
    assert not [p for p in reports.iterdir() if p.name.startswith(".")]  # no temp files left


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03" * 100, "binary"),
        (b"PK\x03\x04not a zip", "ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".doc"),
    ],
)
def test_save_upload_rejects_unsupported(tmp_path, data, reason):
    from assistant.uploads import UploadRejectedError, save_upload

    with pytest.raises(UploadRejectedError, match=reason):
        save_upload(data, "x.pdf", tmp_path / "reports", 1 << 20)
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").iterdir())


def test_save_upload_size_limit(tmp_path):
    from assistant.uploads import UploadRejectedError, save_upload

    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * 2048)
    with pytest.raises(UploadRejectedError, match="too large"):
        save_upload(big, "big.txt", tmp_path / "reports", 1024)
    with pytest.raises(UploadRejectedError, match="too large"):
        save_upload(b"a" * 2048, "big.txt", tmp_path / "reports", 1024)


def test_save_upload_sniffs_content_not_name(tmp_path):
    from assistant.uploads import save_upload

    s = save_upload(PDF_BYTES, "minutes.txt", tmp_path, 1 << 20)
    assert s.kind == "pdf" and s.name == "minutes.pdf"
    t = save_upload(b"# Heading\n\nSome text.\n", "notes.md", tmp_path, 1 << 20)
    assert t.kind == "markdown" and t.name == "notes.md"


# -- rendering -----------------------------------------------------------------------------------


def _citation(**kw):
    from assistant.records import Citation

    base = dict(
        n=1,
        chunk_id="r:0",
        report_id="r",
        source="kent.txt",
        title=HOSTILE_IMG,
        subject="Kent",
        inspectorate="Ofsted",
        inspection_date="2 to 13 May 2022",
        page=1,
        pdf_page=1,
        paragraph=None,
        section=None,
        quote=f"The panel {HOSTILE_SCRIPT} is clear.",
        passage=f"Before. The panel {HOSTILE_SCRIPT} is clear. After.",
        line=f"“The panel {HOSTILE_SCRIPT} is clear.” — Ofsted, Kent, page 1.",
    )
    base.update(kw)
    return Citation(**base)


def test_answer_markdown_escapes_and_links_markers():
    from assistant.web.render import answer_markdown, esc_md

    text = f"The panel {HOSTILE_SCRIPT} [x](javascript:alert(1)) **bold** is clear. [1] See [7]."
    out = answer_markdown(text, 3, {1})
    assert "<script" not in out and "<img" not in out and "](javascript" not in out
    assert "**" not in out
    assert out.count('class="ia-cite"') == 1 and 'href="#ia-src-3-1"' in out
    assert "&#91;7&#93;" in out  # an unknown marker stays text
    assert esc_md("# heading\n- item\n1. one").count("<br>") == 2
    assert not esc_md("# heading").startswith("#")


def test_abstention_message_lists_the_closest_matches(ui_env):
    from assistant.web.render import answer_message

    a = ui_env.assistant.ask("What is the price of a return train ticket to Paris?")
    assert a.abstained and a.passages
    out = answer_message(a, 2)
    assert out.startswith('<span class="ia-abstain">No answer in the reports</span>')
    assert 'href="#ia-near-2-1"' in out and "Closest matches" in out
    assert "<img" not in out and "<script" not in out


def test_sources_html_escapes_report_text_and_highlights():
    from assistant.records import Answer
    from assistant.web.render import citation_card, sources_html

    c = _citation()
    card = citation_card(c, "ia-src-1-1", {"r": "other"}, "[1]")
    assert "<script" not in card and "<img" not in card
    assert "&lt;script&gt;" in card and "<mark>" in card
    assert 'data-copy="“The panel &lt;script&gt;' in card
    assert 'href="report-file/r"' in card
    pdf = citation_card(_citation(pdf_page=4, page=3), "x", {"r": "pdf"}, "[1]")
    assert 'href="report-file/r#page=4"' in pdf and "page 3" in pdf
    html_ = sources_html(
        [
            Answer("q1", "a [1]", False, citations=[c]),
            Answer("q2 <b>", "b [1]", False, citations=[c]),
        ],
        {},
    )
    assert html_.index("ia-src-2-1") < html_.index("ia-src-1-1")  # newest first
    assert "<details" in html_ and "q2 &lt;b&gt;" in html_


def test_access_roles():
    from types import SimpleNamespace

    import gradio as gr

    from assistant.web.access import Access

    def request(client: str, host: str) -> SimpleNamespace:
        return SimpleNamespace(client=SimpleNamespace(host=client), headers={"host": host})

    # Without logins, an admin only from this computer to this computer.
    assert Access(None, True).role(request("127.0.0.1", "127.0.0.1:7860")) == "admin"
    assert Access(None, True).role(request("::1", "localhost")) == "admin"
    assert Access(None, True).role(request("127.0.0.1", "reports.example")) == "reader"
    assert Access(None, True).role(request("127.0.0.1", "127.example.com")) == "reader"
    assert Access(None, True).role(request("10.0.0.7", "127.0.0.1")) == "reader"
    assert Access(None, True).role(None) == "reader"
    assert Access(None, False).role(request("127.0.0.1", "127.0.0.1")) == "reader"
    with pytest.raises(gr.Error):
        Access(None, False).require(None, "admin")


def test_admin_handlers_refuse_readers(ui_env):
    import gradio as gr

    from assistant.auth import UserStore
    from assistant.web.access import Access
    from assistant.web.handlers import Handlers

    class Req:
        username = "reader"

    app = Handlers(ui_env.assistant, ui_env.reports_dir, Access(UserStore(ui_env.users_file)))
    with pytest.raises(gr.Error, match="admin"):
        app.upload(["/etc/passwd"], Req())
    with pytest.raises(gr.Error, match="admin"):
        app.rescan(False, Req())
    Req.username = None
    with pytest.raises(gr.Error, match="sign in"):
        app.api_ask("anything", request=Req())


def test_report_file_only_serves_indexed_files_inside_the_folder(ui_env, tmp_path):
    from assistant.web.files import report_file

    rid = report_id(ui_env, "norfolk-2022.pdf")
    assert (
        report_file(ui_env.assistant.reports(include_failed=False), ui_env.reports_dir, rid)
        == (ui_env.reports_dir / "norfolk-2022.pdf").resolve()
    )
    assert (
        report_file(
            ui_env.assistant.reports(include_failed=False), ui_env.reports_dir, "../../etc/passwd"
        )
        is None
    )
    assert (
        report_file(ui_env.assistant.reports(include_failed=False), ui_env.reports_dir, "0" * 16)
        is None
    )
    # Same index, another folder: the file is not there, nothing is served.
    assert report_file(ui_env.assistant.reports(include_failed=False), tmp_path, rid) is None


def test_catalogue_lists_reports_and_failed_files(ui_env):
    from assistant.web.reports_table import REPORT_COLUMNS, reports_table

    table = reports_table(ui_env.assistant.reports(include_failed=True), ui_env.assistant.catalogue)
    summary, rows = table.summary, table.rows
    by_file = {
        r[REPORT_COLUMNS.index("File")]: dict(zip(REPORT_COLUMNS, r, strict=True)) for r in rows
    }
    assert by_file["broken.pdf"]["Status"] == "failed" and by_file["broken.pdf"]["Reason"]
    norfolk = by_file["norfolk-2022.pdf"]
    assert norfolk["Subject"] == "Norfolk" and norfolk["Inspected from"] == "2022-11-07"
    assert norfolk["Pages"] == 2 and norfolk["Chunks"] >= 1 and norfolk["Status"] == "indexed"
    assert "file(s) failed" in summary


def test_reports_table_shows_the_grades(ui_env):
    from assistant.web.reports_table import REPORT_COLUMNS, reports_table

    rows = reports_table(
        ui_env.assistant.reports(include_failed=True), ui_env.assistant.catalogue
    ).rows
    by_file = {
        r[REPORT_COLUMNS.index("File")]: dict(zip(REPORT_COLUMNS, r, strict=True)) for r in rows
    }
    new, old = by_file["rutland-2023.pdf"], by_file["rutland-2018.pdf"]
    assert new["Overall"] == "Good" and old["Overall"] == "Requires improvement"
    assert new["Grades"].startswith("Overall: Good · ")
    assert "Leaders: Outstanding" in new["Grades"] and "Care leavers: Good" in new["Grades"]
    assert old["Grades"].startswith("Overall: Requires improvement · ")
    assert "Help and protection: Good" in old["Grades"]
    # A report grading one judgement only, and reports or files with no grade.
    suffolk = by_file["suffolk-2023.md"]
    assert suffolk["Overall"] == "" and suffolk["Grades"] == "Care leavers: Requires improvement"
    assert by_file["norfolk-2022.pdf"]["Grades"] == by_file["broken.pdf"]["Grades"] == ""


def test_timeline_lists_the_overall_grades_in_date_order(ui_env):
    from assistant.web.handlers import Handlers

    out = Handlers(ui_env.assistant, ui_env.reports_dir).timeline("Rutland")
    assert out.count("<svg") == 1 and out.count("<circle") == 2 and "<polyline" in out
    points = re.findall(r'data-date="([\d-]+)" data-grade="(\w+)"', out)
    assert points == [("2018-03-17", "requires_improvement"), ("2023-03-17", "good")]
    table = out[out.index("<table") :]
    grades = re.findall(r'<td class="ia-tl-grade">([^<]+)</td>', table)
    assert grades == ["Requires improvement", "Good"]
    assert table.index("2018-03-17") < table.index("2023-03-17")
    # The verbatim words stating the grade, with their page, and a link to the report.
    assert "“Overall effectiveness" in table and "(page 1)" in table
    assert 'href="report-file/' in table
    # y axis: Inadequate (bottom) < Requires improvement < Good < Outstanding (top).
    ys = {
        label: float(y)
        for y, label in re.findall(
            r'class="ia-tl-ylabel" x="[\d.]+" y="([\d.]+)"[^>]*>([^<]+)<', out
        )
    }
    assert ys["Inadequate"] > ys["Requires improvement"] > ys["Good"] > ys["Outstanding"]
    assert "states an overall grade" in Handlers(ui_env.assistant, ui_env.reports_dir).timeline(
        "Norfolk"
    )


def test_timeline_markup_escapes_report_text():
    from dataclasses import replace
    from datetime import date

    from assistant.catalogue import TimelinePoint
    from assistant.web.timeline import timeline_html
    from ingest.records import Judgement
    from vectorstore.records import ReportRecord

    record = ReportRecord(
        "x.pdf", None, 1, "indexed", report_id="r", title=HOSTILE_IMG, published=date(2021, 5, 1)
    )
    stated = Judgement(
        HOSTILE_SCRIPT, f"Good {HOSTILE_IMG}", 3, f"Overall effectiveness {HOSTILE_SCRIPT} good"
    )
    hostile = TimelinePoint(record, replace(stated, grade_key="good"))
    odd = TimelinePoint(
        replace(record, published=date(2019, 1, 1)),
        replace(stated, grade_key='"><img src=x onerror=alert(1)>'),
    )
    out = timeline_html(f"Kent {HOSTILE_IMG}", [odd, hostile], {"r": "pdf"})
    assert "<script" not in out and "<img" not in out and "onerror=alert(1)>" not in out
    assert 'data-grade="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in out
    assert "&lt;script&gt;" in out and "&lt;img" in out
    assert out.count("<circle") == 1  # an unknown grade is listed, never charted or a class
    assert "(page 3)" in out and 'href="report-file/r"' in out


def test_catalogue_abstention_lists_no_closest_matches(ui_env):
    from dataclasses import replace

    from assistant.records import Answer
    from assistant.web.render import answer_message, sources_html

    a = ui_env.assistant.ask("What is the price of a return train ticket to Paris?")
    assert a.abstained and a.passages
    cat = replace(a, mode="catalogue", text="No indexed report of Kent states a grade.")
    for ans in (cat, Answer("Is Kent graded?", "No report states it.", True)):
        out = answer_message(ans, 1)
        assert out.startswith('<span class="ia-abstain">')
        assert "Closest" not in out and "closest" not in out and "Sources" not in out
        assert "Closest matches" not in sources_html([ans], {})


# -- the API over HTTP ---------------------------------------------------------------------------


def _without_timings(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}


def test_api_has_named_ask_and_quote(open_server):
    with api_client(open_server.url) as client:
        named = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert set(named) == {"/ask", "/quote"}


def test_api_ask_returns_the_cli_json(open_server, ui_env):
    from assistant.jsonio import answer_json

    q = "How well are care leavers supported in Suffolk?"
    with api_client(open_server.url) as client:
        got = client.predict(q, api_name="/ask")
    want = answer_json(ui_env.assistant.ask(q))
    assert _without_timings(got) == json.loads(json.dumps(_without_timings(want)))
    assert set(got["timings_ms"]) == set(want["timings_ms"])
    assert not got["abstained"] and got["citations"][0]["subject"] == "Suffolk"
    assert "[1]" in got["answer"]


def test_api_ask_filters_change_the_answer(open_server):
    q = "How are care leavers supported?"
    with api_client(open_server.url) as client:
        norfolk = client.predict(q, subjects=["Norfolk"], api_name="/ask")
        suffolk = client.predict(q, subjects=["Suffolk"], api_name="/ask")
        dated = client.predict(q, date_from="2023-01-01", api_name="/ask")
    assert {c["subject"] for c in norfolk["citations"]} == {"Norfolk"}
    assert {c["subject"] for c in suffolk["citations"]} == {"Suffolk"}
    assert norfolk["answer"] != suffolk["answer"]
    assert not {"Norfolk", "Kent"} & {c["subject"] for c in dated["citations"]}  # 2022 reports


def test_api_quote_returns_the_cli_json(open_server, ui_env):
    from assistant.jsonio import quote_json

    with api_client(open_server.url) as client:
        got = client.predict("care leavers housing", "Suffolk", None, 3, api_name="/quote")
    want = {
        "topic": "care leavers housing",
        "quotes": [
            quote_json(q)
            for q in ui_env.assistant.quote("care leavers housing", subject="Suffolk", k=3)
        ],
    }
    assert got == json.loads(json.dumps(want))
    assert got["quotes"] and all(q["subject"] == "Suffolk" for q in got["quotes"])


def test_report_file_route(open_server, ui_env):
    rid = report_id(ui_env, "norfolk-2022.pdf")
    status, headers, body = http_get(f"{open_server.url}report-file/{rid}")
    assert status == 200 and body.startswith(b"%PDF")
    assert headers["content-type"] == "application/pdf"
    assert headers["x-content-type-options"] == "nosniff"
    kent = report_id(ui_env, "kent-hostile.txt")
    status, headers, body = http_get(f"{open_server.url}report-file/{kent}")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert "sandbox" in headers["content-security-policy"]
    for bad in ("0000000000000000", "..%2F..%2Fetc%2Fpasswd", "%2E%2E"):
        assert http_get(f"{open_server.url}report-file/{bad}")[0] == 404


def test_login_required_with_auth(auth_server, ui_env):
    rid = report_id(ui_env, "norfolk-2022.pdf")
    assert http_get(f"{auth_server.url}report-file/{rid}")[0] == 401
    assert http_get(f"{auth_server.url}config")[0] == 401
    for auth in (None, ("reader", "wrong-password")):
        with pytest.raises(Exception), api_client(auth_server.url, auth=auth):  # noqa: B017
            pass
    with api_client(auth_server.url, auth=("reader", PASSWORDS["reader"])) as reader:
        got = reader.predict("How well are care leavers supported in Suffolk?", api_name="/ask")
    assert not got["abstained"]


def test_concurrent_api_users_all_get_answers(open_server):
    from concurrent.futures import ThreadPoolExecutor

    questions = [
        "How are care leavers supported in Suffolk?",
        "What does the fostering panel in Kent do?",
        "How do social workers in Norfolk work with children?",
    ] * 2

    def one(q: str) -> dict:
        with api_client(open_server.url) as client:
            return client.predict(q, api_name="/ask")

    with ThreadPoolExecutor(len(questions)) as pool:
        answers = list(pool.map(one, questions))
    assert all(a["question"] == q for a, q in zip(answers, questions, strict=True))
    assert all(a["answer"] for a in answers)


def test_chat_keeps_answering_while_reindexing(open_server, ui_env):
    """An admin re-index paused half-way: questions are answered, the new report is not seen
    until it is complete, then it is."""
    import threading

    from assistant.web.handlers import Handlers

    essex = ui_env.reports_dir / "essex-2021.md"
    essex.write_text(
        "# Inspection of Essex local authority children's services\n\nOfsted\n\n"
        "Inspection dates: 1 to 12 March 2021\n\n"
        "1. The Essex coastal respite houses give disabled children short breaks by the sea "
        "every school holiday.\n",
        encoding="utf-8",
    )
    paused, resume = threading.Event(), threading.Event()

    def progress(*args, **kwargs):
        if args and isinstance(args[0], tuple) and args[0][0] >= 1:
            paused.set()
            resume.wait(60)

    app = Handlers(ui_env.assistant, ui_env.reports_dir)
    result: dict = {}
    worker = threading.Thread(target=lambda: result.update(s=app.run_ingest(progress)))
    worker.start()
    question = "What are the coastal respite houses for disabled children?"
    try:
        assert paused.wait(60)
        with api_client(open_server.url) as client:
            during = client.predict(question, api_name="/ask")
            other = client.predict(
                "How well are care leavers supported in Suffolk?", api_name="/ask"
            )
            assert worker.is_alive()  # the ingest is still running
            assert not other["abstained"]
            assert "Essex" not in {c["subject"] for c in during["citations"]}
            resume.set()
            worker.join(120)
            assert result["s"].added == 1
            after = client.predict(question, api_name="/ask")
    finally:
        resume.set()
        worker.join(120)
    assert not after["abstained"] and after["citations"][0]["subject"] == "Essex"


def test_cli_serve_module_is_registered():
    import typer

    from assistant.cli import app

    assert {"serve", "users"} <= set(typer.main.get_command(app).commands)


def test_environment_is_offline():
    import assistant.web.server  # noqa: F401

    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
