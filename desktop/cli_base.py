"""What every `boardpack` subcommand module shares: the one-line error, the parser class.

`desktop/cli.py` builds the top-level parser and dispatches; a capability with
several subcommands (minutes, actions, import/export, backup, audit…) lives in
its own `desktop/cli_<name>.py` exposing `register(sub)`, which adds its parsers
and sets each one's handler with `set_defaults(handler=fn)`; the module is listed
once in `cli.COMMAND_MODULES`. Modules must import heavy code (SQLAlchemy,
reportlab, Qt) inside their handlers so `boardpack --help` stays instant.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

from desktop.paths import AppPaths

PROG = "boardpack"

Handler = Callable[[argparse.Namespace, AppPaths], int]


class CliError(Exception):
    """A user-facing failure of the command line itself (bad path, bad option)."""


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors instead of the usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # argparse before 3.12.7 drops a value that is exactly "--" ("--out=--") and hands
        # the command an empty list instead of a path; keep it as the value it is.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


#: For scripts: the signing-in person's passphrase, instead of a file or a prompt.
PASSPHRASE_ENV = "BOARDPACK_PASSPHRASE"


def add_db(parser: argparse.ArgumentParser, *, required: bool, unlock: bool = True) -> None:
    """The `--db PATH` option every data command takes, and (with `unlock`) the sign-in
    that opens an encrypted file: `--person` and `--db-passphrase-file` (see
    `open_cli_database`). Commands that sign people in themselves (`encrypt`, `user`)
    pass `unlock=False`."""
    parser.add_argument(
        "--db", type=Path, required=required, metavar="PATH", help="the Boardpack database file"
    )
    if unlock:
        add_unlock(parser)


def add_unlock(parser: argparse.ArgumentParser) -> None:
    """`--person` and `--db-passphrase-file`: the sign-in that opens an encrypted file."""
    parser.add_argument(
        "--person",
        dest="signin_person",
        metavar="PERSON",
        help="an encrypted file: who signs in (their name or person id on this laptop)",
    )
    parser.add_argument(
        "--db-passphrase-file",
        dest="db_passphrase_file",
        type=Path,
        metavar="FILE",
        help=f"an encrypted file: read the passphrase from FILE (or ${PASSPHRASE_ENV}; "
        "else it is asked)",
    )


def _signin_passphrase(args: argparse.Namespace, name: str) -> str:
    """The passphrase: `--db-passphrase-file`, else $BOARDPACK_PASSPHRASE, else asked."""
    import os
    import sys

    path: Path | None = getattr(args, "db_passphrase_file", None)
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not readable text"
            raise CliError(f"cannot read the passphrase file {path}: {reason}") from None
        if not lines:
            raise CliError(f"the passphrase file {path} is empty")
        return lines[0]
    from_env = os.environ.get(PASSPHRASE_ENV)
    if from_env:
        return from_env
    if not sys.stdin.isatty():
        raise CliError(
            f"the passphrase of {name} is needed: give --db-passphrase-file FILE "
            f"or set {PASSPHRASE_ENV}"
        )
    import getpass

    return getpass.getpass(f"Passphrase of {name}: ")


def unlock_key(
    args: argparse.Namespace, db_path: Path, *, to_sync: bool = False
) -> tuple[bytes | None, str | None]:
    """The data key of an encrypted `db_path` and who signed in for it; (None, None) when
    the file is not encrypted. The sign-in goes through the keyring (lockout applies).

    Raises:
        CliError: no `--person`, or they are not on this laptop's keyring.
        db.auth.SignInError: the passphrase is refused (wrong, locked out, offline too long).
    """
    import datetime as dt
    import sys

    from db.auth import Keyring
    from db.encryption import looks_encrypted

    if not db_path.is_file():
        # A missing file (a restore) still needs the key when its keyring says encrypted.
        if not (Keyring.exists(db_path) and Keyring.load(db_path).encrypted):
            return None, None
    elif not looks_encrypted(db_path):
        return None, None
    if not Keyring.exists(db_path):
        raise CliError(
            f"{db_path} is encrypted and has no passphrases set on this laptop (no "
            f"{Keyring.path_for(db_path).name} beside it)"
        )
    keyring = Keyring.load(db_path)
    wanted = getattr(args, "signin_person", None)
    people = keyring.people()
    if not wanted:
        names = ", ".join(p.name for p in people) or "nobody"
        raise CliError(
            f"{db_path.name} is encrypted: sign in with --person NAME (on this laptop: {names})"
        )
    text = wanted.strip().casefold()
    match = [p for p in people if p.person_id == wanted.strip()] or [
        p for p in people if p.name.casefold() == text
    ]
    if not match:
        raise CliError(f"{wanted} has no passphrase set for {db_path.name} on this laptop")
    if len(match) > 1:
        raise CliError(f"{len(match)} people are called {wanted}: give the person id instead")
    person = match[0]
    signed = keyring.sign_in(
        person.person_id,
        _signin_passphrase(args, person.name),
        now=dt.datetime.now(dt.UTC),
        to_sync=to_sync,
    )
    for notice in signed.notices:
        print(f"{PROG}: {notice}", file=sys.stderr)
    if signed.data_key is None:
        raise CliError(f"{person.name}'s passphrase holds no key for {db_path.name}")
    return signed.data_key, person.person_id


def new_passphrase(args: argparse.Namespace, who: str) -> str:
    """A new passphrase for `who`: `--db-passphrase-file`, $BOARDPACK_PASSPHRASE, or
    asked twice on a terminal; checked against the rules (`db.auth.passphrase`)."""
    import getpass
    import os
    import sys

    from db.auth.passphrase import check_rules

    if (
        getattr(args, "db_passphrase_file", None) is None
        and not os.environ.get(PASSPHRASE_ENV)
        and sys.stdin.isatty()
    ):
        first = getpass.getpass(f"New passphrase for {who}: ")
        check_rules(first)
        if getpass.getpass(f"The same passphrase again for {who}: ") != first:
            raise CliError(f"the two passphrases for {who} differ; nothing was made")
        return first
    passphrase = _signin_passphrase(args, who)
    check_rules(passphrase)
    return passphrase


def enrol_new_file(database: Any, db_path: Path, email: str, passphrase: str, key: bytes) -> None:
    """Enrol the person with `email` in the new encrypted file's keyring with its data
    key, and mark the keyring encrypted.

    Raises:
        CliError: nobody on the board has that email.
    """
    from sqlalchemy import func, select

    from db.auth import Keyring
    from db.models import Person

    with database.session() as session:
        person = session.scalars(
            select(Person).where(func.lower(Person.email) == email.strip().lower())
        ).first()
        if person is None:
            raise CliError(f"nobody on the board has the email {email}; nothing was kept")
        person_id, name = person.id, person.name
    keyring = Keyring.load(db_path, create=True)
    keyring.enrol(person_id, name, passphrase, data_key=key)
    keyring.encrypted = True


def open_cli_database(
    args: argparse.Namespace,
    path: Path | None = None,
    *,
    to_sync: bool = False,
    **open_kwargs: Any,
) -> Any:
    """`db.store.open_database` on `--db` (or `path`), signed in first when it is encrypted.

    Sets `args.signed_in_person` (the person id, or None) so a command that acts as
    someone can default to them.
    """
    from db.store import open_database

    db_path = Path(path if path is not None else args.db)
    key, person_id = unlock_key(args, db_path, to_sync=to_sync)
    args.signed_in_person = person_id
    if key is not None:
        open_kwargs["key"] = key
    return open_database(db_path, **open_kwargs)


def subparsers(parser: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction[Parser]:
    """A required ACTION level under a command (`boardpack minutes export …`)."""
    return parser.add_subparsers(dest=dest, metavar="ACTION", required=True, parser_class=Parser)
