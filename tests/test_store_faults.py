"""Faults that must not lose data: shared Chroma servers, a store that disagrees with the
manifest or cannot answer, damaged files and a full disk, `ingest` beside `serve`.

Everything is real: embedded Chroma in tmp_path, `chroma run` servers, CLI subprocesses and a
small tmpfs mounted in a private mount namespace.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.indexing import Ingestor
from assistant.settings import Settings
from assistant.status import index_status
from vectorstore.index import Index

CLI = [sys.executable, "-m", "assistant.cli"]
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the process exited early with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.3)
    proc.kill()
    pytest.fail(f"nothing listened on port {port}")


def _start_chroma(path: Path, port: int | None = None) -> tuple[subprocess.Popen, int]:
    """A `chroma run` server on ``path`` (on ``port``, or a free one), listening."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = port or _free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port, proc, 60)
    return proc, port


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture()
def chroma_server(tmp_path):
    """A real `chroma run` server of this test alone (a test may stop it)."""
    proc, port = _start_chroma(tmp_path / "chroma-server")
    yield proc, port
    _stop(proc)


def _report(folder: Path, name: str, subject: str, finding: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"Report on {subject}\n\n{finding}\n", encoding="utf-8")
    return path


ALPHA = "Alphaton inspectors praised the adoption team for finding families quickly."
BETA = "Betaville foster carers wait too long for their approval panels."


def _server_settings(tmp_path: Path, name: str, port: int, **extra) -> Settings:
    return Settings(
        index_dir=tmp_path / name, store="chroma-server", chroma_port=port, max_file_mb=1, **extra
    )


def _open(settings: Settings) -> Index:
    return Index(
        settings.store.index_dir,
        store=settings.store.backend,
        port=settings.store.chroma_port,
        collection=settings.store.collection,
    )


def _dense_sources(index: Index, embedder, query: str) -> list[str]:
    return [h.chunk.source for h in index.search_dense(embedder.embed_query(query), 5)]


# -- one Chroma server, many indexes ----------------------------------------------------------
def test_two_indexes_on_one_chroma_server_keep_their_vectors(tmp_path, embedder, chroma_server):
    _, port = chroma_server
    sa, sb = _server_settings(tmp_path, "a", port), _server_settings(tmp_path, "b", port)
    a, b = _open(sa), _open(sb)
    Ingestor(a, embedder, sa).run([_report(tmp_path / "ra", "a.txt", "Alphaton", ALPHA)])
    Ingestor(b, embedder, sb).run([_report(tmp_path / "rb", "b.txt", "Betaville", BETA)])
    # The second index's runs (its recovery included) leave the first one's vectors alone.
    Ingestor(b, embedder, sb).run([tmp_path / "rb"])
    assert _dense_sources(_open(sa), embedder, "adoption team finding families") == ["a.txt"]
    assert _dense_sources(_open(sb), embedder, "foster carers approval panels") == ["b.txt"]
    # Each index has its own collection, recorded in its manifest.
    assert a.collection != b.collection
    assert _open(sa).collection == a.manifest.get_meta("collection") == a.collection
    assert _open(sa).store_health().ok and _open(sb).store_health().ok


def test_a_collection_of_another_index_is_refused(tmp_path, embedder, chroma_server):
    _, port = chroma_server
    sa = _server_settings(tmp_path, "a", port)
    a = _open(sa)
    Ingestor(a, embedder, sa).run([_report(tmp_path / "ra", "a.txt", "Alphaton", ALPHA)])
    intruder = _server_settings(tmp_path, "c", port, collection=a.collection)
    out = subprocess.run(
        [*CLI, "ingest", str(tmp_path / "ra"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            **os.environ,
            "INSPECTION_ASSISTANT_INDEX_DIR": str(intruder.store.index_dir),
            "INSPECTION_ASSISTANT_STORE": "chroma-server",
            "INSPECTION_ASSISTANT_CHROMA_PORT": str(port),
            "INSPECTION_ASSISTANT_COLLECTION": a.collection,
        },
        timeout=300,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "another index" in out.stderr and "Traceback" not in out.stderr
    assert _open(sa).store_health().ok
    assert _dense_sources(_open(sa), embedder, "adoption team finding families") == ["a.txt"]


def test_an_index_made_before_collections_were_recorded_keeps_the_default(tmp_path, embedder):
    settings = Settings(index_dir=tmp_path / "old", collection="chunks", max_file_mb=1)
    index = _open(settings)
    Ingestor(index, embedder, settings).run([_report(tmp_path / "r", "a.txt", "Alphaton", ALPHA)])
    # As older versions left an index: no ids in the manifest, no owner on the collection.
    index.store.collection.modify(metadata={"made_by": "an older version"})
    index.manifest.close()
    with sqlite3.connect(settings.store.index_dir / "manifest.sqlite") as db:
        db.execute("DELETE FROM meta WHERE key IN ('collection', 'index_id')")
    reopened = _open(Settings(index_dir=settings.store.index_dir))
    assert reopened.collection == "chunks" and reopened.store_health().ok
    answer = Assistant(Settings(index_dir=settings.store.index_dir), reopened, embedder).ask(
        "What did Alphaton inspectors praise?"
    )
    assert not answer.abstained and answer.search_fallback is None


# -- the store disagrees with the manifest, or cannot answer ---------------------------------
def test_a_collection_deleted_underneath_is_reported_searched_by_keywords_and_repaired(
    tmp_path, embedder, chroma_server
):
    import chromadb

    _, port = chroma_server
    settings = _server_settings(tmp_path, "idx", port)
    index = _open(settings)
    src = tmp_path / "src"
    _report(src, "a.txt", "Alphaton", ALPHA)
    _report(src, "b.txt", "Betaville", BETA)
    Ingestor(index, embedder, settings).run([src])
    other = chromadb.HttpClient(host="127.0.0.1", port=port)
    other.delete_collection(index.collection)  # another client, as an operator might

    st = index_status(settings)
    assert st.problems and st.vectors in (None, 0) and "ingest" in st.problems[0]
    assert st.as_dict()["problems"] == st.problems

    answer = Assistant(settings, _open(settings), embedder).ask(
        "What did Alphaton inspectors praise?"
    )
    assert not answer.abstained and "adoption team" in answer.citations[0].quote
    assert answer.search_fallback is not None
    assert answer.search_fallback.reason == "store_unavailable"

    summary = Ingestor(_open(settings), embedder, settings).run([src])
    assert (summary.repaired, summary.added, summary.unchanged) == (2, 0, 2)
    assert index_status(settings).problems == []
    fixed = Assistant(settings, _open(settings), embedder).ask(
        "What did Alphaton inspectors praise?"
    )
    assert not fixed.abstained and fixed.search_fallback is None


def test_an_emptied_collection_is_found_by_a_warm_server_and_the_next_ingest(fresh, tmp_path):
    ingestor, index, settings = fresh
    src = tmp_path / "src"
    _report(src, "a.txt", "Alphaton", ALPHA)
    _report(src, "b.txt", "Betaville", BETA)
    ingestor.run([src])
    rid = index.manifest.source("b.txt").report_id
    index.store.collection.delete(where={"report_id": rid})  # half the vectors gone

    assert "disagree" in " ".join(index_status(settings).problems)
    assistant = Assistant(settings, Index(settings.store.index_dir), ingestor.embedder)
    assistant.index.warm_up()  # the in-memory vectors now lack a live report's
    answer = assistant.ask("Do Betaville foster carers wait long for panels?")
    assert not answer.abstained and "approval panels" in answer.citations[0].quote
    assert answer.search_fallback is not None
    assert json.loads(json.dumps(_json(answer)))["search_fallback"]["reason"] == "store_unavailable"

    assert ingestor.run([src]).repaired == 1
    assert index_status(settings).problems == []
    again = assistant.ask("Do Betaville foster carers wait long for panels?")
    assert again.search_fallback is None and "approval panels" in again.citations[0].quote


def _json(answer) -> dict:
    from assistant.jsonio import answer_json

    return answer_json(answer)


def test_a_store_that_stops_answering_leaves_keyword_search(tmp_path, embedder, chroma_server):
    proc, port = chroma_server
    settings = _server_settings(tmp_path, "idx", port)
    Ingestor(_open(settings), embedder, settings).run(
        [_report(tmp_path / "src", "a.txt", "Alphaton", ALPHA)]
    )
    assistant = Assistant(settings, _open(settings), embedder)
    _stop(proc)
    answer = assistant.ask("What did Alphaton inspectors praise?")
    assert not answer.abstained and "adoption team" in answer.citations[0].quote
    assert answer.search_fallback is not None
    assert "keyword" in answer.search_fallback.message


# -- damaged files ---------------------------------------------------------------------------
def test_a_damaged_manifest_is_named_at_open(tmp_path, cli_env, embedder):
    settings = Settings(index_dir=tmp_path / "idx", max_file_mb=1)
    src = tmp_path / "src"
    Ingestor(Index(settings.store.index_dir), embedder, settings).run(
        [_report(src, "a.txt", "Alphaton", ALPHA)]
    )
    manifest = settings.store.index_dir / "manifest.sqlite"
    for extra in manifest.parent.glob("manifest.sqlite-*"):
        extra.unlink()
    manifest.write_bytes(b"this is no database " * 300)
    for args in (
        ["status", "--json"],
        ["ask", "What did inspectors praise?"],
        ["ingest", str(src)],
    ):
        out = subprocess.run(
            [*CLI, *args, "--index", str(settings.store.index_dir)],
            capture_output=True,
            text=True,
            env=cli_env,
            cwd=ROOT,
            timeout=300,
        )
        said = out.stdout + out.stderr
        assert out.returncode == 1, (args, said)
        assert "manifest" in said and "damaged" in said and "Traceback" not in said, args


def test_a_damaged_keyword_index_is_detected_and_rebuilt(fresh, tmp_path):
    ingestor, index, settings = fresh
    src = tmp_path / "src"
    _report(src, "a.txt", "Alphaton", ALPHA)
    ingestor.run([src])
    build = settings.store.index_dir / "bm25" / index.manifest.get_meta("bm25")
    (build / "ids.json").write_text('["nonsense"')
    assert "keyword index" in " ".join(index_status(settings).problems)

    reader = Index(settings.store.index_dir)
    hits = reader.search_keyword("adoption team", 5)
    assert hits and hits[0].chunk.source == "a.txt"  # rebuilt from the manifest
    assert reader.keyword_problem() is None  # and saved in place of the damaged build

    (build / "ids.json").write_text("[]")
    assert ingestor.run([src]).unchanged == 1
    assert Index(settings.store.index_dir).keyword_problem() is None
    assert Index(settings.store.index_dir).search_keyword("adoption team", 5)


# -- a full disk -----------------------------------------------------------------------------
DISK_FULL_SCRIPT = """
set -u
mount -t tmpfs -o size="$SIZE" tmpfs "$MNT" || exit 97
cp -a "$PREVIOUS" "$MNT/index" || exit 98
"$PY" -m assistant.cli ingest "$NEW" --index "$MNT/index" --json >"$OUT/stdout" 2>"$OUT/stderr"
echo $? >"$OUT/rc"
cp -a "$MNT/index" "$OUT/index"
"""


def _namespace() -> list[str] | None:
    """The command that runs a script in a mount namespace of its own, or None."""
    exe = shutil.which("unshare")
    if exe is None:
        return None
    cmd = [exe, "--mount"] + ([] if os.geteuid() == 0 else ["--map-root-user"])
    probe = subprocess.run([*cmd, "true"], capture_output=True)
    return cmd if probe.returncode == 0 else None


def test_a_full_disk_mid_ingest_keeps_the_previous_index(tmp_path, embedder, cli_env):
    namespace = _namespace()
    if namespace is None:
        pytest.skip("no private mount namespace here to mount a small tmpfs in")
    settings = Settings(index_dir=tmp_path / "previous", max_file_mb=1)
    Ingestor(Index(settings.store.index_dir), embedder, settings).run(
        [_report(tmp_path / "old", "a.txt", "Alphaton", ALPHA)]
    )
    used = sum(f.stat().st_size for f in settings.store.index_dir.rglob("*") if f.is_file())
    paragraphs = [
        f"Betaville paragraph {i}: social workers visit children often, managers check the "
        f"quality of plan number {i} each month and partners share what they know." * 3
        for i in range(60)
    ]
    new = tmp_path / "new"
    _report(new, "big.txt", "Betaville", "\n\n".join(paragraphs))
    (tmp_path / "mnt").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    env = {
        **cli_env,
        "SIZE": f"{used // 1024 + 300}k",
        "MNT": str(tmp_path / "mnt"),
        "PREVIOUS": str(settings.store.index_dir),
        "NEW": str(new),
        "OUT": str(out),
        "PY": sys.executable,
        "PYTHONPATH": str(ROOT),
    }
    run = subprocess.run([*namespace, "sh", "-c", DISK_FULL_SCRIPT], env=env, cwd=ROOT, timeout=600)
    assert run.returncode == 0, "the tmpfs could not be set up"
    stderr = (out / "stderr").read_text()
    assert (out / "rc").read_text().strip() == "1", stderr
    assert "disk is full" in stderr and "Traceback" not in stderr
    after = Settings(index_dir=out / "index", max_file_mb=1)
    assert index_status(after).reports == 1 and index_status(after).problems == []
    answer = Assistant(after, Index(after.store.index_dir), embedder).ask(
        "What did Alphaton inspectors praise?"
    )
    assert not answer.abstained and "adoption team" in answer.citations[0].quote
    # With room again, the next run finishes the job.
    summary = Ingestor(Index(after.store.index_dir), embedder, after).run([new])
    assert summary.added == 1 and index_status(after).reports == 2


# -- ingest beside serve ---------------------------------------------------------------------
def test_cli_ingest_refuses_an_embedded_index_being_served(tmp_path, cli_env, embedder):
    settings = Settings(index_dir=tmp_path / "idx", max_file_mb=1)
    Ingestor(Index(settings.store.index_dir), embedder, settings).run(
        [_report(tmp_path / "old", "a.txt", "Alphaton", ALPHA)]
    )
    new = tmp_path / "new"
    _report(new, "b.txt", "Betaville", BETA)
    port = _free_port()
    serve = subprocess.Popen(
        [*CLI, "serve", "--index", str(settings.store.index_dir), "--port", str(port)],
        env=cli_env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, serve, 300)
        refused = subprocess.run(
            [*CLI, "ingest", str(new), "--index", str(settings.store.index_dir), "--json"],
            capture_output=True,
            text=True,
            env=cli_env,
            cwd=ROOT,
            timeout=300,
        )
        assert refused.returncode == 1, refused.stdout
        assert "Admin tab" in refused.stderr and "Chroma server" in refused.stderr
        assert Index(settings.store.index_dir).stats().reports == 1  # nothing was written
    finally:
        _stop(serve)
    done = subprocess.run(
        [*CLI, "ingest", str(new), "--index", str(settings.store.index_dir), "--json"],
        capture_output=True,
        text=True,
        env=cli_env,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0 and json.loads(done.stdout)["added"] == 1


# -- an unchanged pass ------------------------------------------------------------------------
def test_an_unchanged_pass_changes_nothing_readers_see(fresh, tmp_path):
    ingestor, index, _ = fresh
    src = tmp_path / "src"
    _report(src, "a.txt", "Alphaton", ALPHA)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
    first = ingestor.run([src])
    generation, build = index.manifest.generation(), index.manifest.get_meta("bm25")
    second = ingestor.run([src])
    assert (second.unchanged, [f.path for f in second.failed]) == (1, ["broken.pdf"])
    assert second.failed == first.failed
    # Nothing moved, so readers reload nothing and the keyword index is not rebuilt.
    assert (index.manifest.generation(), index.manifest.get_meta("bm25")) == (generation, build)
    # Size and mtime unchanged: the file is not read again (other bytes go unnoticed).
    a = src / "a.txt"
    stat = a.stat()
    a.write_text(a.read_text().replace("praised", "admired"))
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert ingestor.run([src]).unchanged == 1
