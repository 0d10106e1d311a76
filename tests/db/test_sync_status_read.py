"""`db.sync.engine.status` on the laptop's SQLite file: the fixed-SQL read the status bar
polls gives exactly what the SQLAlchemy statements (every other dialect) give."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, insert, select, text, update

from db import backup as backups
from db.models import Person
from db.store import Database
from db.sync import engine
from db.sync.tables import central_meta, change_log, sync_conflicts, sync_overrides, sync_state

SYNCED_AT = dt.datetime(2026, 11, 2, 9, 30, 15, tzinfo=dt.UTC)


def _people(db: Database, count: int) -> None:
    with db.begin() as s:
        s.add_all(Person(name=f"Person {n}") for n in range(count))


def _a_laptop_mid_sync(db: Database) -> None:
    """Changes under a retired site and the current one, some numbered by the central
    store, an open and a settled conflict, an unseen and a seen override, a last sync."""
    _people(db, 12)
    with db.engine.begin() as conn:
        site = conn.execute(select(sync_state.c.site_id)).scalar_one()
        seqs = [
            r[0]
            for r in conn.execute(
                select(change_log.c.site_seq)
                .where(change_log.c.site_id == site)
                .order_by(change_log.c.site_seq)
            )
        ]
        assert len(seqs) >= 12
        retired, current = seqs[:5], seqs[5:]
        # The retired site: its first 3 changes numbered, 2 not.
        conn.execute(
            update(change_log).where(change_log.c.site_seq.in_(retired)).values(site_id="old-site")
        )
        for number, seq in enumerate(retired[:3], start=1):
            conn.execute(
                update(change_log)
                .where(change_log.c.site_id == "old-site", change_log.c.site_seq == seq)
                .values(server_seq=number)
            )
        # The current site: its first 4 changes numbered, the rest pending.
        for number, seq in enumerate(current[:4], start=10):
            conn.execute(
                update(change_log)
                .where(change_log.c.site_id == site, change_log.c.site_seq == seq)
                .values(server_seq=number)
            )
        conn.execute(
            insert(central_meta).values(key=backups.RETIRED_SITES, value=json.dumps(["old-site"]))
        )
        conn.execute(
            insert(sync_conflicts),
            [
                {
                    "table_name": "people",
                    "row_id": "p1",
                    "field": "name",
                    "versions": "[]",
                    "open": 1,
                },
                {
                    "table_name": "people",
                    "row_id": "p2",
                    "field": "name",
                    "versions": "[]",
                    "open": 0,
                },
            ],
        )
        conn.execute(
            insert(sync_overrides),
            [
                {"table_name": "people", "row_id": "p1", "field": "name", "seen": 0},
                {"table_name": "people", "row_id": "p2", "field": "name", "seen": 1},
            ],
        )
        conn.execute(
            update(sync_state).values(
                last_sync_at=SYNCED_AT,
                last_sync_error="central store unplugged",
                remote="sqlite:////srv/shared/central.db",
            )
        )


def test_the_fixed_sql_read_equals_the_sqlalchemy_read(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a_laptop_mid_sync(database)
    with database.engine.connect() as conn:
        assert engine._plain_sql(conn)  # the laptop's file takes the fixed SQL
        plain = conn.execute(
            select(func.count()).select_from(change_log).where(change_log.c.server_seq.is_(None))
        ).scalar_one()
        site = conn.execute(text("SELECT site_id FROM sync_state")).scalar_one()
        assert engine.pending_changes(conn, site) == plain - 2
        assert engine.pending_changes(conn, "old-site") == 2
        assert engine.pending_changes(conn, "nowhere") == 0
    fixed = engine.status(database)
    assert fixed.pending_changes == plain
    assert (fixed.open_conflicts, fixed.unseen_overrides) == (1, 1)
    assert fixed.last_sync_at == SYNCED_AT and fixed.last_sync_at.tzinfo is not None
    assert fixed.last_error == "central store unplugged"
    assert fixed.remote == "sqlite:////srv/shared/central.db"

    monkeypatch.setattr(engine, "_plain_sql", lambda conn: False)
    with database.engine.connect() as conn:
        assert engine.pending_changes(conn, site) == plain - 2
    assert engine.status(database) == fixed
