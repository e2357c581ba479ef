"""One contract, run against every kind of source the factory knows (feed, listing, folder).

A source lists what it publishes, fetches an entry's exact bytes to a temporary file, answers
"not modified" when given the validators of what it fetched, and reports a listing it cannot
read and an entry that is gone as a ``FetchError`` without leaving the temporary file behind.
Also: parsing RSS, Atom without a published date, and a listing page's links.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.settings import Settings, SourceConfig
from assistant.sync.feeds import parse_feed, parse_listing
from assistant.sync.http import FetchError, PoliteClient
from assistant.sync.sources import SOURCE_KINDS, Source, make_source
from tests.feed_server import FeedItem, FeedServer

FILES = {"north.pdf": b"%PDF-1.4 north report", "south.pdf": b"%PDF-1.4 south report"}


@dataclass
class Published:
    """A source publishing FILES, and how to make one of them disappear."""

    source: Source
    remove: Callable[[str], None]
    broken: Source  # the same kind of source at a location that cannot be read


@contextmanager
def feed(tmp: Path, settings: Settings) -> Iterator[Published]:
    with FeedServer() as server:
        for name, data in FILES.items():
            server.publish(f"/files/{name}", data)
        server.feed("/feed.xml", [FeedItem(f"/files/{n}", n, "2025-01-02") for n in FILES])
        yield Published(
            make_source(
                SourceConfig(name="f", kind="feed", location=server.url("/feed.xml")), settings
            ),
            lambda name: server.pages.pop(f"/files/{name}"),
            make_source(
                SourceConfig(name="g", kind="feed", location=server.url("/nothing")), settings
            ),
        )


@contextmanager
def listing(tmp: Path, settings: Settings) -> Iterator[Published]:
    with FeedServer() as server:
        for name, data in FILES.items():
            server.publish(f"/files/{name}", data)
        links = "".join(f'<li><a href="files/{n}">{n}</a></li>' for n in FILES)
        page = f"<html><body><a href='/about'>About</a><ul>{links}</ul></body></html>"
        server.publish("/list.html", page.encode(), content_type="text/html")
        yield Published(
            make_source(
                SourceConfig(name="l", kind="listing", location=server.url("/list.html")), settings
            ),
            lambda name: server.pages.pop(f"/files/{name}"),
            make_source(
                SourceConfig(name="m", kind="listing", location=server.url("/gone")), settings
            ),
        )


@contextmanager
def folder(tmp: Path, settings: Settings) -> Iterator[Published]:
    share = tmp / "share"
    share.mkdir()
    old = time.time() - 60
    for name, data in FILES.items():
        (share / name).write_bytes(data)
        os.utime(share / name, (old, old))
    yield Published(
        make_source(SourceConfig(name="d", kind="folder", location=str(share)), settings),
        lambda name: (share / name).unlink(),
        make_source(SourceConfig(name="e", kind="folder", location=str(tmp / "none")), settings),
    )


PUBLISHERS = {"feed": feed, "listing": listing, "folder": folder}


def test_every_kind_of_source_is_under_contract():
    assert set(PUBLISHERS) == set(SOURCE_KINDS)


@pytest.mark.parametrize("kind", sorted(SOURCE_KINDS))
def test_source_contract(kind, tmp_path):
    settings = Settings(index_dir=tmp_path / "i", sync_min_interval_s=0, sync_retries=0)
    with PUBLISHERS[kind](tmp_path, settings) as pub, PoliteClient(settings) as client:
        got = pub.source.listing(client, None)
        assert not got.not_modified
        by_name = {e.location.rsplit("/", 1)[-1]: e for e in got.entries}
        assert sorted(by_name) == sorted(FILES)
        assert len({e.key for e in got.entries}) == len(FILES)
        tmp = tmp_path / ".part"
        first = pub.source.fetch(by_name["north.pdf"], client, None, tmp)
        assert not first.not_modified and tmp.read_bytes() == FILES["north.pdf"]
        again = pub.source.fetch(by_name["north.pdf"], client, first.validators, tmp_path / ".b")
        assert again.not_modified and not (tmp_path / ".b").exists()
        pub.remove("south.pdf")
        with pytest.raises(FetchError):
            pub.source.fetch(by_name["south.pdf"], client, None, tmp_path / ".c")
        assert not (tmp_path / ".c").exists()
        with pytest.raises(FetchError):
            pub.broken.listing(client, None)


def test_rss_items_with_enclosures_and_dates():
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
    <item><title>Inspection of Norfolk</title><link>https://example.org/page</link>
    <enclosure url="/files/norfolk.pdf" type="application/pdf" length="10"/>
    <pubDate>Tue, 04 Mar 2025 09:00:00 GMT</pubDate></item>
    <item><title>Letter</title><link>https://example.org/letter.pdf</link></item>
    </channel></rss>"""
    entries = parse_feed(body, "https://example.org/feed.rss")
    assert [e.url for e in entries] == [
        "https://example.org/files/norfolk.pdf",
        "https://example.org/letter.pdf",
    ]
    assert str(entries[0].published) == "2025-03-04" and entries[1].published is None
    assert entries[0].title == "Inspection of Norfolk"


def test_atom_updated_stands_in_for_published_and_linkless_entries_are_skipped():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
    <entry><title>A</title><link href="a.pdf"/><updated>2024-11-30T10:00:00Z</updated></entry>
    <entry><title>B</title></entry></feed>"""
    entries = parse_feed(body, "https://example.org/x/feed")
    assert [(e.url, str(e.published)) for e in entries] == [
        ("https://example.org/x/a.pdf", "2024-11-30")
    ]


def test_not_xml_and_other_xml_are_not_feeds():
    with pytest.raises(FetchError, match="not XML"):
        parse_feed(b"<html><body>down for maintenance", "https://example.org/")
    with pytest.raises(FetchError, match="not Atom or RSS"):
        parse_feed(b"<?xml version='1.0'?><catalog/>", "https://example.org/")


def test_listing_keeps_only_report_links_with_their_dates():
    page = b"""<html><body><a href="/about">About us</a>
    <li><a href="/r/croydon.pdf#page=2">Croydon</a> <time datetime="2025-02-01">1 Feb</time></li>
    <li><a href="https://other.example/r/hull.PDF">Hull</a></li>
    <li><a href="/r/croydon.pdf">again</a></li></body></html>"""
    pattern = SourceConfig(name="x", kind="listing", location="https://e.org/").pattern
    entries = parse_listing(page, "https://e.org/list", pattern)
    assert [(e.url, e.published and str(e.published)) for e in entries] == [
        ("https://e.org/r/croydon.pdf", "2025-02-01"),
        ("https://other.example/r/hull.PDF", None),
    ]
