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

During a live meeting the chair may not touch the laptop for twenty minutes
while the board discusses an item, so the lock is held: when the countdown
ends while meeting mode is open on a meeting in progress (`meeting_in_progress`),
the status bar says "Idle lock held during the meeting" and the countdown goes
on up to `meeting_idle_minutes()` (QSettings
`security/meeting_idle_lock_minutes`, default 60) — a laptop left behind in
the meeting room still locks. Any input ends the hold; once the meeting is
closed (or meeting mode left) the next countdown locks as usual. Changed
settings reach a running lock through `IdleLock.set_minutes`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QWidget

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
MEETING_SETTING = "security/meeting_idle_lock_minutes"
DEFAULT_MEETING_MINUTES = 60

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


def _minutes_setting(key: str, default: int) -> int:
    from desktop.paths import app_paths
    from desktop.recent_files import app_settings

    value = app_settings(app_paths()).value(key, default)
    try:
        minutes = int(str(value))
    except ValueError:
        return default
    return minutes if 1 <= minutes <= MAX_MINUTES else default


def idle_minutes() -> int:
    """The configured idle time (QSettings `security/idle_lock_minutes`), 1 to 240 minutes."""
    return _minutes_setting(SETTING, DEFAULT_MINUTES)


def meeting_idle_minutes() -> int:
    """The idle time during a live meeting (QSettings `security/meeting_idle_lock_minutes`),
    1 to 240 minutes."""
    return _minutes_setting(MEETING_SETTING, DEFAULT_MEETING_MINUTES)


#: The status bar's line while the lock is held for a meeting (short: the status bar's
#: permanent parts leave it about 300 pixels on a laptop).
HELD_TEXT = "Idle lock held during the meeting"


def meeting_in_progress(window: QWidget) -> bool:
    """Whether meeting mode in `window` is open on a meeting now in progress.

    The meetings page has the meeting open (its cockpit has a controller) and
    the meeting's status is in progress — whichever page is on screen, since
    the chair may show the risk register mid-meeting. Meeting mode's module is
    not imported here: if nothing imported it, no meeting is open.
    """
    cockpit = sys.modules.get("desktop.meeting_mode.cockpit")
    if cockpit is None:
        return False
    return any(
        mode.controller is not None and mode.is_open
        for mode in window.findChildren(cockpit.MeetingMode)
    )


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
    """Locks `window` after `minutes` of no input (`meeting_minutes` while a meeting is in
    progress); the same person signs in to unlock."""

    locked = Signal()
    unlocked = Signal()
    #: The countdown ended during a live meeting: the lock waits (the status bar says so).
    held = Signal()

    def __init__(
        self,
        window: QWidget,
        database: Database,
        keyring: Keyring,
        person_id: str,
        *,
        minutes: int = DEFAULT_MINUTES,
        timeout_ms: int | None = None,
        meeting_minutes: int | None = None,
        meeting_timeout_ms: int | None = None,
    ) -> None:
        """`timeout_ms` and `meeting_timeout_ms` (tests) replace the minutes as the countdowns;
        `meeting_minutes` defaults to the setting (`meeting_idle_minutes`)."""
        super().__init__(window)
        self.window = window
        self.database = database
        self.keyring = keyring
        self.person_id = person_id
        self.minutes = minutes
        self.meeting_minutes = (
            meeting_minutes if meeting_minutes is not None else meeting_idle_minutes()
        )
        self.timeout_ms = timeout_ms if timeout_ms is not None else minutes * 60_000
        self.meeting_timeout_ms = (
            meeting_timeout_ms if meeting_timeout_ms is not None else self.meeting_minutes * 60_000
        )
        #: Milliseconds without input counted so far by held countdowns (0: not held).
        self.idle_ms = 0
        self.controller: SyncController | None = None
        self.screen: SignInScreen | None = None
        self._hidden: list[QWidget] = []
        self._focus: QWidget | None = None
        self._background = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # restarted often: keep it exact
        self.timer.setInterval(self.timeout_ms)
        self.timer.timeout.connect(self._countdown_ended)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    @property
    def is_locked(self) -> bool:
        return self.screen is not None

    @property
    def is_held(self) -> bool:
        """The normal countdown ended during a meeting and the lock is waiting."""
        return self.idle_ms > 0 and self.screen is None

    def set_minutes(self, minutes: int, meeting_minutes: int) -> None:
        """New idle times (the Settings dialog); the countdown starts again with them."""
        self.minutes, self.meeting_minutes = minutes, meeting_minutes
        self.timeout_ms, self.meeting_timeout_ms = minutes * 60_000, meeting_minutes * 60_000
        if self.screen is None and self.timer.isActive():
            self._end_hold()
            self.timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.screen is None and kind in _INPUT:
            if self.idle_ms:
                self._end_hold()
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

    def _countdown_ended(self) -> None:
        """Lock — unless a meeting is in progress and its longer limit is not reached yet."""
        self.idle_ms += self.timer.interval()
        left = self.meeting_timeout_ms - self.idle_ms
        if left > 0 and meeting_in_progress(self.window):
            # Look again after at most a normal countdown: a meeting closed meanwhile
            # locks then, not at the meeting limit.
            self.timer.setInterval(min(self.timeout_ms, left))
            self.timer.start()
            if isinstance(self.window, QMainWindow):
                self.window.statusBar().showMessage(HELD_TEXT)
            self.held.emit()
            return
        self.lock()

    def _end_hold(self) -> None:
        """Back to the normal countdown (input, a lock, new settings)."""
        was_held = self.idle_ms > 0
        self.idle_ms = 0
        self.timer.setInterval(self.timeout_ms)
        if was_held and isinstance(self.window, QMainWindow):
            bar = self.window.statusBar()
            if bar.currentMessage() == HELD_TEXT:
                bar.clearMessage()

    def lock(self) -> None:
        """Save pending notes, stop reading the file, cover the window, drop the key."""
        from desktop.meeting_mode.autosave import NotesAutosave
        from desktop.signin import SignInScreen

        if self.screen is not None:
            return
        self.timer.stop()
        # Held for a meeting, then locked: say how long it really was idle.
        idle = max(self.minutes, round(self.idle_ms / 60_000))
        self._end_hold()
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
            idle_minutes=idle,
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
