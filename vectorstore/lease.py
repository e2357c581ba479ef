"""One writer at a time across hosts: a lease kept in the shared state.

Chroma has no compare-and-set, so a lease is taken in three steps: look (an unexpired claim of
someone else refuses at once), write one's own claim, wait ``settle_s``, then read every claim
back: of the unexpired ones, the earliest (``since``, then token) wins and the others withdraw.
Two claimants that overlap both see both claims and agree on the winner; one that writes after
another's settle time has passed sees the older claim and withdraws. The holder renews its claim
every third of ``ttl_s`` while it writes; a claim left by a process that died lapses after
``ttl_s`` and the next writer takes it over.

Limits: the hosts' clocks must agree to well within ``settle_s`` (``since``) and ``ttl_s``
(expiry), and every host must reach the same Chroma server; a writer cut off from the server
for longer than ``ttl_s`` loses its lease, and then refuses to publish what it wrote.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from vectorstore.shared_state import LeaseRecord, SharedState, SharedStateError

log = logging.getLogger("inspection_assistant.lease")


class LeaseHeldError(RuntimeError):
    """Another host or process is writing the shared index.

    Attributes:
        holder: The claim that holds the lease.
    """

    def __init__(self, holder: LeaseRecord, now: float) -> None:
        left = max(0.0, holder.expires - now)
        super().__init__(
            f"another ingest is writing this shared index ({holder.describe()}; its lease "
            f"lapses in {left:.0f} s unless renewed): try again when it has finished"
        )
        self.holder = holder


class LeaseLostError(RuntimeError):
    """The lease lapsed or was taken over while this process was writing."""


class Lease:
    """A claim on the shared index's writer lease.

    Args:
        state: The shared state the claims live in.
        ttl_s: How long a claim stands unless renewed.
        settle_s: How long to wait between writing a claim and reading every claim back.
    """

    def __init__(self, state: SharedState, ttl_s: float, settle_s: float) -> None:
        self.state = state
        self.ttl_s = ttl_s
        self.settle_s = settle_s
        self.mine: LeaseRecord | None = None
        self.lost = threading.Event()

    def _valid(self, now: float) -> list[LeaseRecord]:
        claims = self.state.leases()
        for stale in (c for c in claims if c.expires <= now):
            if self.mine is None or stale.token != self.mine.token:
                log.warning(
                    "taking over the lease of %s: it lapsed %.0f s ago",
                    stale.describe(),
                    now - stale.expires,
                )
                self.state.drop_lease(stale.token)
        return sorted((c for c in claims if c.expires > now), key=lambda c: (c.since, c.token))

    def acquire(self) -> None:
        """Take the lease.

        Raises:
            LeaseHeldError: Another claim holds it (or won a simultaneous claim).
            SharedStateError: The shared state cannot be reached.
        """
        now = time.time()
        others = self._valid(now)
        if others:
            raise LeaseHeldError(others[0], now)
        self.mine = LeaseRecord(
            secrets.token_hex(8), socket.gethostname(), os.getpid(), now, now + self.ttl_s
        )
        self.state.put_lease(self.mine)
        time.sleep(self.settle_s)
        now = time.time()
        winner = self._valid(now)
        if not winner or winner[0].token != self.mine.token:
            self.state.drop_lease(self.mine.token)
            mine, self.mine = self.mine, None
            raise LeaseHeldError(winner[0] if winner else mine, now)

    def renew(self) -> None:
        """Extend the claim; sets ``lost`` when another claim has taken its place."""
        if self.mine is None:
            return
        now = time.time()
        first = self._valid(now)
        if not first or first[0].token != self.mine.token:
            self.lost.set()
            return
        self.mine = LeaseRecord(
            self.mine.token, self.mine.host, self.mine.pid, self.mine.since, now + self.ttl_s
        )
        self.state.put_lease(self.mine)

    def check(self) -> None:
        """Raise ``LeaseLostError`` unless this claim still holds the lease (read back now)."""
        self.renew()
        if self.lost.is_set():
            raise LeaseLostError(
                "this ingest lost its lease on the shared index (cut off from the Chroma "
                "server for longer than the lease lasts): what it wrote is not published; "
                "run it again"
            )

    def release(self) -> None:
        """Give the lease up."""
        if self.mine is not None:
            try:
                self.state.drop_lease(self.mine.token)
            except SharedStateError as exc:
                log.warning("the lease could not be released (it lapses by itself): %s", exc)
            self.mine = None

    @contextmanager
    def held(self) -> Iterator[Lease]:
        """Hold the lease, renewed in the background, for the body of a ``with``."""
        self.acquire()
        stop = threading.Event()

        def keep() -> None:
            while not stop.wait(self.ttl_s / 3):
                try:
                    self.renew()
                except SharedStateError as exc:  # tried again next time; lapses if it lasts
                    log.warning("the lease could not be renewed: %s", exc)

        renewer = threading.Thread(target=keep, daemon=True, name="lease-renewer")
        renewer.start()
        try:
            yield self
        finally:
            stop.set()
            renewer.join()
            self.release()
