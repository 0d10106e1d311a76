"""`boardpack import …` and `boardpack export …`: the plan, risks and indicators as spreadsheets.

    boardpack import plan|risks|kpis FILE --db PATH [--mapping FILE.json] [--dry-run]
                     [--sheet NAME] [--header-row N] [--board CODE] [--save-mapping FILE.json]
    boardpack export plan|risks|kpis --db PATH --out FILE.xlsx|FILE.csv [--board CODE]

`import` prints the column mapping it used (suggested from the headings
unless `--mapping` gives one), every note and every rejected row
("row 14: due date 'sometime' is not a date …"), and exits 1 without
writing anything when any row is rejected. `--dry-run` checks only. The
import acts as the board's secretariat (importing is theirs), as the app
does until sign-in exists. `export` writes the layout `import` reads back.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli_base import CliError, Parser, add_db
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.importers import ImportReport, Kind, Mapping, Table

KINDS = ("plan", "risks", "kpis")


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `import` and `export`."""
    imp = sub.add_parser(
        "import", help="import the plan, risks or indicators from an XLSX or CSV file"
    )
    imp.add_argument("kind", choices=KINDS, help="what the file holds")
    imp.add_argument("file", type=Path, metavar="FILE", help="the .xlsx or .csv file")
    add_db(imp, required=True)
    imp.add_argument("--mapping", type=Path, metavar="FILE.json", help="the column mapping")
    imp.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    imp.add_argument("--sheet", metavar="NAME", help="the sheet to read (default: best fit)")
    imp.add_argument("--header-row", type=int, metavar="N", help="the header's row number")
    imp.add_argument("--board", metavar="CODE", help="the board (default: the only one)")
    imp.add_argument("--save-mapping", type=Path, metavar="FILE.json", help="save the mapping used")
    imp.set_defaults(handler=_cmd_import)

    exp = sub.add_parser("export", help="export the plan, risks or indicators to XLSX or CSV")
    exp.add_argument("kind", choices=KINDS, help="what to export")
    add_db(exp, required=True)
    exp.add_argument("--out", type=Path, required=True, metavar="FILE", help="a .xlsx or .csv file")
    exp.add_argument("--board", metavar="CODE", help="the board (default: the only one)")
    exp.set_defaults(handler=_cmd_export)


def _board_and_plan(session: Session, code: str | None) -> tuple[str, str]:
    from sqlalchemy import select

    from db.models import Board
    from db.views import board_context

    boards = session.execute(select(Board.id, Board.code).order_by(Board.code)).all()
    if code is not None:
        found = [b for b in boards if b.code.casefold() == code.casefold()]
        if not found:
            known = ", ".join(b.code for b in boards) or "none"
            raise CliError(f"there is no board {code} (boards: {known})")
        board_id = found[0].id
    elif len(boards) == 1:
        board_id = boards[0].id
    elif not boards:
        raise CliError("the database has no board yet")
    else:
        raise CliError(
            "the database has several boards; choose one with --board "
            + "|".join(b.code for b in boards)
        )
    plan_id = board_context(session, board_id).plan_id
    if plan_id is None:
        raise CliError("the board has no improvement plan yet")
    return board_id, plan_id


def _secretariat(session: Session, board_id: str) -> str:
    from db.models import Role
    from db.views import board_context

    viewer = board_context(session, board_id, Role.SECRETARIAT).viewer
    if viewer is None:
        raise CliError("the board has no secretariat member, who imports for the board")
    return viewer.person_id


def _load_mapping(path: Path, kind: Kind) -> Mapping:
    from db.importers import Mapping

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CliError(f"there is no mapping file {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CliError(f"the mapping file {path} cannot be read ({error})") from None
    return Mapping.from_json(text, kind)


def print_mapping(table: Table, mapping: Mapping) -> None:
    from db.importers import fields_for

    labels = {spec.name: spec.label for spec in fields_for(mapping.kind)}
    where = f"sheet '{table.sheet}', " if table.sheet else ""
    print(f"mapping ({where}header row {table.header_row}):")
    width = min(40, max((len(h) for h in table.headings), default=0))
    for heading in table.headings:
        name = mapping.columns.get(heading)
        target = labels.get(name, name) if name else "(not imported)"
        print(f"  {heading[:40]:<{width}}  →  {target}")


def print_report(report: ImportReport) -> None:
    for issue in report.issues:
        print(f"row {issue.row}: {'' if issue.fatal else 'note: '}{issue.reason}")


def _cmd_import(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.importers import Kind, import_table, read_table, suggest_mapping
    from desktop.cli_base import open_cli_database

    kind = Kind(args.kind)
    given = _load_mapping(args.mapping, kind) if args.mapping is not None else None
    sheet = args.sheet or (given.sheet if given else None)
    header_row = args.header_row or (given.header_row if given else None)
    table = read_table(args.file, kind, sheet=sheet, header_row=header_row)
    mapping = given or suggest_mapping(table, kind)
    print_mapping(table, mapping)
    database = open_cli_database(args)
    try:
        with database.session() as probe:
            board_id, plan_id = _board_and_plan(probe, args.board)
            # Signed in (an encrypted file): they import, as themselves; else the clerk.
            actor = getattr(args, "signed_in_person", None) or _secretariat(probe, board_id)
        with database.begin(actor) as session:
            report = import_table(
                session, actor, plan_id, table, mapping, today=dt.date.today(), dry_run=args.dry_run
            )
    finally:
        database.close()
    print_report(report)
    if args.save_mapping is not None:
        args.save_mapping.write_text(mapping.to_json(), encoding="utf-8")
    if report.errors:
        print(
            f"nothing imported: {len(report.errors)} problem(s) in {table.source}; "
            "fix the file or the mapping and import again",
            file=sys.stderr,
        )
        return 1
    if not report.records:
        print(f"nothing imported: {table.source} has no rows to import", file=sys.stderr)
        return 1
    print(("checked (dry run): " if args.dry_run else "") + report.summary())
    return 0


def _cmd_export(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.importers import Kind
    from desktop.cli_base import open_cli_database
    from exports.tabular import export_table

    kind = Kind(args.kind)
    out: Path = args.out
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise CliError(f"--out must be a .xlsx or .csv file, not {out.name}")
    database = open_cli_database(args)
    try:
        with database.session() as session:
            _board, plan_id = _board_and_plan(session, args.board)
            rows = export_table(session, plan_id, kind, out)
    finally:
        database.close()
    print(f"wrote {rows} rows of the {kind.label} to {out}")
    return 0
