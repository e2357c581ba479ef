"""What the indexer and the parser's child process send each other, and how it is framed."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

from ingest.limits import ParseLimits
from ingest.records import ParsedReport

HEADER = struct.Struct(">Q")
READY = b"R"


@dataclass(frozen=True)
class ParseJob:
    """One file to parse.

    Attributes:
        data: The file's bytes.
        source: Its path relative to the ingest root.
        max_bytes: The size limit of one file.
        ocr: OCR scanned PDF pages.
        limits: The parser's caps.
    """

    data: bytes
    source: str
    max_bytes: int | None
    ocr: bool
    limits: ParseLimits


@dataclass(frozen=True)
class ParseOutcome:
    """What the child made of a job.

    Attributes:
        report: The parsed report, or None when the file was refused.
        error: The one-line reason it was refused, or None.
        peak_rss_kb: The child's peak resident set size so far.
        restart: The child is exiting after this (its memory ran out: its state is suspect).
    """

    report: ParsedReport | None
    error: str | None
    peak_rss_kb: int
    restart: bool = False


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame from a stream, or None at its end."""
    head = stream.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    body = stream.read(size)
    return body if len(body) == size else None


def write_frame(stream: BinaryIO, payload: bytes) -> None:
    """One frame onto a stream."""
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()
