"""Sync from a real local HTTP server: a generated Atom feed and generated PDFs.

New entries, a changed file at the same URL, withdrawn entries (kept, or pruned), a 500, a
download that stalls midway, a file over the size limit, a web page served as a PDF, a feed
that is not XML, an unchanged feed answered 304; and the CLI's JSON and exit codes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.indexing import Ingestor
from assistant.settings import Settings, SourceConfig
from assistant.sync.engine import Syncer
from tests.conftest import REPORT_TEXTS, ilacs_pdf
from tests.feed_server import FeedItem, FeedServer
from vectorstore.index import Index

ROOT = Path(__file__).resolve().parents[1]


def pdf_bytes(tmp: Path, subject: str, year: int) -> bytes:
    return ilacs_pdf(subject, year, REPORT_TEXTS[(subject, year)], tmp / "gen.pdf").read_bytes()


@pytest.fixture()
def server():
    with FeedServer() as s:
        yield s


@pytest.fixture()
def setup(tmp_path, embedder, server):
    """(settings, index, syncer, source config) over a fresh index and reports folder."""
    settings = Settings(
        index_dir=tmp_path / "index",
        reports_dir=tmp_path / "reports",
        ingest={"max_file_mb": 1},
        sync_retries=1,
        sync_backoff_s=0.05,
        sync_min_interval_s=0.0,
        sync_timeout_s=1.0,
    )
    index = Index(settings.store.index_dir)
    ingestor = Ingestor(index, embedder, settings)
    syncer = Syncer(settings, index, lambda: ingestor.run([settings.sources.reports_dir]))
    config = SourceConfig(name="ofsted", kind="feed", location=server.url("/feed.xml"))
    return settings, index, syncer, config


def feed_of(server: FeedServer, *names: str, day: str = "2025-03-20") -> None:
    """Publish the feed; a new ``day`` stands for a publisher's updated entry."""
    server.feed("/feed.xml", [FeedItem(f"/r/{n}", n, day) for n in names])


def live_files(settings: Settings) -> list[str]:
    folder = settings.sources.reports_dir / "sources" / "ofsted"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_new_entry_is_downloaded_indexed_and_cited_with_its_public_url(
    tmp_path, setup, server, embedder
):
    settings, index, syncer, config = setup
    server.publish("/r/croydon-2017.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    feed_of(server, "croydon-2017.pdf")
    result = syncer.run([config])
    url = server.url("/r/croydon-2017.pdf")
    assert result.added == [url] and not result.failed and result.indexed
    assert live_files(settings) == ["croydon-2017.pdf"]
    record = next(r for r in index.reports(include_failed=False))
    assert (record.url, record.origin, str(record.published)) == (url, "ofsted", "2025-03-20")
    assert all("inspection-assistant" in h["User-Agent"] for _, h in server.requests)
    answer = Assistant(settings, index=index, embedder=embedder).ask(
        "How quickly were missing children found in Croydon in 2017?"
    )
    assert answer.citations and all(c.url == url for c in answer.citations)
    assert answer.citations[0].line.endswith(url)


def test_changed_file_at_same_url_replaces_the_report(tmp_path, setup, server):
    settings, index, syncer, config = setup
    server.publish("/r/croydon.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    feed_of(server, "croydon.pdf")
    syncer.run([config])
    before = index.live_ids()
    server.publish("/r/croydon.pdf", pdf_bytes(tmp_path, "Croydon", 2024))
    feed_of(server, "croydon.pdf", day="2025-03-27")
    result = syncer.run([config])
    assert result.changed == [server.url("/r/croydon.pdf")] and not result.added
    assert live_files(settings) == ["croydon.pdf"]
    after = index.live_ids()
    assert len(after) == 1 and after != before


def test_unchanged_feed_is_answered_304_and_nothing_is_downloaded_again(tmp_path, setup, server):
    _, _, syncer, config = setup
    server.publish("/r/a.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    feed_of(server, "a.pdf")
    syncer.run([config])
    result = syncer.run([config])
    assert not result.added and not result.changed and not result.failed
    assert result.unchanged == 1 and not result.indexed
    second = server.fetched("/feed.xml")[1]
    assert second.get("If-None-Match") == server.pages["/feed.xml"].etag
    assert len(server.fetched("/r/a.pdf")) == 1


def test_withdrawn_entry_is_kept_and_marked(tmp_path, setup, server):
    settings, index, syncer, config = setup
    server.publish("/r/a.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    server.publish("/r/b.pdf", pdf_bytes(tmp_path, "Croydon", 2024))
    feed_of(server, "a.pdf", "b.pdf")
    syncer.run([config])
    feed_of(server, "b.pdf")
    result = syncer.run([config])
    assert result.withdrawn == [server.url("/r/a.pdf")] and not result.removed
    assert len(index.live_ids()) == 2 and live_files(settings) == ["a.pdf", "b.pdf"]
    marked = {r.url: r.withdrawn for r in index.reports(include_failed=False)}
    assert marked == {server.url("/r/a.pdf"): True, server.url("/r/b.pdf"): False}


def test_withdrawn_entry_is_pruned_when_the_source_prunes(tmp_path, setup, server):
    settings, index, syncer, config = setup
    config = config.model_copy(update={"prune": True})
    server.publish("/r/a.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    server.publish("/r/b.pdf", pdf_bytes(tmp_path, "Croydon", 2024))
    feed_of(server, "a.pdf", "b.pdf")
    syncer.run([config])
    feed_of(server, "b.pdf")
    result = syncer.run([config])
    assert result.removed == [server.url("/r/a.pdf")]
    assert len(index.live_ids()) == 1 and live_files(settings) == ["b.pdf"]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("500", "server error: HTTP 500"),
        ("stall", "timed out"),
        ("too large", "file too large"),
        ("html as pdf", "served as a PDF but the content is html"),
    ],
)
def test_failed_download_keeps_the_live_version(tmp_path, setup, server, case, reason):
    settings, index, syncer, config = setup
    good = pdf_bytes(tmp_path, "Croydon", 2017)
    server.publish("/r/a.pdf", good)
    feed_of(server, "a.pdf")
    syncer.run([config])
    live = index.live_ids()
    new = pdf_bytes(tmp_path, "Croydon", 2024)
    if case == "500":
        server.publish("/r/a.pdf", b"oops", status=500, etag='"x"')
    elif case == "stall":
        server.publish("/r/a.pdf", new, stall_after=len(new) // 2, stall_s=3.0)
    elif case == "too large":
        server.publish("/r/a.pdf", new + b"\0" * (1 << 20))
    else:
        server.publish("/r/a.pdf", b"<html><body><p>Page not found</p></body></html>")
    feed_of(server, "a.pdf", day="2025-03-27")
    result = syncer.run([config])
    assert [f.url for f in result.failed] == [server.url("/r/a.pdf")]
    assert reason in result.failed[0].reason
    assert index.live_ids() == live  # the live report stays
    folder = settings.sources.reports_dir / "sources" / "ofsted"
    assert sorted(p.name for p in folder.iterdir()) == ["a.pdf"]  # no partial file left
    assert (folder / "a.pdf").read_bytes() == good
    if case == "500":
        assert len(server.fetched("/r/a.pdf")) == 1 + 2  # the first sync, then two tries


def test_feed_that_is_not_xml_fails_with_a_reason_and_withdraws_nothing(tmp_path, setup, server):
    _, index, syncer, config = setup
    server.publish("/r/a.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    feed_of(server, "a.pdf")
    syncer.run([config])
    server.publish("/feed.xml", b"<html><body>maintenance</body>", content_type="text/html")
    result = syncer.run([config])
    assert [f.url for f in result.failed] == [config.location]
    assert result.failed[0].reason.startswith("not a feed")
    assert not result.withdrawn and len(index.live_ids()) == 1


def test_cli_sync_json_contract_and_exit_codes(tmp_path, server, cli_env):
    server.publish("/r/a.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    server.publish("/r/gone.pdf", b"", status=500)
    server.feed(
        "/feed.xml",
        [FeedItem("/r/a.pdf", "A", "2025-03-20"), FeedItem("/r/gone.pdf", "B", "2025-03-21")],
    )
    env = {**cli_env, "INSPECTION_ASSISTANT_SYNC_RETRIES": "0"}
    argv = [sys.executable, "-m", "assistant.cli", "sync", "--feed", server.url("/feed.xml")]
    run = subprocess.run(
        [*argv, "--reports", str(tmp_path / "rep"), "--index", str(tmp_path / "idx"), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 2, run.stderr
    out = json.loads(run.stdout)
    assert out["added"] == [server.url("/r/a.pdf")] and out["changed"] == []
    assert out["unchanged"] == 0
    assert out["failed"] == [{"url": server.url("/r/gone.pdf"), "reason": "server error: HTTP 500"}]
    (tmp_path / "blocked").write_text("a file where the index folder should be")
    run = subprocess.run(
        [*argv, "--reports", str(tmp_path / "rep"), "--index", str(tmp_path / "blocked")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert run.returncode == 1 and "error:" in run.stderr


def test_status_and_admin_view_show_each_source_with_its_failures(tmp_path, setup, server):
    from assistant.status import index_status
    from assistant.sync.schedule import SyncScheduler
    from assistant.web.sources_view import sync_sources_html

    settings, index, _, config = setup
    server.publish("/r/a.pdf", pdf_bytes(tmp_path, "Croydon", 2017))
    server.publish("/r/b.pdf", b"no", status=500)
    feed_of(server, "a.pdf", "b.pdf")
    settings = settings.override(sources=[config])
    scheduler = SyncScheduler(settings, index, setup[2].ingest)
    scheduler.sync_now()
    (synced,) = index_status(settings).as_dict()["sync"]
    assert (synced["name"], synced["added"], synced["changed"]) == ("ofsted", 1, 0)
    assert synced["failed"] == [{"url": server.url("/r/b.pdf"), "reason": "server error: HTTP 500"}]
    assert synced["last_sync"] and synced["next_sync"] > synced["last_sync"]
    html = sync_sources_html(scheduler.overview(), scheduler.last)
    assert "ofsted" in html and "server error: HTTP 500" in html and server.url("/r/b.pdf") in html
