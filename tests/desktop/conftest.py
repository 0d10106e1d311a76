"""Fixtures for the desktop tests: a database holding one small, known board; the main
window over a test's database and `act_as` to work a page as someone in a role; and for
the command-line tests a seeded board file and the in-process `boardpack` call.

A page test module that runs on the demo board says so with its own `database`
fixture returning `demo_database` (tests/conftest.py; its empty `database` stays the
default); the shared `window` then opens on it. A module that needs the demo's papers
rendered, or a window set up otherwise, keeps its own `demo_file` or `window`."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pytest

from db.store import Database
from tests.desktop.board_fixture import populate

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from db.models import Role
    from desktop.main_window import MainWindow
    from desktop.pages.base import PageEnv


@pytest.fixture
def board_database(database: Database) -> Database:
    """The shared empty database with the known board of `board_fixture` written into it."""
    populate(database)
    return database


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> MainWindow:
    """The main window over the test's `database` as the demo (today is `DEMO_AS_OF`),
    at a laptop's 1366x768, shown and exposed."""
    from db.demo import DEMO_AS_OF
    from desktop.app import build_main_window

    window = build_main_window(database, today=DEMO_AS_OF, demo=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


class ActingPage(Protocol):
    """A board page as `act_as` uses it: its environment, and attach to take a new one."""

    @property
    def env(self) -> PageEnv | None: ...

    def attach(self, env: PageEnv) -> None: ...


def act_as(page: ActingPage, database: Database, role: Role) -> str:
    """Re-attach the page acting as the board's first person in `role`; their id."""
    import dataclasses

    from sqlalchemy import select

    from db.models import Membership

    assert page.env is not None
    with database.session() as s:
        person = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id, Membership.role == role
            )
        ).first()
    assert person is not None
    page.attach(dataclasses.replace(page.env, actor_id=person))
    return person


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


def call(
    capsys: pytest.CaptureFixture[str], *args: str | Path, stdin: str | None = None
) -> tuple[int, str, str]:
    """`boardpack ARGS` in this process: (exit code, what this call printed, what it said
    on stderr). Paths are passed as text. `stdin`, when given, is what the command reads
    from standard input for this call (otherwise sys.stdin is left as it is). Output
    from before the call is dropped, and a printed Traceback fails the test: bad input
    is one clear line, never a traceback."""
    from desktop.cli import main

    capsys.readouterr()
    saved = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        code = main([str(a) for a in args])
    except SystemExit as exc:  # argparse's --help and usage errors
        code = int(exc.code or 0)
    finally:
        sys.stdin = saved
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, out + err
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
