"""Start-up of the desktop app: window first, data second.

`run_gui` creates the `QApplication`, shows an empty `MainWindow` frame, and
only once that frame has been painted imports the data layer (SQLAlchemy and
the models; Alembic only for a file that needs migrating), opens the database
and fills the window — so the time to a first window stays close to a bare
PySide6 window. The sync part (the sync engine, the status it reads) is
attached just after the board's figures are painted. Heavy modules
(matplotlib, reportlab) are never imported here. `build_main_window` does the
same without an event loop, for tests and screenshots. `attach_sync` gives
the window its sync controller (and the one background worker) once the
database is open; only `run_gui` also starts the background syncs.
`load_window_data` is the one place the window's data is read: one short
read-only session over `db.views`, returning frozen dataclasses.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from desktop.main_window import APP_TITLE, MainWindow, WindowData

if TYPE_CHECKING:
    from collections.abc import Callable

    from db.errors import CorruptDatabaseError
    from db.store import Database
    from desktop.signin import Entry, Gate
    from desktop.sync_control import SyncController

#: Qt platforms with no one to read a dialog (tests, bench, screenshots).
_HEADLESS_PLATFORMS = frozenset({"offscreen", "minimal"})
#: Window size on first start: a 1366×768 laptop, less the taskbar.
DEFAULT_SIZE = (1366, 768)


def load_window_data(
    database: Database,
    *,
    today: dt.date,
    demo: bool = False,
    role: str | None = None,
    person_id: str | None = None,
) -> WindowData:
    """Read the board the window opens on and its dashboard figures.

    Args:
        database: the open database.
        today: the date the figures are relative to (overdue actions).
        demo: whether this is the demo database (changes the sign-in wording).
        role: on the demo board, the role whose seat the window takes (default chair).
        person_id: the person signed in with a passphrase: the window takes their seat.

    Returns:
        The window's data; `context` is None when the database holds no board.
    """
    from db.models import Role
    from db.views import default_board_context, load_dashboard

    with database.session() as session:
        if person_id is not None:
            from db.auth.board import signed_in_context

            context = signed_in_context(session, person_id)
        else:
            context = default_board_context(session, Role(role) if role else Role.CHAIR)
        summary = load_dashboard(session, context, today) if context is not None else None
    return WindowData(
        database.path, context, summary, demo, database, today, signed_in=person_id is not None
    )


def build_main_window(
    database: Database, *, today: dt.date | None = None, demo: bool = False
) -> MainWindow:
    """A main window showing the database's board, without entering the event loop.

    A `QApplication` must already exist.

    Args:
        database: the open database.
        today: the date figures are relative to (default: the real today).
        demo: whether this is the demo database.
    """
    window = MainWindow()
    window.compose()
    window.show_data(load_window_data(database, today=today or dt.date.today(), demo=demo))
    attach_sync(window, database, today=today, demo=demo)
    return window


def attach_sync(
    window: MainWindow, database: Database, *, today: dt.date | None = None, demo: bool = False
) -> SyncController:
    """Give the window a sync controller on `database`, with the app's background worker.

    The window's figures are re-read whenever a sync or a resolved conflict may
    have changed them. Background syncs are not started here (`start_background`).
    """
    from desktop.background import Worker
    from desktop.sync_control import SyncController

    controller = SyncController(database, Worker(window), parent=window)

    def reload() -> None:
        window.show_data(load_window_data(database, today=today or dt.date.today(), demo=demo))

    controller.data_changed.connect(reload)
    window.attach_sync(controller)
    return controller


def _bind_viewer(database: Database, person_id: str) -> None:
    """Sessions of `database` read and write as `person_id` (`db.session.bind_viewer`)."""
    from db.session import Viewer, bind_viewer

    bind_viewer(database, Viewer.person(person_id))


def is_demo_database(db_path: Path) -> bool:
    """Whether `db_path` is a demo database: the app's own, or one named like it.

    The name counts too because `--data-dir` moves the demo without telling us.
    """
    from desktop.paths import app_paths

    demo = app_paths().demo_db
    if db_path.name == demo.name:
        return True
    try:
        return db_path.resolve() == demo.resolve()
    except OSError:
        return False


class _FirstPaint(QObject):
    """Calls `callback` once, just after the watched window first paints."""

    def __init__(self, callback: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._callback: Callable[[], None] | None = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            callback, self._callback = self._callback, None
            watched.removeEventFilter(self)
            # Let this paint finish and reach the screen before doing anything else.
            QTimer.singleShot(0, callback)
        return False


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0] if sys.argv else "boardpack"])
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    return app


def run_gui(
    db_path: Path,
    *,
    quit_when_shown: bool = False,
    demo: bool | None = None,
    quit_when_loaded: bool = False,
    role: str | None = None,
    signed_in: Entry | None = None,
) -> int:
    """Open the app on the database at `db_path` and run until the window closes.

    Args:
        db_path: the Boardpack database file (it must exist; the CLI creates the demo).
        quit_when_shown: exit with 0 as soon as the window has first been painted,
            before any data is loaded (used by the bench to time a cold start).
        demo: whether this is the demo database (default: guessed from the path).
        quit_when_loaded: exit with 0 just after the dashboard has first been painted
            with the board's figures (used by the bench to time start to dashboard);
            the sync part, which a user's window attaches just after that paint, is
            not started.
        signed_in: someone already signed in (the welcome screen's new board, made by
            them with their passphrase): the board opens as them, without the sign-in.

    Returns:
        The process exit code: 0, or 1 when the database could not be opened.
    """
    db_path = Path(db_path)
    app = _application()
    window = MainWindow()  # the frame only: composed once it has been painted
    screen = app.primaryScreen()
    width, height = DEFAULT_SIZE
    if screen is not None:
        available = screen.availableGeometry()
        width, height = min(width, available.width()), min(height, available.height())
    window.resize(width, height)

    opened: list[Database] = []
    ask = app.platformName() not in _HEADLESS_PLATFORMS
    # Sign-in (or the demo's role picker) stands before the board: made after the
    # first paint (`on_first_paint`), like everything the frame does not need.
    gates: list[Gate] = []

    def load(entry: Entry | None = None) -> None:
        from sqlalchemy.exc import DatabaseError

        from db.errors import BoardpackError
        from desktop.backup_dialog import daily_backup_in_background, damage_found, open_for_app

        gate = gates[0]
        entry = entry or gate.entry
        is_demo = gate.demo
        try:
            database = open_for_app(db_path, parent=window, ask=ask, key=entry.data_key)
            opened.append(database)
            today = dt.date.today()
            if is_demo:  # the demo's story stops at its snapshot date: show it as of then
                from db.demo import DEMO_AS_OF

                today = DEMO_AS_OF
            if entry.person_id is not None:  # every read and write as the signed-in person
                _bind_viewer(database, entry.person_id)
            data = load_window_data(
                database, today=today, demo=is_demo, role=entry.role, person_id=entry.person_id
            )
            viewer = data.context.viewer if data.context is not None else None
            if is_demo and viewer is not None:  # the demo's seat reads as its holder would
                _bind_viewer(database, viewer.person_id)
        except BoardpackError as error:
            refuse(error)
            return
        except DatabaseError as error:  # damage met before the deferred check ran
            on_damaged(damage_found(db_path, error, key=entry.data_key))
            return
        window.show_data(data)
        gate.opened(database)
        from desktop.backup_dialog import IntegrityCheck

        checker = IntegrityCheck(window)  # the whole-file check open_for_app deferred
        checker.damaged.connect(on_damaged)
        checker.start(database)
        if not is_demo:  # the demo is made again at will; a real board is copied daily
            daily_backup_in_background(database)

        if quit_when_loaded:  # the figures' first paint ends the run (the bench's clock)
            label = window.dashboard.board_label
            label.installEventFilter(_FirstPaint(lambda: app.exit(0), window))
            label.update()
            # Nothing else is queued ahead of that exit: the sync part below would run
            # before it (its call is queued before the paint) and be timed as the dashboard's.
            return

        # The sync status reads figures of its own (and loads the sync engine): the
        # board's figures are painted first, the sync part a moment later.
        def start_sync() -> None:
            controller = attach_sync(window, database, demo=is_demo)
            gate.sync_attached(controller)
            controller.start_background()

        QTimer.singleShot(0, start_sync)

    def on_damaged(error: CorruptDatabaseError) -> None:

        from desktop.backup_dialog import offer_restore
        from desktop.paths import app_paths

        for database in opened:
            database.close()
        opened.clear()
        ask = app.platformName() not in _HEADLESS_PLATFORMS
        key = gates[0].entry.data_key if gates else None  # an encrypted board's data key
        if ask and offer_restore(window, db_path, error, app_paths().backup_dir, key=key):
            load()  # the restored file, opened again
            return
        refuse(error)

    def refuse(error: Exception) -> None:
        """The file cannot be shown: say why (window, stderr, a dialog when someone is there)."""
        from PySide6.QtWidgets import QMessageBox

        window.show_error(db_path, str(error))
        print(f"boardpack: {error}", file=sys.stderr)
        if app.platformName() not in _HEADLESS_PLATFORMS:
            QMessageBox.critical(window, APP_TITLE, str(error))
        app.exit(1)

    def on_first_paint() -> None:
        if quit_when_shown:
            app.exit(0)
            return
        from desktop.signin import Gate

        window.compose()
        is_demo = is_demo_database(db_path) if demo is None else demo
        gates.append(gate := Gate(window, db_path, demo=is_demo, interactive=ask))
        window.show_opening(db_path)
        if signed_in is not None:  # they set their passphrase a moment ago
            gate.entry = signed_in
            QTimer.singleShot(0, lambda: load(signed_in))
            return
        # Let the composed window paint before the database modules load (after sign-in).
        gate.before_open(role, lambda entry: QTimer.singleShot(0, lambda: load(entry)), refuse)

    watcher = _FirstPaint(on_first_paint, window)
    window.installEventFilter(watcher)
    window.show()
    try:
        return app.exec()
    finally:
        window.close()
        for database in opened:
            database.close()
