"""One contract for every embedder backend: same vectors, same token counts, normalised."""

from __future__ import annotations

import numpy as np
import pytest

from vectorstore.embedder import OnnxEmbedder, SentenceTransformerEmbedder

TEXTS = [
    "Care leavers have personal advisers who know them well.",
    "When children go missing from home, return home interviews are completed quickly and "
    "the information is shared with the police to identify exploitation. " * 4,
    "Leaders",
]


@pytest.fixture(scope="module")
def backends(tmp_path_factory):
    return {
        "sentence-transformers": SentenceTransformerEmbedder(batch_size=2),
        "onnx": OnnxEmbedder(batch_size=2, cache_dir=tmp_path_factory.mktemp("onnx")),
    }


@pytest.mark.parametrize("name", ["sentence-transformers", "onnx"])
def test_embedder_contract(backends, name):
    e = backends[name]
    docs = e.embed_documents(TEXTS)
    assert docs.shape == (3, 384) and docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    q = e.embed_query(TEXTS[0])
    assert np.allclose(q, docs[0], atol=1e-5)
    assert e.count_tokens("multi-agency safeguarding") == 5
    assert e.embed_documents([]).shape == (0, 384)
    # meaning matters: the related passage is closer than the unrelated one
    related = e.embed_query("support for young people leaving care")
    assert float(related @ docs[0]) > float(related @ docs[2])


def test_backends_give_the_same_vectors(backends):
    a = backends["sentence-transformers"].embed_documents(TEXTS)
    b = backends["onnx"].embed_documents(TEXTS)
    assert np.abs(a - b).max() < 1e-4


PASSAGE = (
    "Leeds — Adoption: The council has reduced the number of children waiting to be adopted. "
    "Managers review caseloads every month. Children who go missing are offered a return "
    "interview by an independent worker."
)


def _spans(text: str) -> list[tuple[int, int]]:
    from ingest.chunking import sentence_spans

    return sentence_spans(text)


@pytest.mark.parametrize("name", ["sentence-transformers", "onnx"])
def test_passage_and_sentence_vectors_from_one_pass(backends, name):
    e = backends[name]
    spans = [_spans(PASSAGE), [(0, 7)], []]
    got = e.embed_passages([PASSAGE, TEXTS[0], TEXTS[2]], spans)
    vecs, pooled = got.vectors, got.spans
    assert np.abs(vecs - e.embed_documents([PASSAGE, TEXTS[0], TEXTS[2]])).max() < 1e-5
    assert [p.spans.tolist() for p in pooled] == [[list(s) for s in spans[0]], [[0, 7]], []]
    sents = pooled[0].vectors
    assert sents.shape == (3, 384)
    assert np.allclose(np.linalg.norm(sents, axis=1), 1.0, atol=1e-5)
    # each sentence's in-context vector is nearest to its own topic
    topics = ["children waiting for adoption", "monthly review of caseloads", "missing children"]
    sims = np.stack([e.embed_query(t) for t in topics]) @ sents.T
    assert list(sims.argmax(axis=1)) == [0, 1, 2]
    got = e.embed_passages([], [])
    vecs, pooled = got.vectors, got.spans
    assert vecs.shape == (0, 384) and pooled == []


def test_backends_give_the_same_sentence_vectors(backends):
    spans = [_spans(PASSAGE)]
    a = backends["sentence-transformers"].embed_passages([PASSAGE], spans).spans[0].vectors
    b = backends["onnx"].embed_passages([PASSAGE], spans).spans[0].vectors
    assert np.abs(a - b).max() < 1e-4


def test_pool_spans_averages_the_tokens_inside_each_span():
    from vectorstore.embedder import pool_spans

    tokens = np.array([[9.0, 9.0], [1.0, 0.0], [0.0, 1.0], [3.0, 4.0], [9.0, 9.0]])
    offsets = [(0, 0), (0, 2), (3, 5), (6, 8), (0, 0)]  # first and last: special tokens
    got = pool_spans(tokens, offsets, [(0, 5), (6, 8), (20, 30)])
    assert got.spans.tolist() == [[0, 5], [6, 8]]  # the span with no token is left out
    assert np.allclose(got.vectors, [[2**-0.5, 2**-0.5], [0.6, 0.8]])
