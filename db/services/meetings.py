"""Meetings: the list the meetings page shows, and a meeting's life — created with the
board's standing items, opened, its items taken up one after another, closed.

`meetings_of` returns frozen rows, upcoming and past. The writes check the
right in the caller's transaction (`create_meeting`: `Capability.EDIT_BUSINESS`,
the clerk builds agendas; `open_meeting`, `start_item`, `close_meeting`:
`Capability.RUN_MEETING`, the chair, and the secretariat as clerk) and the
meeting's state; the GUI commits after each call, so nothing waits for a save.
A closed meeting is frozen: nothing of its record changes any more (a decision
is corrected by a new record, `db.services.decisions.correct_decision`).
`start_item` flags an item taken while inquorate (`db.services.quorum`).

The rest of a meeting has its own rooms: `db.services.meeting_view` (the meeting
in full, exempt items withheld), `.quorum`, `.attendance` (arrivals and
departures by item), `.declarations` (of interest), `.meeting_notes` (discussion
and chair's notes), `.meeting_choices` (the pickers' people and link targets),
`.meeting_decisions` and `.arising` (the view's decisions and actions arising),
`.meeting_common` (lookups and guards they share). Agenda preparation lives in
`db.services.agenda`; decisions, actions arising and the decisions that change
the plan or the risk register in `db.services.decisions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import AgendaItem, Board, ItemKind, Meeting, MeetingStatus
from db.permissions import Capability, require
from db.services.meeting_common import (
    board_code,
    get_item,
    get_meeting,
    long_date,
    meeting_ref,
    now_of,
    require_in_progress,
    require_not_closed,
)
from db.services.quorum import QuorumState, quorum_at


@dataclass(frozen=True)
class MeetingRow:
    """One meeting as the meetings page lists it."""

    meeting_id: str
    board_id: str
    board_code: str
    meeting_date: dt.date
    start_time: dt.time | None
    venue: str | None
    hybrid: bool
    status: str  # MeetingStatus value
    status_label: str
    item_count: int
    ref: str  # "OPAB:2019-11-14"


@dataclass(frozen=True)
class MeetingList:
    """Upcoming meetings (soonest first) and past ones (latest first)."""

    upcoming: tuple[MeetingRow, ...]
    past: tuple[MeetingRow, ...]


def standing_items_template(code: str) -> tuple[tuple[ItemKind, str], ...]:
    """A board's standing items in their conventional order (DOMAIN.md, Meetings).

    Args:
        code: the board's code; the Corporate Parenting Board also hears the
            children in care council's action cards before any other business.
    """
    items: list[tuple[ItemKind, str]] = [
        (ItemKind.APOLOGIES, "Welcome and apologies for absence"),
        (ItemKind.DECLARATIONS, "Declarations of interest"),
        (
            ItemKind.PREVIOUS_MINUTES,
            "Minutes of the previous meeting and matters arising",
        ),
        (ItemKind.ACTION_LOG, "Action log"),
        (ItemKind.BUSINESS, "Business"),
    ]
    if code.upper() == "CPB":
        items.append((ItemKind.ACTION_CARDS, "Children in care council action cards"))
    items += [
        (ItemKind.AOB, "Any other business"),
        (ItemKind.NEXT_MEETING, "Date of next meeting"),
    ]
    return tuple(items)


def meetings_of(
    session: Session, viewer_id: str | None, board_id: str | None = None, *, today: dt.date
) -> MeetingList:
    """The meetings of a board (or of every board), upcoming and past.

    Args:
        session: an open session.
        viewer_id: who is reading (kept for symmetry; every role reads the list).
        board_id: one board, or None for all.
        today: a meeting on or after today that is not closed is upcoming, as
            is one in progress.

    Returns:
        Upcoming meetings soonest first, past ones latest first.
    """
    counts = (
        select(AgendaItem.meeting_id, func.count().label("n"))
        .group_by(AgendaItem.meeting_id)
        .subquery()
    )
    query = (
        select(
            Meeting.id,
            Meeting.board_id,
            Board.code,
            Meeting.meeting_date,
            Meeting.start_time,
            Meeting.venue,
            Meeting.hybrid,
            Meeting.status,
            func.coalesce(counts.c.n, 0),
        )
        .join(Board, Board.id == Meeting.board_id)
        .outerjoin(counts, counts.c.meeting_id == Meeting.id)
        .order_by(Meeting.meeting_date, Meeting.start_time, Board.code)
    )
    if board_id is not None:
        query = query.where(Meeting.board_id == board_id)
    upcoming: list[MeetingRow] = []
    past: list[MeetingRow] = []
    for mid, bid, code, day, start, venue, hybrid, status, count in session.execute(query):
        row = MeetingRow(
            mid,
            bid,
            code,
            day,
            start,
            venue,
            bool(hybrid),
            status.value,
            status.label,
            int(count),
            meeting_ref(code, day),
        )
        is_upcoming = status is MeetingStatus.IN_PROGRESS or (
            status is MeetingStatus.PLANNED and day >= today
        )
        (upcoming if is_upcoming else past).append(row)
    past.reverse()
    return MeetingList(tuple(upcoming), tuple(past))


def create_meeting(
    session: Session,
    actor_id: str | None,
    board_id: str,
    meeting_date: dt.date,
    *,
    start_time: dt.time | None = None,
    venue: str | None = None,
    hybrid: bool = False,
) -> str:
    """Create a planned meeting with the board's standing items on its agenda.

    Who may: the secretariat (`Capability.EDIT_BUSINESS`: the clerk builds agendas).

    Returns:
        The new meeting's id.

    Raises:
        NotFoundError: no such board.
        PermissionDeniedError: the actor does not prepare agendas.
        ValidationError: no date, or the board already meets at that date and time.
    """
    code = board_code(session, board_id)
    require(session, actor_id, board_id, Capability.EDIT_BUSINESS)
    if not isinstance(meeting_date, dt.date) or isinstance(meeting_date, dt.datetime):
        raise ValidationError("a meeting needs a date")
    times = session.scalars(
        select(Meeting.start_time).where(
            Meeting.board_id == board_id, Meeting.meeting_date == meeting_date
        )
    ).all()
    if start_time in times or (start_time is None and times) or (times and None in times):
        raise ValidationError(
            f"{code} already has a meeting on {long_date(meeting_date)}"
            + (f" at {start_time:%H:%M}" if start_time else "")
        )
    meeting = Meeting(
        board_id=board_id,
        meeting_date=meeting_date,
        start_time=start_time,
        venue=(venue or "").strip() or None,
        hybrid=hybrid,
        status=MeetingStatus.PLANNED,
    )
    session.add(meeting)
    session.flush()
    for position, (kind, title) in enumerate(standing_items_template(code), start=1):
        session.add(AgendaItem(meeting_id=meeting.id, position=position, kind=kind, title=title))
    session.flush()
    return meeting.id


def open_meeting(session: Session, actor_id: str | None, meeting_id: str) -> None:
    """Open a planned meeting: from now on decisions are recorded in it.

    Raises:
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is already open or closed.
    """
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its status")
    if meeting.status is MeetingStatus.IN_PROGRESS:
        raise ValidationError(f"the meeting of {long_date(meeting.meeting_date)} is already open")
    meeting.status = MeetingStatus.IN_PROGRESS
    meeting.opened_at = now_of(session)
    session.flush()


def _leave_current(meeting: Meeting, item: AgendaItem | None, now: dt.datetime) -> None:
    if item is not None:
        since = meeting.current_item_since or now
        spent = max(0, int((now - since).total_seconds()))
        item.elapsed_seconds = (item.elapsed_seconds or 0) + spent
        item.ended_at = now
    meeting.current_item_id = None
    meeting.current_item_since = None


def start_item(session: Session, actor_id: str | None, item_id: str) -> QuorumState:
    """Take up an item: it becomes the current one, the one before it ends.

    The item's first start is kept (`started_at`); going back to an item adds
    to its time rather than restarting it. An item started while the meeting is
    inquorate is flagged `taken_inquorate`; going back to it later never clears
    the flag.

    Returns:
        The quorum at the item.

    Raises:
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is not open, or closed.
    """
    item, meeting = get_item(session, item_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_in_progress(meeting, "taking up an item")
    board = session.get(Board, meeting.board_id)
    assert board is not None
    if meeting.current_item_id != item.id:
        now = now_of(session)
        previous = (
            session.get(AgendaItem, meeting.current_item_id) if meeting.current_item_id else None
        )
        _leave_current(meeting, previous, now)
        meeting.current_item_id = item.id
        meeting.current_item_since = now
        if item.started_at is None:
            item.started_at = now
        item.ended_at = None
    session.flush()
    state = quorum_at(session, meeting, board, item.id)
    if not state.quorate and not item.taken_inquorate:
        item.taken_inquorate = True
        session.flush()
    return state


def close_meeting(session: Session, actor_id: str | None, meeting_id: str) -> None:
    """Close the meeting: the current item ends and the whole record is frozen.

    Raises:
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is already closed, or was never opened.
    """
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    if meeting.status is MeetingStatus.CLOSED:
        raise ValidationError(f"the meeting of {long_date(meeting.meeting_date)} is already closed")
    if meeting.status is not MeetingStatus.IN_PROGRESS:
        raise ValidationError(
            f"the meeting of {long_date(meeting.meeting_date)} was never opened, so it cannot "
            "be closed"
        )
    now = now_of(session)
    current = session.get(AgendaItem, meeting.current_item_id) if meeting.current_item_id else None
    _leave_current(meeting, current, now)
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = now
    session.flush()


__all__ = [
    "MeetingList",
    "MeetingRow",
    "close_meeting",
    "create_meeting",
    "meetings_of",
    "open_meeting",
    "standing_items_template",
    "start_item",
]
