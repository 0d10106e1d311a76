"""Sync: a delete made after seeing an update settles that update's update-vs-delete conflict.

Found by the convergence state machine (PostgreSQL and SQLite centrals alike): one laptop
edited a person and then deleted them, while another laptop had already deleted the same
person. The editing laptop never saw a conflict (its own delete came after its edit), but
the replicas that received the other delete first kept an update-vs-delete conflict for
ever — conflict sets differed after a full sync. Both sides want the row gone, so no
replica keeps a conflict; an edit nobody deleted after seeing still is one.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.dump import dump_text
from db.models import Person
from db.store import Database
from tests.db.test_sync_cases import Laptop, conflicts, settle, two_laptops


def _add(db: Database, name: str) -> None:
    with db.begin() as s:
        s.add(Person(name=name, job_title="Interim"))


def _person(s: Session, name: str) -> Person:
    return s.scalars(select(Person).where(Person.name == name)).one()


def test_edit_then_delete_against_a_delete_leaves_no_conflict_anywhere(
    central_url: str, laptop: Laptop
) -> None:
    a, b, _ = two_laptops(central_url, laptop)
    c = laptop("c")
    _add(a, "Temporary Member")
    settle(central_url, a, b, c)
    with a.begin() as s:  # a deletes and pushes first
        s.delete(_person(s, "Temporary Member"))
    settle(central_url, a)
    with b.begin() as s:  # b, offline, edits and then deletes the same person
        _person(s, "Temporary Member").job_title = "HoS"
    with b.begin() as s:
        s.delete(_person(s, "Temporary Member"))
    settle(central_url, b, a, c)
    assert conflicts(a) == conflicts(b) == conflicts(c) == []
    assert dump_text(a.engine) == dump_text(b.engine) == dump_text(c.engine)


def test_an_edit_nobody_deleted_after_seeing_is_still_a_conflict_everywhere(
    central_url: str, laptop: Laptop
) -> None:
    a, b, _ = two_laptops(central_url, laptop)
    c = laptop("c")
    _add(a, "Temporary Member")
    _add(a, "Other Member")
    settle(central_url, a, b, c)
    with a.begin() as s:
        s.delete(_person(s, "Temporary Member"))
    settle(central_url, a)
    with b.begin() as s:  # b edits the person a deleted, and deletes someone else
        _person(s, "Temporary Member").job_title = "HoS"
    with b.begin() as s:
        s.delete(_person(s, "Other Member"))
    settle(central_url, b, a, c)
    assert [x[:2] for x in conflicts(a)] == [("people", "~")]
    assert conflicts(a) == conflicts(b) == conflicts(c)
