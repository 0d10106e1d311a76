"""Opening database files: fresh, missing, foreign, damaged, newer, older (migrated, backed up)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

import db.store
from db.base import Base
from db.errors import (
    CorruptDatabaseError,
    DatabaseNotFoundError,
    NewerSchemaError,
    NotABoardpackDatabaseError,
)
from db.models import Board
from db.services.search import include_object
from db.store import Database, head_revision, open_database


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_fresh_database_is_at_head_with_wal_foreign_keys_and_triggers(database: Database) -> None:
    with database.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == db.store.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            head_revision()
        )
        triggers = {
            r[0]
            for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
        }
    assert {
        "decisions_no_update",
        "decisions_no_delete",
        "audit_events_no_update",
        "minutes_versions_signed_no_update",
    } <= triggers


def test_models_and_migrations_agree(database: Database) -> None:
    """The shipped migrations build exactly the schema the models describe."""
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": include_object})
        diffs = compare_metadata(context, Base.metadata)
    assert diffs == []


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError), _raw(database.path) as conn:
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(
            "INSERT INTO memberships (id, board_id, person_id, role, voting) "
            "VALUES ('m', 'no-board', 'no-person', 'member', 1)"
        )


def test_missing_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(DatabaseNotFoundError, match="no database at"):
        open_database(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "minutes.docx"
    path.write_bytes(b"PK\x03\x04 this is a word document")
    with pytest.raises(NotABoardpackDatabaseError, match="not an SQLite file"):
        open_database(path)
    assert path.read_bytes().startswith(b"PK")


def test_another_apps_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with _raw(path) as conn:
        conn.execute("CREATE TABLE songs (title TEXT)")
    with pytest.raises(NotABoardpackDatabaseError, match="not a Boardpack database"):
        open_database(path)


def test_a_damaged_file_is_refused_with_a_restore_hint(database: Database) -> None:
    with database.begin() as s:
        for i in range(300):
            s.add(Board(code=f"B{i}", name=f"Board {i} " + "x" * 200))
    database.close()
    path = database.path
    with _raw(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    for offset in range(3 * 4096, 6 * 4096, 7):  # scribble over b-tree pages, keep the header
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError, match=r"damaged.*restore it from a backup"):
        open_database(path)


def test_a_file_from_a_newer_boardpack_is_refused(database: Database) -> None:
    database.close()
    with _raw(database.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(NewerSchemaError, match="newer version of Boardpack"):
        open_database(database.path)
    with _raw(database.path) as conn:  # untouched
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "9999_future",
        )


MIGRATION_0002 = '''"""Test-only revision: adds a marker table."""
import sqlalchemy as sa
from alembic import op

revision = "0002_test"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_marker", sa.Column("id", sa.Integer, primary_key=True))


def downgrade() -> None:
    op.drop_table("test_marker")
'''


def test_an_older_file_is_backed_up_then_migrated(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.begin() as s:
        s.add(Board(code="OPAB", name="Ofsted Priority Action Board"))
    database.close()
    old_head = head_revision()

    # A newer app: the shipped migrations plus one more revision.
    scripts = tmp_path / "migrations"
    shutil.copytree(Path(db.store.__file__).parent / "migrations", scripts)
    (scripts / "versions" / "0002_test.py").write_text(MIGRATION_0002.format(head=old_head))

    def newer_config() -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(scripts))
        return cfg

    monkeypatch.setattr(db.store, "alembic_config", newer_config)
    backups = tmp_path / "backups"
    reopened = open_database(database.path, backup_dir=backups)
    try:
        assert reopened.migrated_from == old_head
        assert reopened.backup_path is not None and reopened.backup_path.parent == backups
        with _raw(reopened.backup_path) as conn:
            assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
            assert conn.execute("SELECT code FROM boards").fetchall() == [("OPAB",)]
        with reopened.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
                "0002_test"
            )
            assert conn.exec_driver_sql("SELECT code FROM boards").scalar() == "OPAB"
            conn.exec_driver_sql("SELECT count(*) FROM test_marker")
    finally:
        reopened.close()


def test_opening_at_head_makes_no_backup(database: Database, tmp_path: Path) -> None:
    database.close()
    reopened = open_database(database.path, backup_dir=tmp_path / "backups")
    reopened.close()
    assert reopened.backup_path is None
    assert not (tmp_path / "backups").exists()


def test_head_and_known_revisions_agree_with_alembic() -> None:
    """The scripts' own lines give the same head and revisions as Alembic's reading."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(db.store.alembic_config())
    assert db.store.script_revisions() is not None  # read from the files, not Alembic
    assert head_revision() == scripts.get_current_head()
    assert db.store.known_revisions() == {rev.revision for rev in scripts.walk_revisions()}


def test_a_newer_apps_scripts_give_its_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A script added after the head (tests' stand-in for a newer app) is the new head."""
    old_head = head_revision()
    scripts = tmp_path / "migrations"
    shutil.copytree(db.store.MIGRATIONS, scripts)
    (scripts / "versions" / "0002_test.py").write_text(MIGRATION_0002.format(head=old_head))

    def newer_config() -> Config:
        cfg = Config()
        cfg.set_main_option("script_location", str(scripts))
        return cfg

    monkeypatch.setattr(db.store, "alembic_config", newer_config)
    assert head_revision() == "0002_test"
    assert db.store.known_revisions() == {"0002_test"} | set(
        db.store.script_revisions(db.store.MIGRATIONS) or {}
    )


def test_scripts_not_read_from_their_text_are_left_to_alembic(tmp_path: Path) -> None:
    """A merge (a tuple of down revisions) is not guessed at: the caller asks Alembic."""
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_a.py").write_text('revision = "0001"\ndown_revision = None\n')
    assert db.store.script_revisions(tmp_path) == {"0001": None}
    (versions / "0002_b.py").write_text('revision = "0002"\ndown_revision = ("0001", "x")\n')
    assert db.store.script_revisions(tmp_path) is None


def test_opening_a_file_at_head_does_not_import_alembic(database: Database) -> None:
    """Alembic (0.1-0.2 s to import) loads only when a file needs migrating."""
    import subprocess
    import sys

    database.close()
    code = (
        "import sys\n"
        "from db.store import open_database\n"
        f"d = open_database({str(database.path)!r}, integrity='deferred')\n"
        "with d.engine.connect() as c: c.exec_driver_sql('SELECT 1')\n"
        "d.close()\n"
        "print(sorted(m for m in sys.modules if m == 'alembic' or m.startswith('alembic.')))\n"
    )
    got = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert got.returncode == 0, got.stderr
    assert got.stdout.strip() == "[]"
