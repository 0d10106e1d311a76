"""Encryption at rest: SQLCipher files nobody reads without the key, all the way down.

A wrong key and a missing key are refused in words a person can act on (never
"damaged"); the stdlib `sqlite3` cannot read an encrypted file; the words of a
paper and of an action's commentary are in no byte of the file or its WAL;
migrations, backups, restores and sync work on encrypted files; a plaintext
file is encrypted in place with its dump unchanged; and a change of passphrase
re-wraps the same data key without touching the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db import backup as backups
from db import encryption
from db.crypto import KdfParams, new_data_key
from db.dump import dump_text
from db.encryption import EncryptedDatabaseError, WrongKeyError
from db.errors import CorruptDatabaseError, DatabaseFileError, NotABoardpackDatabaseError
from db.models import Blob, Evidence, ProgressUpdate, Rag
from db.store import Database, check_integrity, open_database
from tests.db.conftest import seed_board

PAPER_WORDS = b"SENTINEL-PAPER Child J placement breakdown chronology"
COMMENTARY = "SENTINEL-COMMENTARY caseload audit found three children unseen"
FAST_KDF = KdfParams(time_cost=1, memory_cost_kib=8 * 1024, parallelism=1)

Opener = Callable[..., Database]


@pytest.fixture
def opened() -> Iterator[Opener]:
    """`open_database`, every database it opened closed at the end."""
    dbs: list[Database] = []

    def open_(*args: object, **kwargs: object) -> Database:
        db = open_database(*args, **kwargs)  # type: ignore[arg-type]
        dbs.append(db)
        return db

    yield open_
    for db in dbs:
        db.close()


def fill(db: Database) -> dict[str, str]:
    """A small board with a paper-like file in `blobs` and a commentary on an action."""
    ids = seed_board(db, actions=2)
    data = b"%PDF-1.7\n" + PAPER_WORDS + os.urandom(64)
    sha = hashlib.sha256(data).hexdigest()
    with db.begin() as s:
        s.add(Blob(sha256=sha, size=len(data), media_type="application/pdf", data=data))
        s.flush()
        s.add(Evidence(action_id=ids["a0"], title="Audit report", blob_sha256=sha))
        s.add(
            ProgressUpdate(
                action_id=ids["a0"], author_id=ids["chair"], rag=Rag.AMBER, commentary=COMMENTARY
            )
        )
    ids["sha"] = sha
    return ids


def raw_bytes(path: Path) -> bytes:
    """The file and its -wal/-shm, as a thief with the laptop would read them."""
    out = b""
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if p.exists():
            out += p.read_bytes()
    return out


def sentinels_in(data: bytes) -> list[bytes]:
    return [w for w in (b"SENTINEL-PAPER", b"SENTINEL-COMMENTARY") if w in data]


def dump_of(path: Path, key: bytes | None) -> str:
    db = open_database(path, key=key)
    try:
        return dump_text(db.engine)
    finally:
        db.close()


def test_the_words_are_in_no_byte_of_the_file_or_its_wal(tmp_path: Path, opened: Opener) -> None:
    key = new_data_key()
    plain = opened(tmp_path / "plain.db", create=True)
    secret = opened(tmp_path / "secret.db", create=True, key=key)
    fill(plain)
    fill(secret)
    # Both engines still open: the last writes are in the WAL, not yet in the file.
    assert Path(f"{secret.path}-wal").stat().st_size > 0
    # The control: the same rows in a plaintext file are readable in its bytes.
    assert sentinels_in(raw_bytes(plain.path)) == [b"SENTINEL-PAPER", b"SENTINEL-COMMENTARY"]
    assert sentinels_in(raw_bytes(secret.path)) == []
    assert not secret.path.read_bytes().startswith(encryption.SQLITE_HEADER)
    # …and the key opens it: the words are there for the person who has it.
    with secret.session() as s:
        texts = [u.commentary for u in s.query(ProgressUpdate)]
        data = s.query(Blob).one().data
    assert texts == [COMMENTARY] and PAPER_WORDS in (data or b"")


def test_the_stdlib_sqlite3_cannot_read_an_encrypted_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.db"
    open_database(path, create=True, key=new_data_key()).close()
    conn = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.DatabaseError):
            conn.execute("select * from sqlite_master").fetchall()
    finally:
        conn.close()


def test_a_wrong_key_is_refused_as_the_wrong_passphrase_never_as_damage(tmp_path: Path) -> None:
    path = tmp_path / "secret.db"
    open_database(path, create=True, key=new_data_key()).close()
    for attempt in (
        lambda: open_database(path, key=new_data_key()),
        lambda: open_database(path, key=new_data_key(), integrity="deferred"),
        lambda: check_integrity(path, key=new_data_key()),
    ):
        with pytest.raises(WrongKeyError) as caught:
            attempt()
        assert not isinstance(caught.value, CorruptDatabaseError)
        assert str(caught.value).startswith("that passphrase does not open this database")


def test_no_key_says_the_file_needs_the_passphrase_and_a_foreign_file_is_not_boardpack(
    tmp_path: Path,
) -> None:
    path = tmp_path / "secret.db"
    open_database(path, create=True, key=new_data_key()).close()
    with pytest.raises(EncryptedDatabaseError, match=r"encrypted.*sign in with your passphrase"):
        open_database(path)
    foreign = tmp_path / "notes.db"
    foreign.write_text("minutes of the last meeting\n" * 400)
    with pytest.raises(NotABoardpackDatabaseError, match="not a Boardpack database"):
        open_database(foreign)
    assert encryption.looks_encrypted(path) and not encryption.looks_encrypted(foreign)


def test_a_plaintext_file_opened_with_a_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.db"
    open_database(path, create=True).close()
    with pytest.raises(encryption.NotEncryptedError, match="not encrypted"):
        open_database(path, key=new_data_key())


def test_encrypting_a_plaintext_board_keeps_its_dump_and_leaves_no_plaintext(
    tmp_path: Path,
) -> None:
    path = tmp_path / "board.db"
    db = open_database(path, create=True)
    fill(db)
    db.close()
    expected = dump_of(path, None)
    old_backup = backups.create_backup(path, tmp_path / "backups", "manual")
    key = new_data_key()
    done = encryption.encrypt_file(path, key, backup_dir=tmp_path / "backups")
    assert sentinels_in(raw_bytes(path)) == []
    assert dump_of(path, key) == expected
    # The plaintext backup taken before is named for the person to remove; none was kept.
    assert done.kept_plaintext is None
    assert [b.path for b in done.plaintext_backups] == [old_backup.path]
    # Nothing plaintext is left beside the file (the renamed-aside original was shredded).
    leftovers = [p for p in tmp_path.iterdir() if p.is_file() and sentinels_in(p.read_bytes())]
    assert leftovers == []
    with pytest.raises(EncryptedDatabaseError):
        encryption.encrypt_file(path, key)


def test_encrypting_can_keep_a_plaintext_backup_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "board.db"
    db = open_database(path, create=True)
    fill(db)
    db.close()
    expected = dump_of(path, None)
    done = encryption.encrypt_file(
        path, new_data_key(), backup_dir=tmp_path / "backups", keep_plaintext=True
    )
    assert done.kept_plaintext is not None
    assert done.kept_plaintext.name.endswith(".before-encryption.db")
    assert dump_of(done.kept_plaintext, None) == expected
    assert [b.path for b in done.plaintext_backups] == [done.kept_plaintext]


def test_decrypt_gives_a_plaintext_copy_with_the_same_dump(tmp_path: Path) -> None:
    key = new_data_key()
    path = tmp_path / "secret.db"
    db = open_database(path, create=True, key=key)
    fill(db)
    db.close()
    expected = dump_of(path, key)
    before = path.read_bytes()
    out = encryption.decrypt_file(path, key, tmp_path / "support.db")
    assert dump_of(out, None) == expected
    assert sentinels_in(out.read_bytes())  # plaintext, as asked
    assert path.read_bytes() == before  # the encrypted file untouched
    with pytest.raises(WrongKeyError):
        encryption.decrypt_file(path, new_data_key(), tmp_path / "other.db")


def test_an_encrypted_file_at_an_older_revision_is_backed_up_encrypted_then_migrated(
    tmp_path: Path, opened: Opener
) -> None:
    from alembic import command

    from db.store import alembic_config, head_revision, make_engine

    key = new_data_key()
    path = tmp_path / "old.db"
    open_database(path, create=True, key=key).close()
    engine = make_engine(path, key)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    engine.dispose()
    db = opened(path, backup_dir=tmp_path / "backups", key=key)
    assert db.migrated_from == "0007"
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == (
            head_revision()
        )
    assert db.backup_path is not None
    assert not db.backup_path.read_bytes().startswith(encryption.SQLITE_HEADER)
    assert backups.quick_check(db.backup_path, key) is None
    conn = encryption.connect(db.backup_path, key)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0007",)
    finally:
        conn.close()


def test_backup_and_restore_of_an_encrypted_file_bring_back_the_exact_dump(
    tmp_path: Path,
) -> None:
    key = new_data_key()
    path = tmp_path / "board.db"
    folder = tmp_path / "backups"
    db = open_database(path, create=True, key=key)
    ids = fill(db)
    expected = dump_text(db.engine)
    taken = backups.create_backup(path, folder, "manual", key=key)
    with db.begin() as s:
        s.add(ProgressUpdate(action_id=ids["a1"], rag=Rag.GREEN, commentary="after the backup"))
    db.close()
    # The backup is encrypted with the same key: unreadable without it, whole with it.
    assert sentinels_in(raw_bytes(taken.path)) == []
    assert backups.quick_check(taken.path) == "not an SQLite file"
    assert backups.quick_check(taken.path, key) is None
    assert backups.latest_good(path, folder, key=key) == taken
    saved = backups.restore(path, taken.path, folder, key=key)
    assert dump_of(path, key) == expected
    assert saved is not None and "after the backup" in dump_of(saved.path, key)
    assert sentinels_in(raw_bytes(saved.path)) == []


def test_a_damaged_encrypted_file_is_damage_and_names_the_latest_good_backup(
    tmp_path: Path,
) -> None:
    key = new_data_key()
    path = tmp_path / "board.db"
    folder = tmp_path / "backups"
    db = open_database(path, create=True, key=key)
    fill(db)
    db.close()
    taken = backups.create_backup(path, folder, "manual", key=key)
    with path.open("r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096 * 4)
    with pytest.raises(CorruptDatabaseError) as caught:
        open_database(path, backup_dir=folder, key=key)
    assert caught.value.backup == taken.path


def wrapped(db_path: Path, person_id: str) -> str:
    """The person's wrapped data key as the keyring file holds it (`db.auth` contract)."""
    from db.auth import Keyring

    entry = json.loads(Keyring.path_for(db_path).read_text(encoding="utf-8"))["people"][person_id]
    return str(entry["wrapped_key"])


def test_a_change_of_passphrase_rewraps_the_same_key_and_leaves_the_file_alone(
    tmp_path: Path,
) -> None:
    from db.auth import Keyring

    path = tmp_path / "board.db"
    db = open_database(path, create=True)
    ids = fill(db)
    db.close()
    key = new_data_key()
    encryption.encrypt_file(path, key)
    keyring = Keyring.load(path, create=True, kdf_params=FAST_KDF)
    keyring.enrol(ids["chair"], "Alex Marsh", "correct horse battery", data_key=key)
    keyring.encrypted = True
    wrapped_before = wrapped(path, ids["chair"])
    stat, data = path.stat(), path.read_bytes()
    now = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    keyring.change_passphrase(
        ids["chair"], "correct horse battery", "staple tangerine window", now=now
    )
    again = Keyring.load(path, kdf_params=FAST_KDF)
    assert wrapped(path, ids["chair"]) != wrapped_before  # re-wrapped (new salt, new wrap)
    signed = again.sign_in(ids["chair"], "staple tangerine window", now=now)
    assert signed.data_key == key  # the same data key: the file was not re-keyed
    assert path.read_bytes() == data and path.stat().st_mtime_ns == stat.st_mtime_ns
    db = open_database(path, key=signed.data_key)
    db.close()
    from db.auth import WrongPassphraseError

    with pytest.raises(WrongPassphraseError):
        again.sign_in(ids["chair"], "correct horse battery", now=now)


def test_an_encrypted_laptop_syncs_with_a_sqlite_central(tmp_path: Path, opened: Opener) -> None:
    from db.sync import blobs
    from db.sync.central import CentralStore, init_central
    from db.sync.engine import sync

    url = f"sqlite:///{tmp_path / 'central.db'}"
    init_central(url)
    key = new_data_key()
    laptop = opened(tmp_path / "laptop.db", create=True, key=key)
    other = opened(tmp_path / "other.db", create=True)
    ids = fill(laptop)
    sync(laptop, url)
    sync(other, url)
    with other.session() as s:
        assert [u.commentary for u in s.query(ProgressUpdate)] == [COMMENTARY]
    assert PAPER_WORDS in blobs.fetch(other, CentralStore(url), ids["sha"])
    with other.begin() as s:
        update = s.query(ProgressUpdate).one()
        s.add(
            ProgressUpdate(action_id=update.action_id, rag=Rag.GREEN, commentary="from the other")
        )
    sync(other, url)
    sync(laptop, url)
    with laptop.session() as s:
        assert sorted(u.commentary or "" for u in s.query(ProgressUpdate)) == [
            COMMENTARY,
            "from the other",
        ]
    assert sentinels_in(raw_bytes(laptop.path)) == []


def test_create_encrypted_makes_a_new_encrypted_board(tmp_path: Path) -> None:
    key = new_data_key()
    db = encryption.create_encrypted(tmp_path / "new.db", key)
    try:
        assert db.key == key
    finally:
        db.close()
    assert encryption.looks_encrypted(tmp_path / "new.db")
    with pytest.raises(DatabaseFileError, match="exists already"):
        encryption.create_encrypted(tmp_path / "new.db", key)


def test_the_daily_and_the_large_sync_backups_of_an_encrypted_file_are_encrypted(
    tmp_path: Path, opened: Opener
) -> None:
    key = new_data_key()
    path = tmp_path / "board.db"
    folder = tmp_path / "backups"
    fill(opened(path, create=True, key=key, backup_dir=folder))
    db = opened(path, backup_dir=folder, daily_backup=True, key=key)
    sync_backup = backups.backup_before_large_apply(db, backups.LARGE_APPLY + 1)
    assert sync_backup is not None
    found = backups.list_backups(path, folder)
    assert sorted(b.reason for b in found) == ["daily", f"sync-{backups.LARGE_APPLY + 1}"]
    for backup in found:
        assert sentinels_in(raw_bytes(backup.path)) == []
        assert backups.quick_check(backup.path, key) is None
        assert dump_of(backup.path, key) == dump_text(db.engine)
