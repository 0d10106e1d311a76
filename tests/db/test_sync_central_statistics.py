"""A PostgreSQL central store keeps its planner statistics while a first push fills it.

Without them the merge's read of row clocks by key scanned the whole clock table
(the bench board's push went from about 200 s to 824 s); `central._keep_statistics`
analyses the log and the clocks each time the log has doubled. ANALYZE run by hand
(not autovacuum) is what `pg_stat_user_tables.last_analyze` records.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from db.demo import create_demo
from db.store import open_database
from db.sync import central
from db.sync.engine import sync
from tests.db.conftest import _pg_schema_url

pytestmark = pytest.mark.pg


@pytest.fixture
def pg_central(pg_url: str) -> Iterator[tuple[str, str]]:
    schema = f"s_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _pg_schema_url(pg_url, schema)
    central.init_central(url)
    try:
        yield url, schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _analysed(pg_url: str, schema: str) -> dict[str, bool]:
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            rows = conn.execute(
                text(
                    "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                    "WHERE schemaname = :s AND relname IN ('change_log', 'row_clock')"
                ),
                {"s": schema},
            ).all()
    finally:
        engine.dispose()
    return {str(name): bool(done) for name, done in rows}


def _push_demo(tmp_path: Path, url: str) -> None:
    path = tmp_path / "demo.db"
    create_demo(path).close()
    database = open_database(path)
    try:
        sync(database, url)
    finally:
        database.close()


def test_a_growing_log_is_analysed(
    pg_url: str, pg_central: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, schema = pg_central
    monkeypatch.setattr(central, "ANALYZE_FLOOR", 100)  # the demo pushes ~3,000 changes
    _push_demo(tmp_path, url)
    assert _analysed(pg_url, schema) == {"change_log": True, "row_clock": True}


def test_a_small_push_analyses_nothing(
    pg_url: str, pg_central: tuple[str, str], tmp_path: Path
) -> None:
    url, schema = pg_central
    _push_demo(tmp_path, url)  # ~3,000 changes: under the floor of 10,000
    assert _analysed(pg_url, schema) == {"change_log": False, "row_clock": False}
