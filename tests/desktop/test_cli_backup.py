"""`boardpack backup …`, `boardpack wipe` and `boardpack audit verify` through the real CLI."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import pytest

from db.models import Person
from db.store import open_database
from desktop.paths import app_paths
from tests.desktop.conftest import call, dump_of


def test_create_list_restore_round_trip(
    capsys: pytest.CaptureFixture[str], board_file: Path
) -> None:
    code, out, _ = call(capsys, "backup", "create", "--db", str(board_file))
    assert code == 0 and "backed up" in out
    expected = dump_of(board_file)
    db = open_database(board_file)
    with db.begin() as s:
        s.add(Person(name="After the backup"))
    db.close()
    code, out, _ = call(capsys, "backup", "list", "--db", str(board_file))
    assert code == 0 and "manual" in out and " ok " in out
    code, out, _ = call(capsys, "backup", "restore", "--db", str(board_file))
    assert code == 0 and "restored" in out and "before-restore" in out
    assert dump_of(board_file) == expected
    code, out, _ = call(capsys, "backup", "list", "--db", str(board_file))
    assert out.count("\n") == 2  # the manual backup and the copy of the replaced file


def test_restore_of_a_named_backup_that_does_not_exist(
    capsys: pytest.CaptureFixture[str], board_file: Path
) -> None:
    code, _, err = call(capsys, "backup", "restore", "--db", str(board_file), "nope.db")
    assert code == 1 and err.count("\n") == 1 and "no backup nope.db" in err


def test_a_damaged_file_names_the_backup_and_the_restore_command(
    capsys: pytest.CaptureFixture[str], board_file: Path
) -> None:
    call(capsys, "backup", "create", "--db", str(board_file))
    with board_file.open("r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096 * 4)
    code, _, err = call(capsys, "audit", "verify", "--db", str(board_file))
    (backup,) = (app_paths().backup_dir).iterdir()
    assert code == 1 and err.count("\n") == 1
    assert "is damaged" in err
    assert f"boardpack backup restore --db {board_file} {backup.name}" in err
    code, _, _ = call(capsys, "backup", "restore", "--db", str(board_file), backup.name)
    assert code == 0
    assert call(capsys, "audit", "verify", "--db", str(board_file))[0] == 0


def test_audit_verify_passes_then_names_an_edited_event(
    capsys: pytest.CaptureFixture[str], board_file: Path
) -> None:
    code, out, _ = call(capsys, "audit", "verify", "--db", str(board_file))
    assert code == 0 and "intact" in out
    conn = sqlite3.connect(board_file, isolation_level=None)
    conn.execute("DROP TRIGGER audit_events_no_update")
    victim = conn.execute("SELECT id FROM audit_events WHERE chain_seq = 2").fetchone()[0]
    conn.execute("UPDATE audit_events SET actor_id = 'mallory' WHERE id = ?", (victim,))
    conn.close()
    code, out, _ = call(capsys, "audit", "verify", "--db", str(board_file))
    assert code == 1
    assert "1 problem:" in out and f"event {victim}" in out and "was edited" in out


def test_wipe_refuses_a_file_that_is_not_a_boardpack_database(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "notes.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (t TEXT)")
    conn.close()
    code, _, err = call(capsys, "wipe", "--db", str(other), "--yes")
    assert code == 1 and "not a Boardpack database" in err
    assert other.exists()


def test_wipe_removes_the_database_backups_keys_and_caches(
    capsys: pytest.CaptureFixture[str], board_file: Path
) -> None:
    paths = app_paths()
    call(capsys, "backup", "create", "--db", str(board_file))
    (paths.data_dir / "signing").mkdir(parents=True)
    (paths.data_dir / "signing" / "chair.p12").write_bytes(b"key")
    (paths.cache_dir / "thumbs").mkdir(parents=True)
    (paths.cache_dir / "thumbs" / "p1.png").write_bytes(b"png")
    keep = paths.backup_dir / "other.20260101T000000000000Z.manual.db"
    keep.write_bytes(b"another database's backup")
    code, out, _ = call(capsys, "wipe", "--db", str(board_file), "--yes")
    assert code == 0 and "wiped" in out
    assert not board_file.exists() and not Path(f"{board_file}-wal").exists()
    assert not (paths.data_dir / "signing").exists() and not paths.cache_dir.exists()
    assert [p.name for p in paths.backup_dir.iterdir()] == [keep.name]


def test_wipe_asks_first(
    capsys: pytest.CaptureFixture[str], board_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = call(capsys, "wipe", "--db", str(board_file))  # no terminal to ask on
    assert code == 1 and "--yes" in err and board_file.exists()
    monkeypatch.setattr("sys.stdin", _Tty("no\n"))
    code, out, _ = call(capsys, "wipe", "--db", str(board_file))
    assert code == 1 and "nothing removed" in out and board_file.exists()
    monkeypatch.setattr("sys.stdin", _Tty("WIPE\n"))
    code, out, _ = call(capsys, "wipe", "--db", str(board_file))
    assert code == 0 and not board_file.exists()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True
