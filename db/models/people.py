"""People, boards and memberships: who sits on which board, in which role.

Roles are per board (someone chairs the Corporate Parenting Board and is a
member of OPAB). The role decides what a person may read and do; the rules
live in `db.permissions`, not here.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, IdMixin, UTCDateTime, str_enum, utcnow


class Role(enum.Enum):
    """A person's role on one board (ARCHITECTURE.md, "Who may do what")."""

    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    MEMBER = "member"
    SECRETARIAT = "secretariat"
    OFFICER = "officer"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()


class Person(IdMixin, Base):
    """Anyone who attends, owns actions, writes papers or signs in."""

    __tablename__ = "people"

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="person")


class Board(IdMixin, Base):
    """A board or group that meets: OPAB, the Corporate Parenting Board, the Delivery Group."""

    __tablename__ = "boards"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(Text)
    # Quorum: at least this fraction of voting members present, and (if set)
    # the chair or vice-chair among them.
    quorum_fraction: Mapped[float] = mapped_column(Float, default=1 / 3)
    quorum_needs_chair: Mapped[bool] = mapped_column(Boolean, default=True)
    meeting_interval_weeks: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Offline validity (db.auth.offline), set by the secretariat: warn after this many
    # days without the central store (None: 14, 0: never); refuse sign-in after the limit.
    offline_warn_days: Mapped[int | None] = mapped_column(Integer)
    offline_limit_days: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list[Membership]] = relationship(back_populates="board")


class Membership(IdMixin, Base):
    """One person's seat on one board, with the role that governs their rights."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("board_id", "person_id", "role"),)

    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"))
    voting: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[str | None] = mapped_column(String(200))  # e.g. "Independent Chair"
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)

    board: Mapped[Board] = relationship(back_populates="memberships")
    person: Mapped[Person] = relationship(back_populates="memberships")
