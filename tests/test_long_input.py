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
from collections.abc import Callable

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
    if len(unit) >= size:
        return unit[:size]
    return (unit * (size // max(1, len(unit)) + 1))[:size]


def _hostile_inputs(pattern: re.Pattern) -> list[Callable[[int], str]]:
    """Inputs of any size: the pattern's words in order, over and over; long runs of each of
    its words, one after the other, each ending in a word that does not fit; capitals."""
    words = list(dict.fromkeys(re.findall(r"[A-Za-z]{2,}", pattern.pattern)))

    def in_order(size: int) -> str:
        return _repeat(" ".join(words) + " ", size) + " x"

    def runs(size: int) -> str:
        run = size // max(1, len(words))
        return "".join(_repeat(f" {w}", run) + " x" for w in words)

    def capitals(size: int) -> str:
        return _repeat("Aaaa Bbbb ", size) + " x"

    return [in_order, runs, capitals]


def _seconds(run: Callable[[str], object], text: str) -> float:
    start = time.perf_counter()
    run(text)
    return time.perf_counter() - start


def assert_linear(name: str, run: Callable[[str], object], make: Callable[[int], str]) -> None:
    """Fast on 200 KB; or, on a loaded machine, no faster growth than linear."""
    took = _seconds(run, make(SIZE))
    if took < BOUND_S:
        return
    quarter = min(_seconds(run, make(SIZE // 4)) for _ in range(2))
    again = min(took, _seconds(run, make(SIZE)))
    assert again < MAX_GROWTH * quarter, (
        f"{name} took {again:.1f} s on 200 KB of {make(60)!r}…, {quarter:.2f} s on 50 KB"
    )


PATTERNS = _patterns()


def test_the_walk_finds_the_question_patterns():
    names = {name for name, _ in PATTERNS}
    assert len(PATTERNS) > 60
    assert {"assistant.route_words.IMPROVE", "assistant.periods._SEASON_YEAR"} <= names


@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[n for n, _ in PATTERNS])
def test_every_user_text_pattern_is_linear(name, pattern):
    for make in _hostile_inputs(pattern):
        assert_linear(name, pattern.search, make)


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
    assert_linear(where, check, lambda size: _repeat(unit, size) + ending)


def test_the_cue_checks_still_read_questions():
    from assistant.focus import strip_dangling
    from assistant.question import names_inspection
    from assistant.route_words import asks_improve

    assert asks_improve("What should Norfolk do to improve?")
    assert not asks_improve("Improve what, should we ask?")
    assert names_inspection("What did the last inspection say?")
    assert not names_inspection("Was the inspection before the monitoring visit?")
    assert names_inspection("the re-inspection visit")
    assert (
        strip_dangling("visits to care leavers in the spring of")
        == "visits to care leavers in the spring"
    )
    assert strip_dangling("care leavers by  at the end of ") == "care leavers"
    assert strip_dangling("standby") == "standby"


# -- through the served app -------------------------------------------------------------------


@pytest.fixture(scope="session")
def ui_env(tmp_path_factory, embedder):
    import test_ui_units as shared

    return shared.get_ui_env(tmp_path_factory, embedder)


@pytest.fixture(scope="module")
def served(ui_env):
    """The app over the shared index, with MCP on."""
    import test_ui_units as shared

    from assistant.web.server import create_app, start

    running = start(
        create_app(ui_env.assistant, ui_env.reports_dir, mcp=True), "127.0.0.1", shared.free_port()
    )
    yield running.url
    running.stop()


NORMAL_Q = "How well are care leavers supported in Suffolk?"
HUGE = _repeat("what should the council do about the inspection by ")


def test_a_200_kb_question_is_refused_at_once_while_others_are_answered(served):
    import threading

    import httpx
    import test_ui_units as shared
    from test_api import mcp_call

    answered: list[httpx.Response] = []

    def normal_user() -> None:
        for _ in range(3):
            answered.append(
                httpx.post(f"{served}api/ask", json={"question": NORMAL_Q}, timeout=120)
            )

    other = threading.Thread(target=normal_user)
    other.start()
    refused = []
    with httpx.Client(base_url=served, timeout=120) as http:
        for path, body in (("/api/ask", {"question": HUGE}), ("/api/quote", {"topic": HUGE})):
            start = time.perf_counter()
            resp = http.post(path, json=body)
            refused.append((time.perf_counter() - start, resp))
    with shared.api_client(served) as gradio:
        for api_name in ("/ask", "/quote"):
            start = time.perf_counter()
            with pytest.raises(Exception, match="1,000 characters"):  # noqa: PT011
                gradio.predict(HUGE, api_name=api_name)
            assert time.perf_counter() - start < 10
    start = time.perf_counter()
    _, (mcp_ask,) = mcp_call(served, [("ask", {"question": HUGE})])
    assert mcp_ask.isError and "1000" in mcp_ask.content[0].text
    assert time.perf_counter() - start < 10
    other.join(120)
    for took, resp in refused:
        assert resp.status_code == 422 and took < 1.0, took
        assert "at most 1000 characters" in resp.json()["detail"][0]["msg"]
        assert len(resp.content) < 2000  # the 200 KB are not sent back
    assert len(answered) == 3
    assert all(r.status_code == 200 and not r.json()["abstained"] for r in answered)
