"""Typed notes reach the database within about a second, and are never dropped.

A plain debounce (restart the timer on every keystroke) never fires while
someone types without pausing, so a crash could lose minutes. Here the first
unsaved keystroke starts a one-shot timer that is *not* restarted by later
keystrokes: whatever has been typed when it fires is written, so the saved
text is never more than `interval` (plus one write) behind. `flush()` writes
at once — the cockpit calls it on leaving an item, on closing the meeting and
when the window closes. A failed write keeps the text pending and tries again
on the next tick, so nothing typed is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, QTimer, Signal

#: Milliseconds from the first unsaved keystroke to the write.
SAVE_INTERVAL_MS = 1000


@dataclass(frozen=True)
class PendingNotes:
    """The latest unsaved text of one item (None: that field is unchanged)."""

    item_id: str
    discussion: str | None = None
    chair_notes: str | None = None


class NotesAutosave(QObject):
    """Collects edits per item and writes them through `save` on a timer or on `flush()`.

    Args:
        save: writes one item's notes and commits; returns None or the sentence
            saying why it failed (the text then stays pending).
        interval_ms: the longest time an edit waits before it is written.
    """

    saved = Signal(str)  # item id, after a successful write
    failed = Signal(str)  # the reason

    def __init__(
        self,
        save: Callable[[PendingNotes], str | None],
        interval_ms: int = SAVE_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._pending: dict[str, PendingNotes] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # the promise is in seconds
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def edited(
        self, item_id: str, *, discussion: str | None = None, chair_notes: str | None = None
    ) -> None:
        """Note new text for an item; it is written within `interval_ms`."""
        old = self._pending.get(item_id, PendingNotes(item_id))
        self._pending[item_id] = PendingNotes(
            item_id,
            discussion if discussion is not None else old.discussion,
            chair_notes if chair_notes is not None else old.chair_notes,
        )
        if not self._timer.isActive():
            self._timer.start()

    def flush(self) -> bool:
        """Write everything pending now; True when nothing is left unsaved."""
        self._timer.stop()
        for item_id, notes in list(self._pending.items()):
            problem = self._save(notes)
            if problem is not None:
                self.failed.emit(problem)
                self._timer.start()  # try again shortly; the text stays pending
                return False
            if self._pending.get(item_id) is notes:
                del self._pending[item_id]
            self.saved.emit(item_id)
        return True
