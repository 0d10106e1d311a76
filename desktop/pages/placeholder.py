"""A placeholder for a page that is not built yet, saying so plainly.

Nothing fake: no sample rows, no greyed-out controls that do nothing. The page
names itself, says it is not built yet and when it arrives, and describes what
it will hold, so a chair who clicks it in a meeting is not misled.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.pages import PageSpec


class PlaceholderPage(QWidget):
    """The honest stand-in for a page still to come."""

    def __init__(self, spec: PageSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"page-{spec.key}")
        self.setAccessibleName(f"{spec.title} page (not built yet)")

        heading = QLabel(spec.title)
        heading.setAccessibleName(spec.title)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        heading.setFont(font)

        when = spec.arrives or "arrives in a later issue"
        self.status_label = QLabel(f"Not built yet — the {spec.title} page {when}.")
        status_font = self.status_label.font()
        status_font.setBold(True)
        self.status_label.setFont(status_font)
        self.status_label.setWordWrap(True)

        self.description_label = QLabel(
            f"It will show: {spec.description[0].lower()}{spec.description[1:]}"
        )
        self.description_label.setWordWrap(True)
        self.description_label.setMaximumWidth(720)

        for label in (heading, self.status_label, self.description_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(12)
        layout.addWidget(heading)
        layout.addWidget(self.status_label)
        layout.addWidget(self.description_label)
        layout.addStretch(1)
