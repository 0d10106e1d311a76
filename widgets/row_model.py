"""A read-only table model over a tuple of plain rows, described column by column.

Pages show lists of frozen dataclasses (register rows, indicators, import
errors); each list needs the same Qt plumbing — counts, headers, display
text, tooltips, what a screen reader says, a chip colour for
`widgets.rag_chip.ChipDelegate`, and sorting. `RowTableModel` does that once:
the caller passes `Column`s saying how to turn a row into each of those, and
`set_rows()` swaps the rows between `beginResetModel`/`endResetModel`.
Sorting happens here in Python on each column's `sort_key` (stable, blanks
last), never through a proxy model, so what the view shows is exactly the
model's own order. Knows nothing of the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from widgets.rag_chip import CHIP_COLOUR_ROLE, CHIP_MUTED_ROLE

R = TypeVar("R")
ModelIndex = QModelIndex | QPersistentModelIndex

#: Item-data role returning the whole row object of an index.
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: Item-data role returning the column's sort key for the row.
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter


@dataclass(frozen=True)
class Column(Generic[R]):
    """How one column shows a row.

    Args:
        header: the column heading.
        text: the cell's display text.
        sort_key: what the column sorts on (default: the text); None sorts last.
        tooltip: the cell's tooltip (default: none).
        spoken: what a screen reader says for the cell (default: header and text).
        chip: a "#RRGGBB" fill to paint the text on as a chip (None: a plain cell).
        bold: whether the cell's text is bold.
        align: the text alignment.
        header_tooltip: what the heading's tooltip explains.
    """

    header: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    tooltip: Callable[[R], str | None] | None = None
    spoken: Callable[[R], str] | None = None
    chip: Callable[[R], str | None] | None = None
    bold: Callable[[R], bool] | None = None
    align: Qt.AlignmentFlag = LEFT
    header_tooltip: str | None = None


def _blanks_last(key: Any) -> tuple[bool, Any]:
    return (key is None or key == "", key if key is not None else 0)


class RowTableModel(QAbstractTableModel, Generic[R]):
    """Read-only rows, one per item, shown through `Column`s and sorted in Python."""

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: tuple[R, ...] = ()
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # Rows ---------------------------------------------------------------

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace the rows (the current sort, if any, is applied to them)."""
        self.beginResetModel()
        self._rows = self._sorted(tuple(rows))
        self.endResetModel()

    def rows(self) -> tuple[R, ...]:
        return self._rows

    def row(self, index: int) -> R:
        return self._rows[index]

    def find(self, predicate: Callable[[R], bool]) -> int:
        """The position of the first row for which `predicate` holds, or -1."""
        return next((i for i, row in enumerate(self._rows) if predicate(row)), -1)

    @property
    def columns(self) -> tuple[Column[R], ...]:
        return self._columns

    def _sorted(self, rows: tuple[R, ...]) -> tuple[R, ...]:
        if self._sort is None:
            return rows
        column, order = self._sort
        spec = self._columns[column]
        key = spec.sort_key or spec.text
        return tuple(
            sorted(
                rows,
                key=lambda r: _blanks_last(key(r)),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
        )

    # Qt overrides -------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.header_tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self._columns):
            return None
        row = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column.spoken is not None:
                return column.spoken(row)
            text = column.text(row)
            return f"{column.header}: {text}" if text else f"{column.header}: none"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.FontRole and column.bold is not None and column.bold(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == CHIP_COLOUR_ROLE:
            return column.chip(row) if column.chip else None
        if role == CHIP_MUTED_ROLE:
            return False
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return (column.sort_key or column.text)(row)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_rows = [(i.row(), i.column()) for i in old]
        positions = {id(row): n for n, row in enumerate(self._rows)}
        self._sort = (column, order)
        self._rows = self._sorted(self._rows)
        new_position = {positions[id(row)]: n for n, row in enumerate(self._rows)}
        self.changePersistentIndexList(old, [self.index(new_position[r], c) for r, c in old_rows])
        self.layoutChanged.emit()
