"""Requests from where they don't belong, against the served app over HTTP.

A forged ``Host`` (DNS rebinding), a post from another site's page with a user's credentials,
Gradio's generic upload from a reader, a proxy on this computer relaying strangers, host names
that only look like loopback, and unexpected failures that must not show their details.
The apps run for real (uvicorn on a free loopback port) over the index of ``test_ui_units``.
"""

from __future__ import annotations

import copy
import logging
import re
import sqlite3

import httpx
import pytest
import test_ui_units as shared
from test_ui_units import PASSWORDS

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

EVIL = "https://evil.example"
ADMIN = ("admin", PASSWORDS["admin"])
READER = ("reader", PASSWORDS["reader"])
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


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


def serve_with(assistant, reports_dir, users=None, **settings):
    """Serve the assistant with other settings (same index, model and reports)."""
    from assistant.web.server import create_app, start

    other = copy.copy(assistant)
    other.settings = assistant.settings.override(**settings)
    app = create_app(other, reports_dir, users, admin_without_auth=True)
    return start(app, "127.0.0.1", shared.free_port())


@pytest.fixture(scope="module")
def proxied(ui_env):
    """An app without logins on loopback that also answers for the names a proxy on this
    computer relays to it (``reports.example``, and a name that starts with ``127.``)."""
    running = serve_with(
        ui_env.assistant,
        ui_env.reports_dir,
        allowed_hosts=["reports.example", "127.example.com"],
    )
    yield running.url
    running.stop()


def http(url: str, auth=None, **kwargs) -> httpx.Client:
    return httpx.Client(base_url=url, auth=auth, timeout=120, **kwargs)


def login_cookie(url: str, user: tuple[str, str]) -> httpx.Cookies:
    with http(url) as c:
        resp = c.post("/login", data={"username": user[0], "password": user[1]})
        assert resp.status_code == 200, resp.text
        return c.cookies


# -- Host allow-list (DNS rebinding) --------------------------------------------------------------


@pytest.mark.parametrize("which", ["open", "auth"])
def test_a_forged_host_is_refused_on_every_route(which, ui_env):
    served = shared.get_server(which, ui_env)
    for host in ("evil.example", "evil.example:7860", "127.example.com", "localhost.evil.example"):
        with http(served.url, headers={"Host": host}) as c:
            for method, path in [("GET", "/"), ("GET", "/config"), ("GET", "/api/status")]:
                resp = c.request(method, path, auth=READER if which == "auth" else None)
                assert resp.status_code == 400, (host, path, resp.status_code)
            assert c.post("/login", data={"username": "a", "password": "b"}).status_code == 400
    with http(served.url, headers={"Host": "localhost"}) as c:
        assert c.get("/").status_code == 200


def test_the_allow_list_setting_adds_hosts(proxied):
    with http(proxied, headers={"Host": "reports.example"}) as c:
        assert c.get("/").status_code == 200
    with http(proxied, headers={"Host": "other.example"}) as c:
        assert c.get("/").status_code == 400


def test_the_default_policy_answers_loopback_and_the_served_host():
    from assistant.web.guard import guard_policy

    policy = guard_policy([], [], "10.1.2.3")
    assert {"localhost", "127.0.0.1", "::1", "10.1.2.3"} <= policy.hosts
    assert not policy.host_allowed("evil.example")
    assert guard_policy(["*"], [], "127.0.0.1").host_allowed("anything.example")


# -- Origin: posts from other sites ---------------------------------------------------------------


def test_a_post_from_another_site_is_refused(auth_server, ui_env):
    url = auth_server.url
    own = url.rstrip("/")
    with http(url, auth=ADMIN) as c:
        for origin in (EVIL, "null", "http://localhost:1"):
            rescan = c.post("/api/admin/rescan", json={}, headers={"Origin": origin})
            assert rescan.status_code == 403, (origin, rescan.text)
        sneaky = c.post(
            "/api/ask", json={"question": "x"}, headers={"Sec-Fetch-Site": "cross-site"}
        )
        assert sneaky.status_code == 403
        same = c.post("/api/ask", json={"question": shared_q()}, headers={"Origin": own})
        assert same.status_code == 200
    cookies = login_cookie(url, ADMIN)
    with http(url, cookies=cookies) as c:
        files = {"files": ("report.pdf", PDF, "application/pdf")}
        upload = c.post("/gradio_api/upload", files=files, headers={"Origin": EVIL})
        assert upload.status_code == 403
        join = c.post(
            "/gradio_api/queue/join",
            json={"data": [], "fn_index": 0, "session_hash": "abc"},
            headers={"Origin": EVIL},
        )
        assert join.status_code == 403
        login = c.post("/login", data={"username": "a", "password": "b"}, headers={"Origin": EVIL})
        assert login.status_code == 403
        ok = c.post("/gradio_api/upload", files=files, headers={"Origin": own})
        assert ok.status_code == 200, ok.text


def shared_q() -> str:
    return "How well are care leavers supported in Suffolk?"


# -- uploads ----------------------------------------------------------------------------------------


def test_only_admins_may_use_the_generic_upload(auth_server, proxied):
    files = {"files": ("report.pdf", PDF, "application/pdf")}
    with http(auth_server.url) as c:
        assert c.post("/gradio_api/upload", files=files).status_code in (401, 403)
    with http(auth_server.url, cookies=login_cookie(auth_server.url, READER)) as c:
        resp = c.post("/gradio_api/upload", files=files)
        assert resp.status_code == 403 and "admin" in resp.text
    with http(auth_server.url, auth=READER) as c:
        assert c.post("/gradio_api/upload", files=files).status_code == 403
    with http(auth_server.url, cookies=login_cookie(auth_server.url, ADMIN)) as c:
        resp = c.post("/gradio_api/upload", files=files)
        assert resp.status_code == 200 and resp.json()[0].endswith("report.pdf")
    # Without logins, relayed by a proxy on this computer: a stranger is not an admin.
    with http(proxied, headers={"Host": "reports.example"}) as c:
        assert c.post("/gradio_api/upload", files=files).status_code == 403
    with http(proxied) as c:
        assert c.post("/gradio_api/upload", files=files).status_code == 200


# -- loopback ---------------------------------------------------------------------------------------


def test_names_that_start_with_127_are_not_loopback(proxied):
    from assistant.web.access import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("127.3.2.1") and is_loopback("localhost")
    assert is_loopback("::1") and is_loopback("[::1]") and is_loopback("::ffff:127.0.0.1")
    assert not is_loopback("127.example.com") and not is_loopback("127.0.0.1.evil.example")
    assert not is_loopback("10.0.0.1") and not is_loopback("localhost.evil.example")
    # Without logins only a loopback client naming a loopback host is an admin.
    with http(proxied, headers={"Host": "127.example.com"}) as c:
        assert c.post("/api/admin/rescan", json={}).status_code == 403
    with http(proxied, headers={"Host": "127.0.0.1"}) as c:
        assert c.post("/api/admin/rescan", json={}).status_code == 200


def test_serving_a_127_name_without_logins_needs_the_remote_flag():
    from assistant.serving import ServeRefusedError, plan
    from assistant.settings import Settings

    with pytest.raises(ServeRefusedError):
        plan(Settings(host="127.example.com"), allow_remote_without_auth=False, concurrency=1)
    assert plan(Settings(host="127.0.0.2"), allow_remote_without_auth=False, concurrency=1).loopback


# -- what users see of a failure ---------------------------------------------------------------------

LEAKS = re.compile(r"no such table|sqlite|SELECT|Traceback|File \"|/tmp/|\.py\b|OperationalError")
REFERENCE = re.compile(r"reference ([0-9a-f]{8})")


@pytest.fixture()
def broken_app(tmp_path, embedder):
    """An app over an index whose manifest lost its tables after it was opened."""
    from conftest import index_reports

    from assistant.core import Assistant
    from assistant.settings import Settings
    from assistant.web.server import create_app, start

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "suffolk-2023.md").write_text(shared.SUFFOLK_MD, encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", reports_dir=reports, mcp=True)
    index_reports([reports], settings, embedder)
    assistant = Assistant(settings, embedder=embedder)
    assistant.warm_up()  # loaded as served, before the damage
    running = start(create_app(assistant, reports, mcp=True), "127.0.0.1", shared.free_port())
    manifests = [p for p in (tmp_path / "index").rglob("*") if _is_manifest(p)]
    assert manifests
    for path in manifests:
        with sqlite3.connect(path) as db:
            db.execute("DROP TABLE chunks")
    yield running.url
    running.stop()


def _is_manifest(path) -> bool:
    if not path.is_file() or path.suffix not in (".sqlite", ".sqlite3", ".db"):
        return False
    with sqlite3.connect(path) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    return {"chunks", "reports", "sources"} <= names


def test_failures_show_a_reference_not_their_details(broken_app, caplog):
    from test_api import mcp_call

    caplog.set_level(logging.ERROR, logger="inspection_assistant.web")
    shown: list[str] = []
    with http(broken_app) as c:
        ask = c.post("/api/ask", json={"question": shared_q()})
        assert ask.status_code == 500
        shown.append(ask.json()["detail"])
        quote = c.post("/api/quote", json={"topic": "care leavers"})
        assert quote.status_code == 500
        shown.append(quote.json()["detail"])
    with shared.api_client(broken_app) as gradio:
        for api_name, arg in (("/ask", shared_q()), ("/quote", "care leavers")):
            with pytest.raises(Exception) as err:  # noqa: PT011 (gradio_client's AppError)
                gradio.predict(arg, api_name=api_name)
            shown.append(str(err.value))
    _, (mcp_ask,) = mcp_call(broken_app, [("ask", {"question": shared_q()})])
    assert mcp_ask.isError
    shown.append(mcp_ask.content[0].text)
    logged = caplog.text
    for text in shown:
        assert not LEAKS.search(text), text
        ref = REFERENCE.search(text)
        assert ref, text
        assert ref.group(1) in logged  # the details are in the server log under it
    assert "no such table" in logged
