"""Reading the audit log: who changed what and when, filtered by record, person and date.

The log holds the before and after values of exempt records too, so reading
it needs the right to read exempt items on the board (chair, vice-chair,
members, secretariat). Rows come back newest first as frozen tuples, with the
acting person's name resolved, and capped (`limit`) so a years-old board
stays quick to browse: narrow the filters to see older events.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.canonical import canonical_json
from db.models import AuditEvent, Person
from db.permissions import Capability, require

DEFAULT_LIMIT = 2000


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the audit view shows it."""

    id: str
    at: dt.datetime
    actor_id: str | None
    actor_name: str
    op: str
    table_name: str
    row_id: str
    fields: tuple[str, ...]
    before: str  # canonical JSON of the values before ("" for an insert)
    after: str  # canonical JSON of the values after ("" for a delete)
    chain_seq: int | None


def _fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[str, ...]:
    return tuple(sorted(set(before or {}) | set(after or {})))


def list_events(
    session: Session,
    actor_id: str | None,
    board_id: str,
    *,
    record: str | None = None,
    person_id: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[AuditRow, ...]:
    """Audit events newest first.

    Args:
        record: a record id (or its start), or a table name such as `actions`.
        person_id: only what this person did.
        since, until: only events on these days (UTC, inclusive).
    """
    require(session, actor_id, board_id, Capability.READ_EXEMPT)
    stmt = select(AuditEvent, Person.name).outerjoin(Person, Person.id == AuditEvent.actor_id)
    if record:
        text = record.strip()
        stmt = stmt.where(
            or_(AuditEvent.row_id.startswith(text, autoescape=True), AuditEvent.table_name == text)
        )
    if person_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == person_id)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= dt.datetime.combine(since, dt.time(), dt.UTC))
    if until is not None:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), dt.UTC)
        stmt = stmt.where(AuditEvent.at < end)
    stmt = stmt.order_by(AuditEvent.at.desc(), AuditEvent.chain_seq.desc()).limit(limit)
    rows = []
    for event, name in session.execute(stmt).all():
        rows.append(
            AuditRow(
                id=event.id,
                at=event.at,
                actor_id=event.actor_id,
                actor_name=name or ("the system" if event.actor_id is None else "unknown person"),
                op=event.op,
                table_name=event.table_name,
                row_id=event.row_id,
                fields=_fields(event.before, event.after),
                before="" if event.before is None else canonical_json(event.before, indent=1),
                after="" if event.after is None else canonical_json(event.after, indent=1),
                chain_seq=event.chain_seq,
            )
        )
    return tuple(rows)


def people_in_log(session: Session) -> tuple[tuple[str, str], ...]:
    """(id, name) of everyone who appears as an actor in the log, by name."""
    stmt = (
        select(Person.id, Person.name)
        .where(Person.id.in_(select(AuditEvent.actor_id).distinct()))
        .order_by(Person.name, Person.id)
    )
    return tuple((pid, name) for pid, name in session.execute(stmt).all())
