"""Ingest benchmark: the whole corpus into a fresh index, against the bare model in the same run.

Prints pages/s, chunks/s, the ratio ingest/raw-encode (chunks/s of the full pipeline over chunks/s
of the bare model encoding the same texts at the same batch size), peak RSS of the ingest, the
time of a second run on the unchanged corpus, and the time to add one new report to the full index.

    .venv/bin/python benchmarks/ingest.py ../shared/corpus --keep /tmp/full-index

With ``--against INDEX`` it only times unchanged passes over the corpus against a copy of an
existing full index (the copy is made in a temporary folder; INDEX is never written): the
first pass hashes the files whose modification time differs from the index's (a copied
corpus), the second finds size and mtime unchanged everywhere.

    .venv/bin/python benchmarks/ingest.py ../shared/corpus --against /srv/full-index
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assistant.indexing import Ingestor, discover  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from vectorstore.embedder import make_embedder  # noqa: E402
from vectorstore.index import Index  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def place(source: Path, target: Path) -> None:
    """Put a corpus file into the benchmark's reports folder: a hard link, else a copy.

    Not a symbolic link: links that lead out of the reports folder are refused by ingest.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source.resolve(), target)
    except OSError:
        shutil.copyfile(source, target)


def mirror(corpus: Path, dest: Path, hold_out: Path | None) -> None:
    """Place every corpus file into dest (same relative paths), leaving one out."""
    for f, _root in discover([corpus]):
        if hold_out is not None and f == hold_out:
            continue
        place(f, dest / f.relative_to(corpus))


def unchanged_passes(corpus: Path, index: Path, out: Path | None, runs: int = 2) -> None:
    """Time unchanged ingest passes over the corpus against a copy of a full index."""
    import chromadb  # noqa: F401 - imported before the clock, as after a first run

    work = Path(tempfile.mkdtemp(prefix="ia-bench-"))
    try:
        copy = work / "index"
        shutil.copytree(index, copy, symlinks=True)
        settings = Settings()
        e = settings.embedding
        embedder = make_embedder(
            e.backend, e.model, e.batch_size
        )  # the model loads on first use: an unchanged pass does not load it
        ing = Ingestor(Index(copy), embedder, settings)
        passes = []
        for _ in range(runs):
            wall, cpu = time.perf_counter(), time.process_time()
            s = ing.run([corpus])
            passes.append(
                {
                    "wall_seconds": round(time.perf_counter() - wall, 2),
                    "cpu_seconds": round(time.process_time() - cpu, 2),
                    "unchanged": s.unchanged,
                    "failed": len(s.failed),
                    "added": s.added,
                    "updated": s.updated,
                }
            )
        results = {"passes": passes, "load_average": os.getloadavg(), "command": " ".join(sys.argv)}
        print(json.dumps(results, indent=2))
        if out:
            out.write_text(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--keep", type=Path, help="build the index here and keep it")
    ap.add_argument("--limit", type=int, help="only the first N files (a quick run)")
    ap.add_argument("--out", type=Path, help="write the results as JSON here")
    ap.add_argument(
        "--raw-sample",
        type=int,
        default=0,
        help="encode a random sample of this many chunk texts for the raw rate (0: all of them)",
    )
    ap.add_argument(
        "--against", type=Path, help="time unchanged passes against a copy of this index"
    )
    args = ap.parse_args()
    if args.against:
        unchanged_passes(args.corpus, args.against, args.out)
        return

    settings = Settings()
    work = Path(tempfile.mkdtemp(prefix="ia-bench-"))
    files = [f for f, _ in discover([args.corpus])]
    if args.limit:
        files = files[: args.limit]
    pdfs = [f for f in files if f.suffix.lower() == ".pdf"]
    hold_out = pdfs[len(pdfs) // 2]
    tree = work / "reports"
    tree.mkdir()
    for f in files:
        if f == hold_out:
            continue
        place(f, tree / f.relative_to(args.corpus))
    index_dir = args.keep or (work / "index")
    if index_dir.exists():
        shutil.rmtree(index_dir)
    embedder = make_embedder(
        settings.embedding.backend, settings.embedding.model, settings.embedding.batch_size
    )
    embedder.embed_query("load the model before the clock starts")
    index = Index(index_dir)
    ing = Ingestor(index, embedder, settings)

    t0 = time.perf_counter()
    first = ing.run([tree])
    ingest_s = time.perf_counter() - t0
    rss_ingest = peak_rss_mb()

    t0 = time.perf_counter()
    second = ing.run([tree])
    unchanged_s = time.perf_counter() - t0

    place(hold_out, tree / hold_out.relative_to(args.corpus))
    t0 = time.perf_counter()
    third = ing.run([tree])
    add_one_s = time.perf_counter() - t0

    # The bare model on the same texts, same batch size, same process.
    texts = [c.embed_text for c in index.manifest.live_chunks()]
    n_chunks = len(texts)
    if args.raw_sample and args.raw_sample < n_chunks:
        import random

        texts = random.Random(0).sample(texts, args.raw_sample)
    # The bare sentence-transformers model (the reference) and, when the pipeline uses another
    # backend, that backend bare: each on the same texts at the same batch size.
    from vectorstore.embedder import SentenceTransformerEmbedder

    bare = SentenceTransformerEmbedder(settings.embedding.model, settings.embedding.batch_size)
    bare.model.encode(texts[:8], batch_size=8)
    t0 = time.perf_counter()
    bare.model.encode(
        texts,
        batch_size=settings.embedding.batch_size,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    raw_s = time.perf_counter() - t0
    backend_s = raw_s
    if settings.embedding.backend != "sentence-transformers":
        t0 = time.perf_counter()
        embedder.embed_documents(texts)
        backend_s = time.perf_counter() - t0

    results = {
        "files": len(files),
        "pages": first.pages + third.pages,
        "chunks": n_chunks,
        "failed": [f.as_dict() for f in first.failed + third.failed],
        "ingest_seconds": round(ingest_s, 1),
        "pages_per_s": round(first.pages / ingest_s, 2),
        "chunks_per_s": round(first.chunks / ingest_s, 2),
        "raw_encode_seconds": round(raw_s, 1),
        "raw_encoded": len(texts),
        "raw_chunks_per_s": round(len(texts) / raw_s, 2),
        "ratio_ingest_over_raw": round((first.chunks / ingest_s) / (len(texts) / raw_s), 3),
        "embedder": settings.embedding.backend,
        "bare_backend_chunks_per_s": round(len(texts) / backend_s, 2),
        "ratio_ingest_over_bare_backend": round(
            (first.chunks / ingest_s) / (len(texts) / backend_s), 3
        ),
        "peak_rss_mb_ingest": round(rss_ingest, 0),
        "unchanged_rerun_seconds": round(unchanged_s, 2),
        "unchanged_rerun": second.as_dict(),
        "add_one_report_seconds": round(add_one_s, 2),
        "add_one": {k: third.as_dict()[k] for k in ("added", "chunks", "pages")},
        "batch_size": settings.embedding.batch_size,
        "cpus": os.cpu_count(),
        "command": " ".join(sys.argv),
    }
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2))
    shutil.rmtree(work, ignore_errors=True) if args.keep else None


if __name__ == "__main__":
    main()
