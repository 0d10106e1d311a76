"""Attendance, quorum and declarations of interest for one meeting, from the keyboard.

The table lists the board's people (and anyone else recorded) with their
attendance. With it focused, P marks the chosen person present, A sends
apologies, X marks them absent, R switches remote / in person and M member /
in attendance; Ctrl+Shift+A records that they arrived at an item and
Ctrl+Shift+L that they left after one (the current item by default). Each key
writes and commits at once. The quorum — the board's rule in words and the
state now — is always shown at the top, in words and colour. Below, the
declarations of interest: Ctrl+I records one (member, item or the whole
meeting, interest, action taken).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.meeting_mode.cockpit import INQUORATE_STYLE, QUORATE_STYLE, quorum_text
from desktop.meeting_mode.dialogs import Choice, MeetingForm
from desktop.pages.meetings_models import AttendanceModel, AttendanceRow, DeclarationModel
from widgets.page_parts import fixed_columns, heading, muted, read_only_table


def attendance_rows(view: Any, roster: Sequence[Any]) -> list[AttendanceRow]:
    """The roster joined with the attendance recorded (people recorded but not on it too)."""
    numbers = {i.item_id: i.number for i in view.items}
    recorded = {a.person_id: a for a in view.attendance}
    rows: list[AttendanceRow] = []
    seen: set[str] = set()

    def movement(a: Any) -> str:
        parts = []
        if a is not None and a.arrived_at_item_id:
            parts.append(f"arrived at item {numbers.get(a.arrived_at_item_id, '?')}")
        if a is not None and a.left_after_item_id:
            parts.append(f"left after item {numbers.get(a.left_after_item_id, '?')}")
        return "; ".join(parts)

    for person in roster:
        a = recorded.get(person.person_id)
        seen.add(person.person_id)
        rows.append(
            AttendanceRow(
                person.person_id,
                person.name,
                ", ".join(person.roles),
                person.voting,
                a.status if a else None,
                a.mode if a else None,
                a.capacity if a else None,
                movement(a),
            )
        )
    for a in view.attendance:
        if a.person_id not in seen:
            rows.append(
                AttendanceRow(
                    a.person_id,
                    a.name,
                    ", ".join(a.roles),
                    a.voting,
                    a.status,
                    a.mode,
                    a.capacity,
                    movement(a),
                )
            )
    return rows


@dataclass(frozen=True)
class ItemChosen:
    """The item a form chose (a plain str would read as a refusal: see `MeetingForm`)."""

    item_id: str


class ItemChoiceDialog(MeetingForm[ItemChosen]):
    """Which item a person arrived at, or left after."""

    def __init__(
        self,
        title: str,
        items: Sequence[Choice],
        current: str | None,
        submit: Callable[[ItemChosen], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, submit, parent, "Record")
        self.item = QComboBox()
        self.item.setAccessibleName("Agenda item")
        for choice in items:
            self.item.addItem(choice.label, choice.value)
        self.item.setCurrentIndex(max(self.item.findData(current), 0))
        self.form.addRow("&Item", self.item)
        self.item.setFocus()

    def collect(self) -> ItemChosen:
        return ItemChosen(str(self.item.currentData()))


class AttendancePanel(QWidget):
    """Who is here, the quorum, and the declarations of interest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attendancePanel")
        self.view: Any = None
        self.editable = False
        #: Set by the page: (person id, status, mode, capacity) -> refusal or None.
        self.on_set: Callable[[str, str, str, str], str | None] = lambda *_: None
        self.on_arrival: Callable[[str], object] = lambda _p: None
        self.on_departure: Callable[[str], object] = lambda _p: None
        self.on_declare: Callable[[], object] = lambda: None

        self.rule = muted("")
        self.rule.setObjectName("quorumRule")
        self.quorum = QLabel("")
        self.quorum.setObjectName("attendanceQuorum")
        self.quorum.setWordWrap(True)
        self.model = AttendanceModel(self)
        self.table = read_only_table(
            "attendanceTable",
            "Attendance",
            "P present, A apologies, X absent, R remote or in person, M member or in attendance, "
            "Ctrl+Shift+A arrived at an item, Ctrl+Shift+L left after an item.",
        )
        self.table.setModel(self.model)
        fixed_columns(self.table, {1: 150, 2: 110, 3: 90, 4: 150, 5: 200}, 0)
        self.keys = muted(
            "Keys on the list: P present · A apologies · X absent · R remote / in person · "
            "M member / in attendance · Ctrl+Shift+A arrived at item · Ctrl+Shift+L left after "
            "item · Ctrl+I declare an interest",
        )
        self.declare_button = QPushButton("Declare an interest… (Ctrl+I)")
        self.declare_button.setAccessibleName("Record a declaration of interest")
        self.declare_button.clicked.connect(lambda: self.on_declare())
        self.declarations_model = DeclarationModel(self)
        self.declarations = read_only_table(
            "declarationsTable", "Declarations of interest", "Who declared what, on which item."
        )
        self.declarations.setModel(self.declarations_model)
        fixed_columns(self.declarations, {0: 170, 1: 110, 3: 220}, 2)

        top = QHBoxLayout()
        top.addWidget(heading("Attendance", 1.1))
        top.addSpacing(12)
        top.addWidget(self.rule, 1)
        declarations = QWidget()
        dec_layout = QVBoxLayout(declarations)
        dec_layout.setContentsMargins(0, 0, 0, 0)
        dec_top = QHBoxLayout()
        dec_top.addWidget(heading("Declarations of interest", 1.1))
        dec_top.addStretch(1)
        dec_top.addWidget(self.declare_button)
        dec_layout.addLayout(dec_top)
        dec_layout.addWidget(self.declarations, 1)
        attendance = QWidget()
        att_layout = QVBoxLayout(attendance)
        att_layout.setContentsMargins(0, 0, 0, 0)
        att_layout.addLayout(top)
        att_layout.addWidget(self.quorum)
        att_layout.addWidget(self.table, 1)
        att_layout.addWidget(self.keys)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(attendance)
        split.addWidget(declarations)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split, 1)

        for keys, slot in (
            ("P", lambda: self.mark(status="present")),
            ("A", lambda: self.mark(status="apologies")),
            ("X", lambda: self.mark(status="absent")),
            ("R", self.toggle_mode),
            ("M", self.toggle_capacity),
            ("Ctrl+Shift+A", lambda: self._moved(self.on_arrival)),
            ("Ctrl+Shift+L", lambda: self._moved(self.on_departure)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        declare = QShortcut(QKeySequence("Ctrl+I"), self)
        declare.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        declare.activated.connect(lambda: self.on_declare())

    def show_view(self, view: Any, roster: Sequence[Any], *, editable: bool) -> None:
        chosen = self.chosen()
        keep = chosen.person_id if chosen is not None else None
        self.view = view
        self.editable = editable
        self.rule.setText(f"Quorum rule: {view.quorum_rule}")
        text = quorum_text(view.quorum)
        self.quorum.setText(text)
        self.quorum.setAccessibleName(text)
        self.quorum.setStyleSheet(QUORATE_STYLE if view.quorum.quorate else INQUORATE_STYLE)
        self.model.set_rows(attendance_rows(view, roster))
        self.declarations_model.numbers = {i.item_id: i.number for i in view.items}
        self.declarations_model.set_rows(view.declarations)
        self.declare_button.setEnabled(editable)
        row = self.model.find(lambda r: r.person_id == keep) if keep else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def chosen(self) -> AttendanceRow | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row(index.row())

    def mark(
        self, *, status: str | None = None, mode: str | None = None, capacity: str | None = None
    ) -> None:
        row = self.chosen()
        if row is None or not self.editable:
            return
        default_capacity = "member" if row.voting else "in_attendance"
        self.on_set(
            row.person_id,
            status or row.status or "present",
            mode or row.mode or "in_person",
            capacity or row.capacity or default_capacity,
        )

    def toggle_mode(self) -> None:
        row = self.chosen()
        if row is not None:
            self.mark(mode="in_person" if row.mode == "remote" else "remote")

    def toggle_capacity(self) -> None:
        row = self.chosen()
        if row is not None:
            current = row.capacity or ("member" if row.voting else "in_attendance")
            self.mark(capacity="in_attendance" if current == "member" else "member")

    def _moved(self, callback: Callable[[str], None]) -> None:
        row = self.chosen()
        if row is not None and self.editable:
            callback(row.person_id)
