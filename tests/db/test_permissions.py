"""The roles table of ARCHITECTURE.md, checked cell by cell through `db.permissions`."""

from __future__ import annotations

import pytest

from db.errors import PermissionDeniedError
from db.models import Board, Membership, Person, Role
from db.permissions import Capability, allowed, require
from db.store import Database

C = Capability
# role -> {capability: (allowed on any record, allowed on own record)}
EXPECTED: dict[Role, dict[Capability, tuple[bool, bool]]] = {
    Role.CHAIR: {
        C.READ_PUBLIC: (True, True),
        C.READ_EXEMPT: (True, True),
        C.ANNOTATE: (True, True),
        C.UPDATE_PROGRESS: (True, True),
        C.RUN_MEETING: (True, True),
        C.ACCEPT_EVIDENCE: (True, True),
        C.EDIT_BUSINESS: (False, False),
        C.APPROVE_MINUTES: (True, True),
    },
    Role.MEMBER: {
        C.READ_PUBLIC: (True, True),
        C.READ_EXEMPT: (True, True),
        C.ANNOTATE: (True, True),
        C.UPDATE_PROGRESS: (False, False),
        C.RUN_MEETING: (False, False),
        C.ACCEPT_EVIDENCE: (False, False),
        C.EDIT_BUSINESS: (False, False),
        C.APPROVE_MINUTES: (False, False),
    },
    Role.SECRETARIAT: {
        C.READ_PUBLIC: (True, True),
        C.READ_EXEMPT: (True, True),
        C.ANNOTATE: (True, True),
        C.UPDATE_PROGRESS: (True, True),
        C.RUN_MEETING: (True, True),
        C.ACCEPT_EVIDENCE: (True, True),
        C.EDIT_BUSINESS: (True, True),
        C.APPROVE_MINUTES: (False, False),
    },
    Role.OFFICER: {
        C.READ_PUBLIC: (True, True),
        C.READ_EXEMPT: (False, True),
        C.ANNOTATE: (True, True),
        C.UPDATE_PROGRESS: (False, True),
        C.RUN_MEETING: (False, False),
        C.ACCEPT_EVIDENCE: (False, False),
        C.EDIT_BUSINESS: (False, False),
        C.APPROVE_MINUTES: (False, False),
    },
    Role.OBSERVER: {
        C.READ_PUBLIC: (True, True),
        C.READ_EXEMPT: (False, False),
        C.ANNOTATE: (False, False),
        C.UPDATE_PROGRESS: (False, False),
        C.RUN_MEETING: (False, False),
        C.ACCEPT_EVIDENCE: (False, False),
        C.EDIT_BUSINESS: (False, False),
        C.APPROVE_MINUTES: (False, False),
    },
}


@pytest.fixture
def people(database: Database) -> dict[Role, tuple[str, str]]:
    made = {}
    with database.begin() as s:
        board, other = Board(code="OPAB", name="OPAB"), Board(code="CPB", name="CPB")
        s.add_all([board, other])
        s.flush()
        for role in EXPECTED:
            p = Person(name=role.value)
            s.add(p)
            s.flush()
            s.add(Membership(board_id=board.id, person_id=p.id, role=role))
            made[role] = (p.id, board.id)
        made[Role.VICE_CHAIR] = ("", other.id)
    return made


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("capability", list(Capability))
def test_role_matrix(
    database: Database, people: dict[Role, tuple[str, str]], role: Role, capability: Capability
) -> None:
    person, board = people[role]
    any_record, own_record = EXPECTED[role][capability]
    with database.session() as s:
        assert allowed(s, person, board, capability) is any_record
        assert allowed(s, person, board, capability, owns=True) is own_record
        other_board = people[Role.VICE_CHAIR][1]
        assert allowed(s, person, other_board, capability, owns=True) is False  # per board
        if not own_record:
            with pytest.raises(PermissionDeniedError, match="not allowed to"):
                require(s, person, board, capability, owns=True)


def test_nobody_signed_in_may_do_nothing(
    database: Database, people: dict[Role, tuple[str, str]]
) -> None:
    board = people[Role.CHAIR][1]
    with database.session() as s, pytest.raises(PermissionDeniedError, match="nobody"):
        require(s, None, board, Capability.READ_PUBLIC)
