"""Scale benchmark: the real index grown to 1x, 3x, 10x and 30x its passages, without re-embedding.

    nice -n 19 .venv/bin/python benchmarks/scale.py --source /tmp/full-index [--sizes 1,3,10,30]

Every live report of ``--source`` (a real index; it is copied, never written) is added again and
again to a fresh index in a temporary folder, through the real store API (``Index.add_report``
with embedded Chroma, then ``Index.rebuild_keyword``): copy 0 as it is, each further copy with a
report id, file path and subject of its own and its passage vectors perturbed (Gaussian noise of
``--noise`` per dimension, renormalised: a copy is about 0.98 cosine-similar to its original).
Texts and sentence vectors are kept as they are.

At each size the index is served by a ``chroma run`` server over the same folder, and two replica
processes (dense search "exact", then "ann": the server's HNSW index) each load the index,
search it and answer the evaluation questions. Measured: build time, disk size, dense search
p50/p95 unfiltered and filtered (by the question's subject, half of them also by a date), keyword
search p50/p95, a date filter that leaves about half the passages ("broad"), sentence vectors
read for the top passages, whole-question p50/p95 (``Assistant.ask``), ANN recall@10 against exact, the
memory of each replica (after loading, and its peak) and of the Chroma server, and the memory of
the keyword index per passage. Writes ``--out`` (JSON) and ``--plot`` (PNG).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.records import Chunk, ParsedReport, ReportMetadata  # noqa: E402
from vectorstore.manifest_rows import parse_date  # noqa: E402
from vectorstore.records import Filters, SourceFile, SpanVectors  # noqa: E402

DOCS = ROOT / "docs"
QUESTIONS = ROOT / "benchmarks" / "qa" / "questions.jsonl"
CANDIDATES = 40  # what retrieval.candidates asks of each search
BATCH = 2000  # passages written to the store at once while growing


def pct(xs: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(p / 100 * len(xs)) - 1))] if xs else float("nan")


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process, in MB."""
    import psutil

    return round(psutil.Process(pid or os.getpid()).memory_info().rss / 2**20, 1)


def du_mb(folder: Path) -> float:
    """Bytes of every file under a folder, in MB."""
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


# -- the real passages -------------------------------------------------------------------------
@dataclass
class Original:
    """One live report of the source index, as ``Index.add_report`` takes it."""

    report: ParsedReport
    chunks: list[Chunk]
    vectors: np.ndarray
    sentences: list[SpanVectors] | None


def read_source(folder: Path) -> list[Original]:
    """Every live report of an index (a copy: opening an index may write to it)."""
    from vectorstore.index import Index

    index = Index(folder)
    m = index.manifest
    ids, vecs = index.store.all_vectors()
    row_of = {cid: i for i, cid in enumerate(ids)}
    out = []
    rows = m.query(
        "SELECT report_id, sha256, source, file_type, pages, title, subject, inspectorate, "
        "framework, report_type, lead_inspector, inspection_start, inspection_end, published, "
        "metadata_json FROM reports WHERE status='live' ORDER BY report_id"
    )
    for rid, sha, source, ftype, pages, title, subj, insp, fw, rtype, lead, s, e, p, extra in rows:
        more = json.loads(extra or "{}")
        md = ReportMetadata(
            title=title,
            inspectorate=insp,
            report_type=rtype,
            kind=more.get("kind"),
            inspectorates=more.get("inspectorates") or [],
            framework=fw,
            subject=subj,
            inspection_start=parse_date(s),
            inspection_end=parse_date(e),
            published=parse_date(p),
            lead_inspector=lead,
            notes=more.get("notes") or {},
        )
        report = ParsedReport(
            source=source,
            sha256=sha,
            file_type=ftype,
            pages=pages or 1,
            page_labels=more.get("page_labels") or [],
            paragraphs=[],
            metadata=md,
            judgements=list(m.judgements(rid)),
            improvements=list(m.improvements(rid)),
            warnings=more.get("warnings") or [],
        )
        chunks = m.report_chunks(rid)
        chunks = [c for c in chunks if c.id in row_of]
        stored = m.sentence_vectors([c.id for c in chunks])
        sentences = [
            SpanVectors(stored[c.id].spans, stored[c.id].vectors.astype(np.float16)) for c in chunks
        ]
        vectors = vecs[[row_of[c.id] for c in chunks]] if chunks else np.zeros((0, vecs.shape[1]))
        full = len(stored) == len(chunks)
        out.append(Original(report, chunks, vectors, sentences if full else None))
    return out


def copy_of(o: Original, n: int, subject: str | None, rng, noise: float) -> Original:
    """Copy ``n`` of a report: its own id, path and subject, its vectors perturbed."""
    if n == 0:
        return o
    sha = hashlib.sha256(f"{o.report.sha256}:copy{n}".encode()).hexdigest()
    md = replace(o.report.metadata, subject=subject)
    report = replace(o.report, sha256=sha, source=f"copy{n:02d}/{o.report.source}", metadata=md)
    rid = report.report_id
    chunks = [
        replace(
            c,
            id=rid + c.id[len(c.report_id) :],
            report_id=rid,
            source=report.source,
            subject=subject,
        )
        for c in o.chunks
    ]
    v = o.vectors + rng.normal(0.0, noise, o.vectors.shape).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return Original(report, chunks, v.astype(np.float32), o.sentences)


def add_batch(index, batch: list[Original]) -> None:
    """Stage each report, write their vectors to the store together, make each live: the
    steps of ``Index.add_report``, with one store write per batch (the store's cost is mostly
    per write: 20 passages a write add at a third of the speed of 2,000)."""
    for c in batch:
        index.manifest.stage_report(c.report, c.chunks, c.sentences)
    chunks = [ch for c in batch for ch in c.chunks]
    if chunks:
        index.store.add(chunks, np.concatenate([c.vectors for c in batch]))
    for c in batch:
        index.manifest.commit_sources(
            c.report.report_id, [SourceFile(c.report.source, c.report.sha256, 1, 0.0)]
        )


def grow(args) -> None:
    """Add copies ``--first`` to ``--last`` (exclusive) of the source to the index; print JSON."""
    from vectorstore.index import Index

    originals = read_source(Path(args.source))
    subjects = sorted({o.report.metadata.subject or "" for o in originals})
    index = Index(Path(args.index))
    model = Index(Path(args.source)).manifest.get_meta("embedding_model") or "unknown"
    index.check_model(model, int(originals[0].vectors.shape[1]))
    t0 = time.perf_counter()
    added = 0
    for n in range(args.first, args.last):
        rng = np.random.default_rng(n)
        batch: list[Original] = []
        for o in originals:
            s = o.report.metadata.subject
            name = s if not s else f"Area {n:02d}-{subjects.index(s):03d}"
            batch.append(copy_of(o, n, name, rng, args.noise))
            if sum(len(c.chunks) for c in batch) >= BATCH or o is originals[-1]:
                add_batch(index, batch)
                added += sum(len(c.chunks) for c in batch)
                batch = []
        print(f"copy {n}: {index.stats().chunks} passages", file=sys.stderr, flush=True)
    added_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    index.rebuild_keyword()
    keyword_s = time.perf_counter() - t1
    print(
        json.dumps({"added": added, "add_s": round(added_s, 1), "keyword_s": round(keyword_s, 1)})
    )


# -- one replica -------------------------------------------------------------------------------
def questions_and_filters(index) -> tuple[list[str], list[Filters]]:
    """The evaluation questions, each with a filter by its subject (every other one also by a
    date), as a question steered to a place is searched."""
    rows = [json.loads(x) for x in QUESTIONS.read_text().splitlines() if x.strip()]
    subjects = sorted({r.subject for r in index.reports(include_failed=False) if r.subject})
    real = [s for s in subjects if not s.startswith("Area ")]
    out_q, out_f = [], []
    for i, r in enumerate(rows):
        subject = r.get("subject") if r.get("subject") in real else real[i % len(real)]
        after = date(2018, 1, 1) if i % 2 else None
        out_q.append(r["question"])
        out_f.append(Filters(subjects=(subject,), date_from=after))
    return out_q, out_f


def keyword_bytes(index) -> dict:
    """What the loaded keyword index holds, in bytes per passage."""
    view = index._keyword_view()
    n = max(1, len(view.index.ids))
    arrays = sum(a.nbytes for a in view.index.retriever.scores.values() if hasattr(a, "nbytes"))
    columns = sum(a.nbytes for a in view.columns.values()) + view.date_start.nbytes * 2
    ids = sum(sys.getsizeof(x) for x in view.index.ids) + sys.getsizeof(view.index.ids)
    ids += sys.getsizeof(view.index.position)
    return {
        "bm25_arrays": round(arrays / n),
        "filter_columns": round(columns / n),
        "ids": round(ids / n),
    }


def replica(args) -> None:
    """Load the index as a serving replica does, search and answer; print JSON."""
    from assistant.factory import make_assistant, open_index, settings_for

    settings = settings_for(
        index_dir=Path(args.index),
        store__backend="chroma-server" if args.port else "chroma",
        store__chroma_port=args.port or 8000,
        retrieval__dense_search=args.mode,
        llm__provider="none",
    )
    res: dict = {"mode": args.mode, "rss_start_mb": rss_mb()}
    t0 = time.perf_counter()
    index = open_index(settings)
    index._keyword_view()
    res["keyword_load_s"] = round(time.perf_counter() - t0, 1)
    res["rss_keyword_mb"] = rss_mb()
    res["keyword_bytes_per_passage"] = keyword_bytes(index)
    t1 = time.perf_counter()
    index.warm_up()
    res["dense_load_s"] = round(time.perf_counter() - t1, 1)
    res["rss_dense_mb"] = rss_mb()
    assistant = make_assistant(settings, index=index)
    assistant.warm_up()
    res["load_s"] = round(time.perf_counter() - t0, 1)
    res["rss_loaded_mb"] = rss_mb()
    res["passages"] = len(index._keyword_view().index.ids)
    res["exact"] = index.exact_search()
    questions, filters = questions_and_filters(index)
    qvecs = [assistant.embedder.embed_query(q) for q in questions]
    broad = [Filters(date_from=date(2018, 1, 1))] * len(qvecs)  # about half the passages
    for name, fs in (("unfiltered", [None] * len(qvecs)), ("filtered", filters), ("broad", broad)):
        ms, tops = [], []
        for q, f in zip(qvecs, fs, strict=True):
            t = time.perf_counter()
            hits = index.search_dense(q, CANDIDATES, f)
            ms.append((time.perf_counter() - t) * 1000)
            tops.append([h.chunk.id for h in hits[:10]])
        res[f"dense_{name}"] = {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1)}
        res[f"top10_{name}"] = tops
    ms = []
    for q, f in zip(questions, filters, strict=True):
        t = time.perf_counter()
        index.search_keyword(q, CANDIDATES, f)
        ms.append((time.perf_counter() - t) * 1000)
    res["keyword"] = {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1)}
    ms = []
    for tops in res["top10_unfiltered"]:  # what an answer reads: its top passages' sentences
        t = time.perf_counter()
        index.sentence_vectors(tops)
        ms.append((time.perf_counter() - t) * 1000)
    res["sentences"] = {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1)}
    ms = []
    for q in questions:
        t = time.perf_counter()
        assistant.ask(q)
        ms.append((time.perf_counter() - t) * 1000)
    res["ask"] = {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1)}
    res["rss_end_mb"] = rss_mb()
    res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(res))


# -- the whole run -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_server(folder: Path) -> tuple[subprocess.Popen, int]:
    """``chroma run`` over the embedded store's folder; returns it and its port."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the chroma server did not start")


def child(*argv: str) -> dict:
    """Run this script's sub-command in a child process and read its JSON line."""
    out = subprocess.run(
        [sys.executable, __file__, *argv], check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def recall(exact: list[list[str]], ann: list[list[str]]) -> float:
    """Mean share of the exact top 10 that the ANN top 10 also holds."""
    shares = [len(set(a) & set(e)) / len(e) for e, a in zip(exact, ann, strict=True) if e]
    return round(float(np.mean(shares)), 4) if shares else float("nan")


def measure(index_dir: Path, copies: int, build: dict, server: bool) -> dict:
    """Serve the index and run an exact and an ANN replica against it."""
    proc, port = chroma_server(index_dir / "chroma") if server else (None, 0)
    try:
        runs = {}
        for mode in ("exact", "ann"):
            runs[mode] = child(
                "replica", "--index", str(index_dir), "--mode", mode, "--port", str(port)
            )
            if proc is not None:
                runs[mode]["server_rss_mb"] = rss_mb(proc.pid)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)
    row = {
        "copies": copies,
        "passages": runs["exact"]["passages"],
        "build": build,
        "disk_mb": du_mb(index_dir),
        "disk_chroma_mb": du_mb(index_dir / "chroma"),
        "recall10_unfiltered": recall(
            runs["exact"]["top10_unfiltered"], runs["ann"]["top10_unfiltered"]
        ),
        "recall10_filtered": recall(runs["exact"]["top10_filtered"], runs["ann"]["top10_filtered"]),
        "recall10_broad": recall(runs["exact"]["top10_broad"], runs["ann"]["top10_broad"]),
    }
    for mode, r in runs.items():
        for k in ("top10_unfiltered", "top10_filtered", "top10_broad"):
            r.pop(k)
        row[mode] = r
    return row


def plot(rows: list[dict], path: Path) -> None:
    """Latency, memory and recall against the number of passages."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = [r["passages"] / 1000 for r in rows]
    fig, ax = plt.subplots(1, 3, figsize=(15, 4.5))
    for mode, style in (("exact", "-o"), ("ann", "--s")):
        ax[0].plot(
            x, [r[mode]["ask"]["p95_ms"] for r in rows], style, label=f"question p95 ({mode})"
        )
        ax[0].plot(
            x,
            [r[mode]["dense_unfiltered"]["p95_ms"] for r in rows],
            style,
            alpha=0.6,
            label=f"dense search p95 ({mode})",
        )
        ax[0].plot(
            x,
            [r[mode]["dense_filtered"]["p95_ms"] for r in rows],
            style,
            alpha=0.4,
            label=f"filtered dense p95 ({mode})",
        )
        ax[1].plot(x, [r[mode]["peak_rss_mb"] for r in rows], style, label=f"replica peak ({mode})")
        ax[1].plot(
            x,
            [r[mode]["rss_end_mb"] for r in rows],
            style,
            alpha=0.5,
            label=f"replica after questions ({mode})",
        )
    ax[0].plot(x, [r["exact"]["keyword"]["p95_ms"] for r in rows], ":^", label="keyword p95")
    if all("server_rss_mb" in r["ann"] for r in rows):
        ax[1].plot(x, [r["ann"]["server_rss_mb"] for r in rows], ":^", label="Chroma server")
    ax[1].plot(x, [r["disk_mb"] for r in rows], ":x", label="disk")
    ax[2].plot(x, [r["recall10_unfiltered"] for r in rows], "-o", label="unfiltered")
    ax[2].plot(x, [r["recall10_filtered"] for r in rows], "--s", label="filtered by subject")
    ax[2].plot(x, [r["recall10_broad"] for r in rows], ":^", label="filtered by date (broad)")
    for a, title, unit in (
        (ax[0], "latency", "ms"),
        (ax[1], "memory and disk", "MB"),
        (ax[2], "ANN recall@10 against exact", "recall"),
    ):
        a.set_title(title)
        a.set_xlabel("passages (thousands)")
        a.set_ylabel(unit)
        a.set_xscale("log")
        a.grid(alpha=0.3)
        a.legend(fontsize=7)
    ax[0].axhline(250, color="grey", lw=0.8)
    ax[0].axhline(500, color="grey", lw=0.8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def table(rows: list[dict]) -> str:
    """The docs' tables (markdown): one row per size."""

    def ms(d: dict) -> str:
        return f"{d['p50_ms']:g} / {d['p95_ms']:g}"

    out = [
        "| passages | build (s, total) | disk (MB) | mode | dense: none / subject / date "
        "(p50 / p95 ms) | keyword (ms) | question (ms) | replica RSS loaded / peak (MB) "
        "| Chroma server (MB) | recall@10: none / subject / date |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        for mode in ("exact", "ann"):
            x = r[mode]
            first = mode == "exact"
            recall = (
                f"{r['recall10_unfiltered']:.3f} / {r['recall10_filtered']:.3f} / "
                f"{r['recall10_broad']:.3f}"
            )
            out.append(
                f"| {r['passages']:,} | {r['build']['total_s'] if first else ''} | "
                f"{r['disk_mb'] if first else ''} | {mode} | {ms(x['dense_unfiltered'])}; "
                f"{ms(x['dense_filtered'])}; {ms(x['dense_broad'])} | {ms(x['keyword'])} | "
                f"**{ms(x['ask'])}** | {x['rss_loaded_mb']:g} / {x['peak_rss_mb']:g} | "
                f"{x.get('server_rss_mb', '')} | {'' if first else recall} |"
            )
    return "\n".join(out)


def run(args) -> None:
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: list[dict] = []
    done, elapsed = 0, 0.0
    if args.resume:  # a grown index kept by an earlier run (--keep, or a run stopped)
        work = Path(args.resume)
        rows = json.loads(Path(args.out).read_text())["rows"]
        done, elapsed = rows[-1]["copies"], rows[-1]["build"]["total_s"]
    else:
        work = Path(tempfile.mkdtemp(prefix="scale-", dir=args.work))
        shutil.copytree(args.source, work / "source", ignore=shutil.ignore_patterns("*.lock"))
    source = work / "source"
    index_dir = work / "index"
    try:
        for copies in sizes:
            if rows and rows[-1]["copies"] == copies:  # measured again, as built before
                build = rows.pop()["build"]
            else:
                build = child(
                    "grow",
                    "--source",
                    str(source),
                    "--index",
                    str(index_dir),
                    "--first",
                    str(done),
                    "--last",
                    str(copies),
                    "--noise",
                    str(args.noise),
                )
                elapsed += build["add_s"] + build["keyword_s"]
                build["total_s"] = round(elapsed, 1)
            done = copies
            row = measure(index_dir, copies, build, not args.embedded)
            rows.append(row)
            print(
                json.dumps({k: v for k, v in row.items() if k not in ("exact", "ann")}),
                file=sys.stderr,
                flush=True,
            )
            out = {
                "rows": rows,
                "noise": args.noise,
                "cpus": os.cpu_count(),
                "command": " ".join(sys.argv),
            }
            Path(args.out).write_text(json.dumps(out, indent=2) + "\n")
            plot(rows, Path(args.plot))
        print(table(rows))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command")
    ap.add_argument("--source", type=Path, help="a real index (copied, never written)")
    ap.add_argument("--sizes", default="1,3,10,30", help="copies of the source, in order")
    ap.add_argument("--noise", type=float, default=0.01)
    ap.add_argument("--work", type=Path, help="where the temporary folder goes")
    ap.add_argument("--embedded", action="store_true", help="replicas open Chroma embedded")
    ap.add_argument("--keep", action="store_true", help="keep the grown index")
    ap.add_argument(
        "--resume", type=Path, help="grow further the index a run kept here (rows from --out)"
    )
    ap.add_argument("--out", type=Path, default=DOCS / "bench-scale.json")
    ap.add_argument("--plot", type=Path, default=DOCS / "scale.png")
    g = sub.add_parser("grow")
    g.add_argument("--source", required=True)
    g.add_argument("--index", required=True)
    g.add_argument("--first", type=int, required=True)
    g.add_argument("--last", type=int, required=True)
    g.add_argument("--noise", type=float, required=True)
    r = sub.add_parser("replica")
    r.add_argument("--index", required=True)
    r.add_argument("--mode", required=True)
    r.add_argument("--port", type=int, default=0)
    sub.add_parser("table", help="print the docs' table from --out")
    args = ap.parse_args()
    if args.command == "table":
        print(table(json.loads(Path(args.out).read_text())["rows"]))
    elif args.command == "grow":
        grow(args)
    elif args.command == "replica":
        replica(args)
    elif args.source is None and args.resume is None:
        ap.error("give --source INDEX")
    else:
        run(args)


if __name__ == "__main__":
    main()
