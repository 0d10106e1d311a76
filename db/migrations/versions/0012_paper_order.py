"""Paper order within an agenda item: a nullable `papers.position`.

The secretariat orders an item's papers (`db.services.agenda.move_paper`);
they are listed by position, papers never placed (NULL) after those placed,
then by issue time (`db.services.papers.paper_order`). A plain integer field,
synced last writer wins; no unique index, so two laptops reordering offline
never clash — a tie is broken the same way on every laptop. The capture
triggers are remade so the new column travels.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.sync import capture

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("papers", sa.Column("position", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        capture.install(op.get_bind())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite (3.35+) drops a column in place; batch mode would rebuild `papers`,
        # and dropping the old table fails on the foreign keys that point at it.
        # The capture triggers name the columns, so they go first and come back after.
        capture.uninstall(bind)
        op.execute("ALTER TABLE papers DROP COLUMN position")
        capture.install(bind)
    else:
        op.drop_column("papers", "position")
