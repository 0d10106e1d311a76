"""Where Boardpack's log goes: one rotating file under the user log directory.

`setup_logging(paths)` is called once at start-up by the command line (GUI and
subcommands alike). The file is `paths.log_file` (platformdirs' user log
folder, or `<data-dir>/logs` with `--data-dir`), rotated at 1 MB with five old
files kept, so a laptop never fills up with logs. The level is INFO unless the
environment variable `BOARDPACK_LOG` names another (`DEBUG`, `WARNING`, …).
When the folder cannot be written the app still runs, logging nowhere, and
`log_location()` says so (the crash dialog and `boardpack doctor` show it).
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from desktop.paths import AppPaths

ENV_LEVEL = "BOARDPACK_LOG"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s]: %(message)s"

#: Marks the handler this module added, so a second setup replaces it.
_MARK = "_boardpack_handler"


def log_level(value: str | None = None) -> int:
    """The level named by `value` (default: `$BOARDPACK_LOG`), INFO when unset or unknown."""
    name = (value if value is not None else os.environ.get(ENV_LEVEL, "")).strip().upper()
    if not name:
        return logging.INFO
    if name.isdigit():
        return int(name)
    level = logging.getLevelNamesMapping().get(name)
    return level if level is not None else logging.INFO


def remove_logging() -> None:
    """Take this module's handler off the root logger and close its file (tests, shutdown)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(old)
        old.close()


def setup_logging(paths: AppPaths, *, level: int | None = None) -> Path | None:
    """Send the root logger to the rotating file under `paths.log_dir`.

    Args:
        paths: the app's folders.
        level: the level (default: from `$BOARDPACK_LOG`, else INFO).

    Returns:
        The log file, or None when its folder cannot be written (nothing is logged).
    """
    remove_logging()
    root = logging.getLogger()
    target: Path | None = paths.log_file
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            paths.log_file, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        handler, target = logging.NullHandler(), None
    handler.setFormatter(logging.Formatter(FORMAT))
    setattr(handler, _MARK, True)
    root.addHandler(handler)
    root.setLevel(log_level() if level is None else level)
    return target


def log_location() -> Path | None:
    """The file the root logger writes to, if this module set one up."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _MARK, False) and isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None
