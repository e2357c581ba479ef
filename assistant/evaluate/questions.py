"""The labelled questions of an evaluation set, and the text normalisation they are matched by."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_BULLETS = re.compile(r"[\u25aa\u25a0\u25fc\u2022\u25cf\u25e6\u2023\u2043\u27a2\u25ba]")


def norm(text: str) -> str:
    """Normalise for matching: quotes, dashes, hyphen-line-break joins, case and whitespace."""
    t = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = t.replace("–", "-").replace("—", "-").replace("\xad", "")
    t = _BULLETS.sub(" ", t)  # a list's bullet glyph is layout, not text (the parser drops it)
    t = re.sub(r"(\w)-\s+(\w)", r"\1-\2", t)
    return re.sub(r"\s+", " ", t).strip().lower()


def _user_turns(history) -> tuple[str, ...]:
    """The user's earlier questions of a history given as strings or as chat messages
    (``{"role": "user", "content": …}``; the assistant's replies are asked again, not read)."""
    out = []
    for turn in history:
        if isinstance(turn, dict):
            if turn.get("role", "user") == "user":
                out.append(str(turn.get("content") or ""))
        else:
            out.append(str(turn))
    return tuple(t for t in out if t.strip())


@dataclass(frozen=True)
class Question:
    """One labelled question of either set (the regression set has no split or history)."""

    id: str
    type: str
    question: str
    answerable: bool
    sources: tuple[str, ...] = ()
    evidence: str | None = None
    evidence_any: tuple[str, ...] = ()
    history: tuple[str, ...] = ()
    grade: str | None = None
    split: str = "regression"

    @classmethod
    def from_json(cls, rec: dict, split: str = "regression") -> Question:
        """A question from one JSONL record (unknown fields are ignored)."""
        return cls(
            id=rec["id"],
            type=rec["type"],
            question=rec["question"],
            answerable=bool(rec["answerable"]),
            sources=tuple(rec.get("sources") or ()),
            evidence=rec.get("evidence"),
            evidence_any=tuple(rec.get("evidence_any") or ()),
            history=_user_turns(rec.get("history") or ()),
            grade=rec.get("grade"),
            split=rec.get("split") or split,
        )


def load_questions(file: Path, split: str | None = None) -> list[Question]:
    """Questions of a JSONL file, optionally of one split only."""
    qs = [
        Question.from_json(json.loads(x))
        for x in Path(file).read_text(encoding="utf-8").splitlines()
        if x.strip()
    ]
    return [q for q in qs if split in (None, q.split)]
