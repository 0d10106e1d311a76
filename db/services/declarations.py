"""Declarations of interest at a meeting, for one item or for the whole meeting.

Recorded (and withdrawn when recorded in error) by those who run the meeting
(`Capability.RUN_MEETING`) until it closes. `DeclarationView` is the row the
meeting view shows; a declaration on an exempt item is withheld with the item
(`db.services.meeting_view`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from db.errors import NotFoundError, ValidationError
from db.models import Declaration, Person
from db.permissions import Capability, require
from db.services.meeting_common import get_meeting, item_of_meeting, require_not_closed


@dataclass(frozen=True)
class DeclarationView:
    declaration_id: str
    person_id: str
    person_name: str
    interest: str
    action_taken: str | None
    item_id: str | None  # None: declared for the whole meeting


def add_declaration(
    session: Session,
    actor_id: str | None,
    meeting_id: str,
    person_id: str,
    interest: str,
    *,
    item_id: str | None = None,
    action_taken: str | None = None,
) -> str:
    """Record a declaration of interest, for one item or for the whole meeting.

    Returns:
        The declaration's id.

    Raises:
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: a closed meeting, no interest stated, an item of another meeting.
    """
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its declarations")
    if session.get(Person, person_id) is None:
        raise NotFoundError(f"there is no person with id {person_id}")
    text = (interest or "").strip()
    if not text:
        raise ValidationError("a declaration needs the interest declared")
    item_of_meeting(session, meeting, item_id)
    row = Declaration(
        meeting_id=meeting.id,
        agenda_item_id=item_id,
        person_id=person_id,
        interest=text,
        action_taken=(action_taken or "").strip() or None,
    )
    session.add(row)
    session.flush()
    return row.id


def remove_declaration(session: Session, actor_id: str | None, declaration_id: str) -> None:
    """Withdraw a declaration recorded in error (before the meeting closes)."""
    row = session.get(Declaration, declaration_id)
    if row is None:
        raise NotFoundError(f"there is no declaration with id {declaration_id}")
    meeting = get_meeting(session, row.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its declarations")
    session.delete(row)
    session.flush()


__all__ = [
    "DeclarationView",
    "add_declaration",
    "remove_declaration",
]
