"""What the app does with an error nobody expected: log it, undo it, say so plainly.

`install_crash_handler(log_file)` replaces `sys.excepthook` (an exception raised
in a Qt slot or event handler lands there) and `threading.excepthook` (one
raised on a worker thread). For each uncaught exception it:

1. writes the full traceback to the log (`desktop.logging_setup`);
2. leaves the database consistent: every SQLAlchemy session or connection still
   open in the failing call stack is rolled back and closed, so a change that
   was half-way through is undone and no write lock is left held. (Work done
   the usual way, `with database.begin():`, has already been rolled back by the
   time the hook runs — the `with` unwound with the exception; this step covers
   a session someone opened without one.) SQLite commits are atomic, so what was
   committed before stays whole;
3. shows one readable dialog — what happened in a sentence, where the log is,
   and a "Copy details" button for the traceback — on the GUI thread, whichever
   thread failed. A second error while the dialog is open is logged, not stacked.

KeyboardInterrupt keeps Python's own behaviour. The dialog is a `QMessageBox`
so tests can find it with `QApplication.activeModalWidget()`.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

log = logging.getLogger(__name__)

TITLE = "Boardpack: something went wrong"


@dataclass(frozen=True)
class CrashReport:
    """One uncaught exception, as the dialog shows it."""

    summary: str  # "ValueError: bad value"
    details: str  # the whole traceback
    thread: str
    rolled_back: int  # sessions/connections rolled back and closed
    log_file: Path | None

    def sentence(self) -> str:
        """The dialog's main text: what happened and what it means for the board."""
        where = "" if self.thread == "MainThread" else f" (in background work: {self.thread})"
        undone = (
            " The change that was in progress was undone; everything saved before it is intact."
            if self.rolled_back
            else " Nothing was half-saved: everything saved before it is intact."
        )
        return (
            f"Boardpack met an error it did not expect{where} and stopped what it was doing."
            f"{undone} You can carry on working; if it happens again, please send the details "
            "to your administrator."
        )

    def log_line(self) -> str:
        if self.log_file is None:
            return "The log could not be written (its folder is not writable)."
        return f"Details are in the log file: {self.log_file}"


def rollback_open_sessions(tb: TracebackType | None) -> int:
    """Roll back and close every SQLAlchemy session or connection held in `tb`'s frames.

    Returns:
        How many were rolled back.
    """
    orm = sys.modules.get("sqlalchemy.orm")
    engine_mod = sys.modules.get("sqlalchemy.engine")
    if orm is None and engine_mod is None:  # no database was ever touched
        return 0
    kinds: tuple[type, ...] = tuple(
        kind
        for kind in (
            getattr(orm, "Session", None),
            getattr(engine_mod, "Connection", None),
        )
        if kind is not None
    )
    seen: set[int] = set()
    count = 0
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if isinstance(value, kinds) and id(value) not in seen:
                seen.add(id(value))
                count += _rollback(value)
        tb = tb.tb_next
    return count


def _rollback(handle: Any) -> int:
    try:
        active = bool(handle.in_transaction())
        if active:
            handle.rollback()
        handle.close()
    except Exception:  # the database may be what failed: closing is best effort
        log.warning("could not roll back %r after the error", handle, exc_info=True)
        return 0
    return 1 if active else 0


class CrashDialog(QMessageBox):
    """The readable error dialog; "Copy details" copies the traceback and stays open."""

    def __init__(self, report: CrashReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = report
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(TITLE)
        self.setText(report.sentence())
        self.setInformativeText(report.log_line())
        self.setDetailedText(f"{report.summary}\n\n{report.details}")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = self.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        self.copy_button.setAccessibleName("Copy the error details to the clipboard")
        self.close_button = self.addButton(QMessageBox.StandardButton.Close)
        self.setDefaultButton(self.close_button)
        self.setAccessibleName("Unexpected error")

    def done(self, result: int) -> None:
        if self.clickedButton() is self.copy_button:
            QApplication.clipboard().setText(self.detailedText())
            self.copy_button.setText("Copied")
            return  # stay open: the person may still want to read it
        super().done(result)


class CrashHandler(QObject):
    """Owns the installed hooks; `uninstall()` puts the previous ones back."""

    reported = Signal(object)  # CrashReport, emitted from any thread

    def __init__(
        self,
        log_file: Path | None,
        parent: QWidget | None = None,
        *,
        interactive: bool | None = None,
    ) -> None:
        super().__init__()
        self.log_file = log_file
        self.parent_widget = parent
        #: Show the dialog? None: unless Qt runs headless (tests, screenshots: no one to read it).
        self.interactive = interactive
        self.reports: list[CrashReport] = []
        self._showing = False
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        # Queued: the dialog opens on the GUI thread once the failing slot has returned.
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> CrashHandler:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        return self

    def uninstall(self) -> None:
        if sys.excepthook == self.excepthook:
            sys.excepthook = self._previous_sys
        if threading.excepthook == self.thread_excepthook:
            threading.excepthook = self._previous_threading

    def excepthook(
        self,
        kind: type[BaseException],
        value: BaseException,
        tb: TracebackType | None,
        thread_name: str | None = None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous_sys(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        thread = thread_name or threading.current_thread().name
        log.error("uncaught exception in %s\n%s", thread, details)
        rolled_back = rollback_open_sessions(tb)
        if rolled_back:
            log.error("rolled back %d open database transaction(s) after the error", rolled_back)
        summary = "".join(traceback.format_exception_only(kind, value)).strip()
        report = CrashReport(summary, details, thread, rolled_back, self.log_file)
        self.reports.append(report)
        self.reported.emit(report)

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "a worker thread"
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback, name)

    def _show(self, report: CrashReport) -> None:
        if self._showing:  # one dialog at a time; the log has this one
            return
        if self.interactive is False or (self.interactive is None and _headless()):
            print(f"boardpack: {report.summary} ({report.log_line()})", file=sys.stderr)
            return
        self._showing = True
        try:
            CrashDialog(report, self.parent_widget).exec()
        finally:
            self._showing = False


def _headless() -> bool:
    app = QApplication.instance()
    return not isinstance(app, QApplication) or app.platformName() in {"offscreen", "minimal"}


def install_crash_handler(
    log_file: Path | None, parent: QWidget | None = None, *, interactive: bool | None = None
) -> CrashHandler:
    """Install the hooks (the dialog needs a `QApplication` by the time an error comes).

    Args:
        log_file: where the log goes, named in the dialog (None: it cannot be written).
        parent: the window the dialog belongs to, if there is one yet.
        interactive: show the dialog (default: unless Qt runs headless, where the
            error goes to stderr and the log only).
    """
    return CrashHandler(log_file, parent, interactive=interactive).install()
