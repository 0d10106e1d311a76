"""The menu bar: File, View and Help over the window's own functions, by role.

On a copy of the demo board (chair, then secretariat) and on an encrypted
board signed in with its passphrase, locked by the idle lock and unlocked.
Starting another Boardpack window is replaced by a recorder (`Menus.launch`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from db.auth import Keyring
from db.crypto import new_data_key
from db.demo import DEMO_AS_OF
from db.encryption import create_encrypted
from db.store import Database, open_database
from desktop.about import AboutDialog
from desktop.app import build_main_window, load_window_data
from desktop.backup_dialog import BackupDialog
from desktop.idle_lock import IdleLock
from desktop.import_dialog import ImportDialog
from desktop.main_window import MainWindow
from desktop.menus import (
    NO_BOARD,
    NOT_SECRETARIAT_IMPORT,
    Menus,
    boardpack_command,
    install_menus,
    shortcut_rows,
)
from desktop.paths import app_paths
from desktop.recent_files import RecentFiles, app_settings
from desktop.settings_dialog import NOT_SECRETARIAT, SettingsDialog
from tests.db.conftest import seed_board

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSPHRASE = "a kettle on the third floor"


@pytest.fixture
def demo(demo_database: Database) -> Database:
    """A copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


def _window(qtbot: QtBot, database: Database, role: str | None = None) -> MainWindow:
    window = build_main_window(database, today=DEMO_AS_OF, demo=True)
    if role is not None:
        window.show_data(load_window_data(database, today=DEMO_AS_OF, demo=True, role=role))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    return window


def _menus(window: MainWindow) -> Menus:
    menus = window.findChild(Menus, "menus")
    assert isinstance(menus, Menus)
    return menus


def _titles(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_compose_gives_the_window_its_menu_bar_once(qtbot: QtBot) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    window.compose()
    menus = _menus(window)
    assert install_menus(window) is menus  # a second call adds nothing
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&View", "&Help"]
    assert _titles(menus.file_menu) == [
        "&Open board…",
        "&Welcome screen…",
        "&Recent boards",
        "&Import plan…",
        "&Backups…",
        "&Settings…",
        "&Quit",
    ]
    assert _titles(menus.help_menu) == [
        "&Keyboard shortcuts",
        "Open &log folder",
        "&About Boardpack",
    ]
    # No board yet: what needs one is disabled and says so.
    menus.refresh()
    for action in (menus.import_action, menus.backups_action):
        assert not action.isEnabled() and action.toolTip() == NO_BOARD
    assert menus.file_menu.toolTipsVisible()


def test_view_shows_the_page_keys_without_a_second_shortcut(qtbot: QtBot, demo: Database) -> None:
    window = _window(qtbot, demo)
    menus = _menus(window)
    texts = [menus.page_actions[key].text() for key in ("dashboard", "plan", "audit")]
    assert texts == ["Dashboard\tCtrl+1", "Plan\tCtrl+2", "Audit log\tCtrl+8"]
    window_keys = {
        s.key().toString() for s in window.findChildren(QShortcut) if not s.key().isEmpty()
    }
    assert {"Ctrl+1", "Ctrl+8", "Ctrl+K"} <= window_keys  # the window's own shortcuts
    action_keys = [
        a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()
    ]
    assert not set(action_keys) & window_keys  # none bound twice
    assert len(action_keys) == len(set(action_keys))
    assert set(action_keys) >= {
        "Ctrl+Q",
        QKeySequence(QKeySequence.StandardKey.HelpContents).toString(),
    }
    menus.page_actions["risks"].trigger()
    assert window.current_page() == "risks"


def test_a_chair_cannot_import_and_is_told_why_the_secretariat_can(
    qtbot: QtBot, demo: Database
) -> None:
    window = _window(qtbot, demo)
    menus = _menus(window)
    menus.file_menu.aboutToShow.emit()
    assert not menus.import_action.isEnabled()
    assert menus.import_action.toolTip() == NOT_SECRETARIAT_IMPORT
    assert menus.open_import() is None
    assert menus.backups_action.isEnabled()
    clerk = _window(qtbot, demo, role="secretariat")
    clerk_menus = _menus(clerk)
    clerk_menus.file_menu.aboutToShow.emit()
    assert clerk_menus.import_action.isEnabled()
    dialog = clerk_menus.open_import()
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    dialog.reject()


def test_settings_backups_about_and_shortcuts_open_from_the_menus(
    qtbot: QtBot, demo: Database
) -> None:
    window = _window(qtbot, demo, role="secretariat")
    menus = _menus(window)
    menus.file_menu.aboutToShow.emit()  # as opening the menu does
    menus.settings_action.trigger()
    settings = menus.dialog
    assert isinstance(settings, SettingsDialog) and settings.isVisible()
    assert settings.may_edit_board and settings.board is not None
    assert settings.board.board_code == "OPAB"
    settings.reject()
    menus.backups_action.trigger()
    assert isinstance(menus.dialog, BackupDialog) and menus.dialog.isVisible()
    menus.dialog.close()
    menus.about_action.trigger()
    assert isinstance(menus.dialog, AboutDialog)
    menus.dialog.close()
    menus.shortcuts_action.trigger()
    shortcuts = menus.dialog
    assert shortcuts is not None and shortcuts.objectName() == "shortcutsDialog"
    shortcuts.close()
    rows = dict(shortcut_rows())
    assert rows["Ctrl+1"] == "Dashboard" and rows["Ctrl+K"] == "Search everywhere"
    assert rows["F5"] == "Meeting mode: Open meeting"
    assert menus.log_folder() == app_paths().log_dir  # no log set up in tests


def test_recent_boards_open_in_a_new_window_and_a_moved_file_says_so(
    qtbot: QtBot, demo: Database, tmp_path: Path
) -> None:
    other = tmp_path / "cpb.db"
    other.write_bytes(b"")
    gone = tmp_path / "moved.db"
    recent = RecentFiles(app_settings(app_paths()))
    for path in (gone, demo.path, other):
        recent.add(path)
    window = _window(qtbot, demo)
    menus = _menus(window)
    started: list[list[str]] = []
    menus.launch = lambda args: started.append(args) or True
    menus.recent_menu.aboutToShow.emit()
    actions = {a.text(): a for a in menus.recent_menu.actions()}
    assert list(actions) == ["cpb.db", "demo.db", "moved.db"]
    assert not actions["moved.db"].isEnabled()
    assert actions["moved.db"].toolTip().startswith("Not found:")
    assert not actions["demo.db"].isEnabled()  # the file in this window
    assert actions["demo.db"].toolTip().startswith("Open in this window")
    actions["cpb.db"].trigger()
    assert started == [["--db", str(other.resolve())]]
    assert "Opening cpb.db in a new window" in window.statusBar().currentMessage()
    assert menus.open_path(demo.path) is False and len(started) == 1


def test_a_new_window_starts_boardpack_as_the_command_line_does() -> None:
    program, args = boardpack_command(["--db", "x.db"])
    assert args[-2:] == ["--db", "x.db"]
    assert args[:2] == ["-m", "desktop"] and Path(program).name.startswith("python")


@pytest.fixture
def encrypted(tmp_path: Path) -> Iterator[tuple[Database, bytes, str]]:
    """An encrypted board, its chair enrolled and signed in; (database, key, chair id)."""
    path = tmp_path / "board.db"
    key = new_data_key()
    db = create_encrypted(path, key)
    ids = seed_board(db)
    db.close()
    keyring = Keyring.load(path, create=True, hasher=CHEAP)
    keyring.enrol(ids["chair"], "Alex Marsh", PASSPHRASE, data_key=key)
    database = open_database(path, key=key)
    yield database, key, ids["chair"]
    database.close()


def test_menus_on_an_encrypted_signed_in_board_and_off_while_locked(
    qtbot: QtBot, encrypted: tuple[Database, bytes, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("db.auth.passphrase.default_hasher", lambda: CHEAP)
    database, _key, chair = encrypted
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.compose()
    window.show_data(load_window_data(database, today=DEMO_AS_OF, person_id=chair))
    window.show()
    menus = _menus(window)
    menus.refresh()
    assert not menus.import_action.isEnabled()
    assert menus.import_action.toolTip() == NOT_SECRETARIAT_IMPORT
    settings = menus.open_settings()
    assert isinstance(settings, SettingsDialog)
    assert settings.warn_days.isReadOnly() and NOT_SECRETARIAT in settings.board_note.text()
    settings.reject()
    backups = menus.open_backups()
    assert isinstance(backups, BackupDialog)
    backups.backup_button.click()  # a backup of the encrypted file, taken from the menu
    assert backups.model.rowCount() == 1
    backups.close()

    lock = IdleLock(window, database, Keyring.load(database.path), chair, timeout_ms=60_000)
    lock.lock()
    qtbot.waitUntil(lambda: not window.menuBar().isEnabled(), timeout=2000)
    assert not menus.shortcuts_action.isEnabled()  # F1 does nothing behind the lock
    screen = lock.screen
    assert screen is not None
    with qtbot.waitSignal(lock.unlocked, timeout=3000):
        screen.passphrase.setText(PASSPHRASE)
        screen.attempt()
    qtbot.waitUntil(lambda: window.menuBar().isEnabled(), timeout=2000)
    assert menus.shortcuts_action.isEnabled()
    lock.stop()
