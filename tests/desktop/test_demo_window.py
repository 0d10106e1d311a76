"""The main window over the real demo board (db.demo), as a chair would first see it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from db.store import Database
from desktop.app import build_main_window
from desktop.screenshot import take_screenshot

demo = pytest.importorskip("db.demo")


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database: Database = demo.create_demo(path)  # no papers: fast, and no reportlab
    database.close()
    yield path


def test_demo_dashboard_at_its_snapshot_date(qtbot: QtBot, demo_path: Path) -> None:
    from db.store import open_database

    as_of: dt.date = demo.DEMO_AS_OF
    database = open_database(demo_path)
    try:
        window = build_main_window(database, today=as_of, demo=True)
        qtbot.addWidget(window)
        d = window.dashboard
        summary = d.summary
        assert summary is not None
        assert summary.board_code == "OPAB"
        assert summary.next_meeting is not None
        assert summary.next_meeting.meeting_date == dt.date(2020, 1, 14)
        assert d.meeting_tile.value_text == "14 Jan 2020"
        assert "Date has passed" not in d.meeting_tile.detail_text
        assert [t.number for t in summary.themes] == [1, 2, 3, 4, 5]
        assert d.theme_model.rowCount() == 6
        assert window.status.viewer_label.text() == (
            "Demo board — signed in as the demo chair, no passphrase"
        )
        assert d.overdue_tile.value_text == str(summary.overdue_actions)
    finally:
        database.close()


def test_demo_screenshot(qtbot: QtBot, demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "demo-dashboard.png"
    take_screenshot("dashboard", demo_path, out, today=demo.DEMO_AS_OF)
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
