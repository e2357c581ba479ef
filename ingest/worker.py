"""The parser's child process: reads parse jobs from stdin, answers each on its own pipe.

Run by ``ingest.sandbox`` as ``python -m ingest.worker MEMORY_MB ALARM_S``. The process caps its
own address space, so a file that makes the parser allocate without bound ends in a
``MemoryError`` here (or kills this process), never in the indexer. Frames are an 8-byte
length and a pickle; anything a library prints goes to stderr, never into the frames.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import sys
from pathlib import Path

from ingest.errors import IngestError
from ingest.jobs import READY, ParseJob, ParseOutcome, read_frame, write_frame
from ingest.limits import is_memory_error


def _run(job: ParseJob, memory_mb: int) -> ParseOutcome:
    from ingest.parse import parse_bytes

    report, error, restart = None, None, False
    try:
        report = parse_bytes(
            job.data, job.source, max_bytes=job.max_bytes, ocr=job.ocr, limits=job.limits
        )
    except IngestError as exc:
        error = str(exc)
    except RecursionError:
        error = "structure nested too deeply to read"
    except Exception as exc:  # a hostile file must not end the worker loop
        if is_memory_error(exc):
            error = f"ran out of memory while parsing (over the {memory_mb:,} MB limit)"
            restart = True
        else:
            error = f"could not be parsed ({type(exc).__name__}: {str(exc)[:120]})"
    return ParseOutcome(report, " ".join(error.split()) if error else None, peak_rss_kb(), restart)


def peak_rss_kb() -> int:
    """This process's peak resident set size in KiB, since it started this program.

    ``getrusage``'s maxrss survives ``exec``: a child forked from a large parent would report
    the parent's size. The kernel's high-water mark of this address space (VmHWM) does not.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _load_parsers() -> None:
    """Import what the parsers import lazily, so that the first job's clock does not pay it."""
    import bs4  # noqa: F401
    import charset_normalizer  # noqa: F401
    import docx  # noqa: F401
    import pymupdf  # noqa: F401

    import ingest.judgements  # noqa: F401
    import ingest.parse  # noqa: F401
    import ingest.pdf  # noqa: F401


def main(argv: list[str]) -> int:
    """Serve parse jobs until stdin closes.

    Args:
        argv: ``[MEMORY_MB, ALARM_S]``: the address-space cap, and the seconds after which a
            job still running ends this process (a backstop when the indexer is gone).
    """
    memory_mb, alarm_s = int(argv[0]), int(argv[1])
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # library chatter on stdout would corrupt the frames
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _load_parsers()

    write_frame(replies, READY)
    jobs = sys.stdin.buffer
    while (frame := read_frame(jobs)) is not None:
        job: ParseJob = pickle.loads(frame)
        signal.alarm(alarm_s)
        outcome = _run(job, memory_mb)
        signal.alarm(0)
        try:
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            error = f"ran out of memory while parsing (over the {memory_mb:,} MB limit)"
            outcome = ParseOutcome(None, error, outcome.peak_rss_kb, restart=True)
            payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        write_frame(replies, payload)
        if outcome.restart:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
