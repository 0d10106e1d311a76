"""An agenda item's notes taken during the meeting: the discussion (for the minutes) and
the chair's private notes (shown only to those who run the meeting).

Saved while someone types (`save_notes`: one update of one row, nothing written
when the text is unchanged), by those who run the meeting, until it closes.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from db.permissions import Capability, require
from db.services.meeting_common import get_item, require_not_closed


def save_notes(
    session: Session,
    actor_id: str | None,
    item_id: str,
    *,
    discussion: str | None = None,
    chair_notes: str | None = None,
) -> bool:
    """Save the item's discussion notes and/or the chair's private notes (None: leave as is).

    Cheap enough to call every couple of seconds while someone types: one
    update of one row, and nothing written when the text has not changed.

    Returns:
        Whether anything changed.

    Raises:
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is closed.
    """
    item, meeting = get_item(session, item_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its notes")
    changed = False
    if discussion is not None and discussion != (item.discussion or ""):
        item.discussion = discussion or None
        changed = True
    if chair_notes is not None and chair_notes != (item.chair_notes or ""):
        item.chair_notes = chair_notes or None
        changed = True
    if changed:
        session.flush()
    return changed


__all__ = [
    "save_notes",
]
