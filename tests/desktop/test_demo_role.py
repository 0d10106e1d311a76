"""The demo board signs in as a chosen role (`boardpack --demo --as secretariat`).

Until sign-in lands (passphrases, issue 8) the window takes the chair's seat; on the
demo board a person can try the secretariat's work (agendas, minutes drafts) or see
what an observer sees. A real board refuses `--as` in one line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from db.demo import create_demo
from db.store import Database
from desktop.app import load_window_data
from desktop.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = create_demo(tmp_path_factory.mktemp("demo") / "demo.db")
    yield database
    database.close()


@pytest.mark.parametrize(
    ("role", "label"), [(None, "Chair"), ("secretariat", "Secretariat"), ("observer", "Observer")]
)
def test_the_window_takes_the_seat_of_the_chosen_role(
    demo: Database, role: str | None, label: str
) -> None:
    data = load_window_data(demo, today=dt.date(2020, 1, 10), demo=True, role=role)
    assert data.context is not None and data.context.viewer is not None
    assert data.context.viewer.role_label == label


def test_as_on_a_real_board_is_one_line(
    board_database: Database, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    board_database.close()
    real = tmp_path / "council-board.db"
    board_database.path.rename(real)
    assert main(["--db", str(real), "--as", "secretariat"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "boardpack: --as is for the demo board; a real board opens on its sign-in screen "
        "(passphrases: boardpack user --help)"
    ]


def test_an_unknown_role_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--demo", "--as", "mayor"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
