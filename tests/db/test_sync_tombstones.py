"""Tombstones go only when every registered site has passed them, found without a full scan.

`db.sync.tombstones` looks at the deletes numbered since its last purge (and,
for a laptop that joined by snapshot, scans the clocks until the purge has
passed the moment it joined).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, event, select, text

from db.models import Person
from db.store import Database
from db.sync import clocks as clock_text
from db.sync.engine import sync

Laptop = Callable[[str], Database]


def tombstones(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT row_id, clocks FROM row_clock")).all()
    return sorted(r[0] for r in rows if "~" in clock_text.decode(r[1]))


def add_person(db: Database, name: str) -> str:
    with db.begin() as s:
        person = Person(name=name)
        s.add(person)
        s.flush()
        return person.id


def delete_person(db: Database, person_id: str) -> None:
    with db.begin() as s:
        s.delete(s.get(Person, person_id))


def statements(engine: Engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def test_a_tombstone_stays_until_every_site_has_passed_it(central_url: str, laptop: Laptop) -> None:
    a, b, c = laptop("a"), laptop("b"), laptop("c")
    gone = add_person(a, "Leaving Member")
    for db in (a, b, c):
        sync(db, central_url)
    delete_person(a, gone)
    sync(a, central_url)
    sync(a, central_url)
    assert tombstones(a) == [gone]  # b and c have not pulled the delete yet
    sync(b, central_url)
    sync(a, central_url)
    assert tombstones(a) == [gone]  # c still has not
    assert tombstones(b) == [gone]
    sync(c, central_url)
    for db in (a, b, c):
        sync(db, central_url)  # each acknowledges c's position on its next sync
    sync(a, central_url)
    assert tombstones(a) == []
    assert tombstones(c) == []
    with a.session() as s:
        assert s.scalars(select(Person).where(Person.name == "Leaving Member")).all() == []


def test_a_laptop_that_joined_by_snapshot_purges_the_tombstones_it_copied(
    central_url: str, laptop: Laptop
) -> None:
    a, b = laptop("a"), laptop("b")
    gone = add_person(a, "Leaving Member")
    sync(a, central_url)
    sync(b, central_url)
    delete_person(a, gone)
    sync(a, central_url)
    late = laptop("late")  # joins now: its snapshot holds the tombstone, its log no delete
    sync(late, central_url)
    assert tombstones(late) == [gone]  # b has not passed the delete
    sync(late, central_url)
    assert tombstones(late) == [gone]
    sync(b, central_url)
    for _ in range(2):
        for db in (a, late):
            sync(db, central_url)
    assert tombstones(late) == []
    assert tombstones(a) == []


def test_a_sync_with_nothing_to_purge_reads_no_clocks(central_url: str, laptop: Laptop) -> None:
    a = laptop("a")
    for i in range(3):
        delete_person(a, add_person(a, f"Member {i}"))
    sync(a, central_url)
    sync(a, central_url)
    assert tombstones(a) == []
    seen = statements(a.engine)
    sync(a, central_url)
    assert seen, "the sync ran statements on the laptop"
    assert not [s for s in seen if "row_clock" in s]
