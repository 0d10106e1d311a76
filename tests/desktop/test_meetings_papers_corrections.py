"""The Meetings page on the demo board with its PDFs: papers taken off agenda items, and
a closed meeting's decision corrected from the Decisions tab.

The demo (built once with `exports.papers.render_paper_pdf`) is copied for each
test. The window acts as the chair; `act_as` re-attaches the page as another
role. Every write is read back from the database, not only from the screen.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.demo import create_demo
from db.models import Annotation, Decision, Membership, Paper, Role
from db.services.papers import add_paper
from db.store import Database
from desktop.main_window import MainWindow
from desktop.pages.decision_correction import NOT_RUNNING, CorrectionDialog
from desktop.pages.meetings import MeetingsPage
from exports.papers import render_paper_pdf

Key = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
LAST = "OPAB:2019-11-05"  # closed; its minutes are circulated


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo-papers") / "demo.db"
    create_demo(path, render_paper=render_paper_pdf).close()
    return path


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


def act_as(page: MeetingsPage, database: Database, role: Role) -> str:
    assert page.env is not None
    with database.session() as s:
        person = s.scalars(
            select(Membership.person_id)
            .where(Membership.board_id == page.env.context.board_id, Membership.role == role)
            .order_by(Membership.person_id)
        ).first()
    assert person is not None
    page.attach(dataclasses.replace(page.env, actor_id=person))
    return person


def meeting_id(page: MeetingsPage, ref: str) -> str:
    return next(r.meeting_id for r in page.past_model.rows() if r.ref == ref)


# -- Papers ------------------------------------------------------------------------------


def test_secretariat_takes_papers_off_items_from_the_keyboard(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    page.apply_filter({"view": "agenda"})  # the next OPAB meeting
    editor = page.agenda
    assert editor.remove_paper_button.text() == "Remove paper (Delete)"
    assert "(Alt+P)" in editor.papers_label.text()

    # Item 8: nobody annotated its paper, so Delete takes it off at once.
    item8 = page.meeting.items[7]
    paper8 = item8.papers[0].id
    editor.select(item8.item_id)
    assert editor.papers_label.text() == "&Papers of item 8 (Alt+P)"
    assert editor.chosen_paper() == paper8 and editor.remove_paper_button.isEnabled()
    # Alt+P goes from the agenda to the item's papers, Escape back.
    page.window().activateWindow()
    editor.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.table)
    qtbot.keyClick(editor.table, Key.Key_P, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.papers)
    qtbot.keyClick(editor.papers, Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.table)
    editor.papers.setFocus()
    qtbot.keyClick(editor.papers, Key.Key_Delete)
    assert page.dialog is None  # nothing to ask
    with database.session() as s:
        assert s.get(Paper, paper8) is None
    assert page.meeting.items[7].papers == ()
    assert editor.papers.item(0).text() == "No papers: Ctrl+P adds one."
    assert editor.chosen_paper() is None and not editor.remove_paper_button.isEnabled()

    # Item 5: two members' annotations; Delete asks, and says they are kept.
    item5 = page.meeting.items[4]
    paper5 = item5.papers[0].id
    editor.select(item5.item_id)
    editor.papers.setFocus()
    qtbot.keyClick(editor.papers, Key.Key_Delete)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert "2 annotations" in box.text() and "kept with the paper" in box.text()
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
    box.button(QMessageBox.StandardButton.No).click()
    assert [p.id for p in page.meeting.items[4].papers] == [paper5]
    qtbot.keyClick(editor.papers, Key.Key_Delete)
    box = page.dialog
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert page.meeting.items[4].papers == ()
    with database.session() as s:
        kept = s.get(Paper, paper5)
        assert kept is not None and kept.agenda_item_id is None
        notes = select(func.count()).select_from(Annotation).where(Annotation.paper_id == paper5)
        assert s.scalar(notes) == 2


def test_the_chair_cannot_take_papers_off(qtbot: QtBot, page: MeetingsPage) -> None:
    page.apply_filter({"view": "agenda"})
    editor = page.agenda
    editor.select(page.meeting.items[7].item_id)
    assert editor.chosen_paper() is not None
    assert not editor.remove_paper_button.isEnabled()
    editor.papers.setFocus()
    qtbot.keyClick(editor.papers, Key.Key_Delete)
    assert page.dialog is None
    assert len(page.meeting.items[7].papers) == 1


def _item_with_three_papers(page: MeetingsPage, database: Database) -> tuple[str, list[str]]:
    """Item 9 of the next meeting with two papers added to its own: its id and theirs, as issued."""
    clerk = act_as(page, database, Role.SECRETARIAT)
    page.apply_filter({"view": "agenda"})  # the next OPAB meeting
    item = page.meeting.items[8]
    ids = [item.papers[0].id]
    with database.begin(clerk) as s:
        for title in ("Agency staffing", "Exit interviews"):
            pdf, _ = render_paper_pdf(title, f"{title} for January.")
            ids.append(add_paper(s, clerk, item.item_id, title, pdf).paper_id)
    page.reload_meeting()
    page.agenda.select(item.item_id)
    return item.item_id, ids


def focus(qtbot: QtBot, page: MeetingsPage, widget: Any) -> None:
    page.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def positions(database: Database, ids: list[str]) -> list[int | None]:
    with database.session() as s:
        return [s.get(Paper, i).position for i in ids]  # type: ignore[union-attr]


def test_alt_arrows_move_the_chosen_paper_when_the_papers_list_has_the_focus(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    item_id, (p0, p1, p2) = _item_with_three_papers(page, database)
    editor = page.agenda
    assert editor.paper_up_button.text() == "Move up (Alt+↑)"
    assert editor.paper_down_button.text() == "Move down (Alt+↓)"
    agenda_before = [i.item_id for i in page.meeting.items]
    editor.papers.setCurrentRow(2)
    assert editor.chosen_paper() == p2
    assert editor.paper_up_button.isEnabled() and not editor.paper_down_button.isEnabled()
    focus(qtbot, page, editor.papers)
    qtbot.keyClick(editor.papers, Key.Key_Up, ALT)
    assert page.dialog is None
    assert [p.id for p in page.meeting.items[8].papers] == [p0, p2, p1]
    assert positions(database, [p0, p2, p1]) == [1, 2, 3]
    # The moved paper stays chosen, the list keeps the focus, the agenda did not move.
    assert editor.chosen_paper() == p2 and editor.papers.currentRow() == 1
    assert editor.papers.item(1).text().startswith("2. Exit interviews")
    assert QApplication.focusWidget() is editor.papers
    assert [i.item_id for i in page.meeting.items] == agenda_before
    qtbot.keyClick(editor.papers, Key.Key_Up, ALT)
    assert [p.id for p in page.meeting.items[8].papers] == [p2, p0, p1]
    assert not editor.paper_up_button.isEnabled()
    qtbot.keyClick(editor.papers, Key.Key_Up, ALT)  # already first: nothing to do
    assert page.dialog is None and positions(database, [p2, p0, p1]) == [1, 2, 3]
    qtbot.keyClick(editor.papers, Key.Key_Down, ALT)
    assert [p.id for p in page.meeting.items[8].papers] == [p0, p2, p1]
    editor.paper_down_button.click()
    assert [p.id for p in page.meeting.items[8].papers] == [p0, p1, p2]
    assert [i.item_id for i in page.meeting.items] == agenda_before

    # With the agenda focused, the same keys move the item, not its papers.
    focus(qtbot, page, editor.table)
    assert editor.chosen().item_id == item_id
    qtbot.keyClick(editor.table, Key.Key_Up, ALT)
    assert page.meeting.items[7].item_id == item_id
    assert [p.id for p in page.meeting.items[7].papers] == [p0, p1, p2]
    assert positions(database, [p0, p1, p2]) == [1, 2, 3]


def test_the_chair_cannot_reorder_papers(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    _item_id, ids = _item_with_three_papers(page, database)
    act_as(page, database, Role.CHAIR)
    page.apply_filter({"view": "agenda"})
    editor = page.agenda
    editor.select(page.meeting.items[8].item_id)
    editor.papers.setCurrentRow(1)
    assert not editor.paper_up_button.isEnabled() and not editor.paper_down_button.isEnabled()
    focus(qtbot, page, editor.papers)
    qtbot.keyClick(editor.papers, Key.Key_Up, ALT)
    assert page.dialog is None
    assert [p.id for p in page.meeting.items[8].papers] == ids
    assert positions(database, ids) == [None, None, None]


# -- Correcting a decision ---------------------------------------------------------------


def open_decisions(page: MeetingsPage, ref: str) -> None:
    page.apply_filter({"meeting_id": meeting_id(page, ref), "view": "decisions"})
    assert page.tabs.currentWidget() is page.decisions


def test_secretariat_corrects_a_decision_of_a_closed_meeting(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    clerk = act_as(page, database, Role.SECRETARIAT)
    page.reload()
    open_decisions(page, LAST)
    panel = page.decisions
    old = panel.chosen()
    assert old is not None and panel.correct_button.isEnabled()
    assert panel.correct_button.text() == "Correct decision… (Enter)"
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Key.Key_Return)
    dialog = page.dialog
    assert isinstance(dialog, CorrectionDialog)
    assert dialog.old.toPlainText() == old.wording and dialog.old.isReadOnly()

    # Empty, then unchanged wording, then no reason: each refused in the form.
    dialog.corrected.setPlainText("  ")
    dialog.try_accept()
    assert dialog.isVisible() and "cannot be empty" in dialog.error.text()
    dialog.corrected.setPlainText(old.wording + "  ")
    dialog.try_accept()
    assert dialog.isVisible() and "same as the wording recorded" in dialog.error.text()
    dialog.corrected.setPlainText("The board agreed the placement sufficiency strategy.")
    dialog.try_accept()
    assert dialog.isVisible() and "reason" in dialog.error.text()
    dialog.reason.setPlainText("the strategy was agreed, not noted.")
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClick(dialog.reason, Key.Key_Return, CTRL)
    assert not dialog.isVisible()

    with database.session() as s:
        new = s.scalars(select(Decision).where(Decision.corrects_id == old.decision_id)).one()
        assert new.recorded_by_id == clerk and new.meeting_id == page.meeting.meeting_id
        assert new.wording == (
            "The board agreed the placement sufficiency strategy. "
            f"(Correction of {old.number}: the strategy was agreed, not noted.)"
        )
        original = s.get(Decision, old.decision_id)
        assert original is not None and original.wording == old.wording
    # The result is shown, and the list says what corrects what.
    result = page.dialog
    assert isinstance(result, QMessageBox)
    assert f"Decision {new.number} was recorded, correcting {old.number}" in result.text()
    assert "Version 1 of the minutes (circulated)" in result.text()
    assert "cannot be signed until it does" in result.text()
    result.accept()
    rows = {r.number: r for r in panel.model.rows()}
    assert rows[old.number].corrected_by_number == new.number
    assert rows[new.number].corrects_number == old.number
    assert panel.chosen().decision_id == new.id
    # The corrected one cannot be corrected twice.
    panel.select(old.decision_id)
    assert not panel.correct_button.isEnabled()
    assert f"corrected by {new.number}" in panel.correct_button.toolTip()


def test_an_observer_sees_the_decisions_but_cannot_correct(
    qtbot: QtBot, qtmodeltester: Any, page: MeetingsPage, database: Database
) -> None:
    act_as(page, database, Role.OBSERVER)
    page.reload()
    open_decisions(page, LAST)
    panel = page.decisions
    assert panel.model.rowCount() > 0
    qtmodeltester.check(panel.model)
    assert not panel.correct_button.isEnabled()
    assert panel.correct_button.toolTip() == NOT_RUNNING
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Key.Key_Return)
    assert page.dialog is None


def test_the_drafted_minutes_state_the_correction(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    """A meeting closed with no minutes yet: the draft made after the correction states
    the decision as taken and the correction citing it (db.minutes' rules, unchanged)."""
    from db.minutes.lifecycle import create_draft, version_doc
    from db.services import meetings
    from db.services.decisions import record_decision

    clerk = act_as(page, database, Role.SECRETARIAT)
    page.reload()
    next_id = page.upcoming_model.row(0).meeting_id
    with database.begin(clerk) as s:
        meetings.open_meeting(s, clerk, next_id)
    page.apply_filter({"meeting_id": next_id, "view": "agenda"})
    item = page.meeting.items[4]
    with database.begin(clerk) as s:
        meetings.start_item(s, clerk, item.item_id)
        ref = record_decision(s, clerk, item.item_id, "noted", "The board noted the report.")
        meetings.close_meeting(s, clerk, next_id)
    page.apply_filter({"meeting_id": next_id, "view": "decisions"})
    panel = page.decisions
    panel.select(ref.decision_id)
    panel.correct_chosen()
    dialog = page.dialog
    assert isinstance(dialog, CorrectionDialog)
    dialog.corrected.setPlainText("The board agreed the report's recommendations.")
    dialog.reason.setPlainText("the recommendations were agreed")
    dialog.try_accept()
    assert not dialog.isVisible(), dialog.error.text()
    result = page.dialog
    assert isinstance(result, QMessageBox)
    assert "when drafted, will state both decisions" in result.text()
    result.accept()

    with database.begin(clerk) as s:
        draft = create_draft(s, clerk, next_id)
    with database.session() as s:
        doc = version_doc(s, clerk, draft.version_id, public=False)
        correction = s.scalars(
            select(Decision).where(Decision.corrects_id == ref.decision_id)
        ).one()
    stated = [(d.number, d.wording) for i in doc.items for d in i.decisions]
    assert (ref.number, "The board noted the report.") in stated
    assert (
        correction.number,
        "The board agreed the report's recommendations. "
        f"(Correction of {ref.number}: the recommendations were agreed.)",
    ) in stated
