"""Sync after a backup is restored: no change id is used twice, nothing is lost.

A backup holds the laptop's site id and site counter as they were when it was
taken; the laptop may since have pushed more changes under that id. A restored
file must therefore write its new changes under a new site id (else the central
store would take them for changes it already has and drop them, or mark them as
numbered with another change's number), while the backup's own changes that the
central store never got still reach it under their old identity.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db import backup as backups
from db.models import Action, Person
from db.store import Database, open_database
from db.sync.engine import pending_changes, status, sync
from db.sync.tables import change_log, sync_state
from tests.db.test_sync_cases import Laptop, two_laptops


def _person(db: Database, name: str) -> None:
    with db.begin() as s:
        s.add(Person(name=name))


def _retitle(db: Database, action_id: str, title: str) -> None:
    with db.begin() as s:
        row = s.get(Action, action_id)
        assert row is not None
        row.title = title


def _people(db: Database) -> set[str]:
    with db.begin() as s:
        return {p.name for p in s.scalars(select(Person))}


def _title(db: Database, action_id: str) -> str:
    with db.begin() as s:
        row = s.get(Action, action_id)
        assert row is not None
        return row.title


def _site(db: Database) -> tuple[str, int]:
    with db.engine.connect() as conn:
        row = conn.execute(select(sync_state.c.site_id, sync_state.c.site_seq)).one()
    return row[0], int(row[1])


def _restore(db: Database, backup: Path) -> Database:
    path, folder = db.path, db.backups
    db.close()
    backups.restore(path, backup, folder)
    return open_database(path)


@pytest.mark.parametrize("synced_after_backup", [True, False], ids=["synced", "not-synced"])
def test_changes_made_after_a_restore_all_arrive(
    central_url: str, laptop: Laptop, synced_after_backup: bool
) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    _person(a, "Pushed before the backup")
    sync(a, central_url)
    _person(a, "In the backup, not yet pushed")
    _retitle(a, ids["a0"], "Title in the backup")
    taken = backups.create_backup(a.path, a.backups, "manual")
    old_site, _ = _site(a)
    if synced_after_backup:  # the laptop goes on and pushes more under the same site id
        _person(a, "Made after the backup and pushed")
        _retitle(a, ids["a1"], "Title after the backup")
        sync(a, central_url)

    a = _restore(a, taken.path)
    new_site, seq = _site(a)
    assert new_site != old_site and seq == 0
    _person(a, "Made after the restore")
    _retitle(a, ids["a2"], "Title after the restore")
    with a.engine.connect() as conn:
        mine = conn.execute(
            select(change_log.c.change_id).where(change_log.c.site_id == new_site)
        ).all()
        assert mine and all(cid.startswith(new_site + ":") for (cid,) in mine)

    result = sync(a, central_url)
    assert result.pushed >= len(mine)
    sync(b, central_url)
    sync(a, central_url)  # numbers its last changes, and brings back what it lost

    expected = {"Alex Marsh", "Pushed before the backup", "In the backup, not yet pushed"}
    expected.add("Made after the restore")
    if synced_after_backup:
        expected.add("Made after the backup and pushed")
    assert _people(b) == expected
    assert _people(a) == expected
    for db in (a, b):
        assert _title(db, ids["a0"]) == "Title in the backup"
        assert _title(db, ids["a2"]) == "Title after the restore"
        if synced_after_backup:
            assert _title(db, ids["a1"]) == "Title after the backup"
    with a.engine.connect() as conn:
        assert pending_changes(conn, new_site) == 0
        assert pending_changes(conn, old_site) == 0
        unnumbered = conn.execute(
            select(change_log.c.change_id).where(change_log.c.server_seq.is_(None))
        ).all()
        assert unnumbered == []
    assert status(a).pending_changes == 0
    a.close()


def test_the_backups_unpushed_changes_count_as_pending(central_url: str, laptop: Laptop) -> None:
    a, _, _ = two_laptops(central_url, laptop)
    _person(a, "Not yet pushed")
    before = status(a).pending_changes
    assert before > 0
    taken = backups.create_backup(a.path, a.backups, "manual")
    a = _restore(a, taken.path)
    assert status(a).pending_changes == before  # under the old site id, still to push
    _person(a, "After the restore")
    assert status(a).pending_changes > before
    sync(a, central_url)
    sync(a, central_url)
    assert status(a).pending_changes == 0
    a.close()


def test_restoring_twice_keeps_every_change(central_url: str, laptop: Laptop) -> None:
    a, b, _ = two_laptops(central_url, laptop)
    _person(a, "First")
    first = backups.create_backup(a.path, a.backups, "manual")
    sync(a, central_url)
    a = _restore(a, first.path)
    _person(a, "Second")
    second = backups.create_backup(a.path, a.backups, "manual")
    _person(a, "Lost with the second restore")
    sync(a, central_url)
    a = _restore(a, second.path)
    _person(a, "Third")
    sync(a, central_url)
    sync(b, central_url)
    assert {"First", "Second", "Third", "Lost with the second restore"} <= _people(b)
    a.close()
