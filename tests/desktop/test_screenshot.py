"""`take_screenshot` renders each page offscreen to a PNG of the asked size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from db.errors import BoardpackError
from db.store import Database
from desktop.screenshot import PAGES, take_screenshot
from tests.desktop.board_fixture import TODAY


def test_pages_include_every_navigation_entry() -> None:
    assert PAGES[:7] == (
        "dashboard",
        "plan",
        "risks",
        "performance",
        "meetings",
        "papers",
        "minutes",
    )


@pytest.mark.parametrize("page", PAGES)
def test_writes_a_png_of_the_default_size(
    qtbot: QtBot, board_database: Database, tmp_path: Path, page: str
) -> None:
    out = tmp_path / "shots" / f"{page}.png"
    take_screenshot(page, board_database.path, out, today=TODAY)
    assert out.stat().st_size > 10_000
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    # Not a blank canvas: more than a handful of distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 1366, 37) for y in range(0, 768, 23)}
    assert len(colours) > 5


def test_honours_the_size(qtbot: QtBot, board_database: Database, tmp_path: Path) -> None:
    out = tmp_path / "small.png"
    take_screenshot("dashboard", board_database.path, out, size=(1024, 640))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 640)


def test_rejects_an_unknown_page_before_touching_anything(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    with pytest.raises(BoardpackError) as caught:
        take_screenshot("budget", tmp_path / "missing.db", out)
    assert str(caught.value) == (
        "unknown page 'budget'; pages: dashboard, plan, risks, performance, meetings, "
        "papers, minutes, audit, conflicts, agenda, meeting-mode, reader, signin, demo-signin"
    )
    assert not out.exists()


def test_a_missing_database_is_a_boardpack_error(qtbot: QtBot, tmp_path: Path) -> None:
    with pytest.raises(BoardpackError):
        take_screenshot("dashboard", tmp_path / "missing.db", tmp_path / "x.png")
