"""Key material for encryption at rest: the data key, the passphrase key, wrapping.

A database that is encrypted (SQLCipher) is keyed by a random 256-bit *data
key*. The data key is never stored in the clear: each person who may open the
file has it *wrapped* (AES-256-GCM) by a *key-encryption key* derived from
their passphrase with argon2id. Changing a passphrase re-wraps the same data
key, so the file is never re-keyed for it; a wrong passphrase fails the GCM tag
check and is reported as such, never as a damaged file.

Only primitives live here (no files, no sessions): `db.auth` keeps the wrapped
keys per person, `db.store` opens SQLCipher with the unwrapped key.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from db.errors import BoardpackError

KEY_BYTES = 32
SALT_BYTES = 16
_NONCE_BYTES = 12
_WRAP_CONTEXT = b"boardpack data key v1"


class WrongPassphraseError(BoardpackError):
    """The passphrase does not unwrap this key (or the wrapped key was altered)."""


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost parameters (RFC 9106 second recommendation by default)."""

    time_cost: int = 3
    memory_cost_kib: int = 64 * 1024
    parallelism: int = 4

    def as_dict(self) -> dict[str, int]:
        return {
            "time_cost": self.time_cost,
            "memory_cost_kib": self.memory_cost_kib,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_dict(cls, data: dict[str, int]) -> KdfParams:
        return cls(
            time_cost=int(data["time_cost"]),
            memory_cost_kib=int(data["memory_cost_kib"]),
            parallelism=int(data["parallelism"]),
        )


def new_data_key() -> bytes:
    """A fresh random 256-bit data key."""
    return os.urandom(KEY_BYTES)


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def derive_kek(passphrase: str, salt: bytes, params: KdfParams | None = None) -> bytes:
    """The 256-bit key-encryption key for `passphrase` (argon2id over `salt`)."""
    p = params or KdfParams()
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=p.time_cost,
        memory_cost=p.memory_cost_kib,
        parallelism=p.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def wrap_key(data_key: bytes, kek: bytes) -> bytes:
    """`data_key` sealed under `kek`: nonce + AES-256-GCM ciphertext and tag."""
    if len(data_key) != KEY_BYTES or len(kek) != KEY_BYTES:
        raise ValueError("keys must be 32 bytes")
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(kek).encrypt(nonce, data_key, _WRAP_CONTEXT)


def unwrap_key(wrapped: bytes, kek: bytes) -> bytes:
    """The data key inside `wrapped`; `WrongPassphraseError` if `kek` is not its key."""
    nonce, sealed = wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:]
    try:
        key = AESGCM(kek).decrypt(nonce, sealed, _WRAP_CONTEXT)
    except (InvalidTag, ValueError) as exc:
        raise WrongPassphraseError("that passphrase does not open this database") from exc
    if len(key) != KEY_BYTES:
        raise WrongPassphraseError("that passphrase does not open this database")
    return key
