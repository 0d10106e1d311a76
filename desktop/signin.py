"""The sign-in screen, the demo's role picker, and setting a first passphrase.

The app opens on a sign-in screen when the database has a keyring
(`db.auth.keyring`): a person picker filled from the keyring — so it works
before an encrypted file can be read — a passphrase field (Enter signs in),
and one sentence when sign-in is refused (a wrong passphrase, a lockout and
the secretariat's offline limit each say what they are). The demo board
instead offers a role picker and says plainly that it needs no passphrase. A
real board with no keyring yet opens as before, and the app offers to set a
first passphrase (`EnrolmentDialog`).

The screens are `Cover`s: child widgets laid over the whole main window, so
the idle lock (`desktop.idle_lock`) can use the same screen to hide a board
left open. `Gate` decides which screen comes first and, once someone is in,
hands `desktop.app` an `Entry`: who signed in, in which role, with which data
key. argon2 (the passphrase check) is imported only when a keyring is used:
the demo's start-up pays nothing for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from db.auth import Keyring
    from db.auth.board import Seat
    from db.store import Database
    from desktop.idle_lock import IdleLock
    from desktop.main_window import MainWindow
    from desktop.sync_control import SyncController

#: The demo's seats, in the order the picker offers them.
DEMO_ROLES = (
    ("chair", "Chair", "Runs the meeting, records decisions, approves and signs the minutes."),
    ("vice_chair", "Vice-chair", "Reads the papers and exempt items, keeps private notes."),
    ("member", "Board member", "Reads the pack before the meeting, annotates, asks questions."),
    (
        "secretariat",
        "Secretariat",
        "Builds agendas and packs, records attendance, drafts and exports the minutes.",
    ),
    ("officer", "Officer", "Updates progress and RAG on their own actions, attaches evidence."),
    ("observer", "Observer", "Reads what is public; never sees exempt items."),
)
#: How long the offline notice stays in the status bar (ms).
NOTICE_MS = 60_000


def keyring_path(db_path: Path) -> Path:
    """Where `db.auth.keyring.Keyring.path_for` keeps the keyring (without importing it)."""
    return Path(f"{db_path}.keyring")


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Entry:
    """How someone got in: the person (signed in with a passphrase) or the demo's role."""

    person_id: str | None = None
    role: str | None = None  # the demo's chosen role
    data_key: bytes | None = None
    notices: tuple[str, ...] = ()
    keyring: Keyring | None = None  # set when signed in with a passphrase


class Cover(QFrame):
    """A panel over the whole of its window (kept to the window's size), hiding what is behind."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._window = window
        window.installEventFilter(self)
        self.setGeometry(window.rect())
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._window.rect())
        return False

    def remove(self) -> None:
        """Take the cover off its window for good."""
        self._window.removeEventFilter(self)
        self.hide()
        self.deleteLater()

    def _panel(self, title: str) -> QVBoxLayout:
        """A centred column with a heading; returns the column's layout."""
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        panel = QFrame()
        panel.setObjectName("signInCard")
        # The card in the base colour (white, or dark in dark mode) with a plain frame;
        # no style sheet, which would stop the window's larger font reaching the labels.
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        card = panel.palette()
        card.setColor(QPalette.ColorRole.Window, card.color(QPalette.ColorRole.Base))
        panel.setPalette(card)
        panel.setAutoFillBackground(True)
        panel.setMaximumWidth(540)
        panel.setMinimumWidth(400)
        column = QVBoxLayout(panel)
        column.setContentsMargins(28, 22, 28, 22)
        column.setSpacing(12)
        brand = QLabel("Boardpack")
        _muted(brand)
        column.addWidget(brand)
        heading = QLabel(title)
        heading.setObjectName("signInHeading")
        heading.setWordWrap(True)
        font = self._window.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName(title)
        column.addWidget(heading)
        row.addWidget(panel, 4)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.heading = heading
        return column


def _muted(label: QLabel) -> None:
    """Secondary text: the palette's placeholder colour (light and dark mode alike)."""
    palette = label.palette()
    palette.setColor(
        QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText)
    )
    label.setPalette(palette)


def _message_label(name: str, accessible: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(accessible)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    palette = label.palette()  # dark red and bold: read as a problem, not only by its colour
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#b00020"))
    label.setPalette(palette)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.hide()
    return label


class SignInScreen(Cover):
    """Pick yourself, type your passphrase, press Enter.

    With `person_id` (the idle lock) the person is fixed: only they may carry on.
    """

    signed_in = Signal(object)  # SignedIn
    close_requested = Signal()

    def __init__(
        self,
        window: QWidget,
        keyring: Keyring,
        *,
        db_name: str,
        person_id: str | None = None,
        idle_minutes: int | None = None,
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        super().__init__(window)
        self.setObjectName("signInScreen")
        self.setAccessibleName("Sign in")
        self._keyring = keyring
        self._clock = clock
        locked = person_id is not None
        title = "Locked" if locked else f"Sign in to {db_name}"
        column = self._panel(title)
        if locked:
            explain = (
                f"Nothing was done for {idle_minutes} minutes, so the board was hidden and "
                "the database closed. Type your passphrase to carry on where you were."
                if idle_minutes
                else "Type your passphrase to carry on where you were."
            )
        else:
            explain = "Choose your name and type your passphrase, then press Enter."
        intro = QLabel(explain)
        intro.setWordWrap(True)
        intro.setObjectName("signInIntro")
        column.addWidget(intro)

        form = QFormLayout()
        self.person = QComboBox()
        self.person.setObjectName("signInPerson")
        self.person.setAccessibleName("Person")
        for entry in keyring.people():
            self.person.addItem(entry.name, entry.person_id)
        if person_id is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(person_id)))
            self.person.setEnabled(False)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("signInPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Passphrase")
        self.passphrase.returnPressed.connect(self.attempt)
        form.addRow("&Name", self.person)
        form.addRow("&Passphrase", self.passphrase)
        column.addLayout(form)

        self.error = _message_label("signInError", "Sign-in problem")
        column.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        if locked:
            other = QPushButton("Close window (someone else)")
            other.setObjectName("signInCloseWindow")
            other.setAccessibleName("Close window: someone else needs to sign in")
            other.setToolTip("A different person signs in by opening Boardpack afresh")
            other.clicked.connect(self.close_requested)
            buttons.addWidget(other)
        self.button = QPushButton("Sign in")
        self.button.setObjectName("signInButton")
        self.button.setAccessibleName("Sign in")
        self.button.setDefault(True)
        self.button.clicked.connect(self.attempt)
        buttons.addWidget(self.button)
        column.addLayout(buttons)
        hint = QLabel(
            "Forgotten your passphrase, or paused after wrong tries? The secretariat can "
            "unlock it or set a new one."
        )
        hint.setWordWrap(True)
        hint.setObjectName("signInHint")
        _muted(hint)
        column.addWidget(hint)
        if self.person.count() == 0:
            self._show_error("Nobody has a passphrase on this laptop yet.")
            self.button.setEnabled(False)
        self.show()
        (self.passphrase if locked or self.person.count() == 1 else self.person).setFocus()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setAccessibleDescription(text)
        self.error.show()

    def attempt(self) -> None:
        """Check the passphrase; on success emit `signed_in`, else say why in one sentence."""
        from PySide6.QtGui import QGuiApplication

        from db.auth import SignInError

        person_id = self.person.currentData()
        if person_id is None:
            return
        if not self.passphrase.text():
            self._show_error("Type your passphrase first.")
            self.passphrase.setFocus()
            return
        self.button.setEnabled(False)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            signed = self._keyring.sign_in(person_id, self.passphrase.text(), now=self._clock())
        except SignInError as refused:
            text = str(refused)
            self._show_error(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))
            self.passphrase.selectAll()
            self.passphrase.setFocus()
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.button.setEnabled(True)
        self.passphrase.clear()  # the passphrase does not stay in a widget
        self.signed_in.emit(signed)


class DemoRolePicker(Cover):
    """The demo board: choose whose seat to take; no passphrase, and it says so."""

    chosen = Signal(str)  # a Role value

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("demoRolePicker")
        self.setAccessibleName("Demo board: choose a role")
        column = self._panel("Demo board")
        intro = QLabel(
            "This is the demo board: made-up people and records, no passphrase needed. "
            "Choose whose seat to take — each role sees and may do different things."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        form = QFormLayout()
        self.role = QComboBox()
        self.role.setObjectName("demoRole")
        self.role.setAccessibleName("Role on the demo board")
        for value, label, does in DEMO_ROLES:
            self.role.addItem(label, value)
            self.role.setItemData(self.role.count() - 1, does, Qt.ItemDataRole.ToolTipRole)
        form.addRow("&Sign in as", self.role)
        column.addLayout(form)
        self.does = QLabel(DEMO_ROLES[0][2])
        self.does.setObjectName("demoRoleDoes")
        self.does.setWordWrap(True)
        self.does.setAccessibleName("What this role does")
        self.role.currentIndexChanged.connect(lambda i: self.does.setText(DEMO_ROLES[i][2]))
        column.addWidget(self.does)
        self.button = QPushButton("Open the demo — no passphrase")
        self.button.setObjectName("demoSignIn")
        self.button.setAccessibleName("Open the demo board in this role, no passphrase")
        self.button.setDefault(True)
        self.button.clicked.connect(lambda: self.chosen.emit(self.role.currentData()))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.button)
        column.addLayout(buttons)
        self.show()
        self.role.setFocus()

    def keyPressEvent(self, event: object) -> None:
        from PySide6.QtGui import QKeyEvent

        if isinstance(event, QKeyEvent) and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.button.click()
            return
        super().keyPressEvent(event)  # type: ignore[arg-type]


class EnrolmentDialog(QDialog):
    """Set a first (or new) passphrase for a person with a seat on the board."""

    def __init__(
        self,
        seats: list[Seat],
        keyring: Keyring,
        *,
        data_key: bytes | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("enrolmentDialog")
        self.setWindowTitle("Set a passphrase")
        self.setAccessibleName("Set a passphrase")
        self._keyring = keyring
        self._data_key = data_key
        self.enrolled_id: str | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Nobody needs a passphrase to open this board on this laptop yet. Papers about "
            "children should not be one click away: set a passphrase for yourself "
            "(at least 12 characters — a few ordinary words are fine). From then on "
            "Boardpack opens on a sign-in screen."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.person = QComboBox()
        self.person.setAccessibleName("Person")
        for seat in seats:
            self.person.addItem(f"{seat.name} ({seat.role.label}, {seat.board_code})", seat)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("New passphrase")
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm.setAccessibleName("New passphrase again")
        form.addRow("&Who you are", self.person)
        form.addRow("&Passphrase", self.passphrase)
        form.addRow("&Again", self.confirm)
        layout.addLayout(form)
        self.error = _message_label("enrolmentError", "Passphrase problem")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("Set passphrase", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setAccessibleName("Set passphrase")
        later = buttons.addButton("Not now", QDialogButtonBox.ButtonRole.RejectRole)
        later.setAccessibleName("Not now")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        from db.errors import BoardpackError

        seat = self.person.currentData()
        if seat is None:
            return
        if self.passphrase.text() != self.confirm.text():
            self._say("The two passphrases differ; type the same one twice.")
            return
        try:
            self._keyring.enrol(
                seat.person_id, seat.name, self.passphrase.text(), data_key=self._data_key
            )
        except BoardpackError as refused:
            text = str(refused)
            self._say(text[:1].upper() + text[1:] + ("" if text.endswith(".") else "."))
            return
        self.passphrase.clear()
        self.confirm.clear()
        self.enrolled_id = seat.person_id
        super().accept()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setAccessibleDescription(text)
        self.error.show()
        self.passphrase.setFocus()


class Gate:
    """What stands between the opened window and the board: sign-in, the demo's picker, or nothing.

    `desktop.app` calls `before_open` once the window frame is composed and opens
    the database in `then(entry)`; after the board is shown it calls `opened` (the
    offline notice, the keyring's copy of the board's limits, the idle lock, or the
    offer of a first passphrase) and `sync_attached` (each successful sync is noted
    in the keyring as contact with the central store).
    """

    def __init__(self, window: MainWindow, db_path: Path, *, demo: bool, interactive: bool) -> None:
        self.window = window
        self.db_path = db_path
        self.demo = demo
        self.interactive = interactive
        self.entry = Entry()
        self.screen: Cover | None = None
        self.idle_lock: IdleLock | None = None
        self._database: Database | None = None

    def before_open(
        self,
        role: str | None,
        then: Callable[[Entry], None],
        refuse: Callable[[Exception], None] | None = None,
    ) -> None:
        """Show the sign-in (or the demo's picker) if one is needed, then call `then`.

        A keyring that cannot be read goes to `refuse` (the app says why and stops).
        """

        def done(entry: Entry) -> None:
            if self.screen is not None:
                self.screen.remove()
                self.screen = None
            self.entry = entry
            then(entry)

        if keyring_path(self.db_path).is_file():  # one stat: the demo's start pays no more
            from db.auth.errors import KeyringError
            from db.auth.keyring import Keyring

            try:
                keyring = Keyring.load(self.db_path)
            except KeyringError as error:
                if refuse is None:
                    raise
                refuse(error)
                return
            screen = SignInScreen(self.window, keyring, db_name=self.db_path.name)
            screen.signed_in.connect(
                lambda s: done(Entry(s.person_id, None, s.data_key, s.notices, keyring))
            )
            self.screen = screen
        elif self.demo and role is None and self.interactive:
            picker = DemoRolePicker(self.window)
            picker.chosen.connect(lambda chosen: done(Entry(role=chosen)))
            self.screen = picker
        else:
            done(Entry(role=role if self.demo else None))

    def opened(self, database: Database) -> None:
        """The board is shown: say any notice, refresh the keyring, lock when idle."""
        self._database = database
        entry = self.entry
        for notice in entry.notices:
            self.window.status.showMessage(notice, NOTICE_MS)
        if entry.keyring is not None and entry.person_id is not None:
            from desktop.idle_lock import IdleLock, idle_minutes

            _refresh_keyring(database, entry.keyring)
            self.idle_lock = IdleLock(
                self.window,
                database,
                entry.keyring,
                entry.person_id,
                minutes=idle_minutes(),
            )
        elif not self.demo and self.interactive:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, lambda: self.offer_enrolment(database))

    def sync_attached(self, controller: SyncController) -> None:
        """Note every successful sync in the keyring (the offline clock starts again)."""
        keyring = self.entry.keyring
        database = self._database
        if keyring is None or database is None:
            return
        controller.synced.connect(lambda _result: _refresh_keyring(database, keyring))
        if self.idle_lock is not None:
            self.idle_lock.controller = controller

    def offer_enrolment(self, database: Database) -> str | None:
        """A real board with nobody enrolled: offer to set a first passphrase."""
        from db.auth.board import people_with_seats
        from db.auth.keyring import Keyring

        with database.session() as session:
            seats = people_with_seats(session)
        if not seats:
            return None
        keyring = Keyring.load(self.db_path, create=True)
        dialog = EnrolmentDialog(seats, keyring, data_key=database.key, parent=self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.enrolled_id is None:
            return None
        self.take_seat(database, Entry(person_id=dialog.enrolled_id, keyring=keyring))
        self.window.status.showMessage(
            "Passphrase set: you are signed in, and next time Boardpack opens on the "
            "sign-in screen.",
            NOTICE_MS,
        )
        return dialog.enrolled_id

    def take_seat(self, database: Database, entry: Entry) -> None:
        """The window, already open, now acts as `entry`'s person (who has just set their
        first passphrase): their seat, their view of the board, the idle lock."""
        from db.session import Viewer, bind_viewer
        from desktop.app import load_window_data

        assert entry.person_id is not None
        self.entry = entry
        bind_viewer(database, Viewer.person(entry.person_id))
        self.window.show_data(
            load_window_data(database, today=dt.date.today(), person_id=entry.person_id)
        )
        self.opened(database)


def _refresh_keyring(database: Database, keyring: Keyring) -> None:
    """Copy the last successful sync and the board's offline limits (errors only logged)."""
    import logging

    from db.auth.board import refresh_keyring
    from db.errors import BoardpackError

    try:
        refresh_keyring(database, keyring)
    except (BoardpackError, OSError) as exc:  # the sign-in already happened; never fatal
        logging.getLogger(__name__).warning("keyring not refreshed: %s", exc)
