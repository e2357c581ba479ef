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
