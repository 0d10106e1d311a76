"""Who may do what, per board: the roles table of ARCHITECTURE.md as data, checked here.

Every service asks `require(session, actor_id, board_id, capability)` before it
writes, so the GUI and the CLI cannot disagree about a right; the GUI only uses
`allowed()` to grey out what would be refused anyway. "Own" capabilities (an
officer's own actions, items they present) are checked by the service with
`owns=`, since only it knows whose record it is.

Below the services, the same table as data the session and the sync use:
`Clearance` (a person's exempt-reading boards and capabilities, read with Core),
`may_write` (the before-flush net of `db.session`), and the SQL for what an
uncleared reader may not see (`hidden_items`, `hidden_papers`, `hidden_blobs`,
`meetings_with_hidden_items`), shared by the session's loader criteria and the
central store's filtering of what it sends (`db.sync.scope`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, not_, or_, select
from sqlalchemy.orm import Session

from db.errors import PermissionDeniedError
from db.models import AgendaItem, Meeting, Membership, Paper, Role


class Capability(enum.Enum):
    READ_PUBLIC = "read plan, risks, KPIs and public items"
    READ_EXEMPT = "read exempt items and papers"
    ANNOTATE = "keep private annotations and questions"
    UPDATE_PROGRESS = "record progress and RAG, attach evidence"
    RUN_MEETING = "run the meeting and record decisions"
    ACCEPT_EVIDENCE = "accept evidence and agree Blue"
    EDIT_BUSINESS = "edit agendas, papers, minutes drafts, KPI values and narratives"
    APPROVE_MINUTES = "approve and sign minutes"


ALL = "all"
OWN = "own"  # only for records the person owns (their actions, their items)

# role -> capability -> ALL / OWN (absent: refused)
MATRIX: dict[Role, dict[Capability, str]] = {
    Role.CHAIR: {
        Capability.READ_PUBLIC: ALL,
        Capability.READ_EXEMPT: ALL,
        Capability.ANNOTATE: ALL,
        Capability.UPDATE_PROGRESS: ALL,
        Capability.RUN_MEETING: ALL,
        Capability.ACCEPT_EVIDENCE: ALL,
        Capability.APPROVE_MINUTES: ALL,
    },
    Role.VICE_CHAIR: {
        Capability.READ_PUBLIC: ALL,
        Capability.READ_EXEMPT: ALL,
        Capability.ANNOTATE: ALL,
    },
    Role.MEMBER: {
        Capability.READ_PUBLIC: ALL,
        Capability.READ_EXEMPT: ALL,
        Capability.ANNOTATE: ALL,
    },
    Role.SECRETARIAT: {
        Capability.READ_PUBLIC: ALL,
        Capability.READ_EXEMPT: ALL,
        Capability.ANNOTATE: ALL,
        Capability.UPDATE_PROGRESS: ALL,
        Capability.RUN_MEETING: ALL,
        Capability.ACCEPT_EVIDENCE: ALL,  # records the board's acceptance as clerk
        Capability.EDIT_BUSINESS: ALL,
    },
    Role.OFFICER: {
        Capability.READ_PUBLIC: ALL,
        Capability.READ_EXEMPT: OWN,
        Capability.ANNOTATE: ALL,
        Capability.UPDATE_PROGRESS: OWN,
    },
    Role.OBSERVER: {Capability.READ_PUBLIC: ALL},
}


def roles_of(session: Session, person_id: str | None, board_id: str) -> set[Role]:
    """The roles a person holds on a board (none for an unknown person)."""
    if person_id is None:
        return set()
    return set(
        session.scalars(
            select(Membership.role).where(
                Membership.person_id == person_id, Membership.board_id == board_id
            )
        )
    )


def allowed(
    session: Session,
    person_id: str | None,
    board_id: str,
    capability: Capability,
    *,
    owns: bool = False,
) -> bool:
    """Whether the person may do this on this board (`owns`: the record is theirs)."""
    for role in roles_of(session, person_id, board_id):
        scope = MATRIX[role].get(capability)
        if scope == ALL or (scope == OWN and owns):
            return True
    return False


def require(
    session: Session,
    person_id: str | None,
    board_id: str,
    capability: Capability,
    *,
    owns: bool = False,
) -> None:
    """Refuse, with a sentence a person understands, what their role does not allow."""
    if not allowed(session, person_id, board_id, capability, owns=owns):
        why = "nobody is signed in" if person_id is None else "your role on this board"
        raise PermissionDeniedError(f"not allowed to {capability.value} ({why})")


# -- a person's standing across boards: what the session-level net reads ----------------


@dataclass(frozen=True)
class Clearance:
    """What one person may read and write, across the boards of one database.

    `every`: boards where they read every exempt item; `own`: boards where they
    read only the exempt items they present (an officer); `capabilities`: every
    capability they hold on some board (the write net is per role, the services'
    `require` per board and record).
    """

    person_id: str | None
    every: frozenset[str]
    own: frozenset[str]
    capabilities: frozenset[Capability]

    def reads_everything(self, boards: frozenset[str]) -> bool:
        """Whether every exempt item of every board in `boards` is theirs to read."""
        return boards <= self.every


def clearance(conn: Connection, person_id: str | None) -> Clearance:
    """The person's clearance, read with Core (no ORM events fire under it)."""
    every: set[str] = set()
    own: set[str] = set()
    caps: set[Capability] = set()
    if person_id is not None:
        memberships = Membership.__table__
        rows = conn.execute(
            select(memberships.c.board_id, memberships.c.role).where(
                memberships.c.person_id == person_id
            )
        )
        for board_id, role in rows:
            scopes = MATRIX[Role(role)]
            caps.update(scopes)
            read = scopes.get(Capability.READ_EXEMPT)
            if read == ALL:
                every.add(board_id)
            elif read == OWN:
                own.add(board_id)
    return Clearance(person_id, frozenset(every), frozenset(own - every), frozenset(caps))


# Which capabilities let a person write a table at all (any one of them). The
# services check the board and the record (`require(..., owns=)`); this is the net
# under them, so a code path that forgot `require` still cannot write what no role
# of the person may. Tables not named here need some capability beyond reading.
_WRITERS: dict[str, frozenset[Capability]] = {
    "annotations": frozenset({Capability.ANNOTATE}),
    "questions": frozenset({Capability.ANNOTATE, Capability.RUN_MEETING}),
    "progress_updates": frozenset(
        {Capability.UPDATE_PROGRESS, Capability.ACCEPT_EVIDENCE, Capability.RUN_MEETING}
    ),
    "evidence": frozenset({Capability.UPDATE_PROGRESS, Capability.ACCEPT_EVIDENCE}),
    "evidence_reviews": frozenset({Capability.ACCEPT_EVIDENCE}),
    "blobs": frozenset({Capability.UPDATE_PROGRESS, Capability.EDIT_BUSINESS}),
    "decisions": frozenset({Capability.RUN_MEETING}),
    "attendance": frozenset({Capability.RUN_MEETING, Capability.EDIT_BUSINESS}),
    "declarations": frozenset({Capability.RUN_MEETING, Capability.EDIT_BUSINESS}),
    "actions_arising": frozenset({Capability.RUN_MEETING, Capability.EDIT_BUSINESS}),
    "meetings": frozenset({Capability.RUN_MEETING, Capability.EDIT_BUSINESS}),
    "agenda_items": frozenset({Capability.RUN_MEETING, Capability.EDIT_BUSINESS}),
    "papers": frozenset({Capability.EDIT_BUSINESS}),
    "minutes_versions": frozenset(
        {Capability.EDIT_BUSINESS, Capability.APPROVE_MINUTES, Capability.RUN_MEETING}
    ),
    "people": frozenset({Capability.EDIT_BUSINESS}),
    "boards": frozenset({Capability.EDIT_BUSINESS}),
    "memberships": frozenset({Capability.EDIT_BUSINESS}),
}
_ANY_WRITE = frozenset(Capability) - {Capability.READ_PUBLIC, Capability.READ_EXEMPT}


def may_write(who: Clearance, table_name: str) -> bool:
    """Whether some role of the person lets them write rows of this table."""
    return bool(who.capabilities & _WRITERS.get(table_name, _ANY_WRITE))


# -- what an uncleared reader may see: SQL over the tables (no ORM criteria inside) -------

_items = AgendaItem.__table__
_meetings = Meeting.__table__
_papers = Paper.__table__


def _meetings_of(boards: frozenset[str]) -> Select[Any]:
    return select(_meetings.c.id).where(_meetings.c.board_id.in_(sorted(boards)))


def item_readable(who: Clearance, items: Any = _items) -> ColumnElement[bool]:
    """SQL: the agenda item (columns of `items`) is public or theirs to read in full."""
    return or_(
        items.c.exempt.is_not(True),
        items.c.meeting_id.in_(_meetings_of(who.every)),
        and_(
            items.c.presenter_id.is_not(None),  # no NULL may reach a NOT (three-valued logic)
            items.c.presenter_id == who.person_id,
            items.c.meeting_id.in_(_meetings_of(who.own)),
        ),
    )


def hidden_items(who: Clearance) -> Select[Any]:
    """SQL: ids of the exempt items this person may not read."""
    return select(_items.c.id).where(not_(item_readable(who)))


def paper_readable(who: Clearance, papers: Any = _papers) -> ColumnElement[bool]:
    """SQL: the paper is public (and on a public item, if any) or theirs to read."""
    own_items = select(_items.c.id).where(
        _items.c.presenter_id.is_not(None),
        _items.c.presenter_id == who.person_id,
        _items.c.meeting_id.in_(_meetings_of(who.own)),
    )
    return or_(
        papers.c.meeting_id.in_(_meetings_of(who.every)),
        and_(
            papers.c.exempt.is_not(True),
            or_(
                papers.c.agenda_item_id.is_(None),
                papers.c.agenda_item_id.not_in(hidden_items(who)),
            ),
        ),
        and_(papers.c.agenda_item_id.is_not(None), papers.c.agenda_item_id.in_(own_items)),
    )


def hidden_papers(who: Clearance) -> Select[Any]:
    """SQL: ids of the papers this person may not read."""
    return select(_papers.c.id).where(not_(paper_readable(who)))


def hidden_blobs(who: Clearance) -> Select[Any]:
    """SQL: file hashes only unreadable papers use (a file is hidden with its papers)."""
    readable = select(_papers.c.blob_sha256).where(paper_readable(who))
    return select(_papers.c.blob_sha256).where(
        not_(paper_readable(who)), _papers.c.blob_sha256.not_in(readable)
    )


def meetings_with_hidden_items(who: Clearance) -> Select[Any]:
    """SQL: meetings holding an exempt item this person may not read (their minutes'
    stored content is read in its public form)."""
    return select(_items.c.meeting_id).where(not_(item_readable(who)))
