"""Small shared style helpers: the app's secondary-text colour, derived from the palette.

Secondary text (details, hints, "0" counts) must still be readable across a
meeting room, so instead of Qt's placeholder grey (too faint for WCAG AA on
white) it is mixed from the palette's own text and background colours —
which also keeps it right in dark mode.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

#: How far secondary text moves from the text colour towards the background.
MUTED_MIX = 0.38


def mix(a: QColor, b: QColor, towards_b: float) -> QColor:
    """The colour `towards_b` of the way from `a` to `b` (0 = a, 1 = b)."""
    t = min(max(towards_b, 0.0), 1.0)
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def muted_text_colour(palette: QPalette) -> QColor:
    """Secondary text: the palette's text colour, a little towards its background."""
    return mix(
        palette.color(QPalette.ColorRole.WindowText),
        palette.color(QPalette.ColorRole.Window),
        MUTED_MIX,
    )


def make_muted(widget: QWidget) -> None:
    """Give `widget` the secondary-text colour."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.WindowText, muted_text_colour(palette))
    palette.setColor(QPalette.ColorRole.Text, muted_text_colour(palette))
    widget.setPalette(palette)
