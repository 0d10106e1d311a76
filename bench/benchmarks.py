"""The benchmarks themselves: what users wait for, each beside its floor.

Each benchmark is a function from the run's `Context` to result rows, listed
in `BENCHMARKS` under the name `--only` takes. The subjects are the real entry
points (`db.demo.create_demo`, `open_database`, `python -m desktop
--quit-when-shown`, `db.dump.write_dump`, `db.views.load_dashboard`); the
floors are the same work done with nothing but `sqlite3` or a bare PySide6
window, in the same run. Modules written elsewhere are imported lazily: a
missing one makes its rows "not available" instead of stopping the run. The
large board is generated (or taken from the cache) once per run and copied
into a scratch folder, so nothing a benchmark does can change the cache.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.browse_bench import bench_browse_pages, bench_browse_start
from bench.context import (
    REPO,
    Context,
    model_tables,
    optional_module,
    remove_db,
    row_counts,
)
from bench.encryption_bench import bench_encrypted_pages, bench_encrypted_start
from bench.generate import generate
from bench.import_bench import bench_import
from bench.meeting_bench import bench_meeting
from bench.minutes_bench import bench_minutes
from bench.minutes_page_bench import bench_minutes_page
from bench.papers_bench import bench_board_pack
from bench.reader_bench import bench_reader
from bench.runner import Goal, Row, interleaved, median, time_once
from bench.signing_bench import bench_signing
from bench.sync_bench import (
    bench_sync_apply,
    bench_sync_capture,
    bench_sync_pg,
    bench_sync_sqlite,
)

__all__ = ["BENCHMARKS", "GROUPS", "REPO", "Context", "model_tables", "remove_db", "row_counts"]

SUBPROCESS_TIMEOUT = 300.0
_optional = optional_module


# -- subprocesses --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessRun:
    seconds: float
    max_rss_mb: float | None
    returncode: int
    stderr: str


def run_process(argv: list[str], env: dict[str, str], timeout: float) -> ProcessRun:
    """Run `argv` to completion through `bench.launch`: its wall time, peak RSS, exit, stderr."""
    with tempfile.TemporaryDirectory(prefix="boardpack-launch-") as tmp:
        result = Path(tmp) / "result.json"
        err_path = Path(tmp) / "stderr.txt"
        launcher = [sys.executable, "-m", "bench.launch", str(result), "--", *argv]
        with err_path.open("wb") as err:
            proc = subprocess.Popen(
                launcher,
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,  # so a timeout kills the whole group
            )
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
        if proc.returncode != 0 or not result.exists():
            reason = "timed out" if proc.returncode == -signal.SIGKILL else "launcher failed"
            return ProcessRun(0.0, None, proc.returncode or 1, f"{stderr}\n{reason}")
        data = json.loads(result.read_text(encoding="utf-8"))
    return ProcessRun(data["seconds"], data["max_rss_mb"], data["returncode"], stderr)


def child_env(ctx: Context) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["BOARDPACK_DATA_DIR"] = str(ctx.work_dir / "data")
    return env


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no output)"


# -- benchmarks ----------------------------------------------------------------------------


def bench_demo(ctx: Context) -> Iterator[Row]:
    """Demo creation in-process, against creating an empty migrated database."""
    name, unit, goal = "demo creation", "s", Goal.at_most(3, "s")
    demo, why = _optional("db.demo")
    create_demo = getattr(demo, "create_demo", None) if demo else None
    if create_demo is None:
        yield Row.unavailable(name, unit, goal, why or "db.demo has no create_demo")
        return
    papers, papers_why = _optional("exports.papers")
    render = getattr(papers, "render_paper_pdf", None) if papers else None
    from db.store import open_database

    def subject() -> float:
        path = ctx.scratch("demo")
        try:
            return time_once(lambda: create_demo(path, render_paper=render).close())
        finally:
            remove_db(path)

    def floor() -> float:
        path = ctx.scratch("empty")
        try:
            return time_once(lambda: open_database(path, create=True).close())
        finally:
            remove_db(path)

    samples, floors = interleaved(subject, floor, ctx.repeats(5))
    note = "floor: open_database(create=True) of an empty migrated file"
    if render is None:
        note += f"; papers not rendered ({papers_why or 'no render_paper_pdf'})"
    yield Row(name, median(samples), unit, median(floors), goal, len(samples), len(floors), note)


def raw_insert_seconds(path: Path, rows: int) -> float:
    """The floor of generation: `rows` rows into one 5-column table with raw sqlite3."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")  # the generator's own settings
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT, b INTEGER, c REAL, d TEXT)")
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO t VALUES (?, ?, ?, ?, ?)",
            ((f"{i:032x}", "text", i, i * 0.5, "more text") for i in range(rows)),
        )
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()
        remove_db(path)


def bench_generate(ctx: Context) -> Iterator[Row]:
    """Generating the large board, against raw executemany of as many rows."""
    name, unit, goal = "large-board generation", "s", Goal.at_most(60, "s")
    ctx.board()
    report = ctx.generation
    if report is not None:
        note = "timed while regenerating the cache"
    elif ctx.skip_generate:
        yield Row(name, None, unit, None, goal, note="not measured: --skip-generate, cache current")
        return
    else:
        target = ctx.scratch("generated")
        try:
            report = generate(target, scale=ctx.scale, seed=ctx.seed)
        finally:
            remove_db(target)
        note = "one generation into a scratch file"
    rows = report.generated_rows
    floors = [raw_insert_seconds(ctx.scratch("raw"), rows) for _ in range(ctx.repeats(3))]
    by_triggers = report.total_rows - rows
    note += (
        f"; {rows:,} rows inserted (+{by_triggers:,} written by the schema's triggers), "
        f"{report.size_bytes / 1e6:.0f} MB; floor: raw sqlite3 executemany of {rows:,} rows "
        "into one 5-column table"
    )
    yield Row(name, report.seconds, unit, median(floors), goal, 1, len(floors), note)


def bench_open(ctx: Context) -> Iterator[Row]:
    """open_database on the large board, against raw connect + quick_check."""
    from db.store import open_database

    board = ctx.board()

    def subject() -> float:
        def run() -> None:
            database = open_database(board)
            with database.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
            database.close()

        return time_once(run)

    def floor() -> float:
        def run() -> None:
            conn = sqlite3.connect(board)
            conn.execute("SELECT 1").fetchall()
            conn.execute("PRAGMA quick_check").fetchall()
            conn.close()

        return time_once(run)

    samples, floors = interleaved(subject, floor, ctx.repeats(7, 2))
    yield Row(
        "open database",
        median(samples),
        "s",
        median(floors),
        Goal.ratio(1.5),
        len(samples),
        len(floors),
        "open_database + first connection; floor: sqlite3.connect + SELECT 1 + PRAGMA quick_check",
    )


def bench_dashboard(ctx: Context) -> Iterator[Row]:
    """The window's data on the large board (db.views), against raw counts of its tables."""
    name, unit, goal = "dashboard data load", "s", Goal.at_most(0.3, "s")
    views, why = _optional("db.views")
    if views is None or not hasattr(views, "load_dashboard"):
        yield Row.unavailable(name, unit, goal, why or "db.views has no load_dashboard")
        return
    from db.store import open_database

    board = ctx.board()
    database = open_database(board)
    today = dt.date(2025, 1, 1)  # the generated board's "now"
    tables = ("boards", "plans", "actions", "risks", "kpis", "kpi_values", "meetings")

    def subject() -> float:
        def run() -> None:
            with database.session() as session:
                context = views.default_board_context(session)
                if context is not None:
                    views.load_dashboard(session, context, today)

        return time_once(run)

    def floor() -> float:
        def run() -> None:
            conn = sqlite3.connect(board)
            for table in tables:
                conn.execute(f"SELECT count(*) FROM {table}").fetchall()
            conn.close()

        return time_once(run)

    try:
        subject()  # warm the connection pool and the ORM's compiled statements
        samples, floors = interleaved(subject, floor, ctx.repeats(7, 2))
    finally:
        database.close()
    yield Row(
        name,
        median(samples),
        unit,
        median(floors),
        goal,
        len(samples),
        len(floors),
        "default_board_context + load_dashboard in one session (what the window reads after "
        "its first paint); floor: sqlite3 count(*) of the tables it reads",
    )


def bench_cold_start(ctx: Context) -> Iterator[Row]:
    """`python -m desktop --db LARGE --quit-when-shown` against a bare PySide6 window."""
    name, unit, goal = "cold start to first window", "s", Goal.ratio(1.5)
    rss_name, rss_goal = "cold start peak RSS", Goal.at_most(300, "MB")
    board = ctx.board()
    env = child_env(ctx)
    app = [sys.executable, "-m", "desktop", "--db", str(board), "--quit-when-shown"]
    bare = [sys.executable, "-m", "bench.bare_window"]

    # One untimed run of each first: compiles .pyc files and warms the disk cache for both.
    warm = run_process(app, env, SUBPROCESS_TIMEOUT)
    if warm.returncode != 0:
        if "--quit-when-shown" in warm.stderr or "No module named desktop" in warm.stderr:
            reason = f"python -m desktop --quit-when-shown: {_last_line(warm.stderr)}"
            yield Row.unavailable(name, unit, goal, reason)
            yield Row.unavailable(rss_name, "MB", rss_goal, reason)
            return
        error = f"exit code {warm.returncode}: {_last_line(warm.stderr)}"
        yield Row(name, None, unit, None, goal, error=error)
        yield Row(rss_name, None, "MB", None, rss_goal, error=error)
        return
    bare_warm = run_process(bare, env, SUBPROCESS_TIMEOUT)
    if bare_warm.returncode != 0:
        error = f"bare window floor failed: {_last_line(bare_warm.stderr)}"
        yield Row(name, None, unit, None, goal, error=error)
        return

    app_runs: list[ProcessRun] = []
    bare_runs: list[ProcessRun] = []
    for _ in range(ctx.repeats(5)):
        bare_runs.append(run_process(bare, env, SUBPROCESS_TIMEOUT))
        app_runs.append(run_process(app, env, SUBPROCESS_TIMEOUT))
    failed = [r for r in app_runs + bare_runs if r.returncode != 0]
    run_error = (
        f"{len(failed)} run(s) failed, e.g. exit {failed[0].returncode}: "
        f"{_last_line(failed[0].stderr)}"
        if failed
        else None
    )
    yield Row(
        name,
        median([r.seconds for r in app_runs]),
        unit,
        median([r.seconds for r in bare_runs]),
        goal,
        len(app_runs),
        len(bare_runs),
        "whole process, wall time (python start to exit), the app quits on its first paint, "
        "before it reads the board; "
        "floor: bench/bare_window.py (QMainWindow + QTreeView, same first-paint exit)",
        run_error,
    )
    app_rss = [r.max_rss_mb for r in app_runs if r.max_rss_mb is not None]
    bare_rss = [r.max_rss_mb for r in bare_runs if r.max_rss_mb is not None]
    if not app_rss:
        yield Row.unavailable(rss_name, "MB", rss_goal, "no per-process rusage on this platform")
        return
    yield Row(
        rss_name,
        median(app_rss),
        "MB",
        median(bare_rss),
        rss_goal,
        len(app_rss),
        len(bare_rss),
        "peak resident set of the cold-start process (wait4 rusage, started from bench/launch.py "
        "so it does not inherit the bench's own peak); floor: the bare window's",
        run_error,
    )


def raw_select_all(path: Path, tables: dict[str, list[str]]) -> int:
    """The floor of the dump: every row of every table, in key order, fetched with sqlite3."""
    conn = sqlite3.connect(path)
    rows = 0
    try:
        for table, key in tables.items():
            order = ", ".join(f'"{c}"' for c in key)
            cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')
            while batch := cursor.fetchmany(5000):
                rows += len(batch)
    finally:
        conn.close()
    return rows


def bench_dump(ctx: Context) -> Iterator[Row]:
    """write_dump of the large board to /dev/null, against raw SELECT * of every table."""
    name, unit, goal = "dump to /dev/null", "s", Goal.at_most(30, "s")
    rate_name, rate_unit = "dump throughput", "rows/s"
    rate_goal = Goal.info(higher_is_better=True)
    dump, why = _optional("db.dump")
    write_dump: Callable[..., None] | None = getattr(dump, "write_dump", None) if dump else None
    if write_dump is None:
        yield Row.unavailable(name, unit, goal, why or "db.dump has no write_dump")
        yield Row.unavailable(rate_name, rate_unit, rate_goal, why or "no write_dump")
        return
    from db.store import open_database

    board = ctx.board()
    tables = model_tables()
    rows = sum(row_counts(board).values())
    database = open_database(board)

    def subject() -> float:
        with open(os.devnull, "w", encoding="utf-8") as out:
            return time_once(lambda: write_dump(database.engine, out))

    def floor() -> float:
        return time_once(lambda: raw_select_all(board, tables))

    try:
        samples, floors = interleaved(subject, floor, ctx.repeats(3))
    finally:
        database.close()
    seconds, floor_seconds = median(samples), median(floors)
    yield Row(
        name,
        seconds,
        unit,
        floor_seconds,
        goal,
        len(samples),
        len(floors),
        f"db.dump.write_dump over {rows:,} rows in-process; floor: sqlite3 SELECT * of every "
        "table ORDER BY its key, all rows fetched",
    )
    yield Row(
        rate_name,
        rows / seconds if seconds else None,
        rate_unit,
        rows / floor_seconds if floor_seconds else None,
        rate_goal,
        len(samples),
        len(floors),
        "higher is better; the ratio is the dump's share of raw read speed",
    )


Benchmark = Callable[[Context], Iterator[Row]]

#: In run order; the names are what `--only` takes.
BENCHMARKS: dict[str, Benchmark] = {
    "demo": bench_demo,
    "generate": bench_generate,
    "open": bench_open,
    "dashboard": bench_dashboard,
    "cold-start": bench_cold_start,
    "dump": bench_dump,
    "browse-start": bench_browse_start,
    "browse-pages": bench_browse_pages,
    "browse-encrypted-start": bench_encrypted_start,
    "browse-encrypted-pages": bench_encrypted_pages,
    "sync-capture": bench_sync_capture,
    "sync-sqlite": bench_sync_sqlite,
    "sync-apply": bench_sync_apply,
    "sync-pg": bench_sync_pg,
    "minutes": bench_minutes,
    "board-pack": bench_board_pack,
    "reader": bench_reader,
    "meeting": bench_meeting,
    "signing": bench_signing,
    "minutes-page": bench_minutes_page,
    "import": bench_import,
}

#: Names `--only` also takes, each standing for several benchmarks.
GROUPS: dict[str, list[str]] = {
    "sync": ["sync-capture", "sync-sqlite", "sync-apply", "sync-pg"],
    "browse": ["browse-start", "browse-pages"],
    "browse-encrypted": ["browse-encrypted-start", "browse-encrypted-pages"],
}
