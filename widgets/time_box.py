"""An item's timer against its time box: "12:04 of 15 min", and a warning in words when over.

The chair keeps time from it across a table, so the overrun is said in text
("Over by 2:10") as well as shown by the colour, and the label's accessible
name says the same. The widget only measures: the caller says when the item
started (`start(started, box)`, in seconds of the clock: wall time by
default, so a reopened meeting keeps counting from the recorded start) and
how long it was given; the clock is injectable so tests need not wait.
Knows nothing of the database.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

#: Fill and text for each state: within the box, the last minute, over.
WITHIN_STYLE = "background: palette(base); color: palette(window-text);"
NEAR_STYLE = "background: #ffdd00; color: #0b0c0c;"
OVER_STYLE = "background: #d4351c; color: #ffffff;"
#: Seconds before the end of the box from which the timer warns "1 min left".
NEAR_SECONDS = 60


def clock_text(seconds: float) -> str:
    """ "4:05", "1:02:03" (never negative)."""
    total = max(int(seconds), 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def timer_text(elapsed: float, box_minutes: int | None) -> tuple[str, str]:
    """What the timer says and its state ("idle", "within", "near", "over")."""
    shown = clock_text(elapsed)
    if box_minutes is None or box_minutes <= 0:
        return f"{shown} (no time box)", "within"
    box = box_minutes * 60
    if elapsed > box:
        return f"⚠ OVER by {clock_text(elapsed - box)} ({shown} of {box_minutes} min)", "over"
    if box - elapsed <= NEAR_SECONDS:
        return f"{shown} of {box_minutes} min — under a minute left", "near"
    return f"{shown} of {box_minutes} min", "within"


class TimeBoxTimer(QLabel):
    """A label that counts up from the item's start and warns when the time box is overrun."""

    def __init__(
        self, clock: Callable[[], float] = time.time, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("itemTimer")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMargin(6)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.setFont(font)
        self._clock = clock
        self._started: float | None = None
        self._box: int | None = None
        self.state = "idle"
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.refresh)
        self.stop("Not started")

    def start(self, started: float, box_minutes: int | None) -> None:
        """Count from `started` (a value of the clock) against a box of `box_minutes`."""
        self._started, self._box = started, box_minutes
        self._tick.start()
        self.refresh()

    def stop(self, text: str) -> None:
        """Stop counting and show `text` instead."""
        self._tick.stop()
        self._started = None
        self.state = "idle"
        self.setText(text)
        self.setAccessibleName(f"Item timer: {text}")
        self.setStyleSheet(WITHIN_STYLE)

    def elapsed(self) -> float:
        return 0.0 if self._started is None else self._clock() - self._started

    def refresh(self) -> None:
        if self._started is None:
            return
        text, state = timer_text(self.elapsed(), self._box)
        self.state = state
        self.setText(text)
        self.setAccessibleName(f"Item timer: {text}")
        self.setStyleSheet(
            OVER_STYLE if state == "over" else NEAR_STYLE if state == "near" else WITHIN_STYLE
        )
