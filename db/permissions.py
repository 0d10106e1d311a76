"""Who may do what, per board: the roles table of ARCHITECTURE.md as data, checked here.

Every service asks `require(session, actor_id, board_id, capability)` before it
writes, so the GUI and the CLI cannot disagree about a right; the GUI only uses
`allowed()` to grey out what would be refused anyway. "Own" capabilities (an
officer's own actions, items they present) are checked by the service with
`owns=`, since only it knows whose record it is.
"""

from __future__ import annotations

import enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import PermissionDeniedError
from db.models import Membership, Role


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
