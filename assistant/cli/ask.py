"""``ask`` and ``quote``: answers with verified citations, and quotes to paste."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli.common import IndexOption, JsonOption, KindOption, fail, print_json
from assistant.factory import NoIndexError, make_assistant, settings_for
from vectorstore.errors import CorruptIndexError
from vectorstore.shared_state import SharedStateError

if TYPE_CHECKING:
    from assistant.core import Assistant
    from vectorstore.records import Filters


def assistant_for(index: Path | None) -> Assistant:
    """The assistant over the index folder (or the configured one); ends the command if none."""
    try:
        return make_assistant(settings_for(index_dir=index))
    except (NoIndexError, CorruptIndexError, SharedStateError, ValueError) as exc:
        fail(str(exc))


def kind_filters(a: Assistant, kind: str | None) -> Filters | None:
    """Filters for ``--kind`` (None without one); ends the command when no report is of it."""
    from assistant.kinds import recorded_kinds
    from vectorstore.records import Filters

    if not kind:
        return None
    kinds = recorded_kinds(kind, a.resolver.kinds)
    if not kinds:
        fail(f"no indexed report is of kind {kind!r}; kinds held: {', '.join(a.resolver.kinds)}")
    return Filters(kinds=kinds)


def ask(
    question: Annotated[str | None, typer.Argument(help="the question", show_default=False)] = None,
    questions_file: Annotated[
        Path | None,
        typer.Option(
            "--questions-file",
            help="JSONL with id and question per line (needs --json)",
            show_default=False,
        ),
    ] = None,
    kind: KindOption = None,
    index: IndexOption = None,
    json_out: JsonOption = False,
) -> None:
    """Answer a question with verified citations."""
    from assistant.batch import answer_file
    from assistant.jsonio import answer_json

    if bool(question) == bool(questions_file):
        fail("give a QUESTION or --questions-file FILE, not both")
    a = assistant_for(index)
    filters = kind_filters(a, kind)
    if questions_file:
        if not json_out:
            fail("--questions-file needs --json")
        a.warm_up()
        for line in answer_file(a, questions_file, filters):
            print_json(line)
        return
    ans = a.ask(question, filters=filters)
    if json_out:
        print_json(answer_json(ans))
        return
    if ans.context.description:
        print(f"[{ans.context.description}]")
    print(ans.text)
    if ans.citations:
        print()
        for c in ans.citations:
            print(f"[{c.n}] {c.line}  ({c.source})")
    elif ans.passages:
        print("\nClosest passages:")
        for h in ans.passages[:5]:
            snippet = " ".join(h.chunk.text.split())[:160]
            print(f"  {h.rank}. {h.chunk.source}, page {h.chunk.page_start}: {snippet}…")


def quote(
    topic: Annotated[str, typer.Argument(help="what the quotes should be about")],
    subject: Annotated[
        str | None, typer.Option(help="local authority or police force", show_default=False)
    ] = None,
    report: Annotated[
        str | None, typer.Option(help="report id or source path", show_default=False)
    ] = None,
    k: Annotated[int, typer.Option("-k", help="how many quotes")] = 5,
    kind: KindOption = None,
    index: IndexOption = None,
    json_out: JsonOption = False,
) -> None:
    """Ranked verbatim quotes with paste-ready citations."""
    from assistant.jsonio import quote_json

    a = assistant_for(index)
    quotes = a.quote(topic, subject=subject, report=report, k=k, filters=kind_filters(a, kind))
    if json_out:
        print_json({"topic": topic, "quotes": [quote_json(q) for q in quotes]})
        return
    if not quotes:
        print("No quote in the indexed reports matches this topic.")
    for q in quotes:
        print(f"{q.rank}. {q.citation.line}\n   ({q.citation.source})")
