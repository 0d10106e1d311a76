"""The encryption-cost benchmarks: a quick run on a tiny board, encrypted and plaintext.

The run encrypts a copy of the tiny board (`db.encryption.encrypt_file`), starts
`bench.start_child` and `bench.browse_child` on both boards, and must give every
"… (encrypted)" row a figure and, as its floor, the plaintext board's figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.__main__ import expand, main
from bench.encryption_bench import BENCH_KEY
from db.encryption import connect, looks_encrypted

TINY = 0.001


def test_the_group_names_both_benchmarks() -> None:
    assert expand(["browse-encrypted"]) == ["browse-encrypted-start", "browse-encrypted-pages"]


def test_quick_run_on_a_tiny_board(tmp_path: Path) -> None:
    out = tmp_path / "enc.json"
    cache = tmp_path / "cache"
    argv = ["--quick", "--repeats", "1", "--scale", str(TINY), "--no-pg", "--cache-dir"]
    argv += [str(cache), "--only", "browse-encrypted", "--json", str(out)]
    assert main(argv) == 0
    rows = {row["name"]: row for row in json.loads(out.read_text(encoding="utf-8"))["rows"]}
    costed = [
        "start to dashboard with data (encrypted)",
        "start to dashboard peak RSS (encrypted)",
        "open the plan page (encrypted)",
        "apply a plan filter (encrypted)",
        "apply a plan filter, worst (encrypted)",
        "search keystroke to results (encrypted)",
        "search keystroke to results, worst (encrypted)",
        "browse peak RSS (plan, filters, search) (encrypted)",
    ]
    assert set(rows) == {*costed, "whole-file quick_check (encrypted)"}
    for name in costed:
        row = rows[name]
        assert row["error"] is None, (name, row["error"])
        assert row["goal"] == "≤ 1.25× floor"
        assert row["median"] is not None and row["median"] > 0, name
        assert row["floor"] is not None and row["floor"] > 0, name
    (cached,) = cache.glob("*.encrypted.db")
    assert looks_encrypted(cached)
    connect(cached, BENCH_KEY).close()  # the bench key opens it


@pytest.mark.parametrize("name", ["browse-encrypted-start", "browse-encrypted-pages"])
def test_each_is_listed(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--list"]) == 0
    assert name in capsys.readouterr().out
