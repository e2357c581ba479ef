"""The architecture as documented is the code as it is: every module listed where it lives, every
record of the records table defined where it says, imports one way with no cycle, modules small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
PACKAGES = ("ingest", "vectorstore", "assistant")
LAYER = {name: i for i, name in enumerate(PACKAGES)}
# Being split by their owners; none may grow past them.
LONG_MODULES = {"ingest/subjects.py": 480, "vectorstore/manifest.py": 580, "ingest/pdf.py": 430}
MAX_LINES = 420


def _section(title: str) -> str:
    start = DOC.index(f"## {title}")
    end = DOC.find("\n## ", start + 1)
    return DOC[start : end if end > 0 else None]


def _listed_modules() -> dict[str, set[str]]:
    """Folder → module names, from the code block of "Where things live"."""
    block = _section("Where things live").split("```")[1]
    listed: dict[str, set[str]] = {}
    folder = None
    for line in block.splitlines():
        if line and not line[0].isspace():
            folder, _, line = line.partition(" ")
        if folder:
            listed.setdefault(folder.rstrip("/"), set()).update(re.findall(r"\b(\w+)\.py\b", line))
    return listed


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_every_module_is_listed_where_it_lives():
    listed = _listed_modules()
    missing = [
        p.relative_to(ROOT).as_posix()
        for p in _modules()
        if p.stem not in ("__init__", "__main__")
        and p.stem not in listed.get(p.parent.relative_to(ROOT).as_posix(), set())
    ]
    assert missing == []


def test_every_listed_module_exists():
    gone = [
        f"{folder}/{name}.py"
        for folder, names in _listed_modules().items()
        for name in names
        if not (ROOT / folder / f"{name}.py").is_file()
    ]
    assert gone == []


def _defined(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)}
    for n in tree.body:
        if isinstance(n, ast.Assign):
            names |= {t.id for t in n.targets if isinstance(t, ast.Name)}
    return names


def test_every_record_of_the_table_is_defined_in_its_module():
    rows = [
        line
        for line in _section("Records that cross a boundary").splitlines()
        if line.startswith("| `")
    ]
    assert len(rows) > 10
    wrong = []
    for row in rows:
        records, modules = row.split("|")[1:3]
        defined = set().union(*(_defined(ROOT / m) for m in re.findall(r"`([\w/]+\.py)`", modules)))
        wrong += [r for r in re.findall(r"`(\w+)`", records) if r not in defined]
    assert wrong == []


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, known: set[str], root: Path = ROOT) -> set[str]:
    """The project modules a module imports when it is loaded (not those imported inside
    functions, which are deliberate, nor those only for type checking)."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for n in ast.walk(node) if not isinstance(node, ast.FunctionDef | ast.ClassDef) else ():
            if isinstance(n, ast.ImportFrom):
                base = n.module or ""
                if n.level:
                    up = package.split(".")[: len(package.split(".")) - (n.level - 1)]
                    base = ".".join([*up, *([base] if base else [])])
                for alias in n.names:
                    out.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
            elif isinstance(n, ast.Import):
                out |= {alias.name for alias in n.names}
    # A package importing its own modules (to re-export them) is not a cycle with them.
    return {m for m in out & known if m != name and not m.startswith(f"{name}.")}


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for p in _modules()}
    return {m: _imports(p, set(paths)) for m, p in paths.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycles.append([*path[path.index(d) :], d])
            elif d not in state:
                visit(d, [*path, d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    return cycles


def test_imports_run_one_way_with_no_cycle():
    graph = _graph()
    upward = sorted(
        f"{m} imports {d}"
        for m, deps in graph.items()
        for d in deps
        if LAYER[d.split(".")[0]] > LAYER[m.split(".")[0]]
    )
    assert upward == []
    assert _cycles(graph) == []


def test_the_cycle_check_sees_a_cycle(tmp_path):
    """The check itself: two modules importing each other at load time are found; an import
    inside a function or for type checking only is not one."""
    pkg = tmp_path / "assistant"
    pkg.mkdir()
    (pkg / "a.py").write_text("from assistant.b import x\n")
    (pkg / "b.py").write_text("from assistant.a import y\nfrom assistant import c\n")
    (pkg / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from assistant.b import z\n"
        "def f():\n    from assistant.a import y\n"
    )
    paths = {_module_name(p, tmp_path): p for p in pkg.glob("*.py")}
    graph = {m: _imports(p, set(paths), tmp_path) for m, p in paths.items()}
    assert graph["assistant.c"] == set()
    assert _cycles(graph) == [["assistant.a", "assistant.b", "assistant.a"]]


def test_modules_stay_small():
    long = {}
    for p in _modules():
        rel = p.relative_to(ROOT).as_posix()
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n > LONG_MODULES.get(rel, MAX_LINES):
            long[rel] = n
    assert long == {}
