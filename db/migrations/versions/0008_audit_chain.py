"""The audit log's hash chains (one per writing install) and their head.

- `audit_events.chain_id` / `chain_seq`: which install's chain an event belongs
  to and its place in it (unique together); `prev_hash` / `hash` existed already.
- `sync_state.audit_site` / `audit_chain` / `audit_seq` / `audit_hash`: the head
  of this install's chain, so deleting its newest events is detectable.
- Events already in the file are chained, oldest first, into one chain of
  their own on this replica (`db.audit_chain.chain_unchained`); the live chains
  start at #1 with the next write. The chaining runs with the append-only
  trigger and the capture triggers dropped (it is neither an edit of the log
  nor a change to sync), then both are created again — the capture triggers
  from the live columns, as in 0007.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.audit_chain import chain_unchained
from db.sync import capture

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_NO_UPDATE = (
    "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
)
_HEAD_COLUMNS = (
    ("audit_site", sa.String(length=36)),
    ("audit_chain", sa.String(length=36)),
    ("audit_seq", sa.BigInteger()),
    ("audit_hash", sa.String(length=64)),
)


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.add_column("audit_events", sa.Column("chain_id", sa.String(length=36), nullable=True))
    op.add_column("audit_events", sa.Column("chain_seq", sa.BigInteger(), nullable=True))
    op.create_index("ix_audit_events_chain", "audit_events", ["chain_id", "chain_seq"], unique=True)
    for name, type_ in _HEAD_COLUMNS:
        op.add_column("sync_state", sa.Column(name, type_, nullable=True))
    if sqlite:
        capture.uninstall(bind)
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    chain_unchained(bind)
    if sqlite:
        op.execute(_NO_UPDATE)
        capture.install(bind)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        capture.uninstall(op.get_bind())
    op.drop_index("ix_audit_events_chain", table_name="audit_events")
    for name, _type in reversed(_HEAD_COLUMNS):
        op.drop_column("sync_state", name)
    op.drop_column("audit_events", "chain_seq")
    op.drop_column("audit_events", "chain_id")
    if sqlite:
        capture.install(op.get_bind())
