"""Load test of the web app: simultaneous gradio_client users asking questions (extractive mode).

Starts ``inspection-assistant serve`` over an index in a child process (``--replicas`` of them,
sharing the index; or uses ``--url``), then runs USERS threads, each with its own
``gradio_client.Client`` (spread evenly over the apps), that all start at once and ask ROUNDS
questions each through the ``/ask`` endpoint. Prints the latency of each answer as the
users see it (submit to result, queue wait included): p50, p95, max, plus the server's own
timings and the throughput.

    .venv/bin/python benchmarks/load.py --index index
    .venv/bin/python benchmarks/load.py --index index --users 20 --rounds 3 --json out.json
    .venv/bin/python benchmarks/load.py --index index --users 100 --replicas 2
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
import threading
import time
import urllib.request
from pathlib import Path

QUESTIONS = [
    "How well are care leavers supported?",
    "What did inspectors say about social workers' caseloads?",
    "How effective is the front door for contacts and referrals?",
    "How are children who go missing from care protected?",
    "What is the quality of leadership and management?",
    "How well do children in care do at school?",
    "What needs to improve?",
    "How stable is the workforce?",
    "Are assessments of children's needs timely?",
    "How are children at risk of exploitation helped?",
]
TARGET_P95_S = 2.0


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    index: Path, reports: Path | None, concurrency: int, timeout: float = 300.0
) -> tuple[subprocess.Popen, str]:
    """``inspection-assistant serve`` in a child process, extractive mode; returns its URL."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "assistant.cli",
        "serve",
        "--index",
        str(index),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--concurrency",
        str(concurrency),
    ]
    if reports:
        cmd += ["--reports", str(reports)]
    env = dict(os.environ, INSPECTION_ASSISTANT_LLM_PROVIDER="none")
    env.pop("INSPECTION_ASSISTANT_AUTH_FILE", None)
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(f"the server stopped:\n{log.read()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "gradio_api/info", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("the server did not start in time")


def run(urls: list[str], users: int, rounds: int, questions: list[str]) -> dict:
    """Run the load (users spread evenly over the apps at ``urls``) and return the
    measurements."""
    from gradio_client import Client

    clients = [Client(urls[i % len(urls)], verbose=False) for i in range(users)]
    # One warm-up question per app so the first measured answer does not pay for lazy loading.
    for c in clients[: len(urls)]:
        c.predict(questions[0], api_name="/ask")
    barrier = threading.Barrier(users)
    latencies: list[float] = []
    server_ms: list[float] = []
    errors: list[str] = []
    abstained = 0
    lock = threading.Lock()

    def user(i: int) -> None:
        nonlocal abstained
        barrier.wait()
        for r in range(rounds):
            q = questions[(i + r * users) % len(questions)]
            t0 = time.perf_counter()
            try:
                got = clients[i].predict(q, api_name="/ask")
            except Exception as exc:  # a failed answer is counted, not fatal
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                server_ms.append(float(got.get("timings_ms", {}).get("total", "nan")))
                abstained += bool(got.get("abstained"))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for c in clients:
        c.close()
    return {
        "users": users,
        "rounds": rounds,
        "answers": len(latencies),
        "errors": errors,
        "abstained": abstained,
        "wall_s": round(wall, 2),
        "answers_per_s": round(len(latencies) / wall, 2) if wall else None,
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies), 3) if latencies else None,
        "mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
        "server_p50_ms": round(percentile(server_ms, 50), 1),
        "server_p95_ms": round(percentile(server_ms, 95), 1),
        "target_p95_s": TARGET_P95_S,
        "replicas": len(urls),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--index", help="index folder (starts a server over it)")
    p.add_argument("--reports", help="reports folder for the server (optional)")
    p.add_argument("--url", help="measure an app that is already running instead")
    p.add_argument("--users", type=int, default=20, help="simultaneous users (default 20)")
    p.add_argument("--rounds", type=int, default=3, help="questions per user (default 3)")
    p.add_argument(
        "--concurrency",
        type=int,
        default=2,
        help="the server's answers at once (default 2, for 2 cores)",
    )
    p.add_argument(
        "--replicas",
        type=int,
        default=1,
        help="apps started over the index, the users spread evenly over them (default 1)",
    )
    p.add_argument("--questions", help="a text file with one question per line")
    p.add_argument("--json", help="also write the results as JSON here")
    args = p.parse_args(argv)
    if not args.url and not args.index:
        p.error("give --index DIR (or --url of a running app)")
    questions = QUESTIONS
    if args.questions:
        text = Path(args.questions).read_text()
        if args.questions.endswith(".jsonl"):  # the evaluation set: every question distinct
            questions = [json.loads(x)["question"] for x in text.splitlines() if x.strip()]
        else:
            questions = [q.strip() for q in text.splitlines() if q.strip()]

    procs: list[subprocess.Popen] = []
    urls = [args.url] if args.url else []
    try:
        for _ in range(0 if args.url else args.replicas):
            print(f"starting an app over {args.index}…", file=sys.stderr, flush=True)
            proc, url = start_server(
                Path(args.index), Path(args.reports) if args.reports else None, args.concurrency
            )
            procs.append(proc)
            urls.append(url)
        res = run(urls, args.users, args.rounds, questions)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=30)
    res["cpus"] = os.cpu_count()
    res["concurrency"] = args.concurrency if procs else None
    print(
        f"{res['users']} users × {res['rounds']} questions: {res['answers']} answers, "
        f"{len(res['errors'])} errors, {res['abstained']} abstentions, {res['wall_s']} s "
        f"({res['answers_per_s']} answers/s)"
    )
    print(
        f"latency per answer (queue included): p50 {res['p50_s']} s, p95 {res['p95_s']} s, "
        f"max {res['max_s']} s; server time p50 {res['server_p50_ms']} ms, "
        f"p95 {res['server_p95_ms']} ms"
    )
    verdict = "meets" if res["p95_s"] <= TARGET_P95_S else "MISSES"
    print(f"p95 {verdict} the {TARGET_P95_S:g} s target")
    for e in res["errors"][:5]:
        print(f"  error: {e}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n")
    return 1 if res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
