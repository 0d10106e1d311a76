"""Two laptops and a shared-drive central store holding the known board, for the sync GUI tests.

Laptop A starts with the board of `board_fixture` and syncs it to a fresh
SQLite-file central store; laptop B joins from it. `make_text_conflict` then
has the chair (on A) and a member (on B) rewrite the same action's
description; B syncs first, so A has a change to send and meets the
conflict — both versions, authored and timed — at its next sync, exactly as a
chair would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from db.models import Action, Person
from db.store import Database, open_database
from db.sync.central import init_central
from db.sync.engine import sync
from tests.desktop.board_fixture import populate

ACTION_TITLE = "Redesign the multi-agency safeguarding hub (MASH)"
CHAIR_TEXT = (
    "Multi-agency safeguarding hub redesigned with police and health; daily triage "
    "meeting in place and thresholds agreed by the partnership."
)
MEMBER_TEXT = (
    "MASH redesign agreed with police; health partners join the daily triage from "
    "April. Thresholds document to the partnership board in March."
)


@dataclass
class TwoLaptops:
    central_url: str
    a: Database
    b: Database
    chair_id: str
    member_id: str
    action_id: str  # action 1.2

    def close(self) -> None:
        self.a.close()
        self.b.close()


def two_laptops(folder: Path) -> TwoLaptops:
    """A central store and two laptops that both hold the known board."""
    url = f"sqlite:///{folder / 'central.db'}"
    init_central(url)
    a = open_database(folder / "a.db", create=True)
    b = open_database(folder / "b.db", create=True)
    populate(a)
    with a.begin() as s:
        action = s.scalars(select(Action).where(Action.reference == "1.2")).one()
        action.title = ACTION_TITLE
    sync(a, url)
    sync(b, url)
    with a.session() as s:
        chair_id = s.scalars(select(Person.id).where(Person.name == "Alex Morgan")).one()
        member_id = s.scalars(select(Person.id).where(Person.name == "Sam Patel")).one()
        action_id = s.scalars(select(Action.id).where(Action.reference == "1.2")).one()
    return TwoLaptops(url, a, b, chair_id, member_id, action_id)


def edit_description(database: Database, action_id: str, text: str, actor_id: str) -> None:
    with database.begin(actor_id) as s:
        action = s.get(Action, action_id)
        assert action is not None
        action.description = text


def make_concurrent_edits(laptops: TwoLaptops) -> None:
    """The chair on A and a member on B rewrite action 1.2's description; B syncs.

    A then has one change to send, and meets the conflict at its next sync.
    """
    edit_description(laptops.a, laptops.action_id, CHAIR_TEXT, laptops.chair_id)
    edit_description(laptops.b, laptops.action_id, MEMBER_TEXT, laptops.member_id)
    sync(laptops.b, laptops.central_url)


def make_text_conflict(laptops: TwoLaptops) -> None:
    """As `make_concurrent_edits`, then A syncs: A holds an open conflict with both versions."""
    make_concurrent_edits(laptops)
    sync(laptops.a, laptops.central_url)
