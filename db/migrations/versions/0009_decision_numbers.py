"""Decision numbers taken twice offline: the (board, year, seq, version) index is no longer unique.

Two laptops recording decisions offline for the same board and year both take
the next number ("OPAB 20/01"). With the unique constraint, applying the other
laptop's decision failed on every replica — the laptops and the central store —
and sync stopped for good. A duplicate number is now allowed in the table and
made visible and correctable instead (`db.services.decisions.duplicate_numbers`,
`renumber_decision`); numbering on one file still runs under its write lock.

- drops `uq_decisions_board_id_year_seq_version`;
- adds the non-unique index `ix_decisions_board_id_year_seq` (the next number
  and the duplicates are read from it) and `ix_decisions_supersedes_id` (a
  decision's newest version is found by following its versions).

SQLite cannot drop a constraint, so the table is rebuilt: its rows are copied
aside (rowids kept), the table dropped and created again from its own stored
definition without the constraint, the rows copied back, then its indexes and
every trigger on it — the append-only refusals, the change capture and the
search index triggers — created again from the SQL they were stored with. No
trigger fires on the way (the implicit delete of `DROP TABLE` runs without
triggers; the new table has none until the end), so nothing is captured for
sync and the search index keeps its entries (keyed by decision id).

A laptop file is migrated with foreign keys on and inside one transaction, where
`PRAGMA foreign_keys` cannot change. `PRAGMA defer_foreign_keys` lets the rows
that cite a decision stand parentless between the drop and the copy back. A
decision may itself be parentless already (sync applies pulled rows with foreign
keys off: an agenda item deleted on one laptop, a decision recorded on it on
another), and copying such a row into a table that checks it would fail the
commit, so the table is created without its foreign key clauses, filled, and its
stored definition then set to the full one with `PRAGMA writable_schema` — the
procedure SQLite documents for changing foreign key constraints, which are not
part of the file's content. The schema cookie is bumped in the same transaction.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26
"""

from __future__ import annotations

import re
from collections.abc import Callable

from alembic import op
from sqlalchemy import Connection

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UNIQUE = "uq_decisions_board_id_year_seq_version"
_UNIQUE_SQL = f"CONSTRAINT {UNIQUE} UNIQUE (board_id, year, seq, version)"
_UNIQUE_RE = re.compile(r",\s*CONSTRAINT " + UNIQUE + r" UNIQUE \([^)]*\)")
_FOREIGN_KEY_RE = re.compile(r",\s*CONSTRAINT \w+ FOREIGN KEY\s*\([^)]*\) REFERENCES \w+ \([^)]*\)")
_CHECK_RE = re.compile(r",(\s*)CONSTRAINT ck_decisions_decision_kind CHECK")
NEW_INDEXES = (
    ("ix_decisions_board_id_year_seq", ("board_id", "year", "seq")),
    ("ix_decisions_supersedes_id", ("supersedes_id",)),
)
_TMP = "_decisions_0009"


def _drop_unique(sql: str) -> str | None:
    new, n = _UNIQUE_RE.subn("", sql)
    return new if n == 1 else None


def _add_unique(sql: str) -> str | None:
    if UNIQUE in sql:
        return None
    new, n = _CHECK_RE.subn(rf",\1{_UNIQUE_SQL},\1CONSTRAINT ck_decisions_decision_kind CHECK", sql)
    return new if n == 1 else None


def _open_transaction(bind: Connection) -> None:
    """Python's sqlite3 opens a transaction only before a data change; the rebuild must be
    one transaction (the deferred foreign key count lives and dies with it)."""
    dbapi = bind.connection.driver_connection
    if dbapi is not None and not dbapi.in_transaction:
        bind.exec_driver_sql("UPDATE alembic_version SET version_num = version_num")


def rebuild_decisions(bind: Connection, transform: Callable[[str], str | None]) -> bool:
    """Rebuild `decisions` with its CREATE TABLE changed by `transform` (None: no change
    needed), keeping its rows, rowids, indexes and triggers; returns whether it was rebuilt."""
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'decisions'"
    ).scalar_one()
    new_sql = transform(table_sql)
    if new_sql is None:
        return False
    _open_transaction(bind)
    bind.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    indexes = [
        r[0]
        for r in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decisions' "
            "AND sql IS NOT NULL ORDER BY name"
        )
    ]
    triggers = [
        r[0]
        for r in bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'decisions' "
            "ORDER BY name"
        )
    ]
    columns = ", ".join(
        f'"{r[1]}"' for r in bind.exec_driver_sql('PRAGMA table_info("decisions")').all()
    )
    bind.exec_driver_sql(f"DROP TABLE IF EXISTS {_TMP}")
    bind.exec_driver_sql(f"CREATE TABLE {_TMP} AS SELECT rowid AS rowid_0009, * FROM decisions")
    bind.exec_driver_sql("DROP TABLE decisions")
    bind.exec_driver_sql(_FOREIGN_KEY_RE.sub("", new_sql))
    bind.exec_driver_sql(
        f"INSERT INTO decisions (rowid, {columns}) "
        f"SELECT rowid_0009, {columns} FROM {_TMP} ORDER BY rowid_0009"
    )
    bind.exec_driver_sql(f"DROP TABLE {_TMP}")
    _set_table_sql(bind, new_sql)
    for sql in indexes + triggers:
        bind.exec_driver_sql(sql)
    return True


def _set_table_sql(bind: Connection, sql: str) -> None:
    """Give `decisions` its full stored definition (with its foreign keys)."""
    cookie = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'decisions'", (sql,)
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {cookie + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _create_indexes() -> None:
    for name, columns in NEW_INDEXES:
        op.create_index(name, "decisions", list(columns), unique=False)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        rebuild_decisions(bind, _drop_unique)
    else:
        op.execute(f'ALTER TABLE decisions DROP CONSTRAINT IF EXISTS "{UNIQUE}"')
    _create_indexes()


def downgrade() -> None:
    """Put the unique constraint back; refused while two decisions share a number."""
    bind = op.get_bind()
    for name, _columns in reversed(NEW_INDEXES):
        op.drop_index(name, table_name="decisions")
    if bind.dialect.name == "sqlite":
        rebuild_decisions(bind, _add_unique)
    else:
        op.create_unique_constraint(UNIQUE, "decisions", ["board_id", "year", "seq", "version"])
