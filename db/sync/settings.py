"""Where this laptop syncs to: the central store's address, checked, saved and shown.

The address is a SQLAlchemy URL kept in the laptop's own `sync_state` row
(column `remote`; the engine also rewrites it after every attempt), so it
stays with the database file and never travels to other laptops. This module
is the one place that reads and writes it, checks that a typed address looks
like a central store the engine can use (an SQLite file on a shared drive, or
PostgreSQL), and renders it for a screen without its password. It also records
a failed attempt that ended before the engine could record it itself (an
address that cannot even be opened), so the status bar never claims all is
well after a failure.
"""

from __future__ import annotations

from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from db.errors import ValidationError
from db.store import Database
from db.sync.tables import sync_state

#: Backends a central store can be on (see `db.sync.central.central_engine`).
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
EXAMPLES = (
    "sqlite:////srv/shared/boardpack/central.db",
    "postgresql+psycopg://user@server/boardpack",
)


def _looks_like_path(text: str) -> bool:
    return "://" not in text and (
        PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute()
    )


def validate_remote(text: str) -> str:
    """Check a central store address typed by a person and return it, normalised.

    An absolute file path (``/srv/shared/central.db``, ``S:\\Boards\\central.db``)
    is accepted as the shared-drive SQLite file it names.

    Args:
        text: what was typed.

    Returns:
        The SQLAlchemy URL to save.

    Raises:
        ValidationError: empty, not a URL, an unsupported database, or an SQLite
            address without an absolute file path.
    """
    text = text.strip()
    if not text:
        raise ValidationError("enter the central store's address")
    if _looks_like_path(text):
        text = f"sqlite:///{text}"
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise ValidationError(
            f"{text!r} is not a database address; it should look like {EXAMPLES[0]}"
        ) from None
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValidationError(
            f"a central store is an SQLite file or a PostgreSQL database, not {backend!r}"
        )
    if backend == "sqlite":
        path = url.database or ""
        if not path or path == ":memory:" or path.startswith("file:"):
            raise ValidationError("give the central store's file, e.g. " + EXAMPLES[0])
        if not (PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()):
            raise ValidationError(
                f"give the full path of the central store's file, not {path!r} "
                "(an address with four slashes: sqlite:////…)"
            )
    elif not url.host or not url.database:
        raise ValidationError("give the server and the database, e.g. " + EXAMPLES[1])
    return text


def display_remote(url: str) -> str:
    """The address as a screen may show it: the password, if any, hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def get_remote(database: Database) -> str | None:
    """The central store this laptop syncs with, or None before one is set."""
    with database.engine.connect() as conn:
        value = conn.execute(select(sync_state.c.remote).where(sync_state.c.id == 1)).scalar()
    return str(value) if value else None


def set_remote(database: Database, url: str) -> str:
    """Check and save the central store address; returns the saved (normalised) URL.

    Raises:
        ValidationError: see `validate_remote`.
    """
    checked = validate_remote(url)
    with database.engine.begin() as conn:
        conn.execute(update(sync_state).where(sync_state.c.id == 1).values(remote=checked))
    return checked


def record_failure(database: Database, url: str, reason: str) -> None:
    """Note a sync attempt that failed, when the engine has not already noted this reason.

    `db.sync.engine.sync` records its own failures, except one that happens while
    the central store is being opened (a missing shared-drive file, a bad address).
    The last successful sync time is left as it was.
    """
    with database.engine.begin() as conn:
        recorded = conn.execute(
            select(sync_state.c.last_sync_error, sync_state.c.remote).where(sync_state.c.id == 1)
        ).one()
        if tuple(recorded) != (reason, url):
            conn.execute(
                update(sync_state)
                .where(sync_state.c.id == 1)
                .values(remote=url, last_sync_error=reason)
            )
