"""The BM25 keyword index (bm25s), rebuilt from the live chunks after each change.

Each build is written to its own folder ``bm25/<generation>`` and then named current in the
manifest, so a reader never loads a half-written index.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from functools import lru_cache
from pathlib import Path

import numpy as np

from vectorstore.errors import CorruptIndexError

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "s",
        "t",
        "don",
        "shall",
        "may",
        "might",
        "must",
        "also",
        "did",
    ]
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens, stop words out, Snowball-stemmed."""
    words = [w.replace("’", "'").split("'")[0] for w in _TOKEN.findall(text.lower())]
    words = [w for w in words if w and w not in STOPWORDS]
    return _stemmer().stemWords(words)


CHECKSUMS = "checksums.json"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:  # in pieces: a large build's arrays are hundreds of MB
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def damage(folder: Path) -> str | None:
    """What is wrong with a saved build (a missing or changed file), or None.

    Builds saved before checksums were kept are only checked for their files' presence.
    """
    folder = Path(folder)
    if not (folder / "ids.json").is_file():
        return "ids.json is missing"
    try:
        sums = json.loads((folder / CHECKSUMS).read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return f"{CHECKSUMS} is unreadable"
    for name, digest in sums.items():
        f = folder / name
        if not f.is_file():
            return f"{name} is missing"
        if _digest(f) != digest:
            return f"{name} does not match its checksum"
    return None


class KeywordIndex:
    """A loaded BM25 index over chunk ids."""

    def __init__(self, retriever, ids: list[str]) -> None:
        self.retriever = retriever
        self.ids = ids
        self.position = {cid: i for i, cid in enumerate(ids)}

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> KeywordIndex:
        """Index texts (chunk text with its context prefix)."""
        import bm25s

        retriever = bm25s.BM25(k1=1.2, b=0.75)
        tokens = [tokenize(t) or ["∅"] for t in texts]
        if tokens:
            retriever.index(tokens, show_progress=False)
        return cls(retriever, ids)

    def save(self, folder: Path, extra: dict[str, object] | None = None) -> None:
        """Write the index (and any extra JSON files) into a new folder, atomically."""
        folder = Path(folder)
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.ids:
            self.retriever.save(str(tmp))
        (tmp / "ids.json").write_text(json.dumps(self.ids))
        for name, value in (extra or {}).items():
            (tmp / name).write_text(json.dumps(value))
        sums = {f.name: _digest(f) for f in sorted(tmp.iterdir()) if f.is_file()}
        (tmp / CHECKSUMS).write_text(json.dumps(sums))
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        """Load an index written by :meth:`save`, its files checked against their checksums.

        Raises:
            CorruptIndexError: A file is missing, damaged or unreadable.
        """
        import bm25s

        folder = Path(folder)
        problem = damage(folder)
        if problem:
            raise CorruptIndexError(f"the keyword index {folder} is damaged: {problem}")
        try:
            ids = json.loads((folder / "ids.json").read_text())
            # Mapped, not read: a search touches only its terms' postings (the build's files
            # are never rewritten in place, and a removed build stays readable while mapped).
            retriever = bm25s.BM25.load(str(folder), mmap=True) if ids else None
        except Exception as exc:  # bm25s and numpy raise many kinds on a damaged file
            raise CorruptIndexError(
                f"the keyword index {folder} is damaged ({type(exc).__name__}: {exc})"
            ) from exc
        return cls(retriever, ids)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed chunk for the query."""
        toks = tokenize(query)
        if not self.ids or not toks:
            return np.zeros(len(self.ids), dtype=np.float32)
        vocab = self.retriever.vocab_dict
        toks = [t for t in toks if t in vocab]
        if not toks:
            return np.zeros(len(self.ids), dtype=np.float32)
        return np.asarray(self.retriever.get_scores(toks), dtype=np.float32)
