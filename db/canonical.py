"""Canonical JSON: the one byte-exact text form of a record.

Used for `boardpack dump` (the basis of sync and backup checks), for hashing
signed minutes, and for audit before/after values. Keys sorted, strings NFC,
`\n` line ends, UTF-8, timestamps ISO-8601 UTC, dates ISO, enums by value.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import unicodedata
import uuid
from typing import Any


def to_jsonable(value: Any) -> Any:
    """Convert a column value to a JSON-ready value with one stable spelling."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if value == value else None  # NaN has no JSON spelling
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    if isinstance(value, dict):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    raise TypeError(f"no canonical JSON form for {type(value).__name__}")


def canonical_json(value: Any, *, indent: int | None = None) -> str:
    """Serialise to canonical JSON text (sorted keys, NFC, compact unless indented)."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        to_jsonable(value),
        sort_keys=True,
        ensure_ascii=False,
        separators=separators,
        indent=indent,
        allow_nan=False,
    )


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of a canonical JSON text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
