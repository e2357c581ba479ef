"""The web app in a real browser: Playwright driving Debian's Chromium (never a downloaded one).

Covers the issue's checklist: an answer with [1]; the source with the quote highlighted; copying
the citation; a filter changing the answer; a follow-up carrying (and dropping) its context; an
admin upload becoming answerable; login and roles; a hostile report running nothing. Every page
request must stay on loopback (no CDN, fonts or analytics).

Set ``IA_SCREENSHOT=docs/screenshot.png`` to save a screenshot of the chat for the README.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse

import pytest
import test_ui_units as shared
from conftest import CHROMIUM
from test_ui_units import DEVON_PARAGRAPHS, HOSTILE_IMG, HOSTILE_SCRIPT, PASSWORDS, report_pdf

TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) missing"),
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="session")
def ui_env(tmp_path_factory, embedder):
    """The index and reports of ``test_ui_units`` (built once per session)."""
    return shared.get_ui_env(tmp_path_factory, embedder)


@pytest.fixture(scope="session")
def open_server(ui_env):
    yield shared.get_server("open", ui_env)
    shared.stop_servers()


@pytest.fixture(scope="session")
def auth_server(ui_env):
    yield shared.get_server("auth", ui_env)
    shared.stop_servers()


class Page:
    """A page of the app and every URL it requested."""

    def __init__(self, browser, base_url: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(
            viewport={"width": 1400, "height": 900},
            permissions=["clipboard-read", "clipboard-write"],
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()

    def open(self, signed_in: bool = True) -> None:
        self.page.goto(self.base_url, wait_until="load")
        if signed_in:
            self.page.wait_for_selector("#ia-question textarea")

    def login(self, user: str, password: str) -> None:
        self.page.goto(self.base_url, wait_until="load")
        self.page.fill("input[data-testid='textbox']", user)
        self.page.fill("input[type='password']", password)
        self.page.get_by_role("button", name="Login").click()

    def ask(self, question: str) -> None:
        """Ask and wait for the finished answer (its sources are shown last)."""
        before = self.page.locator("#ia-chat [data-testid='bot']").count()
        self.page.fill("#ia-question textarea", question)
        self.page.click("#ia-send")
        self.page.wait_for_function(
            """([n, q]) => {
                const bots = document.querySelectorAll('#ia-chat [data-testid="bot"]');
                const h = document.querySelector('#ia-sources h3');
                return bots.length > n && h && h.textContent.includes(q)
                    && !bots[bots.length - 1].textContent.includes('Searching the reports');
            }""",
            arg=[before, question],
        )

    def new_chat(self) -> None:
        self.page.click("#ia-new-chat")
        self.page.wait_for_function(
            "() => document.querySelectorAll('#ia-chat [data-testid=\"bot\"]').length === 0"
        )

    def last_answer(self) -> str:
        return self.page.locator("#ia-chat [data-testid='bot']").last.inner_text()

    def tab(self, name: str) -> None:
        self.page.get_by_role("tab", name=name).click()

    def choose(self, dropdown_id: str, option: str) -> None:
        box = self.page.locator(f"#{dropdown_id} input[role='combobox']")
        box.click()
        box.fill(option[:4])
        self.page.get_by_role("option", name=option).first.click()
        self.page.keyboard.press("Escape")

    def pwned(self) -> bool:
        return self.page.evaluate("() => window.__pwned !== undefined")

    def offsite(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss")
            and urlparse(u).hostname not in ("127.0.0.1", "localhost")
        ]

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def app_page(browser, open_server):
    p = Page(browser, open_server.url)
    yield p
    assert any(u.startswith(p.base_url) for u in p.requests)
    assert p.offsite() == [], "the page requested something off this machine"
    p.close()


def test_answer_with_citation_source_and_copy(app_page):
    p = app_page
    p.open()
    p.ask("How well are care leavers supported in Suffolk?")
    answer = p.last_answer()
    assert "[1]" in answer and "Suffolk" in answer
    p.page.locator("#ia-chat a.ia-cite").first.click()
    source = p.page.locator("#ia-src-1-1")
    source.wait_for(state="visible")
    p.page.wait_for_function(
        "() => document.getElementById('ia-src-1-1').classList.contains('ia-flash')"
    )
    mark = source.locator("mark").inner_text()
    assert len(mark) > 20 and " ".join(mark.split()) in " ".join(answer.split())
    meta = source.locator(".ia-meta").inner_text()
    assert "Suffolk" in meta and "6 to 17 March 2023" in meta and "page" in meta
    assert "Inspection of Suffolk" in source.locator(".ia-title").inner_text()

    line = source.locator("button.ia-copy").get_attribute("data-copy")
    source.locator("button.ia-copy").click()
    p.page.wait_for_function(
        "() => document.querySelector('#ia-src-1-1 button.ia-copy').textContent === 'Copied'"
    )
    assert p.page.evaluate("() => navigator.clipboard.readText()") == line
    assert line.startswith("“") and mark.strip() in line and "page" in line

    href = source.locator("a.ia-open").get_attribute("href")
    assert href.startswith("report-file/")
    response = p.page.request.get(p.base_url + href)
    assert response.ok and response.headers["content-type"].startswith("text/plain")


def test_pdf_source_opens_at_the_cited_page(app_page):
    p = app_page
    p.open()
    p.ask("Where do care leavers in Norfolk live?")
    link = p.page.locator("#ia-src-1-1 a.ia-open")
    href = link.get_attribute("href")
    assert re.fullmatch(r"report-file/[0-9a-f]{16}#page=2", href), href
    assert "page 2" in link.inner_text()
    response = p.page.request.get(p.base_url + href.split("#")[0])
    assert response.ok and response.headers["content-type"] == "application/pdf"


def test_filter_changes_the_answer(app_page):
    p = app_page
    p.open()
    p.page.click("#ia-filters")
    p.choose("ia-subjects", "Norfolk")
    p.ask("How are care leavers supported?")
    norfolk = p.last_answer()
    metas = p.page.locator("#ia-sources section .ia-meta").all_inner_texts()
    assert metas and all("Norfolk" in m for m in metas)

    p.new_chat()
    p.page.get_by_role("button", name="Clear filters").click()
    p.page.wait_for_function(
        "() => !document.querySelector('#ia-subjects').textContent.includes('Norfolk')"
    )
    p.choose("ia-subjects", "Suffolk")
    p.ask("How are care leavers supported?")
    suffolk = p.last_answer()
    metas = p.page.locator("#ia-sources section .ia-meta").all_inner_texts()
    assert metas and all("Suffolk" in m for m in metas)
    assert norfolk != suffolk


def test_follow_up_uses_and_can_drop_the_context(app_page):
    p = app_page
    p.open()
    p.ask("How well are care leavers supported in Suffolk?")
    context = p.page.locator("#ia-context")
    assert "Suffolk" in context.inner_text() and "carried" not in context.inner_text()
    p.ask("And what about their housing?")
    assert "Suffolk" in context.inner_text() and "carried over" in context.inner_text()
    metas = p.page.locator("#ia-sources section .ia-meta").all_inner_texts()
    assert metas and all("Suffolk" in m for m in metas)
    assert "housing" in p.last_answer()
    if os.environ.get("IA_SCREENSHOT"):  # the README's picture: a follow-up with its context
        p.page.locator("#ia-chat a.ia-cite").last.click()
        p.page.wait_for_timeout(800)
        p.page.screenshot(path=os.environ["IA_SCREENSHOT"])

    p.page.click("#ia-remove-context")
    p.page.wait_for_function(
        "() => !document.querySelector('#ia-context').textContent.includes('carried')"
    )
    assert "without the earlier context" in p.last_answer()
    assert not p.page.locator("#ia-remove-context").is_visible()

    p.new_chat()
    assert "Ask a question" in p.page.locator("#ia-sources").inner_text()


def test_admin_upload_becomes_answerable(app_page, ui_env, tmp_path):
    p = app_page
    p.open()
    question = "What is the lighthouse mentoring scheme for young people who offend?"
    p.ask(question)
    assert "No answer in the reports" in p.last_answer()

    pdf = report_pdf(tmp_path / "Devon report.pdf", "Devon", "1 to 12 July 2024", DEVON_PARAGRAPHS)
    p.tab("Admin")
    p.page.locator("#ia-upload input[type='file']").set_input_files(str(pdf))
    p.page.wait_for_function(
        "() => document.querySelector('#ia-upload').textContent.includes('Devon report')"
    )
    p.page.click("#ia-upload-btn")
    p.page.wait_for_function(
        "() => document.querySelector('#ia-admin-log').textContent.includes('Index updated')"
    )
    log = p.page.locator("#ia-admin-log").inner_text()
    assert "Devon report.pdf" in log and "1 added" in log
    assert (ui_env.reports_dir / "Devon report.pdf").is_file()

    p.tab("Reports")
    p.page.wait_for_function(
        "() => document.querySelector('#ia-reports').textContent.includes('Devon')"
    )
    p.tab("Chat")
    p.new_chat()
    p.ask(question)
    answer = p.last_answer()
    assert "lighthouse mentoring scheme" in answer and "[1]" in answer
    assert "Devon" in p.page.locator("#ia-src-1-1 .ia-meta").inner_text()


def test_timeline_and_grades_for_an_authority(app_page):
    p = app_page
    p.open()
    p.tab("Reports")
    p.page.wait_for_function(
        "() => document.querySelector('#ia-reports').textContent.includes('Rutland')"
    )
    p.tab("Timeline")
    assert "Choose a local authority" in p.page.locator("#ia-timeline").inner_text()
    p.choose("ia-t-subject", "Rutland")
    p.page.wait_for_function(
        "() => document.querySelectorAll('#ia-timeline svg g.ia-tl-point circle').length === 2"
    )
    chart = p.page.locator("#ia-timeline svg")
    assert chart.is_visible() and chart.bounding_box()["width"] > 300
    grades = p.page.locator("#ia-timeline svg g.ia-tl-point").evaluate_all(
        "gs => gs.map(g => [g.dataset.date, g.dataset.grade])"
    )
    assert grades == [["2018-03-17", "requires_improvement"], ["2023-03-17", "good"]]
    labels = p.page.locator("#ia-timeline svg .ia-tl-ylabel").all_text_contents()
    assert labels == ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    rows = p.page.locator("#ia-timeline tbody tr").all_inner_texts()
    assert len(rows) == 2 and "Requires improvement" in rows[0] and "Good" in rows[1]
    assert "Overall effectiveness" in rows[1] and "(page 1)" in rows[1]
    assert not p.pwned()


def test_login_required_and_reader_cannot_upload(browser, auth_server):
    reader = Page(browser, auth_server.url)
    try:
        reader.open(signed_in=False)
        reader.page.get_by_role("button", name="Login").wait_for()
        assert reader.page.locator("#ia-question").count() == 0
        reader.login("reader", "wrong-password")
        reader.page.get_by_text(re.compile("Incorrect|credentials", re.I)).first.wait_for()
        assert reader.page.locator("#ia-question").count() == 0

        reader.login("reader", PASSWORDS["reader"])
        reader.page.wait_for_selector("#ia-question textarea")
        reader.page.wait_for_function(
            "() => document.querySelector('#ia-banner').textContent.includes('Signed in as reader')"
        )
        assert (
            reader.page.get_by_role("tab", name="Admin").count() == 0
            or not reader.page.get_by_role("tab", name="Admin").is_visible()
        )
        assert (
            reader.page.locator("#ia-upload").count() == 0
            or not reader.page.locator("#ia-upload").is_visible()
        )
        reader.ask("How well are care leavers supported in Suffolk?")
        assert "[1]" in reader.last_answer()
        href = reader.page.locator("#ia-src-1-1 a.ia-open").get_attribute("href")
        assert reader.page.request.get(auth_server.url + href).ok  # signed in: allowed
        assert reader.offsite() == []
    finally:
        reader.close()

    admin = Page(browser, auth_server.url)
    try:
        admin.login("admin", PASSWORDS["admin"])
        admin.page.wait_for_selector("#ia-question textarea")
        admin.page.get_by_role("tab", name="Admin").wait_for(state="visible")
        admin.tab("Admin")
        admin.page.locator("#ia-upload-btn").wait_for(state="visible")
    finally:
        admin.close()


def test_hostile_report_does_not_execute(app_page):
    p = app_page
    p.open()
    p.ask("What does the fostering panel in Kent do?")
    assert HOSTILE_SCRIPT in p.last_answer()  # shown as text
    sources = p.page.locator("#ia-sources").inner_text()
    assert HOSTILE_IMG in sources
    assert not p.pwned()

    p.ask("How are foster carers in Kent trained?")
    assert not p.pwned()

    p.tab("Quotes")
    p.page.fill("#ia-topic textarea", "Kent adoption service matches children with families")
    p.page.click("#ia-find-quotes")
    p.page.wait_for_function(
        "() => document.querySelector('#ia-quotes').textContent.includes('adoption')"
    )
    assert "javascript:" in p.page.locator("#ia-quotes").inner_text()
    assert p.page.locator("#ia-quotes a[href^='javascript']").count() == 0

    p.tab("Reports")
    p.page.wait_for_function(
        "() => document.querySelector('#ia-reports').textContent.includes('onerror')"
    )
    reports = p.page.locator("#ia-reports").inner_text()
    assert "broken.pdf" in reports and "failed" in reports  # failed files, with their reason
    p.tab("Chat")
    p.page.click("#ia-filters")
    p.choose("ia-report", "Kent — Inspection of Kent")

    assert not p.pwned()
    assert p.page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert (
        p.page.evaluate(
            "() => [...document.scripts].filter(s => s.textContent.includes('__pwned')).length"
        )
        == 0
    )

    href = p.page.locator("#ia-sources a.ia-open").first.get_attribute("href")
    p.page.goto(p.base_url + href, wait_until="load")
    assert "__pwned" in p.page.locator("body").inner_text()
    assert not p.pwned()

    # Control: the same markup, inserted raw, does run, so the checks above can fail.
    control = p.context.new_page()
    control.set_content(f"<body>{HOSTILE_IMG}</body>")
    control.wait_for_function("() => window.__pwned === 1")


def test_addresses_in_answers_are_not_links(app_page):
    p = app_page
    p.open()
    p.ask("Where is Kent's leaflet for care leavers?")
    answer = p.last_answer()
    assert "www.kent-leavers.example" in answer and "help@kent-leavers.example" in answer
    assert "https://kent-leavers.example/help" in answer
    hrefs = p.page.eval_on_selector_all(
        "#ia-chat [data-testid='bot'] a", "els => els.map(e => e.getAttribute('href') || '')"
    )
    assert hrefs and all(h.startswith("#ia-") for h in hrefs), hrefs  # only the [n] markers


@pytest.fixture()
def short_memory_url(ui_env):
    """The app keeping two turns of a chat."""
    import copy

    from assistant.web.server import create_app, start

    other = copy.copy(ui_env.assistant)
    other.settings = ui_env.assistant.settings.override(chat_history_turns=2)
    running = start(create_app(other, ui_env.reports_dir), "127.0.0.1", shared.free_port())
    yield running.url
    running.stop()


def test_the_chat_keeps_only_the_last_turns(browser, short_memory_url):
    p = Page(browser, short_memory_url)
    try:
        p.open()
        for q in (
            "How are care leavers supported in Norfolk?",
            "How well are care leavers supported in Suffolk?",
            "What does the fostering panel in Kent do?",
        ):
            p.ask(q)
        chat = p.page.locator("#ia-chat")
        users = chat.locator("[data-testid='user']").all_inner_texts()
        assert len(users) == 2 and "Suffolk" in users[0] and "Kent" in users[1]
        assert "Only the last 2 questions" in chat.inner_text()
        turns = p.page.locator("#ia-sources .ia-turn")  # the newest first
        assert turns.count() == 2
        assert "Kent" in turns.first.text_content() and "Suffolk" in turns.last.text_content()
        href = chat.locator("[data-testid='bot'] a.ia-cite").first.get_attribute("href") or ""
        first = href.rpartition("#")[2]
        assert first.startswith("ia-src-1-"), href
        assert p.page.locator(f"#{first}").count() == 1
        assert "Suffolk" in p.page.locator(f"#{first}").text_content()
    finally:
        p.close()
