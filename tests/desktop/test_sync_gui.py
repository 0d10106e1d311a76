"""Sync in the window: status bar, Sync now, background syncs, failures, the conflicts page.

Real databases throughout: a shared-drive SQLite central store and two laptop
files in `tmp_path` (`sync_fixture`), a real `MainWindow` on laptop A, and the
real sync engine on the window's background worker. Only the tests of
concurrency and cancelling slow the engine down, by wrapping it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

import db.sync.engine as engine
from db.models import Action, Person, Rag
from db.store import Database
from db.sync.conflicts import open_conflicts, overrides
from db.sync.engine import status, sync
from db.sync.settings import get_remote, set_remote
from desktop.app import build_main_window
from desktop.main_window import MainWindow
from desktop.sync_ui import SyncUi
from tests.desktop.board_fixture import TODAY
from tests.desktop.sync_fixture import (
    CHAIR_TEXT,
    MEMBER_TEXT,
    TwoLaptops,
    make_concurrent_edits,
    two_laptops,
)

WAIT_MS = 20_000


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[TwoLaptops]:
    pair = two_laptops(tmp_path)
    yield pair
    pair.close()


def _open(qtbot: QtBot, database: Database) -> MainWindow:
    window = build_main_window(database, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot: QtBot, laptops: TwoLaptops) -> Iterator[MainWindow]:
    window = _open(qtbot, laptops.a)
    yield window
    window.close()  # before the databases close: waits for the worker


def _ui(window: MainWindow) -> SyncUi:
    assert window.sync_ui is not None
    return window.sync_ui


def _click_sync_now(qtbot: QtBot, window: MainWindow) -> None:
    ui = _ui(window)
    qtbot.mouseClick(window.sync_status.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not ui.controller.running, timeout=WAIT_MS)


def _description(database: Database, action_id: str) -> str | None:
    with database.session() as s:
        action = s.get(Action, action_id)
        assert action is not None
        return action.description


# Status bar -----------------------------------------------------------------


def test_status_bar_shows_what_waits_and_the_last_sync(
    window: MainWindow, laptops: TwoLaptops
) -> None:
    part = window.sync_status
    assert part.isVisible()
    assert part.pending_label.text() == "Nothing to send"
    assert part.conflicts_button.text() == "0 conflicts"
    assert part.last_sync_label.text().startswith("Last sync: ")
    assert "never" not in part.last_sync_label.text()  # the fixture synced
    assert not part.failure_label.isVisible()
    assert part.sync_button.text() == "Sync now"
    for widget in (part.pending_label, part.conflicts_button, part.last_sync_label):
        assert widget.accessibleName()


def test_status_bar_follows_local_writes(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    part = window.sync_status
    make_concurrent_edits(laptops)  # one edit on A, written outside the window
    _ui(window).controller.refresh()  # what the poll timer does every few seconds
    pending = status(laptops.a).pending_changes  # the edit and its audit event
    assert pending >= 1
    assert part.pending_label.text() == f"To send: {pending} changes, 0 files"
    assert part.pending_label.accessibleName() == f"To send: {pending} changes and 0 files"


def test_a_new_database_says_never_synced(qtbot: QtBot, board_database: Database) -> None:
    window = _open(qtbot, board_database)
    try:
        assert window.sync_status.last_sync_label.text() == "Last sync: never"
        assert "No central store set" in window.sync_status.last_sync_label.toolTip()
    finally:
        window.close()


# Sync now and the conflicts page ---------------------------------------------------


def test_sync_now_brings_a_conflict_that_is_resolved_everywhere(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    part, ui = window.sync_status, _ui(window)
    make_concurrent_edits(laptops)
    ui.controller.refresh()
    assert part.pending_label.text().startswith("To send: ")

    _click_sync_now(qtbot, window)
    assert part.pending_label.text() == "Nothing to send"
    assert part.conflicts_button.text() == "1 conflict"
    assert part.conflicts_button.accessibleName().startswith("1 conflict to resolve")
    assert "Synced: " in part.last_sync_label.toolTip()
    assert "1 new conflict to resolve" in part.last_sync_label.accessibleDescription()
    sync(laptops.b, laptops.central_url)  # B meets the same conflict
    assert len(open_conflicts(laptops.b)) == 1

    qtbot.mouseClick(part.conflicts_button, Qt.MouseButton.LeftButton)
    assert window.current_page() == "conflicts"
    page = window.conflicts_page
    assert page.conflicts_model.rowCount() == 1
    assert page.conflicts_model.index(0, 0).data() == (
        "Action 1.2 — Redesign the multi-agency safeguarding hub (MASH)"
    )
    assert page.conflicts_model.index(0, 1).data() == "Description"
    assert page.conflicts_model.index(0, 2).data() == "Edited on two laptops"
    assert [card.body.toPlainText() for card in page.cards] == [CHAIR_TEXT, MEMBER_TEXT]
    assert "this laptop" in page.cards[0].author_label.text()
    assert page.cards[1].author_label.text().startswith("Sam Patel (another laptop), ")
    assert page.merged_edit.toPlainText() == MEMBER_TEXT  # the newest
    assert page.cards[0].keep_button is not None

    qtbot.mouseClick(page.cards[0].keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.conflicts_model.rowCount() == 0, timeout=WAIT_MS)
    assert page.empty_label.isVisible()
    assert part.conflicts_button.text() == "0 conflicts"
    assert _description(laptops.a, laptops.action_id) == CHAIR_TEXT
    assert open_conflicts(laptops.a) == []

    _click_sync_now(qtbot, window)
    sync(laptops.b, laptops.central_url)
    assert open_conflicts(laptops.b) == []
    assert _description(laptops.b, laptops.action_id) == CHAIR_TEXT


def test_a_merged_text_settles_the_conflict(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    make_concurrent_edits(laptops)
    _click_sync_now(qtbot, window)
    ui = _ui(window)
    ui.show_conflicts()
    page = window.conflicts_page
    merged = "MASH redesigned with police and health; thresholds to the partnership in March."
    page.merged_edit.setPlainText(merged)
    qtbot.mouseClick(page.save_merged_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.conflicts_model.rowCount() == 0, timeout=WAIT_MS)
    assert _description(laptops.a, laptops.action_id) == merged
    # the window's figures were re-read and the dashboard is still there to go back to
    window.show_page("dashboard")
    assert window.current_page() == "dashboard"


def test_a_merged_text_in_progress_survives_a_refresh(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    make_concurrent_edits(laptops)
    _click_sync_now(qtbot, window)
    ui = _ui(window)
    ui.show_conflicts()
    window.conflicts_page.merged_edit.setPlainText("half-written")
    ui.reload_page()  # e.g. after a background sync that brought nothing for it
    assert window.conflicts_page.merged_edit.toPlainText() == "half-written"


def test_keyboard_reaches_sync_now_and_the_conflicts(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    make_concurrent_edits(laptops)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    ui = _ui(window)
    qtbot.keyClick(
        window.navigation,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert ui.controller.running
    qtbot.waitUntil(lambda: not ui.controller.running, timeout=WAIT_MS)
    qtbot.keyClick(
        window.navigation,
        Qt.Key.Key_C,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert window.current_page() == "conflicts"
    assert QApplication.focusWidget() is window.conflicts_page.conflicts_table
    assert window.navigation.selectedItems() == []
    qtbot.keyClick(window.navigation, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "dashboard"


def test_update_against_delete_can_be_kept_deleted(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    a, b, url = laptops.a, laptops.b, laptops.central_url
    with a.begin(laptops.chair_id) as s:
        s.add(Person(name="Temporary Member", job_title="Interim"))
    sync(a, url)
    sync(b, url)
    with a.begin(laptops.chair_id) as s:
        s.delete(s.scalars(select(Person).where(Person.name == "Temporary Member")).one())
    with b.begin(laptops.member_id) as s:
        s.scalars(select(Person).where(Person.name == "Temporary Member")).one().job_title = "HoS"
    sync(b, url)
    _click_sync_now(qtbot, window)
    ui = _ui(window)
    ui.show_conflicts()
    page = window.conflicts_page
    assert page.conflicts_model.index(0, 2).data() == "Changed on one laptop, deleted on another"
    assert page.keep_deleted_button.isVisible() and page.restore_button.isVisible()
    assert not page.save_merged_button.isVisible()
    bodies = sorted(card.body.toPlainText() for card in page.cards)
    assert bodies == ["Changed:\nJob title: HoS", "Deleted the record."]
    qtbot.mouseClick(page.keep_deleted_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.conflicts_model.rowCount() == 0, timeout=WAIT_MS)
    assert open_conflicts(a) == []


def test_overridden_changes_are_listed_and_marked_seen(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    a, b, url = laptops.a, laptops.b, laptops.central_url
    for database, rag, actor in ((a, Rag.AMBER, laptops.chair_id), (b, Rag.RED, None)):
        with database.begin(actor) as s:
            action = s.get(Action, laptops.action_id)
            assert action is not None
            action.rag = rag
    sync(a, url)
    sync(b, url)  # later clock: B's Red wins (1.2 was Green)
    _click_sync_now(qtbot, window)
    part = window.sync_status
    assert part.overrides_button.isVisible()
    assert part.overrides_button.text() == "1 change of yours overridden"
    qtbot.mouseClick(part.overrides_button, Qt.MouseButton.LeftButton)
    page = window.conflicts_page
    assert page.tabs.currentIndex() == 1
    model = page.overrides_model
    assert [model.index(0, c).data() for c in range(5)] == [
        "Action 1.2 — Redesign the multi-agency safeguarding hub (MASH)",
        "RAG",
        "Amber",
        "Red",
        "another laptop",
    ]
    assert not page.mark_seen_button.isEnabled()
    page.overrides_table.selectRow(0)
    assert page.mark_seen_button.isEnabled()
    qtbot.mouseClick(page.mark_seen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=WAIT_MS)
    assert overrides(a) == []
    qtbot.waitUntil(lambda: not part.overrides_button.isVisible(), timeout=WAIT_MS)


def test_the_list_models_pass_the_model_tester(
    qtbot: QtBot, qtmodeltester: Any, window: MainWindow, laptops: TwoLaptops
) -> None:
    make_concurrent_edits(laptops)
    with laptops.a.begin(laptops.chair_id) as s:
        action = s.scalars(select(Action).where(Action.reference == "2.1")).one()
        action.rag = Rag.RED
    with laptops.b.begin() as s:
        action = s.scalars(select(Action).where(Action.reference == "2.1")).one()
        action.rag = Rag.GREEN
    sync(laptops.b, laptops.central_url)
    _click_sync_now(qtbot, window)
    _ui(window).show_conflicts()
    page = window.conflicts_page
    assert page.conflicts_model.rowCount() == 1
    assert page.overrides_model.rowCount() == 1
    qtmodeltester.check(page.conflicts_model)
    qtmodeltester.check(page.overrides_model)


# No central store yet ---------------------------------------------------------------


def test_sync_now_without_a_central_store_asks_for_one_and_checks_it(
    qtbot: QtBot, board_database: Database, tmp_path: Path
) -> None:
    from db.sync.central import init_central

    url = f"sqlite:///{tmp_path / 'central.db'}"
    init_central(url)
    window = _open(qtbot, board_database)
    try:
        ui = _ui(window)
        qtbot.mouseClick(window.sync_status.sync_button, Qt.MouseButton.LeftButton)
        dialog = ui.remote_dialog
        assert dialog is not None and dialog.isVisible()
        assert not ui.controller.running
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)

        dialog.address_edit.setText("central.db")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.error_label.isVisible()
        assert dialog.error_label.text().startswith("'central.db' is not a database address")
        dialog.address_edit.setText("sqlite:///central.db")
        assert not dialog.error_label.isVisible()  # typing clears the complaint
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert "full path" in dialog.error_label.text()
        dialog.address_edit.setText("mysql://server/boards")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert "SQLite file or a PostgreSQL database" in dialog.error_label.text()

        dialog.address_edit.setText(url)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: status(board_database).last_sync_at is not None, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: not ui.controller.running, timeout=WAIT_MS)
        assert get_remote(board_database) == url
        assert "never" not in window.sync_status.last_sync_label.text()
        assert ui.failure_box is None
    finally:
        window.close()


# Failures ---------------------------------------------------------------------------


def test_a_missing_central_store_is_said_in_the_status_bar_and_a_dialog(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops, tmp_path: Path
) -> None:
    missing = tmp_path / "unplugged" / "central.db"
    set_remote(laptops.a, f"sqlite:///{missing}")
    _click_sync_now(qtbot, window)
    ui = _ui(window)
    box = ui.failure_box
    assert box is not None and box.isVisible()
    assert box.windowTitle() == "Sync failed"
    assert box.text() == f"No central store at {missing} (run `boardpack central init URL`)"
    assert "safe on this laptop" in box.informativeText()
    for shown in (box.text(), box.informativeText(), box.detailedText()):
        assert "Traceback" not in shown and "File " not in shown
    part = window.sync_status
    assert part.failure_label.isVisible()
    assert part.failure_label.text() == "Central store not found"
    assert str(missing) in part.failure_label.toolTip()
    # the last successful sync is still shown
    assert "never" not in part.last_sync_label.text()
    box.accept()
    qtbot.waitUntil(lambda: ui.failure_box is None)


def test_an_older_app_says_update_required(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops
) -> None:
    from sqlalchemy import create_engine

    central = create_engine(laptops.central_url)
    with central.begin() as conn:
        conn.execute(
            text("UPDATE central_meta SET value = '9999_future' WHERE key = :k"),
            {"k": "min_client_schema"},
        )
    central.dispose()
    _click_sync_now(qtbot, window)
    assert window.sync_status.failure_label.text() == "Update required"
    box = _ui(window).failure_box
    assert box is not None and box.text().startswith("Update required: ")


def test_background_syncs_fail_quietly(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops, tmp_path: Path
) -> None:
    set_remote(laptops.a, f"sqlite:///{tmp_path / 'unplugged' / 'central.db'}")
    ui = _ui(window)
    ui.controller.start_background(30)
    qtbot.waitUntil(window.sync_status.failure_label.isVisible, timeout=WAIT_MS)
    ui.controller.stop_background()
    qtbot.waitUntil(lambda: not ui.controller.running, timeout=WAIT_MS)
    assert ui.failure_box is None


def test_background_syncs_run_on_their_own_and_never_two_at_once(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_sync = engine.sync
    running, most, runs = [0], [0], [0]
    lock = threading.Lock()

    def slow_sync(*args: Any, **kwargs: Any) -> Any:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            time.sleep(0.15)
            return real_sync(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1
                runs[0] += 1

    monkeypatch.setattr(engine, "sync", slow_sync)
    ui = _ui(window)
    make_concurrent_edits(laptops)
    ui.controller.start_background(20)
    for _ in range(5):  # a person pressing Sync now while background syncs come and go
        ui.sync_now()
        qtbot.wait(40)
    qtbot.waitUntil(lambda: runs[0] >= 3, timeout=WAIT_MS)
    ui.controller.stop_background()
    qtbot.waitUntil(lambda: not ui.controller.running, timeout=WAIT_MS)
    assert most[0] == 1
    assert status(laptops.a).open_conflicts == 1  # the background sync met the conflict
    assert ui.failure_box is None


def test_a_sync_can_be_cancelled_and_says_so_without_a_dialog(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless_sync(database: Database, remote: str, **kwargs: Any) -> Any:
        progress = kwargs["progress"]
        for n in range(500):
            progress("pull", n, 500)
            time.sleep(0.01)
        raise AssertionError("the sync was not cancelled")

    monkeypatch.setattr(engine, "sync", endless_sync)
    part, ui = window.sync_status, _ui(window)
    qtbot.mouseClick(part.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: part.progress_label.text().startswith("Receiving changes"))
    assert part.cancel_button.isVisible() and not part.sync_button.isVisible()
    qtbot.mouseClick(part.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not ui.controller.running, timeout=WAIT_MS)
    assert part.failure_label.text() == "Last attempt cancelled"
    assert part.sync_button.isVisible() and not part.cancel_button.isVisible()
    assert ui.failure_box is None


def test_closing_the_window_stops_a_running_sync(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    finished = threading.Event()

    def endless_sync(database: Database, remote: str, **kwargs: Any) -> Any:
        try:
            for n in range(1000):
                kwargs["progress"]("push", n, 0)
                time.sleep(0.01)
            raise AssertionError("the sync was not cancelled")
        finally:
            finished.set()

    monkeypatch.setattr(engine, "sync", endless_sync)
    qtbot.mouseClick(window.sync_status.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.sync_status.progress_label.text().startswith("Sending"))
    started = time.monotonic()
    window.close()
    assert finished.is_set()
    assert time.monotonic() - started < 5


def test_widgets_are_only_touched_on_the_gui_thread(
    qtbot: QtBot, window: MainWindow, laptops: TwoLaptops, monkeypatch: pytest.MonkeyPatch
) -> None:
    gui = QApplication.instance().thread()  # type: ignore[union-attr]
    threads: list[bool] = []
    part = window.sync_status
    for name in ("show_status", "show_running", "show_progress"):
        original = getattr(part, name)

        def spy(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            threads.append(QThread.currentThread() is gui)
            return _original(*args, **kwargs)

        monkeypatch.setattr(part, name, spy)
    real_sync = engine.sync
    sync_threads: list[bool] = []

    def watched_sync(*args: Any, **kwargs: Any) -> Any:
        sync_threads.append(QThread.currentThread() is gui)
        kwargs["progress"]("push", 1, 1)
        return real_sync(*args, **kwargs)

    monkeypatch.setattr(engine, "sync", watched_sync)
    make_concurrent_edits(laptops)
    ui = _ui(window)
    # The status part's slots are looked up at connection time; reconnect to the spies.
    ui.controller.progressed.disconnect()
    ui.controller.progressed.connect(part.show_progress)
    _click_sync_now(qtbot, window)
    assert sync_threads == [False]  # the sync ran off the GUI thread
    assert threads and all(threads)  # and every widget call came back to it
