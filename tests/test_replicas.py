"""Stateless replicas: app instances with their own (empty) folders serving one shared index
kept in a real `chroma run` server, written one host at a time under a lease.

Each "host" is a folder of its own and real CLI subprocesses (`ingest`, `ask`, `status`,
`serve`); nothing is shared between them but the Chroma server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from test_store_faults import ALPHA, BETA, CLI, ROOT, _free_port, _report, _start_chroma, _stop
from test_store_faults import _wait_for_port as wait_for_port

from assistant.records import Answer
from vectorstore.lease import Lease
from vectorstore.replica import shared_state_for
from vectorstore.shared_state import LeaseRecord

GAMMA = "Gammaford care leavers have personal advisers who help them into work and training."
BOUND_S = 60  # the longest a replica may take to answer about a newly published report


@pytest.fixture()
def server(tmp_path):
    """A `chroma run` server of this test alone, on a port it keeps across a restart."""
    proc, port = _start_chroma(tmp_path / "chroma-server")
    box = {"proc": proc, "port": port}
    yield box
    _stop(box["proc"])


def _env(cli_env: dict, port: int, **extra: str) -> dict:
    return {
        **cli_env,
        "INSPECTION_ASSISTANT_STORE": "chroma-server",
        "INSPECTION_ASSISTANT_CHROMA_PORT": str(port),
        "INSPECTION_ASSISTANT_SHARED_INDEX": "true",
        "INSPECTION_ASSISTANT_STORE__SHARED_POLL_S": "0.5",
        "INSPECTION_ASSISTANT_STORE__LEASE_SETTLE_S": "0.5",
        **extra,
    }


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


def _ingest(env: dict, reports: Path, folder: Path) -> subprocess.CompletedProcess:
    return _cli(env, "ingest", str(reports), "--index", str(folder), "--json")


def _ask(env: dict, folder: Path, question: str) -> dict:
    out = _cli(env, "ask", question, "--index", str(folder), "--json")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    answer.pop("timings_ms", None)
    return answer


def _status(env: dict, folder: Path) -> dict:
    out = _cli(env, "status", "--index", str(folder), "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    st = json.loads(out.stdout)
    return {k: v for k, v in st.items() if k not in ("index", "size_bytes", "size")}


QUESTIONS = [
    "What did Alphaton inspectors praise?",
    "Do Betaville foster carers wait long for approval panels?",
    "What did inspectors say about prisons in Alphaton?",
]


def test_an_empty_folder_on_another_host_answers_as_the_host_that_ingested(
    tmp_path, server, cli_env
):
    env = _env(cli_env, server["port"])
    reports = tmp_path / "reports"
    _report(reports, "a.txt", "Alphaton", ALPHA)
    _report(reports, "b.txt", "Betaville", BETA)
    host_a, host_b = tmp_path / "host-a", tmp_path / "host-b"
    done = _ingest(env, reports, host_a)
    assert done.returncode == 0 and json.loads(done.stdout)["added"] == 2, done.stderr

    assert not host_b.exists()
    for question in QUESTIONS:
        assert _ask(env, host_b, question) == _ask(env, host_a, question)
    assert _status(env, host_b) == _status(env, host_a)
    assert _status(env, host_b)["reports"] == 2 and _status(env, host_b)["problems"] == []
    listed = [_cli(env, "reports", "--index", str(h), "--json").stdout for h in (host_a, host_b)]
    assert listed[0] == listed[1] and "Alphaton" in listed[0]
    # Without the shared setting an empty folder is a new index of its own, as before.
    alone = _cli(
        {**env, "INSPECTION_ASSISTANT_SHARED_INDEX": "false"},
        "status",
        "--index",
        str(tmp_path / "host-c"),
        "--json",
    )
    assert "no index" in json.loads(alone.stdout)["error"]


def _serve(env: dict, folder: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            *CLI,
            "serve",
            "--index",
            str(folder),
            "--port",
            str(port),
            "--reports",
            str(folder / "reports"),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _api_ask(port: int, question: str) -> dict:
    r = httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"question": question}, timeout=60)
    r.raise_for_status()
    return r.json()


def _cites(answer: dict, words: str) -> bool:
    return not answer["abstained"] and any(words in c["quote"] for c in answer["citations"])


def _until_cited(port: int, question: str, words: str) -> float:
    """Seconds until the app at ``port`` answers ``question`` citing ``words`` (bounded)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < BOUND_S:
        if _cites(_api_ask(port, question), words):
            return time.monotonic() - t0
        time.sleep(0.5)
    pytest.fail(f"the app on port {port} did not answer about {words!r} in {BOUND_S} s")


def test_two_serve_processes_answer_a_report_another_host_ingested(tmp_path, server, cli_env):
    env = _env(cli_env, server["port"])
    writer, reports = tmp_path / "writer", tmp_path / "reports"
    _report(reports, "a.txt", "Alphaton", ALPHA)
    assert _ingest(env, reports, writer).returncode == 0
    ports = [_free_port(), _free_port()]
    apps = [_serve(env, tmp_path / f"replica-{i}", p) for i, p in enumerate(ports)]
    try:
        for app, port in zip(apps, ports, strict=True):
            wait_for_port(port, app, 300)
            assert _cites(_api_ask(port, QUESTIONS[0]), "adoption team")
        _report(reports, "b.txt", "Betaville", BETA)
        assert _ingest(env, reports, writer).returncode == 0
        waited = [_until_cited(port, QUESTIONS[1], "approval panels") for port in ports]
        print(f"replicas answered about the new report after {waited} s")
        answers = [_api_ask(port, QUESTIONS[1]) for port in ports]
        assert answers[0]["citations"] == answers[1]["citations"]
        _conversations_are_shared(ports, server["port"], answers[0]["question"])
    finally:
        for app in apps:
            _stop(app)


def _conversations_are_shared(ports: list[int], chroma_port: int, question: str) -> None:
    """A conversation saved by one replica's page is listed, shared and deleted on either."""
    from assistant.conversation_stores import make_conversation_store
    from assistant.settings import Settings

    settings = Settings(store={"chroma_port": chroma_port})
    page = make_conversation_store("chroma-server", settings)  # as a replica's page saves
    cid = page.append("local", None, Answer(question, "Not long. [1]", False))
    for port in ports:
        listed = httpx.get(f"http://127.0.0.1:{port}/api/conversations", timeout=30).json()
        assert [c["id"] for c in listed] == [cid]
    token = httpx.post(f"http://127.0.0.1:{ports[0]}/api/conversations/{cid}/share").json()
    shared = httpx.get(f"http://127.0.0.1:{ports[1]}/api/shared/{token['token']}").json()
    assert shared["id"] == cid
    assert httpx.delete(f"http://127.0.0.1:{ports[1]}/api/conversations/{cid}").status_code == 200
    assert httpx.get(f"http://127.0.0.1:{ports[0]}/api/conversations").json() == []


# -- one writer at a time across hosts --------------------------------------------------------
def _shared(port: int):
    return shared_state_for("127.0.0.1", port, None, 1024 * 1024)


def test_an_ingest_refuses_while_another_host_holds_the_lease(tmp_path, server, cli_env):
    env = _env(cli_env, server["port"])
    reports = tmp_path / "reports"
    _report(reports, "a.txt", "Alphaton", ALPHA)
    other = Lease(_shared(server["port"]), ttl_s=120, settle_s=0)
    other.acquire()  # another host writing
    refused = _ingest(env, reports, tmp_path / "host-a")
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert "another ingest is writing" in refused.stderr and "Traceback" not in refused.stderr
    assert f"process {os.getpid()}" in refused.stderr
    other.release()
    assert _ingest(env, reports, tmp_path / "host-a").returncode == 0


def test_two_ingests_at_once_from_two_hosts_one_refuses(tmp_path, server, cli_env):
    env = _env(cli_env, server["port"], INSPECTION_ASSISTANT_STORE__LEASE_SETTLE_S="2")
    runs = []
    for name, subject, finding in (("a", "Alphaton", ALPHA), ("b", "Betaville", BETA)):
        reports = tmp_path / f"reports-{name}"
        _report(reports, f"{name}.txt", subject, finding)
        runs.append(
            subprocess.Popen(
                [*CLI, "ingest", str(reports), "--index", str(tmp_path / f"host-{name}"), "--json"],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outs = [r.communicate(timeout=300) for r in runs]
    codes = sorted(r.returncode for r in runs)
    assert codes == [0, 4], outs
    assert not _shared(server["port"]).leases()  # the winner gave it up when done


def test_a_stale_lease_is_taken_over(tmp_path, server, cli_env):
    env = _env(cli_env, server["port"])
    reports = tmp_path / "reports"
    _report(reports, "a.txt", "Alphaton", ALPHA)
    shared = _shared(server["port"])
    now = time.time()
    shared.put_lease(LeaseRecord("deadbeef", "crashed-host", 1, now - 300, now - 120))
    done = _ingest(env, reports, tmp_path / "host-a")
    assert done.returncode == 0, done.stderr
    assert "taking over the lease of host crashed-host" in done.stderr
    assert shared.leases() == []


def test_an_ingest_killed_mid_way_on_one_host_is_finished_by_another(tmp_path, server, cli_env):
    env = _env(cli_env, server["port"], INSPECTION_ASSISTANT_STORE__LEASE_TTL_S="4")
    reports = tmp_path / "reports"  # a folder both hosts mount
    paragraphs = "\n\n".join(f"Gammaford paragraph {i}: {GAMMA}" for i in range(40))
    for i in range(6):
        _report(reports, f"g{i}.txt", f"Gammaford {i}", paragraphs.replace("paragraph", f"p{i}"))
    shared = _shared(server["port"])
    killed = subprocess.Popen(
        [*CLI, "ingest", str(reports), "--index", str(tmp_path / "host-a"), "--json"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while not shared.leases() and time.time() < deadline:
        time.sleep(0.1)
    assert shared.leases(), "the ingest never took the lease"
    time.sleep(1.5)  # into the run: parsing, embedding or making live
    killed.send_signal(signal.SIGKILL)
    killed.wait()

    host_b = tmp_path / "host-b"
    first = _ingest(env, reports, host_b)
    if first.returncode == 4:  # the killed run's lease had not lapsed yet
        time.sleep(5)
        first = _ingest(env, reports, host_b)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["failed"] == []
    replica = tmp_path / "host-c"
    st = _status(env, replica)
    assert (st["reports"], st["problems"]) == (6, []), st
    assert st["vectors"] == st["chunks"]  # the killed run's vectors of unpublished reports gone
    assert _cites(_ask(env, replica, "How do Gammaford advisers help care leavers?"), "advisers")


# -- faults across machines -------------------------------------------------------------------
def test_a_chroma_restart_and_a_replica_killed_mid_load_leave_the_others_serving(
    tmp_path, server, cli_env
):
    env = _env(cli_env, server["port"])
    writer, reports = tmp_path / "writer", tmp_path / "reports"
    _report(reports, "a.txt", "Alphaton", ALPHA)
    assert _ingest(env, reports, writer).returncode == 0
    ports = [_free_port(), _free_port()]
    apps = [_serve(env, tmp_path / "replica-0", ports[0])]
    try:
        wait_for_port(ports[0], apps[0], 300)
        # A replica killed while it loads: the other keeps serving; started again, it serves.
        loading = _serve(env, tmp_path / "replica-1", ports[1])
        time.sleep(3)
        loading.send_signal(signal.SIGKILL)
        loading.wait()
        assert _cites(_api_ask(ports[0], QUESTIONS[0]), "adoption team")
        apps.append(_serve(env, tmp_path / "replica-1", ports[1]))
        wait_for_port(ports[1], apps[1], 300)
        assert _cites(_api_ask(ports[1], QUESTIONS[0]), "adoption team")

        # The Chroma server goes away during questions: the replicas keep answering (from
        # the vectors they hold in memory, or by keyword search with a notice).
        _stop(server["proc"])
        for port in ports:
            during = _api_ask(port, QUESTIONS[0])
            assert _cites(during, "adoption team")
            if during["search_fallback"] is not None:
                assert "keyword" in during["search_fallback"]["message"]
        cold = _ask(env, writer, QUESTIONS[0])  # a process that holds no vectors in memory
        assert _cites(cold, "adoption team") and cold["search_fallback"] is not None
        assert "keyword" in cold["search_fallback"]["message"]

        # Back on the same port: the replicas follow again without being restarted.
        server["proc"], _ = _start_chroma(tmp_path / "chroma-server", server["port"])
        _report(reports, "b.txt", "Betaville", BETA)
        assert _ingest(env, reports, writer).returncode == 0
        for port in ports:
            _until_cited(port, QUESTIONS[1], "approval panels")
            assert _api_ask(port, QUESTIONS[1])["search_fallback"] is None
        assert _ask(env, writer, QUESTIONS[0])["search_fallback"] is None
    finally:
        for app in apps:
            _stop(app)
