"""Sign-in: passphrases, lockout and offline validity, without Qt.

- `passphrase`: the minimum rule and the argon2id hashes (argon2 imported on use);
- `keyring`: the per-install file beside the database holding each person's
  hash, failed tries and wrapped data key (`Keyring`, `SignedIn`);
- `offline`: how long a laptop may go without the central store (`OfflinePolicy`);
- `board`: whose seat a signed-in person takes, and the board's offline limits;
- `errors`: the refusals, each one sentence.

The GUI (`desktop.signin`, `desktop.idle_lock`) and the CLI (`boardpack user`)
are thin faces over these. `db.auth.board` imports the models; the rest does
not, so the sign-in screen can list people before the database is opened.
"""

from __future__ import annotations

from db.auth.errors import (
    KeyringError,
    LockedOutError,
    OfflineTooLongError,
    PassphraseRuleError,
    SignInError,
    UnknownPersonError,
    WrongPassphraseError,
)
from db.auth.keyring import Keyring, KeyringPerson, SignedIn
from db.auth.offline import OfflinePolicy

__all__ = [
    "Keyring",
    "KeyringError",
    "KeyringPerson",
    "LockedOutError",
    "OfflinePolicy",
    "OfflineTooLongError",
    "PassphraseRuleError",
    "SignInError",
    "SignedIn",
    "UnknownPersonError",
    "WrongPassphraseError",
]
