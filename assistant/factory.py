"""The one place that builds the index, the embedder, the ingestor and the assistant from settings.

Every command of the CLI, the web app and the assistant itself go through these functions, so
that a setting means the same thing everywhere. The heavy libraries are imported only when an
object is built: ``inspection-assistant --help`` stays quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.core import Assistant
    from assistant.indexing import Ingestor
    from vectorstore.embedder import Embedder
    from vectorstore.index import Index


class NoIndexError(FileNotFoundError):
    """There is no index at the settings' index folder."""


def settings_for(**overrides: Any) -> Settings:
    """Settings (from the environment and ``.env``) with the given values in their place.

    Args:
        **overrides: Flat everyday names (``index_dir``, ``host``...) or ``group__field``
            names (see ``Settings.override``); a None value leaves the field as configured.

    Returns:
        The settings.
    """
    return Settings().override(**overrides)


def is_shared(settings: Settings) -> bool:
    """True when the settings name a shared index (its state in the Chroma server).

    Raises:
        ValueError: ``shared`` is set without the ``chroma-server`` backend.
    """
    st = settings.store
    if st.shared and st.backend != "chroma-server":
        raise ValueError("a shared index needs the Chroma server (store backend chroma-server)")
    return st.shared


def has_index(settings: Settings) -> bool:
    """True when an index has been built at the settings' index folder (or, for a shared
    index, published on the Chroma server: an empty folder then fills from it)."""
    if (settings.store.index_dir / "manifest.sqlite").exists():
        return True
    if not is_shared(settings):
        return False
    from vectorstore.replica import shared_state_for
    from vectorstore.shared_state import SharedStateError

    st = settings.store
    shared = shared_state_for(
        st.chroma_host, st.chroma_port, st.collection, st.shared_piece_kb * 1024
    )
    try:
        return shared.pointer() is not None
    except SharedStateError:
        return False


def no_index_message(settings: Settings) -> str:
    """What to tell someone who has no index yet."""
    return f"no index at {settings.store.index_dir}: run `inspection-assistant ingest PATH` first"


def require_index(settings: Settings) -> None:
    """Raise ``NoIndexError`` unless an index has been built at the settings' index folder."""
    if not has_index(settings):
        raise NoIndexError(no_index_message(settings))


def open_index(settings: Settings) -> Index:
    """The index named by the settings (created empty when the folder holds none; a shared
    index's folder is first brought to the live generation)."""
    from vectorstore.index import Index

    st = settings.store
    if is_shared(settings):
        from vectorstore.replica import SharedIndex

        return SharedIndex(
            st.index_dir,
            host=st.chroma_host,
            port=st.chroma_port,
            collection=st.collection,
            poll_s=st.shared_poll_s,
            lease_ttl_s=st.lease_ttl_s,
            lease_settle_s=st.lease_settle_s,
            piece_bytes=st.shared_piece_kb * 1024,
        )
    return Index(
        st.index_dir,
        store=st.backend,
        host=st.chroma_host,
        port=st.chroma_port,
        collection=st.collection,
        dense_search=settings.retrieval.dense_search,
        ann_above=settings.retrieval.ann_above,
        ann_exact_rows=settings.retrieval.ann_exact_rows,
        ef_search=settings.retrieval.ann_ef_search,
    )


def make_embedder_for(settings: Settings) -> Embedder:
    """The embedder named by the settings (backend, model, batch size, threads)."""
    from vectorstore.embedder import make_embedder

    e = settings.embedding
    return make_embedder(kind=e.backend, model=e.model, batch_size=e.batch_size, threads=e.threads)


def make_ingestor(settings: Settings, index: Index | None = None) -> Ingestor:
    """An ingestor over the settings' index (or the given open one) with their embedder."""
    from assistant.indexing import Ingestor

    return Ingestor(index or open_index(settings), make_embedder_for(settings), settings)


def make_assistant(
    settings: Settings, index: Index | None = None, embedder: Embedder | None = None
) -> Assistant:
    """The assistant over an existing index.

    Args:
        settings: The settings.
        index: An open index (opened from the settings when None).
        embedder: The embedder (made from the settings when None).

    Returns:
        The assistant.

    Raises:
        NoIndexError: No index has been built at the settings' index folder.
    """
    from assistant.core import Assistant

    if index is None:
        require_index(settings)
    return Assistant(settings, index=index, embedder=embedder)
