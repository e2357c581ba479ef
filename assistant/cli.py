"""The ``inspection-assistant`` command line: ingest, status, ask, quote, reports, eval, serve."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from assistant.settings import Settings, enforce_offline

enforce_offline()

EXIT_OK, EXIT_INDEX, EXIT_SOME_FAILED = 0, 1, 2


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    if getattr(args, "index", None):
        overrides["index_dir"] = Path(args.index)
    return Settings(**overrides)


def open_index(settings: Settings):
    """The index named by the settings."""
    from vectorstore.index import Index

    return Index(
        settings.index_dir,
        store=settings.store,
        host=settings.chroma_host,
        port=settings.chroma_port,
        collection=settings.collection,
    )


def make_embedder_for(settings: Settings):
    """The embedder named by the settings."""
    from vectorstore.embedder import make_embedder

    return make_embedder(
        settings.embedder,
        settings.embedding_model,
        settings.embedding_batch_size,
        settings.embedder_threads,
    )


def _human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


# -- ingest -------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace) -> int:
    from assistant.indexing import Ingestor

    settings = _settings(args)
    try:
        index = open_index(settings)
    except Exception as exc:
        print(f"error: cannot open the index at {settings.index_dir}: {exc}", file=sys.stderr)
        return EXIT_INDEX
    ingestor = Ingestor(index, make_embedder_for(settings), settings)
    progress = _progress_printer(args.json)
    try:
        summary = ingestor.run([Path(p) for p in args.paths], prune=args.prune, progress=progress)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INDEX
    except (OSError, ValueError) as exc:
        print(f"error: the index cannot be written: {exc}", file=sys.stderr)
        return EXIT_INDEX
    finally:
        close = getattr(progress, "close", None)
        if close:
            close()
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        print(
            f"added {summary.added}, updated {summary.updated}, unchanged {summary.unchanged}, "
            f"removed {summary.removed}, failed {len(summary.failed)}; {summary.pages} pages, "
            f"{summary.chunks} chunks in {summary.seconds:.1f} s"
        )
        for f in summary.failed:
            print(f"  failed: {f['path']}: {f['reason']}")
    return EXIT_SOME_FAILED if summary.failed else EXIT_OK


def _progress_printer(quiet_stdout: bool):
    """A tqdm bar on a terminal, plain log lines otherwise."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = None

        def update(p) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=p.files_total, unit="file", file=sys.stderr, dynamic_ncols=True)
            bar.n = p.files_done
            rate = p.chunks / p.elapsed if p.elapsed else 0
            bar.set_postfix_str(f"{p.pages} pages, {p.chunks} chunks, {rate:.1f} chunks/s")
            bar.refresh()

        def close() -> None:
            if bar is not None:
                bar.close()

        update.close = close  # type: ignore[attr-defined]
        return update

    last = [0.0]

    def log_line(p) -> None:
        if p.files_done == p.files_total or p.elapsed - last[0] >= 5:
            last[0] = p.elapsed
            rate = p.chunks / p.elapsed if p.elapsed else 0
            eta = (p.elapsed / p.files_done) * (p.files_total - p.files_done) if p.files_done else 0
            print(
                f"[ingest] {p.files_done}/{p.files_total} files, {p.pages} pages, {p.chunks} "
                f"chunks, {rate:.1f} chunks/s, ETA {eta:.0f} s",
                file=sys.stderr,
                flush=True,
            )

    return log_line


# -- status -------------------------------------------------------------------------------
def status_dict(settings: Settings) -> dict:
    """What ``status --json`` prints."""
    index = open_index(settings)
    st = index.stats()
    return {
        "index": str(settings.index_dir),
        "reports": st.reports,
        "sources": st.sources,
        "chunks": st.chunks,
        "failed": [{"path": p, "reason": r} for p, r in st.failed],
        "size_bytes": st.size_bytes,
        "size": _human_size(st.size_bytes),
        "embedding_model": st.embedding_model or settings.embedding_model,
    }


def cmd_status(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not (settings.index_dir / "manifest.sqlite").exists():
        msg = f"no index at {settings.index_dir}: run `inspection-assistant ingest PATH` first"
        if args.json:
            print(
                json.dumps(
                    {
                        "index": str(settings.index_dir),
                        "reports": 0,
                        "chunks": 0,
                        "failed": [],
                        "size_bytes": 0,
                        "embedding_model": None,
                        "error": msg,
                    }
                )
            )
        else:
            print(msg)
        return EXIT_INDEX
    d = status_dict(settings)
    if args.json:
        print(json.dumps(d))
    else:
        print(
            f"index: {d['index']}\nreports: {d['reports']} ({d['sources']} files)\n"
            f"chunks: {d['chunks']}\nsize on disk: {d['size']}\n"
            f"embedding model: {d['embedding_model']}\nfailed: {len(d['failed'])}"
        )
        for f in d["failed"]:
            print(f"  {f['path']}: {f['reason']}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    p = argparse.ArgumentParser(
        prog="inspection-assistant",
        description="Chat and quote assistant over published inspection reports.",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="add, update (and with --prune remove) reports")
    ing.add_argument("paths", nargs="+", help="report files or folders")
    ing.add_argument("--index", help="index folder (default: index/)")
    ing.add_argument(
        "--prune", action="store_true", help="remove reports whose files are no longer among PATHS"
    )
    ing.add_argument("--json", action="store_true", help="print one JSON summary")
    ing.set_defaults(func=cmd_ingest)

    st = sub.add_parser("status", help="what the index holds")
    st.add_argument("--index", help="index folder (default: index/)")
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)

    _more_commands(sub)
    return p


def _more_commands(sub) -> None:
    """Commands that live in their own modules (ask, quote, reports, eval, serve, users)."""
    import importlib

    for name in ("assistant.cli_ask", "assistant.cli_serve"):
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        mod.register(sub)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "chromadb", "transformers", "sentence_transformers", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
