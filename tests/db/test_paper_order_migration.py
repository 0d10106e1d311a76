"""Migration 0012: `papers.position`, added and dropped with the capture triggers remade.

A laptop file is made at head, taken down to the revision before 0012 and up
again, on SQLite; on PostgreSQL (marked `pg`) a central store's schema goes the
same way. Checked: the column comes and goes, every trigger of `papers` is back
after each step, and a position set after the upgrade is captured for sync.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine

from db.store import alembic_config, make_engine, open_database

BEFORE = ScriptDirectory.from_config(alembic_config()).get_revision("0012").down_revision
assert isinstance(BEFORE, str)

TRIGGERS = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papers'"
CAPTURE = "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"


def _migrate(engine: Engine) -> Callable[[Callable[..., None], str], None]:
    cfg = alembic_config()

    def migrate(fn: Callable[..., None], target: str) -> None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            fn(cfg, target)

    return migrate


def _columns(engine: Engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("papers")}


def _triggers(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        names = [r[0] for r in conn.execute(text(TRIGGERS))]
        return {n: conn.execute(text(CAPTURE), {"name": n}).scalar_one() for n in names}


def test_sqlite_round_trip_keeps_the_triggers_and_captures_the_position(tmp_path: Path) -> None:
    path = tmp_path / "laptop.db"
    open_database(path, create=True).close()
    engine = make_engine(path)
    migrate = _migrate(engine)
    at_head = _triggers(engine)
    assert "position" in _columns(engine)
    assert any("position" in sql for sql in at_head.values())  # captured for sync

    migrate(command.downgrade, BEFORE)
    assert "position" not in _columns(engine)
    before = _triggers(engine)
    assert set(before) == set(at_head)  # every trigger is back, none names the column
    assert not any('"position"' in sql for sql in before.values())

    migrate(command.upgrade, "0012")
    assert "position" in _columns(engine)
    assert _triggers(engine) == at_head
    engine.dispose()

    db = open_database(path)  # opens at head: no backup, no migration
    try:
        assert db.migrated_from is None
        with db.engine.begin() as conn:
            conn.execute(text("PRAGMA foreign_keys = OFF"))  # a bare row, no meeting or blob
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO papers (id, meeting_id, title, kind, blob_sha256, page_count, "
                    "exempt, supplement, version, issued_at) VALUES (:id, 'm', 'Report', "
                    "'report', 'x', 1, 0, 0, 1, '2020-01-14 10:00:00.000000')"
                ),
                {"id": "p1"},
            )
            conn.execute(text("UPDATE papers SET position = 2 WHERE id = 'p1'"))
            fields = conn.execute(
                text(
                    "SELECT fields FROM change_log WHERE table_name = 'papers' AND row_id = 'p1' "
                    "AND op = 'U'"
                )
            ).scalar_one()
        assert fields == '{"position":2}'
    finally:
        db.close()


@pytest.mark.pg
def test_postgresql_round_trip(pg_url: str) -> None:
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(f"{pg_url}?options=-csearch_path%3D{schema}")
    try:
        migrate = _migrate(engine)
        migrate(command.upgrade, "head")
        assert "position" in _columns(engine)
        migrate(command.downgrade, BEFORE)
        assert "position" not in _columns(engine)
        migrate(command.upgrade, "head")
        assert "position" in _columns(engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
