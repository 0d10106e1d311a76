"""Start to the dashboard with its data, on a plaintext or an encrypted board, in a child.

Run by `bench.encryption_bench` through `bench.launch` (whole process timed,
its own peak resident set), as `python -m bench.start_child BOARD TODAY [--key
HEX]` with `QT_QPA_PLATFORM=offscreen`. It does what `desktop.app.run_gui`
does up to the dashboard's first paint with the board's figures — an empty
`MainWindow` painted first, then the data layer imported, the database opened
(`integrity="deferred"`: header and schema only) and the dashboard read and
painted — and exits there. The app's own start cannot yet be given a data key
without the sign-in screen; this child takes one so that the plaintext and the
encrypted board go through the very same steps and only the cipher differs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

SIZE = (1366, 768)


class _FirstPaint(QObject):
    """Calls `callback` once, after the watched widget's first paint."""

    def __init__(self, callback: object, parent: QObject) -> None:
        super().__init__(parent)
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            QTimer.singleShot(0, callback)  # type: ignore[call-overload]
        return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.start_child")
    parser.add_argument("board", type=Path)
    parser.add_argument("today", type=dt.date.fromisoformat)
    parser.add_argument("--key", type=bytes.fromhex, help="the data key of an encrypted board")
    args = parser.parse_args(argv)
    app = QApplication([sys.argv[0]])
    from desktop.main_window import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    opened = []

    def load() -> None:
        from db.store import open_database
        from desktop.app import load_window_data

        database = open_database(args.board, integrity="deferred", key=args.key)
        opened.append(database)
        window.show_data(load_window_data(database, today=args.today))
        label: QWidget = window.dashboard.board_label
        label.installEventFilter(_FirstPaint(lambda: app.exit(0), window))
        label.update()

    def first_paint() -> None:
        window.compose()
        window.show_opening(args.board)
        QTimer.singleShot(0, load)

    window.installEventFilter(_FirstPaint(first_paint, window))
    window.show()
    try:
        return app.exec()
    finally:
        window.close()
        for database in opened:
            database.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
