"""Backups: online copies that are whole, named, kept to a number, restored exactly."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from db import backup as backups
from db.dump import dump_text
from db.errors import BackupError, CorruptDatabaseError
from db.models import Person
from db.store import Database, open_database
from tests.db.conftest import seed_board

T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def dump_of(path: Path) -> str:
    db = open_database(path)
    try:
        return dump_text(db.engine)
    finally:
        db.close()


def damage(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096 * 4)


@pytest.fixture
def board(database: Database) -> Database:
    seed_board(database)
    return database


def test_a_backup_taken_while_the_app_writes_dumps_like_the_file(
    board: Database, tmp_path: Path
) -> None:
    # The app's engine stays open, with uncheckpointed WAL pages: the copy still holds them.
    with board.begin() as s:
        s.add(Person(name="Written just before the backup"))
    taken = backups.create_backup(board.path, tmp_path / "backups", "manual", now=T0)
    assert taken.path.name == "board.20260301T090000000000Z.manual.db"
    assert (taken.taken_at, taken.reason) == (T0, "manual")
    expected = dump_text(board.engine)
    assert "Written just before the backup" in expected
    assert dump_of(taken.path) == expected
    assert not Path(f"{taken.path}-wal").exists()  # a backup is one self-contained file


def test_only_the_newest_are_kept_and_listed_newest_first(board: Database, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for day in range(5):
        backups.create_backup(board.path, folder, "daily", keep=3, now=T0 + dt.timedelta(days=day))
    found = backups.list_backups(board.path, folder)
    assert [b.taken_at.day for b in found] == [5, 4, 3]
    assert len(list(folder.iterdir())) == 3


def test_the_daily_backup_is_taken_only_when_the_newest_is_a_day_old(
    board: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    assert backups.backup_if_due(board.path, folder, now=T0) is not None
    assert backups.backup_if_due(board.path, folder, now=T0 + dt.timedelta(hours=23)) is None
    later = backups.backup_if_due(board.path, folder, now=T0 + dt.timedelta(hours=25))
    assert later is not None and later.reason == "daily"
    assert len(backups.list_backups(board.path, folder)) == 2


def test_opening_with_daily_backups_takes_one_a_day(board: Database, tmp_path: Path) -> None:
    board.close()
    folder = tmp_path / "backups"
    for _ in range(2):
        open_database(board.path, backup_dir=folder, daily_backup=True).close()
    assert [b.reason for b in backups.list_backups(board.path, folder)] == ["daily"]


def test_a_large_sync_apply_takes_a_backup_first(board: Database, tmp_path: Path) -> None:
    assert backups.backup_before_large_apply(board, 10, threshold=100) is None
    taken = backups.backup_before_large_apply(board, 250, threshold=100)
    assert taken is not None and taken.reason == "sync-250"
    assert taken.path.parent == board.backups == board.path.parent


def test_restore_brings_back_the_exact_dump_and_keeps_the_replaced_file(
    board: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    taken = backups.create_backup(board.path, folder, "manual")
    expected = dump_text(board.engine)
    with board.begin() as s:
        s.add(Person(name="Written after the backup"))
    newer = dump_text(board.engine)
    board.close()
    saved = backups.restore(board.path, taken.path, folder)
    assert dump_of(board.path) == expected
    assert saved is not None and saved.reason == "before-restore"
    assert dump_of(saved.path) == newer  # nothing overwritten without a copy


def test_a_damaged_backup_is_refused_and_the_file_left_alone(
    board: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    taken = backups.create_backup(board.path, folder, "manual")
    damage(taken.path)
    board.close()
    before = board.path.read_bytes()
    with pytest.raises(BackupError, match="is damaged"):
        backups.restore(board.path, taken.path, folder)
    assert board.path.read_bytes() == before


def test_a_damaged_file_names_the_latest_good_backup_and_restores_from_it(
    board: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    good = backups.create_backup(board.path, folder, "manual", now=T0)
    bad = backups.create_backup(board.path, folder, "manual", now=T0 + dt.timedelta(hours=1))
    damage(bad.path)
    expected = dump_text(board.engine)
    board.close()
    damage(board.path)
    with pytest.raises(CorruptDatabaseError, match=r"latest good backup is .*090000") as caught:
        open_database(board.path, backup_dir=folder)
    assert caught.value.backup == good.path
    assert backups.latest_good(board.path, folder) == good
    saved = backups.restore(board.path, good.path, folder)
    assert saved is not None and saved.reason == "damaged"
    assert dump_of(board.path) == expected


def test_a_migration_backup_is_named_for_it(tmp_path: Path) -> None:
    from alembic import command

    from db.store import alembic_config, head_revision, make_engine

    path = tmp_path / "old.db"
    open_database(path, create=True).close()
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    engine.dispose()
    db = open_database(path, backup_dir=tmp_path / "backups")
    db.close()
    assert db.backup_path is not None
    (found,) = backups.list_backups(path, tmp_path / "backups")
    assert found.reason == f"migration-0007-to-{head_revision()}"
    conn = sqlite3.connect(found.path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0007",)
    conn.close()


def test_a_bad_reason_is_refused(board: Database, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="lower-case"):
        backups.create_backup(board.path, tmp_path, "Before Lunch!")


def test_a_restored_file_starts_a_new_audit_chain(board: Database, tmp_path: Path) -> None:
    from sqlalchemy import select

    from db.audit_chain import verify
    from db.models import AuditEvent

    folder = tmp_path / "backups"
    taken = backups.create_backup(board.path, folder, "manual")
    with board.begin() as s:  # written after the backup (and maybe synced already)
        s.add(Person(name="Written after the backup"))
    board.close()
    backups.restore(board.path, taken.path, folder)
    db = open_database(board.path)
    try:
        with db.begin() as s:
            s.add(Person(name="Written after the restore"))
        with db.session() as s:
            newest = s.scalars(select(AuditEvent).order_by(AuditEvent.at.desc())).first()
            assert newest is not None and (newest.chain_seq, newest.prev_hash) == (1, None)
        with db.engine.connect() as conn:
            report = verify(conn)
        assert report.ok, report.problems
        assert report.chains == 2
    finally:
        db.close()


def test_a_file_that_is_not_a_boardpack_database_is_not_restored(
    board: Database, tmp_path: Path
) -> None:
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (t TEXT)")
    conn.close()
    board.close()
    before = board.path.read_bytes()
    with pytest.raises(BackupError, match="not a Boardpack database"):
        backups.restore(board.path, other, tmp_path / "backups")
    assert board.path.read_bytes() == before
