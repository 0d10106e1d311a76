"""Purging tombstones every registered site has passed, without scanning every row clock.

A deleted row leaves a tombstone in its row clock (`merge.TOMB`), stamped with
the delete's `server_seq`; once every registered site has pulled past that
number (the central store's purge horizon) no one can send an update the
tombstone still has to answer, and it goes. A sync with nothing to do must not
read half a million row clocks to find out there is nothing to purge, so each
laptop remembers how far it has purged (`central_meta`, the key/value table the
laptop schema shares with the central store) and looks only at the deletes
numbered since then, through the log's `server_seq` index.

Tombstones that arrived in a first sync's snapshot have no delete in this
laptop's log: until the purge has passed the snapshot's position, the whole
clock table is scanned (the slow way) — at most until every site has caught up
with the moment this laptop joined; so is it the first time a laptop purges
(a file synced before this bookkeeping existed).
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, select

from db.sync import clocks as clock_text
from db.sync.tables import central_meta, change_log, row_clock

TOMB = "~"  # merge.TOMB (not imported: merge imports the models, this stays light)
PURGED = "laptop_purged_through"
SNAPSHOT = "laptop_snapshot_seq"


def _get(conn: Connection, key: str) -> int | None:
    found = conn.execute(select(central_meta.c.value).where(central_meta.c.key == key)).scalar()
    return int(found) if found is not None else None


def _set(conn: Connection, key: str, value: int) -> None:
    updated = conn.execute(
        central_meta.update().where(central_meta.c.key == key).values(value=str(value))
    )
    if not updated.rowcount:
        conn.execute(central_meta.insert().values(key=key, value=str(value)))


def joined_at(conn: Connection, seq: int) -> None:
    """A first sync copied a snapshot taken at `seq` (its tombstones have no log entry)."""
    _set(conn, SNAPSHOT, seq)


def purge(conn: Connection, horizon: int) -> int:
    """Drop the tombstones numbered at or below `horizon`; returns how many went."""
    remembered = _get(conn, PURGED)
    done = remembered or 0
    if horizon <= done:
        return 0  # nothing new has been passed by every site: O(1)
    if remembered is None or done < (_get(conn, SNAPSHOT) or 0):
        candidates: list[tuple[str, str, str]] = [
            (r.table_name, r.row_id, r.clocks)
            for r in conn.execute(
                select(row_clock.c.table_name, row_clock.c.row_id, row_clock.c.clocks).where(
                    row_clock.c.clocks.like('%"~"%')
                )
            )
        ]
    else:
        deleted = conn.execute(
            select(change_log.c.table_name, change_log.c.row_id)
            .where(
                change_log.c.server_seq > done,
                change_log.c.server_seq <= horizon,
                change_log.c.op == "D",
            )
            .distinct()
        ).all()
        candidates = []
        for table_name, row_id in deleted:
            clocks = conn.execute(
                select(row_clock.c.clocks).where(
                    row_clock.c.table_name == table_name, row_clock.c.row_id == row_id
                )
            ).scalar()
            if clocks is not None:
                candidates.append((table_name, row_id, clocks))
    gone = []
    for table_name, row_id, clocks in candidates:
        tomb = clock_text.decode(clocks).get(TOMB)
        if tomb and tomb[3] is not None and int(tomb[3]) <= horizon:
            gone.append({"t": table_name, "r": row_id})
    if gone:
        conn.execute(
            row_clock.delete().where(
                row_clock.c.table_name == bindparam("t"), row_clock.c.row_id == bindparam("r")
            ),
            gone,
        )
    _set(conn, PURGED, horizon)
    return len(gone)
