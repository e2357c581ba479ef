"""Query benchmark: latency of `ask` over a full index, extractive mode, batch, model loaded.

    .venv/bin/python benchmarks/query.py --index /tmp/full-index [--questions benchmarks/qa/questions.jsonl]

Prints p50, p95 and max of the total time per question (and of the retrieve and answer parts),
and the peak RSS of the process. Each question is asked once after a warm-up pass over a
different question set, so the timings include real query embedding (no cache hits).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.core import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402

WARM_UP = [
    "What did inspectors say about leadership?",
    "How are care leavers supported?",
    "Give me a quote about adoption",
    "What is the quality of assessments?",
]


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs)) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument(
        "--questions", type=Path, default=Path(__file__).parent / "qa" / "questions.jsonl"
    )
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    questions = [json.loads(x)["question"] for x in args.questions.read_text().splitlines() if x]
    t0 = time.perf_counter()
    a = Assistant(Settings(index_dir=args.index))
    a.warm_up()
    for q in WARM_UP:
        a.ask(q)
    load_s = time.perf_counter() - t0
    total, retrieve, answer = [], [], []
    for q in questions:
        t = time.perf_counter()
        ans = a.ask(q)
        total.append((time.perf_counter() - t) * 1000)
        retrieve.append(ans.timings_ms["retrieve"])
        answer.append(ans.timings_ms["answer"])
    res = {
        "questions": len(questions),
        "chunks_in_index": a.index.stats().chunks,
        "p50_ms": round(pct(total, 50), 1),
        "p95_ms": round(pct(total, 95), 1),
        "max_ms": round(max(total), 1),
        "mean_ms": round(statistics.mean(total), 1),
        "retrieve_p50_ms": round(pct(retrieve, 50), 1),
        "answer_p50_ms": round(pct(answer, 50), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "startup_s": round(load_s, 1),
        "command": " ".join(sys.argv),
    }
    print(json.dumps(res, indent=2))
    if args.out:
        args.out.write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
