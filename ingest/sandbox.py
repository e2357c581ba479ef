"""Parsing in a child process with memory and time limits: a parser blow-up kills only the child.

One long-lived worker (``ingest.worker``) parses file after file; it starts at the first file
that needs parsing and is kept for later runs in the same process (``shared_parser``), not
started per file or page. When a file makes it run out of memory, crash or overrun the time
limit, the worker is killed and the next file gets a fresh one; the file gets a one-line
reason. The ingest loop reads one file at a time and embedding takes most of its time, so one
worker keeps up with it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest.errors import IngestError
from ingest.jobs import HEADER, READY, ParseJob, ParseOutcome
from ingest.records import ParsedReport

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


class _Timeout(Exception):
    pass


class IsolatedParser:
    """Parses files in a child process whose memory and time per file are capped.

    Args:
        memory_mb: The child's address-space cap.
        timeout_s: Wall-clock limit of one file.
        start_timeout_s: Wall-clock limit of starting the child (loading the parsers).
    """

    def __init__(self, memory_mb: int, timeout_s: float, start_timeout_s: float = 120.0) -> None:
        self.memory_mb = memory_mb
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.peak_rss_kb = 0
        self.started = 0
        self._proc: subprocess.Popen | None = None
        self._buf = bytearray()
        self._lock = threading.Lock()  # one file at a time: the frames of two would interleave

    def __enter__(self) -> IsolatedParser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def parse(self, job: ParseJob) -> ParsedReport:
        """Parse one file in the child.

        Args:
            job: The file's bytes, its source name and the parser's caps.

        Returns:
            The parsed report.

        Raises:
            IngestError: With a one-line reason: the parser refused the file, or the file made
                the child run out of memory, crash or overrun the time limit.
        """
        with self._lock:
            return self._parse(job)

    def _parse(self, job: ParseJob) -> ParsedReport:
        frame = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        for attempt in range(2):
            proc = self._ensure()
            try:
                assert proc.stdin is not None
                proc.stdin.write(HEADER.pack(len(frame)) + frame)
                proc.stdin.flush()
                break
            except (BrokenPipeError, OSError):
                self._kill()  # it died between files: one more try with a fresh one
                if attempt:
                    raise IngestError("the parser process could not be started") from None
        try:
            reply = self._recv(time.monotonic() + self.timeout_s)
        except _Timeout:
            self._kill()
            raise IngestError(
                f"parsing took longer than the {self.timeout_s:g} s limit: stopped"
            ) from None
        if reply is None:
            raise IngestError(self._death_reason())
        # The child is this program run as the same user: its pickles grant nothing it lacks.
        outcome: ParseOutcome = pickle.loads(reply)
        self.peak_rss_kb = max(self.peak_rss_kb, outcome.peak_rss_kb)
        if outcome.restart:
            self._kill()
        if outcome.report is None:
            raise IngestError(outcome.error or "could not be parsed")
        return outcome.report

    def close(self) -> None:
        """Stop the child (it exits when its input closes)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout is not None:
                proc.stdout.close()

    # -- the child ---------------------------------------------------------------------------
    def _ensure(self) -> subprocess.Popen:
        if self._proc is not None and self._proc.poll() is None:
            return self._proc
        self._kill()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p
        )
        env["MALLOC_ARENA_MAX"] = "2"  # fewer reserved arenas: the address-space cap is for data
        # The child's own backstop: a job still running well past the limit ends it, even if
        # this process is gone and cannot kill it.
        alarm = str(int(self.timeout_s * 2) + 10)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "ingest.worker", str(self.memory_mb), alarm],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self._buf.clear()
        self.started += 1
        try:
            ready = self._recv(time.monotonic() + self.start_timeout_s)
        except _Timeout:
            ready = None
        if ready != READY:
            reason = self._death_reason()
            self._kill()
            raise IngestError(f"the parser process could not be started ({reason})")
        return self._proc

    def _recv(self, deadline: float) -> bytes | None:
        """One frame from the child, or None when it died first."""
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        need = HEADER.size
        while True:
            if len(self._buf) >= need:
                if need == HEADER.size:
                    (size,) = HEADER.unpack(self._buf[: HEADER.size])
                    need = HEADER.size + size
                    continue
                frame = bytes(self._buf[HEADER.size : need])
                del self._buf[:need]
                return frame
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Timeout
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                raise _Timeout
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self._buf += chunk

    def _death_reason(self) -> str:
        proc = self._proc
        code = proc.wait() if proc is not None else None
        self._kill()
        if code is not None and code < 0:
            sig = -code
            if sig == signal.SIGALRM:
                return f"parsing took longer than the {self.timeout_s:g} s limit: stopped"
            if sig == signal.SIGKILL:
                return "the parser was killed (out of memory?)"
            return f"the file crashed the parser ({signal.Signals(sig).name})"
        return f"the parser stopped unexpectedly (exit code {code})"

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        self._buf.clear()
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


_SHARED: dict[tuple[int, float], IsolatedParser] = {}
_SHARED_LOCK = threading.Lock()


def shared_parser(memory_mb: int, timeout_s: float) -> IsolatedParser:
    """The process's parser with these limits, kept between ingest runs.

    Starting the child loads the parsers (about two seconds); a served app that indexes an
    upload, or a benchmark that runs ingest again, pays it once. The child exits with this
    process (its input closes).
    """
    key = (memory_mb, timeout_s)
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = IsolatedParser(memory_mb, timeout_s)
            if len(_SHARED) == 1:
                atexit.register(_close_shared)
        return _SHARED[key]


def _close_shared() -> None:
    for parser in list(_SHARED.values()):
        parser.close()
