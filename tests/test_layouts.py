"""The layout contract: every registered layout claims and reads generated documents of its kind.

Samples come from ``tests/test_layout_<name>.py`` (``LAYOUT_KEY`` and ``SAMPLES``); a registered
layout without samples, or samples of an unregistered layout, fail here.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from layout_samples import LayoutSample, assert_reads, sample_pages

from ingest.judgements import FRAMEWORKS, extract_catalogue
from ingest.layouts import LAYOUTS, detect_all, detect_layout
from ingest.layouts.base import Catalogue, Layout
from ingest.layouts.text import read_pages

_HERE = Path(__file__).resolve().parent


def _sample_modules() -> dict[str, list[LayoutSample]]:
    out: dict[str, list[LayoutSample]] = {}
    for path in sorted(_HERE.glob("test_layout_*.py")):
        module = importlib.import_module(path.stem)
        key = module.LAYOUT_KEY
        assert key not in out, f"two sample modules for {key!r}"
        out[key] = list(module.SAMPLES)
    return out


SAMPLES = _sample_modules()
CASES = [(key, s) for key, samples in SAMPLES.items() for s in samples]


def test_every_layout_has_samples_and_every_sample_a_layout():
    assert set(SAMPLES) == set(LAYOUTS)
    assert all(SAMPLES[key] for key in LAYOUTS)


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=list(LAYOUTS))
def test_layout_is_well_formed(layout):
    assert isinstance(layout, Layout)
    assert layout.key and layout.description
    assert layout.framework in FRAMEWORKS
    # A document with no text is nobody's; reading one does not fail.
    empty = read_pages([(1, "  \n")])
    assert layout.detect(empty) is None
    assert isinstance(layout.extract(empty), Catalogue)


@pytest.mark.parametrize(("key", "sample"), CASES, ids=[f"{k}:{s.name}" for k, s in CASES])
def test_layout_claims_and_reads_its_documents(key, sample, tmp_path):
    pairs = sample_pages(sample, tmp_path)
    pages = read_pages(pairs)
    layout = LAYOUTS[key]
    own = layout.detect(pages)
    assert own is not None and own.layout == key
    assert 0 < own.confidence <= 1 and own.reason
    claims = detect_all(pages)
    assert detect_layout(pages) == own, claims
    # The winner is clear: no other layout claims the document as confidently.
    assert all(c.confidence < own.confidence for c in claims[1:]), claims
    cat = layout.extract(pages)
    assert cat.framework == layout.framework
    assert_reads(cat, sample, pairs)
    # The public entry point reads it the same way.
    assert extract_catalogue(pairs) == cat
