"""The windowed executable's entry (`installer/boardpack_gui.py`), run from source.

A windowed program on Windows has no standard streams (`sys.stdout` and
`sys.stderr` are None); these tests set them to None the same way and check
that nothing the app would print is lost: errors are logged and shown in a
dialog (`show` is replaced by a recorder), `--version` is shown when there is
no console, and printed as usual when there is. The frozen executable itself is
tested in `test_frozen.py`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import pytest

from desktop.logging_setup import remove_logging

Shown = list[tuple[str, str, bool]]  # (title, text, error) of each dialog

ENTRY = Path(__file__).resolve().parents[2] / "installer" / "boardpack_gui.py"


@pytest.fixture(scope="module")
def entry() -> ModuleType:
    spec = importlib.util.spec_from_file_location("boardpack_gui", ENTRY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def shown() -> Iterator[Shown]:
    got: Shown = []
    yield got
    remove_logging()  # main set the root logger up on tmp_path


def _recorder(shown: Shown):  # type: ignore[no-untyped-def]
    def show(title: str, text: str, *, error: bool) -> None:
        shown.append((title, text, error))

    return show


@pytest.fixture
def no_console(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The data folder; the test calls `_drop_console` (pytest's capture resets the streams
    between a fixture's setup and the test)."""
    monkeypatch.delenv("BOARDPACK_DATA_DIR", raising=False)
    return tmp_path / "data"


def _drop_console(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)


def test_a_bad_board_is_logged_and_shown_without_a_console(
    entry: ModuleType,
    shown: Shown,
    no_console: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _drop_console(monkeypatch)
    missing = tmp_path / "missing.db"
    code = entry.run(["--data-dir", str(no_console), "--db", str(missing)], show=_recorder(shown))
    assert code == 1
    assert sys.stdout is None and sys.stderr is None  # the streams are put back
    [(title, text, error)] = shown
    assert error and "error" in title
    assert text.startswith(f"No database at {missing}")  # a sentence, no "boardpack: "
    log_file = no_console / "logs" / "boardpack.log"
    assert text.endswith(f"The log has the details:\n{log_file}")
    assert f"no database at {missing}" in log_file.read_text(encoding="utf-8")


def test_a_bad_argument_is_logged_under_the_data_dir_it_names(
    entry: ModuleType, shown: Shown, no_console: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drop_console(monkeypatch)
    code = entry.run(["--data-dir", str(no_console), "--no-such-option"], show=_recorder(shown))
    assert code == 2
    [(_title, text, error)] = shown
    assert error and text.startswith("Unrecognized arguments: --no-such-option")
    log = (no_console / "logs" / "boardpack.log").read_text(encoding="utf-8")
    assert "--no-such-option" in log


def test_an_escaped_exception_is_a_dialog_not_a_silent_exit(
    entry: ModuleType, shown: Shown, no_console: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drop_console(monkeypatch)

    def broken(_argv: Sequence[str] | None) -> int:
        raise RuntimeError("the bundle lost a module")

    code = entry.run(["--data-dir", str(no_console)], main=broken, show=_recorder(shown))
    assert code == 70
    [(_title, text, error)] = shown
    assert error and "RuntimeError: the bundle lost a module" in text
    assert "the bundle lost a module" in (no_console / "logs" / "boardpack.log").read_text(
        encoding="utf-8"
    )


def test_version_without_a_console_is_shown(
    entry: ModuleType, shown: Shown, no_console: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drop_console(monkeypatch)
    assert entry.run(["--version"], show=_recorder(shown)) == 0
    assert shown == [("Boardpack", f"boardpack {version('boardpack')}", False)]


def test_version_with_a_console_is_printed_not_shown(
    entry: ModuleType, shown: Shown, capsys: pytest.CaptureFixture[str]
) -> None:
    assert entry.run(["--version"], show=_recorder(shown)) == 0
    assert capsys.readouterr().out.strip() == f"boardpack {version('boardpack')}"
    assert shown == []


def test_no_dialog_where_nobody_could_close_it(
    entry: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert entry.headless()
    monkeypatch.setenv("QT_QPA_PLATFORM", "windows")
    monkeypatch.setattr(sys, "platform", "win32")
    assert not entry.headless()


def test_the_dialog_is_a_critical_message_box_with_selectable_text(
    entry: ModuleType, qapp: object
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = entry.message_box("Boardpack stopped with an error", "No database at x.db", error=True)
    assert box.icon() is QMessageBox.Icon.Critical
    assert box.windowTitle() == "Boardpack stopped with an error"
    assert box.text() == "No database at x.db"
    assert box.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    info = entry.message_box("Boardpack", "boardpack 1.0", error=False)
    assert info.icon() is QMessageBox.Icon.Information
