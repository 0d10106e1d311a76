"""`python -m bench`: run the benchmarks, print the table, write `bench/latest.json`.

Usage: `python -m bench [--only NAME]... [--quick] [--skip-generate]
[--scale S] [--seed N] [--repeats N] [--cache-dir DIR] [--pg-url URL | --no-pg]
[--json PATH | --no-json | --update]`. `--only` takes a benchmark's name or a group's
(`sync` is every sync benchmark).
A full run (no `--only`, no `--quick`) writes `bench/latest.json`; partial or
quick runs write JSON only when `--json` names a file, so a quick check never
overwrites the committed results. `--update` merges this run's rows into
`bench/latest.json` instead: a row replaces the one of the same name, new rows
are added, the others are kept (each row's note says what it measured; the
file's `machine.date` and `git_commit` become this run's, and `updated_rows`
lists which rows it refreshed). The exit code is 1 when a benchmark crashed
(an ERROR row), 0 otherwise — a missed goal is a finding, not a failure to run.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from bench.benchmarks import BENCHMARKS, GROUPS, REPO, Context
from bench.context import default_pg_url
from bench.generate import CACHE_DIR, DEFAULT_SEED
from bench.runner import Goal, Report, Row, format_table, format_value, machine_info

LATEST = Path(__file__).resolve().parent / "latest.json"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Boardpack performance runs on a generated large board, as ratios "
        "against floors measured in the same run.",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=[*BENCHMARKS, *GROUPS],
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join([*BENCHMARKS, *GROUPS])}",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats, and the sync rows on a smaller board (for tests)",
    )
    parser.add_argument(
        "--skip-generate",
        action="store_true",
        help="do not time a fresh generation (nor a fresh push into the SQLite central) "
        "when the cached large board (and central) are current",
    )
    parser.add_argument("--scale", type=float, default=1.0, help="large-board scale (1.0)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    parser.add_argument("--repeats", type=int, metavar="N", help="override every repeat count")
    parser.add_argument(
        "--cache-dir", type=Path, default=CACHE_DIR, metavar="DIR", help="large-board cache"
    )
    pg = parser.add_mutually_exclusive_group()
    pg.add_argument(
        "--pg-url",
        default=default_pg_url(),
        metavar="URL",
        help="PostgreSQL server for the sync rows (a schema is created and dropped); "
        "default: $BOARDPACK_BENCH_PG_URL, $BOARDPACK_TEST_PG_URL or the local test server",
    )
    pg.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL sync rows")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", type=Path, metavar="PATH", help="write the results here")
    out.add_argument("--no-json", action="store_true", help="write no JSON")
    out.add_argument(
        "--update",
        action="store_true",
        help="merge this run's rows into bench/latest.json (replace by name, keep the rest)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    return parser


def expand(only: Sequence[str]) -> list[str]:
    """Benchmark names from `--only` values (groups expanded), in order, each once."""
    names: list[str] = []
    for name in only:
        for one in GROUPS.get(name, [name]):
            if one not in names:
                names.append(one)
    return names


def merge_into(path: Path, report: Report) -> None:
    """Replace rows of the same name in the saved results, add new ones, keep the rest."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else report.to_json()
    fresh = report.to_json()
    by_name = {row["name"]: row for row in fresh["rows"]}
    rows = [by_name.pop(row["name"], row) for row in data.get("rows", [])]
    rows.extend(by_name.values())
    data["rows"] = rows
    data["machine"] = fresh["machine"]
    data["updated_rows"] = [row["name"] for row in fresh["rows"]]
    if fresh.get("large_board"):
        data["large_board"] = fresh["large_board"]
    verdicts = [Row.verdict_of(row) for row in rows]
    data["summary"] = {
        key: verdicts.count(mark)
        for key, mark in (
            ("pass", "pass"),
            ("fail", "FAIL"),
            ("unchecked", "—"),
            ("not_available", "n/a"),
            ("error", "ERROR"),
        )
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list:
        for name, fn in BENCHMARKS.items():
            print(f"{name:12} {(fn.__doc__ or '').strip().splitlines()[0]}")
        return 0
    names = expand(args.only) if args.only else list(BENCHMARKS)
    json_path: Path | None = args.json
    if json_path is None and not args.no_json and not args.only and not args.quick:
        json_path = LATEST

    report = Report(
        machine=machine_info(REPO),
        settings={
            "only": names,
            "quick": args.quick,
            "skip_generate": args.skip_generate,
            "scale": args.scale,
            "seed": args.seed,
            "repeats": args.repeats,
            "pg": not args.no_pg,
        },
    )
    m = report.machine
    print(
        f"Boardpack bench — Python {m['python']} on {m['platform']}, "
        f"{m['cpu_count']} CPUs, {m['date']}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="boardpack-bench-") as tmp:
        ctx = Context(
            work_dir=Path(tmp),
            cache_dir=args.cache_dir,
            scale=args.scale,
            seed=args.seed,
            quick=args.quick,
            skip_generate=args.skip_generate,
            repeats_override=args.repeats,
            pg_url=None if args.no_pg else args.pg_url,
        )
        try:
            for name in names:
                print(f"… {name}", file=sys.stderr, flush=True)
                try:
                    for row in BENCHMARKS[name](ctx):
                        report.rows.append(row)
                        print(
                            f"  {row.name}: {format_value(row.median, row.unit)}",
                            file=sys.stderr,
                            flush=True,
                        )
                except Exception as exc:
                    traceback.print_exc()
                    report.rows.append(
                        Row(
                            name, None, "s", None, Goal.info(), error=f"{type(exc).__name__}: {exc}"
                        )
                    )
        finally:
            ctx.close()
        report.extra["large_board"] = ctx.info or None

    print()
    print(format_table(report.rows))
    board = report.extra["large_board"]
    if board:
        how = (
            f"generated in {board['generation_seconds']:.1f} s this run"
            if board["generated_this_run"]
            else "from the cache"
        )
        print(
            f"\nlarge board: {board['cache_file']}, {board['rows']:,} rows, "
            f"{board['size_mb']:.0f} MB, {how}"
        )
    if args.update:
        merge_into(LATEST, report)
        print(f"{len(report.rows)} rows merged into {LATEST}")
    elif json_path is not None:
        report.save(json_path)
        print(f"results written to {json_path}")
    return 1 if report.summary()["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
