"""The keyword index builds of an index: ``bm25/<generation>/``, one per change readers see.

Each build is written under a temporary name and then named current in the manifest, so a
reader never loads a half-written one; a damaged build is found by its checksums and built
again from the chunks the manifest keeps.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from vectorstore.chroma import chunk_metadata
from vectorstore.errors import CorruptIndexError
from vectorstore.keyword import KeywordIndex, damage
from vectorstore.locks import IndexLockedError, writer_lock
from vectorstore.manifest import Manifest
from vectorstore.views import KeywordView

log = logging.getLogger("inspection_assistant.index")


class KeywordBuilds:
    """The BM25 builds of one index folder, and the one readers search.

    Args:
        index_dir: The index folder.
        manifest: Its manifest (which names the current build).
    """

    def __init__(self, index_dir: Path, manifest: Manifest) -> None:
        self.index_dir = Path(index_dir)
        self.folder = self.index_dir / "bm25"
        self.manifest = manifest
        self._cached: tuple[str, KeywordView] | None = None

    def forget(self) -> None:
        """Drop the loaded build (it is loaded again on the next search)."""
        self._cached = None

    def problem(self) -> str | None:
        """What is wrong with the current keyword index build on disk, or None."""
        name = self.manifest.get_meta("bm25")
        if not name:
            return None
        folder = self.folder / name
        if not folder.exists():
            return f"the keyword index {folder} is missing"
        problem = damage(folder)
        return f"the keyword index {folder} is damaged: {problem}" if problem else None

    def view(self) -> KeywordView | None:
        """The current build, loaded once (built again when damaged); None before the first."""
        name = self.manifest.get_meta("bm25")
        if not name:
            return None
        cached = self._cached
        if cached is None or cached[0] != name:
            folder = self.folder / name
            try:
                view = KeywordView.load(folder)
            except (CorruptIndexError, FileNotFoundError) as exc:
                log.warning("%s: rebuilding it from the manifest", exc)
                view = self._rebuilt(name)
            cached = (name, view)
            self._cached = cached
        return cached[1]

    def _rebuilt(self, name: str) -> KeywordView:
        """The keyword view built again from the manifest; saved in place of the damaged build
        unless an ingest is writing (it saves its own build when it finishes)."""
        kw, columns = self._build()
        try:
            with writer_lock(self.index_dir, wait=False):
                if self.manifest.get_meta("bm25") == name:
                    folder = self.folder / name
                    shutil.rmtree(folder, ignore_errors=True)
                    kw.save(folder, {"columns.json": columns})
        except (IndexLockedError, OSError) as exc:
            log.warning("the rebuilt keyword index is kept in memory only: %s", exc)
        return KeywordView(kw, columns)

    def _build(self) -> tuple[KeywordIndex, dict[str, list]]:
        chunks = self.manifest.live_chunks()
        kw = KeywordIndex.build([c.id for c in chunks], [c.embed_text for c in chunks])
        metas = [chunk_metadata(c) for c in chunks]
        columns = {
            key: [m[key] for m in metas]
            for key in ("subject", "inspectorate", "report_id", "kind", "date_start", "date_end")
        }
        return kw, columns

    def rebuild(self) -> None:
        """Build BM25 over the live chunks into a new folder, then switch readers to it."""
        gen = self.manifest.generation()
        name = f"g{gen}"
        folder = self.folder / name
        if self.manifest.get_meta("bm25") == name and folder.exists():
            return
        if folder.exists():
            shutil.rmtree(folder)
        kw, columns = self._build()
        kw.save(folder, {"columns.json": columns})
        previous = self.manifest.get_meta("bm25")
        self.manifest.set_meta("bm25", name)
        # Keep the previous build a while: a reader may be loading it right now.
        for old in self.folder.iterdir():
            if old.name not in (name, previous):
                shutil.rmtree(old, ignore_errors=True)
