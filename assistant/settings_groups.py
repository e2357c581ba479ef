"""The groups of :class:`~assistant.settings.Settings` that serve the data's way in and out: the
store, the sources, ingest and the web app (the other groups live in :mod:`assistant.settings`,
which re-exports these)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Group(BaseModel):
    """A group of settings: frozen (change one with :meth:`Settings.override`), strict names."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class StoreSettings(Group):
    """Where the index lives and which vector store holds it."""

    index_dir: Path = Field(Path("index"), description="Where the index lives.")
    backend: Literal["chroma", "chroma-server"] = Field(
        "chroma", description="'chroma' (embedded, on disk) or 'chroma-server'."
    )
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000
    collection: str | None = Field(
        None,
        description="The Chroma collection of the index's vectors. Unset: the one recorded in "
        "the index (a new index gets its own, so many can share one Chroma server).",
    )
    disk_full_below_mb: float = Field(
        1.0,
        description="A write to the index that fails while less than this many MB are free on "
        "its file system is reported as a full disk.",
    )
    shared: bool = Field(
        False,
        description="With 'chroma-server': keep everything a replica needs in the Chroma "
        "server, so that app instances on several hosts serve one index; the index folder "
        "is then only a cache of the live generation.",
    )
    shared_poll_s: float = Field(
        3.0, gt=0, description="Seconds between two looks of a running app at the live generation."
    )
    lease_ttl_s: float = Field(
        60.0, gt=0, description="How long a writer's lease on a shared index stands unrenewed."
    )
    lease_settle_s: float = Field(
        1.5,
        ge=0,
        description="How long a writer waits between claiming the lease and checking it won "
        "(longer than the hosts' clocks disagree).",
    )
    shared_piece_kb: int = Field(
        1024, gt=0, description="The largest piece of a payload in one shared-state record."
    )


class SourceConfig(BaseModel):
    """One place new reports arrive from (an entry of ``sources.configured``).

    Attributes:
        name: A short name, unique among the sources (also the folder its files go into).
        kind: "feed" (Atom or RSS), "listing" (an HTML page linking to report files) or
            "folder" (a watched folder, e.g. a network share).
        location: The feed's or page's URL, or the folder's path.
        interval_s: Seconds between two polls (a watched folder also reacts to its changes).
        prune: Remove a report from the index when its source withdraws it (default: keep it,
            marked withdrawn).
        pattern: Which links of a listing page are report files (a regular expression over
            the link's URL).
    """

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    kind: Literal["feed", "listing", "folder"]
    location: str
    interval_s: float = Field(900.0, gt=0)
    prune: bool = False
    pattern: str = r"(?i)\.(pdf|docx|html?)(\?.*)?$"


class SourcesSettings(Group):
    """Where reports come from: the reports folder, and the feeds, listing pages and watched
    folders that are synced into it."""

    reports_dir: Path = Field(
        Path("reports"), description="Folder of reports the app serves and uploads into."
    )
    configured: list[SourceConfig] = Field(
        default_factory=list,
        description="Where new reports arrive from (JSON list in the environment: "
        '[{"name": "ofsted", "kind": "feed", "location": "https://…", "interval_s": 900}]).',
    )
    timeout_s: float = Field(30.0, description="Limit of one socket operation of a download.")
    retries: int = Field(2, description="Retries of a request that failed or got a 5xx.")
    backoff_s: float = Field(
        2.0, description="Wait before the first retry; doubled for each further one."
    )
    min_interval_s: float = Field(
        1.0, description="Politeness: least time between two requests to the same host."
    )
    user_agent: str = Field(
        "inspection-assistant/0.1 (report sync; +https://pypi.org/project/inspection-assistant/)",
        description="The User-Agent of every request.",
    )
    settle_s: float = Field(
        2.0,
        description="A watched folder's file counts only once its size and time have not "
        "changed for this long (a copy in progress is left for later).",
    )
    debounce_ms: int = Field(
        500, description="A watched folder's changes within this many ms make one sync."
    )
    sync_on_serve: bool = Field(True, description="`serve` runs the sources' syncs on schedule.")
    retry_busy_s: float = Field(
        30.0,
        description="When a rescan or another process holds the index, a scheduled sync is "
        "tried again this soon.",
    )


class IngestSettings(Group):
    """Reading files and cutting them into passages."""

    max_file_mb: float = Field(50.0, description="Larger files are refused with a reason.")
    ocr: bool = Field(
        True, description="OCR scanned PDF pages with tesseract when it is installed."
    )
    chunk_tokens: int = Field(200, description="Target size of a chunk in model tokens.")
    embed_group: int = Field(
        1024, description="Chunks embedded together (fuller, length-sorted batches)."
    )
    prune_max_fraction: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="A prune that would remove more than this share of the index's reports "
        "is refused unless forced (`ingest --prune --yes`, the Admin tab's second confirmation).",
    )
    # Parsing hostile files.
    parse_isolated: bool = Field(
        True,
        description="Parse each file in a child process with the memory and time limits below, "
        "so that a file that blows up the parser takes down only that process.",
    )
    parse_memory_mb: int = Field(
        1536, description="Address-space limit of the parser's child process."
    )
    parse_timeout_s: float = Field(300.0, description="Wall-clock limit of parsing one file.")
    max_pages: int = Field(2000, description="PDFs with more pages are refused.")
    max_unzipped_mb: float = Field(
        100.0, description="Word documents that unpack to more than this are refused (zip bombs)."
    )
    ocr_max_megapixels: float = Field(
        25.0,
        description="A scanned page is rendered for OCR at a resolution that keeps it under this "
        "many million pixels (an A4 page at 200 dpi is 3.9).",
    )
    ocr_min_dpi: int = Field(
        100, description="A page too large to OCR at this resolution under the cap is not OCRed."
    )
    max_html_depth: int = Field(512, description="HTML nested deeper than this is refused.")

    @property
    def max_file_bytes(self) -> int:
        """The size limit of one input file in bytes."""
        return int(self.max_file_mb * 1024 * 1024)


class WebSettings(Group):
    """Serving the web app, the REST API and the MCP tools."""

    host: str = "127.0.0.1"
    port: int = 7860
    auth_file: Path | None = Field(None, description="The users file: logins required.")
    mcp: bool = Field(
        False, description="Also serve the Model Context Protocol endpoint (ask, quote, reports)."
    )
    reveal_words: int = Field(
        4, description="Words added per step when a finished answer is shown progressively."
    )
    reveal_pause_s: float = 0.02
    chat_history_turns: int = Field(
        20, ge=1, description="Questions and answers a chat keeps (older ones are dropped)."
    )
    upload_cache_max_age_s: int = Field(
        3600,
        ge=60,
        description="Temporary uploads older than this are deleted (checked as often).",
    )
    # Request guards.
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the web app answers for besides the loopback names and the "
        "host it listens on (a public name behind a reverse proxy); '*' answers any.",
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Other sites (scheme://host[:port]) whose pages may send requests that "
        "change something (questions, uploads) to the app with a user's login.",
    )
    # Logins (rate limits, password checks, sessions).
    login_window_s: float = Field(
        300.0, description="Window in which failed logins are counted, in seconds."
    )
    login_failures_per_client: int = Field(
        30,
        description="Failed logins from one client address in the window before further "
        "attempts from it are refused (HTTP 429) until the window has passed.",
    )
    login_failures_per_user: int = Field(
        10,
        description="Failed logins for one user name in the window before further attempts "
        "for it, from anywhere, are refused (HTTP 429).",
    )
    login_checks_at_once: int = Field(
        2,
        description="Password checks run at once, off the event loop (each scrypt check takes "
        "128 MiB and a fraction of a second of one core); further logins wait their turn.",
    )
    login_basic_cache_s: float = Field(
        300.0,
        description="How long HTTP Basic credentials that matched are remembered (in memory, "
        "keyed by a keyed hash), so scripts do not pay a password check per request.",
    )
    session_idle_s: float = Field(
        12 * 3600.0, description="A login session ends after this long without a request."
    )
    session_max_s: float = Field(
        24 * 3600.0, description="A login session ends this long after the login, however used."
    )
    # Saved conversations and feedback.
    conversations_db: Path | None = Field(
        None,
        description="The SQLite file of saved conversations, shares and answer feedback "
        "(default: conversations.sqlite3 in the index folder).",
    )
    conversations_store: Literal["auto", "sqlite", "chroma-server"] = Field(
        "auto",
        description="Where saved conversations and feedback are kept: 'sqlite' (one host's "
        "file, ``conversations_db``), 'chroma-server' (the shared index's Chroma server, for "
        "replicas on several hosts) or 'auto' (the server when the index is shared).",
    )
    follow_up_suggestions: int = Field(
        3, description="Follow-up questions suggested under an answer (0: none)."
    )
