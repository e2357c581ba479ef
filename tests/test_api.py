"""The REST API and the MCP tools of the served app, over HTTP with real clients.

The app runs for real (uvicorn on a free loopback port) over the index of ``test_ui_units``
(reports generated there, built once per session); ``httpx`` calls ``/api`` and the ``mcp``
package's streamable-HTTP client calls the MCP tools.
"""

from __future__ import annotations

import json

import httpx
import pytest
import test_ui_units as shared
from test_ui_units import PASSWORDS

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

SUFFOLK_Q = "How well are care leavers supported in Suffolk?"


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


def client(served, auth: tuple[str, str] | None = None, **kwargs) -> httpx.Client:
    """An HTTP client of a served app (HTTP Basic credentials when given)."""
    return httpx.Client(base_url=served.url, auth=auth, timeout=120, **kwargs)


def reader(served) -> httpx.Client:
    return client(served, ("reader", PASSWORDS["reader"]))


def _without_timings(d: dict) -> dict:
    return {k: v for k, v in d.items() if k != "timings_ms"}


# -- answers --------------------------------------------------------------------------------------


def test_ask_returns_the_ask_json(open_server, ui_env):
    from assistant.jsonio import answer_json

    with client(open_server) as http:
        resp = http.post("/api/ask", json={"question": SUFFOLK_Q})
    assert resp.status_code == 200, resp.text
    got = resp.json()
    want = json.loads(json.dumps(answer_json(ui_env.assistant.ask(SUFFOLK_Q))))
    assert _without_timings(got) == _without_timings(want)
    assert set(got["timings_ms"]) == set(want["timings_ms"])
    assert not got["abstained"] and got["citations"][0]["subject"] == "Suffolk"


def test_ask_filters_and_history(open_server):
    q = "How are care leavers supported?"
    with client(open_server) as http:
        norfolk = http.post("/api/ask", json={"question": q, "subject": "Norfolk"}).json()
        both = http.post("/api/ask", json={"question": q, "subject": ["Suffolk"]}).json()
        dated = http.post("/api/ask", json={"question": q, "date_from": "2023-01-01"}).json()
        first = http.post(
            "/api/ask", json={"question": "How are care leavers supported in Norfolk?"}
        ).json()
        follow = http.post(
            "/api/ask",
            json={"question": "And what about social workers there?", "history": [first]},
        ).json()
        alone = http.post(
            "/api/ask", json={"question": "And what about social workers there?"}
        ).json()
        bad_date = http.post("/api/ask", json={"question": q, "date_from": "30/11/2022"})
        unknown = http.post("/api/ask", json={"question": q, "subjects": ["Norfolk"]})
    assert {c["subject"] for c in norfolk["citations"]} == {"Norfolk"}
    assert {c["subject"] for c in both["citations"]} == {"Suffolk"}
    assert not {"Norfolk", "Kent"} & {c["subject"] for c in dated["citations"]}
    assert follow["context"]["carried"] and follow["context"]["subjects"] == ["Norfolk"]
    assert {c["subject"] for c in follow["citations"]} == {"Norfolk"}
    assert not alone["context"]["carried"]
    assert bad_date.status_code == 422 and unknown.status_code == 422


def test_quote_returns_the_quote_json(open_server, ui_env):
    from assistant.jsonio import quote_json

    body = {"topic": "care leavers housing", "subject": "Suffolk", "k": 3}
    with client(open_server) as http:
        resp = http.post("/api/quote", json=body)
        too_many = http.post("/api/quote", json={**body, "k": 21})
    assert resp.status_code == 200, resp.text
    quotes = ui_env.assistant.quote("care leavers housing", subject="Suffolk", k=3)
    want = {"topic": "care leavers housing", "quotes": [quote_json(q) for q in quotes]}
    assert resp.json() == json.loads(json.dumps(want))
    assert resp.json()["quotes"] and too_many.status_code == 422


def test_reports_returns_the_reports_json(open_server, ui_env):
    from datetime import date

    from assistant.catalogue import report_json

    cat = ui_env.assistant.catalogue
    with client(open_server) as http:
        everything = http.get("/api/reports").json()
        rutland = http.get("/api/reports", params={"subject": "Rutland"}).json()
        good = http.get("/api/reports", params={"grade": "good", "date_from": "2020-01-01"})
        bad_grade = http.get("/api/reports", params={"grade": "splendid"})
        unknown = http.get("/api/reports", params={"colour": "blue"})
    assert everything == json.loads(
        json.dumps([report_json(cat.report(r)) for r in cat.list_reports()])
    )
    assert {r["source"] for r in rutland} == {"rutland-2018.pdf", "rutland-2023.pdf"}
    good_since = cat.list_reports(grade="good", date_from=date(2020, 1, 1))
    want = [report_json(cat.report(r)) for r in good_since]
    assert good.json() == json.loads(json.dumps(want))
    assert [r["source"] for r in good.json()] == ["rutland-2023.pdf"]
    assert bad_grade.status_code == 422 and "splendid" in bad_grade.json()["detail"]
    assert unknown.status_code == 422


def test_status_is_the_status_json(open_server, ui_env):
    from assistant.status import index_status

    with client(open_server) as http:
        got = http.get("/api/status").json()
    want = index_status(ui_env.settings).as_dict()
    assert set(got) == set(want)
    assert got["reports"] == want["reports"] >= 5 and got["chunks"] == want["chunks"]
    assert [f["path"] for f in got["failed"]] == ["broken.pdf"]


def test_overlong_question_and_topic_are_refused(open_server, auth_server):
    long = "care leavers " * 100  # 1,300 characters
    with client(open_server) as http:
        ask = http.post("/api/ask", json={"question": long})
        quote = http.post("/api/quote", json={"topic": long})
        empty = http.post("/api/ask", json={"question": ""})
    for resp in (ask, quote):
        assert resp.status_code == 422
        assert "at most 1000 characters" in resp.json()["detail"][0]["msg"]
    assert empty.status_code == 422
    # The page's own endpoint for scripts refuses it too.
    with shared.api_client(open_server.url) as gradio, pytest.raises(Exception, match="1,000"):
        gradio.predict(long, api_name="/ask")


# -- the schema -----------------------------------------------------------------------------------


def test_openapi_lists_the_routes(open_server):
    with client(open_server) as http:
        schema = http.get("/api/openapi.json").json()
        docs = http.get("/api/docs")
    paths = schema["paths"]
    assert set(paths) == {
        "/api/ask",
        "/api/quote",
        "/api/reports",
        "/api/status",
        "/api/admin/rescan",
        "/api/conversations",
        "/api/conversations/{cid}",
        "/api/conversations/{cid}/export.{fmt}",
        "/api/conversations/{cid}/share",
        "/api/shared/{token}",
        "/api/shared/{token}/export.{fmt}",
        "/api/admin/feedback",
        "/api/admin/feedback.jsonl",
    }
    assert set(paths["/api/ask"]) == {"post"} and set(paths["/api/reports"]) == {"get"}
    ask = schema["components"]["schemas"]["AskRequest"]["properties"]
    assert ask["question"]["maxLength"] == 1000
    assert {"subject", "inspectorate", "report", "date_from", "date_to", "kind", "history"} <= set(
        ask
    )
    query = {p["name"] for p in paths["/api/reports"]["get"]["parameters"]}
    assert query == {"subject", "grade", "judgement", "date_from", "date_to", "kind"}
    assert any(s.get("scheme") == "basic" for s in schema["components"]["securitySchemes"].values())
    assert docs.status_code == 200 and docs.headers["content-type"].startswith("text/html")
    page = docs.text
    assert all(p in page for p in paths) and "AskRequest" in page and "HistoryTurn" in page
    assert "<script" not in page and "http" not in page  # nothing fetched from elsewhere


# -- logins and roles -----------------------------------------------------------------------------


def test_login_is_required_when_the_app_has_logins(auth_server):
    calls = [
        ("POST", "/api/ask", {"question": SUFFOLK_Q}),
        ("POST", "/api/quote", {"topic": "care leavers"}),
        ("GET", "/api/reports", None),
        ("GET", "/api/status", None),
        ("POST", "/api/admin/rescan", {}),
    ]
    for auth in (None, ("reader", "wrong-password"), ("nobody", PASSWORDS["reader"])):
        with client(auth_server, auth) as http:
            for method, path, body in calls:
                resp = http.request(method, path, json=body)
                assert resp.status_code == 401, (auth, path, resp.text)
                assert resp.headers["www-authenticate"].startswith("Basic")
    with reader(auth_server) as http:
        got = http.post("/api/ask", json={"question": SUFFOLK_Q})
        assert got.status_code == 200 and not got.json()["abstained"]
        assert http.get("/api/status").status_code == 200
    # The page's login cookie works as well.
    with client(auth_server) as http:
        login = http.post("/login", data={"username": "reader", "password": PASSWORDS["reader"]})
        assert login.status_code == 200
        assert http.get("/api/reports").status_code == 200


def test_readers_cannot_call_admin_routes(auth_server):
    with reader(auth_server) as http:
        resp = http.post("/api/admin/rescan", json={"prune": False})
    assert resp.status_code == 403 and "admin" in resp.json()["detail"]
    with client(auth_server, ("admin", PASSWORDS["admin"])) as http:
        resp = http.post("/api/admin/rescan", json={"prune": False})
    assert resp.status_code == 200, resp.text
    summary = resp.json()
    assert {"added", "updated", "unchanged", "removed", "failed"} <= set(summary)
    assert summary["unchanged"] >= 5


def test_without_logins_only_this_computer_is_answered(open_server):
    with client(open_server, headers={"Host": "reports.example:7860"}) as http:
        assert http.get("/api/status").status_code == 400  # not an allowed host
    with client(open_server, headers={"Host": "localhost"}) as http:
        assert http.get("/api/status").status_code == 200


# -- MCP ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mcp_servers(ui_env):
    """Two apps serving MCP over the shared index: without logins and with them."""
    from assistant.auth import UserStore
    from assistant.web.server import create_app, start

    running = {}
    for name, users in (("open", None), ("auth", UserStore(ui_env.users_file))):
        app = create_app(ui_env.assistant, ui_env.reports_dir, users, mcp=True)
        running[name] = start(app, "127.0.0.1", shared.free_port())
    yield {name: r.url for name, r in running.items()}
    for r in running.values():
        r.stop()


def mcp_call(url: str, calls: list[tuple[str, dict]], auth: tuple[str, str] | None = None):
    """Open an MCP session (streamable HTTP), list the tools and make the calls.

    Returns:
        The tools listed and each call's result.
    """
    import asyncio

    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def session():
        async with (
            httpx.AsyncClient(auth=auth, timeout=120) as http,
            streamable_http_client(f"{url}mcp", http_client=http) as (read, write, _),
            ClientSession(read, write) as s,
        ):
            await s.initialize()
            tools = (await s.list_tools()).tools
            return tools, [await s.call_tool(name, args) for name, args in calls]

    return asyncio.run(session())


def test_mcp_lists_the_tools_and_answers(mcp_servers, ui_env):
    from assistant.jsonio import answer_json

    tools, (ask, quote, reports, too_long) = mcp_call(
        mcp_servers["open"],
        [
            ("ask", {"question": SUFFOLK_Q}),
            ("quote", {"topic": "care leavers housing", "subject": "Suffolk", "k": 2}),
            ("reports", {"subject": "Rutland"}),
            ("ask", {"question": "x" * 1001}),
        ],
    )
    by_name = {t.name: t for t in tools}
    assert set(by_name) == {"ask", "quote", "reports"}
    schema = by_name["ask"].inputSchema
    assert schema["required"] == ["question"]
    assert {"subject", "inspectorate", "report", "date_from", "date_to"} <= set(
        schema["properties"]
    )
    assert "citation" in by_name["ask"].description
    assert not ask.isError
    want = json.loads(json.dumps(answer_json(ui_env.assistant.ask(SUFFOLK_Q))))
    got = json.loads(ask.content[0].text)  # the JSON text, and the same as structured content
    assert got == ask.structuredContent
    assert _without_timings(got) == _without_timings(want)
    assert not quote.isError and len(quote.structuredContent["quotes"]) == 2
    assert {r["source"] for r in reports.structuredContent["result"]} == {
        "rutland-2018.pdf",
        "rutland-2023.pdf",
    }
    assert too_long.isError and "1000" in too_long.content[0].text


def test_mcp_needs_a_login_when_the_app_has_logins(mcp_servers):
    url = f"{mcp_servers['auth']}mcp"
    hello = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    accept = {"Accept": "application/json, text/event-stream"}
    for auth in (None, ("reader", "wrong-password")):
        resp = httpx.post(url, json=hello, headers=accept, auth=auth, timeout=60)
        assert resp.status_code == 401 and resp.headers["www-authenticate"].startswith("Basic")
    tools, (ask,) = mcp_call(
        mcp_servers["auth"], [("ask", {"question": SUFFOLK_Q})], ("reader", PASSWORDS["reader"])
    )
    assert {t.name for t in tools} == {"ask", "quote", "reports"}
    assert not ask.isError and ask.structuredContent["citations"]
    # Without logins, on loopback: only requests addressed to this computer.
    elsewhere = {**accept, "Host": "reports.example:7860"}
    resp = httpx.post(f"{mcp_servers['open']}mcp", json=hello, headers=elsewhere, timeout=60)
    assert resp.status_code == 400  # not an allowed host


def test_mcp_is_off_unless_asked_for(open_server):
    resp = httpx.post(
        f"{open_server.url}mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
        headers={"Accept": "application/json, text/event-stream"},
        timeout=60,
    )
    assert resp.status_code in (404, 405)


@pytest.mark.slow
def test_serve_turns_mcp_on_from_the_setting(tmp_path, embedder, cli_env):
    """``inspection-assistant serve`` with ``INSPECTION_ASSISTANT_MCP=true`` serves the tools."""
    import subprocess
    import sys
    import time

    from conftest import index_reports

    from assistant.settings import Settings

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "suffolk-2023.md").write_text(shared.SUFFOLK_MD, encoding="utf-8")
    index_reports([reports], Settings(index_dir=tmp_path / "index"), embedder)
    port = shared.free_port()
    env = {**cli_env, "INSPECTION_ASSISTANT_MCP": "true"}
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--index", str(tmp_path / "index")]
    cmd += ["--reports", str(reports), "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{url}api/status", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        assert proc.poll() is None, proc.stderr.read()
        tools, (reports_result,) = mcp_call(url, [("reports", {})])
        assert {t.name for t in tools} == {"ask", "quote", "reports"}
        assert [r["source"] for r in reports_result.structuredContent["result"]] == [
            "suffolk-2023.md"
        ]
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert f"MCP tools at {url}mcp" in err
