"""db.services.boards.create_board: a new board, its empty plan, chair and secretariat."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.errors import ValidationError
from db.models import Board, Membership, Person, Plan, RagDefinition, Role
from db.services.boards import create_board
from db.store import Database

FIELDS = {
    "council": "Slough Borough Council",
    "board_name": "Ofsted Priority Action Board",
    "code": "opab",
    "chair_name": "Alex Morgan",
    "secretariat_name": "Emma Clerk",
}


def count(database: Database, model: type) -> int:
    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_creates_board_plan_and_two_seats(database: Database) -> None:
    with database.begin() as s:
        made = create_board(s, **FIELDS, secretariat_email="emma@example.org")
    with database.session() as s:
        board = s.get_one(Board, made.board_id)
        assert board.code == "OPAB"  # upper-cased
        plan = s.get_one(Plan, made.plan_id)
        assert plan.title == "Slough Borough Council Improvement Plan"
        seats = {
            (m.person_id, m.role)
            for m in s.scalars(select(Membership).where(Membership.board_id == board.id))
        }
        assert seats == {(made.chair_id, Role.CHAIR), (made.secretariat_id, Role.SECRETARIAT)}
        rags = s.scalars(
            select(RagDefinition.label)
            .where(RagDefinition.plan_id == plan.id)
            .order_by(RagDefinition.sort_order)
        ).all()
        assert rags == ["Blue", "Green", "Amber", "Red"]
        assert s.get_one(Person, made.secretariat_id).email == "emma@example.org"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("council", "   ", "council's name is required"),
        ("chair_name", "", "chair's name is required"),
        ("code", "NOT A CODE", "short code"),
        ("board_name", "x" * 201, "too long"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    database: Database, field: str, value: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message), database.begin() as s:
        create_board(s, **{**FIELDS, field: value})
    assert count(database, Board) == count(database, Person) == count(database, Plan) == 0


def test_code_taken_in_the_file(database: Database) -> None:
    with database.begin() as s:
        create_board(s, **FIELDS)
    taken = pytest.raises(ValidationError, match="already has a board with the code OPAB")
    with taken, database.begin() as s:
        create_board(s, **{**FIELDS, "board_name": "Another"})
    assert count(database, Board) == 1 and count(database, Person) == 2
