"""CLI commands over the assistant: ask, quote, reports, eval."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from assistant.jsonio import answer_json, quote_json

EXIT_OK, EXIT_ERROR = 0, 1


def _assistant(args: argparse.Namespace):
    from assistant.core import Assistant
    from assistant.settings import Settings

    s = Settings(**({"index_dir": Path(args.index)} if getattr(args, "index", None) else {}))
    if not (s.index_dir / "manifest.sqlite").exists():
        print(
            f"error: no index at {s.index_dir}: run `inspection-assistant ingest PATH` first",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_ERROR)
    return Assistant(s)


def cmd_ask(args: argparse.Namespace) -> int:
    if bool(args.question) == bool(args.questions_file):
        print("error: give a QUESTION or --questions-file FILE, not both", file=sys.stderr)
        return EXIT_ERROR
    a = _assistant(args)
    if args.questions_file:
        if not args.json:
            print("error: --questions-file needs --json", file=sys.stderr)
            return EXIT_ERROR
        a.warm_up()
        with open(args.questions_file, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    qid, question = item["id"], item["question"]
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    print(
                        json.dumps({"id": None, "line": lineno, "error": f"bad input line: {exc}"}),
                        flush=True,
                    )
                    continue
                print(json.dumps(answer_json(a.ask(question), qid), ensure_ascii=False), flush=True)
        return EXIT_OK
    ans = a.ask(args.question)
    if args.json:
        print(json.dumps(answer_json(ans), ensure_ascii=False))
        return EXIT_OK
    if ans.context.description:
        print(f"[{ans.context.description}]")
    print(ans.text)
    if ans.citations:
        print()
        for c in ans.citations:
            print(f"[{c.n}] {c.line}  ({c.source})")
    elif ans.passages:
        print("\nClosest passages:")
        for h in ans.passages[:5]:
            snippet = " ".join(h.chunk.text.split())[:160]
            print(f"  {h.rank}. {h.chunk.source}, page {h.chunk.page_start}: {snippet}…")
    return EXIT_OK


def cmd_quote(args: argparse.Namespace) -> int:
    a = _assistant(args)
    quotes = a.quote(args.topic, subject=args.subject, report=args.report, k=args.k)
    if args.json:
        print(
            json.dumps(
                {"topic": args.topic, "quotes": [quote_json(q) for q in quotes]}, ensure_ascii=False
            )
        )
        return EXIT_OK
    if not quotes:
        print("No quote in the indexed reports matches this topic.")
    for q in quotes:
        print(f"{q.rank}. {q.citation.line}\n   ({q.citation.source})")
    return EXIT_OK


def cmd_reports(args: argparse.Namespace) -> int:
    from assistant.catalogue import list_reports, report_json

    a = _assistant(args)
    try:
        rows = list_reports(
            a,
            subject=args.subject,
            grade=args.grade,
            judgement=args.judgement,
            date_from=date.fromisoformat(args.date_from) if args.date_from else None,
            date_to=date.fromisoformat(args.date_to) if args.date_to else None,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps([report_json(a, r) for r in rows], ensure_ascii=False))
        return EXIT_OK
    for r in rows:
        d = report_json(a, r)
        overall = next((j["grade"] for j in d["judgements"] if j.get("key") == "overall"), "—")
        print(
            f"{d['subject'] or '?':30} {d['inspection_start'] or '?':10}  {overall:28} {d['source']}"
        )
    return EXIT_OK


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluate import run_eval

    report = run_eval(
        Path(args.file),
        index_dir=Path(args.index) if args.index else None,
        baselines=args.baselines,
        corpus=Path(args.corpus) if args.corpus else None,
        out=Path(args.out) if args.out else None,
    )
    print(report)
    return EXIT_OK


def register(sub) -> None:
    """Add the commands to the CLI."""
    ask = sub.add_parser("ask", help="answer a question with verified citations")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("--questions-file", help="JSONL with id and question per line (needs --json)")
    ask.add_argument("--index", help="index folder (default: index/)")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(func=cmd_ask)

    q = sub.add_parser("quote", help="ranked verbatim quotes with paste-ready citations")
    q.add_argument("topic")
    q.add_argument("--subject", help="local authority or police force")
    q.add_argument("--report", help="report id or source path")
    q.add_argument("-k", type=int, default=5, help="how many quotes (default 5)")
    q.add_argument("--index", help="index folder (default: index/)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_quote)

    r = sub.add_parser("reports", help="the catalogue of reports and their judgements")
    r.add_argument("--subject")
    r.add_argument("--grade", help="e.g. inadequate, good, 'requires improvement'")
    r.add_argument("--judgement", help="e.g. overall, leadership, care leavers")
    r.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
    r.add_argument("--to", dest="date_to", help="YYYY-MM-DD")
    r.add_argument("--index", help="index folder (default: index/)")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_reports)

    e = sub.add_parser("eval", help="score the assistant on a labelled question set")
    e.add_argument("file", help="questions JSONL")
    e.add_argument("--index", help="index folder (default: index/)")
    e.add_argument(
        "--baselines",
        action="store_true",
        help="also score the LangChain recipe and BM25 alone on the same PDFs",
    )
    e.add_argument("--corpus", help="folder of the PDFs the index was built from")
    e.add_argument("--out", help="write the results as JSON here")
    e.set_defaults(func=cmd_eval)
