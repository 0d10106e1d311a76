"""The bench harness: the large-board generator at a tiny scale, and the report.

The generator is checked where it matters to every benchmark built on it — the
file it writes is a real Boardpack database that `open_database` accepts, its
row counts follow the scale exactly, the same seed writes the same rows, and
the paper PDFs are valid. The runner is checked on made-up measurements so the
table and `latest.json` keep their shape without timing anything real.
"""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest

from bench.__main__ import expand, main
from bench.benchmarks import Context, model_tables, run_process
from bench.generate import (
    ITEMS_PER_MEETING,
    UPDATES_PER_ACTION,
    GenerationError,
    Shape,
    cached_path,
    ensure_large_board,
    generate,
)
from bench.pdf import minimal_pdf
from bench.runner import ROW_KEYS, Goal, Report, Row, format_table, machine_info
from bench.sync_bench import libpq_url, sqlite_central
from db.store import open_database

TINY = 0.001


def _table_rows(path: Path, tables: list[str]) -> dict[str, list[tuple[object, ...]]]:
    keys = model_tables()
    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(
                f'SELECT * FROM "{t}" ORDER BY ' + ", ".join(f'"{c}"' for c in keys[t])
            ).fetchall()
            for t in tables
        }
    finally:
        conn.close()


def test_reference_scale_meets_the_brief() -> None:
    counts = Shape.for_scale(1.0).counts()
    assert counts["boards"] == 10
    assert counts["actions"] >= 20_000
    assert counts["progress_updates"] >= 200_000
    assert counts["meetings"] >= 5_000
    assert counts["decisions"] >= 50_000
    assert counts["papers"] >= 2_000
    assert counts["agenda_items"] == ITEMS_PER_MEETING * counts["meetings"]


@pytest.mark.parametrize("scale", [TINY, 2 * TINY])
def test_tiny_board_opens_and_counts_follow_the_scale(tmp_path: Path, scale: float) -> None:
    path = tmp_path / "large.db"
    report = generate(path, scale=scale)
    planned = Shape.for_scale(scale).counts()
    assert {t: report.counts[t] for t in planned} == planned
    assert report.counts["actions"] == round(20_000 * scale)
    assert report.counts["decisions"] == round(50_000 * scale)
    assert report.counts["progress_updates"] == UPDATES_PER_ACTION * report.counts["actions"]
    assert report.counts["audit_events"] == 0  # Core inserts bypass the ORM audit hook
    assert report.generated_rows == sum(planned.values())
    assert report.seconds < 30
    conn = sqlite3.connect(path)
    try:  # written without a journal, handed over in WAL like every Boardpack file
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        conn.close()

    database = open_database(path)
    try:
        assert database.migrated_from is None  # already at head: no backup, no migration
        with database.engine.connect() as conn:
            actions = conn.exec_driver_sql("SELECT count(*) FROM actions").scalar()
            assert actions == planned["actions"]
            # Every action's RAG is its latest progress update's.
            mismatched = conn.exec_driver_sql(
                "SELECT count(*) FROM actions a WHERE a.rag IS NOT (SELECT p.rag FROM "
                "progress_updates p WHERE p.action_id = a.id ORDER BY p.recorded_at DESC LIMIT 1)"
            ).scalar()
            assert mismatched == 0
    finally:
        database.close()


def test_same_seed_same_rows_other_seed_other_rows(tmp_path: Path) -> None:
    tables = sorted(Shape.for_scale(TINY).counts())
    a, b, c = (tmp_path / f"{n}.db" for n in "abc")
    generate(a, scale=TINY, seed=7)
    generate(b, scale=TINY, seed=7)
    generate(c, scale=TINY, seed=8)
    assert _table_rows(a, tables) == _table_rows(b, tables)
    assert _table_rows(a, ["actions"]) != _table_rows(c, ["actions"])


def test_generate_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "there.db"
    path.write_bytes(b"")
    with pytest.raises(FileExistsError):
        generate(path, scale=TINY)


def test_a_failed_generation_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = dict(Shape.for_scale(TINY).counts(), actions=1)
    monkeypatch.setattr(Shape, "counts", lambda self: wrong)
    path = tmp_path / "broken.db"
    with pytest.raises(GenerationError, match="actions"):
        generate(path, scale=TINY)
    assert list(tmp_path.iterdir()) == []


def test_cache_is_reused_until_its_key_changes(tmp_path: Path) -> None:
    path, report = ensure_large_board(tmp_path, scale=TINY)
    assert report is not None and path.exists()
    assert path == cached_path(tmp_path, TINY)
    assert path.name.startswith("large-board-v") and "scale0.001" in path.name
    again, second = ensure_large_board(tmp_path, scale=TINY)
    assert again == path and second is None
    # A stale version of the same shape is replaced, not kept beside it.
    stale = tmp_path / path.name.replace("large-board-v", "large-board-v0")
    path.rename(stale)
    fresh, third = ensure_large_board(tmp_path, scale=TINY)
    assert third is not None and fresh.exists() and not stale.exists()


def test_paper_blobs_are_valid_pdfs_addressed_by_sha256(tmp_path: Path) -> None:
    path = tmp_path / "large.db"
    generate(path, scale=TINY)
    conn = sqlite3.connect(path)
    try:
        blobs = conn.execute("SELECT sha256, size, data FROM blobs").fetchall()
        papers = conn.execute("SELECT blob_sha256, text FROM papers").fetchall()
    finally:
        conn.close()
    assert blobs and papers
    for sha, size, data in blobs:
        assert hashlib.sha256(data).hexdigest() == sha and len(data) == size
        reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
        assert len(reader.pages) == 1
    texts = {sha: text for sha, text in papers}
    for sha, _, data in blobs:
        if sha in texts:
            page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
            assert page.extract_text().strip() == texts[sha]


def test_minimal_pdf_escapes_and_replaces() -> None:
    data = minimal_pdf("Item (2) \\ costs £5")
    reader = pypdf.PdfReader(io.BytesIO(data), strict=True)
    assert reader.pages[0].extract_text().strip() == "Item (2) \\ costs ?5"


def _fake_rows() -> list[Row]:
    return [
        Row("fast", 0.12, "s", 0.1, Goal.ratio(1.5), 5, 5, "floor: nothing"),
        Row("slow", 0.3, "s", 0.1, Goal.ratio(1.5), 5, 5),
        Row("absolute", 2.5, "s", 0.5, Goal.at_most(3, "s"), 3, 3),
        Row("rate", 1000.0, "rows/s", 4000.0, Goal.info(higher_is_better=True), 3, 3),
        Row.unavailable("later", "s", Goal.at_most(0.3, "s"), "db.thing does not exist yet"),
        Row("broken", None, "s", None, Goal.ratio(1.5), error="exit code 1: boom"),
    ]


def test_goals_check_what_they_say() -> None:
    rows = {row.name: row for row in _fake_rows()}
    assert rows["fast"].ratio == pytest.approx(1.2) and rows["fast"].passed is True
    assert rows["slow"].passed is False
    assert rows["absolute"].passed is True and rows["absolute"].goal.text == "≤ 3 s"
    assert rows["rate"].passed is None
    assert rows["later"].passed is None and rows["later"].verdict == "n/a"
    assert rows["broken"].passed is False and rows["broken"].verdict == "ERROR"
    assert Goal.at_most(0.3, "s").text == "≤ 300 ms"


def test_table_shows_every_row_and_its_notes() -> None:
    table = format_table(_fake_rows())
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["benchmark", "median"]
    for text in ("fast [1]", "120 ms", "1.20×", "pass", "FAIL", "n/a", "ERROR", "1,000 rows/s"):
        assert text in table
    assert "[1] floor: nothing" in table
    assert any(line.startswith("[") and "error: exit code 1: boom" in line for line in lines)


def test_json_has_machine_info_and_rows_in_a_stable_order(tmp_path: Path) -> None:
    report = Report(machine_info(), {"quick": True}, _fake_rows())
    out = tmp_path / "latest.json"
    report.save(out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["format", "machine", "settings", "large_board", "rows", "summary"]
    for key in ("python", "platform", "cpu_count", "date"):
        assert data["machine"][key]
    assert [list(row) for row in data["rows"]] == [list(ROW_KEYS)] * len(_fake_rows())
    first = data["rows"][0]
    assert first["name"] == "fast" and first["goal"] == "≤ 1.5× floor" and first["pass"] is True
    assert first["ratio"] == pytest.approx(1.2)
    assert data["summary"] == {"pass": 2, "fail": 1, "unchecked": 1, "not_available": 1, "error": 1}
    assert out.read_text(encoding="utf-8").endswith("\n")


def test_cli_quick_run_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "run.json"
    argv = ["--quick", "--scale", str(TINY), "--cache-dir", str(tmp_path / "cache")]
    code = main([*argv, "--only", "open", "--only", "dump", "--json", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "open database" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    names = [row["name"] for row in data["rows"]]
    assert names[0] == "open database" and names[1].startswith("dump")
    assert data["rows"][0]["median"] > 0 and data["rows"][0]["floor"] > 0
    assert data["large_board"]["generated_this_run"] is True


def test_bare_window_floor_runs_and_reports_its_memory(tmp_path: Path) -> None:
    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = run_process([sys.executable, "-m", "bench.bare_window"], env, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.seconds > 0
    if run.max_rss_mb is not None:
        assert run.max_rss_mb > 10


def _rows_by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in data["rows"]}


def test_sync_benchmarks_run_at_a_tiny_scale_against_an_sqlite_central(tmp_path: Path) -> None:
    out = tmp_path / "sync.json"
    argv = ["--quick", "--repeats", "1", "--scale", str(TINY), "--no-pg"]
    argv += ["--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, "--only", "sync", "--json", str(out)]) == 0
    rows = _rows_by_name(json.loads(out.read_text(encoding="utf-8")))
    assert not [r for r in rows.values() if r["error"]]
    measured = {
        "sync capture: ORM write 40 rows": "s",
        "sync capture: raw sqlite3 40 rows": "s",
        "sync push: whole board → SQLite": "s",
        "sync first sync: empty laptop ← SQLite": "s",
        "sync nothing to do (SQLite)": "s",
        "sync nothing to do (SQLite, pushing laptop)": "s",
        "sync push: a meeting's 500 changes → SQLite": "s",
        "sync apply: pulled changes": "rows/s",
    }
    for name, unit in measured.items():
        assert rows[name]["unit"] == unit
        assert rows[name]["median"] > 0, name
        if "whole board" not in name:
            assert rows[name]["floor"] > 0, name
    assert rows["sync apply: pulled changes"]["goal"] == "≥ 10,000 rows/s"
    assert rows["sync first sync: empty laptop ← SQLite"]["goal"] == "≤ 40 s"
    assert rows["sync nothing to do (SQLite)"]["goal"] == "≤ 50 ms"
    # The first sync copied the whole tiny board; the meeting's changes all went up.
    assert "pushed, pulled: [(0, 0)]" in rows["sync nothing to do (SQLite)"]["note"]
    pg = [r for name, r in rows.items() if "PostgreSQL" in name]
    assert len(pg) == 5 and all("not available" in r["note"] for r in pg)
    # The central store is cached beside the board; nothing else is left behind.
    cached = sorted(p.name.split("-s1-")[0] for p in (tmp_path / "cache").glob("sync-*"))
    assert cached == ["sync-central", "sync-laptop", "sync-setup"]


def test_the_cached_central_is_reused_when_quick(tmp_path: Path) -> None:
    ctx = Context(tmp_path / "work", cache_dir=tmp_path / "cache", scale=TINY, quick=True)
    ctx.work_dir.mkdir()
    first = sqlite_central(ctx)
    assert first.seconds is not None and first.changes > 0
    again = sqlite_central(Context(tmp_path / "work", tmp_path / "cache", TINY, quick=True))
    assert again.seconds is None and "from the cache" in again.note
    assert again.central == first.central and again.changes == first.changes


def test_groups_expand_in_order_without_repeats() -> None:
    assert expand(["sync-apply", "sync"]) == [
        "sync-apply",
        "sync-capture",
        "sync-sqlite",
        "sync-pg",
    ]


def _bench_schemas(url: str) -> set[str]:
    import psycopg

    with psycopg.connect(libpq_url(url)) as conn:
        found = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench_%'")
        return {r[0] for r in found}


@pytest.mark.pg
def test_sync_benchmarks_run_against_postgresql(tmp_path: Path, pg_url: str) -> None:
    before = _bench_schemas(pg_url)
    out = tmp_path / "pg.json"
    argv = ["--quick", "--repeats", "1", "--scale", str(TINY)]
    argv += ["--cache-dir", str(tmp_path / "cache")]
    assert main([*argv, "--only", "sync-pg", "--pg-url", pg_url, "--json", str(out)]) == 0
    rows = _rows_by_name(json.loads(out.read_text(encoding="utf-8")))
    assert len(rows) == 5 and not [r for r in rows.values() if r["error"]]
    for name, row in rows.items():
        assert "PostgreSQL" in name and row["median"] > 0, name
    assert rows["sync first sync: empty laptop ← PostgreSQL"]["floor"] > 0
    assert _bench_schemas(pg_url) <= before  # the run's schema is dropped


def test_rate_goals_want_at_least_their_limit() -> None:
    goal = Goal.at_least(10_000, "rows/s")
    assert goal.text == "≥ 10,000 rows/s" and goal.higher_is_better
    assert Row("fast", 12_000.0, "rows/s", 50_000.0, goal, 3, 3).passed is True
    assert Row("slow", 9_000.0, "rows/s", 50_000.0, goal, 3, 3).verdict == "FAIL"


def test_update_merges_rows_by_name(tmp_path: Path) -> None:
    from bench.__main__ import merge_into

    saved = Report(machine={"date": "old"}, settings={})
    saved.rows += [
        Row("kept", 1.0, "s", 0.5, Goal.at_most(2.0, "s")),
        Row("replaced", 9.0, "s", 1.0, Goal.at_most(2.0, "s")),
    ]
    path = tmp_path / "latest.json"
    saved.save(path)
    fresh = Report(machine={"date": "new"}, settings={})
    fresh.rows += [
        Row("replaced", 1.5, "s", 1.0, Goal.at_most(2.0, "s")),
        Row("added", None, "s", None, Goal.info()),
    ]
    merge_into(path, fresh)
    data = json.loads(path.read_text())
    assert [r["name"] for r in data["rows"]] == ["kept", "replaced", "added"]
    assert data["rows"][1]["median"] == 1.5
    assert data["machine"]["date"] == "new"
    assert data["updated_rows"] == ["replaced", "added"]
    assert data["summary"] == {"pass": 2, "fail": 0, "unchecked": 0, "not_available": 1, "error": 0}
