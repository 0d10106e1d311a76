"""The audit log: who changed what, when, with the values before and after.

Written by the flush hook in `db.session` for every insert, update and delete,
in the same transaction as the change. Append-only and synced like every other
record, so its key is a UUID like theirs.

Hash-chained per writing install (`db.audit_chain`): `chain_id` names the
chain of the laptop that wrote the event, `chain_seq` is its place in it
(1, 2, 3, ... with no gaps), `prev_hash` the hash of the event before it in
the same chain and `hash` the SHA-256 of the event's canonical JSON. Events
synced in from other laptops keep their chain, so every replica can verify
every chain.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import AppendOnly, Base, IdMixin, UTCDateTime, utcnow


class AuditEvent(AppendOnly, IdMixin, Base):
    """One audited write (append-only)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_chain", "chain_id", "chain_seq", unique=True),)

    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Not a foreign key: the audit log outlives the people in it, and must never be
    # refused (or ordered after) the write it records.
    actor_id: Mapped[str | None] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(8))  # insert | update | delete
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    chain_id: Mapped[str | None] = mapped_column(String(36))
    chain_seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
