"""Small parts the browse pages share: headings, bordered panels, read-only tables, a notice line.

Kept together so the Risks and Performance pages look and behave alike — the
same heading sizes, the same panel border, tables that select whole rows,
sort by clicking a heading (the model sorts, in Python), wrap text and say
what they are to a screen reader — without each page repeating the
boilerplate. Qt only; no data.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from widgets.style import make_muted


def heading(text: str, scale: float = 1.25) -> QLabel:
    """A bold label, `scale` times the body size."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(text)
    return label


def muted(text: str = "", *, wrap: bool = True) -> QLabel:
    """Secondary text in the palette's quieter colour."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    make_muted(label)
    return label


def panel(name: str) -> tuple[QFrame, QVBoxLayout]:
    """A bordered, rounded panel and its layout (`name` is its object name)."""
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(
        f"QFrame#{name} {{ background: palette(base); border: 1px solid palette(mid);"
        " border-radius: 8px; }"
    )
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 10, 12, 10)
    layout.setSpacing(6)
    return frame, layout


def read_only_table(name: str, accessible_name: str, description: str = "") -> QTableView:
    """A table view for lists: whole rows selected, sortable headings, no editing."""
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible_name)
    if description:
        view.setAccessibleDescription(description)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(True)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    font = header.font()
    font.setBold(True)
    header.setFont(font)
    return view


def fixed_columns(view: QTableView, widths: dict[int, int], stretch: int) -> None:
    """Give columns fixed widths and let one stretch to fill the rest."""
    header = view.horizontalHeader()
    for column, width in widths.items():
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def fit_rows(view: QTableView, column: int, minimum: int) -> None:
    """Size each row to its wrapped text in `column` (at least `minimum` px high).

    Much cheaper than `resizeRowsToContents`, which asks every cell of every
    column for its size hint: only one column of these lists ever wraps.
    """
    model = view.model()
    if model is None:
        return
    metrics = view.fontMetrics()
    width = max(view.columnWidth(column) - 6, 40)  # the style's text margins, 3 px a side
    flags = int(Qt.TextFlag.TextWordWrap)
    for row in range(model.rowCount()):
        text = str(model.index(row, column).data() or "")
        height = metrics.boundingRect(0, 0, width, 10_000, flags, text).height() + 2
        view.setRowHeight(row, max(minimum, height))


class Notice(QLabel):
    """One line saying what just happened ("Review of R5 recorded."), read out when set."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pageNotice")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleName(text)
        self.setVisible(bool(text))
