"""Passphrases: the minimum rule, and their argon2id hashes (argon2-cffi's PasswordHasher).

The hash is a PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) carrying
its own parameters, so a hash made under older, cheaper parameters still
verifies and `needs_rehash` says when to replace it (on the next successful
sign-in). argon2 is imported on first use: the demo board signs in without a
passphrase and its start-up must not pay for the import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.auth.errors import PassphraseRuleError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

#: The shortest passphrase accepted (characters).
MIN_LENGTH = 12


def check_rules(passphrase: str) -> None:
    """Refuse a passphrase that is too short or blank, in one sentence.

    Raises:
        PassphraseRuleError: fewer than `MIN_LENGTH` characters, or only spaces.
    """
    if not passphrase.strip():
        raise PassphraseRuleError("enter a passphrase (it cannot be only spaces)")
    if len(passphrase) < MIN_LENGTH:
        raise PassphraseRuleError(
            f"a passphrase needs at least {MIN_LENGTH} characters (this one has "
            f"{len(passphrase)}); a few ordinary words with spaces are easy to remember"
        )


def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's current defaults (RFC 9106 low-memory profile)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_passphrase(hasher: PasswordHasher, passphrase: str) -> str:
    """The PHC string for `passphrase` under `hasher`'s parameters."""
    return hasher.hash(passphrase)


def verify(hasher: PasswordHasher, phc: str, passphrase: str) -> bool:
    """Whether `passphrase` matches the hash (False for a mismatch or a mangled hash)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(hasher.verify(phc, passphrase))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(hasher: PasswordHasher, phc: str) -> bool:
    """Whether the hash was made under other parameters than `hasher`'s."""
    return bool(hasher.check_needs_rehash(phc))
