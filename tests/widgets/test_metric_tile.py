"""Metric tiles are real buttons: click, keyboard and screen readers all reach them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from widgets.metric_tile import MetricTile


def test_tile_shows_and_announces_its_figure(qtbot: QtBot) -> None:
    tile = MetricTile("Overdue actions", "Plan")
    qtbot.addWidget(tile)
    tile.set_value("12", "of 48 actions are past their due date", accent="#d4351c")
    assert tile.value_text == "12"
    assert tile.detail_text == "of 48 actions are past their due date"
    assert tile.accessibleName() == "Overdue actions: 12"
    assert tile.accessibleDescription() == (
        "of 48 actions are past their due date. Opens the Plan page."
    )
    assert "Click to open Plan" in tile.toolTip()
    assert tile.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_tile_clicks_by_mouse_and_keyboard(qtbot: QtBot) -> None:
    tile = MetricTile("Risks above target", "Risks")
    qtbot.addWidget(tile)
    tile.set_value("3")
    tile.show()
    qtbot.waitExposed(tile)
    with qtbot.waitSignal(tile.clicked, timeout=1000):
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    tile.setFocus()
    with qtbot.waitSignal(tile.clicked, timeout=1000):
        qtbot.keyClick(tile, Qt.Key.Key_Space)


def test_clicking_the_big_number_clicks_the_tile(qtbot: QtBot) -> None:
    tile = MetricTile("Next meeting", "Meetings")
    qtbot.addWidget(tile)
    tile.set_value("12 Mar 2019", "OPAB · Tuesday")
    tile.resize(tile.sizeHint())
    tile.show()
    qtbot.waitExposed(tile)
    label = tile._value_label
    with qtbot.waitSignal(tile.clicked, timeout=1000):
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=label.geometry().center())


def test_tile_is_big_enough_to_read(qtbot: QtBot) -> None:
    tile = MetricTile("Indicators in sustained decline", "Performance")
    qtbot.addWidget(tile)
    tile.set_value("2", "of 20 indicators")
    hint = tile.sizeHint()
    assert hint.height() >= 110 and hint.width() >= 200
