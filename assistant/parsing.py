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
        settings: Its memory and time limits, or ``ingest.parse_isolated=False`` for none.
    """
    if not settings.ingest.parse_isolated:
        return nullcontext(None)
    return nullcontext(
        shared_parser(settings.ingest.parse_memory_mb, settings.ingest.parse_timeout_s)
    )


def parse_limits(settings: Settings) -> ParseLimits:
    """The parser's caps from the settings."""
    return ParseLimits(
        max_pages=settings.ingest.max_pages,
        max_unzipped_bytes=int(settings.ingest.max_unzipped_mb * 1024 * 1024),
        ocr_max_pixels=int(settings.ingest.ocr_max_megapixels * 1_000_000),
        ocr_min_dpi=settings.ingest.ocr_min_dpi,
        max_html_depth=settings.ingest.max_html_depth,
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
            data,
            source,
            max_bytes=settings.ingest.max_file_bytes,
            ocr=settings.ingest.ocr,
            limits=limits,
        )
    return parser.parse(
        ParseJob(data, source, settings.ingest.max_file_bytes, settings.ingest.ocr, limits)
    )
