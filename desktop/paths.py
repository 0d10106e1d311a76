"""Where Boardpack keeps its files: one module over platformdirs, overridable.

`--data-dir` (or `BOARDPACK_DATA_DIR`) moves everything under one folder, which
is what tests and portable installs use; otherwise the platform's user data,
log and cache folders.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Boardpack"
ENV_DATA_DIR = "BOARDPACK_DATA_DIR"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    log_dir: Path
    cache_dir: Path
    backup_dir: Path

    @property
    def demo_db(self) -> Path:
        return self.data_dir / "demo.db"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "boardpack.log"


def app_paths(data_dir: Path | str | None = None) -> AppPaths:
    """The folders to use, honouring an explicit or environment override."""
    override = data_dir or os.environ.get(ENV_DATA_DIR)
    if override:
        root = Path(override).expanduser()
        return AppPaths(root, root / "logs", root / "cache", root / "backups")
    data = platformdirs.user_data_path(APP_NAME, APP_NAME)
    return AppPaths(
        data,
        platformdirs.user_log_path(APP_NAME, APP_NAME),
        platformdirs.user_cache_path(APP_NAME, APP_NAME),
        data / "backups",
    )
