"""Meeting mode: where a live meeting is (its current item, since when) and item timings.

- `meetings.current_item_id` / `current_item_since`: the item the chair has on
  screen and when it was (re)started, so a restarted laptop resumes the meeting
  where it was and the item timer keeps counting.
- `agenda_items.started_at` (first taken up), `ended_at` (last left) and
  `elapsed_seconds` (time spent on the item before its current visit), so a
  revisited item's timer and the minutes' timings stay honest.

New columns change the tables' shape, so the capture triggers are generated
again from the live columns (`db.sync.capture.install`), as in 0004. Plain
`ALTER TABLE … ADD COLUMN` (no table rebuild): the append-only, search and
capture triggers of other tables are untouched, and foreign keys stay on.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.sync import capture

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.add_column(
        "agenda_items", sa.Column("started_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("agenda_items", sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("agenda_items", sa.Column("elapsed_seconds", sa.Integer(), nullable=True))
    op.add_column(
        "meetings", sa.Column("current_item_since", sa.DateTime(timezone=True), nullable=True)
    )
    if sqlite:
        # SQLite adds a column with its REFERENCES clause in place (no constraint name).
        op.execute(
            "ALTER TABLE meetings ADD COLUMN current_item_id VARCHAR(36) "
            "REFERENCES agenda_items (id)"
        )
        capture.install(op.get_bind())
    else:
        op.add_column("meetings", sa.Column("current_item_id", sa.String(length=36)))
        op.create_foreign_key(
            op.f("fk_meetings_current_item_id_agenda_items"),
            "meetings",
            "agenda_items",
            ["current_item_id"],
            ["id"],
        )


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.drop_constraint(
            op.f("fk_meetings_current_item_id_agenda_items"), "meetings", type_="foreignkey"
        )
    for table, column in (
        ("meetings", "current_item_id"),
        ("meetings", "current_item_since"),
        ("agenda_items", "elapsed_seconds"),
        ("agenda_items", "ended_at"),
        ("agenda_items", "started_at"),
    ):
        op.drop_column(table, column)
    if sqlite:
        capture.install(op.get_bind())
