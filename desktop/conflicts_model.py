"""Table models behind the conflicts page: open conflicts, and your changes overridden.

Rows are plain tuples built from `db.sync.conflicts.OpenConflict` and
`desktop.sync_control.OverrideRow`; the models only present them. Records and
fields are named in the board's words ("Action 1.1 — Reform the MASH",
"Success measure") rather than table and column names, and each kind of
conflict is said as what happened ("Edited on two laptops"). The conflict or
override behind a row is in `CONFLICT_ROLE` / `OVERRIDE_ID_ROLE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

if TYPE_CHECKING:
    from db.sync.conflicts import OpenConflict
    from desktop.sync_control import OverrideRow

ModelIndex = QModelIndex | QPersistentModelIndex

#: The `OpenConflict` of a row.
CONFLICT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: The override id (int) of a row.
OVERRIDE_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 2

#: What a person calls a record of each table.
RECORD_NOUNS: dict[str, str] = {
    "actions": "Action",
    "actions_arising": "Action arising",
    "agenda_items": "Agenda item",
    "annotations": "Note on a paper",
    "attendance": "Attendance",
    "blobs": "File",
    "boards": "Board",
    "declarations": "Declaration of interest",
    "evidence": "Evidence",
    "kpi_values": "Indicator value",
    "kpis": "Indicator",
    "meetings": "Meeting",
    "memberships": "Membership",
    "milestones": "Milestone",
    "minutes_versions": "Minutes",
    "papers": "Paper",
    "people": "Person",
    "plans": "Plan",
    "progress_updates": "Progress update",
    "questions": "Question",
    "recommendations": "Recommendation",
    "risk_reviews": "Risk review",
    "risks": "Risk",
    "themes": "Theme",
}
#: Fields whose column name says little to a person.
FIELD_NAMES: dict[str, str] = {
    "~": "Whole record",
    "!": "Signed minutes",
    "content_json": "Minutes text",
    "rag": "RAG",
    "kpi_id": "Indicator",
}
KIND_TEXTS: dict[str, str] = {
    "text": "Edited on two laptops",
    "deleted": "Changed on one laptop, deleted on another",
    "frozen": "Changed after the minutes were signed",
}


def record_label(table_name: str, record: str) -> str:
    """ "actions 1.1 — Reform the MASH" → "Action 1.1 — Reform the MASH"."""
    noun = RECORD_NOUNS.get(table_name, table_name.replace("_", " ").capitalize())
    readable = table_name.replace("_", " ")
    rest = record[len(readable) :].strip() if record.startswith(readable) else record
    return f"{noun} {rest}".strip()


def field_label(field: str) -> str:
    """ "success_measure" → "Success measure"."""
    return FIELD_NAMES.get(field, field.replace("_", " ").capitalize())


def value_text(value: Any, field: str | None = None) -> str:
    """A stored value as a person reads it: "(empty)" for nothing, a RAG by its word."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if field == "rag" and isinstance(value, str):
        return value.capitalize()
    return str(value)


class ConflictRow(NamedTuple):
    record: str
    field: str
    kind: str
    versions: int
    conflict: OpenConflict


class ConflictListModel(QAbstractTableModel):
    """One row per open conflict: record, field, what happened, how many versions."""

    RECORD, FIELD, KIND, VERSIONS = range(4)
    HEADERS = ("Record", "Field", "What happened", "Versions")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[ConflictRow, ...] = ()

    def set_rows(self, conflicts: Sequence[OpenConflict]) -> None:
        """Replace the rows with these conflicts, in the order given."""
        self.beginResetModel()
        self._rows = tuple(
            ConflictRow(
                record_label(c.table_name, c.record),
                field_label(c.field),
                KIND_TEXTS.get(c.kind, c.kind),
                len(c.versions),
                c,
            )
            for c in conflicts
        )
        self.endResetModel()

    def conflict(self, row: int) -> OpenConflict:
        return self._rows[row].conflict

    def row_of(self, key: tuple[str, str, str]) -> int | None:
        """The row of the conflict with this (table, row id, field), if listed."""
        for row, item in enumerate(self._rows):
            if item.conflict.key == key:
                return row
        return None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (item.record, item.field, item.kind, str(item.versions))[column]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return (
                f"{item.record}, {item.field}: {item.kind}, {item.versions} versions"
                if column == self.RECORD
                else None
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.VERSIONS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == CONFLICT_ROLE:
            return item.conflict
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None


class OverrideListModel(QAbstractTableModel):
    """One row per overridden change: record, field, what you set, what was kept, by whom."""

    RECORD, FIELD, YOURS, KEPT, BY = range(5)
    HEADERS = ("Record", "Field", "You set", "Kept instead", "Changed by")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: tuple[tuple[int, str, str, str, str, str], ...] = ()

    def set_rows(self, overrides: Sequence[OverrideRow]) -> None:
        self.beginResetModel()
        self._rows = tuple(
            (
                o.id,
                record_label(o.table_name, o.record),
                field_label(o.field),
                value_text(o.yours, o.field),
                value_text(o.kept, o.field),
                o.by,
            )
            for o in overrides
        )
        self.endResetModel()

    def override_id(self, row: int) -> int:
        return self._rows[row][0]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column() + 1]
        if role == Qt.ItemDataRole.AccessibleTextRole and index.column() == self.RECORD:
            return f"{row[1]}, {row[2]}: you set {row[3]}, {row[5]} set {row[4]}, which was kept"
        if role == OVERRIDE_ID_ROLE:
            return row[0]
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None
