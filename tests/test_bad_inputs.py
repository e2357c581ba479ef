"""Hostile and broken files, through the real CLI and the served app, in their own processes.

The files are the bad-input benchmark's (``benchmarks/bad_inputs.py``, made there): zip bombs,
a 20,000-page PDF, a 14,400 pt scanned page, a page of 40 million characters, 100,000-deep HTML,
a link to a private file outside the reports folder, a renamed program and the rest.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from bad_inputs_kinds import bad_inputs, kinds
from conftest import index_reports

from assistant.settings import Settings
from vectorstore.index import Index

# Slow files are stopped at this many seconds; the peak memory of an ingest stays under the
# parser process's address-space cap plus the indexer's own (far smaller) share.
PARSE_TIMEOUT_S = "5"
PEAK_RSS_MB = 1700


def test_every_bad_input_gets_a_reason_and_nothing_else_is_lost(tmp_path):
    bench = bad_inputs()
    every = kinds()
    assert len(every) >= 16
    reports = tmp_path / "reports"
    bench.build(reports, tmp_path / "outside", every)
    good = bench.write_good(reports)

    run = bench.run_ingest(
        reports, tmp_path / "index", {"INSPECTION_ASSISTANT_PARSE_TIMEOUT_S": PARSE_TIMEOUT_S}
    )

    assert run.returncode == 2, run.summary  # some files failed, the index was written
    wrong = {
        k.key: bench.reason_of(run, k.file)
        for k in every
        if not bench.expected(k, bench.reason_of(run, k.file))
    }
    assert wrong == {}
    assert all("\n" not in f["reason"] for f in run.summary["failed"])
    assert run.summary["added"] == len(good)
    assert run.peak_rss_mb < PEAK_RSS_MB
    index = Index(tmp_path / "index")
    assert [r.source for r in index.manifest.reports(include_failed=False)] == good
    assert index.search_keyword("lighthouse mentoring scheme", 5)
    assert not index.search_keyword("strongroom code 4417", 5)  # the linked private note


# -- the served app ------------------------------------------------------------------------------


def _wait_until_serving(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if httpx.get(f"{url}api/status", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    raise AssertionError(f"the app did not start (exit code {proc.poll()})")


def _upload(url: str, paths: list[Path]) -> str:
    """Upload files through the Admin tab's button, as the page does; returns the admin log."""
    with httpx.Client(base_url=url, timeout=300) as http:
        config = http.get("config").json()
        field = next(
            c["id"]
            for c in config["components"]
            if c.get("props", {}).get("elem_id") == "ia-upload"
        )
        # The step of the button's chain that takes the uploaded files (an earlier step may
        # only clear the log).
        fn_index, dep = next(
            (i, d) for i, d in enumerate(config["dependencies"]) if d.get("inputs") == [field]
        )
        sent = [("files", (p.name, p.read_bytes(), "application/octet-stream")) for p in paths]
        stored = http.post("gradio_api/upload", files=sent).json()
        files = [
            {"path": s, "orig_name": p.name, "meta": {"_type": "gradio.FileData"}}
            for s, p in zip(stored, paths, strict=True)
        ]
        session = uuid.uuid4().hex
        joined = http.post(
            "gradio_api/queue/join",
            json={
                "data": [files],
                "fn_index": dep.get("id", fn_index),
                "session_hash": session,
                "trigger_id": None,
                "event_data": None,
            },
        )
        assert joined.status_code == 200, joined.text
        with http.stream("GET", "gradio_api/queue/data", params={"session_hash": session}) as r:
            for line in r.iter_lines():
                if not line.startswith("data:"):
                    continue
                msg = json.loads(line[5:])
                if msg.get("msg") == "process_completed":
                    assert msg.get("success"), msg
                    return str(msg["output"]["data"][0])
    raise AssertionError("the upload never completed")


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_the_served_app_survives_an_admin_uploading_bombs(tmp_path, embedder, cli_env):
    bench = bad_inputs()
    reports, index = tmp_path / "reports", tmp_path / "index"
    reports.mkdir()
    bench.write_good(reports)
    index_reports([reports], Settings(index_dir=index), embedder)
    bombs = tmp_path / "bombs"
    bombs.mkdir()
    chosen = [k for k in kinds() if k.key in ("zip-bomb", "zip-bomb-lying", "text-bomb")]
    for k in chosen:
        k.make(bombs / k.file, tmp_path)

    port = __import__("test_ui_units").free_port()
    env = {**cli_env, "INSPECTION_ASSISTANT_PARSE_TIMEOUT_S": PARSE_TIMEOUT_S}
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH")) if p
    )
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--index", str(index)]
    cmd += ["--reports", str(reports), "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, proc)
        log = _upload(url, [bombs / k.file for k in chosen])
        assert proc.poll() is None
        for k in chosen:
            assert k.file in log
        status = httpx.get(f"{url}api/status", timeout=30).json()
        reasons = {f["path"]: f["reason"] for f in status["failed"]}
        assert all(bench.expected(k, reasons.get(k.file)) for k in chosen), reasons
        answer = httpx.post(
            f"{url}api/ask",
            json={"question": "What did inspectors praise in Zetaford?"},
            timeout=120,
        ).json()
        assert "lighthouse mentoring scheme" in json.dumps(answer)
        assert _peak_rss_mb(proc.pid) < PEAK_RSS_MB
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("kind", ["zip-bomb", "pages-20k", "huge-page", "nested-html"])
def test_caps_refuse_before_parsing(tmp_path, kind):
    if kind == "huge-page" and not __import__("shutil").which("tesseract"):
        pytest.skip("OCR is not available: the page is refused as a scan without text")
    from ingest.errors import IngestError
    from ingest.parse import parse_bytes

    k = next(k for k in kinds() if k.key == kind)
    k.make(tmp_path / k.file, tmp_path)
    with pytest.raises(IngestError) as err:
        parse_bytes((tmp_path / k.file).read_bytes(), k.file)
    assert bad_inputs().expected(k, str(err.value))
