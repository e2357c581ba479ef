"""Answer a file of questions: JSON Lines in (``id`` and ``question``), one answer object out each."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.jsonio import answer_json

if TYPE_CHECKING:
    from assistant.core import Assistant
    from vectorstore.records import Filters


def answer_file(assistant: Assistant, path: Path, filters: Filters | None = None) -> Iterator[dict]:
    """The ``ask --json`` object of each question in a JSON Lines file, in the file's order.

    Blank lines are skipped. A line that is not an object with ``id`` and ``question`` gives
    ``{"id": None, "line": N, "error": ...}`` and the file goes on.

    Args:
        assistant: The assistant that answers.
        path: The questions file.
        filters: Filters every question is asked with (``ask --kind``), if any.

    Yields:
        One JSON object a question (or a bad line), as soon as it is answered.
    """
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                qid, question = item["id"], item["question"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                yield {"id": None, "line": lineno, "error": f"bad input line: {exc}"}
                continue
            yield answer_json(assistant.ask(question, filters=filters), qid)
