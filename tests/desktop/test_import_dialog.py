"""The spreadsheet import dialog walked through with pytest-qt: file → columns → check → import."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from db.demo import DEMO_AS_OF
from db.dump import dump_text
from db.importers import ImportReport, Kind
from db.models import Action, Board, Membership, Person, Plan, Risk, Role
from db.store import Database, open_database
from desktop.app import build_main_window
from desktop.import_dialog import NOT_IMPORTED, ImportDialog, SpreadsheetButton
from desktop.pages.risks import RisksPage
from exports.tabular import cell_values
from tests.fixtures import TRACKER

FIXTURE = TRACKER
TODAY = dt.date(2018, 12, 1)
WAIT_MS = 20_000


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[Database, str, str]]:
    db = open_database(tmp_path / "board.db", create=True)
    with db.begin() as s:
        clerk = Person(name="Emma Clerk")
        b = Board(code="OPAB", name="Ofsted Priority Action Board")
        s.add_all([clerk, b])
        s.flush()
        s.add(Membership(board_id=b.id, person_id=clerk.id, role=Role.SECRETARIAT))
        plan = Plan(board_id=b.id, title="Children's Improvement Plan")
        s.add(plan)
        s.flush()
        ids = (clerk.id, plan.id)
    yield db, *ids
    db.close()


def actions(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Action)) or 0)


def settled(dialog: ImportDialog) -> bool:
    return dialog.state in ("ready", "problems", "done", "failed")


def test_walk_through_mapping_check_and_import(
    qtbot: QtBot, board: tuple[Database, str, str]
) -> None:
    db, clerk, plan = board
    dialog = ImportDialog(db, clerk, plan, Kind.PLAN, path=FIXTURE, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.step == 1 and settled(dialog), timeout=WAIT_MS)
    # the columns step: suggested from the headings, first values shown, rows previewed
    assert dialog.combo_for("Lead officer").currentText() == "Owner"
    assert dialog.combo_for("Progress update (Nov 18)").currentText() == "Commentary"
    sample = dialog.columns_table.item(2, 2)
    assert sample is not None and "Head of Improvement" in sample.text()
    assert dialog.preview_model.rowCount() == 12
    assert dialog.preview_model.headings[:3] == ["Row", "Will be", "Reference"]
    assert dialog.state == "ready"
    # unmapping a required column is a problem at once; mapping it back clears it
    dialog.combo_for("Action").setCurrentText(NOT_IMPORTED)
    qtbot.waitUntil(lambda: settled(dialog) and dialog.state == "problems", timeout=WAIT_MS)
    assert "Action" in dialog.columns_intro.text()
    dialog.combo_for("Action").setCurrentText("Action")
    qtbot.waitUntil(lambda: dialog.state == "ready", timeout=WAIT_MS)
    # the check step
    dialog.next_button.click()
    assert dialog.step == 2
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 23 actions"
    assert dialog.errors_model.rowCount() == 0 and dialog.notes_model.rowCount() > 0
    assert actions(db) == 0  # nothing written before Import
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as signal:
        dialog.import_button.click()
    report = signal.args[0]
    assert isinstance(report, ImportReport) and report.written and report.created == 23
    assert dialog.step == 3 and "23 new" in dialog.done_label.text()
    assert actions(db) == 23


def test_problems_are_listed_and_import_stays_disabled(
    qtbot: QtBot, board: tuple[Database, str, str], tmp_path: Path
) -> None:
    db, clerk, plan = board
    workbook = openpyxl.load_workbook(FIXTURE)
    workbook.worksheets[0]["E22"] = "sometime"
    workbook.worksheets[0]["F23"] = "Purple"
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    before = dump_text(db.engine)
    dialog = ImportDialog(db, clerk, plan, Kind.PLAN, path=bad, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.step == 1 and settled(dialog), timeout=WAIT_MS)
    dialog.next_button.click()
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    assert dialog.state == "problems" and not dialog.import_button.isEnabled()
    rows = dialog.errors_model.rows
    assert rows[0][:2] == ("22", "Target date") and "'sometime' is not a date" in rows[0][2]
    assert rows[1][:2] == ("23", "RAG") and "Purple" in rows[1][2]
    assert "nothing will be imported" in dialog.status.text()
    assert dialog.check_tabs.tabText(0) == "Problems (2)"
    dialog.start_import()  # refused while invalid
    assert dump_text(db.engine) == before


def test_an_unreadable_file_is_said_in_one_line(
    qtbot: QtBot, board: tuple[Database, str, str], tmp_path: Path
) -> None:
    db, clerk, plan = board
    bad = tmp_path / "tracker.xlsx"
    bad.write_bytes(b"PK\x03\x04 damaged")
    dialog = ImportDialog(db, clerk, plan, Kind.PLAN, path=bad, today=TODAY)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    assert dialog.state == "failed" and dialog.step == 0
    assert "cannot be read as an Excel workbook" in dialog.status.text()
    assert not dialog.next_button.isEnabled()


# -- From the pages ----------------------------------------------------------------------


@pytest.fixture
def demo(demo_database: Database) -> Database:
    """A copy of the demo board (tests/conftest.py)."""
    return demo_database


def test_risks_page_menu_imports_as_secretariat_and_exports(
    qtbot: QtBot, demo: Database, tmp_path: Path
) -> None:
    window = build_main_window(demo, today=DEMO_AS_OF, demo=True)
    qtbot.addWidget(window)
    window.show_page("risks")
    page = window.page("risks")
    assert isinstance(page, RisksPage) and page.env is not None
    button = page.spreadsheet_button
    assert isinstance(button, SpreadsheetButton)
    # export the register, then import it back: every risk unchanged
    out = tmp_path / "risks.xlsx"
    rows = button.export(out)
    with demo.session() as s:
        held = int(s.scalar(select(func.count()).select_from(Risk)) or 0)
    assert rows == held and cell_values(out)[0][:2] == ["Reference", "Risk"]
    assert button.may_import() is False and button.open_import(out) is None  # the chair
    with demo.session() as s:
        clerk = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id,
                Membership.role == Role.SECRETARIAT,
            )
        ).first()
    page.attach(dataclasses.replace(page.env, actor_id=clerk))
    dialog = button.open_import(out)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.step == 1 and settled(dialog), timeout=WAIT_MS)
    dialog.next_button.click()
    qtbot.waitUntil(lambda: settled(dialog), timeout=WAIT_MS)
    assert dialog.state == "ready", dialog.errors_model.rows[:3]
    assert dialog.report is not None and dialog.report.unchanged == held
    dialog.reject()
