"""Idle lock: a board left open on a laptop locks itself after a few minutes of no input.

An application-wide event filter watches keyboard, mouse, wheel and touch
input; after `idle_minutes()` (QSettings `security/idle_lock_minutes`, default
10) without any, `IdleLock.lock`:
1. writes meeting-mode notes still waiting for their autosave (every
   `NotesAutosave` in the app is flushed: nothing typed is lost to the lock);
2. stops the sync status polls and background syncs;
3. hides the app's other windows and covers the main window with the sign-in
   screen for the same person (`desktop.signin.SignInScreen`);
4. disposes of the database engine's connections and, for an encrypted file,
   drops the data key: the engine is replaced by one with no key, which cannot
   read the file, until the passphrase unwraps the key again.
Signing in again (same person) puts everything back where it was; someone else
closes the window and opens Boardpack afresh.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from db.auth import Keyring, SignedIn
    from db.store import Database
    from desktop.signin import SignInScreen
    from desktop.sync_control import SyncController

SETTING = "security/idle_lock_minutes"
DEFAULT_MINUTES = 10
#: The longest idle time the setting may ask for (a board left open all afternoon is not idle).
MAX_MINUTES = 240

_INPUT = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
    }
)


def idle_minutes() -> int:
    """The configured idle time (QSettings `security/idle_lock_minutes`), 1 to 240 minutes."""
    from desktop.paths import app_paths
    from desktop.recent_files import app_settings

    value = app_settings(app_paths()).value(SETTING, DEFAULT_MINUTES)
    try:
        minutes = int(str(value))
    except ValueError:
        return DEFAULT_MINUTES
    return minutes if 1 <= minutes <= MAX_MINUTES else DEFAULT_MINUTES


def drop_key(database: Database) -> None:
    """Close every pooled connection and forget an encrypted file's data key.

    The engine is replaced by a keyless one, so nothing can read an encrypted
    file until `restore_key`; a plaintext file simply reopens on next use.
    """
    database.engine.dispose()
    if database.key is None:
        return
    from db.store import make_engine

    database.key = None
    _rebind(database, make_engine(database.path))


def restore_key(database: Database, key: bytes | None) -> None:
    """Give an encrypted file its data key again (after the passphrase unwrapped it)."""
    if key is None or database.key == key:
        return
    from db.store import make_engine

    database.engine.dispose()
    database.key = key
    _rebind(database, make_engine(database.path, key))


def _rebind(database: Database, engine: Engine) -> None:
    """Point the database's sessions at `engine`, keeping the factory (and the viewer
    bound to it, `db.session.bind_viewer`)."""
    database.engine = engine
    database.sessions.configure(bind=engine)


class IdleLock(QObject):
    """Locks `window` after `minutes` of no input; the same person signs in to unlock."""

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        database: Database,
        keyring: Keyring,
        person_id: str,
        *,
        minutes: int = DEFAULT_MINUTES,
        timeout_ms: int | None = None,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.database = database
        self.keyring = keyring
        self.person_id = person_id
        self.minutes = minutes
        self.controller: SyncController | None = None
        self.screen: SignInScreen | None = None
        self._hidden: list[QWidget] = []
        self._focus: QWidget | None = None
        self._background = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # restarted often: keep it exact
        self.timer.setInterval(timeout_ms if timeout_ms is not None else minutes * 60_000)
        self.timer.timeout.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.screen is None and kind in _INPUT:
            self.timer.start()  # restart the countdown
        elif kind == QEvent.Type.Close and watched is self.window:
            self.stop()  # a closed window is not locked later
        return False

    def stop(self) -> None:
        """No more locking (the window is closing)."""
        self.timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def lock(self) -> None:
        """Save pending notes, stop reading the file, cover the window, drop the key."""
        from desktop.meeting_mode.autosave import NotesAutosave
        from desktop.signin import SignInScreen

        if self.screen is not None:
            return
        self.timer.stop()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            for top in app.topLevelWidgets():
                for autosave in top.findChildren(NotesAutosave):
                    autosave.flush()
            self._focus = app.focusWidget()
            for top in app.topLevelWidgets():
                if top is not self.window and top.isVisible() and not isinstance(top, QDialog):
                    top.hide()
                    self._hidden.append(top)
        if self.controller is not None:
            self._background = self.controller.pause()
        drop_key(self.database)
        self.screen = SignInScreen(
            self.window,
            self.keyring,
            db_name=self.database.path.name,
            person_id=self.person_id,
            idle_minutes=self.minutes,
        )
        self.screen.signed_in.connect(self._unlock)
        self.screen.close_requested.connect(self.window.close)
        self.locked.emit()

    def _unlock(self, signed: SignedIn) -> None:
        if self.screen is None or signed.person_id != self.person_id:
            return
        restore_key(self.database, signed.data_key)
        self.screen.remove()
        self.screen = None
        for top in self._hidden:
            top.show()
        self._hidden.clear()
        if self.controller is not None:
            self.controller.resume(background=self._background)
        if self._focus is not None:
            self._focus.setFocus()
            self._focus = None
        self.timer.start()
        self.unlocked.emit()
