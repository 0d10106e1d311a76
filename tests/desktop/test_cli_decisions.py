"""`boardpack decisions duplicates|renumber` end to end; one line for each bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Decision
from db.services.decisions import duplicate_numbers
from db.store import Database, open_database
from tests.db.test_decision_numbers import T_EARLY, T_LATE, _at, _board, _twin
from tests.desktop.conftest import call


@pytest.fixture(scope="module")
def _built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("decisions") / "board.db"
    db: Database = open_database(path, create=True)
    try:
        ids = _board(db)
        ids["first"] = _at(db, ids, "Agreed the plan's refresh.", T_EARLY)
        ids["second"] = _twin(db, ids, seq=1, at=T_LATE, wording="Noted the risk register.")
        ids["alone"] = _twin(db, ids, seq=2, at=T_LATE, wording="Agreed the timetable.")
    finally:
        db.close()
    return path, ids


@pytest.fixture
def shared(_built: tuple[Path, dict[str, str]], tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A file where OPAB 20/01 was taken twice offline and OPAB 20/02 once (a fresh copy)."""
    path = tmp_path / "board.db"
    shutil.copy(_built[0], path)
    return path, dict(_built[1])


def _current_numbers(path: Path) -> dict[str, list[str]]:
    db = open_database(path)
    try:
        with db.session() as s:
            out: dict[str, list[str]] = {}
            for d in s.scalars(select(Decision).order_by(Decision.version)):
                out.setdefault(d.wording, []).append(d.number)
            return out
    finally:
        db.close()


def test_duplicates_lists_the_shared_number_first_taker_first(
    capsys: pytest.CaptureFixture[str], shared: tuple[Path, dict[str, str]]
) -> None:
    path, ids = shared
    code, out, err = call(capsys, "decisions", "duplicates", "--db", path)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "OPAB 20/01 was taken by 2 decisions:"
    assert lines[1].lstrip().startswith("keeps it") and ids["first"] in lines[1]
    assert "Alex Marsh" in lines[1] and "10:05" in lines[1]
    assert lines[2].lstrip().startswith("renumber") and ids["second"] in lines[2]
    assert '"Risk register"' in lines[2] and "Sam Clerk" in lines[2]
    assert "OPAB 20/02" not in out
    assert lines[-1].startswith("1 shared number;")


def test_renumber_by_number_then_nothing_is_shared(
    capsys: pytest.CaptureFixture[str], shared: tuple[Path, dict[str, str]]
) -> None:
    path, ids = shared
    code, out, err = call(capsys, "decisions", "renumber", "--db", path, "opab 20/01")
    assert (code, err) == (0, "")
    assert out.strip() == f"OPAB 20/01 [{ids['second']}] is now OPAB 20/03 (version 2)"
    assert _current_numbers(path) == {
        "Agreed the plan's refresh.": ["OPAB 20/01"],
        "Noted the risk register.": ["OPAB 20/01", "OPAB 20/03"],
        "Agreed the timetable.": ["OPAB 20/02"],
    }
    code, out, _ = call(capsys, "decisions", "duplicates", "--db", path, "--board", "OPAB")
    assert (code, out.strip()) == (0, "no decision number is shared: nothing to renumber")
    db = open_database(path)
    try:
        with db.session() as s:
            renumbered = s.scalars(select(Decision).where(Decision.seq == 3)).one()
            assert renumbered.recorded_by_id == ids["chair"]  # acts as the board's chair
            assert duplicate_numbers(s, ids["board"]) == []
    finally:
        db.close()


def test_renumber_by_id(
    capsys: pytest.CaptureFixture[str], shared: tuple[Path, dict[str, str]]
) -> None:
    path, ids = shared
    code, out, _ = call(capsys, "decisions", "renumber", "--db", path, ids["second"])
    assert code == 0 and out.strip().endswith("is now OPAB 20/03 (version 2)")


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("first", "took its number first and keeps it"),
        ("alone", "shares its number with no other decision"),
        ("OPAB 20/02", "shares its number with no other decision"),
        ("OPAB 20/09", "there is no decision 'OPAB 20/09'"),
    ],
)
def test_renumber_refusals_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str],
    shared: tuple[Path, dict[str, str]],
    ref: str,
    message: str,
) -> None:
    path, ids = shared
    before = _current_numbers(path)
    code, out, err = call(capsys, "decisions", "renumber", "--db", path, ids.get(ref, ref))
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err
    assert _current_numbers(path) == before


def test_bad_inputs_are_one_line(
    capsys: pytest.CaptureFixture[str], shared: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    path, _ = shared
    code, _, err = call(capsys, "decisions", "duplicates", "--db", path, "--board", "NOPE")
    assert code != 0 and "there is no board 'NOPE'" in err and len(err.splitlines()) == 1
    code, _, err = call(capsys, "decisions", "duplicates", "--db", tmp_path / "missing.db")
    assert code != 0 and len(err.splitlines()) == 1
    code, _, err = call(capsys, "decisions", "renumber", "--db", path)
    assert code == 2 and len(err.splitlines()) == 1
