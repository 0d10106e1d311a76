"""Sessions and the one flush hook that keeps every write honest.

Before each flush, for every new, changed or deleted row:
1. new rows get an id from the session's id factory (seeded for the demo, so
   the same input makes the same database) and their timestamps from the
   session's clock;
2. append-only records (decisions, evidence reviews, audit) and signed minutes
   are refused any change — the same rule SQLite triggers enforce below us;
3. an audit event records who, when, what, before and after, sealed into this
   install's hash chain (`db.audit_chain`).

A session's context lives in `session.info`: `actor_id`, `clock`, `new_id`.
The caller owns the session (`with db.begin(actor_id) as s:`).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from db.audit_chain import seal
from db.base import AppendOnly, IdMixin, UTCDateTime, new_id, utcnow
from db.canonical import to_jsonable
from db.errors import AppendOnlyError
from db.models.audit import AuditEvent
from db.models.minutes import MinutesStatus, MinutesVersion

Clock = Callable[[], dt.datetime]
IdFactory = Callable[[], str]

_TIMESTAMP_ON_UPDATE = ("updated_at",)


def seeded_ids(seed: int | str) -> IdFactory:
    """A deterministic UUID4 factory: the same seed gives the same ids in the same order."""
    rng = random.Random(seed)

    def make() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    return make


def session_factory(bind: Any) -> sessionmaker[Session]:
    """The one sessionmaker for an engine; objects stay usable after commit."""
    return sessionmaker(bind=bind, expire_on_commit=False)


def configure(
    session: Session,
    *,
    actor_id: str | None = None,
    clock: Clock | None = None,
    ids: IdFactory | None = None,
) -> Session:
    """Attach who is acting, the clock and the id factory to a session."""
    session.info["actor_id"] = actor_id
    session.info["clock"] = clock or utcnow
    session.info["new_id"] = ids or new_id
    return session


def _apply_defaults(obj: Any, now: dt.datetime) -> None:
    # Defaults applied here, not at INSERT, so the audit's "after" shows what is
    # stored, and every "when" default reads the session's clock (the demo's story
    # dates, a test's fixed time), never the wall clock behind its back.
    for attr in inspect(obj).mapper.column_attrs:
        column = attr.columns[0]
        default = getattr(column, "default", None)
        if default is None or getattr(obj, attr.key) is not None:
            continue
        if default.is_scalar:
            setattr(obj, attr.key, default.arg)
        elif default.is_callable and isinstance(column.type, UTCDateTime):
            setattr(obj, attr.key, now)


def _column_values(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        attr.key: to_jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if not attr.deferred
    }


def _changed_values(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            before[attr.key] = to_jsonable(hist.deleted[0]) if hist.deleted else None
            after[attr.key] = to_jsonable(hist.added[0]) if hist.added else None
    return before, after


def _row_id(obj: Any) -> str:
    identity = inspect(obj).identity or inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in identity)


def _signed_before_this_flush(obj: MinutesVersion) -> bool:
    hist = inspect(obj).attrs.status.history
    old = hist.deleted[0] if hist.deleted else obj.status
    return old is MinutesStatus.SIGNED


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    clock: Clock = session.info.get("clock", utcnow)
    make_id: IdFactory = session.info.get("new_id", new_id)
    actor_id: str | None = session.info.get("actor_id")
    now = clock()
    events: list[AuditEvent] = []

    for obj in list(session.new):
        if isinstance(obj, AuditEvent):
            continue
        if isinstance(obj, IdMixin) and obj.id is None:
            obj.id = make_id()
        _apply_defaults(obj, now)
        events.append(
            AuditEvent(
                id=make_id(),
                at=now,
                actor_id=actor_id,
                op="insert",
                table_name=obj.__tablename__,
                row_id=_row_id(obj),
                before=None,
                after=_column_values(obj),
            )
        )

    for obj in list(session.dirty):
        if not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, AppendOnly):
            raise AppendOnlyError(
                f"{obj.__tablename__}: {obj.append_only_message}; record a new one instead"
            )
        if isinstance(obj, MinutesVersion) and _signed_before_this_flush(obj):
            raise AppendOnlyError(
                "signed minutes are frozen; a correction is a new version approved and signed"
            )
        for name in _TIMESTAMP_ON_UPDATE:
            if hasattr(obj, name) and not inspect(obj).attrs[name].history.has_changes():
                setattr(obj, name, now)
        before, after = _changed_values(obj)
        events.append(
            AuditEvent(
                id=make_id(),
                at=now,
                actor_id=actor_id,
                op="update",
                table_name=obj.__tablename__,
                row_id=_row_id(obj),
                before=before,
                after=after,
            )
        )

    for obj in list(session.deleted):
        if isinstance(obj, AppendOnly):
            raise AppendOnlyError(f"{obj.__tablename__}: {obj.append_only_message}")
        if isinstance(obj, MinutesVersion) and _signed_before_this_flush(obj):
            raise AppendOnlyError("signed minutes are frozen and cannot be deleted")
        events.append(
            AuditEvent(
                id=make_id(),
                at=now,
                actor_id=actor_id,
                op="delete",
                table_name=obj.__tablename__,
                row_id=_row_id(obj),
                before=_column_values(obj),
                after=None,
            )
        )

    if events:
        seal(session.connection(), events)
    session.add_all(events)
    if events:
        _set_capture_actor(session, actor_id)


def _set_capture_actor(session: Session, actor_id: str | None) -> None:
    # The capture triggers stamp each change with `sync_state.actor_id`.
    if session.info.get("_capture_actor", ...) == actor_id:
        return
    if session.get_bind().dialect.name != "sqlite":  # capture triggers live in SQLite replicas
        return
    session.execute(
        text("UPDATE sync_state SET actor_id = :actor WHERE id = 1 AND actor_id IS NOT :actor"),
        {"actor": actor_id},
    )
    session.info["_capture_actor"] = actor_id


@event.listens_for(Session, "after_transaction_end")
def _forget_capture_actor(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop("_capture_actor", None)
