"""The app's backup and wipe dialogs, and the offer to restore a damaged file.

- `BackupDialog`: this database's backups, newest first; "Back up now"; and
  "Restore…", which asks first, backs the current file up, puts the backup in
  its place (`db.backup.restore`) and tells every page to read again.
- `WipeDialog`: what a local wipe removes (`desktop.wipe`), done only after
  the user types WIPE; the window then closes (there is nothing left to show).
- `offer_restore`: when the file is damaged on open, offers its latest good
  backup (the damaged file is kept as a copy); `open_for_app` opens the app's
  database that way, with its backups in the user data dir, and
  `daily_backup_in_background` takes the day's backup off the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.backup import Backup, backup_if_due, create_backup, list_backups, restore
from db.errors import BoardpackError, CorruptDatabaseError
from desktop.audit_view import local_time
from widgets.row_model import RIGHT, Column, RowTableModel

if TYPE_CHECKING:
    from db.store import Database

log = logging.getLogger(__name__)

# What a restore may have changed: every page reads again.
TOPICS = ("plan", "risks", "kpis", "meetings", "minutes", "papers", "annotations", "questions")
REASONS = {
    "daily": "Daily",
    "manual": "Taken by hand",
    "before-restore": "Before a restore",
    "damaged": "Damaged file kept",
}


def reason_text(reason: str) -> str:
    if reason in REASONS:
        return REASONS[reason]
    if reason.startswith("migration-"):
        return (
            "Before an upgrade (" + reason.removeprefix("migration-").replace("-to-", " → ") + ")"
        )
    if reason.startswith("sync-"):
        return f"Before a sync of {reason.removeprefix('sync-')} changes"
    return reason


def _size(backup: Backup) -> str:
    try:
        return f"{backup.size / 1e6:.1f} MB"
    except OSError:
        return "?"


class BackupModel(RowTableModel[Backup]):
    """Backups of one database, newest first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            [
                Column(
                    "Taken",
                    lambda b: local_time(b.taken_at),
                    sort_key=lambda b: b.taken_at,
                    spoken=lambda b: f"Taken {local_time(b.taken_at)}",
                ),
                Column("Why", lambda b: reason_text(b.reason)),
                Column("Size", _size, sort_key=lambda b: b.path.stat().st_size, align=RIGHT),
                Column("File", lambda b: b.path.name, tooltip=lambda b: str(b.path)),
            ],
            parent,
        )


class BackupDialog(QDialog):
    """List, take and restore backups of the open database."""

    def __init__(
        self,
        database: Database,
        announce: Callable[[str], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backups")
        self.setObjectName("backupDialog")
        self.database = database
        self.announce = announce
        self.model = BackupModel(self)
        intro = QLabel(
            f"Backups of {database.path.name} in {database.backups}. One is taken each day "
            "the app is opened, before every upgrade and before a large sync; restoring "
            "keeps a copy of the file it replaces."
        )
        intro.setWordWrap(True)
        self.table = QTableView()
        self.table.setAccessibleName("Backups")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.backup_button = QPushButton("Back up &now")
        self.restore_button = QPushButton("&Restore…")
        self.restore_button.setEnabled(False)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self.resize(860, 420)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.restore_button.setEnabled(self.selected() is not None)
        )
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(list_backups(self.database.path, self.database.backups))
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def back_up_now(self) -> None:
        try:
            taken = create_backup(
                self.database.path, self.database.backups, "manual", key=self.database.key
            )
        except BoardpackError as error:
            self.message.setText(str(error).capitalize())
            return
        self.refresh()
        self.message.setText(f"Backed up to {taken.path.name}.")

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        answer = QMessageBox.question(
            self,
            "Restore a backup",
            f"Replace the board in {self.database.path.name} with the backup taken "
            f"{local_time(chosen.taken_at)}? Changes made since then on this laptop are "
            "replaced; the current file is kept as a backup first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.database.engine.dispose()  # no connection may hold the old file
        try:
            saved = restore(
                self.database.path, chosen.path, self.database.backups, key=self.database.key
            )
        except BoardpackError as error:
            self.message.setText(str(error).capitalize())
            return
        self.refresh()
        kept = f" The replaced file is kept as {saved.path.name}." if saved else ""
        self.message.setText(f"Restored the backup taken {local_time(chosen.taken_at)}.{kept}")
        if self.announce is not None:
            for topic in TOPICS:
                self.announce(topic)


class WipeDialog(QDialog):
    """Remove this database and everything Boardpack keeps with it, after typing WIPE."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        from desktop.paths import app_paths
        from desktop.wipe import plan_wipe

        super().__init__(parent)
        self.setWindowTitle("Wipe this laptop")
        self.setObjectName("wipeDialog")
        self.database = database
        self.removed: int | None = None
        self.plan = plan_wipe(database.path, app_paths())
        listing = "\n".join(f"  {line}" for line in self.plan.describe())
        text = QLabel(
            "For a lost or reassigned laptop: this removes, for good, from this laptop only\n"
            f"{listing}\nThe central store and the other laptops keep their copies. "
            "Boardpack closes afterwards."
        )
        text.setWordWrap(True)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setAccessibleName("Type WIPE to confirm")
        self.confirm_edit.setPlaceholderText("Type WIPE to confirm")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.wipe_button = buttons.addButton("Wipe", QDialogButtonBox.ButtonRole.DestructiveRole)
        self.wipe_button.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.wipe_button.clicked.connect(self.wipe)
        self.confirm_edit.textChanged.connect(
            lambda value: self.wipe_button.setEnabled(value.strip() == "WIPE")
        )
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.confirm_edit)
        layout.addWidget(buttons)

    def wipe(self) -> None:
        from desktop.wipe import wipe

        if self.confirm_edit.text().strip() != "WIPE":
            return
        self.database.close()
        self.removed = wipe(self.plan)
        self.accept()


def offer_restore(
    parent: QWidget | None,
    db_path: Path,
    error: CorruptDatabaseError,
    backup_dir: Path,
    *,
    key: bytes | None = None,
) -> bool:
    """Offer the latest good backup of a damaged file; True when it was restored.
    `key`: the data key of an encrypted file."""
    if error.backup is None:
        return False
    backup = next((b for b in list_backups(db_path, backup_dir) if b.path == error.backup), None)
    when = f", taken {local_time(backup.taken_at)}" if backup else ""
    answer = QMessageBox.question(
        parent,
        "Damaged database",
        f"{db_path.name} is damaged and cannot be opened. Restore its latest good backup "
        f"({error.backup.name}{when})? The damaged file is kept as a copy.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    restore(db_path, error.backup, backup_dir, key=key)
    return True


def open_for_app(
    db_path: Path, *, parent: QWidget | None, ask: bool, key: bytes | None = None
) -> Database:
    """Open the app's database with its backups in the user data dir; a damaged file
    is offered its latest good backup (when `ask`), then opened again. `key`: the
    data key of an encrypted file (from sign-in)."""
    from db.store import open_database
    from desktop.paths import app_paths

    folder = app_paths().backup_dir
    try:
        return open_database(db_path, backup_dir=folder, integrity="deferred", key=key)
    except CorruptDatabaseError as error:
        if not ask or not offer_restore(parent, db_path, error, folder, key=key):
            raise
    return open_database(db_path, backup_dir=folder, integrity="deferred", key=key)


def damage_found(
    db_path: Path, error: Exception, *, key: bytes | None = None
) -> CorruptDatabaseError:
    """The error to show when reading the open file failed: the integrity check's
    verdict (naming the latest good backup), or the read error itself. `key`: the
    data key of an encrypted file."""
    from db.store import check_integrity
    from desktop.paths import app_paths

    try:
        check_integrity(db_path, app_paths().backup_dir, key=key)
    except CorruptDatabaseError as damaged:
        return damaged
    cause = getattr(error, "orig", None) or error
    return CorruptDatabaseError(f"{db_path} could not be read ({cause}); restore it from a backup")


class IntegrityCheck(QObject):
    """The whole-file check `open_for_app` deferred, run on a thread of its own.

    `damaged` carries the error (naming the latest good backup) to the GUI thread;
    nothing is emitted for a sound file.
    """

    damaged = Signal(object)

    def start(self, database: Database) -> threading.Thread:
        from db.store import check_integrity

        def run() -> None:
            try:
                check_integrity(database.path, database.backups, key=database.key)
            except CorruptDatabaseError as error:
                self.damaged.emit(error)

        thread = threading.Thread(target=run, name="integrity-check", daemon=True)
        thread.start()
        return thread


def daily_backup_in_background(database: Database) -> threading.Thread:
    """Take the daily backup (if one is due) off the GUI thread; failures are logged."""

    def run() -> None:
        try:
            taken = backup_if_due(database.path, database.backups, key=database.key)
        except (BoardpackError, OSError) as error:
            log.warning("daily backup of %s failed: %s", database.path, error)
            return
        if taken is not None:
            log.info("daily backup of %s: %s", database.path, taken.path)

    thread = threading.Thread(target=run, name="daily-backup", daemon=True)
    thread.start()
    return thread
