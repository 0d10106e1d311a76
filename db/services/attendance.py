"""Attendance at a meeting: who is present, sent apologies or is absent (in person or
remote, as a member or in attendance), and who arrived or left at which item.

The clerk records it during the meeting (`Capability.RUN_MEETING`, not once the
meeting is closed); each change re-reads the current item's quorum flag
(`db.services.quorum.refresh_current_flag`), since quorum is counted by item.
`AttendanceView` is the row the meeting view shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFoundError, ValidationError
from db.models import Attendance, AttendanceMode, AttendanceStatus, Capacity, Meeting, Person
from db.permissions import Capability, require
from db.services.meeting_common import get_meeting, item_of_meeting, positions, require_not_closed
from db.services.quorum import refresh_current_flag


@dataclass(frozen=True)
class AttendanceView:
    attendance_id: str
    person_id: str
    name: str
    roles: tuple[str, ...]  # Role labels on this board ("Chair", "Member")
    voting: bool  # a voting member of the board
    status: str  # AttendanceStatus value
    mode: str  # AttendanceMode value
    capacity: str  # Capacity value
    arrived_at_item_id: str | None
    left_after_item_id: str | None
    note: str | None


def _as_enum(enum_cls: Any, value: Any, what: str) -> Any:
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(str(value).strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        allowed_values = ", ".join(m.value.replace("_", " ") for m in enum_cls)
        raise ValidationError(f"{what} must be one of: {allowed_values}") from None


def _attendance(session: Session, meeting: Meeting, person_id: str) -> Attendance | None:
    return session.scalars(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.person_id == person_id
        )
    ).first()


def set_attendance(
    session: Session,
    actor_id: str | None,
    meeting_id: str,
    person_id: str,
    status: AttendanceStatus | str,
    *,
    mode: AttendanceMode | str = AttendanceMode.IN_PERSON,
    capacity: Capacity | str = Capacity.MEMBER,
    note: str | None = None,
) -> str:
    """Record someone as present, sending apologies or absent (in person or remote).

    Returns:
        The attendance record's id.

    Raises:
        NotFoundError: no such meeting or person.
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: a closed meeting, an unknown status, mode or capacity.
    """
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its attendance")
    if session.get(Person, person_id) is None:
        raise NotFoundError(f"there is no person with id {person_id}")
    status_value = _as_enum(AttendanceStatus, status, "attendance")
    mode_value = _as_enum(AttendanceMode, mode, "the way of attending")
    capacity_value = _as_enum(Capacity, capacity, "the capacity")
    row = _attendance(session, meeting, person_id)
    if row is None:
        row = Attendance(meeting_id=meeting.id, person_id=person_id, status=status_value)
        session.add(row)
    row.status = status_value
    row.mode = mode_value
    row.capacity = capacity_value
    if note is not None:
        row.note = note.strip() or None
    if status_value is not AttendanceStatus.PRESENT:
        row.arrived_at_item_id = None
        row.left_after_item_id = None
    session.flush()
    refresh_current_flag(session, meeting)
    return row.id


def record_arrival(
    session: Session, actor_id: str | None, meeting_id: str, person_id: str, item_id: str | None
) -> None:
    """Someone arrived during the item (None: was there from the start); marks them present."""
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its attendance")
    item_of_meeting(session, meeting, item_id)
    row = _attendance(session, meeting, person_id)
    if row is None:
        if session.get(Person, person_id) is None:
            raise NotFoundError(f"there is no person with id {person_id}")
        row = Attendance(meeting_id=meeting.id, person_id=person_id)
        session.add(row)
    row.status = AttendanceStatus.PRESENT
    where = positions(session, meeting.id)
    if (
        item_id is not None
        and row.left_after_item_id is not None
        and where[row.left_after_item_id] < where[item_id]
    ):
        row.left_after_item_id = None  # left, then came back: present again from this item
    row.arrived_at_item_id = item_id
    session.flush()
    refresh_current_flag(session, meeting)


def record_departure(
    session: Session,
    actor_id: str | None,
    meeting_id: str,
    person_id: str,
    after_item_id: str | None,
) -> None:
    """Someone left after the item (None: stayed to the end after all).

    Raises:
        ValidationError: they were not recorded present, or left before they arrived.
    """
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its attendance")
    item_of_meeting(session, meeting, after_item_id)
    row = _attendance(session, meeting, person_id)
    if row is None or row.status is not AttendanceStatus.PRESENT:
        raise ValidationError("only someone recorded as present can leave the meeting")
    where = positions(session, meeting.id)
    if (
        after_item_id is not None
        and row.arrived_at_item_id is not None
        and where[after_item_id] < where[row.arrived_at_item_id]
    ):
        raise ValidationError("they cannot leave before the item at which they arrived")
    row.left_after_item_id = after_item_id
    session.flush()
    if meeting.current_item_id is not None and after_item_id is not None:
        # Left after an earlier item: the current item is taken without them.
        refresh_current_flag(session, meeting)


__all__ = [
    "AttendanceView",
    "record_arrival",
    "record_departure",
    "set_attendance",
]
