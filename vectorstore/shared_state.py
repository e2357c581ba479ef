"""The state of a shared index kept in the Chroma server beside its vectors.

When several app instances on different hosts serve one index, everything a replica needs to
answer lives in one Chroma collection of its own, ``<collection>-state`` (the vectors stay in
``<collection>``):

* ``report:<report_id>``: a report's manifest rows (its record, chunks, sentence vectors,
  judgements, improvement points), written once: a report id names its bytes and parser.
* ``state:<state_id>``: one published generation: which reports are live, every source
  path's row, the provenance rows and the index's identity.
* ``pointer``: the live generation (its state id and number), flipped last.
* ``lease:<token>``: a writer's claim (see :mod:`vectorstore.lease`).

Payloads are compressed JSON, base64 in the records' metadata (documents would be full-text
indexed by Chroma), cut into pieces with the whole payload's checksum on every piece, so a
payload read half-written or damaged is refused, never applied.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

POINTER = "pointer"


class SharedStateError(RuntimeError):
    """The shared state cannot be read or written, or a payload in it is incomplete."""


@dataclass(frozen=True)
class Pointer:
    """The live generation of a shared index.

    Attributes:
        state_id: The ``state:`` payload of that generation.
        generation: Its generation number (the writer's manifest generation).
        index_id: The id of the index the state belongs to.
        published_at: When it was published (seconds since the epoch, the writer's clock).
        host: The host that published it.
    """

    state_id: str
    generation: int
    index_id: str
    published_at: float
    host: str


@dataclass(frozen=True)
class LeaseRecord:
    """One writer's claim on a shared index.

    Attributes:
        token: A random token naming the claim.
        host: The claiming host's name.
        pid: The claiming process.
        since: When the claim was first made (the claimant's clock).
        expires: When it lapses unless renewed (the claimant's clock).
    """

    token: str
    host: str
    pid: int
    since: float
    expires: float

    def describe(self) -> str:
        """The holder for people: "host web-2, process 4242"."""
        return f"host {self.host}, process {self.pid}"


def state_collection(collection: str) -> str:
    """The name of the state collection of the index whose vectors are in ``collection``."""
    return f"{collection}-state"


def record_collection(client: Any, name: str, holds: str):
    """A collection of records kept in their metadata (made when missing): its vectors are a
    constant one-dimensional one, never searched."""
    return client.get_or_create_collection(
        name,
        configuration={"hnsw": {"space": "l2"}},
        metadata={"holds": holds},
        embedding_function=None,
    )


class SharedState:
    """The state collection of one shared index on a Chroma server.

    Args:
        connect: Makes a Chroma client of the server (called again after a failure).
        collection: The collection of the index's vectors.
        piece_bytes: The largest piece of a payload in one record.
    """

    def __init__(self, connect: Callable[[], Any], collection: str, piece_bytes: int) -> None:
        self.connect = connect
        self.name = state_collection(collection)
        self.piece_bytes = max(1024, int(piece_bytes))
        self._col = None

    @property
    def col(self):
        """The state collection (made on first use)."""
        if self._col is None:
            self._col = record_collection(
                self.connect(), self.name, "inspection-assistant shared state"
            )
        return self._col

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except SharedStateError:
            raise
        except Exception as exc:
            self._col = None  # a restarted server: open the collection again next time
            raise SharedStateError(f"the shared state cannot be {what}: {exc}") from exc

    def _upsert(self, ids: list[str], metadatas: list[dict]) -> None:
        # Chroma wants a vector per record: a constant one-dimensional one (never searched).
        self._call(
            "written",
            lambda: self.col.upsert(ids=ids, embeddings=[[0.0]] * len(ids), metadatas=metadatas),
        )

    def _get(self, **kwargs) -> dict:
        return self._call("read", lambda: self.col.get(**kwargs))

    def _delete(self, ids: list[str]) -> None:
        if ids:
            self._call("written", lambda: self.col.delete(ids=ids))

    # -- payloads ------------------------------------------------------------------------
    def put(self, key: str, value: Any) -> None:
        """Write a JSON-able value under a key, in checksummed pieces."""
        data = base64.b64encode(zlib.compress(json.dumps(value).encode(), 6)).decode()
        digest = hashlib.sha256(data.encode()).hexdigest()
        step = self.piece_bytes
        parts = [data[i : i + step] for i in range(0, len(data), step)] or [""]
        n = len(parts)
        # Piece 0 goes last: when it is there, every other piece is (see ``present``).
        order = [*range(1, n), 0]
        for start in range(0, n, 8):  # a few MB per request
            batch = order[start : start + 8]
            metas = [
                {
                    "key": key,
                    "kind": key.split(":", 1)[0],
                    "i": i,
                    "n": n,
                    "sha256": digest,
                    "data": parts[i],
                }
                for i in batch
            ]
            self._upsert([f"{key}#{i}" for i in batch], metas)

    def get(self, key: str) -> Any:
        """The value under a key.

        Raises:
            SharedStateError: It is missing, incomplete or does not match its checksum.
        """
        got = self._get(where={"key": key}, include=["metadatas"])
        pieces = {m["i"]: m for m in got["metadatas"] or [] if m}
        if not pieces:
            raise SharedStateError(f"the shared state has no {key}")
        first = next(iter(pieces.values()))
        n, digest = first["n"], first["sha256"]
        if sorted(pieces) != list(range(n)) or any(p["sha256"] != digest for p in pieces.values()):
            raise SharedStateError(f"the shared {key} is incomplete (being written or replaced)")
        data = "".join(pieces[i]["data"] for i in range(n))
        if hashlib.sha256(data.encode()).hexdigest() != digest:
            raise SharedStateError(f"the shared {key} does not match its checksum")
        try:
            return json.loads(zlib.decompress(base64.b64decode(data)))
        except (ValueError, zlib.error) as exc:
            raise SharedStateError(f"the shared {key} cannot be decoded: {exc}") from exc

    def present(self, keys: list[str]) -> set[str]:
        """The keys among these written whole (their piece 0, written last, is there)."""
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            got = self._get(ids=[f"{k}#0" for k in part], include=[])
            found |= {i.rsplit("#", 1)[0] for i in got["ids"]}
        return found

    def keys(self, kind: str) -> set[str]:
        """Every key of one kind ("report", "state")."""
        got = self._get(where={"kind": kind}, include=[])
        return {i.rsplit("#", 1)[0] for i in got["ids"]}

    def remove(self, keys: set[str]) -> None:
        """Delete every piece of these keys."""
        for key in sorted(keys):
            got = self._get(where={"key": key}, include=[])
            self._delete(list(got["ids"]))

    # -- the pointer -----------------------------------------------------------------------
    def pointer(self) -> Pointer | None:
        """The live generation, or None before the first publication."""
        got = self._get(ids=[POINTER], include=["metadatas"])
        if not got["ids"]:
            return None
        m = got["metadatas"][0]
        return Pointer(m["state_id"], int(m["generation"]), m["index_id"], m["at"], m["host"])

    def flip(self, p: Pointer) -> None:
        """Make a published generation the live one (one record: readers see old or new)."""
        self._upsert(
            [POINTER],
            [
                {
                    "kind": "pointer",
                    "state_id": p.state_id,
                    "generation": p.generation,
                    "index_id": p.index_id,
                    "at": p.published_at,
                    "host": p.host,
                }
            ],
        )

    # -- leases ----------------------------------------------------------------------------
    def leases(self) -> list[LeaseRecord]:
        """Every lease record, expired ones too."""
        got = self._get(where={"kind": "lease"}, include=["metadatas"])
        return [
            LeaseRecord(m["token"], m["host"], int(m["pid"]), m["since"], m["expires"])
            for m in got["metadatas"] or []
            if m
        ]

    def put_lease(self, lease: LeaseRecord) -> None:
        """Write (or renew) a lease record."""
        self._upsert(
            [f"lease:{lease.token}"],
            [
                {
                    "kind": "lease",
                    "token": lease.token,
                    "host": lease.host,
                    "pid": lease.pid,
                    "since": lease.since,
                    "expires": lease.expires,
                }
            ],
        )

    def drop_lease(self, token: str) -> None:
        """Delete a lease record."""
        self._delete([f"lease:{token}"])
