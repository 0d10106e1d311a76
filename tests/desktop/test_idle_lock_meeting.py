"""The idle lock during a live meeting: held at the normal countdown, locked at the meeting limit.

Runs on a copy of the demo board with the chair enrolled (a keyring, cheap
argon2) and short countdowns in milliseconds: the normal one (`timeout_ms`)
and the meeting limit (`meeting_timeout_ms`).
"""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.auth import Keyring
from db.store import Database
from desktop.idle_lock import (
    DEFAULT_MEETING_MINUTES,
    HELD_TEXT,
    MEETING_SETTING,
    IdleLock,
    meeting_idle_minutes,
    meeting_in_progress,
)
from desktop.main_window import MainWindow
from desktop.pages.meetings import MeetingsPage
from desktop.status_bar import BoardStatusBar

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
NORMAL_MS = 250


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


def _chair(window: MainWindow) -> str:
    data = window._data
    assert data is not None and data.context is not None and data.context.viewer is not None
    return data.context.viewer.person_id


def _lock(window: MainWindow, database: Database, *, meeting_ms: int) -> IdleLock:
    chair = _chair(window)
    ring = Keyring.load(database.path, create=True, hasher=CHEAP)
    ring.enrol(chair, "Chair", "correct horse battery staple", data_key=None)
    return IdleLock(
        window, database, ring, chair, timeout_ms=NORMAL_MS, meeting_timeout_ms=meeting_ms
    )


def _open_meeting(window: MainWindow) -> MeetingsPage:
    """Meeting mode on the demo's next meeting, opened (in progress) by the chair."""
    window.show_page("meetings")
    page = window.page("meetings")
    assert isinstance(page, MeetingsPage)
    page.apply_filter({"view": "meeting-mode"})
    page.cockpit.open_meeting()
    assert page.cockpit.is_open
    return page


def test_without_a_meeting_it_locks_at_the_normal_countdown(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    assert not meeting_in_progress(window)
    lock = _lock(window, database, meeting_ms=10_000)
    started = time.monotonic()
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    assert time.monotonic() - started < 2.0  # the normal countdown, not the meeting limit
    assert lock.is_locked
    lock.stop()


def test_a_live_meeting_holds_the_lock_until_the_meeting_limit(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    _open_meeting(window)
    assert meeting_in_progress(window)
    lock = _lock(window, database, meeting_ms=1500)
    started = time.monotonic()
    with qtbot.waitSignal(lock.held, timeout=3000):
        pass
    assert not lock.is_locked and lock.is_held
    assert window.statusBar().currentMessage() == HELD_TEXT == "Idle lock held during the meeting"
    status = window.statusBar()
    assert isinstance(status, BoardStatusBar)
    assert status.database_label.isHidden()  # the message has its place, not drawn over it
    qtbot.wait(NORMAL_MS * 2)  # two normal countdowns later: still not locked
    assert not lock.is_locked
    with qtbot.waitSignal(lock.locked, timeout=5000):
        pass
    assert time.monotonic() - started >= 1.45  # at the meeting limit, not before
    assert lock.is_locked and not lock.is_held
    assert window.statusBar().currentMessage() == ""
    lock.stop()


def test_input_ends_the_hold(qtbot: QtBot, window: MainWindow, database: Database) -> None:
    _open_meeting(window)
    lock = _lock(window, database, meeting_ms=10_000)
    with qtbot.waitSignal(lock.held, timeout=3000):
        pass
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(10, 10),
        QPointF(10, 10),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, move)
    assert not lock.is_held
    assert lock.timer.interval() == NORMAL_MS
    status = window.statusBar()
    assert isinstance(status, BoardStatusBar)
    assert status.currentMessage() == ""
    assert not status.database_label.isHidden()  # back once the message is gone
    lock.stop()


def test_after_the_meeting_closes_it_locks_at_the_normal_countdown_again(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    page = _open_meeting(window)
    lock = _lock(window, database, meeting_ms=20_000)
    with qtbot.waitSignal(lock.held, timeout=3000):
        pass
    box = page.cockpit.close_meeting()  # the chair closes it (no input reaches the filter)
    assert isinstance(box, QMessageBox)
    yes = box.button(QMessageBox.StandardButton.Yes)
    assert yes is not None
    yes.click()
    assert not page.cockpit.is_open and not meeting_in_progress(window)
    closed = time.monotonic()
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    assert time.monotonic() - closed < 2.0  # far sooner than the 20-second meeting limit
    lock.stop()


def test_leaving_meeting_mode_for_the_list_ends_the_hold(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    page = _open_meeting(window)
    page.show_list()
    assert not meeting_in_progress(window)  # the meeting runs on, but no one has it open here
    lock = _lock(window, database, meeting_ms=20_000)
    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    lock.stop()


def test_new_minutes_reach_a_running_lock(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    lock = _lock(window, database, meeting_ms=20_000)
    lock.set_minutes(5, 45)
    assert lock.timer.interval() == 5 * 60_000 and lock.meeting_timeout_ms == 45 * 60_000
    assert lock.timer.isActive() and not lock.is_locked
    lock.stop()


def test_meeting_idle_minutes_setting() -> None:
    from desktop.paths import app_paths
    from desktop.recent_files import app_settings

    settings = app_settings(app_paths())
    assert meeting_idle_minutes() == DEFAULT_MEETING_MINUTES
    settings.setValue(MEETING_SETTING, 90)
    assert meeting_idle_minutes() == 90
    settings.setValue(MEETING_SETTING, 0)
    assert meeting_idle_minutes() == DEFAULT_MEETING_MINUTES
    settings.setValue(MEETING_SETTING, "all day")
    assert meeting_idle_minutes() == DEFAULT_MEETING_MINUTES
