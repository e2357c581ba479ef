"""A shared index: many app instances, on many hosts, serving one index kept in a Chroma server.

With ``store.shared`` set (and the ``chroma-server`` backend), everything a replica needs to
answer lives in the server: the vectors in the index's collection, the manifest's rows and the
live generation in its state collection (:mod:`vectorstore.shared_state`). The index folder of
each instance is only a cache of the generation it serves: an empty or older folder is brought
to the live generation when the index is opened, and a running app polls the pointer every
``shared_poll_s`` and swaps the new generation in the way a local ingest's is (one SQLite
transaction, then the keyword index built again from the manifest).

A writer takes the lease (:mod:`vectorstore.lease`), brings its folder to the live generation,
writes as before, then publishes: the rows of reports the state lacks, the generation's state,
and last the pointer. A reader therefore never sees a generation whose parts are not all there.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vectorstore.chroma import server_client
from vectorstore.index import MANIFEST, Index
from vectorstore.lease import Lease
from vectorstore.locks import IndexLockedError, writer_lock
from vectorstore.manifest import Manifest
from vectorstore.replica_rows import apply_state, generation_state, report_rows
from vectorstore.shared_state import Pointer, SharedState, SharedStateError

SHARED_COLLECTION = "ia-shared"
log = logging.getLogger("inspection_assistant.replica")


def shared_state_for(host: str, port: int, collection: str | None, piece_bytes: int) -> SharedState:
    """The state collection of the shared index named by ``collection`` (default
    ``ia-shared``) on the Chroma server at ``host``:``port``."""
    return SharedState(
        lambda: server_client(host, port), collection or SHARED_COLLECTION, piece_bytes
    )


class SharedIndex(Index):
    """An index folder that caches a shared index kept in a Chroma server.

    Args:
        path: The cache folder (empty, or holding an earlier generation of the same index).
        host: Chroma server host.
        port: Chroma server port.
        collection: The collection of the index's vectors; None: the one this folder records,
            else ``ia-shared``.
        poll_s: Seconds between two looks at the live generation while following it.
        lease_ttl_s: How long a writer's lease stands unless renewed.
        lease_settle_s: How long a writer waits between claiming the lease and checking it won.
        piece_bytes: The largest piece of a payload in one record of the shared state.

    Raises:
        ValueError: The folder holds another index than the shared one of that name.
        SharedStateError: The shared state cannot be read and the folder holds no copy.
    """

    def __init__(
        self,
        path: Path,
        *,
        host: str,
        port: int,
        collection: str | None,
        poll_s: float,
        lease_ttl_s: float,
        lease_settle_s: float,
        piece_bytes: int,
    ) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        local = Manifest(path / MANIFEST)
        try:
            name = local.get_meta("collection") or collection or SHARED_COLLECTION
            self.shared = shared_state_for(host, port, name, piece_bytes)
            mine = local.get_meta("index_id")
            try:
                pointer = self.shared.pointer()
            except SharedStateError as exc:
                if not mine:  # a new index here could never join the shared one later
                    raise SharedStateError(f"{exc}; {path} holds no copy of it yet") from exc
                log.warning("%s: answering from the copy in %s", exc, path)
                pointer = None
            if pointer is not None and mine and mine != pointer.index_id:
                raise ValueError(
                    f"the folder {path} caches another index (id {mine}) than the shared index "
                    f"of the collection {name!r} (id {pointer.index_id}): use an empty folder"
                )
            # A new replica joins the shared index; a first writer joins one whose first
            # ingest was cut off before it published (its collection names the index).
            joined = None if mine else pointer.index_id if pointer else self._owner(name)
            if joined:
                local.set_meta("index_id", joined)
                local.set_meta("collection", name)
        finally:
            local.close()
        super().__init__(path, store="chroma-server", host=host, port=port, collection=name)
        self.poll_s = poll_s
        self.lease = Lease(self.shared, lease_ttl_s, lease_settle_s)
        self._problem: str | None = None
        if pointer is not None:
            try:
                self.catch_up()
            except SharedStateError as exc:
                log.warning("%s: answering from the copy in %s", exc, path)

    def _owner(self, name: str) -> str | None:
        """The index id recorded on the vectors collection, or None when there is none."""
        from chromadb.errors import NotFoundError

        try:
            col = self.shared.connect().get_collection(name)
        except NotFoundError:
            return None
        except Exception as exc:
            raise SharedStateError(f"the shared index cannot be read: {exc}") from exc
        return (col.metadata or {}).get("index_id")

    # -- reading: following the live generation --------------------------------------------
    def behind(self, pointer: Pointer) -> bool:
        """True when this folder does not hold exactly the pointer's generation (an older
        one, or changes of its own that were never published)."""
        m = self.manifest
        return m.get_meta("shared_state") != pointer.state_id or m.get_meta(
            "shared_generation"
        ) != str(m.generation())

    def catch_up(self) -> bool:
        """Bring the folder to the live generation, unless a writer on this folder is at work
        (it publishes, and this folder is then current).

        Returns:
            True when a new generation was applied.

        Raises:
            SharedStateError: The shared state cannot be read (nothing is changed then).
        """
        pointer = self.shared.pointer()
        if pointer is None or not self.behind(pointer):
            return False
        try:
            with writer_lock(self.path, wait=False):
                return self._catch_up_locked()
        except IndexLockedError:
            return False

    def _catch_up_locked(self) -> bool:
        pointer = self.shared.pointer()
        if pointer is None or not self.behind(pointer):
            return False
        t0 = time.perf_counter()
        state = self.shared.get(f"state:{pointer.state_id}")
        held = self.manifest.live_report_ids()
        need = [rid for rid in state["reports"] if rid not in held]
        rows = {rid: self.shared.get(f"report:{rid}") for rid in need}
        apply_state(self.manifest, state, rows, pointer.state_id)
        self._live = None
        self.keywords.rebuild()
        log.info(
            "now serving the shared generation %d (%d new reports) after %.1f s",
            pointer.generation,
            len(need),
            time.perf_counter() - t0,
        )
        return True

    def follow(self, stop: threading.Event) -> threading.Thread:
        """Poll the live generation every ``poll_s`` in a background thread until ``stop``
        is set; a failure is logged once and tried again (questions are answered from the
        generation already held meanwhile)."""

        def loop() -> None:
            while not stop.wait(self.poll_s):
                try:
                    self.catch_up()
                    problem = None
                except Exception as exc:  # a server restarting: try again next time
                    problem = f"{type(exc).__name__}: {exc}"
                if problem != self._problem:
                    if problem:
                        log.warning("the shared index cannot be followed now (%s)", problem)
                    else:
                        log.warning("the shared index is followed again")
                    self._problem = problem

        thread = threading.Thread(target=loop, daemon=True, name="shared-index-follower")
        thread.start()
        return thread

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the folder's writer lock and the shared lease, start from the live generation,
        and publish what was written when the body ends without an error.

        Raises:
            LeaseHeldError: Another host or process holds the lease.
            LeaseLostError: The lease was lost while writing (nothing is published).
            SharedStateError: The shared state cannot be read or written.
        """
        with writer_lock(self.path), self.lease.held():
            self._catch_up_locked()
            yield
            pointer = self.shared.pointer()
            if pointer is None or self.behind(pointer):
                self.publish(pointer)

    def publish(self, previous: Pointer | None) -> None:
        """Publish this folder's generation and make it the live one (the lease held)."""
        self.lease.check()
        m = self.manifest
        state = generation_state(m)
        keys = [f"report:{rid}" for rid in state["reports"]]
        present = self.shared.present(keys)
        for rid, key in zip(state["reports"], keys, strict=True):
            if key not in present:
                self.shared.put(key, report_rows(m, rid))
        state_id = uuid.uuid4().hex
        self.shared.put(f"state:{state_id}", state)
        self.lease.check()
        pointer = Pointer(
            state_id, state["generation"], self.index_id, time.time(), socket.gethostname()
        )
        self.shared.flip(pointer)
        m.set_meta("shared_state", state_id)
        m.set_meta("shared_generation", str(state["generation"]))
        log.info("published generation %d (%d reports)", pointer.generation, len(keys))
        self._collect(previous, state_id, set(keys))

    def _collect(self, previous: Pointer | None, state_id: str, keys: set[str]) -> None:
        """Delete what neither the live generation nor the one before it needs (a replica may
        still be reading the one before)."""
        try:
            keep_states = {f"state:{state_id}"}
            if previous is not None:
                keep_states.add(f"state:{previous.state_id}")
                before = self.shared.get(f"state:{previous.state_id}")
                keys = keys | {f"report:{rid}" for rid in before["reports"]}
            self.shared.remove(self.shared.keys("state") - keep_states)
            self.shared.remove(self.shared.keys("report") - keys)
        except SharedStateError as exc:
            log.warning("old generations are left in the shared state for now: %s", exc)
