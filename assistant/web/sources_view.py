"""The Admin view of the sources: last and next sync, what each found, what failed and why."""

from __future__ import annotations

from assistant.sync.state import SourceState, SyncResult
from assistant.web.render import esc

NO_SOURCES = (
    '<div class="ia-log"><p>No sources are configured: set '
    "<code>INSPECTION_ASSISTANT_SOURCES</code> (feeds, listing pages, watched folders) "
    "to have new reports arrive by themselves.</p></div>"
)


def sync_sources_html(states: list[SourceState], last: SyncResult | None = None) -> str:
    """A table of the sources, with each one's failures and their reasons under it."""
    if not states:
        return NO_SOURCES
    rows = []
    for s in states:
        rows.append(
            "<tr>"
            f"<td>{esc(s.name)}</td><td>{esc(s.kind)}</td>"
            f'<td class="ia-src-loc">{esc(s.location)}</td>'
            f"<td>{esc(s.last_sync or 'never')}</td><td>{esc(s.next_sync or '-')}</td>"
            f"<td>{s.added}</td><td>{s.changed}</td><td>{s.unchanged}</td>"
            f"<td>{s.withdrawn}</td><td>{len(s.failed)}</td>"
            "</tr>"
        )
        for f in s.failed:
            rows.append(
                f'<tr class="ia-bad"><td></td><td colspan="9">{esc(f.url)}: {esc(f.reason)}</td></tr>'
            )
        for p in s.pending:
            rows.append(f'<tr><td></td><td colspan="9">not ready yet: {esc(p)}</td></tr>')
    head = (
        "<tr><th>source</th><th>kind</th><th>where</th><th>last sync</th><th>next sync</th>"
        "<th>new</th><th>changed</th><th>unchanged</th><th>withdrawn</th><th>failed</th></tr>"
    )
    note = ""
    if last is not None:
        note = (
            f"<p>Last sync: {len(last.added)} new, {len(last.changed)} changed, "
            f"{last.unchanged} unchanged, {len(last.failed)} failed.</p>"
        )
    return (
        f'<div class="ia-log" id="ia-sources-table">{note}<table>{head}{"".join(rows)}</table>'
        "</div>"
    )
