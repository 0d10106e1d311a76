"""The Meetings page on the demo board: the lists, a new meeting, the agenda editor, attendance.

The secretariat builds agendas, so most tests act as the board's secretariat
(`act_as`); the window itself acts as the chair, who sees the agenda
read-only. Every write is read back from the database, not only from the
screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import AgendaItem, Attendance, Meeting, Role
from db.rules import exclusion_resolution
from db.store import Database
from desktop.main_window import MainWindow
from desktop.pages.meetings import MeetingsPage
from desktop.pages.meetings_dialogs import ItemDialog, NewMeetingDialog
from desktop.pages.meetings_models import AGENDA_MIME
from tests.desktop.conftest import act_as

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


@pytest.fixture
def page(window: MainWindow) -> MeetingsPage:
    window.show_page("meetings")
    page = window.page("meetings")
    assert isinstance(page, MeetingsPage)
    return page


def positions(database: Database, meeting_id: str) -> list[str]:
    with database.session() as s:
        return list(
            s.scalars(
                select(AgendaItem.title)
                .where(AgendaItem.meeting_id == meeting_id)
                .order_by(AgendaItem.position)
            )
        )


def test_lists_upcoming_and_past_meetings_of_the_board(page: MeetingsPage) -> None:
    upcoming, past = page.visible_meetings()
    assert upcoming == ["OPAB:2020-01-14"]
    assert past[0] == "OPAB:2019-11-05" and past[-1] == "OPAB:2018-09-19"
    assert len(past) == 8
    page.scope.setCurrentIndex(1)  # every board
    page.scope.activated.emit(1)
    upcoming, past = page.visible_meetings()
    assert upcoming == ["OPAB:2020-01-14", "CPB:2020-01-28"]
    assert len(past) == 12
    assert not page.new_button.isEnabled()  # the chair does not build agendas
    assert "secretariat" in page.new_button.toolTip()


def test_models_pass_the_model_tester(qtmodeltester, page: MeetingsPage) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.upcoming_model)
    qtmodeltester.check(page.past_model)
    page.apply_filter({"view": "attendance"})
    qtmodeltester.check(page.agenda.model)
    qtmodeltester.check(page.attendance.model)
    qtmodeltester.check(page.attendance.declarations_model)
    page.apply_filter({"meeting_id": page.past_model.row(0).meeting_id})
    qtmodeltester.check(page.cockpit.decisions_model)


def test_the_chair_sees_the_agenda_read_only(qtbot: QtBot, page: MeetingsPage) -> None:
    page.apply_filter({"view": "agenda"})
    assert page.tabs.currentWidget() is page.agenda
    assert not page.agenda.editable
    assert not page.agenda.add_button.isEnabled()
    assert page.agenda.rights.text() == "Only the secretariat edits the agenda."
    assert page.agenda.model.rowCount() == 13
    assert page.agenda.model.index(0, 0).data() == "1"
    qtbot.keyClick(page.agenda.table, Key.Key_Insert)
    assert page.dialog is None


def test_secretariat_creates_a_meeting_from_the_standing_items(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    page.reload()
    assert page.new_button.isEnabled()
    page.upcoming.setFocus()
    qtbot.keyClick(page.upcoming, Key.Key_N, CTRL)
    dialog = page.dialog
    assert isinstance(dialog, NewMeetingDialog)
    dialog.venue.setText("Committee Room C")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.venue, Key.Key_Return, CTRL)
    assert not dialog.isVisible()
    view = page.meeting
    assert view is not None and view.venue == "Committee Room C"
    assert view.meeting_date.year == 2020 and view.status == "planned"
    assert [i.kind for i in view.items] == [
        "apologies",
        "declarations",
        "previous_minutes",
        "action_log",
        "business",
        "aob",
        "next_meeting",
    ]
    assert page.tabs.currentWidget() is page.agenda
    with database.session() as s:
        assert s.get(Meeting, view.meeting_id) is not None


def test_secretariat_edits_the_agenda_from_the_keyboard(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    page.apply_filter({"view": "agenda"})
    editor = page.agenda
    assert editor.editable
    page.window().activateWindow()
    editor.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.table)
    meeting_id = page.meeting.meeting_id
    before = positions(database, meeting_id)

    # Insert after item 5: an exempt item, paragraph 1, linked to action 3.9 and risk R5.
    editor.select(page.meeting.items[4].item_id)
    qtbot.keyClick(editor.table, Key.Key_Insert)
    dialog = page.dialog
    assert isinstance(dialog, ItemDialog)
    qtbot.keyClicks(dialog.title_edit, "Placement of a named child")
    dialog.time_box.setValue(10)
    dialog.exempt.setCurrentIndex(dialog.exempt.findData(1))
    assert dialog.resolution.isVisible()
    assert exclusion_resolution(1) in dialog.resolution.text()
    for links, ref in ((dialog.action_links, "3.9 "), (dialog.risk_links, "R5 ")):
        entry = next(
            links.list.item(r)
            for r in range(links.list.count())
            if links.list.item(r).text().startswith(ref)
        )
        entry.setCheckState(Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.title_edit, Key.Key_Return, CTRL)
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.table)
    after = positions(database, meeting_id)
    assert after[:5] == before[:5]
    assert after[5] == "Placement of a named child"
    new = page.meeting.items[5]
    assert (new.number, new.exempt_paragraph) == ("6", 1)
    assert new.exclusion_resolution == exclusion_resolution(1)
    assert [link.label.split()[0] for link in new.actions] == ["3.9"]
    assert [link.label.split()[0] for link in new.risks] == ["R5"]
    assert editor.chosen().item_id == new.item_id
    assert "Exclusion resolution" in editor.detail.toPlainText()

    # Alt+Up twice moves it to position 4; the numbers follow.
    qtbot.keyClick(editor.table, Key.Key_Up, ALT)
    qtbot.keyClick(editor.table, Key.Key_Up, ALT)
    assert positions(database, meeting_id)[3] == "Placement of a named child"
    assert editor.chosen().number == "4"
    assert editor.model.index(3, 0).data() == "4"
    qtbot.keyClick(editor.table, Key.Key_Down, ALT)
    assert positions(database, meeting_id)[4] == "Placement of a named child"

    # Delete, confirmed with Yes.
    qtbot.keyClick(editor.table, Key.Key_Delete)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert positions(database, meeting_id) == before


def test_an_agenda_row_dragged_elsewhere_moves_there(
    page: MeetingsPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    page.apply_filter({"view": "agenda"})
    model = page.agenda.model
    meeting_id = page.meeting.meeting_id
    titles = positions(database, meeting_id)
    # Drag item 7 and drop it above item 5.
    data = model.mimeData([model.index(6, 1)])
    assert isinstance(data, QMimeData) and data.hasFormat(AGENDA_MIME)
    assert model.canDropMimeData(data, Qt.DropAction.MoveAction, 4, 0, QModelIndex())
    model.dropMimeData(data, Qt.DropAction.MoveAction, 4, 0, QModelIndex())
    moved = positions(database, meeting_id)
    assert moved[4] == titles[6]
    assert moved[5:7] == titles[4:6]
    assert [r.number for r in model.rows()] == [str(n) for n in range(1, len(titles) + 1)]


def choose(page: MeetingsPage, person_id: str) -> None:
    model = page.attendance.model
    row = model.find(lambda r: r.person_id == person_id)
    assert row >= 0
    page.attendance.table.setCurrentIndex(model.index(row, 0))


def test_attendance_keys_and_the_quorum(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    page.apply_filter({"view": "attendance"})
    panel = page.attendance
    table = panel.table
    assert "Inquorate" in panel.quorum.text()
    assert "a third" in panel.rule.text()
    voting = [r for r in panel.model.rows() if r.voting]
    assert len(voting) >= 3
    for row in voting[:3]:
        choose(page, row.person_id)
        qtbot.keyClick(table, Key.Key_P)
    assert "Quorate" in panel.quorum.text(), panel.quorum.text()
    qtbot.keyClick(table, Key.Key_R)
    qtbot.keyClick(table, Key.Key_X)
    assert "Inquorate" in panel.quorum.text()
    with database.session() as s:
        rows = s.scalars(
            select(Attendance).where(Attendance.meeting_id == page.meeting.meeting_id)
        ).all()
        by_person = {a.person_id: a for a in rows}
    last = by_person[voting[2].person_id]
    assert (last.status.value, last.mode.value) == ("absent", "remote")
    chosen = panel.chosen()
    assert chosen is not None and chosen.status == "absent"


def test_a_late_arrival_makes_an_item_inquorate_and_it_is_flagged(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    page.apply_filter({"view": "attendance"})
    panel = page.attendance
    voting = [r for r in panel.model.rows() if r.voting]
    required = page.meeting.quorum.required
    # Exactly the quorum present, the last of them arriving at item 3.
    for row in voting[:required]:
        choose(page, row.person_id)
        qtbot.keyClick(panel.table, Key.Key_P)
    late = voting[required - 1]
    choose(page, late.person_id)
    qtbot.keyClick(panel.table, Key.Key_A, CTRL | Qt.KeyboardModifier.ShiftModifier)
    dialog = page.dialog
    assert dialog is not None
    dialog.item.setCurrentIndex(2)  # item 3
    dialog.try_accept()
    assert not dialog.isVisible(), dialog.error.text()
    row = panel.model.find(lambda r: r.person_id == late.person_id)
    assert "arrived at item 3" in panel.model.row(row).movement
    # The meeting opens: item 1 is taken inquorate and says so; item 3 is quorate.
    page.apply_filter({"view": "meeting-mode"})
    cockpit = page.cockpit
    cockpit.open_meeting()
    assert cockpit.flag.isVisible()
    assert "INQUORATE" in cockpit.flag.text()
    assert "Inquorate" in cockpit.quorum.text()
    cockpit.next_item()
    cockpit.next_item()
    assert cockpit.item.number == "3"
    assert not cockpit.flag.isVisible()
    assert "Quorate" in cockpit.quorum.text()
    with database.session() as s:
        flags = dict(
            s.execute(
                select(AgendaItem.position, AgendaItem.taken_inquorate).where(
                    AgendaItem.meeting_id == page.meeting.meeting_id
                )
            ).all()
        )
    assert (flags[1], flags[2], flags[3]) == (True, True, False)
    QApplication.processEvents()


def test_a_pdf_is_added_to_an_items_papers(
    qtbot: QtBot, page: MeetingsPage, database: Database, tmp_path: Path
) -> None:
    from reportlab.pdfgen import canvas

    act_as(page, database, Role.SECRETARIAT)
    page.apply_filter({"view": "agenda"})
    editor = page.agenda
    item = page.meeting.items[4]
    editor.select(item.item_id)
    before = len(item.papers)
    pdf = tmp_path / "Recovery_plan_for_3.9.pdf"
    drawing = canvas.Canvas(str(pdf))
    drawing.drawString(72, 720, "Recovery plan for action 3.9")
    drawing.save()
    chooser = page.open_add_paper(item.item_id)
    assert chooser.isVisible()
    chooser.reject()
    assert page.add_paper_file(item.item_id, pdf) is None
    papers = page.meeting.items[4].papers
    assert len(papers) == before + 1
    assert "Recovery plan for 3.9" in [p.label for p in papers]
    # Not a PDF: refused in a dialog, nothing added.
    bad = tmp_path / "notes.pdf"
    bad.write_text("not a pdf")
    problem = page.add_paper_file(item.item_id, bad)
    assert problem is not None and "not a PDF" in problem
    assert isinstance(page.dialog, QMessageBox)
    assert len(page.meeting.items[4].papers) == before + 1
