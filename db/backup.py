"""Backups of a Boardpack database file: take, list, keep a few, restore.

Every copy is taken with the SQLite online backup API (consistent while the
app is writing, WAL included), first into a hidden temporary file that is
checked (`PRAGMA quick_check`) and then renamed, so a backup that exists is a
whole one. Names say which database, when (UTC) and why:
`board.20261126T154500123456Z.daily.db`. Reasons: `daily` (on open when the
newest backup is a day old), `migration-0007-to-0008`, `sync-1234` (a sync
about to apply that many changes), `manual`, `before-restore`.

Restoring never overwrites without a copy: the current file is backed up
first (`before-restore`; a damaged one is copied byte for byte as
`damaged`), then the backup is copied beside it and renamed over it, and its
stale `-wal`/`-shm` files are removed. The restored file starts a new audit
chain (its old chain may have gone on, on other laptops) and writes its new
changes under a new sync site id (`_new_sync_site`). The caller must
have closed every connection to the database first.

`db/` knows no platform folders: callers pass the backup folder (the desktop
gives its user data dir's `backups`).

An encrypted database (`db.encryption`) is copied by SQLCipher connections
keyed with its data key (`key=`) on both sides: its backups are encrypted
with the same key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.encryption import connect, has_sqlite_header, is_driver_error, looks_encrypted
from db.errors import BackupError, DatabaseFileError

if TYPE_CHECKING:
    from db.store import Database

DEFAULT_KEEP = 14
DAILY = dt.timedelta(days=1)
# A sync applying more changes than this takes a backup first.
LARGE_APPLY = 1000
SQLITE_HEADER = b"SQLite format 3\x00"

_STAMP = "%Y%m%dT%H%M%S%fZ"
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}T\d{12}Z)\.(?P<reason>[a-z0-9-]+)$")
# The name store.py gave pre-migration copies before this module existed.
_OLD_NAME = re.compile(r"^(?P<stem>.+)\.(?P<reason>before-[0-9a-z]+)\.(?P<stamp>\d{8}T\d{6}Z)$")


@dataclass(frozen=True)
class Backup:
    """One backup file of one database: where it is, when and why it was taken."""

    path: Path
    taken_at: dt.datetime
    reason: str

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _parse(path: Path, stem: str, suffix: str) -> Backup | None:
    if path.suffix != suffix or not path.is_file():
        return None
    name = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    match = _NAME.match(name)
    fmt = _STAMP
    if match is None:
        match, fmt = _OLD_NAME.match(name), "%Y%m%dT%H%M%SZ"
    if match is None or match["stem"] != stem:
        return None
    taken = dt.datetime.strptime(match["stamp"], fmt).replace(tzinfo=dt.UTC)
    return Backup(path, taken, match["reason"])


def list_backups(db_path: Path, *folders: Path) -> list[Backup]:
    """The backups of `db_path` found in `folders` (and beside the file), newest first."""
    db_path = Path(db_path)
    found: dict[Path, Backup] = {}
    for folder in (*folders, db_path.parent):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            backup = _parse(path, db_path.stem, db_path.suffix)
            if backup is not None:
                found.setdefault(path.resolve(), backup)
    return sorted(found.values(), key=lambda b: (b.taken_at, b.path.name), reverse=True)


def quick_check(path: Path, key: bytes | None = None) -> str | None:
    """None when `path` is a sound SQLite file (encrypted with `key`, when given), else
    what is wrong with it (one phrase)."""
    try:
        if has_sqlite_header(path) != (key is None):
            return "not an SQLite file" if key is None else "not encrypted with this key"
        conn = connect(path, key, read_only=True)
        # SQLite's answer on a damaged file can quote its unreadable bytes: read them as
        # bytes and show what decodes, so the check reports the damage instead of failing.
        conn.text_factory = bytes
        try:
            rows = [
                tuple(v.decode("utf-8", "replace") if isinstance(v, bytes) else v for v in row)
                for row in conn.execute("PRAGMA quick_check").fetchall()
            ]
        finally:
            conn.close()
    except (OSError, DatabaseFileError) as exc:
        return str(exc)
    except Exception as exc:  # either driver's error: the file cannot be read
        if not is_driver_error(exc):
            raise
        return str(exc)
    return None if rows == [("ok",)] else str(rows[0][0] if rows else "no answer")


def latest_good(db_path: Path, *folders: Path, key: bytes | None = None) -> Backup | None:
    """The newest backup of `db_path` that passes the integrity check (opened with `key`)."""
    for backup in list_backups(db_path, *folders):
        if quick_check(backup.path, key) is None:
            return backup
    return None


def _online_copy(source: Path, dest: Path, key: bytes | None = None) -> None:
    src = connect(source, key, read_only=True)
    try:
        out = connect(dest, key)
        try:
            src.backup(out)
            # A rollback-journal file: opening it (read-only too) leaves no -wal/-shm behind.
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()


def copy_checked(source: Path, dest: Path, key: bytes | None = None) -> Path:
    """Copy `source` to `dest` with the online backup API, checked, all or nothing
    (an encrypted `source` opened with `key`, and `dest` encrypted with it)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _online_copy(source, partial, key)
        problem = quick_check(partial, key)
        if problem is not None:
            raise BackupError(f"the copy of {source} failed its integrity check ({problem})")
        os.replace(partial, dest)
    except DatabaseFileError as exc:
        raise BackupError(f"cannot copy {source}: {exc}") from exc
    except Exception as exc:
        if not is_driver_error(exc):
            raise
        raise BackupError(f"cannot copy {source}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return dest


def create_backup(
    db_path: Path,
    folder: Path,
    reason: str,
    *,
    keep: int = DEFAULT_KEEP,
    now: dt.datetime | None = None,
    key: bytes | None = None,
) -> Backup:
    """Take a backup of `db_path` into `folder` now, then keep only the newest `keep`."""
    db_path = Path(db_path)
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise BackupError(f"a backup reason is lower-case letters, digits and '-', not {reason!r}")
    taken = (now or _utcnow()).astimezone(dt.UTC)
    dest = folder / f"{db_path.stem}.{taken.strftime(_STAMP)}.{reason}{db_path.suffix}"
    copy_checked(db_path, dest, key)
    prune(db_path, folder, keep=keep)
    return Backup(dest, taken, reason)


def prune(db_path: Path, folder: Path, *, keep: int = DEFAULT_KEEP) -> list[Path]:
    """Remove all but the newest `keep` backups of `db_path` in `folder`; returns the removed."""
    mine = [b for b in list_backups(db_path, folder) if b.path.parent == folder]
    removed = [b.path for b in mine[max(keep, 1) :]]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def backup_if_due(
    db_path: Path,
    folder: Path,
    *,
    every: dt.timedelta = DAILY,
    keep: int = DEFAULT_KEEP,
    now: dt.datetime | None = None,
    key: bytes | None = None,
) -> Backup | None:
    """The daily backup: taken when the newest backup in `folder` is older than `every`."""
    now = now or _utcnow()
    newest = next((b for b in list_backups(db_path, folder) if b.path.parent == folder), None)
    if newest is not None and now - newest.taken_at < every:
        return None
    return create_backup(db_path, folder, "daily", keep=keep, now=now, key=key)


def backup_before_large_apply(
    database: Database, n: int, *, threshold: int = LARGE_APPLY
) -> Backup | None:
    """For the sync engine: back up before applying `n` changes when `n` > `threshold`."""
    if n <= threshold:
        return None
    return create_backup(database.path, database.backups, f"sync-{n}", key=database.key)


def _is_boardpack(path: Path, key: bytes | None = None) -> bool:
    conn = connect(path, key, read_only=True)
    try:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
    finally:
        conn.close()
    return row is not None


def _remove_sidecars(db_path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def restore(
    db_path: Path,
    backup: Path,
    folder: Path,
    *,
    keep: int = DEFAULT_KEEP,
    key: bytes | None = None,
) -> Backup | None:
    """Put `backup` in place of `db_path`, after backing the current file up into `folder`.

    With `key` (an encrypted board), the backup and the current file are opened with it.

    Returns:
        The copy of the file that was replaced (None when there was no file).

    Raises:
        BackupError: the backup is missing or damaged, or a copy failed.
    """
    db_path, backup = Path(db_path), Path(backup)
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    if key is None and looks_encrypted(backup):  # not damage: it needs the passphrase's key
        raise BackupError(
            f"{backup} is an encrypted backup: sign in with your passphrase to restore it"
        )
    problem = quick_check(backup, key)
    if problem is not None:
        raise BackupError(f"{backup} is damaged ({problem}); choose another backup")
    if not _is_boardpack(backup, key):
        raise BackupError(f"{backup} is not a Boardpack database; nothing was restored")
    saved: Backup | None = None
    if db_path.exists():
        if quick_check(db_path, key) is None:
            saved = create_backup(db_path, folder, "before-restore", keep=keep + 1, key=key)
        else:  # a damaged file: keep its bytes as they are
            taken = _utcnow()
            dest = folder / f"{db_path.stem}.{taken.strftime(_STAMP)}.damaged{db_path.suffix}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(db_path, dest)
            saved = Backup(dest, taken, "damaged")
    incoming = db_path.with_name(f".{db_path.name}.restoring")
    try:
        copy_checked(backup, incoming, key)
        _new_audit_chain(incoming, key)
        _new_sync_site(incoming, key)
        _remove_sidecars(db_path)
        os.replace(incoming, db_path)
    finally:
        incoming.unlink(missing_ok=True)
    return saved


def _new_audit_chain(path: Path, key: bytes | None = None) -> None:
    # The events this laptop wrote after the backup may already be on other laptops:
    # continuing the backup's chain would number new events like those. A restored
    # file starts a new chain (db.audit_chain); the old one stays whole and verifiable.
    conn = connect(path, key)
    try:
        with conn:
            conn.execute(
                "UPDATE sync_state SET audit_site = NULL, audit_chain = NULL, "
                "audit_seq = NULL, audit_hash = NULL WHERE id = 1"
            )
    except Exception as exc:  # either driver's OperationalError
        if type(exc).__name__ != "OperationalError" or not is_driver_error(exc):
            raise
        # a backup from before the audit chain: it has no head to reset
    finally:
        conn.close()


# central_meta key (the key/value table laptops share with the central store) listing
# the site ids this file wrote changes under before a restore; db.sync.engine reads it.
RETIRED_SITES = "laptop_retired_sites"


def _new_sync_site(path: Path, key: bytes | None = None) -> None:
    # The backup's site counter and clock are behind what this laptop may have pushed
    # since: new changes numbered from them would reuse (site, site_seq), change ids and
    # even (clock, site) stamps the central store already holds, and be dropped as
    # duplicates. New changes get a new site id, counted from 1; the old id is kept as
    # retired, so the sync engine still pushes the backup's own changes the central store
    # lacks under their old identity (they continue that site's sequence exactly where
    # the central store stands, which its per-site contiguity rule accepts).
    conn = connect(path, key)
    try:
        with conn:
            row = conn.execute("SELECT site_id FROM sync_state WHERE id = 1").fetchone()
            if row is None:
                return
            found = conn.execute(
                "SELECT value FROM central_meta WHERE key = ?", (RETIRED_SITES,)
            ).fetchone()
            retired = [s for s in (json.loads(found[0]) if found else []) if s != row[0]]
            retired.append(row[0])
            conn.execute(
                "INSERT OR REPLACE INTO central_meta (key, value) VALUES (?, ?)",
                (RETIRED_SITES, json.dumps(retired)),
            )
            conn.execute(
                "UPDATE sync_state SET site_id = ?, site_seq = 0 WHERE id = 1",
                (str(uuid.uuid4()),),
            )
    except Exception as exc:  # either driver's OperationalError
        if type(exc).__name__ != "OperationalError" or not is_driver_error(exc):
            raise
        # a backup from before sync: it has no site to renew
    finally:
        conn.close()
