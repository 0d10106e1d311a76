"""The same schema on PostgreSQL (the central store's engine), and the CI rule for it.

Each test works in a schema of its own, dropped afterwards, so runs never see
each other's tables.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, select, text
from sqlalchemy.orm import Session

from db.base import Base
from db.models import Board, Person
from db.services.search import include_object
from db.session import configure
from db.store import alembic_config, head_revision

pytestmark = pytest.mark.pg


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = create_engine(pg_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_migrations_build_the_model_schema_on_postgresql(pg_engine: Engine) -> None:
    cfg = alembic_config()
    with pg_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with pg_engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        assert compare_metadata(context, Base.metadata) == []


def test_utc_timestamps_round_trip_through_postgresql(pg_engine: Engine) -> None:
    cfg = alembic_config()
    with pg_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    bst = dt.timezone(dt.timedelta(hours=1))
    written = dt.datetime(2019, 6, 1, 10, 30, 15, 123456, tzinfo=bst)
    with Session(pg_engine) as s, s.begin():
        configure(s)
        s.add_all([Person(name="Jo", created_at=written), Board(code="OPAB", name="OPAB")])
    with Session(pg_engine) as s:
        back = s.scalars(select(Person.created_at)).one()
    assert back == written and back.tzinfo == dt.UTC


def test_ci_fails_rather_than_skips_when_postgresql_is_unreachable(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text("def test_needs_pg(pg_url):\n    pass\n")
    conftest = Path(__file__).resolve().parents[1] / "conftest.py"
    (tmp_path / "conftest.py").write_text(conftest.read_text())
    env = {
        **os.environ,
        "CI": "true",
        "BOARDPACK_TEST_PG_URL": "postgresql+psycopg://postgres@127.0.0.1:1/none",
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(probe),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout[-2000:]
    assert "1 failed" in proc.stdout and "CI requires it" in proc.stdout
