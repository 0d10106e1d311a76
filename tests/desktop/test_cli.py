"""The `boardpack` command line: help everywhere, one-line errors, a deterministic demo dump."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.desktop.conftest import call


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
    )


@pytest.mark.parametrize(
    "args",
    [[], ["demo"], ["demo", "create"], ["dump"], ["screenshot"]],
)
def test_help_everywhere(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, _ = call(capsys, *args, "--help")
    assert code == 0
    assert out.startswith("usage: boardpack")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "--version")
    assert code == 0 and out.strip().startswith("boardpack ")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["dump"], 2, "the following arguments are required: --db"),
        (["dump", "--db", "{tmp}/missing.db"], 1, "no database at"),
        (["dump", "--db", "{tmp}/notes.txt"], 1, "is not a Boardpack database"),
        (["frobnicate"], 2, "invalid choice"),
        (
            ["screenshot", "dashboard", "--db", "{tmp}/notes.txt", "--out", "{tmp}/x.jpg"],
            1,
            "--out must be a .png file",
        ),
        (
            [
                "screenshot",
                "dashboard",
                "--db",
                "{tmp}/notes.txt",
                "--out",
                "{tmp}/x.png",
                "--size",
                "big",
            ],
            1,
            "--size must look like 1366x768",
        ),
        (
            ["screenshot", "dashboard", "--db", "{tmp}/missing.db", "--out", "{tmp}/x.png"],
            1,
            "no database at",
        ),
        (["--db", "{tmp}/notes.txt"], 1, "is not a Boardpack database"),
    ],
)
def test_bad_input_gives_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    (tmp_path / "notes.txt").write_text("not a database\n")
    got, out, err = call(capsys, *(a.format(tmp=tmp_path) for a in args))
    assert got == code
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("boardpack") and message in err
    assert "Traceback" not in err


def test_demo_create_refuses_to_overwrite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "board.db"
    target.write_bytes(b"precious")
    code, _, err = call(capsys, "demo", "create", str(target))
    assert code == 1 and "already exists (use --force" in err
    assert target.read_bytes() == b"precious"


@pytest.mark.slow
def test_demo_create_and_dump_are_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        created = run("demo", "create", str(tmp_path / f"{name}.db"))
        assert created.returncode == 0, created.stderr
        dumped = run("dump", "--db", str(tmp_path / f"{name}.db"), "--out", str(tmp_path / name))
        assert dumped.returncode == 0, dumped.stderr
    a, b = (tmp_path / "a").read_bytes(), (tmp_path / "b").read_bytes()
    assert a == b
    doc = json.loads(a)
    assert doc["format"] == "boardpack-dump/1"
    tables = doc["tables"]
    assert len(tables["actions"]) >= 25 and len(tables["meetings"]) >= 4
    # stdout and --out agree, and the file leaves no partial behind
    to_stdout = run("dump", "--db", str(tmp_path / "a.db"))
    assert to_stdout.stdout.encode() == a
    assert not list(tmp_path.glob("*.partial"))


def test_syscheck_names_the_debian_packages_ldd_cannot_find(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from desktop import syscheck

    class Done:
        stdout = (
            "\tlibxcb-cursor.so.0 => not found\n"
            "\tlibxcb-icccm.so.4 => not found\n"
            "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x0)\n"
        )

    monkeypatch.setattr(syscheck.subprocess, "run", lambda *a, **k: Done())
    assert syscheck.missing_packages() == ["libxcb-cursor0", "libxcb-icccm4"]
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert syscheck.main() == 1
