"""Validate the blind question set ``benchmarks/qa/blind.jsonl``.

Every line must carry the fields below; an answerable question's evidence must stand verbatim
(whitespace collapsed) on its stated page of the first source, and a question across reports
must name 2 to 5 sources that each state one of its ``evidence_any`` phrases.

Usage::

    .venv/bin/python benchmarks/qa/check_blind.py [--questions PATH] [--corpus DIR]

Exits 0 when every line passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import cache
from pathlib import Path

import pymupdf

HERE = Path(__file__).resolve().parent
TYPES = {"fact", "finding", "quote", "grade", "improvement", "cross_report", "followup",
         "unanswerable"}  # fmt: skip
STYLES = {"formal", "informal", "typo", "press"}
SPLITS = {"dev", "test"}
GRADES = {"inadequate", "requires improvement to be good", "requires improvement", "good",
          "outstanding", "adequate", "not graded"}  # fmt: skip
FIELDS = ("id", "writer", "type", "style", "question", "history", "answerable", "sources",
          "pdf_page", "evidence", "evidence_any", "subject", "grade", "judgement", "split")  # fmt: skip


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", " ".join(text.splitlines())).strip()


@cache
def pages(path: Path) -> tuple[str, ...]:
    """The whitespace-collapsed text of each page of a corpus file."""
    if path.suffix.lower() != ".pdf":
        return (_norm(path.read_text(encoding="utf-8", errors="replace")),)
    with pymupdf.open(path) as doc:
        return tuple(_norm(p.get_text()) for p in doc)


def check(rec: dict, corpus: Path) -> list[str]:
    """The problems of one record (empty when it is valid)."""
    missing = [f for f in FIELDS if f not in rec]
    if missing:
        return [f"missing fields {missing}"]
    errs = []
    kind = rec["type"]
    if kind not in TYPES or rec["style"] not in STYLES or rec["split"] not in SPLITS:
        errs.append("bad type, style or split")
    if rec["answerable"] != (kind != "unanswerable"):
        errs.append("answerable must be false exactly for unanswerable questions")
    if (kind == "followup") != bool(rec["history"]):
        errs.append("history must be given exactly for follow-ups")
    for s in rec["sources"]:
        if not (corpus / s).is_file():
            errs.append(f"source not found: {s}")
    if errs:
        return errs
    if kind == "unanswerable":
        if rec["sources"] or rec["evidence"] or rec["subject"]:
            errs.append("an unanswerable question has no sources, evidence or subject")
    elif kind == "cross_report":
        if not 2 <= len(rec["sources"]) <= 5 or not rec["evidence_any"]:
            errs.append("a question across reports needs 2-5 sources and evidence_any")
        for s in rec["sources"]:
            text = " ".join(pages(corpus / s)).lower().replace("’", "'")
            if not any(p.lower().replace("’", "'") in text for p in rec["evidence_any"]):
                errs.append(f"no evidence_any phrase in {s}")
    else:
        if kind == "grade" and rec["grade"] not in GRADES:
            errs.append(f"bad grade {rec['grade']!r}")
        ev = rec["evidence"]
        if ev is not None:
            ps = pages(corpus / rec["sources"][0])
            n = rec["pdf_page"]
            if not (isinstance(n, int) and 1 <= n <= len(ps)) or _norm(ev) not in ps[n - 1]:
                errs.append(f"evidence not verbatim on page {n}")
        elif kind != "grade":
            errs.append("evidence missing")
    return errs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--questions", type=Path, default=HERE / "blind.jsonl")
    ap.add_argument("--corpus", type=Path, default=HERE.parents[2] / "shared" / "corpus")
    args = ap.parse_args()
    bad = 0
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines, 1):
        rec = json.loads(line)
        for e in check(rec, args.corpus):
            bad += 1
            print(f"line {i} ({rec.get('id')}): {e}")
    print(f"{len(lines)} questions, {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
