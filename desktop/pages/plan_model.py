"""The item model behind the Plan page's tree: themes, and under each its actions.

A `QAbstractItemModel` over the plain tuples `db.services.plan.plan_tree`
returns (read with its `ROW_*` indexes) —
no `QStandardItemModel`, no proxy: filtering happens in SQL, sorting here in
Python, and `set_tree` swaps the rows between `beginResetModel` and
`endResetModel`. Two levels only, so an index's internal id says where it is:
0 for a theme row, the theme's row + 1 for an action under it; `data` does no
work beyond formatting the one cell asked for, so a 20,000-action plan costs
what the view shows. The RAG column carries its colour in `CHIP_COLOUR_ROLE`
for `widgets.rag_chip.ChipDelegate`, with the RAG's label as its text; the
overdue column says "Overdue" beside an icon. Screen readers get a sentence
per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon

from db.services.plan import (
    ROW_DUE,
    ROW_ID,
    ROW_OVERDUE,
    ROW_OWNER,
    ROW_RAG,
    ROW_REFERENCE,
    ROW_TITLE,
)
from widgets.rag_chip import CHIP_COLOUR_ROLE

if TYPE_CHECKING:
    from db.services.plan import ActionRow, ThemeBranch
    from db.views import RagKeyEntry

ModelIndex = QModelIndex | QPersistentModelIndex

REFERENCE, TITLE, OWNER, DUE, RAG, OVERDUE = range(6)
HEADERS = ("Ref", "Action", "Owner", "Due", "RAG", "Overdue")

#: The action id of an action row (None on a theme row).
ACTION_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: The theme number of a row (a theme row or an action under it).
THEME_NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 2
#: The RAG value of an action row ("amber"; None when unrated).
RAG_ROLE = int(Qt.ItemDataRole.UserRole) + 3

_COLUMNS = len(HEADERS)
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

NO_RAG_LABEL = "No RAG"
NO_RAG_COLOUR = "#505a5f"
DEFAULT_COLOURS = {"blue": "#1d70b8", "green": "#00703c", "amber": "#ffb000", "red": "#d4351c"}


def short_date(day: dt.date | None) -> str:
    """ "12 Feb 2019", or "" for no date."""
    return f"{day.day} {day:%b %Y}" if day is not None else ""


class PlanTreeModel(QAbstractItemModel):
    """Read-only tree: theme rows, each with its (filtered) action rows."""

    def __init__(self, parent: QObject | None = None, *, overdue_icon: QIcon | None = None) -> None:
        super().__init__(parent)
        self._themes: tuple[ThemeBranch, ...] = ()
        self._filtered = False
        self._labels = {"blue": "Blue", "green": "Green", "amber": "Amber", "red": "Red"}
        self._colours = dict(DEFAULT_COLOURS)
        self._meanings: dict[str, str] = {}
        self._overdue_icon = overdue_icon
        self._where: dict[str, tuple[int, int]] = {}
        self._bold = QFont()
        self._bold.setBold(True)

    # Public API ---------------------------------------------------------

    def set_rag_key(self, key: Sequence[RagKeyEntry]) -> None:
        """Use the plan's own RAG labels, colours and meanings."""
        for entry in key:
            self._labels[entry.rag] = entry.label
            self._colours[entry.rag] = entry.colour
            self._meanings[entry.rag] = entry.meaning
        if self._themes:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._themes) - 1, len(HEADERS) - 1)
            )

    def set_tree(self, themes: Sequence[ThemeBranch], *, filtered: bool = False) -> None:
        """Replace every row (`filtered`: theme rows say "n of m actions")."""
        self.beginResetModel()
        self._themes = tuple(themes)
        self._filtered = filtered
        self._where = {}
        self.endResetModel()

    def rag_label(self, rag: str | None) -> str:
        return self._labels.get(rag, rag.capitalize()) if rag else NO_RAG_LABEL

    def rag_colour(self, rag: str | None) -> str:
        return self._colours.get(rag, NO_RAG_COLOUR) if rag else NO_RAG_COLOUR

    def themes(self) -> tuple[ThemeBranch, ...]:
        return self._themes

    def action_count(self) -> int:
        return sum(len(t.actions) for t in self._themes)

    def action_row(self, index: ModelIndex) -> ActionRow | None:
        """The action tuple behind `index`, or None for a theme row."""
        if not index.isValid() or index.internalId() == 0:
            return None
        return self._themes[index.internalId() - 1].actions[index.row()]

    def index_of_action(self, action_id: str, column: int = 0) -> QModelIndex:
        """The index of the action with this id (invalid when it is not shown)."""
        if not self._where:
            self._where = {
                row[ROW_ID]: (t, r)
                for t, theme in enumerate(self._themes)
                for r, row in enumerate(theme.actions)
            }
        where = self._where.get(action_id)
        if where is None:
            return QModelIndex()
        theme_row, row = where
        return self.createIndex(row, column, theme_row + 1)

    def theme_index(self, number: int) -> QModelIndex:
        for row, theme in enumerate(self._themes):
            if theme.number == number:
                return self.index(row, 0)
        return QModelIndex()

    # Qt overrides -------------------------------------------------------

    # These run once per row whenever the view lays out expanded themes, so they
    # do as little as possible.

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not 0 <= column < _COLUMNS or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row < len(self._themes):
                return self.createIndex(row, column, 0)
            return QModelIndex()
        theme_row = parent.row()
        if (
            parent.internalId() == 0
            and theme_row < len(self._themes)
            and row < len(self._themes[theme_row].actions)
        ):
            return self.createIndex(row, column, theme_row + 1)
        return QModelIndex()

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        internal = index.internalId() if index.isValid() else 0
        if internal == 0:
            return QModelIndex()
        return self.createIndex(internal - 1, 0, 0)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._themes)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._themes[parent.row()].actions)
        return 0

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return _COLUMNS

    def hasChildren(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008
        if not parent.isValid():
            return bool(self._themes)
        return (
            parent.internalId() == 0
            and parent.column() == 0
            and bool(self._themes[parent.row()].actions)
        )

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                REFERENCE: "The action's reference in the plan",
                TITLE: "What will be done",
                OWNER: "Who owns the action",
                DUE: "When it is due",
                RAG: "Its current RAG rating",
                OVERDUE: "Past its due date and not Blue",
            }[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self._theme_data(self._themes[index.row()], index.column(), role)
        theme = self._themes[index.internalId() - 1]
        return self._action_data(theme, theme.actions[index.row()], index.column(), role)

    def _theme_data(self, theme: ThemeBranch, column: int, role: int) -> Any:
        if role == THEME_NUMBER_ROLE:
            return theme.number
        if column != 0:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            shown = len(theme.actions)
            if self._filtered:
                count = f"{shown:,} of {theme.total_actions:,} actions"
            else:
                count = f"{shown:,} action" + ("" if shown == 1 else "s")
            return f"Theme {theme.number}  {theme.title}  ({count})"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"Theme {theme.number}: {theme.title}"
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        return None

    def _action_data(self, theme: ThemeBranch, row: ActionRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == REFERENCE:
                return row[ROW_REFERENCE]
            if column == TITLE:
                return row[ROW_TITLE]
            if column == OWNER:
                return row[ROW_OWNER] or "No owner"
            if column == DUE:
                return short_date(row[ROW_DUE]) or "No date"
            if column == RAG:
                return self.rag_label(row[ROW_RAG])
            return "Overdue" if row[ROW_OVERDUE] else ""
        if role == ACTION_ID_ROLE:
            return row[ROW_ID]
        if role == THEME_NUMBER_ROLE:
            return theme.number
        if role == RAG_ROLE:
            return row[ROW_RAG]
        if role == CHIP_COLOUR_ROLE:
            return self.rag_colour(row[ROW_RAG]) if column == RAG else None
        if role == Qt.ItemDataRole.DecorationRole:
            if column == OVERDUE and row[ROW_OVERDUE] and self._overdue_icon is not None:
                return self._overdue_icon
            return None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if column == OVERDUE and row[ROW_OVERDUE] else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RAG:
                meaning = self._meanings.get(row[ROW_RAG] or "")
                label = self.rag_label(row[ROW_RAG])
                return f"{label}: {meaning}" if meaning else label
            if column == TITLE:
                return row[ROW_TITLE]
            if column == OVERDUE and row[ROW_OVERDUE]:
                return f"Due {short_date(row[ROW_DUE])} and not Blue"
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.spoken(row)
        return None

    def spoken(self, row: ActionRow) -> str:
        """An action row as one sentence."""
        parts = [
            f"Action {row[ROW_REFERENCE]}: {row[ROW_TITLE]}",
            f"owner {row[ROW_OWNER]}" if row[ROW_OWNER] else "no owner",
            f"due {short_date(row[ROW_DUE])}" if row[ROW_DUE] else "no due date",
            f"RAG {self.rag_label(row[ROW_RAG])}",
        ]
        if row[ROW_OVERDUE]:
            parts.append("overdue")
        return ", ".join(parts)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the actions within each theme (themes stay in number order)."""
        from db.services.plan import reference_key

        rag_rank = {"red": 0, "amber": 1, "green": 2, "blue": 3}
        keys = {
            REFERENCE: lambda r: reference_key(r[ROW_REFERENCE]),
            TITLE: lambda r: r[ROW_TITLE].casefold(),
            OWNER: lambda r: (r[ROW_OWNER] is None, (r[ROW_OWNER] or "").casefold()),
            DUE: lambda r: (r[ROW_DUE] is None, r[ROW_DUE] or dt.date.min),
            RAG: lambda r: rag_rank.get(r[ROW_RAG] or "", 4),
            OVERDUE: lambda r: not r[ROW_OVERDUE],
        }
        key = keys.get(column)
        if key is None or not self._themes:
            return
        from dataclasses import replace

        reverse = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        ids = [(self.action_row(i), i.column()) for i in before]
        self._themes = tuple(
            replace(t, actions=tuple(sorted(t.actions, key=key, reverse=reverse)))
            for t in self._themes
        )
        self._where = {}
        after = []
        for old, (row, col) in zip(before, ids, strict=True):
            after.append(
                self.index_of_action(row[ROW_ID], col)
                if row is not None
                else self.index(old.row(), col)
            )
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()
