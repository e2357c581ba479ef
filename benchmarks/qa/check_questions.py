"""Validate the labelled evaluation set ``benchmarks/qa/questions.jsonl``.

Every line must be a JSON object with the fields described in the module
constants below. For answerable questions the evidence span is checked
verbatim against the text that pymupdf extracts from the stated page of the
first source (lines joined with a space, whitespace collapsed), and a stated
printed page number must appear as a bare number near the top or bottom of
that page's extracted text.

Usage::

    .venv/bin/python benchmarks/qa/check_questions.py [--questions PATH] [--corpus DIR]

Exits 0 when every line passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from functools import cache
from pathlib import Path

import pymupdf

HERE = Path(__file__).resolve().parent
DEFAULT_QUESTIONS = HERE / "questions.jsonl"
DEFAULT_CORPUS = HERE.parents[2] / "shared" / "corpus"

TYPES = {"fact", "finding", "quote", "named_report", "cross_report", "unanswerable"}
FIELDS = (
    "id",
    "type",
    "question",
    "answerable",
    "sources",
    "pdf_page",
    "printed_page",
    "evidence",
    "subject",
)
# Optional: for a cross_report question, phrases that each listed source states (case
# ignored). A passage from any listed source that holds one is evidence too, since the question
# asks which reports say it and one span can only come from one of them.
OPTIONAL_FIELDS = ("evidence_any",)
MIN_QUESTIONS = 90
MIN_UNANSWERABLE = 12
MIN_WORDS, MAX_WORDS = 8, 25
# A line-end hyphenation that survived whitespace collapsing, e.g. "wide- ranging".
HYPHEN_BREAK = re.compile(r"[a-z]- [a-z]")


def normalise(text: str) -> str:
    """Join lines with a space and collapse all whitespace runs to one space.

    Args:
        text: Raw extracted text.

    Returns:
        The normalised text, stripped at both ends.
    """
    return re.sub(r"\s+", " ", " ".join(text.splitlines())).strip()


@cache
def pdf_pages(path: Path) -> tuple[str, ...]:
    """Extract the raw text of every page of a PDF.

    Args:
        path: Absolute path of the PDF.

    Returns:
        One string per page, in page order.
    """
    with pymupdf.open(path) as doc:
        return tuple(page.get_text() for page in doc)


def printed_numbers(page_text: str) -> set[int]:
    """Find bare page numbers among the first 8 and last 4 non-empty lines.

    Ofsted reports put the page number in a running header or footer; pymupdf
    may emit it before or after the body text, so both ends are searched.

    Args:
        page_text: Raw extracted text of one page.

    Returns:
        The integers found on lines consisting of 1 to 3 digits only.
    """
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    candidates = lines[:8] + lines[-4:]
    return {int(line) for line in candidates if re.fullmatch(r"\d{1,3}", line)}


def check_record(rec: object, lineno: int, corpus: Path) -> list[str]:
    """Validate one parsed line.

    Args:
        rec: The decoded JSON value of the line.
        lineno: 1-based line number, for messages.
        corpus: Root folder of the corpus that source paths are relative to.

    Returns:
        A list of error messages; empty when the record is valid.
    """
    errs: list[str] = []
    if not isinstance(rec, dict):
        return [f"line {lineno}: not a JSON object"]
    missing = [f for f in FIELDS if f not in rec]
    extra = [f for f in rec if f not in FIELDS + OPTIONAL_FIELDS]
    if missing:
        errs.append(f"missing fields {missing}")
    if extra:
        errs.append(f"unexpected fields {extra}")
    if missing:
        return [f"line {lineno}: {e}" for e in errs]

    qtype, answerable = rec["type"], rec["answerable"]
    if not (isinstance(rec["id"], str) and re.fullmatch(r"q\d{3}", rec["id"])):
        errs.append(f"bad id {rec['id']!r}")
    if qtype not in TYPES:
        errs.append(f"bad type {qtype!r}")
    if not (isinstance(rec["question"], str) and len(rec["question"].strip()) >= 10):
        errs.append("question must be a non-trivial string")
    if not isinstance(answerable, bool):
        errs.append("answerable must be a boolean")
    elif answerable != (qtype != "unanswerable"):
        errs.append("answerable must be false exactly for type 'unanswerable'")
    if rec["subject"] is not None and not (
        isinstance(rec["subject"], str) and rec["subject"].strip()
    ):
        errs.append("subject must be a non-empty string or null")
    if qtype in {"cross_report", "unanswerable"} and rec["subject"] is not None:
        errs.append(f"subject must be null for {qtype}")

    if answerable is False:
        for f in ("pdf_page", "printed_page", "evidence"):
            if rec[f] is not None:
                errs.append(f"{f} must be null for an unanswerable question")
        if rec["sources"] != []:
            errs.append("sources must be [] for an unanswerable question")
    elif answerable is True:
        errs.extend(check_evidence(rec, corpus))
    if "evidence_any" in rec:
        errs.extend(check_evidence_any(rec, corpus))
    return [f"line {lineno} ({rec.get('id')}): {e}" for e in errs]


def check_evidence(rec: dict, corpus: Path) -> list[str]:
    """Validate sources, page numbers and the evidence span of an answerable record.

    Args:
        rec: The record, already known to have all fields.
        corpus: Root folder of the corpus.

    Returns:
        A list of error messages; empty when valid.
    """
    errs: list[str] = []
    sources = rec["sources"]
    if not (isinstance(sources, list) and sources and all(isinstance(s, str) for s in sources)):
        return ["sources must be a non-empty list of strings"]
    if len(set(sources)) != len(sources):
        errs.append("duplicate sources")
    for src in sources:
        if src.startswith("/") or ".." in Path(src).parts:
            errs.append(f"source must be relative to the corpus: {src!r}")
        elif not (corpus / src).is_file():
            errs.append(f"source not found: {src!r}")
    if errs:
        return errs

    evidence = rec["evidence"]
    if not isinstance(evidence, str):
        return ["evidence must be a string"]
    if evidence != normalise(evidence):
        errs.append("evidence must have whitespace collapsed to single spaces")
    nwords = len(evidence.split())
    if not MIN_WORDS <= nwords <= MAX_WORDS:
        errs.append(f"evidence has {nwords} words, want {MIN_WORDS}-{MAX_WORDS}")
    if HYPHEN_BREAK.search(evidence):
        errs.append("evidence seems to cross a line-end hyphenation")

    first = corpus / sources[0]
    pdf_page, printed = rec["pdf_page"], rec["printed_page"]
    if first.suffix.lower() != ".pdf":
        if pdf_page is not None or printed is not None:
            errs.append("pdf_page and printed_page must be null for a non-PDF source")
        if evidence not in normalise(first.read_text(encoding="utf-8")):
            errs.append("evidence not found verbatim in the source text")
        return errs

    pages = pdf_pages(first)
    if not (isinstance(pdf_page, int) and not isinstance(pdf_page, bool)):
        return [*errs, "pdf_page must be an integer for a PDF source"]
    if not 1 <= pdf_page <= len(pages):
        return [*errs, f"pdf_page {pdf_page} outside 1..{len(pages)}"]
    page_text = pages[pdf_page - 1]
    if evidence not in normalise(page_text):
        where = [i + 1 for i, p in enumerate(pages) if evidence in normalise(p)]
        errs.append(f"evidence not on pdf_page {pdf_page} (found on pages {where})")
    if printed is not None:
        if not (isinstance(printed, int) and not isinstance(printed, bool)):
            errs.append("printed_page must be an integer or null")
        elif printed not in printed_numbers(page_text):
            errs.append(f"printed_page {printed} not found in the page's header/footer lines")
    return errs


def check_evidence_any(rec: dict, corpus: Path) -> list[str]:
    """Validate the phrases of a cross_report question: each one in every listed source.

    Args:
        rec: The record.
        corpus: Root folder of the corpus.

    Returns:
        A list of error messages; empty when valid.
    """
    phrases = rec["evidence_any"]
    if rec["type"] != "cross_report":
        return ["evidence_any is only for cross_report questions"]
    if not (isinstance(phrases, list) and phrases and all(isinstance(p, str) for p in phrases)):
        return ["evidence_any must be a non-empty list of strings"]
    errs: list[str] = []
    for src in rec["sources"]:
        path = corpus / src
        if not path.is_file():
            continue
        text = normalise(" ".join(pdf_pages(path))).lower()
        if not any(normalise(p).lower() in text for p in phrases):
            errs.append(f"no evidence_any phrase in {src!r}")
    return errs


def main(argv: list[str] | None = None) -> int:
    """Run the checks and print a summary.

    Args:
        argv: Command-line arguments; defaults to ``sys.argv[1:]``.

    Returns:
        Process exit code: 0 if every line passes, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)

    errors: list[str] = []
    records: list[dict] = []
    failed_lines = 0
    lineno = 0
    with args.questions.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                errors.append(f"line {lineno}: blank line")
                failed_lines += 1
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {lineno}: invalid JSON ({exc})")
                failed_lines += 1
                continue
            rec_errors = check_record(rec, lineno, args.corpus)
            failed_lines += bool(rec_errors)
            errors.extend(rec_errors)
            if isinstance(rec, dict):
                records.append(rec)

    ids = [r.get("id") for r in records]
    expected = [f"q{i:03d}" for i in range(1, len(records) + 1)]
    if ids != expected:
        errors.append("ids must run q001, q002, ... in file order without gaps")
    questions = [str(r.get("question", "")).strip().lower() for r in records]
    dupes = [q for q, n in collections.Counter(questions).items() if n > 1]
    if dupes:
        errors.append(f"duplicate questions: {dupes}")
    counts = collections.Counter(r.get("type") for r in records)
    if len(records) < MIN_QUESTIONS:
        errors.append(f"only {len(records)} questions, want at least {MIN_QUESTIONS}")
    if counts["unanswerable"] < MIN_UNANSWERABLE:
        errors.append(f"only {counts['unanswerable']} unanswerable, want {MIN_UNANSWERABLE}")

    for err in errors:
        print(err)
    print(f"{len(records)} questions: " + ", ".join(f"{t}={counts[t]}" for t in sorted(TYPES)))
    print(f"{lineno - failed_lines} passed, {failed_lines} failed")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
