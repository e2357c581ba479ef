"""The Admin tab: uploads, rescans, a prune that shows what it removes and asks first, the
files held as not inspection reports, and sources.

A prune is two steps: "Remove reports whose files are gone…" shows how many reports and which
would go; "Remove them" does it. When that is more than ``prune_max_fraction`` of the index, a
second, explicit confirmation must be ticked too, so that a reports folder that is not the one
the index was built from cannot empty the index with one click. Every run shows its steps as
they happen (scanning, reading file n of m, embedding, making live, removing) and starts with
the previous run's log cleared.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.held import AcceptedFiles, held_files
from assistant.indexing import IngestSummary, Phase
from assistant.prune import PrunePlan, PruneRefusedError, preview_prune
from assistant.web.admin import IndexBusyError
from assistant.web.handlers import Handlers
from assistant.web.render import esc, ingest_log_html
from assistant.web.users_tab import UsersControls, build_users_section, wire_users_section

SHOWN_NAMES = 50  # reports named in a prune's preview; the rest are counted


def phase_words(p: Phase) -> str:
    """The words the Admin tab shows for a step of a run."""
    if p.name == "scanning":
        return "Scanning the reports folder"
    if p.name == "reading":
        return f"Reading file {p.file} of {p.files_total}: {p.current}"
    if p.name == "embedding":
        return f"Embedding {p.chunks} chunks"
    if p.name == "making live":
        return "Making live" + (f" ({p.chunks} chunks)" if p.chunks else "")
    return "Removing reports whose files are gone"


def steps_html(steps: list[str]) -> str:
    """The steps a run went through, for its log."""
    if not steps:
        return ""
    return '<p class="ia-steps">Steps: ' + " · ".join(esc(s) for s in steps) + "</p>"


def plan_html(plan: PrunePlan) -> str:
    """What a prune would remove: the count, the names, and whether it needs the second tick."""
    if not plan.gone:
        return "<p>Every report's file is still in the reports folder: nothing to remove.</p>"
    names = "".join(f"<li>{esc(n)}</li>" for n in plan.reports[:SHOWN_NAMES])
    more = plan.removes - SHOWN_NAMES
    extra = f"<li>… and {more} more</li>" if more > 0 else ""
    parts = [
        f'<div class="ia-prune"><p><strong>This {esc(plan.describe())}</strong> '
        f"({len(plan.gone)} file(s) no longer in the reports folder).</p>",
        f"<ul>{names}{extra}</ul>" if names else "",
    ]
    if plan.over_limit:
        parts.append(
            f'<p class="ia-bad">That is more than {plan.max_fraction:.0%} of the index. Is the '
            "reports folder the one the index was built from? To remove them anyway, tick the "
            "second confirmation.</p>"
        )
    parts.append("</div>")
    return "".join(parts)


@dataclass
class AdminControls:
    """The Admin tab's components that events read or write."""

    upload_files: gr.File
    upload_btn: gr.Button
    rescan_btn: gr.Button
    prune_check: gr.Button
    prune_plan: gr.HTML
    prune_confirm: gr.Button
    prune_second: gr.Checkbox
    admin_log: gr.HTML
    held: gr.CheckboxGroup
    accept_btn: gr.Button
    held_note: gr.HTML
    sync_btn: gr.Button
    sources_refresh: gr.Button
    sources_out: gr.HTML
    users: UsersControls


class AdminActions:
    """What the Admin tab's buttons do, for admins only.

    Args:
        h: The app's handlers (access, the index updater, the refreshed outputs).
    """

    def __init__(self, h: Handlers) -> None:
        self.h = h

    def _run(self, progress: gr.Progress, prune: bool, force: bool) -> tuple[IngestSummary, str]:
        steps: list[str] = []

        def phase(p: Phase) -> None:
            words = phase_words(p)
            if p.name != "reading" or p.file == 1:
                steps.append("Reading files" if p.name == "reading" else words.split(" (")[0])
            done = max(p.file - 1, 0) if p.name == "reading" else p.file
            progress((done, p.files_total or 1), desc=words, unit="files")

        try:
            summary = self.h.updater.run(prune=prune, force_prune=force, phases=phase)
        except (IndexBusyError, PruneRefusedError) as exc:
            raise gr.Error(str(exc)) from exc
        return summary, steps_html(list(dict.fromkeys(steps)))

    def rescan(self, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        """Index what changed in the reports folder (never removes anything)."""
        self.h.access.require(request, "admin")
        summary, steps = self._run(progress, prune=False, force=False)
        return (steps + ingest_log_html(summary, [], []), *self.held(request))

    def check_removal(self, request: gr.Request):
        """Show what removing the reports whose files are gone would do, and ask to confirm."""
        self.h.access.require(request, "admin")
        a = self.h.assistant
        plan = preview_prune(a.index, [self.h.reports_dir], a.settings.ingest.prune_max_fraction)
        return (
            plan_html(plan),
            gr.update(visible=plan.removes > 0 or bool(plan.gone), value=self._label(plan)),
            gr.update(visible=plan.over_limit, value=False),
        )

    @staticmethod
    def _label(plan: PrunePlan) -> str:
        return f"Remove {plan.removes} report(s)" if plan.removes else "Forget the missing files"

    def confirm_removal(self, second: bool, request: gr.Request, progress=gr.Progress()):  # noqa: B008
        """Remove the reports whose files are gone; more than the allowed share needs ``second``."""
        self.h.access.require(request, "admin")
        a = self.h.assistant
        plan = preview_prune(a.index, [self.h.reports_dir], a.settings.ingest.prune_max_fraction)
        if plan.over_limit and not second:
            refused = (
                f"Nothing was removed: this {plan.describe()}. Tick the second confirmation "
                f"to remove more than {plan.max_fraction:.0%} of the index."
            )
            gr.Warning(refused)
            return f'<p class="ia-bad">{esc(refused)}</p>', gr.update(), gr.update(), gr.update()
        summary, steps = self._run(progress, prune=True, force=plan.over_limit and bool(second))
        return (
            steps + ingest_log_html(summary, [], []),
            "",
            gr.update(visible=False),
            gr.update(visible=False, value=False),
        )

    def held(self, request: gr.Request = None):
        """The files held as not inspection reports, to accept."""
        self.h.access.require(request, "admin")
        files = held_files(self.h.assistant.index)
        choices = [(f"{f.path} — {f.reason}", f.path) for f in files]
        note = (
            f"<p>{len(files)} file(s) held as not inspection reports.</p>"
            if files
            else "<p>No files are held.</p>"
        )
        return gr.update(choices=choices, value=[]), note

    def accept(self, selected: list[str] | None, request: gr.Request):
        """Accept held files as reports: the next rescan indexes them."""
        self.h.access.require(request, "admin")
        if not selected:
            raise gr.Error("Tick the held files to accept first.")
        AcceptedFiles(self.h.assistant.index.path).accept(list(selected))
        choices, _ = self.held(request)
        note = (
            f"<p>Accepted {len(selected)} file(s): {esc(', '.join(selected))}. "
            "They are indexed on the next rescan.</p>"
        )
        return choices, note


def build_admin_tab(h: Handlers) -> AdminControls:
    """The Admin tab's components (call inside its ``gr.Tab``)."""
    gr.Markdown(
        "Add reports (PDF, HTML, text, Markdown or Word). Files are checked, saved into the "
        "reports folder and indexed; the chat keeps answering meanwhile."
    )
    upload_files = gr.File(
        label="Reports to upload", file_count="multiple", type="filepath", elem_id="ia-upload"
    )
    with gr.Row():
        upload_btn = gr.Button("Upload and index", variant="primary", elem_id="ia-upload-btn")
        rescan_btn = gr.Button("Rescan reports folder", elem_id="ia-rescan")
        prune_check = gr.Button("Remove reports whose files are gone…", elem_id="ia-prune-check")
    prune_plan = gr.HTML(elem_id="ia-prune-plan")
    with gr.Row():
        prune_second = gr.Checkbox(
            label="Yes, remove more than a fifth of the index",
            value=False,
            visible=False,
            elem_id="ia-prune-second",
        )
        prune_confirm = gr.Button(
            "Remove them", variant="stop", visible=False, elem_id="ia-prune-confirm"
        )
    admin_log = gr.HTML(elem_id="ia-admin-log")
    gr.Markdown("Held files: they don't look like inspection reports. Accept the ones that are.")
    held = gr.CheckboxGroup(label="Held files", choices=[], elem_id="ia-held")
    with gr.Row():
        accept_btn = gr.Button("Accept as reports", size="sm", elem_id="ia-accept")
    held_note = gr.HTML(elem_id="ia-held-note")
    gr.Markdown("Sources: feeds, listing pages and watched folders synced on schedule.")
    with gr.Row():
        sync_btn = gr.Button("Sync now", elem_id="ia-sync-now")
        sources_refresh = gr.Button("Refresh", elem_id="ia-sources-refresh")
    sources_out = gr.HTML(elem_id="ia-sync-sources")
    users = build_users_section()
    return AdminControls(
        upload_files,
        upload_btn,
        rescan_btn,
        prune_check,
        prune_plan,
        prune_confirm,
        prune_second,
        admin_log,
        held,
        accept_btn,
        held_note,
        sync_btn,
        sources_refresh,
        sources_out,
        users,
    )


def wire_admin_tab(c: AdminControls, h: Handlers, tab: gr.Tab, refresh_outputs: list) -> None:
    """Connect the Admin tab's events (one admin action at a time)."""
    actions = AdminActions(h)
    one = {"api_visibility": "private", "concurrency_id": "admin", "concurrency_limit": 1}
    quick = {"api_visibility": "private", "queue": False}
    clear_log = (lambda: "", None, c.admin_log)
    c.upload_btn.click(*clear_log, **quick).then(
        h.upload, [c.upload_files], [c.admin_log, *refresh_outputs], **one
    ).then(actions.held, None, [c.held, c.held_note], api_visibility="private")
    c.rescan_btn.click(*clear_log, **quick).then(
        actions.rescan, None, [c.admin_log, c.held, c.held_note], **one
    ).then(h.refresh_outputs, None, refresh_outputs, api_visibility="private")
    c.prune_check.click(*clear_log, **quick).then(
        actions.check_removal, None, [c.prune_plan, c.prune_confirm, c.prune_second], **one
    )
    c.prune_confirm.click(*clear_log, **quick).then(
        actions.confirm_removal,
        [c.prune_second],
        [c.admin_log, c.prune_plan, c.prune_confirm, c.prune_second],
        **one,
    ).then(h.refresh_outputs, None, refresh_outputs, api_visibility="private")
    c.accept_btn.click(actions.accept, [c.held], [c.held, c.held_note], **one)
    c.sync_btn.click(h.sync_now, None, [c.sources_out, *refresh_outputs], **one)
    c.sources_refresh.click(h.sources, None, c.sources_out, api_visibility="private")
    tab.select(h.sources, None, c.sources_out, api_visibility="private")
    tab.select(actions.held, None, [c.held, c.held_note], api_visibility="private")
    wire_users_section(c.users, h.access, tab)
