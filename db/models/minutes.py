"""Minutes versions: draft → circulated → approved → signed, then frozen.

A signed version carries the SHA-256 of its canonical JSON and its signer; the
flush hook and a SQLite trigger refuse any change to it. A correction is a new
version through the same path (`supersedes_id`).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, IdMixin, UTCDateTime, str_enum, utcnow


class MinutesStatus(enum.Enum):
    DRAFT = "draft"
    CIRCULATED = "circulated"
    APPROVED = "approved"
    SIGNED = "signed"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class MinutesVersion(IdMixin, Base):
    """One version of a meeting's minutes; frozen once signed."""

    __tablename__ = "minutes_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[MinutesStatus] = mapped_column(
        str_enum(MinutesStatus, "minutes_status"), default=MinutesStatus.DRAFT
    )
    content_json: Mapped[str] = mapped_column(Text)  # canonical JSON of the minutes document
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    circulated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by_decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"))
    approved_by_chair_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    signed_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("minutes_versions.id"))

    @property
    def frozen(self) -> bool:
        return self.status is MinutesStatus.SIGNED
