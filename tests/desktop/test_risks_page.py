"""The Risks page over the demo board: heat map, register, detail, click-throughs, dialogs."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.dump import dump_text
from db.models import Risk, Role
from db.services.risks import RiskFilter
from db.store import Database
from desktop.main_window import MainWindow
from desktop.pages.risks import RisksPage
from desktop.pages.risks_models import ReviewHistoryModel, RiskRegisterModel
from tests.desktop.conftest import act_as


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


def risks_page(window: MainWindow) -> RisksPage:
    page = window.page("risks")
    assert isinstance(page, RisksPage)
    return page


@pytest.fixture
def page(window: MainWindow) -> RisksPage:
    window.show_page("risks")
    return risks_page(window)


def select_risk(qtbot: QtBot, page: RisksPage, reference: str) -> None:
    row = page.model.find(lambda r: r.reference == reference)
    assert row >= 0
    rect = page.table.visualRect(page.model.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.detail is not None and page.detail.row.reference == reference


# --------------------------------------------------------------------------- loading


def test_the_page_loads_only_when_first_shown(window: MainWindow) -> None:
    page = risks_page(window)
    assert page.model.rowCount() == 0  # attached, but nothing read yet
    window.show_page("risks")
    assert page.visible_references() == ["R5", "R7", "R3", "R9", "R2", "R8", "R1", "R6", "R10"]
    assert page.filter_label.text() == "Showing all 9 open risks"
    assert page.detail is not None and page.detail.row.reference == "R5"
    assert page.heat_map.count(4, 5) == 1 and page.heat_map.count(3, 4) == 2
    assert [chip.label for chip in page.heat_map.key_chips] == [
        "Low 1–4",
        "Medium 5–9",
        "High 10–16",
        "Very high 17–25",
    ]


def test_selecting_a_risk_shows_its_detail_and_review_history(
    qtbot: QtBot, page: RisksPage
) -> None:
    select_risk(qtbot, page, "R1")
    detail = page.detail
    assert detail is not None
    assert page.detail_title.text().startswith("R1  Partners not engaged")
    assert "Owner: Daniel Firth" in page.detail_facts.text()
    assert page.reviews_model.rowCount() == len(detail.reviews) == 8
    narrative = page.narrative.toPlainText()
    assert "Mitigation" in narrative and "Actions delivering it (3)" in narrative
    assert "1.1" in narrative


# --------------------------------------------------------------------------- heat map


def test_clicking_a_cell_filters_the_register_and_clicking_again_clears(
    qtbot: QtBot, page: RisksPage
) -> None:
    cell = page.heat_map.cell(3, 4)
    qtbot.mouseClick(cell, Qt.MouseButton.LeftButton)
    assert page.current_filter.cell == (3, 4)
    assert sorted(page.visible_references()) == ["R3", "R9"]
    assert page.filter_label.text() == (
        "Showing 2 of 9 open risks in cell likelihood 3 × impact 4 (score 12)"
    )
    assert page.heat_map.selected() == (3, 4) and cell.isChecked()
    assert cell.accessibleName().endswith("2 risks, selected")
    assert page.clear_button.isVisible()
    qtbot.mouseClick(page.heat_map.cell(3, 4), Qt.MouseButton.LeftButton)
    assert page.current_filter == RiskFilter()
    assert len(page.visible_references()) == 9
    assert page.heat_map.selected() is None and not cell.isChecked()


def test_cells_are_reached_and_pressed_from_the_keyboard(qtbot: QtBot, page: RisksPage) -> None:
    page.heat_map.focus_cell(1, 1)
    assert QApplication.focusWidget() is page.heat_map.cell(1, 1)
    for key in (Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Up, Qt.Key.Key_Right):
        qtbot.keyClick(QApplication.focusWidget(), key)
    assert QApplication.focusWidget() is page.heat_map.cell(4, 2)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # the edge: stays on (4, 5)
    assert QApplication.focusWidget() is page.heat_map.cell(4, 5)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert page.visible_references() == ["R5"]


def test_every_cell_is_named_with_its_count_and_band(page: RisksPage) -> None:
    names = {key: cell.accessibleName() for key, cell in page.heat_map.cells.items()}
    assert names[(4, 5)] == "Likelihood 4, impact 5: score 20, Very high — 1 risk"
    assert names[(1, 1)] == "Likelihood 1, impact 1: score 1, Low — 0 risks"
    assert len(set(names.values())) == 25


def test_target_view_counts_and_filters_target_scores(qtbot: QtBot, page: RisksPage) -> None:
    qtbot.mouseClick(page.target_radio, Qt.MouseButton.LeftButton)
    assert page.target_radio.isChecked()
    assert page.heat_map.count(2, 4) == 4  # four risks aim at likelihood 2 × impact 4
    qtbot.mouseClick(page.heat_map.cell(2, 4), Qt.MouseButton.LeftButton)
    assert page.current_filter.target_cell == (2, 4)
    rows = page.model.rows()
    assert len(rows) == 4
    assert all((r.target_likelihood, r.target_impact) == (2, 4) for r in rows)
    assert "with target likelihood 2 × impact 4" in page.filter_label.text()


# --------------------------------------------------------------------------- filters


def test_dashboard_tile_opens_the_risks_above_target(qtbot: QtBot, window: MainWindow) -> None:
    window.show_page("dashboard")
    qtbot.mouseClick(window.dashboard.risks_tile, Qt.MouseButton.LeftButton)
    assert window.current_page() == "risks"
    page = risks_page(window)
    assert page.current_filter.above_target
    rows = page.model.rows()
    assert len(rows) == 6 == int(window.dashboard.risks_tile.value_text)
    assert all(r.above_target for r in rows)
    assert page.filter_label.text() == "Showing 6 of 9 open risks above their target score"
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert len(page.model.rows()) == 9


def test_apply_filter_by_cell_band_and_risk(page: RisksPage) -> None:
    page.apply_filter({"cell": (4, 5)})
    assert page.visible_references() == ["R5"]
    assert page.heat_map.selected() == (4, 5)
    page.apply_filter({"band": "High"})
    assert page.visible_references() == ["R7", "R3", "R9"]
    assert "in the High band (10–16)" in page.filter_label.text()
    assert page.heat_map.selected() is None
    page.apply_filter({"band": "Nonexistent"})
    assert page.visible_references() == []
    assert page.detail is None and page.detail_title.text() == "No risk selected"
    page.apply_filter({"status": "all", "unknown key": 1})
    assert "R4" in page.visible_references()
    assert not page.table.isColumnHidden(8)  # the status column shows with closed risks
    r1 = page.model.rows()[page.model.find(lambda r: r.reference == "R1")].risk_id
    page.apply_filter({"risk_id": r1})
    assert page.detail is not None and page.detail.row.reference == "R1"


def test_owner_and_status_choices(qtbot: QtBot, page: RisksPage) -> None:
    combo = page.owner_combo
    combo.setCurrentIndex(combo.findText("Daniel Firth"))
    combo.activated.emit(combo.currentIndex())
    assert sorted(page.visible_references()) == ["R1", "R10", "R9"]
    assert page.filter_label.text() == "Showing all 3 open risks owned by Daniel Firth"
    status = page.status_combo
    status.setCurrentIndex(status.findData("closed"))
    status.activated.emit(status.currentIndex())
    assert page.visible_references() == []
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert page.visible_references() == ["R4"]


def test_sorting_by_a_heading_happens_in_the_model(qtbot: QtBot, page: RisksPage) -> None:
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert page.visible_references() == ["R1", "R2", "R3", "R5", "R6", "R7", "R8", "R9", "R10"]
    page.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert page.visible_references()[0] == "R5"
    assert page.detail is not None  # the selection survives a sort


# --------------------------------------------------------------------------- reviews


def test_record_a_review_through_the_dialog(
    qtbot: QtBot, window: MainWindow, page: RisksPage, database: Database
) -> None:
    select_risk(qtbot, page, "R7")
    assert page.review_button.isEnabled()  # the chair records reviews
    before_above = int(window.dashboard.risks_tile.value_text)
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    from desktop.pages.risks_dialogs import RecordReviewDialog

    assert isinstance(dialog, RecordReviewDialog)
    dialog.likelihood.setValue(2)
    assert dialog.score_text.text() == "New score 10 (down from 15) — at or below target"
    dialog.commentary.setPlainText("Exploitation hub live; multi-agency panel meets weekly.")
    dialog.decision.setCurrentIndex(1)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.notice.text() == "Review of R7 recorded: score 10 (High), 10 January 2020."
    detail = page.detail
    assert detail is not None and detail.row.reference == "R7"
    assert (detail.row.likelihood, detail.row.impact) == (2, 5)
    assert detail.reviews[0].commentary.startswith("Exploitation hub live")  # type: ignore[union-attr]
    assert detail.reviews[0].decision_number is not None
    assert page.reviews_model.row(0).score == 10
    assert page.heat_map.count(2, 5) == 1 and page.heat_map.count(3, 5) == 0
    # The window re-read the dashboard: R7 is no longer above its target.
    assert int(window.dashboard.risks_tile.value_text) == before_above - 1
    with database.session() as s:
        risk = s.scalars(select(Risk).where(Risk.reference == "R7")).one()
    assert (risk.likelihood, risk.impact) == (2, 5)


def test_a_refused_review_keeps_the_dialog_open_with_the_reason(
    qtbot: QtBot, page: RisksPage, database: Database
) -> None:
    import datetime as dt

    from PySide6.QtCore import QDate

    dialog = page.open_review_dialog()
    assert dialog is not None
    dialog.reviewed_on.setDate(QDate(2019, 1, 1))
    before = dump_text(database.engine)
    qtbot.mouseClick(dialog.record_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert dialog.error.text().startswith("⚠ Risk R5 was last reviewed on 5 November 2019")
    assert dump_text(database.engine) == before
    assert dialog.value().reviewed_on == dt.date(2019, 1, 1)
    dialog.reject()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OBSERVER])
def test_members_and_observers_cannot_record_reviews_or_change_bands(
    page: RisksPage, database: Database, role: Role
) -> None:
    act_as(page, database, role)
    assert not page.review_button.isEnabled()
    assert "Only the chair or the secretariat" in page.review_button.toolTip()
    assert not page.bands_button.isEnabled()
    assert page.open_review_dialog() is None and page.open_bands_dialog() is None


def test_a_closed_risk_cannot_be_reviewed(page: RisksPage) -> None:
    page.apply_filter({"status": "closed"})
    assert page.visible_references() == ["R4"]
    assert not page.review_button.isEnabled()
    assert "closed" in page.review_button.toolTip()


# --------------------------------------------------------------------------- bands


def test_the_secretariat_changes_the_bands(
    qtbot: QtBot, page: RisksPage, database: Database
) -> None:
    assert not page.bands_button.isEnabled()  # the chair may not
    act_as(page, database, Role.SECRETARIAT)
    assert page.bands_button.isEnabled()
    qtbot.mouseClick(page.bands_button, Qt.MouseButton.LeftButton)
    from desktop.pages.risks_dialogs import BandsDialog

    dialog = page.dialog
    assert isinstance(dialog, BandsDialog) and dialog.isVisible()
    assert len(dialog.rows) == 4
    dialog.rows[2].low.setValue(12)  # High 12–16 leaves 10–11 uncovered
    assert not dialog.save_button.isEnabled()
    assert "no band covers 10–11" in dialog.check.text()
    dialog.rows[1].high.setValue(11)
    assert dialog.save_button.isEnabled(), dialog.check.text()
    dialog.rows[3].label.setText("Severe")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert [chip.label for chip in page.heat_map.key_chips] == [
        "Low 1–4",
        "Medium 5–11",
        "High 12–16",
        "Severe 17–25",
    ]
    assert {r.reference: r.band for r in page.model.rows()}["R5"] == "Severe"
    assert page.heat_map.cell(3, 4).band_label == "High"
    assert page.heat_map.cell(2, 5).band_label == "Medium"
    # Back to the conventional bands.
    dialog2 = page.open_bands_dialog()
    assert dialog2 is not None
    qtbot.mouseClick(dialog2.conventional_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog2.save_button, Qt.MouseButton.LeftButton)
    assert page.notice.text() == "The plan now uses the conventional risk bands."
    assert page.heat_map.key_chips[-1].label == "Very high 17–25"


# --------------------------------------------------------------------------- models


def test_register_and_review_models_pass_the_model_tester(
    qtmodeltester: object, page: RisksPage
) -> None:
    register = RiskRegisterModel()
    register.set_rows(page.model.rows())
    qtmodeltester.check(register)  # type: ignore[attr-defined]
    detail = page.detail
    assert detail is not None
    reviews = ReviewHistoryModel()
    reviews.set_rows(detail.reviews)
    qtmodeltester.check(reviews)  # type: ignore[attr-defined]
    empty = RiskRegisterModel()
    qtmodeltester.check(empty)  # type: ignore[attr-defined]


def test_register_cells_speak_their_meaning(page: RisksPage) -> None:
    model = page.model
    row = model.find(lambda r: r.reference == "R5")
    spoken = [
        model.index(row, column).data(Qt.ItemDataRole.AccessibleTextRole)
        for column in range(model.columnCount())
    ]
    assert spoken[0] == "Risk R5"
    assert spoken[3] == "Current score 20, Very high: likelihood 4, impact 5"
    assert spoken[5] == "12 above target"
    assert spoken[6] == "Trend: score went up at the last review (worse)"
    assert model.index(row, 3).data(Qt.ItemDataRole.DisplayRole) == "20 Very high"
