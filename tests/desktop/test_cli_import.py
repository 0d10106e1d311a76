"""`boardpack import …` and `boardpack export …` through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import Action, Board, Membership, Person, Plan, Risk, Role
from db.store import open_database
from exports.tabular import cell_values
from tests.desktop.conftest import call, dump_of
from tests.fixtures import TRACKER

FIXTURE = TRACKER


@pytest.fixture
def board(tmp_path: Path) -> Path:
    path = tmp_path / "board.db"
    db = open_database(path, create=True)
    with db.begin() as s:
        clerk = Person(name="Emma Clerk")
        board = Board(code="OPAB", name="Ofsted Priority Action Board")
        s.add_all([clerk, board])
        s.flush()
        s.add(Membership(board_id=board.id, person_id=clerk.id, role=Role.SECRETARIAT))
        s.add(Plan(board_id=board.id, title="Children's Improvement Plan"))
    db.close()
    return path


def count(path: Path, model: object) -> int:
    db = open_database(path)
    try:
        with db.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]
    finally:
        db.close()


def test_import_prints_the_mapping_and_imports(
    capsys: pytest.CaptureFixture[str], board: Path
) -> None:
    code, out, err = call(capsys, "import", "plan", str(FIXTURE), "--db", str(board))
    assert code == 0, err
    assert "mapping (sheet 'Improvement Plan', header row 5):" in out
    assert "Lead officer" in out and "→  Owner" in out
    assert "row 18: note: due date 'Ongoing' is not a date" in out
    assert "imported 23 actions" in out and "23 new" in out
    assert count(board, Action) == 23
    code, out, _ = call(capsys, "import", "plan", str(FIXTURE), "--db", str(board))
    assert code == 0 and "23 unchanged" in out and count(board, Action) == 23


def test_a_bad_row_exits_1_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path
) -> None:
    csv = tmp_path / "plan.csv"
    csv.write_text(
        "Ref,Theme,Action,Target date,RAG\n"
        "1.1,1,Fine action,31/03/2019,Green\n"
        "1.2,1,Another,sometime,Amber\n",
        encoding="utf-8",
    )
    before = dump_of(board)
    code, out, err = call(capsys, "import", "plan", str(csv), "--db", str(board))
    assert code == 1
    assert "row 3: due date 'sometime' is not a date" in out
    assert err.count("\n") == 1 and "nothing imported" in err
    assert dump_of(board) == before


def test_dry_run_checks_and_writes_nothing(capsys: pytest.CaptureFixture[str], board: Path) -> None:
    before = dump_of(board)
    code, out, _ = call(capsys, "import", "risks", str(FIXTURE), "--db", str(board), "--dry-run")
    assert code == 0 and "checked (dry run): would import 3 risks" in out
    assert dump_of(board) == before


def test_mapping_file_saved_and_reused(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "mapping.json"
    code, _, err = call(
        capsys,
        "import",
        "risks",
        str(FIXTURE),
        "--db",
        str(board),
        "--dry-run",
        "--save-mapping",
        str(saved),
    )
    assert code == 0, err
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["sheet"] == "Risks" and data["columns"]["Risk"] == "title"
    # a mapping that leaves out Impact: every row is rejected, nothing written
    del data["columns"]["Impact"]
    saved.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = call(
        capsys, "import", "risks", str(FIXTURE), "--db", str(board), "--mapping", str(saved)
    )
    assert code == 1 and "Impact" in out and count(board, Risk) == 0


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "the mapping is not valid JSON"),
        ('{"kind": "plan", "columns": {"Ref": "colour"}}', "'colour' is not a field"),
        (
            '{"kind": "plan", "columns": {"Nope": "reference"}}',
            "a column 'Nope' the file does not have",
        ),
    ],
)
def test_bad_mapping_is_one_line(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path, content: str, words: str
) -> None:
    mapping = tmp_path / "m.json"
    mapping.write_text(content, encoding="utf-8")
    before = dump_of(board)
    code, out, err = call(
        capsys, "import", "plan", str(FIXTURE), "--db", str(board), "--mapping", str(mapping)
    )
    assert code == 1 and words in (out + err)
    assert "Traceback" not in err and err.count("\n") == 1
    assert dump_of(board) == before


def test_unreadable_file_is_one_line(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(b"PK\x03\x04 damaged")
    code, _, err = call(capsys, "import", "plan", str(bad), "--db", str(board))
    assert code == 1 and err.count("\n") == 1 and "cannot be read as an Excel workbook" in err


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_then_import_elsewhere_gives_the_same_file(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path, suffix: str
) -> None:
    assert call(capsys, "import", "plan", str(FIXTURE), "--db", str(board))[0] == 0
    first = tmp_path / f"first{suffix}"
    code, out, _ = call(capsys, "export", "plan", "--db", str(board), "--out", str(first))
    assert code == 0 and "wrote 23 rows" in out
    second_db = tmp_path / "second.db"
    second_db.write_bytes(b"")
    second_db.unlink()
    db = open_database(second_db, create=True)
    with db.begin() as s:
        clerk = Person(name="Hannah Clerk")
        b = Board(code="CPB", name="Corporate Parenting Board")
        s.add_all([clerk, b])
        s.flush()
        s.add(Membership(board_id=b.id, person_id=clerk.id, role=Role.SECRETARIAT))
        s.add(Plan(board_id=b.id, title="Plan"))
    db.close()
    assert call(capsys, "import", "plan", str(first), "--db", str(second_db))[0] == 0
    second = tmp_path / f"second{suffix}"
    assert call(capsys, "export", "plan", "--db", str(second_db), "--out", str(second))[0] == 0
    assert cell_values(first) == cell_values(second)


def test_export_refuses_other_suffixes(capsys: pytest.CaptureFixture[str], board: Path) -> None:
    code, _, err = call(capsys, "export", "risks", "--db", str(board), "--out", "x.pdf")
    assert code == 1 and "--out must be a .xlsx or .csv file" in err
