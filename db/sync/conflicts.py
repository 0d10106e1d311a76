"""What the conflicts view shows and the three ways a person settles a conflict.

- Free text edited on two laptops: pick a version, or write a merged text. Either
  is an ordinary edit of the field; because it is made while every version is on
  screen, its base names them all and the conflict closes on every replica.
- An update that met a delete: keep the record deleted, or restore it with the
  updated values. Both leave a `ConflictResolution` record that travels like a
  decision, so every replica settles the same versions.
- A change made to minutes after they were signed: the signed text stands; the
  change is acknowledged (a correction is a new minutes version).

Also the other half of last-writer-wins: the values of yours that lost, shown
once to you (`overrides`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from db.base import Base
from db.errors import NotFoundError, ValidationError
from db.models import ConflictResolution, Person, ResolutionChoice
from db.store import Database
from db.sync import capture
from db.sync.hlc import physical_ms
from db.sync.merge import FROZEN, TOMB
from db.sync.tables import change_log, sync_conflicts, sync_overrides

KIND_TEXT = "text"
KIND_DELETED = "deleted"
KIND_FROZEN = "frozen"


@dataclass(frozen=True)
class ConflictVersion:
    hlc: int
    site: str
    author: str  # a person's name, or "unknown"
    at: dt.datetime
    value: Any  # text for free-text conflicts; a dict of fields, or None for the delete


@dataclass(frozen=True)
class OpenConflict:
    table_name: str
    row_id: str
    field: str
    kind: str
    record: str  # a human label: "actions 2.3 — Reform the MASH"
    versions: tuple[ConflictVersion, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.table_name, self.row_id, self.field)


@dataclass(frozen=True)
class Override:
    id: int
    table_name: str
    row_id: str
    field: str
    lost_value: Any
    won_value: Any
    won_by: str
    record: str  # a human label, as for conflicts
    at: dt.datetime | None  # when this laptop learnt of it


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


def record_label(session: Session, table_name: str, row_id: str) -> str:
    table = Base.metadata.tables.get(table_name)
    if table is None:
        return f"{table_name} {row_id}"
    parts = []
    for col in ("reference", "number", "code", "title", "name"):
        if col in table.c:
            value = session.execute(
                select(table.c[col]).where(table.c[table.primary_key.columns.keys()[0]] == row_id)
            ).scalar()
            if value:
                parts.append(str(value))
    readable = table_name.replace("_", " ")
    return f"{readable} {' — '.join(parts[:2])}" if parts else f"{readable} (deleted record)"


def open_conflicts(database: Database) -> list[OpenConflict]:
    """Every conflict a person has to settle, oldest first."""
    with database.session() as session:
        rows = session.execute(
            select(sync_conflicts)
            .where(sync_conflicts.c.open == 1)
            .order_by(sync_conflicts.c.table_name, sync_conflicts.c.row_id)
        ).all()
        raw = [(r, json.loads(r.versions)) for r in rows]
        names = _names(session, {v["user"] for _, vs in raw for v in vs if v.get("user")})
        result = []
        for r, versions in raw:
            kind = {TOMB: KIND_DELETED, FROZEN: KIND_FROZEN}.get(r.field, KIND_TEXT)
            result.append(
                OpenConflict(
                    r.table_name,
                    r.row_id,
                    r.field,
                    kind,
                    record_label(session, r.table_name, r.row_id),
                    tuple(
                        ConflictVersion(
                            int(v["hlc"]),
                            v["site"],
                            names.get(v.get("user") or "", "unknown"),
                            dt.datetime.fromtimestamp(physical_ms(int(v["hlc"])) / 1000, dt.UTC),
                            v["value"],
                        )
                        for v in versions
                    ),
                )
            )
    return result


def _mapped(table_name: str) -> type[Any]:
    for mapper in Base.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table_name:
            return mapper.class_
    raise NotFoundError(f"no record type {table_name!r}")


def resolve_text(
    database: Database, conflict: OpenConflict, value: str, actor_id: str | None
) -> None:
    """Settle a free-text conflict with a chosen or merged text."""
    if conflict.kind != KIND_TEXT:
        raise ValidationError("only a free-text conflict is settled with a text")
    model = _mapped(conflict.table_name)
    with database.begin(actor_id) as session:
        record = session.get(model, conflict.row_id)
        if record is None:
            raise NotFoundError("the record no longer exists on this laptop")
        if getattr(record, conflict.field) == value:
            # The text shown already: nothing changes in the row, but the choice must
            # still travel, as an edit made from every version.
            capture.record_update(
                session.connection(),
                conflict.table_name,
                conflict.row_id,
                {conflict.field: value},
                actor_id,
            )
        else:
            setattr(record, conflict.field, value)
    # The fold at the next sync records the base; the view should not wait for it.
    _fold_now(database)


def _fold_now(database: Database) -> None:
    from db.sync.engine import fold_local

    with database.engine.begin() as conn:
        site = conn.execute(select(Base.metadata.tables["sync_state"].c.site_id)).scalar_one()
        fold_local(conn, site)


def resolve_deleted(
    database: Database,
    conflict: OpenConflict,
    *,
    restore: bool,
    actor_id: str | None,
    note: str | None = None,
) -> None:
    """Settle an update-vs-delete: keep it deleted, or restore it with the updates."""
    if conflict.kind != KIND_DELETED:
        raise ValidationError("this conflict is not about a deleted record")
    table: Table = Base.metadata.tables[conflict.table_name]
    if restore:
        values = _last_known_row(database, conflict)
        if values is None:
            raise ValidationError(
                "this laptop never held the whole record, so it cannot restore it; "
                "restore it on the laptop that deleted it, or keep it deleted"
            )
        columns = ", ".join(f'"{n}"' for n in values)
        marks = ", ".join("?" for _ in values)
        with database.engine.begin() as conn:  # stored (wire) values, captured as an insert
            conn.exec_driver_sql(
                f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', tuple(values.values())
            )
    _record_resolution(
        database,
        conflict,
        ResolutionChoice.RESTORED if restore else ResolutionChoice.KEEP_DELETED,
        actor_id,
        note,
    )


def acknowledge_frozen(
    database: Database, conflict: OpenConflict, actor_id: str | None, note: str | None = None
) -> None:
    """Accept that signed minutes stand as signed (a correction is a new version)."""
    if conflict.kind != KIND_FROZEN:
        raise ValidationError("this conflict is not about signed minutes")
    _record_resolution(database, conflict, ResolutionChoice.KEEP_SIGNED, actor_id, note)


def _record_resolution(
    database: Database,
    conflict: OpenConflict,
    choice: ResolutionChoice,
    actor_id: str | None,
    note: str | None,
) -> None:
    up_to = max(v.hlc for v in conflict.versions)
    with database.begin(actor_id) as session:
        session.add(
            ConflictResolution(
                table_name=conflict.table_name,
                row_id=conflict.row_id,
                field=conflict.field,
                choice=choice,
                up_to_hlc=up_to,
                resolved_by_id=actor_id,
                note=note,
            )
        )
    _fold_now(database)


def _last_known_row(database: Database, conflict: OpenConflict) -> dict[str, Any] | None:
    """The record as this laptop last knew it, replayed from its change log, plus the
    updates that met the delete (newest wins)."""
    with database.engine.connect() as conn:
        changes = conn.execute(
            select(change_log.c.op, change_log.c.fields, change_log.c.hlc)
            .where(
                change_log.c.table_name == conflict.table_name,
                change_log.c.row_id == conflict.row_id,
            )
            .order_by(change_log.c.hlc)
        ).all()
    if not any(op == "I" for op, _, _ in changes):
        return None
    row: dict[str, Any] = {}
    for op, fields, _ in changes:
        if op in ("I", "U") and fields:
            row.update(json.loads(fields))
    for version in sorted(conflict.versions, key=lambda v: v.hlc):
        if isinstance(version.value, dict):
            row.update(version.value)
    return row


def overrides(database: Database, *, unseen_only: bool = True) -> list[Override]:
    """This laptop's values that lost a last-writer-wins race."""
    with database.session() as session:
        stmt = select(sync_overrides).order_by(sync_overrides.c.id)
        if unseen_only:
            stmt = stmt.where(sync_overrides.c.seen == 0)
        rows = session.execute(stmt).all()
        names = _names(session, {r.won_by_user for r in rows if r.won_by_user})
        return [
            Override(
                r.id,
                r.table_name,
                r.row_id,
                r.field,
                json.loads(r.lost_value or "null"),
                json.loads(r.won_value or "null"),
                names.get(r.won_by_user or "", "another laptop"),
                record_label(session, r.table_name, r.row_id),
                r.at,
            )
            for r in rows
        ]


def mark_overrides_seen(database: Database, ids: list[int]) -> None:
    with database.engine.begin() as conn:
        conn.execute(update(sync_overrides).where(sync_overrides.c.id.in_(ids)).values(seen=1))
