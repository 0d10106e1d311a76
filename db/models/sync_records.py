"""Records that sync itself needs to share: a person's resolution of a conflict.

Resolving an update-vs-delete (or a change to signed minutes) is a decision a
person makes once, and every replica must agree on it, so it travels as an
append-only record like a board decision. Free-text conflicts need no record:
the chosen or merged text is an ordinary edit made from every version.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import AppendOnly, Base, IdMixin, UTCDateTime, str_enum, utcnow


class ResolutionChoice(enum.Enum):
    KEEP_DELETED = "keep_deleted"
    RESTORED = "restored"
    KEEP_SIGNED = "keep_signed"


class ConflictResolution(AppendOnly, IdMixin, Base):
    """A person settling a conflict: every version up to `up_to_hlc` is dealt with."""

    __tablename__ = "conflict_resolutions"

    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[str] = mapped_column(String(160), index=True)
    field: Mapped[str] = mapped_column(String(64))
    choice: Mapped[ResolutionChoice] = mapped_column(
        str_enum(ResolutionChoice, "resolution_choice")
    )
    up_to_hlc: Mapped[int] = mapped_column(BigInteger)
    resolved_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    resolved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)
