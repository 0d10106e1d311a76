"""Encrypted boards end to end: the CLI's shared sign-in (`--person`,
`--db-passphrase-file`, $BOARDPACK_PASSPHRASE) on an encrypted file, and a new
board made encrypted from the welcome screen."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher

from db.auth import Keyring
from db.crypto import KdfParams, new_data_key
from db.dump import dump_text
from db.encryption import create_encrypted, has_sqlite_header
from db.store import open_database
from desktop.cli import main
from tests.db.conftest import seed_board
from tests.desktop.conftest import call

PASSPHRASE = "a kettle on the third floor"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
CHEAP_KDF = KdfParams(time_cost=1, memory_cost_kib=8, parallelism=1)


@pytest.fixture
def encrypted(tmp_path: Path) -> tuple[Path, bytes, Path]:
    """An encrypted seeded board, Alex Marsh enrolled; (file, key, passphrase file)."""
    path = tmp_path / "board.db"
    key = new_data_key()
    db = create_encrypted(path, key)
    ids = seed_board(db)
    db.close()
    keyring = Keyring.load(path, create=True, hasher=CHEAP, kdf_params=CHEAP_KDF)
    keyring.enrol(ids["chair"], "Alex Marsh", PASSPHRASE, data_key=key)
    keyring.encrypted = True
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path, key, secret


def test_dump_of_an_encrypted_board_signs_in_and_matches_the_keyed_dump(
    capsys: pytest.CaptureFixture[str], encrypted: tuple[Path, bytes, Path]
) -> None:
    path, key, secret = encrypted
    assert not has_sqlite_header(path)
    db = open_database(path, key=key)
    expected = dump_text(db.engine)
    db.close()
    code, out, err = call(
        capsys,
        "dump",
        "--db",
        str(path),
        "--person",
        "alex marsh",
        "--db-passphrase-file",
        str(secret),
    )
    assert (code, err) == (0, "")
    assert out == expected and "Ofsted Priority Action Board" in out


def test_without_a_person_or_with_a_wrong_passphrase_one_line_and_non_zero(
    capsys: pytest.CaptureFixture[str],
    encrypted: tuple[Path, bytes, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _key, _secret = encrypted
    code, out, err = call(capsys, "dump", "--db", str(path))
    assert code != 0 and out == "" and err.count("\n") == 1
    assert "--person" in err and "Alex Marsh" in err
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the right passphrase at all\n", encoding="utf-8")
    code, out, err = call(
        capsys,
        "audit",
        "verify",
        "--db",
        str(path),
        "--person",
        "Alex Marsh",
        "--db-passphrase-file",
        str(wrong),
    )
    assert code != 0 and out == "" and err.count("\n") == 1
    assert "not right" in err
    assert Keyring.load(path).person(Keyring.load(path).people()[0].person_id).failures == 1
    # The environment variable works for scripts.
    monkeypatch.setenv("BOARDPACK_PASSPHRASE", PASSPHRASE)
    code, out, err = call(capsys, "audit", "verify", "--db", str(path), "--person", "Alex Marsh")
    assert code == 0 and "intact" in out


def test_backup_create_and_restore_of_an_encrypted_board(
    capsys: pytest.CaptureFixture[str], encrypted: tuple[Path, bytes, Path]
) -> None:
    path, key, secret = encrypted
    signin = ("--person", "Alex Marsh", "--db-passphrase-file", str(secret))
    code, out, err = call(capsys, "backup", "create", "--db", str(path), *signin)
    assert (code, err) == (0, "") and "backed up" in out
    backup = Path(out.strip().split(" to ")[-1])
    assert backup.is_file() and not has_sqlite_header(backup)  # the backup is encrypted too
    # Without the sign-in the restore says it is encrypted, not damaged.
    code, _out, err = call(capsys, "backup", "restore", "--db", str(path), str(backup))
    assert code != 0 and "damaged" not in err and "encrypted" in err and err.count("\n") == 1
    code, out, err = call(capsys, "backup", "restore", "--db", str(path), str(backup), *signin)
    assert (code, err) == (0, "") and "restored" in out
    db = open_database(path, key=key)
    assert "Ofsted Priority Action Board" in dump_text(db.engine)
    db.close()
    code, out, _ = call(capsys, "audit", "verify", "--db", str(path), *signin)
    assert code == 0 and "intact" in out


def test_plaintext_boards_open_as_before(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "plain.db"
    db = open_database(path, create=True)
    seed_board(db)
    db.close()
    code, out, err = call(capsys, "dump", "--db", str(path))
    assert (code, err) == (0, "") and "Ofsted Priority Action Board" in out
    assert sqlite3.connect(path).execute("SELECT count(*) FROM boards").fetchone() == (1,)


@pytest.fixture(scope="module")
def encrypted_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, Path]:
    """The demo board, encrypted (as a real board would be), its chair enrolled."""
    from sqlalchemy import select

    from db.demo import create_demo
    from db.encryption import encrypt_file
    from db.models import Person

    root = tmp_path_factory.mktemp("encrypted_demo")
    path = root / "board.db"
    create_demo(path, render_paper=None).close()
    db = open_database(path)
    with db.session() as s:
        person = s.scalars(select(Person).where(Person.name == "Alex Marsh")).first()
        if person is None:
            person = s.scalars(select(Person).order_by(Person.name)).first()
        assert person is not None
        pid, name = person.id, person.name
    db.close()
    key = new_data_key()
    keyring = Keyring.load(path, create=True, hasher=CHEAP, kdf_params=CHEAP_KDF)
    keyring.enrol(pid, name, PASSPHRASE, data_key=key)
    encrypt_file(path, key)
    keyring.encrypted = True
    secret = root / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    return path, key, secret


def test_minutes_export_from_an_encrypted_board(
    capsys: pytest.CaptureFixture[str],
    encrypted_demo: tuple[Path, bytes, Path],
    tmp_path: Path,
) -> None:
    path, _key, secret = encrypted_demo
    person = Keyring.load(path).people()[0].name
    pdf = tmp_path / "minutes.pdf"
    base = ("minutes", "export", "--db", str(path), "--meeting", "OPAB:2019-11-05")
    code, _out, err = call(capsys, *base, "--out", str(pdf))
    assert code != 0 and err.count("\n") == 1 and not pdf.exists()
    code, out, err = call(
        capsys, *base, "--out", str(pdf), "--person", person, "--db-passphrase-file", str(secret)
    )
    assert (code, err) == (0, "") and "written to" in out
    assert pdf.read_bytes().startswith(b"%PDF")


def test_rehearsal_on_an_encrypted_board_keeps_the_copy_encrypted(
    encrypted_demo: tuple[Path, bytes, Path], tmp_path: Path
) -> None:
    from db.demo import DEMO_AS_OF
    from db.models.meetings import Meeting, MeetingStatus
    from desktop.meeting_mode.rehearsal import rehearse, scratch_copy

    path, key, _secret = encrypted_demo
    copy = scratch_copy(path, tmp_path / "scratch.db", key)
    assert not has_sqlite_header(copy)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(copy).execute("SELECT count(*) FROM sqlite_master").fetchone()
    meeting_id = rehearse(copy, today=DEMO_AS_OF, key=key)
    assert meeting_id is not None
    db = open_database(copy, key=key)
    with db.session() as s:
        meeting = s.get_one(Meeting, meeting_id)
        assert meeting.status is MeetingStatus.IN_PROGRESS  # opened by the rehearsal
    db.close()
    assert not has_sqlite_header(copy)


def _new_board_dialog(qtbot: object, tmp_path: Path, name: str) -> tuple[Any, Path]:
    """The welcome screen's New board dialog, shown and filled in for `name` in a fresh
    data folder (encryption left as the dialog offers it); the dialog and the path."""
    from desktop.paths import app_paths
    from desktop.welcome import NewBoardDialog

    paths = app_paths(tmp_path / "data")
    paths.data_dir.mkdir(parents=True)
    path = paths.data_dir / name
    dialog = NewBoardDialog(paths)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    for edit, text in (
        ("council_edit", "Slough Borough Council"),
        ("board_edit", "Ofsted Priority Action Board"),
        ("chair_edit", "Alex Morgan"),
        ("secretariat_edit", "Emma Clerk"),
    ):
        getattr(dialog, edit).setText(text)
    dialog.file_edit.setText(str(path))
    return dialog, path


def test_new_board_from_the_welcome_screen_is_encrypted_and_opens_signed_in(
    qtbot: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import Qt

    from desktop import signin
    from desktop.app import run_gui

    dialog, path = _new_board_dialog(qtbot, tmp_path, "OPAB.db")
    assert dialog.encryption.checkbox.isChecked()  # encrypted unless they opt out
    click = qtbot.mouseClick  # type: ignore[attr-defined]
    # A short passphrase, then two that differ, are refused before any file is made.
    dialog.encryption.passphrase_edit.setText("too short")
    dialog.encryption.repeat_edit.setText("too short")
    click(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.form_error.isVisible() and "12 characters" in dialog.form_error.text()
    dialog.encryption.passphrase_edit.setText(PASSPHRASE)
    dialog.encryption.repeat_edit.setText(PASSPHRASE + "!")
    click(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.form_error.isVisible() and "differ" in dialog.form_error.text()
    assert not path.exists()
    dialog.encryption.repeat_edit.setText(PASSPHRASE)
    click(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=30_000)  # type: ignore[attr-defined]
    assert "The file is encrypted" in dialog.done_label.text()
    click(dialog.open_board_button, Qt.MouseButton.LeftButton)
    entry = dialog.signed_in
    made = dialog.new_board
    assert entry is not None and made is not None and entry.person_id == made.secretariat_id
    # The file (and anything beside it) is ciphertext: no header, no board name.
    assert not has_sqlite_header(path)
    for side in [path, *path.parent.glob(path.name + "-*")]:
        assert b"Ofsted Priority" not in side.read_bytes()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT count(*) FROM boards").fetchone()
    keyring = Keyring.load(path)
    assert keyring.encrypted and [p.name for p in keyring.people()] == ["Emma Clerk"]
    signed = keyring.sign_in(made.secretariat_id, PASSPHRASE, now=dt.datetime.now(dt.UTC))
    assert signed.data_key == entry.data_key
    # The app opens the board as them, without the sign-in screen.
    opened: list[tuple[str | None, bytes | None]] = []
    monkeypatch.setattr(
        signin.Gate, "opened", lambda g, db: opened.append((g.entry.person_id, db.key))
    )
    monkeypatch.setattr(signin, "SignInScreen", None)  # constructing it would fail
    assert run_gui(path, quit_when_loaded=True, signed_in=entry) == 0
    assert opened == [(entry.person_id, entry.data_key)]


def test_opting_out_makes_a_plaintext_board(qtbot: object, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    dialog, path = _new_board_dialog(qtbot, tmp_path, "plain.db")
    dialog.encryption.checkbox.setChecked(False)
    assert not dialog.encryption.passphrase_edit.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=30_000)  # type: ignore[attr-defined]
    assert "not encrypted" in dialog.done_label.text()
    dialog.accept()
    assert dialog.signed_in is None and not Keyring.exists(path)
    assert has_sqlite_header(path)
    name = sqlite3.connect(path).execute("SELECT name FROM boards").fetchone()
    assert name == ("Ofsted Priority Action Board",)


def test_first_sync_from_the_central_store_makes_an_encrypted_file(
    qtbot: object, tmp_path: Path, board_database: object
) -> None:
    from PySide6.QtCore import Qt
    from sqlalchemy import select

    from db.models import Person
    from db.sync.central import init_central
    from db.sync.engine import sync
    from desktop.paths import app_paths
    from desktop.welcome import ConnectDialog

    with board_database.begin() as s:  # type: ignore[attr-defined]
        person = s.scalars(select(Person).order_by(Person.name)).first()
        assert person is not None
        person.email = "member@example.gov.uk"
        pid, name = person.id, person.name
    url = f"sqlite:///{tmp_path / 'central.db'}"
    init_central(url)
    sync(board_database, url)  # type: ignore[arg-type]
    paths = app_paths(tmp_path / "data")
    paths.data_dir.mkdir(parents=True)
    path = paths.data_dir / "board.db"
    dialog = ConnectDialog(paths)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.show()
    assert dialog.encryption.checkbox.isChecked()
    dialog.address_edit.setText(url)
    dialog.encryption.passphrase_edit.setText(PASSPHRASE)
    dialog.encryption.repeat_edit.setText(PASSPHRASE)
    click = qtbot.mouseClick  # type: ignore[attr-defined]
    click(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert "email" in dialog.error_label.text() and not path.exists()
    dialog.email_edit.setText("nobody@example.gov.uk")
    click(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=60_000)  # type: ignore[attr-defined]
    assert "Nobody on the board" in dialog.error_label.text()
    assert not path.exists() and not Keyring.exists(path)  # nothing left behind
    dialog.email_edit.setText("Member@example.gov.uk")
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):  # type: ignore[attr-defined]
        click(dialog.connect_button, Qt.MouseButton.LeftButton)
    entry = dialog.signed_in
    assert entry is not None and entry.person_id == pid and entry.data_key is not None
    assert not has_sqlite_header(path)
    keyring = Keyring.load(path)
    assert keyring.encrypted and [p.name for p in keyring.people()] == [name]
    db = open_database(path, key=entry.data_key)
    with db.session() as s:
        assert s.get(Person, pid) is not None
    db.close()


def test_cli_sync_encrypt_joins_a_new_laptop_with_an_encrypted_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from db.models import Person
    from db.sync.engine import sync

    url = f"sqlite:///{tmp_path / 'central.db'}"
    assert main(["central", "init", url]) == 0
    clerk = open_database(tmp_path / "clerk.db", create=True)
    ids = seed_board(clerk)
    with clerk.begin() as s:
        s.get_one(Person, ids["chair"]).email = "alex.marsh@example.gov.uk"
    sync(clerk, url)
    clerk.close()
    capsys.readouterr()
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path = tmp_path / "laptop.db"
    join = ("sync", "--db", str(path), "--remote", url, "--encrypt")
    code, out, err = call(capsys, *join, "--db-passphrase-file", str(secret))
    assert code != 0 and err.count("\n") == 1 and "--as EMAIL" in err and not path.exists()
    code, out, err = call(
        capsys, *join, "--as", "Alex.Marsh@example.gov.uk", "--db-passphrase-file", str(secret)
    )
    assert (code, err) == (0, ""), err
    assert "first sync" in out and "encrypted" in out
    assert not has_sqlite_header(path) and b"Ofsted Priority" not in path.read_bytes()
    assert Keyring.load(path).encrypted
    code, out, err = call(
        capsys,
        "dump",
        "--db",
        str(path),
        "--person",
        "Alex Marsh",
        "--db-passphrase-file",
        str(secret),
    )
    assert (code, err) == (0, "") and "Ofsted Priority Action Board" in out
    # Only a new file: an existing one is encrypted with `boardpack encrypt`.
    code, out, err = call(
        capsys, *join, "--as", "alex.marsh@example.gov.uk", "--db-passphrase-file", str(secret)
    )
    assert code != 0 and err.count("\n") == 1 and "boardpack encrypt" in err


def test_sync_with_a_central_file_that_is_not_sqlite_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Found by the CLI fuzzer once `sync` took the sign-in options (it was exit 70)."""
    central = tmp_path / "notadb.db"
    central.write_text("this is not a database\n", encoding="utf-8")
    path = tmp_path / "laptop.db"
    code, out, err = call(capsys, "sync", "--db", str(path), "--remote", f"sqlite:///{central}")
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "not a Boardpack central store" in err and not path.exists()


def test_doctor_checks_inside_an_encrypted_board_after_the_sign_in(
    capsys: pytest.CaptureFixture[str], encrypted: tuple[Path, bytes, Path]
) -> None:
    path, _key, secret = encrypted
    _code, out, _err = call(capsys, "doctor", "--db", str(path))
    assert "checked at sign-in" in out and "quick_check ok" not in out
    _code, out, _err = call(
        capsys,
        "doctor",
        "--db",
        str(path),
        "--person",
        "Alex Marsh",
        "--db-passphrase-file",
        str(secret),
    )
    assert "encrypted (SQLCipher)" in out and "quick_check ok" in out, out
    assert "schema" in out and "not a Boardpack database" not in out


def test_past_the_hard_offline_limit_only_sync_signs_in_and_it_is_the_way_back(
    capsys: pytest.CaptureFixture[str], encrypted: tuple[Path, bytes, Path], tmp_path: Path
) -> None:
    from db.auth.offline import OfflinePolicy

    path, _key, secret = encrypted
    keyring = Keyring.load(path)
    keyring.set_offline_policy(OfflinePolicy(warn_days=7, limit_days=30))
    keyring.record_central_contact(dt.datetime.now(dt.UTC) - dt.timedelta(days=45))
    signin = ["--db", str(path), "--person", "Alex Marsh", "--db-passphrase-file", str(secret)]

    code, out, err = call(capsys, "dump", *signin)
    assert code != 0 and out == ""
    assert "has not reached the central store" in err and len(err.strip().splitlines()) == 1

    central = f"sqlite:///{tmp_path / 'central.db'}"
    assert call(capsys, "central", "init", central)[0] == 0
    code, _out, err = call(capsys, "sync", *signin, "--remote", central)
    assert code == 0, err
    assert "signed in to sync only" in err

    code, out, err = call(capsys, "dump", *signin)  # the sync reset the offline clock
    assert code == 0, err
    assert "Ofsted Priority Action Board" in out
