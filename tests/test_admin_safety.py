"""Admin actions that cannot destroy the index by accident: a prune that would remove more
than a fifth of the index is refused unless forced, and files that don't look like inspection
reports are held back until an admin accepts them. Through the real CLI (subprocesses) on
generated files, and the screen on the real corpus."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, requires_corpus

CLI = [sys.executable, "-m", "assistant.cli"]
ROOT = Path(__file__).resolve().parents[1]
PLACES = ["Alphaton", "Betaville", "Gammaford", "Deltashire", "Epsilonbury"]

# Reports of kinds the index has never held: each must be kept by generic signals.
OTHER_KINDS = {
    "peel.txt": "PEEL: Police effectiveness, efficiency and legitimacy\n\nAn assessment of "
    "Zetashire Police by His Majesty's Inspectorate of Constabulary and Fire & Rescue "
    "Services.\n\nThe force is good at responding to the public.\n",
    "cqc.html": "<html><body><h1>Zeta General Hospital</h1><p>Care Quality Commission</p>"
    "<p>Date of visit: 4 March 2024</p><p>Staff treated patients with kindness.</p>"
    "</body></html>",
    "probation.md": "# An inspection of youth justice services in Zetaford\n\nHM Inspectorate "
    "of Probation\n\nCase managers knew the children well.\n",
    "joint.txt": "Joint targeted area inspection of the multi-agency response to children "
    "in Etaborough\n\nPartners share information quickly and safely.\n",
}
NOT_REPORTS = {
    "notes.txt": "hello this is not a report\n",
    "README.md": "# Reports\n\nOfsted inspection reports from 2012 to 2024, one folder per "
    "council.\n",
}


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300
    )


def write_reports(src: Path, places: list[str]) -> None:
    src.mkdir(parents=True, exist_ok=True)
    for place in places:
        (src / f"{place.lower()}.txt").write_text(
            f"Report on {place}\n\n{place} inspectors praised the adoption service.\n", "utf-8"
        )


def live_reports(index: Path, env: dict[str, str]) -> int:
    out = run_cli("status", "--index", str(index), "--json", env=env)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)["reports"]


@pytest.mark.slow
def test_ingest_prune_refuses_more_than_a_fifth_without_yes(tmp_path, cli_env):
    src, index = tmp_path / "src", tmp_path / "idx"
    write_reports(src, PLACES)
    assert run_cli("ingest", str(src), "--index", str(index), env=cli_env).returncode == 0
    assert live_reports(index, cli_env) == 5

    # The wrong folder: nearly every report's file is "gone".
    other = tmp_path / "other"
    write_reports(other, ["Thetaford"])
    out = run_cli("ingest", str(other), "--index", str(index), "--prune", "--json", env=cli_env)
    assert out.returncode == 3, out.stderr
    refused = json.loads(out.stdout)
    assert refused["would_remove"] == 5 and refused["reports"] == 5
    assert "nothing was changed" in refused["refused"]
    assert sorted(refused["gone"]) == sorted(f"{p.lower()}.txt" for p in PLACES)
    assert live_reports(index, cli_env) == 5  # nothing removed, nothing added

    out = run_cli("ingest", str(other), "--index", str(index), "--prune", env=cli_env)
    assert out.returncode == 3 and "--yes" in out.stderr and "Betaville" in out.stderr
    assert live_reports(index, cli_env) == 5

    # One of five (a fifth, not more) goes without --yes; two of four need it.
    (src / "epsilonbury.txt").unlink()
    out = run_cli("ingest", str(src), "--index", str(index), "--prune", "--json", env=cli_env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert json.loads(out.stdout)["removed"] == 1
    (src / "deltashire.txt").unlink()
    (src / "gammaford.txt").unlink()
    out = run_cli("ingest", str(src), "--index", str(index), "--prune", "--json", env=cli_env)
    assert out.returncode == 3 and json.loads(out.stdout)["would_remove"] == 2
    assert live_reports(index, cli_env) == 4
    out = run_cli(
        "ingest", str(src), "--index", str(index), "--prune", "--yes", "--json", env=cli_env
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["removed"] == 2
    assert live_reports(index, cli_env) == 2


@pytest.mark.slow
def test_files_that_are_not_reports_are_held_until_accepted(tmp_path, cli_env):
    from assistant.held import AcceptedFiles

    src, index = tmp_path / "src", tmp_path / "idx"
    write_reports(src, ["Alphaton"])
    for name, text in {**OTHER_KINDS, **NOT_REPORTS}.items():
        (src / name).write_text(text, "utf-8")
    out = run_cli("ingest", str(src), "--index", str(index), "--json", env=cli_env)
    assert out.returncode == 2, out.stderr
    summary = json.loads(out.stdout)
    held = {f["path"]: f["reason"] for f in summary["failed"]}
    assert sorted(held) == sorted(NOT_REPORTS)
    assert all(r.startswith("not an inspection report") for r in held.values())
    assert summary["added"] == 1 + len(OTHER_KINDS)
    status = json.loads(run_cli("status", "--index", str(index), "--json", env=cli_env).stdout)
    assert sorted(f["path"] for f in status["failed"]) == sorted(NOT_REPORTS)

    listed = json.loads(
        run_cli("held", "list", "--index", str(index), "--json", env=cli_env).stdout
    )
    assert sorted(h["path"] for h in listed) == sorted(NOT_REPORTS)
    assert not any(h["accepted"] for h in listed)
    # Accepting a file that is not held accepts nothing.
    out = run_cli("held", "accept", "notes.txt", "nowhere.pdf", "--index", str(index), env=cli_env)
    assert out.returncode == 1 and "not held: nowhere.pdf" in out.stderr
    assert AcceptedFiles(index).paths() == set()
    out = run_cli("held", "accept", "notes.txt", "--index", str(index), env=cli_env)
    assert out.returncode == 0, out.stderr
    assert json.loads((index / "accepted.json").read_text())["accepted"] == ["notes.txt"]
    out = run_cli("ingest", str(src), "--index", str(index), "--json", env=cli_env)
    summary = json.loads(out.stdout)
    assert summary["added"] == 1 and [f["path"] for f in summary["failed"]] == ["README.md"]
    assert live_reports(index, cli_env) == 2 + len(OTHER_KINDS)


@pytest.mark.corpus
@pytest.mark.slow
@requires_corpus
def test_no_corpus_report_is_held_and_its_readme_is():
    from ingest.parse import parse_bytes
    from ingest.screen import screen_report

    files = [CORPUS / "README.md", *sorted((CORPUS / "press-releases").iterdir())]
    for kind in ("ofsted-ilacs", "ofsted-focused-visits"):
        folders = sorted(p for p in (CORPUS / kind).iterdir() if p.is_dir())
        step = max(1, len(folders) // 40)
        files += [min(f for f in d.iterdir() if f.is_file()) for d in folders[::step]][:40]
    held = []
    for f in files:
        rel = f.relative_to(CORPUS).as_posix()
        if screen_report(parse_bytes(f.read_bytes(), rel, max_bytes=2**27, ocr=False)).held:
            held.append(rel)
    assert len(files) >= 80
    assert held == ["README.md"]


def test_cli_users_disable_enable_and_remove(tmp_path, cli_env):
    from assistant.auth import UserStore

    auth = str(tmp_path / "users.json")
    for name, role in (("alice", "admin"), ("bob", "reader")):
        out = run_cli("users", "add", name, "--role", role, "--auth", auth,
                      "--password", f"{name}-password", env=cli_env)  # fmt: skip
        assert out.returncode == 0, out.stderr
    out = run_cli("users", "disable", "bob", "--auth", auth, env=cli_env)
    assert out.returncode == 0 and "bob disabled" in out.stdout
    store = UserStore(tmp_path / "users.json")
    assert not store.verify("bob", "bob-password") and store.role("bob") is None
    assert store.verify("alice", "alice-password")
    listed = run_cli("users", "list", "--auth", auth, env=cli_env).stdout
    assert "bob\treader\tdisabled" in listed and "alice\tadmin\n" in listed

    assert run_cli("users", "enable", "bob", "--auth", auth, env=cli_env).returncode == 0
    assert store.verify("bob", "bob-password") and store.role("bob") == "reader"
    out = run_cli("users", "remove", "bob", "--auth", auth, env=cli_env)
    assert out.returncode == 0 and store.names() == ["alice"]
    out = run_cli("users", "remove", "bob", "--auth", auth, env=cli_env)
    assert out.returncode == 1 and "no user bob" in out.stderr
    assert run_cli("users", "disable", "zed", "--auth", auth, env=cli_env).returncode == 1
