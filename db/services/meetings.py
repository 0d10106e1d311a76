"""Meetings as the meetings page and the chair's cockpit read and run them.

Reads (`meetings_of`, `meeting_view`, `quorum`) return frozen values, never ORM
objects; `meeting_view` reads one meeting in a handful of queries (items, links,
attendance, declarations, decisions, actions arising) whatever the size of the
board. Exempt items are withheld from a viewer without `Capability.READ_EXEMPT`
(an officer reads those they present): such a viewer sees the item's title and
the Schedule 12A paragraph relied on, nothing else — no purpose, notes, links,
papers, declarations, decisions or actions arising of that item.

The live meeting's writes — `create_meeting` (standing items from the board's
template), `open_meeting`, `start_item`, `save_notes`, attendance, arrivals and
departures, declarations, `close_meeting` — check `Capability.RUN_MEETING` (the
chair, and the secretariat as clerk) and the meeting's state in the caller's
transaction; the GUI commits after each call, so nothing waits for a save.
A closed meeting is frozen: nothing of its record changes any more (a decision
is corrected by a new record, `db.services.decisions.correct_decision`).

Quorum (`quorum`): the board's voting members present at an item — present,
sitting as a member, arrived at or before the item and not left before it —
against `db.rules.quorum_required` of the board's voting members, and the chair
or a vice-chair among them when the board's rule says so. An item started while
inquorate is flagged (`taken_inquorate`) and stays flagged once the meeting has
moved on; a change of attendance recorded during the current item (the clerk
takes the roll under the apologies item; someone leaves) reads that item's
flag again.

Agenda preparation lives in `db.services.agenda`; decisions, actions arising
and the decisions that change the plan or the risk register in
`db.services.decisions`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.base import utcnow
from db.errors import NotFoundError, ValidationError
from db.models import (
    Action,
    ActionArising,
    AgendaItem,
    Attendance,
    AttendanceMode,
    AttendanceStatus,
    Board,
    Capacity,
    Decision,
    Declaration,
    ItemKind,
    Kpi,
    Meeting,
    MeetingStatus,
    Membership,
    Paper,
    Person,
    Plan,
    Risk,
    Role,
    agenda_item_actions,
    agenda_item_kpis,
    agenda_item_risks,
)
from db.permissions import Capability, allowed, require
from db.rules import (
    exclusion_resolution,
    is_overdue,
    is_quorate,
    quorum_required,
    schedule_12a_paragraph,
)

#: Roles that may take the chair (the quorum's chair rule).
CHAIR_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})

# -- Values ------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class LinkRef:
    """A plan action, risk, KPI or paper an item is linked to: its id and a label."""

    id: str
    label: str  # "2.3 Strengthen …", "R5 Workforce …"


@dataclass(frozen=True)
class DeclarationView:
    declaration_id: str
    person_id: str
    person_name: str
    interest: str
    action_taken: str | None
    item_id: str | None  # None: declared for the whole meeting


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


@dataclass(frozen=True)
class NamedVote:
    person_id: str
    name: str
    vote: str  # "for", "against", "abstain"


@dataclass(frozen=True)
class DecisionView:
    """The latest version of a decision of the meeting."""

    decision_id: str
    number: str  # "OPAB 19/07"
    version: int
    kind: str  # DecisionKind value
    kind_label: str
    wording: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    named_votes: tuple[NamedVote, ...]
    item_id: str | None
    recorded_at: dt.datetime
    recorded_by: str | None
    supersedes_id: str | None  # the earlier version it amends
    corrects_number: str | None  # the decision it corrects (a correction after a meeting)
    corrected_by_number: str | None  # a later correction of it


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


# -- Helpers shared by the meeting services ----------------------------------------------


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


def _names(session: Session, ids: set[str]) -> dict[str, str]:
    ids.discard("")
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


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


# -- Quorum ------------------------------------------------------------------------------


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


def _quorum(
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
    return _quorum(session, meeting, board, at_item_id or meeting.current_item_id)


def refresh_current_flag(session: Session, meeting: Meeting) -> None:
    """Re-read the quorum of the current item after a change of attendance."""
    if meeting.current_item_id is None or meeting.status is not MeetingStatus.IN_PROGRESS:
        return
    session.flush()
    board = session.get(Board, meeting.board_id)
    assert board is not None
    state = _quorum(session, meeting, board, meeting.current_item_id)
    item = session.get(AgendaItem, meeting.current_item_id)
    if item is not None and item.taken_inquorate == state.quorate:
        item.taken_inquorate = not state.quorate


# -- Reads -------------------------------------------------------------------------------


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
    for item_id, target, ref, title in session.execute(
        select(agenda_item_actions.c.agenda_item_id, Action.id, Action.reference, Action.title)
        .join(Action, Action.id == agenda_item_actions.c.action_id)
        .where(agenda_item_actions.c.agenda_item_id.in_(item_ids))
        .order_by(Action.reference)
    ):
        actions[item_id].append(LinkRef(target, f"{ref} {title}"))
    for item_id, target, ref, title in session.execute(
        select(agenda_item_risks.c.agenda_item_id, Risk.id, Risk.reference, Risk.title)
        .join(Risk, Risk.id == agenda_item_risks.c.risk_id)
        .where(agenda_item_risks.c.agenda_item_id.in_(item_ids))
        .order_by(Risk.reference)
    ):
        risks[item_id].append(LinkRef(target, f"{ref} {title}"))
    for item_id, target, ref, title in session.execute(
        select(agenda_item_kpis.c.agenda_item_id, Kpi.id, Kpi.reference, Kpi.title)
        .join(Kpi, Kpi.id == agenda_item_kpis.c.kpi_id)
        .where(agenda_item_kpis.c.agenda_item_id.in_(item_ids))
        .order_by(Kpi.reference)
    ):
        kpis[item_id].append(LinkRef(target, f"{ref} {title}"))
    for item_id, target, title in session.execute(
        select(Paper.agenda_item_id, Paper.id, Paper.title)
        .where(Paper.agenda_item_id.in_(item_ids))
        .where(Paper.id.not_in(select(newer.supersedes_id).where(newer.supersedes_id.is_not(None))))
        .order_by(Paper.issued_at, Paper.title)
    ):
        if item_id is not None:
            papers[item_id].append(LinkRef(target, title))
    return actions, risks, kpis, papers


def decision_views(
    session: Session, decisions: list[Decision], numbers_by_id: dict[str, str]
) -> list[DecisionView]:
    """Decision rows as views (latest versions only are passed in)."""
    names = _names(
        session,
        {d.recorded_by_id or "" for d in decisions}
        | {v.get("person_id", "") for d in decisions for v in (d.named_votes or [])},
    )
    out = []
    for d in decisions:
        out.append(
            DecisionView(
                d.id,
                d.number,
                d.version,
                d.kind.value,
                d.kind.label,
                d.wording,
                d.votes_for,
                d.votes_against,
                d.votes_abstain,
                tuple(
                    NamedVote(v["person_id"], names.get(v["person_id"], "?"), v["vote"])
                    for v in (d.named_votes or [])
                ),
                d.agenda_item_id,
                d.recorded_at,
                names.get(d.recorded_by_id or ""),
                d.supersedes_id,
                numbers_by_id.get(d.corrects_id or ""),
                None,
            )
        )
    return out


def _meeting_decisions(session: Session, meeting_id: str) -> list[DecisionView]:
    rows = list(
        session.scalars(
            select(Decision)
            .where(Decision.meeting_id == meeting_id)
            .order_by(Decision.year, Decision.seq, Decision.version)
        )
    )
    superseded = {d.supersedes_id for d in rows if d.supersedes_id}
    latest = [d for d in rows if d.id not in superseded]
    cited = {d.corrects_id for d in latest if d.corrects_id}
    numbers = dict(
        session.execute(select(Decision.id, Decision.number).where(Decision.id.in_(cited))).all()
    )
    views = decision_views(session, latest, numbers)
    # Corrections recorded later (possibly in another meeting) of this meeting's decisions.
    ids = [d.id for d in latest]
    corrected: dict[str, str] = {}
    for cited_id, number in session.execute(
        select(Decision.corrects_id, Decision.number).where(Decision.corrects_id.in_(ids))
    ):
        if cited_id is not None:
            corrected[cited_id] = number
    if corrected:
        views = [replace(v, corrected_by_number=corrected.get(v.decision_id)) for v in views]
    return views


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
    names = _names(session, {r.owner_id or "" for r in rows})
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
    names = _names(
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
        for d in _meeting_decisions(session, meeting_id)
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
    state = _quorum(session, meeting, board, meeting.current_item_id)
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


@dataclass(frozen=True)
class PersonChoice:
    """A person of the board for the attendance panel and the owner / presenter pickers."""

    person_id: str
    name: str
    roles: tuple[str, ...]  # Role labels, the senior first ("Chair", "Member")
    voting: bool
    position: str | None  # "Independent Chair", "Wealdshire Police"


@dataclass(frozen=True)
class LinkChoices:
    """What an agenda item may be linked to: the board's plan actions, risks and KPIs."""

    actions: tuple[LinkRef, ...]
    risks: tuple[LinkRef, ...]
    kpis: tuple[LinkRef, ...]


_ROLE_ORDER = {role: n for n, role in enumerate(Role)}


def board_people(
    session: Session, board_id: str, *, on: dt.date | None = None
) -> tuple[PersonChoice, ...]:
    """The board's people: chair, vice-chair, members, secretariat, officers, observers.

    Args:
        session: an open session.
        board_id: the board.
        on: only memberships current on that day (default: every membership).

    Returns:
        One entry per person, ordered by their most senior role, then by name.
    """
    query = (
        select(
            Membership.person_id,
            Person.name,
            Membership.role,
            Membership.voting,
            Membership.position,
        )
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.board_id == board_id)
    )
    if on is not None:
        query = query.where(
            (Membership.start_date.is_(None)) | (Membership.start_date <= on),
            (Membership.end_date.is_(None)) | (Membership.end_date >= on),
        )
    people: dict[str, tuple[str, list[Role], bool, str | None]] = {}
    for person_id, name, role, votes, position in session.execute(query):
        entry = people.setdefault(person_id, (name, [], False, None))
        roles = [*entry[1], role]
        senior = min(roles, key=_ROLE_ORDER.__getitem__)
        people[person_id] = (
            name,
            roles,
            entry[2] or bool(votes),
            position if role is senior else entry[3],
        )
    rows = []
    for person_id, (name, roles, votes, position) in people.items():
        ordered = sorted(set(roles), key=_ROLE_ORDER.__getitem__)
        rows.append(
            (
                _ROLE_ORDER[ordered[0]],
                name,
                PersonChoice(person_id, name, tuple(r.label for r in ordered), votes, position),
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return tuple(r[2] for r in rows)


def link_choices(session: Session, board_id: str) -> LinkChoices:
    """The board's plan actions, open and closed risks and KPIs, by reference, as (id, label)."""
    plans = select(Plan.id).where(Plan.board_id == board_id)

    def refs(model: Any) -> tuple[LinkRef, ...]:
        rows: list[tuple[str, str, str]] = [
            (row[0], row[1], row[2])
            for row in session.execute(
                select(model.id, model.reference, model.title).where(model.plan_id.in_(plans))
            )
        ]
        rows.sort(key=lambda r: _reference_key(r[1]))
        return tuple(LinkRef(i, f"{ref} {title}") for i, ref, title in rows)

    return LinkChoices(refs(Action), refs(Risk), refs(Kpi))


def _reference_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """ "2.10" after "2.9"; "R10" after "R9"."""

    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.findall(r"\d+|\D+", reference)
    )


# -- Writes: the meeting's life ----------------------------------------------------------


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
    state = _quorum(session, meeting, board, item.id)
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


# -- Writes: attendance and declarations -------------------------------------------------


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


def _item_of_meeting(session: Session, meeting: Meeting, item_id: str | None) -> None:
    if item_id is not None and item_id not in positions(session, meeting.id):
        raise ValidationError("that agenda item is not on this meeting's agenda")


def record_arrival(
    session: Session, actor_id: str | None, meeting_id: str, person_id: str, item_id: str | None
) -> None:
    """Someone arrived during the item (None: was there from the start); marks them present."""
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_not_closed(meeting, "its attendance")
    _item_of_meeting(session, meeting, item_id)
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
    _item_of_meeting(session, meeting, after_item_id)
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
    _item_of_meeting(session, meeting, item_id)
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
    "ArisingView",
    "AttendanceView",
    "DecisionView",
    "DeclarationView",
    "ItemView",
    "LinkChoices",
    "LinkRef",
    "MeetingList",
    "MeetingRow",
    "MeetingView",
    "NamedVote",
    "PersonChoice",
    "QuorumState",
    "add_declaration",
    "board_people",
    "close_meeting",
    "create_meeting",
    "link_choices",
    "meeting_view",
    "meetings_of",
    "open_meeting",
    "quorum",
    "record_arrival",
    "record_departure",
    "remove_declaration",
    "save_notes",
    "set_attendance",
    "standing_items_template",
    "start_item",
]
