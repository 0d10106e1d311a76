"""Offline limits per board: warn after N days without the central store, a hard limit.

Two plain integer fields on `boards` (synced, last writer wins), set by the
secretariat and copied into each laptop's keyring (`db.auth.offline`):
`offline_warn_days` (NULL: the default 14, 0: never warn) and
`offline_limit_days` (NULL: no hard limit). The capture triggers are remade so
the new columns travel.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.sync import capture

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("boards", sa.Column("offline_warn_days", sa.Integer(), nullable=True))
    op.add_column("boards", sa.Column("offline_limit_days", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        capture.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite (3.35+) drops a column in place; batch mode would rebuild `boards`,
        # and dropping the old table fails on the foreign keys that point at it.
        # The capture triggers name the columns, so they go first and come back after.
        capture.uninstall(bind)
        op.execute("ALTER TABLE boards DROP COLUMN offline_limit_days")
        op.execute("ALTER TABLE boards DROP COLUMN offline_warn_days")
        capture.install(bind)
    else:
        op.drop_column("boards", "offline_limit_days")
        op.drop_column("boards", "offline_warn_days")
