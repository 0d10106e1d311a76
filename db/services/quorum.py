"""Quorum: whether the meeting is quorate at an item, and why, in one sentence.

The board's voting members present at an item — present, sitting as a member,
arrived at or before the item and not left before it — against
`db.rules.quorum_required` of the board's voting members, and the chair or a
vice-chair among them when the board's rule says so (`quorum_at`). An item
started while inquorate is flagged (`taken_inquorate`, set by
`db.services.meetings.start_item`) and stays flagged once the meeting has moved
on; a change of attendance recorded during the current item (the clerk takes the
roll under the apologies item; someone leaves) reads that item's flag again
(`refresh_current_flag`, called by `db.services.attendance`).

Its own room because three others read it: starting an item, recording
attendance and the meeting view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Board,
    Capacity,
    Meeting,
    MeetingStatus,
    Membership,
    Role,
)
from db.rules import is_quorate, quorum_required
from db.services.meeting_common import get_meeting, positions

#: Roles that may take the chair (the quorum's chair rule).
CHAIR_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})


@dataclass(frozen=True)
class QuorumState:
    """Whether the meeting is quorate at an item, and why (one sentence for the screen)."""

    quorate: bool
    present_voting: int
    required: int
    voting_members: int
    chair_present: bool
    needs_chair: bool
    reason: str
    at_item_id: str | None = None


def _voting_members(session: Session, board_id: str, day: dt.date) -> dict[str, bool]:
    """The board's voting members on a day: person id -> may take the chair."""
    out: dict[str, bool] = {}
    for person_id, role in session.execute(
        select(Membership.person_id, Membership.role).where(
            Membership.board_id == board_id,
            Membership.voting.is_(True),
            (Membership.start_date.is_(None)) | (Membership.start_date <= day),
            (Membership.end_date.is_(None)) | (Membership.end_date >= day),
        )
    ):
        out[person_id] = out.get(person_id, False) or role in CHAIR_ROLES
    return out


def quorum_rule_text(fraction: float, needs_chair: bool, voting_members: int) -> str:
    """The board's quorum rule in words, with the numbers for its current membership."""
    names = {1 / 3: "a third", 1 / 2: "half", 1 / 4: "a quarter", 2 / 3: "two thirds"}
    share = next(
        (word for value, word in names.items() if abs(value - fraction) < 1e-9),
        f"{fraction:.0%}",
    )
    needed = quorum_required(fraction, voting_members)
    text = f"{share} of the {voting_members} voting members ({needed})"
    return text + (", with the chair or vice-chair present" if needs_chair else "")


def quorum_at(
    session: Session, meeting: Meeting, board: Board, at_item_id: str | None
) -> QuorumState:
    voting = _voting_members(session, board.id, meeting.meeting_date)
    required = quorum_required(board.quorum_fraction, len(voting))
    where = positions(session, meeting.id)
    at = where.get(at_item_id) if at_item_id else None
    if at_item_id is not None and at is None:
        raise NotFoundError("that agenda item is not on this meeting's agenda")
    present: set[str] = set()
    for person_id, arrived, left in session.execute(
        select(
            Attendance.person_id, Attendance.arrived_at_item_id, Attendance.left_after_item_id
        ).where(
            Attendance.meeting_id == meeting.id,
            Attendance.status == AttendanceStatus.PRESENT,
            Attendance.capacity == Capacity.MEMBER,
        )
    ):
        if person_id not in voting:
            continue
        if at is not None:
            if arrived is not None and where.get(arrived, 0) > at:
                continue
            if left is not None and where.get(left, at) < at:
                continue
        present.add(person_id)
    chair_present = any(voting[p] for p in present)
    quorate = is_quorate(
        len(present), required, chair_present=chair_present, needs_chair=board.quorum_needs_chair
    )
    if quorate:
        reason = (
            f"Quorate: {len(present)} of {len(voting)} voting members present ({required} needed)"
        )
    elif len(present) < required:
        reason = f"Inquorate: {len(present)} voting members present, {required} needed"
    else:
        reason = "Inquorate: neither the chair nor a vice-chair is present"
    return QuorumState(
        quorate,
        len(present),
        required,
        len(voting),
        chair_present,
        board.quorum_needs_chair,
        reason,
        at_item_id,
    )


def quorum(session: Session, meeting_id: str, at_item_id: str | None = None) -> QuorumState:
    """Whether the meeting is quorate at an item (default: its current item, else overall).

    Args:
        session: an open session.
        meeting_id: the meeting.
        at_item_id: the item (arrivals and departures by item are honoured);
            None: the current item, or everyone marked present before the meeting runs.

    Returns:
        The quorum state with its reason in words.

    Raises:
        NotFoundError: no such meeting, or the item is not on its agenda.
    """
    meeting = get_meeting(session, meeting_id)
    board = session.get(Board, meeting.board_id)
    assert board is not None
    return quorum_at(session, meeting, board, at_item_id or meeting.current_item_id)


def refresh_current_flag(session: Session, meeting: Meeting) -> None:
    """Re-read the quorum of the current item after a change of attendance."""
    if meeting.current_item_id is None or meeting.status is not MeetingStatus.IN_PROGRESS:
        return
    session.flush()
    board = session.get(Board, meeting.board_id)
    assert board is not None
    state = quorum_at(session, meeting, board, meeting.current_item_id)
    item = session.get(AgendaItem, meeting.current_item_id)
    if item is not None and item.taken_inquorate == state.quorate:
        item.taken_inquorate = not state.quorate


__all__ = [
    "CHAIR_ROLES",
    "QuorumState",
    "quorum",
    "quorum_at",
    "quorum_rule_text",
    "refresh_current_flag",
]
