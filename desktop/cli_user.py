"""`boardpack user …`: who may sign in on this laptop, their passphrases and lockouts.

    boardpack user list --db PATH
    boardpack user enrol PERSON --db PATH [--by SECRETARIAT] [--passphrase-file FILE]
    boardpack user passphrase PERSON --db PATH [--passphrase-file FILE]
    boardpack user unlock PERSON --db PATH --by SECRETARIAT [--passphrase-file FILE]
    boardpack user offline --db PATH --by SECRETARIAT [--warn-days N] [--limit-days N|none]

PERSON is a name (any case) or a person id. The first passphrase of a file may
be set by anyone at the laptop; after that a new one, an unlock and the
offline limits need the secretariat's own passphrase (`--by`), which for an
encrypted file is also what unwraps the data key for the new person.
Passphrases are read with `getpass` (never echoed; a new one asked twice), or
for scripts from `--passphrase-file`, one per line in the order they would be
asked: the `--by` person's, then the person's own (old, then new).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli_base import CliError, Parser, add_db, subparsers
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from db.auth import Keyring
    from db.store import Database


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `user` (list, enrol, passphrase, unlock, offline)."""
    user = sub.add_parser("user", help="passphrases and sign-in on this laptop")
    user_sub = subparsers(user, "user_command")

    listing = user_sub.add_parser("list", help="who has a seat, and who may sign in here")
    add_db(listing, required=True, unlock=False)
    listing.set_defaults(handler=_cmd_list)

    enrol = user_sub.add_parser("enrol", help="set a person's passphrase on this laptop")
    _person_args(enrol)
    enrol.add_argument(
        "--by", metavar="SECRETARIAT", help="the secretariat authorising it (after the first)"
    )
    enrol.set_defaults(handler=_cmd_enrol)

    change = user_sub.add_parser("passphrase", help="change your own passphrase")
    _person_args(change)
    change.set_defaults(handler=_cmd_passphrase)

    unlock = user_sub.add_parser("unlock", help="clear a lockout (secretariat only)")
    _person_args(unlock)
    unlock.add_argument("--by", required=True, metavar="SECRETARIAT", help="the secretariat")
    unlock.set_defaults(handler=_cmd_unlock)

    offline = user_sub.add_parser(
        "offline", help="days without the central store before a warning / a hard stop"
    )
    add_db(offline, required=True, unlock=False)
    offline.add_argument("--by", required=True, metavar="SECRETARIAT", help="the secretariat")
    offline.add_argument("--warn-days", metavar="N", help="warn after N days (0: never)")
    offline.add_argument("--limit-days", metavar="N", help="refuse sign-in after N days, or none")
    offline.add_argument("--passphrase-file", type=Path, metavar="FILE", help=argparse.SUPPRESS)
    offline.set_defaults(handler=_cmd_offline)


def _person_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("person", metavar="PERSON", help="a name or a person id")
    add_db(parser, required=True, unlock=False)
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="read passphrases from FILE, one per line, instead of asking (for scripts)",
    )


class _Passphrases:
    """Passphrases asked with getpass, or read in order from `--passphrase-file`."""

    def __init__(self, path: Path | None) -> None:
        self._lines: list[str] | None = None
        if path is not None:
            try:
                self._lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CliError(f"cannot read {path}: {exc.strerror}") from None
        self._used = 0

    def ask(self, prompt: str) -> str:
        if self._lines is None:
            return getpass.getpass(f"{prompt}: ")
        if self._used >= len(self._lines):
            raise CliError(
                f"the passphrase file has {len(self._lines)} line(s); "
                f"it needs one more for: {prompt}"
            )
        self._used += 1
        return self._lines[self._used - 1]

    def ask_new(self, prompt: str) -> str:
        first = self.ask(prompt)
        if self._lines is None and getpass.getpass(f"{prompt} again: ") != first:
            raise CliError("the two passphrases differ; nothing was changed")
        return first


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _open(path: Path, key: bytes | None = None) -> Database:
    from db.store import open_database

    return open_database(path, key=key)


def _keyring(db: Path, *, create: bool = False) -> Keyring:
    from db.auth import Keyring

    if not db.exists():
        raise CliError(f"there is no database {db}")
    return Keyring.load(db, create=create)


def _find(candidates: list[tuple[str, str]], text: str, what: str) -> tuple[str, str]:
    """(id, name) of the one candidate whose id or name (any case) is `text`."""
    exact = [c for c in candidates if c[0] == text]
    if exact:
        return exact[0]
    named = [c for c in candidates if c[1].casefold() == text.strip().casefold()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise CliError(f"{len(named)} people are called {text}: give the person id instead")
    raise CliError(f"no {what} called {text!r} (see boardpack user list)")


def _seats(database: Database) -> list[tuple[str, str]]:
    from db.auth.board import people_with_seats

    with database.session() as session:
        return [(seat.person_id, seat.name) for seat in people_with_seats(session)]


def _enrolled(keyring: Keyring) -> list[tuple[str, str]]:
    return [(p.person_id, p.name) for p in keyring.people()]


def _secretariat(
    db: Path, keyring: Keyring, by: str, passphrases: _Passphrases
) -> tuple[str, bytes | None, Database]:
    """Sign in the `--by` person, check they are a board's secretariat; their id, the
    data key and the opened database (the caller closes it)."""
    from db.auth.board import people_with_seats
    from db.models import Role
    from db.permissions import roles_of

    person_id, name = _find(_enrolled(keyring), by, "person with a passphrase")
    signed = keyring.sign_in(person_id, passphrases.ask(f"passphrase of {name}"), now=_now())
    database = _open(db, signed.data_key)
    try:
        with database.session() as session:
            boards = {seat.board_code for seat in people_with_seats(session)}
            from sqlalchemy import select

            from db.models import Board

            ids = session.scalars(select(Board.id).where(Board.code.in_(boards))).all()
            if not any(Role.SECRETARIAT in roles_of(session, person_id, b) for b in ids):
                raise CliError(f"{name} is not the secretariat of a board in this file")
    except BaseException:
        database.close()
        raise
    return person_id, signed.data_key, database


def _cmd_list(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.auth import Keyring
    from db.errors import DatabaseFileError

    db: Path = args.db
    keyring = Keyring.load(db) if Keyring.exists(db) else None
    enrolled = {p.person_id: p for p in keyring.people()} if keyring else {}
    now = _now()
    rows: list[tuple[str, str, str]] = []
    try:
        database = _open(db)
    except DatabaseFileError as exc:  # an encrypted file: the keyring is all there is to read
        if keyring is None:
            raise
        print(f"({exc}; showing the keyring only)")
        rows = [(p.name, "", p.person_id) for p in enrolled.values()]
    else:
        from db.auth.board import people_with_seats

        try:
            with database.session() as session:
                rows = [
                    (s.name, f"{s.role.label}, {s.board_code}", s.person_id)
                    for s in people_with_seats(session)
                ]
        finally:
            database.close()
    for name, seat, pid in rows:
        entry = enrolled.get(pid)
        if entry is None:
            state = "no passphrase"
        elif entry.locked(now):
            until = entry.locked_until
            assert until is not None
            state = f"LOCKED until {until.astimezone():%Y-%m-%d %H:%M}"
        else:
            state = "passphrase set" + (f", {entry.failures} wrong tries" if entry.failures else "")
        print(f"{name:<28} {seat:<24} {state:<34} {pid}")
    if keyring is not None:
        last = keyring.last_central_contact
        policy = keyring.offline_policy
        print(
            "central store last reached: "
            + (f"{last.astimezone():%Y-%m-%d %H:%M}" if last else "never")
            + f"; warn after {policy.effective_warn_days} days"
            + (f", sign-in stops after {policy.limit_days} days" if policy.limit_days else "")
        )
    elif not rows:
        print("nobody has a seat on a board in this file")
    return 0


def _cmd_enrol(args: argparse.Namespace, _paths: AppPaths) -> int:
    db: Path = args.db
    keyring = _keyring(db, create=True)
    passphrases = _Passphrases(args.passphrase_file)
    first = not keyring.people()
    if not first and not args.by:
        raise CliError(
            "passphrases are already set on this laptop: a new one needs the secretariat "
            "(--by NAME)"
        )
    if args.by:
        _by, key, database = _secretariat(db, keyring, args.by, passphrases)
    else:
        key, database = None, _open(db)
    try:
        person_id, name = _find(_seats(database), args.person, "person with a seat")
    finally:
        database.close()
    keyring.enrol(person_id, name, passphrases.ask_new(f"new passphrase for {name}"), data_key=key)
    print(f"passphrase set for {name}: Boardpack opens on the sign-in screen for {db.name}")
    return 0


def _cmd_passphrase(args: argparse.Namespace, _paths: AppPaths) -> int:
    keyring = _keyring(args.db)
    passphrases = _Passphrases(args.passphrase_file)
    person_id, name = _find(_enrolled(keyring), args.person, "person with a passphrase")
    old = passphrases.ask(f"current passphrase of {name}")
    new = passphrases.ask_new(f"new passphrase for {name}")
    keyring.change_passphrase(person_id, old, new, now=_now())
    print(f"passphrase changed for {name}")
    return 0


def _cmd_unlock(args: argparse.Namespace, _paths: AppPaths) -> int:
    keyring = _keyring(args.db)
    passphrases = _Passphrases(args.passphrase_file)
    person_id, name = _find(_enrolled(keyring), args.person, "person with a passphrase")
    _by, _key, database = _secretariat(args.db, keyring, args.by, passphrases)
    database.close()
    keyring.unlock(person_id)
    print(f"{name} may sign in again (wrong tries cleared)")
    return 0


def _days(text: str | None, *, none_ok: bool) -> int | None:
    if text is None or (none_ok and text.lower() == "none"):
        return None
    try:
        return int(text)
    except ValueError:
        kinds = "a whole number" + (" or none" if none_ok else "")
        raise CliError(f"days must be {kinds}, not {text!r}") from None


def _cmd_offline(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.auth import OfflinePolicy
    from db.auth.board import (
        board_offline_policy,
        refresh_keyring,
        set_offline_policy,
        signed_in_context,
    )

    keyring = _keyring(args.db)
    passphrases = _Passphrases(args.passphrase_file)
    by, _key, database = _secretariat(args.db, keyring, args.by, passphrases)
    try:
        with database.session() as session:
            context = signed_in_context(session, by)
            current = board_offline_policy(session)
        if context is None:
            raise CliError("this file holds no board")
        policy = OfflinePolicy(
            warn_days=_days(args.warn_days, none_ok=False)
            if args.warn_days is not None
            else current.warn_days,
            limit_days=_days(args.limit_days, none_ok=True)
            if args.limit_days is not None
            else current.limit_days,
        )
        with database.begin(by) as session:
            set_offline_policy(session, by, context.board_id, policy)
        refresh_keyring(database, keyring)
    finally:
        database.close()
    limit = f"sign-in stops after {policy.limit_days} days" if policy.limit_days else "no limit"
    print(
        f"{context.board_code}: warn after {policy.effective_warn_days} days without the "
        f"central store; {limit}"
    )
    return 0
