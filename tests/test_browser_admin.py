"""The Admin tab in a real browser (Debian chromium through Playwright), on an app of its own:
removing reports whose files are gone shows what would go and asks first (twice for more than
a fifth of the index), files that are not inspection reports are held until accepted, and each
run shows its steps with the previous run's log cleared."""

from __future__ import annotations

import shutil

import pytest
import test_ui_units as shared
from conftest import CHROMIUM
from test_browser import Page

from assistant.settings import Settings

PLACES = ["Alphaton", "Betaville", "Gammaford", "Deltashire", "Epsilonbury"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium (/usr/bin/chromium) missing"),
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

# Records every text the element shows, so a test can tell the log was cleared mid-run.
WATCH_LOG = """() => {
    const el = document.querySelector('#ia-admin-log');
    window.__logs = [el.textContent];
    new MutationObserver(() => window.__logs.push(el.textContent))
        .observe(el, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture()
def admin_app(tmp_path, embedder):
    """An app over its own index of five reports and a stray notes file."""
    from assistant.core import Assistant
    from assistant.indexing import Ingestor
    from assistant.web.server import create_app, start

    reports = tmp_path / "reports"
    reports.mkdir()
    for place in PLACES:
        (reports / f"{place.lower()}.txt").write_text(
            f"Report on {place}\n\nOfsted inspectors praised the adoption service in {place}.\n",
            "utf-8",
        )
    (reports / "notes.txt").write_text("hello this is not a report\n", "utf-8")
    settings = Settings(index_dir=tmp_path / "index", reports_dir=reports)
    assistant = Assistant(settings, embedder=embedder)
    summary = Ingestor(assistant.index, embedder, settings).run([reports])
    assert [f.path for f in summary.failed] == ["notes.txt"]
    running = start(
        create_app(assistant, reports, None, admin_without_auth=True),
        "127.0.0.1",
        shared.free_port(),
    )
    yield running.url, assistant, reports, tmp_path
    running.stop()


@pytest.fixture()
def admin_page(admin_app, browser):
    page = Page(browser, admin_app[0])
    page.open()
    page.tab("Admin")
    yield page
    assert page.offsite() == []
    page.close()


def wait_text(p: Page, selector: str, text: str) -> str:
    p.page.wait_for_function(
        "([s, t]) => (document.querySelector(s)?.textContent || '').includes(t)",
        arg=[selector, text],
    )
    return p.page.locator(selector).inner_text()


def test_removing_reports_shows_them_and_asks_twice_for_more_than_a_fifth(admin_app, admin_page):
    _url, assistant, reports, tmp_path = admin_app
    p = admin_page
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    for place in ("Betaville", "Gammaford"):
        shutil.move(reports / f"{place.lower()}.txt", moved)

    p.page.click("#ia-prune-check")
    plan = wait_text(p, "#ia-prune-plan", "would remove")
    assert "would remove 2 of 5 reports (40%)" in plan
    assert "betaville.txt" in plan and "gammaford.txt" in plan and "alphaton" not in plan
    assert "more than 20% of the index" in plan
    confirm = p.page.locator("#ia-prune-confirm")
    assert confirm.is_visible() and "Remove 2 report(s)" in confirm.inner_text()
    second = p.page.locator("#ia-prune-second input[type='checkbox']")
    assert second.is_visible() and not second.is_checked()

    confirm.click()  # without the second confirmation: refused
    assert "Tick the second confirmation" in wait_text(p, "#ia-admin-log", "Nothing was removed")
    assert len(assistant.index.live_ids()) == 5

    second.check()
    p.page.evaluate(WATCH_LOG)
    confirm.click()
    log = wait_text(p, "#ia-admin-log", "Index updated")
    assert "2 removed" in log
    assert "Scanning the reports folder" in log and "Removing reports whose files are gone" in log
    assert len(assistant.index.live_ids()) == 3
    assert not p.page.locator("#ia-prune-confirm").is_visible()

    # A rescan starts with the previous run's log cleared, and shows its own steps.
    (reports / "zetaford.txt").write_text(
        "Report on Zetaford\n\nOfsted inspectors met care leavers in Zetaford.\n", "utf-8"
    )
    p.page.evaluate(WATCH_LOG)
    p.page.click("#ia-rescan")
    p.page.wait_for_function(
        "() => document.querySelector('#ia-admin-log').textContent.includes('1 added')"
    )
    logs = p.page.evaluate("() => window.__logs")
    assert "2 removed" in logs[0] and any(t.strip() == "" for t in logs[1:])
    log = p.page.locator("#ia-admin-log").inner_text()
    assert "Reading files" in log and "Making live" in log and "Removing" not in log


def test_a_small_removal_asks_once(admin_app, admin_page):
    _url, assistant, reports, _ = admin_app
    p = admin_page
    (reports / "alphaton.txt").unlink()
    p.page.click("#ia-prune-check")
    plan = wait_text(p, "#ia-prune-plan", "would remove")
    assert "would remove 1 of 5 reports (20%)" in plan and "alphaton.txt" in plan
    assert not p.page.locator("#ia-prune-second").is_visible()
    assert len(assistant.index.live_ids()) == 5  # looking removes nothing
    p.page.click("#ia-prune-confirm")
    assert "1 removed" in wait_text(p, "#ia-admin-log", "Index updated")
    assert len(assistant.index.live_ids()) == 4


def test_held_files_are_listed_and_accepted(admin_app, admin_page):
    _url, assistant, _, _ = admin_app
    p = admin_page
    held = wait_text(p, "#ia-held", "notes.txt")
    assert "not an inspection report" in held
    p.page.locator("#ia-held").get_by_label("notes.txt", exact=False).check()
    p.page.click("#ia-accept")
    assert "indexed on the next rescan" in wait_text(p, "#ia-held-note", "Accepted")
    p.page.click("#ia-rescan")
    assert "1 added" in wait_text(p, "#ia-admin-log", "Index updated")
    assert "No files are held" in wait_text(p, "#ia-held-note", "No files")
    assert len(assistant.index.live_ids()) == 6


@pytest.fixture()
def users_app(tmp_path, embedder):
    """An app with logins: one admin, over an index of one report."""
    from assistant.auth import UserStore
    from assistant.core import Assistant
    from assistant.indexing import Ingestor
    from assistant.web.server import create_app, start

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "alphaton.txt").write_text(
        "Report on Alphaton\n\nOfsted inspectors praised the adoption service.\n", "utf-8"
    )
    settings = Settings(index_dir=tmp_path / "index", reports_dir=reports)
    assistant = Assistant(settings, embedder=embedder)
    Ingestor(assistant.index, embedder, settings).run([reports])
    store = UserStore(tmp_path / "users.json")
    store.add_user("admin", "admin-pass-123", "admin")
    running = start(create_app(assistant, reports, store), "127.0.0.1", shared.free_port())
    yield running.url, store
    running.stop()


def test_admins_manage_users_in_the_app(users_app, browser):
    url, store = users_app
    admin = Page(browser, url)
    admin.login("admin", "admin-pass-123")
    admin.page.wait_for_selector("#ia-question textarea")
    admin.tab("Admin")
    admin.page.click("#ia-users")  # the accordion
    wait_text(admin, "#ia-users-table", "admin")

    def fill(name: str, password: str = "") -> None:
        admin.page.fill("#ia-user-name input, #ia-user-name textarea", name)
        admin.page.fill("#ia-user-password input", password)

    fill("carol", "carol-pass-123")
    admin.page.click("#ia-user-add")
    table = wait_text(admin, "#ia-users-table", "carol")
    assert "reader" in table and "carol-pass" not in admin.page.content()
    assert store.verify("carol", "carol-pass-123") and store.role("carol") == "reader"

    carol = Page(browser, url)
    carol.login("carol", "carol-pass-123")
    carol.page.wait_for_selector("#ia-question textarea")
    assert not carol.page.get_by_role("tab", name="Admin").is_visible()

    fill("carol")
    admin.page.click("#ia-user-disable")
    assert "disabled" in wait_text(admin, "#ia-users-table", "disabled")
    assert not store.verify("carol", "carol-pass-123") and store.role("carol") is None
    later = Page(browser, url)
    later.login("carol", "carol-pass-123")
    later.page.wait_for_timeout(1500)
    assert later.page.locator("#ia-question textarea").count() == 0  # login refused
    later.close()

    fill("carol")
    admin.page.click("#ia-user-enable")
    wait_text(admin, "#ia-users-note", "enabled")
    fill("carol", "carol-new-pass-456")
    admin.page.click("#ia-user-reset")
    wait_text(admin, "#ia-users-note", "Password of carol reset")
    assert store.verify("carol", "carol-new-pass-456")
    assert not store.verify("carol", "carol-pass-123")

    fill("carol")
    admin.choose("ia-user-role", "admin")
    admin.page.click("#ia-user-change-role")
    wait_text(admin, "#ia-users-note", "carol is now admin")
    assert store.role("carol") == "admin"

    fill("admin")  # nobody disables themselves
    admin.page.click("#ia-user-disable")
    admin.page.get_by_text("You cannot disable yourself").first.wait_for()
    assert store.role("admin") == "admin"
    assert admin.offsite() == [] and carol.offsite() == []
    admin.close()
    carol.close()


@pytest.fixture()
def reports_page(ui_env, browser):
    """The shared read-only app (``test_ui_units``), on its Reports tab."""
    served = shared.get_server("open", ui_env)
    page = Page(browser, served.url)
    page.open()
    page.tab("Reports")
    wait_text(page, "#ia-reports", "Rutland")
    yield page
    assert page.offsite() == []
    page.close()


@pytest.fixture(scope="module")
def ui_env(tmp_path_factory, embedder):
    return shared.get_ui_env(tmp_path_factory, embedder)


ROWS = "#ia-reports [role='row']:has([role='gridcell'])"


def table_rows(p: Page) -> list[str]:
    return p.page.eval_on_selector_all(ROWS, "rows => rows.map(r => r.innerText)")


def wait_rows(p: Page, test: str) -> list[str]:
    """Wait until the table's row texts pass a JS test (``rows => …``), then return them."""
    p.page.wait_for_function(
        "([sel, test]) => eval(test)([...document.querySelectorAll(sel)].map(r => r.innerText))",
        arg=[ROWS, test],
    )
    return table_rows(p)


def test_reports_table_fits_filters_and_shows_details_and_timeline(reports_page, ui_env):
    p = reports_page
    width = p.page.evaluate("() => document.querySelector('#ia-reports table').scrollWidth")
    assert width <= 1400, f"the Reports table is {width} px wide"
    headers = p.page.locator("#ia-reports thead").inner_text()
    for name in ("Report", "Place", "Kind", "Inspectorate", "Inspected", "Overall", "Status"):
        assert name in headers
    assert "Chunks" not in headers and "Reason" not in headers  # details on demand
    everything = table_rows(p)
    assert len(everything) >= 6

    p.choose("ia-rf-grade", "Good")
    (row,) = wait_rows(p, "rows => rows.length === 1")
    assert "Rutland" in row and "2023" in row

    p.choose("ia-rf-grade", "Any")
    p.choose("ia-rf-year", "2018")
    (row,) = wait_rows(p, "rows => rows.length === 1 && !rows[0].includes('2023')")
    assert "Rutland" in row and "Requires improvement" in row

    p.choose("ia-rf-year", "Any")
    p.choose("ia-rf-inspectorate", "Ofsted")
    rows = wait_rows(p, "rows => rows.length > 0 && rows.every(r => r.includes('Ofsted'))")
    assert len(rows) < len(everything)
    p.choose("ia-rf-inspectorate", "Any")
    p.choose("ia-rf-kind", "inspection")
    rows = wait_rows(p, "rows => rows.length > 0 && rows.every(r => r.includes('inspection'))")
    assert len(rows) < len(everything)

    p.choose("ia-rf-kind", "Any")
    p.choose("ia-rf-year", "2018")
    wait_rows(p, "rows => rows.length === 1")
    p.page.locator(ROWS).first.locator("[role='gridcell']").first.click()
    details = wait_text(p, "#ia-report-details", "Help and protection: Good")
    assert "rutland-2018.pdf" in details and "Pages" in details
    rid = next(r.report_id for r in ui_env.assistant.reports() if r.source == "rutland-2018.pdf")
    link = p.page.locator("#ia-report-details a.ia-open")
    assert link.get_attribute("href") == f"report-file/{rid}"
    p.page.click("#ia-to-timeline")
    timeline = wait_text(p, "#ia-timeline", "Overall grades: Rutland")
    assert "2018" in timeline and "2023" in timeline
