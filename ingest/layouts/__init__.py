"""Report layouts: one module per kind of document, found and registered automatically.

Every module of this package that defines ``LAYOUT`` (a ``base.Layout``) is a layout; the other
modules are shared helpers:

* ``base`` -- ``Layout``, ``Detection`` and ``Catalogue``;
* ``text`` -- pages, whitespace, grade words and verbatim checks;
* ``statements`` -- judgement labels, summary tables, graded headings, choosing among them;
* ``improvements`` -- the "What needs to improve" / recommendations list reader.

``detect_layout`` asks every layout whether a document is of its kind and takes the most
confident claim. To add a layout, add a module defining ``LAYOUT`` and a test module
``tests/test_layout_<name>.py`` defining ``SAMPLES`` (generated documents of its kind with the
judgements expected): ``tests/test_layouts.py`` runs every registered layout on its samples.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

from ingest.layouts.base import Detection, Layout
from ingest.layouts.text import Page

_HELPERS = frozenset({"base", "text", "statements", "improvements", "outcomes", "scales"})


def _discover() -> dict[str, Layout]:
    """Import the layout modules of this package, in name order, and key their ``LAYOUT``."""
    found: dict[str, Layout] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name in _HELPERS or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        layout = getattr(module, "LAYOUT", None)
        if not isinstance(layout, Layout):
            raise TypeError(f"{module.__name__} defines no LAYOUT (a Layout)")
        if layout.key in found:
            raise ValueError(f"two layouts share the key {layout.key!r}")
        found[layout.key] = layout
    return found


LAYOUTS: dict[str, Layout] = _discover()
"""Every registered layout, by key."""

FRAMEWORKS: tuple[str, ...] = tuple(sorted({layout.framework for layout in LAYOUTS.values()}))
"""The values ``Catalogue.framework`` takes (besides None: no layout claims the document)."""


def detect_all(pages: Sequence[Page]) -> list[Detection]:
    """Every layout's claim on a document, most confident first.

    Args:
        pages: The document's pages.

    Returns:
        The detections; on equal confidence, in registry (module name) order.
    """
    claims = [d for layout in LAYOUTS.values() if (d := layout.detect(pages)) is not None]
    return sorted(claims, key=lambda d: -d.confidence)


def detect_layout(pages: Sequence[Page]) -> Detection | None:
    """The layout of a document: the most confident claim of all layouts.

    Args:
        pages: The document's pages.

    Returns:
        The winning detection (its ``layout`` is a key of ``LAYOUTS``), or None when no
        layout claims the document.
    """
    claims = detect_all(pages)
    return claims[0] if claims else None


__all__ = ["FRAMEWORKS", "LAYOUTS", "Detection", "Layout", "detect_all", "detect_layout"]
