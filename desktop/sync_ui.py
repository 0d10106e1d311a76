"""Sync's faces in the window, wired together: actions, status part, conflicts page, dialogs.

The main window composes; this module connects. It owns the three actions —
"Sync now" (Ctrl+Shift+S), "Conflicts…" (Ctrl+Shift+C) and "Central store…"
— puts them behind the status part's Sync button, passes the controller's
status, progress and results to the status part, the person's choices on the
conflicts page back to the controller, and opens the two dialogs: the central
store address (when Sync now finds none) and, when a sync the person asked
for fails, a box with the one-line reason. Background syncs never open a
dialog: their failures only change the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.sync_control import SyncController, result_text

if TYPE_CHECKING:
    from db.sync.engine import SyncResult, SyncStatus
    from desktop.conflicts_view import ConflictsPage
    from desktop.remote_dialog import RemoteDialog
    from desktop.sync_status import SyncStatusPart

SYNC_NOW_KEYS = "Ctrl+Shift+S"
CONFLICTS_KEYS = "Ctrl+Shift+C"


def _action(parent: QWidget, text: str, name: str, keys: str | None, tip: str) -> QAction:
    action = QAction(text, parent)
    action.setObjectName(name)
    if keys:
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
        tip = f"{tip} ({native})"
    action.setToolTip(tip)
    action.setStatusTip(tip)
    parent.addAction(action)
    return action


class SyncUi(QObject):
    """Connects a `SyncController` to the status part, the conflicts page and the dialogs."""

    def __init__(
        self,
        window: QWidget,
        controller: SyncController,
        part: SyncStatusPart,
        page: ConflictsPage,
        *,
        show_page: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.controller = controller
        self.part = part
        self.page = page
        self._show_page = show_page
        self.failure_box: QMessageBox | None = None
        self.remote_dialog: RemoteDialog | None = None

        self.sync_now_action = _action(
            window,
            "Sync now",
            "syncNowAction",
            SYNC_NOW_KEYS,
            "Send this laptop's changes to the central store and receive everyone else's",
        )
        self.conflicts_action = _action(
            window,
            "Conflicts…",
            "conflictsAction",
            CONFLICTS_KEYS,
            "Show the sync conflicts waiting for a choice",
        )
        self.remote_action = _action(
            window,
            "Central store…",
            "remoteAction",
            None,
            "Set the address of the central store this laptop syncs with",
        )
        self.sync_now_action.triggered.connect(self.sync_now)
        self.conflicts_action.triggered.connect(lambda: self.show_conflicts())
        self.remote_action.triggered.connect(lambda: self.ask_remote())
        part.set_actions(
            self.sync_now_action, [self.sync_now_action, self.conflicts_action, self.remote_action]
        )

        part.conflicts_clicked.connect(lambda: self.show_conflicts())
        part.overrides_clicked.connect(lambda: self.show_conflicts(overrides=True))
        part.cancel_clicked.connect(controller.cancel)
        controller.status_changed.connect(self._show_status)
        controller.running_changed.connect(self._running)
        controller.progressed.connect(part.show_progress)
        controller.synced.connect(self._synced)
        controller.failed.connect(self._failed)
        controller.conflicts_changed.connect(self._conflicts_changed)
        controller.saving_changed.connect(page.set_busy)
        controller.action_failed.connect(lambda reason: page.show_message(reason, error=True))

        page.text_chosen.connect(controller.keep_text)
        page.deleted_chosen.connect(
            lambda conflict, restore: controller.settle_deleted(conflict, restore=restore)
        )
        page.signed_kept.connect(controller.keep_signed)
        page.overrides_seen.connect(controller.mark_seen)
        controller.start()

    # Actions ------------------------------------------------------------------

    def sync_now(self) -> None:
        """Sync now; with no central store set, ask for it first."""
        if self.controller.running:
            return
        if self.controller.remote() is None:
            self.ask_remote()
            return
        self.controller.sync_now(manual=True)

    def ask_remote(self) -> RemoteDialog:
        """Open the central store dialog (window-modal, non-blocking); saving it syncs."""
        from desktop.remote_dialog import RemoteDialog

        if self.remote_dialog is not None and self.remote_dialog.isVisible():
            return self.remote_dialog
        dialog = RemoteDialog(self.controller.remote(), self.window)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self._remote_chosen(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.remote_dialog = dialog
        dialog.open()
        return dialog

    def _remote_chosen(self, dialog: RemoteDialog) -> None:
        if dialog.url is not None:
            self.controller.set_remote(dialog.url, then=self._sync_after_remote)

    def _sync_after_remote(self) -> None:
        self.controller.sync_now(manual=True)

    def show_conflicts(self, *, overrides: bool = False) -> None:
        """Open the conflicts page (on its overrides tab if asked) with fresh lists."""
        self.reload_page()
        if overrides:
            self.page.show_overrides()
        elif self.page.conflicts_model.rowCount() or not self.page.overrides_model.rowCount():
            self.page.show_to_resolve()
        self._show_page("conflicts")
        self.page.focus_list()

    def reload_page(self) -> None:
        """Re-read the open conflicts and overridden changes into the page."""
        status = self.controller.status or self.controller.refresh()
        self.page.set_conflicts(
            self.controller.open_conflicts(),
            this_site=status.site_id if status is not None else None,
        )
        self.page.set_overrides(self.controller.overrides())

    def shutdown(self) -> None:
        self.controller.shutdown()

    # Controller -> faces ------------------------------------------------------

    def _background_minutes(self) -> int:
        return max(1, round(self.controller.background_interval_ms / 60_000))

    def _show_status(self, status: SyncStatus) -> None:
        self.part.show_status(
            status,
            background_minutes=(
                self._background_minutes() if self.controller.background_active else None
            ),
        )

    def _running(self, running: bool) -> None:
        self.part.show_running(running)
        self.sync_now_action.setEnabled(not running)
        self.remote_action.setEnabled(not running)

    def _synced(self, result: SyncResult) -> None:
        self.part.show_result(f"{result_text(result)} ({result.seconds:.1f} s)")

    def _failed(self, reason: str, manual: bool) -> None:
        if not manual:
            return  # the status bar already says so
        if self.failure_box is None:
            box = QMessageBox(self.window)
            box.setObjectName("syncFailure")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("Sync failed")
            box.setStandardButtons(QMessageBox.StandardButton.Ok)
            box.setWindowModality(Qt.WindowModality.WindowModal)
            box.finished.connect(self._failure_closed)
            self.failure_box = box
        box = self.failure_box
        box.setText(reason[0].upper() + reason[1:] if reason else "The sync failed.")
        box.setInformativeText(
            "Your changes are safe on this laptop and will be sent at the next sync."
            + (
                f" Boardpack tries again every {self._background_minutes()} minutes."
                if self.controller.background_active
                else ""
            )
        )
        box.setAccessibleName(f"Sync failed: {reason}")
        if not box.isVisible():
            box.open()

    def _failure_closed(self, _result: int) -> None:
        if self.failure_box is not None:
            self.failure_box.deleteLater()
            self.failure_box = None

    def _conflicts_changed(self) -> None:
        if self.page.isVisibleTo(self.page.window()) or self.page.isVisible():
            self.reload_page()
