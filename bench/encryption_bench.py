"""What encryption at rest costs: the browse figures on an encrypted copy of the large board.

The issue's bar: "Encryption costs ≤ 25% on the bench/ browse figures". Each
row here is the encrypted board's figure with, as its floor, the same figure
on the plaintext large board measured in the same run and the same way
(`Goal.ratio(1.25)`):

- start to the dashboard with its data: `bench/start_child.py` (the app's
  start steps with a data key; `integrity="deferred"`), whole process through
  `bench.launch`, plaintext and encrypted runs interleaved; and its peak RSS;
- opening the Plan page, each filter, each search keystroke:
  `bench/browse_child.py` (`--key` for the encrypted board), run plaintext,
  encrypted, encrypted, plaintext and the samples pooled per board;
- for context, the whole-file `PRAGMA quick_check` the app runs on a worker
  after the first paint, raw, on each board.

The encrypted copy (`sqlcipher_export` by `db.encryption.encrypt_file`, the
fixed bench key below) is cached beside the large board in `bench/.cache`.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.browse_bench import (
    BOARD_TODAY,
    TIMEOUT,
    browse_child_argv,
    browse_rows,
    compile_sources,
)
from bench.context import Context
from bench.generate import cache_key
from bench.runner import Goal, Row, median

#: Not a secret: the bench's board is generated. Fixed, so the encrypted copy can be cached.
BENCH_KEY = hashlib.sha256(b"boardpack bench data key").digest()
COST_GOAL = Goal.ratio(1.25)


def _bench() -> Any:
    import bench.benchmarks as benchmarks

    return benchmarks


def encrypted_board(ctx: Context) -> Path:
    """A private copy of the large board encrypted with `BENCH_KEY` (cached encrypted)."""
    plain = ctx.board()
    cached = ctx.cache_dir / f"large-board-{cache_key(ctx.scale, ctx.seed)}.encrypted.db"
    if not cached.exists():
        from db.encryption import encrypt_file

        partial = cached.with_name(f".{cached.name}.partial")
        shutil.copyfile(plain, partial)
        started = time.perf_counter()
        encrypt_file(partial, BENCH_KEY)
        ctx.shared["encrypt_seconds"] = time.perf_counter() - started
        partial.replace(cached)
    board = ctx.work_dir / "large-board-encrypted.db"
    if not board.exists():
        shutil.copyfile(cached, board)
    return board


def quick_check_seconds(board: Path, key: bytes | None) -> float:
    from db.encryption import connect

    started = time.perf_counter()
    conn = connect(board, key)
    try:
        conn.execute("PRAGMA quick_check").fetchall()
    finally:
        conn.close()
    return time.perf_counter() - started


def _with_suffix(row: Row, floor: float | None, floor_samples: int, note: str) -> Row:
    return Row(
        f"{row.name} (encrypted)",
        row.median,
        row.unit,
        floor,
        COST_GOAL,
        row.samples,
        floor_samples,
        note,
        row.error,
    )


def bench_encrypted_start(ctx: Context) -> Iterator[Row]:
    """Start to the dashboard on the encrypted board against the plaintext one, interleaved."""
    b = _bench()
    name = "start to dashboard with data (encrypted)"
    rss_name = "start to dashboard peak RSS (encrypted)"
    plain = ctx.board()
    secret = encrypted_board(ctx)
    env = b.child_env(ctx)
    today = BOARD_TODAY.isoformat()
    child = [sys.executable, "-m", "bench.start_child"]
    plain_cmd = [*child, str(plain), today]
    secret_cmd = [*child, str(secret), today, "--key", BENCH_KEY.hex()]
    compile_sources()
    for cmd in (plain_cmd, secret_cmd):  # disk cache, and a failure found at once
        warm = b.run_process(cmd, env, b.SUBPROCESS_TIMEOUT)
        if warm.returncode != 0:
            failure = f"exit code {warm.returncode}: {b._last_line(warm.stderr)}"
            yield Row(name, None, "s", None, COST_GOAL, error=failure)
            return
    plain_runs: list[Any] = []
    secret_runs: list[Any] = []
    for _ in range(ctx.repeats(7)):
        plain_runs.append(b.run_process(plain_cmd, env, b.SUBPROCESS_TIMEOUT))
        secret_runs.append(b.run_process(secret_cmd, env, b.SUBPROCESS_TIMEOUT))
    failed = [r for r in plain_runs + secret_runs if r.returncode != 0]
    error: str | None = (
        f"{len(failed)} run(s) failed: {b._last_line(failed[0].stderr)}" if failed else None
    )
    checks = [quick_check_seconds(plain, None) for _ in range(ctx.repeats(3))]
    secret_checks = [quick_check_seconds(secret, BENCH_KEY) for _ in range(ctx.repeats(3))]
    times = [r.seconds for r in secret_runs]
    made = ctx.shared.get("encrypt_seconds")
    made_note = f"; encrypting the board took {made:.0f} s this run" if made else ""
    yield Row(
        name,
        median(times),
        "s",
        median([r.seconds for r in plain_runs]),
        COST_GOAL,
        len(secret_runs),
        len(plain_runs),
        "whole process (bench/start_child.py: the app's start steps, window painted, data "
        "layer imported, database opened with integrity='deferred', dashboard read and "
        f"painted) on an SQLCipher copy of the large board; slowest {max(times):.2f} s; floor: "
        "the same child on the plaintext large board, interleaved; the sign-in's argon2id "
        "unwrap of the data key is not included (sign-in, not encryption)"
        f"{made_note}",
        error,
    )
    secret_rss = [r.max_rss_mb for r in secret_runs if r.max_rss_mb is not None]
    plain_rss = [r.max_rss_mb for r in plain_runs if r.max_rss_mb is not None]
    if secret_rss and plain_rss:
        yield Row(
            rss_name,
            median(secret_rss),
            "MB",
            median(plain_rss),
            COST_GOAL,
            len(secret_rss),
            len(plain_rss),
            "peak resident set of those processes (wait4 rusage via bench/launch.py); "
            "floor: the plaintext board's",
            error,
        )
    yield Row(
        "whole-file quick_check (encrypted)",
        statistics.median(secret_checks),
        "s",
        statistics.median(checks),
        Goal.info("context: on a worker after the first paint"),
        len(secret_checks),
        len(checks),
        "PRAGMA quick_check on the encrypted board through SQLCipher; floor: on the "
        "plaintext board through sqlite3 (the app runs it off the GUI thread after the "
        "dashboard is painted)",
    )


def _pages(ctx: Context, board: Path, key: bytes | None) -> tuple[dict[str, Any] | None, Any]:
    b = _bench()
    env = b.child_env(ctx)
    with tempfile.TemporaryDirectory(prefix="boardpack-browse-enc-") as tmp:
        result = Path(tmp) / "browse.json"
        run = b.run_process(browse_child_argv(ctx, result, board, key), env, TIMEOUT)
        data = json.loads(result.read_text(encoding="utf-8")) if result.exists() else None
    return (data if run.returncode == 0 else None), run


def pooled(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The samples of several browse-child runs on one board, as if from one run."""
    first = runs[0]
    out: dict[str, Any] = {
        **first,
        "open": {k: [x for r in runs for x in r["open"][k]] for k in ("samples", "floors")},
        "sync_poll": max((r["sync_poll"] for r in runs if r.get("sync_poll")), default=None),
    }
    out["filters"] = {
        name: {
            "samples": [x for r in runs for x in r["filters"][name]["samples"]],
            "floors": [x for r in runs for x in r["filters"][name]["floors"]],
            "shown": f["shown"],
        }
        for name, f in first["filters"].items()
        if all(name in r["filters"] for r in runs)
    }
    out["search"] = {
        **first["search"],
        **{
            k: [x for r in runs for x in r["search"][k]]
            for k in ("samples", "floors", "service_ms", "hits")
        },
    }
    return out


def bench_encrypted_pages(ctx: Context) -> Iterator[Row]:
    """The Plan page, filters and search keystrokes on the encrypted board against plaintext.

    The children run plaintext, encrypted, encrypted, plaintext (one of each when quick),
    so a change of load on the machine during the run weighs on both boards alike.
    """
    boards = {"plain": (ctx.board(), None), "secret": (encrypted_board(ctx), BENCH_KEY)}
    order = ["plain", "secret"] if ctx.quick else ["plain", "secret", "secret", "plain"]
    got: dict[str, list[dict[str, Any]]] = {"plain": [], "secret": []}
    rss: dict[str, list[float]] = {"plain": [], "secret": []}
    for which in order:
        data, run = _pages(ctx, *boards[which])
        if data is None:
            b = _bench()
            error = f"exit code {run.returncode}: {b._last_line(run.stderr)}"
            yield Row("open the plan page (encrypted)", None, "s", None, COST_GOAL, error=error)
            return
        got[which].append(data)
        if run.max_rss_mb is not None:
            rss[which].append(run.max_rss_mb)
    plain_data, secret_data = pooled(got["plain"]), pooled(got["secret"])
    scale_note = "" if ctx.scale == 1.0 else f" [board at scale {ctx.scale:g}]"
    plain_rows = {r.name: r for r in browse_rows(plain_data, scale_note)}
    for row in browse_rows(secret_data, scale_note):
        base = plain_rows.get(row.name)
        yield _with_suffix(
            row,
            base.median if base else None,
            base.samples if base else 0,
            f"the same measure as the plaintext row, on an SQLCipher copy of the large board "
            f"(bench/browse_child.py --key); floor: that child on the plaintext board in this "
            f"run; children run {', '.join(order)} and their samples pooled per board. "
            f"Plaintext note: {base.note if base else '—'}",
        )
    if rss["plain"] and rss["secret"]:
        yield Row(
            "browse peak RSS (plan, filters, search) (encrypted)",
            max(rss["secret"]),
            "MB",
            max(rss["plain"]),
            COST_GOAL,
            len(rss["secret"]),
            len(rss["plain"]),
            "the highest peak resident set of the browse children on the encrypted board; "
            "floor: on the plaintext board",
        )
