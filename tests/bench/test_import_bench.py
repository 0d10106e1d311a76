"""The import benchmark: its generated tracker reads as the council layout, and it runs (quick)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.__main__ import main
from bench.import_bench import HEADINGS, THEMES, write_tracker
from db.importers import Kind, read_table, suggest_mapping


def test_the_generated_tracker_reads_like_the_councils(tmp_path: Path) -> None:
    path = tmp_path / "tracker.xlsx"
    write_tracker(path, 30)
    table = read_table(path, Kind.PLAN)
    assert table.header_row == 5  # below the title rows, as in the fixture
    assert list(table.headings) == list(HEADINGS)
    mapping = suggest_mapping(table, Kind.PLAN)
    assert {"reference", "title", "owner", "due_date", "rag", "recommendations"} <= set(
        mapping.columns.values()
    )
    headings = [row for row in table.rows if row.merged]
    assert len(headings) == THEMES  # one merged heading per theme


def test_import_benchmark_runs_quick(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    argv = ["--quick", "--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, "--only", "import", "--json", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [r["name"] for r in rows] == ["plan import, 200 actions", "plan re-import, same 200"]
    for row in rows:
        assert row["error"] is None, row["error"]
        assert row["median"] > 0 and row["floor"] > 0 and row["ratio"] > 0
        assert row["goal"] == "—" and row["pass"] is None  # informational: no goal stated
        assert row["samples"] >= 1 and row["floor_samples"] >= 1
