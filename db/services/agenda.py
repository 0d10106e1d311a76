"""Agenda preparation: the secretariat adds, orders, describes, links and exempts items.

Every write needs `Capability.EDIT_BUSINESS` (the clerk builds agendas) and a
meeting that is not closed. Items are numbered by their position, so a move
renumbers the agenda: positions stay 1…n and unique (moved rows pass through
negative positions inside the transaction, so the unique index never sees two
items in one place). An exempt item cites its paragraph of Schedule 12A; the
exclusion resolution is drafted from it (`db.rules.exclusion_resolution`) and
shown by `db.services.meeting_view.meeting_view`.

A paper is taken off an item with `remove_paper` (same right, same closed-meeting
guard: once the meeting is closed its papers are part of the record the minutes
rest on). No member's annotation is ever lost with it: a paper nobody has
annotated (any version, any author — counted without the reader's filter, the
notes themselves are never read) is deleted with its earlier versions; a paper
with annotations leaves the item but is kept, with them, among the meeting's
papers on no item (`db.services.papers.meeting_papers` lists those last), so its
readers still find their notes. `paper_annotation_count` tells the screen which
it will be before it asks. `move_paper` puts a paper in another place among
its item's papers (same right, same guard): the item's current papers are
numbered 1…n in their new order (`Paper.position`, every version of each
following it), writing only the positions that change — plain fields, so two
laptops reordering offline settle last writer wins per paper, and every
laptop lists any tie the same way (`db.services.papers.paper_order`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from db.errors import NotFoundError, ValidationError
from db.models import (
    Action,
    ActionArising,
    AgendaItem,
    Annotation,
    Attendance,
    Decision,
    Declaration,
    ItemKind,
    Kpi,
    Meeting,
    Paper,
    Person,
    Plan,
    Question,
    Risk,
    agenda_item_actions,
    agenda_item_kpis,
    agenda_item_risks,
)
from db.permissions import Capability, require
from db.rules import SCHEDULE_12A_PARAGRAPHS
from db.services.meeting_common import get_item, get_meeting, require_not_closed
from db.services.papers import paper_order
from db.session import UNSCOPED

#: Kinds that close the agenda: a new business item goes before them.
_CLOSING_KINDS = (ItemKind.AOB, ItemKind.NEXT_MEETING)


def _may_edit(session: Session, actor_id: str | None, meeting: Meeting) -> None:
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    require_not_closed(meeting, "its agenda")


def _ordered(session: Session, meeting_id: str) -> list[AgendaItem]:
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )


def _renumber(session: Session, items: list[AgendaItem]) -> None:
    """Give the items positions 1…n in this order, never two in one place at a flush."""
    moved = [(n, item) for n, item in enumerate(items, start=1) if item.position != n]
    if not moved:
        return
    for n, item in moved:
        item.position = -n
    session.flush()
    for n, item in moved:
        item.position = n
    session.flush()


def _kind(kind: ItemKind | str) -> ItemKind:
    if isinstance(kind, ItemKind):
        return kind
    try:
        return ItemKind(str(kind).strip().lower())
    except ValueError:
        raise ValidationError(
            "an item's kind is one of: " + ", ".join(k.value for k in ItemKind)
        ) from None


def _title(title: str | None) -> str:
    value = (title or "").strip()
    if not value:
        raise ValidationError("an agenda item needs a title")
    if len(value) > 300:
        raise ValidationError("an agenda item's title is at most 300 characters")
    return value


def _time_box(minutes: Any) -> int | None:
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 600:
        raise ValidationError("an item's time box is a number of minutes from 1 to 600")
    return minutes


def _presenter(session: Session, person_id: str | None) -> str | None:
    if person_id is not None and session.get(Person, person_id) is None:
        raise NotFoundError(f"there is no person with id {person_id}")
    return person_id


def add_item(
    session: Session,
    actor_id: str | None,
    meeting_id: str,
    title: str,
    *,
    kind: ItemKind | str = ItemKind.BUSINESS,
    position: int | None = None,
    presenter_id: str | None = None,
    report_of: str | None = None,
    time_box_minutes: int | None = None,
    purpose: str | None = None,
) -> str:
    """Add an item to a meeting's agenda.

    Args:
        position: where it goes (1 = first; items from there move down);
            None: before any other business and the date of the next meeting.

    Returns:
        The new item's id.

    Raises:
        PermissionDeniedError: the actor does not edit agendas.
        ValidationError: a closed meeting, no title, a bad time box or position.
    """
    meeting = get_meeting(session, meeting_id)
    _may_edit(session, actor_id, meeting)
    items = _ordered(session, meeting_id)
    if position is None:
        index = next(
            (n for n, i in enumerate(items) if i.kind in _CLOSING_KINDS),
            len(items),
        )
    else:
        if isinstance(position, bool) or not isinstance(position, int) or position < 1:
            raise ValidationError("an item's position is 1 or more")
        index = min(position, len(items) + 1) - 1
    item = AgendaItem(
        meeting_id=meeting.id,
        position=len(items) + 1,
        kind=_kind(kind),
        title=_title(title),
        purpose=(purpose or "").strip() or None,
        presenter_id=_presenter(session, presenter_id),
        report_of=(report_of or "").strip() or None,
        time_box_minutes=_time_box(time_box_minutes),
        exempt=False,
    )
    session.add(item)
    session.flush()
    items.insert(index, item)
    _renumber(session, items)
    return item.id


_UPDATABLE = {"title", "purpose", "presenter_id", "report_of", "time_box_minutes", "kind"}


def update_item(session: Session, actor_id: str | None, item_id: str, **fields: Any) -> None:
    """Change an item's title, kind, purpose, presenter, "report of" or time box.

    Raises:
        PermissionDeniedError: the actor does not edit agendas.
        ValidationError: a closed meeting, an unknown field, a bad value.
    """
    item, meeting = get_item(session, item_id)
    _may_edit(session, actor_id, meeting)
    unknown = set(fields) - _UPDATABLE
    if unknown:
        raise ValidationError(f"an agenda item has no field {sorted(unknown)[0]} to change")
    if "title" in fields:
        item.title = _title(fields["title"])
    if "kind" in fields:
        item.kind = _kind(fields["kind"])
    if "purpose" in fields:
        item.purpose = (fields["purpose"] or "").strip() or None
    if "report_of" in fields:
        item.report_of = (fields["report_of"] or "").strip() or None
    if "presenter_id" in fields:
        item.presenter_id = _presenter(session, fields["presenter_id"])
    if "time_box_minutes" in fields:
        item.time_box_minutes = _time_box(fields["time_box_minutes"])
    session.flush()


def move_item(session: Session, actor_id: str | None, item_id: str, new_position: int) -> None:
    """Move an item to a position (1 = first); the agenda is renumbered.

    Raises:
        PermissionDeniedError: the actor does not edit agendas.
        ValidationError: a closed meeting, a position outside the agenda.
    """
    item, meeting = get_item(session, item_id)
    _may_edit(session, actor_id, meeting)
    items = _ordered(session, meeting.id)
    if (
        isinstance(new_position, bool)
        or not isinstance(new_position, int)
        or not 1 <= new_position <= len(items)
    ):
        raise ValidationError(f"the agenda has items 1 to {len(items)}")
    items.remove(item)
    items.insert(new_position - 1, item)
    _renumber(session, items)


def remove_item(session: Session, actor_id: str | None, item_id: str) -> None:
    """Take an item off the agenda; the rest are renumbered.

    Refused for an item that already has a record (decisions, actions arising,
    declarations, papers, questions, attendance by item) or is the current item.

    Raises:
        PermissionDeniedError: the actor does not edit agendas.
        ValidationError: a closed meeting, or the item has a record.
    """
    item, meeting = get_item(session, item_id)
    _may_edit(session, actor_id, meeting)
    if meeting.current_item_id == item.id:
        raise ValidationError("the item being taken cannot be removed; move on first")
    for model, column, what in (
        (Decision, Decision.agenda_item_id, "decisions"),
        (ActionArising, ActionArising.agenda_item_id, "actions arising"),
        (Declaration, Declaration.agenda_item_id, "declarations of interest"),
        (Paper, Paper.agenda_item_id, "papers"),
        (Question, Question.agenda_item_id, "questions"),
        (Attendance, Attendance.arrived_at_item_id, "arrivals"),
        (Attendance, Attendance.left_after_item_id, "departures"),
    ):
        if session.scalar(select(func.count()).select_from(model).where(column == item.id)):
            raise ValidationError(
                f"item '{item.title}' has {what} recorded against it and cannot be removed"
            )
    for table in (agenda_item_actions, agenda_item_risks, agenda_item_kpis):
        session.execute(delete(table).where(table.c.agenda_item_id == item.id))
    session.delete(item)
    session.flush()
    _renumber(session, _ordered(session, meeting.id))


def set_exempt(session: Session, actor_id: str | None, item_id: str, paragraph: int | None) -> None:
    """Mark an item exempt (Part 2) under a paragraph of Schedule 12A, or public again (None).

    Raises:
        PermissionDeniedError: the actor does not edit agendas.
        ValidationError: a closed meeting, a paragraph outside 1–7.
    """
    item, meeting = get_item(session, item_id)
    _may_edit(session, actor_id, meeting)
    if paragraph is not None and (
        isinstance(paragraph, bool) or paragraph not in SCHEDULE_12A_PARAGRAPHS
    ):
        raise ValidationError("an exempt item cites a paragraph of Schedule 12A from 1 to 7")
    item.exempt = paragraph is not None
    item.exempt_paragraph = paragraph
    session.flush()


def _replace_links(
    session: Session,
    table: Any,
    column: str,
    item_id: str,
    ids: Iterable[str],
    model: Any,
    plan_ids: set[str],
    what: str,
) -> None:
    wanted = list(dict.fromkeys(ids))
    if wanted:
        found: dict[str, str] = dict(
            session.execute(select(model.id, model.plan_id).where(model.id.in_(wanted))).all()
        )
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(f"there is no {what} with id {missing[0]}")
        if any(plan not in plan_ids for plan in found.values()):
            raise ValidationError(f"a linked {what} is in another board's plan")
    current = set(
        session.scalars(select(getattr(table.c, column)).where(table.c.agenda_item_id == item_id))
    )
    gone = current - set(wanted)
    if gone:
        session.execute(
            delete(table).where(
                table.c.agenda_item_id == item_id, getattr(table.c, column).in_(gone)
            )
        )
    new = [i for i in wanted if i not in current]
    if new:
        session.execute(insert(table), [{"agenda_item_id": item_id, column: i} for i in new])


def link_item(
    session: Session,
    actor_id: str | None,
    item_id: str,
    *,
    action_ids: Iterable[str] | None = None,
    risk_ids: Iterable[str] | None = None,
    kpi_ids: Iterable[str] | None = None,
) -> None:
    """Set the plan actions, risks and KPIs an item concerns (each given set replaces the old).

    Raises:
        NotFoundError: an unknown action, risk or KPI.
        PermissionDeniedError: the actor does not edit agendas.
        ValidationError: a closed meeting; a record of another board's plan.
    """
    item, meeting = get_item(session, item_id)
    _may_edit(session, actor_id, meeting)
    plan_ids = set(session.scalars(select(Plan.id).where(Plan.board_id == meeting.board_id)))
    for ids, table, column, model, what in (
        (action_ids, agenda_item_actions, "action_id", Action, "plan action"),
        (risk_ids, agenda_item_risks, "risk_id", Risk, "risk"),
        (kpi_ids, agenda_item_kpis, "kpi_id", Kpi, "KPI"),
    ):
        if ids is not None:
            _replace_links(session, table, column, item.id, ids, model, plan_ids, what)
    session.flush()


# -- Papers on an item -------------------------------------------------------------------


@dataclass(frozen=True)
class PaperRemoved:
    """What `remove_paper` did with a paper."""

    paper_id: str
    title: str
    item_number: str  # the item it was taken off
    annotations: int  # members' annotations on it (every version, every author)
    kept: bool  # True: kept off the agenda with its annotations; False: deleted


def _versions(session: Session, paper: Paper) -> list[Paper]:
    """Every version of the paper, newest first."""
    newest = paper
    for _ in range(10_000):  # a handful of re-issues; never loop for ever
        newer = session.scalar(select(Paper).where(Paper.supersedes_id == newest.id))
        if newer is None:
            break
        newest = newer
    chain = [newest]
    while chain[-1].supersedes_id is not None and len(chain) < 10_000:
        older = session.get(Paper, chain[-1].supersedes_id)
        if older is None:
            break
        chain.append(older)
    return chain


def _paper_on_item(session: Session, actor_id: str | None, paper_id: str) -> tuple[Paper, Meeting]:
    paper = session.get(Paper, paper_id)
    if paper is None:
        raise NotFoundError(f"there is no paper with id {paper_id}")
    meeting = get_meeting(session, paper.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.EDIT_BUSINESS)
    return paper, meeting


def _annotations_on(session: Session, ids: list[str]) -> int:
    # Every member's, private ones included: counted, never read (see UNSCOPED).
    return int(
        session.scalar(
            select(func.count())
            .select_from(Annotation)
            .where(Annotation.paper_id.in_(ids))
            .execution_options(**{UNSCOPED: True})
        )
        or 0
    )


def paper_annotation_count(session: Session, actor_id: str | None, paper_id: str) -> int:
    """How many annotations members have made on the paper (all its versions).

    Raises:
        NotFoundError: no such paper.
        PermissionDeniedError: the actor does not edit agendas and papers.
    """
    paper, _meeting = _paper_on_item(session, actor_id, paper_id)
    return _annotations_on(session, [p.id for p in _versions(session, paper)])


def remove_paper(session: Session, actor_id: str | None, paper_id: str) -> PaperRemoved:
    """Take a paper (every version of it) off its agenda item.

    Deleted when no one has annotated it; otherwise kept, with the annotations,
    among the meeting's papers on no item.

    Raises:
        NotFoundError: no such paper.
        PermissionDeniedError: the actor does not edit agendas and papers.
        ValidationError: a closed meeting; a paper on no item.
    """
    paper, meeting = _paper_on_item(session, actor_id, paper_id)
    require_not_closed(meeting, "its papers")
    chain = _versions(session, paper)
    newest = chain[0]
    item = session.get(AgendaItem, newest.agenda_item_id) if newest.agenda_item_id else None
    if item is None:
        raise ValidationError(f"the paper '{newest.title}' is not on an agenda item")
    annotations = _annotations_on(session, [p.id for p in chain])
    if annotations:
        for version in chain:
            version.agenda_item_id = None
        session.flush()
    else:
        for version in chain:  # newest first: each cites the one before it
            session.delete(version)
            session.flush()
    return PaperRemoved(newest.id, newest.title, str(item.position), annotations, annotations > 0)


def move_paper(session: Session, actor_id: str | None, paper_id: str, new_position: int) -> int:
    """Put a paper (every version of it) at a place among its item's papers (1 = first).

    The item's current papers are numbered 1…n in the new order; the others move
    along. Only positions that change are written.

    Returns:
        The paper's new place, as given.

    Raises:
        NotFoundError: no such paper.
        PermissionDeniedError: the actor does not edit agendas and papers.
        ValidationError: a closed meeting; a paper on no item; a place outside the item's papers.
    """
    paper, meeting = _paper_on_item(session, actor_id, paper_id)
    require_not_closed(meeting, "its papers")
    newest = _versions(session, paper)[0]
    if newest.agenda_item_id is None:
        raise ValidationError(f"the paper '{newest.title}' is not on an agenda item")
    on_item = list(
        session.scalars(
            select(Paper)
            .where(Paper.agenda_item_id == newest.agenda_item_id)
            .order_by(*paper_order())
        )
    )
    older = {p.supersedes_id: p for p in on_item if p.supersedes_id is not None}
    current = [p for p in on_item if p.id not in older]
    if (
        isinstance(new_position, bool)
        or not isinstance(new_position, int)
        or not 1 <= new_position <= len(current)
    ):
        raise ValidationError(
            "the item has one paper"
            if len(current) == 1
            else f"the item has papers 1 to {len(current)}"
        )
    current.remove(newest)
    current.insert(new_position - 1, newest)
    by_id = {p.id: p for p in on_item}
    for n, p in enumerate(current, start=1):
        version: Paper | None = p
        while version is not None:  # earlier versions keep the current one's place
            if version.position != n:
                version.position = n
            version = by_id.get(version.supersedes_id) if version.supersedes_id else None
    session.flush()
    return new_position


__all__ = [
    "PaperRemoved",
    "add_item",
    "link_item",
    "move_item",
    "move_paper",
    "paper_annotation_count",
    "remove_item",
    "remove_paper",
    "set_exempt",
    "update_item",
]
