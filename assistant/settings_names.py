"""The everyday flat names of the settings, kept working beside the grouped ones.

``INSPECTION_ASSISTANT_INDEX_DIR`` (in the environment or ``.env``) and ``Settings(index_dir=…)``
set ``store.index_dir``, as they did before the settings had groups. A name is added here only
when people set it by hand; every other field is reached by its grouped name
(``INSPECTION_ASSISTANT_<GROUP>__<FIELD>``).
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, DotEnvSettingsSource, EnvSettingsSource

ENV_PREFIX = "INSPECTION_ASSISTANT_"

# Flat name → (group, field).
FLAT_NAMES: dict[str, tuple[str, str]] = {
    "index_dir": ("store", "index_dir"),
    "store": ("store", "backend"),
    "chroma_host": ("store", "chroma_host"),
    "chroma_port": ("store", "chroma_port"),
    "reports_dir": ("sources", "reports_dir"),
    "host": ("web", "host"),
    "port": ("web", "port"),
    "auth_file": ("web", "auth_file"),
    "mcp": ("web", "mcp"),
    "llm_provider": ("llm", "provider"),
    "llm_base_url": ("llm", "base_url"),
    "llm_model": ("llm", "model"),
    "llm_api_key": ("llm", "api_key"),
    "llm_timeout_s": ("llm", "timeout_s"),
    "llm_deadline_s": ("llm", "deadline_s"),
    "sources": ("sources", "configured"),
    "sync_timeout_s": ("sources", "timeout_s"),
    "sync_retries": ("sources", "retries"),
    "sync_backoff_s": ("sources", "backoff_s"),
    "sync_min_interval_s": ("sources", "min_interval_s"),
    "sync_user_agent": ("sources", "user_agent"),
    "sync_settle_s": ("sources", "settle_s"),
    "sync_debounce_ms": ("sources", "debounce_ms"),
    "sync_on_serve": ("sources", "sync_on_serve"),
    "collection": ("store", "collection"),
    "disk_full_below_mb": ("store", "disk_full_below_mb"),
    "shared_index": ("store", "shared"),
    "max_file_mb": ("ingest", "max_file_mb"),
    "prune_max_fraction": ("ingest", "prune_max_fraction"),
    "parse_isolated": ("ingest", "parse_isolated"),
    "parse_memory_mb": ("ingest", "parse_memory_mb"),
    "parse_timeout_s": ("ingest", "parse_timeout_s"),
    "max_pages": ("ingest", "max_pages"),
    "max_unzipped_mb": ("ingest", "max_unzipped_mb"),
    "ocr_max_megapixels": ("ingest", "ocr_max_megapixels"),
    "ocr_min_dpi": ("ingest", "ocr_min_dpi"),
    "max_html_depth": ("ingest", "max_html_depth"),
    "undated_rank_penalty": ("retrieval", "weights__undated"),
    "allowed_hosts": ("web", "allowed_hosts"),
    "allowed_origins": ("web", "allowed_origins"),
    "chat_history_turns": ("web", "chat_history_turns"),
    "upload_cache_max_age_s": ("web", "upload_cache_max_age_s"),
    "login_window_s": ("web", "login_window_s"),
    "login_failures_per_client": ("web", "login_failures_per_client"),
    "login_failures_per_user": ("web", "login_failures_per_user"),
    "login_checks_at_once": ("web", "login_checks_at_once"),
    "login_basic_cache_s": ("web", "login_basic_cache_s"),
    "session_idle_s": ("web", "session_idle_s"),
    "session_max_s": ("web", "session_max_s"),
    "conversations_db": ("web", "conversations_db"),
    "follow_up_suggestions": ("web", "follow_up_suggestions"),
}


# Flat names whose value is JSON (the list of sources, the allowed hosts and origins).
_JSON_NAMES = frozenset({"sources", "allowed_hosts", "allowed_origins"})


class _FlatEnvNames:
    """Reads the flat everyday names besides the grouped ones (for the environment and .env)."""

    env_vars: Any
    env_prefix: str

    def decode_complex_value(self, field_name: str, field: FieldInfo, value: Any) -> Any:
        # INSPECTION_ASSISTANT_STORE is the store's backend and INSPECTION_ASSISTANT_SOURCES
        # the list of sources (both read in __call__), not the whole group as a JSON object.
        if field_name in ("store", "sources") and not str(value).lstrip().startswith("{"):
            return {}
        return super().decode_complex_value(field_name, field, value)  # type: ignore[misc]

    def __call__(self) -> dict[str, Any]:
        data = super().__call__()  # type: ignore[misc]
        for flat in FLAT_NAMES:
            # .env extras arrive under their flat name; they are set in their group below, at
            # this source's precedence rather than a keyword's.
            if flat in data and is_flat(flat, data[flat]):
                del data[flat]
        for flat, (group, name) in FLAT_NAMES.items():
            value = self.env_vars.get(f"{ENV_PREFIX}{flat}".lower())
            if value is not None:
                if flat in _JSON_NAMES:
                    value = json.loads(value)
                section = data.setdefault(group, {})
                if isinstance(section, dict):
                    _set_default(section, name, value)
        return data


def _set_default(section: dict[str, Any], name: str, value: Any) -> None:
    """Set ``section[a][b]`` for a name ``a__b`` unless it is set (a grouped name wins)."""
    head, _, rest = name.partition("__")
    if not rest:
        section.setdefault(head, value)
    elif isinstance(section.setdefault(head, {}), dict):
        _set_default(section[head], rest, value)


class _Env(_FlatEnvNames, EnvSettingsSource):
    pass


class _DotEnv(_FlatEnvNames, DotEnvSettingsSource):
    pass


def flat_env_sources(
    settings_cls: type[BaseSettings],
) -> tuple[EnvSettingsSource, DotEnvSettingsSource]:
    """The environment and ``.env`` sources of the settings, flat names included."""
    return _Env(settings_cls), _DotEnv(settings_cls)


def is_flat(key: str, value: Any) -> bool:
    """A flat name with its value (not a whole group that shares the name, as ``store``)."""
    group, _ = FLAT_NAMES.get(key, ("", ""))
    return bool(group) and not (key == group and isinstance(value, dict | BaseModel))


def nest_flat_keywords(data: Any) -> Any:
    """Keyword arguments with each flat name moved into its group (a flat keyword wins)."""
    if not isinstance(data, dict):
        return data
    flats = [k for k in data if is_flat(k, data[k])]
    if not flats:
        return data
    data = dict(data)
    values = {flat: data.pop(flat) for flat in flats}  # first: a flat name may be a group's
    for flat, value in values.items():
        group, name = FLAT_NAMES[flat]
        section = data.get(group, {})
        if isinstance(section, BaseModel):
            section = section.model_dump()
        data[group] = deep_set(dict(section), {name: value})
    return data


def refuse_unknown(values: dict[str, Any], fields: Collection[str]) -> None:
    """Raise ValueError for a keyword that is neither a field nor an everyday flat name (it
    would otherwise be dropped without a word)."""
    unknown = sorted(
        k for k in values if not k.startswith("_") and k not in fields and k not in FLAT_NAMES
    )
    if unknown:
        raise ValueError(
            f"no setting {', '.join(unknown)}: use a group's field (ingest={{'max_file_mb': 1}}) "
            "or an everyday name of FLAT_NAMES"
        )


def group_updates(settings: BaseModel, changes: dict[str, Any]) -> dict[str, BaseModel]:
    """The groups of ``settings`` with ``changes`` made (see ``Settings.override``), validated.

    Raises:
        ValueError: When a name is not a field of the settings.
    """
    fields = type(settings).model_fields
    groups: dict[str, dict[str, Any]] = {}
    update: dict[str, Any] = {}
    for key, value in changes.items():
        if value is None:
            continue
        if is_flat(key, value):
            group, name = FLAT_NAMES[key]
        elif "__" in key:
            group, name = key.split("__", 1)
        elif key in fields:
            update[key] = value
            continue
        else:
            raise ValueError(f"no setting {key!r}")
        if group not in fields:
            raise ValueError(f"no settings group {group!r}")
        groups.setdefault(group, {})[name] = value
    for group, changed in groups.items():
        current: BaseModel = update.get(group, getattr(settings, group))
        update[group] = type(current).model_validate(deep_set(current.model_dump(), changed))
    return update


def deep_set(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each ``a__b`` key of ``fields`` set at ``data[a][b]``."""
    out = dict(data)
    for key, value in fields.items():
        head, _, rest = key.partition("__")
        if rest:
            out[head] = deep_set(dict(out.get(head) or {}), {rest: value})
        elif isinstance(value, BaseModel):
            out[head] = value.model_dump()
        else:
            out[head] = value
    return out
