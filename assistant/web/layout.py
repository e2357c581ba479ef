"""The page layout (``gr.Blocks``): components and which handler each event calls.

Layout only: every event calls a ``Handlers`` method. Everything that runs the model shares
one concurrency group (``ANSWERS``), so at most ``answer_concurrency`` questions are answered
at once and the rest wait in Gradio's queue.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

from assistant.web.admin_tab import build_admin_tab, wire_admin_tab
from assistant.web.handlers import TITLE, Handlers
from assistant.web.render import EMPTY_SOURCES, context_html
from assistant.web.reports_view import build_reports_tab, wire_reports_tab
from assistant.web.saved import EMPTY_ACTIONS, LIKE_OPTIONS, ChatSession, SavedChats
from assistant.web.timeline import EMPTY_TIMELINE

STATIC = Path(__file__).resolve().parent.parent / "static"
ANSWERS = "answers"  # the concurrency group of everything that runs the model

# System fonts only: no web font is fetched, from a CDN or anywhere else.
THEME = gr.themes.Default(
    font=[
        gr.themes.Font("system-ui"),
        gr.themes.Font("Segoe UI"),
        gr.themes.Font("Roboto"),
        gr.themes.Font("Helvetica Neue"),
        gr.themes.Font("Arial"),
        "sans-serif",
    ],
    font_mono=[
        gr.themes.Font("ui-monospace"),
        gr.themes.Font("SFMono-Regular"),
        gr.themes.Font("Menlo"),
        gr.themes.Font("Consolas"),
        "monospace",
    ],
)


def build_blocks(
    h: Handlers, answer_concurrency: int = 2, saved: SavedChats | None = None
) -> gr.Blocks:
    """The page: Chat, Quotes, Reports, Timeline and Admin tabs, wired to the handlers.

    Args:
        h: The handlers.
        answer_concurrency: How many questions run at once (the rest wait in Gradio's queue).
        saved: Saved conversations, share links and feedback (None: not offered).
    """
    # Temporary uploads (Gradio's cache) older than this are deleted, checked as often.
    cache_age = h.assistant.settings.web.upload_cache_max_age_s
    with gr.Blocks(
        title=TITLE, analytics_enabled=False, fill_width=True, delete_cache=(cache_age, cache_age)
    ) as demo:
        banner = gr.HTML(elem_id="ia-banner")
        turns = gr.State([])
        pending = gr.State(None)
        streamed = gr.State(False)
        session = gr.State(ChatSession())
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat", elem_id="ia-tab-chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=360):
                    with gr.Row(equal_height=False):
                        context = gr.HTML(context_html(None), elem_id="ia-context")
                        remove_ctx = gr.Button(
                            "Remove context",
                            size="sm",
                            visible=False,
                            scale=0,
                            min_width=140,
                            elem_id="ia-remove-context",
                        )
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        elem_id="ia-chat",
                        height=520,
                        render_markdown=True,
                        sanitize_html=True,
                        allow_tags=False,
                        latex_delimiters=[],
                        buttons=["copy"],
                        feedback_options=LIKE_OPTIONS if saved else None,
                        allow_file_downloads=False,
                        placeholder="Ask about the indexed inspection reports, e.g. "
                        "“How well are care leavers supported in Norfolk?”",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            show_label=False,
                            scale=6,
                            elem_id="ia-question",
                            placeholder="Ask a question about the reports…",
                            max_length=1000,
                            autofocus=True,
                            submit_btn=False,
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="ia-send")
                        new_chat = gr.Button("New chat", scale=1, elem_id="ia-new-chat")
                    followups = gr.HTML(elem_id="ia-followups", visible=saved is not None)
                    with gr.Accordion(
                        "Saved conversations",
                        open=False,
                        visible=saved is not None,
                        elem_id="ia-saved",
                    ):
                        with gr.Row():
                            saved_list = gr.Dropdown(
                                label="Your conversations",
                                choices=[],
                                value=None,
                                scale=4,
                                elem_id="ia-saved-list",
                            )
                            open_saved = gr.Button("Open", scale=1, elem_id="ia-open-saved")
                            share = gr.Button("Share link", scale=1, elem_id="ia-share")
                        saved_actions = gr.HTML(EMPTY_ACTIONS, elem_id="ia-saved-actions")
                        fb_comment = gr.Textbox(
                            label="Comment sent with your next feedback on an answer (optional)",
                            max_length=2000,
                            elem_id="ia-feedback-comment",
                        )
                    with gr.Accordion("Filters", open=False, elem_id="ia-filters"):
                        with gr.Row():
                            subjects = gr.Dropdown(
                                label="Local authority or police force",
                                choices=[],
                                multiselect=True,
                                filterable=True,
                                elem_id="ia-subjects",
                            )
                            inspectorates = gr.Dropdown(
                                label="Inspectorate",
                                choices=[],
                                multiselect=True,
                                elem_id="ia-inspectorates",
                            )
                            kinds = gr.Dropdown(
                                label="Kind of report",
                                choices=[],
                                multiselect=True,
                                elem_id="ia-kinds",
                            )
                        with gr.Row():
                            date_from = gr.DateTime(
                                label="From",
                                include_time=False,
                                type="string",
                                elem_id="ia-from",
                            )
                            date_to = gr.DateTime(
                                label="To", include_time=False, type="string", elem_id="ia-to"
                            )
                        report = gr.Dropdown(
                            label="Single report",
                            choices=[],
                            value=None,
                            filterable=True,
                            elem_id="ia-report",
                        )
                        clear = gr.Button("Clear filters", size="sm")
                with gr.Column(scale=2, min_width=320):
                    sources = gr.HTML(EMPTY_SOURCES, elem_id="ia-sources")
            with gr.Tab("Quotes", id="quotes", elem_id="ia-tab-quotes"):
                with gr.Row():
                    topic = gr.Textbox(
                        label="Topic",
                        scale=3,
                        elem_id="ia-topic",
                        placeholder="e.g. care leavers' accommodation",
                    )
                    q_subject = gr.Dropdown(
                        label="Local authority or police force",
                        choices=[],
                        value=None,
                        filterable=True,
                        scale=2,
                        elem_id="ia-q-subject",
                    )
                    q_report = gr.Dropdown(
                        label="Report",
                        choices=[],
                        value=None,
                        filterable=True,
                        scale=2,
                        elem_id="ia-q-report",
                    )
                    q_k = gr.Slider(1, 10, value=5, step=1, label="How many", scale=1)
                find = gr.Button("Find quotes", variant="primary", elem_id="ia-find-quotes")
                quotes = gr.HTML(elem_id="ia-quotes")
            with gr.Tab("Reports", id="reports", elem_id="ia-tab-reports"):
                reports_ui = build_reports_tab()
                catalogue_summary, refresh = reports_ui.summary, reports_ui.refresh
                catalogue = reports_ui.all_rows  # every row; the table shows the filtered ones
            with gr.Tab("Timeline", id="timeline", elem_id="ia-tab-timeline"):
                t_subject = gr.Dropdown(
                    label="Local authority or police force",
                    choices=[],
                    value=None,
                    filterable=True,
                    elem_id="ia-t-subject",
                )
                timeline_out = gr.HTML(EMPTY_TIMELINE, elem_id="ia-timeline")
            with gr.Tab("Admin", id="admin", visible=False, elem_id="ia-tab-admin") as admin:
                admin_controls = build_admin_tab(h)
                with gr.Row(visible=saved is not None):
                    gr.Markdown("Feedback on answers, newest first.")
                    feedback_refresh = gr.Button("Show feedback", elem_id="ia-feedback-refresh")
                feedback_out = gr.HTML(elem_id="ia-feedback")

        filter_inputs = [subjects, inspectorates, report, date_from, date_to, kinds]
        refresh_outputs = [
            subjects,
            inspectorates,
            report,
            q_subject,
            q_report,
            catalogue_summary,
            catalogue,
            t_subject,
            kinds,
        ]
        limit = {"concurrency_id": ANSWERS, "concurrency_limit": answer_concurrency}

        for trigger in (question.submit, send.click):
            shown_answer = trigger(
                h.ask_in_chat,
                [question, chatbot, turns, *filter_inputs],
                [question, chatbot, pending, streamed, sources],
                api_visibility="private",
                show_progress="hidden",
                **limit,
            ).then(
                h.reveal,
                [chatbot, turns, pending, streamed],
                [chatbot, turns, sources, context, remove_ctx],
                api_visibility="private",
                show_progress="hidden",
                concurrency_limit=None,
            )
            if saved is not None:
                shown_answer.then(
                    saved.saved_answer,
                    [pending, session],
                    [session, saved_list, followups, saved_actions],
                    api_visibility="private",
                    show_progress="hidden",
                    concurrency_limit=None,
                )
        remove_ctx.click(
            h.remove_context,
            [chatbot, turns, *filter_inputs],
            [chatbot, turns, sources, context, remove_ctx],
            api_visibility="private",
            **limit,
        )
        new_chat.click(
            h.new_chat,
            None,
            [chatbot, turns, sources, context, remove_ctx, question],
            api_visibility="private",
            queue=False,
        )
        chatbot.clear(
            lambda: h.new_chat()[1:5],
            None,
            [turns, sources, context, remove_ctx],
            api_visibility="private",
            queue=False,
        )
        clear.click(
            lambda: ([], [], None, None, None, []),
            None,
            filter_inputs,
            api_visibility="private",
            queue=False,
        )
        find.click(
            h.quotes,
            [topic, q_subject, q_report, q_k],
            quotes,
            api_visibility="private",
            **limit,
        )
        topic.submit(
            h.quotes,
            [topic, q_subject, q_report, q_k],
            quotes,
            api_visibility="private",
            **limit,
        )
        t_subject.change(h.timeline, [t_subject], timeline_out, api_visibility="private")
        refresh.click(h.refresh_outputs, None, refresh_outputs, api_visibility="private")
        wire_admin_tab(admin_controls, h, admin, refresh_outputs)
        wire_reports_tab(reports_ui, tabs, t_subject)
        demo.load(h.on_load, None, [banner, admin, *refresh_outputs], api_visibility="private")
        if saved is not None:
            shown = [chatbot, turns, sources, context, session, followups, saved_actions]
            demo.load(saved.on_load, None, [*shown, saved_list], api_visibility="private")
            for reset in (new_chat.click, chatbot.clear):
                reset(
                    saved.new_session,
                    None,
                    [session, followups, saved_actions, saved_list],
                    api_visibility="private",
                    queue=False,
                )
            open_saved.click(saved.open, [saved_list], shown, api_visibility="private")
            share.click(saved.share, [session], saved_actions, api_visibility="private")
            chatbot.like(
                saved.feedback, [turns, session, fb_comment], fb_comment, api_visibility="private"
            )
            feedback_refresh.click(
                saved.admin_feedback, None, feedback_out, api_visibility="private"
            )
            admin.select(saved.admin_feedback, None, feedback_out, api_visibility="private")

        gr.api(h.api_ask, api_name="ask", **limit)
        gr.api(h.api_quote, api_name="quote", **limit)
    demo.queue(default_concurrency_limit=answer_concurrency, max_size=256)
    return demo
