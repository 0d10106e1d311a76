"""Meetings and their record: agenda, attendance, declarations, decisions, actions arising.

Decisions are records of fact and append-only: an amendment while the meeting
is open is a new version (`supersedes_id`), a correction after it closed is a
new record citing the old (`corrects_id`). Agenda items are numbered by their
position, so the number is derived, never stored.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import AppendOnly, Base, IdMixin, UTCDateTime, str_enum, utcnow


class MeetingStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ItemKind(enum.Enum):
    """Standing items in their conventional order, then substantive business."""

    APOLOGIES = "apologies"
    DECLARATIONS = "declarations"
    PREVIOUS_MINUTES = "previous_minutes"
    ACTION_LOG = "action_log"
    BUSINESS = "business"
    ACTION_CARDS = "action_cards"  # children in care council action cards
    AOB = "aob"
    NEXT_MEETING = "next_meeting"


class AttendanceStatus(enum.Enum):
    PRESENT = "present"
    APOLOGIES = "apologies"
    ABSENT = "absent"


class AttendanceMode(enum.Enum):
    IN_PERSON = "in_person"
    REMOTE = "remote"


class Capacity(enum.Enum):
    """Members count for quorum; others are "in attendance"."""

    MEMBER = "member"
    IN_ATTENDANCE = "in_attendance"


class DecisionKind(enum.Enum):
    AGREED = "agreed"
    APPROVED = "approved"
    NOTED = "noted"
    ENDORSED = "endorsed"
    DEFERRED = "deferred"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ActionArisingStatus(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"


agenda_item_actions = Table(
    "agenda_item_actions",
    Base.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True, index=True),
)
agenda_item_risks = Table(
    "agenda_item_risks",
    Base.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("risk_id", ForeignKey("risks.id", ondelete="CASCADE"), primary_key=True, index=True),
)
agenda_item_kpis = Table(
    "agenda_item_kpis",
    Base.metadata,
    Column("agenda_item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("kpi_id", ForeignKey("kpis.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Meeting(IdMixin, Base):
    """A meeting of a board: when, where, and where it is in its life."""

    __tablename__ = "meetings"

    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id"), index=True)
    meeting_date: Mapped[dt.date] = mapped_column(Date, index=True)
    start_time: Mapped[dt.time | None] = mapped_column(Time)
    end_time: Mapped[dt.time | None] = mapped_column(Time)
    venue: Mapped[str | None] = mapped_column(String(300))
    hybrid: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MeetingStatus] = mapped_column(
        str_enum(MeetingStatus, "meeting_status"), default=MeetingStatus.PLANNED
    )
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Meeting mode: the item on the chair's screen and since when (a restart resumes there).
    current_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("agenda_items.id", use_alter=True)
    )
    current_item_since: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id",
    )
    attendance: Mapped[list[Attendance]] = relationship(back_populates="meeting")


class AgendaItem(IdMixin, Base):
    """An item of business on a meeting's agenda; exempt items cite Schedule 12A."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        UniqueConstraint("meeting_id", "position"),
        CheckConstraint(
            "(NOT exempt AND exempt_paragraph IS NULL) OR "
            "(exempt AND exempt_paragraph BETWEEN 1 AND 7)",
            name="exempt_paragraph",
        ),
    )

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ItemKind] = mapped_column(str_enum(ItemKind, "item_kind"))
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str | None] = mapped_column(Text)
    presenter_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    report_of: Mapped[str | None] = mapped_column(String(300))
    time_box_minutes: Mapped[int | None] = mapped_column(Integer)
    exempt: Mapped[bool] = mapped_column(Boolean, default=False)
    # Paragraph of Schedule 12A to the Local Government Act 1972 relied on (1–7).
    exempt_paragraph: Mapped[int | None] = mapped_column(Integer)
    discussion: Mapped[str | None] = mapped_column(Text)
    taken_inquorate: Mapped[bool] = mapped_column(Boolean, default=False)
    chair_notes: Mapped[str | None] = mapped_column(Text)
    # When the item was first taken up and last left, and the time spent on it
    # before its current visit (an item gone back to keeps counting).
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    elapsed_seconds: Mapped[int | None] = mapped_column(Integer)

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])


class Attendance(IdMixin, Base):
    """Who was at a meeting, how, and from which item to which item."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(
        str_enum(AttendanceStatus, "attendance_status")
    )
    mode: Mapped[AttendanceMode] = mapped_column(
        str_enum(AttendanceMode, "attendance_mode"), default=AttendanceMode.IN_PERSON
    )
    capacity: Mapped[Capacity] = mapped_column(
        str_enum(Capacity, "capacity"), default=Capacity.MEMBER
    )
    arrived_at_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id"))
    left_after_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id"))
    note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")


class Declaration(IdMixin, Base):
    """A declaration of interest by a member, for a meeting or a specific item."""

    __tablename__ = "declarations"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    interest: Mapped[str] = mapped_column(Text)
    action_taken: Mapped[str | None] = mapped_column(Text)  # e.g. "left the room for the item"


class Decision(AppendOnly, IdMixin, Base):
    """A resolution of the board, numbered per board and year (`OPAB 19/07`). Append-only."""

    __tablename__ = "decisions"
    # Not unique: two laptops offline can take the same number; `duplicate_numbers` shows
    # it and `renumber_decision` corrects it (migration 0009).
    __table_args__ = (
        Index("ix_decisions_board_id_year_seq", "board_id", "year", "seq"),
        Index("ix_decisions_supersedes_id", "supersedes_id"),
    )

    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id"), index=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[str] = mapped_column(String(32))  # "OPAB 19/07"
    kind: Mapped[DecisionKind] = mapped_column(str_enum(DecisionKind, "decision_kind"))
    wording: Mapped[str] = mapped_column(Text)
    votes_for: Mapped[int | None] = mapped_column(Integer)
    votes_against: Mapped[int | None] = mapped_column(Integer)
    votes_abstain: Mapped[int | None] = mapped_column(Integer)
    # Named votes on request: [{"person_id": ..., "vote": "for"|"against"|"abstain"}]
    named_votes: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    recorded_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"))
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"), index=True)


class ActionArising(IdMixin, Base):
    """An action arising from a meeting: owner, due date, and when it was closed."""

    __tablename__ = "actions_arising"

    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id"), index=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[str | None] = mapped_column(ForeignKey("agenda_items.id"))
    decision_id: Mapped[str | None] = mapped_column(ForeignKey("decisions.id"))
    text: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), index=True)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[ActionArisingStatus] = mapped_column(
        str_enum(ActionArisingStatus, "action_arising_status"), default=ActionArisingStatus.OPEN
    )
    plan_action_id: Mapped[str | None] = mapped_column(ForeignKey("actions.id"))
    closed_in_meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meetings.id"))
    closing_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
