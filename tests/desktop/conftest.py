"""Fixtures for the desktop tests: a database holding one small, known board."""

from __future__ import annotations

import pytest

from db.store import Database
from tests.desktop.board_fixture import populate


@pytest.fixture
def board_database(database: Database) -> Database:
    """The shared empty database with the known board of `board_fixture` written into it."""
    populate(database)
    return database
