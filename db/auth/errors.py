"""Why a sign-in or an enrolment was refused: one sentence a person can act on each.

Wrong passphrase and locked-out are distinct on purpose: a person who is
locked out must not keep typing passphrases, and one who mistyped must not be
told to wait. `OfflineTooLong` is the secretariat's hard limit on how long a
laptop may go without reaching the central store.
"""

from __future__ import annotations

import datetime as dt

from db.errors import BoardpackError, ValidationError


class KeyringError(BoardpackError):
    """The keyring file beside the database is missing, unreadable or altered."""


class PassphraseRuleError(ValidationError):
    """A new passphrase does not meet the minimum rules (length)."""


class SignInError(BoardpackError):
    """Base of every refused sign-in."""


class UnknownPersonError(SignInError):
    """The person has no passphrase on this laptop."""


class WrongPassphraseError(SignInError):
    """The passphrase is not this person's; `tries_left` before a lockout."""

    def __init__(self, message: str, tries_left: int) -> None:
        super().__init__(message)
        self.tries_left = tries_left


class LockedOutError(SignInError):
    """Too many wrong passphrases: sign-in for this person is paused until `until` (UTC)."""

    def __init__(self, message: str, until: dt.datetime) -> None:
        super().__init__(message)
        self.until = until


class OfflineTooLongError(SignInError):
    """The laptop has gone longer than the board's hard limit without the central store."""

    def __init__(self, message: str, days: int, limit_days: int) -> None:
        super().__init__(message)
        self.days = days
        self.limit_days = limit_days
