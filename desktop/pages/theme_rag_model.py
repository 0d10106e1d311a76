"""The table model behind the dashboard's "Progress by theme": RAG counts per theme.

Rows are plain tuples built from `db.views.ThemeRag` values (one per theme,
then an "All themes" total row); the RAG columns carry their colour in
`CHIP_COLOUR_ROLE` so `widgets.rag_chip.ChipDelegate` paints each count as a
chip — the count is always the text, the colour only repeats it, and the
header names the RAG. Screen readers get "3 actions Amber" per cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from widgets.rag_chip import CHIP_COLOUR_ROLE, CHIP_MUTED_ROLE

if TYPE_CHECKING:
    from db.views import RagKeyEntry, ThemeRag

ModelIndex = QModelIndex | QPersistentModelIndex

THEME, BLUE, GREEN, AMBER, RED, UNRATED, TOTAL = range(7)
RAG_COLUMNS: dict[int, str] = {BLUE: "blue", GREEN: "green", AMBER: "amber", RED: "red"}
UNRATED_COLOUR = "#505a5f"

#: The theme number of a row (0 for the "All themes" row).
THEME_NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: The raw count (int) of a count cell.
COUNT_ROLE = int(Qt.ItemDataRole.UserRole) + 2


class ThemeRow(NamedTuple):
    number: int  # 0 for the total row
    title: str
    counts: tuple[int, int, int, int, int]  # blue, green, amber, red, unrated
    total: int
    is_total: bool


class ThemeRagModel(QAbstractTableModel):
    """Read-only: one row per theme with its actions counted by RAG, then the totals."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[ThemeRow, ...] = ()
        self._labels = {"blue": "Blue", "green": "Green", "amber": "Amber", "red": "Red"}
        self._meanings: dict[str, str] = {}
        self._colours = {
            "blue": "#1d70b8",
            "green": "#00703c",
            "amber": "#ffb000",
            "red": "#d4351c",
        }

    def set_rows(
        self,
        themes: Sequence[ThemeRag],
        rag_key: Sequence[RagKeyEntry],
        total: ThemeRag | None = None,
    ) -> None:
        """Replace the rows (themes in order, then `total` if given)."""
        self.beginResetModel()
        for entry in rag_key:
            self._labels[entry.rag] = entry.label
            self._meanings[entry.rag] = entry.meaning
            self._colours[entry.rag] = entry.colour
        rows = [self._row(theme, is_total=False) for theme in themes]
        if total is not None:
            rows.append(self._row(total, is_total=True))
        self._rows = tuple(rows)
        self.endResetModel()

    @staticmethod
    def _row(theme: ThemeRag, *, is_total: bool) -> ThemeRow:
        counts = (theme.blue, theme.green, theme.amber, theme.red, theme.unrated)
        return ThemeRow(theme.number, theme.title, counts, sum(counts), is_total)

    def row_data(self, row: int) -> ThemeRow:
        return self._rows[row]

    def has_unrated(self) -> bool:
        return any(r.counts[4] for r in self._rows)

    # Qt overrides -------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < 7:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header(section)
        if role == Qt.ItemDataRole.ToolTipRole:
            rag = RAG_COLUMNS.get(section)
            if rag is not None:
                return f"{self._labels[rag]}: {self._meanings.get(rag, '')}".rstrip(": ")
            if section == UNRATED:
                return "Actions with no RAG recorded yet"
            if section == TOTAL:
                return "All actions in the theme"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if section == THEME:
                return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _header(self, column: int) -> str:
        if column == THEME:
            return "Theme"
        if column in RAG_COLUMNS:
            return self._labels[RAG_COLUMNS[column]]
        return "No RAG" if column == UNRATED else "Total"

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        count = (
            None if column == THEME else (row.total if column == TOTAL else row.counts[column - 1])
        )
        if role == Qt.ItemDataRole.DisplayRole:
            if column == THEME:
                return row.title if row.is_total else f"{row.number}  {row.title}"
            return str(count)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._spoken(row, column, count)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == THEME:
                return Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.FontRole and (row.is_total or column == TOTAL):
            font = QFont()
            font.setBold(True)
            return font
        if role == CHIP_COLOUR_ROLE:
            if column in RAG_COLUMNS:
                return self._colours[RAG_COLUMNS[column]]
            if column == UNRATED:
                return UNRATED_COLOUR
            return None
        if role == CHIP_MUTED_ROLE:
            return (column in RAG_COLUMNS or column == UNRATED) and count == 0
        if role == THEME_NUMBER_ROLE:
            return row.number
        if role == COUNT_ROLE:
            return count
        return None

    def _spoken(self, row: ThemeRow, column: int, count: int | None) -> str:
        where = row.title if row.is_total else f"Theme {row.number} {row.title}"
        if column == THEME:
            return where
        noun = "action" if count == 1 else "actions"
        if column in RAG_COLUMNS:
            rag = RAG_COLUMNS[column]
            meaning = self._meanings.get(rag)
            what = f"{count} {noun} {self._labels[rag]}"
            return f"{what} ({meaning}) — {where}" if meaning else f"{what} — {where}"
        if column == UNRATED:
            return f"{count} {noun} with no RAG yet — {where}"
        return f"{count} {noun} in all — {where}"

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
