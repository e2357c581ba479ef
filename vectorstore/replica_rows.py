"""A shared index's manifest rows, out of one host's manifest and into another's.

A report's rows (its record, chunks, sentence vectors, judgements and improvement points) are
copied verbatim, column by column, so that a replica's manifest answers exactly as the
writer's; a generation's state is which reports are live plus the whole ``sources`` and
``provenance`` tables and the index's identity. Applying a state is one SQLite transaction:
readers see the replica's previous generation or the new one, never a mix.
"""

from __future__ import annotations

import base64
from typing import Any

from vectorstore.manifest import Manifest

REPORT_TABLES = ("reports", "chunks", "sentences", "judgements", "improvements")
SHARED_META = ("index_id", "collection", "embedding_model", "embedding_dim")


def _out(value: Any) -> Any:
    return {"b": base64.b64encode(value).decode()} if isinstance(value, bytes) else value


def _in(value: Any) -> Any:
    return base64.b64decode(value["b"]) if isinstance(value, dict) else value


def _columns(manifest: Manifest, table: str) -> list[str]:
    return [r[1] for r in manifest.query(f"PRAGMA table_info({table})")]


def table_rows(manifest: Manifest, table: str, where: str = "", params: tuple = ()) -> dict:
    """A table's rows (all, or those matching ``where``) as JSON-able columns and rows."""
    columns = _columns(manifest, table)
    sql = f"SELECT {', '.join(columns)} FROM {table}" + (f" WHERE {where}" if where else "")
    return {
        "columns": columns,
        "rows": [[_out(v) for v in row] for row in manifest.query(sql, params)],
    }


def report_rows(manifest: Manifest, report_id: str) -> dict:
    """Every row of one report, by table."""
    return {t: table_rows(manifest, t, "report_id=?", (report_id,)) for t in REPORT_TABLES}


def generation_state(manifest: Manifest) -> dict:
    """What a replica needs besides the reports' rows: the live reports, every source path's
    row, the provenance rows, the index's identity and the generation number."""
    return {
        "generation": manifest.generation(),
        "reports": sorted(manifest.live_report_ids()),
        "sources": table_rows(manifest, "sources"),
        "provenance": table_rows(manifest, "provenance"),
        "meta": {k: manifest.get_meta(k) for k in SHARED_META if manifest.get_meta(k) is not None},
    }


def _insert(c, table: str, data: dict) -> None:
    if data["rows"]:
        names = ", ".join(data["columns"])
        marks = ", ".join("?" * len(data["columns"]))
        c.executemany(
            f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})",
            [[_in(v) for v in row] for row in data["rows"]],
        )


def _forget(c, report_id: str) -> None:
    for table in REPORT_TABLES:
        c.execute(f"DELETE FROM {table} WHERE report_id=?", (report_id,))


def apply_state(manifest: Manifest, state: dict, reports: dict[str, dict], state_id: str) -> None:
    """Make the manifest hold exactly a published generation, in one transaction.

    Args:
        manifest: The replica's manifest.
        state: The generation's state (see :func:`generation_state`).
        reports: The rows of every live report of the state the manifest does not hold live.
        state_id: The id the state was published under (remembered in the manifest).

    Raises:
        ValueError: A live report of the state is neither held nor given.
    """
    keep = set(state["reports"])
    with manifest.transaction() as c:
        held = {r[0]: r[1] for r in c.execute("SELECT report_id, status FROM reports")}
        lacking = {rid for rid in keep if held.get(rid) != "live"} - set(reports)
        if lacking:
            raise ValueError(f"{len(lacking)} live reports of the shared state are missing")
        for rid in held:
            if rid not in keep or rid in reports:
                _forget(c, rid)
        for rid, rows in reports.items():
            for table in REPORT_TABLES:
                _insert(c, table, rows[table])
            c.execute("UPDATE reports SET status='live' WHERE report_id=?", (rid,))
        c.execute("DELETE FROM sources")
        _insert(c, "sources", state["sources"])
        c.execute("DELETE FROM provenance")
        _insert(c, "provenance", state["provenance"])
        # Never a number this folder served before: its caches are keyed by the number.
        (current,) = c.execute(
            "SELECT COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key='generation'), 0)"
        ).fetchone()
        generation = str(max(current + 1, int(state["generation"])))
        meta = {
            **state["meta"],
            "generation": generation,
            "shared_state": state_id,
            "shared_generation": generation,
        }
        c.executemany(
            "INSERT INTO meta(key, value) VALUES(?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            list(meta.items()),
        )
