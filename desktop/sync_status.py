"""The status bar's sync part: what is waiting to be sent, conflicts, and the last sync.

Always on screen once a database is open, so a chair can tell at a glance
whether this laptop is up to date before a meeting: how many changes and
files are still to send, how many conflicts wait for a person (a button that
opens the conflicts page), any of their changes overridden elsewhere, when
the last successful sync was ("never" until the first) and, if the last
attempt failed, why in a word or two ("offline", "update required"; the
whole sentence is in the tooltip). While a sync runs it shows how far it has
got and a Cancel button. It renders a `SyncStatus` and emits what was
clicked; it never reads the database (`desktop.sync_control` does).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from widgets.style import make_muted

if TYPE_CHECKING:
    from db.sync.engine import SyncStatus

#: Fill of the conflicts count when some are open (amber: needs a person, not an alarm).
CONFLICT_COLOUR = "#ffb000"
#: Text colour of a failed last attempt (with the reason in words beside it).
FAILURE_COLOUR = "#b10e1e"

#: Leading words of the engine's failure sentences, and the short reason shown for each.
_REASONS: tuple[tuple[str, str], ...] = (
    ("update required", "update required"),
    ("central store unreachable", "offline"),
    ("no central store at", "central store not found"),
    ("the central store is busy", "central store busy"),
    ("cancelled", "cancelled"),
    ("not a database url", "bad central store address"),
    ("unsupported central store", "bad central store address"),
)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def short_reason(error: str) -> str:
    """A failed attempt in a word or two: "offline", "update required", … or "failed"."""
    text = error.strip().lower()
    for start, reason in _REASONS:
        if text.startswith(start):
            return reason
    if "not a boardpack central store" in text or "is not initialised" in text:
        return "not a central store"
    return "error"


def failure_text(error: str) -> str:
    """The failed attempt as the status bar says it: "Offline", "Update required", …"""
    reason = short_reason(error)
    if reason == "cancelled":
        return "Last attempt cancelled"
    if reason == "error":
        return "Sync failed"
    return reason[0].upper() + reason[1:]


def pending_text(changes: int, files: int) -> str:
    """ "Nothing to send", or "To send: 3 changes, 0 files"."""
    if not changes and not files:
        return "Nothing to send"
    return f"To send: {_plural(changes, 'change')}, {_plural(files, 'file')}"


def last_sync_text(at: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """ "never", "14:05" (today), "yesterday 09:30", "3 Mar 14:05", "3 Mar 2019 14:05" (local)."""
    if at is None:
        return "never"
    local = at.astimezone()
    today = (now or dt.datetime.now().astimezone()).date()
    clock = f"{local:%H:%M}"
    if local.date() == today:
        return clock
    if local.date() == today - dt.timedelta(days=1):
        return f"yesterday {clock}"
    if local.year == today.year:
        return f"{local.day} {local:%b} {clock}"
    return f"{local.day} {local:%b %Y} {clock}"


def _label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class SyncStatusPart(QWidget):
    """Pending changes and files, conflicts, last sync, and the Sync now button."""

    conflicts_clicked = Signal()
    overrides_clicked = Signal()
    cancel_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.setAccessibleName("Sync status")
        self._now: dt.datetime | None = None  # tests pin "now"; None is the real time
        self._where = ""
        self._result = ""

        self.pending_label = _label("syncPending")
        self.conflicts_button = QToolButton()
        self.conflicts_button.setObjectName("syncConflicts")
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.conflicts_button.clicked.connect(self.conflicts_clicked)
        self.overrides_button = QToolButton()
        self.overrides_button.setObjectName("syncOverrides")
        self.overrides_button.setAutoRaise(True)
        self.overrides_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.overrides_button.clicked.connect(self.overrides_clicked)
        self.overrides_button.setVisible(False)
        self.last_sync_label = _label("syncLast")
        self.failure_label = _label("syncFailure")
        palette = self.failure_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, QColor(FAILURE_COLOUR))
        self.failure_label.setPalette(palette)
        self.failure_label.setVisible(False)

        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("syncProgress")
        self.progress_bar.setAccessibleName("Sync progress")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedWidth(72)
        self.progress_bar.setMaximumHeight(12)
        self.progress_bar.setRange(0, 0)  # busy until the engine says how far
        self.progress_bar.setVisible(False)
        self.progress_label = _label("syncProgressText")
        self.progress_label.setVisible(False)
        make_muted(self.progress_label)

        self.sync_button = QToolButton()
        self.sync_button.setObjectName("syncNow")
        self.sync_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.sync_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.sync_button.setText("Sync now")
        self.sync_button.setAccessibleName("Sync now")
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("syncCancel")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setAccessibleName("Cancel the sync")
        self.cancel_button.setToolTip(
            "Stop the sync at the next safe point; what was already sent or received is kept."
        )
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.cancel_button.setVisible(False)

        for label in (
            self.pending_label,
            self.last_sync_label,
            self.failure_label,
            self.progress_label,
        ):
            label.setContentsMargins(4, 2, 4, 2)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(0)  # the labels carry their own margins
        for widget in (
            self.pending_label,
            self.conflicts_button,
            self.overrides_button,
            self.last_sync_label,
            self.failure_label,
            self.progress_bar,
            self.progress_label,
            self.sync_button,
            self.cancel_button,
        ):
            layout.addWidget(widget)
        self.setVisible(False)  # nothing to say until a database's status arrives
        self._fit_fonts()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_fonts()

    def _fit_fonts(self) -> None:
        # A style sheet (the conflicts chip) would otherwise pin the application's smaller
        # font; the failure reason is bold so it reads as a warning without its colour.
        self.conflicts_button.setFont(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        self.failure_label.setFont(bold)

    def set_actions(self, sync_now: QAction, menu_actions: list[QAction]) -> None:
        """The Sync now action behind the button, and the button's menu."""
        self.sync_button.setDefaultAction(sync_now)
        menu = QMenu(self.sync_button)
        menu.setObjectName("syncMenu")
        menu.addActions(menu_actions)
        self.sync_button.setMenu(menu)

    def show_result(self, text: str) -> None:
        """What the last sync did ("Synced: 3 sent, 5 received"), kept in the tooltip."""
        self._result = text
        self.last_sync_label.setToolTip(self._where + (f"\n{text}" if text else ""))
        self.last_sync_label.setAccessibleDescription(text)

    def show_status(self, status: SyncStatus, *, background_minutes: int | None = None) -> None:
        """Render one `SyncStatus` (pending, conflicts, overrides, last sync, last failure)."""
        self.setVisible(True)
        changes, files = status.pending_changes, status.pending_files
        self.pending_label.setText(pending_text(changes, files))
        self.pending_label.setAccessibleName(
            f"To send: {_plural(changes, 'change')} and {_plural(files, 'file')}"
        )
        self.pending_label.setToolTip(
            f"{_plural(changes, 'change')} and {_plural(files, 'file')} made on this laptop "
            "that the central store does not have yet."
        )

        conflicts = status.open_conflicts
        text = _plural(conflicts, "conflict")
        self.conflicts_button.setText(text)
        self.conflicts_button.setAccessibleName(
            f"{text} to resolve; open the conflicts page"
            if conflicts
            else "No sync conflicts; open the conflicts page"
        )
        self.conflicts_button.setToolTip(
            "Text changed on two laptops, or a record changed on one and deleted on another: "
            "every version is kept until someone chooses. Click to see them (Ctrl+Shift+C)."
        )
        self.conflicts_button.setStyleSheet(
            f"QToolButton {{ background: {CONFLICT_COLOUR}; color: #0b0c0c; font-weight: bold;"
            " border: 1px solid #8a6200; border-radius: 4px; padding: 1px 6px; }"
            if conflicts
            else "QToolButton { padding: 1px 6px; }"
        )
        self._fit_fonts()

        overridden = status.unseen_overrides
        self.overrides_button.setVisible(bool(overridden))
        if overridden:
            text = f"{_plural(overridden, 'change')} of yours overridden"
            self.overrides_button.setText(text)
            self.overrides_button.setAccessibleName(f"{text}; open the list")
            self.overrides_button.setToolTip(
                "Someone changed the same field later on another laptop and their value was "
                "kept. Click to see what you had entered."
            )

        last = f"Last sync: {last_sync_text(status.last_sync_at, self._now)}"
        self.last_sync_label.setText(last)
        self.last_sync_label.setAccessibleName(last)
        from db.sync.settings import display_remote

        where = (
            f"Central store: {display_remote(status.remote)}"
            if status.remote
            else "No central store set yet: Sync now asks for its address."
        )
        every = (
            f"\nThis laptop syncs every {background_minutes} minutes while it can reach it."
            if background_minutes and status.remote
            else ""
        )
        self._where = where + every
        self.show_result(self._result)

        if status.last_error:
            self.failure_label.setText(failure_text(status.last_error))
            self.failure_label.setAccessibleName(f"Last sync attempt: {status.last_error}")
            self.failure_label.setToolTip(status.last_error)
            self.failure_label.setVisible(True)
        else:
            self.failure_label.setVisible(False)
            self.failure_label.setText("")

    def show_running(self, running: bool) -> None:
        """A sync has started (busy bar, Cancel) or ended."""
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(running)
        self.progress_label.setText("Syncing…" if running else "")
        self.progress_label.setAccessibleName("Syncing" if running else "")
        self.progress_label.setVisible(running)
        self.cancel_button.setVisible(running)
        self.sync_button.setVisible(not running)

    def show_progress(self, text: str) -> None:
        """How far the running sync has got, e.g. "Receiving changes: 200 of 1,000"."""
        self.progress_label.setText(text)
        self.progress_label.setAccessibleName(text)
