"""The Audit log page, the backup and wipe dialogs, and the damaged-file offer, driven as a user."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.backup import create_backup, list_backups
from db.dump import dump_text
from db.errors import CorruptDatabaseError, PermissionDeniedError
from db.models import Action, Board, Membership, Person, Role
from db.services.audit import list_events
from db.store import Database, check_integrity, open_database
from desktop.app import build_main_window
from desktop.backup_dialog import BackupDialog, WipeDialog, offer_restore, open_for_app
from desktop.pages.audit import AuditPage
from desktop.paths import app_paths
from tests.desktop.board_fixture import TODAY


def answer_box(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Click `button` on the next message box as soon as it is shown."""

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, click)


@pytest.fixture
def chair_edit(board_database: Database) -> tuple[str, str]:
    """The chair changes one action's title: (chair id, action id)."""
    with board_database.session() as s:
        chair = s.scalars(select(Person).where(Person.name == "Alex Morgan")).one()
        action = s.scalars(select(Action).order_by(Action.reference)).first()
        assert action is not None
        chair_id, action_id = chair.id, action.id
    with board_database.begin(chair_id) as s:
        got = s.get(Action, action_id)
        assert got is not None
        got.title = "Terms of reference agreed"
    return chair_id, action_id


@pytest.fixture
def page(qtbot: QtBot, board_database: Database, chair_edit: tuple[str, str]) -> AuditPage:
    window = build_main_window(board_database, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("audit")
    audit = window.page("audit")
    assert isinstance(audit, AuditPage)
    return audit


def texts(page: AuditPage, column: int) -> list[str]:
    model = page.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_the_model_passes_the_model_tester(qtmodeltester, page: AuditPage) -> None:  # type: ignore[no-untyped-def]
    assert page.model.rowCount() > 10
    qtmodeltester.check(page.model)


def test_filter_by_record_then_see_before_and_after(
    qtbot: QtBot, page: AuditPage, chair_edit: tuple[str, str]
) -> None:
    _, action_id = chair_edit
    qtbot.keyClicks(page.record_edit, action_id[:13])
    qtbot.keyClick(page.record_edit, Qt.Key.Key_Return)
    assert page.model.rowCount() == 2  # created, then retitled
    assert set(texts(page, 2)) == {"Created", "Changed"}
    assert page.status_label.text() == "2 events"
    row = texts(page, 2).index("Changed")
    rect = page.table.visualRect(page.model.index(row, 0))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    shown = page.details.toPlainText()
    assert "by Alex Morgan" in shown and "Before:" in shown and "Terms of reference agreed" in shown


def test_filter_by_person_and_by_date(qtbot: QtBot, page: AuditPage) -> None:
    everyone = page.model.rowCount()
    page.person_combo.setFocus()
    qtbot.keyClicks(page.person_combo, "Alex")
    assert page.person_combo.currentText() == "Alex Morgan"
    assert set(texts(page, 1)) == {"Alex Morgan"} and 0 < page.model.rowCount() < everyone
    qtbot.keyClick(page.person_combo, Qt.Key.Key_Home)
    assert page.person_combo.currentText() == "Anyone"
    assert page.model.rowCount() == everyone
    last = max(r.at for r in page.model.rows()).date()
    page.since_edit.setDate(QDate(last.year, last.month, last.day).addDays(1))
    assert page.model.rowCount() == 0
    page.since_edit.setDate(QDate(last.year, last.month, last.day))
    assert page.model.rowCount() > 0


def test_check_the_log_then_after_tampering(
    qtbot: QtBot, page: AuditPage, board_database: Database
) -> None:
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert page.status_label.text().startswith("The audit log is intact")
    board_database.engine.dispose()
    conn = sqlite3.connect(board_database.path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_events_no_delete")
    victim = conn.execute("SELECT id FROM audit_events WHERE chain_seq = 3").fetchone()[0]
    conn.execute("DELETE FROM audit_events WHERE id = ?", (victim,))
    conn.close()
    qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    text = page.status_label.text()
    assert text.startswith("The audit log has been altered") and "#3" in text


def test_an_observer_is_refused_the_log(board_database: Database) -> None:
    with board_database.begin() as s:
        board = s.scalars(select(Board).where(Board.code == "OPAB")).one()
        watcher = Person(name="Pat Observer")
        s.add(watcher)
        s.flush()
        s.add(Membership(board_id=board.id, person_id=watcher.id, role=Role.OBSERVER))
        ids = (watcher.id, board.id)
    with board_database.session() as s, pytest.raises(PermissionDeniedError):
        list_events(s, ids[0], ids[1])


def test_backup_now_then_restore_with_confirmation(
    qtbot: QtBot, board_database: Database, tmp_path: Path
) -> None:
    db = open_database(board_database.path, backup_dir=tmp_path / "backups")
    announced: list[str] = []
    dialog = BackupDialog(db, announced.append)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.model.rowCount() == 0 and not dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 1 and "Backed up" in dialog.message.text()
    expected = dump_text(db.engine)
    with db.begin() as s:
        s.add(Person(name="Added after the backup"))
    rect = dialog.table.visualRect(dialog.model.index(0, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.restore_button.isEnabled()
    seen: list[str] = []
    answer_box(QMessageBox.StandardButton.Cancel, seen)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "Added after the backup" in dump_text(db.engine)  # cancelled: nothing changed
    answer_box(QMessageBox.StandardButton.Yes, seen)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "kept as a backup first" in seen[-1]
    assert dump_text(db.engine) == expected  # the same engine reads the restored file
    assert "plan" in announced and "Restored" in dialog.message.text()
    assert dialog.model.rowCount() == 2  # the backup and the copy of the replaced file
    db.close()


def test_wipe_needs_the_word_then_removes_the_database(
    qtbot: QtBot, board_database: Database
) -> None:
    create_backup(board_database.path, app_paths().backup_dir, "manual")
    dialog = WipeDialog(board_database)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.wipe_button.isEnabled()
    qtbot.keyClicks(dialog.confirm_edit, "wipe")
    assert not dialog.wipe_button.isEnabled()
    dialog.confirm_edit.clear()
    qtbot.keyClicks(dialog.confirm_edit, "WIPE")
    qtbot.mouseClick(dialog.wipe_button, Qt.MouseButton.LeftButton)
    assert dialog.removed is not None and dialog.removed >= 2
    assert not board_database.path.exists()
    assert list_backups(board_database.path, app_paths().backup_dir) == []


def test_a_damaged_file_is_offered_its_latest_good_backup(
    qtbot: QtBot, board_database: Database
) -> None:
    create_backup(board_database.path, app_paths().backup_dir, "manual")
    expected = dump_text(board_database.engine)
    board_database.close()
    with board_database.path.open("r+b") as fh:
        fh.seek(4096 * 3)
        fh.write(b"\xff" * 4096 * 4)
    folder = app_paths().backup_dir
    # The app opens without the whole-file check (deferred to a worker after the first
    # paint); that check finds the damage and the app offers the latest good backup.
    with pytest.raises(CorruptDatabaseError) as found:
        check_integrity(board_database.path, folder)
    seen: list[str] = []
    answer_box(QMessageBox.StandardButton.Yes, seen)
    assert offer_restore(None, board_database.path, found.value, folder)
    opened = open_for_app(board_database.path, parent=None, ask=True)
    try:
        assert "is damaged" in seen[0] and "The damaged file is kept as a copy" in seen[0]
        assert dump_text(opened.engine) == expected
        reasons = [b.reason for b in list_backups(board_database.path, app_paths().backup_dir)]
        assert sorted(reasons) == ["damaged", "manual"]
    finally:
        opened.close()
