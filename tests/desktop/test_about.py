"""The About dialog: the installed version, what it runs on, where files are, the licence."""

from __future__ import annotations

import sqlite3
from importlib.metadata import version
from pathlib import Path

from PySide6 import QtCore
from PySide6.QtWidgets import QApplication

from desktop.about import AboutDialog
from desktop.paths import app_paths


def test_about_shows_version_paths_and_licence(qtbot, tmp_path: Path, monkeypatch) -> None:
    paths = app_paths(tmp_path / "moved")
    dialog = AboutDialog(paths)
    qtbot.addWidget(dialog)
    dialog.show()
    title = dialog.findChild(type(dialog.value_labels["Data"]), "aboutVersion")
    assert title is not None and title.text() == f"Boardpack {version('boardpack')}"
    shown = {name: label.text() for name, label in dialog.value_labels.items()}
    assert shown["Data"] == str(tmp_path / "moved")
    assert shown["Log file"] == str(tmp_path / "moved" / "logs" / "boardpack.log")
    assert shown["Backups"] == str(tmp_path / "moved" / "backups")
    assert shown["Qt"].startswith(QtCore.qVersion())
    assert shown["SQLite"] == sqlite3.sqlite_version
    assert "SQLCipher" in shown and "Python" in shown
    assert shown["Licence"] == "AGPL-3.0-or-later"

    dialog.copy()
    copied = QApplication.clipboard().text()
    assert copied.splitlines()[0] == f"Boardpack {version('boardpack')}"
    assert f"Backups: {tmp_path / 'moved' / 'backups'}" in copied
    assert dialog.copy_button.text() == "Copied"

    opened: list[str] = []
    monkeypatch.setattr(
        "desktop.about.QDesktopServices.openUrl",
        staticmethod(lambda url: opened.append(url.toLocalFile()) or True),
    )
    assert dialog.open_folder(paths.backup_dir)
    assert opened == [str(paths.backup_dir)] and paths.backup_dir.is_dir()
