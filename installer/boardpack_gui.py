"""Entry point of the windowed executable, `boardpack-gui`: the app without a console.

The frozen folder holds two executables built from one analysis
(`installer/boardpack.spec`): `boardpack`, a console program for the command line
(and the app, from a terminal), and `boardpack-gui`, built with `console=False`
so that Windows shows no console window beside the app. The Start menu, the
desktop entry and the macOS bundle start `boardpack-gui`. Both run
`desktop.cli.main`, so arguments and behaviour are the same.

What this wrapper adds is that nothing the app would print is lost. A windowed
program on Windows has no standard streams at all (`sys.stdout` and
`sys.stderr` are None), and one started from a desktop entry prints where
nobody looks. So it keeps what `main` writes to them (still passing it on to a
real stream when there is one) and then:

- a run that ends in an error (a non-zero exit code: a bad `--db`, a board
  that will not open, an internal error; or an exception that escaped `main`)
  writes the message to the log file and shows it in a dialog;
- `--version` or `--help` with no stream to print to shows its text in a
  dialog (there is nowhere else for it).

An error while the app runs is the crash handler's (`desktop.crash`), as in the
console executable: a dialog and the log. With Qt headless (the offscreen or
minimal platform, or no display) no dialog is shown — nobody could close it;
the message goes to the log and to stderr when there is one.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

log = logging.getLogger("boardpack.gui")

TITLE = "Boardpack"
PROG = "boardpack"  # how desktop.cli starts each error line


class KeptStream(io.TextIOBase):
    """A text stream that keeps what is written and passes it on to `real`, if any."""

    def __init__(self, real: TextIO | None) -> None:
        super().__init__()
        self.real = real
        self.kept = io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        if self.real is not None:
            with contextlib.suppress(OSError, ValueError):  # a broken stream: the copy is kept
                self.real.write(text)
        return len(text)

    def flush(self) -> None:
        if self.real is not None:
            with contextlib.suppress(OSError, ValueError):
                self.real.flush()

    def isatty(self) -> bool:
        return self.real is not None and self.real.isatty()

    def text(self) -> str:
        return self.kept.getvalue()


def headless() -> bool:
    """True when a dialog could not be seen (or Qt could not even start)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform in {"offscreen", "minimal"}:
        return True
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return True  # Qt would abort the process rather than open a window
    return False


def message_box(title: str, text: str, *, error: bool) -> QMessageBox:
    """The dialog `show_message` opens (a `QApplication` must exist)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox()
    box.setIcon(QMessageBox.Icon.Critical if error else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    # Selectable: the person may copy the message into an e-mail to their administrator.
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Wide enough for a Windows log path on one line (the text label only, not the icon's).
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 36em; }")
    return box


def show_message(title: str, text: str, *, error: bool) -> None:
    """A plain dialog (on its own if the app's window is gone); nothing when headless."""
    if headless():
        return
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "boardpack-gui"])
    message_box(title, text, error=error).exec()
    del app


def dialog_text(printed: str) -> str:
    """What the command line printed, as a dialog says it: no "boardpack: " prefix, a capital."""
    lines = [line.removeprefix(f"{PROG}: ") for line in printed.strip().splitlines()]
    text = "\n".join(lines)
    return text[:1].upper() + text[1:]


def _data_dir(argv: Sequence[str]) -> str | None:
    """`--data-dir DIR` from arguments argparse may have refused."""
    for index, arg in enumerate(argv):
        if arg == "--data-dir" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1]
    return None


def _log_error(message: str, argv: Sequence[str]) -> str | None:
    """Write `message` to the app's log (setting it up if `main` never did); returns the file."""
    try:
        from desktop.logging_setup import log_location, setup_logging
        from desktop.paths import app_paths

        where = log_location()
        if where is None:  # main stopped before it set the log up (a bad argument)
            where = setup_logging(app_paths(_data_dir(argv)))
        log.error("boardpack-gui ended with an error:\n%s", message)
        return str(where) if where is not None else None
    except Exception:  # the log is best effort; the dialog must still come
        return None


def run(
    argv: Sequence[str] | None = None,
    *,
    main: Callable[[Sequence[str] | None], int] | None = None,
    show: Callable[..., None] = show_message,
) -> int:
    """Run the command line as the windowed app does; returns the exit code.

    Args:
        argv: the arguments (default: the process's).
        main: what to run (default: `desktop.cli.main`).
        show: shows a dialog: `show(title, text, error=...)` (tests pass a recorder).
    """
    had_console = sys.stdout is not None
    out, err = KeptStream(sys.stdout), KeptStream(sys.stderr)
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        if main is None:
            from desktop.cli import main as cli_main

            main = cli_main
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, --version, a bad argument
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
            if exc.code is not None and not isinstance(exc.code, int):
                err.write(f"{exc.code}\n")
        except KeyboardInterrupt:
            return 130
        except BaseException:  # a windowed app has nowhere else to say it
            err.write(f"boardpack: internal error\n{traceback.format_exc()}")
            code = 70
    finally:
        sys.stdout, sys.stderr = real_out, real_err
    if code != 0:
        message = (err.text() or out.text()).strip() or f"Boardpack stopped (exit code {code})."
        where = _log_error(message, sys.argv[1:] if argv is None else argv)
        text = dialog_text(message)
        if where is not None and where not in message:
            text += f"\n\nThe log has the details:\n{where}"
        show("Boardpack stopped with an error", text, error=True)
    elif not had_console and out.text().strip():  # --version, --help: nowhere else to show them
        show(TITLE, out.text().strip(), error=False)
    return code


if __name__ == "__main__":
    sys.exit(run())
