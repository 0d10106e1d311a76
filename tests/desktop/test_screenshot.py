"""`take_screenshot` renders each page offscreen to a PNG of the asked size."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from db.errors import BoardpackError
from db.store import Database
from desktop.cli_base import PASSPHRASE_ENV
from desktop.screenshot import PAGES, take_screenshot
from tests.desktop import test_encrypted_boards
from tests.desktop.board_fixture import TODAY
from tests.desktop.conftest import call


def test_pages_include_every_navigation_entry() -> None:
    assert PAGES[:7] == (
        "dashboard",
        "plan",
        "risks",
        "performance",
        "meetings",
        "papers",
        "minutes",
    )


@pytest.mark.parametrize("page", PAGES)
def test_writes_a_png_of_the_default_size(
    qtbot: QtBot, board_database: Database, tmp_path: Path, page: str
) -> None:
    out = tmp_path / "shots" / f"{page}.png"
    take_screenshot(page, board_database.path, out, today=TODAY)
    assert out.stat().st_size > 10_000
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
    # Not a blank canvas: more than a handful of distinct colours.
    colours = {image.pixel(x, y) for x in range(0, 1366, 37) for y in range(0, 768, 23)}
    assert len(colours) > 5


def test_honours_the_size(qtbot: QtBot, board_database: Database, tmp_path: Path) -> None:
    out = tmp_path / "small.png"
    take_screenshot("dashboard", board_database.path, out, size=(1024, 640))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 640)


def test_rejects_an_unknown_page_before_touching_anything(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    with pytest.raises(BoardpackError) as caught:
        take_screenshot("budget", tmp_path / "missing.db", out)
    assert str(caught.value) == (
        "unknown page 'budget'; pages: dashboard, plan, risks, performance, meetings, "
        "papers, minutes, audit, conflicts, agenda, meeting-mode, reader, signin, demo-signin"
    )
    assert not out.exists()


def test_a_missing_database_is_a_boardpack_error(qtbot: QtBot, tmp_path: Path) -> None:
    with pytest.raises(BoardpackError):
        take_screenshot("dashboard", tmp_path / "missing.db", tmp_path / "x.png")


# `boardpack screenshot` on an encrypted board signs in as the other commands do
# (`desktop.cli_base`: --person, --db-passphrase-file or $BOARDPACK_PASSPHRASE).

PASSPHRASE = test_encrypted_boards.PASSPHRASE
encrypted = test_encrypted_boards.encrypted  # the fixture: (file, key, passphrase file)


def _shot(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    return call(capsys, "screenshot", *args)


def test_an_encrypted_board_signs_in_with_a_passphrase_file_and_reads_as_that_person(
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
    encrypted: tuple[Path, bytes, Path],
    tmp_path: Path,
) -> None:
    path, _key, secret = encrypted
    out = tmp_path / "enc.png"
    code, said, err = _shot(
        capsys, "dashboard", "--db", str(path), "--out", str(out),
        "--person", "alex marsh", "--db-passphrase-file", str(secret),
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert said == f"dashboard written to {out}\n"
    assert QImage(str(out)).width() == 1366


def test_an_encrypted_board_takes_the_passphrase_from_the_environment_too(
    qtbot: QtBot,
    capsys: pytest.CaptureFixture[str],
    encrypted: tuple[Path, bytes, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _key, _secret = encrypted
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)
    out = tmp_path / "enc.png"
    code, _said, err = _shot(
        capsys, "meeting-mode", "--db", str(path), "--out", str(out), "--person", "Alex Marsh"
    )
    assert (code, err) == (0, "") and out.stat().st_size > 10_000


@pytest.mark.parametrize(
    ("person", "passphrase", "said"),
    [
        (None, PASSPHRASE, "board.db is encrypted: sign in with --person NAME"),
        ("alex marsh", "not the passphrase", "that passphrase is not right for Alex Marsh"),
        ("someone else", PASSPHRASE, "someone else has no passphrase set for board.db"),
    ],
)
def test_an_encrypted_board_without_a_good_sign_in_is_one_line_and_no_png(
    capsys: pytest.CaptureFixture[str],
    encrypted: tuple[Path, bytes, Path],
    tmp_path: Path,
    person: str | None,
    passphrase: str,
    said: str,
) -> None:
    path, _key, _secret = encrypted
    secret = tmp_path / "given.txt"
    secret.write_text(passphrase + "\n", encoding="utf-8")
    out = tmp_path / "enc.png"
    args = ["dashboard", "--db", str(path), "--out", str(out), "--db-passphrase-file", str(secret)]
    code, _out, err = _shot(capsys, *args, *(["--person", person] if person else []))
    assert code == 1 and err.count("\n") == 1
    assert err.startswith("boardpack: ") and said in err
    assert not out.exists()
