"""The Performance page: the indicator list, the selected indicator's chart, and its narrative.

The list (`KpiTableModel` over `db.services.kpis.kpi_rows`) gives each
indicator's latest month against target and the national and regional
benchmarks, the direction of travel as an arrow and a word, and the
Select Committee's sustained-decline flag in words. Below it, the selected
indicator's chart (`widgets.kpi_chart`) and the service's narrative with
who wrote it and when — editable by the secretariat, read-only for everyone
else. "Import values from CSV…" (secretariat) opens
`desktop.pages.performance_import.ImportDialog`, which runs on the page's
background worker. The page reads nothing until first shown, and the chart
— whose matplotlib import costs most of a second — is drawn only after the
page's first paint, so showing the page is never held up by it.
`apply_filter` takes {"sustained_decline": True} (the dashboard's
click-through) and {"kpi_id": id} (select that indicator); it refreshes on
"kpis".
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from db.importers import Kind
from db.services.kpis import ImportReport, KpiRow, KpiSeries, RowAction
from desktop.import_dialog import SpreadsheetButton
from desktop.pages.base import Filter, PageEnv
from desktop.pages.performance_models import (
    DECLINE,
    DIRECTION,
    LATEST,
    NATIONAL,
    PERIOD,
    REF,
    REGIONAL,
    TARGET,
    TITLE,
    KpiTableModel,
)
from widgets.kpi_chart import ChartSeries, KpiChart, format_number
from widgets.page_parts import (
    Notice,
    fit_rows,
    fixed_columns,
    heading,
    muted,
    panel,
    read_only_table,
)

if TYPE_CHECKING:
    from desktop.background import Worker
    from desktop.pages.performance_import import ImportDialog

TOPICS = frozenset({"kpis"})


def chart_caption(series: KpiSeries) -> str:
    """One sentence saying what the chart shows (also its alt text)."""
    points = series.points
    last = points[-1]
    better = "higher is better" if series.higher_is_better else "lower is better"
    text = (
        f"{series.reference} {series.title}: {format_number(last.value, series.unit)} in "
        f"{last.period:%B %Y} ({better}), over {len(points)} months from {points[0].period:%B %Y}."
    )
    if series.sustained_decline:
        text += f" Worse {series.wrong_moves} months running."
    if series.target is not None:
        met = (
            last.value >= series.target if series.higher_is_better else last.value <= series.target
        )
        text += (
            f" Target {format_number(series.target, series.unit)}: {'met' if met else 'not met'}."
        )
    bench = []
    if last.national is not None:
        bench.append(f"national average {format_number(last.national, series.unit)}")
    if last.regional is not None:
        bench.append(f"regional benchmark {format_number(last.regional, series.unit)}")
    if bench:
        text += " Latest " + " and ".join(bench) + "."
    return text


def chart_series(series: KpiSeries) -> ChartSeries:
    return ChartSeries(
        title=f"{series.reference} {series.title}",
        unit=series.unit,
        periods=[p.period for p in series.points],
        values=[p.value for p in series.points],
        national=[p.national for p in series.points],
        regional=[p.regional for p in series.points],
        target=series.target,
        higher_is_better=series.higher_is_better,
        caption=chart_caption(series),
        decline_moves=series.wrong_moves if series.sustained_decline else 0,
    )


def when_written(at: dt.datetime) -> str:
    local = at.astimezone()
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


class _AfterFirstPaint(QObject):
    """Calls back once, just after the watched widget has first painted."""

    def __init__(self, callback: Any, parent: QObject) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, callback)
        return False


class PerformancePage(QWidget):
    """Indicators against target and benchmarks, a chart of one, and its narrative."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-performance")
        self.setAccessibleName("Performance page")
        self.env: PageEnv | None = None
        self._stale = True
        self._loading = False
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(0)
        self._refit_timer.timeout.connect(self._refit)
        self._decline_only = False
        self._rows: tuple[KpiRow, ...] = ()
        self._all_count = 0
        self._selected_id: str | None = None
        self._series: KpiSeries | None = None
        self._can_edit = False
        self._chart_allowed = False  # set after the page's first paint
        self._worker: Worker | None = None
        self.dialog: ImportDialog | None = None

        # Header ---------------------------------------------------------------
        self.title = heading("Performance indicators", 1.5)
        self.subtitle = muted("", wrap=False)
        self.import_button = QPushButton("Import values from CSV…")
        self.import_button.setAccessibleName("Import monthly indicator values from a CSV file")
        self.import_button.clicked.connect(self.open_import_dialog)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(self.subtitle, 1, Qt.AlignmentFlag.AlignBottom)
        header.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.spreadsheet_button = SpreadsheetButton(Kind.KPIS, lambda: self.env, self)
        header.addWidget(self.spreadsheet_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.filter_label = QLabel("")
        self.filter_label.setObjectName("kpiFilterSummary")
        self.filter_label.setTextFormat(Qt.TextFormat.PlainText)
        self.filter_label.setWordWrap(True)
        bold = self.filter_label.font()
        bold.setBold(True)
        self.filter_label.setFont(bold)
        self.decline_button = QPushButton("Only sustained declines")
        self.decline_button.setAccessibleName("Show only indicators in sustained decline")
        self.decline_button.clicked.connect(lambda: self.set_decline_only(True))
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.setAccessibleName("Show every indicator")
        self.show_all_button.clicked.connect(lambda: self.set_decline_only(False))
        filters = QHBoxLayout()
        filters.addWidget(self.filter_label, 1)
        filters.addWidget(self.decline_button)
        filters.addWidget(self.show_all_button)
        self.notice = Notice()

        # Indicator list ----------------------------------------------------------
        self.model = KpiTableModel(self)
        self.table = read_only_table(
            "kpiTable",
            "Performance indicators",
            "One row per indicator: latest value and month, target and whether it is met, "
            "national and regional benchmarks, direction of travel and sustained decline. "
            "Select a row to chart it.",
        )
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        fixed_columns(
            self.table,
            {
                REF: 46,
                LATEST: 100,
                PERIOD: 84,
                TARGET: 118,
                NATIONAL: 86,
                REGIONAL: 86,
                DIRECTION: 110,
                DECLINE: 162,
            },
            TITLE,
        )
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        # Chart -----------------------------------------------------------------
        chart_panel, chart_layout = panel("kpiChartPanel")
        self.chart_title = heading("", 1.1)
        self.chart_title.setObjectName("kpiChartTitle")
        self.chart_title.setWordWrap(True)
        self.chart = KpiChart()
        self.chart.show_message("Drawing the chart…")
        self._first_paint = _AfterFirstPaint(self._first_painted, self)
        self.chart.installEventFilter(self._first_paint)
        chart_layout.addWidget(self.chart_title)
        chart_layout.addWidget(self.chart, 1)

        # Narrative --------------------------------------------------------------
        narrative_panel, narrative_layout = panel("kpiNarrativePanel")
        narrative_layout.addWidget(heading("Service narrative", 1.1))
        self.narrative_by = muted("")
        self.narrative_by.setObjectName("narrativeBy")
        self.narrative_edit = QPlainTextEdit()
        self.narrative_edit.setObjectName("narrativeText")
        self.narrative_edit.setAccessibleName("The service's narrative on the trend")
        self.narrative_edit.setReadOnly(True)
        self.narrative_edit.setTabChangesFocus(True)
        self.edit_button = QPushButton("Edit narrative")
        self.edit_button.clicked.connect(self.start_editing)
        self.save_button = QPushButton("Save narrative")
        self.save_button.clicked.connect(self.save_narrative)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel_editing)
        self.narrative_error = QLabel("")
        self.narrative_error.setWordWrap(True)
        self.narrative_error.setStyleSheet("color: #d4351c; font-weight: bold;")
        self.narrative_error.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        self.narrative_rights = muted("")
        narrative_layout.addWidget(self.narrative_by)
        narrative_layout.addWidget(self.narrative_edit, 1)
        narrative_layout.addWidget(self.narrative_error)
        narrative_layout.addLayout(buttons)
        narrative_layout.addWidget(self.narrative_rights)
        self._editing = False

        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.setChildrenCollapsible(False)
        bottom.addWidget(chart_panel)
        bottom.addWidget(narrative_panel)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 2)
        self.bottom = bottom

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(bottom)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self._split_by_hand = False
        self.splitter.splitterMoved.connect(self._split_moved)
        self.bottom.splitterMoved.connect(self._split_moved)

        self.message = muted("")
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.notice)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self._show_narrative()
        self._show_rights()

    # BoardPage ---------------------------------------------------------------

    def attach(self, env: PageEnv) -> None:
        self.env = env
        self._stale = True
        plan = env.context.plan_title or "no improvement plan yet"
        self.subtitle.setText(plan)
        self.subtitle.setToolTip(f"{env.context.board_name}: {plan}")
        if self.isVisible():
            self.reload()

    def apply_filter(self, spec: Filter) -> None:
        kpi_id = spec.get("kpi_id")
        if isinstance(kpi_id, str):
            self._selected_id = kpi_id
        self._decline_only = bool(spec.get("sustained_decline", False))
        self.reload()
        if isinstance(kpi_id, str) and self.model.find(lambda r: r.kpi_id == kpi_id) < 0:
            # The indicator asked for is not in decline: show them all, with it selected.
            self._decline_only = False
            self._selected_id = kpi_id
            self.reload()

    def on_changed(self, topic: str) -> None:
        if topic in TOPICS:
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.env is not None:
            self.reload()

    # Filter --------------------------------------------------------------------

    @property
    def decline_only(self) -> bool:
        return self._decline_only

    def set_decline_only(self, on: bool) -> None:
        self._decline_only = on
        self.reload()

    # Loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the indicator list and the selected indicator (one short session)."""
        env = self.env
        if env is None:
            return
        self._stale = False
        plan_id = env.context.plan_id
        if plan_id is None:
            self.message.setText("This board has no improvement plan yet, so no indicators.")
            self.message.show()
            self.splitter.hide()
            self.model.set_rows(())
            self._show_rights()
            return
        from db.permissions import Capability, allowed
        from db.services.kpis import kpi_rows

        with env.database.session() as s:
            every = kpi_rows(s, plan_id)
            self._can_edit = allowed(
                s, env.actor_id, env.context.board_id, Capability.EDIT_BUSINESS
            )
        self.message.hide()
        self.splitter.show()
        self._all_count = len(every)
        self._rows = tuple(r for r in every if r.sustained_decline) if self._decline_only else every
        # Replacing the rows moves the view's current row; the selection is restored
        # below from the id, not taken from wherever the view lands.
        self._loading = True
        self.model.set_rows(self._rows)
        months = {r.latest_period for r in self._rows if r.latest_period is not None}
        # When every indicator's latest figure is for the same month, the heading says
        # which and the month column gives its room to the titles.
        self.model.set_latest_heading(
            f"Latest\n{next(iter(months)):%b %Y}" if len(months) == 1 else "Latest"
        )
        self.table.setColumnHidden(PERIOD, len(months) <= 1)
        self._refit()
        self._refit_timer.start()  # again once the columns have their final widths
        self._show_filter(sum(1 for r in every if r.sustained_decline))
        self._loading = False
        self._restore_selection()
        self._show_rights()

    def _split_moved(self, _pos: int, _index: int) -> None:
        self._split_by_hand = True

    def _fit_split(self) -> None:
        """Rows for every indicator (up to 60% of the height), the chart wider than the text."""
        if self._split_by_hand:
            return
        total = sum(self.splitter.sizes())
        if total > 0:
            table = self.table
            wanted = table.horizontalHeader().height() + 2 * table.frameWidth() + 4
            wanted += sum(table.rowHeight(r) for r in range(self.model.rowCount()))
            top = max(min(wanted, total * 60 // 100), min(160, total // 3))
            self.splitter.setSizes([top, total - top])
        width = sum(self.bottom.sizes())
        if width > 0:
            chart = width * 64 // 100
            self.bottom.setSizes([chart, width - chart])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Column widths settle after this event; wrapped titles change row heights.
        self._refit_timer.start()

    def _refit(self) -> None:
        fit_rows(self.table, TITLE, self.table.fontMetrics().height() + 6)
        self._fit_split()

    def _show_filter(self, declining: int) -> None:
        noun = "indicator" if declining == 1 else "indicators"
        if self._decline_only:
            text = (
                f"Showing {len(self._rows)} of {self._all_count} indicators: those in sustained "
                "decline (worse three or more months running)"
            )
        else:
            text = (
                f"Showing all {self._all_count} indicators · "
                f"{declining} {noun} in sustained decline"
            )
        self.filter_label.setText(text)
        self.filter_label.setAccessibleName(text)
        self.show_all_button.setVisible(self._decline_only)
        self.decline_button.setVisible(not self._decline_only and declining > 0)

    def _restore_selection(self) -> None:
        row = self.model.find(lambda r: r.kpi_id == self._selected_id) if self._selected_id else -1
        if row < 0:  # lead with what needs attention: the first sustained decline
            row = self.model.find(lambda r: r.sustained_decline)
        if row < 0 and self.model.rowCount():
            row = 0
        if row < 0:
            self._select_series(None)
            return
        index = self.model.index(row, REF)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._load_series(self.model.row(row).kpi_id)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._loading or not current.isValid():
            return
        kpi_id = self.model.row(current.row()).kpi_id
        if self._series is None or self._series.kpi_id != kpi_id:
            self._load_series(kpi_id)

    def _load_series(self, kpi_id: str) -> None:
        env = self.env
        if env is None:
            return
        from db.services.kpis import kpi_series

        self._selected_id = kpi_id
        try:
            with env.database.session() as s:
                series = kpi_series(s, kpi_id)
        except BoardpackError:
            series = None
        self._select_series(series)

    def _select_series(self, series: KpiSeries | None) -> None:
        if self._editing:
            self.cancel_editing()
        self._series = series
        if series is None:
            self.chart_title.setText("No indicator selected")
            self.chart.show_message("Choose an indicator to see its chart.")
        else:
            self.chart_title.setText(f"{series.reference}  {series.title}")
            self.chart_title.setAccessibleName(f"Indicator {series.reference}: {series.title}")
            self._draw_chart()
        self._show_narrative()
        self._show_rights()

    # Chart -----------------------------------------------------------------------

    @property
    def series(self) -> KpiSeries | None:
        return self._series

    def _first_painted(self) -> None:
        self._chart_allowed = True
        self._draw_chart()

    def _draw_chart(self) -> None:
        series = self._series
        if series is None:
            return
        if not self._chart_allowed:
            self.chart.show_message("Drawing the chart…")
            return
        if not series.points:
            self.chart.show_message(f"No values have been recorded for {series.reference} yet.")
            return
        self.chart.show_series(chart_series(series))

    def draw_chart_now(self) -> None:
        """Draw without waiting for the first paint (tests, print)."""
        self._chart_allowed = True
        self._draw_chart()

    # Narrative -------------------------------------------------------------------

    def _show_narrative(self) -> None:
        series = self._series
        self.narrative_error.hide()
        if series is None:
            self.narrative_edit.setPlainText("")
            self.narrative_by.setText("")
            return
        narrative = series.narrative
        if narrative.text:
            self.narrative_edit.setPlainText(narrative.text)
            if narrative.by and narrative.at:
                who = f"Written by {narrative.by} on {when_written(narrative.at)}"
            elif narrative.at:
                who = f"Written on {when_written(narrative.at)}"
            else:
                who = f"Written by {narrative.by}" if narrative.by else "Author not recorded"
        else:
            self.narrative_edit.setPlainText("")
            who = (
                "No narrative yet. The Select Committee asks for one on each sustained decline."
                if series.sustained_decline
                else "No narrative recorded."
            )
        self.narrative_by.setText(who)
        self.narrative_by.setAccessibleName(who)

    def _show_rights(self) -> None:
        can = self._can_edit and self._series is not None
        self.edit_button.setVisible(can and not self._editing)
        self.save_button.setVisible(self._editing)
        self.cancel_button.setVisible(self._editing)
        self.narrative_edit.setReadOnly(not self._editing)
        if self._can_edit:
            self.narrative_rights.setText("")
            self.narrative_rights.hide()
        else:
            self.narrative_rights.setText("Only the secretariat edits the narrative.")
            self.narrative_rights.show()
        self.import_button.setEnabled(self._can_edit and self.env is not None)
        why = (
            "Import monthly values for the plan's indicators from a CSV file"
            if self._can_edit
            else "Only the secretariat imports indicator values."
        )
        self.import_button.setToolTip(why)
        self.import_button.setAccessibleDescription(why)

    def start_editing(self) -> None:
        if not self._can_edit or self._series is None:
            return
        self._editing = True
        self._show_rights()
        self.narrative_edit.setFocus()

    def cancel_editing(self) -> None:
        self._editing = False
        self._show_narrative()
        self._show_rights()

    def save_narrative(self) -> None:
        env, series = self.env, self._series
        if env is None or series is None or not self._editing:
            return
        from db.services.kpis import set_narrative

        try:
            with env.database.begin(env.actor_id) as s:
                set_narrative(s, env.actor_id, series.kpi_id, self.narrative_edit.toPlainText())
        except BoardpackError as error:
            self.narrative_error.setText(f"⚠ {error}")
            self.narrative_error.show()
            return
        self._editing = False
        self.notice.say(f"Narrative for {series.reference} saved.")
        self._stale = True
        env.announce("kpis")
        if self._stale:
            self.reload()

    # Import ----------------------------------------------------------------------

    def _run(self, work: Any, done: Any, failed: Any) -> None:
        from desktop.background import Op, Worker, one_line

        if self._worker is None:
            self._worker = Worker(self)
        Op(self._worker, work).success(done).failure(lambda e: failed(one_line(e))).run()

    def _import(self, text: str, dry_run: bool) -> ImportReport:
        env = self.env
        assert env is not None and env.context.plan_id is not None
        from db.services.kpis import import_kpi_values

        with env.database.begin(env.actor_id) as s:
            return import_kpi_values(s, env.actor_id, env.context.plan_id, text, dry_run=dry_run)

    def open_import_dialog(self) -> ImportDialog | None:
        """Open the CSV import dialog (secretariat only; returns it, for tests)."""
        env = self.env
        if env is None or env.context.plan_id is None or not self._can_edit:
            return None
        from desktop.pages.performance_import import ImportDialog

        dialog = ImportDialog(self._import, self._run, self._imported, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _imported(self, report: ImportReport) -> None:
        env = self.env
        if env is None:
            return
        self.notice.say(
            f"Imported {report.rows_ok} indicator values from CSV: "
            f"{report.count(RowAction.NEW)} new months, "
            f"{report.count(RowAction.UPDATE)} months updated."
        )
        self._stale = True
        env.announce("kpis")
        if self._stale:
            self.reload()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the page's import worker (an import in progress finishes or rolls back)."""
        if self._worker is not None:
            self._worker.shutdown(timeout_ms)
