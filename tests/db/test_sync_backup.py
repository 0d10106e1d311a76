"""Sync: a pull that brings more than `db.backup.LARGE_APPLY` changes is applied only
after an online backup of the laptop's file (issue 8: backups before every sync that
applies more than N changes); a small pull takes none."""

from __future__ import annotations

import pytest

from db import backup as backups
from db.models import Person
from db.store import Database
from db.sync.engine import sync
from tests.db.test_sync_cases import Laptop, two_laptops


def _people(db: Database, n: int) -> None:
    with db.begin() as s:
        for i in range(n):
            s.add(Person(name=f"New member {i}"))


def test_a_large_pull_is_backed_up_first_and_a_small_one_is_not(
    central_url: str, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, _ = two_laptops(central_url, laptop)
    monkeypatch.setattr(backups, "LARGE_APPLY", 5)
    before = backups.list_backups(b.path, b.backups)
    _people(a, 2)  # 4 changes: each person and its audit event
    sync(a, central_url)
    sync(b, central_url)
    assert backups.list_backups(b.path, b.backups) == before  # 4 changes: no copy
    _people(a, 8)
    sync(a, central_url)
    sync(b, central_url)
    taken = [x for x in backups.list_backups(b.path, b.backups) if x not in before]
    assert len(taken) == 1 and "sync-" in taken[0].path.name
    assert backups.quick_check(taken[0].path) is None
