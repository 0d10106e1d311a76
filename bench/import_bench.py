"""Import benchmark: a 2,000-action plan tracker into a new board, and its re-import.

A council's tracker is generated with openpyxl in the layout of
`tests/fixtures/improvement-plan-tracker.xlsx` (title rows above the header,
theme headings merged across the sheet, a blank row between themes): 2,000
actions in 10 themes, 40 named owners (new people on the board), due dates as
real dates, RAG words, a commentary and recommendation references on every
row. The subject is what `boardpack import plan FILE --db PATH` does
(`desktop/cli_import.py`) without the printing: `read_table`,
`suggest_mapping`, and `import_table` in one `database.begin(actor)` as the
board's secretariat — so every action is written through the ORM with its audit
event and its change capture for sync.

- `plan import, 2,000 actions`: into a new board (a copy of an empty migrated
  file with a board, a plan and a clerk, made once per run);
- `plan re-import, same 2,000`: the same file again into that board, timed in
  the same round — every row matched by reference and found unchanged,
  nothing written.

Samples are warm: a 20-action import runs first, untimed, so the first sample
does not pay for importing modules and configuring the ORM mappers. `--quick`
imports 200 actions instead of 2,000.

The floor of both is the same data handled the barest way, measured in the
same run and interleaved: openpyxl reading the file as the importer does
(`load_workbook(data_only=False)`, every cell), then raw sqlite3 `executemany`
of the same 2,000 rows into the `actions` table of a copy of the same empty
board (10 themes first), in one transaction. No goal has been stated for
import (issue 9 asks for none), so the rows are informational ("—").
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

from bench.context import Context, remove_db
from bench.runner import Goal, Row, interleaved, median, time_once

ACTIONS = 2_000
QUICK_ACTIONS = 200
THEMES = 10
OWNERS = 40
RECOMMENDATIONS = 24
HEADINGS = (
    "Ref",
    "Action",
    "Lead officer",
    "Partner agency",
    "Target date",
    "RAG",
    "Progress update",
    "Evidence of impact",
    "Rec ref",
)
RAGS = ("Red", "Amber", "Green", "Amber", "Green")
AGENCIES = ("Council", "Police", "Health", "All partners", "Schools")
#: Dates in the future of any run, so a re-import never "moves a due date into the past".
FIRST_DUE = dt.date(2031, 1, 31)
GOAL = Goal.info()


def tracker_rows(actions: int) -> list[tuple[int, list[tuple[object, ...]]]]:
    """(theme number, its action rows) for a tracker of `actions` actions."""
    per_theme = -(-actions // THEMES)
    themes: list[tuple[int, list[tuple[object, ...]]]] = []
    for index in range(actions):
        theme, number = divmod(index, per_theme)
        if number == 0:
            themes.append((theme + 1, []))
        rec = f"C{index % RECOMMENDATIONS + 1}"
        themes[-1][1].append(
            (
                f"{theme + 1}.{number + 1}",
                f"Action {index + 1}: audit a sample of case files for the quality of "
                f"supervision and management oversight, cohort {index % 97}",
                f"Head of Service {index % OWNERS + 1}",
                AGENCIES[index % len(AGENCIES)],
                FIRST_DUE + dt.timedelta(days=7 * (index % 150)),
                RAGS[index % len(RAGS)],
                f"Progress at the last review: {index % 13 + 1} of 14 audits completed; "
                "findings reported to the Delivery Group.",
                "Audit reports; supervision records",
                rec if index % 3 else f"{rec}, Ofsted MV{index % 5 + 1}",
            )
        )
    return themes


def write_tracker(path: Path, actions: int = ACTIONS) -> int:
    """Write a council-style tracker of `actions` actions to `path` (.xlsx); returns its rows."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Improvement Plan"
    sheet.append(["Children's Improvement Plan — progress tracker"])
    sheet.append(["Generated for the import benchmark"])
    sheet.append(["RAG: B = complete, G = on track, A = at risk, R = off track"])
    sheet.append([])
    sheet.append(list(HEADINGS))
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for theme, rows in tracker_rows(actions):
        sheet.append([f"Theme {theme}: Improvement priority {theme}"])
        row = sheet.max_row
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(HEADINGS))
        for values in rows:
            sheet.append(list(values))
        sheet.append([])
    written = int(sheet.max_row)
    workbook.save(path)
    return written


def empty_board(path: Path) -> None:
    """A migrated file with one board, its plan and a clerk (the secretariat, who imports)."""
    from db.models import Board, Membership, Person, Plan, Role
    from db.store import open_database

    database = open_database(path, create=True)
    try:
        with database.begin() as session:
            clerk = Person(name="Emma Clerk")
            board = Board(code="OPAB", name="Ofsted Priority Action Board")
            session.add_all([clerk, board])
            session.flush()
            session.add(Membership(board_id=board.id, person_id=clerk.id, role=Role.SECRETARIAT))
            session.add(Plan(board_id=board.id, title="Children's Improvement Plan"))
    finally:
        database.close()


def import_file(board: Path, tracker: Path) -> tuple[int, int, int]:
    """`boardpack import plan TRACKER --db BOARD`, in-process; (new, updated, unchanged)."""
    from sqlalchemy import select

    from db.importers import Kind, import_table, read_table, suggest_mapping
    from db.models import Board, Role
    from db.store import open_database
    from db.views import board_context

    table = read_table(tracker, Kind.PLAN)
    mapping = suggest_mapping(table, Kind.PLAN)
    database = open_database(board)
    try:
        with database.session() as probe:
            board_id = probe.scalars(select(Board.id)).one()
            context = board_context(probe, board_id, Role.SECRETARIAT)
            assert context is not None and context.plan_id is not None
            assert context.viewer is not None
            plan_id, actor = context.plan_id, context.viewer.person_id
        with database.begin(actor) as session:
            report = import_table(session, actor, plan_id, table, mapping, today=dt.date.today())
    finally:
        database.close()
    if report.errors or not report.written:
        raise RuntimeError(f"the import wrote nothing: {report.errors[:3]}")
    return report.created, report.updated, report.unchanged


def floor_seconds(board: Path, tracker: Path, actions: int) -> float:
    """openpyxl's read of the file plus raw executemany of its actions into `actions`."""
    import openpyxl

    def run() -> None:
        with tracker.open("rb") as fh:
            workbook = openpyxl.load_workbook(fh, data_only=False)
        try:
            cells = [
                tuple(cell.value for cell in row)
                for row in workbook["Improvement Plan"].iter_rows(max_col=len(HEADINGS))
            ]
        finally:
            workbook.close()
        actions_rows = [row for row in cells[5:] if row[1] is not None]
        assert len(actions_rows) == actions
        conn = sqlite3.connect(board, isolation_level=None)
        try:
            plan_id = conn.execute("SELECT id FROM plans").fetchone()[0]
            now = dt.datetime.now(dt.UTC).isoformat()
            conn.execute("BEGIN")
            theme_ids = {}
            for number in range(1, THEMES + 1):
                theme_ids[number] = uuid.uuid4().hex
                conn.execute(
                    "INSERT INTO themes (id, plan_id, number, title) VALUES (?, ?, ?, ?)",
                    (theme_ids[number], plan_id, number, f"Theme {number}"),
                )
            conn.executemany(
                "INSERT INTO actions (id, plan_id, theme_id, reference, title, lead_agency, "
                "due_date, rag, success_measure, status, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'in_progress', ?, ?)",
                (
                    (
                        uuid.uuid4().hex,
                        plan_id,
                        theme_ids[int(str(row[0]).split(".")[0])],
                        row[0],
                        row[1],
                        row[3],
                        row[4].date().isoformat(),
                        str(row[5]).lower(),
                        row[7],
                        now,
                        now,
                    )
                    for row in actions_rows
                ),
            )
            conn.execute("COMMIT")
        finally:
            conn.close()

    return time_once(run)


def bench_import(ctx: Context) -> Iterator[Row]:
    """Import and re-import of a generated 2,000-action tracker, against openpyxl + executemany."""
    actions = QUICK_ACTIONS if ctx.quick else ACTIONS
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    name, reimport_name = f"plan import, {actions:,} actions", f"plan re-import, same {actions:,}"
    tracker = ctx.work_dir / f"tracker-{actions}.xlsx"
    warm_tracker = ctx.work_dir / "tracker-warm.xlsx"
    sheet_rows = write_tracker(tracker, actions)
    write_tracker(warm_tracker, 20)
    template = ctx.scratch("import-empty")
    empty_board(template)
    again: list[float] = []

    def copy_of_empty(stem: str) -> Path:
        path = ctx.scratch(stem)
        shutil.copyfile(template, path)
        return path

    def subject() -> float:
        """One import into a new board, then (timed apart, same round) its re-import."""
        board = copy_of_empty("import")
        try:
            got: list[tuple[int, int, int]] = []
            seconds = time_once(lambda: got.append(import_file(board, tracker)))
            assert got == [(actions, 0, 0)], got
            got.clear()
            again.append(time_once(lambda: got.append(import_file(board, tracker))))
            assert got == [(0, 0, actions)], got  # matched by reference, nothing to change
            return seconds
        finally:
            remove_db(board)

    def floor() -> float:
        board = copy_of_empty("import-floor")
        try:
            return floor_seconds(board, tracker, actions)
        finally:
            remove_db(board)

    try:
        warm = copy_of_empty("import-warm")  # imports the modules and configures the mappers
        try:
            import_file(warm, warm_tracker)
        finally:
            remove_db(warm)
        samples, floors = interleaved(subject, floor, ctx.repeats(3))
    finally:
        remove_db(template)
        tracker.unlink(missing_ok=True)
        warm_tracker.unlink(missing_ok=True)
    note = (
        f"a generated council tracker ({actions:,} actions in {THEMES} merged-heading themes, "
        f"{OWNERS} new owners, {sheet_rows:,} sheet rows) through read_table + suggest_mapping "
        "+ import_table as the secretariat into a new board, in-process and warm; floor: "
        "openpyxl load_workbook of the same file + raw sqlite3 executemany of the same rows "
        "into the actions table (its triggers included)"
    )
    if load is not None:  # a shared machine: the ratio holds better than the seconds
        note += f"; load average {load:.1f} on {os.cpu_count()} CPUs when the run started"
    yield Row(name, median(samples), "s", median(floors), GOAL, len(samples), len(floors), note)
    yield Row(
        reimport_name,
        median(again),
        "s",
        median(floors),
        GOAL,
        len(again),
        len(floors),
        "the same file again into the board it was just imported into, timed in the same "
        "round: every row matched by reference and found unchanged, nothing written; "
        "same floor",
    )
