"""An indicator's month-by-month chart: values, target, national and regional benchmarks.

A `matplotlib.figure.Figure` (never pyplot) on a `FigureCanvasQTAgg`. Importing
matplotlib costs most of a second, so this module imports only Qt: matplotlib
is imported the first time a chart is drawn (`KpiChart.show_series`), which the
Performance page does after its first paint. Until then the widget is a line
of text. Each line differs in style and marker as well as colour — the value
solid with dots, the target dashed, national dotted with squares, regional
dash-dot with triangles — and the legend names them, so nothing depends on
telling colours apart; a months-running decline is shaded, hatched and
labelled in words. A caption under the chart says in a sentence what it shows,
and is also the canvas's accessible description (its alt text).

The canvas draws only when it has room (`MIN_DRAW_SIZE`: a tab not laid out yet,
a collapsed column), and before each draw the legend takes as many columns as
fit across the canvas: three columns in the meeting cockpit's narrow KPI tab
were wider than the figure, and matplotlib's constrained layout gave up
("axes sizes collapsed to zero") and drew the chart unplaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from widgets.style import make_muted

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Line styles: (colour on a light page, colour on a dark page, line style, marker).
VALUE_STYLE = ("#1d70b8", "#5694ca", "-", "o")
TARGET_STYLE = ("#00703c", "#4cb58a", "--", "")
NATIONAL_STYLE = ("#505a5f", "#b1b4b6", ":", "s")
REGIONAL_STYLE = ("#912b88", "#d17ac9", "-.", "^")
DECLINE_COLOUR = "#d4351c"
#: Lines of text kept for the caption under the chart.
CAPTION_LINES = 3
#: Legend order, by the first six characters of each label: the council first.
LEGEND_ORDER = {"This c": 0, "Target": 1, "Nation": 2, "Region": 3, "Worse ": 4}
#: The legend's text size (points) and most columns.
LEGEND_POINTS = 9
LEGEND_MAX_COLUMNS = 3
LEGEND_COLUMN_SPACING = 1.2  # em
#: The canvas is not drawn below this size (pixels): no chart fits, and the layout
#: would collapse. It is drawn when it grows (a resize draws again).
MIN_DRAW_SIZE = (240, 150)


@dataclass(frozen=True)
class ChartSeries:
    """What one chart shows; plain values, so the widget needs no database.

    `decline_moves` is the length of the months-running wrong-way run ending
    at the latest period (0: none shaded).
    """

    title: str
    unit: str
    periods: Sequence[dt.date]
    values: Sequence[float]
    national: Sequence[float | None]
    regional: Sequence[float | None]
    target: float | None
    higher_is_better: bool
    caption: str
    decline_moves: int = 0
    value_label: str = "This council"


def format_number(value: float, unit: str) -> str:
    """ "24.1%", "18 cases", "512.3 per 10,000"."""
    number = f"{value:,.1f}".removesuffix(".0")
    return f"{number}%" if unit.strip() == "%" else f"{number} {unit}".strip()


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


class KpiChart(QWidget):
    """The chart of one indicator, drawn on first use, with its caption beneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kpiChart")
        self.setAccessibleName("Indicator chart")
        self.figure: Figure | None = None
        self.canvas: Any = None  # FigureCanvasQTAgg once drawn
        self.axes: Axes | None = None
        self._series: ChartSeries | None = None
        # The legend's entries (handles, labels, text colour) and the columns it has.
        self._legend: tuple[list[Any], list[str], str] = ([], [], "")
        self._legend_columns = 0
        self._fitted: tuple[int, int] | None = None  # (legend columns, month labels)

        self.message = QLabel("The chart is drawn when an indicator is chosen.")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        make_muted(self.message)
        self.caption = QLabel("")
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setObjectName("chartCaption")
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A steady height: a caption of another length must not resize the canvas,
        # which would draw the chart a second time.
        self.caption.setFixedHeight(self.caption.fontMetrics().lineSpacing() * CAPTION_LINES + 4)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._layout.addWidget(self.message, 1)
        self._layout.addWidget(self.caption)

    @property
    def drawn(self) -> bool:
        return self.figure is not None and self._series is not None

    def show_message(self, text: str) -> None:
        """Show a sentence instead of a chart (no indicator, no values, loading)."""
        self._series = None
        self.message.setText(text)
        self.message.show()
        if self.canvas is not None:
            self.canvas.hide()
        self.caption.setText("")

    def line_labels(self) -> list[str]:
        """The labels of the lines drawn (what the legend says), for tests and checks."""
        if self.axes is None or self._series is None:
            return []
        return [str(line.get_label()) for line in self.axes.get_lines()]

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        # First chart: the ~0.7 s import happens here, never at start-up.
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        class ChartCanvas(FigureCanvasQTAgg):
            """Draws only with room for the chart, fitted to its size first."""

            def __init__(self, figure: Figure, before_draw: Any) -> None:
                super().__init__(figure)  # type: ignore[no-untyped-call]
                self.before_draw = before_draw

            def draw(self) -> None:
                width, height = self.get_width_height()  # the figure's, in pixels
                if width < MIN_DRAW_SIZE[0] or height < MIN_DRAW_SIZE[1]:
                    return
                self.before_draw()
                super().draw()  # type: ignore[no-untyped-call]

        self.figure = Figure(figsize=(6, 3), dpi=100, layout="constrained")
        self.canvas = ChartCanvas(self.figure, self._fit_to_size)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(180)
        self.canvas.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._layout.insertWidget(0, self.canvas, 1)

    def show_series(self, series: ChartSeries) -> None:
        """Draw the chart of `series` (imports matplotlib the first time)."""
        if not series.values:
            self.show_message(f"No values have been recorded for {series.title} yet.")
            return
        self._ensure_canvas()
        assert self.figure is not None
        self._series = series
        self.message.hide()
        self.canvas.show()
        self._draw(self.figure, series)
        self.canvas.draw_idle()
        self.caption.setText(series.caption)
        self.caption.setToolTip(series.caption)
        self.canvas.setAccessibleName(f"Chart: {series.title}")
        self.canvas.setAccessibleDescription(series.caption)

    def _draw(self, figure: Figure, s: ChartSeries) -> None:
        palette = self.palette()
        dark = _is_dark(palette)
        ink = palette.color(QPalette.ColorRole.WindowText).name()
        paper = palette.color(QPalette.ColorRole.Base).name()
        figure.clear()
        figure.set_facecolor(palette.color(QPalette.ColorRole.Window).name())
        ax = figure.add_subplot()
        self.axes = ax
        ax.set_facecolor(paper)
        x = list(range(len(s.values)))
        pick = 1 if dark else 0

        def style(spec: tuple[str, str, str, str]) -> dict[str, Any]:
            return {"color": spec[pick], "linestyle": spec[2], "marker": spec[3] or None}

        if s.decline_moves > 0:
            start = len(x) - 1 - s.decline_moves
            ax.axvspan(
                start - 0.15,
                len(x) - 1 + 0.15,
                facecolor=DECLINE_COLOUR,
                alpha=0.09,
                hatch="//",
                edgecolor=DECLINE_COLOUR,
                linewidth=0,
                label=f"Worse {s.decline_moves} months running",
            )
        national = [v if v is not None else float("nan") for v in s.national]
        regional = [v if v is not None else float("nan") for v in s.regional]
        # Benchmarks change quarterly or yearly: a marker every third month is enough
        # to tell the lines apart without crowding them.
        if any(v is not None for v in s.national):
            ax.plot(x, national, label="National average", linewidth=1.6, markersize=4.5,
                    markevery=(1, 3), **style(NATIONAL_STYLE))  # fmt: skip
        if any(v is not None for v in s.regional):
            ax.plot(x, regional, label="Regional benchmark", linewidth=1.6, markersize=5,
                    markevery=(2, 3), **style(REGIONAL_STYLE))  # fmt: skip
        if s.target is not None:
            ax.plot([x[0] - 0.3, x[-1] + 0.3], [s.target, s.target],
                    label=f"Target {format_number(s.target, s.unit)}", linewidth=1.8,
                    **style(TARGET_STYLE))  # fmt: skip
        ax.plot(x, list(s.values), label=s.value_label, linewidth=2.6, markersize=5,
                zorder=5, **style(VALUE_STYLE))  # fmt: skip
        last = s.values[-1]
        ax.annotate(
            format_number(last, s.unit),
            (x[-1], last),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            fontweight="bold",
            color=ink,
        )

        ax.set_xlim(x[0] - 0.5, x[-1] + 1.2)
        if s.unit.strip() == "%":
            ax.yaxis.set_major_formatter(lambda value, _pos: f"{value:g}%")
        ax.grid(axis="y", color=ink, alpha=0.15, linewidth=0.8)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        for spine in ("left", "bottom"):
            ax.spines[spine].set_color(ink)
        ax.tick_params(colors=ink, labelsize=9)
        better = "higher is better" if s.higher_is_better else "lower is better"
        ax.set_ylabel(f"{s.unit.strip()} ({better})", color=ink, fontsize=9)
        handles, labels = ax.get_legend_handles_labels()
        order = sorted(range(len(labels)), key=lambda i: LEGEND_ORDER.get(labels[i][:6], 9))
        self._legend = ([handles[i] for i in order], [labels[i] for i in order], ink)
        self._fitted = None  # placed by `_fit_to_size`, just before the canvas draws
        self._fit_to_size()

    def _fit_to_size(self) -> None:
        """Fit the chart to the figure's present size: the legend above the axes in as
        many columns as fit across, and as many month labels as fit along the x axis."""
        if self.axes is None or self.figure is None or self._series is None:
            return
        handles, labels, ink = self._legend
        columns = legend_columns(self.figure, labels) if labels else 0
        # month labels of about 75 pixels each, six at most
        most = max(2, min(6, int(self.figure.get_figwidth() * 100) // 75))
        if (columns, most) == self._fitted:
            return
        self._fitted = (columns, most)
        self._legend_columns = columns
        periods = self._series.periods
        step = max(1, -(-len(periods) // most))
        ticks = list(range(len(periods)))[::step]
        if ticks[-1] != len(periods) - 1:
            if len(ticks) > 1 and (len(periods) - 1 - ticks[-1]) < step:
                ticks.pop()  # the last month's label, not two crowded together
            ticks.append(len(periods) - 1)
        self.axes.set_xticks(ticks, [f"{periods[i]:%b %y}" for i in ticks])
        if not labels:
            return
        self.axes.legend(
            handles,
            labels,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=columns,
            fontsize=LEGEND_POINTS,
            frameon=False,
            labelcolor=ink,
            borderaxespad=0.3,
            columnspacing=LEGEND_COLUMN_SPACING,
        )


def legend_columns(figure: Figure, labels: Sequence[str]) -> int:
    """How many legend columns (at most `LEGEND_MAX_COLUMNS`) fit across `figure` at
    its present size, beside the y axis's label and ticks on the left."""
    from matplotlib.font_manager import FontProperties

    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    font = FontProperties(size=LEGEND_POINTS)
    em = LEGEND_POINTS * figure.dpi / 72
    widths = [renderer.get_text_width_height_descent(t, font, ismath=False)[0] for t in labels]
    room = figure.bbox.width - em * 6  # the y axis's label and tick labels
    for columns in range(min(LEGEND_MAX_COLUMNS, len(widths)), 1, -1):
        # matplotlib fills the columns in turn, the first ones one longer when uneven
        size, longer = divmod(len(widths), columns)
        start, needed = 0, em * LEGEND_COLUMN_SPACING * (columns - 1)
        for column in range(columns):
            end = start + size + (column < longer)
            needed += max(widths[start:end]) + em * (2.0 + 0.8)  # handle, gap, text
            start = end
        if needed <= room:
            return columns
    return 1
