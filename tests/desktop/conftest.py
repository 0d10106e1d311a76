"""Fixtures for the desktop tests: a database holding one small, known board, and
for the command-line tests a seeded board file and the in-process `boardpack` call."""

from __future__ import annotations

from pathlib import Path

import pytest

from db.store import Database
from tests.desktop.board_fixture import populate


@pytest.fixture
def board_database(database: Database) -> Database:
    """The shared empty database with the known board of `board_fixture` written into it."""
    populate(database)
    return database


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    """`tmp_path/board.db`: a new board file seeded by `tests.db.conftest.seed_board`,
    closed, for a command to open."""
    from db.store import open_database
    from tests.db.conftest import seed_board

    path = tmp_path / "board.db"
    db = open_database(path, create=True)
    seed_board(db)
    db.close()
    return path


def call(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`boardpack ARGS` in this process: (exit code, what it printed, what it said on stderr)."""
    from desktop.cli import main

    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def dump_of(path: Path) -> str:
    """The canonical text dump of the database file at `path` (`db.dump.dump_text`)."""
    from db.dump import dump_text
    from db.store import open_database

    db = open_database(path)
    try:
        return dump_text(db.engine)
    finally:
        db.close()
