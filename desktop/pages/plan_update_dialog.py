"""The "Add progress update" dialog: a RAG, a commentary, perhaps a new due date and its reason.

The RAGs are radio buttons with their words and meanings (never colour
alone). Blue is disabled when the action has no accepted evidence, and the
dialog says why in a sentence under it — the same rule `db.rules.can_go_blue`
the service enforces, shown before the person tries. Moving the due date
asks for the new date and a reason together. "Agreed by the board" cites one
of the board's recent decisions when the change is agreed in a meeting. The
dialog does not write: OK hands a `ProgressInput` to the `submit` callback,
which returns None on success (the dialog closes) or the one-line refusal
(the dialog stays open with it shown, so nothing typed is lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.rules import BLUE_NEEDS_ACCEPTED_EVIDENCE
from desktop.pages.plan_detail import alert_colour
from desktop.pages.plan_model import short_date
from widgets.style import make_muted

if TYPE_CHECKING:
    from db.services.plan import ActionDetail, DecisionChoice
    from db.views import RagKeyEntry

RAG_ORDER = ("blue", "green", "amber", "red")


def _swatch(colour: str, size: int = 14) -> QIcon:
    """A small rounded square of the RAG's colour, beside its word (never instead of it)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(colour)
    painter.setPen(fill.darker(135))
    painter.setBrush(fill)
    painter.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    painter.end()
    return QIcon(pixmap)


class ProgressInput(NamedTuple):
    """What the person entered."""

    rag: str
    commentary: str
    new_due_date: dt.date | None
    due_date_reason: str | None
    decision_id: str | None


class ProgressUpdateDialog(QDialog):
    """Record a progress update on one action."""

    def __init__(
        self,
        detail: ActionDetail,
        key: Mapping[str, RagKeyEntry],
        submit: Callable[[ProgressInput], str | None],
        *,
        today: dt.date,
        decisions: Sequence[DecisionChoice] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("progressUpdateDialog")
        self.setWindowTitle(f"Progress update — {detail.reference}")
        self.setAccessibleName(f"Add progress update to action {detail.reference}")
        self.setMinimumWidth(640)
        self._submit = submit
        self._detail = detail

        heading = QLabel(f"{detail.reference}  {detail.title}")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        now_entry = key.get(detail.rag) if detail.rag else None
        current = now_entry.label if now_entry is not None else "No RAG"
        now = QLabel(
            f"Now {current}; due {short_date(detail.due_date) or 'no date'}"
            + (" (overdue)" if detail.overdue else "")
        )
        make_muted(now)

        self.rag_group = QButtonGroup(self)
        self.rag_buttons: dict[str, QRadioButton] = {}
        rag_box = QVBoxLayout()
        rag_box.setSpacing(4)
        for rag in RAG_ORDER:
            entry = key.get(rag)
            label = entry.label if entry else rag.capitalize()
            button = QRadioButton(f"{label} — {entry.meaning}" if entry else label)
            button.setAccessibleName(label)
            if entry is not None:
                button.setIcon(_swatch(entry.colour))
            self.rag_group.addButton(button)
            self.rag_buttons[rag] = button
            rag_box.addWidget(button)
        self.blue_reason = QLabel(
            f"Blue is not available: {BLUE_NEEDS_ACCEPTED_EVIDENCE}, and none is accepted yet."
        )
        self.blue_reason.setObjectName("blueReason")
        self.blue_reason.setWordWrap(True)
        make_muted(self.blue_reason)
        rag_box.addWidget(self.blue_reason)
        blue_allowed = detail.can_go_blue
        self.rag_buttons["blue"].setEnabled(blue_allowed)
        self.blue_reason.setVisible(not blue_allowed)
        if detail.rag in self.rag_buttons and self.rag_buttons[detail.rag].isEnabled():
            self.rag_buttons[detail.rag].setChecked(True)

        self.commentary = QPlainTextEdit()
        self.commentary.setAccessibleName("Commentary")
        self.commentary.setPlaceholderText("What has happened since the last update?")
        self.commentary.setTabChangesFocus(True)
        self.commentary.setMinimumHeight(90)

        self.move_due = QCheckBox("Move the due date")
        self.move_due.setAccessibleName("Move the due date")
        self.due_date = QDateEdit()
        self.due_date.setAccessibleName("New due date")
        self.due_date.setCalendarPopup(True)
        self.due_date.setDisplayFormat("d MMM yyyy")
        self.due_date.setMinimumDate(QDate(today.year, today.month, today.day))
        start = max(detail.due_date or today, today)
        self.due_date.setDate(QDate(start.year, start.month, start.day))
        self.due_reason = QLineEdit()
        self.due_reason.setAccessibleName("Reason for moving the due date")
        self.due_reason.setPlaceholderText("Why the date moves (required)")

        self.decision_combo = QComboBox()
        self.decision_combo.setAccessibleName("Agreed by the board in decision")
        self.decision_combo.addItem("Not agreed in a meeting", None)
        for choice in decisions:
            wording = choice.wording if len(choice.wording) <= 70 else choice.wording[:69] + "…"
            self.decision_combo.addItem(
                f"{choice.number} ({short_date(choice.meeting_date)}): {wording}",
                choice.decision_id,
            )
        self.decision_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.decision_combo.setMinimumContentsLength(30)

        self.error_label = QLabel("")
        self.error_label.setObjectName("updateError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {alert_colour(self.palette())}; font-weight: bold;")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record update")
        self.ok_button.setAccessibleName("Record update")
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("RAG", rag_box)
        form.addRow("&Commentary", self.commentary)
        form.addRow("", self.move_due)
        form.addRow("New &due date", self.due_date)
        form.addRow("&Reason", self.due_reason)
        form.addRow("Agreed by the &board", self.decision_combo)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(now)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.rag_group.buttonToggled.connect(self._refresh)
        self.commentary.textChanged.connect(self._refresh)
        self.move_due.toggled.connect(self._refresh)
        self.due_reason.textChanged.connect(self._refresh)
        self._refresh()
        self.commentary.setFocus()

    # Public API ---------------------------------------------------------

    def chosen_rag(self) -> str | None:
        return next((rag for rag, b in self.rag_buttons.items() if b.isChecked()), None)

    def value(self) -> ProgressInput | None:
        """What is entered, or None while no RAG is chosen."""
        rag = self.chosen_rag()
        if rag is None:
            return None
        moving = self.move_due.isChecked()
        chosen = self.due_date.date()
        return ProgressInput(
            rag=rag,
            commentary=self.commentary.toPlainText().strip(),
            new_due_date=dt.date(chosen.year(), chosen.month(), chosen.day()) if moving else None,
            due_date_reason=self.due_reason.text().strip() or None if moving else None,
            decision_id=self.decision_combo.currentData(),
        )

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    # Internals ----------------------------------------------------------

    def _refresh(self, *_args: object) -> None:
        moving = self.move_due.isChecked()
        self.due_date.setEnabled(moving)
        self.due_reason.setEnabled(moving)
        value = self.value()
        ready = (
            value is not None
            and bool(value.commentary)
            and (not moving or bool(value.due_date_reason))
        )
        self.ok_button.setEnabled(ready)

    def _on_ok(self) -> None:
        value = self.value()
        if value is None:
            self.show_error("Choose a RAG rating.")
            return
        error = self._submit(value)
        if error:
            self.show_error(error)
            return
        self.accept()
