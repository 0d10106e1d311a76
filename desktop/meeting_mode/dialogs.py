"""The cockpit's small forms: a decision, an action arising, a RAG change, evidence, a risk score.

Each is a plain form that never touches the database: the cockpit hands it a
`submit` callable that writes and commits through the controller and returns
None or the one sentence the database refused with. A refusal (Blue without
accepted evidence, a closed meeting, a right the role lacks) is shown as a
message box over the form and in the form itself, and the typed input is
kept. Every form is built for the keyboard: the first field has the focus,
Tab moves on (notes fields do not swallow it), Ctrl+Enter records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.models import DecisionKind

ERROR_STYLE = "color: #d4351c; font-weight: bold;"
NO_CHOICE = "(none)"
VOTE_CHOICES = (
    ("Not recorded", None),
    ("For", "for"),
    ("Against", "against"),
    ("Abstained", "abstain"),
)
T = TypeVar("T")


@dataclass(frozen=True)
class Choice:
    """One entry of a drop-down: what it says and the id behind it."""

    value: str
    label: str


@dataclass(frozen=True)
class DecisionInput:
    kind: DecisionKind
    wording: str
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    named_votes: tuple[tuple[str, str], ...] | None = None  # (person id, "for"|"against"|"abstain")

    def named_votes_json(self) -> list[dict[str, str]] | None:
        if not self.named_votes:
            return None
        return [{"person_id": person, "vote": vote} for person, vote in self.named_votes]

    def votes(self) -> dict[str, Any]:
        """The vote counts and named votes as the decision services take them."""
        return {
            "votes_for": self.votes_for,
            "votes_against": self.votes_against,
            "votes_abstain": self.votes_abstain,
            "named_votes": self.named_votes_json(),
        }


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner_id: str | None
    due_date: dt.date | None
    plan_action_id: str | None


@dataclass(frozen=True)
class RagInput:
    action_id: str
    rag: str
    commentary: str
    new_due_date: dt.date | None
    due_date_reason: str | None


@dataclass(frozen=True)
class EvidenceInput:
    evidence_id: str
    note: str | None


@dataclass(frozen=True)
class RiskInput:
    risk_id: str
    likelihood: int
    impact: int
    note: str | None


def open_keeping_focus(dialog: QDialog) -> None:
    """Open `dialog` window-modal; when it closes the keyboard goes back where it was.

    Without this the focus is lost whenever a platform does not re-activate the
    window on its own (offscreen, some remote desktops), and a keyboard-only
    chair would be stranded after every form.
    """
    before = QApplication.focusWidget()

    def restore(_result: int) -> None:
        if before is not None and shiboken6.isValid(before) and before.isVisible():
            window = before.window()
            window.activateWindow()
            before.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    dialog.finished.connect(restore)
    dialog.open()


def text_box(accessible: str, lines: int = 3) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(accessible)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 14)
    return box


def combo(accessible: str, choices: Sequence[Choice], *, none: bool = False) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(accessible)
    if none:
        box.addItem(NO_CHOICE, None)
    for choice in choices:
        box.addItem(choice.label, choice.value)
    return box


def date_box(accessible: str, value: dt.date | None) -> tuple[QCheckBox, QDateEdit]:
    """A check box saying whether there is a date, and the date (dd/MM/yyyy)."""
    check = QCheckBox("Set")
    check.setAccessibleName(f"{accessible}: set a date")
    edit = QDateEdit()
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    day = value or dt.date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    check.setChecked(value is not None)
    edit.setEnabled(value is not None)
    check.toggled.connect(edit.setEnabled)
    return check, edit


def date_of(check: QCheckBox, edit: QDateEdit) -> dt.date | None:
    if not check.isChecked():
        return None
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


class MeetingForm(QDialog, Generic[T]):
    """A form with an error line, OK/Cancel and Ctrl+Enter; `collect()` builds its input."""

    def __init__(
        self,
        title: str,
        submit: Callable[[T], str | None],
        parent: QWidget | None = None,
        ok_text: str = "Record",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self._submit = submit
        self.refusal: QMessageBox | None = None
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.error = QLabel("")
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(f"{ok_text} (Ctrl+Enter)")
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.try_accept)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def collect(self) -> T | str:
        """The input, or the sentence saying what is missing."""
        raise NotImplementedError

    def try_accept(self) -> None:
        value = self.collect()
        problem = value if isinstance(value, str) else self._submit(value)
        if problem is None:
            self.accept()
            return
        self.error.setText(f"⚠ {problem}")
        self.error.setAccessibleName(f"Problem: {problem}")
        self.error.show()
        if not isinstance(value, str):  # the database refused: say so in a dialog too
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Not recorded",
                problem[:1].upper() + problem[1:],
                QMessageBox.StandardButton.Ok,
                self,
            )
            box.setAccessibleName(f"Not recorded: {problem}")
            self.refusal = box
            open_keeping_focus(box)


class DecisionDialog(MeetingForm[DecisionInput]):
    """Record (or amend) a decision: kind, wording, optional votes and named votes."""

    def __init__(
        self,
        item_title: str,
        members: Sequence[Choice],
        submit: Callable[[DecisionInput], str | None],
        parent: QWidget | None = None,
        *,
        amend: DecisionInput | None = None,
        number: str | None = None,
    ) -> None:
        title = f"Amend decision {number}" if amend is not None else "Record a decision"
        super().__init__(title, submit, parent, "Amend" if amend is not None else "Record")
        self.context = QLabel(item_title)
        self.context.setWordWrap(True)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of decision")
        for kind in DecisionKind:
            self.kind.addItem(kind.label, kind)
        self.wording = text_box("Wording of the decision", 4)
        self.votes = QCheckBox("Record votes (for, against, abstained)")
        self.votes.setAccessibleName("Record votes")
        self.votes_for, self.votes_against, self.votes_abstain = (
            self._count(name) for name in ("Votes for", "Votes against", "Abstentions")
        )
        votes_row = QGridLayout()
        for column, (label, box) in enumerate(
            (
                ("For", self.votes_for),
                ("Against", self.votes_against),
                ("Abstained", self.votes_abstain),
            )
        ):
            votes_row.addWidget(QLabel(label), 0, column * 2)
            votes_row.addWidget(box, 0, column * 2 + 1)
        self.votes_box = QWidget()
        self.votes_box.setLayout(votes_row)
        self.named = QCheckBox("Named votes (on request)")
        self.named.setAccessibleName("Record named votes")
        self.named_box = QWidget()
        named_layout = QFormLayout(self.named_box)
        named_layout.setContentsMargins(0, 0, 0, 0)
        self.member_votes: dict[str, QComboBox] = {}
        for member in members:
            vote_box = QComboBox()
            vote_box.setAccessibleName(f"Vote of {member.label}")
            for text, value in VOTE_CHOICES:
                vote_box.addItem(text, value)
            self.member_votes[member.value] = vote_box
            named_layout.addRow(member.label, vote_box)
        self.votes.toggled.connect(self.votes_box.setVisible)
        self.named.toggled.connect(self.named_box.setVisible)
        self.form.addRow("Item", self.context)
        self.form.addRow("&Kind", self.kind)
        self.form.addRow("&Wording", self.wording)
        self.form.addRow("", self.votes)
        self.form.addRow("", self.votes_box)
        self.form.addRow("", self.named)
        self.form.addRow("", self.named_box)
        if amend is not None:
            self.kind.setCurrentIndex(self.kind.findData(amend.kind))
            self.wording.setPlainText(amend.wording)
            has_votes = amend.votes_for is not None or amend.votes_against is not None
            self.votes.setChecked(has_votes)
            self.votes_for.setValue(amend.votes_for or 0)
            self.votes_against.setValue(amend.votes_against or 0)
            self.votes_abstain.setValue(amend.votes_abstain or 0)
            for person, vote in amend.named_votes or ():
                if person in self.member_votes:
                    chosen = self.member_votes[person]
                    chosen.setCurrentIndex(chosen.findData(vote))
            self.named.setChecked(bool(amend.named_votes))
        self.votes_box.setVisible(self.votes.isChecked())
        self.named_box.setVisible(self.named.isChecked())
        self.kind.setFocus()

    @staticmethod
    def _count(name: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 999)
        box.setAccessibleName(name)
        return box

    def collect(self) -> DecisionInput | str:
        wording = self.wording.toPlainText().strip()
        if not wording:
            return "Type the wording of the decision."
        kind = self.kind.currentData()
        assert isinstance(kind, DecisionKind)
        named = None
        if self.named.isChecked():
            named = tuple(
                (person, box.currentData())
                for person, box in self.member_votes.items()
                if box.currentData() is not None
            )
        votes = self.votes.isChecked()
        return DecisionInput(
            kind,
            wording,
            self.votes_for.value() if votes else None,
            self.votes_against.value() if votes else None,
            self.votes_abstain.value() if votes else None,
            named or None,
        )


class ActionDialog(MeetingForm[ActionInput]):
    """An action arising: what, who, by when, and optionally the plan action it serves."""

    def __init__(
        self,
        owners: Sequence[Choice],
        plan_actions: Sequence[Choice],
        submit: Callable[[ActionInput], str | None],
        parent: QWidget | None = None,
        *,
        due: dt.date | None = None,
    ) -> None:
        super().__init__("Add an action arising", submit, parent, "Add")
        self.text = text_box("What is to be done", 3)
        self.owner = combo("Owner", owners, none=True)
        self.due_set, self.due = date_box("Due date", due)
        self.plan_action = combo("Plan action it serves", plan_actions, none=True)
        due_row = QGridLayout()
        due_row.addWidget(self.due_set, 0, 0)
        due_row.addWidget(self.due, 0, 1)
        self.form.addRow("&Action", self.text)
        self.form.addRow("&Owner", self.owner)
        self.form.addRow("&Due", due_row)
        self.form.addRow("&Plan action", self.plan_action)
        self.text.setFocus()

    def collect(self) -> ActionInput | str:
        text = self.text.toPlainText().strip()
        if not text:
            return "Say what is to be done."
        return ActionInput(
            text,
            self.owner.currentData(),
            date_of(self.due_set, self.due),
            self.plan_action.currentData(),
        )


class RagDialog(MeetingForm[RagInput]):
    """Agree a plan action's RAG change (Blue only with evidence the board has accepted)."""

    def __init__(
        self,
        actions: Sequence[Choice],
        rags: Sequence[Choice],
        submit: Callable[[RagInput], str | None],
        parent: QWidget | None = None,
        *,
        current_rag: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__("Agree a RAG change", submit, parent, "Agree")
        self.action = combo("Plan action", actions)
        self.rag = combo("New RAG", rags)
        self.commentary = text_box("Commentary", 3)
        self.move_due, self.due = date_box("New due date", None)
        self.reason = text_box("Reason the due date moves", 2)
        self.form.addRow("&Action", self.action)
        self.form.addRow("&RAG", self.rag)
        self.form.addRow("&Commentary", self.commentary)
        due_row = QGridLayout()
        due_row.addWidget(self.move_due, 0, 0)
        due_row.addWidget(self.due, 0, 1)
        self.form.addRow("New &due date", due_row)
        self.form.addRow("Reason", self.reason)
        self._current_rag = current_rag
        self.action.setFocus()

    def collect(self) -> RagInput | str:
        action = self.action.currentData()
        if action is None:
            return "This item has no plan action to rate."
        commentary = self.commentary.toPlainText().strip()
        if not commentary:
            return "Give the commentary the board agreed."
        due = date_of(self.move_due, self.due)
        reason = self.reason.toPlainText().strip() or None
        return RagInput(action, self.rag.currentData(), commentary, due, reason)


class EvidenceDialog(MeetingForm[EvidenceInput]):
    """Accept a piece of evidence submitted for a plan action."""

    def __init__(
        self,
        evidence: Sequence[Choice],
        submit: Callable[[EvidenceInput], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Accept evidence", submit, parent, "Accept")
        self.evidence = combo("Evidence", evidence)
        self.note = text_box("Note", 2)
        self.form.addRow("&Evidence", self.evidence)
        self.form.addRow("&Note", self.note)
        self.evidence.setFocus()

    def collect(self) -> EvidenceInput | str:
        evidence = self.evidence.currentData()
        if evidence is None:
            return "No evidence awaits the board's review for this item."
        return EvidenceInput(evidence, self.note.toPlainText().strip() or None)


class RiskDialog(MeetingForm[RiskInput]):
    """Review a risk's score: likelihood and impact 1–5."""

    def __init__(
        self,
        risks: Sequence[tuple[Choice, int, int]],
        submit: Callable[[RiskInput], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Review a risk score", submit, parent, "Record")
        self.risk = combo("Risk", [r for r, _l, _i in risks])
        self._scores = {r.value: (lik, imp) for r, lik, imp in risks}
        self.likelihood = QSpinBox()
        self.likelihood.setRange(1, 5)
        self.likelihood.setAccessibleName("Likelihood, 1 to 5")
        self.impact = QSpinBox()
        self.impact.setRange(1, 5)
        self.impact.setAccessibleName("Impact, 1 to 5")
        self.score = QLabel("")
        self.note = text_box("Note", 2)
        self.form.addRow("&Risk", self.risk)
        self.form.addRow("&Likelihood", self.likelihood)
        self.form.addRow("&Impact", self.impact)
        self.form.addRow("Score", self.score)
        self.form.addRow("&Note", self.note)
        self.risk.currentIndexChanged.connect(self._risk_chosen)
        self.likelihood.valueChanged.connect(self._show_score)
        self.impact.valueChanged.connect(self._show_score)
        self._risk_chosen()
        self.risk.setFocus()

    def _risk_chosen(self) -> None:
        lik, imp = self._scores.get(self.risk.currentData(), (1, 1))
        self.likelihood.setValue(lik)
        self.impact.setValue(imp)
        self._show_score()

    def _show_score(self) -> None:
        self.score.setText(f"{self.likelihood.value() * self.impact.value()} (likelihood × impact)")

    def collect(self) -> RiskInput | str:
        risk = self.risk.currentData()
        if risk is None:
            return "This item has no risk to review."
        return RiskInput(
            risk,
            self.likelihood.value(),
            self.impact.value(),
            self.note.toPlainText().strip() or None,
        )


@dataclass(frozen=True)
class CloseInput:
    note: str


class CloseActionDialog(MeetingForm[CloseInput]):
    """Close an action arising as the action log is reviewed: what was done."""

    def __init__(
        self,
        action: str,
        submit: Callable[[CloseInput], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Close an action arising", submit, parent, "Close")
        label = QLabel(action)
        label.setWordWrap(True)
        self.note = text_box("What was done (closing note)", 2)
        self.form.addRow("Action", label)
        self.form.addRow("&Note", self.note)
        self.note.setFocus()

    def collect(self) -> CloseInput | str:
        note = self.note.toPlainText().strip()
        if not note:
            return "Say what was done (the closing note)."
        return CloseInput(note)
