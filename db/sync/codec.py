"""Values on the wire: one spelling for SQLite replicas and any central store.

The wire form of a value is the way SQLite stores it (that is what the capture
triggers see): timestamps as `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, dates and
times in ISO form, booleans as 0/1, JSON columns as their text, floats as
text that reads back exactly. A SQLite replica writes wire values as they are
(floats parsed); other backends (PostgreSQL) get them converted through the
column's type, and their values are converted back when a new laptop pages
rows out of the central store.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Enum, Float, Table, Time
from sqlalchemy.types import TypeDecorator, TypeEngine

Decoder = Callable[[Any], Any]


def _base_type(column: Column[Any]) -> TypeEngine[Any]:
    kind: TypeEngine[Any] = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind


def _parse_dt(value: Any) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed


def to_backend(column: Column[Any], dialect: str) -> Decoder:
    """A function turning a wire value into what `dialect` should store for `column`."""
    kind = _base_type(column)
    if isinstance(kind, Float):
        return lambda v: None if v is None else float(v)
    if dialect == "sqlite":
        return lambda v: v
    if isinstance(kind, DateTime):
        return lambda v: None if v is None else _parse_dt(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else dt.date.fromisoformat(str(v))
    if isinstance(kind, Time):
        return lambda v: None if v is None else dt.time.fromisoformat(str(v))
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else bool(v)
    if isinstance(kind, JSON):
        return lambda v: None if v is None else json.loads(v) if isinstance(v, str) else v
    return lambda v: v


def _dt_wire(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def from_backend(column: Column[Any], dialect: str) -> Decoder:
    """A function turning a value read through SQLAlchemy's types into its wire form.

    The same for every backend (`dialect` is accepted for symmetry); the sync
    engine reads raw stored values from SQLite replicas, which are wire already.
    """
    kind = _base_type(column)
    if isinstance(kind, Float):
        return lambda v: None if v is None else f"{float(v)!r}"
    if isinstance(kind, Enum):
        return lambda v: None if v is None else getattr(v, "value", v)
    if isinstance(kind, DateTime):
        return lambda v: None if v is None else _dt_wire(v)
    if isinstance(kind, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(kind, Time):
        return lambda v: None if v is None else v.strftime("%H:%M:%S.%f")
    if isinstance(kind, Boolean):
        return lambda v: None if v is None else int(bool(v))
    if isinstance(kind, JSON):
        return lambda v: None if v is None else json.dumps(v)
    return lambda v: v


def is_plain(column: Column[Any]) -> bool:
    """Whether the column's values are the same on the wire and in every backend (text,
    integers, bytes): nothing to convert."""
    converted = (Float, Enum, DateTime, Date, Time, Boolean, JSON)
    return not isinstance(_base_type(column), converted)


def table_codecs(table: Table, dialect: str) -> tuple[dict[str, Decoder], dict[str, Decoder]]:
    """(wire → backend, backend → wire) converters for every column of a table."""
    return (
        {c.name: to_backend(c, dialect) for c in table.columns},
        {c.name: from_backend(c, dialect) for c in table.columns},
    )
