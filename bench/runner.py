"""The bench framework: goals, result rows, timing helpers, the table and the JSON.

Every benchmark reports rows of the same shape — a median over several runs,
the floor (the same work done the barest way, measured in the same run),
their ratio, and a goal that is either relative ("≤ 1.5× floor") or absolute
("≤ 3 s") — so the printed table and `bench/latest.json` read the same for
every measurement. Subject and floor are timed interleaved (floor, subject,
floor, subject…) so that a machine getting busier or cooler during the run
affects both alike. Values are kept in base units (seconds, MB, rows/s) and
only formatted for the table.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

JSON_FORMAT = "boardpack-bench/1"
ROW_KEYS = (
    "name",
    "median",
    "unit",
    "floor",
    "ratio",
    "goal",
    "pass",
    "samples",
    "floor_samples",
    "note",
    "error",
)


@dataclass(frozen=True)
class Goal:
    """What a row should achieve: at most `max_ratio` × floor, at most `max_value`,
    or (for rates, where higher is better) at least `min_value`."""

    text: str
    max_ratio: float | None = None
    max_value: float | None = None
    higher_is_better: bool = False
    min_value: float | None = None

    @classmethod
    def ratio(cls, limit: float) -> Goal:
        return cls(f"≤ {limit:g}× floor", max_ratio=limit)

    @classmethod
    def at_most(cls, limit: float, unit: str) -> Goal:
        small_seconds = unit == "s" and limit < 1
        text = f"≤ {limit * 1000:g} ms" if small_seconds else f"≤ {limit:g} {unit}"
        return cls(text, max_value=limit)

    @classmethod
    def at_least(cls, limit: float, unit: str) -> Goal:
        """A rate goal: the median must reach `limit` (e.g. rows/s)."""
        return cls(f"≥ {limit:,g} {unit}", min_value=limit, higher_is_better=True)

    @classmethod
    def info(cls, text: str = "—", *, higher_is_better: bool = False) -> Goal:
        """No checkable goal; the row is for context."""
        return cls(text, higher_is_better=higher_is_better)

    def check(self, median: float | None, floor: float | None) -> bool | None:
        """True/False against the goal, None when it cannot be checked."""
        if median is None:
            return None
        if self.max_value is not None:
            return median <= self.max_value
        if self.min_value is not None:
            return median >= self.min_value
        if self.max_ratio is not None:
            if not floor:
                return None
            return median / floor <= self.max_ratio
        return None


@dataclass(frozen=True)
class Row:
    """One line of the report. `median` None means not measured (see `note`)."""

    name: str
    median: float | None
    unit: str
    floor: float | None
    goal: Goal
    samples: int = 0
    floor_samples: int = 0
    note: str = ""
    # Set when the subject crashed or exited non-zero: the row fails whatever the goal.
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.median is None or not self.floor:
            return None
        return self.median / self.floor

    @property
    def passed(self) -> bool | None:
        if self.error is not None:
            return False
        return self.goal.check(self.median, self.floor)

    @property
    def verdict(self) -> str:
        if self.error is not None:
            return "ERROR"
        if self.median is None:
            return "n/a"
        return {True: "pass", False: "FAIL", None: "—"}[self.passed]

    def to_json(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": self.name,
            "median": _round(self.median),
            "unit": self.unit,
            "floor": _round(self.floor),
            "ratio": _round(self.ratio),
            "goal": self.goal.text,
            "pass": self.passed,
            "samples": self.samples,
            "floor_samples": self.floor_samples,
            "note": self.note,
            "error": self.error,
        }
        assert tuple(values) == ROW_KEYS
        return values

    @staticmethod
    def verdict_of(saved: dict[str, Any]) -> str:
        """The verdict of a row as saved in JSON (for merging runs)."""
        if saved.get("error") is not None:
            return "ERROR"
        if saved.get("median") is None:
            return "n/a"
        return {True: "pass", False: "FAIL", None: "—"}[saved.get("pass")]

    @classmethod
    def unavailable(cls, name: str, unit: str, goal: Goal, reason: str) -> Row:
        return cls(name, None, unit, None, goal, note=f"not available: {reason}")


def _round(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.6g}")


def format_value(value: float | None, unit: str) -> str:
    """A value for the table: seconds as ms or s, MB whole, rates with separators."""
    if value is None:
        return "—"
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit.endswith("/s"):
        return f"{value:,.0f} {unit}"
    return f"{value:.4g} {unit}"


def median(samples: Sequence[float]) -> float | None:
    return statistics.median(samples) if samples else None


def time_once(fn: Callable[[], object]) -> float:
    """Seconds taken by one call of `fn` (after a garbage collection, so it pays for none)."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def interleaved(
    subject: Callable[[], float], floor: Callable[[], float], repeats: int
) -> tuple[list[float], list[float]]:
    """Run floor then subject `repeats` times; each callable returns its own measurement."""
    subject_samples: list[float] = []
    floor_samples: list[float] = []
    for _ in range(repeats):
        floor_samples.append(floor())
        subject_samples.append(subject())
    return subject_samples, floor_samples


def format_table(rows: Sequence[Row]) -> str:
    """The report as a plain-text table, notes underneath."""
    header = ("benchmark", "median", "floor", "ratio", "goal", "result", "n")
    lines: list[tuple[str, ...]] = [header]
    notes: list[str] = []
    for row in rows:
        name = row.name
        for text in (row.error and f"error: {row.error}", row.note):
            if text:
                notes.append(text)
                name += f" [{len(notes)}]"
        ratio = row.ratio
        lines.append(
            (
                name,
                format_value(row.median, row.unit),
                format_value(row.floor, row.unit),
                "—" if ratio is None else f"{ratio:.2f}×",
                row.goal.text,
                row.verdict,
                str(row.samples) if row.samples else "—",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {1, 2, 3, 6}

    def render(line: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        return "  ".join(cells).rstrip()

    out = [render(lines[0]), "  ".join("-" * w for w in widths)]
    out += [render(line) for line in lines[1:]]
    out += [f"[{i}] {note}" for i, note in enumerate(notes, start=1)]
    return "\n".join(out)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _memory_mb() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _git_commit(repo: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def machine_info(repo: Path | None = None) -> dict[str, Any]:
    """Where and when the run happened, in a fixed key order."""
    affinity = getattr(os, "sched_getaffinity", None)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(affinity(0)) if affinity else os.cpu_count(),
        "memory_mb": _memory_mb(),
        # Other work on the machine inflates every absolute number (ratios less so).
        "load_average": _load_average(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": _version("SQLAlchemy"),
        "pyside6": _version("PySide6"),
        "git_commit": _git_commit(repo) if repo else None,
        "executable": sys.executable,
    }


@dataclass
class Report:
    """A whole run: machine, settings, and the rows in order."""

    machine: dict[str, Any]
    settings: dict[str, Any]
    rows: list[Row] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": JSON_FORMAT,
            "machine": self.machine,
            "settings": self.settings,
            "large_board": self.extra.get("large_board"),
            "rows": [row.to_json() for row in self.rows],
            "summary": self.summary(),
        }

    def summary(self) -> dict[str, int]:
        verdicts = [row.verdict for row in self.rows]
        return {
            "pass": verdicts.count("pass"),
            "fail": verdicts.count("FAIL"),
            "unchecked": verdicts.count("—"),
            "not_available": verdicts.count("n/a"),
            "error": verdicts.count("ERROR"),
        }

    def write_json(self, out: TextIO) -> None:
        json.dump(self.to_json(), out, indent=2, ensure_ascii=False)
        out.write("\n")

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            self.write_json(fh)
        tmp.replace(path)
