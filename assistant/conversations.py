"""Saved conversations, share links and feedback on answers, kept in one SQLite file.

Each user's conversations are kept server-side (``Settings.conversations_path``) so that a
reload, another browser or another day finds them again. A conversation is read back as the
same ``Answer`` records the page shows (its citations verbatim, with their lines), so the
reopened sources panel is the one the user saw. A share token opens one conversation
read-only for any other signed-in user.

Feedback on an answer (helpful, not helpful, wrong citation, and a comment) is exportable as
labelled questions in the evaluation set's JSONL format (``assistant.evaluate.load_questions``).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

from assistant.records import Answer, Citation, Context

TITLE_CHARS = 80

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, share_token TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations(owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL, answer TEXT NOT NULL, PRIMARY KEY (conversation_id, n)
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, conversation_id TEXT,
    turn INTEGER, rating TEXT NOT NULL, comment TEXT NOT NULL, answer TEXT NOT NULL,
    history TEXT NOT NULL, created TEXT NOT NULL
);
"""


class ConversationsUnavailable(RuntimeError):
    """Saved conversations cannot be read or written (their server is down)."""


class Rating(StrEnum):
    """What a user said of an answer."""

    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"
    WRONG_CITATION = "wrong_citation"


@dataclass(frozen=True)
class ConversationSummary:
    """One row of a user's list of conversations."""

    id: str
    owner: str
    title: str
    created: str
    updated: str
    turns: int


@dataclass(frozen=True)
class Conversation:
    """A saved conversation: its answers oldest first."""

    summary: ConversationSummary
    answers: list[Answer] = field(default_factory=list)
    share_token: str | None = None


@dataclass(frozen=True)
class Feedback:
    """Feedback on one answer, with the answer as it was shown."""

    id: int
    owner: str
    conversation_id: str | None
    turn: int | None
    rating: Rating
    comment: str
    answer: Answer
    history: tuple[str, ...]
    created: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def answer_record(a: Answer) -> str:
    """An answer as stored: what the page shows of it (citations in full, no passages)."""
    ctx = a.context
    return json.dumps(
        {
            "question": a.question,
            "text": a.text,
            "abstained": a.abstained,
            "mode": a.mode,
            "notice": a.notice,
            "citations": [asdict(c) for c in a.citations],
            "context": {
                "subjects": list(ctx.subjects),
                "report_ids": list(ctx.report_ids),
                "date_from": ctx.date_from.isoformat() if ctx.date_from else None,
                "date_to": ctx.date_to.isoformat() if ctx.date_to else None,
                "latest": ctx.latest,
                "carried": ctx.carried,
                "description": ctx.description,
            },
        },
        ensure_ascii=False,
    )


def answer_from_record(text: str) -> Answer:
    """The ``Answer`` of a stored record."""
    d = json.loads(text)
    c = d.get("context") or {}
    context = Context(
        subjects=tuple(c.get("subjects") or ()),
        report_ids=tuple(c.get("report_ids") or ()),
        date_from=date.fromisoformat(c["date_from"]) if c.get("date_from") else None,
        date_to=date.fromisoformat(c["date_to"]) if c.get("date_to") else None,
        latest=bool(c.get("latest")),
        carried=bool(c.get("carried")),
        description=c.get("description") or "",
    )
    return Answer(
        question=d["question"],
        text=d["text"],
        abstained=bool(d["abstained"]),
        citations=[Citation(**x) for x in d.get("citations") or ()],
        context=context,
        mode=d.get("mode") or "extractive",
        notice=d.get("notice"),
    )


def title_of(question: str) -> str:
    """A conversation's title: its first question, cut at a word."""
    q = " ".join(question.split())
    if len(q) <= TITLE_CHARS:
        return q
    return q[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


class ConversationStore:
    """Conversations, shares and feedback in one SQLite file (safe across threads).

    Args:
        path: The SQLite file (created with its folder when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA foreign_keys = ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()

    def _summary(self, row: tuple) -> ConversationSummary:
        cid, owner, title, created, updated = row
        (n,) = self._db.execute(
            "SELECT COUNT(*) FROM turns WHERE conversation_id=?", (cid,)
        ).fetchone()
        return ConversationSummary(cid, owner, title, created, updated, n)

    # -- conversations ----------------------------------------------------------------------
    def append(self, owner: str, conversation_id: str | None, answer: Answer) -> str:
        """Add an answer to a conversation of ``owner`` (a new one when None or not theirs).

        Returns:
            The conversation's id.
        """
        now = _now()
        with self._lock:
            row = None
            if conversation_id:
                row = self._db.execute(
                    "SELECT id FROM conversations WHERE id=? AND owner=?",
                    (conversation_id, owner),
                ).fetchone()
            if row is None:
                conversation_id = secrets.token_hex(8)
                self._db.execute(
                    "INSERT INTO conversations VALUES (?, ?, ?, ?, ?, NULL)",
                    (conversation_id, owner, title_of(answer.question), now, now),
                )
            # One statement, so that another process on the same file cannot take the same n.
            self._db.execute(
                "INSERT INTO turns SELECT ?, COALESCE(MAX(n), 0) + 1, ? FROM turns "
                "WHERE conversation_id=?",
                (conversation_id, answer_record(answer), conversation_id),
            )
            self._db.execute(
                "UPDATE conversations SET updated=? WHERE id=?", (now, conversation_id)
            )
        return conversation_id  # type: ignore[return-value]

    def list(self, owner: str) -> list[ConversationSummary]:
        """The user's conversations, most recently updated first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, owner, title, created, updated FROM conversations WHERE owner=? "
                "ORDER BY updated DESC, rowid DESC",
                (owner,),
            ).fetchall()
            return [self._summary(r) for r in rows]

    def _load(self, where: str, args: tuple) -> Conversation | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT id, owner, title, created, updated, share_token FROM conversations "
                f"WHERE {where}",
                args,
            ).fetchone()
            if row is None:
                return None
            turns = self._db.execute(
                "SELECT answer FROM turns WHERE conversation_id=? ORDER BY n", (row[0],)
            ).fetchall()
            summary = self._summary(row[:5])
        return Conversation(summary, [answer_from_record(t) for (t,) in turns], row[5])

    def get(self, owner: str, conversation_id: str) -> Conversation | None:
        """One of the user's own conversations, or None."""
        return self._load("id=? AND owner=?", (conversation_id, owner))

    def share(self, owner: str, conversation_id: str) -> str | None:
        """The share token of one of the user's conversations (made once), or None."""
        conv = self.get(owner, conversation_id)
        if conv is None:
            return None
        if conv.share_token:
            return conv.share_token
        token = secrets.token_urlsafe(18)
        with self._lock:
            self._db.execute(
                "UPDATE conversations SET share_token=? WHERE id=?", (token, conversation_id)
            )
        return token

    def shared(self, token: str) -> Conversation | None:
        """The conversation a share token opens, or None."""
        if not token:
            return None
        return self._load("share_token=?", (token,))

    def delete(self, owner: str, conversation_id: str) -> bool:
        """Delete one of the user's conversations; False when there is none."""
        with self._lock:
            cur = self._db.execute(
                "DELETE FROM conversations WHERE id=? AND owner=?", (conversation_id, owner)
            )
            return cur.rowcount > 0

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
        """Store feedback on an answer; returns its id."""
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO feedback (owner, conversation_id, turn, rating, comment, answer, "
                "history, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    owner,
                    conversation_id,
                    turn,
                    Rating(rating).value,
                    (comment or "").strip()[:2000],
                    answer_record(answer),
                    json.dumps(list(history), ensure_ascii=False),
                    _now(),
                ),
            )
            return int(cur.lastrowid or 0)

    def feedback(self) -> list[Feedback]:
        """All feedback, newest first (for admins)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, owner, conversation_id, turn, rating, comment, answer, history, "
                "created FROM feedback ORDER BY id DESC"
            ).fetchall()
        return [
            Feedback(
                r[0],
                r[1],
                r[2],
                r[3],
                Rating(r[4]),
                r[5],
                answer_from_record(r[6]),
                tuple(json.loads(r[7])),
                r[8],
            )
            for r in rows
        ]


def labelled_question(f: Feedback) -> dict:
    """One feedback as a line of the evaluation set (``benchmarks/qa/*.jsonl`` fields).

    A helpful answer labels its cited reports and first quote as the source and evidence;
    a wrong citation or an unhelpful answer keeps them under ``rejected_sources`` (to be
    relabelled by whoever curates the set). An unhelpful abstention marks the question as
    one the reports should answer.
    """
    a = f.answer
    cited = list(dict.fromkeys(c.source for c in a.citations))
    good = f.rating is Rating.HELPFUL and not a.abstained
    return {
        "id": f"fb-{f.id:05d}",
        "type": "feedback",
        "question": a.question,
        "history": list(f.history),
        "answerable": True if f.rating is not Rating.HELPFUL else not a.abstained,
        "sources": cited if good else [],
        "pdf_page": a.citations[0].pdf_page if good and a.citations else None,
        "evidence": a.citations[0].quote if good and a.citations else None,
        "evidence_any": [],
        "subject": a.citations[0].subject if good and a.citations else None,
        "split": "feedback",
        "feedback": f.rating.value,
        "comment": f.comment,
        "rejected_sources": [] if good else cited,
        "answer": a.text,
    }


def feedback_jsonl(items: list[Feedback]) -> str:
    """Feedback as the evaluation set's JSONL, oldest first."""
    lines = [
        json.dumps(labelled_question(f), ensure_ascii=False)
        for f in sorted(items, key=lambda f: f.id)
    ]
    return "".join(line + "\n" for line in lines)
