"""The per-install keyring: who may sign in on this laptop, and how to open the file.

A JSON file beside the database (`<db file>.keyring`), never synced, holding
for each enrolled person their display name, the argon2id hash of their
passphrase, the failed tries and any lockout, and — when the database is
encrypted — the data key wrapped under a key derived from their passphrase
(`db.crypto`). Also file-wide: whether the database is encrypted, when this
laptop last reached the central store, and the board's offline limits (copied
from the board by `db.auth.board.refresh_keyring`, because sign-in happens
before an encrypted database can be read).

Every change is written atomically (a temporary file in the same folder, then
`os.replace`), and every change first re-reads the file, so a lockout cleared
by `boardpack user unlock` is not undone by an app that loaded the keyring an
hour earlier. The failure counter is in the file, so restarting the app does
not reset it.

Lockout: `MAX_FAILURES` wrong passphrases in a row pause sign-in for
`LOCK_MINUTES`; each further wrong passphrase after that doubles the pause (up
to a day). A right passphrase clears the count.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.auth import passphrase as pp
from db.auth.errors import (
    KeyringError,
    LockedOutError,
    OfflineTooLongError,
    UnknownPersonError,
    WrongPassphraseError,
)
from db.auth.offline import OfflinePolicy

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from db.crypto import KdfParams

FORMAT = 1
SUFFIX = ".keyring"
#: Wrong passphrases in a row before sign-in is paused.
MAX_FAILURES = 5
#: The first pause; each further wrong passphrase doubles it.
LOCK_MINUTES = 15
#: The longest pause.
MAX_LOCK = dt.timedelta(hours=24)


@dataclass(frozen=True)
class SignedIn:
    """A successful sign-in: who, the data key if the file is encrypted, what to tell them."""

    person_id: str
    data_key: bytes | None
    notices: tuple[str, ...]


@dataclass(frozen=True)
class KeyringPerson:
    """One enrolled person as `boardpack user list` and the sign-in screen show them."""

    person_id: str
    name: str
    failures: int
    locked_until: dt.datetime | None
    has_key: bool

    def locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return value.astimezone(dt.UTC)


def _iso(value: dt.datetime | None) -> str | None:
    return _utc(value).isoformat() if value is not None else None


def _when(text: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def local_time_text(value: dt.datetime) -> str:
    """A moment as a person reads it on this laptop: "18:42 on 26 Nov 2026"."""
    local = value.astimezone()
    return f"{local:%H:%M} on {local.day} {local:%b %Y}"


def lock_duration(failures: int) -> dt.timedelta:
    """How long sign-in is paused after `failures` wrong passphrases in a row."""
    if failures < MAX_FAILURES:
        return dt.timedelta(0)
    pause: dt.timedelta = dt.timedelta(minutes=LOCK_MINUTES) * 2 ** (failures - MAX_FAILURES)
    return min(pause, MAX_LOCK)


def _minutes_text(span: dt.timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{minutes} minutes"


class Keyring:
    """The keyring of one database file (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        data: dict[str, Any],
        *,
        hasher: PasswordHasher | None = None,
        kdf_params: KdfParams | None = None,
    ) -> None:
        self.path = path
        self._data = data
        self._hasher = hasher
        self._kdf_params = kdf_params

    # Files ----------------------------------------------------------------

    @staticmethod
    def path_for(db_path: str | Path) -> Path:
        """`<db file>.keyring`, beside the database."""
        return Path(f"{db_path}{SUFFIX}")

    @classmethod
    def exists(cls, db_path: str | Path) -> bool:
        """Whether the database has a keyring (one stat: the demo's start pays nothing more)."""
        return cls.path_for(db_path).is_file()

    @classmethod
    def load(
        cls,
        db_path: str | Path,
        *,
        create: bool = False,
        hasher: PasswordHasher | None = None,
        kdf_params: KdfParams | None = None,
        now: dt.datetime | None = None,
    ) -> Keyring:
        """The keyring of `db_path`; with `create`, an empty one (saved on first change).

        Raises:
            KeyringError: there is none (and not `create`), or it cannot be read.
        """
        path = cls.path_for(db_path)
        if not path.exists():
            if not create:
                raise KeyringError(f"{Path(db_path).name} has no passphrases set on this laptop")
            created = _utc(now or dt.datetime.now(dt.UTC))
            data = {"format": FORMAT, "created_at": created.isoformat(), "people": {}}
            return cls(path, data, hasher=hasher, kdf_params=kdf_params)
        return cls(path, cls._read(path), hasher=hasher, kdf_params=kdf_params)

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise KeyringError(f"the keyring {path.name} cannot be read ({exc.strerror})") from None
        except ValueError:
            raise KeyringError(f"the keyring {path.name} is damaged (not readable JSON)") from None
        if not isinstance(data, dict) or not isinstance(data.get("people"), dict):
            raise KeyringError(f"the keyring {path.name} is damaged (no people in it)")
        if data.get("format") != FORMAT:
            raise KeyringError(
                f"the keyring {path.name} was written by a newer Boardpack; update the app"
            )
        return data

    def _refresh(self) -> None:
        """Re-read the file before a change (another process may have written it)."""
        if self.path.exists():
            self._data = self._read(self.path)

    def save(self) -> None:
        """Write the keyring atomically: a whole new file or the old one, never half."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self._data, indent=1, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # Reading ----------------------------------------------------------------

    @property
    def kdf_params(self) -> KdfParams:
        """The key-derivation parameters new wrapped keys are made with."""
        if self._kdf_params is None:
            from db.crypto import KdfParams

            self._kdf_params = KdfParams()
        return self._kdf_params

    @property
    def hasher(self) -> PasswordHasher:
        if self._hasher is None:
            self._hasher = pp.default_hasher()
        return self._hasher

    @property
    def encrypted(self) -> bool:
        return bool(self._data.get("encrypted", False))

    @encrypted.setter
    def encrypted(self, value: bool) -> None:
        """Mark the database encrypted (or not) and save at once."""
        self._refresh()
        self._data["encrypted"] = bool(value)
        self.save()

    @property
    def created_at(self) -> dt.datetime:
        return _when(self._data.get("created_at")) or dt.datetime.now(dt.UTC)

    @property
    def last_central_contact(self) -> dt.datetime | None:
        return _when(self._data.get("last_central_contact"))

    @property
    def offline_policy(self) -> OfflinePolicy:
        return OfflinePolicy(
            warn_days=self._data.get("offline_warn_days"),
            limit_days=self._data.get("offline_limit_days"),
        )

    def people(self) -> list[KeyringPerson]:
        """Everyone enrolled, by name."""
        found = [self._person(pid, entry) for pid, entry in self._data["people"].items()]
        return sorted(found, key=lambda p: (p.name.casefold(), p.person_id))

    def person(self, person_id: str) -> KeyringPerson:
        """One enrolled person (`UnknownPersonError` if not enrolled)."""
        return self._person(person_id, self._entry(person_id))

    @staticmethod
    def _person(person_id: str, entry: dict[str, Any]) -> KeyringPerson:
        return KeyringPerson(
            person_id=person_id,
            name=str(entry["name"]),
            failures=int(entry.get("failures", 0)),
            locked_until=_when(entry.get("locked_until")),
            has_key=bool(entry.get("wrapped_key")),
        )

    def _entry(self, person_id: str) -> dict[str, Any]:
        entry = self._data["people"].get(person_id)
        if entry is None:
            raise UnknownPersonError("that person has no passphrase on this laptop yet")
        return dict(entry)

    # Changing -----------------------------------------------------------------

    def enrol(
        self,
        person_id: str,
        name: str,
        passphrase: str,
        *,
        data_key: bytes | None,
        now: dt.datetime | None = None,
    ) -> None:
        """Set `person_id`'s passphrase (replacing any earlier one) and save.

        Args:
            person_id: the person's id in the database.
            name: their display name (shown before the database is open).
            passphrase: the new passphrase (at least `passphrase.MIN_LENGTH` characters).
            data_key: the encrypted database's data key, wrapped for this person;
                None for an unencrypted database.

        Raises:
            PassphraseRuleError: the passphrase is too short.
            KeyringError: the database is encrypted and no data key was given.
        """
        pp.check_rules(passphrase)
        self._refresh()
        if self.encrypted and data_key is None:
            raise KeyringError(
                "this database is encrypted: a new passphrase can only be set by someone "
                "already signed in on this laptop"
            )
        entry: dict[str, Any] = {
            "name": name,
            "hash": pp.hash_passphrase(self.hasher, passphrase),
            "failures": 0,
            "locked_until": None,
            "enrolled_at": _iso(now or dt.datetime.now(dt.UTC)),
        }
        entry.update(self._wrapped(passphrase, data_key))
        self._data["people"][person_id] = entry
        self.save()

    def _wrapped(self, passphrase: str, data_key: bytes | None) -> dict[str, Any]:
        """The kdf and wrapped-key fields for `data_key` under `passphrase` (fresh salt)."""
        if data_key is None:
            return {"kdf": None, "wrapped_key": None}
        from db.crypto import derive_kek, new_salt, wrap_key

        salt = new_salt()
        kek = derive_kek(passphrase, salt, self.kdf_params)
        return {
            "kdf": {"salt": _b64(salt), "params": self.kdf_params.as_dict()},
            "wrapped_key": _b64(wrap_key(data_key, kek)),
        }

    def _unwrap(self, entry: dict[str, Any], passphrase: str) -> bytes | None:
        if not entry.get("wrapped_key"):
            return None
        from db.crypto import KdfParams, derive_kek, unwrap_key
        from db.crypto import WrongPassphraseError as UnwrapFailed

        try:
            kdf = entry["kdf"]
            kek = derive_kek(passphrase, _unb64(kdf["salt"]), KdfParams.from_dict(kdf["params"]))
            return unwrap_key(_unb64(entry["wrapped_key"]), kek)
        except (UnwrapFailed, KeyError, TypeError, ValueError):
            raise KeyringError(
                f"the keyring {self.path.name} has been altered: {entry['name']}'s key does not "
                "open with their passphrase; ask the secretariat to set their passphrase again"
            ) from None

    def sign_in(
        self, person_id: str, passphrase: str, *, now: dt.datetime, to_sync: bool = False
    ) -> SignedIn:
        """Check `person_id`'s passphrase; on success clear the failures and unwrap the key.

        `to_sync`: the sign-in only syncs with the central store, which is the way back
        from the hard offline limit, so that limit lets it through with a notice.

        On success the hash is remade if the hasher's parameters changed, and the
        data key re-wrapped if the key-derivation parameters changed.

        Raises:
            UnknownPersonError: not enrolled on this laptop.
            LockedOutError: too many wrong passphrases; the passphrase is not even checked.
            WrongPassphraseError: not their passphrase (the failure is counted).
            OfflineTooLongError: right passphrase, but the board's hard offline limit passed.
            KeyringError: the keyring was altered (hash right, key does not unwrap).
        """
        now = _utc(now)
        self._refresh()
        entry = self._entry(person_id)
        name = entry["name"]
        until = _when(entry.get("locked_until"))
        if until is not None and now < until:
            raise LockedOutError(
                f"sign-in for {name} is paused after too many wrong passphrases; try again "
                f"after {local_time_text(until)}, or ask the secretariat to unlock it",
                until,
            )
        if not pp.verify(self.hasher, entry["hash"], passphrase):
            failures = int(entry.get("failures", 0)) + 1
            pause = lock_duration(failures)
            entry["failures"] = failures
            entry["locked_until"] = _iso(now + pause) if pause else None
            self._data["people"][person_id] = entry
            self.save()
            if pause:
                raise LockedOutError(
                    f"that passphrase is not right for {name}, and after {failures} wrong "
                    f"passphrases sign-in is paused for {_minutes_text(pause)} (until "
                    f"{local_time_text(now + pause)}), or until the secretariat unlocks it",
                    now + pause,
                )
            left = MAX_FAILURES - failures
            raise WrongPassphraseError(
                f"that passphrase is not right for {name}; after {left} more wrong "
                f"{'try' if left == 1 else 'tries'} sign-in pauses for {LOCK_MINUTES} minutes",
                left,
            )
        data_key = self._unwrap(entry, passphrase)
        if pp.needs_rehash(self.hasher, entry["hash"]):
            entry["hash"] = pp.hash_passphrase(self.hasher, passphrase)
        kdf = entry.get("kdf")
        if data_key is not None and kdf and kdf.get("params") != self.kdf_params.as_dict():
            entry.update(self._wrapped(passphrase, data_key))
        entry["failures"] = 0
        entry["locked_until"] = None
        self._data["people"][person_id] = entry
        self.save()
        policy = self.offline_policy
        days = policy.days_offline(self.last_central_contact, self.created_at, now)
        if policy.beyond_limit(days):
            if to_sync:
                text = f"{policy.limit_text(days)}; signed in to sync only"
                return SignedIn(person_id, data_key, (text,))
            raise OfflineTooLongError(policy.limit_text(days), days, policy.limit_days or 0)
        notice = policy.notice(days, self.last_central_contact, now)
        return SignedIn(person_id, data_key, (notice,) if notice else ())

    def change_passphrase(
        self, person_id: str, old: str, new: str, *, now: dt.datetime | None = None
    ) -> None:
        """Replace `person_id`'s passphrase; the same data key is re-wrapped, never replaced.

        Raises:
            PassphraseRuleError: the new passphrase is too short.
            SignInError: the old passphrase is refused, as `sign_in` would refuse it
                (the hard offline limit does not stop a change of passphrase).
        """
        pp.check_rules(new)
        try:
            signed = self.sign_in(person_id, old, now=now or dt.datetime.now(dt.UTC))
            data_key = signed.data_key
        except OfflineTooLongError:
            data_key = self._unwrap(self._entry(person_id), old)
        entry = self._entry(person_id)
        entry["hash"] = pp.hash_passphrase(self.hasher, new)
        entry.update(self._wrapped(new, data_key))
        self._data["people"][person_id] = entry
        self.save()

    def unlock(self, person_id: str) -> None:
        """Clear `person_id`'s failed tries and lockout (the secretariat's `user unlock`)."""
        self._refresh()
        entry = self._entry(person_id)
        entry["failures"] = 0
        entry["locked_until"] = None
        self._data["people"][person_id] = entry
        self.save()

    def remove(self, person_id: str) -> None:
        """Take `person_id`'s passphrase off this laptop."""
        self._refresh()
        self._entry(person_id)
        del self._data["people"][person_id]
        self.save()

    def record_central_contact(self, when: dt.datetime) -> None:
        """This laptop reached the central store at `when` (never moves backwards)."""
        self._refresh()
        when = _utc(when)
        last = self.last_central_contact
        if last is not None and last >= when:
            return
        self._data["last_central_contact"] = when.isoformat()
        self.save()

    def set_offline_policy(self, policy: OfflinePolicy) -> None:
        """Copy the board's offline limits into the keyring (saved only when they changed)."""
        self._refresh()
        if self.offline_policy == policy:
            return
        self._data["offline_warn_days"] = policy.warn_days
        self._data["offline_limit_days"] = policy.limit_days
        self.save()
