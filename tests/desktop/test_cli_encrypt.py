"""`boardpack encrypt` and `boardpack decrypt` through the real CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from db.backup import create_backup
from db.dump import dump_text
from db.models import Person
from db.store import open_database
from desktop.paths import app_paths
from tests.db.conftest import seed_board
from tests.desktop.conftest import call

PASSPHRASE = "a kettle on the third floor"


@pytest.fixture
def board(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "board.db"
    db = open_database(path, create=True)
    ids = seed_board(db)
    with db.begin() as s:
        chair = s.get(Person, ids["chair"])
        assert chair is not None
        chair.email = "alex.marsh@example.gov.uk"
    db.close()
    return path, ids["chair"]


def test_encrypt_then_sign_in_opens_the_same_board_and_decrypt_gives_it_back(
    capsys: pytest.CaptureFixture[str],
    board: tuple[Path, str],
    tmp_path: Path,
) -> None:
    from db.auth import Keyring

    path, chair = board
    db = open_database(path)
    expected = dump_text(db.engine)
    db.close()
    code, out, _ = call(capsys, "backup", "create", "--db", str(path), stdin="")
    assert code == 0
    args = ("encrypt", "--db", str(path), "--person", "Alex.Marsh@example.gov.uk")
    code, out, err = call(capsys, *args, "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert (code, err) == (0, "")
    assert "encrypted" in out and "Alex Marsh" in out
    assert "NOT encrypted" in out and str(app_paths().backup_dir) in out  # the manual backup
    signed = Keyring.load(path).sign_in(chair, PASSPHRASE, now=dt.datetime.now(dt.UTC))
    assert signed.data_key is not None
    db = open_database(path, key=signed.data_key)
    assert dump_text(db.engine) == expected
    db.close()
    # An encrypted backup is listed as such, not as damaged.
    create_backup(path, app_paths().backup_dir, "manual", key=signed.data_key)
    code, out, _ = call(capsys, "backup", "list", "--db", str(path), stdin="")
    assert code == 0 and "encrypted" in out and "DAMAGED" not in out
    # Twice is refused in one line.
    code, _out, err = call(capsys, *args, "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert code == 1 and "already encrypted" in err and err.count("\n") == 1

    out_path = tmp_path / "support.db"
    dec = ("decrypt", "--db", str(path), "--person", "alex marsh", "--out", str(out_path))
    code, _out, err = call(capsys, *dec, "--passphrase-stdin", stdin="not the passphrase\n")
    assert code == 1 and "not right" in err and err.count("\n") == 1 and not out_path.exists()
    code, out, err = call(capsys, *dec, "--passphrase-stdin", stdin=PASSPHRASE + "\n")
    assert code == 0 and "UNENCRYPTED" in out
    db = open_database(out_path)
    assert dump_text(db.engine) == expected
    db.close()


def test_an_unknown_person_or_a_short_passphrase_leaves_the_file_plaintext(
    capsys: pytest.CaptureFixture[str],
    board: tuple[Path, str],
) -> None:
    from db.auth import Keyring

    path, _chair = board
    before = path.read_bytes()
    base = ("encrypt", "--db", str(path), "--passphrase-stdin", "--person")
    code, _out, err = call(capsys, *base, "nobody@example.org", stdin=PASSPHRASE + "\n")
    assert code == 1 and "nobody with the email" in err
    code, _out, err = call(capsys, *base, "alex.marsh@example.gov.uk", stdin="short\n")
    assert code == 1 and "at least" in err and err.count("\n") == 1
    assert path.read_bytes() == before
    assert not Keyring.exists(path)
