"""Meeting mode: where a live meeting is (its current item, since when) and item timings.

- `meetings.current_item_id` / `current_item_since`: the item the chair has on
  screen and when it was (re)started, so a restarted laptop resumes the meeting
  where it was and the item timer keeps counting.
- `agenda_items.started_at` (first taken up), `ended_at` (last left) and
  `elapsed_seconds` (time spent on the item before its current visit), so a
  revisited item's timer and the minutes' timings stay honest.
- an index on `decisions.corrects_id`: a meeting's view asks which of its
  decisions were corrected later (a scan of 50,000 decisions cost ~50 ms).

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


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


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
    op.create_index(op.f("ix_decisions_corrects_id"), "decisions", ["corrects_id"], unique=False)
    if sqlite:
        if "current_item_id" not in _columns("meetings"):  # kept by a downgrade (see there)
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
    """Drop what 0007 added. SQLite cannot drop a column that a foreign key uses (and
    rebuilding `meetings` under enforced foreign keys is not safe), so there
    `meetings.current_item_id` stays, unused by 0006 and taken up again by `upgrade`."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.drop_index(op.f("ix_decisions_corrects_id"), table_name="decisions")
    if sqlite:
        capture.uninstall(op.get_bind())  # the triggers name every column
    else:
        op.drop_constraint(
            op.f("fk_meetings_current_item_id_agenda_items"), "meetings", type_="foreignkey"
        )
        op.drop_column("meetings", "current_item_id")
    for table, column in (
        ("meetings", "current_item_since"),
        ("agenda_items", "elapsed_seconds"),
        ("agenda_items", "ended_at"),
        ("agenda_items", "started_at"),
    ):
        op.drop_column(table, column)
    if sqlite:
        capture.install(op.get_bind())
