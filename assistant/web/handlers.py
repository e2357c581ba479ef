"""What the app's buttons and boxes do: each handler checks the user's role, calls the
assistant (or the index updater) and returns what the page shows.

No question answering, ranking or ingest logic lives here: the handlers call ``Assistant``,
``IndexUpdater`` and ``save_uploads`` and hand the results to ``render``, ``reports_table`` and
``timeline``. ``api_ask`` and ``api_quote`` are the named endpoints for scripts
(``gradio_client``): ``/ask`` and ``/quote``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr

from assistant.core import Assistant
from assistant.indexing import IngestSummary
from assistant.jsonio import answer_json, quote_json
from assistant.prune import PruneRefusedError
from assistant.records import Answer
from assistant.web.access import Access
from assistant.web.admin import IndexBusyError, IndexUpdater, discard_uploads, save_uploads
from assistant.web.errors import public_error, shielded
from assistant.web.files import servable_kinds
from assistant.web.filters import filter_choices, make_filters
from assistant.web.render import (
    EMPTY_SOURCES,
    answer_markdown,
    answer_message,
    banner_html,
    context_html,
    earlier_chat,
    esc_md,
    ingest_log_html,
    login_note,
    quotes_html,
    sources_html,
)
from assistant.web.reports_table import reports_table
from assistant.web.schemas import MAX_TEXT_CHARS
from assistant.web.sources_view import sync_sources_html
from assistant.web.timeline import EMPTY_TIMELINE, timeline_html
from vectorstore.records import Filters

if TYPE_CHECKING:
    from assistant.sync.schedule import SyncScheduler

TITLE = "Inspection Assistant"
TOO_LONG = f"Questions and topics are at most {MAX_TEXT_CHARS:,} characters."


class Handlers:
    """The app's handlers, bound to one assistant.

    Args:
        assistant: The assistant (its index and embedder are shared with admin ingests).
        reports_dir: The reports folder (uploads go there; report files are served from it).
        access: Login and roles.
        updater: Runs index updates (one at a time); a new one when not given.
        scheduler: Runs the sources' syncs in the background (None: no sources).
    """

    def __init__(
        self,
        assistant: Assistant,
        reports_dir: Path,
        access: Access | None = None,
        updater: IndexUpdater | None = None,
        scheduler: SyncScheduler | None = None,
    ) -> None:
        self.assistant = assistant
        self.reports_dir = Path(reports_dir)
        self.access = access or Access()
        self.updater = updater or IndexUpdater(assistant, self.reports_dir)
        self.scheduler = scheduler

    # -- shared -----------------------------------------------------------------------------
    def files(self) -> dict[str, str]:
        """report_id -> "pdf" or "other" for the reports whose file the app serves."""
        return servable_kinds(self.assistant.reports(include_failed=False), self.reports_dir)

    def refresh_outputs(self):
        """New choices for every filter dropdown, and the Reports tab's table."""
        choices = filter_choices(self.assistant.reports(include_failed=False))
        table = reports_table(self.assistant.reports(include_failed=True), self.assistant.catalogue)
        return (
            gr.update(choices=choices.subjects),
            gr.update(choices=choices.inspectorates),
            gr.update(choices=choices.reports),
            gr.update(choices=choices.subjects),
            gr.update(choices=choices.reports),
            table.summary,
            table.rows,
            gr.update(choices=choices.subjects),
            gr.update(choices=choices.kinds),
        )

    @shielded
    def timeline(self, subject: str | None, request: gr.Request = None) -> str:
        """The Timeline tab for one subject."""
        self.access.require(request, "reader")
        if not subject:
            return EMPTY_TIMELINE
        points = self.assistant.catalogue.timeline(subject, judgement="overall", graded_only=True)
        return timeline_html(subject, points, self.files())

    # -- API endpoints (same JSON as the CLI) ------------------------------------------------
    @shielded
    def api_ask(
        self,
        question: str,
        subjects: list[str] | None = None,
        inspectorates: list[str] | None = None,
        report: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        kinds: list[str] | None = None,
        request: gr.Request = None,
    ) -> dict:
        """Answer a question from the indexed reports, with verified citations.

        Returns the same JSON object as `inspection-assistant ask --json`.
        """
        self.access.require(request, "reader")
        if len(question or "") > MAX_TEXT_CHARS:
            raise gr.Error(TOO_LONG)
        filters = make_filters(subjects, inspectorates, report, date_from, date_to, kinds)
        return answer_json(self.assistant.ask(question, filters=filters))

    @shielded
    def api_quote(
        self,
        topic: str,
        subject: str | None = None,
        report: str | None = None,
        k: int = 5,
        request: gr.Request = None,
    ) -> dict:
        """Ranked verbatim quotes with paste-ready citations.

        Returns the same JSON object as `inspection-assistant quote --json`.
        """
        self.access.require(request, "reader")
        if len(topic or "") > MAX_TEXT_CHARS:
            raise gr.Error(TOO_LONG)
        quotes = self.assistant.quote(
            topic, subject=subject or None, report=report or None, k=max(1, min(int(k), 20))
        )
        return {"topic": topic, "quotes": [quote_json(q) for q in quotes]}

    # -- chat -------------------------------------------------------------------------------
    def answer_stream(
        self, question: str, history: list[Answer], filters: Filters
    ) -> Iterator[str | Answer]:
        """What the assistant produces for one question: text as it is generated, then the Answer.

        LLM streaming hook: when ``assistant.llm`` is set and the assistant offers
        ``ask_stream(question, history=, filters=)`` yielding text deltas and finally the
        ``Answer``, the deltas are shown as they arrive. Otherwise (extractive mode) the whole
        answer comes at once and is revealed progressively by ``reveal``.
        """
        stream = getattr(self.assistant, "ask_stream", None)
        if self.assistant.llm is not None and callable(stream):
            yield from stream(question, history=history or None, filters=filters)
            return
        yield self.assistant.ask(question, history=history or None, filters=filters)

    def ask_in_chat(
        self,
        message,
        chat,
        turns,
        subjects,
        inspectorates,
        report,
        date_from,
        date_to,
        kinds,
        request: gr.Request,
    ):
        """Ask the chat's question: show it, then the answer as it comes (kept as pending)."""
        self.access.require(request, "reader")
        question = " ".join((message or "").split())
        if not question or len(question) > MAX_TEXT_CHARS:
            gr.Warning(TOO_LONG if question else "Type a question first.")
            yield gr.update(), chat, None, False, gr.update()
            return
        filters = make_filters(subjects, inspectorates, report, date_from, date_to, kinds)
        turn = len(turns or []) + 1
        chat = [
            *(chat or []),
            {"role": "user", "content": esc_md(question)},
            {"role": "assistant", "content": "<em>Searching the reports…</em>"},
        ]
        yield "", chat, None, False, gr.update()
        streamed, text = False, ""
        try:
            for item in self.answer_stream(question, list(turns or []), filters):
                if isinstance(item, str):
                    streamed, text = True, text + item
                    chat[-1] = {"role": "assistant", "content": answer_markdown(text, turn, set())}
                    yield gr.update(), chat, None, streamed, gr.update()
                else:
                    yield gr.update(), chat, item, streamed, gr.update()
        except gr.Error:
            raise
        except Exception as exc:
            message = public_error(exc, "ask")
            chat[-1] = {"role": "assistant", "content": f"<em>{esc_md(message)}</em>"}
            yield gr.update(), chat, None, False, gr.update()
            raise gr.Error(message) from None

    def reveal(self, chat, turns, pending: Answer | None, streamed: bool):
        """Show the finished answer (word by word unless it was streamed) and its sources."""
        if pending is None:
            yield chat, turns, gr.update(), gr.update(), gr.update()
            return
        keep = self.assistant.settings.web.chat_history_turns
        turns = [*(turns or []), pending]
        chat = list(chat)
        if len(turns) > keep:
            # Older turns are dropped; the rest are renumbered, so the chat is drawn again
            # from them (its [n] links must point at the sources panel's new numbering).
            turns = turns[-keep:]
            chat = [*earlier_chat(turns[:-1], keep), *chat[-2:]]
        turn = len(turns)
        numbers = {c.n for c in pending.citations}
        if not streamed and not pending.abstained:
            web = self.assistant.settings.web
            words = pending.text.split(" ")
            for end in range(web.reveal_words, len(words), web.reveal_words):
                partial = " ".join(words[:end])
                chat[-1] = {"role": "assistant", "content": answer_markdown(partial, turn, numbers)}
                yield chat, gr.update(), gr.update(), gr.update(), gr.update()
                time.sleep(web.reveal_pause_s)
        chat[-1] = {"role": "assistant", "content": answer_message(pending, turn)}
        yield (
            chat,
            turns,
            sources_html(turns, self.files()),
            context_html(pending),
            gr.update(visible=pending.context.carried),
        )

    @shielded
    def remove_context(
        self,
        chat,
        turns,
        subjects,
        inspectorates,
        report,
        date_from,
        date_to,
        kinds,
        request: gr.Request,
    ):
        """Ask the last question again without the context carried from earlier questions."""
        self.access.require(request, "reader")
        if not turns:
            return chat, turns, gr.update(), context_html(None), gr.update(visible=False)
        last = turns[-1]
        filters = make_filters(subjects, inspectorates, report, date_from, date_to, kinds)
        answer = self.assistant.ask(last.question, history=None, filters=filters)
        turns = [answer]  # earlier turns no longer steer follow-ups
        chat = list(chat or [])
        content = "<em>Asked again without the earlier context:</em><br>" + answer_message(
            answer, 1
        )
        if chat and chat[-1].get("role") == "assistant":
            chat[-1] = {"role": "assistant", "content": content}
        else:
            chat.append({"role": "assistant", "content": content})
        return (
            chat,
            turns,
            sources_html(turns, self.files()),
            context_html(answer),
            gr.update(visible=answer.context.carried),
        )

    @staticmethod
    def new_chat():
        """An empty conversation."""
        return [], [], EMPTY_SOURCES, context_html(None), gr.update(visible=False), ""

    # -- quotes -----------------------------------------------------------------------------
    @shielded
    def quotes(self, topic, subject, report, k, request: gr.Request):
        """The Quotes tab: ranked quote cards for a topic."""
        self.access.require(request, "reader")
        topic = " ".join((topic or "").split())
        if not topic or len(topic) > MAX_TEXT_CHARS:
            gr.Warning(TOO_LONG if topic else "Type a topic first.")
            return gr.update()
        quotes = self.assistant.quote(
            topic, subject=subject or None, report=report or None, k=int(k or 5)
        )
        return quotes_html(topic, quotes, self.files())

    # -- admin ------------------------------------------------------------------------------
    def run_ingest(self, progress: gr.Progress, prune: bool = False) -> IngestSummary:
        """Update the index from the reports folder, showing progress per file."""

        def tick(p) -> None:
            progress((p.files_done, p.files_total), desc=f"Indexing {p.current}", unit="files")

        progress(0, desc="Scanning the reports folder")
        try:
            return self.updater.run(prune=prune, progress=tick)
        except (IndexBusyError, PruneRefusedError) as exc:
            raise gr.Error(str(exc)) from exc

    @shielded
    def upload(self, files, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        """Admin: save the uploaded reports into the reports folder and index them."""
        self.access.require(request, "admin")
        if not files:
            raise gr.Error("Choose one or more report files first.")
        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in files]
        try:
            result = save_uploads(
                paths, self.reports_dir, self.assistant.settings.ingest.max_file_bytes
            )
        finally:
            discard_uploads(paths)
        summary = self.run_ingest(progress) if result.saved else None
        return (
            ingest_log_html(summary, result.saved, result.rejected),
            *self.refresh_outputs(),
        )

    @shielded
    def rescan(self, prune, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        """Admin: index what changed in the reports folder."""
        self.access.require(request, "admin")
        summary = self.run_ingest(progress, prune=bool(prune))
        return (ingest_log_html(summary, [], []), *self.refresh_outputs())

    def sources(self, request: gr.Request = None) -> str:
        """Admin: the sources and their last syncs."""
        self.access.require(request, "admin")
        if self.scheduler is None:
            return sync_sources_html([])
        return sync_sources_html(self.scheduler.overview(), self.scheduler.last)

    def sync_now(self, request: gr.Request):
        """Admin: sync every source now, then show the sources."""
        self.access.require(request, "admin")
        if self.scheduler is None:
            raise gr.Error("No sources are configured.")
        from assistant.sync.engine import SyncBusyError

        try:
            self.scheduler.sync_now()
        except SyncBusyError as exc:
            raise gr.Error(str(exc)) from exc
        except IndexBusyError as exc:
            raise gr.Error(str(exc)) from exc
        return (self.sources(request), *self.refresh_outputs())

    # -- page load --------------------------------------------------------------------------
    def banner(self, request: gr.Request | None) -> str:
        """The page header, with who is signed in."""
        note = login_note(
            self.access.users is not None,
            getattr(request, "username", None),
            self.access.role(request),
            self.access.admin_without_auth,
        )
        return banner_html(TITLE, note)

    def on_load(self, request: gr.Request):
        """A page load: the banner, the Admin tab for admins, the filters and the catalogue."""
        role = self.access.role(request)
        return (self.banner(request), gr.update(visible=role == "admin"), *self.refresh_outputs())
