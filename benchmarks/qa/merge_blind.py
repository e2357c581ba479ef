"""Merge the blind writers' question files into ``blind.jsonl`` with a fixed dev/test split.

The split is made before any question is run and never changes: a question about a subject
goes to the split its subject's name hashes to (so every question about one council lands in the
same split, and the test split holds councils never tuned on); a question without a subject
(across reports, unanswerable) goes by its id's hash.

Usage::

    python benchmarks/qa/merge_blind.py WRITER.jsonl [...] --out benchmarks/qa/blind.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path


def split_of(rec: dict) -> str:
    """ "dev" or "test" for one question, from its subject (else its id)."""
    key = (rec.get("subject") or rec["id"]).strip().lower()
    return "test" if hashlib.sha256(key.encode()).digest()[0] % 2 else "dev"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    rows = []
    for f in args.files:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                rec["split"] = split_of(rec)
                rows.append(rec)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["split"]] = counts.get(r["split"], 0) + 1
    print(f"{len(rows)} questions: {counts}")


if __name__ == "__main__":
    main()
