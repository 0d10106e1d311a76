"""The minutes export benchmark runs (quick) and reports both rows with their floors."""

from __future__ import annotations

import json
from pathlib import Path

from bench.__main__ import main
from bench.minutes_bench import LARGE_CHARTS, LARGE_ITEMS, _large_doc


def test_the_large_meeting_has_forty_items_and_eight_charts() -> None:
    doc = _large_doc()
    assert len(doc.items) == LARGE_ITEMS == 40
    charts = [k for item in doc.items for k in item.kpis]
    assert len(charts) == LARGE_CHARTS == 8 and len({k.reference for k in charts}) == 8


def test_minutes_benchmark_runs_quick(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    argv = ["--quick", "--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, "--only", "minutes", "--json", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["name"] for r in rows] == [
        "minutes export, demo's longest",
        "minutes export, 40 items + 8 KPI charts",
    ]
    for row in rows:
        assert row["error"] is None
        assert row["median"] > 0 and row["floor"] > 0
        assert row["samples"] >= 1 and row["floor_samples"] >= 1
