"""The floor of the cold start: the barest PySide6 window, quitting on its first paint.

Run as `python -m bench.bare_window`, exactly as the app is run as `python -m
desktop`, it starts Python, imports PySide6, creates the `QApplication` and a
`QMainWindow` holding an empty `QTreeView` at the app's default size, shows it,
and exits with 0 right after the first paint — the same event filter and
zero-timer `desktop.app.run_gui(quit_when_shown=True)` uses, and like the app's
timed run without the interpreter's teardown afterwards — so the ratio of
the two measures only what the app adds on the way to its first window. This is
the only module of `bench/` that imports PySide6.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTreeView

SIZE = (1366, 768)


class _FirstPaint(QObject):
    """Exits the application just after the watched window first paints."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self._app: QApplication | None = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._app is not None:
            app, self._app = self._app, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: app.exit(0))
        return False


def main() -> int:
    app = QApplication([sys.argv[0] if sys.argv else "bare-window"])
    window = QMainWindow()
    window.setWindowTitle("Bare window")
    window.setCentralWidget(QTreeView())
    window.resize(*SIZE)
    watcher = _FirstPaint(app)
    window.installEventFilter(watcher)
    window.show()
    return app.exec()


if __name__ == "__main__":
    # As `python -m desktop --quit-when-loaded` does: no interpreter teardown timed
    # after the paint (the app's run skips it too, so the ratio compares start-ups).
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
