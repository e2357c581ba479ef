"""Logins of the served app, driven over HTTP the way an attacker or an admin would.

Each test serves the real app (uvicorn on a free loopback port, in a thread) over a small real
index, with a users file made in ``tmp_path``; ``httpx`` clients sign in through ``POST /login``
(the page's form) or HTTP Basic. Clients bind to different loopback addresses (127.0.0.2,
127.0.0.3, …) to be different clients to the server. Users are changed by the real command line
in a subprocess while the server runs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from test_ui_units import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "assistant.cli"]
PASSWORDS = {"reader": "reader-pass-123", "admin": "admin-pass-123"}
TOO_MANY = re.compile(r"^Too many attempts, try again in (\d+) s$")


def scrypt_hash(password: str, n: int, p: int = 1) -> str:
    """A users-file password hash made with scrypt cost ``n`` (r=8), built here by hand so the
    file does not depend on the parameters the code under test would choose."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=n, r=8, p=p, dklen=32, maxmem=256 * 1024 * 1024
    )
    b64 = base64.b64encode
    return f"scrypt${n}$8${p}${b64(salt).decode()}${b64(digest).decode()}"


def write_users(path: Path, n: int = 2**17, p: int = 1) -> Path:
    """A users file of ``reader`` and ``admin`` whose hashes have cost ``n`` and ``p``."""
    users = {
        name: {"role": name, "password": scrypt_hash(pw, n, p)} for name, pw in PASSWORDS.items()
    }
    path.write_text(json.dumps({"version": 1, "users": users}), encoding="utf-8")
    return path


@contextmanager
def served(assistant, users_file: Path, **settings):
    """The app with logins from ``users_file`` and these settings, served in a thread."""
    from assistant.auth import UserStore
    from assistant.core import Assistant
    from assistant.web.server import create_app, start

    tuned = Assistant(
        assistant.settings.override(route__exemplars=False, **settings),
        index=assistant.index,
        embedder=assistant.embedder,
    )
    app = create_app(tuned, Path(users_file).parent, UserStore(users_file))
    running = start(app, "127.0.0.1", free_port())
    try:
        yield running.url
    finally:
        running.stop()


def client(url: str, source: str = "127.0.0.1", auth=None) -> httpx.Client:
    """An HTTP client of the app whose connections come from the loopback address ``source``."""
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=url, transport=transport, auth=auth, timeout=120)


def login(http: httpx.Client, user: str, password: str) -> httpx.Response:
    """The page's login form, as the browser posts it."""
    return http.post("/login", data={"username": user, "password": password})


def assert_too_many(resp: httpx.Response) -> int:
    """The response is the rate limit's refusal; returns its Retry-After."""
    assert resp.status_code == 429, (resp.status_code, resp.text)
    wait = int(resp.headers["retry-after"])
    match = TOO_MANY.match(resp.json()["detail"])
    assert match and int(match.group(1)) == wait, resp.text
    return wait


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


# -- rate limit ---------------------------------------------------------------------------------


def test_failed_logins_are_limited_per_user_name_and_per_client(assistant, tmp_path):
    users = write_users(tmp_path / "users.json")
    limits = {"login_window_s": 120, "login_failures_per_user": 2, "login_failures_per_client": 3}
    with served(assistant, users, **limits) as url:
        # One client guesses the reader's password: after 2 failures the name is refused.
        with client(url, "127.0.0.2") as attacker:
            assert [login(attacker, "reader", f"guess-{i}").status_code for i in range(2)] == [
                400,
                400,
            ]
            wait = assert_too_many(login(attacker, "reader", PASSWORDS["reader"]))
            assert 1 <= wait <= 120
        # For that name, from anywhere, by form or by HTTP Basic, until the window has passed.
        with client(url, "127.0.0.3") as other:
            assert_too_many(login(other, "reader", PASSWORDS["reader"]))
            basic = other.get("/api/reports", auth=("reader", PASSWORDS["reader"]))
            assert_too_many(basic)
            # Another user from another client is not affected.
            assert login(other, "admin", PASSWORDS["admin"]).status_code == 200
            assert other.get("/api/reports").status_code == 200
        # One client tries many names: after 3 failures the client is refused, whoever it names.
        with client(url, "127.0.0.4") as sprayer:
            assert [login(sprayer, f"nobody{i}", "guess").status_code for i in range(3)] == [
                400
            ] * 3
            assert_too_many(login(sprayer, "admin", PASSWORDS["admin"]))
            assert_too_many(sprayer.get("/api/reports", auth=("admin", PASSWORDS["admin"])))
        with client(url, "127.0.0.5", auth=("admin", PASSWORDS["admin"])) as script:
            assert script.get("/api/reports").status_code == 200
        # Wrong HTTP Basic credentials count like wrong form logins.
        with client(url, "127.0.0.6") as guesser:
            for i in range(2):
                resp = guesser.get("/api/reports", auth=("admin", f"guess-{i}"))
                assert resp.status_code == 401
            assert_too_many(guesser.get("/api/reports", auth=("admin", "guess-2")))


def test_a_burst_of_wrong_logins_leaves_other_requests_answered(assistant, tmp_path):
    # p=8: each check takes eight times as long as a current hash's, in the same memory.
    users = write_users(tmp_path / "users.json", p=8)
    burst = 4
    # Limits high enough that every attempt of the burst has its password checked.
    limits = {"login_failures_per_user": 1000, "login_failures_per_client": 1000}
    with served(assistant, users, **limits) as url, client(url) as reader:
        assert login(reader, "reader", PASSWORDS["reader"]).status_code == 200
        codes: list[int] = []

        def guess(i: int) -> None:
            with client(url, "127.0.0.2") as http:
                codes.append(login(http, "admin", f"guess-{i}").status_code)

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(burst)]
        for t in threads:
            t.start()
        time.sleep(0.5)  # the burst is in the server's hands
        start = time.monotonic()
        statuses = [reader.get("/api/reports").status_code for _ in range(5)]
        waited = time.monotonic() - start
        unanswered = burst - len(codes)
        for t in threads:
            t.join(120)
    assert statuses == [200] * 5
    # The burst's checks take many seconds of CPU; the reader waits for none of them.
    assert waited < 5.0, f"five requests of a reader took {waited:.1f} s during the burst"
    assert unanswered > 0, "the burst was over before the reader asked: nothing was measured"
    assert sorted(codes) == [400] * burst


# -- hashing ------------------------------------------------------------------------------------


def test_new_hashes_use_the_owasp_scrypt_parameters(tmp_path):
    from assistant.auth import UserStore

    store = UserStore(tmp_path / "users.json")
    store.add_user("carol", "carol-password", "reader")
    stored = json.loads((tmp_path / "users.json").read_text())["users"]["carol"]["password"]
    scheme, n, r, p, _salt, _digest = stored.split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)
    assert store.verify("carol", "carol-password") and not store.verify("carol", "wrong-pass")


def test_old_hashes_keep_working_and_are_rehashed_at_login(assistant, tmp_path):
    users = write_users(tmp_path / "users.json", n=2**14)

    def stored(name: str) -> str:
        return json.loads(users.read_text())["users"][name]["password"]

    before = stored("reader")
    with served(assistant, users) as url, client(url) as http:
        assert login(http, "reader", "wrong-password").status_code == 400
        assert stored("reader") == before  # a wrong password changes nothing
        assert login(http, "reader", PASSWORDS["reader"]).status_code == 200
        after = stored("reader")
        assert after != before and after.startswith("scrypt$131072$8$1$")
        assert stored("admin").startswith("scrypt$16384$")  # only the user who signed in
        # The session opened before the rehash lives on; the password works by both routes.
        assert http.get("/api/reports").status_code == 200
        with client(url, auth=("reader", PASSWORDS["reader"])) as script:
            assert script.get("/api/reports").status_code == 200
        with client(url) as again:
            assert login(again, "reader", PASSWORDS["reader"]).status_code == 200
            assert login(again, "reader", "wrong-password").status_code == 400
        assert stored("reader") == after  # rehashed once


# -- sessions -----------------------------------------------------------------------------------


def test_sessions_end_when_idle_or_too_old(assistant, tmp_path):
    users = write_users(tmp_path / "users.json")
    with (
        served(assistant, users, session_idle_s=3.0, session_max_s=6.0) as url,
        client(url) as idle,
        client(url) as busy,
    ):
        assert login(idle, "reader", PASSWORDS["reader"]).status_code == 200
        assert idle.get("/api/reports").status_code == 200
        assert idle.get("/config").status_code == 200
        time.sleep(4.0)
        # Unused for longer than the idle limit, the session has ended, for Gradio's routes too.
        assert idle.get("/api/reports").status_code == 401
        assert idle.get("/config").status_code == 401

        assert login(busy, "reader", PASSWORDS["reader"]).status_code == 200
        since = time.monotonic()
        # Used every 0.3 s, a session outlives the idle limit, up to its lifetime.
        codes = []
        while time.monotonic() - since < 4.5:
            codes.append(busy.get("/api/reports").status_code)
            time.sleep(0.3)
        assert set(codes) == {200}
        while time.monotonic() - since < 7.0:
            busy.get("/api/reports")
            time.sleep(0.3)
        assert busy.get("/api/reports").status_code == 401
        assert busy.get("/config").status_code == 401
        # Signing in again opens a new session.
        assert login(busy, "reader", PASSWORDS["reader"]).status_code == 200
        assert busy.get("/api/reports").status_code == 200


def test_changing_or_removing_a_user_ends_their_sessions(assistant, tmp_path):
    users = write_users(tmp_path / "users.json")
    new_password = "reader-pass-456"
    with (
        served(assistant, users) as url,
        client(url) as reader,
        client(url) as admin,
        client(url, auth=("reader", PASSWORDS["reader"])) as reader_script,
        client(url, auth=("admin", PASSWORDS["admin"])) as admin_script,
    ):
        assert login(reader, "reader", PASSWORDS["reader"]).status_code == 200
        assert login(admin, "admin", PASSWORDS["admin"]).status_code == 200
        for http in (reader, admin, reader_script, admin_script):
            assert http.get("/api/reports").status_code == 200
        assert reader.get("/config").status_code == 200

        changed = cli(
            "users", "add", "reader", "--role", "reader", "--auth", str(users),
            "--password", new_password, "--replace",
        )  # fmt: skip
        assert changed.returncode == 0, changed.stderr
        assert reader.get("/api/reports").status_code == 401
        assert reader.get("/config").status_code == 401
        assert reader_script.get("/api/reports").status_code == 401
        with client(url, auth=("reader", new_password)) as renewed:
            assert renewed.get("/api/reports").status_code == 200
        assert admin.get("/api/reports").status_code == 200  # other users keep theirs

        removed = cli("users", "remove", "admin", "--auth", str(users))
        assert removed.returncode == 0, removed.stderr
        assert admin.get("/api/reports").status_code == 401
        assert admin_script.get("/api/reports").status_code == 401
        assert login(admin, "admin", PASSWORDS["admin"]).status_code == 400
    again = cli("users", "remove", "admin", "--auth", str(users))
    assert again.returncode == 1 and "no user admin" in again.stderr
