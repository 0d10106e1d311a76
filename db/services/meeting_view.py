"""One meeting in full, as the agenda editor and the chair's cockpit read it.

`meeting_view` reads one meeting in a handful of queries (items, links,
attendance, declarations, decisions, actions arising) whatever the size of the
board, and returns frozen values, never ORM objects. Exempt items are withheld
from a viewer without `Capability.READ_EXEMPT` (an officer reads those they
present): such a viewer sees the item's title and the Schedule 12A paragraph
relied on, nothing else — no purpose, notes, links, papers, declarations,
decisions or actions arising of that item. The chair's notes are shown only to
those who run the meeting. Decisions are shown at their current version
(`db.services.meeting_decisions`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import (
    Action,
    ActionArising,
    AgendaItem,
    Attendance,
    Board,
    Declaration,
    Kpi,
    Membership,
    Paper,
    Risk,
    Role,
    agenda_item_actions,
    agenda_item_kpis,
    agenda_item_risks,
)
from db.permissions import Capability, allowed
from db.rules import exclusion_resolution, schedule_12a_paragraph
from db.services.arising import ArisingView, arising_views
from db.services.attendance import AttendanceView
from db.services.declarations import DeclarationView
from db.services.meeting_choices import LinkRef
from db.services.meeting_common import exempt_reader, get_meeting, meeting_ref, person_names
from db.services.meeting_decisions import DecisionView, meeting_decisions
from db.services.papers import paper_order
from db.services.quorum import QuorumState, quorum_at, quorum_rule_text


@dataclass(frozen=True)
class ItemView:
    """One agenda item as the agenda editor and the cockpit show it."""

    item_id: str
    number: str  # "1", "2", … by position
    position: int
    kind: str  # ItemKind value
    title: str
    purpose: str | None
    presenter_id: str | None
    presenter_name: str | None
    report_of: str | None
    time_box_minutes: int | None
    exempt: bool
    exempt_paragraph: int | None
    exemption: str | None  # the paragraph's description
    exclusion_resolution: str | None
    discussion: str | None
    chair_notes: str | None  # only for those who run the meeting
    taken_inquorate: bool
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    elapsed_seconds: int  # time spent on the item before its current visit
    actions: tuple[LinkRef, ...]
    risks: tuple[LinkRef, ...]
    kpis: tuple[LinkRef, ...]
    papers: tuple[LinkRef, ...]
    declarations: tuple[DeclarationView, ...]
    withheld: bool = False  # exempt and not readable by this viewer: title and paragraph only


@dataclass(frozen=True)
class MeetingView:
    """Everything about one meeting for the agenda editor and the chair's cockpit."""

    meeting_id: str
    board_id: str
    board_code: str
    board_name: str
    quorum_rule: str
    meeting_date: dt.date
    start_time: dt.time | None
    end_time: dt.time | None
    venue: str | None
    hybrid: bool
    status: str  # MeetingStatus value
    status_label: str
    ref: str
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    items: tuple[ItemView, ...]
    attendance: tuple[AttendanceView, ...]
    declarations: tuple[DeclarationView, ...]
    decisions: tuple[DecisionView, ...]
    actions_arising: tuple[ArisingView, ...]
    quorum: QuorumState
    current_item_id: str | None
    current_item_since: dt.datetime | None
    can_run: bool  # the viewer may run the meeting (record decisions, …)
    can_edit_agenda: bool  # the viewer may edit the agenda
    can_read_exempt: bool

    def item(self, item_id: str) -> ItemView:
        """One of the meeting's items by id."""
        return next(i for i in self.items if i.item_id == item_id)

    def current_elapsed(self, now: dt.datetime) -> int | None:
        """Seconds spent on the current item so far (all its visits), None with no item on."""
        if self.current_item_id is None:
            return None
        item = self.item(self.current_item_id)
        since = self.current_item_since or now
        return item.elapsed_seconds + max(0, int((now - since).total_seconds()))


def _links(
    session: Session, item_ids: list[str]
) -> tuple[
    dict[str, list[LinkRef]],
    dict[str, list[LinkRef]],
    dict[str, list[LinkRef]],
    dict[str, list[LinkRef]],
]:
    actions: dict[str, list[LinkRef]] = defaultdict(list)
    risks: dict[str, list[LinkRef]] = defaultdict(list)
    kpis: dict[str, list[LinkRef]] = defaultdict(list)
    papers: dict[str, list[LinkRef]] = defaultdict(list)
    newer = aliased(Paper)
    if not item_ids:
        return actions, risks, kpis, papers
    linked: tuple[tuple[dict[str, list[LinkRef]], Any, Any, Any], ...] = (
        (actions, agenda_item_actions, Action, agenda_item_actions.c.action_id),
        (risks, agenda_item_risks, Risk, agenda_item_risks.c.risk_id),
        (kpis, agenda_item_kpis, Kpi, agenda_item_kpis.c.kpi_id),
    )
    for found, table, model, target_column in linked:
        for item_id, target, ref, title in session.execute(
            select(table.c.agenda_item_id, model.id, model.reference, model.title)
            .join(model, model.id == target_column)
            .where(table.c.agenda_item_id.in_(item_ids))
            .order_by(model.reference)
        ):
            found[item_id].append(LinkRef(target, f"{ref} {title}"))
    for item_id, target, title in session.execute(
        select(Paper.agenda_item_id, Paper.id, Paper.title)
        .where(Paper.agenda_item_id.in_(item_ids))
        .where(Paper.id.not_in(select(newer.supersedes_id).where(newer.supersedes_id.is_not(None))))
        .order_by(*paper_order())
    ):
        if item_id is not None:
            papers[item_id].append(LinkRef(target, title))
    return actions, risks, kpis, papers


def meeting_view(
    session: Session, viewer_id: str | None, meeting_id: str, *, today: dt.date | None = None
) -> MeetingView:
    """One meeting in full, as far as the viewer may read it.

    Args:
        session: an open session.
        viewer_id: who is reading: exempt items are withheld (title and
            paragraph only) without READ_EXEMPT, and the chair's notes are shown
            only to those who run the meeting.
        meeting_id: the meeting.
        today: the date actions arising are overdue against (default: the meeting's date).

    Raises:
        NotFoundError: no such meeting.
    """
    meeting = get_meeting(session, meeting_id)
    board = session.get(Board, meeting.board_id)
    assert board is not None
    can_run = allowed(session, viewer_id, board.id, Capability.RUN_MEETING)
    can_edit = allowed(session, viewer_id, board.id, Capability.EDIT_BUSINESS)
    read_exempt = allowed(session, viewer_id, board.id, Capability.READ_EXEMPT)
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )
    may_read = exempt_reader(session, viewer_id, board.id)
    readable = {i.id for i in items if may_read(i)}
    actions, risks, kpis, papers = _links(session, [i.id for i in items if i.id in readable])

    declarations_rows = session.scalars(
        select(Declaration).where(Declaration.meeting_id == meeting_id)
    ).all()
    attendance_rows = session.scalars(
        select(Attendance).where(Attendance.meeting_id == meeting_id)
    ).all()
    roles: dict[str, list[Role]] = defaultdict(list)
    voting: set[str] = set()
    for person_id, role, votes in session.execute(
        select(Membership.person_id, Membership.role, Membership.voting).where(
            Membership.board_id == board.id
        )
    ):
        roles[person_id].append(role)
        if votes:
            voting.add(person_id)
    names = person_names(
        session,
        {d.person_id for d in declarations_rows}
        | {a.person_id for a in attendance_rows}
        | {i.presenter_id or "" for i in items},
    )
    declarations = [
        DeclarationView(
            d.id,
            d.person_id,
            names.get(d.person_id, "?"),
            d.interest,
            d.action_taken,
            d.agenda_item_id,
        )
        for d in declarations_rows
        if d.agenda_item_id is None or d.agenda_item_id in readable
    ]
    by_item: dict[str, list[DeclarationView]] = defaultdict(list)
    for d in declarations:
        if d.item_id is not None:
            by_item[d.item_id].append(d)

    item_views = []
    for number, i in enumerate(items, start=1):
        paragraph = i.exempt_paragraph if i.exempt else None
        full = i.id in readable
        item_views.append(
            ItemView(
                item_id=i.id,
                number=str(number),
                position=i.position,
                kind=i.kind.value,
                title=i.title,
                purpose=i.purpose if full else None,
                presenter_id=i.presenter_id if full else None,
                presenter_name=names.get(i.presenter_id or "") if full else None,
                report_of=i.report_of if full else None,
                time_box_minutes=i.time_box_minutes,
                exempt=i.exempt,
                exempt_paragraph=paragraph,
                exemption=schedule_12a_paragraph(paragraph) if paragraph else None,
                exclusion_resolution=exclusion_resolution(paragraph) if paragraph else None,
                discussion=i.discussion if full else None,
                chair_notes=i.chair_notes if full and can_run else None,
                taken_inquorate=i.taken_inquorate,
                started_at=i.started_at,
                ended_at=i.ended_at,
                elapsed_seconds=i.elapsed_seconds or 0,
                actions=tuple(actions.get(i.id, ())),
                risks=tuple(risks.get(i.id, ())),
                kpis=tuple(kpis.get(i.id, ())),
                papers=tuple(papers.get(i.id, ())),
                declarations=tuple(by_item.get(i.id, ())),
                withheld=not full,
            )
        )
    decisions = [
        d
        for d in meeting_decisions(session, meeting_id)
        if d.item_id is None or d.item_id in readable
    ]
    arising_rows = list(
        session.scalars(
            select(ActionArising)
            .where(ActionArising.meeting_id == meeting_id)
            .order_by(ActionArising.created_at, ActionArising.id)
        )
    )
    arising = [
        a
        for a in arising_views(session, arising_rows, today=today or meeting.meeting_date)
        if a.item_id is None or a.item_id in readable
    ]
    attendance = [
        AttendanceView(
            a.id,
            a.person_id,
            names.get(a.person_id, "?"),
            tuple(r.label for r in sorted(roles.get(a.person_id, []), key=lambda r: r.value)),
            a.person_id in voting,
            a.status.value,
            a.mode.value,
            a.capacity.value,
            a.arrived_at_item_id,
            a.left_after_item_id,
            a.note,
        )
        for a in sorted(attendance_rows, key=lambda a: names.get(a.person_id, ""))
    ]
    state = quorum_at(session, meeting, board, meeting.current_item_id)
    code = board.code
    return MeetingView(
        meeting_id=meeting.id,
        board_id=board.id,
        board_code=code,
        board_name=board.name,
        quorum_rule=quorum_rule_text(
            board.quorum_fraction, board.quorum_needs_chair, state.voting_members
        ),
        meeting_date=meeting.meeting_date,
        start_time=meeting.start_time,
        end_time=meeting.end_time,
        venue=meeting.venue,
        hybrid=bool(meeting.hybrid),
        status=meeting.status.value,
        status_label=meeting.status.label,
        ref=meeting_ref(code, meeting.meeting_date),
        opened_at=meeting.opened_at,
        closed_at=meeting.closed_at,
        items=tuple(item_views),
        attendance=tuple(attendance),
        declarations=tuple(declarations),
        decisions=tuple(decisions),
        actions_arising=tuple(arising),
        quorum=state,
        current_item_id=meeting.current_item_id,
        current_item_since=meeting.current_item_since,
        can_run=can_run,
        can_edit_agenda=can_edit,
        can_read_exempt=read_exempt,
    )


__all__ = [
    "ItemView",
    "MeetingView",
    "meeting_view",
]
