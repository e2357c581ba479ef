"""Long and hostile questions: every pattern run on user text takes linear time, and the served
app refuses an overlong question at once while it keeps answering everyone else.

The patterns are found by walking the question-understanding modules (every compiled pattern
they define) and are each run on 200 KB inputs built from their own words, the shapes that make
a backtracking pattern retry from every position (a word repeated, a run of words with no
ending, a capitalised run).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time

import pytest

SIZE = 200_000
# Generous: a linear pattern scans 200 KB in milliseconds (a few hundred on a loaded machine),
# a quadratic one takes seconds to minutes. Slower than this, the time must grow at most about
# linearly from a quarter of the input to all of it (4x; quadratic is 16x).
BOUND_S = 1.0
MAX_GROWTH = 8.0

USER_TEXT_MODULES = [
    "assistant.question",
    "assistant.periods",
    "assistant.route_words",
    "assistant.route",
    "assistant.focus",
    "assistant.kinds",
    "assistant.regions",
    "assistant.ground",
    "assistant.vocabulary",
    *(
        f"assistant.catalogue.{m.name}"
        for m in pkgutil.iter_modules(importlib.import_module("assistant.catalogue").__path__)
    ),
]


def _patterns() -> list[tuple[str, re.Pattern]]:
    found: dict[int, tuple[str, re.Pattern]] = {}

    def visit(name: str, value: object, depth: int = 0) -> None:
        if isinstance(value, re.Pattern):
            found.setdefault(id(value), (name, value))
        elif isinstance(value, list | tuple) and depth < 3:
            for i, item in enumerate(value):
                visit(f"{name}[{i}]", item, depth + 1)

    for module in USER_TEXT_MODULES:
        for key, value in vars(importlib.import_module(module)).items():
            visit(f"{module}.{key}", value)
    return sorted(found.values(), key=lambda p: p[0])


def _repeat(unit: str, size: int = SIZE) -> str:
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def _hostile_units(pattern: re.Pattern) -> list[tuple[str, str]]:
    """(repeated unit, ending) pairs: each of the pattern's words over and over, then " x"."""
    words = sorted(set(re.findall(r"[A-Za-z]{2,}", pattern.pattern)))
    units = [("a", ""), ("Aaaa ", ""), ("what should the council do ", " x")]
    units += [(f" {w}", " x") for w in words]
    if re.search(r"\[A-Z\]|\(\?-i|[A-Z]{2}", pattern.pattern):
        units += [(f" {w.capitalize()}", " x") for w in words]
    return units


def _seconds(run, text: str) -> float:
    start = time.perf_counter()
    run(text)
    return time.perf_counter() - start


def assert_linear(name: str, run, unit: str, ending: str) -> None:
    """Fast on 200 KB; or, on a loaded machine, no faster growth than linear."""
    took = _seconds(run, _repeat(unit) + ending)
    if took < BOUND_S:
        return
    quarter = min(_seconds(run, _repeat(unit, SIZE // 4) + ending) for _ in range(2))
    again = min(took, _seconds(run, _repeat(unit) + ending))
    assert again < MAX_GROWTH * quarter, (
        f"{name} took {again:.1f} s on 200 KB of {unit!r}, {quarter:.2f} s on a quarter of it"
    )


PATTERNS = _patterns()


def test_the_walk_finds_the_question_patterns():
    names = {name for name, _ in PATTERNS}
    assert len(PATTERNS) > 60
    assert {"assistant.route_words.IMPROVE", "assistant.periods._SEASON_YEAR"} <= names


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[n for n, _ in PATTERNS])
def test_every_user_text_pattern_is_linear(name, pattern):
    for unit, ending in _hostile_units(pattern):
        assert_linear(name, pattern.search, unit, ending)


QUADRATIC_BEFORE = [
    # "what should … improve": ``.*`` retried from every "what should".
    ("route_words.asks_improve", "what should the council do ", ""),
    # "inspection" with a lookahead to the end of the text for a "visit".
    ("question.names_inspection", "inspection ", ""),
    # The "dangling words" at the end of a topic: a repeated group anchored at the end.
    ("focus.strip_dangling", " by", " x"),
    ("focus.strip_dangling", " by", ""),
]


@pytest.mark.parametrize(
    ("where", "unit", "ending"), QUADRATIC_BEFORE, ids=[w for w, *_ in QUADRATIC_BEFORE]
)
def test_the_cue_checks_are_linear_on_long_questions(where, unit, ending):
    module, function = where.split(".")
    check = getattr(importlib.import_module(f"assistant.{module}"), function)
    assert_linear(where, check, unit, ending)


def test_the_cue_checks_still_read_questions():
    from assistant.focus import strip_dangling
    from assistant.question import names_inspection
    from assistant.route_words import asks_improve

    assert asks_improve("What should Norfolk do to improve?")
    assert not asks_improve("Improve what, should we ask?")
    assert names_inspection("What did the last inspection say?")
    assert not names_inspection("What did the visit after the inspection find?")
    assert names_inspection("the re-inspection visit")
    assert (
        strip_dangling("visits to care leavers in the spring of")
        == "visits to care leavers in the spring"
    )
    assert strip_dangling("care leavers by  at the end of ") == "care leavers"
    assert strip_dangling("standby") == "standby"
