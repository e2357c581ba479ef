"""A watched folder in the background of the app: a file copied in slowly is indexed once whole,
a file under a temporary name only once renamed, and the folder's sidecar gives public links."""

from __future__ import annotations

import os
import time
from pathlib import Path

from assistant.indexing import Ingestor
from assistant.settings import Settings, SourceConfig
from assistant.sync.schedule import SyncScheduler
from tests.conftest import REPORT_TEXTS, ilacs_pdf
from vectorstore.index import Index

WAIT_S = 120  # a generous upper bound: the watcher, the settle time and an ingest


def wait_for(check, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, f"not within {WAIT_S} s: {what}"
        time.sleep(0.2)


def test_watched_folder_takes_whole_files_only(tmp_path, embedder):
    share = tmp_path / "share"
    share.mkdir()
    made = tmp_path / "made"
    made.mkdir()
    a = ilacs_pdf("Croydon", 2017, REPORT_TEXTS[("Croydon", 2017)], made / "a.pdf").read_bytes()
    b = ilacs_pdf("Croydon", 2024, REPORT_TEXTS[("Croydon", 2024)], made / "b.pdf").read_bytes()
    (share / "provenance.csv").write_text(
        "file,url,published\na.pdf,https://reports.example/a.pdf,2025-02-03\n", encoding="utf-8"
    )
    settings = Settings(
        index_dir=tmp_path / "index",
        reports_dir=tmp_path / "reports",
        sources=[SourceConfig(name="share", kind="folder", location=str(share), interval_s=3600)],
        sync_settle_s=1.0,
        sync_debounce_ms=200,
    )
    index = Index(settings.store.index_dir)
    ingestor = Ingestor(index, embedder, settings)
    mirror = settings.sources.reports_dir / "sources" / "share"
    seen: list[list[str]] = []

    def ingest():
        files = sorted(p for p in mirror.iterdir() if p.is_file()) if mirror.exists() else []
        seen.append([p.name for p in files])
        for p in files:  # whatever is indexed is whole
            assert p.read_bytes() in (a, b), f"a partial file reached the index: {p.name}"
        return ingestor.run([settings.sources.reports_dir])

    scheduler = SyncScheduler(settings, index, ingest)
    scheduler.start()
    try:
        wait_for(lambda: scheduler.last is not None, "the first sync")
        with open(share / "a.pdf", "wb") as fh:  # a slow copy: four parts, a pause between
            step = len(a) // 4 + 1
            for i in range(0, len(a), step):
                fh.write(a[i : i + step])
                fh.flush()
                time.sleep(0.7)
        wait_for(lambda: len(index.live_ids()) == 1, "the copied file indexed")
        (share / "b.pdf.part").write_bytes(b)
        time.sleep(2 * settings.sources.settle_s + 1)
        assert len(index.live_ids()) == 1 and not (mirror / "b.pdf.part").exists()
        (share / "b.pdf.part").rename(share / "b.pdf")
        wait_for(lambda: len(index.live_ids()) == 2, "the renamed file indexed")
    finally:
        scheduler.stop()
    assert all(not name.endswith(".part") for names in seen for name in names)
    urls = {r.source: r.url for r in index.reports(include_failed=False)}
    assert urls == {
        "sources/share/a.pdf": "https://reports.example/a.pdf",
        "sources/share/b.pdf": None,
    }
    states = scheduler.overview()
    assert [s.name for s in states] == ["share"] and not states[0].failed


def test_folder_listing_leaves_unsettled_and_temporary_files_for_later(tmp_path):
    from assistant.sync.http import PoliteClient
    from assistant.sync.sources import make_source

    share = tmp_path / "s"
    share.mkdir()
    old = time.time() - 60
    for name in ("done.pdf", "~$draft.docx", "copying.pdf.crdownload", ".hidden.pdf"):
        (share / name).write_bytes(b"%PDF-1.4")
        os.utime(share / name, (old, old))
    (share / "fresh.pdf").write_bytes(b"%PDF-1.4")
    settings = Settings(index_dir=tmp_path / "i", sync_settle_s=30)
    source = make_source(SourceConfig(name="s", kind="folder", location=str(share)), settings)
    with PoliteClient(settings) as client:
        got = source.listing(client, None)
    assert [e.key for e in got.entries] == ["done.pdf"] and got.pending == ["fresh.pdf"]
    assert Path(got.entries[0].location) == share / "done.pdf"
