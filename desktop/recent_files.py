"""The recent-files list the welcome screen offers and `boardpack doctor` checks.

Kept in `QSettings` (a laptop's own list, never in a board's database): most
recent first, at most `MAX_RECENT` paths, each stored absolute. A file that has
since been moved or deleted stays on the list (shown greyed, "not found") until
it drops off the end or is opened again from its new place. The settings live
in an INI file under the data folder when `--data-dir`/`BOARDPACK_DATA_DIR` moves
it (tests, portable installs), else in the platform's usual settings store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from desktop.paths import APP_NAME, AppPaths

MAX_RECENT = 8
KEY = "recent/files"


@dataclass(frozen=True)
class RecentFile:
    path: Path

    @property
    def exists(self) -> bool:
        return self.path.is_file()


def app_settings(paths: AppPaths) -> QSettings:
    """The app's `QSettings`: an INI file when the data folder was moved, else the native store."""
    if paths.data_dir != platformdirs.user_data_path(APP_NAME, APP_NAME):
        return QSettings(str(paths.data_dir / "boardpack.ini"), QSettings.Format.IniFormat)
    return QSettings(APP_NAME, APP_NAME)


class RecentFiles:
    """Read and update the list (tests pass a scratch `QSettings`)."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def paths(self) -> list[Path]:
        value = self._settings.value(KEY, [])
        if isinstance(value, str):  # QSettings gives a lone entry back as a string
            value = [value]
        items = list(value) if isinstance(value, list | tuple) else []
        return [Path(str(v)) for v in items if str(v)][:MAX_RECENT]

    def entries(self) -> list[RecentFile]:
        return [RecentFile(p) for p in self.paths()]

    def add(self, path: Path | str) -> None:
        """Put `path` first (moving it up if already listed), keeping at most MAX_RECENT."""
        new = Path(path).expanduser().resolve()
        kept = [p for p in self.paths() if p != new]
        self._settings.setValue(KEY, [str(p) for p in [new, *kept][:MAX_RECENT]])
        self._settings.sync()

    def remove(self, path: Path | str) -> None:
        gone = Path(path)
        self._settings.setValue(KEY, [str(p) for p in self.paths() if p != gone])
        self._settings.sync()

    def last_existing(self) -> Path | None:
        """The most recent file that is still there (the app reopens it on start)."""
        return next((e.path for e in self.entries() if e.exists), None)
