"""Checking the vector store against the manifest, and putting it right.

The manifest says which chunks are live; the store must hold a vector for each. A collection
deleted or emptied underneath, or vectors left by something else, show as counts that
disagree: ``status`` says so, and the next ingest run deletes what the manifest does not know
and embeds again, from the chunks the manifest keeps, what is missing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from vectorstore.chroma import is_missing_collection
from vectorstore.errors import CollectionOwnedError
from vectorstore.records import Repair, StoreHealth

if TYPE_CHECKING:
    from vectorstore.index import Index

log = logging.getLogger("inspection_assistant.index")

_LIVE_CHUNKS = (
    "SELECT COUNT(*) FROM chunks c JOIN reports r ON r.report_id=c.report_id WHERE r.status='live'"
)


def health(index: Index) -> StoreHealth:
    """Whether the store holds a vector for every chunk of every live report.

    Args:
        index: The index.

    Returns:
        The counts, and what is wrong when store and manifest disagree.
    """
    m = index.manifest
    (expected,) = m.query(_LIVE_CHUNKS)[0]
    (held,) = m.query("SELECT COUNT(*) FROM chunks")[0]
    name = index.collection
    try:
        vectors = index.store.count()
    except CollectionOwnedError as exc:
        return StoreHealth(name, None, expected, held, str(exc))
    except Exception as exc:
        if is_missing_collection(exc):
            problem = f"the collection {name!r} was deleted from the vector store"
        else:
            problem = f"the vector store cannot be read ({type(exc).__name__}: {exc})"
        return StoreHealth(name, None, expected, held, f"{problem}; {_FIX}")
    problem = None
    if vectors < expected:
        problem = (
            f"the store and the manifest disagree: the collection {name!r} holds {vectors} "
            f"vectors, the live reports have {expected} chunks; {_FIX}"
        )
    elif vectors > held:
        problem = (
            f"the store and the manifest disagree: the collection {name!r} holds "
            f"{vectors - held} vectors of reports the manifest does not know; {_FIX}"
        )
    return StoreHealth(name, vectors, expected, held, problem)


_FIX = "`inspection-assistant ingest` puts it right (questions use keyword search meanwhile)"


def reconcile(index: Index, embed: Callable[[list[str]], np.ndarray] | None) -> Repair:
    """Delete the vectors of non-live reports, and make the store agree with the manifest.

    Args:
        index: The index (its writer lock held).
        embed: Passage texts to vectors; without it, missing vectors are only reported.

    Returns:
        What was put right.
    """
    m = index.manifest
    store = index.store
    try:
        store.count()
    except Exception as exc:
        if not is_missing_collection(exc):
            raise
        log.warning("the collection %r was deleted underneath: made again", index.collection)
        store.reopen()
    dead = m.dead_report_ids()
    if dead:
        store.delete_reports(dead)
        m.purge(dead)
    if health(index).ok:
        return Repair(cleaned=len(dead))
    counts = store.report_counts()
    expected = dict(
        m.query(
            "SELECT r.report_id, COUNT(c.id) FROM reports r JOIN chunks c "
            "ON c.report_id=r.report_id WHERE r.status='live' GROUP BY r.report_id"
        )
    )
    orphans = sorted(set(counts) - set(expected))
    if orphans:
        store.delete_reports(orphans)
    short = sorted(rid for rid, n in expected.items() if counts.get(rid, 0) != n)
    if short and embed is None:
        log.warning("%d live reports lack vectors; ingest embeds them again", len(short))
        short = []
    if short:
        log.warning("%d live reports lack vectors: embedding them again", len(short))
    for rid in short:
        chunks = m.report_chunks(rid)
        store.add(chunks, embed([c.embed_text for c in chunks]))
    if short or orphans:
        m.bump_generation()  # readers load the repaired vectors
    return Repair(cleaned=len(dead), reembedded=len(short), orphans=len(orphans))
