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
chain (its old chain may have gone on, on other laptops). The caller must
have closed every connection to the database first.

`db/` knows no platform folders: callers pass the backup folder (the desktop
gives its user data dir's `backups`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.errors import BackupError

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


def quick_check(path: Path) -> str | None:
    """None when `path` is a sound SQLite file, else what is wrong with it (one phrase)."""
    try:
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return "not an SQLite file"
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except (OSError, sqlite3.DatabaseError) as exc:
        return str(exc)
    return None if rows == [("ok",)] else str(rows[0][0] if rows else "no answer")


def latest_good(db_path: Path, *folders: Path) -> Backup | None:
    """The newest backup of `db_path` that passes the integrity check."""
    for backup in list_backups(db_path, *folders):
        if quick_check(backup.path) is None:
            return backup
    return None


def _online_copy(source: Path, dest: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
            # A rollback-journal file: opening it (read-only too) leaves no -wal/-shm behind.
            out.execute("PRAGMA journal_mode=DELETE")
        finally:
            out.close()
    finally:
        src.close()


def copy_checked(source: Path, dest: Path) -> Path:
    """Copy `source` to `dest` with the online backup API, checked, all or nothing."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _online_copy(source, partial)
        problem = quick_check(partial)
        if problem is not None:
            raise BackupError(f"the copy of {source} failed its integrity check ({problem})")
        os.replace(partial, dest)
    except sqlite3.Error as exc:
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
) -> Backup:
    """Take a backup of `db_path` into `folder` now, then keep only the newest `keep`."""
    db_path = Path(db_path)
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise BackupError(f"a backup reason is lower-case letters, digits and '-', not {reason!r}")
    taken = (now or _utcnow()).astimezone(dt.UTC)
    dest = folder / f"{db_path.stem}.{taken.strftime(_STAMP)}.{reason}{db_path.suffix}"
    copy_checked(db_path, dest)
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
) -> Backup | None:
    """The daily backup: taken when the newest backup in `folder` is older than `every`."""
    now = now or _utcnow()
    newest = next((b for b in list_backups(db_path, folder) if b.path.parent == folder), None)
    if newest is not None and now - newest.taken_at < every:
        return None
    return create_backup(db_path, folder, "daily", keep=keep, now=now)


def backup_before_large_apply(
    database: Database, n: int, *, threshold: int = LARGE_APPLY
) -> Backup | None:
    """For the sync engine: back up before applying `n` changes when `n` > `threshold`."""
    if n <= threshold:
        return None
    return create_backup(database.path, database.backups, f"sync-{n}")


def _is_boardpack(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
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
    db_path: Path, backup: Path, folder: Path, *, keep: int = DEFAULT_KEEP
) -> Backup | None:
    """Put `backup` in place of `db_path`, after backing the current file up into `folder`.

    Returns:
        The copy of the file that was replaced (None when there was no file).

    Raises:
        BackupError: the backup is missing or damaged, or a copy failed.
    """
    db_path, backup = Path(db_path), Path(backup)
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    problem = quick_check(backup)
    if problem is not None:
        raise BackupError(f"{backup} is damaged ({problem}); choose another backup")
    if not _is_boardpack(backup):
        raise BackupError(f"{backup} is not a Boardpack database; nothing was restored")
    saved: Backup | None = None
    if db_path.exists():
        if quick_check(db_path) is None:
            saved = create_backup(db_path, folder, "before-restore", keep=keep + 1)
        else:  # a damaged file: keep its bytes as they are
            taken = _utcnow()
            dest = folder / f"{db_path.stem}.{taken.strftime(_STAMP)}.damaged{db_path.suffix}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(db_path, dest)
            saved = Backup(dest, taken, "damaged")
    incoming = db_path.with_name(f".{db_path.name}.restoring")
    try:
        copy_checked(backup, incoming)
        _new_audit_chain(incoming)
        _remove_sidecars(db_path)
        os.replace(incoming, db_path)
    finally:
        incoming.unlink(missing_ok=True)
    return saved


def _new_audit_chain(path: Path) -> None:
    # The events this laptop wrote after the backup may already be on other laptops:
    # continuing the backup's chain would number new events like those. A restored
    # file starts a new chain (db.audit_chain); the old one stays whole and verifiable.
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                "UPDATE sync_state SET audit_site = NULL, audit_chain = NULL, "
                "audit_seq = NULL, audit_hash = NULL WHERE id = 1"
            )
    except sqlite3.OperationalError:
        pass  # a backup from before the audit chain: it has no head to reset
    finally:
        conn.close()
