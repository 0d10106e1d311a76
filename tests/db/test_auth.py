"""Sign-in without a screen: passphrase hashes, lockout, offline validity, the keyring file.

argon2 runs with tiny parameters here (the real ones cost a third of a second
each); the rehash tests change those parameters and watch the stored hash move.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from hypothesis import given, settings
from hypothesis import strategies as st

from db.auth import (
    Keyring,
    KeyringError,
    LockedOutError,
    OfflinePolicy,
    OfflineTooLongError,
    PassphraseRuleError,
    UnknownPersonError,
    WrongPassphraseError,
)
from db.auth.board import (
    board_offline_policy,
    people_with_seats,
    refresh_keyring,
    set_offline_policy,
    signed_in_context,
)
from db.auth.keyring import LOCK_MINUTES, MAX_FAILURES, lock_duration
from db.auth.passphrase import MIN_LENGTH, check_rules
from db.crypto import KdfParams, new_data_key
from db.errors import PermissionDeniedError
from db.models import Board, Role
from db.store import Database
from tests.desktop.board_fixture import populate

CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
CHEAP_KDF = KdfParams(time_cost=1, memory_cost_kib=8, parallelism=1)
T0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)
GOOD = "correct horse battery staple"
OTHER = "a different long passphrase"


def keyring(
    tmp_path: Path, *, hasher: PasswordHasher = CHEAP, kdf: KdfParams = CHEAP_KDF
) -> Keyring:
    return Keyring.load(tmp_path / "board.db", create=True, hasher=hasher, kdf_params=kdf, now=T0)


def reload(
    tmp_path: Path, *, hasher: PasswordHasher = CHEAP, kdf: KdfParams = CHEAP_KDF
) -> Keyring:
    return Keyring.load(tmp_path / "board.db", hasher=hasher, kdf_params=kdf)


def test_the_right_passphrase_signs_in_and_the_hash_is_argon2id(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None, now=T0)
    stored = json.loads(Keyring.path_for(tmp_path / "board.db").read_text())
    assert stored["people"]["p1"]["hash"].startswith("$argon2id$")
    assert GOOD not in Keyring.path_for(tmp_path / "board.db").read_text()
    signed = reload(tmp_path).sign_in("p1", GOOD, now=T0)
    assert signed.person_id == "p1" and signed.data_key is None and signed.notices == ()


def test_a_wrong_passphrase_is_a_clear_sentence_that_counts_down(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    with pytest.raises(WrongPassphraseError) as wrong:
        ring.sign_in("p1", OTHER, now=T0)
    assert wrong.value.tries_left == MAX_FAILURES - 1
    assert str(wrong.value) == (
        "that passphrase is not right for Alex Morgan; after 4 more wrong tries "
        f"sign-in pauses for {LOCK_MINUTES} minutes"
    )


def test_lockout_after_five_failures_survives_a_restart_and_grows(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    for _ in range(MAX_FAILURES - 1):
        with pytest.raises(WrongPassphraseError):
            ring.sign_in("p1", OTHER, now=T0)
    restarted = reload(tmp_path)  # a new app instance: the count is in the file
    assert restarted.person("p1").failures == MAX_FAILURES - 1
    with pytest.raises(LockedOutError) as locked:
        restarted.sign_in("p1", OTHER, now=T0)
    assert locked.value.until == T0 + dt.timedelta(minutes=15)
    assert "paused for 15 minutes" in str(locked.value)
    # While locked, even the right passphrase is refused — as locked out, not as wrong.
    with pytest.raises(LockedOutError) as still:
        reload(tmp_path).sign_in("p1", GOOD, now=T0 + dt.timedelta(minutes=14))
    assert "try again after" in str(still.value) and "not right" not in str(still.value)
    # After the pause one more wrong passphrase locks for twice as long.
    later = T0 + dt.timedelta(minutes=16)
    with pytest.raises(LockedOutError) as again:
        reload(tmp_path).sign_in("p1", OTHER, now=later)
    assert again.value.until == later + dt.timedelta(minutes=30)
    # The right passphrase after the pause signs in and clears the count.
    after = later + dt.timedelta(minutes=31)
    assert reload(tmp_path).sign_in("p1", GOOD, now=after).person_id == "p1"
    assert reload(tmp_path).person("p1").failures == 0


def test_lock_duration_doubles_up_to_a_day() -> None:
    assert lock_duration(MAX_FAILURES - 1) == dt.timedelta(0)
    assert lock_duration(MAX_FAILURES) == dt.timedelta(minutes=15)
    assert lock_duration(MAX_FAILURES + 2) == dt.timedelta(minutes=60)
    assert lock_duration(MAX_FAILURES + 20) == dt.timedelta(hours=24)


def test_unlock_clears_a_lockout(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    for _ in range(MAX_FAILURES):
        with pytest.raises((WrongPassphraseError, LockedOutError)):
            ring.sign_in("p1", OTHER, now=T0)
    assert ring.person("p1").locked(T0)
    reload(tmp_path).unlock("p1")
    assert ring.sign_in("p1", GOOD, now=T0).person_id == "p1"  # ring re-reads the file


def test_unknown_person(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    with pytest.raises(UnknownPersonError):
        ring.sign_in("nobody", GOOD, now=T0)


def test_changed_hash_parameters_rehash_on_the_next_sign_in(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    old = json.loads(ring.path.read_text())["people"]["p1"]["hash"]
    assert "t=1" in old
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    with pytest.raises(WrongPassphraseError):  # a failed sign-in never rehashes
        reload(tmp_path, hasher=stronger).sign_in("p1", OTHER, now=T0)
    assert json.loads(ring.path.read_text())["people"]["p1"]["hash"] == old
    reload(tmp_path, hasher=stronger).sign_in("p1", GOOD, now=T0)
    new = json.loads(ring.path.read_text())["people"]["p1"]["hash"]
    assert new != old and "m=16,t=2,p=1" in new
    assert reload(tmp_path, hasher=stronger).sign_in("p1", GOOD, now=T0).person_id == "p1"
    before = json.loads(ring.path.read_text())["people"]["p1"]["hash"]
    reload(tmp_path, hasher=stronger).sign_in("p1", GOOD, now=T0)  # same parameters: kept
    assert json.loads(ring.path.read_text())["people"]["p1"]["hash"] == before


def test_the_data_key_unwraps_and_changed_kdf_parameters_rewrap_the_same_key(
    tmp_path: Path,
) -> None:
    key = new_data_key()
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=key)
    assert ring.sign_in("p1", GOOD, now=T0).data_key == key
    wrapped = json.loads(ring.path.read_text())["people"]["p1"]["wrapped_key"]
    stronger = KdfParams(time_cost=2, memory_cost_kib=16, parallelism=1)
    assert reload(tmp_path, kdf=stronger).sign_in("p1", GOOD, now=T0).data_key == key
    entry = json.loads(ring.path.read_text())["people"]["p1"]
    assert entry["wrapped_key"] != wrapped and entry["kdf"]["params"] == stronger.as_dict()
    assert reload(tmp_path, kdf=stronger).sign_in("p1", GOOD, now=T0).data_key == key


def test_changing_a_passphrase_rewraps_the_same_data_key(tmp_path: Path) -> None:
    key = new_data_key()
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=key)
    ring.enrol("p2", "Sam Patel", OTHER, data_key=key)
    ring.change_passphrase("p1", GOOD, "a brand new passphrase here", now=T0)
    with pytest.raises(WrongPassphraseError):
        ring.sign_in("p1", GOOD, now=T0)
    assert ring.sign_in("p1", "a brand new passphrase here", now=T0).data_key == key
    assert ring.sign_in("p2", OTHER, now=T0).data_key == key  # others untouched
    with pytest.raises(PassphraseRuleError):
        ring.change_passphrase("p1", "a brand new passphrase here", "short", now=T0)
    with pytest.raises(WrongPassphraseError):
        ring.change_passphrase("p1", GOOD, "yet another passphrase", now=T0)


def test_an_encrypted_file_needs_a_data_key_to_enrol(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.encrypted = True
    with pytest.raises(KeyringError, match="encrypted"):
        ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    assert reload(tmp_path).encrypted


def test_an_altered_wrapped_key_is_reported_as_altered(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=new_data_key())
    data = json.loads(ring.path.read_text())
    data["people"]["p1"]["wrapped_key"] = data["people"]["p1"]["kdf"]["salt"]
    ring.path.write_text(json.dumps(data))
    with pytest.raises(KeyringError, match="altered"):
        reload(tmp_path).sign_in("p1", GOOD, now=T0)


@pytest.mark.parametrize("text", ["", "            ", "eleven char"])
def test_passphrase_rules(text: str) -> None:
    with pytest.raises(PassphraseRuleError):
        check_rules(text)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=30))
def test_passphrase_rule_is_the_length(text: str) -> None:
    ok = len(text) >= MIN_LENGTH and bool(text.strip())
    try:
        check_rules(text)
    except PassphraseRuleError as exc:
        assert not ok and "\n" not in str(exc)
    else:
        assert ok


def test_a_short_passphrase_is_refused_in_one_sentence(tmp_path: Path) -> None:
    ring = keyring(tmp_path)
    with pytest.raises(PassphraseRuleError) as short:
        ring.enrol("p1", "Alex Morgan", "too short", data_key=None)
    assert str(short.value).startswith("a passphrase needs at least 12 characters (this one has 9)")
    assert not ring.path.exists()


def test_offline_warns_after_fourteen_days_and_the_hard_limit_stops_sign_in(
    tmp_path: Path,
) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    ring.record_central_contact(T0)
    assert ring.sign_in("p1", GOOD, now=T0 + dt.timedelta(days=13)).notices == ()
    notices = ring.sign_in("p1", GOOD, now=T0 + dt.timedelta(days=14)).notices
    assert len(notices) == 1 and "last reached the central store 14 days ago" in notices[0]
    ring.set_offline_policy(OfflinePolicy(warn_days=7, limit_days=30))
    soon = ring.sign_in("p1", GOOD, now=T0 + dt.timedelta(days=8)).notices
    assert "Sign-in stops in 22 days" in soon[0]
    assert reload(tmp_path).sign_in("p1", GOOD, now=T0 + dt.timedelta(days=30)).notices
    with pytest.raises(OfflineTooLongError) as too_long:
        reload(tmp_path).sign_in("p1", GOOD, now=T0 + dt.timedelta(days=31))
    assert too_long.value.days == 31 and too_long.value.limit_days == 30
    assert "allows 30 days" in str(too_long.value)
    # A wrong passphrase past the limit is still a wrong passphrase (no hint at the limit).
    with pytest.raises(WrongPassphraseError):
        ring.sign_in("p1", OTHER, now=T0 + dt.timedelta(days=31))
    # Reaching the central store again lifts it; an older contact never moves it back.
    ring.record_central_contact(T0 + dt.timedelta(days=31))
    ring.record_central_contact(T0)
    assert ring.sign_in("p1", GOOD, now=T0 + dt.timedelta(days=32)).notices == ()


def test_a_laptop_that_never_synced_counts_from_set_up(tmp_path: Path) -> None:
    ring = keyring(tmp_path)  # created at T0
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    notices = ring.sign_in("p1", GOOD, now=T0 + dt.timedelta(days=20)).notices
    assert "never reached the central store (20 days since set-up)" in notices[0]
    ring.set_offline_policy(OfflinePolicy(warn_days=0))
    assert ring.sign_in("p1", GOOD, now=T0 + dt.timedelta(days=200)).notices == ()


def test_the_keyring_is_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ring = keyring(tmp_path)
    ring.enrol("p1", "Alex Morgan", GOOD, data_key=None)
    before = ring.path.read_bytes()

    def crash(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        ring.enrol("p2", "Sam Patel", OTHER, data_key=None)
    monkeypatch.undo()
    assert ring.path.read_bytes() == before  # the old file whole, not half a new one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.db.keyring"]  # no temp left
    assert [p.person_id for p in reload(tmp_path).people()] == ["p1"]
    if os.name == "posix":
        assert ring.path.stat().st_mode & 0o777 == 0o600


def test_a_damaged_or_missing_keyring_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(KeyringError, match="no passphrases set"):
        Keyring.load(tmp_path / "board.db")
    Keyring.path_for(tmp_path / "board.db").write_text("{not json")
    with pytest.raises(KeyringError, match="damaged"):
        Keyring.load(tmp_path / "board.db")


# The board side -------------------------------------------------------------


@pytest.fixture
def board_database(database: Database) -> Database:
    """The desktop tests' small board, with a clerk as OPAB's secretariat."""
    from sqlalchemy import select

    from db.models import Membership, Person

    populate(database)
    with database.begin() as s:
        clerk = Person(name="Chris Clerk", organisation="Council")
        s.add(clerk)
        s.flush()
        opab = s.scalars(select(Board).where(Board.code == "OPAB")).one()
        s.add(Membership(board_id=opab.id, person_id=clerk.id, role=Role.SECRETARIAT))
    return database


def _ids(database: Database) -> dict[str, str]:
    with database.session() as s:
        from sqlalchemy import select

        from db.models import Membership, Person

        rows = s.execute(
            select(Person.name, Person.id, Membership.role).join(
                Membership, Membership.person_id == Person.id
            )
        ).all()
        return {f"{name}/{role.value}": pid for name, pid, role in rows}


def test_the_signed_in_person_takes_their_own_seat(board_database: Database) -> None:
    ids = _ids(board_database)
    member = next(pid for key, pid in ids.items() if key.endswith("/member"))
    with board_database.session() as s:
        context = signed_in_context(s, member)
        seats = people_with_seats(s)
    assert context is not None and context.viewer is not None
    assert context.viewer.person_id == member and context.viewer.role == Role.MEMBER.value
    assert context.board_code == "OPAB"
    assert member in {seat.person_id for seat in seats}


def test_the_secretariat_sets_the_offline_limits_and_the_keyring_copies_them(
    board_database: Database, tmp_path: Path
) -> None:
    ids = _ids(board_database)
    chair = next(pid for key, pid in ids.items() if key.endswith("/chair"))
    with board_database.session() as s:
        board_id = s.query(Board.id).filter(Board.code == "OPAB").scalar()
    with pytest.raises(PermissionDeniedError), board_database.begin(chair) as s:
        set_offline_policy(s, chair, board_id, OfflinePolicy(limit_days=30))
    secretariat = ids["Chris Clerk/secretariat"]
    with board_database.begin(secretariat) as s:
        set_offline_policy(s, secretariat, board_id, OfflinePolicy(warn_days=10, limit_days=30))
    with board_database.session() as s:
        assert board_offline_policy(s) == OfflinePolicy(warn_days=10, limit_days=30)
    ring = Keyring.load(board_database.path, create=True, hasher=CHEAP, now=T0)
    ring.enrol(secretariat, "Clerk", GOOD, data_key=None)
    refresh_keyring(board_database, ring)
    assert reload_at(board_database.path).offline_policy == OfflinePolicy(10, 30)


def reload_at(db_path: Path) -> Keyring:
    return Keyring.load(db_path, hasher=CHEAP)


def test_the_offline_limits_travel_with_sync(board_database: Database) -> None:
    """Migration 0010 remade the capture triggers: setting the limits logs a change."""
    from sqlalchemy import text

    ids = _ids(board_database)
    clerk = ids["Chris Clerk/secretariat"]
    with board_database.session() as s:
        board_id = s.query(Board.id).filter(Board.code == "OPAB").scalar()
    with board_database.begin(clerk) as s:
        set_offline_policy(s, clerk, board_id, OfflinePolicy(warn_days=5, limit_days=20))
    with board_database.engine.connect() as conn:
        fields = conn.execute(
            text(
                "SELECT fields FROM change_log WHERE table_name = 'boards' AND row_id = :id "
                "AND op = 'U' ORDER BY site_seq DESC LIMIT 1"
            ),
            {"id": board_id},
        ).scalar()
    assert isinstance(fields, str)
    assert json.loads(fields) == {"offline_warn_days": 5, "offline_limit_days": 20}
