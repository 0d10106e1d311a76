"""The Dashboard page: the board's position at a glance, and the way into each page.

It renders one `db.views.DashboardSummary` and nothing else — no queries, no
session — so the window can load the figures wherever it likes and the page
only draws them. Every figure is a button (`widgets.metric_tile.MetricTile`)
that asks the window to open the page behind it through `navigate_requested`;
later issues will apply the matching filter there. RAG counts per theme are a
table whose cells are chips with the count as text; a key says what each RAG
means for this plan.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.pages.theme_rag_model import (
    RAG_COLUMNS,
    THEME_NUMBER_ROLE,
    TOTAL,
    UNRATED,
    ThemeRagModel,
)
from widgets.metric_tile import MetricTile
from widgets.rag_chip import ChipDelegate, RagChip
from widgets.style import make_muted

if TYPE_CHECKING:
    from db.views import DashboardSummary, KpiTrend, MeetingRef, RagKeyEntry

#: Accent colours for the tiles; they repeat what the figure's text says.
ACCENT_ALERT = "#d4351c"
ACCENT_WARN = "#e28a00"
ACCENT_OK = "#00703c"
ACCENT_INFO = "#1d70b8"

MAX_KPIS_LISTED = 5
#: Page widths (px) from which the tiles sit four in a row, and the side panels
#: beside the theme table; below them the page stacks (narrow or zoomed screens).
TILES_IN_A_ROW_FROM = 950
SIDE_BY_SIDE_FROM = 1060
#: Width of each count column of the theme table, and the least the titles get.
COUNT_COLUMN_WIDTH = 72
THEME_TITLE_MIN_WIDTH = 230
# What each figure tile's list is, as a filter of the page it opens.
TILE_FILTERS: dict[str, dict[str, object]] = {
    "plan": {"overdue": True},
    "risks": {"above_target": True},
    "performance": {"sustained_decline": True},
    "meetings": {"next": True},
}


def long_date(day: dt.date) -> str:
    """ "Tuesday 12 February 2019" (portable: no platform-specific strftime flags)."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    """ "12 Feb 2019"."""
    return f"{day.day} {day:%b %Y}"


def format_value(value: float, unit: str) -> str:
    """A KPI value with its unit: "24.1%", "18 days", "512.3 per 10,000"."""
    number = f"{value:,.1f}".removesuffix(".0")
    return f"{number}%" if unit.strip() == "%" else f"{number} {unit}".strip()


def _heading(text: str, scale: float = 1.25) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(text)
    return label


def _muted(label: QLabel) -> QLabel:
    make_muted(label)
    return label


def _panel() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("dashboardPanel")
    frame.setStyleSheet(
        "QFrame#dashboardPanel { background: palette(base); border: 1px solid palette(mid);"
        " border-radius: 8px; }"
    )
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 12)
    layout.setSpacing(8)
    return frame, layout


class DashboardPage(QWidget):
    """Header, four figure tiles, RAG by theme, declining indicators and the RAG key."""

    #: A page key ("plan", "risks", "performance", "meetings") the user asked to open.
    navigate_requested = Signal(str)
    #: (page key, filter) — a number clicked through to the list behind it.
    filter_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-dashboard")
        self.setAccessibleName("Dashboard page")
        self._summary: DashboardSummary | None = None

        # Header --------------------------------------------------------
        self.board_label = _heading("Boardpack", 1.7)
        self.board_label.setObjectName("boardName")
        self.plan_label = _muted(QLabel(""))
        self.plan_label.setObjectName("planTitle")
        self.plan_label.setWordWrap(True)
        self.as_at_label = _muted(QLabel(""))
        self.as_at_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        header = QGridLayout()
        header.setHorizontalSpacing(16)
        header.setVerticalSpacing(2)
        header.addWidget(self.board_label, 0, 0)
        header.addWidget(self.as_at_label, 0, 1)
        header.addWidget(self.plan_label, 1, 0, 1, 2)
        header.setColumnStretch(0, 1)

        # Message (loading, no board, no plan) -----------------------------
        self.message_label = QLabel("")
        self.message_label.setObjectName("dashboardMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.hide()

        # Tiles ---------------------------------------------------------
        self.overdue_tile = MetricTile("Overdue actions", "Plan")
        self.risks_tile = MetricTile("Risks above target", "Risks")
        self.kpis_tile = MetricTile("Indicators in sustained decline", "Performance")
        self.meeting_tile = MetricTile("Next meeting", "Meetings")
        self.tiles: dict[str, MetricTile] = {
            "plan": self.overdue_tile,
            "risks": self.risks_tile,
            "performance": self.kpis_tile,
            "meetings": self.meeting_tile,
        }
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(12)
        for key, tile in self.tiles.items():
            tile.clicked.connect(
                lambda _=False, key=key: self.filter_requested.emit(key, TILE_FILTERS[key])
            )

        # Progress by theme ---------------------------------------------
        self.theme_model = ThemeRagModel(self)
        self.theme_table = QTableView()
        self.theme_table.setObjectName("themeRagTable")
        self.theme_table.setAccessibleName("Actions by RAG for each theme")
        self.theme_table.setAccessibleDescription(
            "One row per theme of the plan; each cell counts the theme's actions at that "
            "RAG. Activate a count to open the Plan page."
        )
        self.theme_table.setModel(self.theme_model)
        self.theme_table.setItemDelegate(ChipDelegate(56, self.theme_table))
        self.theme_table.verticalHeader().hide()
        self.theme_table.setShowGrid(False)
        self.theme_table.setAlternatingRowColors(True)
        self.theme_table.setWordWrap(True)
        self.theme_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.theme_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.theme_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.theme_table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.theme_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.theme_table.setFrameShape(QFrame.Shape.NoFrame)
        header_view = self.theme_table.horizontalHeader()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header_view.setHighlightSections(False)
        header_font = header_view.font()
        header_font.setBold(True)
        header_view.setFont(header_font)
        for column in range(1, self.theme_model.columnCount()):
            header_view.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header_view.resizeSection(column, COUNT_COLUMN_WIDTH)
        self.theme_table.setMinimumWidth(
            THEME_TITLE_MIN_WIDTH + COUNT_COLUMN_WIDTH * (self.theme_model.columnCount() - 1)
        )
        self.theme_table.clicked.connect(self._on_cell_activated)
        self.theme_table.activated.connect(self._on_cell_activated)
        self.themes_empty_label = _muted(QLabel(""))
        self.themes_empty_label.setWordWrap(True)
        self.themes_empty_label.hide()

        themes_panel, themes_layout = _panel()
        themes_layout.addWidget(_heading("Progress by theme"))
        themes_layout.addWidget(self.theme_table)
        themes_layout.addWidget(self.themes_empty_label)

        # Indicators in sustained decline --------------------------------
        kpi_panel, kpi_layout = _panel()
        kpi_layout.addWidget(_heading("Indicators in sustained decline"))
        self.kpi_rule_label = _muted(
            QLabel("Each of the last three or more monthly moves went the wrong way.")
        )
        self.kpi_rule_label.setWordWrap(True)
        kpi_layout.addWidget(self.kpi_rule_label)
        self.kpi_list = QVBoxLayout()
        self.kpi_list.setSpacing(6)
        kpi_layout.addLayout(self.kpi_list)
        self.kpi_more_button = QPushButton("Open Performance")
        self.kpi_more_button.setAccessibleName("Open the Performance page")
        self.kpi_more_button.clicked.connect(lambda: self.navigate_requested.emit("performance"))
        kpi_layout.addWidget(self.kpi_more_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._kpi_widgets: list[QWidget] = []

        # RAG key --------------------------------------------------------
        key_panel, key_layout = _panel()
        key_layout.addWidget(_heading("RAG key"))
        self.key_grid = QGridLayout()
        self.key_grid.setHorizontalSpacing(10)
        self.key_grid.setVerticalSpacing(6)
        key_layout.addLayout(self.key_grid)
        self.key_chips: list[RagChip] = []

        side = QVBoxLayout()
        side.setSpacing(12)
        side.addWidget(kpi_panel)
        side.addWidget(key_panel)
        side.addStretch(1)

        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(12)
        self.body.addWidget(themes_panel, 2, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(side, 1)

        self.content = QWidget()
        self.content.setObjectName("dashboardContent")
        content_layout = QVBoxLayout(self.content)
        content_layout.setContentsMargins(24, 18, 24, 18)
        content_layout.setSpacing(14)
        content_layout.addLayout(header)
        content_layout.addWidget(self.message_label)
        self.figures = QWidget()
        figures_layout = QVBoxLayout(self.figures)
        figures_layout.setContentsMargins(0, 0, 0, 0)
        figures_layout.setSpacing(14)
        figures_layout.addLayout(self.tile_grid)
        figures_layout.addLayout(self.body)
        figures_layout.addStretch(1)
        content_layout.addWidget(self.figures, 1)

        scroll = QScrollArea()
        scroll.setAccessibleName("Dashboard")
        scroll.setWidget(self.content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self._tile_columns = 0
        self._arrange(TILES_IN_A_ROW_FROM + 1)
        self.show_message("Loading the board…")

    # Public API ---------------------------------------------------------

    @property
    def summary(self) -> DashboardSummary | None:
        return self._summary

    def show_message(self, text: str, heading: str = "Boardpack") -> None:
        """Show a sentence instead of figures (loading, no board in the database)."""
        self._summary = None
        self.board_label.setText(heading)
        self.plan_label.setText("")
        self.as_at_label.setText("")
        self.message_label.setText(text)
        self.message_label.show()
        self.figures.hide()

    def show_summary(self, summary: DashboardSummary) -> None:
        """Render the board's figures."""
        self._summary = summary
        self.message_label.hide()
        self.figures.show()
        self.board_label.setText(summary.board_name)
        self.board_label.setAccessibleName(f"Board: {summary.board_name}")
        self.plan_label.setText(summary.plan_title or "This board has no improvement plan yet.")
        self.as_at_label.setText(f"Figures as at {long_date(summary.today)}")
        self._show_tiles(summary)
        self._show_themes(summary)
        self._show_kpis(summary.kpis_in_decline, summary.counts.kpis)
        self._show_key(summary.rag_key)

    def kpi_entries(self) -> list[str]:
        """What the declining-indicators panel lists, as read aloud (for tests and audits)."""
        return [entry.accessibleName() for entry in self._kpi_widgets]

    # Rendering ----------------------------------------------------------

    def _show_tiles(self, s: DashboardSummary) -> None:
        overdue = s.overdue_actions
        self.overdue_tile.set_value(
            str(overdue),
            f"of {s.counts.actions} actions are past their due date and not Blue",
            accent=ACCENT_ALERT if overdue else ACCENT_OK,
        )
        above = s.risks_above_target
        self.risks_tile.set_value(
            str(above),
            f"of {s.open_risks} open risks score above their target",
            accent=ACCENT_WARN if above else ACCENT_OK,
        )
        declining = len(s.kpis_in_decline)
        self.kpis_tile.set_value(
            str(declining),
            f"of {s.counts.kpis} indicators worse three or more months running",
            accent=ACCENT_ALERT if declining else ACCENT_OK,
        )
        self._show_meeting(s.next_meeting, s.today, s.board_code)

    def _show_meeting(self, meeting: MeetingRef | None, today: dt.date, board_code: str) -> None:
        if meeting is None:
            self.meeting_tile.set_value("None planned", f"No {board_code} meeting is planned")
            return
        when = f"{meeting.meeting_date:%A}"
        if meeting.start_time is not None:
            when += f" {meeting.start_time:%H:%M}"
        parts = [meeting.board_code, when]
        if meeting.venue:
            # The room is enough on the tile; the full address is in the tooltip.
            parts.append(meeting.venue.split(",")[0].strip())
        if meeting.hybrid:
            parts.append("hybrid")
        detail = " · ".join(parts)
        if meeting.meeting_date < today:
            detail += "\nDate has passed; still marked planned"
            accent = ACCENT_WARN
        else:
            accent = ACCENT_INFO
        self.meeting_tile.set_value(short_date(meeting.meeting_date), detail, accent=accent)
        lines = [long_date(meeting.meeting_date)]
        if meeting.start_time is not None:
            lines[0] += f" at {meeting.start_time:%H:%M}"
        if meeting.venue:
            lines.append(meeting.venue)
        if meeting.hybrid:
            lines.append("In the room and online")
        self.meeting_tile.setToolTip("\n".join([*lines, "Click to open Meetings"]))

    def _show_themes(self, s: DashboardSummary) -> None:
        total = s.all_themes if s.themes else None
        self.theme_model.set_rows(s.themes, s.rag_key, total)
        self.theme_table.setColumnHidden(UNRATED, not self.theme_model.has_unrated())
        has_rows = bool(s.themes)
        self.theme_table.setVisible(has_rows)
        if s.plan_title is None:
            self.themes_empty_label.setText("No improvement plan has been recorded for this board.")
        else:
            self.themes_empty_label.setText("The plan has no themes yet.")
        self.themes_empty_label.setVisible(not has_rows)
        self._fit_table()

    def _fit_table(self) -> None:
        table = self.theme_table
        table.resizeRowsToContents()
        for row in range(self.theme_model.rowCount()):
            table.setRowHeight(row, max(table.rowHeight(row), 40))
        height = table.horizontalHeader().sizeHint().height() + 2
        height += sum(table.rowHeight(r) for r in range(self.theme_model.rowCount()))
        table.setFixedHeight(height)

    def _arrange(self, width: int) -> None:
        """Four tiles in a row and the side panels beside the table when there is room."""
        columns = 4 if width >= TILES_IN_A_ROW_FROM else 2
        if columns != self._tile_columns:
            self._tile_columns = columns
            for tile in self.tiles.values():
                self.tile_grid.removeWidget(tile)
            for i, tile in enumerate(self.tiles.values()):
                self.tile_grid.addWidget(tile, i // columns, i % columns)
            for column in range(4):
                self.tile_grid.setColumnStretch(column, 1 if column < columns else 0)
        direction = (
            QBoxLayout.Direction.LeftToRight
            if width >= SIDE_BY_SIDE_FROM
            else QBoxLayout.Direction.TopToBottom
        )
        if self.body.direction() != direction:
            self.body.setDirection(direction)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())
        # Wrapped theme titles change height with the width.
        if self._summary is not None:
            self._fit_table()

    def _show_kpis(self, trends: tuple[KpiTrend, ...], kpi_count: int) -> None:
        for widget in self._kpi_widgets:
            self.kpi_list.removeWidget(widget)
            widget.deleteLater()
        self._kpi_widgets = []
        if not trends:
            text = (
                "None: no indicator has worsened three months running."
                if kpi_count
                else "No performance indicators are recorded for this plan yet."
            )
            self._add_kpi_entry(text)
        for trend in trends[:MAX_KPIS_LISTED]:
            direction = "higher is better" if trend.higher_is_better else "lower is better"
            self._add_kpi_entry(
                f"{trend.reference}  {trend.title}",
                f"Worse {trend.wrong_moves} months running ({direction}) · "
                f"{trend.latest_period:%b %Y}: {format_value(trend.latest_value, trend.unit)}",
            )
        hidden = len(trends) - MAX_KPIS_LISTED
        if hidden > 0:
            self._add_kpi_entry(f"…and {hidden} more on the Performance page.")

    def _add_kpi_entry(self, title: str, detail: str = "") -> None:
        entry = QWidget()
        layout = QVBoxLayout(entry)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        title_label = QLabel(title)
        title_label.setTextFormat(Qt.TextFormat.PlainText)
        title_label.setWordWrap(True)
        layout.addWidget(title_label)
        if detail:
            font = title_label.font()
            font.setBold(True)
            title_label.setFont(font)
            detail_label = _muted(QLabel(detail))
            detail_label.setTextFormat(Qt.TextFormat.PlainText)
            detail_label.setWordWrap(True)
            layout.addWidget(detail_label)
        else:
            _muted(title_label)
        entry.setAccessibleName(f"{title}. {detail}" if detail else title)
        self.kpi_list.addWidget(entry)
        self._kpi_widgets.append(entry)

    def _show_key(self, key: tuple[RagKeyEntry, ...]) -> None:
        while self.key_grid.count():
            item = self.key_grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.key_chips = []
        for row, entry in enumerate(key):
            chip = RagChip(
                entry.rag, entry.label, entry.colour, description=f"{entry.label}: {entry.meaning}"
            )
            meaning = QLabel(entry.meaning)
            meaning.setWordWrap(True)
            meaning.setTextFormat(Qt.TextFormat.PlainText)
            self.key_grid.addWidget(chip, row, 0, Qt.AlignmentFlag.AlignTop)
            self.key_grid.addWidget(meaning, row, 1)
            self.key_chips.append(chip)
        self.key_grid.setColumnStretch(1, 1)

    def _on_cell_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        if not (index.isValid() and index.column() != 0 and index.column() <= TOTAL):
            return
        spec: dict[str, object] = {}
        theme = index.data(THEME_NUMBER_ROLE)
        if theme is not None:  # the "All themes" row has none
            spec["theme"] = theme
        rag = RAG_COLUMNS.get(index.column())
        if rag is not None:
            spec["rag"] = rag
        elif index.column() == UNRATED:
            spec["rag"] = "none"
        self.filter_requested.emit("plan", spec)
