"""Reading publication listings: Atom and RSS feeds, and HTML pages that link to report files."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urljoin

from assistant.sync.http import FetchError

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


@dataclass(frozen=True)
class Entry:
    """One report a source lists.

    Attributes:
        key: What identifies it across syncs (its file's URL, or its path in a folder).
        location: Where its bytes are fetched from (a URL or a local path).
        url: Its public link, or None.
        published: Its publication date as the source gives it, or None.
        title: Its title as the source gives it, or None.
    """

    key: str
    location: str
    url: str | None
    published: date | None = None
    title: str | None = None


def parse_date(text: str | None) -> date | None:
    """A date from RFC 822 (RSS), ISO 8601 (Atom) or plain ``YYYY-MM-DD`` text, else None."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """The entries of an Atom or RSS feed, each with the link to its report file.

    Args:
        body: The feed's bytes.
        base_url: The feed's URL (relative links are resolved against it).

    Raises:
        FetchError: The body is not XML, or not an Atom or RSS feed.
    """
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FetchError(f"not a feed: the answer is not XML ({exc})") from exc
    if root.tag == f"{ATOM}feed":
        return _atom(root, base_url)
    channel = root.find("channel") if root.tag == "rss" else None
    if channel is None and root.tag.endswith("RDF"):
        channel = root
    if channel is None:
        raise FetchError(f"not a feed: XML whose root is <{root.tag}>, not Atom or RSS")
    return _rss(channel, base_url)


def _atom(root: ET.Element, base: str) -> list[Entry]:
    out = []
    for e in root.iter(f"{ATOM}entry"):
        links = [lk for lk in e.findall(f"{ATOM}link") if lk.get("href")]
        # An element without children is falsy: pick by index, not with ``or``.
        ranked = sorted(links, key=_link_rank)
        if not ranked or _link_rank(ranked[0]) > 2:
            continue
        href = _absolute(base, ranked[0].get("href", ""))
        published = parse_date(e.findtext(f"{ATOM}published")) or parse_date(
            e.findtext(f"{ATOM}updated")
        )
        out.append(Entry(href, href, href, published, _clean(e.findtext(f"{ATOM}title"))))
    return out


def _link_rank(link: ET.Element) -> int:
    if link.get("rel") == "enclosure":
        return 0
    if "pdf" in (link.get("type") or ""):
        return 1
    return 2 if link.get("rel") in (None, "alternate") else 3


def _rss(channel: ET.Element, base: str) -> list[Entry]:
    out = []
    for item in channel.iter("item"):
        enclosure = item.find("enclosure")
        href = (enclosure.get("url") if enclosure is not None else None) or item.findtext("link")
        if not href or not href.strip():
            continue
        href = _absolute(base, href.strip())
        published = parse_date(item.findtext("pubDate")) or parse_date(item.findtext(f"{DC}date"))
        out.append(Entry(href, href, href, published, _clean(item.findtext("title"))))
    return out


def parse_listing(body: bytes, base_url: str, pattern: str) -> list[Entry]:
    """The links of an HTML page that point to report files.

    Args:
        body: The page's bytes.
        base_url: The page's URL (relative links are resolved against it).
        pattern: A regular expression a link's absolute URL must match to count.
    """
    from bs4 import BeautifulSoup

    wanted = re.compile(pattern)
    soup = BeautifulSoup(body, "html.parser")
    out: list[Entry] = []
    seen: set[str] = set()
    for a in soup.find_all("a", href=True):
        href = _absolute(base_url, str(a["href"]))
        if href in seen or not wanted.search(href):
            continue
        seen.add(href)
        when = a.find_parent(["li", "tr", "article", "div"])
        stamp = when.find("time") if when is not None else None
        published = parse_date(stamp.get("datetime") or stamp.get_text()) if stamp else None
        out.append(Entry(href, href, href, published, _clean(a.get_text(" "))))
    return out


def _absolute(base: str, href: str) -> str:
    return urldefrag(urljoin(base, href.strip()))[0]


def _clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None
