"""The Plan page's filter bar: theme, RAG, owner, overdue, due soon, changed since the meeting.

Every control is a labelled, keyboard-reachable widget; together they are a
`db.services.plan.PlanFilter`, which the bar emits (`changed`) whenever a
control changes, and which a filter spec from elsewhere — the dashboard's
click-throughs send {"overdue": True} or {"theme": 2, "rag": "amber"} — sets
without emitting once per control (`set_spec`). Keys of a spec: "theme",
"rag", "owner", "overdue", "due_within", "changed_since_last_meeting";
unknown keys are ignored. "Overdue" and "Due within" exclude each other
(one looks back from today, the other forward), so ticking one clears the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from db.services.plan import NO_RAG, FilterChoices, PlanFilter
from desktop.pages.plan_model import short_date

#: Days "Due within" starts at.
DEFAULT_DUE_WITHIN = 30
RAG_CHOICES = (
    ("Any RAG", None),
    ("Blue", "blue"),
    ("Green", "green"),
    ("Amber", "amber"),
    ("Red", "red"),
    ("No RAG yet", NO_RAG),
)


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PlanFilterBar(QWidget):
    """The filter controls above the plan tree."""

    #: The filter now set (a `PlanFilter`).
    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planFilterBar")
        self.setAccessibleName("Filter the plan")
        self._quiet = False

        self.theme_combo = QComboBox()
        self.theme_combo.setAccessibleName("Theme")
        self.theme_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.theme_combo.setMinimumContentsLength(22)
        self.theme_combo.addItem("All themes", None)

        self.rag_combo = QComboBox()
        self.rag_combo.setAccessibleName("RAG")
        for text, value in RAG_CHOICES:
            self.rag_combo.addItem(text, value)

        self.owner_combo = QComboBox()
        self.owner_combo.setAccessibleName("Owner")
        self.owner_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.owner_combo.setMinimumContentsLength(16)
        self.owner_combo.addItem("Any owner", None)

        self.overdue_check = QCheckBox("Overdue")
        self.overdue_check.setAccessibleName("Only overdue actions")
        self.overdue_check.setToolTip("Past their due date and not Blue")

        self.due_check = QCheckBox("Due within")
        self.due_check.setAccessibleName("Only actions due within a number of days")
        self.due_days = QSpinBox()
        self.due_days.setRange(0, 3650)
        self.due_days.setValue(DEFAULT_DUE_WITHIN)
        self.due_days.setSuffix(" days")
        self.due_days.setAccessibleName("Due within how many days")
        self.due_days.setEnabled(False)

        self.changed_check = QCheckBox("Changed since last meeting")
        self.changed_check.setAccessibleName("Only actions changed since the last meeting")

        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.setToolTip("Show every action")

        self.count_label = QLabel("")
        self.count_label.setObjectName("planCount")
        self.count_label.setAccessibleName("How many actions are shown")

        labels = []
        for text, buddy in (
            ("&Theme", self.theme_combo),
            ("R&AG", self.rag_combo),
            ("O&wner", self.owner_combo),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            labels.append(label)

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(6)
        first = QHBoxLayout()
        first.setSpacing(8)
        first.addWidget(labels[0])
        first.addWidget(self.theme_combo, 3)
        first.addSpacing(8)
        first.addWidget(labels[1])
        first.addWidget(self.rag_combo, 1)
        first.addSpacing(8)
        first.addWidget(labels[2])
        first.addWidget(self.owner_combo, 2)
        second = QHBoxLayout()
        second.setSpacing(8)
        second.addWidget(self.overdue_check)
        second.addSpacing(12)
        second.addWidget(self.due_check)
        second.addWidget(self.due_days)
        second.addSpacing(12)
        second.addWidget(self.changed_check)
        second.addStretch(1)
        second.addWidget(self.count_label)
        second.addSpacing(12)
        second.addWidget(self.clear_button)
        layout.addLayout(first, 0, 0)
        layout.addLayout(second, 1, 0)

        for combo in (self.theme_combo, self.rag_combo, self.owner_combo):
            combo.currentIndexChanged.connect(self._emit)
        self.overdue_check.toggled.connect(self._on_overdue)
        self.due_check.toggled.connect(self._on_due)
        self.due_days.valueChanged.connect(self._on_days)
        self.changed_check.toggled.connect(self._emit)
        self.clear_button.clicked.connect(self.clear)

    # Public API ---------------------------------------------------------

    def set_choices(self, choices: FilterChoices) -> None:
        """Fill the theme and owner lists (keeping what is chosen when it is still there)."""
        theme, owner = self.theme_combo.currentData(), self.owner_combo.currentData()
        self._quiet = True
        try:
            self.theme_combo.clear()
            self.theme_combo.addItem("All themes", None)
            for choice in choices.themes:
                self.theme_combo.addItem(f"{choice.number}  {choice.title}", choice.number)
                self.theme_combo.setItemData(
                    self.theme_combo.count() - 1,
                    f"Theme {choice.number}: {choice.title}",
                    Qt.ItemDataRole.ToolTipRole,
                )
            self.owner_combo.clear()
            self.owner_combo.addItem("Any owner", None)
            for person in choices.owners:
                self.owner_combo.addItem(person.name, person.person_id)
            self._select(self.theme_combo, theme)
            self._select(self.owner_combo, owner)
            if choices.last_meeting is not None:
                self.changed_check.setText(
                    f"Changed since last meeting ({short_date(choices.last_meeting)})"
                )
                self.changed_check.setToolTip(
                    "Actions changed after the board's last closed meeting on "
                    f"{short_date(choices.last_meeting)}"
                )
                self.changed_check.setEnabled(True)
            else:
                self.changed_check.setText("Changed since last meeting")
                self.changed_check.setToolTip("The board has not closed a meeting yet")
                self.changed_check.setChecked(False)
                self.changed_check.setEnabled(False)
        finally:
            self._quiet = False

    def current(self) -> PlanFilter:
        """The filter the controls say."""
        return PlanFilter(
            theme=self.theme_combo.currentData(),
            rag=self.rag_combo.currentData(),
            owner_id=self.owner_combo.currentData(),
            overdue=self.overdue_check.isChecked(),
            due_within=self.due_days.value() if self.due_check.isChecked() else None,
            changed_since_last_meeting=self.changed_check.isChecked()
            and self.changed_check.isEnabled(),
        )

    def set_spec(self, spec: Mapping[str, Any]) -> PlanFilter:
        """Set every control from a filter spec (absent keys: not filtered); emits once."""
        self._quiet = True
        try:
            self._select(self.theme_combo, _as_int(spec.get("theme")) or None)
            rag = spec.get("rag")
            self._select(self.rag_combo, str(rag).lower() if rag else None)
            self._select(self.owner_combo, spec.get("owner"))
            overdue = bool(spec.get("overdue"))
            days = _as_int(spec.get("due_within"))
            self.overdue_check.setChecked(overdue)
            self.due_check.setChecked(days is not None and not overdue)
            self.due_days.setEnabled(self.due_check.isChecked())
            if days is not None and days >= 0:
                self.due_days.setValue(days)
            self.changed_check.setChecked(
                bool(spec.get("changed_since_last_meeting")) and self.changed_check.isEnabled()
            )
        finally:
            self._quiet = False
        return self._emit()

    def clear(self) -> None:
        """Show every action."""
        self.set_spec({})

    def set_count(self, shown: int, total: int, overdue: int | None = None) -> None:
        """Say how many actions are listed (and how many of those are overdue)."""
        if shown == total:
            text = f"{total:,} action" + ("" if total == 1 else "s")
        else:
            text = f"Showing {shown:,} of {total:,} actions"
        if overdue:
            text += f" · {overdue:,} overdue"
        self.count_label.setText(text)

    def focus_first(self) -> None:
        """Ctrl+F: put the keyboard on the first filter."""
        self.theme_combo.setFocus()

    # Internals ----------------------------------------------------------

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value) if value is not None else 0
        combo.setCurrentIndex(max(index, 0))

    def _on_overdue(self, on: bool) -> None:
        if on and self.due_check.isChecked():
            self._quiet_set(self.due_check, False)
            self.due_days.setEnabled(False)
        self._emit()

    def _on_due(self, on: bool) -> None:
        self.due_days.setEnabled(on)
        if on and self.overdue_check.isChecked():
            self._quiet_set(self.overdue_check, False)
        self._emit()

    def _on_days(self, _value: int) -> None:
        if self.due_check.isChecked():
            self._emit()

    def _quiet_set(self, box: QCheckBox, on: bool) -> None:
        was, self._quiet = self._quiet, True
        try:
            box.setChecked(on)
        finally:
            self._quiet = was

    def _emit(self, *_args: object) -> PlanFilter:
        spec = self.current()
        if not self._quiet:
            self.changed.emit(spec)
        return spec


__all__ = ["DEFAULT_DUE_WITHIN", "PlanFilterBar"]
