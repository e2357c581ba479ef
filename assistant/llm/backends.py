"""Chat models: a small interface, one OpenAI-compatible client and a factory keyed by provider.

The rest of :mod:`assistant.llm` needs only :class:`ChatModel`: ``complete`` returns the whole
reply, ``stream`` yields its text as it arrives; both take a :class:`Deadline`.

The deadline is wall-clock time for the whole call, not a per-read socket timeout: a server
that trickles one byte a second is cut off at the deadline like a silent one, and the call
raises :class:`ModelTimeout` (see :mod:`assistant.llm.client`).

Providers (:data:`BACKENDS`):
    * ``openai``: any OpenAI-compatible chat-completions server at ``base_url``, or OpenAI itself
      (``https://api.openai.com/v1``) when none is set; the key is ``api_key`` or the
      ``OPENAI_API_KEY`` environment variable, and no key is sent when there is neither.
    * ``ollama``: Ollama through its OpenAI-compatible endpoint; a base URL without ``/v1`` gets
      it appended, and the default is ``http://localhost:11434/v1``.

Both are served by :class:`assistant.llm.client.OpenAICompatibleChat`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from assistant.settings import LLMSettings

if TYPE_CHECKING:
    from assistant.settings import Settings

_DEFAULT = LLMSettings()
"""Longest reply asked for, in tokens."""
OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
OLLAMA_DEFAULT_URL = "http://localhost:11434/v1"


# -- records -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChatMessage:
    """One message of a chat.

    Attributes:
        role: "system", "user" or "assistant".
        content: The message text.
    """

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class Deadline:
    """A point in time (``time.monotonic()``) by which a model call must be over.

    Attributes:
        at: The monotonic clock reading at which the call is cut off.
    """

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        """The deadline ``seconds`` from now."""
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.at - time.monotonic()

    def bound(self, timeout: float | None) -> float:
        """The timeout for the next socket operation: what is left, at most ``timeout``.

        Raises:
            TimeoutError: When the deadline has passed.
        """
        left = self.remaining()
        if left <= 0:
            raise TimeoutError("the model call's deadline passed")
        return left if timeout is None else min(left, timeout)


@dataclass(frozen=True)
class ModelConfig:
    """What a backend needs to reach its model.

    Attributes:
        provider: A key of :data:`BACKENDS` ("openai", "ollama").
        model: The model name.
        base_url: The server's OpenAI-compatible base URL (ending ``/v1``), or None for the
            provider's default.
        api_key: The API key, if any.
        timeout_s: Limit of one socket operation (connect, send, one read).
        max_tokens: Longest reply asked for.
    """

    provider: str
    model: str | None
    base_url: str | None = None
    api_key: str | None = None
    timeout_s: float = _DEFAULT.timeout_s
    max_tokens: int = _DEFAULT.max_output_tokens

    @classmethod
    def from_settings(cls, settings: Settings) -> ModelConfig:
        """The configuration named by the ``llm`` group (provider, model, base URL, API key,
        socket timeout and longest reply)."""
        llm = settings.llm
        return cls(
            provider=llm.provider,
            model=llm.model,
            base_url=llm.base_url,
            api_key=llm.api_key,
            timeout_s=llm.timeout_s,
            max_tokens=llm.max_output_tokens,
        )


class ModelError(Exception):
    """The model call failed."""


class ModelUnreachable(ModelError):
    """The server could not be reached, dropped the connection or answered with an HTTP error."""


class ModelTimeout(ModelError):
    """The deadline passed (or one socket operation took longer than ``timeout_s``)."""


class ModelReplyError(ModelError):
    """The server's reply could not be read as a chat completion."""


class ChatModel(Protocol):
    """A chat model: messages in, the reply's text out."""

    def complete(self, messages: Sequence[ChatMessage], deadline: Deadline) -> str:
        """The whole reply.

        Raises:
            ModelError: When the call fails or the deadline passes.
        """
        ...

    def stream(self, messages: Sequence[ChatMessage], deadline: Deadline) -> Iterator[str]:
        """The reply's text as it arrives.

        Raises:
            ModelError: When the call fails or the deadline passes (also part-way).
        """
        ...


# -- factory -----------------------------------------------------------------------------------


def _openai(config: ModelConfig) -> ChatModel:
    from assistant.llm.client import OpenAICompatibleChat

    return OpenAICompatibleChat(
        config.base_url or OPENAI_DEFAULT_URL,
        str(config.model),
        config.api_key or os.environ.get("OPENAI_API_KEY"),
        config.timeout_s,
        config.max_tokens,
    )


def _ollama(config: ModelConfig) -> ChatModel:
    from assistant.llm.client import OpenAICompatibleChat

    url = (config.base_url or OLLAMA_DEFAULT_URL).rstrip("/")
    url = url if url.endswith("/v1") else url + "/v1"
    return OpenAICompatibleChat(
        url, str(config.model), config.api_key, config.timeout_s, config.max_tokens
    )


BACKENDS: dict[str, Callable[[ModelConfig], ChatModel]] = {"openai": _openai, "ollama": _ollama}
"""Chat-model factories keyed by provider name."""


def make_chat_model(config: ModelConfig) -> ChatModel:
    """The chat model for a configuration.

    Raises:
        ValueError: When the provider is unknown or no model is named.
    """
    factory = BACKENDS.get(config.provider)
    if factory is None:
        raise ValueError(f"no chat model for llm_provider={config.provider!r}")
    if not config.model:
        raise ValueError("llm_model must be set when llm_provider is not 'none'")
    return factory(config)


def make_llm(settings: Settings) -> ChatModel:
    """The chat model named by the settings (``llm_provider``, ``llm_model``, ...).

    Raises:
        ValueError: When the provider is unknown or no model is named.
    """
    return make_chat_model(ModelConfig.from_settings(settings))
