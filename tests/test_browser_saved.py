"""Conversations that last and sources in view, in a real browser (Debian's Chromium).

Saved conversations reopened after a reload and shared with another user; feedback on an
answer listed for admins; follow-up suggestions; [n] scrolling only the sources panel; the
phone layout's sources drawer; the cited page shown in the app; distinct copy-button names.

Set ``IA_PHONE_SCREENSHOT=docs/screenshot-phone.png`` to save the phone layout for the README.
"""

from __future__ import annotations

import os

import pytest
import test_ui_units as shared
from conftest import CHROMIUM
from test_browser import Page
from test_ui_units import PASSWORDS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) missing"),
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def ui_env(tmp_path_factory, embedder):
    return shared.get_ui_env(tmp_path_factory, embedder)


@pytest.fixture(scope="session")
def open_server(ui_env):
    yield shared.get_server("open", ui_env)
    shared.stop_servers()


@pytest.fixture(scope="session")
def auth_server(ui_env):
    yield shared.get_server("auth", ui_env)
    shared.stop_servers()


def _page(browser, url: str, viewport: dict | None = None) -> Page:
    p = Page(browser, url)
    if viewport:
        p.page.set_viewport_size(viewport)
    return p


@pytest.fixture()
def app_page(browser, open_server):
    p = _page(browser, open_server.url)
    yield p
    assert p.offsite() == [], "the page requested something off this machine"
    p.close()


def _open_saved(p: Page) -> None:
    acc = p.page.locator("#ia-saved")
    if not acc.locator("#ia-saved-list").is_visible():
        acc.get_by_text("Saved conversations").first.click()


def test_conversation_is_listed_and_reopened_after_a_reload(app_page):
    p = app_page
    p.open()
    p.ask("Where do care leavers in Norfolk live?")
    p.ask("How do personal advisers help them?")
    first = p.last_answer()
    p.page.reload(wait_until="load")
    p.page.wait_for_selector("#ia-question textarea")
    assert p.page.locator("#ia-chat [data-testid='bot']").count() == 0
    _open_saved(p)
    p.page.locator("#ia-saved-list input[role='combobox']").click()
    option = p.page.get_by_role("option").filter(has_text="Where do care leavers in Norfolk live?")
    assert "2 answers" in option.first.inner_text()
    option.first.click()
    p.page.click("#ia-open-saved")
    p.page.wait_for_function(
        "() => document.querySelectorAll('#ia-chat [data-testid=\"bot\"]').length === 2"
    )
    assert " ".join(p.last_answer().split()) == " ".join(first.split())
    assert "How do personal advisers help them?" in p.page.locator("#ia-sources h3").inner_text()
    md = p.page.locator("#ia-saved-actions a", has_text="Markdown").get_attribute("href")
    body = p.page.request.get(p.base_url + md).text()
    assert body.startswith("# Briefing note: Where do care leavers in Norfolk live?")
    assert "” — Inspection of Norfolk" in body and "page 2" in body
    word = p.page.locator("#ia-saved-actions a", has_text="Word").get_attribute("href")
    assert p.page.request.get(p.base_url + word).body()[:2] == b"PK"


def test_share_link_opens_read_only_for_another_user(browser, auth_server):
    owner = _page(browser, auth_server.url)
    other = _page(browser, auth_server.url)
    try:
        owner.login("reader", PASSWORDS["reader"])
        owner.page.wait_for_selector("#ia-question textarea")
        owner.ask("How are care leavers supported in Suffolk?")
        _open_saved(owner)
        owner.page.click("#ia-share")
        link = owner.page.locator("#ia-saved-actions a.ia-share-link")
        link.wait_for()
        href = link.get_attribute("href")
        assert href.startswith("?shared=")
        other.login("admin", PASSWORDS["admin"])
        other.page.wait_for_selector("#ia-question textarea")
        other.page.goto(auth_server.url + href, wait_until="load")
        other.page.wait_for_function(
            "() => document.querySelectorAll('#ia-chat [data-testid=\"bot\"]').length === 2"
        )
        chat = other.page.locator("#ia-chat").inner_text()
        assert "Shared by reader (read-only)" in chat and "Suffolk" in chat
        # The admin's own list does not hold the reader's conversation.
        _open_saved(other)
        other.page.locator("#ia-saved-list input[role='combobox']").click()
        assert other.page.get_by_role("option").filter(has_text="Suffolk").count() == 0
        other.page.keyboard.press("Escape")
    finally:
        owner.close()
        other.close()


def test_feedback_on_an_answer_is_listed_for_admins(app_page):
    p = app_page
    p.open()
    p.ask("How are care leavers supported in Suffolk?")
    _open_saved(p)
    p.page.fill("#ia-feedback-comment textarea", "Exactly what I needed")
    bot = p.page.locator("#ia-chat [data-testid='bot']").last
    bot.hover()
    p.page.locator("#ia-chat button[aria-label='Like']").last.click()
    p.page.wait_for_function(
        "() => document.querySelector('#ia-feedback-comment textarea').value === ''"
    )
    p.tab("Admin")
    p.page.click("#ia-feedback-refresh")
    row = p.page.locator("#ia-feedback tr", has_text="Exactly what I needed")
    row.wait_for()
    assert "helpful" in row.inner_text() and "Suffolk" in row.inner_text()
    jsonl = p.page.request.get(p.base_url + "api/admin/feedback.jsonl").text()
    assert '"feedback": "helpful"' in jsonl and "suffolk-2023.md" in jsonl


def test_follow_up_suggestions_ask_the_next_question(app_page):
    p = app_page
    p.open()
    p.ask("Who did inspectors meet in Rutland in 2023?")
    buttons = p.page.locator("#ia-followups button.ia-followup")
    buttons.first.wait_for()
    texts = buttons.all_inner_texts()
    assert any("previous Rutland report" in t for t in texts), texts
    question = next(t for t in texts if t.startswith("How was Rutland rated"))
    p.page.locator("#ia-followups button.ia-followup", has_text=question).click()
    p.page.wait_for_function(
        """(q) => { const h = document.querySelector('#ia-sources h3');
                   return h && h.textContent.includes(q); }""",
        arg=question,
    )
    assert "Rutland" in p.last_answer()


def test_citation_click_scrolls_only_the_sources_panel(app_page):
    p = app_page
    p.open()
    for q in (
        "Where do care leavers in Norfolk live?",
        "How are care leavers supported in Suffolk?",
        "What does the lighthouse mentoring scheme do in Devon?",
    ):
        p.ask(q)
    p.page.evaluate(
        "() => document.querySelectorAll('#ia-sources details').forEach(d => d.open = true)"
    )
    p.page.evaluate("() => window.scrollTo(0, 0)")
    # The first answer's source sits at the bottom of the panel, below earlier answers.
    link = p.page.locator("#ia-chat a.ia-cite[href='#ia-src-1-1']")
    before = p.page.evaluate("() => window.scrollY")
    link.click()
    p.page.wait_for_function(
        "() => document.getElementById('ia-src-1-1').classList.contains('ia-flash')"
    )
    p.page.wait_for_timeout(400)
    assert p.page.evaluate("() => window.scrollY") == before
    inside = p.page.evaluate(
        """() => { const panel = document.getElementById('ia-sources');
                   const r = document.getElementById('ia-src-1-1').getBoundingClientRect();
                   const b = panel.getBoundingClientRect();
                   return [panel.scrollTop, panel.scrollHeight, panel.clientHeight,
                           r.top, b.top, b.bottom]; }"""
    )
    scroll_top, height, shown, top, panel_top, panel_bottom = inside
    assert height > shown and scroll_top > 0, inside  # the panel scrolled, not the page
    assert panel_top - 1 <= top < panel_bottom, inside
    assert link.is_visible()  # the answer did not move away


def test_phone_sources_drawer_has_a_way_back_and_tabs_stay_reachable(browser, open_server):
    p = _page(browser, open_server.url, PHONE)
    try:
        p.open()
        p.ask("Where do care leavers in Norfolk live?")
        src = p.page.locator("#ia-src-1-1")
        assert not src.is_visible() or not _in_view(p, "#ia-src-1-1")
        p.page.locator("#ia-chat a.ia-cite").first.click()
        p.page.wait_for_function("() => document.querySelector('#ia-drawer-back.ia-shown')")
        p.page.wait_for_timeout(400)
        assert _in_view(p, "#ia-src-1-1")
        if os.environ.get("IA_PHONE_SCREENSHOT"):  # the README's phone picture: the drawer
            p.page.screenshot(path=os.environ["IA_PHONE_SCREENSHOT"])
        back = p.page.locator("#ia-drawer-back")
        assert back.is_visible()
        back.click()
        p.page.wait_for_timeout(400)
        assert not _in_view(p, "#ia-src-1-1")
        assert p.page.locator("#ia-chat a.ia-cite").first.is_visible()
        p.page.locator("#ia-drawer-open").click()
        p.page.wait_for_timeout(400)
        assert _in_view(p, "#ia-src-1-1")
        p.page.locator("#ia-drawer-back").click()
        for name in ("Quotes", "Reports", "Timeline", "Admin", "Chat"):
            tab = p.page.get_by_role("tab", name=name)
            if not tab.is_visible():  # a narrow tab bar keeps the rest under "More tabs"
                p.page.get_by_role("button", name="More tabs").click()
                p.page.locator(".overflow-dropdown button", has_text=name).click()
            else:
                tab.click()
            p.page.wait_for_function(
                "(n) => [...document.querySelectorAll('[role=tab]')].some("
                "t => t.textContent.trim() === n && t.getAttribute('aria-selected') === 'true')",
                arg=name,
            )
    finally:
        p.close()


def _in_view(p: Page, selector: str) -> bool:
    return p.page.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return r.height > 0 && r.top < window.innerHeight && r.bottom > 0; }""",
        selector,
    )


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_cited_page_shown_in_the_app_with_the_quote_highlighted(browser, open_server, viewport):
    p = _page(browser, open_server.url, viewport)
    try:
        p.open()
        p.ask("Where do care leavers in Norfolk live?")
        if viewport:
            p.page.locator("#ia-chat a.ia-cite").first.click()
        button = p.page.locator("#ia-src-1-1 button.ia-page")
        assert "Show page 2 of Inspection of Norfolk" in button.get_attribute("aria-label")
        button.click()
        dialog = p.page.locator("#ia-page-viewer")
        dialog.wait_for(state="visible")
        p.page.wait_for_function(
            "() => { const i = document.querySelector('#ia-page-viewer img');"
            " return i && i.complete && i.naturalWidth > 500; }"
        )
        box = dialog.locator("img").bounding_box()
        assert box["width"] <= p.page.viewport_size["width"]
        src = dialog.locator("img").get_attribute("src")
        response = p.page.request.get(p.base_url + src)
        assert int(response.headers["x-highlighted"]) >= 1
        dialog.get_by_role("button", name="Close").click()
        dialog.wait_for(state="hidden")
        assert p.offsite() == []
    finally:
        p.close()


def test_copy_buttons_are_told_apart_by_a_screen_reader(app_page):
    p = app_page
    p.open()
    p.ask("How well are care leavers supported in Suffolk?")
    names = p.page.locator("#ia-sources button.ia-copy").evaluate_all(
        "bs => bs.map(b => b.getAttribute('aria-label'))"
    )
    assert len(names) >= 2 and len(set(names)) == len(names), names
    p.page.get_by_role("button", name=names[1]).click()
    p.page.wait_for_function("() => window.__iaLastCopied !== undefined")
