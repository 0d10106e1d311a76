"""A metric tile: one headline figure, what it counts, and where clicking it goes.

The dashboard's figures are buttons, not decoration: a chair clicks "Overdue
actions 12" (or tabs to it and presses Space/Enter) to open the page behind
it. So the tile is a real `QPushButton` — focusable, announced as a button,
with an accessible name that reads the caption, the value and the
destination — laid out as a card with a caption, a large value, a detail line
and a "Open … page" hint. An optional accent colour draws a bar on the left;
like every colour in the app it only repeats what the text already says.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from widgets.style import make_muted

_ACCENT_WIDTH = 6


class MetricTile(QPushButton):
    """A clickable card showing one figure.

    Args:
        caption: what the figure counts, e.g. "Overdue actions".
        destination: the name of the page a click opens, e.g. "Plan".
    """

    def __init__(self, caption: str, destination: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._caption = caption
        self._destination = destination
        self._accent: QColor | None = None
        self.setObjectName("metricTile")
        self.setProperty("metricTile", True)  # the style sheet keys on this, not the name
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        self._caption_label = QLabel(caption)
        self._value_label = QLabel("—")
        self._detail_label = QLabel("")
        self._hint_label = QLabel(f"Open {destination} →")
        for label in (self._caption_label, self._value_label, self._detail_label, self._hint_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            label.setTextFormat(Qt.TextFormat.PlainText)
        self._detail_label.setWordWrap(True)
        self._caption_label.setWordWrap(True)

        caption_font = self.font()
        caption_font.setBold(True)
        self._caption_label.setFont(caption_font)
        value_font = self.font()
        value_font.setPointSizeF(value_font.pointSizeF() * 2.0)
        value_font.setBold(True)
        self._value_label.setFont(value_font)
        hint_font = self.font()
        hint_font.setPointSizeF(hint_font.pointSizeF() * 0.9)
        self._hint_label.setFont(hint_font)
        for label in (self._detail_label, self._hint_label):
            make_muted(label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(_ACCENT_WIDTH + 14, 10, 14, 10)
        layout.setSpacing(2)
        layout.addWidget(self._caption_label)
        layout.addWidget(self._value_label)
        layout.addWidget(self._detail_label)
        layout.addStretch(1)
        layout.addWidget(self._hint_label)
        self.setStyleSheet(
            "QPushButton[metricTile='true'] {"
            " text-align: left; background: palette(base);"
            " border: 1px solid palette(mid); border-radius: 8px; }"
            "QPushButton[metricTile='true']:hover { border: 1px solid palette(highlight); }"
            "QPushButton[metricTile='true']:focus { border: 2px solid palette(highlight); }"
            "QPushButton[metricTile='true']:pressed { background: palette(alternate-base); }"
        )
        self._announce()

    @property
    def value_text(self) -> str:
        return self._value_label.text()

    @property
    def detail_text(self) -> str:
        return self._detail_label.text()

    def set_value(self, value: str, detail: str = "", *, accent: str | None = None) -> None:
        """Show a figure, a line saying what it means, and optionally an accent colour."""
        self._value_label.setText(value)
        self._detail_label.setText(detail)
        self._detail_label.setVisible(bool(detail))
        self._accent = QColor(accent) if accent else None
        self._announce()
        self.updateGeometry()
        self.update()

    def _announce(self) -> None:
        value = self._value_label.text()
        detail = self._detail_label.text()
        name = f"{self._caption}: {value}"
        self.setAccessibleName(name)
        description = f"{detail}. Opens the {self._destination} page." if detail else ""
        self.setAccessibleDescription(description or f"Opens the {self._destination} page.")
        self.setToolTip(
            f"{name}\n{detail}\nClick to open {self._destination}".replace("\n\n", "\n")
        )

    def sizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.sizeHint() if layout is not None else QSize(200, 100)
        return QSize(max(hint.width(), 200), max(hint.height(), 110))

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        hint = layout.minimumSize() if layout is not None else QSize(160, 100)
        return QSize(160, max(hint.height(), 100))

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._accent is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._accent)
        rect = self.rect().adjusted(2, 2, 0, -2)
        rect.setWidth(_ACCENT_WIDTH)
        painter.drawRoundedRect(rect, 3, 3)
        painter.end()
