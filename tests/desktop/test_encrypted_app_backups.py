"""The app's own backups and integrity check on an encrypted board use its data key."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from db import backup as backups
from db.crypto import new_data_key
from db.dump import dump_text
from db.errors import CorruptDatabaseError
from db.store import open_database
from desktop.backup_dialog import (
    IntegrityCheck,
    daily_backup_in_background,
    damage_found,
)
from tests.db.conftest import seed_board


def test_daily_backup_and_integrity_check_of_an_encrypted_board(
    qtbot: QtBot, tmp_path: Path
) -> None:
    key = new_data_key()
    folder = tmp_path / "backups"
    database = open_database(tmp_path / "board.db", create=True, key=key, backup_dir=folder)
    try:
        seed_board(database)
        daily_backup_in_background(database).join(timeout=60)
        (taken,) = backups.list_backups(database.path, folder)
        assert taken.reason == "daily" and backups.quick_check(taken.path, key) is None
        assert backups.quick_check(taken.path) is not None  # encrypted: unreadable without it
        found: list[object] = []
        checker = IntegrityCheck()
        checker.damaged.connect(found.append)
        checker.start(database).join(timeout=60)
        qtbot.wait(50)  # a queued emission would be delivered now
        assert found == []  # sound, and read with the key (without it: "needs the passphrase")
        expected = dump_text(database.engine)
    finally:
        database.close()
    with (tmp_path / "board.db").open("r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096 * 4)
    # The damage is found with the key (without it the check could not read the file).
    checker.start(database).join(timeout=60)
    qtbot.waitUntil(lambda: len(found) == 1, timeout=10_000)  # queued to this thread
    assert isinstance(found[0], CorruptDatabaseError)
    assert found[0].backup == taken.path
    error = damage_found(tmp_path / "board.db", RuntimeError("read failed"), key=key)
    assert "is damaged" in str(error)  # without the key: "needs the passphrase" escaped
    backups.restore(tmp_path / "board.db", taken.path, folder, key=key)
    restored = open_database(tmp_path / "board.db", key=key)
    try:
        assert dump_text(restored.engine) == expected
    finally:
        restored.close()
