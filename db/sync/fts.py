"""The laptop's search index during a first sync: off while rows are copied, then built in bulk.

The search index (`search_fts`, migration 0005) is kept in step by triggers, one
row at a time. Copying a whole board into a new laptop through them costs more
than the copy itself (three quarters of a first sync on the large board), so
the snapshot copy switches them off and builds the index afterwards with one
`INSERT … SELECT` per source — the statements the migration uses to index an
existing file. The triggers stand still on a file that holds
`central_meta.min_client_schema` (that is how a central store opts out), so
switching them off is one row, inside the copy's transaction: a crash leaves
them on and the copy rolled back.

The sources are read from the migration itself (not copied), so what the bulk
build writes is what the triggers would have written; a test compares the two.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

from sqlalchemy import Connection

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "versions" / "0005_search.py"
MARKER = "min_client_schema"
LOCAL = "laptop (search index paused for a first sync)"


@cache
def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("boardpack_migration_0005_search", MIGRATION)
    if spec is None or spec.loader is None:  # pragma: no cover - the file ships with the app
        raise ImportError(f"cannot load {MIGRATION}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def has_index(conn: Connection) -> bool:
    """Whether this file has the search index at all (SQLite files at revision 0005+)."""
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('search_fts', 'search_fts_docs')"
    ).scalar_one()
    return int(found) == 2


def pause(conn: Connection) -> bool:
    """Stop the index triggers for this transaction's copy; False if there is nothing to pause."""
    if not has_index(conn):
        return False
    if conn.exec_driver_sql(
        "SELECT 1 FROM central_meta WHERE key = ?", (MARKER,)
    ).first():  # a central store: its triggers never run
        return False
    conn.exec_driver_sql("INSERT INTO central_meta (key, value) VALUES (?, ?)", (MARKER, LOCAL))
    return True


def rebuild(conn: Connection) -> None:
    """Turn the triggers back on and index every source row, as the migration does."""
    conn.exec_driver_sql("DELETE FROM central_meta WHERE key = ? AND value = ?", (MARKER, LOCAL))
    migration = _migration()
    conn.exec_driver_sql("DELETE FROM search_fts")
    conn.exec_driver_sql("DELETE FROM search_fts_docs")
    for source in migration.SOURCES:
        conn.exec_driver_sql(
            "INSERT INTO search_fts_docs (id, source_id) "
            f"SELECT {source.low} + row_number() OVER (ORDER BY t.rowid), t.id "
            f"FROM {source.table} AS t"
        )
        conn.exec_driver_sql(
            "INSERT INTO search_fts (rowid, title, body) SELECT d.id, "
            f"{source.title.format(r='t')}, {source.body.format(r='t')} "
            f"FROM search_fts_docs AS d JOIN {source.table} AS t ON t.id = d.source_id "
            f"WHERE d.id BETWEEN {source.low} AND {source.high} ORDER BY d.id"
        )
