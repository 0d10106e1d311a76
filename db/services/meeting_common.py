"""Lookups and guards every meeting service shares, in one place so none imports another
for them: the meeting or item by id (a clear `NotFoundError`), the closed-meeting and
not-yet-open guards (`require_not_closed`, `require_in_progress`: a closed meeting's record
is frozen), items' positions, people's names, the session's clock (`now_of`: the demo and
tests pin it), a meeting's short reference and long date, and the exempt-item test
(`exempt_reader`: an exempt item needs `Capability.READ_EXEMPT`, an officer's own the items
they present).

Used by `db.services.meetings`, `.quorum`, `.attendance`, `.declarations`,
`.meeting_notes`, `.meeting_view`, `.arising`, `.agenda` and `.decisions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.errors import NotFoundError, ValidationError
from db.models import AgendaItem, Board, Meeting, MeetingStatus, Person
from db.permissions import Capability, allowed


def now_of(session: Session) -> dt.datetime:
    """The session's clock (the demo and tests pin it), else the wall clock in UTC."""
    clock = session.info.get("clock", utcnow)
    value: dt.datetime = clock()
    return value


def meeting_ref(board_code: str, day: dt.date) -> str:
    """A meeting's short reference: "OPAB:2019-11-14"."""
    return f"{board_code}:{day.isoformat()}"


def long_date(day: dt.date) -> str:
    """ "14 November 2019"."""
    return f"{day.day} {day:%B %Y}"


def get_meeting(session: Session, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"there is no meeting with id {meeting_id}")
    return meeting


def get_item(session: Session, item_id: str) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFoundError(f"there is no agenda item with id {item_id}")
    return item, get_meeting(session, item.meeting_id)


def board_code(session: Session, board_id: str) -> str:
    code = session.scalar(select(Board.code).where(Board.id == board_id))
    if code is None:
        raise NotFoundError(f"there is no board with id {board_id}")
    return code


def require_not_closed(meeting: Meeting, what: str) -> None:
    """Refuse a change to the record of a closed meeting."""
    if meeting.status is MeetingStatus.CLOSED:
        raise ValidationError(
            f"the meeting of {long_date(meeting.meeting_date)} is closed and its record is "
            f"frozen, so {what} cannot be changed"
        )


def require_in_progress(meeting: Meeting, what: str) -> None:
    """Refuse what only happens while the meeting is running."""
    require_not_closed(meeting, what)
    if meeting.status is not MeetingStatus.IN_PROGRESS:
        raise ValidationError(
            f"the meeting of {long_date(meeting.meeting_date)} has not been opened yet; "
            f"open it before {what}"
        )


def positions(session: Session, meeting_id: str) -> dict[str, int]:
    """The meeting's items: id -> position."""
    return dict(
        session.execute(
            select(AgendaItem.id, AgendaItem.position).where(AgendaItem.meeting_id == meeting_id)
        ).all()
    )


def item_numbers(session: Session, meeting_id: str) -> dict[str, str]:
    """The meeting's items: id -> number ("1", "2", …, by position)."""
    ordered = sorted(positions(session, meeting_id).items(), key=lambda kv: kv[1])
    return {item_id: str(n) for n, (item_id, _) in enumerate(ordered, start=1)}


def person_names(session: Session, ids: set[str]) -> dict[str, str]:
    ids.discard("")
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


def item_of_meeting(session: Session, meeting: Meeting, item_id: str | None) -> None:
    if item_id is not None and item_id not in positions(session, meeting.id):
        raise ValidationError("that agenda item is not on this meeting's agenda")


def exempt_reader(session: Session, viewer_id: str | None, board_id: str) -> Callable[[Any], bool]:
    """A test of whether the viewer may read an item in full: an exempt item needs
    READ_EXEMPT (an officer's own: the items they present). The rights are read once."""
    every = allowed(session, viewer_id, board_id, Capability.READ_EXEMPT)
    own = every or allowed(session, viewer_id, board_id, Capability.READ_EXEMPT, owns=True)

    def may_read(item: Any) -> bool:
        if not item.exempt or every:
            return True
        return own and viewer_id is not None and item.presenter_id == viewer_id

    return may_read
