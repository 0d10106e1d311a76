"""Shared set-up for the meeting-mode tests: the demo board, its people by role, a live meeting."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from sqlalchemy import func, select

from db.demo import DEMO_AS_OF
from db.models import Board, Meeting, MeetingStatus, Membership, Role
from db.services import attendance, meetings
from db.services.meeting_view import meeting_view
from db.store import Database

T = TypeVar("T")

#: The demo's next OPAB meeting (planned) and the last one (closed).
NEXT_OPAB = dt.date(2020, 1, 14)
LAST_OPAB = dt.date(2019, 11, 5)


@dataclass(frozen=True)
class Cast:
    """The demo OPAB's ids: the board, its meetings and one person per role (only that role)."""

    board_id: str
    next_meeting: str
    last_meeting: str
    people: dict[Role, str]
    voting: tuple[str, ...]  # every voting member

    @property
    def chair(self) -> str:
        return self.people[Role.CHAIR]

    @property
    def clerk(self) -> str:
        return self.people[Role.SECRETARIAT]


@pytest.fixture
def db(demo_database: Database) -> Database:
    """A fresh copy of the demo for each test (`demo_database`, tests/conftest.py)."""
    return demo_database


@pytest.fixture
def cast(db: Database) -> Cast:
    with db.session() as s:
        board_id = s.scalar(select(Board.id).where(Board.code == "OPAB"))
        assert board_id is not None
        rows = s.execute(
            select(Membership.person_id, Membership.role, Membership.voting).where(
                Membership.board_id == board_id
            )
        ).all()
        roles: dict[str, list[Role]] = {}
        for person_id, role, _ in rows:
            roles.setdefault(person_id, []).append(role)
        people: dict[Role, str] = {}
        for person_id, held in sorted(roles.items()):
            if len(held) == 1:
                people.setdefault(held[0], person_id)
        voting = tuple(sorted({p for p, _, v in rows if v}))

        def meeting_on(day: dt.date) -> str:
            found = s.scalar(
                select(Meeting.id).where(Meeting.board_id == board_id, Meeting.meeting_date == day)
            )
            assert found is not None
            return found

        return Cast(board_id, meeting_on(NEXT_OPAB), meeting_on(LAST_OPAB), people, voting)


def run(db: Database, actor: str | None, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a service in its own committed transaction, as the GUI does."""
    with db.begin(actor) as s:
        return fn(s, actor, *args, **kwargs)


def item_ids(db: Database, meeting_id: str) -> list[str]:
    with db.session() as s:
        view = meeting_view(s, None, meeting_id)
    return [i.item_id for i in view.items]


def open_with_everyone(db: Database, cast: Cast) -> list[str]:
    """Open the next OPAB meeting with every voting member present; returns its item ids."""
    for person in cast.voting:
        run(db, cast.clerk, attendance.set_attendance, cast.next_meeting, person, "present")
    run(db, cast.clerk, meetings.open_meeting, cast.next_meeting)
    return item_ids(db, cast.next_meeting)


def count(db: Database, model: Any, *where: Any) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def status(db: Database, meeting_id: str) -> MeetingStatus:
    with db.session() as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting.status


__all__ = [
    "DEMO_AS_OF",
    "LAST_OPAB",
    "NEXT_OPAB",
    "Cast",
    "cast",
    "count",
    "db",
    "item_ids",
    "open_with_everyone",
    "run",
    "status",
]
