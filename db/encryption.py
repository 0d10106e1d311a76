"""Encryption at rest: SQLCipher connections, and turning a file encrypted (or back).

An encrypted Boardpack file is an SQLCipher 4 database keyed by the board's
random 256-bit *data key* (`db.crypto`; each person's passphrase unwraps it,
`db.auth` keeps the wrapped copies). The key is given raw (`PRAGMA key =
"x'<64 hex>'"`), so SQLCipher's own passphrase KDF is skipped: argon2id has
already run once, at sign-in. Every page is encrypted and authenticated
(AES-256, HMAC-SHA512) — the papers and evidence in `blobs.data`, the search
index, and the `-wal`/`-shm` files too — and an encrypted file has no
"SQLite format 3" header at all, so neither the stdlib `sqlite3` nor a DB
browser without the key can read any of it.

Here (no Qt, no sessions):
- `connect`: a DBAPI connection on a file, plaintext (`sqlite3`) or keyed
  (`sqlcipher3`, the key set before anything else touches the file), with a
  wrong key reported as `WrongKeyError` — never as a damaged file;
- `looks_encrypted`: an existing file without the SQLite header that is shaped
  like an SQLCipher file (or has a keyring beside it), so "needs the
  passphrase" is told apart from "not a Boardpack file";
- `encrypt_file` / `decrypt_file`: `sqlcipher_export` into a temporary file,
  checked, then renamed over (or beside) the original. The plaintext left
  behind is overwritten with zeros before it is removed — as far as that goes
  on an SSD or a copy-on-write filesystem, where old blocks may survive (full
  disk encryption covers those) — unless the caller asks to keep a plaintext
  backup. Plaintext backups already in the backups folder are listed
  (`plaintext_backups`) for the person to remove (`shred`);
- `create_encrypted`: a new, empty, encrypted board.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.errors import DatabaseFileError

if TYPE_CHECKING:
    from db.backup import Backup
    from db.store import Database

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_BYTES = 32
#: The sidecar the sign-in keyring is kept in (`db.auth`): `<db file>.keyring`.
KEYRING_SUFFIX = ".keyring"
#: SQLCipher 4's default page size; an encrypted file is a whole number of pages.
CIPHER_PAGE = 4096
_SHRED_CHUNK = 1 << 20


class EncryptedDatabaseError(DatabaseFileError):
    """The file is encrypted and was opened without its key."""


class NotEncryptedError(DatabaseFileError):
    """A key was given for a file that is not encrypted."""


class WrongKeyError(DatabaseFileError):
    """The key (from the passphrase given) does not open this encrypted file."""


def wrong_key_message(path: Path) -> str:
    return f"that passphrase does not open this database ({path})"


def needs_passphrase_message(path: Path) -> str:
    return f"{path} is an encrypted Boardpack database: sign in with your passphrase to open it"


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError("a database key is 32 bytes")


def key_pragma(key: bytes) -> str:
    """`PRAGMA key` with the raw key (SQLCipher's passphrase KDF skipped)."""
    _check_key(key)
    return f"PRAGMA key = \"x'{key.hex()}'\""


def sqlcipher_module() -> Any:
    """The SQLCipher DBAPI module (imported on first use: plaintext boards never load it)."""
    import sqlcipher3.dbapi2

    return sqlcipher3.dbapi2


def is_database_error(exc: BaseException) -> bool:
    """Whether `exc` is a DatabaseError of either driver (stdlib sqlite3 or sqlcipher3)."""
    if isinstance(exc, sqlite3.DatabaseError):
        return True
    module = sys.modules.get("sqlcipher3.dbapi2")
    return module is not None and isinstance(exc, module.DatabaseError)


def is_driver_error(exc: BaseException) -> bool:
    """Whether `exc` is any error of either driver."""
    if isinstance(exc, sqlite3.Error):
        return True
    module = sys.modules.get("sqlcipher3.dbapi2")
    return module is not None and isinstance(exc, module.Error)


def connect(
    path: str | Path,
    key: bytes | None = None,
    *,
    read_only: bool = False,
    verify: bool = True,
    **kwargs: Any,
) -> Any:
    """A DBAPI connection on `path`: stdlib `sqlite3` without a key, SQLCipher with one.

    With a key, `PRAGMA key` is the first statement the connection runs; then (when
    `verify`) the schema is read once so a wrong key fails here, as `WrongKeyError`.

    Raises:
        WrongKeyError: `key` does not open the file.
    """
    target: str = str(path)
    if read_only:
        kwargs["uri"] = True
        target = f"file:{path}?mode=ro"
    if key is None:
        return sqlite3.connect(target, **kwargs)
    _check_key(key)
    module = sqlcipher_module()
    conn = module.connect(target, **kwargs)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")  # errors are ours to word
        conn.execute(key_pragma(key))
        if verify and Path(path).exists() and Path(path).stat().st_size > 0:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as exc:
        conn.close()
        raise WrongKeyError(wrong_key_message(Path(path))) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def has_sqlite_header(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def looks_encrypted(path: str | Path) -> bool:
    """Whether an existing file without the SQLite header is (very likely) SQLCipher.

    True when the sign-in keyring sits beside it, or when it is whole pages of
    bytes that look random (an SQLCipher file starts with its 16-byte salt and is
    ciphertext from there on; a text file, a PDF or a zip is not).
    """
    path = Path(path)
    try:
        if has_sqlite_header(path):
            return False
        if Path(f"{path}{KEYRING_SUFFIX}").exists():
            return True
        size = path.stat().st_size
        if size < CIPHER_PAGE or size % 512:
            return False
        with path.open("rb") as fh:
            first = fh.read(CIPHER_PAGE)
    except OSError:
        return False
    # Random bytes: about 4096 * (1 - 1/e) ≈ 2,589 of the 4,096 are distinct… of 256
    # values, nearly all appear. Text, PDF headers and zeros fall far short.
    return len(set(first)) > 240 and first.count(0) < len(first) // 16


# -- converting ----------------------------------------------------------------


@dataclass(frozen=True)
class Converted:
    """What `encrypt_file` did: the file, the plaintext it kept, the plaintext still around."""

    path: Path
    kept_plaintext: Path | None
    plaintext_backups: tuple[Backup, ...]


def _checkpoint(path: Path, key: bytes | None) -> None:
    """Fold the `-wal` into the file so the export (and the shredding) sees everything."""
    conn = connect(path, key)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        conn.close()


def _export(source: Path, source_key: bytes | None, dest: Path, dest_key: bytes | None) -> None:
    """`sqlcipher_export` every table, index, trigger and view of `source` into a new `dest`."""
    module = sqlcipher_module()
    conn = module.connect(str(source))
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        if source_key is not None:
            conn.execute(key_pragma(source_key))
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except module.DatabaseError as exc:
            raise WrongKeyError(wrong_key_message(source)) from exc
        attach_key = f"x'{dest_key.hex()}'" if dest_key is not None else ""
        conn.execute(
            f'ATTACH DATABASE ? AS converted KEY "{attach_key}"',
            (str(dest),),
        )
        conn.execute("SELECT sqlcipher_export('converted')").fetchall()
        conn.execute("DETACH DATABASE converted")
    finally:
        conn.close()


def _verify(path: Path, key: bytes | None) -> None:
    conn = connect(path, key)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()
    finally:
        conn.close()
    if rows != [("ok",)] or mode is None:
        raise DatabaseFileError(f"the converted copy of {path} failed its integrity check")


def shred(path: Path) -> None:
    """Overwrite `path` with zeros, flush it to the disk, then remove it.

    As far as practical: an SSD's wear levelling or a copy-on-write filesystem may
    keep the old blocks (full-disk encryption is what covers those).
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    with path.open("r+b") as fh:
        zeros = bytes(min(size, _SHRED_CHUNK))
        left = size
        while left > 0:
            n = min(left, len(zeros))
            fh.write(zeros[:n])
            left -= n
        fh.flush()
        os.fsync(fh.fileno())
    path.unlink()


def _sidecars(path: Path) -> list[Path]:
    return [Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal")]


def _convert(
    path: Path, source_key: bytes | None, dest_key: bytes | None, out: Path | None
) -> Path:
    """Export `path` into `out` (default: over `path`), the old bytes shredded when replaced."""
    _checkpoint(path, source_key)
    target = out or path
    partial = target.with_name(f".{target.name}.converting")
    for stale in (partial, *_sidecars(partial)):
        stale.unlink(missing_ok=True)
    try:
        _export(path, source_key, partial, dest_key)
        _verify(partial, dest_key)
        for side in _sidecars(partial):
            side.unlink(missing_ok=True)
        if out is not None:
            os.replace(partial, out)
            return out
        # The original is renamed aside first, so a crash leaves both files whole.
        old = path.with_name(f".{path.name}.replaced")
        for side in _sidecars(path):
            if side.exists():
                shred(side)
        os.replace(path, old)
        os.replace(partial, path)
        shred(old)
        return path
    finally:
        for stale in (partial, *_sidecars(partial)):
            stale.unlink(missing_ok=True)


def plaintext_backups(db_path: Path, *folders: Path) -> tuple[Backup, ...]:
    """The backups of `db_path` (in `folders` and beside it) that are not encrypted."""
    from db.backup import list_backups

    found = []
    for backup in list_backups(db_path, *folders):
        try:
            if has_sqlite_header(backup.path):
                found.append(backup)
        except OSError:
            continue
    return tuple(found)


def encrypt_file(
    path: str | Path,
    data_key: bytes,
    *,
    backup_dir: Path | None = None,
    keep_plaintext: bool = False,
) -> Converted:
    """Encrypt the plaintext Boardpack file at `path` in place with `data_key`.

    The caller must have closed every connection to it. The file is exported into an
    encrypted temporary file, checked, and renamed over the original; the plaintext
    original (and its `-wal`/`-shm`) is overwritten with zeros and removed, unless
    `keep_plaintext`, when it is first kept as a backup named `…before-encryption…`
    in `backup_dir` (default: beside the file).

    Returns:
        What was done, with the plaintext backups still in `backup_dir`/beside the file.

    Raises:
        EncryptedDatabaseError: the file is already encrypted.
        DatabaseFileError: it is missing or not an SQLite file, or the copy failed.
    """
    from db.backup import create_backup

    path = Path(path)
    _check_key(data_key)
    if not path.is_file():
        raise DatabaseFileError(f"no database at {path}")
    if not has_sqlite_header(path):
        if looks_encrypted(path):
            raise EncryptedDatabaseError(f"{path} is already encrypted")
        raise DatabaseFileError(f"{path} is not a Boardpack database (it is not an SQLite file)")
    folder = backup_dir or path.parent
    kept = None
    if keep_plaintext:
        kept = create_backup(path, folder, "before-encryption", keep=1_000_000).path
    _convert(path, None, data_key, None)
    return Converted(path, kept, plaintext_backups(path, folder))


def decrypt_file(path: str | Path, data_key: bytes, out: str | Path) -> Path:
    """A plaintext copy of the encrypted file at `path`, written to `out` (for export or
    support); the encrypted file is left as it is. `out` must not exist.

    Raises:
        WrongKeyError: `data_key` does not open the file.
        DatabaseFileError: `out` exists, or the file is not encrypted.
    """
    path, out = Path(path), Path(out)
    _check_key(data_key)
    if out.exists():
        raise DatabaseFileError(f"{out} exists already; choose a new file for the plaintext copy")
    if has_sqlite_header(path):
        raise DatabaseFileError(f"{path} is not encrypted")
    return _convert(path, data_key, None, out)


def create_encrypted(path: str | Path, data_key: bytes, **kwargs: Any) -> Database:
    """A new, empty Boardpack database at `path`, encrypted with `data_key` from the start
    (no plaintext ever written). `kwargs` go to `db.store.open_database`."""
    from db.store import open_database

    path = Path(path)
    if path.exists():
        raise DatabaseFileError(f"{path} exists already")
    _check_key(data_key)
    return open_database(path, create=True, key=data_key, **kwargs)
