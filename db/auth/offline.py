"""Offline validity: how long a laptop may go without reaching the central store.

A laptop that never syncs keeps showing a board as it was: after `warn_days`
(default 14) sign-in still works but says so; after the secretariat's hard
limit `limit_days` (none by default) sign-in stops until the laptop has synced
again. Days are counted from the last successful sync, or — for a laptop that
has never synced — from when its first passphrase was set. The limits are a
board setting (`boards.offline_warn_days`, `boards.offline_limit_days`) that
travels with sync; the keyring keeps a copy so they apply before the database
is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Days without the central store before sign-in warns, when the board sets none.
DEFAULT_WARN_DAYS = 14


def _date_text(value: dt.datetime) -> str:
    local = value.astimezone()
    return f"{local.day} {local:%b %Y}"


def _days(n: int) -> str:
    return f"{n} day" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class OfflinePolicy:
    """The board's limits: warn after `warn_days` (None: default, 0: never), stop after
    `limit_days` (None: never)."""

    warn_days: int | None = None
    limit_days: int | None = None

    @property
    def effective_warn_days(self) -> int:
        return DEFAULT_WARN_DAYS if self.warn_days is None else self.warn_days

    @staticmethod
    def days_offline(last: dt.datetime | None, since_setup: dt.datetime, now: dt.datetime) -> int:
        """Whole days from the last central contact (or set-up) to `now`, never negative."""
        start = last if last is not None else since_setup
        return max(0, (now - start).days)

    def beyond_limit(self, days: int) -> bool:
        return self.limit_days is not None and days > self.limit_days

    def limit_text(self, days: int) -> str:
        return (
            f"this laptop has not reached the central store for {_days(days)}, and the board "
            f"allows {_days(self.limit_days or 0)}: connect to the central store and sync "
            "(boardpack sync) before signing in, or ask the secretariat"
        )

    def notice(self, days: int, last: dt.datetime | None, now: dt.datetime) -> str | None:
        """The sentence sign-in shows when the laptop has been offline a while, else None."""
        warn = self.effective_warn_days
        if warn <= 0 or days < warn:
            return None
        if last is None:
            text = f"This laptop has never reached the central store ({_days(days)} since set-up)"
        else:
            text = (
                f"This laptop last reached the central store {_days(days)} ago ({_date_text(last)})"
            )
        text += ": what you see may be out of date; sync soon."
        if self.limit_days is not None:
            left = self.limit_days - days
            text += (
                f" Sign-in stops in {_days(left)} unless it syncs."
                if left > 0
                else (" Sign-in stops tomorrow unless it syncs.")
            )
        return text

    def validate(self) -> None:
        """Refuse negative days, or a hard limit shorter than the warning."""
        from db.errors import ValidationError

        for label, value in (("warning", self.warn_days), ("hard limit", self.limit_days)):
            if value is not None and not 0 <= value <= 3650:
                raise ValidationError(f"the offline {label} must be 0 to 3650 days, not {value}")
        if self.limit_days is not None and self.limit_days < 1:
            raise ValidationError("the offline hard limit must be at least 1 day (or none)")
