"""Every role × every action of the roles table, through the services (issue 8 part 2).

The expected answers are the roles table of ARCHITECTURE.md ("Who may do what")
written out here — not `db.permissions.MATRIX` — so the test checks the code
against the specification. The table has no vice-chair column; DOMAIN.md makes
the vice-chair a voting member who chairs in the chair's absence, so the
vice-chair is expected to have a member's rights. "Own" rights (an officer's own
items and actions) are tried on a record of theirs and on someone else's.

Each action runs in a session carrying the person as its viewer
(`db.session.viewer_session`), so reads go through the session's own filter as
well as the service's: both must give the table's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import minutes as M
from db.demo import DEMO_AS_OF, create_demo
from db.errors import NotFoundError, PermissionDeniedError
from db.models import (
    Action,
    AgendaItem,
    Evidence,
    EvidenceState,
    ItemKind,
    MinutesStatus,
    MinutesVersion,
    Paper,
    Role,
)
from db.services import agenda, decisions, papers, plan, questions
from db.services import annotations as notes
from db.services.meeting_view import meeting_view
from db.session import Viewer, viewer_session
from db.store import Database
from tests.db.meeting_fixtures import Cast, cast, open_with_everyone

Y, N, OWN = "yes", "no", "own records only"

# ARCHITECTURE.md, "Who may do what" (roles per board), one row per action.
ROLES_TABLE: dict[str, dict[str, str]] = {
    #                       chair  member secretariat officer observer
    "read public": dict(chair=Y, member=Y, secretariat=Y, officer=Y, observer=Y),
    "read exempt item": dict(chair=Y, member=Y, secretariat=Y, officer=OWN, observer=N),
    "read exempt paper": dict(chair=Y, member=Y, secretariat=Y, officer=OWN, observer=N),
    "annotate / question": dict(chair=Y, member=Y, secretariat=Y, officer=Y, observer=N),
    "progress / RAG update": dict(chair=Y, member=N, secretariat=Y, officer=OWN, observer=N),
    "attach evidence": dict(chair=Y, member=N, secretariat=Y, officer=OWN, observer=N),
    "run meeting / record decision": dict(chair=Y, member=N, secretariat=Y, officer=N, observer=N),
    "accept evidence / agree Blue": dict(chair=Y, member=N, secretariat=Y, officer=N, observer=N),
    "edit agenda / papers": dict(chair=N, member=N, secretariat=Y, officer=N, observer=N),
    "approve / sign minutes": dict(chair=Y, member=N, secretariat=N, officer=N, observer=N),
}
ROLES = ("chair", "vice_chair", "member", "secretariat", "officer", "observer")


def expected(action: str, role: str, own: bool) -> bool:
    column = "member" if role == "vice_chair" else role
    answer = ROLES_TABLE[action][column]
    return answer == Y or (answer == OWN and own)


def cases() -> Iterator[tuple[str, str, bool]]:
    for action, row in ROLES_TABLE.items():
        for role in ROLES:
            yield action, role, False
            if OWN in row.values():
                yield action, role, True


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from exports.papers import render_paper_pdf

    path = tmp_path_factory.mktemp("matrix") / "demo.db"
    create_demo(path, render_paper=render_paper_pdf).close()
    return path


@pytest.fixture
def db(demo_database: Database) -> Database:
    """A fresh copy of this module's demo, papers rendered (`demo_database`, tests/conftest.py)."""
    return demo_database


def attempt(fn: Callable[[], object]) -> bool:
    """True when the service did it, False when it refused for want of a right — or
    found nothing: the session itself withholds what the viewer may not read."""
    try:
        fn()
    except (PermissionDeniedError, NotFoundError):
        return False
    return True


def as_person(db: Database, person: str) -> Session:
    return viewer_session(db, Viewer.person(person), person)


class Board:
    """The demo's OPAB board, prepared (unrestricted) for one action."""

    def __init__(self, db: Database, cast: Cast) -> None:
        self.db, self.cast = db, cast
        self.officer = cast.people[Role.OFFICER]

    def item_with_paper(self, *, exempt: bool, presenter: str | None) -> tuple[str, str]:
        """A business item of the next meeting that has a paper: (item, paper)."""
        with self.db.begin() as s:
            paper = s.scalars(
                select(Paper)
                .join(AgendaItem, AgendaItem.id == Paper.agenda_item_id)
                .where(
                    Paper.meeting_id == self.cast.next_meeting,
                    AgendaItem.kind == ItemKind.BUSINESS,
                )
                .order_by(AgendaItem.position)
            ).first()
            assert paper is not None and paper.agenda_item_id is not None
            item = s.get_one(AgendaItem, paper.agenda_item_id)
            item.exempt, item.exempt_paragraph = exempt, (1 if exempt else None)
            item.presenter_id = presenter
            item.purpose = "Case of child J" if exempt else "Open business"
            paper.exempt = exempt
            return item.id, paper.id

    def action(self, *, owner: str | None) -> str:
        with self.db.begin() as s:
            found = s.scalars(select(Action).order_by(Action.reference)).first()
            assert found is not None
            found.owner_id = owner
            return found.id


def run_action(db: Database, cast: Cast, action: str, person: str, own: bool) -> bool:
    """Try one action of the roles table as `person`; whether it was done (or read)."""
    board = Board(db, cast)
    owner = person if own else cast.people[Role.CHAIR]
    if action == "read public":
        item, paper = board.item_with_paper(exempt=False, presenter=None)
        with as_person(db, person) as s:
            seen = meeting_view(s, person, cast.next_meeting).item(item)
            stored = s.get(AgendaItem, item)
            return bool(
                not seen.withheld
                and seen.purpose == "Open business"
                and stored is not None
                and stored.purpose == "Open business"
                and attempt(lambda: papers.paper_bytes(s, person, paper))
            )
    if action in ("read exempt item", "read exempt paper"):
        item, paper = board.item_with_paper(exempt=True, presenter=owner)
        with as_person(db, person) as s:
            if action == "read exempt item":
                seen = meeting_view(s, person, cast.next_meeting).item(item)
                by_service = not seen.withheld and seen.purpose == "Case of child J"
                stored = s.get_one(AgendaItem, item)  # the title is public; the text is not
                by_session = stored.purpose == "Case of child J"
            else:
                by_service = attempt(lambda: papers.paper_bytes(s, person, paper))
                by_session = s.get(Paper, paper) is not None
        assert by_service == by_session, "the service and the session disagree"
        return by_service
    if action == "annotate / question":
        item, paper = board.item_with_paper(exempt=False, presenter=None)
        with as_person(db, person) as s, s.begin():
            note = attempt(lambda: notes.add_note(s, person, paper, 0, 0.2, 0.2, "Why?"))
            asked = attempt(lambda: questions.add_question(s, person, item, "What next?"))
        assert note == asked
        return note
    if action == "progress / RAG update":
        action_id = board.action(owner=owner)
        with as_person(db, person) as s, s.begin():
            return attempt(
                lambda: plan.record_progress_update(
                    s, person, action_id, "amber", "Slipping.", today=DEMO_AS_OF
                )
            )
    if action == "attach evidence":
        action_id = board.action(owner=owner)
        with as_person(db, person) as s, s.begin():
            return attempt(
                lambda: plan.attach_evidence(s, person, action_id, "audit.txt", b"Audit results")
            )
    if action == "run meeting / record decision":
        items = open_with_everyone(db, cast)
        with as_person(db, person) as s, s.begin():
            return attempt(
                lambda: decisions.record_decision(s, person, items[5], "noted", "Noted.")
            )
    if action == "accept evidence / agree Blue":
        items = open_with_everyone(db, cast)
        with db.session() as s:
            evidence = s.scalars(
                select(Evidence.id).where(Evidence.state == EvidenceState.SUBMITTED)
            ).first()
        assert evidence is not None
        with as_person(db, person) as s, s.begin():
            return attempt(lambda: decisions.accept_evidence(s, person, items[5], evidence))
    if action == "edit agenda / papers":
        with as_person(db, person) as s, s.begin():
            added = attempt(lambda: agenda.add_item(s, person, cast.next_meeting, "New item"))
        item, _ = board.item_with_paper(exempt=False, presenter=None)
        with as_person(db, person) as s, s.begin():
            from exports.papers import render_paper_pdf

            pdf = render_paper_pdf("Supplement", "A short supplement.")[0]
            issued = attempt(lambda: papers.add_paper(s, person, item, "Supplement", pdf))
        assert added == issued
        return added
    if action == "approve / sign minutes":
        with db.session() as s:
            version = s.scalars(
                select(MinutesVersion.id).where(MinutesVersion.status == MinutesStatus.CIRCULATED)
            ).first()
        assert version is not None
        with as_person(db, person) as s, s.begin():
            return attempt(lambda: M.approve(s, person, version))
    raise AssertionError(f"no way to try {action!r}")


@pytest.mark.parametrize(("action", "role", "own"), list(cases()))
def test_the_roles_table_holds_through_the_services(
    db: Database, cast: Cast, action: str, role: str, own: bool
) -> None:
    person = cast.people[Role(role)]
    assert run_action(db, cast, action, person, own) == expected(action, role, own)


__all__ = ["cast"]  # the shared fixture, on this module's demo copy (`db`)


def test_the_table_covers_every_role_and_action() -> None:
    assert {len(row) for row in ROLES_TABLE.values()} == {5}
    assert len(list(cases())) == len(ROLES_TABLE) * len(ROLES) + 4 * len(ROLES)
