"""The Plan page in a real main window over the demo board, driven as a chair would.

The demo is built once per module (no papers) and each test opens its own
copy, as at the demo's snapshot date. The window acts as the chair. Dialogs
that would block (message boxes, the system viewer) are replaced on the page
by recorders; the progress dialog is opened non-modally, filled in and
accepted like a person would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.demo import DEMO_AS_OF, create_demo
from db.models import Person
from db.services.plan import ROW_ID, ROW_REFERENCE
from db.store import Database, backup_copy, open_database
from desktop.app import build_main_window
from desktop.main_window import MainWindow
from desktop.pages import plan as plan_module
from desktop.pages.base import PageEnv
from desktop.pages.plan import DENIED_TEXT, PlanPage
from desktop.pages.plan_model import ACTION_ID_ROLE, OVERDUE, RAG, REFERENCE, TITLE
from desktop.pages.plan_update_dialog import ProgressInput


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan-page") / "demo.db"
    create_demo(path, render_paper=None).close()
    return path


@pytest.fixture
def database(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    db = open_database(backup_copy(demo_file, tmp_path / "demo.db"))
    yield db
    db.close()


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> MainWindow:
    win = build_main_window(database, today=DEMO_AS_OF, demo=True)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


class Recorder:
    """Stands in for the page's message boxes and the system viewer."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.opened: list[QUrl] = []

    def notify(self, title: str, text: str) -> None:
        self.messages.append((title, text))

    def open_url(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def page(window: MainWindow, recorder: Recorder) -> PlanPage:
    plan = window.page("plan")
    assert isinstance(plan, PlanPage)
    plan.notify = recorder.notify
    plan.open_url = recorder.open_url
    window.show_page("plan")
    return plan


def shown(page: PlanPage) -> list[str]:
    """The references of the actions in the tree, in order."""
    return [row[ROW_REFERENCE] for theme in page.model.themes() for row in theme.actions]


def cell(page: PlanPage, reference: str, column: int) -> object:
    for theme in page.model.themes():
        for row in theme.actions:
            if row[ROW_REFERENCE] == reference:
                return page.model.index_of_action(row[ROW_ID], column).data()
    raise AssertionError(f"{reference} is not shown")


# -- Opening and filtering -------------------------------------------------------------


def test_the_plan_page_shows_five_themes_and_35_actions(qtbot: QtBot, page: PlanPage) -> None:
    assert page.model.rowCount() == 5
    assert page.model.action_count() == 35
    assert page.model.index(0, 0).data().startswith("Theme 1  Strategic Leadership and Governance")
    assert page.filters.count_label.text() == "35 actions · 5 overdue"
    assert page.plan_label.text().startswith("Wealdshire")
    assert all(page.tree.isExpanded(page.model.index(r, 0)) for r in range(5))
    # The first action is selected, and shown in full once the selection rests.
    assert page.selected_action_id() is not None
    qtbot.waitUntil(lambda: page.detail_pane.detail is not None)
    detail = page.detail_pane.detail
    assert detail is not None and detail.reference == "1.1"
    assert [chip.label for chip in page.key_chips] == ["Blue", "Green", "Amber", "Red"]
    assert "open" in page.timings


def test_rows_show_reference_title_owner_due_rag_and_overdue(page: PlanPage) -> None:
    assert cell(page, "2.7", REFERENCE) == "2.7"
    assert cell(page, "2.7", RAG) == "Red"
    assert cell(page, "2.7", OVERDUE) == "Overdue"
    assert cell(page, "2.2", RAG) == "Blue"
    assert cell(page, "2.2", OVERDUE) == ""
    row = next(r for t in page.model.themes() for r in t.actions if r[ROW_REFERENCE] == "2.7")
    index = page.model.index_of_action(row[ROW_ID], OVERDUE)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None  # the icon beside the word
    spoken = page.model.index_of_action(row[ROW_ID], TITLE).data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Action 2.7" in spoken and "RAG Red" in spoken and "overdue" in spoken


def test_the_tree_model_passes_the_model_tester(page: PlanPage, qtmodeltester: object) -> None:
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    page.apply_filter({"rag": "amber"})
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]
    page.model.sort(TITLE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]


def test_filter_by_rag_with_the_combo(page: PlanPage) -> None:
    combo = page.filters.rag_combo
    combo.setCurrentIndex(combo.findData("amber"))
    assert shown(page) == ["2.1", "2.4", "3.5", "4.5", "5.3"]
    assert page.filters.count_label.text() == "Showing 5 of 35 actions"  # none overdue
    theme_two = page.model.index(0, 0).data()  # theme 1 has no Amber action: left out
    assert theme_two.startswith("Theme 2") and "(2 of 9 actions)" in theme_two
    assert "filter" in page.timings


def test_filter_overdue_with_the_checkbox(page: PlanPage) -> None:
    page.filters.overdue_check.setChecked(True)
    assert shown(page) == ["2.7", "3.7", "3.9", "4.2", "4.3"]
    assert all(cell(page, ref, OVERDUE) == "Overdue" for ref in shown(page))
    # "Due within" looks forward, "Overdue" back: ticking one clears the other.
    page.filters.due_check.setChecked(True)
    assert not page.filters.overdue_check.isChecked()
    assert shown(page) == ["2.4", "3.4"]


def test_filter_by_theme_and_owner(page: PlanPage) -> None:
    page.apply_filter({"theme": 2})
    assert page.filters.theme_combo.currentData() == 2
    assert page.model.rowCount() == 1 and len(shown(page)) == 9
    owner = page.filters.owner_combo
    owner.setCurrentIndex(owner.findText("Mark Oduya"))
    assert shown(page) == ["2.1", "2.5"]
    page.filters.clear_button.click()
    assert page.filters.theme_combo.currentData() is None
    assert page.filters.owner_combo.currentData() is None
    assert len(shown(page)) == 35


def test_apply_filter_reads_every_key(page: PlanPage, database: Database) -> None:
    with database.session() as s:
        owner = s.scalar(select(Person.id).where(Person.name == "Joseph Mwangi"))
    page.apply_filter({"owner": owner, "rag": "green", "unknown": 1})
    assert shown(page) == ["2.3", "2.9"]
    page.apply_filter({"due_within": 30})
    assert page.filters.due_check.isChecked() and page.filters.due_days.value() == 30
    assert shown(page) == ["2.4", "3.4"]
    page.apply_filter({"changed_since_last_meeting": True})
    assert page.filters.changed_check.isChecked()
    assert "5 Nov 2019" in page.filters.changed_check.text()
    assert len(shown(page)) == 28 and "2.2" not in shown(page)
    page.apply_filter({"rag": "none"})
    assert shown(page) == []
    assert "No action matches" in page.message_label.text()


def test_the_dashboard_overdue_tile_opens_the_overdue_actions(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show_page("dashboard")
    qtbot.mouseClick(window.dashboard.overdue_tile, Qt.MouseButton.LeftButton)
    assert window.current_page() == "plan"
    plan = window.page("plan")
    assert isinstance(plan, PlanPage)
    assert plan.filters.overdue_check.isChecked()
    assert len(shown(plan)) == int(window.dashboard.overdue_tile.value_text) == 5


def test_the_dashboard_theme_cells_open_the_theme_at_that_rag(window: MainWindow) -> None:
    window.navigate("plan", {"theme": 2, "rag": "amber"})
    plan = window.page("plan")
    assert isinstance(plan, PlanPage)
    assert shown(plan) == ["2.1", "2.4"]
    window.navigate("plan", {"theme": 0, "rag": "red"})  # the "All themes" row
    assert plan.filters.theme_combo.currentData() is None
    assert shown(plan) == ["2.7", "3.7", "3.9", "4.2", "4.3"]


def test_navigating_to_one_action_opens_it(window: MainWindow, database: Database) -> None:
    from db.models import Action

    with database.session() as s:
        target = s.scalar(select(Action.id).where(Action.reference == "4.3"))
    window.navigate("plan", {"overdue": True})
    window.show_page("dashboard")
    window.navigate("plan", {"action_id": target})  # as search and the risk page link
    plan = window.page("plan")
    assert isinstance(plan, PlanPage)
    assert window.current_page() == "plan"
    assert not plan.filters.overdue_check.isChecked()  # the filters are cleared
    assert plan.selected_action_id() == target
    assert plan.detail_pane.detail is not None and plan.detail_pane.detail.reference == "4.3"
    window.navigate("plan", {"action_id": "no-such-action"})
    assert "not in this plan" in plan.message_label.text()


def test_a_very_large_list_starts_with_its_themes_folded(
    page: PlanPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(plan_module, "EXPAND_ALL_UP_TO", 10)
    page.reload()
    expanded = [page.tree.isExpanded(page.model.index(r, 0)) for r in range(5)]
    # Only the theme holding the selected action (1.1) opens, to keep it in view.
    assert expanded == [True, False, False, False, False]
    assert "start folded" in page.message_label.text()
    page.apply_filter({"rag": "red"})  # five: small enough to open
    assert all(page.tree.isExpanded(page.model.index(r, 0)) for r in range(page.model.rowCount()))


# -- Detail ------------------------------------------------------------------------------


def test_selecting_an_action_shows_its_history_and_recommendations(page: PlanPage) -> None:
    assert page.select_action("1.1")
    pane = page.detail_pane
    detail = pane.detail
    assert detail is not None and detail.reference == "1.1"
    assert pane.title_label.text().startswith("1.1  Establish")
    assert pane.rag_chip.label == "Blue"
    texts = pane.timeline.entry_texts()
    assert len(texts) == len(detail.history) >= 2
    assert "Blue" in texts[0] and "Agreed by the board: OPAB 19/13" in texts[0]
    recommendations = pane.section_text("recommendations").splitlines()
    assert recommendations[0] == "Commissioner"
    assert [line.split()[0] for line in recommendations[1:]] == ["C1", "C10"]
    assert "OPAB 19/13" in pane.section_text("decisions")
    assert pane.section_text("risks").startswith("R")
    assert pane.evidence_titles() == [e.title for e in detail.evidence] and detail.evidence
    assert pane.fact_values["Owner"].text() == "Hannah Wilde"


def test_the_timeline_says_when_a_due_date_moved_and_why(page: PlanPage) -> None:
    page.select_action("2.1")
    texts = page.detail_pane.timeline.entry_texts()
    assert any("Due date moved from 31 Dec 2019 to 30 Jun 2020" in t for t in texts)


# -- Progress updates --------------------------------------------------------------------


def test_enter_opens_the_dialog_and_a_chair_records_an_update(
    qtbot: QtBot, window: MainWindow, page: PlanPage
) -> None:
    page.select_action("2.7")
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    dialog = page.update_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.ok_button.isEnabled()  # nothing entered yet
    dialog.rag_buttons["amber"].setChecked(True)
    dialog.commentary.setPlainText("Recovery plan agreed; first audit shows improvement.")
    dialog.move_due.setChecked(True)
    dialog.due_date.setDate(dt.date(2020, 3, 31))
    assert not dialog.ok_button.isEnabled()  # a moved date needs its reason
    dialog.due_reason.setText("Audit cycle moved to the quarter end.")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.update_dialog is None)

    assert cell(page, "2.7", RAG) == "Amber"
    assert cell(page, "2.7", OVERDUE) == ""  # due 31 Mar 2020 now
    detail = page.detail_pane.detail
    assert detail is not None and detail.reference == "2.7" and detail.rag == "amber"
    first = page.detail_pane.timeline.entry_texts()[0]
    assert "Amber (was Red)" in first and "Dr Helen Marchbank" in first
    assert "Audit cycle moved to the quarter end." in first
    assert "Progress recorded" in page.detail_pane.message_label.text()
    # The dashboard re-read its figures after the announcement.
    summary = window.dashboard.summary
    assert summary is not None and summary.overdue_actions == 4


def test_blue_is_disabled_without_accepted_evidence_and_refused_by_the_database(
    qtbot: QtBot, page: PlanPage, recorder: Recorder
) -> None:
    page.select_action("2.7")
    dialog = page.open_update_dialog()
    assert dialog is not None
    assert not dialog.rag_buttons["blue"].isEnabled()
    assert dialog.blue_reason.isVisibleTo(dialog)
    assert "accepted evidence" in dialog.blue_reason.text()
    # Even if the button were forced on, the database refuses, in one sentence.
    dialog.rag_buttons["blue"].setEnabled(True)
    dialog.rag_buttons["blue"].setChecked(True)
    dialog.commentary.setPlainText("Done.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert recorder.messages and "cannot go Blue" in recorder.messages[-1][1]
    assert recorder.messages[-1][1].endswith(".") and "\n" not in recorder.messages[-1][1]
    assert "cannot go Blue" in dialog.error_label.text()
    assert cell(page, "2.7", RAG) == "Red"
    dialog.reject()


def test_blue_is_offered_when_evidence_is_accepted(page: PlanPage) -> None:
    page.select_action("1.1")
    dialog = page.open_update_dialog()
    assert dialog is not None
    assert dialog.rag_buttons["blue"].isEnabled()
    assert dialog.rag_buttons["blue"].isChecked()  # its current RAG
    assert not dialog.blue_reason.isVisibleTo(dialog)
    dialog.reject()


def test_a_refusal_is_shown_as_one_sentence(page: PlanPage, recorder: Recorder) -> None:
    page.select_action("2.4")
    reason = page.submit_update(ProgressInput("amber", "", None, None, None))
    assert reason == "A progress update needs a commentary saying what has happened."
    assert recorder.messages == [("Progress update not recorded", reason)]


def test_someone_without_the_right_cannot_open_the_dialog(
    qtbot: QtBot, page: PlanPage, database: Database, recorder: Recorder
) -> None:
    env = page._env
    assert env is not None
    with database.session() as s:
        member = s.scalar(select(Person.id).where(Person.name == "Tom Everett"))
    page.attach(PageEnv(env.database, env.context, env.today, member, env.navigate, env.announce))
    page.select_action("2.7")
    assert not page.detail_pane.update_button.isEnabled()
    assert not page.detail_pane.attach_button.isEnabled()
    assert page.detail_pane.permission_label.text() == DENIED_TEXT
    assert page.open_update_dialog() is None
    assert recorder.messages[-1][1] == DENIED_TEXT


def test_the_arrow_keys_walk_the_tree_and_the_detail_follows(qtbot: QtBot, page: PlanPage) -> None:
    page.select_action("1.5")
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Down)
    qtbot.keyClick(page.tree, Qt.Key.Key_Down)  # past 1.6 onto the theme 2 row…
    qtbot.keyClick(page.tree, Qt.Key.Key_Down)  # …and its first action
    assert page.tree.currentIndex().data() == "2.1"
    qtbot.waitUntil(
        lambda: page.detail_pane.detail is not None and page.detail_pane.detail.reference == "2.1"
    )


def test_ctrl_f_goes_to_the_filters(qtbot: QtBot, window: MainWindow, page: PlanPage) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.filters.theme_combo.hasFocus()


# -- Evidence ----------------------------------------------------------------------------


def drop(page: PlanPage, *paths: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = page.detail_pane.content
    where = QPoint(20, 20)
    enter = QDragEnterEvent(
        where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    dropped = QDropEvent(
        QPointF(where),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier(0),
    )
    QApplication.sendEvent(target, dropped)


def test_dropping_a_file_attaches_it_as_evidence(
    page: PlanPage, tmp_path: Path, recorder: Recorder
) -> None:
    page.select_action("2.1")
    evidence = tmp_path / "Step-down audit Q3.pdf"
    evidence.write_bytes(b"%PDF-1.4 step-down audit")
    drop(page, evidence)
    assert page.detail_pane.evidence_titles() == ["Step-down audit Q3"]
    item = page.detail_pane.detail.evidence[0]  # type: ignore[union-attr]
    assert item.state == "submitted" and item.on_this_laptop
    assert "awaiting the board's review" in page.detail_pane.message_label.text()
    assert not recorder.messages

    # Opening it hands a temporary copy to the system viewer.
    assert page.open_evidence(item.evidence_id)
    opened = Path(recorder.opened[-1].toLocalFile())
    assert opened.name == "Step-down audit Q3.pdf"
    assert opened.read_bytes() == b"%PDF-1.4 step-down audit"


def test_evidence_not_on_this_laptop_says_so(
    page: PlanPage, tmp_path: Path, database: Database, recorder: Recorder
) -> None:
    from sqlalchemy import update

    from db.models import Blob

    page.select_action("2.1")
    path = tmp_path / "extract.csv"
    path.write_bytes(b"month,value\n")
    assert page.attach_files([str(path)]) == 1
    item = page.detail_pane.detail.evidence[0]  # type: ignore[union-attr]
    with database.begin() as s:
        s.execute(update(Blob).values(data=None))
    assert not page.open_evidence(item.evidence_id)
    assert "not on this laptop yet" in recorder.messages[-1][1]
    assert recorder.opened == []


def test_a_link_opens_in_the_browser(page: PlanPage, recorder: Recorder) -> None:
    page.select_action("1.1")
    item = page.detail_pane.detail.evidence[0]  # type: ignore[union-attr]
    assert page.open_evidence(item.evidence_id)
    assert recorder.opened[-1].toString().startswith("https://")


def test_the_selected_row_is_kept_across_a_filter(page: PlanPage) -> None:
    page.select_action("2.4")
    page.apply_filter({"rag": "amber"})
    page.flush_detail()
    assert page.tree.currentIndex().data(ACTION_ID_ROLE) == page.selected_action_id()
    assert page.detail_pane.detail is not None
    assert page.detail_pane.detail.reference == "2.4"
