"""Saved "Report not found" pages on generated files: not reports, nothing graded."""

from __future__ import annotations

import pytest
from conftest import Block, PdfSpec, render_pdf
from layout_samples import LayoutSample

from ingest.errors import IngestError
from ingest.parse import parse_file

LAYOUT_KEY = "not-found-page"

NOT_FOUND = PdfSpec(
    pages=[
        [
            Block("h", ["Report not found"]),
            Block("p", ["Sorry, the document you requested no longer exists."]),
            Block("p", ["Search for reports on the Ofsted website."]),
        ]
    ],
    first_printed=None,
)

SAMPLES = [
    LayoutSample(
        "report-not-found",
        NOT_FOUND,
        grades={},
        notes={"framework": "not a report", "overall": "no graded judgements"},
    )
]


def test_the_parser_refuses_it_before_the_catalogue(tmp_path):
    path = render_pdf(NOT_FOUND, tmp_path / "missing.pdf")
    with pytest.raises(IngestError, match="not a report"):
        parse_file(path, tmp_path, ocr=False)
