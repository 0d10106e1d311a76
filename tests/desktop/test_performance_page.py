"""The Performance page over the demo board: list, chart, narrative, filters and the CSV import."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.demo import DEMO_AS_OF
from db.dump import dump_text
from db.models import Kpi, KpiValue, Role
from db.services.kpis import ImportReport, RowAction, RowError
from db.store import Database
from desktop.app import build_main_window
from desktop.main_window import MainWindow
from desktop.pages.performance import PerformancePage
from desktop.pages.performance_import import ImportDialog, read_csv_file
from desktop.pages.performance_models import (
    DECLINE,
    DIRECTION,
    ImportErrorsModel,
    ImportPreviewModel,
    KpiTableModel,
)
from tests.desktop.conftest import act_as

WAIT_MS = 15_000


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    window = build_main_window(database, today=DEMO_AS_OF, demo=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    performance_page(window).shutdown()


def performance_page(window: MainWindow) -> PerformancePage:
    page = window.page("performance")
    assert isinstance(page, PerformancePage)
    return page


@pytest.fixture
def page(window: MainWindow) -> PerformancePage:
    window.show_page("performance")
    return performance_page(window)


def kpi_id(database: Database, reference: str) -> str:
    with database.session() as s:
        found = s.scalar(select(Kpi.id).where(Kpi.reference == reference))
    assert found is not None
    return found


def select_kpi(qtbot: QtBot, page: PerformancePage, reference: str) -> None:
    row = page.model.find(lambda r: r.reference == reference)
    assert row >= 0
    rect = page.table.visualRect(page.model.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.series is not None and page.series.reference == reference


# --------------------------------------------------------------------------- start-up


def test_building_the_window_imports_no_matplotlib(demo_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.db"
    shutil.copy(demo_file, path)
    code = (
        "import sys, datetime as dt;"
        "from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        "from db.store import open_database; from desktop.app import build_main_window;"
        f"w = build_main_window(open_database({str(path)!r}), today=dt.date(2020, 1, 10));"
        "w.show_page('risks'); app.processEvents();"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},  # the test's own data folder
    ).stdout.strip()
    assert out.splitlines()[-1] == "False"


def test_the_page_reads_on_first_show_and_charts_after_its_first_paint(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = performance_page(window)
    assert page.model.rowCount() == 0
    window.show_page("performance")
    assert page.model.rowCount() == 10
    # The list is there at once; the chart follows the first paint.
    qtbot.waitUntil(lambda: page.chart.drawn, timeout=WAIT_MS)
    assert page.series is not None and page.series.reference == "K8"  # the decline leads


# --------------------------------------------------------------------------- list and chart


def test_k8_is_flagged_in_words_and_the_others_are_not(page: PerformancePage) -> None:
    model = page.model
    texts = {
        row.reference: (
            model.index(i, DIRECTION).data(Qt.ItemDataRole.DisplayRole),
            model.index(i, DECLINE).data(Qt.ItemDataRole.DisplayRole),
        )
        for i, row in enumerate(model.rows())
    }
    assert texts["K8"] == ("▲ Worsening", "⚠ Worse 7 months")
    assert texts["K1"] == ("▼ Improving", "No")  # fell, and lower is better
    assert texts["K10"] == ("▲ Improving", "No")  # rose, and higher is better
    assert [r for r, (_d, flag) in texts.items() if flag != "No"] == ["K8"]
    k8 = model.find(lambda r: r.reference == "K8")
    assert (
        model.index(k8, DECLINE).data(Qt.ItemDataRole.AccessibleTextRole)
        == "In sustained decline: worse 7 months running"
    )
    assert (
        page.filter_label.text() == "Showing all 10 indicators · 1 indicator in sustained decline"
    )


def test_selecting_an_indicator_draws_its_chart(qtbot: QtBot, page: PerformancePage) -> None:
    qtbot.waitUntil(lambda: page.chart.drawn, timeout=WAIT_MS)
    select_kpi(qtbot, page, "K3")
    axes = page.chart.axes
    assert axes is not None
    assert len(axes.get_lines()) == 4
    assert page.chart.line_labels() == [
        "National average",
        "Regional benchmark",
        "Target 90%",
        "This council",
    ]
    council = axes.get_lines()[-1]
    assert list(council.get_ydata())[-1] == pytest.approx(81.0)
    assert {line.get_linestyle() for line in axes.get_lines()} == {"-", "--", ":", "-."}
    assert page.chart_title.text() == "K3  Initial health assessments within 20 working days"
    caption = page.chart.caption.text()
    assert caption.startswith("K3 Initial health assessments within 20 working days: 81% in")
    assert "Target 90%: not met." in caption
    assert page.chart.canvas.accessibleDescription() == caption
    select_kpi(qtbot, page, "K8")
    assert page.chart.axes is not None  # each chart is drawn on fresh axes
    legend = page.chart.axes.get_legend()
    assert legend is not None
    assert "Worse 7 months running" in [t.get_text() for t in legend.get_texts()]
    assert "Worse 7 months running." in page.chart.caption.text()


def test_dashboard_tile_opens_the_indicators_in_sustained_decline(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show_page("dashboard")
    qtbot.mouseClick(window.dashboard.kpis_tile, Qt.MouseButton.LeftButton)
    assert window.current_page() == "performance"
    page = performance_page(window)
    assert page.decline_only
    assert [r.reference for r in page.model.rows()] == ["K8"]
    assert page.filter_label.text().startswith("Showing 1 of 10 indicators: those in sustained")
    assert page.series is not None and page.series.reference == "K8"
    qtbot.mouseClick(page.show_all_button, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 10 and not page.decline_only
    assert page.series.reference == "K8"  # still selected


def test_apply_filter_selects_an_indicator(page: PerformancePage, database: Database) -> None:
    page.apply_filter({"kpi_id": kpi_id(database, "K5")})
    assert page.series is not None and page.series.reference == "K5"
    # An indicator not in decline, asked for under the decline filter: the list opens up.
    page.apply_filter({"sustained_decline": True, "kpi_id": kpi_id(database, "K1")})
    assert page.series.reference == "K1" and page.model.rowCount() == 10


# --------------------------------------------------------------------------- narrative


def test_the_chair_reads_the_narrative_with_who_and_when(page: PerformancePage) -> None:
    select_k8 = page.model.find(lambda r: r.reference == "K8")
    assert select_k8 >= 0
    assert page.series is not None and page.series.reference == "K8"
    assert page.narrative_edit.isReadOnly()
    assert page.narrative_edit.toPlainText().startswith("The rise since May")
    assert page.narrative_by.text().startswith("Written by Fiona McAllister on 20 November 2019")
    assert not page.edit_button.isVisible()
    assert page.narrative_rights.text() == "Only the secretariat edits the narrative."


def test_the_secretariat_edits_the_narrative(
    qtbot: QtBot, page: PerformancePage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    select_kpi(qtbot, page, "K4")
    assert page.narrative_by.text() == "No narrative recorded."
    assert page.edit_button.isVisible()
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    assert not page.narrative_edit.isReadOnly()
    page.narrative_edit.setPlainText("Agency use fell after the recruitment drive.")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.narrative_edit.isReadOnly()
    assert page.notice.text() == "Narrative for K4 saved."
    assert page.narrative_by.text().startswith("Written by ")
    with database.session() as s:
        stored = s.scalars(select(Kpi).where(Kpi.reference == "K4")).one()
    assert stored.narrative == "Agency use fell after the recruitment drive."


# --------------------------------------------------------------------------- import


def test_the_chair_cannot_import(page: PerformancePage) -> None:
    assert not page.import_button.isEnabled()
    assert page.import_button.toolTip() == "Only the secretariat imports indicator values."
    assert page.open_import_dialog() is None


def open_dialog(qtbot: QtBot, page: PerformancePage, database: Database) -> ImportDialog:
    act_as(page, database, Role.SECRETARIAT)
    assert page.import_button.isEnabled()
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    return dialog


def test_import_a_good_csv_through_the_dialog(
    qtbot: QtBot, window: MainWindow, page: PerformancePage, database: Database, tmp_path: Path
) -> None:
    good = tmp_path / "january.csv"
    good.write_text(
        "KPI reference,Period,Value,National,Regional,Note\n"
        "K8,2020-01,28.3,15,18.3,Two more placements out of county\n"
        "K1,Jan 2020,22.1,,,\n"
        "K5,01/2020,18.5,,,\n"
        "K8,2019-12,27.6,,,\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, page, database)
    dialog.load_file(good)
    qtbot.waitUntil(lambda: dialog.state == "ready", timeout=WAIT_MS)
    assert dialog.status.text() == "✓ All 4 rows are valid and ready to import."
    assert dialog.counts.text() == (
        "Of the 4 valid rows: 3 new, 0 updating months already held, 1 the same as held."
    )
    assert dialog.preview_model.rowCount() == 4
    assert not dialog.tabs.isTabVisible(0)
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 4 rows"
    with database.session() as s:  # a dry run so far
        assert s.scalar(select(KpiValue).where(KpiValue.period == dt.date(2020, 1, 1))) is None
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state == "imported", timeout=WAIT_MS)
    assert not dialog.isVisible()
    assert page.notice.text().startswith("Imported 4 indicator values from CSV: 3 new months")
    row = page.model.rows()[page.model.find(lambda r: r.reference == "K8")]
    assert row.latest_period == dt.date(2020, 1, 1) and row.wrong_moves == 8
    # The dashboard was told: K8 is now worse eight months running.
    assert "Worse 8 months running" in " ".join(window.dashboard.kpi_entries())


def test_a_bad_csv_shows_its_errors_and_writes_nothing(
    qtbot: QtBot, page: PerformancePage, database: Database, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "kpi reference,period,value,national,regional,note\n"
        "K8,2020-01,28.3,,,\n"
        "K99,2020-01,1,,,\n"
        "K1,2020-13,22,,,\n"
        "K3,2020-01,104,,,\n"
        "K8,Jan 2020,28.4,,,\n",
        encoding="utf-8",
    )
    before = dump_text(database.engine)
    dialog = open_dialog(qtbot, page, database)
    dialog.load_file(bad)
    qtbot.waitUntil(lambda: dialog.state == "problems", timeout=WAIT_MS)
    assert dialog.status.text().startswith("⚠ 4 problems in 4 rows: nothing will be imported.")
    assert dialog.tabs.isTabVisible(0) and dialog.tabs.currentIndex() == 0
    assert dialog.tabs.tabText(0) == "Problems (4)"
    assert not dialog.import_button.isEnabled()
    shown = [
        tuple(dialog.errors_model.index(r, c).data() for c in range(3))
        for r in range(dialog.errors_model.rowCount())
    ]
    assert shown == [
        ("3", "kpi reference", '"K99" is not an indicator of this plan'),
        ("4", "period", '"2020-13" is not a month; use YYYY-MM, YYYY-MM-DD, MM/YYYY or "Jan 2019"'),
        ("5", "value", "104 is outside 0–100 for a percentage"),
        ("6", "period", "K8 Jan 2020 is already in row 2"),
    ]
    dialog.start_import()  # refused: the file has problems
    assert dialog.state == "problems"
    dialog.reject()
    assert dump_text(database.engine) == before


def test_an_unreadable_file_is_named_not_crashed_on(
    qtbot: QtBot, page: PerformancePage, database: Database, tmp_path: Path
) -> None:
    dialog = open_dialog(qtbot, page, database)
    dialog.load_file(tmp_path / "missing.csv")
    qtbot.waitUntil(lambda: dialog.state == "failed", timeout=WAIT_MS)
    assert dialog.status.text().startswith("⚠ missing.csv cannot be read")
    assert not dialog.import_button.isEnabled()
    dialog.reject()


def test_excel_files_in_windows_1252_are_read(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "kpi,period,value,note\r\nK8,2020-01,28,caf\xe9 \x96 note\r\n".encode("latin-1")
    )
    assert "café – note" in read_csv_file(path)
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffkpi,period,value\n".encode())
    assert read_csv_file(bom) == "kpi,period,value\n"


# --------------------------------------------------------------------------- models


def test_models_pass_the_model_tester(qtmodeltester: object, page: PerformancePage) -> None:
    kpis = KpiTableModel()
    kpis.set_rows(page.model.rows())
    kpis.set_latest_heading("Latest\nDec 2019")
    qtmodeltester.check(kpis)  # type: ignore[attr-defined]
    errors = ImportErrorsModel()
    errors.set_rows([RowError(2, "value", '"x" is not a number'), RowError(1, None, "empty")])
    errors.sort(0, Qt.SortOrder.AscendingOrder)
    assert errors.row(0).row_number == 1
    qtmodeltester.check(errors)  # type: ignore[attr-defined]
    preview = ImportPreviewModel()
    from db.services.kpis import ImportRow

    preview.set_rows(
        [
            ImportRow(2, "K8", "Placed far", "%", dt.date(2020, 1, 1), 28.0, None, 18.0, None,
                      RowAction.NEW),
        ]
    )  # fmt: skip
    qtmodeltester.check(preview)  # type: ignore[attr-defined]
    assert preview.index(0, 7).data() == "New"
    assert isinstance(ImportReport(rows_ok=0).errors, list)
