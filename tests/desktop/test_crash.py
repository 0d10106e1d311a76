"""An uncaught exception: a readable dialog naming the log, the traceback in the log,
and the database left as it was before the failing change (no half-write, no lock held)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QPushButton
from sqlalchemy import func, select

from db.models import Person
from db.store import Database
from desktop.crash import CrashDialog, CrashHandler, CrashReport, install_crash_handler
from desktop.logging_setup import log_location, remove_logging, setup_logging
from desktop.paths import app_paths

pytestmark = pytest.mark.qt_no_exception_capture


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[CrashHandler]:
    log_file = setup_logging(app_paths(tmp_path / "data"))
    assert log_file is not None and log_location() == log_file
    installed = install_crash_handler(log_file, interactive=True)
    yield installed
    installed.uninstall()
    remove_logging()


def close_next_dialog(seen: list[CrashDialog], *, copy_first: bool = False) -> None:
    """Read the next crash dialog (optionally press "Copy details"), then close it."""

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, CrashDialog):
            QTimer.singleShot(20, look)
            return
        seen.append(box)
        if copy_first:
            box.copy_button.click()
            assert box.isVisible(), "Copy details must not close the dialog"
        box.close_button.click()

    QTimer.singleShot(0, look)


def people(database: Database) -> int:
    with database.session() as s:
        return int(s.scalar(select(func.count()).select_from(Person)) or 0)


def test_slot_error_shows_dialog_logs_and_rolls_back(qtbot, handler, database: Database):
    before = people(database)

    def failing_slot() -> None:
        session = database.session()  # opened without `with`: the handler must undo it
        session.add(Person(name="Half Written"))
        session.flush()  # the row is in the open transaction, holding the write lock
        raise ValueError("the scheduled review date is before the meeting")

    button = QPushButton("Do it")
    qtbot.addWidget(button)
    button.clicked.connect(failing_slot)
    seen: list[CrashDialog] = []
    close_next_dialog(seen, copy_first=True)
    button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)

    box = seen[0]
    assert "did not expect" in box.text()
    assert "undone" in box.text()  # the open transaction was rolled back
    assert str(handler.log_file) in box.informativeText()
    assert "ValueError: the scheduled review date" in box.detailedText()
    assert "ValueError" in QApplication.clipboard().text()
    assert handler.reports[0].rolled_back == 1

    text = Path(handler.log_file).read_text(encoding="utf-8")
    assert "uncaught exception in MainThread" in text
    assert "ValueError: the scheduled review date is before the meeting" in text
    assert "rolled back 1 open database transaction" in text

    # Consistent: the half-written row is gone and nothing holds the write lock.
    assert people(database) == before
    with database.begin() as s:
        s.add(Person(name="Next Change"))
    assert people(database) == before + 1


def test_worker_thread_error_reaches_the_gui_thread(qtbot, handler):
    seen: list[CrashDialog] = []
    close_next_dialog(seen)

    def work() -> None:
        raise RuntimeError("sync batch could not be read")

    worker = threading.Thread(target=work, name="sync-worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert "background work: sync-worker" in seen[0].text()
    assert "Nothing was half-saved" in seen[0].text()
    assert "RuntimeError: sync batch could not be read" in Path(handler.log_file).read_text(
        encoding="utf-8"
    )


def test_uninstall_restores_previous_hooks():
    before_sys, before_thread = sys.excepthook, threading.excepthook
    installed = install_crash_handler(None)
    assert sys.excepthook == installed.excepthook
    installed.uninstall()
    assert sys.excepthook == before_sys and threading.excepthook == before_thread
    report = CrashReport("E", "tb", "MainThread", 0, installed.log_file)
    assert "could not be written" in report.log_line()


def test_headless_run_logs_without_a_dialog(qtbot, tmp_path: Path, capsys) -> None:
    """Offscreen (tests, screenshots, the bench) nobody could close a modal: stderr and log."""
    log_file = setup_logging(app_paths(tmp_path / "data"))
    installed = install_crash_handler(log_file)  # interactive: decided by the platform
    try:
        installed.excepthook(ValueError, ValueError("no one to tell"), None)
        qtbot.wait(50)  # the queued report is delivered
        assert QApplication.activeModalWidget() is None
        assert "ValueError: no one to tell" in capsys.readouterr().err
        assert "no one to tell" in Path(log_file).read_text(encoding="utf-8")
    finally:
        installed.uninstall()
        remove_logging()
