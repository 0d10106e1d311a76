"""Sync storage for applying pulled batches fast: compact row clocks, one fewer index entry.

- On a laptop, `row_clock.clocks` is rewritten in the grouped form of
  `db.sync.clocks` (one site id per distinct clock instead of one per field:
  1,049 -> 285 bytes a row on the bench board), into a new table so the file
  gives the space back. A central store's clocks keep the earlier form, which
  every app version reads (an older laptop's first sync copies them as they are).
- `ix_change_log_fold` becomes partial on SQLite (`WHERE folded = 0`): it serves
  only the fold of a laptop's own unfolded changes, and every pulled change
  (folded already) was an entry in it. On PostgreSQL (a central store, which
  never folds) it loses the `folded` column, as the model has it.

`row_clock` stays a rowid table: as WITHOUT ROWID (tried first), a first sync
copying a central store's earlier-form clocks (825 bytes on average, many over
the ~1,000 bytes an index B-tree keeps in its page) took 5.6-6.1 s instead of
3.6 s for the bench board's 524,610 rows and 1.97 GB instead of 1.22 GB.

Downgrade rewrites the clocks in the earlier text form and puts the full index back.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

from db.sync import clocks as clock_text
from db.sync import fts

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COLUMNS = (
    "table_name VARCHAR(64) NOT NULL, row_id VARCHAR(160) NOT NULL, clocks TEXT NOT NULL, "
    "CONSTRAINT pk_row_clock PRIMARY KEY (table_name, row_id)"
)
_PAGE = 5000


def _is_central(bind: sa.Connection) -> bool:
    found = bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'central_meta'"
    ).first()
    if found is None:
        return False
    # the central store's marker (a laptop sets the same key only inside a first sync's
    # copy, with its own value: see db.sync.fts)
    marker = bind.exec_driver_sql(
        "SELECT 1 FROM central_meta WHERE key = ? AND value != ?", (fts.MARKER, fts.LOCAL)
    ).first()
    return marker is not None


def _rebuild_row_clock(bind: sa.Connection, encode: Callable[[dict[str, Any]], str]) -> None:
    """Copy row_clock into a new table, re-encoding the clocks with `encode`, in key
    order, page by page."""
    bind.exec_driver_sql(f"CREATE TABLE row_clock_new ({_COLUMNS})")
    after: tuple[str, str] = ("", "")
    while True:
        rows = bind.exec_driver_sql(
            "SELECT table_name, row_id, clocks FROM row_clock "
            "WHERE (table_name, row_id) > (?, ?) ORDER BY table_name, row_id LIMIT ?",
            (*after, _PAGE),
        ).all()
        if not rows:
            break
        bind.exec_driver_sql(
            "INSERT INTO row_clock_new (table_name, row_id, clocks) VALUES (?, ?, ?)",
            [(t, r, encode(clock_text.decode(c))) for t, r, c in rows],
        )
        after = (rows[-1][0], rows[-1][1])
    bind.exec_driver_sql("DROP TABLE row_clock")
    bind.exec_driver_sql("ALTER TABLE row_clock_new RENAME TO row_clock")


def upgrade() -> None:
    bind = op.get_bind()
    op.drop_index("ix_change_log_fold", table_name="change_log")
    op.create_index(
        "ix_change_log_fold",
        "change_log",
        ["site_id", "site_seq"],
        unique=False,
        sqlite_where=sa.text("folded = 0"),
    )
    if bind.dialect.name == "sqlite" and not _is_central(bind):
        _rebuild_row_clock(bind, clock_text.encode)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite" and not _is_central(bind):
        _rebuild_row_clock(bind, clock_text.encode_earlier)
    op.drop_index("ix_change_log_fold", table_name="change_log")
    op.create_index(
        "ix_change_log_fold", "change_log", ["site_id", "folded", "site_seq"], unique=False
    )
