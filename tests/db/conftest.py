"""Fixtures for the sync tests: central stores of both kinds, laptops, a small board, and
two laptops holding that board through the central store."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from db.models import Action, Board, Membership, Person, Plan, Rag, Role, Theme
from db.store import Database, open_database
from db.sync.central import init_central
from db.sync.engine import sync

Laptop = Callable[[str], Database]


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def central_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An initialised, empty central store: a shared-drive SQLite file or a PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.db'}"
        init_central(url)
        yield url
        return
    base = request.getfixturevalue("pg_url")
    schema = f"c_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _pg_schema_url(base, schema)
    init_central(url)
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Laptop]:
    """A factory of laptop databases (new, empty files), closed at the end."""
    opened: list[Database] = []

    def make(name: str) -> Database:
        db = open_database(tmp_path / f"{name}.db", create=True)
        opened.append(db)
        return db

    yield make
    for db in opened:
        db.close()


def seed_board(db: Database, actions: int = 3) -> dict[str, str]:
    """A board, plan, theme and a few actions; returns their ids."""
    with db.begin() as s:
        chair = Person(name="Alex Marsh")
        board = Board(code="OPAB", name="Ofsted Priority Action Board")
        s.add_all([chair, board])
        s.flush()
        # the chair holds the chair's seat: a person with no role on any board is sent
        # only what the public may read (db.sync.scope)
        s.add(Membership(board_id=board.id, person_id=chair.id, role=Role.CHAIR))
        plan = Plan(board_id=board.id, title="Children's Improvement Plan")
        s.add(plan)
        s.flush()
        theme = Theme(plan_id=plan.id, number=1, title="Strategic Leadership and Governance")
        s.add(theme)
        s.flush()
        ids = {"board": board.id, "plan": plan.id, "theme": theme.id, "chair": chair.id}
        for i in range(actions):
            action = Action(
                plan_id=plan.id,
                theme_id=theme.id,
                reference=f"1.{i + 1}",
                title=f"Action {i + 1}",
                description=f"What action {i + 1} does",
                rag=Rag.RED,
                due_date=dt.date(2019, 3, 31),
            )
            s.add(action)
            s.flush()
            ids[f"a{i}"] = action.id
    return ids


def two_laptops(
    central_url: str, laptop: Laptop, actions: int = 3
) -> tuple[Database, Database, dict[str, str]]:
    """Laptops a and b: a seeds the board (`seed_board` with `actions` actions) and both
    sync, so b holds a copy. Returns (a, b, the board's ids)."""
    a, b = laptop("a"), laptop("b")
    ids = seed_board(a, actions=actions)
    sync(a, central_url)
    sync(b, central_url)
    return a, b, ids


def settle(central_url: str, *dbs: Database) -> None:
    """Sync each laptop twice round, so every one holds what any of them wrote."""
    for _ in range(2):
        for db in dbs:
            sync(db, central_url)
