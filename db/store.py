"""Opening a Boardpack database file: checks, backup, migration, engine.

The order matters and each step fails with one clear sentence:
1. the file exists (or we are asked to create it) and is an SQLite file;
2. `PRAGMA quick_check` passes (a damaged file is refused, never "repaired") —
   or, for the app (`integrity="deferred"`), only the header and schema are read
   here and the caller runs `check_integrity` off the GUI thread straight after:
   a whole-file check of a large board takes about a second, the app's whole
   start-up budget;
3. its schema revision is one this app knows — a file written by a newer
   Boardpack is refused rather than half-understood;
4. an older file is copied with the SQLite backup API (`db.backup`), then
   migrated to head;
5. every connection runs WAL, foreign keys and a busy timeout;
6. when asked (the app does), a daily backup is taken if the newest is a day old.
A damaged file is refused naming the latest good backup, for the caller to offer.

An encrypted board (`db.encryption`) is opened with its data key (`key=`):
every step above — checks, backups, migration, the engine's connections —
goes through SQLCipher with `PRAGMA key` run first on each connection. An
encrypted file opened without a key is refused as "needs the passphrase",
and a wrong key as "that passphrase does not open this database", never as
damage.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from db import backup as backups
from db import encryption
from db.errors import (
    CorruptDatabaseError,
    DatabaseNotFoundError,
    NewerSchemaError,
    NotABoardpackDatabaseError,
)
from db.session import Clock, IdFactory, configure, session_factory

if TYPE_CHECKING:
    from alembic.config import Config

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
#: The migration scripts shipped in this package (`versions/NNNN_*.py`).
MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """Alembic configuration pointing at the migrations shipped in this package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_SHIPPED_CONFIG = alembic_config
# `revision = "0012"` / `down_revision = "0011"` (or None), as each script states them.
_REVISION_LINE = re.compile(
    r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(None|\"[^\"\n]+\"|'[^'\n]+')\s*(?:#.*)?$",
    re.MULTILINE,
)


def _script_location() -> Path:
    """The migration scripts' folder: the shipped one, or the one a replaced
    `alembic_config` names (tests stand in a newer app's scripts that way)."""
    if alembic_config is _SHIPPED_CONFIG:
        return MIGRATIONS
    return Path(alembic_config().get_main_option("script_location") or MIGRATIONS)


def script_revisions(scripts: Path | None = None) -> dict[str, str | None] | None:
    """Each migration script's revision and the revision it follows, read from the
    files' text, without importing Alembic (about 0.1-0.2 s of every start).

    None when a script says them in a form this does not read (a merge's tuple, a
    computed value): the caller then asks Alembic. Read once per state of the folder
    (opening a file asks for the head and the known revisions: one read, not three).
    """
    versions = (scripts or _script_location()) / "versions"
    try:
        stamp: int | None = versions.stat().st_mtime_ns  # a script added or taken away
    except OSError:
        stamp = None
    found = _read_revisions(versions, stamp)
    return None if found is None else dict(found)


@functools.lru_cache(maxsize=8)
def _read_revisions(versions: Path, _stamp: int | None) -> dict[str, str | None] | None:
    found: dict[str, str | None] = {}
    for script in sorted(versions.glob("*.py")):
        if script.name == "__init__.py" or script.name.startswith(".#"):
            continue  # as Alembic skips them
        stated: dict[str, str | None] = {}
        for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")):
            if name in stated:
                return None
            stated[name] = None if value == "None" else value[1:-1]
        revision = stated.get("revision")
        if revision is None or "down_revision" not in stated or revision in found:
            return None
        found[revision] = stated["down_revision"]
    return found or None


def _alembic_scripts() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The newest schema revision this app knows."""
    revisions = script_revisions()
    if revisions is not None:
        heads = set(revisions) - set(revisions.values())
        if len(heads) == 1:
            return heads.pop()
    head = _alembic_scripts().get_current_head()
    assert head is not None
    return str(head)


def known_revisions() -> set[str]:
    """Every schema revision this app knows (a file at any other is a newer app's)."""
    revisions = script_revisions()
    if revisions is not None:
        return set(revisions)
    return {rev.revision for rev in _alembic_scripts().walk_revisions()}


@dataclass
class Database:
    """An open Boardpack database: its file, engine and session factory."""

    path: Path
    engine: Engine
    sessions: sessionmaker[Session]
    migrated_from: str | None = None
    backup_path: Path | None = None
    backup_dir: Path | None = None
    #: The SQLCipher data key of an encrypted file (None: a plaintext file).
    key: bytes | None = field(default=None, repr=False)

    @property
    def backups(self) -> Path:
        """Where this database's backups go (beside the file unless a folder was given)."""
        return self.backup_dir or self.path.parent

    def session(
        self,
        actor_id: str | None = None,
        *,
        clock: Clock | None = None,
        ids: IdFactory | None = None,
    ) -> Session:
        """A new session acting as `actor_id`; the caller owns it."""
        return configure(self.sessions(), actor_id=actor_id, clock=clock, ids=ids)

    @contextmanager
    def begin(
        self,
        actor_id: str | None = None,
        *,
        clock: Clock | None = None,
        ids: IdFactory | None = None,
    ) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any error."""
        with self.session(actor_id, clock=clock, ids=ids) as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(path: Path, key: bytes | None = None) -> Engine:
    """An SQLAlchemy engine on a local file with Boardpack's connection settings.

    With `key`, every connection is an SQLCipher one keyed before anything else runs
    (`db.encryption.connect`), and SQLAlchemy uses `sqlcipher3` as the DBAPI.
    """
    if key is None:
        engine = create_engine(f"sqlite:///{path}")
    else:
        engine = create_engine(
            f"sqlite:///{path}",  # a file URL: the file-database pool (QueuePool)
            module=encryption.sqlcipher_module(),
            creator=lambda: encryption.connect(path, key, check_same_thread=False),
        )
    event.listen(engine, "connect", _on_connect)
    return engine


def _check_header(path: Path, key: bytes | None) -> None:
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseNotFoundError(f"cannot read {path}: {exc.strerror}") from exc
    if key is not None:
        if header == SQLITE_HEADER:
            raise encryption.NotEncryptedError(
                f"{path} is not encrypted, but it was opened as an encrypted board; "
                "open it without a passphrase (or encrypt it first)"
            )
        return
    if header != SQLITE_HEADER:
        if encryption.looks_encrypted(path):
            raise encryption.EncryptedDatabaseError(encryption.needs_passphrase_message(path))
        raise NotABoardpackDatabaseError(
            f"{path} is not a Boardpack database (it is not an SQLite file)"
        )


def _check_file(path: Path, *, full: bool = True, key: bytes | None = None) -> None:
    _check_header(path, key)
    try:
        conn = encryption.connect(path, key)
        try:
            if full:
                rows = conn.execute("PRAGMA quick_check").fetchall()
            else:  # reading the schema still catches damaged first pages; the
                # whole-file check follows off the GUI thread (`check_integrity`)
                conn.execute("SELECT count(*), max(sql) FROM sqlite_master").fetchone()
                rows = [("ok",)]
        finally:
            conn.close()
    except Exception as exc:  # either driver's DatabaseError is damage
        if not encryption.is_database_error(exc):
            raise
        raise CorruptDatabaseError(
            f"{path} is damaged and cannot be opened ({exc}); restore it from a backup"
        ) from exc
    if rows != [("ok",)]:
        first = str(rows[0][0]).splitlines()[0] if rows else "no answer"  # one line
        raise CorruptDatabaseError(
            f"{path} is damaged and cannot be opened (integrity check: {first}); "
            "restore it from a backup"
        )


def check_database(path: str | Path, key: bytes | None = None) -> str:
    """The schema revision of an existing Boardpack file, checked as `open_database` does
    (without opening, migrating or backing it up).

    Raises:
        DatabaseFileError: missing, not SQLite, damaged or not a Boardpack database.
    """
    path = Path(path)
    if not path.exists():
        raise DatabaseNotFoundError(f"no database at {path}")
    _check_file(path, key=key)
    revision, _tables = _current_revision(path, key)
    if revision is None:
        raise NotABoardpackDatabaseError(f"{path} is an SQLite file but not a Boardpack database")
    return revision


def _current_revision(path: Path, key: bytes | None = None) -> tuple[str | None, bool]:
    """The file's schema revision, and whether it holds any tables at all."""
    conn = encryption.connect(path, key)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "alembic_version" not in tables:
            return None, bool(tables)
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return (row[0] if row else None), True
    finally:
        conn.close()


def backup_copy(path: Path, dest: Path, key: bytes | None = None) -> Path:
    """Copy a live database with the SQLite online backup API (consistent under WAL)."""
    return backups.copy_checked(path, dest, key=key)


def _migrate(engine: Engine) -> None:
    from alembic import command  # only when a file needs it: not on an ordinary start

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        # Changes captured from now on carry the schema they were written under.
        conn.exec_driver_sql(
            "UPDATE sync_state SET schema_version = "
            "(SELECT version_num FROM alembic_version) WHERE id = 1"
        )


def _check_or_offer(
    path: Path, backup_dir: Path | None, *, full: bool = True, key: bytes | None = None
) -> None:
    try:
        _check_file(path, full=full, key=key)
    except CorruptDatabaseError as exc:
        raise damaged_with_backup(path, backup_dir, exc, key=key) from exc


def damaged_with_backup(
    path: Path,
    backup_dir: Path | None,
    exc: CorruptDatabaseError,
    *,
    key: bytes | None = None,
) -> CorruptDatabaseError:
    """The damage error naming the latest good backup (the same error when there is none)."""
    good = backups.latest_good(path, *([backup_dir] if backup_dir else []), key=key)
    if good is None:
        return exc
    return CorruptDatabaseError(
        f"{exc}: the latest good backup is {good.path} (taken {good.taken_at:%Y-%m-%d %H:%M} UTC)",
        backup=good.path,
    )


def check_integrity(
    path: str | Path, backup_dir: Path | None = None, key: bytes | None = None
) -> None:
    """Run the whole-file integrity check `open_database(integrity="deferred")` skipped.

    Safe on another thread while the file is open (its own read-only connection).

    Raises:
        CorruptDatabaseError: the file is damaged (naming the latest good backup).
    """
    path = Path(path)
    try:
        _check_file(path, key=key)
    except CorruptDatabaseError as exc:
        raise damaged_with_backup(path, backup_dir, exc, key=key) from exc


def open_database(
    path: str | Path,
    *,
    create: bool = False,
    backup_dir: Path | None = None,
    daily_backup: bool = False,
    keep: int = backups.DEFAULT_KEEP,
    integrity: str = "full",
    key: bytes | None = None,
) -> Database:
    """Open (or create) a Boardpack database file, migrating an older one after a backup.

    Args:
        path: the SQLite file.
        create: create the file when it does not exist.
        backup_dir: where backups go (default: beside the file).
        daily_backup: take a backup when the newest in `backup_dir` is a day old.
        keep: how many backups of this file to keep in `backup_dir`.
        integrity: "full" checks the whole file before opening; "deferred" reads only
            its header and schema, and the caller must run `check_integrity` next
            (the app does, on a worker thread, and offers the latest good backup).
            A file about to be migrated is always checked in full first.
        key: the data key of an encrypted file (`db.encryption`); with `create`, the
            new file is encrypted with it from its first page.

    Returns:
        The open `Database`.

    Raises:
        DatabaseFileError: missing, not SQLite, damaged, foreign or newer file;
            `EncryptedDatabaseError` for an encrypted file opened without a key,
            `WrongKeyError` for a key that does not open it.
    """
    path = Path(path)
    backup_dir = Path(backup_dir) if backup_dir is not None else None
    if not path.exists():
        if not create:
            raise DatabaseNotFoundError(f"no database at {path}")
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = make_engine(path, key)
        _migrate(engine)
        return Database(path, engine, session_factory(engine), backup_dir=backup_dir, key=key)

    if integrity not in ("full", "deferred"):
        raise ValueError(f"integrity must be 'full' or 'deferred', not {integrity!r}")
    _check_or_offer(path, backup_dir, full=integrity == "full", key=key)
    revision, has_tables = _current_revision(path, key)
    if integrity == "deferred" and revision is not None and revision != head_revision():
        _check_or_offer(path, backup_dir, key=key)  # never migrate a file not checked in full
    if revision is None and has_tables:
        raise NotABoardpackDatabaseError(f"{path} is an SQLite file but not a Boardpack database")
    if revision is None and not create:
        raise NotABoardpackDatabaseError(f"{path} is an empty file, not a Boardpack database")
    head = head_revision()
    if revision is not None and revision not in known_revisions():
        raise NewerSchemaError(
            f"{path} was written by a newer version of Boardpack (schema {revision}); "
            "update Boardpack to open it"
        )
    backup_path = None
    if revision is not None and revision != head:
        folder = backup_dir or path.parent
        reason = re.sub(r"[^a-z0-9-]+", "-", f"migration-{revision}-to-{head}".lower())
        backup_path = backups.create_backup(path, folder, reason, keep=keep, key=key).path
    elif daily_backup and revision is not None:
        backups.backup_if_due(path, backup_dir or path.parent, keep=keep, key=key)
    engine = make_engine(path, key)
    if revision != head:
        from db.sync.upgrade import replay_unknown_fields, table_columns

        with engine.connect() as conn:
            before = table_columns(conn)
        _migrate(engine)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
            with conn.begin():
                replay_unknown_fields(conn, before)
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
    return Database(
        path,
        engine,
        session_factory(engine),
        revision if backup_path else None,
        backup_path,
        backup_dir,
        key,
    )
