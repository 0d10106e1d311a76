"""Where each person stopped reading each paper, so the reader never jumps back to page 1.

The papers service keeps no reading position (it is this laptop's, not the
board's record), so it is kept in `QSettings` under
`reader/last_page/<person id>/<paper id>` — per person, since a laptop may be
shared, and per paper id; a re-issued paper falls back to the page last read
in the version it replaced (the caller passes the chain of ids). The pack is
stored under the key "pack-<meeting id>".
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSettings

PREFIX = "reader/last_page"


class LastPageStore:
    """Last page read, per person and paper, in `QSettings`."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings()

    def _key(self, person_id: str | None, key: str) -> str:
        return f"{PREFIX}/{person_id or 'nobody'}/{key}"

    def get(self, person_id: str | None, keys: Sequence[str]) -> int | None:
        """The page stored for the first of `keys` that has one (0-based), else None."""
        for key in keys:
            value = self._settings.value(self._key(person_id, key))
            if value is None:
                continue
            try:
                return max(0, int(str(value)))
            except ValueError:
                continue
        return None

    def put(self, person_id: str | None, key: str, page: int) -> None:
        self._settings.setValue(self._key(person_id, key), int(page))

    def sync(self) -> None:
        self._settings.sync()
