"""The 5×5 risk heat map: likelihood up the side, impact along the bottom, a count in each cell.

Each of the 25 cells is a real button (`HeatCell`): focusable, moved between
with the arrow keys, pressed with Space or Enter or a click, and announced as
"Likelihood 4, impact 5: score 20, Very high — 1 risk". Its fill is the
colour of the band its score falls in, but the count is always written on it
and the band is named in a key beneath the grid, so colour never carries the
meaning alone; a cell with no risks is drawn pale, with a quiet "0". The
selected cell has a thick double outline (and reads "selected"). The widget
only reports clicks (`cell_clicked`): what a click means — filter the
register, clear the filter — is the page's business. Bands are any objects
with `label`, `min_score`, `max_score` and `colour` (e.g. `db.rules.BandSpec`),
so the widget never imports the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from widgets.rag_chip import RagChip, text_colour_for
from widgets.style import make_muted, mix

SCALE = (1, 2, 3, 4, 5)
_FALLBACK = "#505a5f"
#: How far an empty cell's fill fades towards the page background.
EMPTY_FADE = 0.72
#: The least cell width (px) with room for the score in the corner beside the count.
CORNER_SCORE_FROM = 46


class Band(Protocol):
    """A scoring band: scores from `min_score` to `max_score` share a label and colour."""

    @property
    def label(self) -> str: ...

    @property
    def min_score(self) -> int: ...

    @property
    def max_score(self) -> int: ...

    @property
    def colour(self) -> str: ...


def _band_of(score: int, bands: Sequence[Band]) -> Band | None:
    return next((b for b in bands if b.min_score <= score <= b.max_score), None)


class HeatCell(QAbstractButton):
    """One likelihood × impact cell: a button showing how many risks sit there."""

    def __init__(self, likelihood: int, impact: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.likelihood = likelihood
        self.impact = impact
        self.count = 0
        self.band_label = ""
        self._colour = QColor(_FALLBACK)
        self._noun = ("risk", "risks")
        self.setCheckable(True)  # "checked" = selected, set only by the heat map
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setObjectName(f"heatCell-{likelihood}-{impact}")
        self._announce()

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def colour(self) -> QColor:
        return QColor(self._colour)

    def show_count(self, count: int, band_label: str, colour: str, noun: tuple[str, str]) -> None:
        self.count, self.band_label, self._colour, self._noun = (
            count,
            band_label,
            QColor(colour),
            noun,
        )
        self._announce()
        self.update()

    def nextCheckState(self) -> None:
        # A click only asks; the heat map decides what is selected.
        pass

    def _announce(self) -> None:
        noun = self._noun[0] if self.count == 1 else self._noun[1]
        band = f", {self.band_label}" if self.band_label else ""
        name = (
            f"Likelihood {self.likelihood}, impact {self.impact}: score {self.score}{band} — "
            f"{self.count} {noun}"
        )
        self.setAccessibleName(name + (", selected" if self.isChecked() else ""))
        self.setToolTip(
            name
            + (
                "\nClick again to show every risk"
                if self.isChecked()
                else "\nClick to list the risks in this cell"
            )
        )

    def set_selected(self, selected: bool) -> None:
        self.setChecked(selected)
        self._announce()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(44, 38)

    def minimumSizeHint(self) -> QSize:
        return QSize(34, 30)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {
            Qt.Key.Key_Up: (1, 0),
            Qt.Key.Key_Down: (-1, 0),
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
        }
        key = Qt.Key(event.key())
        if key in moves:
            parent = self.parentWidget()
            while parent is not None and not isinstance(parent, HeatMap):
                parent = parent.parentWidget()
            if parent is not None:
                dl, di = moves[key]
                parent.focus_cell(self.likelihood + dl, self.impact + di)
                return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        base = self.palette().color(self.backgroundRole())
        fill = self._colour if self.count else mix(self._colour, base, EMPTY_FADE)
        painter.setPen(QPen(fill.darker(130), 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 5, 5)
        ink = text_colour_for(fill)
        painter.setPen(ink)
        if rect.width() >= CORNER_SCORE_FROM:
            # The score, small, in the corner, where there is room beside the count.
            small = QFont(self.font())
            small.setPointSizeF(max(small.pointSizeF() * 0.7, 6.5))
            painter.setFont(small)
            painter.drawText(
                rect.adjusted(4, 1, -4, -2),
                Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
                str(self.score),
            )
        big = QFont(self.font())
        big.setBold(bool(self.count))
        big.setPointSizeF(big.pointSizeF() * (1.35 if self.count else 1.0))
        painter.setFont(big)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(self.count))
        if self.isChecked():
            # Dark outside, light inside: visible on every band colour and in dark mode.
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(QColor("#0b0c0c"), 4))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 5, 5)
            painter.setPen(QPen(QColor("#ffffff"), 2))
            painter.drawRoundedRect(rect.adjusted(4, 4, -4, -4), 3, 3)
        if self.hasFocus():
            painter.setBrush(Qt.BrushStyle.NoBrush)
            focus = QPen(self.palette().color(self.palette().ColorRole.Highlight), 2)
            focus.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(focus)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.end()


class _VerticalLabel(QWidget):
    """An axis title written bottom to top."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = text
        self.setAccessibleName(text)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        return QSize(metrics.height() + 4, metrics.horizontalAdvance(self._text) + 8)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.translate(0, self.height())
        painter.rotate(-90)
        painter.drawText(
            QRectF(0, 0, self.height(), self.width()), Qt.AlignmentFlag.AlignCenter, self._text
        )
        painter.end()


class HeatMap(QWidget):
    """The 5×5 grid of cells, the axis labels and the band key.

    Args:
        noun: what is counted, singular and plural ("risk", "risks").
    """

    #: (likelihood, impact) of a cell the user pressed.
    cell_clicked = Signal(int, int)

    def __init__(
        self, noun: tuple[str, str] = ("risk", "risks"), parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("heatMap")
        self.setAccessibleName("Risk heat map")
        self.setAccessibleDescription(
            "Five by five grid of likelihood by impact; each cell says how many risks sit there. "
            "Use the arrow keys to move between cells and Space to list a cell's risks."
        )
        self._noun = noun
        self._bands: tuple[Band, ...] = ()
        self._selected: tuple[int, int] | None = None
        self.cells: dict[tuple[int, int], HeatCell] = {}

        grid = QGridLayout()
        grid.setSpacing(3)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(_VerticalLabel("Likelihood →"), 0, 0, 5, 1)
        for row, likelihood in enumerate(reversed(SCALE)):
            number = QLabel(str(likelihood))
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setAccessibleName(f"Likelihood {likelihood}")
            grid.addWidget(number, row, 1)
            for impact in SCALE:
                cell = HeatCell(likelihood, impact)
                cell.clicked.connect(
                    lambda _=False, lk=likelihood, im=impact: self.cell_clicked.emit(lk, im)
                )
                self.cells[(likelihood, impact)] = cell
                grid.addWidget(cell, row, 1 + impact)
            grid.setRowStretch(row, 1)
        for impact in SCALE:
            number = QLabel(str(impact))
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setAccessibleName(f"Impact {impact}")
            grid.addWidget(number, 5, 1 + impact)
            grid.setColumnStretch(1 + impact, 1)
        impact_title = QLabel("Impact →")
        impact_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bold = impact_title.font()
        bold.setBold(True)
        impact_title.setFont(bold)
        grid.addWidget(impact_title, 6, 2, 1, 5)

        self.key_row = QGridLayout()
        self.key_row.setHorizontalSpacing(6)
        self.key_row.setVerticalSpacing(4)
        self.key_row.setContentsMargins(0, 0, 0, 0)
        self.key_chips: list[RagChip] = []

        self.caption = QLabel("")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        make_muted(self.caption)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(grid, 1)
        layout.addLayout(self.key_row)
        layout.addWidget(self.caption)

        # Tab enters the grid once; the arrow keys move inside it.
        for key, cell in self.cells.items():
            cell.setFocusPolicy(
                Qt.FocusPolicy.StrongFocus if key == (5, 1) else Qt.FocusPolicy.ClickFocus
            )

    # Public API ---------------------------------------------------------

    def set_bands(self, bands: Sequence[Band]) -> None:
        """Colour the cells by these bands and list them in the key."""
        self._bands = tuple(bands)
        while self.key_row.count():
            item = self.key_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.key_chips = []
        for band in self._bands:
            span = (
                str(band.min_score)
                if band.min_score == band.max_score
                else f"{band.min_score}–{band.max_score}"
            )
            chip = RagChip(
                band.label,
                f"{band.label} {span}",
                band.colour,
                description=f"{band.label}: scores {span}",
            )
            position = len(self.key_chips)
            self.key_row.addWidget(chip, position // 2, position % 2, Qt.AlignmentFlag.AlignLeft)
            self.key_chips.append(chip)
        self.key_row.setColumnStretch(1, 1)
        self._paint_counts({key: cell.count for key, cell in self.cells.items()})

    def set_counts(self, grid: Sequence[Sequence[int]]) -> None:
        """Show counts: `grid[likelihood - 1][impact - 1]`."""
        self._paint_counts({(lk, im): int(grid[lk - 1][im - 1]) for lk in SCALE for im in SCALE})

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)
        self.caption.setVisible(bool(text))

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        """Highlight one cell (None: none)."""
        self._selected = cell
        for key, each in self.cells.items():
            each.set_selected(key == cell)

    def selected(self) -> tuple[int, int] | None:
        return self._selected

    def cell(self, likelihood: int, impact: int) -> HeatCell:
        return self.cells[(likelihood, impact)]

    def count(self, likelihood: int, impact: int) -> int:
        return self.cells[(likelihood, impact)].count

    def focus_cell(self, likelihood: int, impact: int) -> None:
        """Move the keyboard focus to a cell (ignored off the grid)."""
        cell = self.cells.get((likelihood, impact))
        if cell is None:
            return
        for each in self.cells.values():
            each.setFocusPolicy(
                Qt.FocusPolicy.StrongFocus if each is cell else Qt.FocusPolicy.ClickFocus
            )
        cell.setFocus(Qt.FocusReason.OtherFocusReason)

    def _paint_counts(self, counts: dict[tuple[int, int], int]) -> None:
        for key, cell in self.cells.items():
            band = _band_of(cell.score, self._bands)
            cell.show_count(
                counts.get(key, 0),
                band.label if band else "",
                band.colour if band else _FALLBACK,
                self._noun,
            )
