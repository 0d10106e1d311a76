"""Screenshots of the main window, rendered offscreen, for docs and reviews.

`take_screenshot("dashboard", db, out)` opens the database, builds the window
on that page at a laptop's 1366×768, lets Qt lay it out and paint, and saves
what it drew as a PNG. It needs no display: with no `QApplication` yet it
selects Qt's offscreen platform itself. The data is loaded synchronously by
`build_main_window`, so the picture always shows the figures, never "Loading".
Besides the navigation's pages, `PAGES` has the ones reached another way —
"conflicts", opened as the status bar's conflict count opens it, lists loaded;
"agenda" (the next meeting's agenda) and "meeting-mode" (the chair's cockpit,
rehearsed on a scratch copy of the database by `desktop.meeting_mode.rehearsal`
so the picture shows a meeting under way without writing to the real file);
"reader" (the next meeting's first paper open in the Papers page's reader);
"minutes" opens on the newest minutes' fifth item, which records a decision.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.pages import PAGE_KEYS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from db.store import Database

#: Pages outside the navigation that a screenshot can show.
OTHER_PAGES: tuple[str, ...] = (
    "conflicts",
    "agenda",
    "meeting-mode",
    "reader",
    "signin",
    "demo-signin",
)
PAGES: tuple[str, ...] = PAGE_KEYS + OTHER_PAGES


def take_screenshot(
    page: str,
    db_path: Path,
    out: Path,
    *,
    size: tuple[int, int] = (1366, 768),
    today: dt.date | None = None,
    key: bytes | None = None,
    person_id: str | None = None,
) -> None:
    """Render the main window on `page` over the database at `db_path` and save a PNG to `out`.

    Args:
        page: one of `PAGES`.
        db_path: an existing Boardpack database.
        out: the PNG to write (its folder is created).
        size: the window's size in pixels (width, height).
        today: the date the figures are relative to (default: the real today).
        key: an encrypted board's data key (the CLI signs in for it: `cli_base.unlock_key`).
        person_id: who signed in: the window reads as them (`db.session.bind_viewer`).

    Raises:
        BoardpackError: unknown page, unreadable database, or the PNG could not be written.
    """
    from db.errors import BoardpackError

    if page not in PAGES:
        raise BoardpackError(f"unknown page {page!r}; pages: {', '.join(PAGES)}")
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QApplication

    if QCoreApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(["boardpack-screenshot"])

    import tempfile

    from db.store import open_database
    from desktop.app import build_main_window, is_demo_database

    demo = is_demo_database(Path(db_path))
    scratch: tempfile.TemporaryDirectory[str] | None = None
    meeting_id: str | None = None
    if page == "meeting-mode":
        from desktop.meeting_mode.rehearsal import rehearse, scratch_copy

        scratch = tempfile.TemporaryDirectory(prefix="boardpack-shot-")
        db_path = scratch_copy(Path(db_path), Path(scratch.name) / Path(db_path).name, key)
        copy = db_path
        meeting_id = rehearse(copy, today=today, key=key)
    database = open_database(db_path, key=key)
    if person_id is not None:
        from db.session import Viewer, bind_viewer

        bind_viewer(database, Viewer.person(person_id))
    try:
        window = build_main_window(database, today=today, demo=demo)
        try:
            window.resize(*size)
            if page == "conflicts" and window.sync_ui is not None:
                window.sync_ui.show_conflicts()
            elif page == "reader":  # the next meeting's first paper, open in the reader
                window.navigate("papers", {"view": "reader"})
            elif page == "minutes":  # the newest minutes, on an item with a decision
                window.navigate("minutes", {"item": 5})
            elif page in ("agenda", "meeting-mode"):
                window.navigate("meetings", {"view": page, "meeting_id": meeting_id})
            elif page in ("signin", "demo-signin"):  # the screen over the window at start
                _sign_in_screen(window, database, demo_picker=page == "demo-signin")
            else:
                window.show_page(page)
            window.show()
            for _ in range(5):  # layout, polish and deferred deletes settle over a few passes
                app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            pixmap = window.grab()
        finally:
            window.close()
            window.deleteLater()
            app.processEvents()
    finally:
        database.close()
        if scratch is not None:
            scratch.cleanup()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(out), "PNG"):
        raise BoardpackError(f"could not write the screenshot to {out}")


def _sign_in_screen(window: QWidget, database: Database, *, demo_picker: bool) -> None:
    """Lay the sign-in screen (or the demo's role picker) over `window`.

    A file without a keyring shows its people as the sign-in screen would list
    them once their passphrases are set (nothing is written).
    """
    from db.auth import Keyring
    from desktop.signin import DemoRolePicker, SignInScreen

    if demo_picker:
        DemoRolePicker(window)
        return
    if Keyring.exists(database.path):
        keyring = Keyring.load(database.path)
    else:
        from db.auth.board import people_with_seats

        with database.session() as session:
            people = {s.person_id: {"name": s.name} for s in people_with_seats(session)}
        keyring = Keyring(Keyring.path_for(database.path), {"format": 1, "people": people})
    SignInScreen(window, keyring, db_name=database.path.name)
