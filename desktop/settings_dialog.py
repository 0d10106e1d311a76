"""The Settings dialog: this laptop's idle lock, and the board's offline limits.

Two kinds of setting, said apart on screen because they live in different places:

- **On this laptop** (`QSettings`, `desktop.recent_files.app_settings`): the idle
  lock's minutes (`desktop.idle_lock.SETTING`) and the longer limit that holds
  during a live meeting (`desktop.idle_lock.MEETING_SETTING`). Saved, they also
  reach the running lock (`IdleLock.set_minutes`).
- **The board's rule** (`boards.offline_warn_days` / `offline_limit_days`, synced
  to every laptop): how many days without the central store before sign-in warns,
  and the hard limit after which it stops (`db.auth.board.set_offline_policy`,
  rules in `db.auth.offline.OfflinePolicy.validate`). Only the secretariat changes
  it (`Capability.EDIT_BUSINESS`); anyone else sees it read-only, with why.

Background sync has no setting yet (`desktop.sync_control.BACKGROUND_SYNC_MINUTES`
is fixed), so the dialog offers none.

Nothing is saved until every value is valid: a bad one is named in the
dialog's own error line and the dialog stays open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.idle_lock import (
    DEFAULT_MEETING_MINUTES,
    DEFAULT_MINUTES,
    MAX_MINUTES,
    MEETING_SETTING,
    SETTING,
)
from widgets.style import make_muted

if TYPE_CHECKING:
    from db.auth.offline import OfflinePolicy
    from db.store import Database

ERROR_COLOUR = "#b10e1e"
NOT_SECRETARIAT = (
    "Only the secretariat sets the board's offline limits: they are a board rule, "
    "synced to every laptop."
)


@dataclass(frozen=True)
class BoardRule:
    """The board whose offline limits the dialog shows, and who is looking."""

    database: Database
    board_id: str
    board_code: str
    actor_id: str | None


def _stored_minutes(settings: QSettings, key: str, default: int) -> int:
    try:
        value = int(str(settings.value(key, default)))
    except ValueError:
        return default
    return value if 1 <= value <= MAX_MINUTES else default


def _days_text(value: int | None) -> str:
    return "" if value is None else str(value)


def parse_days(text: str, what: str, blank: str) -> int | None:
    """A whole number of days typed in a field; blank is None. ValueError says what is wrong."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValueError(
            f"The {what} must be a whole number of days (or blank for {blank}), not “{text}”."
        ) from None


class SettingsDialog(QDialog):
    """Idle-lock minutes (this laptop) and the board's offline limits (secretariat)."""

    #: Everything was valid and has been saved.
    saved = Signal()

    def __init__(
        self,
        settings: QSettings,
        board: BoardRule | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.settings = settings
        self.board = board
        self.may_edit_board = False
        self.policy: OfflinePolicy | None = None

        # On this laptop ---------------------------------------------------------------
        self.idle_minutes = self._minutes_box(
            "idleMinutes", "Lock after this many minutes without input"
        )
        self.idle_minutes.setValue(_stored_minutes(settings, SETTING, DEFAULT_MINUTES))
        self.meeting_minutes = self._minutes_box(
            "meetingIdleMinutes", "During a live meeting, lock after this many minutes"
        )
        self.meeting_minutes.setValue(
            _stored_minutes(settings, MEETING_SETTING, DEFAULT_MEETING_MINUTES)
        )
        laptop = QGroupBox("Idle lock — on this laptop")
        laptop_form = QFormLayout(laptop)
        laptop_form.addRow("Lock the window after", self.idle_minutes)
        laptop_form.addRow("During a live meeting, after", self.meeting_minutes)
        laptop_note = QLabel(
            "With no keyboard or mouse input for this long, the board is hidden behind the "
            "sign-in screen. While meeting mode is open on a meeting in progress the lock "
            "waits for the longer time, so it does not lock while the board discusses an item."
        )
        laptop_note.setWordWrap(True)
        make_muted(laptop_note)
        laptop_form.addRow(laptop_note)

        # The board's rule ------------------------------------------------------------------
        self.warn_days = QLineEdit()
        self.warn_days.setObjectName("offlineWarnDays")
        self.warn_days.setAccessibleName("Warn after this many days without the central store")
        self.warn_days.setPlaceholderText("blank: 14 days (the default); 0: never warn")
        self.limit_days = QLineEdit()
        self.limit_days.setObjectName("offlineLimitDays")
        self.limit_days.setAccessibleName("Stop sign-in after this many days offline")
        self.limit_days.setPlaceholderText("blank: no limit")
        self.board_note = QLabel("")
        self.board_note.setObjectName("boardRuleNote")
        self.board_note.setWordWrap(True)
        make_muted(self.board_note)
        code = board.board_code if board is not None else "the board"
        self.board_box = QGroupBox(f"Offline limits — a rule of {code}, synced to every laptop")
        board_form = QFormLayout(self.board_box)
        board_form.addRow("Warn at sign-in after (days)", self.warn_days)
        board_form.addRow("Stop sign-in after (days)", self.limit_days)
        board_form.addRow(self.board_note)
        self._read_board()

        self.error = QLabel("")
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addWidget(laptop)
        layout.addWidget(self.board_box)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _minutes_box(self, name: str, spoken: str) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setAccessibleName(spoken)
        box.setRange(1, MAX_MINUTES)
        box.setSuffix(" minutes")
        return box

    def _read_board(self) -> None:
        board = self.board
        if board is None:
            self.board_box.setEnabled(False)
            self.board_note.setText("No board is open.")
            return
        from db.auth.board import board_offline_policy
        from db.permissions import Capability, allowed

        with board.database.session() as session:
            self.policy = board_offline_policy(session)
            self.may_edit_board = allowed(
                session, board.actor_id, board.board_id, Capability.EDIT_BUSINESS
            )
        self.warn_days.setText(_days_text(self.policy.warn_days))
        self.limit_days.setText(_days_text(self.policy.limit_days))
        for field in (self.warn_days, self.limit_days):
            field.setReadOnly(not self.may_edit_board)
            field.setToolTip("" if self.may_edit_board else NOT_SECRETARIAT)
        if not self.may_edit_board:  # read as a statement, not as a field to fill in
            self.warn_days.setPlaceholderText("14 days (the default)")
            self.limit_days.setPlaceholderText("no limit")
            for field in (self.warn_days, self.limit_days):
                field.setFrame(False)
                field.setStyleSheet("background: transparent;")
        limit = self.policy.limit_days
        now = (
            f"Now: sign-in warns after {self.policy.effective_warn_days} days without the "
            "central store"
            + (f" and stops after {limit} days." if limit is not None else "; no hard limit.")
        )
        self.board_note.setText(now if self.may_edit_board else f"{now} {NOT_SECRETARIAT}")

    # Saving ------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        """Show a problem in the dialog (nothing has been saved)."""
        self.error.setText(text)
        self.error.setAccessibleDescription(text)
        self.error.show()

    def board_policy(self) -> OfflinePolicy | None:
        """The offline limits typed in (validated), None when unchanged or not ours to set.

        Raises:
            ValueError: a field is not a whole number, or the limits break the board's rules.
        """
        if self.board is None or not self.may_edit_board or self.policy is None:
            return None
        from db.auth.offline import OfflinePolicy
        from db.errors import ValidationError

        warn = parse_days(self.warn_days.text(), "offline warning", "the 14-day default")
        limit = parse_days(self.limit_days.text(), "offline hard limit", "no limit")
        policy = OfflinePolicy(warn_days=warn, limit_days=limit)
        try:
            policy.validate()
        except ValidationError as refused:
            text = str(refused)
            raise ValueError(text[:1].upper() + text[1:] + ".") from None
        return None if policy == self.policy else policy

    def save(self) -> bool:
        """Check everything, then save it all (or nothing); True when saved."""
        idle, meeting = self.idle_minutes.value(), self.meeting_minutes.value()
        if meeting < idle:
            self.say(
                f"The lock during a live meeting ({meeting} minutes) cannot be shorter than "
                f"the normal idle lock ({idle} minutes)."
            )
            return False
        try:
            policy = self.board_policy()
        except ValueError as problem:
            self.say(str(problem))
            return False
        if policy is not None and self.board is not None:
            from db.auth.board import set_offline_policy
            from db.errors import BoardpackError

            board = self.board
            try:
                with board.database.begin(board.actor_id) as session:
                    set_offline_policy(session, board.actor_id, board.board_id, policy)
            except BoardpackError as refused:
                text = str(refused)
                self.say(f"The offline limits were not saved: {text}.")
                return False
            self.policy = policy
        self.settings.setValue(SETTING, idle)
        self.settings.setValue(MEETING_SETTING, meeting)
        self.settings.sync()
        self._apply(idle, meeting, policy_changed=policy is not None)
        self.error.hide()
        self.saved.emit()
        self.accept()
        return True

    def _apply(self, idle: int, meeting: int, *, policy_changed: bool) -> None:
        """The running idle lock takes the new minutes; its keyring the new limits."""
        from desktop.idle_lock import IdleLock

        parent = self.parentWidget()
        if parent is None:
            return
        for lock in parent.window().findChildren(IdleLock):
            lock.set_minutes(idle, meeting)
            if policy_changed and self.board is not None:
                from db.auth.board import refresh_keyring

                refresh_keyring(self.board.database, lock.keyring)
