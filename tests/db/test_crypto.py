"""Key primitives: the wrapped data key opens only with its passphrase, and never silently."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.crypto import (
    KEY_BYTES,
    KdfParams,
    WrongPassphraseError,
    derive_kek,
    new_data_key,
    new_salt,
    unwrap_key,
    wrap_key,
)

# Cheap parameters keep the property test quick; the default ones are checked once.
FAST = KdfParams(time_cost=1, memory_cost_kib=1024, parallelism=1)


def test_default_parameters_give_a_32_byte_key_that_depends_on_salt_and_passphrase() -> None:
    salt = new_salt()
    kek = derive_kek("correct horse battery", salt)
    assert len(kek) == KEY_BYTES
    assert derive_kek("correct horse battery", salt) == kek
    assert derive_kek("correct horse batterY", salt) != kek
    assert derive_kek("correct horse battery", new_salt()) != kek


def test_wrap_round_trip_and_each_wrap_differs() -> None:
    key = new_data_key()
    kek = derive_kek("a long enough passphrase", new_salt(), FAST)
    first, second = wrap_key(key, kek), wrap_key(key, kek)
    assert first != second  # a fresh nonce every time
    assert unwrap_key(first, kek) == key == unwrap_key(second, kek)
    assert key not in first


def test_wrong_passphrase_is_reported_as_such() -> None:
    salt = new_salt()
    wrapped = wrap_key(new_data_key(), derive_kek("the right passphrase", salt, FAST))
    with pytest.raises(WrongPassphraseError, match="passphrase does not open"):
        unwrap_key(wrapped, derive_kek("the wrong passphrase", salt, FAST))


@settings(max_examples=60, deadline=None)
@given(position=st.integers(min_value=0, max_value=12 + KEY_BYTES + 16 - 1), bit=st.integers(0, 7))
def test_any_altered_byte_of_a_wrapped_key_is_refused(position: int, bit: int) -> None:
    kek = bytes(range(KEY_BYTES))
    wrapped = bytearray(wrap_key(bytes(KEY_BYTES), kek))
    wrapped[position] ^= 1 << bit
    with pytest.raises(WrongPassphraseError):
        unwrap_key(bytes(wrapped), kek)


def test_truncated_wrapped_key_is_refused() -> None:
    kek = bytes(range(KEY_BYTES))
    with pytest.raises(WrongPassphraseError):
        unwrap_key(wrap_key(bytes(KEY_BYTES), kek)[:20], kek)


def test_keys_of_the_wrong_length_are_a_programming_error() -> None:
    with pytest.raises(ValueError):
        wrap_key(b"short", bytes(KEY_BYTES))


def test_params_round_trip_through_a_dict() -> None:
    assert KdfParams.from_dict(FAST.as_dict()) == FAST
