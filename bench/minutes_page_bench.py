"""The Minutes page on the large board: choosing a meeting's minutes, and one section autosave.

`minutes-page` runs `python -m bench.minutes_page_bench CHILD …` in a child
process (offscreen) that builds the real window on a private copy of the
large board and opens the Minutes page as the OPAB secretariat. It times:
- choosing a closed meeting in the drop-down until its versions and the
  newest version's items are on screen (`MinutesPage.show_meeting`: rights,
  versions, the version's JSON read into a `MinutesDoc`, both models reset,
  the editor filled, then the event loop turned once);
- one section write as the autosave makes it about once a second while the
  clerk types (`edit_section` of a ~2 kB summary on a draft, and its
  COMMIT), which runs on the GUI thread.
The large board's own minutes are placeholders, so the newest closed
meetings first get a draft generated from their record (`_regenerate`).
Floors, interleaved in the same child: a raw `sqlite3` read of one version's
content JSON plus `json.loads` (for choosing), and a raw INSERT + COMMIT of
one row in the same file with the app's pragmas (for the write).
Goals: 100 ms to show a meeting's minutes (a click that feels immediate), and
the meeting-mode notes write's 50 ms for the autosave.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.context import Context
from bench.runner import Goal, Row, median

CHOOSE_GOAL = Goal.at_most(0.1, "s")
SAVE_GOAL = Goal.at_most(0.05, "s")
TIMEOUT = 900.0
BOARD_TODAY = "2025-01-01"
#: How many of the newest closed meetings get minutes generated from their record.
MEETINGS = 10


def bench_minutes_page(ctx: Context) -> Iterator[Row]:
    """Choose meetings and save a section in the real Minutes page on the large board."""
    import bench.benchmarks as b

    choose_name = "minutes page: choose a meeting (versions and items shown)"
    save_name = "minutes page: section autosave write"
    board = ctx.board()
    env = b.child_env(ctx)
    with tempfile.TemporaryDirectory(prefix="boardpack-minutes-page-") as tmp:
        result = Path(tmp) / "minutes-page.json"
        argv = [sys.executable, "-m", "bench.minutes_page_bench", "CHILD", str(result), str(board)]
        argv += ["--repeats", str(ctx.repeats(21, 5))]
        run = b.run_process(argv, env, TIMEOUT)
        data = json.loads(result.read_text(encoding="utf-8")) if result.exists() else None
    if run.returncode != 0 or data is None:
        error = f"exit code {run.returncode}: {b._last_line(run.stderr)}"
        yield Row(choose_name, None, "s", None, CHOOSE_GOAL, error=error)
        yield Row(save_name, None, "s", None, SAVE_GOAL, error=error)
        return
    yield Row(
        choose_name,
        median(data["choose"]),
        "s",
        median(data["read_floor"]),
        CHOOSE_GOAL,
        len(data["choose"]),
        len(data["read_floor"]),
        f"drop-down activation to the page showing the meeting's versions and the newest "
        f"version's items (rights, versions, JSON → MinutesDoc, models, editor), over "
        f"the {data['meetings']} newest closed {data['board']} meetings in turn "
        f"({data['items']} items in the last); slowest {max(data['choose']) * 1000:.1f} ms; "
        "floor: raw sqlite3 SELECT of one version's content JSON + json.loads",
    )
    yield Row(
        save_name,
        median(data["save"]),
        "s",
        median(data["write_floor"]),
        SAVE_GOAL,
        len(data["save"]),
        len(data["write_floor"]),
        "one edit_section of a ~2 kB summary on a draft and its COMMIT, as the "
        f"autosave makes it; slowest {max(data['save']) * 1000:.1f} ms; floor: raw sqlite3 "
        "INSERT of one row + COMMIT in the same file",
    )


# -- The child -------------------------------------------------------------------------------


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def _read_floor(path: Path, version_id: str) -> float:
    conn = _connect(path)
    try:
        start = time.perf_counter()
        (text,) = conn.execute(
            "SELECT content_json FROM minutes_versions WHERE id = ?", (version_id,)
        ).fetchone()
        json.loads(text)
        return time.perf_counter() - start
    finally:
        conn.close()


def _write_floor(path: Path) -> float:
    conn = _connect(path)
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id TEXT PRIMARY KEY, body TEXT)")
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO bench_floor VALUES (?, ?)", (str(uuid.uuid4()), "A summary."))
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def _regenerate(database: Any, clerk: str | None, board_id: str, today: Any) -> int:
    """Give the newest closed meetings minutes generated from their record, as corrections.

    The large board's signed minutes hold placeholder JSON (ids and titles only),
    which the page reports as unreadable; so on this private copy each of the
    newest `MEETINGS` closed meetings gets a draft version 2 superseding the
    signed one, generated from its record as `create_draft` does.
    """
    from sqlalchemy import select

    from db.canonical import canonical_json
    from db.minutes.build import minutes_content
    from db.models import Meeting, MeetingStatus, MinutesStatus, MinutesVersion

    with database.begin(clerk) as s:
        meetings = s.scalars(
            select(Meeting)
            .where(Meeting.board_id == board_id, Meeting.status == MeetingStatus.CLOSED)
            .order_by(Meeting.meeting_date.desc())
            .limit(MEETINGS)
        ).all()
        for meeting in meetings:
            latest = s.scalars(
                select(MinutesVersion)
                .where(MinutesVersion.meeting_id == meeting.id)
                .order_by(MinutesVersion.version.desc())
                .limit(1)
            ).first()
            s.add(
                MinutesVersion(
                    meeting_id=meeting.id,
                    version=(latest.version + 1) if latest else 1,
                    status=MinutesStatus.DRAFT,
                    content_json=canonical_json(minutes_content(s, meeting, public=False)),
                    created_by_id=clerk,
                    supersedes_id=latest.id if latest else None,
                )
            )
    return len(meetings)


def child(result: Path, board: Path, repeats: int) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import dataclasses
    import datetime as dt

    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from db.models import Membership, Role
    from db.store import open_database
    from desktop.app import build_main_window
    from desktop.pages.minutes import MinutesPage

    app = QApplication(["boardpack-minutes-page-bench"])
    database = open_database(board)
    today = dt.date.fromisoformat(BOARD_TODAY)
    window = build_main_window(database, today=today)
    window.resize(1366, 768)
    window.show()
    window.show_page("minutes")
    page = window.page("minutes")
    assert isinstance(page, MinutesPage) and page.env is not None
    with database.session() as s:
        clerk = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id,
                Membership.role == Role.SECRETARIAT,
            )
        ).first()
    count = _regenerate(database, clerk, page.env.context.board_id, today)
    if count == 0:
        print("no closed meeting on the large board", file=sys.stderr)
        return 2
    page.attach(dataclasses.replace(page.env, actor_id=clerk))
    app.processEvents()
    choose: list[float] = []
    read_floor: list[float] = []
    for n in range(repeats + 1):
        index = n % min(count, page.meeting.count())
        page.meeting.setCurrentIndex(index)
        start = time.perf_counter()
        page.meeting.activated.emit(index)
        app.processEvents()
        elapsed = time.perf_counter() - start
        shown = page.minutes.shown if page.minutes is not None else None
        if shown is None or page.minutes is None or page.minutes.doc is None:
            print(f"meeting {page.meeting.currentText()} shows no minutes", file=sys.stderr)
            return 3
        floor = _read_floor(board, shown.version_id)
        if n:  # the first round warms the connection and the ORM's statements
            choose.append(elapsed)
            read_floor.append(floor)
    # The newest meeting's regenerated draft is the one typed into.
    page.meeting.setCurrentIndex(0)
    page.meeting.activated.emit(0)
    minutes = page.minutes
    assert minutes is not None and minutes.latest is not None and minutes.editable
    assert minutes.doc is not None
    version_id = minutes.latest.version_id
    item = minutes.doc.items[len(minutes.doc.items) // 2]
    text = "Members discussed the report and asked for the recovery plan by March. " * 28
    save: list[float] = []
    write_floor: list[float] = []
    controller = page.controller
    assert controller is not None
    for n in range(repeats + 1):
        start = time.perf_counter()
        problem = controller.edit_section(version_id, f"item:{item.number}", f"{text}{n}")
        elapsed = time.perf_counter() - start
        if problem is not None:
            print(f"section not saved: {problem}", file=sys.stderr)
            return 5
        floor = _write_floor(board)
        if n:
            save.append(elapsed)
            write_floor.append(floor)
    data: dict[str, Any] = {
        "choose": choose,
        "read_floor": read_floor,
        "save": save,
        "write_floor": write_floor,
        "meetings": count,
        "board": page.board.currentText(),
        "items": len(minutes.doc.items),
    }
    result.write_text(json.dumps(data), encoding="utf-8")
    page.shutdown()
    window.close()
    database.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.minutes_page_bench")
    parser.add_argument("mode", choices=["CHILD"])
    parser.add_argument("result", type=Path)
    parser.add_argument("board", type=Path)
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args(argv)
    return child(args.result, args.board, args.repeats)


if __name__ == "__main__":
    raise SystemExit(main())
