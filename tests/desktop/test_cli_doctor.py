"""`boardpack doctor`: versions, folders, database health, central reachability, exit code."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from db.backup import create_backup
from db.store import head_revision, open_database
from db.sync.central import init_central
from db.sync.settings import set_remote
from desktop.paths import app_paths
from desktop.recent_files import RecentFiles, app_settings
from tests.desktop.conftest import call


def test_healthy_board_exits_0(capsys, board_file: Path) -> None:
    create_backup(board_file, app_paths().backup_dir, "manual")
    code, out, err = call(capsys, "doctor", "--db", str(board_file))
    assert code == 0, out + err
    assert "Boardpack" in out and "SQLite" in out and "Qt" in out and "SQLCipher" in out
    assert "quick_check ok" in out
    assert f"{head_revision()} (the app's newest)" in out
    assert "last backup" in out and "min ago" in out
    assert "changes not yet sent" in out
    assert "never" in out  # never synced
    assert str(app_paths().log_dir) in out
    assert "FAIL" not in out and out.rstrip().endswith("no problems found")


def test_damaged_file_fails_with_the_line(capsys, board_file: Path) -> None:
    data = bytearray(board_file.read_bytes())
    for offset in range(4096 * 3, len(data), 4096):  # scribble over every page after the 3rd
        data[offset + 100 : offset + 200] = b"\xff" * 100
    board_file.write_bytes(bytes(data))
    code, out, err = call(capsys, "doctor", "--db", str(board_file))
    assert code == 1
    assert "FAIL integrity" in out and "restore it from a backup" in out
    assert out.split("1 problem:")[1].strip().startswith("FAIL integrity")  # repeated last
    assert err.strip() == "boardpack: doctor found 1 problem"


def test_newer_schema_and_missing_file_fail(capsys, board_file: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(board_file)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    code, out, _ = call(capsys, "doctor", "--db", str(board_file))
    assert code == 1 and "FAIL schema" in out and "update Boardpack" in out
    code, out, _ = call(capsys, "doctor", "--db", str(tmp_path / "nowhere.db"))
    assert code == 1 and "FAIL file" in out and "not found" in out


def test_reachable_central_and_stored_remote(capsys, board_file: Path, tmp_path: Path) -> None:
    central = tmp_path / "central.db"
    url = f"sqlite:///{central}"
    init_central(url)
    db = open_database(board_file)
    try:
        set_remote(db, url)
    finally:
        db.close()
    code, out, err = call(capsys, "doctor", "--db", str(board_file))  # the file's own remote
    assert code == 0, out + err
    assert "ok   reachable" in out and "answered in" in out


def test_unreachable_central_is_one_clear_line_and_quick(capsys, board_file: Path) -> None:
    started = time.perf_counter()
    code, out, err = call(
        capsys,
        "doctor",
        "--db",
        str(board_file),
        "--remote",
        "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "--timeout",
        "2",
    )
    assert time.perf_counter() - started < 15
    assert code == 1
    lines = [line.strip() for line in out.splitlines() if " reachable " in line]
    assert len(set(lines)) == 1 and lines[0].startswith("FAIL reachable"), out  # + its repeat
    assert "not reachable" in lines[0]
    assert "Traceback" not in out + err


def test_missing_shared_drive_file(capsys, board_file: Path, tmp_path: Path) -> None:
    code, out, _ = call(
        capsys, "doctor", "--db", str(board_file), "--remote", f"sqlite:///{tmp_path}/x.db"
    )
    assert code == 1 and "shared drive" in out


def test_defaults_to_the_last_opened_file(capsys, board_file: Path) -> None:
    RecentFiles(app_settings(app_paths())).add(board_file)
    code, out, _ = call(capsys, "doctor")
    assert code == 0
    assert f"Database {board_file.resolve()}" in out


@pytest.mark.parametrize("value", ["nan", "0", "-1", "1e308"])
def test_timeout_out_of_range_is_one_line(capsys, board_file: Path, value: str) -> None:
    code, out, err = call(capsys, "doctor", "--db", str(board_file), "--timeout", value)
    assert code == 1 and out == ""
    assert err.strip() == "boardpack: --timeout must be 0.5 to 120 seconds"


def test_two_problems_one_line_on_stderr(capsys, tmp_path: Path) -> None:
    code, out, err = call(
        capsys, "doctor", "--db", str(tmp_path / "none.db"), "--remote", "not a url"
    )
    assert code == 1
    assert err.strip() == "boardpack: doctor found 2 problems"
    tail = out.split("2 problems:")[1].strip().splitlines()
    assert [line.split()[1] for line in tail] == ["file", "reachable"]
