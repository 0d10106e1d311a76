"""The laptop's search index while sync writes rows: paused, then built or re-indexed in bulk.

The search index (`search_fts`, migration 0005) is kept in step by triggers, one
row at a time. Copying a whole board into a new laptop through them costs more
than the copy itself (three quarters of a first sync on the large board), so
the snapshot copy switches them off and builds the index afterwards with one
`INSERT … SELECT` per source — the statements the migration uses to index an
existing file. The triggers stand still on a file that holds
`central_meta.min_client_schema` (that is how a central store opts out), so
switching them off is one row, inside the copy's transaction: a crash leaves
them on and the copy rolled back.

Applying a pulled batch does the same on a smaller scale (`Reindex`): the
triggers are paused for the batch, the rows whose indexed text it wrote are
noted, and at the end of the batch — in its transaction — their documents are
removed and added again with a few set statements per source, in the order of
each row's last write (the order the triggers would have given them their new
rowids, newest last). Rows the batch deleted just lose their documents.

The sources are read from the migration itself (not copied), so what the bulk
build writes is what the triggers would have written; a test compares the two.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

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


@cache
def watched() -> dict[str, tuple[frozenset[str], tuple[Any, ...]]]:
    """Per indexed table: the columns whose change re-indexes a row, and its sources."""
    found: dict[str, tuple[set[str], list[Any]]] = {}
    for source in _migration().SOURCES:
        columns, sources = found.setdefault(source.table, (set(), []))
        columns.update(("id", *source.watched))
        sources.append(source)
    return {t: (frozenset(c), tuple(s)) for t, (c, s) in found.items()}


@dataclass
class Reindex:
    """The rows of one applied batch whose documents must be rebuilt, in last-write order.

    `start(conn)` pauses the triggers (False, and nothing to do, on a file without the
    index, on a central store, or when an outer copy has paused them already);
    `note` records a written row; `finish()` rebuilds the noted rows' documents and
    turns the triggers back on.
    """

    conn: Any = None
    active: bool = False
    _rows: dict[str, dict[str, None]] = field(default_factory=dict)

    def start(self, conn: Connection) -> bool:
        self.conn = conn
        self.active = conn.dialect.name == "sqlite" and pause(conn)
        return self.active

    def note(self, table: str, row_id: str, columns: Any = None) -> None:
        """A row was inserted or deleted (`columns` None) or these columns of it set."""
        if not self.active:
            return
        spec = watched().get(table)
        if spec is None or (columns is not None and spec[0].isdisjoint(columns)):
            return
        rows = self._rows.setdefault(table, {})
        rows.pop(row_id, None)  # its last write decides its place
        rows[row_id] = None

    def finish(self) -> None:
        if not self.active:
            return
        conn = self.conn
        conn.exec_driver_sql(
            "DELETE FROM central_meta WHERE key = ? AND value = ?", (MARKER, LOCAL)
        )
        self.active = False
        for table, rows in self._rows.items():
            ids = json.dumps(list(rows))
            for source in watched()[table][1]:
                _reindex(conn, source, ids)
        self._rows.clear()


def _reindex(conn: Connection, source: Any, ids: str) -> None:
    """Remove, then add again (at the top of the source's rowid range), the documents of
    the rows named in the JSON array `ids`; rows no longer there get none."""
    span = f"BETWEEN {source.low} AND {source.high}"
    # FTS5 finds a document by one rowid at a time; `rowid IN (subquery)` scanned them all
    old = conn.exec_driver_sql(
        "SELECT id FROM search_fts_docs WHERE source_id IN (SELECT value FROM json_each(?)) "
        f"AND id {span}",
        (ids,),
    ).all()
    if old:
        conn.exec_driver_sql("DELETE FROM search_fts WHERE rowid = ?", [tuple(r) for r in old])
    conn.exec_driver_sql(
        "DELETE FROM search_fts_docs WHERE source_id IN (SELECT value FROM json_each(?)) "
        f"AND id {span}",
        (ids,),
    )
    top = conn.exec_driver_sql(
        f"SELECT coalesce((SELECT id FROM search_fts_docs WHERE id {span} "
        f"ORDER BY id DESC LIMIT 1), {source.low})"
    ).scalar_one()
    conn.exec_driver_sql(
        "INSERT INTO search_fts_docs (id, source_id) "
        f"SELECT {int(top)} + row_number() OVER (ORDER BY j.key), t.id "
        f"FROM json_each(?) AS j JOIN {source.table} AS t ON t.id = j.value",
        (ids,),
    )
    conn.exec_driver_sql(
        "INSERT INTO search_fts (rowid, title, body) SELECT d.id, "
        f"{source.title.format(r='t')}, {source.body.format(r='t')} "
        f"FROM search_fts_docs AS d JOIN {source.table} AS t ON t.id = d.source_id "
        f"WHERE d.id > {int(top)} AND d.id <= {source.high} ORDER BY d.id"
    )
