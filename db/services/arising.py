"""Actions arising as they are read: the meeting view's list and the action log's rows.

`ArisingView` is one action arising with its board-wide reference ("A12": the
board's actions arising numbered in the order they were raised), its item's
number, the decision and plan action it cites, and an overdue flag. The writes
(raising and closing an action arising) live in `db.services.decisions`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Action, ActionArising, AgendaItem, Decision, Meeting
from db.rules import is_overdue
from db.services.meeting_common import person_names


@dataclass(frozen=True)
class ArisingView:
    """An action arising (also the action log's row)."""

    arising_id: str
    ref: str  # "A12": the board's actions arising numbered in the order they were raised
    text: str
    owner_id: str | None
    owner_name: str | None
    due_date: dt.date | None
    status: str  # ActionArisingStatus value
    overdue: bool
    meeting_id: str
    meeting_date: dt.date
    item_id: str | None
    item_number: str | None
    decision_number: str | None
    plan_action_id: str | None
    plan_action_ref: str | None
    closed_in_meeting_date: dt.date | None
    closing_note: str | None


def arising_views(
    session: Session, rows: list[ActionArising], *, today: dt.date | None
) -> list[ArisingView]:
    """Actions arising as views, numbered in the board's order of raising ("A12")."""
    if not rows:
        return []
    meeting_ids = {r.meeting_id for r in rows} | {
        r.closed_in_meeting_id for r in rows if r.closed_in_meeting_id
    }
    dates = dict(
        session.execute(
            select(Meeting.id, Meeting.meeting_date).where(Meeting.id.in_(meeting_ids))
        ).all()
    )
    refs = arising_refs(session, {r.board_id for r in rows})
    names = person_names(session, {r.owner_id or "" for r in rows})
    decisions = dict(
        session.execute(
            select(Decision.id, Decision.number).where(
                Decision.id.in_({r.decision_id for r in rows if r.decision_id})
            )
        ).all()
    )
    plan_refs = dict(
        session.execute(
            select(Action.id, Action.reference).where(
                Action.id.in_({r.plan_action_id for r in rows if r.plan_action_id})
            )
        ).all()
    )
    numbers = _numbers_of_items(session, {r.agenda_item_id for r in rows if r.agenda_item_id})
    out = []
    for r in rows:
        is_open = r.status.value == "open"
        overdue = is_open and today is not None and is_overdue(r.due_date, None, today)
        out.append(
            ArisingView(
                r.id,
                refs.get(r.id, "A?"),
                r.text,
                r.owner_id,
                names.get(r.owner_id or ""),
                r.due_date,
                r.status.value,
                overdue,
                r.meeting_id,
                dates[r.meeting_id],
                r.agenda_item_id,
                numbers.get(r.agenda_item_id or ""),
                decisions.get(r.decision_id or ""),
                r.plan_action_id,
                plan_refs.get(r.plan_action_id or ""),
                dates.get(r.closed_in_meeting_id or ""),
                r.closing_note,
            )
        )
    return out


def _numbers_of_items(session: Session, item_ids: set[str]) -> dict[str, str]:
    """Agenda item numbers ("5") of the given items, across meetings, in one query."""
    if not item_ids:
        return {}
    mine = select(AgendaItem.meeting_id).where(AgendaItem.id.in_(item_ids)).distinct()
    numbered = (
        select(
            AgendaItem.id,
            func.row_number()
            .over(partition_by=AgendaItem.meeting_id, order_by=AgendaItem.position)
            .label("n"),
        )
        .where(AgendaItem.meeting_id.in_(mine))
        .subquery()
    )
    return {
        item_id: str(n)
        for item_id, n in session.execute(
            select(numbered.c.id, numbered.c.n).where(numbered.c.id.in_(item_ids))
        )
    }


def arising_refs(session: Session, board_ids: set[str]) -> dict[str, str]:
    """Every action arising of the boards: id -> "A12", numbered in the order raised."""
    out: dict[str, str] = {}
    for board_id in board_ids:
        ids = session.scalars(
            select(ActionArising.id)
            .join(Meeting, Meeting.id == ActionArising.meeting_id)
            .where(ActionArising.board_id == board_id)
            .order_by(Meeting.meeting_date, ActionArising.created_at, ActionArising.id)
        ).all()
        out.update({aid: f"A{n}" for n, aid in enumerate(ids, start=1)})
    return out


__all__ = [
    "ArisingView",
    "arising_refs",
    "arising_views",
]
