"""`boardpack doctor`: what an administrator asks for first when a laptop misbehaves.

    boardpack doctor [--db PATH] [--remote URL] [--timeout S]

Prints, one fact a line: versions (Boardpack, Python, Qt, SQLite, SQLCipher),
the app's folders (data, log, backups) and whether they can be written, then
the database's health — schema revision against the app's head, `quick_check`,
size, last backup, pending changes and conflicts, last sync — and whether the
central store answers within a few seconds. Without `--db` it checks the most
recent file the app opened (else the demo board, if there is one); without
`--remote` the central store the database syncs with, if any.

Each health line starts `ok`, `--` (information, or a warning that needs no
action now) or `FAIL`. Exit 0 when nothing failed; otherwise 1, the failing
lines repeated at the end of the report and one line on stderr. Nothing is
written to the database: the file is read through its own read-only
connection, never migrated or backed up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from desktop.cli_base import Parser, add_unlock
from desktop.paths import AppPaths

DEFAULT_TIMEOUT_S = 5.0
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 0.5, 120.0
#: A backup older than this is worth a warning (the app takes one a day).
STALE_BACKUP = dt.timedelta(days=7)


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `doctor`."""
    doctor = sub.add_parser(
        "doctor", help="check versions, folders, a database's health and the central store"
    )
    doctor.add_argument(
        "--db", type=Path, metavar="PATH", help="the database to check (default: the last opened)"
    )
    add_unlock(doctor)  # an encrypted file is checked inside after the sign-in
    doctor.add_argument(
        "--remote", metavar="URL", help="the central store (default: the database's own)"
    )
    doctor.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        metavar="S",
        help=f"seconds to wait for the central store (default {DEFAULT_TIMEOUT_S:g})",
    )
    doctor.set_defaults(handler=_cmd_doctor)


@dataclass
class Report:
    """The lines printed so far and the ones that failed."""

    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.lines.append(text)

    def fact(self, name: str, value: str) -> None:
        self.lines.append(f"  {name:<16} {value}")

    def ok(self, name: str, value: str) -> None:
        self.lines.append(f"  ok   {name:<16} {value}")

    def note(self, name: str, value: str) -> None:
        self.lines.append(f"  --   {name:<16} {value}")

    def fail(self, name: str, value: str) -> None:
        line = f"  FAIL {name:<16} {value}"
        self.lines.append(line)
        self.failures.append(line.strip())


def versions() -> list[tuple[str, str]]:
    """(name, version) of Boardpack and what it runs on."""
    from PySide6 import QtCore
    from PySide6 import __version__ as pyside_version

    from desktop import app_version

    frozen = " (installed app)" if getattr(sys, "frozen", False) else ""
    found = [
        ("Boardpack", app_version() + frozen),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("Qt", f"{QtCore.qVersion()} (PySide6 {pyside_version})"),
        ("SQLite", sqlite3.sqlite_version),
        ("SQLCipher", sqlcipher_version()),
        ("System", f"{platform.system()} {platform.release()} {platform.machine()}"),
    ]
    return found


def sqlcipher_version() -> str:
    try:
        import sqlcipher3  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return "not installed (encrypted boards cannot be opened)"
    try:
        conn = sqlcipher3.connect(":memory:")
        try:
            row = conn.execute("PRAGMA cipher_version").fetchone()
        finally:
            conn.close()
    except Exception as exc:
        return f"installed but not working ({exc})"
    return str(row[0]) if row and row[0] else "installed (no cipher version reported)"


def _writable(folder: Path) -> bool:
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    return os.access(probe, os.W_OK)


def check_paths(report: Report, paths: AppPaths) -> None:
    from desktop.logging_setup import log_location

    report.heading("Folders")
    log_file = log_location() or paths.log_file
    for name, folder in (
        ("data", paths.data_dir),
        ("log", paths.log_dir),
        ("backups", paths.backup_dir),
        ("cache", paths.cache_dir),
    ):
        shown = f"{folder}" + (f" ({log_file.name})" if name == "log" else "")
        if _writable(folder):
            report.ok(name, shown)
        else:
            report.fail(name, f"{shown} cannot be written")


def default_database(paths: AppPaths) -> Path | None:
    """The database to check when none is named: the last opened, else the demo."""
    try:
        from desktop.recent_files import RecentFiles, app_settings

        last = RecentFiles(app_settings(paths)).last_existing()
    except Exception:  # no settings store: fall back to the demo
        last = None
    if last is not None:
        return last
    return paths.demo_db if paths.demo_db.exists() else None


def _size(path: Path) -> int:
    return sum(
        Path(f"{path}{suffix}").stat().st_size
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


def _ago(when: dt.datetime, now: dt.datetime) -> str:
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400 * 2:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"


def check_database(
    report: Report, path: Path, paths: AppPaths, key: bytes | None = None
) -> str | None:
    """The database's health lines; returns its stored central store URL, if any.
    `key`: an encrypted file's data key (after `--person` signed in)."""
    from db.backup import list_backups, quick_check
    from db.encryption import has_sqlite_header
    from db.store import head_revision, known_revisions

    report.heading(f"Database {path}")
    if not path.is_file():
        report.fail("file", "not found")
        return None
    size = _size(path)
    report.fact("size", f"{size / 1_000_000:.1f} MB")
    if key is not None:
        report.ok("encryption", "encrypted (SQLCipher); opened with the signed-in key")
    elif not has_sqlite_header(path):
        report.note(
            "encryption",
            "encrypted or not an SQLite file: checked at sign-in (or with --person NAME)",
        )
        return None
    try:
        problem = quick_check(path, key)
    except UnicodeDecodeError:  # SQLite quoted damaged bytes in its answer
        problem = "the check's answer quoted unreadable bytes"
    if problem is not None:
        report.fail("integrity", f"quick_check: {problem}; restore it from a backup")
        return None
    report.ok("integrity", "quick_check ok")
    if key is None:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    else:
        from db.encryption import connect

        conn = connect(path, key, read_only=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            report.fail("schema", "not a Boardpack database (no schema revision)")
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
        head = head_revision()
        if revision == head:
            report.ok("schema", f"{revision} (the app's newest)")
        elif revision in known_revisions():
            report.note("schema", f"{revision}; the app will migrate it to {head} (after a backup)")
        else:
            report.fail("schema", f"{revision} is newer than this app ({head}): update Boardpack")
        remote = _sync_lines(report, conn, tables) if revision == head else None
    finally:
        conn.close()
    now = dt.datetime.now(dt.UTC)
    found = list_backups(path, paths.backup_dir)
    if not found:
        report.note("last backup", f"none yet (in {paths.backup_dir} or beside the file)")
    else:
        newest = found[0]
        line = f"{newest.taken_at:%Y-%m-%d %H:%M} UTC, {_ago(newest.taken_at, now)} ({newest.path})"
        if now - newest.taken_at > STALE_BACKUP:
            report.note("last backup", line + ": older than a week")
        else:
            report.ok("last backup", line)
    return remote


def _sync_lines(report: Report, conn: sqlite3.Connection, tables: set[str]) -> str | None:
    """Pending changes, open conflicts and the last sync, read without SQLAlchemy's engine."""
    if "sync_state" not in tables:
        return None
    row = conn.execute(
        "SELECT site_id, last_sync_at, last_sync_error, remote FROM sync_state WHERE id = 1"
    ).fetchone()
    if row is None:
        report.fail("sync state", "missing (the file was not made by Boardpack)")
        return None
    site_id, last_sync_at, last_error, remote = row
    pending = conn.execute(
        "SELECT count(*) FROM change_log WHERE site_id = ? AND server_seq IS NULL", (site_id,)
    ).fetchone()[0]
    conflicts = conn.execute("SELECT count(*) FROM sync_conflicts WHERE open = 1").fetchone()[0]
    report.fact("pending", f"{pending} changes not yet sent; {conflicts} open conflicts")
    if last_sync_at is None:
        report.note("last sync", "never" + (f" (last attempt: {last_error})" if last_error else ""))
    elif last_error:
        report.note("last sync", f"{last_sync_at} UTC; last attempt failed: {last_error}")
    else:
        report.ok("last sync", f"{last_sync_at} UTC")
    return str(remote) if remote else None


def check_central(report: Report, url: str, timeout: float) -> None:
    """Connect to the central store with a short timeout and read its minimum schema."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from db.sync.settings import display_remote

    report.heading(f"Central store {display_remote(url)}")
    try:
        parsed = make_url(url)
    except Exception:
        report.fail("reachable", "not a database URL")
        return
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        where = Path(parsed.database or "")
        if not where.is_file():
            report.fail("reachable", f"no file at {where} (is the shared drive connected?)")
            return
        engine = create_engine(parsed, connect_args={"timeout": timeout})
    elif backend == "postgresql":
        engine = create_engine(parsed, connect_args={"connect_timeout": max(1, round(timeout))})
    else:
        report.fail("reachable", f"unsupported kind of store {backend!r}")
        return
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            minimum = conn.execute(
                text("SELECT value FROM central_meta WHERE key = 'min_client_schema'")
            ).scalar()
    except Exception as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        first = reason[0] if reason else type(exc).__name__
        if "central_meta" in first:
            report.fail("reachable", "answers, but is not a Boardpack central store")
        else:
            report.fail("reachable", f"not reachable: {first}")
        return
    finally:
        engine.dispose()
    took = (time.perf_counter() - started) * 1000
    if minimum is None:
        report.fail("reachable", "answers, but was never initialised (boardpack central init)")
        return
    report.ok("reachable", f"answered in {took:.0f} ms (needs app schema {minimum} or newer)")


def run_doctor(
    paths: AppPaths,
    db: Path | None,
    remote: str | None,
    timeout: float = DEFAULT_TIMEOUT_S,
    key: bytes | None = None,
) -> Report:
    """Every check, in the order printed."""
    report = Report()
    report.heading("Versions")
    for name, value in versions():
        report.fact(name, value)
    check_paths(report, paths)
    target = db if db is not None else default_database(paths)
    stored: str | None = None
    if target is None:
        report.heading("Database")
        report.note("database", "none given and none opened yet (use --db PATH)")
    else:
        stored = check_database(report, Path(target), paths, key)
    url = remote or stored
    if url:
        check_central(report, url, timeout)
    else:
        report.heading("Central store")
        report.note("central", "not set (this laptop works alone; --remote URL to check one)")
    return report


def _cmd_doctor(args: argparse.Namespace, paths: AppPaths) -> int:
    from desktop.cli_base import CliError

    if not (MIN_TIMEOUT_S <= args.timeout <= MAX_TIMEOUT_S):  # also refuses nan
        raise CliError(f"--timeout must be {MIN_TIMEOUT_S:g} to {MAX_TIMEOUT_S:g} seconds")
    key = None
    if args.db is not None and getattr(args, "signin_person", None):
        from desktop.cli_base import unlock_key

        key, _person = unlock_key(args, Path(args.db))
    report = run_doctor(paths, args.db, args.remote, args.timeout, key)
    print("\n".join(report.lines))
    if report.failures:
        count = len(report.failures)
        print(f"\n{count} problem{'s' if count > 1 else ''}:")
        for line in report.failures:
            print(f"  {line}")
        print(f"boardpack: doctor found {count} problem{'s' if count > 1 else ''}", file=sys.stderr)
        return 1
    print("\nno problems found")
    return 0
