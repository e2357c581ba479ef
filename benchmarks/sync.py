"""Seconds from publication on a feed to the first cited answer in a running app.

Builds a small index (one generated report), serves a local Atom feed on 127.0.0.1 and starts
``inspection-assistant serve`` with that feed as its one source (polled every ``--interval``
seconds). Then publishes a new report on the feed and asks the app's REST API, every quarter
second, a question only the new report answers, until a citation carries the new report's
public URL. Prints the seconds from publication to that answer, per run, and their median.

    .venv/bin/python benchmarks/sync.py                      # interval 10 s, 3 runs
    .venv/bin/python benchmarks/sync.py --interval 30 --runs 5 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import REPORT_TEXTS, ilacs_pdf  # noqa: E402
from tests.feed_server import FeedItem, FeedServer  # noqa: E402

PUBLISHED = [("Croydon", 2017), ("Croydon", 2024), ("Norfolk", 2022)]
QUESTION = "How quickly were missing children found in {subject} in {year}?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, path: str, body: dict | None = None, timeout: float = 30.0) -> dict:
    """GET (or POST ``body`` as JSON to) the app's REST API."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        base + path, data=data, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--interval", type=float, default=10.0, help="the feed's polling interval (s)")
    ap.add_argument("--runs", type=int, default=2, help="new reports published one after another")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    runs = min(args.runs, len(PUBLISHED) - 1)
    py = [sys.executable, "-m", "assistant.cli"]
    with tempfile.TemporaryDirectory() as tmp_s, FeedServer() as server:
        tmp = Path(tmp_s)
        made = tmp / "made"
        made.mkdir()
        pdfs = {
            key: ilacs_pdf(*key, REPORT_TEXTS[key], made / f"{key[0]}-{key[1]}.pdf").read_bytes()
            for key in PUBLISHED
        }
        items = []

        def publish(key) -> str:
            path = f"/reports/{key[0].lower()}-{key[1]}.pdf"
            server.publish(path, pdfs[key])
            items.append(FeedItem(path, f"Inspection of {key[0]} {key[1]}", f"{key[1]}-04-01"))
            server.feed("/feed.xml", items)
            return server.url(path)

        publish(PUBLISHED[0])
        env = dict(os.environ)
        env.update(
            {
                "INSPECTION_ASSISTANT_SOURCES": json.dumps(
                    [
                        {
                            "name": "bench",
                            "kind": "feed",
                            "location": server.url("/feed.xml"),
                            "interval_s": args.interval,
                        }
                    ]
                ),
                "INSPECTION_ASSISTANT_SYNC_MIN_INTERVAL_S": "0",
            }
        )
        index, reports = tmp / "index", tmp / "reports"
        subprocess.run(
            [*py, "sync", "--index", str(index), "--reports", str(reports)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        app = subprocess.Popen(
            [*py, "serve", "--index", str(index), "--reports", str(reports), "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        results = []
        try:
            deadline = time.monotonic() + 300
            while True:
                try:
                    api(base, "/api/status", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or app.poll() is not None:
                        raise SystemExit("the app did not start") from None
                    time.sleep(0.5)
            for key in PUBLISHED[1 : 1 + runs]:
                url = publish(key)
                t0 = time.monotonic()
                question = QUESTION.format(subject=key[0], year=key[1])
                while True:
                    answer = api(base, "/api/ask", {"question": question})
                    if any(c.get("url") == url for c in answer["citations"]):
                        break
                    if time.monotonic() - t0 > args.interval + 300:
                        raise SystemExit(f"no cited answer from {url}")
                    time.sleep(0.25)
                seconds = time.monotonic() - t0
                results.append(round(seconds, 2))
                print(f"{key[0]} {key[1]}: cited {seconds:.1f} s after publication", flush=True)
        finally:
            app.terminate()
            app.wait(30)
    out = {
        "interval_s": args.interval,
        "seconds_to_cited_answer": results,
        "median_s": statistics.median(results) if results else None,
    }
    print(json.dumps(out))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
