"""Who may record, amend, close and edit the agenda: every role on the board × every operation.

The expected answers are ARCHITECTURE.md's table ("run the meeting, record decisions":
chair and secretariat; "edit agendas": secretariat only), checked in `db/`, so the GUI
and the CLI cannot disagree. A refusal leaves nothing written.
"""

# ruff: noqa: F811  (the fixtures `db` and `cast` are imported from meeting_fixtures)

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from db.errors import PermissionDeniedError
from db.models import AgendaItem, Decision, Meeting, MeetingStatus, Role
from db.services import agenda, meetings
from db.services.decisions import amend_decision, record_decision
from db.store import Database
from tests.db.meeting_fixtures import (  # noqa: F401  (fixtures)
    Cast,
    cast,
    count,
    db,
    open_with_everyone,
    run,
    status,
)

ROLES = [Role.CHAIR, Role.VICE_CHAIR, Role.MEMBER, Role.SECRETARIAT, Role.OFFICER, Role.OBSERVER]
RUNS_MEETINGS = {Role.CHAIR, Role.SECRETARIAT}
EDITS_AGENDAS = {Role.SECRETARIAT}


def _record(db: Database, cast: Cast, actor: str, items: list[str]) -> Callable[[], bool]:
    before = count(db, Decision)
    run(db, actor, record_decision, items[4], "agreed", "Agreed the report.")
    return lambda: count(db, Decision) == before + 1


def _amend(db: Database, cast: Cast, actor: str, items: list[str]) -> Callable[[], bool]:
    ref = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed the report.")
    run(db, actor, amend_decision, ref.decision_id, wording="Agreed the report as amended.")

    def done() -> bool:
        with db.session() as s:
            versions = s.scalars(select(Decision.version).where(Decision.number == ref.number))
            return sorted(versions) == [1, 2]

    return done


def _close(db: Database, cast: Cast, actor: str, items: list[str]) -> Callable[[], bool]:
    run(db, actor, meetings.close_meeting, cast.next_meeting)
    return lambda: status(db, cast.next_meeting) is MeetingStatus.CLOSED


def _edit_agenda(db: Database, cast: Cast, actor: str, items: list[str]) -> Callable[[], bool]:
    before = count(db, AgendaItem, AgendaItem.meeting_id == cast.next_meeting)
    run(db, actor, agenda.add_item, cast.next_meeting, "Urgent item")
    return lambda: count(db, AgendaItem, AgendaItem.meeting_id == cast.next_meeting) == before + 1


OPERATIONS = {
    "record": (_record, RUNS_MEETINGS),
    "amend": (_amend, RUNS_MEETINGS),
    "close": (_close, RUNS_MEETINGS),
    "agenda-edit": (_edit_agenda, EDITS_AGENDAS),
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
@pytest.mark.parametrize("role", ROLES, ids=lambda r: r.value)
def test_role_may_or_may_not(db: Database, cast: Cast, role: Role, operation: str) -> None:
    assert role in cast.people, f"the demo OPAB has nobody who is only {role.label}"
    actor = cast.people[role]
    items = open_with_everyone(db, cast)
    act, allowed_roles = OPERATIONS[operation]
    snapshot = (
        count(db, Decision),
        count(db, AgendaItem),
        count(db, Meeting, Meeting.status == MeetingStatus.CLOSED),
    )
    if role in allowed_roles:
        done = act(db, cast, actor, items)
        assert done(), f"{role.label} should be able to {operation}"
    else:
        with pytest.raises(PermissionDeniedError, match="not allowed to"):
            act(db, cast, actor, items)
        after = (
            count(db, Decision),
            count(db, AgendaItem),
            count(db, Meeting, Meeting.status == MeetingStatus.CLOSED),
        )
        # Only the clerk's own set-up decision (amend) may have been written.
        extra = 1 if operation == "amend" else 0
        assert after == (snapshot[0] + extra, snapshot[1], snapshot[2])
        assert status(db, cast.next_meeting) is MeetingStatus.IN_PROGRESS


def test_nobody_signed_in_is_refused_with_a_sentence(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    with pytest.raises(PermissionDeniedError, match="nobody is signed in"):
        run(db, None, record_decision, items[4], "agreed", "Agreed.")
