"""The window's status bar: only what is true now.

Three facts, each in its own label with an accessible name: the database file
the window has open, who the window is acting as and in which role, and how
many records it loaded for the board; then the sync part
(`desktop.sync_status`: changes and files to send, conflicts, last sync),
which the window adds once it is built. When the bar is too narrow for all
of them (a 1366-pixel laptop, a zoomed screen) the loaded counts give way
first — the dashboard shows the same figures, the sync state is shown nowhere
else — then the database path, rather than showing a clipped stub of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QStatusBar, QWidget

if TYPE_CHECKING:
    from db.views import BoardCounts

#: The least room worth showing the database path in (it is clipped, not wrapped).
DATABASE_MIN_WIDTH = 140


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def counts_text(counts: BoardCounts) -> str:
    """ "5 themes · 48 actions · 12 risks · 20 indicators · 9 meetings"."""
    return " · ".join(
        (
            _plural(counts.themes, "theme"),
            _plural(counts.actions, "action"),
            _plural(counts.risks, "risk"),
            _plural(counts.kpis, "indicator"),
            _plural(counts.meetings, "meeting"),
        )
    )


class BoardStatusBar(QStatusBar):
    """Database file, the person acting and their role, and the counts loaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.setSizeGripEnabled(False)
        self.database_label = QLabel("")
        self.database_label.setObjectName("statusDatabase")
        self.viewer_label = QLabel("")
        self.viewer_label.setObjectName("statusViewer")
        self.counts_label = QLabel("")
        self.counts_label.setObjectName("statusCounts")
        for label in (self.database_label, self.viewer_label, self.counts_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setContentsMargins(8, 2, 8, 2)
        # A long path is clipped rather than widening the window; the tooltip has it whole.
        self.database_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.addWidget(self.database_label, 1)
        self.addPermanentWidget(self.viewer_label)
        self.addPermanentWidget(self.counts_label)
        self._sync_part: QWidget | None = None
        self.messageChanged.connect(lambda _text: self._fit())

    def add_sync_part(self, part: QWidget) -> None:
        """The sync part, at the right-hand end where it is always visible."""
        self._sync_part = part
        self.addPermanentWidget(part)

    def _fit(self) -> None:
        """Show the loaded counts only if they fit, and the database path only if it can be read."""
        others = [self.viewer_label] + ([self._sync_part] if self._sync_part else [])
        used = sum(w.sizeHint().width() for w in others if not w.isHidden())
        room = self.width() - used - 24  # margins and spacing
        counts = bool(self.counts_label.text())
        counts = counts and self.counts_label.sizeHint().width() + 48 <= room
        if self.counts_label.isHidden() == counts:
            self.counts_label.setVisible(counts)
        if counts:
            room -= self.counts_label.sizeHint().width()
        database = room >= DATABASE_MIN_WIDTH  # a clipped "Datab" says nothing
        database = database and not self.currentMessage()  # a message takes its place
        if self.database_label.isHidden() == database:
            self.database_label.setVisible(database)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a part's text changed width
            self._fit()
        return handled

    def show_database(self, path: Path, note: str = "") -> None:
        """The database file's full path, with an optional note (e.g. "opening…")."""
        text = f"Database: {path}" + (f" — {note}" if note else "")
        self.database_label.setText(text)
        self.database_label.setToolTip(str(path))
        self.database_label.setAccessibleName(f"Database {path}" + (f", {note}" if note else ""))

    def show_viewer(self, text: str, explanation: str = "") -> None:
        """Who the window acts as, e.g. "Viewing as Jane Doe (Chair)"."""
        self.viewer_label.setText(text)
        self.viewer_label.setToolTip(explanation)
        self.viewer_label.setAccessibleName(text)
        self.viewer_label.setAccessibleDescription(explanation)

    def show_counts(self, counts: BoardCounts | None) -> None:
        """How many records were loaded for the board (blank when none is open)."""
        text = f"Loaded: {counts_text(counts)}" if counts is not None else ""
        self.counts_label.setText(text)
        self.counts_label.setAccessibleName(text or "Nothing loaded")
        self.counts_label.setToolTip(text)
        self.counts_label.setVisible(bool(text))
        self._fit()
