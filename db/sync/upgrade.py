"""After an upgrade: apply what an older schema had to leave aside.

A laptop running an older app keeps pulling changes written by newer ones; the
fields (or whole tables) it does not know are skipped when applied but stay in
its change log. Once the app is upgraded and the file migrated, those changes
are replayed for exactly the fields that were unknown, in log order, through
the same merge rules — so a newer central schema never loses a field an older
client did not know.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from db.sync.merge import Change, Replica
from db.sync.tables import change_log, sync_state


def table_columns(conn: Connection) -> dict[str, set[str]]:
    """The columns each table has in the file right now."""
    tables = [
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {t: {r[1] for r in conn.exec_driver_sql(f'PRAGMA table_info("{t}")')} for t in tables}


def replay_unknown_fields(conn: Connection, before: dict[str, set[str]]) -> int:
    """Re-apply pulled changes for the fields the pre-migration schema lacked."""
    if "change_log" not in before:
        return 0
    after = table_columns(conn)
    gained = {t: cols - before.get(t, set()) for t, cols in after.items()}
    gained = {t: cols for t, cols in gained.items() if cols}
    if not gained:
        return 0
    site = conn.execute(select(sync_state.c.site_id)).scalar_one()
    rows = conn.execute(
        select(change_log)
        .where(
            change_log.c.table_name.in_(gained),
            change_log.c.site_id != site,
            change_log.c.server_seq.is_not(None),
        )
        .order_by(change_log.c.server_seq)
    ).all()
    replay: list[Change] = []
    for row in rows:
        change = Change.from_row(row)
        new_table = change.table_name not in before
        fields = {
            k: v
            for k, v in (change.fields or {}).items()
            if new_table or k in gained[change.table_name]
        }
        if change.op == "D" and new_table:
            replay.append(change)
        elif fields:
            replay.append(
                Change(
                    change.change_id,
                    change.site_id,
                    change.site_seq,
                    change.hlc,
                    change.table_name,
                    change.row_id,
                    change.op if new_table else "U",
                    fields,
                    change.base,
                    change.schema_version,
                    change.user_id,
                    change.server_seq,
                )
            )
    if replay:
        conn.exec_driver_sql("UPDATE sync_state SET capture = 0 WHERE id = 1")
        Replica(conn, site).apply(replay, log=False)
        conn.exec_driver_sql("UPDATE sync_state SET capture = 1 WHERE id = 1")
    return len(replay)
