"""The indicator chart lays itself out at the size it is given — the meeting cockpit's
narrow KPI tab as well as the Performance page — and does not draw without room.

matplotlib's constrained layout warns "constrained_layout not applied" when the
axes would collapse; pytest makes that warning an error (pyproject), and these
tests draw the canvas directly, where the error reaches the test (the canvas's
idle draw would catch it and only print it).
"""

from __future__ import annotations

import datetime as dt

import pytest
from pytestqt.qtbot import QtBot

from widgets.kpi_chart import LEGEND_MAX_COLUMNS, MIN_DRAW_SIZE, ChartSeries, KpiChart

SERIES = ChartSeries(
    title="K1 Re-referrals within 12 months",
    unit="%",
    periods=[dt.date(2025, month, 1) for month in range(1, 13)],
    values=[20 + n * 0.5 for n in range(12)],
    national=[22.0] * 12,
    regional=[21.0] * 12,
    target=18.0,
    higher_is_better=False,
    caption="Re-referrals rose for three months running.",
    decline_moves=3,
)


def _chart(qtbot: QtBot, width: int, height: int) -> KpiChart:
    chart = KpiChart()
    qtbot.addWidget(chart)
    chart.show_series(SERIES)
    chart.canvas.setMinimumHeight(0)
    chart.resize(width, height + chart.caption.height() + 4)
    chart.show()
    qtbot.waitExposed(chart)
    qtbot.waitUntil(lambda: chart.canvas.get_width_height()[0] == width)
    return chart


@pytest.mark.parametrize(("width", "height"), [(360, 182), (480, 240), (900, 360)])
def test_the_chart_lays_out_at_the_cockpits_size_and_wider(
    qtbot: QtBot, width: int, height: int
) -> None:
    chart = _chart(qtbot, width, height)
    assert chart.canvas.get_width_height() == (width, height)
    chart.canvas.draw()  # a collapsed layout would raise here
    assert chart.axes is not None
    box = chart.axes.get_position()
    assert box.width > 0.2 and box.height > 0.1  # placed by the layout, not collapsed
    legend = chart.axes.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()][:1] == ["This council"]


def test_the_legend_takes_fewer_columns_when_narrow(qtbot: QtBot) -> None:
    wide = _chart(qtbot, 900, 300)
    wide.canvas.draw()
    narrow = _chart(qtbot, 360, 182)
    narrow.canvas.draw()
    assert wide._legend_columns == LEGEND_MAX_COLUMNS
    assert 1 <= narrow._legend_columns < LEGEND_MAX_COLUMNS


@pytest.mark.parametrize("width", range(MIN_DRAW_SIZE[0], 600, 40))
def test_from_the_smallest_size_drawn_up_the_layout_never_collapses(
    qtbot: QtBot, width: int
) -> None:
    chart = _chart(qtbot, width, MIN_DRAW_SIZE[1])
    chart.canvas.draw()  # a collapsed layout would raise here
    assert chart._legend_columns >= 1


def test_a_canvas_without_room_is_not_drawn(qtbot: QtBot) -> None:
    chart = _chart(qtbot, MIN_DRAW_SIZE[0] - 40, MIN_DRAW_SIZE[1])
    chart._legend_columns = 0
    chart.canvas.draw()
    assert chart._legend_columns == 0  # nothing was laid out
