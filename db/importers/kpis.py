"""Importing indicators and their monthly values: one row per indicator per month.

Columns: reference, indicator, unit, polarity, target, description, source,
then period, value, national, regional and note. A sheet laid out a month
per column ("Apr-19", "May-19", … or real dates as headings) is read too:
each such column maps to "Value for the month in the heading" and each
filled cell is that month's value (benchmarks then come from the long layout).
The indicator columns need filling only on one of an indicator's rows (the
export repeats them on every row, which is fine; rows that disagree are an
error). An indicator the
plan does not hold yet needs its name and polarity; a row with no period
and no value describes the indicator only.

Re-importing updates a held indicator's fields and a held month's value and
benchmarks; a blank national, regional or note cell keeps what is held (the
same rule as the Performance page's CSV import in `db.services.kpis`, whose
month parser — `parse_period` — this importer uses).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.importers.common import (
    ImportReport,
    Issues,
    Record,
    RowReader,
    all_or_nothing,
    issues_for,
    report_for,
)
from db.importers.mapping import MONTH_VALUE, Mapping, heading_month
from db.importers.sources import Table
from db.importers.values import CellError, clip, is_blank, parse_number, text_field, text_of
from db.models import Kpi, KpiValue, Polarity
from db.services.kpis import PERIOD_FORMATS, parse_period

_INDICATOR = ("title", "description", "unit", "polarity", "target", "source_note")
_POLARITY = {
    **dict.fromkeys(
        ("higher is better", "higher", "high", "up", "increase", "↑", "higher better"),
        Polarity.HIGHER_IS_BETTER,
    ),
    **dict.fromkeys(
        ("lower is better", "lower", "low", "down", "decrease", "↓", "lower better"),
        Polarity.LOWER_IS_BETTER,
    ),
}
POLARITY_LABEL = {
    Polarity.HIGHER_IS_BETTER: "Higher is better",
    Polarity.LOWER_IS_BETTER: "Lower is better",
}


def _polarity(value: object) -> Polarity | None:
    if is_blank(value):
        return None
    key = " ".join(text_of(value).casefold().replace("_", " ").split())
    found = _POLARITY.get(key)
    if found is None:
        raise CellError(
            f"polarity '{clip(text_of(value))}' is not 'Higher is better' or 'Lower is better'"
        )
    return found


def _period(value: object) -> dt.date | None:
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    found = parse_period(text_of(value))
    if found is None:
        raise CellError(f"period '{clip(text_of(value))}' is not a month; use {PERIOD_FORMATS}")
    return found


@dataclass
class _Indicator:
    reference: str
    first_row: int
    fields: dict[str, object] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # field -> row it came from


@dataclass
class _Value:
    number: int
    reference: str
    period: dt.date
    value: float
    national: float | None
    regional: float | None
    note: str | None


def _read(
    table: Table, mapping: Mapping, issues: Issues
) -> tuple[dict[str, _Indicator], list[_Value]]:
    indicators: dict[str, _Indicator] = {}
    values: list[_Value] = []
    seen: dict[tuple[str, dt.date], int] = {}
    months = [
        (heading, month)
        for heading, name in mapping.columns.items()
        if name == MONTH_VALUE and (month := heading_month(heading)) is not None
    ]
    for source_row in table.rows:
        r = RowReader(table, mapping, source_row, issues)
        if r.mapped_blank():
            continue
        reference = r.get("reference", text_field, "reference", 32)
        if reference is None and not r.failed:
            r.error("reference", "no indicator reference")
            continue
        found = {
            "title": r.get("title", text_field, "the indicator", 300),
            "description": r.get("description", text_field, "the description", 20_000),
            "unit": r.get("unit", text_field, "the unit", 32),
            "polarity": r.get("polarity", _polarity),
            "target": r.get("target", parse_number, "target"),
            "source_note": r.get("source_note", text_field, "the source", 20_000),
        }
        period = r.get("period", _period)
        number = r.get("value", parse_number, "value")
        national = r.get("national", parse_number, "national")
        regional = r.get("regional", parse_number, "regional")
        note = r.get("note", text_field, "the note", 20_000)
        if reference is None:
            continue
        indicator = indicators.setdefault(reference.casefold(), _Indicator(reference, r.number))
        for name, value in found.items():
            if value is None:
                continue
            if name in indicator.fields and indicator.fields[name] != value:
                r.error(
                    name,
                    f"{r.label(name).lower()} of {clip(reference)} differs from row "
                    f"{indicator.rows[name]} ('{clip(indicator.fields[name])}')",
                )
            else:
                indicator.fields.setdefault(name, value)
                indicator.rows.setdefault(name, r.number)
        for heading, month in months:
            cell = source_row.cells[table.column(heading)].value
            try:
                amount = parse_number(cell, f"{month:%b %Y}")
            except CellError as error:
                r.failed = True
                issues.add(r.number, heading, str(error))
                continue
            if amount is None:
                continue
            if str(indicator.fields.get("unit") or "").strip() == "%" and not 0 <= amount <= 100:
                r.failed = True
                issues.add(r.number, heading, f"{amount:g} is outside 0–100 for a percentage")
                continue
            key = (reference.casefold(), month)
            if key in seen:
                r.failed = True
                issues.add(
                    r.number,
                    heading,
                    f"{clip(reference)} {month:%b %Y} is already in row {seen[key]}",
                )
                continue
            seen[key] = r.number
            if not r.failed:
                values.append(_Value(r.number, reference, month, amount, None, None, None))
        if period is None and number is None:
            if not (is_blank(r.cell("period").value) and is_blank(r.cell("value").value)):
                continue  # a parse error was recorded
            if national is not None or regional is not None:
                r.error("period", "benchmarks need a period and a value")
            continue
        if period is None:
            if not r.failed:
                r.error("period", "a value needs its period (the month it is for)")
            continue
        if number is None:
            if not r.failed:
                r.error("value", f"no value for {period:%b %Y}")
            continue
        unit = str(indicator.fields.get("unit") or "")
        for label, x in (("value", number), ("national", national), ("regional", regional)):
            if unit.strip() == "%" and x is not None and not 0 <= x <= 100:
                r.error(label, f"{label} {x:g} is outside 0–100 for a percentage")
        key = (reference.casefold(), period)
        if key in seen:
            r.error("period", f"{clip(reference)} {period:%b %Y} is already in row {seen[key]}")
            continue
        seen[key] = r.number
        if not r.failed:
            values.append(_Value(r.number, reference, period, number, national, regional, note))
    return indicators, values


def import_kpis(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    table: Table,
    mapping: Mapping,
    *,
    today: dt.date,
    write: bool,
) -> ImportReport:
    """Check (and, when `write` and every row is valid, import) indicators and values."""
    del today  # values are dated by their period
    issues = issues_for(table, mapping)
    if issues.fatal:
        return report_for(table, mapping, issues.done())
    indicators, values = _read(table, mapping, issues)
    held = {
        k.reference.casefold(): k
        for k in session.scalars(select(Kpi).where(Kpi.plan_id == plan_id))
    }
    for key, indicator in indicators.items():
        if key not in held:
            for name in ("title", "polarity"):
                if name not in indicator.fields:
                    issues.add(
                        indicator.first_row,
                        mapping.field_column(name),
                        f"{clip(indicator.reference)} is a new indicator and needs its "
                        + ("name" if name == "title" else "polarity (Higher/Lower is better)"),
                    )
    held_values: dict[tuple[str, dt.date], KpiValue] = {}
    ids = sorted(k.id for k in held.values())
    if ids:
        for v in session.scalars(select(KpiValue).where(KpiValue.kpi_id.in_(ids))):
            held_values[(v.kpi_id, v.period)] = v
    records = []
    by_ref: dict[str, list[_Value]] = {}
    for value in values:
        by_ref.setdefault(value.reference.casefold(), []).append(value)
    for key, indicator in indicators.items():
        kpi = held.get(key)
        changed = kpi is not None and any(getattr(kpi, n) != v for n, v in indicator.fields.items())
        shown = {
            "Reference": indicator.reference,
            "Indicator": clip(str(indicator.fields.get("title") or (kpi.title if kpi else "")), 60),
            "Unit": str(indicator.fields.get("unit") or ""),
            "Months": str(len(by_ref.get(key, []))),
        }
        action = "new" if kpi is None else "unchanged"
        for value in by_ref.get(key, []):
            existing = held_values.get((kpi.id, value.period)) if kpi is not None else None
            if kpi is not None and (existing is None or _value_changes(existing, value)):
                changed = True
        if kpi is not None and changed:
            action = "update"
        records.append(Record(indicator.first_row, indicator.reference, action, shown))
    if not indicators and not issues.fatal:
        issues.add(table.header_row, None, "the file has no indicators below its header")
    report = report_for(table, mapping, issues.done(), records)
    if not write or issues.fatal or not indicators:
        return report
    with all_or_nothing(session):
        for key, indicator in indicators.items():
            kpi = held.get(key)
            if kpi is None:
                kpi = Kpi(plan_id=plan_id, reference=indicator.reference, unit="")
                session.add(kpi)
            for name, new in indicator.fields.items():
                if getattr(kpi, name) != new:
                    setattr(kpi, name, new)
            session.flush()
            held[key] = kpi
        for value in values:
            kpi = held[value.reference.casefold()]
            existing = held_values.get((kpi.id, value.period))
            if existing is None:
                session.add(
                    KpiValue(
                        kpi_id=kpi.id,
                        period=value.period,
                        value=value.value,
                        national=value.national,
                        regional=value.regional,
                        note=value.note,
                    )
                )
                continue
            for attr, new in _value_changes(existing, value).items():
                setattr(existing, attr, new)
    return report_for(table, mapping, issues.done(), records, written=True)


def _value_changes(held: KpiValue, row: _Value) -> dict[str, object]:
    wanted: dict[str, object] = {"value": row.value}
    for name in ("national", "regional", "note"):
        if getattr(row, name) is not None:
            wanted[name] = getattr(row, name)
    return {k: v for k, v in wanted.items() if getattr(held, k) != v}
