"""Errors the domain raises, each carrying one sentence a person can act on.

The CLI prints `str(error)` on one line and exits non-zero; the GUI shows it in
a dialog. Anything else escaping is a bug.
"""

from __future__ import annotations

from pathlib import Path


class BoardpackError(Exception):
    """Base of every expected, user-facing failure."""


class DatabaseFileError(BoardpackError):
    """The database file cannot be used as it is."""


class DatabaseNotFoundError(DatabaseFileError):
    pass


class NotABoardpackDatabaseError(DatabaseFileError):
    pass


class CorruptDatabaseError(DatabaseFileError):
    """A damaged file; `backup` is the latest good backup found, if any."""

    def __init__(self, message: str, backup: Path | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class NewerSchemaError(DatabaseFileError):
    pass


class BackupError(BoardpackError):
    """A backup could not be taken or restored (the file in place is untouched)."""


class AppendOnlyError(BoardpackError):
    """An attempt to change or delete a record that is kept as written."""


class PermissionDeniedError(BoardpackError):
    pass


class ValidationError(BoardpackError):
    pass


class NotFoundError(BoardpackError):
    pass
