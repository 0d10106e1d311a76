"""Declarative base, column types and key minting shared by every model.

Keys are random UUIDs minted locally (rows are created offline on laptops and
merged later), stored as 36-character text so raw SQL, JSON dumps and the
central store all see the same value. Timestamps are timezone-aware UTC:
`UTCDateTime` refuses naive datetimes on the way in and attaches UTC on the way
out, whatever the backend does with time zones.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, String, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    """A fresh random UUID4 as text: the key of every synced row."""
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Boardpack stores UTC-aware times only")
        value = value.astimezone(dt.UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        stored: dt.datetime = value
        if stored.tzinfo is None:
            return stored.replace(tzinfo=dt.UTC)
        return stored.astimezone(dt.UTC)


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column stored as its lowercase values, checked by a constraint."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """The base of every Boardpack table (constraint names are deterministic)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    """A text UUID primary key; the flush hook fills it from the session's id factory."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)


class AppendOnly:
    """Marker: rows of this model are never updated or deleted once written.

    Enforced twice: by the flush hook in `db.session` (service layer) and by
    SQLite triggers created in the migrations (raw SQL).
    """

    __tablename__: str
    append_only_message = "this record is append-only and cannot be changed"
