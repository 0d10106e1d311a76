"""A whole meeting run from the keyboard alone, as the chair would, on the demo's next meeting.

Every key goes to whatever has the keyboard focus (`press`/`type_text`), so
the test fails if a step cannot be reached without the mouse: open the
meeting from the list, attendance (P/A/R on the list), a declaration (Ctrl+I),
meeting mode (F5), notes on every item, a decision with votes, its amendment,
an action arising, a RAG change, a refused Blue (shown as a dialog), and the
close. Then the database is read back to check each was committed.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.demo import DEMO_AS_OF
from db.models import (
    ActionArising,
    AgendaItem,
    Attendance,
    AttendanceMode,
    AttendanceStatus,
    Decision,
    Declaration,
    Meeting,
    MeetingStatus,
    ProgressUpdate,
)
from db.store import Database
from desktop.app import build_main_window
from desktop.main_window import MainWindow
from desktop.pages.meetings import MeetingsPage

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> MainWindow:
    window = build_main_window(database, today=DEMO_AS_OF, demo=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    return window


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot: QtBot, key: Key, modifiers: Qt.KeyboardModifier = NONE) -> None:
    """Press a key where the keyboard focus is."""
    qtbot.keyClick(focus(), key, modifiers)


def type_text(qtbot: QtBot, text: str) -> None:
    qtbot.keyClicks(focus(), text)


def wait_modal(qtbot: QtBot, kind: type[QWidget] = QWidget) -> QWidget:
    """Wait for a dialog to come up and take the keyboard."""
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    modal = QApplication.activeModalWidget()
    assert modal is not None
    qtbot.waitUntil(lambda: modal.isAncestorOf(focus()) or focus() is modal)
    return modal


def wait_closed(qtbot: QtBot, modal: QWidget) -> None:
    """Wait for a dialog to close and the keyboard to come back to the window."""
    qtbot.waitUntil(lambda: not modal.isVisible())
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)


def test_a_whole_meeting_from_the_keyboard(
    qtbot: QtBot, window: MainWindow, database: Database
) -> None:
    page = window.page("meetings")
    assert isinstance(page, MeetingsPage)

    # The list: Ctrl+5 opens the page on the upcoming meeting; Enter opens it.
    press(qtbot, Key.Key_5, CTRL)
    assert window.current_page() == "meetings"
    assert page.visible_meetings()[0] == ["OPAB:2020-01-14"]
    qtbot.waitUntil(lambda: focus() is page.upcoming)
    press(qtbot, Key.Key_Return)
    assert page.meeting is not None and page.meeting.ref == "OPAB:2020-01-14"
    assert page.tabs.currentWidget() is page.agenda
    meeting_id = page.meeting.meeting_id
    items = page.meeting.items

    # Attendance: P present on each, apologies for the second, the third remote.
    press(qtbot, Key.Key_T, ALT)
    assert page.tabs.currentWidget() is page.attendance
    assert focus() is page.attendance.table
    people = page.attendance.model.rowCount()
    assert people >= 5
    for row in range(people):
        assert page.attendance.table.currentIndex().row() == row
        press(qtbot, Key.Key_A if row == 1 else Key.Key_P)
        if row == 2:
            press(qtbot, Key.Key_R)
        press(qtbot, Key.Key_Down)
    absent_name = page.attendance.model.row(1).name
    remote_name = page.attendance.model.row(2).name
    assert "Quorate" in page.attendance.quorum.text()

    # A declaration for item 5, by the person chosen on the list.
    press(qtbot, Key.Key_Home, CTRL)
    declarer = page.attendance.chosen()
    assert declarer is not None
    press(qtbot, Key.Key_I, CTRL)
    dialog = wait_modal(qtbot)
    press(qtbot, Key.Key_Tab)  # to the item
    for _ in range(5):
        press(qtbot, Key.Key_Down)
    press(qtbot, Key.Key_Tab)
    type_text(qtbot, "Governor of a school in the PEP pilot")
    press(qtbot, Key.Key_Tab)
    type_text(qtbot, "Took no part in the discussion")
    press(qtbot, Key.Key_Return, CTRL)
    wait_closed(qtbot, dialog)
    assert [d.person_id for d in page.meeting.declarations] == [declarer.person_id]

    # Meeting mode: F5 opens the meeting at item 1.
    press(qtbot, Key.Key_M, ALT)
    cockpit = page.cockpit
    assert page.tabs.currentWidget() is cockpit
    press(qtbot, Key.Key_F5)
    assert cockpit.is_open
    assert cockpit.item.item_id == items[0].item_id
    assert "Quorate" in cockpit.quorum.text()

    notes: dict[str, str] = {}
    recorded: list[str] = []
    for index, item in enumerate(items):
        assert cockpit.item.item_id == item.item_id
        assert cockpit.title.text().startswith(f"{item.number}. ")
        press(qtbot, Key.Key_N, ALT)
        assert focus() is cockpit.discussion
        text = f"Notes on item {item.number}."
        type_text(qtbot, text)
        notes[item.item_id] = text
        if index == 2:  # the previous minutes: approved, with a vote, then amended
            press(qtbot, Key.Key_D, CTRL)
            dialog = wait_modal(qtbot)
            press(qtbot, Key.Key_Down)  # Agreed -> Approved
            press(qtbot, Key.Key_Tab)
            type_text(qtbot, "The minutes were approved as a correct record.")
            press(qtbot, Key.Key_Tab)
            press(qtbot, Key.Key_Space)  # record votes
            press(qtbot, Key.Key_Tab)
            type_text(qtbot, "6")
            press(qtbot, Key.Key_Return, CTRL)
            wait_closed(qtbot, dialog)
            recorded.append("approved")
            press(qtbot, Key.Key_D, CTRL | SHIFT)
            dialog = wait_modal(qtbot)
            press(qtbot, Key.Key_Tab)  # to the wording, which holds the first version
            press(qtbot, Key.Key_End, CTRL)
            type_text(qtbot, " Signed by the Chair.")
            press(qtbot, Key.Key_Return, CTRL)
            wait_closed(qtbot, dialog)
            shown = cockpit.decisions_model.rows()
            assert [(d.number, d.version) for d in shown] == [("OPAB 20/01", 2)]
            assert shown[0].wording.endswith("Signed by the Chair.")
            assert (shown[0].votes_for, shown[0].kind) == (6, "approved")
        if index == 3:  # the action log: an action arising with an owner and a due date
            press(qtbot, Key.Key_T, CTRL)
            dialog = wait_modal(qtbot)
            type_text(qtbot, "Circulate the revised action log")
            press(qtbot, Key.Key_Tab)
            press(qtbot, Key.Key_Down)  # the first person
            press(qtbot, Key.Key_Tab)
            press(qtbot, Key.Key_Space)  # a due date: the default one
            press(qtbot, Key.Key_Return, CTRL)
            wait_closed(qtbot, dialog)
        if index == 4:  # the item the declaration was made for says so
            assert declarer.name in cockpit.interests.text()
            assert "Took no part" in cockpit.interests.text()
        if item.actions and "Improvement plan" in item.title:
            # A RAG change agreed: the first linked action moves to Amber.
            press(qtbot, Key.Key_G, CTRL)
            dialog = wait_modal(qtbot)
            press(qtbot, Key.Key_Tab)  # to the RAG (Blue, Green, Amber, Red)
            press(qtbot, Key.Key_Down)
            press(qtbot, Key.Key_Down)
            press(qtbot, Key.Key_Tab)
            type_text(qtbot, "Recovery plan agreed; back on track by March.")
            press(qtbot, Key.Key_Return, CTRL)
            wait_closed(qtbot, dialog)
            recorded.append("rag")
            # Blue without accepted evidence: the database refuses, in a dialog.
            press(qtbot, Key.Key_G, CTRL)
            dialog = wait_modal(qtbot)
            press(qtbot, Key.Key_Tab, NONE)
            press(qtbot, Key.Key_Tab)  # RAG stays Blue
            type_text(qtbot, "Complete.")
            press(qtbot, Key.Key_Return, CTRL)
            refusal = wait_modal(qtbot, QMessageBox)
            assert "evidence" in refusal.text()
            press(qtbot, Key.Key_Return)
            wait_closed(qtbot, refusal)
            qtbot.waitUntil(lambda d=dialog: d.isAncestorOf(focus()))
            press(qtbot, Key.Key_Escape)
            wait_closed(qtbot, dialog)
        if item.kind == "business" and "Improvement plan" not in item.title:
            press(qtbot, Key.Key_D, CTRL)
            dialog = wait_modal(qtbot)
            press(qtbot, Key.Key_Down)
            press(qtbot, Key.Key_Down)  # Noted
            press(qtbot, Key.Key_Tab)
            type_text(qtbot, f"The Board noted item {item.number}.")
            press(qtbot, Key.Key_Return, CTRL)
            wait_closed(qtbot, dialog)
            recorded.append("noted")
        if index < len(items) - 1:
            press(qtbot, Key.Key_Right, ALT)
    assert cockpit.item.item_id == items[-1].item_id

    # Close: Ctrl+Shift+X, Enter confirms.
    press(qtbot, Key.Key_X, CTRL | SHIFT)
    box = wait_modal(qtbot, QMessageBox)
    press(qtbot, Key.Key_Return)
    wait_closed(qtbot, box)
    assert page.meeting.status == "closed"
    assert "closed" in cockpit.banner.text()

    # What the database holds now.
    with database.session() as s:
        meeting = s.get_one(Meeting, meeting_id)
        assert meeting.status is MeetingStatus.CLOSED
        saved = {
            i.id: i.discussion
            for i in s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
        }
        assert saved == notes
        attendance = {
            a.person_id: a for a in s.scalars(select(Attendance).filter_by(meeting_id=meeting_id))
        }
        assert len(attendance) == people
        statuses = sorted(a.status.value for a in attendance.values())
        assert statuses.count("apologies") == 1
        assert [a.mode for a in attendance.values()].count(AttendanceMode.REMOTE) == 1
        names = {r.person_id: r.name for r in page.attendance.model.rows()}
        apologies = [p for p, a in attendance.items() if a.status is AttendanceStatus.APOLOGIES]
        assert [names[p] for p in apologies] == [absent_name]
        remote = [p for p, a in attendance.items() if a.mode is AttendanceMode.REMOTE]
        assert [names[p] for p in remote] == [remote_name]
        declaration = s.scalars(select(Declaration).filter_by(meeting_id=meeting_id)).one()
        assert declaration.agenda_item_id == items[4].item_id
        assert declaration.action_taken == "Took no part in the discussion"
        decisions = s.scalars(
            select(Decision)
            .filter_by(meeting_id=meeting_id)
            .order_by(Decision.seq, Decision.version)
        ).all()
        assert [(d.number, d.version) for d in decisions][:2] == [
            ("OPAB 20/01", 1),
            ("OPAB 20/01", 2),
        ]
        assert len({d.number for d in decisions}) == len(recorded)
        rag_decision = next(d for d in decisions if "RAG" in d.wording or "Amber" in d.wording)
        update = s.scalars(select(ProgressUpdate).filter_by(decision_id=rag_decision.id)).one()
        assert update.rag.value == "amber"
        arising = s.scalars(select(ActionArising).filter_by(meeting_id=meeting_id)).one()
        assert arising.text == "Circulate the revised action log"
        assert arising.owner_id is not None and arising.due_date is not None
