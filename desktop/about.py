"""The About dialog: which Boardpack this is, what it runs on, and where it keeps things.

Shown from the welcome screen (and Help → About once the window offers it).
An administrator on the phone asks first for the version and where the files
are: the dialog gives the version (package metadata), Python, Qt, SQLite and
SQLCipher versions (the same lines as `boardpack doctor`), the data, log,
backup and cache folders (`desktop.paths`) with a button opening each, and the
licence. "Copy" puts the whole text on the clipboard for an email.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, metadata
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import app_version
from desktop.paths import AppPaths
from widgets.style import make_muted

LICENCE_NOTE = (
    "Free software: you may share and change it under the GNU Affero General Public "
    "Licence, version 3 or later. It comes with no warranty."
)


def licence() -> str:
    """The licence named in the package metadata (SPDX), or the project's own."""
    try:
        meta = metadata("boardpack")
    except PackageNotFoundError:
        return "AGPL-3.0-or-later"
    data = meta.json
    return str(data.get("license_expression") or data.get("license") or "AGPL-3.0-or-later")


def about_lines(paths: AppPaths) -> list[tuple[str, str]]:
    """(label, value) rows: versions, then folders, then the licence."""
    from desktop.cli_doctor import versions
    from desktop.logging_setup import log_location

    rows = [(name, value) for name, value in versions() if name != "Boardpack"]
    log_file = log_location() or paths.log_file
    rows += [
        ("Data", str(paths.data_dir)),
        ("Log file", str(log_file)),
        ("Backups", str(paths.backup_dir)),
        ("Cache", str(paths.cache_dir)),
        ("Licence", licence()),
    ]
    return rows


class AboutDialog(QDialog):
    """Version, versions of what it runs on, folders (each with Open), licence."""

    FOLDER_ROWS = ("Data", "Log file", "Backups", "Cache")

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.setObjectName("aboutDialog")
        self.setWindowTitle("About Boardpack")
        self.setAccessibleName("About Boardpack")
        self.rows = about_lines(paths)

        title = QLabel(f"Boardpack {app_version()}")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        title.setObjectName("aboutVersion")
        tagline = QLabel(
            "Improvement boards for children's services: plans, risks, meetings, minutes."
        )
        make_muted(tagline)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.value_labels: dict[str, QLabel] = {}
        for row, (name, value) in enumerate(self.rows):
            label = QLabel(f"{name}:")
            label.setStyleSheet("font-weight: bold;")
            shown = QLabel(value)
            shown.setWordWrap(True)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setAccessibleName(f"{name}: {value}")
            self.value_labels[name] = shown
            grid.addWidget(label, row, 0)
            grid.addWidget(shown, row, 1)
            if name in self.FOLDER_ROWS:
                button = QPushButton("Open")
                button.setAccessibleName(f"Open the {name.lower()} folder")
                folder = paths.log_dir if name == "Log file" else Path(value)
                button.clicked.connect(lambda _=False, f=folder: self.open_folder(f))
                grid.addWidget(button, row, 2)
        note = QLabel(LICENCE_NOTE)
        note.setWordWrap(True)
        make_muted(note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setAccessibleName("Copy these details to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        buttons.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.accept)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(title)
        layout.addWidget(tagline)
        layout.addSpacing(8)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(640)

    def text(self) -> str:
        """Everything the dialog says, as plain lines."""
        return "\n".join([f"Boardpack {app_version()}", *(f"{n}: {v}" for n, v in self.rows)])

    def copy(self) -> None:
        QApplication.clipboard().setText(self.text())
        self.copy_button.setText("Copied")

    def open_folder(self, folder: Path) -> bool:
        """Show `folder` in the file manager (made first: a new install has none yet)."""
        folder.mkdir(parents=True, exist_ok=True)
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
