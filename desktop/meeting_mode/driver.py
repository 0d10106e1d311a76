"""A hidden driver that runs a meeting through the real window until it is killed (crash tests).

`python -m desktop.meeting_mode.driver DB LOG [--seed N]` opens the app's
main window offscreen on the database at DB (a scratch copy: it writes),
opens the board's next meeting in meeting mode, marks the last meeting's
attendance, presses F5, and then, on a timer, types discussion notes into
the cockpit key by key, records a decision every so often (through the
decision form, as Ctrl+Enter does) and moves on to the next item — forever,
until the test SIGKILLs it. Every step is appended to LOG with the wall time
the moment it happened, one line each, written straight to the file (no
buffer survives a kill, so none is used):

    ready <t>                            the meeting is open, typing starts
    typed <t> <item id> <length>         the item's notes now hold <length> characters
    saved <t> <item id>                  a notes write was committed
    decision <t> <decision id>           a decision was committed

The text typed into an item is `NOTES_TEXT` repeated, so its first <length>
characters are known. Not part of the product: nothing imports it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from pathlib import Path

#: What is typed into each item's discussion notes, character by character.
NOTES_TEXT = (
    "The Board discussed the report at length; members asked about the slipping actions, "
    "the recovery plans and the evidence that would show impact for children. "
)


def notes_prefix(length: int) -> str:
    """The first `length` characters the driver types into an item."""
    times = length // len(NOTES_TEXT) + 1
    return (NOTES_TEXT * times)[:length]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.meeting_mode.driver")
    parser.add_argument("db", type=Path)
    parser.add_argument("log", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from db.demo import DEMO_AS_OF
    from db.models import AttendanceMode, AttendanceStatus, Capacity
    from db.store import open_database
    from desktop.app import build_main_window
    from desktop.meeting_mode.dialogs import DecisionDialog
    from desktop.pages.meetings import MeetingsPage

    fd = os.open(args.log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def log(*parts: object) -> None:
        os.write(fd, (" ".join(str(p) for p in parts) + "\n").encode())

    rng = random.Random(args.seed)
    app = QApplication(["boardpack-driver"])
    database = open_database(args.db)
    window = build_main_window(database, today=DEMO_AS_OF, demo=True)
    window.resize(1366, 768)
    window.show()
    window.navigate("meetings", {"view": "meeting-mode"})
    page = window.page("meetings")
    assert isinstance(page, MeetingsPage)
    cockpit = page.cockpit
    controller = page.controller
    assert controller is not None and page.meeting is not None

    def committed(what: str, ident: str) -> None:
        if what == "decision":
            log("decision", f"{time.time():.3f}", ident)
        elif what == "notes":
            log("saved", f"{time.time():.3f}", ident)

    controller.committed.append(committed)
    for row in page.roster:
        controller.set_attendance(
            row.person_id,
            AttendanceStatus.PRESENT,
            AttendanceMode.IN_PERSON,
            Capacity.MEMBER if row.voting else Capacity.IN_ATTENDANCE,
        )
    cockpit.open_meeting()
    assert cockpit.is_open, controller.last_error
    typed: dict[str, int] = {}
    state = {"until_decision": rng.randint(100, 250), "until_next": rng.randint(250, 500)}

    def step() -> None:
        item = cockpit.item
        if item is None:
            return
        item_id = item.item_id
        burst = rng.randint(1, 2)
        for _ in range(burst):
            length = typed.setdefault(item_id, 0)
            if cockpit.discussion.toPlainText() != notes_prefix(length):
                log(
                    "error",
                    f"{time.time():.3f}",
                    item_id,
                    repr(cockpit.discussion.toPlainText()),
                    length,
                )
                app.exit(3)
                return
            cockpit.discussion.moveCursor(QTextCursor.MoveOperation.End)
            QTest.keyClicks(cockpit.discussion, notes_prefix(length + 1)[-1])
            typed[item_id] = length + 1
            log("typed", f"{time.time():.3f}", item_id, typed[item_id])
        state["until_decision"] -= burst
        state["until_next"] -= burst
        if state["until_decision"] <= 0:
            state["until_decision"] = rng.randint(100, 250)
            dialog = cockpit.record_decision()
            if isinstance(dialog, DecisionDialog):
                dialog.wording.setPlainText(f"Decision taken at {dt.datetime.now():%H:%M:%S.%f}.")
                dialog.try_accept()
        if state["until_next"] <= 0 and cockpit.view is not None:
            state["until_next"] = rng.randint(250, 500)
            ids = [i.item_id for i in cockpit.view.items]
            if ids.index(item_id) + 1 < len(ids):
                cockpit.next_item()

    cockpit.discussion.setFocus(Qt.FocusReason.OtherFocusReason)
    timer = QTimer()
    timer.setInterval(40)
    timer.timeout.connect(step)
    timer.start()
    log("ready", f"{time.time():.3f}")
    try:
        return app.exec()
    finally:
        database.close()


if __name__ == "__main__":
    raise SystemExit(main())
