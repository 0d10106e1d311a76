"""Qt item models for the Meetings page: the meeting lists, the agenda, attendance, decisions.

All read-only tables over frozen rows: the meeting lists over
`db.services.meetings.meetings_of`; the agenda, declarations and decisions over
what `db.services.meeting_view.meeting_view` returns (its `ItemView`s,
`db.services.declarations.DeclarationView`s and
`db.services.meeting_decisions.DecisionView`s); attendance over `AttendanceRow`s,
made by `desktop.pages.meetings_attendance.attendance_rows` from the board's
people and the view's `db.services.attendance.AttendanceView`s. The agenda
model also takes drags: a row dropped elsewhere emits `move_requested(item
id, new position)` and the page writes the move through the service (which
renumbers); the model itself changes only when the page reloads it, so what
is shown is always what was committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from widgets.row_model import CENTRE, Column, RowTableModel

ModelIndex = QModelIndex | QPersistentModelIndex
AGENDA_MIME = "application/x-boardpack-agenda-row"


def long_date(day: dt.date | None) -> str:
    return f"{day:%a} {day.day} {day:%B %Y}" if day else ""


def short_time(value: dt.time | None) -> str:
    return f"{value:%H:%M}" if value else ""


def meeting_columns() -> list[Column[Any]]:
    return [
        Column("Date", lambda r: long_date(r.meeting_date), sort_key=lambda r: r.meeting_date),
        Column("Board", lambda r: r.board_code),
        Column("Starts", lambda r: short_time(r.start_time), align=CENTRE),
        Column("Venue", lambda r: r.venue or ""),
        Column("Status", lambda r: r.status_label),
        Column("Items", lambda r: str(r.item_count), sort_key=lambda r: r.item_count, align=CENTRE),
    ]


class MeetingListModel(RowTableModel[Any]):
    """Meetings, one a row: date, board, start, venue, status, number of items."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(meeting_columns(), parent)


def links_text(item: Any) -> str:
    """The plan actions, risks and indicators an item concerns, by reference ("2.3, R5, PI 04")."""
    return ", ".join(link.label.split(" ")[0] for link in (*item.actions, *item.risks, *item.kpis))


def links_long(item: Any) -> str:
    return "\n".join(link.label for link in (*item.actions, *item.risks, *item.kpis))


def presenter_text(item: Any) -> str:
    name = item.presenter_name or ""
    if item.report_of and name and item.report_of.startswith(name):
        return str(item.report_of)
    if item.report_of and item.report_of != name:
        return f"{name} ({item.report_of})" if name else item.report_of
    return name


def agenda_columns() -> list[Column[Any]]:
    return [
        Column("No.", lambda r: r.number, align=CENTRE, bold=lambda _r: True),
        Column(
            "Item",
            lambda r: r.title + (f"  [Exempt, para {r.exempt_paragraph}]" if r.exempt else ""),
            tooltip=lambda r: r.purpose,
        ),
        Column("Presenter", presenter_text),
        Column(
            "Time",
            lambda r: f"{r.time_box_minutes} min" if r.time_box_minutes else "",
            align=CENTRE,
        ),
        Column("Papers", lambda r: str(len(r.papers)) if r.papers else "", align=CENTRE),
        Column("Links", links_text, tooltip=links_long),
    ]


class AgendaModel(RowTableModel[Any]):
    """The agenda in order; rows can be dragged to a new place (the page writes the move)."""

    move_requested = Signal(str, int)  # item id, new position (1-based)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(agenda_columns(), parent)
        self.editable = False

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not self.editable:
            return flags
        if index.isValid():
            return flags | Qt.ItemFlag.ItemIsDragEnabled
        return flags | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [AGENDA_MIME]

    def mimeData(self, indexes: Any) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(AGENDA_MIME, self.row(rows[0]).item_id.encode())
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        return self.editable and data.hasFormat(AGENDA_MIME)

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        item_id = bytes(data.data(AGENDA_MIME).data()).decode()
        source = self.find(lambda r: r.item_id == item_id)
        if source < 0:
            return False
        target = row if row >= 0 else parent.row() if parent.isValid() else self.rowCount()
        # Dropping below itself: the rows above the gap shift up by one once it leaves.
        if target > source:
            target -= 1
        target = max(0, min(target, self.rowCount() - 1))
        if target != source:
            self.move_requested.emit(item_id, target + 1)
        # The page reloads from the database; the view must not remove the source row.
        return False


@dataclass(frozen=True)
class AttendanceRow:
    """One person of the board and their attendance at this meeting (blank when not recorded)."""

    person_id: str
    name: str
    roles: str  # "Chair, Member"
    voting: bool
    status: str | None  # AttendanceStatus value, None: not recorded yet
    mode: str | None
    capacity: str | None
    movement: str  # "arrived at item 4; left after item 7"


def status_label(value: str | None) -> str:
    return value.replace("_", " ").capitalize() if value else "Not recorded"


def attendance_columns() -> list[Column[AttendanceRow]]:
    return [
        Column("Name", lambda r: r.name, bold=lambda r: r.status == "present"),
        Column("Role", lambda r: r.roles),
        Column("Attendance", lambda r: status_label(r.status)),
        Column("How", lambda r: status_label(r.mode) if r.status == "present" else ""),
        Column(
            "Sits as",
            lambda r: (
                "Voting member" if r.voting and r.capacity != "in_attendance" else "In attendance"
            ),
        ),
        Column("Arrived / left", lambda r: r.movement),
    ]


class AttendanceModel(RowTableModel[AttendanceRow]):
    """The board's people and their attendance: who is present, how, from which item."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(attendance_columns(), parent)


def declaration_columns(item_label: Callable[[str | None], str]) -> list[Column[Any]]:
    return [
        Column("Member", lambda r: r.person_name),
        Column("Item", lambda r: item_label(r.item_id)),
        Column("Interest", lambda r: r.interest),
        Column("Action taken", lambda r: r.action_taken or ""),
    ]


class DeclarationModel(RowTableModel[Any]):
    """Declarations of interest: who, on which item, what, and what they did about it."""

    def __init__(self, parent: QObject | None = None) -> None:
        self.numbers: dict[str, str] = {}
        super().__init__(declaration_columns(self.item_label), parent)

    def item_label(self, item_id: str | None) -> str:
        if item_id is None:
            return "Whole meeting"
        return f"Item {self.numbers.get(item_id, '?')}"


def votes_text(decision: Any) -> str:
    if decision.votes_for is None and decision.votes_against is None:
        return ""
    return (
        f"For {decision.votes_for or 0}, against {decision.votes_against or 0}, "
        f"abstained {decision.votes_abstain or 0}"
    )


def decision_columns() -> list[Column[Any]]:
    return [
        Column("Number", lambda r: r.number + (f" v{r.version}" if r.version > 1 else "")),
        Column("Kind", lambda r: r.kind_label),
        Column("Wording", lambda r: r.wording),
        Column("Votes", votes_text),
    ]


class DecisionModel(RowTableModel[Any]):
    """Decisions (latest version of each): number, kind, wording, votes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(decision_columns(), parent)
