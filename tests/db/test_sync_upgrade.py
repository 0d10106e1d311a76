"""An older laptop keeps what newer laptops wrote in fields it did not know, and
applies it once it is upgraded; an app older than the central minimum says so."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config

import db.store
from db.store import head_revision, open_database
from db.sync.central import CentralStore, init_central
from db.sync.engine import sync
from db.sync.merge import Change
from tests.db.conftest import seed_board

FUTURE = '''"""Test-only revision: a newer app's column and table."""
import sqlalchemy as sa
from alembic import op

revision = "9000_future"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("actions", sa.Column("x_future", sa.Text(), nullable=True))
    op.create_table("future_things", sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("name", sa.Text()))


def downgrade() -> None:
    pass
'''


def test_fields_an_older_laptop_did_not_know_arrive_after_its_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    init_central(url)
    laptop = open_database(tmp_path / "old.db", create=True)
    ids = seed_board(laptop, actions=1)
    sync(laptop, url)
    # A newer laptop writes a field and a table this app does not have.
    store = CentralStore(url)
    newer = [
        Change(
            "newer:1",
            "newer",
            1,
            2**62,
            "actions",
            ids["a0"],
            "U",
            {"x_future": "kept for later", "title": "Renamed by the newer app"},
            None,
            "9000_future",
            None,
        ),
        Change(
            "newer:2",
            "newer",
            2,
            2**62 + 1,
            "future_things",
            "t1",
            "I",
            {"id": "t1", "name": "a new kind of record"},
            None,
            "9000_future",
            None,
        ),
    ]
    try:
        assert store.push("newer", None, "9000_future", newer).accepted == 2
    finally:
        store.close()
    sync(laptop, url)
    with laptop.engine.connect() as conn:  # the known field applied, the rest kept in the log
        assert conn.exec_driver_sql("SELECT title FROM actions").scalar() == (
            "Renamed by the newer app"
        )
        logged = conn.exec_driver_sql(
            "SELECT fields FROM change_log WHERE change_id = 'newer:1'"
        ).scalar()
    assert json.loads(logged)["x_future"] == "kept for later"
    laptop.close()

    scripts = tmp_path / "migrations"
    shutil.copytree(Path(db.store.__file__).parent / "migrations", scripts)
    (scripts / "versions" / "9000_future.py").write_text(FUTURE.format(head=head_revision()))

    def newer_config() -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(scripts))
        return cfg

    monkeypatch.setattr(db.store, "alembic_config", newer_config)
    upgraded = open_database(tmp_path / "old.db", backup_dir=tmp_path / "backups")
    upgraded.close()
    with sqlite3.connect(tmp_path / "old.db") as conn:
        assert conn.execute("SELECT x_future, title FROM actions").fetchone() == (
            "kept for later",
            "Renamed by the newer app",
        )
        assert conn.execute("SELECT id, name FROM future_things").fetchall() == [
            ("t1", "a new kind of record")
        ]
        # replayed, not re-captured as local changes
        assert conn.execute(
            "SELECT count(*) FROM change_log WHERE table_name = 'future_things'"
        ).fetchone() == (1,)
