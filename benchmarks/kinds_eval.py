"""Questions about reports of kinds beyond Ofsted's graded inspections (benchmarks/qa/kinds.jsonl).

The reports are the generated documents of ``tests/kind_docs.py`` (area SEND inspections, a
joint targeted area inspection, a PEEL assessment, a youth justice inspection, a report of an
inspectorate no layout knows) and an undated thematic report, indexed with a few real corpus
reports beside them so that the new kinds compete with the old ones.

Usage::

    .venv/bin/python benchmarks/kinds_eval.py [--corpus-files 6] [--json]

With ``--reports DIR --questions FILE`` the reports of ``DIR`` (e.g. reports of kinds written
by people who never saw the code, with questions written about them in the same shape as
``kinds.jsonl``) are indexed instead of the generated ones, beside the same corpus reports.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The project's packages, not this folder's scripts (benchmarks/ingest.py is no package), and
# the test documents' generators.
sys.path[:1] = [os.environ.get("KINDS_EVAL_CODE", str(HERE.parent)), str(HERE.parent / "tests")]
CORPUS = HERE.parents[1] / "shared" / "corpus"


def build_reports(folder: Path, corpus_files: int, given: Path | None = None) -> None:
    """Write the generated reports, or copy the given ones, and a few corpus reports into
    ``folder``."""
    if given is not None:
        for path in sorted(p for p in given.iterdir() if p.is_file()):
            shutil.copy(path, folder / path.name)
    else:
        from conftest import render_pdf
        from kind_docs import KIND_DOCS, UNDATED

        for name, doc in KIND_DOCS.items():
            render_pdf(doc.spec, folder / f"{name}.pdf")
        (folder / "wigan-young-carers.txt").write_text(UNDATED, encoding="utf-8")
    real = sorted((CORPUS / "ofsted-ilacs").rglob("*.pdf"))[: corpus_files // 2]
    real += sorted((CORPUS / "ofsted-focused-visits").rglob("*.pdf"))[: corpus_files - len(real)]
    for i, path in enumerate(real):
        shutil.copy(path, folder / f"corpus-{i:02d}-{path.name}")


def print_records(assistant, given: Path | None) -> None:
    """What was read of each non-corpus report: kind, place, dates and its verdicts."""
    names = {p.name for p in given.iterdir()} if given else None
    for r in assistant.reports(include_failed=True):
        if r.source.startswith("corpus-") or (names is not None and r.source not in names):
            continue
        if r.status != "indexed":
            print(f"{r.source}: FAILED {r.error}")
            continue
        verdicts = [
            f"{j.judgement or '-'}: {j.grade}" for j in assistant.catalogue.report(r).judgements
        ]
        print(
            f"{r.source}: kind={r.kind!r} subject={r.subject!r} inspectorates={r.inspectorates} "
            f"dates={r.inspection_start}..{r.inspection_end} published={r.published} "
            f"verdicts={len(verdicts)} {verdicts[:3]}"
        )


def main() -> None:
    """Index the reports, ask the questions, print the measures."""
    from assistant.core import Assistant
    from assistant.evaluate import evaluate_assistant, load_questions
    from assistant.factory import make_embedder_for
    from assistant.indexing import Ingestor
    from assistant.settings import Settings
    from vectorstore.index import Index

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--corpus-files", type=int, default=6)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--reports", type=Path, help="index these reports instead of the generated")
    ap.add_argument("--questions", type=Path, default=HERE / "qa" / "kinds.jsonl")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reports, index_dir = Path(tmp) / "reports", Path(tmp) / "index"
        reports.mkdir()
        build_reports(reports, args.corpus_files, args.reports)
        settings = Settings(index_dir=index_dir)
        embedder = make_embedder_for(settings)
        index = Index(index_dir)
        summary = Ingestor(index, embedder, settings).run([reports])
        assert args.reports or not summary.failed, summary.failed
        assistant = Assistant(settings, index=index, embedder=embedder)
        if not args.json:
            print_records(assistant, args.reports)
        questions = load_questions(args.questions)
        result = evaluate_assistant(assistant, questions, None)
        rows = {r.qid: r for r in result.rows}
        if args.json:
            print(json.dumps(result.metrics().as_dict(), indent=1))
            return
        for q in questions:
            r = rows[q.id]
            print(
                f"{q.id} {q.type:12} src@{r.source_rank} ev@{r.evidence_rank} "
                f"{'abstained' if r.abstained else 'answered'}"
                f"{'' if r.grade_correct is None else ' grade ' + str(r.grade_correct)}"
                f"  {q.question}"
            )
        print(json.dumps(result.metrics().as_dict(), indent=1))


if __name__ == "__main__":
    main()
