"""The app's open: the whole-file integrity check deferred to a worker, still made.

`open_database(integrity="deferred")` reads only the header and schema (a whole-file
`quick_check` of the bench's large board takes about a second, the app's whole start-up
budget); `check_integrity` then finds the damage and names the latest good backup, and
the app — run as a real process — refuses the damaged file after its first paint.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from db.backup import create_backup
from db.errors import CorruptDatabaseError
from db.models import Board
from db.store import Database, check_integrity, open_database


def _damaged(database: Database) -> Path:
    """Fill the file with boards, then scribble over pages near its end (not the schema)."""
    with database.begin() as s:
        for i in range(300):
            s.add(Board(code=f"B{i}", name=f"Board {i} " + "x" * 200))
    database.close()
    path = database.path
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 40 * 4096
    for offset in range(len(data) - 6 * 4096, len(data) - 2 * 4096, 7):
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    return path


def test_deferred_open_reads_the_schema_and_check_integrity_finds_the_damage(
    database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    good = create_backup(database.path, folder, "manual").path
    path = _damaged(database)
    with pytest.raises(CorruptDatabaseError):
        open_database(path)  # the full check (CLI, tools) refuses it at once
    opened = open_database(path, integrity="deferred", backup_dir=folder)
    opened.close()
    with pytest.raises(CorruptDatabaseError, match="latest good backup") as caught:
        check_integrity(path, folder)
    assert caught.value.backup == good


def test_a_sound_file_passes_check_integrity(database: Database) -> None:
    database.close()
    check_integrity(database.path)


def test_an_unknown_integrity_mode_is_refused(database: Database) -> None:
    database.close()
    with pytest.raises(ValueError, match="integrity"):
        open_database(database.path, integrity="sometimes")


def test_the_app_refuses_a_damaged_file_after_its_first_paint(
    database: Database, tmp_path: Path
) -> None:
    path = _damaged(database)
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    run = subprocess.run(
        [sys.executable, "-m", "desktop", "--db", str(path), "--data-dir", str(tmp_path / "d")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    said = [line for line in run.stderr.splitlines() if line.startswith("boardpack:")]
    assert len(said) == 1 and "damaged" in said[0], run.stderr
    assert "Traceback" not in run.stderr
