"""`db.sync.settings`: the central store address is checked, saved, shown without a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.errors import ValidationError
from db.store import Database
from db.sync.engine import status, sync
from db.sync.settings import (
    display_remote,
    get_remote,
    record_failure,
    set_remote,
    validate_remote,
)


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("sqlite:////srv/shared/central.db", "sqlite:////srv/shared/central.db"),
        ("  sqlite:////srv/shared/central.db \n", "sqlite:////srv/shared/central.db"),
        ("/srv/shared/central.db", "sqlite:////srv/shared/central.db"),
        (r"S:\Boards\central.db", "sqlite:///S:\\Boards\\central.db"),
        ("sqlite:///S:/Boards/central.db", "sqlite:///S:/Boards/central.db"),
        (
            "postgresql+psycopg://board@db.council.local/boardpack",
            "postgresql+psycopg://board@db.council.local/boardpack",
        ),
    ],
)
def test_accepts_a_central_store_address(typed: str, saved: str) -> None:
    assert validate_remote(typed) == saved


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "enter the central store's address"),
        ("   ", "enter the central store's address"),
        ("central.db", "is not a database address"),
        ("mysql://server/boards", "an SQLite file or a PostgreSQL database, not 'mysql'"),
        ("sqlite://", "give the central store's file"),
        ("sqlite:///:memory:", "give the central store's file"),
        ("sqlite:///central.db", "give the full path"),
        ("postgresql+psycopg:///boardpack", "give the server and the database"),
        ("postgresql+psycopg://server", "give the server and the database"),
    ],
)
def test_refuses_what_cannot_be_a_central_store(typed: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_remote(typed)
    assert says in str(caught.value)


def test_display_hides_the_password() -> None:
    shown = display_remote("postgresql+psycopg://board:s3cret@db/boardpack")
    assert "s3cret" not in shown and "board:***@db" in shown
    assert display_remote("sqlite:////srv/c.db") == "sqlite:////srv/c.db"


def test_set_and_get(database: Database) -> None:
    assert get_remote(database) is None
    assert set_remote(database, "/srv/shared/central.db") == "sqlite:////srv/shared/central.db"
    assert get_remote(database) == "sqlite:////srv/shared/central.db"
    assert status(database).remote == "sqlite:////srv/shared/central.db"
    with pytest.raises(ValidationError):
        set_remote(database, "nonsense")
    assert get_remote(database) == "sqlite:////srv/shared/central.db"


def test_a_failure_before_the_engine_could_record_it_is_recorded(
    database: Database, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'unplugged' / 'central.db'}"
    with pytest.raises(Exception) as caught:
        sync(database, url)
    record_failure(database, url, str(caught.value))
    got = status(database)
    assert got.last_error == str(caught.value)
    assert got.remote == url
    assert got.last_sync_at is None
