"""The hostile and broken files of ``benchmarks/bad_inputs.py``, for the tests that run them.

Loaded by path: the benchmarks folder is not a package, and its ``ingest.py`` would shadow the
``ingest`` package if the folder were put on the import path.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "bad_inputs.py"


def bad_inputs() -> ModuleType:
    """The benchmark module (loaded once)."""
    if "bad_inputs" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bad_inputs", BENCHMARK)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["bad_inputs"] = module  # dataclasses look their module up while defined
        spec.loader.exec_module(module)
    return sys.modules["bad_inputs"]


def kinds() -> list:
    """Every kind of bad input the benchmark makes."""
    return list(bad_inputs().KINDS)
