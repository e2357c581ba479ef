"""Saved conversations, shares and feedback kept in the Chroma server of a shared index.

App instances on several hosts that serve one shared index (``store.shared``) keep the users'
conversations in the same server, in a collection of their own beside the index's
(``<collection>-conversations``), so that a reload landing on another replica, or another day,
finds them again; the SQLite file of :class:`~assistant.conversations.ConversationStore` is
one host's alone. The records and the methods are the same (one contract test runs against
both).

Each conversation, turn and feedback is one record whose metadata holds it (Chroma wants a
vector per record: a constant one-dimensional one, never searched). A turn's id carries a
random part, so two replicas adding to one conversation at once both keep their answer.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from assistant.conversations import (
    Conversation,
    ConversationSummary,
    ConversationsUnavailable,
    Feedback,
    Rating,
    _now,
    answer_from_record,
    answer_record,
    title_of,
)
from assistant.records import Answer
from vectorstore.shared_state import record_collection

_PAGE = 1000  # records a request (Chroma's server caps a request's size)


def conversations_collection(collection: str) -> str:
    """The conversations collection of the shared index whose vectors are in ``collection``."""
    return f"{collection}-conversations"


class SharedConversationStore:
    """Conversations, shares and feedback in a collection of a Chroma server.

    Args:
        connect: Makes a Chroma client of the server (called again after a failure).
        name: The collection (made on first use).
    """

    def __init__(self, connect: Callable[[], Any], name: str) -> None:
        self.connect = connect
        self.name = name
        self._col = None
        self._lock = threading.Lock()

    @property
    def col(self):
        """The collection (made on first use)."""
        if self._col is None:
            self._col = record_collection(
                self.connect(), self.name, "inspection-assistant conversations"
            )
        return self._col

    def close(self) -> None:
        """Forget the connection (the records stay in the server)."""
        self._col = None

    def _call(self, fn: Callable[[], Any]) -> Any:
        try:
            with self._lock:
                return fn()
        except Exception as exc:
            self._col = None  # a restarted server: open the collection again next time
            raise ConversationsUnavailable(f"saved conversations cannot be reached: {exc}") from exc

    def _put(self, ids: list[str], metas: list[dict]) -> None:
        self._call(lambda: self.col.upsert(ids=ids, embeddings=[[0.0]] * len(ids), metadatas=metas))

    def _get(self, where: dict, *, metadata: bool = True) -> list[tuple[str, dict]]:
        out: list[tuple[str, dict]] = []
        include = ["metadatas"] if metadata else []
        while True:
            got = self._call(
                lambda: self.col.get(where=where, include=include, limit=_PAGE, offset=len(out))
            )
            metas = got.get("metadatas") or [{}] * len(got["ids"])
            out.extend(zip(got["ids"], metas, strict=True))
            if len(got["ids"]) < _PAGE:
                return out

    def _conversation(self, where: dict) -> tuple[str, dict] | None:
        rows = self._get({"$and": [{"kind": "conversation"}, where]})
        return rows[0] if rows else None

    def _turn_ids(self, cids: list[str]) -> list[str]:
        if not cids:
            return []
        where = {"$and": [{"kind": "turn"}, {"cid": {"$in": cids}}]}
        return [i for i, _ in self._get(where, metadata=False)]

    @staticmethod
    def _summary(meta: dict, turns: int) -> ConversationSummary:
        return ConversationSummary(
            meta["cid"], meta["owner"], meta["title"], meta["created"], meta["updated"], turns
        )

    # -- conversations ----------------------------------------------------------------------
    def append(self, owner: str, conversation_id: str | None, answer: Answer) -> str:
        """Add an answer to a conversation of ``owner`` (a new one when None or not theirs).

        Returns:
            The conversation's id.
        """
        now, at = _now(), time.time()
        found = None
        if conversation_id:
            found = self._conversation({"$and": [{"cid": conversation_id}, {"owner": owner}]})
        if found is None:
            conversation_id = secrets.token_hex(8)
            meta = {"kind": "conversation", "cid": conversation_id, "owner": owner,
                    "title": title_of(answer.question), "created": now, "updated": now,
                    "share_token": "", "at": at}  # fmt: skip
            n = 1
        else:
            meta = {**found[1], "updated": now, "at": at}
            n = len(self._turn_ids([conversation_id])) + 1  # type: ignore[list-item]
        turn = {"kind": "turn", "cid": conversation_id, "n": n, "at": at,
                "answer": answer_record(answer)}  # fmt: skip
        self._put([f"t:{conversation_id}:{n:06d}:{secrets.token_hex(4)}"], [turn])
        self._put([f"c:{conversation_id}"], [meta])
        return conversation_id  # type: ignore[return-value]

    def list(self, owner: str) -> list[ConversationSummary]:
        """The user's conversations, most recently updated first."""
        convs = self._get({"$and": [{"kind": "conversation"}, {"owner": owner}]})
        counts: dict[str, int] = {}
        for tid in self._turn_ids([m["cid"] for _, m in convs]):
            cid = tid.split(":")[1]
            counts[cid] = counts.get(cid, 0) + 1
        # "updated" is to the second: the clock's own time orders two updates within one.
        convs.sort(key=lambda c: (c[1].get("at", 0.0), c[1]["updated"]), reverse=True)
        return [self._summary(m, counts.get(m["cid"], 0)) for _, m in convs]

    def _load(self, where: dict) -> Conversation | None:
        found = self._conversation(where)
        if found is None:
            return None
        meta = found[1]
        turns = self._get({"$and": [{"kind": "turn"}, {"cid": meta["cid"]}]})
        turns.sort(key=lambda t: (t[1]["n"], t[1]["at"], t[0]))
        answers = [answer_from_record(m["answer"]) for _, m in turns]
        return Conversation(self._summary(meta, len(turns)), answers, meta["share_token"] or None)

    def get(self, owner: str, conversation_id: str) -> Conversation | None:
        """One of the user's own conversations, or None."""
        return self._load({"$and": [{"cid": conversation_id}, {"owner": owner}]})

    def share(self, owner: str, conversation_id: str) -> str | None:
        """The share token of one of the user's conversations (made once), or None."""
        found = self._conversation({"$and": [{"cid": conversation_id}, {"owner": owner}]})
        if found is None:
            return None
        if found[1]["share_token"]:
            return found[1]["share_token"]
        token = secrets.token_urlsafe(18)
        self._put([found[0]], [{**found[1], "share_token": token}])
        return token

    def shared(self, token: str) -> Conversation | None:
        """The conversation a share token opens, or None."""
        if not token:
            return None
        return self._load({"share_token": token})

    def delete(self, owner: str, conversation_id: str) -> bool:
        """Delete one of the user's conversations; False when there is none."""
        found = self._conversation({"$and": [{"cid": conversation_id}, {"owner": owner}]})
        if found is None:
            return False
        ids = [found[0], *self._turn_ids([conversation_id])]
        self._call(lambda: self.col.delete(ids=ids))
        return True

    # -- feedback ---------------------------------------------------------------------------
    def add_feedback(
        self,
        owner: str,
        answer: Answer,
        rating: Rating,
        comment: str = "",
        conversation_id: str | None = None,
        turn: int | None = None,
        history: tuple[str, ...] = (),
    ) -> int:
        """Store feedback on an answer; returns its id (microseconds since the epoch, so ids
        from several replicas keep their order)."""
        fid = time.time_ns() // 1000
        meta = {"kind": "feedback", "fid": fid, "owner": owner, "cid": conversation_id or "",
                "turn": -1 if turn is None else int(turn), "rating": Rating(rating).value,
                "comment": (comment or "").strip()[:2000], "answer": answer_record(answer),
                "history": json.dumps(list(history), ensure_ascii=False),
                "created": _now()}  # fmt: skip
        self._put([f"f:{fid}:{secrets.token_hex(4)}"], [meta])
        return fid

    def feedback(self) -> list[Feedback]:
        """All feedback, newest first (for admins)."""
        rows = [m for _, m in self._get({"kind": "feedback"})]
        rows.sort(key=lambda m: m["fid"], reverse=True)
        return [
            Feedback(
                m["fid"],
                m["owner"],
                m["cid"] or None,
                None if m["turn"] < 0 else m["turn"],
                Rating(m["rating"]),
                m["comment"],
                answer_from_record(m["answer"]),
                tuple(json.loads(m["history"])),
                m["created"],
            )
            for m in rows
        ]
