"""The Performance page's table models: the indicator list, and an import's preview and problems.

`widgets.row_model.RowTableModel`s over the frozen rows of `db.services.kpis`.
Figures are written with their unit ("27.6%", "18.8 cases"); the direction of
travel is an arrow for which way the value moved and a word for what that
means under the indicator's polarity ("▲ Worsening" for a rise in a
lower-is-better indicator); the sustained-decline flag is words ("⚠ Worse 7
months running"), so nothing rests on colour. The import models list what a
file would do row by row, and why each bad row was refused (row number as a
spreadsheet counts it, column, reason).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QObject, Qt

from db.services.kpis import Direction, ImportRow, KpiRow, RowError, reference_key
from widgets.kpi_chart import format_number
from widgets.row_model import RIGHT, Column, RowTableModel

DIRECTION_MEANING = {
    Direction.IMPROVING: "moved the right way last month",
    Direction.WORSENING: "moved the wrong way last month",
    Direction.STEADY: "unchanged last month",
}


def month(day: dt.date | None) -> str:
    return f"{day:%b %Y}" if day else ""


def figure(value: float | None, unit: str) -> str:
    """A figure for the list: "27.6%" for percentages, a bare "18.8" otherwise.

    Units other than % are named once, after the indicator's title, so the
    figure columns stay narrow.
    """
    if value is None:
        return "—"
    return format_number(value, unit) if unit.strip() == "%" else format_number(value, "")


def spoken_figure(value: float | None, unit: str) -> str:
    return format_number(value, unit) if value is not None else "not recorded"


def title_text(row: KpiRow) -> str:
    """The title, with the unit when the figures do not carry it: "Average caseload (cases)"."""
    return row.title if row.unit.strip() == "%" else f"{row.title} ({row.unit.strip()})"


def movement_arrow(row: KpiRow) -> str:
    """▲ rose, ▼ fell, ▶ flat (the value's own movement, whatever the polarity)."""
    if row.latest_value is None or row.previous_value is None:
        return ""
    if row.direction is Direction.STEADY:
        return "▶"
    return "▲" if row.latest_value > row.previous_value else "▼"


def direction_text(row: KpiRow) -> str:
    if row.direction is None:
        return "—"
    return f"{movement_arrow(row)} {row.direction.label}"


def decline_text(row: KpiRow) -> str:
    return f"⚠ Worse {row.wrong_moves} months" if row.sustained_decline else "No"


def target_text(row: KpiRow) -> str:
    """ "22% · not met", "85% · met", or "—" with no target."""
    if row.target is None:
        return "—"
    met = row.met_target
    verdict = "" if met is None else " · met" if met else " · not met"
    return figure(row.target, row.unit) + verdict


REF, TITLE, LATEST, PERIOD, TARGET, NATIONAL, REGIONAL, DIRECTION, DECLINE = range(9)


def kpi_columns() -> list[Column[KpiRow]]:
    return [
        Column(
            "Ref",
            lambda r: r.reference,
            sort_key=lambda r: reference_key(r.reference),
            bold=lambda r: True,
            spoken=lambda r: f"Indicator {r.reference}",
        ),
        Column(
            "Indicator",
            title_text,
            tooltip=lambda r: (
                f"{r.title} ({'higher' if r.higher_is_better else 'lower'} is better)"
            ),
        ),
        Column(
            "Latest",
            lambda r: figure(r.latest_value, r.unit),
            spoken=lambda r: (
                f"Latest {spoken_figure(r.latest_value, r.unit)} {month(r.latest_period)}"
            ),
            sort_key=lambda r: r.latest_value,
            bold=lambda r: True,
            align=RIGHT,
        ),
        Column("Month", lambda r: month(r.latest_period), sort_key=lambda r: r.latest_period),
        Column(
            "Target",
            target_text,
            sort_key=lambda r: (2 if r.met_target is None else int(r.met_target), r.target),
            spoken=lambda r: (
                "No target"
                if r.target is None
                else f"Target {figure(r.target, r.unit)}, "
                + ("met" if r.met_target else "not met" if r.met_target is False else "no value")
            ),
            header_tooltip="The target, and whether the latest value meets it",
        ),
        Column(
            "National",
            lambda r: figure(r.national, r.unit),
            spoken=lambda r: f"National {spoken_figure(r.national, r.unit)}",
            sort_key=lambda r: r.national,
            align=RIGHT,
            header_tooltip="The national average for the latest month",
        ),
        Column(
            "Regional",
            lambda r: figure(r.regional, r.unit),
            spoken=lambda r: f"Regional {spoken_figure(r.regional, r.unit)}",
            sort_key=lambda r: r.regional,
            align=RIGHT,
            header_tooltip="The regional benchmark for the latest month",
        ),
        Column(
            "Direction",
            direction_text,
            sort_key=lambda r: (
                {
                    Direction.WORSENING: 0,
                    Direction.STEADY: 1,
                    Direction.IMPROVING: 2,
                }.get(r.direction, 3)
                if r.direction
                else 3
            ),
            tooltip=lambda r: (
                f"{DIRECTION_MEANING[r.direction]} "
                f"({'higher' if r.higher_is_better else 'lower'} is better)"
                if r.direction
                else "Fewer than two months recorded"
            ),
            spoken=lambda r: (
                f"Direction: {r.direction.label}, {DIRECTION_MEANING[r.direction]}"
                if r.direction
                else "Direction: not enough months yet"
            ),
            header_tooltip="Last month's move, read through whether higher or lower is better",
        ),
        Column(
            "Sustained decline",
            decline_text,
            sort_key=lambda r: -r.wrong_moves if r.sustained_decline else 0,
            bold=lambda r: r.sustained_decline,
            spoken=lambda r: (
                f"In sustained decline: worse {r.wrong_moves} months running"
                if r.sustained_decline
                else "Not in sustained decline"
            ),
            header_tooltip="Each of the last three or more monthly moves went the wrong way",
        ),
    ]


class KpiTableModel(RowTableModel[KpiRow]):
    """The indicator list: one row per indicator with its latest figures."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(kpi_columns(), parent)
        self._latest_heading = "Latest"

    def set_latest_heading(self, text: str) -> None:
        """Name the latest column, e.g. "Latest (Dec 2019)" when all share one month."""
        if text != self._latest_heading:
            self._latest_heading = text
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, LATEST, LATEST)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            section == LATEST
            and orientation == Qt.Orientation.Horizontal
            and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole)
        ):
            return self._latest_heading
        return super().headerData(section, orientation, role)


def error_columns() -> list[Column[RowError]]:
    return [
        Column(
            "Row",
            lambda e: str(e.row_number),
            sort_key=lambda e: e.row_number,
            align=RIGHT,
            spoken=lambda e: f"Row {e.row_number}",
        ),
        Column("Column", lambda e: e.column or "whole row", sort_key=lambda e: e.column or ""),
        Column("Problem", lambda e: e.reason, tooltip=lambda e: e.reason),
    ]


class ImportErrorsModel(RowTableModel[RowError]):
    """Why rows of an import file were refused."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(error_columns(), parent)


def preview_columns() -> list[Column[ImportRow]]:
    def optional(value: float | None, unit: str) -> str:
        return format_number(value, unit) if value is not None else ""

    return [
        Column("Row", lambda r: str(r.row_number), sort_key=lambda r: r.row_number, align=RIGHT),
        Column(
            "Indicator",
            lambda r: r.kpi_reference,
            sort_key=lambda r: reference_key(r.kpi_reference),
            tooltip=lambda r: r.kpi_title,
        ),
        Column("Month", lambda r: month(r.period), sort_key=lambda r: r.period),
        Column(
            "Value",
            lambda r: format_number(r.value, r.unit),
            sort_key=lambda r: r.value,
            align=RIGHT,
        ),
        Column(
            "National",
            lambda r: optional(r.national, r.unit),
            sort_key=lambda r: r.national,
            align=RIGHT,
        ),
        Column(
            "Regional",
            lambda r: optional(r.regional, r.unit),
            sort_key=lambda r: r.regional,
            align=RIGHT,
        ),
        Column("Note", lambda r: r.note or "", tooltip=lambda r: r.note),
        Column("Will", lambda r: r.action.label, sort_key=lambda r: r.action.value),
    ]


class ImportPreviewModel(RowTableModel[ImportRow]):
    """What each valid row of an import file would do."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(preview_columns(), parent)
