"""First sync: copy the central store's current rows into a new laptop, in pages.

A laptop joining late should not replay years of log: it takes the rows, their
field clocks and open conflicts as of one consistent moment, plus that
moment's `server_seq`, and then tails the log from there like any other.
File bytes are not copied here; they are fetched on demand (and the next
meeting's papers straight away).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert

from db.base import Base
from db.sync import codec
from db.sync.central import Snapshot
from db.sync.engine import Progress
from db.sync.tables import row_clock, sync_conflicts


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def copy_snapshot(snap: Snapshot, conn: Connection, progress: Progress | None) -> int:
    """Copy every synced table's rows, the row clocks and conflicts; returns rows copied."""
    dialect = snap.conn.dialect.name
    total = 0
    for name in snap.tables():
        table = Base.metadata.tables[name]
        columns = snap.columns(name)
        to_wire = codec.table_codecs(table, dialect)[1]
        to_local = codec.table_codecs(table, "sqlite")[0]
        convert = [(to_wire[c], to_local[c]) for c in columns]
        sql = (
            f"INSERT INTO {_q(name)} ({', '.join(_q(c) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        for page in snap.rows(name):
            rows: list[tuple[Any, ...]] = [
                tuple(local(wire(v)) for (wire, local), v in zip(convert, r, strict=True))
                for r in page
            ]
            conn.exec_driver_sql(sql, rows)
            total += len(rows)
            if progress:
                progress(f"snapshot {name}", total, 0)
    for page in snap.clock_rows():
        conn.execute(insert(row_clock), [dict(r._mapping) for r in page])
    conflicts = snap.conflict_rows()
    if conflicts:
        conn.execute(insert(sync_conflicts), [dict(r._mapping) for r in conflicts])
    return total
