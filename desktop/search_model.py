"""The list model behind the search palette: a heading per kind, then that kind's hits.

It presents what `db.services.search.search` returned and nothing else. A
heading row ("Actions", with how many were found) is enabled but not
selectable, so the keyboard moves from hit to hit across groups
(`next_hit_row`). Each hit row carries its `SearchHit` in `HIT_ROLE`; the
snippet, with its matches marked, is in `SNIPPET_ROLE` for the palette's
delegate to draw, and screen readers get the whole row as one sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from db.services.search import KIND_TITLES, SearchGroup, SearchHit, plain_snippet

ModelIndex = QModelIndex | QPersistentModelIndex

#: The `SearchHit` of a hit row (None on a heading).
HIT_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: True on a heading row.
HEADING_ROLE = int(Qt.ItemDataRole.UserRole) + 2
#: The kind of the row ("action", "risk", …).
KIND_ROLE = int(Qt.ItemDataRole.UserRole) + 3
#: A hit's snippet with its match marks (`db.services.search.MARK_OPEN` / `MARK_CLOSE`).
SNIPPET_ROLE = int(Qt.ItemDataRole.UserRole) + 4
#: A hit's second line ("Theme 2 · Amber"); a heading's count.
DETAIL_ROLE = int(Qt.ItemDataRole.UserRole) + 5

#: One record of each kind, as a screen reader says it.
KIND_NOUNS: dict[str, str] = {
    "action": "Action",
    "risk": "Risk",
    "kpi": "Indicator",
    "decision": "Decision",
    "minutes": "Minutes",
    "paper": "Paper",
}


class _Row(NamedTuple):
    kind: str
    hit: SearchHit | None  # None: the heading of the kind
    found: int  # on a heading: how many hits the kind has


class SearchResultsModel(QAbstractListModel):
    """Headings and hits of one search, in the order the service gave them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_groups(self, groups: Sequence[SearchGroup]) -> None:
        """Show the results of a new search (an empty list clears)."""
        self.beginResetModel()
        self._rows = []
        for group in groups:
            self._rows.append(_Row(group.kind, None, len(group.hits)))
            self._rows.extend(_Row(group.kind, hit, 0) for hit in group.hits)
        self.endResetModel()

    def hit_count(self) -> int:
        return sum(1 for row in self._rows if row.hit is not None)

    def group_count(self) -> int:
        return sum(1 for row in self._rows if row.hit is None)

    def hit(self, row: int) -> SearchHit | None:
        """The hit at `row` (None for a heading or out of range)."""
        return self._rows[row].hit if 0 <= row < len(self._rows) else None

    def next_hit_row(self, row: int, step: int) -> int:
        """The hit row `step` hits away from `row` (-1: from before the first), clamped.

        Headings are skipped; with no hits at all, -1.
        """
        hits = [i for i, r in enumerate(self._rows) if r.hit is not None]
        if not hits:
            return -1
        if row in hits:
            position = hits.index(row) + step
        elif step > 0:  # the first hit after `row` is one step
            position = sum(1 for i in hits if i < row) + step - 1
        else:  # the last hit before `row` is one step back
            position = sum(1 for i in hits if i < row) + step
        return hits[min(max(position, 0), len(hits) - 1)]

    # Qt ---------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].hit is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        hit = row.hit
        if role == Qt.ItemDataRole.DisplayRole:
            return KIND_TITLES[row.kind] if hit is None else hit.title
        if role == HIT_ROLE:
            return hit
        if role == HEADING_ROLE:
            return hit is None
        if role == KIND_ROLE:
            return row.kind
        if role == SNIPPET_ROLE:
            return "" if hit is None else hit.snippet
        if role == DETAIL_ROLE:
            if hit is None:
                return f"{row.found} found" if row.found != 1 else "1 found"
            return hit.detail
        if role == Qt.ItemDataRole.ToolTipRole and hit is not None:
            return "\n".join(p for p in (hit.title, hit.detail, plain_snippet(hit.snippet)) if p)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if hit is None:
                return f"{KIND_TITLES[row.kind]}: {row.found} found"
            parts = [f"{KIND_NOUNS[row.kind]} {hit.title}", hit.detail, plain_snippet(hit.snippet)]
            return ". ".join(p for p in parts if p)
        return None
