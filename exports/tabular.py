"""The plan, the risk register and the indicators out as XLSX or CSV, in the importer's layout.

Each export writes one header row whose headings are the field labels of
`db.importers.mapping` (so `suggest_mapping` maps every column back), then
one row per action (themes as a "Theme 2: title" column), per risk, or per
indicator and month. Exporting, importing the file into another board and
exporting again gives the same cells: that round trip is tested.

XLSX: real dates (shown DD/MM/YYYY), the RAG cell filled with the plan's RAG
colour as well as the word, the header frozen. CSV: UTF-8 with a BOM (Excel
opens it right), dates DD/MM/YYYY, and a text cell beginning with = + - or @
prefixed with an apostrophe so a spreadsheet never runs it as a formula
(the importer removes that apostrophe again). openpyxl is imported on first use.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.importers.kpis import POLARITY_LABEL
from db.importers.mapping import Kind, fields_for
from db.models import (
    Action,
    Kpi,
    KpiValue,
    Person,
    Risk,
    RiskStatus,
    Theme,
)
from db.services.plan import latest_commentaries, recommendation_refs, reference_key
from db.views import rag_key

#: Characters that make a spreadsheet read a text cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Sheet:
    """What an export writes: headings, rows of cell values, and RAG fills by (row, column)."""

    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    fills: dict[tuple[int, int], str]  # (row index, column index) -> "#RRGGBB"


def _labels(kind: Kind) -> tuple[str, ...]:
    return tuple(spec.label for spec in fields_for(kind) if not spec.many)


def _owner_names(session: Session) -> dict[str, str]:
    """Person id -> how the export names them (the email when the name is shared)."""
    people = session.execute(select(Person.id, Person.name, Person.email)).all()
    counts: dict[str, int] = {}
    for _pid, name, _email in people:
        counts[name.casefold()] = counts.get(name.casefold(), 0) + 1
    return {
        pid: (email if counts[name.casefold()] > 1 and email else name)
        for pid, name, email in people
    }


def plan_sheet(session: Session, plan_id: str) -> Sheet:
    """The plan's actions in theme and reference order, in the importer's columns."""
    owners = _owner_names(session)
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.plan_id == plan_id))}
    latest = latest_commentaries(session, plan_id)
    recs = recommendation_refs(session, plan_id)
    key = rag_key(session, plan_id)
    colours = {entry.rag: entry.colour for entry in key}
    labels = {entry.rag: entry.rag.capitalize() for entry in key}
    actions = sorted(
        session.scalars(select(Action).where(Action.plan_id == plan_id)),
        key=lambda a: (themes[a.theme_id].number, reference_key(a.reference)),
    )
    rows = []
    fills: dict[tuple[int, int], str] = {}
    headings = _labels(Kind.PLAN)
    rag_column = headings.index("RAG")
    for index, a in enumerate(actions):
        theme = themes[a.theme_id]
        rag = a.rag.value if a.rag else None
        rows.append(
            (
                a.reference,
                f"Theme {theme.number}: {theme.title}",
                a.title,
                a.description,
                owners.get(a.owner_id) if a.owner_id else None,
                a.lead_agency,
                a.due_date,
                labels[rag] if rag else None,
                latest.get(a.id),
                a.success_measure,
                "; ".join(sorted(recs.get(a.id, []), key=reference_key)) or None,
            )
        )
        if rag:
            fills[(index, rag_column)] = colours[rag]
    return Sheet("Improvement plan", headings, tuple(rows), fills)


def risk_sheet(session: Session, plan_id: str) -> Sheet:
    """The plan's risks in reference order, in the importer's columns (plus the scores)."""
    owners = _owner_names(session)
    risks = sorted(
        session.scalars(select(Risk).where(Risk.plan_id == plan_id)),
        key=lambda r: reference_key(r.reference),
    )
    labels = list(_labels(Kind.RISKS))
    labels.insert(labels.index("Impact") + 1, "Score")
    labels.insert(labels.index("Target impact") + 1, "Target score")
    rows = []
    for r in risks:
        rows.append(
            (
                r.reference,
                r.title,
                r.description,
                r.cause,
                r.consequence,
                r.mitigation,
                owners.get(r.owner_id) if r.owner_id else None,
                r.likelihood,
                r.impact,
                r.score,
                r.target_likelihood,
                r.target_impact,
                r.target_score,
                "Open" if r.status is RiskStatus.OPEN else "Closed",
            )
        )
    return Sheet("Risk register", tuple(labels), tuple(rows), {})


def kpi_sheet(session: Session, plan_id: str) -> Sheet:
    """One row per indicator and month (an indicator with no values: one row, no month)."""
    kpis = sorted(
        session.scalars(select(Kpi).where(Kpi.plan_id == plan_id)),
        key=lambda k: reference_key(k.reference),
    )
    values: dict[str, list[KpiValue]] = {}
    if kpis:
        for v in session.scalars(
            select(KpiValue)
            .where(KpiValue.kpi_id.in_([k.id for k in kpis]))
            .order_by(KpiValue.period)
        ):
            values.setdefault(v.kpi_id, []).append(v)
    rows: list[tuple[Any, ...]] = []
    for k in kpis:
        head = (
            k.reference,
            k.title,
            k.description,
            k.unit or None,
            POLARITY_LABEL[k.polarity],
            k.target,
            k.source_note,
        )
        held = values.get(k.id, [])
        if not held:
            rows.append((*head, None, None, None, None, None))
        for v in held:
            rows.append((*head, f"{v.period:%Y-%m}", v.value, v.national, v.regional, v.note))
    return Sheet("Indicators", _labels(Kind.KPIS), tuple(rows), {})


def sheet_for(session: Session, plan_id: str, kind: Kind) -> Sheet:
    return {Kind.PLAN: plan_sheet, Kind.RISKS: risk_sheet, Kind.KPIS: kpi_sheet}[kind](
        session, plan_id
    )


# -- Writers -----------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def csv_bytes(sheet: Sheet) -> bytes:
    """The sheet as CSV: UTF-8 with BOM, comma-separated, CRLF line ends."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(sheet.headings)
    for row in sheet.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheet: Sheet) -> bytes:
    """The sheet as an XLSX workbook of one sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet.title
    ws.append(list(sheet.headings))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r, row in enumerate(sheet.rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, not a formula
            elif isinstance(value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            colour = sheet.fills.get((r - 2, c - 1))
            if colour:
                cell.fill = PatternFill("solid", fgColor="FF" + colour.lstrip("#").upper())
    for c, heading in enumerate(sheet.headings, start=1):
        longest = max([len(heading)] + [len(str(row[c - 1] or "")) for row in sheet.rows[:200]])
        ws.column_dimensions[get_column_letter(c)].width = min(60, max(10, longest + 2))
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_table(session: Session, plan_id: str, kind: Kind, out: str | Path) -> int:
    """Write the plan's actions, risks or indicators to `out` (.xlsx or .csv by its suffix).

    Written beside the target and moved into place, so a failed export never
    leaves half a file.

    Returns:
        The number of rows written below the header.

    Raises:
        ValidationError: a suffix other than .xlsx or .csv, or a missing folder.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(f"{out.name}: export to a .xlsx or .csv file")
    if not out.parent.is_dir():
        raise ValidationError(f"there is no folder {out.parent}")
    sheet = sheet_for(session, plan_id, kind)
    data = xlsx_bytes(sheet) if suffix == ".xlsx" else csv_bytes(sheet)
    partial = out.with_name(out.name + ".partial")
    try:
        partial.write_bytes(data)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return len(sheet.rows)


def cell_values(path: str | Path) -> list[list[Any]]:
    """Every cell value of a file written by `export_table` (for comparing two exports)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode("utf-8-sig")
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""))]
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    try:
        ws = workbook.worksheets[0]
        return [[cell.value for cell in row] for row in ws.iter_rows()]
    finally:
        workbook.close()
