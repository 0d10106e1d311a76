"""`boardpack user …` through the real CLI: enrol, list, change a passphrase, unlock, offline.

Passphrases come from `--passphrase-file` (one per line, in the order asked);
argon2 runs with tiny parameters (`cheap_argon2`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from db.auth import Keyring, OfflinePolicy
from db.models import Board, Membership, Person, Role
from db.store import Database
from tests.desktop.conftest import call

CLERK_PP = "the clerk keeps the minutes"
CHAIR_PP = "the chair runs the meeting"
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("db.auth.passphrase.default_hasher", lambda: CHEAP)


@pytest.fixture
def board(board_database: Database) -> Path:
    """The small board, with Chris Clerk as OPAB's secretariat; closed, as a path."""
    with board_database.begin() as s:
        clerk = Person(name="Chris Clerk", organisation="Council")
        s.add(clerk)
        s.flush()
        opab = s.scalars(select(Board).where(Board.code == "OPAB")).one()
        s.add(Membership(board_id=opab.id, person_id=clerk.id, role=Role.SECRETARIAT))
    board_database.close()
    return board_database.path


def lines(tmp_path: Path, *passphrases: str) -> str:
    path = tmp_path / f"pp{len(list(tmp_path.iterdir()))}.txt"
    path.write_text("\n".join(passphrases) + "\n", encoding="utf-8")
    return str(path)


def enrol_clerk(capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path) -> None:
    code, out, err = call(
        capsys, "user", "enrol", "chris clerk", "--db", str(board),
        "--passphrase-file", lines(tmp_path, CLERK_PP),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("passphrase set for Chris Clerk")


def test_first_enrolment_then_the_secretariat_enrols_the_chair(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path
) -> None:
    code, out, _ = call(capsys, "user", "list", "--db", str(board))
    assert code == 0 and "Alex Morgan" in out and "no passphrase" in out
    enrol_clerk(capsys, board, tmp_path)
    # After the first, a new passphrase needs the secretariat.
    code, _, err = call(
        capsys, "user", "enrol", "Alex Morgan", "--db", str(board),
        "--passphrase-file", lines(tmp_path, CHAIR_PP),
    )  # fmt: skip
    assert code == 1 and "needs the secretariat (--by NAME)" in err
    code, out, err = call(
        capsys, "user", "enrol", "Alex Morgan", "--db", str(board), "--by", "Chris Clerk",
        "--passphrase-file", lines(tmp_path, CLERK_PP, CHAIR_PP),
    )  # fmt: skip
    assert (code, err) == (0, "")
    ring = Keyring.load(board)
    assert [p.name for p in ring.people()] == ["Alex Morgan", "Chris Clerk"]
    now = dt.datetime.now(dt.UTC)
    assert ring.sign_in(ring.people()[0].person_id, CHAIR_PP, now=now).person_id
    code, out, _ = call(capsys, "user", "list", "--db", str(board))
    chair_line = next(line for line in out.splitlines() if line.startswith("Alex Morgan"))
    assert "Chair, OPAB" in chair_line and "passphrase set" in chair_line
    assert "central store last reached: never; warn after 14 days" in out


def test_a_short_passphrase_and_an_unknown_person_are_one_line(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path
) -> None:
    code, _, err = call(
        capsys, "user", "enrol", "Chris Clerk", "--db", str(board),
        "--passphrase-file", lines(tmp_path, "too short"),
    )  # fmt: skip
    assert code == 1
    assert err.strip().splitlines() == [
        "boardpack: a passphrase needs at least 12 characters (this one has 9); "
        "a few ordinary words with spaces are easy to remember"
    ]
    assert not Keyring.exists(board)
    code, _, err = call(
        capsys, "user", "enrol", "Nobody Here", "--db", str(board),
        "--passphrase-file", lines(tmp_path, CLERK_PP),
    )  # fmt: skip
    assert code == 1 and "no person with a seat called 'Nobody Here'" in err


def test_change_passphrase(capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path) -> None:
    enrol_clerk(capsys, board, tmp_path)
    new = "a fresh passphrase for the clerk"
    code, _, err = call(
        capsys, "user", "passphrase", "Chris Clerk", "--db", str(board),
        "--passphrase-file", lines(tmp_path, "wrong wrong wrong", new),
    )  # fmt: skip
    assert code == 1 and "that passphrase is not right for Chris Clerk" in err
    code, out, err = call(
        capsys, "user", "passphrase", "Chris Clerk", "--db", str(board),
        "--passphrase-file", lines(tmp_path, CLERK_PP, new),
    )  # fmt: skip
    assert (code, out.strip(), err) == (0, "passphrase changed for Chris Clerk", "")
    ring = Keyring.load(board)
    clerk = ring.people()[0].person_id
    assert ring.sign_in(clerk, new, now=dt.datetime.now(dt.UTC)).person_id == clerk


def test_unlock_is_for_the_secretariat_only(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path
) -> None:
    enrol_clerk(capsys, board, tmp_path)
    call(
        capsys, "user", "enrol", "Alex Morgan", "--db", str(board), "--by", "Chris Clerk",
        "--passphrase-file", lines(tmp_path, CLERK_PP, CHAIR_PP),
    )  # fmt: skip
    ring = Keyring.load(board)
    chair = next(p.person_id for p in ring.people() if p.name == "Alex Morgan")
    for _ in range(5):
        with pytest.raises(Exception):  # noqa: B017 - wrong, then locked out
            ring.sign_in(chair, "not the chair's passphrase", now=dt.datetime.now(dt.UTC))
    code, out, _ = call(capsys, "user", "list", "--db", str(board))
    assert "LOCKED until" in next(x for x in out.splitlines() if x.startswith("Alex Morgan"))
    # The chair cannot unlock (not the secretariat) — here, unlocking the clerk.
    code, _, err = call(
        capsys, "user", "unlock", "Chris Clerk", "--db", str(board), "--by", "Alex Morgan",
        "--passphrase-file", lines(tmp_path, CHAIR_PP),
    )  # fmt: skip
    assert code == 1 and "is paused" in err  # the chair is locked out anyway
    code, out, err = call(
        capsys, "user", "unlock", "Alex Morgan", "--db", str(board), "--by", "Chris Clerk",
        "--passphrase-file", lines(tmp_path, CLERK_PP),
    )  # fmt: skip
    assert (code, err) == (0, "") and "Alex Morgan may sign in again" in out
    code, _, err = call(
        capsys, "user", "unlock", "Chris Clerk", "--db", str(board), "--by", "Alex Morgan",
        "--passphrase-file", lines(tmp_path, CHAIR_PP),
    )  # fmt: skip
    assert code == 1 and "Alex Morgan is not the secretariat of a board" in err


def test_the_secretariat_sets_the_hard_limit(
    capsys: pytest.CaptureFixture[str], board: Path, tmp_path: Path
) -> None:
    enrol_clerk(capsys, board, tmp_path)
    code, out, err = call(
        capsys, "user", "offline", "--db", str(board), "--by", "Chris Clerk",
        "--warn-days", "7", "--limit-days", "30", "--passphrase-file", lines(tmp_path, CLERK_PP),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.strip() == (
        "OPAB: warn after 7 days without the central store; sign-in stops after 30 days"
    )
    assert Keyring.load(board).offline_policy == OfflinePolicy(7, 30)
    code, _, err = call(
        capsys, "user", "offline", "--db", str(board), "--by", "Chris Clerk",
        "--limit-days", "soon", "--passphrase-file", lines(tmp_path, CLERK_PP),
    )  # fmt: skip
    assert code == 1 and "days must be a whole number or none" in err


def test_help_lists_the_user_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "user", "--help")
    assert code == 0
    for action in ("list", "enrol", "passphrase", "unlock", "offline"):
        assert action in out
