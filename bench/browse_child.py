"""The in-process half of the Browse benchmarks: real pages on the large board, in a child.

Run by `bench.browse_bench` through `bench.launch` (so the process's peak
resident set is its own), as `python -m bench.browse_child RESULT.json BOARD
TODAY [--repeats N] [--quick]`, with `QT_QPA_PLATFORM=offscreen`. It builds the
real main window (`desktop.app.build_main_window`) on the board and, driving
the real widgets, times:

- opening the Plan page: from `show_page("plan")` (the page stale, as after a
  change elsewhere) to the tree's first paint with the plan in it — and, once,
  its very first opening, which also builds the page (the window builds pages
  on first use) and imports its module; floor: the
  same rows read with raw `sqlite3` (one persistent connection, as the page's
  pool keeps one) into a bare `QTreeView` over a flat tuple model, shown and
  painted;
- each filter of the filter bar (theme, RAG, owner, overdue, due within 30
  days, changed since the last meeting), set on its control the way a click
  or a keypress sets it, to the tree's repaint; floor: the same `WHERE` in raw
  `sqlite3`, the rows into the bare view, painted;
- each keystroke of queries typed into the search palette (Ctrl+K) with
  `QTest.keyClick`, to the results model being filled (its debounce timer
  included, as the person waits for it); floor: the same FTS5 match in raw
  `sqlite3`, limited to as many rows as the palette can list.

With `--key HEX` the board is an encrypted (SQLCipher) copy opened with that
data key, the floor's raw reads going through SQLCipher too
(`bench.encryption_bench` compares the two runs).

Every sample waits for the paint (or the model reset) it times by spinning the
event loop, so nothing queued is left out. The samples go to RESULT.json; the
parent turns them into rows. This module imports PySide6 (only this child runs it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow, QTreeView, QWidget

SIZE = (1366, 768)
WAIT_LIMIT = 30.0  # seconds: a paint that never comes is an error, not a hang
#: What is typed into the palette, one key at a time (words of the generated board).
QUERIES = ("care leavers", "placement sufficiency", "social workers")
QUICK_QUERIES = ("care",)
#: The palette lists at most 8 hits for each of its 6 kinds.
SEARCH_LIMIT = 48
ACTION_COLUMNS = """
    SELECT a.id, a.reference, a.title, p.name, a.due_date, a.rag
    FROM actions a LEFT JOIN people p ON p.id = a.owner_id
    WHERE a.plan_id = :plan"""
NOT_BLUE = "(a.rag IS NULL OR a.rag != 'blue')"

ModelIndex = QModelIndex | QPersistentModelIndex


class TupleModel(QAbstractTableModel):
    """The floor's model: rows of tuples, text of each cell, nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[Any, ...]] = []

    def set_rows(self, rows: list[tuple[Any, ...]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        value = self._rows[index.row()][index.column() + 1]
        return None if value is None else str(value)


class PaintWatch(QObject):
    """Counts paint events of one widget."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.paints = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def spin_until(app: QApplication, done: Callable[[], bool]) -> None:
    """Process events until `done()` (RuntimeError after WAIT_LIMIT seconds)."""
    limit = time.perf_counter() + WAIT_LIMIT
    while not done():
        app.processEvents()
        if time.perf_counter() > limit:
            raise RuntimeError("waited too long for a paint or a result")


def timed(app: QApplication, act: Callable[[], None], done: Callable[[], bool]) -> float:
    """Seconds from `act()` to `done()`, after a garbage collection."""
    gc.collect()
    start = time.perf_counter()
    act()
    spin_until(app, done)
    return time.perf_counter() - start


def painted_after(app: QApplication, watch: PaintWatch, act: Callable[[], None]) -> float:
    before = watch.paints
    return timed(app, act, lambda: watch.paints > before)


def settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


class Floor:
    """A bare QTreeView over a tuple model, fed by raw sqlite3."""

    def __init__(self, board: Path, plan_id: str, key: bytes | None = None) -> None:
        from db.encryption import connect

        self.conn: sqlite3.Connection = connect(board, key)
        self.plan_id = plan_id
        self.model = TupleModel()
        self.window = QMainWindow()
        self.view = QTreeView()
        self.view.setUniformRowHeights(True)
        self.view.setRootIsDecorated(False)
        self.view.setModel(self.model)
        self.window.setCentralWidget(self.view)
        self.window.resize(*SIZE)
        self.watch = PaintWatch(self.view.viewport())

    def rows(self, where: str = "", params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        sql = ACTION_COLUMNS + (f" AND {where}" if where else "") + " ORDER BY a.reference"
        return self.conn.execute(sql, {"plan": self.plan_id, **(params or {})}).fetchall()

    def open(self, app: QApplication) -> float:
        self.window.hide()
        self.model.set_rows([])
        settle(app)

        def act() -> None:
            self.model.set_rows(self.rows())
            self.window.show()

        return painted_after(app, self.watch, act)

    def filtered(self, app: QApplication, where: str, params: dict[str, Any]) -> float:
        self.model.set_rows(self.rows())
        settle(app)
        return painted_after(app, self.watch, lambda: self.model.set_rows(self.rows(where, params)))

    def search(self, match: str | None) -> float:
        gc.collect()
        start = time.perf_counter()
        if match is not None:
            self.conn.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ? LIMIT ?",
                (match, SEARCH_LIMIT),
            ).fetchall()
        return time.perf_counter() - start


def run(
    board: Path, today: dt.date, repeats: int, quick: bool, key: bytes | None = None
) -> dict[str, Any]:
    app = QApplication([sys.argv[0]])
    from db.store import open_database
    from desktop.app import build_main_window

    database = open_database(board, key=key)
    window = build_main_window(database, today=today)
    window.resize(*SIZE)
    window.show()
    settle(app)
    data = window._data
    if data is None or data.context is None or data.context.plan_id is None:
        raise RuntimeError("the large board's window shows no plan")
    plan_id = data.context.plan_id

    # The window builds a page on its first use: the first opening of the Plan page
    # imports its module (and the plan services) and builds its widgets, then reads and
    # paints it like any later opening. Timed once, before anything imports them.
    def first_open() -> float:
        gc.collect()
        start = time.perf_counter()
        window.show_page("plan")
        from desktop.pages.plan import PlanPage  # the window imported it just now

        page = window.page("plan")
        if not isinstance(page, PlanPage):
            raise RuntimeError("the window has no Plan page")
        watch = PaintWatch(page.tree.viewport())
        spin_until(app, lambda: watch.paints > 0)
        return time.perf_counter() - start

    first_open_seconds = first_open()
    window.show_page("dashboard")
    settle(app)
    from db.services.plan import filter_choices
    from db.services.search import fts_query
    from desktop.pages.plan import PlanPage

    with database.session() as session:
        choices = filter_choices(session, plan_id, today)

    # The window's sync part re-reads its status on the GUI thread every few seconds:
    # what one read costs here (a stall any sample below may have caught).
    polls = []
    if window.sync_ui is not None:
        for _ in range(3):
            started = time.perf_counter()
            window.sync_ui.controller.refresh()
            polls.append(time.perf_counter() - started)
    sync_poll = sorted(polls)[len(polls) // 2] if polls else None

    plan = window.page("plan")
    if not isinstance(plan, PlanPage):
        raise RuntimeError("the window has no Plan page")
    tree_watch = PaintWatch(plan.tree.viewport())
    floor = Floor(board, plan_id, key)
    out: dict[str, Any] = {
        "sync_poll": sync_poll,
        "plan_actions": floor.conn.execute(
            "SELECT count(*) FROM actions WHERE plan_id = ?", (plan_id,)
        ).fetchone()[0],
    }

    # Opening the Plan page ------------------------------------------------------
    def open_plan() -> float:
        window.show_page("dashboard")
        plan.on_changed("plan")  # hidden: only marked stale, read when next shown
        settle(app)
        return painted_after(app, tree_watch, lambda: window.show_page("plan"))

    open_plan()  # warm: first use of the page's statements and delegates
    floor.open(app)
    opens, open_floors = [], []
    for _ in range(repeats):
        open_floors.append(floor.open(app))
        opens.append(open_plan())
    out["open"] = {"samples": opens, "floors": open_floors, "first": first_open_seconds}
    out["open_page_ms"] = plan.timings.get("open")

    # Filters ------------------------------------------------------------------
    bar = plan.filters
    theme_sql = floor.conn.execute(
        "SELECT id FROM themes WHERE plan_id = ? ORDER BY number LIMIT 1", (plan_id,)
    ).fetchone()
    owner = max(choices.owners, key=lambda o: o.actions, default=None)
    cutoff = (
        dt.datetime.combine(choices.last_meeting + dt.timedelta(days=1), dt.time())
        if choices.last_meeting
        else None
    )
    due_end = today + dt.timedelta(days=30)

    def combo(box: Any, value: object) -> Callable[[], None]:
        return lambda: box.setCurrentIndex(box.findData(value))

    def click(box: Any) -> Callable[[], None]:
        return lambda: QTest.mouseClick(box, Qt.MouseButton.LeftButton)

    filters: dict[str, tuple[Callable[[], None], str, dict[str, Any]]] = {
        "theme": (
            combo(bar.theme_combo, choices.themes[0].number if choices.themes else None),
            "a.theme_id = :theme",
            {"theme": theme_sql[0] if theme_sql else None},
        ),
        "RAG red": (combo(bar.rag_combo, "red"), "a.rag = 'red'", {}),
        "owner": (
            combo(bar.owner_combo, owner.person_id if owner else None),
            "a.owner_id = :owner",
            {"owner": owner.person_id if owner else None},
        ),
        "overdue": (
            click(bar.overdue_check),
            f"a.due_date < :today AND {NOT_BLUE}",
            {"today": today.isoformat()},
        ),
        "due within 30 days": (
            click(bar.due_check),
            f"a.due_date >= :today AND a.due_date <= :end AND {NOT_BLUE}",
            {"today": today.isoformat(), "end": due_end.isoformat()},
        ),
        "changed since last meeting": (
            click(bar.changed_check),
            "a.updated_at >= :cutoff",
            {"cutoff": f"{cutoff:%Y-%m-%d %H:%M:%S.%f}" if cutoff else "0"},
        ),
    }
    window.show_page("plan")
    floor.window.show()
    settle(app)
    per_filter: dict[str, dict[str, Any]] = {}
    unavailable = {
        "theme": not choices.themes,
        "owner": owner is None,
        "changed since last meeting": cutoff is None,
    }
    for name, (act, where, params) in filters.items():
        if unavailable.get(name):  # nothing to choose on this board (a tiny one)
            continue
        samples, floors, shown = [], [], []
        for _ in range(repeats):
            floors.append(floor.filtered(app, where, params))
            bar.clear()
            spin_until(app, lambda: bar.current().is_empty)
            settle(app)
            samples.append(painted_after(app, tree_watch, act))
            shown.append(plan.model.action_count())
        if bar.current().is_empty:
            raise RuntimeError(f"the {name} filter did not change the filter bar")
        per_filter[name] = {"samples": samples, "floors": floors, "shown": shown[-1]}
    bar.clear()
    settle(app)
    out["filters"] = per_filter

    # Search keystrokes ----------------------------------------------------------
    palette = window.search_palette
    resets = [0]
    palette.model.modelReset.connect(lambda: resets.__setitem__(0, resets[0] + 1))
    palette.open_palette()
    settle(app)
    keys, key_floors, service_ms, hits = [], [], [], []
    for query in QUICK_QUERIES if quick else QUERIES:
        palette.edit.clear()
        spin_until(app, lambda: not palette._timer.isActive())
        settle(app)
        for typed_so_far, char in ((query[: i + 1], c) for i, c in enumerate(query)):
            key_floors.append(floor.search(fts_query(typed_so_far)))
            before = resets[0]

            def press(char: str = char) -> None:
                QTest.keyClicks(palette.edit, char)

            def filled(before: int = before) -> bool:
                return resets[0] > before

            keys.append(timed(app, press, filled))
            if palette.edit.text() != typed_so_far:
                raise RuntimeError(
                    f"typed {typed_so_far!r}, the palette has {palette.edit.text()!r}"
                )
            service_ms.append(palette.last_search_ms)
            hits.append(palette.model.hit_count())
    out["search"] = {
        "samples": keys,
        "floors": key_floors,
        "service_ms": service_ms,
        "hits": hits,
        "queries": list(QUICK_QUERIES if quick else QUERIES),
    }
    palette.reject()
    window.close()
    floor.window.close()
    floor.conn.close()
    database.close()
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browse_child")
    parser.add_argument("result", type=Path)
    parser.add_argument("board", type=Path)
    parser.add_argument("today", type=dt.date.fromisoformat)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--key", type=bytes.fromhex, help="the data key of an encrypted board")
    args = parser.parse_args(argv)
    out = run(args.board, args.today, max(1, args.repeats), args.quick, args.key)
    args.result.write_text(json.dumps(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
