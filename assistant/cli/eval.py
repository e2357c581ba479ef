"""``eval``: score the assistant on a labelled question set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from assistant.cli.common import IndexOption


def evaluate(
    file: Annotated[Path, typer.Argument(help="questions JSONL")],
    index: IndexOption = None,
    baselines: Annotated[
        bool,
        typer.Option(
            "--baselines",
            help="also score the LangChain recipe and BM25 alone on the same PDFs",
        ),
    ] = False,
    corpus: Annotated[
        Path | None,
        typer.Option(help="folder of the PDFs the index was built from", show_default=False),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="write the results as JSON here", show_default=False)
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(help="only this split of the blind set: dev or test", show_default=False),
    ] = None,
) -> None:
    """Score the assistant on a labelled question set (per split and question type)."""
    from assistant.evaluate import run_eval

    print(run_eval(file, index_dir=index, baselines=baselines, corpus=corpus, out=out, split=split))
