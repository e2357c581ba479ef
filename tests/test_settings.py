"""The settings: nested groups from the environment, ``.env`` and keywords; the everyday flat
names; every tunable reaching the component that uses it."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from assistant.settings import (
    AbstentionSettings,
    LLMSettings,
    RerankWeights,
    Settings,
)
from assistant.settings_names import FLAT_NAMES
from vectorstore.records import Filters

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def clean_env(monkeypatch, tmp_path):
    """No INSPECTION_ASSISTANT_* variable set and no .env in the working folder."""
    for name in list(os.environ):
        if name.upper().startswith("INSPECTION_ASSISTANT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return monkeypatch


def test_defaults_live_in_the_groups(clean_env):
    s = Settings()
    assert (s.store.index_dir, s.store.backend, s.sources.reports_dir) == (
        Path("index"),
        "chroma",
        Path("reports"),
    )
    assert (s.retrieval.top_k, s.answer.sentences, s.llm.provider, s.web.port) == (
        12,
        3,
        "none",
        7860,
    )
    assert s.retrieval.weights == RerankWeights()
    assert s.abstention == AbstentionSettings()


def test_grouped_names_from_the_environment(clean_env):
    clean_env.setenv("INSPECTION_ASSISTANT_RETRIEVAL__TOP_K", "20")
    clean_env.setenv("INSPECTION_ASSISTANT_RETRIEVAL__WEIGHTS__KEYWORD", "0.4")
    clean_env.setenv("INSPECTION_ASSISTANT_ABSTENTION__BELOW", "0.31")
    clean_env.setenv("INSPECTION_ASSISTANT_LLM__MIN_SUPPORT", "0.6")
    s = Settings()
    assert s.retrieval.top_k == 20 and s.retrieval.weights.keyword == 0.4
    assert s.retrieval.weights.dense == RerankWeights().dense  # the rest as they were
    assert s.abstention.below == 0.31 and s.llm.min_support == 0.6


def test_everyday_flat_names_keep_working(clean_env, tmp_path):
    clean_env.setenv("INSPECTION_ASSISTANT_INDEX_DIR", str(tmp_path / "idx"))
    clean_env.setenv("INSPECTION_ASSISTANT_REPORTS_DIR", str(tmp_path / "rep"))
    clean_env.setenv("INSPECTION_ASSISTANT_STORE", "chroma-server")
    clean_env.setenv("INSPECTION_ASSISTANT_CHROMA_HOST", "db.example")
    clean_env.setenv("INSPECTION_ASSISTANT_AUTH_FILE", str(tmp_path / "users.json"))
    clean_env.setenv("INSPECTION_ASSISTANT_MCP", "true")
    clean_env.setenv("INSPECTION_ASSISTANT_LLM_PROVIDER", "ollama")
    clean_env.setenv("INSPECTION_ASSISTANT_LLM_DEADLINE_S", "9")
    # A flat name and a grouped one of another field of the same group mix.
    clean_env.setenv("INSPECTION_ASSISTANT_STORE__CHROMA_PORT", "9000")
    s = Settings()
    assert s.store.index_dir == tmp_path / "idx" and s.sources.reports_dir == tmp_path / "rep"
    assert (s.store.backend, s.store.chroma_host, s.store.chroma_port) == (
        "chroma-server",
        "db.example",
        9000,
    )
    assert s.web.auth_file == tmp_path / "users.json" and s.web.mcp is True
    assert s.llm.provider == "ollama" and s.llm.deadline == 9


def test_a_grouped_name_wins_over_a_flat_one(clean_env):
    clean_env.setenv("INSPECTION_ASSISTANT_INDEX_DIR", "flat")
    clean_env.setenv("INSPECTION_ASSISTANT_STORE__INDEX_DIR", "grouped")
    assert Settings().store.index_dir == Path("grouped")
    # A keyword wins over both.
    assert Settings(index_dir="keyword").store.index_dir == Path("keyword")


def test_a_grouped_name_in_the_environment_wins_over_a_flat_one_in_dotenv(clean_env, tmp_path):
    (tmp_path / ".env").write_text("INSPECTION_ASSISTANT_INDEX_DIR=flat-dotenv\n", encoding="utf-8")
    clean_env.setenv("INSPECTION_ASSISTANT_STORE__INDEX_DIR", "grouped-env")
    assert Settings().store.index_dir == Path("grouped-env")


def test_sources_keep_their_everyday_names(clean_env):
    clean_env.setenv(
        "INSPECTION_ASSISTANT_SOURCES",
        '[{"name": "ofsted", "kind": "feed", "location": "https://example.org/feed.atom"}]',
    )
    clean_env.setenv("INSPECTION_ASSISTANT_SYNC_RETRIES", "5")
    s = Settings()
    assert [c.name for c in s.sources.configured] == ["ofsted"] and s.sources.retries == 5
    assert s.override(sources=[]).sources.configured == []
    assert Settings(sources=[], sync_settle_s=3).sources.settle_s == 3


def test_dotenv_file_holds_the_same_names(clean_env, tmp_path):
    (tmp_path / ".env").write_text(
        "INSPECTION_ASSISTANT_INDEX_DIR=from-dotenv\n"
        "INSPECTION_ASSISTANT_ANSWER__WORDS=80\n"
        "INSPECTION_ASSISTANT_WEB__PORT=8100\n",
        encoding="utf-8",
    )
    clean_env.setenv("INSPECTION_ASSISTANT_WEB__PORT", "8200")  # the environment wins
    s = Settings()
    assert s.store.index_dir == Path("from-dotenv") and s.answer.words == 80
    assert s.web.port == 8200


def test_keywords_flat_and_grouped(clean_env, tmp_path):
    s = Settings(
        index_dir=tmp_path,
        store={"collection": "c"},
        llm_provider="openai",
        retrieval={"weights": {"rrf": 2.0}},
    )
    assert (s.store.index_dir, s.store.collection, s.llm.provider) == (tmp_path, "c", "openai")
    assert s.retrieval.weights.rrf == 2.0 and s.retrieval.weights.dense == 1.0
    with pytest.raises(ValueError, match="colection"):
        Settings(store={"colection": "typo"})
    # A field that is not an everyday flat name is refused, not dropped.
    with pytest.raises(ValueError, match="no setting chunk_tokens"):
        Settings(chunk_tokens=100)


def test_flat_names_of_the_store_ingest_and_web_groups(clean_env, tmp_path):
    """The flat names the README, the benchmarks and the tests set (login limits, request
    guards, parser caps, the undated penalty) reach their groups, as keywords and from the
    environment; the hosts and origins are JSON lists there."""
    s = Settings(
        login_window_s=5,
        parse_timeout_s=20,
        max_file_mb=1,
        disk_full_below_mb=2,
        undated_rank_penalty=0.3,
    )
    assert (s.web.login_window_s, s.ingest.parse_timeout_s, s.ingest.max_file_mb) == (5, 20, 1)
    assert s.store.disk_full_below_mb == 2 and s.retrieval.weights.undated == 0.3
    assert s.retrieval.weights.dense == 1.0
    clean_env.setenv("INSPECTION_ASSISTANT_ALLOWED_HOSTS", '["reports.example.org"]')
    clean_env.setenv("INSPECTION_ASSISTANT_UNDATED_RANK_PENALTY", "0.2")
    clean_env.setenv("INSPECTION_ASSISTANT_RETRIEVAL__WEIGHTS__KEYWORD", "0.4")
    clean_env.setenv("INSPECTION_ASSISTANT_INDEX_DIR", str(tmp_path))
    s = Settings()
    assert s.web.allowed_hosts == ["reports.example.org"]
    assert (s.retrieval.weights.undated, s.retrieval.weights.keyword) == (0.2, 0.4)
    assert s.conversations_path == tmp_path / "conversations.sqlite3"
    assert s.override(chat_history_turns=2).web.chat_history_turns == 2


def test_override_changes_only_what_it_names(clean_env, tmp_path):
    s = Settings(index_dir=tmp_path)
    t = s.override(retrieval__weights__newest=0.7, ingest__max_file_mb=1, host="0.0.0.0", port=None)
    assert t.retrieval.weights.newest == 0.7 and t.retrieval.weights.dense == 1.0
    assert t.ingest.max_file_bytes == 1024 * 1024 and t.web.host == "0.0.0.0"
    assert t.web.port == s.web.port and t.store.index_dir == tmp_path  # None: as it was
    assert s.web.host == "127.0.0.1"  # the original is unchanged
    t2 = s.override(llm=LLMSettings(provider="ollama", model="m"))
    assert t2.llm.model == "m"
    with pytest.raises(ValueError):
        s.override(retrieval__top_kk=3)
    with pytest.raises(ValueError):
        s.override(no_such_setting=3)
    with pytest.raises(ValueError):
        s.override(answer__sentences="many")


def test_groups_are_frozen(clean_env):
    s = Settings()
    with pytest.raises(ValueError):
        s.retrieval.top_k = 3  # type: ignore[misc]


def test_every_flat_name_points_at_a_field():
    for flat, (group, name) in FLAT_NAMES.items():
        part = getattr(Settings(), group)
        *within, field = name.split("__")  # "weights__undated": a field of a nested group
        for sub in within:
            part = getattr(part, sub)
        assert field in type(part).model_fields, flat


def test_tunables_reach_the_components(built_index, embedder):
    """Each group's values are what the assistant's parts use, not constants of their own."""
    from assistant.core import Assistant

    settings, index = built_index
    question = "How are care leavers supported in Norfolk?"
    assert len(Assistant(settings, index=index, embedder=embedder).ask(question).citations) == 1
    # Without the score gap the answer takes up to answer.sentences sentences.
    wide = settings.override(answer__score_gap=10.0)
    answered = Assistant(wide, index=index, embedder=embedder).ask(question)
    assert not answered.abstained and len(answered.citations) == wide.answer.sentences

    one = Assistant(
        wide.override(answer__sentences=1, retrieval__top_k=3), index=index, embedder=embedder
    )
    assert len(one.ask(question).citations) == 1
    assert len(one.retrieve(question, Filters())) == 3

    strict = Assistant(
        settings.override(abstention__below=0.99, abstention__soft_below=0.99),
        index=index,
        embedder=embedder,
    )
    assert strict.ask(question).abstained

    keyword_only = settings.override(
        retrieval__weights__dense=0.0,
        retrieval__weights__coverage=0.0,
        retrieval__weights__rrf=0.0,
        retrieval__weights__newest=0.0,
        retrieval__sentence_rerank=False,
    )
    hits = Assistant(keyword_only, index=index, embedder=embedder).retrieve(question)
    keyword = [h.keyword or 0.0 for h in hits]
    assert keyword == sorted(keyword, reverse=True)  # ordered by the keyword score alone


# Numbers that stay module constants: contracts and rules, not tunables.
KEPT_CONSTANTS = {
    "assistant/auth.py": {"MIN_PASSWORD_LENGTH", "_DKLEN"},  # the password rule; the hash format
    "assistant/conversations.py": {"TITLE_CHARS"},  # longest stored conversation title
    "assistant/quotes.py": {"PER_PLACE"},  # the rule that spreads quotes over pages
    "assistant/web/login.py": {"_MAX_KEYS", "_MAX_CACHED"},  # memory bounds of the limiter
    "assistant/web/sessions.py": {"_PRUNE_EVERY_S"},  # housekeeping of the session table
    "assistant/web/admin_tab.py": {"SHOWN_NAMES"},  # reports a prune's preview names
    "assistant/web/schemas.py": {"MAX_TEXT_CHARS", "MAX_HISTORY", "MAX_QUOTES"},  # API contract
    "assistant/uploads.py": {"MAX_NAME_CHARS"},  # longest stored file name
    "assistant/cli/progress.py": {"LOG_EVERY_S"},  # how often a log line shows progress
    "assistant/conversations_shared.py": {"_PAGE"},  # records a request to the Chroma server
}
# The chart's and the cited page's drawing geometry (and the page image's quote limit).
KEPT_FILES = {"assistant/web/timeline.py", "assistant/web/page_image.py"}


def test_no_numeric_tunable_is_a_module_constant():
    """A number at module level in ``assistant/`` is a setting, unless it is a contract."""
    found = []
    for path in sorted((ROOT / "assistant").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "assistant/settings.py" or rel in KEPT_FILES:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign) and node.value is not None
                else []
            )
            value = getattr(node, "value", None)
            values = value.elts if isinstance(value, ast.Tuple) else [value]
            numeric = values and all(
                isinstance(v, ast.Constant)
                and isinstance(v.value, int | float)
                and not isinstance(v.value, bool)
                for v in values
            )
            for t in targets:
                names = (
                    [e.id for e in t.elts] if isinstance(t, ast.Tuple) else [getattr(t, "id", "")]
                )
                for name in names:
                    kept = name.startswith("EXIT_") or name in KEPT_CONSTANTS.get(rel, set())
                    if numeric and name.isupper() and not kept:
                        found.append(f"{rel}: {name}")
    assert found == []
