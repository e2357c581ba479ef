"""Where new reports arrive from: one small interface, one implementation per kind of source.

A source lists its entries (conditionally: an unchanged feed answers 304) and fetches one entry
to a temporary file (conditionally too). ``make_source`` builds one from its settings entry by
its ``kind``; ``SOURCE_KINDS`` is the registry the contract tests run over.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.settings import Settings, SourceConfig
from assistant.sync.feeds import Entry, parse_date, parse_feed, parse_listing
from assistant.sync.http import Fetched, FetchError, PoliteClient, Validators

SIDECARS = ("provenance.csv", "provenance.json")
# Names that copying tools give a file while it is still being written.
_PARTIAL = re.compile(
    r"(?i)(^~\$|^\.|\.(part|partial|tmp|temp|crdownload|download|filepart|swp)$|~$)"
)


@dataclass(frozen=True)
class Listing:
    """What a source lists now.

    Attributes:
        not_modified: True when the listing is unchanged since the validators given (304).
        entries: The entries (empty when not modified).
        validators: The listing's new validators.
        pending: Entries seen but not ready yet (a copy in progress), to look at again soon.
    """

    not_modified: bool
    entries: list[Entry] = field(default_factory=list)
    validators: Validators = Validators()
    pending: list[str] = field(default_factory=list)


class Source(Protocol):
    """A place reports are published."""

    config: SourceConfig

    def listing(self, client: PoliteClient, validators: Validators | None) -> Listing:
        """What the source lists now (``not_modified`` when unchanged since ``validators``).

        Raises:
            FetchError: The listing cannot be read (network, server, not a feed...).
        """
        ...

    def fetch(
        self, entry: Entry, client: PoliteClient, validators: Validators | None, to: Path
    ) -> Fetched:
        """Fetch an entry's bytes to the temporary file ``to`` (``not_modified`` when unchanged).

        Raises:
            FetchError: The bytes cannot be had whole (and ``to`` does not exist then).
        """
        ...


class _HttpSource:
    def __init__(self, config: SourceConfig, settings: Settings) -> None:
        self.config = config
        self.limit = settings.ingest.max_file_bytes

    def listing(self, client: PoliteClient, validators: Validators | None) -> Listing:
        got = client.get(self.config.location, validators, limit=self.limit)
        if got.not_modified:
            return Listing(True, validators=validators or Validators())
        return Listing(False, self._parse(got.body or b""), got.validators)

    def _parse(self, body: bytes) -> list[Entry]:
        raise NotImplementedError

    def fetch(
        self, entry: Entry, client: PoliteClient, validators: Validators | None, to: Path
    ) -> Fetched:
        return client.get(entry.location, validators, limit=self.limit, to=to)


class FeedSource(_HttpSource):
    """An Atom or RSS feed whose entries link to report files."""

    def _parse(self, body: bytes) -> list[Entry]:
        return parse_feed(body, self.config.location)


class ListingSource(_HttpSource):
    """An HTML page whose links (those matching the source's ``pattern``) are report files."""

    def _parse(self, body: bytes) -> list[Entry]:
        return parse_listing(body, self.config.location, self.config.pattern)


class FolderSource:
    """A folder (a network share, say): its settled files, with an optional sidecar file.

    A file counts once its size and modification time have stood still for ``sync_settle_s``
    and its name is not one a copy in progress has. The sidecar (``provenance.csv`` or
    ``provenance.json`` in the folder: file, url, published) gives public links and dates.
    """

    def __init__(self, config: SourceConfig, settings: Settings) -> None:
        self.config = config
        self.folder = Path(config.location).expanduser()
        self.settle_s = settings.sources.settle_s
        self.limit = settings.ingest.max_file_bytes

    def listing(self, client: PoliteClient, validators: Validators | None) -> Listing:
        if not self.folder.is_dir():
            raise FetchError(f"not a folder: {self.folder}")
        known = read_sidecar(self.folder)
        entries, pending = [], []
        now = time.time()
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file()):
            rel = path.relative_to(self.folder).as_posix()
            if rel in SIDECARS or any(_PARTIAL.search(part) for part in Path(rel).parts):
                continue
            try:
                st = path.stat()
            except OSError:
                continue
            if now - st.st_mtime < self.settle_s:
                pending.append(rel)
                continue
            url, published = known.get(rel, (None, None))
            entries.append(Entry(rel, str(path), url, published, None))
        return Listing(False, entries, Validators(), pending)

    def fetch(
        self, entry: Entry, client: PoliteClient, validators: Validators | None, to: Path
    ) -> Fetched:
        path = Path(entry.location)
        try:
            st = path.stat()
            version = Validators(etag=f"{st.st_size}-{st.st_mtime_ns}")
            if validators is not None and validators.etag == version.etag:
                return Fetched(True)
            if st.st_size > self.limit:
                raise FetchError(
                    f"file too large: {st.st_size / 1048576:.1f} MB is over the "
                    f"{self.limit / 1048576:g} MB limit"
                )
            with open(path, "rb") as src, open(to, "wb") as dst:
                shutil.copyfileobj(src, dst)
            if path.stat().st_mtime_ns != st.st_mtime_ns:
                raise FetchError("the file changed while it was copied; it is read next time")
        except OSError as exc:
            to.unlink(missing_ok=True)
            raise FetchError(f"cannot read file: {exc.strerror or exc}") from exc
        except FetchError:
            to.unlink(missing_ok=True)
            raise
        return Fetched(False, version, path=to, size=st.st_size)


def read_sidecar(folder: Path) -> dict[str, tuple[str | None, object]]:
    """(url, published) by file, from a folder's ``provenance.csv`` or ``provenance.json``.

    The CSV has a header ``file,url,published``; the JSON is a list of such objects. A missing
    or unreadable sidecar gives nothing (the files still count).
    """
    out: dict[str, tuple[str | None, object]] = {}
    for name in SIDECARS:
        path = folder / name
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8-sig")
            rows = (
                json.loads(text)
                if name.endswith(".json")
                else list(csv.DictReader(io.StringIO(text)))
            )
        except (OSError, ValueError):
            continue
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("file"):
                out[str(row["file"]).strip()] = (
                    (str(row.get("url") or "").strip() or None),
                    parse_date(str(row.get("published") or "")),
                )
    return out


SOURCE_KINDS: dict[str, Callable[[SourceConfig, Settings], Source]] = {
    "feed": FeedSource,
    "listing": ListingSource,
    "folder": FolderSource,
}


def make_source(config: SourceConfig, settings: Settings) -> Source:
    """The source a settings entry describes, by its ``kind``.

    Raises:
        ValueError: An unknown kind.
    """
    try:
        return SOURCE_KINDS[config.kind](config, settings)
    except KeyError:
        raise ValueError(f"unknown kind of source: {config.kind!r}") from None
