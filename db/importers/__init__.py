"""Importing the plan, the risk register and indicators from XLSX or CSV as councils keep them.

The steps, the same for the GUI wizard, the CLI and the welcome screen:

1. `read_table(path, kind)` — find the sheet and header row, read every cell
   with its fill colour (`db.importers.sources`);
2. `suggest_mapping(table, kind)` — map columns to fields by their headings;
   a person may change it, and save/load it as JSON (`db.importers.mapping`);
3. `validate_import(...)` — every row checked against the file and the
   database; a report of errors and notes by row, and what each row would do;
4. `import_table(...)` — the same check, then, only when every row is valid,
   the write in one savepoint of the caller's transaction (all or nothing).

Nothing here imports Qt. Importing is the secretariat's (`EDIT_BUSINESS`),
checked before anything is read from the database. Every failure is a
`db.errors.BoardpackError` carrying one sentence; a file's problems are row
issues in the report, never exceptions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from db.importers.common import ImportReport, Record, RowIssue, require_import
from db.importers.mapping import (
    FieldSpec,
    Kind,
    Mapping,
    MappingError,
    fields_for,
    header_scorer,
    suggest_mapping,
)
from db.importers.sources import ImportFileError, Table, read_source

__all__ = [
    "FieldSpec",
    "ImportFileError",
    "ImportReport",
    "Kind",
    "Mapping",
    "MappingError",
    "Record",
    "RowIssue",
    "Table",
    "fields_for",
    "import_table",
    "read_table",
    "suggest_mapping",
    "validate_import",
]


def read_table(
    path: str | Path,
    kind: Kind,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
) -> Table:
    """Read a tracker file (.xlsx or .csv) for `kind`.

    Args:
        path: the file.
        kind: what it holds; picks the sheet and header row whose headings fit best.
        sheet: the sheet to read (default: the best fitting one).
        header_row: the header's row number (default: found from the headings).

    Raises:
        ImportFileError: the file cannot be read as a table.
    """
    return read_source(path, header_scorer(kind), sheet=sheet, header_row=header_row)


def _run(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    table: Table,
    mapping: Mapping,
    today: dt.date,
    write: bool,
) -> ImportReport:
    from db.importers.kpis import import_kpis
    from db.importers.plan import import_plan
    from db.importers.risks import import_risks

    run = {Kind.PLAN: import_plan, Kind.RISKS: import_risks, Kind.KPIS: import_kpis}[mapping.kind]
    return run(session, actor_id, plan_id, table, mapping, today=today, write=write)


def validate_import(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    table: Table,
    mapping: Mapping,
    *,
    today: dt.date,
) -> ImportReport:
    """Check every row against the file's rules and what the plan holds; write nothing.

    Raises:
        NotFoundError: no such plan.
        PermissionDeniedError: the actor is not the board's secretariat.
    """
    require_import(session, actor_id, plan_id)
    return _run(session, actor_id, plan_id, table, mapping, today, write=False)


def import_table(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    table: Table,
    mapping: Mapping,
    *,
    today: dt.date,
    dry_run: bool = False,
) -> ImportReport:
    """Check every row and, when all are valid (and not `dry_run`), import them all.

    The write joins the caller's transaction inside a savepoint; the caller
    commits. When any row is invalid — found by the check or refused by a
    service while writing — nothing is written and `report.written` is False.

    Raises:
        NotFoundError: no such plan.
        PermissionDeniedError: the actor is not the board's secretariat.
    """
    require_import(session, actor_id, plan_id)
    return _run(session, actor_id, plan_id, table, mapping, today, write=not dry_run)
