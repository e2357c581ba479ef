"""The REST routes of saved conversations, share links and answer feedback (under ``/api``).

A user sees only their own conversations; a share token opens one read-only for any other
signed-in user. Without logins every caller is the one local user. Admins list feedback and
export it as labelled questions of the evaluation set (JSONL).
"""

from __future__ import annotations

import fastapi
from fastapi import Depends, HTTPException
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel, Field

from assistant.briefing import briefing_docx, briefing_markdown
from assistant.conversation_stores import ConversationBackend
from assistant.conversations import (
    Conversation,
    Feedback,
    feedback_jsonl,
    labelled_question,
)
from assistant.web.access import Access, request_user
from assistant.web.api import PREFIX, caller

LOCAL_USER = "local"  # the one user of an app without logins
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def user_of(request: fastapi.Request, access: Access) -> str:
    """Who a (role-checked) request is from: its login, or the local user without logins.

    The role check has just verified the same credentials (remembered by the login gate), so
    asking again costs no second password check.
    """
    if access.users is None:
        return LOCAL_USER
    return await request_user(request, access) or ""


class SummaryOut(BaseModel):
    """One saved conversation in a list."""

    id: str
    title: str
    created: str
    updated: str
    turns: int


class TurnOut(BaseModel):
    """One answer of a saved conversation."""

    question: str
    answer: str
    abstained: bool
    citations: list[dict] = Field(default_factory=list)


class ConversationOut(SummaryOut):
    """A saved conversation with its answers."""

    owner: str
    shared: bool
    answers: list[TurnOut]


class ShareOut(BaseModel):
    """A conversation's share link."""

    token: str
    path: str


def conversation_out(conv: Conversation) -> ConversationOut:
    """The JSON shape of a saved conversation."""
    s = conv.summary
    return ConversationOut(
        id=s.id,
        title=s.title,
        created=s.created,
        updated=s.updated,
        turns=s.turns,
        owner=s.owner,
        shared=conv.share_token is not None,
        answers=[
            TurnOut(
                question=a.question,
                answer=a.text,
                abstained=a.abstained,
                citations=[
                    {"n": c.n, "quote": c.quote, "citation": c.line, "report_id": c.report_id}
                    for c in a.citations
                ],
            )
            for a in conv.answers
        ],
    )


def share_path(token: str) -> str:
    """The page address that opens a shared conversation."""
    return f"/?shared={token}"


def _export(conv: Conversation, fmt: str) -> Response:
    name = f"briefing-{conv.summary.id}"
    if fmt == "md":
        return PlainTextResponse(
            briefing_markdown(conv),
            media_type="text/markdown; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.md"'},
        )
    if fmt == "docx":
        return Response(
            briefing_docx(conv),
            media_type=DOCX,
            headers={"Content-Disposition": f'attachment; filename="{name}.docx"'},
        )
    raise HTTPException(404, "Export as md or docx.")


def make_saved_router(store: ConversationBackend, access: Access) -> fastapi.APIRouter:
    """The routes of saved conversations and feedback.

    Args:
        store: Where conversations and feedback are kept.
        access: Logins and roles.
    """
    reader = Depends(caller(access, "reader"))
    admin = [Depends(caller(access, "admin"))]
    router = fastapi.APIRouter(prefix=PREFIX, tags=["conversations"])

    async def me(request: fastapi.Request, _role: str = reader) -> str:
        return await user_of(request, access)

    def own(user: str, cid: str) -> Conversation:
        conv = store.get(user, cid)
        if conv is None:
            raise HTTPException(404, "No such conversation.")
        return conv

    def shared(token: str) -> Conversation:
        conv = store.shared(token)
        if conv is None:
            raise HTTPException(404, "No such shared conversation.")
        return conv

    @router.get("/conversations", summary="Your saved conversations")
    def list_conversations(user: str = Depends(me)) -> list[SummaryOut]:
        """The signed-in user's conversations, most recent first."""
        return [
            SummaryOut(id=s.id, title=s.title, created=s.created, updated=s.updated, turns=s.turns)
            for s in store.list(user)
        ]

    @router.get("/conversations/{cid}", summary="One saved conversation")
    def get_conversation(cid: str, user: str = Depends(me)) -> ConversationOut:
        """One of your conversations with its answers and citations."""
        return conversation_out(own(user, cid))

    @router.get("/conversations/{cid}/export.{fmt}", summary="Export as a briefing note")
    def export_conversation(cid: str, fmt: str, user: str = Depends(me)) -> Response:
        """One of your conversations as a briefing note: `md` (Markdown) or `docx` (Word)."""
        return _export(own(user, cid), fmt)

    @router.post("/conversations/{cid}/share", summary="Share read-only")
    def share_conversation(cid: str, user: str = Depends(me)) -> ShareOut:
        """A link that opens the conversation read-only for any other signed-in user."""
        token = store.share(user, cid)
        if token is None:
            raise HTTPException(404, "No such conversation.")
        return ShareOut(token=token, path=share_path(token))

    @router.delete("/conversations/{cid}", summary="Delete a conversation")
    def delete_conversation(cid: str, user: str = Depends(me)) -> dict:
        """Delete one of your conversations (its share link stops working)."""
        if not store.delete(user, cid):
            raise HTTPException(404, "No such conversation.")
        return {"deleted": cid}

    @router.get("/shared/{token}", summary="A shared conversation")
    def get_shared(token: str, _user: str = Depends(me)) -> ConversationOut:
        """A conversation shared with a link (read-only; any signed-in user)."""
        return conversation_out(shared(token))

    @router.get("/shared/{token}/export.{fmt}", summary="Export a shared conversation")
    def export_shared(token: str, fmt: str, _user: str = Depends(me)) -> Response:
        """A shared conversation as a briefing note (`md` or `docx`)."""
        return _export(shared(token), fmt)

    @router.get("/admin/feedback", dependencies=admin, tags=["admin"], summary="Feedback")
    def list_feedback() -> list[dict]:
        """Admins: every feedback on an answer, newest first, as labelled questions."""
        return [_feedback_row(f) for f in store.feedback()]

    @router.get(
        "/admin/feedback.jsonl", dependencies=admin, tags=["admin"], summary="Export feedback"
    )
    def export_feedback() -> Response:
        """Admins: feedback as the evaluation set's JSONL (`benchmarks/qa/*.jsonl` fields)."""
        return PlainTextResponse(
            feedback_jsonl(store.feedback()),
            media_type="application/x-ndjson",
            headers={"Content-Disposition": 'attachment; filename="feedback.jsonl"'},
        )

    return router


def _feedback_row(f: Feedback) -> dict:
    return {
        **labelled_question(f),
        "user": f.owner,
        "created": f.created,
        "conversation_id": f.conversation_id,
    }
