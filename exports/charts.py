"""KPI charts for print: vector line charts drawn with reportlab graphics, and their words.

A minutes item that considered an indicator shows its monthly values up to the
meeting, against the national average, the regional benchmark and the target.
The chart is drawn straight into a reportlab `Drawing` (vector, text in the
embedded DejaVu Sans, no raster and no matplotlib start-up: a chart costs a few
milliseconds instead of ~130 ms), and the same drawing becomes inline SVG for
the HTML rendition. Each chart is built once per indicator series and reused
(`kpi_drawing` is cached on the frozen series). `kpi_caption` says in words what
the chart shows — it is the figure's caption in the PDF and its alt text in HTML,
so no reader depends on seeing the lines.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from db.minutes.doc import KpiChartEntry

SERVICE = "#1d70b8"  # GOV.UK blue: the service's own values
NATIONAL = "#505a5f"
REGIONAL = "#6f777b"
TARGET = "#00703c"
AXIS = "#0b0c0c"
GRID = "#d8dadb"


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with a "#RRGGBB" background."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def _fmt(value: float, unit: str) -> str:
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return f"{text}%" if unit == "%" else f"{text} {unit}".strip()


def _month(day: Any) -> str:
    return f"{day:%b %Y}"


def kpi_caption(chart: KpiChartEntry) -> str:
    """What the chart shows, in one or two sentences (caption and alt text)."""
    if not chart.points:
        return f"{chart.reference} {chart.title}: no values recorded before the meeting."
    first, last = chart.points[0], chart.points[-1]
    better = "higher is better" if chart.higher_is_better else "lower is better"
    parts = [
        f"{chart.reference} {chart.title} ({chart.unit}, {better}), monthly from "
        f"{_month(first.period)} to {_month(last.period)}: the service (solid line)"
    ]
    if any(p.national is not None for p in chart.points):
        parts.append("the national average (dashed)")
    if any(p.regional is not None for p in chart.points):
        parts.append("the regional benchmark (dotted)")
    if chart.target is not None:
        parts.append(f"the target of {_fmt(chart.target, chart.unit)} (green line)")
    sentence = parts[0] + (" against " + ", ".join(parts[1:]) if len(parts) > 1 else "") + "."
    latest = f" Latest value {_fmt(last.value, chart.unit)} in {_month(last.period)}"
    if last.national is not None:
        latest += f" (national {_fmt(last.national, chart.unit)})"
    return sentence + latest + "."


def _nice_range(low: float, high: float) -> tuple[float, float, float]:
    """Axis bounds and tick step covering [low, high] with 4–6 round ticks."""
    if math.isclose(low, high):
        low, high = low - 1, high + 1
    raw = (high - low) / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


@functools.lru_cache(maxsize=128)
def kpi_drawing(chart: KpiChartEntry, width: float = 460.0, height: float = 170.0) -> Any:
    """A vector line chart of one indicator (a reportlab `Drawing`), built once per series.

    Args:
        chart: the indicator and its monthly values.
        width: drawing width in points.
        height: drawing height in points.

    Returns:
        A `reportlab.graphics.shapes.Drawing` (shared: do not change it).
    """
    from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
    from reportlab.lib.colors import HexColor

    from exports.papers import FONT, _register_fonts

    _register_fonts()
    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=7)
    left, right, bottom, top = 44.0, width - 8.0, 26.0, height - 22.0
    points = chart.points
    values = [p.value for p in points]
    values += [p.national for p in points if p.national is not None]
    values += [p.regional for p in points if p.regional is not None]
    if chart.target is not None:
        values.append(chart.target)
    if not points:
        drawing.add(String(left, height / 2, "No values recorded", fontName=FONT, fontSize=9))
        return drawing
    low, high, step = _nice_range(min(values), max(values))
    if chart.unit == "%" and low < 0 <= min(values):
        low = 0.0
    span = len(points) - 1 or 1

    def x(i: int) -> float:
        return left + (right - left) * i / span

    def y(v: float) -> float:
        return bottom + (top - bottom) * (v - low) / (high - low)

    tick = low
    while tick <= high + step / 1000:
        drawing.add(
            Line(left, y(tick), right, y(tick), strokeColor=HexColor(GRID), strokeWidth=0.4)
        )
        drawing.add(
            String(
                left - 4,
                y(tick) - 3,
                _fmt(tick, chart.unit) if chart.unit == "%" else _fmt(tick, ""),
                fontName=FONT,
                fontSize=7,
                textAnchor="end",
                fillColor=HexColor(AXIS),
            )
        )
        tick += step
    every = max(1, math.ceil(len(points) / 7))
    for i, p in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            drawing.add(
                String(
                    x(i),
                    bottom - 11,
                    f"{p.period:%b %y}",
                    fontName=FONT,
                    fontSize=7,
                    textAnchor="middle",
                    fillColor=HexColor(AXIS),
                )
            )
    drawing.add(Line(left, bottom, right, bottom, strokeColor=HexColor(AXIS), strokeWidth=0.6))

    def series(key: str, colour: str, dash: list[float] | None, width_: float) -> None:
        coords: list[float] = []
        for i, p in enumerate(points):
            v = getattr(p, key)
            if v is not None:
                coords += [x(i), y(v)]
        if len(coords) >= 4:
            drawing.add(
                PolyLine(
                    coords,
                    strokeColor=HexColor(colour),
                    strokeWidth=width_,
                    strokeDashArray=dash,
                    strokeLineJoin=1,
                )
            )

    if chart.target is not None:
        drawing.add(
            Line(
                left,
                y(chart.target),
                right,
                y(chart.target),
                strokeColor=HexColor(TARGET),
                strokeWidth=1.2,
            )
        )
    series("regional", REGIONAL, [1.2, 2.0], 1.1)
    series("national", NATIONAL, [4.0, 2.5], 1.1)
    series("value", SERVICE, None, 2.0)
    for i, p in enumerate(points):
        drawing.add(
            Rect(
                x(i) - 1.6,
                y(p.value) - 1.6,
                3.2,
                3.2,
                fillColor=HexColor(SERVICE),
                strokeColor=None,
            )
        )

    legend = [
        ("Service", SERVICE, None),
        ("National", NATIONAL, [4.0, 2.5]),
        ("Regional", REGIONAL, [1.2, 2.0]),
    ]
    if chart.target is not None:
        legend.append(("Target", TARGET, None))
    if chart.unit != "%":
        drawing.add(
            String(2, top + 4, chart.unit, fontName=FONT, fontSize=7, fillColor=HexColor(AXIS))
        )
    lx = left
    for label, colour, dash in legend:
        drawing.add(
            Line(
                lx,
                height - 9,
                lx + 16,
                height - 9,
                strokeColor=HexColor(colour),
                strokeWidth=1.6,
                strokeDashArray=dash,
            )
        )
        drawing.add(
            String(
                lx + 20, height - 12, label, fontName=FONT, fontSize=7.5, fillColor=HexColor(AXIS)
            )
        )
        lx += 28 + 4.6 * len(label)
    return drawing


def kpi_svg(chart: KpiChartEntry, width: float = 460.0, height: float = 170.0) -> str:
    """The same chart as an SVG fragment (no XML declaration), for inline HTML."""
    from reportlab.graphics import renderSVG

    text: str = renderSVG.drawToString(kpi_drawing(chart, width, height))
    start = text.find("<svg")
    return text[start:] if start >= 0 else text
