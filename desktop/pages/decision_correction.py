"""A closed meeting's decisions on the Meetings page, and the correction of one of them.

Decisions are records of fact: once the meeting is closed they are never
edited, and a correction is a new decision, with a new number, citing the old
(`db.services.decisions.correct_decision`). The panel lists the meeting's
decisions (latest version of each) with what corrects what; "Correct
decision…" (Enter) opens `CorrectionDialog` on the chosen one: the wording as
recorded, the corrected wording and the reason. Empty or unchanged wording and a
missing reason are refused in the form. The correction's wording is the
corrected resolution followed by the number it corrects and the reason
(`correction_wording`), so the minutes, which state each decision's wording as
recorded, say what was corrected and why beside the original.

The button is there for everyone and disabled, with the reason as its tooltip,
for those who do not run meetings (only the chair and the secretariat, as
clerk, record decisions), for a meeting not yet closed (a decision is amended in
meeting mode then), and for a decision already corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.meeting_mode.dialogs import MeetingForm, text_box
from widgets.page_parts import fixed_columns, muted, read_only_table
from widgets.row_model import Column, RowTableModel

NOT_RUNNING = "Only the chair and the secretariat (as clerk) record and correct decisions."
NOT_CLOSED = (
    "The meeting is not closed: a decision is amended in meeting mode until it closes, "
    "and corrected after."
)


def _words(text: str) -> str:
    return " ".join(text.split())


def correction_wording(corrected: str, number: str, reason: str) -> str:
    """The correction's resolution: the corrected wording, then what it corrects and why."""
    why = _words(reason).rstrip(".")
    return f"{corrected.strip()} (Correction of {number}: {why}.)"


def correction_note(row: Any) -> str:
    if row.corrected_by_number:
        return f"Corrected by {row.corrected_by_number}"
    if row.corrects_number:
        return f"Corrects {row.corrects_number}"
    return ""


def correction_columns() -> list[Column[Any]]:
    return [
        Column("Number", lambda r: r.number + (f" v{r.version}" if r.version > 1 else "")),
        Column("Kind", lambda r: r.kind_label),
        Column("Wording", lambda r: r.wording, tooltip=lambda r: r.wording),
        Column("Correction", correction_note),
    ]


class CorrectionModel(RowTableModel[Any]):
    """A meeting's decisions (latest versions): number, kind, wording, what corrects what."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(correction_columns(), parent)


def why_not_correct(view: Any, decision: Any) -> str:
    """Why this decision cannot be corrected from here by this viewer ("" when it can)."""
    if view is None or decision is None:
        return "Choose a decision first."
    if not view.can_run:
        return NOT_RUNNING
    if view.status != "closed":
        return NOT_CLOSED
    if decision.corrected_by_number:
        return (
            f"Decision {decision.number} was corrected by {decision.corrected_by_number}; "
            "correct that one instead."
        )
    return ""


class DecisionsPanel(QWidget):
    """The meeting's decisions and the "Correct decision…" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingDecisions")
        self.view: Any = None
        #: Set by the page: open the correction of a decision.
        self.on_correct: Callable[[str], object] = lambda _id: None
        self.model = CorrectionModel(self)
        self.table = read_only_table(
            "decisionsTable",
            "Decisions of the meeting",
            "The meeting's decisions, latest version of each. Enter corrects the chosen one "
            "once the meeting is closed.",
        )
        self.table.setModel(self.model)
        fixed_columns(self.table, {0: 130, 1: 90, 3: 220}, 2)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update())
        self.correct_button = QPushButton("Correct decision… (Enter)")
        self.correct_button.setAccessibleName("Correct the chosen decision")
        self.correct_button.clicked.connect(self.correct_chosen)
        self.note = muted(
            "Decisions are records of fact: a correction is a new decision, with its own "
            "number, citing the one it corrects.",
            wrap=True,
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        for keys in ("Return", "Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.correct_chosen)
        self.table.doubleClicked.connect(lambda _i: self.correct_chosen())
        self._update()

    def show_view(self, view: Any) -> None:
        chosen = self.chosen()
        keep = chosen.decision_id if chosen is not None else None
        self.view = view
        self.model.set_rows(view.decisions if view is not None else ())
        self.table.resizeRowsToContents()
        self.select(keep)

    def select(self, decision_id: str | None) -> None:
        row = self.model.find(lambda r: r.decision_id == decision_id) if decision_id else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update()

    def chosen(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row(index.row())

    def _update(self) -> None:
        why = why_not_correct(self.view, self.chosen())
        self.correct_button.setEnabled(not why)
        tip = why or "Record a correction of the chosen decision: a new decision citing it."
        self.correct_button.setToolTip(tip)
        self.correct_button.setAccessibleDescription(tip)

    def correct_chosen(self) -> None:
        decision = self.chosen()
        if decision is not None and not why_not_correct(self.view, decision):
            self.on_correct(decision.decision_id)


@dataclass(frozen=True)
class CorrectionInput:
    wording: str  # the corrected wording alone
    reason: str


class CorrectionDialog(MeetingForm[CorrectionInput]):
    """The wording as recorded, the corrected wording and the reason for the correction."""

    def __init__(
        self,
        decision: Any,
        meeting_label: str,
        submit: Callable[[CorrectionInput], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"Correct decision {decision.number}", submit, parent, "Record correction")
        self.decision = decision
        context = QLabel(
            f"{decision.number} ({decision.kind_label}), {meeting_label}. The decision stays "
            "on record as it was taken; the correction is a new decision with the next "
            "number, citing it."
        )
        context.setWordWrap(True)
        context.setTextFormat(Qt.TextFormat.PlainText)
        self.old = QPlainTextEdit(decision.wording)
        self.old.setObjectName("recordedWording")
        self.old.setReadOnly(True)
        self.old.setTabChangesFocus(True)
        self.old.setAccessibleName("Wording as recorded (read only)")
        self.old.setFixedHeight(self.old.fontMetrics().lineSpacing() * 4 + 14)
        self.corrected = text_box("Corrected wording", 4)
        self.corrected.setObjectName("correctedWording")
        self.corrected.setPlainText(decision.wording)
        self.reason = text_box("Reason for the correction", 2)
        self.reason.setObjectName("correctionReason")
        self.reason.setPlaceholderText("e.g. the date agreed was minuted wrongly")
        self.form.addRow(context)
        self.form.addRow("As recorded", self.old)
        self.form.addRow("&Corrected wording", self.corrected)
        self.form.addRow("&Reason", self.reason)
        self.setMinimumWidth(640)
        self.corrected.setFocus()
        self.corrected.moveCursor(self.corrected.textCursor().MoveOperation.End)

    def collect(self) -> CorrectionInput | str:
        corrected = self.corrected.toPlainText().strip()
        if not corrected:
            return "Write the corrected wording; it cannot be empty."
        if _words(corrected) == _words(self.decision.wording):
            return (
                "The corrected wording is the same as the wording recorded: change it, or cancel."
            )
        reason = _words(self.reason.toPlainText())
        if not reason:
            return "Give the reason for the correction; the minutes will state it."
        return CorrectionInput(corrected, reason)
