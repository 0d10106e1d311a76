"""A RAG history as a readable timeline: newest first, each change dated, signed and explained.

The board reads an action's trend from its history, so each entry says in
words what the colour shows — the RAG as a chip with its label, what it was
before ("was Amber"), who recorded it and when, the commentary, any due-date
move with its reason, and the decision that agreed it. A thin line joins the
chips so the eye can run down the trend. Knows nothing of the database: the
caller passes `TimelineEntry` tuples of display text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import NamedTuple

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from widgets.rag_chip import RagChip
from widgets.style import make_muted, muted_text_colour


class TimelineEntry(NamedTuple):
    """One entry of a RAG history, already in words."""

    when: str  # e.g. "27 Dec 2019"
    author: str | None
    rag: str  # the RAG value, e.g. "amber"
    rag_label: str  # e.g. "Amber"
    colour: str  # "#RRGGBB"
    previous_label: str | None  # the RAG before this entry, e.g. "Green"
    commentary: str | None
    due_move: str | None  # e.g. "Due date moved from 31 Oct 2019 to 31 Dec 2019: …"
    decision: str | None  # e.g. "Agreed by the board: OPAB 19/41"


def spoken(entry: TimelineEntry) -> str:
    """The entry as one sentence, for screen readers and tests."""
    parts = [f"{entry.when}: {entry.rag_label}"]
    if entry.previous_label and entry.previous_label != entry.rag_label:
        parts[0] += f" (was {entry.previous_label})"
    elif entry.previous_label:
        parts[0] += " (unchanged)"
    if entry.author:
        parts[0] += f", recorded by {entry.author}"
    parts += [p for p in (entry.commentary, entry.due_move, entry.decision) if p]
    return ". ".join(parts)


class RagTimeline(QWidget):
    """A vertical list of RAG history entries, newest first.

    Args:
        empty_text: what to say when there is no entry.
    """

    def __init__(
        self, empty_text: str = "No progress recorded yet.", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("RAG history")
        self._empty_text = empty_text
        self._entries: tuple[TimelineEntry, ...] = ()
        self._chips: list[RagChip] = []
        self._rows: list[QWidget] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(14)
        self._grid.setColumnStretch(1, 1)
        self._empty = QLabel(empty_text)
        self._empty.setTextFormat(Qt.TextFormat.PlainText)
        make_muted(self._empty)
        self._grid.addWidget(self._empty, 0, 0, 1, 2)

    @property
    def entries(self) -> tuple[TimelineEntry, ...]:
        return self._entries

    def entry_texts(self) -> list[str]:
        """Each entry as read aloud, newest first."""
        return [spoken(e) for e in self._entries]

    def set_entries(self, entries: Sequence[TimelineEntry]) -> None:
        """Show these entries (newest first)."""
        for widget in [*self._chips, *self._rows]:
            self._grid.removeWidget(widget)
            widget.deleteLater()
        self._chips, self._rows = [], []
        self._entries = tuple(entries)
        self._empty.setVisible(not self._entries)
        for index, entry in enumerate(self._entries):
            chip = RagChip(entry.rag, entry.rag_label, entry.colour, description=spoken(entry))
            self._grid.addWidget(chip, index + 1, 0, Qt.AlignmentFlag.AlignTop)
            body = self._body(entry)
            self._grid.addWidget(body, index + 1, 1)
            self._chips.append(chip)
            self._rows.append(body)
        if self._chips:
            width = max(chip.sizeHint().width() for chip in self._chips)
            for chip in self._chips:
                chip.setFixedWidth(width)
        self.setAccessibleDescription(
            f"{len(self._entries)} entries, newest first" if self._entries else self._empty_text
        )
        self.update()

    def _body(self, entry: TimelineEntry) -> QWidget:
        # One rich-text label per entry: a history is re-shown at every selection,
        # and each label costs a layout pass.
        heading = entry.when
        if entry.previous_label and entry.previous_label != entry.rag_label:
            heading += f" · was {entry.previous_label}"
        elif entry.previous_label:
            heading += " · unchanged"
        if entry.author:
            heading += f" · {entry.author}"
        muted = muted_text_colour(self.palette()).name()
        parts = [f"<b>{escape(heading)}</b>"]
        if entry.commentary:
            parts.append(escape(entry.commentary))
        parts += [
            f'<span style="color:{muted}">{escape(extra)}</span>'
            for extra in (entry.due_move, entry.decision)
            if extra
        ]
        body = QLabel("<br>".join(parts))
        body.setTextFormat(Qt.TextFormat.RichText)
        body.setWordWrap(True)
        body.setAccessibleName(spoken(entry))
        return body

    def paintEvent(self, event: QPaintEvent) -> None:
        # A line joining the chips: the trend reads top to bottom.
        if len(self._chips) < 2:
            return
        painter = QPainter(self)
        painter.setPen(QPen(muted_text_colour(self.palette()), 2))
        for upper, lower in zip(self._chips, self._chips[1:], strict=False):
            x = upper.geometry().center().x()
            top = upper.geometry().bottom() + 3
            bottom = lower.geometry().top() - 3
            if bottom > top:
                painter.drawLine(QPoint(x, top), QPoint(x, bottom))
        painter.end()
