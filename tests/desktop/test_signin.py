"""The sign-in screen, the demo's role picker and the idle lock, driven with pytest-qt.

argon2 runs with tiny parameters here (`cheap_argon2`); the screens use the
app's own `Gate`, so what is tested is what `run_gui` shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.auth import Keyring
from db.models import Person
from db.store import Database
from desktop.app import load_window_data
from desktop.idle_lock import IdleLock
from desktop.main_window import MainWindow
from desktop.meeting_mode.autosave import NotesAutosave, PendingNotes
from desktop.signin import DemoRolePicker, Entry, Gate, SignInScreen
from tests.desktop.board_fixture import TODAY

GOOD = "correct horse battery staple"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("db.auth.passphrase.default_hasher", lambda: CHEAP)


def _person(database: Database, name: str) -> str:
    with database.session() as s:
        return s.scalars(select(Person.id).where(Person.name == name)).one()


@pytest.fixture
def enrolled(board_database: Database) -> Iterator[Database]:
    """The small board with passphrases for its chair and a member."""
    ring = Keyring.load(board_database.path, create=True, hasher=CHEAP)
    for name in ("Alex Morgan", "Sam Patel"):
        ring.enrol(_person(board_database, name), name, GOOD, data_key=None)
    yield board_database


def _window(qtbot: QtBot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.compose()
    window.show()
    return window


def _gate(qtbot: QtBot, database: Database, *, demo: bool = False) -> tuple[Gate, list[Entry]]:
    window = _window(qtbot)
    gate = Gate(window, database.path, demo=demo, interactive=demo)
    entries: list[Entry] = []
    gate.before_open(None, entries.append)
    return gate, entries


def _type(qtbot: QtBot, screen: SignInScreen, name: str, passphrase: str) -> None:
    """Pick `name`, type `passphrase` and press Enter (Enter signs in)."""
    screen.person.setCurrentIndex(screen.person.findText(name))
    screen.passphrase.clear()
    qtbot.keyClicks(screen.passphrase, passphrase)  # type: ignore[no-untyped-call]
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]


def test_a_file_with_a_keyring_opens_on_the_sign_in_screen(
    qtbot: QtBot, enrolled: Database
) -> None:
    gate, entries = _gate(qtbot, enrolled)
    screen = gate.screen
    assert isinstance(screen, SignInScreen) and screen.isVisible()
    assert screen.geometry() == gate.window.rect()  # the board behind is covered
    assert [screen.person.itemText(i) for i in range(screen.person.count())] == [
        "Alex Morgan",
        "Sam Patel",
    ]
    assert screen.person.accessibleName() == "Person"
    assert screen.passphrase.accessibleName() == "Passphrase"
    assert screen.passphrase.echoMode() == screen.passphrase.EchoMode.Password
    assert entries == []


def test_wrong_then_right_passphrase(qtbot: QtBot, enrolled: Database) -> None:
    gate, entries = _gate(qtbot, enrolled)
    screen = gate.screen
    assert isinstance(screen, SignInScreen)
    _type(qtbot, screen, "Sam Patel", "not the passphrase at all")
    assert entries == []
    assert screen.error.isVisible()
    assert screen.error.text() == (
        "That passphrase is not right for Sam Patel; after 4 more wrong tries "
        "sign-in pauses for 15 minutes."
    )
    _type(qtbot, screen, "Sam Patel", GOOD)
    assert len(entries) == 1 and entries[0].person_id == _person(enrolled, "Sam Patel")
    assert screen.passphrase.text() == ""
    assert gate.screen is None
    # The window takes the member's own seat, and says they signed in.
    data = load_window_data(enrolled, today=TODAY, person_id=entries[0].person_id)
    gate.window.show_data(data)
    assert gate.window.status.viewer_label.text() == "Signed in as Sam Patel (Member)"


def test_lockout_message_after_five_wrong_passphrases(qtbot: QtBot, enrolled: Database) -> None:
    gate, entries = _gate(qtbot, enrolled)
    screen = gate.screen
    assert isinstance(screen, SignInScreen)
    for _ in range(5):
        _type(qtbot, screen, "Alex Morgan", "not the passphrase at all")
    assert "after 5 wrong passphrases sign-in is paused for 15 minutes" in screen.error.text()
    _type(qtbot, screen, "Alex Morgan", GOOD)  # the right one, too late
    assert entries == []
    assert screen.error.text().startswith(
        "Sign-in for Alex Morgan is paused after too many wrong passphrases; try again after"
    )
    assert "not right" not in screen.error.text()


def test_the_offline_notice_reaches_the_status_bar(qtbot: QtBot, enrolled: Database) -> None:
    ring = Keyring.load(enrolled.path)
    ring.record_central_contact(dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
    gate, entries = _gate(qtbot, enrolled)
    assert isinstance(gate.screen, SignInScreen)
    _type(qtbot, gate.screen, "Alex Morgan", GOOD)
    gate.window.show_data(load_window_data(enrolled, today=TODAY, person_id=entries[0].person_id))
    gate.opened(enrolled)
    assert "last reached the central store 20 days ago" in gate.window.status.currentMessage()
    assert gate.idle_lock is not None
    gate.idle_lock.stop()


def test_the_demo_offers_roles_and_says_no_passphrase(
    qtbot: QtBot, board_database: Database
) -> None:
    gate, entries = _gate(qtbot, board_database, demo=True)
    picker = gate.screen
    assert isinstance(picker, DemoRolePicker)
    assert "no passphrase" in picker.button.text()
    picker.role.setCurrentIndex(picker.role.findData("member"))
    qtbot.keyClick(picker, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]
    assert entries == [Entry(role="member")]
    data = load_window_data(board_database, today=TODAY, demo=True, role=entries[0].role)
    gate.window.show_data(data)
    assert gate.window.status.viewer_label.text() == (
        "Demo board — signed in as the demo member, no passphrase"
    )


def test_the_demo_with_a_role_given_skips_the_picker(
    qtbot: QtBot, board_database: Database
) -> None:
    window = _window(qtbot)
    gate = Gate(window, board_database.path, demo=True, interactive=True)
    entries: list[Entry] = []
    gate.before_open("secretariat", entries.append)
    assert gate.screen is None and entries == [Entry(role="secretariat")]


def test_a_real_board_without_a_keyring_opens_as_before(
    qtbot: QtBot, board_database: Database
) -> None:
    window = _window(qtbot)
    gate = Gate(window, board_database.path, demo=False, interactive=False)
    entries: list[Entry] = []
    gate.before_open(None, entries.append)
    assert gate.screen is None and entries == [Entry()]


def test_idle_lock_saves_notes_disposes_the_engine_and_sign_in_restores_the_page(
    qtbot: QtBot, enrolled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = _window(qtbot)
    chair = _person(enrolled, "Alex Morgan")
    window.show_data(load_window_data(enrolled, today=TODAY, person_id=chair))
    window.show_page("risks")
    saved: list[PendingNotes] = []
    autosave = NotesAutosave(lambda notes: saved.append(notes), interval_ms=60_000, parent=window)
    autosave.edited("item-1", discussion="The board noted the report.")
    disposed: list[bool] = []
    real_dispose = enrolled.engine.dispose

    def dispose() -> None:
        disposed.append(True)
        real_dispose()

    monkeypatch.setattr(enrolled.engine, "dispose", dispose)
    lock = IdleLock(window, enrolled, Keyring.load(enrolled.path), chair, timeout_ms=150)

    with qtbot.waitSignal(lock.locked, timeout=3000):
        pass
    assert lock.is_locked and disposed == [True]
    assert [n.discussion for n in saved] == ["The board noted the report."]  # saved first
    assert not autosave.pending
    screen = lock.screen
    assert screen is not None and screen.isVisible() and not screen.person.isEnabled()
    assert screen.heading.text() == "Locked"
    screen.passphrase.setText("not the passphrase at all")
    screen.attempt()
    assert lock.is_locked
    with qtbot.waitSignal(lock.unlocked, timeout=3000):
        screen.passphrase.setText(GOOD)
        screen.attempt()
    assert not lock.is_locked and window.current_page() == "risks"
    with enrolled.session() as s:  # the file reads again
        assert s.scalars(select(Person.name).where(Person.id == chair)).one() == "Alex Morgan"
    lock.stop()


def test_input_restarts_the_idle_countdown(qtbot: QtBot, enrolled: Database) -> None:
    window = _window(qtbot)
    chair = _person(enrolled, "Alex Morgan")
    lock = IdleLock(window, enrolled, Keyring.load(enrolled.path), chair, timeout_ms=10_000)
    qtbot.wait(300)
    QApplication.sendEvent(window, QEvent(QEvent.Type.Enter))  # not input: no restart
    assert lock.timer.remainingTime() <= 9_750
    move = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(10, 10),
        QPointF(10, 10),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, move)
    assert lock.timer.remainingTime() > 9_900  # the countdown starts again
    qtbot.wait(300)
    qtbot.keyClick(window, Qt.Key.Key_Shift)  # type: ignore[no-untyped-call]
    assert lock.timer.remainingTime() > 9_900
    assert not lock.is_locked
    lock.stop()


def test_idle_minutes_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from desktop.idle_lock import DEFAULT_MINUTES, SETTING, idle_minutes
    from desktop.paths import app_paths
    from desktop.recent_files import app_settings

    settings = app_settings(app_paths())
    assert idle_minutes() == DEFAULT_MINUTES
    settings.setValue(SETTING, 3)
    settings.sync()
    assert idle_minutes() == 3
    settings.setValue(SETTING, "forever")
    assert idle_minutes() == DEFAULT_MINUTES
    settings.remove(SETTING)


def test_the_enrolment_dialog_sets_a_first_passphrase(
    qtbot: QtBot, board_database: Database
) -> None:
    from db.auth.board import people_with_seats
    from desktop.signin import EnrolmentDialog

    with board_database.session() as s:
        seats = people_with_seats(s)
    ring = Keyring.load(board_database.path, create=True, hasher=CHEAP)
    dialog = EnrolmentDialog(seats, ring)
    qtbot.addWidget(dialog)
    dialog.person.setCurrentIndex(dialog.person.findText("Sam Patel (Member, OPAB)"))
    dialog.passphrase.setText("short")
    dialog.confirm.setText("short")
    dialog.accept()
    assert dialog.error.text().startswith("A passphrase needs at least 12 characters")
    assert not Keyring.exists(board_database.path)
    dialog.passphrase.setText(GOOD)
    dialog.confirm.setText(GOOD + "!")
    dialog.accept()
    assert dialog.error.text() == "The two passphrases differ; type the same one twice."
    dialog.confirm.setText(GOOD)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    sam = _person(board_database, "Sam Patel")
    assert dialog.enrolled_id == sam
    assert Keyring.load(board_database.path).sign_in(sam, GOOD, now=dt.datetime.now(dt.UTC))


def test_the_app_opens_on_sign_in_and_then_the_dashboard(qtbot: QtBot, enrolled: Database) -> None:
    """run_gui end to end: the sign-in screen first, the board only after the passphrase."""
    from PySide6.QtCore import QTimer

    from desktop.app import run_gui

    enrolled.close()
    seen: dict[str, object] = {}

    def sign_in() -> None:
        screens = [
            w for top in QApplication.topLevelWidgets() for w in top.findChildren(SignInScreen)
        ]
        if not screens:
            QTimer.singleShot(50, sign_in)
            return
        window = screens[0].window()
        seen["before"] = window.findChild(QObject, "statusViewer").text()  # type: ignore[union-attr]
        screens[0].person.setCurrentIndex(screens[0].person.findText("Sam Patel"))
        screens[0].passphrase.setText(GOOD)
        screens[0].attempt()
        seen["window"] = window

    QTimer.singleShot(50, sign_in)
    try:
        assert run_gui(enrolled.path, quit_when_loaded=True, demo=False) == 0
        window = seen["window"]
        assert isinstance(window, MainWindow)
        assert seen["before"] == ""  # nothing of the board showed before the sign-in
        assert window.status.viewer_label.text() == "Signed in as Sam Patel (Member)"
    finally:
        _delete_windows()


def test_idle_lock_drops_an_encrypted_files_key_until_the_passphrase(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from db.crypto import KdfParams, new_data_key
    from db.encryption import create_encrypted
    from tests.desktop.board_fixture import populate

    key = new_data_key()
    database = create_encrypted(tmp_path / "secret.db", key)
    try:
        populate(database)
        ring = Keyring.load(database.path, create=True, hasher=CHEAP, kdf_params=KdfParams(1, 8, 1))
        ring.encrypted = True
        chair = _person(database, "Alex Morgan")
        ring.enrol(chair, "Alex Morgan", GOOD, data_key=key)
        window = _window(qtbot)
        window.show_data(load_window_data(database, today=TODAY, person_id=chair))
        lock = IdleLock(window, database, Keyring.load(database.path), chair, timeout_ms=100)
        with qtbot.waitSignal(lock.locked, timeout=3000):
            pass
        assert database.key is None  # dropped: nothing in the app holds it
        with pytest.raises(Exception), database.session() as s:  # noqa: B017 - cannot read
            s.scalars(select(Person.name)).all()
        assert lock.screen is not None
        with qtbot.waitSignal(lock.unlocked, timeout=5000):
            lock.screen.passphrase.setText(GOOD)
            lock.screen.attempt()
        assert database.key == key
        with database.session() as s:
            assert "Alex Morgan" in s.scalars(select(Person.name)).all()
        lock.stop()
    finally:
        database.close()


def test_a_successful_sync_restarts_the_offline_clock(qtbot: QtBot, enrolled: Database) -> None:
    from PySide6.QtCore import Signal
    from sqlalchemy import update

    from db.sync.tables import sync_state

    class FakeController(QObject):
        synced = Signal(object)

    gate, _entries = _gate(qtbot, enrolled)
    assert isinstance(gate.screen, SignInScreen)
    _type(qtbot, gate.screen, "Alex Morgan", GOOD)
    gate.opened(enrolled)
    controller = FakeController()
    gate.sync_attached(controller)  # type: ignore[arg-type]
    assert Keyring.load(enrolled.path).last_central_contact is None
    synced_at = dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC)
    with enrolled.engine.begin() as conn:
        conn.execute(update(sync_state).where(sync_state.c.id == 1).values(last_sync_at=synced_at))
    controller.synced.emit(object())
    assert Keyring.load(enrolled.path).last_central_contact == synced_at
    assert gate.idle_lock is not None
    assert gate.idle_lock.controller is controller  # type: ignore[comparison-overlap]
    gate.idle_lock.stop()


def test_a_damaged_keyring_is_refused_in_one_sentence(
    qtbot: QtBot, board_database: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.app import run_gui

    board_database.close()
    Keyring.path_for(board_database.path).write_text("{half a keyr", encoding="utf-8")
    try:
        assert run_gui(board_database.path, demo=False) == 1
    finally:
        _delete_windows()
    assert capsys.readouterr().err.strip().splitlines() == [
        "boardpack: the keyring board.db.keyring is damaged (not readable JSON)"
    ]


def test_the_gate_looks_for_the_keyring_where_db_auth_keeps_it(tmp_path: Path) -> None:
    from desktop.signin import keyring_path

    assert keyring_path(tmp_path / "board.db") == Keyring.path_for(tmp_path / "board.db")


def _delete_windows() -> None:
    """run_gui closes its window but leaves it alive: delete it, so later tests that look
    for the app's window do not find this one."""
    for top in QApplication.topLevelWidgets():
        if isinstance(top, MainWindow):
            top.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_after_a_first_passphrase_the_window_takes_that_persons_seat(
    qtbot: QtBot, board_database: Database
) -> None:
    window = _window(qtbot)
    window.show_data(load_window_data(board_database, today=TODAY))
    assert window.status.viewer_label.text() == "Viewing as Alex Morgan (Chair)"
    gate = Gate(window, board_database.path, demo=False, interactive=True)
    ring = Keyring.load(board_database.path, create=True, hasher=CHEAP)
    sam = _person(board_database, "Sam Patel")
    ring.enrol(sam, "Sam Patel", GOOD, data_key=None)
    gate.take_seat(board_database, Entry(person_id=sam, keyring=ring))
    assert window.status.viewer_label.text() == "Signed in as Sam Patel (Member)"
    assert gate.idle_lock is not None
    gate.idle_lock.stop()


def test_a_lock_pauses_the_sync_status_and_background_syncs(
    qtbot: QtBot, board_database: Database
) -> None:
    from desktop.background import Worker
    from desktop.sync_control import SyncController

    window = _window(qtbot)
    controller = SyncController(board_database, Worker(window), parent=window)
    controller.start()
    controller.start_background()
    polls = controller._poll  # the status poll timer
    assert polls.isActive() and controller.background_active
    assert controller.pause() is True
    assert not polls.isActive() and not controller.background_active
    controller.resume(background=True)
    assert polls.isActive() and controller.background_active
    assert controller.pause() is True
    controller.resume(background=False)
    assert polls.isActive() and not controller.background_active
    controller.shutdown()
