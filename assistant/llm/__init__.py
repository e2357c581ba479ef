"""Optional LLM mode: a fluent answer composed from numbered passages, then checked.

The extractive answer is always made first. When the settings name a provider, its top
passages are numbered, delimited as untrusted data (:mod:`~assistant.llm.prompt`) and sent to a
chat model (:mod:`~assistant.llm.backends`) within a wall-clock deadline. The reply is never
shown unchecked: :mod:`~assistant.llm.check` keeps a sentence only when it cites a passage that
supports it – its content words, every figure, grade word and negation, and any quotation as
one contiguous verbatim span – with instruction-like report sentences counted as data, never as
evidence. :mod:`~assistant.llm.rewrite` assembles the kept sentences with renumbered, verified
citations (or falls back to the extractive answer with a notice) and streams only checked
sentences.

This package needs a chat model, the settings and the records of :mod:`assistant.records`; it
never imports :mod:`assistant.core`.
"""

from assistant.llm.backends import (
    BACKENDS,
    ChatMessage,
    ChatModel,
    Deadline,
    ModelConfig,
    ModelError,
    ModelReplyError,
    ModelTimeout,
    ModelUnreachable,
    make_chat_model,
    make_llm,
)
from assistant.llm.check import (
    CheckedSentence,
    LLMCheck,
    Span,
    check_llm_answer,
    check_sentence,
    split_llm_sentences,
)
from assistant.llm.client import OpenAICompatibleChat
from assistant.llm.evidence import is_instruction
from assistant.llm.prompt import SYSTEM_PROMPT, build_messages
from assistant.llm.rewrite import (
    FAILED,
    NOTHING_VERIFIED,
    TOO_SLOW,
    UNREACHABLE,
    LLMStream,
    compose_with_llm,
    finish_llm_answer,
    stream_llm_answer,
)

__all__ = [
    "BACKENDS",
    "FAILED",
    "NOTHING_VERIFIED",
    "SYSTEM_PROMPT",
    "TOO_SLOW",
    "UNREACHABLE",
    "ChatMessage",
    "ChatModel",
    "CheckedSentence",
    "Deadline",
    "LLMCheck",
    "LLMStream",
    "ModelConfig",
    "ModelError",
    "ModelReplyError",
    "ModelTimeout",
    "ModelUnreachable",
    "OpenAICompatibleChat",
    "Span",
    "build_messages",
    "check_llm_answer",
    "check_sentence",
    "compose_with_llm",
    "finish_llm_answer",
    "is_instruction",
    "make_chat_model",
    "make_llm",
    "split_llm_sentences",
    "stream_llm_answer",
]
