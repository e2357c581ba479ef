"""Generated documents of each report layout, for the layout tests and the layout contract.

Every ``tests/test_layout_<name>.py`` defines ``LAYOUT_KEY`` (a key of ``ingest.layouts.LAYOUTS``)
and ``SAMPLES``, a list of ``LayoutSample``: a PDF to render with conftest's ``render_pdf`` and
what the layout must read from it. ``tests/test_layouts.py`` runs every registered layout on its
samples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from conftest import PdfSpec, render_pdf

from ingest.judgements import Catalogue, collapse_ws, grade_key, is_verbatim
from ingest.parse import read_page_texts


@dataclass(frozen=True)
class LayoutSample:
    """A generated document of one layout and what must be read from it.

    Attributes:
        name: A short id for the test report.
        spec: The PDF to render.
        grades: Every judgement expected, key to normalised grade (None: stated, no
            normalised grade); no other judgement may be read.
        improvements: The improvement points expected, in order, verbatim; None to skip.
        notes: Note keys expected, each with a phrase its note contains.
    """

    name: str
    spec: PdfSpec
    grades: dict[str, str | None]
    improvements: list[str] | None = None
    notes: dict[str, str] = field(default_factory=dict)


def sample_pages(sample: LayoutSample, folder: Path) -> list[tuple[int, str]]:
    """Render a sample as a PDF and read its page texts with the real parser.

    Args:
        sample: The sample.
        folder: Where to write the PDF.

    Returns:
        ``(printed page number, page text)`` pairs, as ``extract_catalogue`` takes them.
    """
    path = render_pdf(sample.spec, folder / f"{sample.name}.pdf")
    return read_page_texts(path, folder, ocr=False)


def assert_reads(cat: Catalogue, sample: LayoutSample, pairs: list[tuple[int, str]]) -> None:
    """The catalogue holds exactly the sample's judgements, each quoted verbatim on its page.

    Args:
        cat: What the layout read.
        sample: What it had to read.
        pairs: The page texts it read from.
    """
    assert {j.key: j.grade_key for j in cat.judgements} == sample.grades, cat.notes
    by_page: dict[int, list[str]] = defaultdict(list)
    for number, text in pairs:
        by_page[number].append(text)
    for j in cat.judgements:
        assert any(is_verbatim(j.quote, t) for t in by_page[j.page]), (j, by_page[j.page])
        assert collapse_ws(j.grade).lower() in collapse_ws(j.quote).lower()
        if j.grade_key is not None:
            assert j.grade_key == grade_key(j.grade)
    if sample.improvements is not None:
        assert cat.improvements == sample.improvements, cat.improvements
    for key, phrase in sample.notes.items():
        assert phrase in cat.notes.get(key, ""), (key, cat.notes)
