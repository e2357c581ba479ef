"""The command line: version, help, human output, ingest progress, exit codes, ``serve`` options.

The ``--json`` output of every command is checked against the stored reference in
``test_cli_reference.py``.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from importlib.metadata import version
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "assistant.cli"]
ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout
    )


def test_version(cli_env):
    out = run_cli("--version", env=cli_env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"inspection-assistant {version('inspection-assistant')}\n"


def test_console_script_runs_this_package(cli_env):
    script = Path(sys.executable).with_name("inspection-assistant")
    if not script.exists():
        pytest.skip("the console script is not installed next to this Python")
    env = dict(cli_env, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    for command in ("ingest", "status", "ask", "quote", "reports", "eval", "serve", "users"):
        assert command in out.stdout


def test_usage_errors_exit_2(cli_env):
    assert run_cli("ingest", env=cli_env, timeout=60).returncode == 2  # PATHS missing
    assert run_cli("quote", "x", "-k", "many", env=cli_env, timeout=60).returncode == 2
    out = run_cli("users", "add", "zoe", "--role", "root", "--auth", "u.json", env=cli_env)
    assert out.returncode == 2 and "root" in out.stderr


def test_ingest_of_a_missing_path_exits_1(tmp_path, cli_env):
    out = run_cli(
        "ingest", str(tmp_path / "nowhere"), "--index", str(tmp_path / "idx"), env=cli_env
    )
    assert out.returncode == 1
    assert out.stderr.startswith("error: no such file or folder")


def test_status_and_reports_tables(built_index, capsys):
    from assistant.cli import main

    settings, index = built_index
    assert main(["status", "--index", str(settings.store.index_dir)]) == 0
    text = capsys.readouterr().out
    st = index.stats()
    assert f"{st.reports} ({st.sources} files)" in text
    assert "embedding model" in text and str(settings.store.index_dir) in text
    assert main(["reports", "--index", str(settings.store.index_dir), "--subject", "Croydon"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["subject", "inspected", "overall", "source"]
    assert [line.split()[0] for line in lines[1:]] == ["Croydon", "Croydon"]
    assert "croydon/inspection 2017.pdf" in lines[1]


def _ingest_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run ingest with standard error on a pseudo-terminal: (exit code, stdout, stderr)."""
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    env = dict(env, TERM="xterm-256color", COLUMNS="120")
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [*CLI, "ingest", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env=env,
        cwd=ROOT,
        text=True,
    )
    os.close(slave)
    stdout, _ = proc.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(master)
    return proc.returncode, stdout, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_ingest_progress_on_a_terminal_and_off_with_json(tmp_path, cli_env):
    src = tmp_path / "src"
    src.mkdir()
    for name in ("Alphaton", "Betaville"):
        (src / f"{name.lower()}.txt").write_text(
            f"Report on {name}\n\n{name} inspectors praised the adoption service.\n", "utf-8"
        )
    code, stdout, stderr = _ingest_on_a_terminal(
        [str(src), "--index", str(tmp_path / "idx")], cli_env
    )
    assert code == 0, stderr
    assert stdout.startswith("added 2, updated 0")
    assert "making live" in stderr and "2/2" in stderr  # the bar's last state stays on screen
    assert "[ingest]" not in stderr  # the plain log lines are for logs, not terminals

    (src / "gammaford.txt").write_text("Report on Gammaford\n\nGood fostering.\n", "utf-8")
    code, stdout, stderr = _ingest_on_a_terminal(
        [str(src), "--index", str(tmp_path / "idx"), "--json"], cli_env
    )
    assert code == 0, stderr
    assert json.loads(stdout)["added"] == 1
    assert stderr == ""


def test_ingest_log_lines_when_not_a_terminal(tmp_path, cli_env):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Report on Alphaton\n\nAlphaton inspectors praised it.\n", "utf-8")
    out = run_cli("ingest", str(src), "--index", str(tmp_path / "idx"), env=cli_env)
    assert out.returncode == 0, out.stderr
    assert "[ingest] 1/1 files" in out.stderr
    out = run_cli("ingest", str(src), "--index", str(tmp_path / "idx"), "--json", env=cli_env)
    assert out.returncode == 0 and "[ingest]" not in out.stderr


def test_serve_options_reach_the_settings(built_index, tmp_path, monkeypatch, capsys):
    """Every option lands in the settings served with; the server itself is not started."""
    from assistant import serving
    from assistant.cli import main

    settings, _ = built_index
    for var in ("MCP", "HOST", "PORT", "AUTH_FILE", "EMBEDDING__THREADS"):
        monkeypatch.delenv(f"INSPECTION_ASSISTANT_{var}", raising=False)
    started = []
    monkeypatch.setattr(serving, "run", lambda app, plan: started.append((app, plan)))
    code = main(
        [
            "serve",
            "--index",
            str(settings.store.index_dir),
            "--reports",
            str(tmp_path / "reports"),
            "--host",
            "0.0.0.0",
            "--port",
            "8123",
            "--allow-remote-without-auth",
            "--concurrency",
            "3",
            "--mcp",
        ]
    )
    assert code == 0
    ((app, plan),) = started
    s = plan.settings
    assert s.web.mcp is True
    assert (s.store.index_dir, s.sources.reports_dir) == (
        settings.store.index_dir,
        tmp_path / "reports",
    )
    assert (s.web.host, s.web.port, s.web.auth_file, s.embedding.threads) == (
        "0.0.0.0",
        8123,
        None,
        1,
    )
    assert plan.concurrency == 3 and not plan.loopback and plan.users is None
    assert app.routes
    err = capsys.readouterr().err
    assert "WITHOUT LOGIN" in err and "serving on http://0.0.0.0:8123/ without login" in err


def test_serve_defaults(monkeypatch):
    from assistant import serving

    for var in ("MCP", "HOST", "PORT", "AUTH_FILE", "EMBEDDING__THREADS"):
        monkeypatch.delenv(f"INSPECTION_ASSISTANT_{var}", raising=False)
    s = serving.serve_settings()
    assert (s.web.host, s.web.port, s.web.auth_file, s.web.mcp, s.embedding.threads) == (
        "127.0.0.1",
        7860,
        None,
        False,
        1,
    )
    assert serving.serve_settings(1).embedding.threads == 0
    assert serving.serve_settings(mcp=True, host="::1").web.mcp is True
    plan = serving.plan(s, allow_remote_without_auth=False, concurrency=2)
    assert plan.loopback and plan.warning is None
    assert plan.url == "http://127.0.0.1:7860/"
    assert plan.listening.endswith("(loopback only: only this computer can connect)")
    remote = s.override(host="0.0.0.0")
    with pytest.raises(serving.ServeRefusedError, match="without login"):
        serving.plan(remote, allow_remote_without_auth=False, concurrency=2)
