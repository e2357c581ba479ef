"""The page's saved conversations, share links, feedback and follow-up suggestions.

Every finished answer is saved to the user's current conversation (a ``ConversationBackend``: one host's SQLite file, or the shared index's Chroma server);
"Saved conversations" lists and reopens them after a reload, exports one as a briefing note
and makes its share link. ``/?shared=<token>`` opens a shared conversation read-only. The
chat's feedback buttons (helpful, not helpful, wrong citation) are stored with the comment box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from assistant.conversation_stores import ConversationBackend
from assistant.conversations import Conversation, ConversationsUnavailable, Rating
from assistant.core import Assistant
from assistant.followups import follow_ups
from assistant.records import Answer
from assistant.web.access import Access
from assistant.web.render import answer_message, context_html, esc, esc_md, sources_html
from assistant.web.saved_api import LOCAL_USER, share_path

LIKE_OPTIONS = ("Like", "Dislike", "Wrong citation")  # Like and Dislike show as thumbs
_RATINGS = {
    True: Rating.HELPFUL,
    False: Rating.NOT_HELPFUL,
    "Wrong citation": Rating.WRONG_CITATION,
}
EMPTY_ACTIONS = '<div class="ia-saved-actions"></div>'


@dataclass(frozen=True)
class ChatSession:
    """The page's current conversation: its saved id (None until the first answer) and
    whether it is someone else's, opened read-only from a share link."""

    conversation_id: str | None = None
    shared_from: str | None = None


def chat_messages(answers: list[Answer]) -> list[dict]:
    """The chat's messages for saved answers."""
    out: list[dict] = []
    for turn, a in enumerate(answers, 1):
        out.append({"role": "user", "content": esc_md(a.question)})
        out.append({"role": "assistant", "content": answer_message(a, turn)})
    return out


def follow_ups_html(questions: list[str]) -> str:
    """Suggested follow-up questions as buttons (a click asks it)."""
    if not questions:
        return '<div class="ia-followups"></div>'
    buttons = "".join(
        f'<button type="button" class="ia-followup" data-q="{esc(q)}">{esc(q)}</button>'
        for q in questions
    )
    return f'<div class="ia-followups"><span>Ask next:</span>{buttons}</div>'


def actions_html(session: ChatSession, token: str | None = None) -> str:
    """Export links (and the share link once made) of the current conversation."""
    cid = session.conversation_id
    if not cid:
        return EMPTY_ACTIONS
    base = f"api/conversations/{esc(cid)}/export"
    links = (
        f'<a class="ia-export" href="{base}.md" download>Export as Markdown</a> '
        f'<a class="ia-export" href="{base}.docx" download>Export as Word</a>'
    )
    if token:
        path = share_path(token).lstrip("/")
        links += (
            f' <span class="ia-share">Share link (read-only for other signed-in users): '
            f'<a class="ia-share-link" href="{esc(path)}">{esc(path)}</a></span>'
        )
    return f'<div class="ia-saved-actions">{links}</div>'


def feedback_html(store: ConversationBackend) -> str:
    """The Admin tab's list of feedback, newest first."""
    items = store.feedback()
    if not items:
        return '<div class="ia-feedback"><p class="ia-empty">No feedback yet.</p></div>'
    rows = "".join(
        f"<tr><td>{esc(f.created[:16].replace('T', ' '))}</td><td>{esc(f.owner)}</td>"
        f'<td class="ia-rating">{esc(f.rating.value.replace("_", " "))}</td>'
        f"<td>{esc(f.answer.question)}</td><td>{esc(f.comment)}</td></tr>"
        for f in items
    )
    return (
        '<div class="ia-feedback"><p><a href="api/admin/feedback.jsonl" download>'
        "Download as evaluation questions (JSONL)</a></p><table><thead><tr><th>When</th>"
        "<th>User</th><th>Rating</th><th>Question</th><th>Comment</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


class SavedChats:
    """The handlers of saved conversations and feedback.

    Args:
        assistant: The served assistant (its catalogue gives the follow-ups).
        store: Where conversations and feedback are kept.
        access: Logins and roles.
        files: report_id -> "pdf"/"other" for the report files the app serves.
    """

    def __init__(
        self,
        assistant: Assistant,
        store: ConversationBackend,
        access: Access,
        files: Callable[[], dict[str, str]],
    ) -> None:
        self.assistant = assistant
        self.store = store
        self.access = access
        self.files = files

    def user(self, request: gr.Request | None) -> str:
        """Whose conversations these are."""
        self.access.require(request, "reader")
        if self.access.users is None:
            return LOCAL_USER
        return getattr(request, "username", None) or ""

    def choices(self, user: str) -> list[tuple[str, str]]:
        """The dropdown's conversations: (title and date, id), newest first."""
        try:
            saved = self.store.list(user)
        except ConversationsUnavailable as exc:
            gr.Warning(f"Saved conversations are not available just now: {exc}")
            return []
        return [
            (f"{s.title} · {s.updated[:16].replace('T', ' ')} · {s.turns} answers", s.id)
            for s in saved
        ]

    def saved_answer(self, pending: Answer | None, session: ChatSession, request: gr.Request):
        """Save a finished answer; show its follow-ups and the conversation's actions."""
        if pending is None:
            return session, gr.update(), gr.update(), gr.update()
        user = self.user(request)
        own = session.conversation_id if session.shared_from is None else None
        try:
            cid = self.store.append(user, own, pending)
        except ConversationsUnavailable as exc:
            # The answer stands on the page; only its saving failed.
            gr.Warning(f"This answer could not be saved: {exc}")
            return session, gr.update(), gr.update(), gr.update()
        session = ChatSession(cid)
        n = self.assistant.settings.web.follow_up_suggestions
        questions = follow_ups(self.assistant.catalogue, pending, n) if n > 0 else []
        return (
            session,
            gr.update(choices=self.choices(user), value=cid),
            follow_ups_html(questions),
            actions_html(session),
        )

    def new_session(self):
        """A new chat: a new conversation once it has an answer."""
        return ChatSession(), follow_ups_html([]), EMPTY_ACTIONS, gr.update(value=None)

    def _show(self, conv: Conversation, session: ChatSession, note: str = ""):
        answers = conv.answers
        last = answers[-1] if answers else None
        chat = chat_messages(answers)
        if note:
            chat.insert(0, {"role": "assistant", "content": f"<em>{esc_md(note)}</em>"})
        return (
            chat,
            answers,
            sources_html(answers, self.files()),
            context_html(last),
            session,
            follow_ups_html([]),
            actions_html(session) if session.shared_from is None else EMPTY_ACTIONS,
        )

    def open(self, cid: str | None, request: gr.Request):
        """Reopen one of the user's saved conversations (further answers are added to it)."""
        user = self.user(request)
        conv = self.store.get(user, cid) if cid else None
        if conv is None:
            raise gr.Error("Choose one of your saved conversations.")
        return self._show(conv, ChatSession(conv.summary.id))

    def share(self, session: ChatSession, request: gr.Request) -> str:
        """Make (once) and show the current conversation's share link."""
        user = self.user(request)
        if not session.conversation_id or session.shared_from:
            raise gr.Error("Ask a question first: a conversation is saved with its answers.")
        token = self.store.share(user, session.conversation_id)
        return actions_html(session, token)

    def on_load(self, request: gr.Request):
        """A page load: the user's saved conversations, and a shared one when the address
        carries ``?shared=<token>`` (opened read-only: new questions start a conversation of
        the viewer's own)."""
        if self.access.role(request) is None:
            return (gr.update(),) * 8
        user = self.user(request)
        choices = gr.update(choices=self.choices(user), value=None)
        token = (getattr(request, "query_params", None) or {}).get("shared")
        conv = self.store.shared(token) if token else None
        if conv is None:
            return (gr.update(),) * 7 + (choices,)
        session = ChatSession(None, shared_from=conv.summary.owner)
        note = f"Shared by {conv.summary.owner} (read-only): {conv.summary.title}"
        return (*self._show(conv, session, note), choices)

    def feedback(
        self, turns, session: ChatSession, comment: str, data: gr.LikeData, request: gr.Request
    ):
        """Store the feedback a chat message's buttons gave, with the comment box's text."""
        user = self.user(request)
        rating = _RATINGS.get(data.liked)  # type: ignore[call-overload]
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        answers = list(turns or [])
        if rating is None or not answers:
            return gr.update()
        # The chat alternates question, answer; a shared conversation's note comes first.
        offset = 1 if session.shared_from else 0
        turn = min(max(1, (int(index) - offset + 1) // 2), len(answers))
        answer = answers[turn - 1]
        self.store.add_feedback(
            user,
            answer,
            rating,
            comment or "",
            conversation_id=session.conversation_id,
            turn=turn,
            history=tuple(a.question for a in answers[: turn - 1]),
        )
        gr.Info("Thank you: your feedback is saved.")
        return ""

    def admin_feedback(self, request: gr.Request) -> str:
        """Admin: the feedback list."""
        self.access.require(request, "admin")
        return feedback_html(self.store)


__all__ = ["LIKE_OPTIONS", "ChatSession", "SavedChats"]
