"""The CLI's ``--json`` output and exit codes, compared with a stored reference.

The reference (``data/cli_reference.json``) was printed by the argparse CLI that came before the
Typer one, on the same generated reports. Run with ``CLI_REFERENCE_WRITE=1`` to write it again.
Timings, sizes, scores, temporary paths and each index's collection id vary between runs and
machines, so they are masked; everything else (keys, their order, separators, escaping, values)
must match byte for byte.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ESSEX_RELEASE, REPORT_TEXTS, ilacs_pdf

CLI = [sys.executable, "-m", "assistant.cli"]
REFERENCE = Path(__file__).parent / "data" / "cli_reference.json"
ROOT = Path(__file__).resolve().parents[1]


def fixed_id_pdf(path: Path) -> Path:
    """Give a generated PDF a constant file ID, so the same report has the same bytes each run."""
    import pymupdf

    doc = pymupdf.open(path)
    doc.xref_set_key(-1, "ID", "[<" + "0" * 32 + "><" + "0" * 32 + ">]")
    data = doc.tobytes(no_new_id=True)
    doc.close()
    path.write_bytes(data)
    return path


def normalise(text: str, tmp: Path) -> str:
    """The output with what varies between runs masked."""
    text = text.replace(str(tmp), "<tmp>")
    text = re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
    text = re.sub(r'"score": -?[0-9.e-]+', '"score": 0', text)
    text = re.sub(r'"size_bytes": \d+', '"size_bytes": 0', text)
    text = re.sub(r'"size": "[^"]*"', '"size": "-"', text)
    text = re.sub(r'"collection": "ia-[0-9a-f]+"', '"collection": "ia-<id>"', text)
    return re.sub(
        r'"timings_ms": \{[^}]*\}',
        lambda m: re.sub(r": -?[0-9.e-]+", ": 0", m.group(0)),
        text,
    )


def reference_runs(tmp: Path, env: dict[str, str]) -> dict[str, dict]:
    """Run each command of the reference on freshly generated reports: name → exit and stdout."""
    src = tmp / "src"
    src.mkdir()
    for (subject, year), words in REPORT_TEXTS.items():
        fixed_id_pdf(ilacs_pdf(subject, year, words, src / f"{subject.lower()}-{year}.pdf"))
    (src / "essex-police-release.txt").write_text(ESSEX_RELEASE, encoding="utf-8")
    idx = str(tmp / "idx")
    questions = tmp / "questions.jsonl"
    questions.write_text(
        "\n".join(
            [
                json.dumps({"id": "q1", "question": "What is the capital of France?"}),
                "not json",
                json.dumps({"id": "q2", "question": "How are care leavers supported in Croydon?"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    commands: list[tuple[str, list[str]]] = [
        ("ingest", ["ingest", str(src), "--index", idx, "--json"]),
        ("ingest-unchanged", ["ingest", str(src), "--index", idx, "--json"]),
        ("status", ["status", "--index", idx, "--json"]),
        ("status-no-index", ["status", "--index", str(tmp / "none"), "--json"]),
        ("reports", ["reports", "--index", idx, "--json"]),
        ("reports-subject", ["reports", "--subject", "Croydon", "--index", idx, "--json"]),
        ("reports-from", ["reports", "--from", "2023-01-01", "--index", idx, "--json"]),
        ("reports-bad-date", ["reports", "--from", "March", "--index", idx, "--json"]),
        ("ask", ["ask", "How are care leavers supported in Norfolk?", "--index", idx, "--json"]),
        ("ask-abstains", ["ask", "What is the capital of France?", "--index", idx, "--json"]),
        ("ask-file", ["ask", "--questions-file", str(questions), "--index", idx, "--json"]),
        ("ask-no-index", ["ask", "Anything?", "--index", str(tmp / "none"), "--json"]),
        ("ask-nothing", ["ask", "--index", idx, "--json"]),
        ("quote", ["quote", "custody", "--subject", "Essex Police", "--index", idx, "--json"]),
        ("quote-k", ["quote", "care leavers", "-k", "2", "--index", idx, "--json"]),
        ("ingest-failed", ["ingest", str(src), "--index", idx, "--json"]),
        (  # two of three reports: more than a fifth of the index, refused without --yes
            "ingest-prune-refused",
            ["ingest", str(src / "norfolk-2022.pdf"), "--index", idx, "--prune", "--json"],
        ),
        (
            "ingest-prune",
            ["ingest", str(src / "norfolk-2022.pdf"), "--index", idx, "--prune", "--yes", "--json"],
        ),
        ("usage-error", ["quote", "--index", idx, "--json"]),
    ]
    runs = {}
    for name, argv in commands:
        if name == "ingest-failed":
            (src / "broken.pdf").write_bytes(b"%PDF-1.4 broken")
        out = subprocess.run(
            [*CLI, *argv], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600
        )
        runs[name] = {"exit": out.returncode, "stdout": normalise(out.stdout, tmp)}
        if out.returncode == 1:  # the command's own error message (usage errors differ)
            runs[name]["stderr"] = normalise(out.stderr, tmp)
    return runs


@pytest.fixture(scope="module")
def runs(tmp_path_factory, cli_env) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("cli_reference")
    got = reference_runs(tmp, cli_env)
    if os.environ.get("CLI_REFERENCE_WRITE") == "1":
        REFERENCE.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", "utf-8")
    return got


@pytest.mark.slow
def test_json_output_and_exit_codes_match_the_reference(runs):
    want = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert list(runs) == list(want)
    for name, expected in want.items():
        assert runs[name]["exit"] == expected["exit"], name
        assert runs[name]["stdout"] == expected["stdout"], name
        assert runs[name].get("stderr") == expected.get("stderr"), name
