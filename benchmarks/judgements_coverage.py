"""Coverage of graded-judgement extraction over the whole corpus.

Runs ``ingest.judgements.extract_catalogue`` on every PDF under ``../shared/corpus`` and prints,
per framework, how many reports there are, how many state an overall grade and how many of those
the extractor found, then per-judgement counts and the reports left without an overall grade
(with the extractor's note saying why). Every quote is checked to be verbatim on its page.

Page texts come from the real parser (``ingest.parse.read_page_texts``: the pages
``parse_file`` reads, also of a file it refuses as not a report, which the extractor then names).

Usage::

    .venv/bin/python benchmarks/judgements_coverage.py [--corpus PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.errors import IngestError  # noqa: E402
from ingest.judgements import Catalogue, extract_catalogue, is_verbatim  # noqa: E402
from ingest.parse import read_page_texts  # noqa: E402

# Reports that state no overall grade of the local authority's services, by design.
_NOT_STATED = ("not a report", "LSCB review only", "focused or monitoring visit", "no text")


def load_pages(path: Path, corpus: Path) -> tuple[list[tuple[int, str]], str | None]:
    """Page texts of one PDF as the parser reads them, and why there are none (or None)."""
    try:
        return read_page_texts(path, corpus, ocr=False), None
    except IngestError as exc:
        return [], f"the parser cannot read it: {exc}"


def states_overall(cat: Catalogue) -> bool:
    """Whether a report states an overall grade of the local authority's services.

    Every report of a graded layout does, except those the extractor's note names as not
    stating one: a review of the LSCB alone, a focused or monitoring visit letter, a page that
    is not a report. (In ../shared/corpus these are five files, checked by hand.)
    """
    if cat.framework in (None, "other"):
        return False
    note = cat.notes.get("overall", "")
    return not any(s in note for s in _NOT_STATED)


def quote_errors(cat: Catalogue, pages: list[tuple[int, str]]) -> list[str]:
    by_page: dict[int, list[str]] = defaultdict(list)
    for number, text in pages:
        by_page[number].append(text)
    return [
        f"{j.key} p{j.page}: {j.quote!r}"
        for j in cat.judgements
        if not any(is_verbatim(j.quote, t) for t in by_page[j.page])
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args(argv)
    files = sorted(args.corpus.rglob("*.pdf"))
    if not files:
        print(f"no PDFs under {args.corpus}")
        return 1

    start = time.perf_counter()
    reports: dict[str, int] = Counter()
    stated: dict[str, int] = Counter()
    found: dict[str, int] = Counter()
    keys: dict[str, Counter[str]] = defaultdict(Counter)
    grades: Counter[str] = Counter()
    unreadable: list[str] = []
    missing: list[tuple[str, str, str]] = []
    bad_quotes: list[str] = []
    for path in files:
        rel = path.relative_to(args.corpus).as_posix()
        pages, error = load_pages(path, args.corpus)
        if error is not None:
            unreadable.append(f"{rel}: {error}")
        cat = extract_catalogue(pages)
        fw = cat.framework or "none"
        reports[fw] += 1
        if states_overall(cat):
            stated[fw] += 1
        if cat.overall is not None:
            found[fw] += 1
            grades[f"{fw}: {cat.overall.grade_key}"] += 1
        else:
            why = cat.notes.get("overall") or cat.notes.get("framework") or "?"
            missing.append((fw, rel, why))
        for j in cat.judgements:
            keys[fw][j.key or "?"] += 1
        bad_quotes += [f"{rel}: {e}" for e in quote_errors(cat, pages)]
    elapsed = time.perf_counter() - start

    print(f"{len(files)} PDFs under {args.corpus} in {elapsed:.1f} s")
    for line in unreadable:
        print(f"  unreadable: {line}")
    print()
    header = f"{'framework':<18}{'reports':>8}{'state overall':>15}{'overall found':>15}{'%':>8}"
    print(header)
    print("-" * len(header))
    for fw in sorted(reports):
        pct = 100.0 * found[fw] / stated[fw] if stated[fw] else float("nan")
        print(f"{fw:<18}{reports[fw]:>8}{stated[fw]:>15}{found[fw]:>15}{pct:>7.1f}%")
    total_stated, total_found = sum(stated.values()), sum(found.values())
    pct = 100.0 * total_found / total_stated if total_stated else float("nan")
    print("-" * len(header))
    print(f"{'all':<18}{sum(reports.values()):>8}{total_stated:>15}{total_found:>15}{pct:>7.1f}%")
    print()
    print("judgements found, per framework:")
    for fw in sorted(keys):
        print(f"  {fw}: " + ", ".join(f"{k} {n}" for k, n in sorted(keys[fw].items())))
    print()
    print("overall grades found:")
    for g, n in sorted(grades.items()):
        print(f"  {g}: {n}")
    print()
    print(f"reports without an overall grade ({len(missing)}):")
    for fw, rel, why in missing:
        print(f"  [{fw}] {rel}: {why}")
    print()
    print(f"quotes not verbatim on their page: {len(bad_quotes)}")
    for line in bad_quotes[:20]:
        print(f"  {line}")
    return 1 if bad_quotes else 0


if __name__ == "__main__":
    raise SystemExit(main())
