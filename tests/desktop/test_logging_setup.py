"""The log: one rotating file under the log folder, level from BOARDPACK_LOG."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from desktop.logging_setup import (
    BACKUP_COUNT,
    MAX_BYTES,
    log_level,
    log_location,
    remove_logging,
    setup_logging,
)
from desktop.paths import app_paths


@pytest.fixture(autouse=True)
def _clean_root():
    level = logging.getLogger().level
    yield
    remove_logging()
    logging.getLogger().setLevel(level)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("", logging.INFO),
        ("debug", logging.DEBUG),
        (" WARNING ", logging.WARNING),
        ("15", 15),
        ("nonsense", logging.INFO),
    ],
)
def test_level_from_environment(value: str, level: int) -> None:
    assert log_level(value) == level


def test_rotating_file_under_the_log_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("BOARDPACK_LOG", "DEBUG")
    paths = app_paths(tmp_path / "data")
    target = setup_logging(paths)
    assert target == paths.log_dir / "boardpack.log" == log_location()
    assert logging.getLogger().level == logging.DEBUG
    logging.getLogger("desktop.test").debug("a debug line")
    ours = [h for h in logging.getLogger().handlers if isinstance(h, RotatingFileHandler)]
    assert len(ours) == 1 and ours[0].maxBytes == MAX_BYTES and ours[0].backupCount == BACKUP_COUNT
    ours[0].flush()
    assert "DEBUG desktop.test [MainThread]: a debug line" in target.read_text(encoding="utf-8")
    setup_logging(paths)  # a second setup replaces, never doubles, the handler
    assert sum(isinstance(h, RotatingFileHandler) for h in logging.getLogger().handlers) == 1


def test_log_folder_that_is_a_file(tmp_path: Path) -> None:
    """A file where the folder should be: nothing can be written, the app still runs."""
    root = tmp_path / "data"
    root.mkdir()
    (root / "logs").write_text("not a folder")
    assert setup_logging(app_paths(root)) is None
    assert log_location() is None
