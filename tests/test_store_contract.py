"""One contract for every vector store backend: embedded Chroma and a real Chroma server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from ingest.records import Chunk
from vectorstore.chroma import make_store
from vectorstore.records import Filters


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real `chroma run` server on a loopback port, stopped after the module."""
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("chroma server did not start")
    yield port
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture(params=["chroma", "chroma-server"])
def store(request, tmp_path):
    if request.param == "chroma":
        return make_store("chroma", tmp_path / "chroma", collection="contract")
    port = request.getfixturevalue("chroma_server")
    name = f"contract{abs(hash(tmp_path)) % 10**8}"
    return make_store("chroma-server", host="127.0.0.1", port=port, collection=name)


def _chunk(rid: str, i: int, subject: str, start: date) -> Chunk:
    return Chunk(
        id=f"{rid}:{i:04d}",
        report_id=rid,
        source=f"{rid}.pdf",
        ordinal=i,
        text=f"text {rid} {i}",
        embed_text=f"text {rid} {i}",
        page_start=1,
        page_end=1,
        pdf_page_start=1,
        pdf_page_end=1,
        subject=subject,
        inspectorate="Ofsted",
        inspection_start=start,
        inspection_end=start,
    )


def _vecs(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_store_contract(store):
    a = [_chunk("aaaa", i, "Norfolk", date(2022, 11, 7)) for i in range(5)]
    b = [_chunk("bbbb", i, "Croydon", date(2017, 3, 1)) for i in range(5)]
    va, vb = _vecs(5, 1), _vecs(5, 2)
    store.add(a, va)
    store.add(b, vb)
    assert store.count() == 10
    assert store.report_ids() == {"aaaa", "bbbb"}
    # nearest neighbour of a stored vector is itself, with cosine similarity ~1
    best = store.query(va[2], 3, None)
    assert best[0][0] == "aaaa:0002" and best[0][1] == pytest.approx(1.0, abs=1e-4)
    # filters: subject, report, dates
    only = store.query(va[2], 10, Filters(subjects=("Croydon",)))
    assert {cid.split(":")[0] for cid, _ in only} == {"bbbb"}
    only = store.query(va[2], 10, Filters(report_ids=("aaaa",)))
    assert len(only) == 5 and all(cid.startswith("aaaa") for cid, _ in only)
    recent = store.query(va[2], 10, Filters(date_from=date(2020, 1, 1)))
    assert {cid.split(":")[0] for cid, _ in recent} == {"aaaa"}
    old = store.query(va[2], 10, Filters(date_to=date(2018, 12, 31)))
    assert {cid.split(":")[0] for cid, _ in old} == {"bbbb"}
    got = store.vectors(["aaaa:0001", "bbbb:0003"])
    assert np.allclose(got["aaaa:0001"], va[1], atol=1e-5)
    ids, matrix = store.all_vectors()
    assert sorted(ids) == sorted(c.id for c in a + b) and matrix.shape == (10, 384)
    assert np.allclose(matrix[ids.index("bbbb:0003")], vb[3], atol=1e-5)
    # upsert is idempotent; delete removes a whole report
    store.add(a, va)
    assert store.count() == 10
    store.delete_reports(["aaaa"])
    assert store.report_ids() == {"bbbb"} and store.count() == 5


def test_whole_assistant_on_a_chroma_server(chroma_server, tmp_path, embedder):
    """Ingest and answer with the vectors in a Chroma server: the same code as embedded."""
    from assistant.core import Assistant
    from assistant.indexing import Ingestor
    from assistant.settings import Settings
    from vectorstore.index import Index

    src = tmp_path / "src"
    src.mkdir()
    (src / "r.txt").write_text(
        "Report on Thetaford\n\nThetaford inspectors found that care "
        "leavers have personal advisers who know them well.\n"
    )
    settings = Settings(
        index_dir=tmp_path / "idx",
        store={"backend": "chroma-server", "chroma_port": chroma_server, "collection": "whole"},
    )
    index = Index(
        settings.store.index_dir, store="chroma-server", port=chroma_server, collection="whole"
    )
    assert Ingestor(index, embedder, settings).run([src]).added == 1
    assert not (settings.store.index_dir / "chroma").exists()  # vectors live in the server
    a = Assistant(settings, index=index, embedder=embedder).ask(
        "Do care leavers in Thetaford have personal advisers?"
    )
    assert not a.abstained and "personal advisers" in a.citations[0].quote


def test_in_memory_dense_search_matches_the_store(built_index, embedder):
    _, index = built_index
    index.warm_up()
    assert index._dense_view() is not None  # the exact in-memory search is in use
    q = embedder.embed_query("care leavers and their personal advisers")
    for f in (None, Filters(subjects=("Croydon",)), Filters(date_from=date(2020, 1, 1))):
        fast = [(h.chunk.id, round(h.dense, 4)) for h in index.search_dense(q, 8, f)]
        store = [(cid, round(sim, 4)) for cid, sim in index.store.query(q, 8, f)]
        assert fast == store and fast


def test_reports_made_live_mid_run_are_found_before_bm25_is_rebuilt(fresh, embedder, tmp_path):
    ingestor, index, _ = fresh
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Alphaton\n\nAlphaton inspectors praised the adoption team.")
    ingestor.run([src])
    index.warm_up()
    (src / "b.txt").write_text(
        "Report on Betaville\n\nBetaville foster carers wait too long for panels."
    )
    index.rebuild_keyword = lambda: None  # as if the run were still going
    ingestor.run([src])
    hits = index.search_dense(embedder.embed_query("foster carers waiting for panels"), 3)
    assert hits and "Betaville" in hits[0].chunk.text


def test_ann_and_exact_dense_search_give_the_same_hits(built_index, embedder):
    """The store's HNSW search, with the filters as a Chroma ``where``, finds what the exact
    in-memory search finds, as the same records."""
    from vectorstore.index import Index

    settings, built = built_index
    folder = settings.store.index_dir
    exact = Index(folder, dense_search="exact")
    ann = Index(folder, dense_search="ann")  # narrow filters: exactly over the compact copy
    graph = Index(folder, dense_search="ann", ann_exact_rows=0)  # every filter: HNSW
    passages = built.stats().chunks
    auto_exact = Index(folder, dense_search="auto", ann_above=passages)
    auto_ann = Index(folder, dense_search="auto", ann_above=passages - 1)
    for index in (exact, ann, graph, auto_exact, auto_ann):
        index.warm_up()
    assert exact.exact_search() and auto_exact.exact_search()
    assert not (ann.exact_search() or graph.exact_search() or auto_ann.exact_search())
    assert exact._dense_view().matrix.dtype == np.float32
    assert ann._dense_view().matrix.dtype == np.int8  # a quarter of the memory
    rid = next(r.report_id for r in built.reports(include_failed=False) if r.subject == "Croydon")
    filters = (
        None,
        Filters(subjects=("Croydon",)),
        Filters(subjects=("Norfolk", "Croydon"), date_from=date(2020, 1, 1)),
        Filters(date_to=date(2018, 12, 31)),
        Filters(report_ids=(rid,)),
        Filters(inspectorates=("Ofsted",), kinds=("inspection",)),
    )
    for question in ("care leavers and their personal advisers", "missing children"):
        q = embedder.embed_query(question)
        for f in filters:
            want = exact.search_dense(q, 8, f)
            assert want, f
            for other in (ann, graph, auto_ann):
                got = other.search_dense(q, 8, f)
                assert [h.chunk for h in got] == [h.chunk for h in want]
                assert [h.dense for h in got] == pytest.approx([h.dense for h in want], abs=1e-4)


def test_an_unknown_dense_search_mode_is_refused(tmp_path):
    from vectorstore.index import Index

    with pytest.raises(ValueError, match="dense search mode"):
        Index(tmp_path / "index", dense_search="fast")
