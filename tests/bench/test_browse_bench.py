"""The Browse benchmarks: a quick run on a tiny board, and the rows made from samples.

The quick run starts the real app with `--quit-when-loaded` and the real
window in the child (`bench.browse_child`), so it fails if the app cannot reach
its dashboard, if a filter control no longer changes the filter bar, or if a
keystroke never fills the search palette's results. The row-making is checked
on made-up samples, so the "worst" rows keep saying what their notes say.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import expand, main
from bench.browse_bench import browse_rows

TINY = 0.001


def test_browse_group_names_both_benchmarks() -> None:
    assert expand(["browse"]) == ["browse-start", "browse-pages"]


def test_quick_browse_run_on_a_tiny_board(tmp_path: Path) -> None:
    out = tmp_path / "browse.json"
    argv = ["--quick", "--repeats", "1", "--scale", str(TINY), "--no-pg"]
    argv += ["--cache-dir", str(tmp_path / "cache"), "--only", "browse", "--json", str(out)]
    assert main(argv) == 0
    rows = {row["name"]: row for row in json.loads(out.read_text(encoding="utf-8"))["rows"]}
    expected = {
        "start to dashboard with data": "≤ 1.5 s",
        "start to dashboard peak RSS": "≤ 400 MB",
        "open the plan page": "≤ 300 ms",
        "apply a plan filter": "≤ 100 ms",
        "apply a plan filter, worst": "≤ 100 ms",
        "search keystroke to results": "≤ 50 ms",
        "search keystroke to results, worst": "≤ 50 ms",
        "browse peak RSS (plan, filters, search)": "≤ 400 MB",
    }
    assert set(rows) == set(expected)
    for name, goal in expected.items():
        row = rows[name]
        assert row["error"] is None, (name, row["error"])
        assert row["goal"] == goal
        assert row["median"] is not None and row["median"] > 0, name
        assert row["floor"] is not None and row["floor"] > 0, name
    # Memory is in MB: a Qt process holds tens of MB at least, never gigabytes here.
    assert 20 < rows["browse peak RSS (plan, filters, search)"]["median"] < 2000
    assert "scale 0.001" in rows["open the plan page"]["note"]
    # The page is built on first use: its first opening is timed apart, in the note.
    assert "its first opening, which builds the page" in rows["open the plan page"]["note"]
    # The notes name what else the GUI thread did: the file check, the sync-status poll.
    assert "quick_check" in rows["start to dashboard with data"]["note"]
    assert "sync-status poll" in rows["search keystroke to results, worst"]["note"]


def _samples(*ms: float) -> list[float]:
    return [m / 1000 for m in ms]


def test_rows_from_samples_report_median_and_worst() -> None:
    data = {
        "plan_actions": 2000,
        "open": {
            "samples": _samples(100, 120, 110),
            "floors": _samples(20, 30, 25),
            "first": 0.4321,
        },
        "filters": {
            "theme": {"samples": _samples(10, 12, 300), "floors": _samples(5, 5, 5), "shown": 4},
            "overdue": {"samples": _samples(40, 50, 45), "floors": _samples(9, 9, 9), "shown": 7},
        },
        "search": {
            "samples": _samples(*range(1, 21)),
            "floors": _samples(*([1] * 20)),
            "service_ms": [2.0] * 20,
            "hits": [1] * 20,
            "queries": ["care"],
        },
    }
    rows = {row.name: row for row in browse_rows(data, "")}
    assert rows["open the plan page"].median == pytest.approx(0.110)
    assert rows["open the plan page"].ratio == pytest.approx(110 / 25)
    assert "first opening, which builds the page and imports its module, 432 ms" in (
        rows["open the plan page"].note
    )
    assert rows["apply a plan filter"].median == pytest.approx(0.0425)  # all six samples
    # The slowest filter by its median (overdue, 45 ms), not the one 300 ms sample...
    worst = rows["apply a plan filter, worst"]
    assert worst.median == pytest.approx(0.045) and "overdue" in worst.note
    assert "300 ms" in worst.note  # ...which the note still names
    assert worst.passed is True
    assert rows["search keystroke to results"].median == pytest.approx(0.0105)
    assert rows["search keystroke to results, worst"].median == pytest.approx(0.019)
    assert rows["search keystroke to results, worst"].passed is True
    data["search"]["samples"] = _samples(*([60] * 20))
    rows = {row.name: row for row in browse_rows(data, "")}
    assert rows["search keystroke to results"].passed is False
