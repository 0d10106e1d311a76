"""Start-up: `run_gui` shows the frame first, then the board; imports stay light until then."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from db.store import Database
from desktop.app import is_demo_database, run_gui
from desktop.main_window import MainWindow


def _main_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]


def test_quit_when_shown_exits_zero_after_the_first_paint(
    qtbot: QtBot, board_database: Database
) -> None:
    assert run_gui(board_database.path, quit_when_shown=True) == 0


def test_run_gui_shows_the_board_after_the_frame(qtbot: QtBot, board_database: Database) -> None:
    seen: list[str] = []

    def check() -> None:
        windows = [w for w in _main_windows() if w.composed and w.dashboard.summary is not None]
        if windows:
            seen.append(windows[0].dashboard.board_label.text())
            seen.append(windows[0].status.viewer_label.text())
            QApplication.instance().exit(0)  # type: ignore[union-attr]
        else:
            QTimer.singleShot(20, check)

    QTimer.singleShot(0, check)
    # A stopped timer, not a bare singleShot: fired after run_gui has returned, exit()
    # would leave Qt quitting, and every later qtbot.wait would return at once.
    give_up = QTimer()
    give_up.setSingleShot(True)
    give_up.timeout.connect(lambda: QApplication.instance().exit(3))  # type: ignore[union-attr]
    give_up.start(10_000)
    try:
        assert run_gui(board_database.path) == 0
    finally:
        give_up.stop()
    assert seen == ["Ofsted Priority Action Board", "Viewing as Alex Morgan (Chair)"]


def test_a_file_that_is_not_a_database_exits_one_with_the_reason(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("not a database")
    assert run_gui(bogus) == 1
    err = capsys.readouterr().err
    assert "is not a Boardpack database" in err


def test_importing_the_app_does_not_import_the_data_layer_or_heavy_modules() -> None:
    code = (
        "import sys, desktop.app, desktop.main_window;"
        "bad = [m for m in ('sqlalchemy', 'alembic', 'db', 'matplotlib', 'reportlab',"
        " 'desktop.pages.dashboard', 'desktop.navigation') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_demo_database_is_recognised_by_name(tmp_path: Path) -> None:
    assert is_demo_database(tmp_path / "demo.db")
    assert not is_demo_database(tmp_path / "board.db")
