"""The Risks page's two dialogs: recording a review of a risk, and the plan's scoring bands.

Both are plain forms that never touch the database: the page hands each a
`submit` callable that does the write through `db.services.risks` and
returns None on success or the one sentence saying why it was refused, which
the dialog shows in place (with a "⚠", not only in red) and keeps the
person's input. The review form shows the new score and its band as the
likelihood and impact change; the bands form checks the bands as they are
typed (`validate_bands`, the same rule the service applies) and will not
save bands that leave a score uncovered or covered twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import ValidationError
from db.rules import DEFAULT_RISK_BANDS, BandSpec, band_for
from db.services.risks import DecisionChoice, RiskRow, validate_bands
from widgets.rag_chip import RagChip
from widgets.style import make_muted

ERROR_STYLE = "color: #d4351c; font-weight: bold;"
OK_STYLE = "color: palette(window-text);"


def _error_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("dialogError")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


def _show_error(label: QLabel, text: str | None) -> None:
    label.setText(f"⚠ {text}" if text else "")
    label.setAccessibleName(f"Problem: {text}" if text else "")
    label.setVisible(bool(text))


@dataclass(frozen=True)
class ReviewInput:
    """What the review form collected."""

    likelihood: int
    impact: int
    reviewed_on: dt.date
    commentary: str
    decision_id: str | None


class RecordReviewDialog(QDialog):
    """Record a review of one risk: new likelihood and impact, date, commentary, decision."""

    def __init__(
        self,
        row: RiskRow,
        bands: Sequence[BandSpec],
        decisions: Sequence[DecisionChoice],
        today: dt.date,
        submit: Callable[[ReviewInput], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("recordReviewDialog")
        self.setWindowTitle(f"Record a review of {row.reference}")
        self.setAccessibleName(f"Record a review of risk {row.reference}")
        self.setMinimumWidth(560)
        self._row = row
        self._bands = tuple(bands)
        self._submit = submit

        title = QLabel(f"{row.reference}  {row.title}")
        title.setWordWrap(True)
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        title.setFont(font)
        title.setTextFormat(Qt.TextFormat.PlainText)
        now = QLabel(
            f"Now {row.likelihood} × {row.impact} = {row.score} ({row.band}); "
            f"target {row.target_likelihood} × {row.target_impact} = {row.target_score} "
            f"({row.target_band})."
        )
        now.setWordWrap(True)
        make_muted(now)

        self.likelihood = QSpinBox()
        self.likelihood.setRange(1, 5)
        self.likelihood.setValue(row.likelihood)
        self.likelihood.setAccessibleName("Likelihood, 1 to 5")
        self.impact = QSpinBox()
        self.impact.setRange(1, 5)
        self.impact.setValue(row.impact)
        self.impact.setAccessibleName("Impact, 1 to 5")
        self.score_chip = RagChip("score", "", "#505a5f")
        self.score_text = QLabel("")
        self.score_text.setTextFormat(Qt.TextFormat.PlainText)
        scores = QHBoxLayout()
        for label, spin in (("Likelihood", self.likelihood), ("Impact", self.impact)):
            caption = QLabel(f"{label}:")
            caption.setBuddy(spin)
            scores.addWidget(caption)
            scores.addWidget(spin)
            scores.addSpacing(8)
        scores.addWidget(self.score_chip)
        scores.addStretch(1)
        self.score_text.setWordWrap(True)

        self.reviewed_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.reviewed_on.setCalendarPopup(True)
        self.reviewed_on.setDisplayFormat("d MMMM yyyy")
        self.reviewed_on.setAccessibleName("Date of the review")
        self.decision = QComboBox()
        self.decision.setAccessibleName("Board decision that agreed the review")
        self.decision.addItem("None — not agreed as a decision", None)
        for choice in decisions:
            wording = choice.wording if len(choice.wording) <= 70 else choice.wording[:69] + "…"
            self.decision.addItem(
                f"{choice.number} ({choice.meeting_date.day} {choice.meeting_date:%b %Y}): "
                f"{wording}",
                choice.decision_id,
            )
        self.commentary = QPlainTextEdit()
        self.commentary.setAccessibleName("Commentary: why the score is what it is")
        self.commentary.setPlaceholderText("Why the score is what it is now")
        self.commentary.setTabChangesFocus(True)
        self.commentary.setMinimumHeight(90)

        form = QFormLayout()
        form.addRow("Scores:", scores)
        form.addRow("", self.score_text)
        form.addRow("Reviewed on:", self.reviewed_on)
        form.addRow("Agreed in:", self.decision)
        form.addRow("Commentary:", self.commentary)

        self.error = _error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.record_button = self.buttons.addButton(
            "Record review", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.record_button.setDefault(True)
        self.buttons.accepted.connect(self._record)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(now)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.likelihood.valueChanged.connect(self._show_score)
        self.impact.valueChanged.connect(self._show_score)
        self._show_score()

    def _show_score(self) -> None:
        lik, imp = self.likelihood.value(), self.impact.value()
        score = lik * imp
        band = band_for(score, self._bands)
        label = band.label if band else "No band"
        self.score_chip.set_rag("score", f"{score} {label}", band.colour if band else "#505a5f")
        before = self._row.score
        change = (
            f"up from {before}"
            if score > before
            else f"down from {before}"
            if score < before
            else "unchanged"
        )
        target = " — above target" if score > self._row.target_score else " — at or below target"
        self.score_text.setText(f"New score {score} ({change}){target}")
        self.score_text.setAccessibleName(self.score_text.text())

    def value(self) -> ReviewInput:
        day = self.reviewed_on.date()
        return ReviewInput(
            likelihood=self.likelihood.value(),
            impact=self.impact.value(),
            reviewed_on=dt.date(day.year(), day.month(), day.day()),
            commentary=self.commentary.toPlainText(),
            decision_id=self.decision.currentData(),
        )

    def _record(self) -> None:
        problem = self._submit(self.value())
        _show_error(self.error, problem)
        if problem is None:
            self.accept()


class _BandRow:
    """The editors for one band: label, from, to, colour."""

    def __init__(self, band: BandSpec, on_change: Callable[[], None]) -> None:
        self.label = QLineEdit(band.label)
        self.label.setMaxLength(50)
        self.low = QSpinBox()
        self.high = QSpinBox()
        for spin, value in ((self.low, band.min_score), (self.high, band.max_score)):
            spin.setRange(1, 25)
            spin.setValue(value)
            spin.valueChanged.connect(on_change)
        self.colour = QLineEdit(band.colour)
        self.colour.setMaxLength(7)
        self.sample = QLabel("")
        self.sample.setFixedSize(28, 22)
        self.sample.setAccessibleName("Colour sample")
        self.swatch = QPushButton("Choose…")
        self.remove = QPushButton("Remove")
        self.label.textChanged.connect(on_change)
        self.colour.textChanged.connect(on_change)
        self.swatch.clicked.connect(self._choose)
        self._on_change = on_change
        self.name()

    def name(self) -> None:
        label = self.label.text().strip() or "unnamed band"
        self.label.setAccessibleName(f"Band label ({label})")
        self.low.setAccessibleName(f"{label}: lowest score")
        self.high.setAccessibleName(f"{label}: highest score")
        self.colour.setAccessibleName(f"{label}: colour as #RRGGBB")
        self.swatch.setAccessibleName(f"Choose the colour of {label}")
        self.remove.setAccessibleName(f"Remove the band {label}")
        colour = QColor(self.colour.text())
        fill = colour.name() if colour.isValid() else "transparent"
        self.sample.setStyleSheet(
            f"QLabel {{ background: {fill}; border: 1px solid palette(mid); border-radius: 3px; }}"
        )

    def _choose(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.colour.text()), self.swatch, "Band colour")
        if chosen.isValid():
            self.colour.setText(chosen.name())

    def band(self) -> BandSpec:
        return BandSpec(self.label.text(), self.low.value(), self.high.value(), self.colour.text())

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.label, self.low, self.high, self.colour, self.sample, self.swatch, self.remove)


class BandsDialog(QDialog):
    """Edit the plan's risk scoring bands (secretariat)."""

    def __init__(
        self,
        bands: Sequence[BandSpec],
        custom: bool,
        submit: Callable[[tuple[BandSpec, ...] | None], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("bandsDialog")
        self.setWindowTitle("Risk bands")
        self.setAccessibleName("Risk scoring bands")
        self.setMinimumWidth(620)
        self._submit = submit
        intro = QLabel(
            "Each likelihood × impact score from 1 to 25 falls in exactly one band. "
            "The band's colour fills the heat map and the register; its label is always "
            "written beside it." + ("" if custom else " This plan uses the conventional bands.")
        )
        intro.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        for column, heading in enumerate(("Label", "From", "To", "Colour (#RRGGBB)")):
            label = QLabel(heading)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            self.grid.addWidget(label, 0, column)
        self.rows: list[_BandRow] = []
        holder = QWidget()
        holder.setLayout(self.grid)

        self.add_button = QPushButton("Add band")
        self.add_button.clicked.connect(self.add_band)
        self.conventional_button = QPushButton("Use the conventional bands")
        self.conventional_button.clicked.connect(lambda: self.set_bands(DEFAULT_RISK_BANDS))
        tools = QHBoxLayout()
        tools.addWidget(self.add_button)
        tools.addWidget(self.conventional_button)
        tools.addStretch(1)

        self.check = QLabel("")
        self.check.setWordWrap(True)
        self.check.setTextFormat(Qt.TextFormat.PlainText)
        self.error = _error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(holder)
        layout.addLayout(tools)
        layout.addWidget(self.check)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.set_bands(bands)

    def set_bands(self, bands: Sequence[BandSpec]) -> None:
        for row in self.rows:
            for widget in row.widgets():
                self.grid.removeWidget(widget)
                widget.deleteLater()
        self.rows = []
        for band in bands:
            self._append(band)
        self._changed()

    def add_band(self) -> None:
        last = self.rows[-1].band() if self.rows else None
        start = min(last.max_score + 1, 25) if last else 1
        self._append(BandSpec("", start, 25, "#505a5f"))
        self._changed()
        self.rows[-1].label.setFocus()

    def _append(self, band: BandSpec) -> None:
        row = _BandRow(band, self._changed)
        row.remove.clicked.connect(lambda _=False, r=row: self._remove(r))
        position = len(self.rows) + 1
        for column, widget in enumerate(row.widgets()):
            self.grid.addWidget(widget, position, column)
        self.rows.append(row)

    def _remove(self, row: _BandRow) -> None:
        bands = [r.band() for r in self.rows if r is not row]
        self.set_bands(bands)

    def bands(self) -> tuple[BandSpec, ...]:
        return tuple(row.band() for row in self.rows)

    def _changed(self) -> None:
        for row in self.rows:
            row.name()
            row.remove.setEnabled(len(self.rows) > 1)
        try:
            validate_bands(self.bands())
        except ValidationError as problem:
            self.check.setText(f"⚠ {problem}")
            self.check.setStyleSheet(ERROR_STYLE)
            self.save_button.setEnabled(False)
        else:
            self.check.setText("✓ Every score from 1 to 25 is in exactly one band.")
            self.check.setStyleSheet(OK_STYLE)
            self.save_button.setEnabled(True)
        self.check.setAccessibleName(self.check.text())

    def _save(self) -> None:
        bands = self.bands()
        try:
            tidy = validate_bands(bands)
        except ValidationError as problem:
            _show_error(self.error, str(problem))
            return
        problem_text = self._submit(None if tidy == DEFAULT_RISK_BANDS else tidy)
        _show_error(self.error, problem_text)
        if problem_text is None:
            self.accept()
