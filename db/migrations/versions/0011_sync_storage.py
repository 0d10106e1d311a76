"""Sync storage for applying pulled batches fast: compact row clocks, one fewer index entry.

- `row_clock` on SQLite becomes a WITHOUT ROWID table: a pulled batch reads and
  rewrites thousands of clocks by (table, row); a rowid table walked its primary-key
  index and then the table for each, two B-trees instead of one.
- On a laptop its text is rewritten in the grouped form of `db.sync.clocks` (one
  site id per distinct clock instead of one per field: 1,049 → 285 bytes a row on
  the bench board). A central store's clocks keep the earlier form, which every
  app version reads (an older laptop's first sync copies them as they are).
- `ix_change_log_fold` becomes partial (`WHERE folded = 0`): it serves only the
  fold of this laptop's own unfolded changes, and every pulled change (folded
  already) was an entry in it.

Downgrade rebuilds `row_clock` as a rowid table in the earlier text form and puts
the full index back.

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
    marker = bind.exec_driver_sql(
        "SELECT 1 FROM central_meta WHERE key = 'min_client_schema'"
    ).first()
    return marker is not None


def _rebuild_row_clock(
    bind: sa.Connection, *, rowid: bool, encode: Callable[[dict[str, Any]], str] | None
) -> None:
    """Copy row_clock into a new table (WITHOUT ROWID unless `rowid`), re-encoding the
    clocks with `encode` (None: as they are), in key order, page by page."""
    options = "" if rowid else " WITHOUT ROWID"
    bind.exec_driver_sql(f"CREATE TABLE row_clock_new ({_COLUMNS}){options}")
    if encode is None:
        bind.exec_driver_sql(
            "INSERT INTO row_clock_new (table_name, row_id, clocks) "
            "SELECT table_name, row_id, clocks FROM row_clock ORDER BY table_name, row_id"
        )
    else:
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
        postgresql_where=sa.text("folded = 0"),
    )
    if bind.dialect.name == "sqlite":
        encode = None if _is_central(bind) else clock_text.encode
        _rebuild_row_clock(bind, rowid=False, encode=encode)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _rebuild_row_clock(bind, rowid=True, encode=clock_text.encode_earlier)
    op.drop_index("ix_change_log_fold", table_name="change_log")
    op.create_index(
        "ix_change_log_fold", "change_log", ["site_id", "folded", "site_seq"], unique=False
    )
