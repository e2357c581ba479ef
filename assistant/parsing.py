"""Parsing one file as the settings say: in the parser's child process (the default) or here."""

from __future__ import annotations

from contextlib import nullcontext

from assistant.settings import Settings
from ingest.jobs import ParseJob
from ingest.limits import ParseLimits
from ingest.parse import parse_bytes
from ingest.records import ParsedReport
from ingest.sandbox import IsolatedParser, shared_parser


def parser_for(settings: Settings) -> nullcontext[IsolatedParser | None]:
    """The child process files are parsed in (started at the first file that needs it).

    Args:
        settings: Its memory and time limits, or ``parse_isolated=False`` for none.
    """
    if not settings.parse_isolated:
        return nullcontext(None)
    return nullcontext(shared_parser(settings.parse_memory_mb, settings.parse_timeout_s))


def parse_limits(settings: Settings) -> ParseLimits:
    """The parser's caps from the settings."""
    return ParseLimits(
        max_pages=settings.max_pages,
        max_unzipped_bytes=int(settings.max_unzipped_mb * 1024 * 1024),
        ocr_max_pixels=int(settings.ocr_max_megapixels * 1_000_000),
        ocr_min_dpi=settings.ocr_min_dpi,
        max_html_depth=settings.max_html_depth,
    )


def parse_with(
    settings: Settings, parser: IsolatedParser | None, data: bytes, source: str
) -> ParsedReport:
    """Parse a file's bytes, in the child process when one is given.

    Args:
        settings: The size limit, OCR and the parser's caps.
        parser: The child process, or None to parse in this process.
        data: The file's bytes.
        source: Its path relative to the ingest root.

    Raises:
        IngestError: With a one-line reason.
    """
    limits = parse_limits(settings)
    if parser is None:
        return parse_bytes(
            data, source, max_bytes=settings.max_file_bytes, ocr=settings.ocr, limits=limits
        )
    return parser.parse(ParseJob(data, source, settings.max_file_bytes, settings.ocr, limits))
