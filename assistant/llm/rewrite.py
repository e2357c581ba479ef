"""Compose a fluent answer with the model from the extractive answer, checked, renumbered.

:func:`compose_with_llm` sends the extractive answer's top passages to the chat model and
keeps only the sentences of its reply that pass :func:`assistant.llm.check.check_sentence`.
Citations are rebuilt for the passages the kept sentences rest on, each quoting the supporting
sentence of that passage verbatim (verified by :func:`assistant.answer.make_citation`), and
numbered ``[1..m]`` in order of first use; the markers in the text are renumbered to match. If
no sentence survives, or the model cannot be reached, fails or misses its deadline, the
extractive answer is returned with a notice.

The deadline (``llm_deadline_s``, by default ``llm_timeout_s``) is wall-clock time for the whole
model call, streamed or not (see :mod:`assistant.llm.backends`).

Streaming (:func:`stream_llm_answer`) shows only checked text: the reply is checked sentence by
sentence as it arrives, and each sentence that passes is yielded – already renumbered, exactly
as it will stand in the final answer – once it is complete. A sentence that fails is never
shown, not even for a moment. When the stream ends, ``stream.answer`` is the checked answer
(whose text is what was yielded), or the extractive answer with a notice when the model failed
or missed its deadline part-way (the UI replaces the streamed text with it).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from assistant.llm.backends import (
    ChatModel,
    Deadline,
    ModelError,
    ModelReplyError,
    ModelTimeout,
)
from assistant.llm.check import (
    MARKER,
    CheckedSentence,
    check_sentence,
    complete_sentences,
    prepare,
    split_llm_sentences,
)
from assistant.llm.prompt import build_messages
from assistant.records import Answer, Citation
from assistant.settings import LLMSettings
from assistant.verify import QuoteNotVerbatimError, make_citation
from vectorstore.records import Hit

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger("inspection_assistant.llm")

UNREACHABLE = "The language model could not be reached; showing the extractive answer."
TOO_SLOW = "The language model was too slow; showing the extractive answer."
FAILED = "The language model's reply could not be read; showing the extractive answer."
NOTHING_VERIFIED = (
    "The language model's answer could not be verified against the passages; "
    "showing the extractive answer."
)


def max_sentences(settings: Settings) -> int:
    """Longest answer the model is asked for."""
    return max(3, settings.answer.sentences + 1)


class _Builder:
    """Checks reply sentences one at a time and assembles the renumbered, cited answer."""

    def __init__(self, passages: Sequence[Hit], min_support: float) -> None:
        self.prepared = prepare(passages)
        self.min_support = min_support
        self.checked: list[CheckedSentence] = []
        self.parts: list[str] = []
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int], int] = {}

    def add(self, raw: str) -> str | None:
        """Check one sentence; its renumbered text when kept, else None."""
        s = check_sentence(raw, self.prepared, self.min_support)
        self.checked.append(s)
        if not s.kept:
            log.info("LLM sentence dropped (%s): %s", s.reason, s.plain[:80])
            return None
        mapping: dict[int, int] = {}
        for span in s.spans:
            chunk = self.prepared[span.passage - 1].chunk
            key = (chunk.id, span.offset)
            if key not in self._numbers:
                try:
                    cit = make_citation(len(self.citations) + 1, chunk, span.text, span.offset)
                except QuoteNotVerbatimError:  # pragma: no cover - offsets come from the text
                    continue
                self._numbers[key] = cit.n
                self.citations.append(cit)
            mapping[span.passage] = self._numbers[key]
        if not mapping:
            return None

        def renumber(m: re.Match) -> str:
            new: list[int] = []
            for n in re.split(r"\s*[,;]\s*", m.group(1)):
                k = mapping.get(int(n))
                if k is not None and k not in new:
                    new.append(k)
            return " " + "".join(f"[{k}]" for k in new) + " " if new else " "

        out = " ".join(MARKER.sub(renumber, s.text).split())
        out = re.sub(r"\s+([.,;:!?])", r"\1", out)
        self.parts.append(out)
        return out

    def answer(self, extractive: Answer) -> Answer:
        """The checked answer, or the extractive answer with a notice when nothing survived."""
        if not self.parts:
            return _fallback(extractive, NOTHING_VERIFIED)
        dropped = len(self.checked) - len(self.parts)
        notice = None
        if dropped:
            were = "sentence was" if dropped == 1 else "sentences were"
            notice = (
                f"{dropped} {were} left out of the language model's answer because "
                f"{'it' if dropped == 1 else 'they'} could not be verified against the passages."
            )
        return dataclasses.replace(
            extractive,
            text=" ".join(self.parts),
            abstained=False,
            citations=list(self.citations),
            mode="llm",
            notice=notice,
        )


def _fallback(extractive: Answer, notice: str) -> Answer:
    return dataclasses.replace(extractive, notice=notice)


def _failure(extractive: Answer, exc: BaseException) -> Answer:
    """The extractive answer with the notice for a failed model call."""
    if isinstance(exc, ModelTimeout):
        log.warning("language model too slow: %s", exc)
        return _fallback(extractive, TOO_SLOW)
    if not isinstance(exc, ModelError):
        log.error("language model reply could not be read", exc_info=exc)
        return _fallback(extractive, FAILED)
    if isinstance(exc, ModelReplyError):
        log.warning("language model reply could not be read: %s", exc)
        return _fallback(extractive, FAILED)
    log.warning("language model unreachable: %s", exc)
    return _fallback(extractive, UNREACHABLE)


def finish_llm_answer(
    extractive: Answer,
    text: str,
    passages: Sequence[Hit] | None = None,
    llm: LLMSettings | None = None,
) -> Answer:
    """The checked answer for a full model reply (or the extractive answer with a notice).

    Args:
        extractive: The extractive answer the passages came from.
        text: The model's full reply.
        passages: The numbered passages sent to the model (default: the extractive answer's
            top ``llm.max_passages``).
        llm: The model's settings (``max_passages``, ``min_support``); the defaults when None.

    Returns:
        An ``Answer`` with ``mode="llm"``, the kept sentences with markers renumbered
        ``[1..m]`` in order of first use and one verified citation per marker; or, when no
        sentence survives, the extractive answer with a notice.
    """
    llm = llm or LLMSettings()
    chosen = list(passages if passages is not None else extractive.passages[: llm.max_passages])
    builder = _Builder(chosen, llm.min_support)
    for raw in split_llm_sentences(text):
        builder.add(raw)
    return builder.answer(extractive)


def compose_with_llm(model: ChatModel, extractive: Answer, settings: Settings) -> Answer:
    """Rewrite an extractive answer fluently with the chat model, checked.

    Args:
        model: The chat model.
        extractive: The extractive answer; its top ``llm.max_passages`` passages are numbered.
        settings: ``llm`` (the call's deadline, passages, support) and ``answer.sentences``
            (the answer's length).

    Returns:
        The checked LLM answer (``mode="llm"``), or the extractive answer with a notice when the
        model is unreachable, misses its deadline, fails, or nothing it wrote could be verified.
    """
    passages = extractive.passages[: settings.llm.max_passages]
    if extractive.abstained or not passages:
        return extractive
    messages = build_messages(extractive.question, passages, max_sentences(settings))
    try:
        reply = model.complete(messages, Deadline.after(settings.llm.deadline))
    except Exception as exc:  # an optional layer: a failed call must not break the answer
        return _failure(extractive, exc)
    return finish_llm_answer(extractive, reply, passages, settings.llm)


class LLMStream(Iterator[str]):
    """Checked text of the model's reply as it arrives; ``answer`` is the answer at the end.

    Iterating yields each sentence that passed the check (renumbered, with a leading space
    after the first), as soon as it is complete; the pieces joined are the final answer's text.
    When iteration ends, ``answer`` is the checked answer, or the extractive answer with a
    notice when nothing survived or the model was unreachable, failed or missed its deadline.
    :meth:`result` drains what is left and returns ``answer``.
    """

    def __init__(self, model: ChatModel, extractive: Answer, settings: Settings) -> None:
        self.extractive = extractive
        self.llm = settings.llm
        self.passages = extractive.passages[: self.llm.max_passages]
        self.answer: Answer | None = None
        self._raw: list[str] = []
        self._pieces = self._run(model, settings)

    @property
    def raw_text(self) -> str:
        """The model's unchecked text received so far (for logs and tests; never shown)."""
        return "".join(self._raw)

    def __iter__(self) -> LLMStream:
        return self

    def __next__(self) -> str:
        return next(self._pieces)

    def result(self) -> Answer:
        """Finish the stream and return the answer."""
        for _ in self:
            pass
        assert self.answer is not None
        return self.answer

    def _run(self, model: ChatModel, settings: Settings) -> Iterator[str]:
        ext = self.extractive
        if ext.abstained or not self.passages:
            self.answer = ext
            return
        messages = build_messages(ext.question, self.passages, max_sentences(settings))
        builder = _Builder(self.passages, self.llm.min_support)
        done: list[str] = []
        try:
            for token in model.stream(messages, Deadline.after(settings.llm.deadline)):
                self._raw.append(token)
                for raw in complete_sentences(self.raw_text)[len(done) :]:
                    done.append(raw)
                    out = builder.add(raw)
                    if out is not None:
                        yield (" " if len(builder.parts) > 1 else "") + out
        except Exception as exc:  # an optional layer: a failed call must not break the answer
            self.answer = _failure(ext, exc)
            return
        sentences = split_llm_sentences(self.raw_text)
        if sentences[: len(done)] != done:  # pragma: no cover - the splitter only looks ahead
            log.warning("streamed sentences differ from the full reply; checking it again")
            self.answer = finish_llm_answer(ext, self.raw_text, self.passages, self.llm)
            return
        for raw in sentences[len(done) :]:
            out = builder.add(raw)
            if out is not None:
                yield (" " if len(builder.parts) > 1 else "") + out
        self.answer = builder.answer(ext)


def stream_llm_answer(model: ChatModel, extractive: Answer, settings: Settings) -> LLMStream:
    """Stream the checked sentences of the model's answer; the answer is ``stream.answer``.

    Only text that passed the check is yielded (see the module docstring); nothing is yielded
    when the model is unreachable, and ``answer`` is then the extractive answer with a notice.

    Example::

        stream = stream_llm_answer(model, extractive, settings)
        for piece in stream:
            show(piece)
        final = stream.answer
    """
    return LLMStream(model, extractive, settings)
