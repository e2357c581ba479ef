"""Where saved conversations and feedback are kept: one interface, a factory keyed by name.

``sqlite`` is one host's file (the default for one machine); ``chroma-server`` keeps them in
the Chroma server of a shared index, so every replica finds every user's conversations.
"""

from __future__ import annotations

from typing import Protocol

from assistant.conversations import (
    Conversation,
    ConversationStore,
    ConversationSummary,
    Feedback,
    Rating,
)
from assistant.conversations_shared import SharedConversationStore, conversations_collection
from assistant.records import Answer
from assistant.settings import Settings

BACKENDS = ("sqlite", "chroma-server")


class ConversationBackend(Protocol):
    """What the app needs of a store of conversations, shares and feedback."""

    def append(self, owner: str, conversation_id: str | None, answer: Answer) -> str: ...
    def list(self, owner: str) -> list[ConversationSummary]: ...
    def get(self, owner: str, conversation_id: str) -> Conversation | None: ...
    def share(self, owner: str, conversation_id: str) -> str | None: ...
    def shared(self, token: str) -> Conversation | None: ...
    def delete(self, owner: str, conversation_id: str) -> bool: ...
    def add_feedback(
        self,
        owner: str,
        answer: Answer,
        rating: Rating,
        comment: str = "",
        conversation_id: str | None = None,
        turn: int | None = None,
        history: tuple[str, ...] = (),
    ) -> int: ...
    def feedback(self) -> list[Feedback]: ...
    def close(self) -> None: ...


def backend_name(settings: Settings, shared_collection: str | None) -> str:
    """The backend the settings choose: ``web.conversations_store``, where 'auto' is the
    Chroma server when the index is shared (``shared_collection`` is its vectors' collection)
    and SQLite otherwise."""
    chosen = settings.web.conversations_store
    if chosen == "auto":
        return "chroma-server" if shared_collection else "sqlite"
    return chosen


def make_conversation_store(
    kind: str, settings: Settings, collection: str | None = None
) -> ConversationBackend:
    """The conversation store of one backend.

    Args:
        kind: "sqlite" or "chroma-server".
        settings: The app's settings (the SQLite file; the Chroma server's host and port).
        collection: The collection of the shared index's vectors (for "chroma-server"; None:
            ``store.collection``, else ``ia-shared``).

    Raises:
        ValueError: For an unknown backend.
    """
    if kind == "sqlite":
        return ConversationStore(settings.conversations_path)
    if kind == "chroma-server":
        from vectorstore.chroma import server_client
        from vectorstore.replica import SHARED_COLLECTION

        host, port = settings.store.chroma_host, settings.store.chroma_port
        name = collection or settings.store.collection or SHARED_COLLECTION
        return SharedConversationStore(
            lambda: server_client(host, port), conversations_collection(name)
        )
    raise ValueError(f"unknown conversation store {kind!r}: choose one of {', '.join(BACKENDS)}")


def conversation_store_for(settings: Settings, index: object) -> ConversationBackend:
    """The conversation store an app serving ``index`` uses (see :func:`backend_name`)."""
    from vectorstore.replica import SharedIndex

    collection = index.collection if isinstance(index, SharedIndex) else None
    return make_conversation_store(backend_name(settings, collection), settings, collection)
