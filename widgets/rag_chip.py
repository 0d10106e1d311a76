"""RAG chips: a word (or a count) on a coloured, rounded background, never colour alone.

The board reads progress in Blue/Green/Amber/Red, so the colour is a strong
cue — but a cue only: every chip carries its text, the text colour is picked
for contrast against the fill (WCAG relative luminance), and a darker outline
keeps pale fills visible on a white page. `RagChip` is the standalone widget;
`ChipDelegate` paints the same chip inside item views for cells whose model
supplies a colour in `CHIP_COLOUR_ROLE`. Knows nothing of the database: callers
pass a RAG value string, a label and a "#RRGGBB" colour.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from widgets.style import muted_text_colour

#: Item-data role holding a chip's fill as "#RRGGBB" (or a QColor); None = plain cell.
CHIP_COLOUR_ROLE = int(Qt.ItemDataRole.UserRole) + 101
#: Item-data role: True draws the chip's text alone, muted (e.g. for a zero count).
CHIP_MUTED_ROLE = int(Qt.ItemDataRole.UserRole) + 102

_BLACK = QColor("#0b0c0c")
_WHITE = QColor("#ffffff")


def _channel(value: float) -> float:
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 = black, 1 = white)."""
    return (
        0.2126 * _channel(colour.redF())
        + 0.7152 * _channel(colour.greenF())
        + 0.0722 * _channel(colour.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_for(background: QColor) -> QColor:
    """Near-black or white, whichever reads better on `background`."""
    if contrast_ratio(_BLACK, background) >= contrast_ratio(_WHITE, background):
        return QColor(_BLACK)
    return QColor(_WHITE)


def paint_chip(
    painter: QPainter,
    rect: QRectF,
    text: str,
    colour: QColor,
    *,
    muted: bool = False,
    muted_text: QColor | None = None,
) -> None:
    """Paint a rounded chip filling `rect` with `text` centred on it.

    Args:
        painter: an active painter; its font is used for the text.
        rect: where the chip goes.
        text: what it says (always painted: colour is never the only signal).
        colour: the fill.
        muted: draw only the text, in a quiet colour (for "nothing here", e.g. a zero).
        muted_text: the text colour for a muted chip (default: mid grey).
    """
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    radius = min(rect.height() / 2, 8.0)
    inner = rect.adjusted(0.5, 0.5, -0.5, -0.5)
    if muted:
        # Nothing to flag: no fill, no outline, just the quiet number.
        painter.setPen(muted_text or QColor("#505a5f"))
    else:
        painter.setPen(QPen(colour.darker(135), 1))
        painter.setBrush(colour)
        painter.drawRoundedRect(inner, radius, radius)
        painter.setPen(text_colour_for(colour))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


class RagChip(QWidget):
    """A RAG value shown as its label on its colour, e.g. "Amber" on amber.

    Args:
        rag: the RAG value ("blue", "green", "amber", "red"); kept for tests
            and accessibility, never shown alone.
        label: the words on the chip (the RAG label, or a count).
        colour: the fill as "#RRGGBB".
        description: optional longer text for screen readers and the tooltip,
            e.g. "Amber: at risk, recovery in hand".
    """

    def __init__(
        self,
        rag: str,
        label: str,
        colour: str,
        *,
        description: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._rag = rag
        self._label = label
        self._colour = QColor(colour)
        self._description = description
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._announce()

    @property
    def rag(self) -> str:
        return self._rag

    @property
    def label(self) -> str:
        return self._label

    @property
    def colour(self) -> QColor:
        return QColor(self._colour)

    def set_rag(self, rag: str, label: str, colour: str, description: str | None = None) -> None:
        """Show another RAG value."""
        self._rag, self._label, self._colour = rag, label, QColor(colour)
        self._description = description
        self._announce()
        self.updateGeometry()
        self.update()

    def _announce(self) -> None:
        self.setAccessibleName(self._label)
        self.setAccessibleDescription(self._description or self._label)
        self.setToolTip(self._description or "")

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        width = metrics.horizontalAdvance(self._label) + 2 * metrics.height() // 2 + 8
        return QSize(max(width, metrics.height() * 2), metrics.height() + 10)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_chip(painter, QRectF(self.rect()), self._label, self._colour)
        painter.end()


class ChipDelegate(QStyledItemDelegate):
    """Paints a cell's display text as a chip when the model gives it a colour.

    Cells without `CHIP_COLOUR_ROLE` data are painted as usual. The chip is
    `chip_width` wide (or narrower if the cell is), centred in the cell.
    """

    def __init__(self, chip_width: int = 56, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chip_width = chip_width

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        colour = index.data(CHIP_COLOUR_ROLE)
        if colour is None:
            super().paint(painter, option, index)
            return
        # Background (selection, alternate rows) as the style draws it, then the chip.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = QRectF(opt.rect)
        metrics = QFontMetrics(opt.font)
        height = min(rect.height() - 8, metrics.height() + 10)
        width = min(rect.width() - 8, float(self._chip_width))
        chip = QRectF(rect.center().x() - width / 2, rect.center().y() - height / 2, width, height)
        painter.save()
        font = QFont(opt.font)
        font.setBold(True)
        painter.setFont(font)
        muted = bool(index.data(CHIP_MUTED_ROLE))
        muted_text = muted_text_colour(opt.palette)
        paint_chip(
            painter,
            chip,
            str(index.data(Qt.ItemDataRole.DisplayRole) or ""),
            QColor(colour),
            muted=muted,
            muted_text=muted_text,
        )
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        if index.data(CHIP_COLOUR_ROLE) is None:
            return size
        return QSize(max(size.width(), self._chip_width + 16), max(size.height(), 36))
