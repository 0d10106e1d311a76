"""First sync: copy the central store's current rows into a new laptop, in pages.

A laptop joining late should not replay years of log: it takes the rows, their
field clocks and open conflicts as of one consistent moment, plus that
moment's `server_seq`, and then tails the log from there like any other.
File bytes are not copied here; they are fetched on demand (and the next
meeting's papers straight away).

The copy is a bulk load into empty tables, inside the caller's transaction, so
it is shaped like one: rows arrive in primary key order (their key indexes fill
in order), the secondary indexes of the copied tables are dropped first and
built once at the end, and the search index is paused and built in bulk after
(`db.sync.fts`). All of it is transactional DDL: a crash half-way leaves the
empty laptop as it was, indexes and triggers included.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from db.base import Base
from db.sync import codec, fts
from db.sync.central import Snapshot
from db.sync.engine import Progress
from db.sync.tables import row_clock, sync_conflicts

# The page cache while copying (KiB): large enough that the copy's pages are not
# written out and read back during the transaction.
COPY_CACHE_KIB = 256 * 1024


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _insert_sql(table: str, columns: Iterable[str]) -> str:
    names = list(columns)
    return (
        f"INSERT INTO {_q(table)} ({', '.join(_q(c) for c in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )


def drop_indexes(conn: Connection, tables: Iterable[str]) -> list[str]:
    """Drop the secondary indexes of `tables`; returns the statements that rebuild them."""
    wanted = set(tables)
    found = conn.exec_driver_sql(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).all()
    statements = []
    for name, table, sql in found:
        if table in wanted:
            conn.exec_driver_sql(f"DROP INDEX {_q(name)}")
            statements.append(str(sql))
    return statements


def copy_snapshot(snap: Snapshot, conn: Connection, progress: Progress | None) -> int:
    """Copy every synced table's rows, the row clocks and conflicts; returns rows copied."""
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = {-COPY_CACHE_KIB}")
    try:
        return _copy(snap, conn, progress)
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000)}")


def _copy(snap: Snapshot, conn: Connection, progress: Progress | None) -> int:
    dialect = snap.conn.dialect.name
    tables = snap.tables()
    paused = fts.pause(conn)
    rebuild = drop_indexes(conn, [*tables, row_clock.name])
    total = 0
    for name in tables:
        table = Base.metadata.tables[name]
        columns = snap.columns(name)
        sql = _insert_sql(name, columns)
        if dialect == "sqlite":  # stored values are the wire form, which a laptop stores
            for page in snap.rows(name):
                conn.exec_driver_sql(sql, list(page))
                total += len(page)
                if progress:
                    progress(f"snapshot {name}", total, 0)
            continue
        to_wire = codec.table_codecs(table, dialect)[1]
        to_local = codec.table_codecs(table, "sqlite")[0]
        convert = [
            (i, to_wire[c], to_local[c])
            for i, c in enumerate(columns)
            if not codec.is_plain(table.c[c])
        ]
        for page in snap.rows(name):
            rows: list[tuple[Any, ...]] = []
            for r in page:
                values = list(r)
                for i, wire, local in convert:
                    values[i] = local(wire(values[i]))
                rows.append(tuple(values))
            conn.exec_driver_sql(sql, rows)
            total += len(rows)
            if progress:
                progress(f"snapshot {name}", total, 0)
    clock_sql = _insert_sql(row_clock.name, ["table_name", "row_id", "clocks"])
    for page in snap.clock_rows():
        conn.exec_driver_sql(clock_sql, [tuple(r) for r in page])
    conflicts = snap.conflict_rows()
    if conflicts:
        names = [c.name for c in sync_conflicts.columns]
        conn.exec_driver_sql(
            _insert_sql(sync_conflicts.name, names),
            [tuple(r._mapping[n] for n in names) for r in conflicts],
        )
    for statement in rebuild:
        conn.exec_driver_sql(statement)
    if paused:
        fts.rebuild(conn)
    return total
