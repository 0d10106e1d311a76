"""Change capture: SQLite triggers that log every write to a synced table.

Triggers, not an ORM hook, so that *every* path that writes — the ORM, Core
bulk inserts, a raw `sqlite3` session, a DB browser — leaves a change record
in the same transaction, and capture costs little (it runs inside SQLite).
Each trigger advances the hybrid logical clock held in `sync_state` (wall
milliseconds << 16, never backwards, +1 per change), takes the next site
sequence, and inserts into `change_log` the changed fields only (all fields
for an insert) with the acting user and schema version.

Triggers are generated from the live database's own columns (`PRAGMA
table_info`), not from the models, so a migration that changes a table simply
calls `install(conn)` again and the triggers match what is really there.
Applying remote changes sets `sync_state.capture = 0` inside that transaction
so replayed changes are not captured twice.

Floats are logged as `printf('%!.18g')` text: SQLite's JSON keeps only 15
significant digits, and its plain `%.17g` only 16, either of which would make a
replica differ from its origin; the `!` flag gives the exact round trip
(tested over random doubles).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from db.sync.tables import NOT_SYNCED

# Columns whose content never travels through the change log.
EXCLUDED_COLUMNS = {("blobs", "data")}
TRIGGER_PREFIX = "capture_"

HLC_STEP = (
    "UPDATE sync_state SET "
    "hlc = max(hlc + 1, (CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) "
    "+ clock_offset_ms) << 16), site_seq = site_seq + 1 WHERE id = 1;"
)


@dataclass(frozen=True)
class TableShape:
    """A synced table as the database holds it: its name, key and captured columns."""

    name: str
    primary_key: tuple[str, ...]
    columns: tuple[str, ...]
    float_columns: frozenset[str]


def synced_tables(conn: Connection) -> list[TableShape]:
    """Every table whose writes are captured, read from the database itself."""
    names = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name"
        )
        if row[0] not in NOT_SYNCED and "_fts" not in row[0]
    ]
    shapes = []
    for name in names:
        info = conn.exec_driver_sql(f'PRAGMA table_info("{name}")').all()
        pk = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        columns = tuple(r[1] for r in info if (name, r[1]) not in EXCLUDED_COLUMNS)
        floats = frozenset(
            r[1] for r in info if r[2].upper() in {"FLOAT", "REAL", "DOUBLE", "DOUBLE PRECISION"}
        )
        shapes.append(TableShape(name, pk, columns, floats))
    return shapes


def _value(shape: TableShape, ref: str, column: str) -> str:
    if column in shape.float_columns:
        return f"printf('%!.18g', {ref}.\"{column}\")"
    return f'{ref}."{column}"'


def _row_id(shape: TableShape, ref: str) -> str:
    return " || '/' || ".join(f'CAST({ref}."{c}" AS TEXT)' for c in shape.primary_key)


def _log(shape: TableShape, ref: str, op: str, fields_sql: str) -> str:
    return (
        "INSERT INTO change_log (change_id, site_id, site_seq, hlc, table_name, row_id, op, "
        "fields, schema_version, user_id, folded) "
        f"SELECT site_id || ':' || site_seq, site_id, site_seq, hlc, '{shape.name}', "
        f"{_row_id(shape, ref)}, '{op}', {fields_sql}, schema_version, actor_id, 0 "
        "FROM sync_state WHERE id = 1;"
    )


def trigger_sql(shape: TableShape) -> list[str]:
    """The three capture triggers (insert, update, delete) for one table."""
    enabled = "(SELECT capture FROM sync_state WHERE id = 1) = 1"
    all_fields = (
        "json_object(" + ", ".join(f"'{c}', {_value(shape, 'NEW', c)}" for c in shape.columns) + ")"
    )
    changed = " UNION ALL ".join(
        f'SELECT \'{c}\' AS k, {_value(shape, "NEW", c)} AS v WHERE OLD."{c}" IS NOT NEW."{c}"'
        for c in shape.columns
    )
    any_change = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in shape.columns)
    t = shape.name
    return [
        f'CREATE TRIGGER {TRIGGER_PREFIX}{t}_i AFTER INSERT ON "{t}" WHEN {enabled} BEGIN '
        f"{HLC_STEP} {_log(shape, 'NEW', 'I', all_fields)} END",
        f'CREATE TRIGGER {TRIGGER_PREFIX}{t}_u AFTER UPDATE ON "{t}" '
        f"WHEN {enabled} AND ({any_change}) BEGIN "
        f"{HLC_STEP} "
        f"{_log(shape, 'NEW', 'U', f'(SELECT json_group_object(k, v) FROM ({changed}))')} END",
        f'CREATE TRIGGER {TRIGGER_PREFIX}{t}_d AFTER DELETE ON "{t}" WHEN {enabled} BEGIN '
        f"{HLC_STEP} {_log(shape, 'OLD', 'D', 'NULL')} END",
    ]


def install(conn: Connection) -> int:
    """(Re)create the capture triggers of every synced table; returns how many tables."""
    for (name,) in conn.exec_driver_sql(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{TRIGGER_PREFIX}%'"
    ).all():
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    shapes = synced_tables(conn)
    for shape in shapes:
        for statement in trigger_sql(shape):
            conn.exec_driver_sql(statement)
    return len(shapes)


def record_update(
    conn: Connection, table: str, row_id: str, fields: dict[str, Any], actor_id: str | None
) -> None:
    """Log an update whose values equal what the row already holds (the triggers only
    see real changes): a person confirming one version of a conflicting text."""
    conn.execute(text("UPDATE sync_state SET actor_id = :a WHERE id = 1"), {"a": actor_id})
    conn.exec_driver_sql(HLC_STEP)
    conn.execute(
        text(
            "INSERT INTO change_log (change_id, site_id, site_seq, hlc, table_name, row_id, op, "
            "fields, schema_version, user_id, folded) SELECT site_id || ':' || site_seq, "
            "site_id, site_seq, hlc, :t, :r, 'U', :f, schema_version, actor_id, 0 "
            "FROM sync_state WHERE id = 1"
        ),
        {"t": table, "r": row_id, "f": json.dumps(fields, sort_keys=True)},
    )


def uninstall(conn: Connection) -> None:
    """Drop every capture trigger (downgrade)."""
    for (name,) in conn.exec_driver_sql(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{TRIGGER_PREFIX}%'"
    ).all():
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
