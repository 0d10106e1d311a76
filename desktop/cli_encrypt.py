"""`boardpack encrypt` and `boardpack decrypt`: encryption at rest of a board's file.

    boardpack encrypt --db PATH --person EMAIL [--person EMAIL …] [--keep-plaintext]
                      [--shred-plaintext-backups] [--passphrase-stdin]
    boardpack decrypt --db PATH --person NAME --out FILE [--passphrase-stdin]

`encrypt` turns a plaintext board into an SQLCipher one keyed by a new random
data key, and wraps that key for each person named (their passphrase: the one
already set on this laptop, checked, or a new one asked twice), in the
database's keyring (`db.auth`). Nobody else can open the file afterwards until
the secretariat sets their passphrase. The plaintext original is overwritten
and removed unless `--keep-plaintext`; plaintext backups still in the backups
folder are listed, and removed the same way with `--shred-plaintext-backups`.
The demo board stays unencrypted (made-up people only).

`decrypt` writes a plaintext copy for an export or for support, after the
person's passphrase; the encrypted file is left as it is.

Passphrases are read without echo, or one a line from standard input with
`--passphrase-stdin` (for scripts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli_base import CliError, Parser, add_db
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from db.auth import Keyring

Ask = Callable[[str], str]


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `encrypt` and `decrypt`."""
    enc = sub.add_parser(
        "encrypt", help="encrypt a board's file; the people named open it with their passphrase"
    )
    add_db(enc, required=True, unlock=False)
    enc.add_argument(
        "--person",
        action="append",
        required=True,
        metavar="EMAIL",
        help="someone who will open the file (repeat for several)",
    )
    enc.add_argument(
        "--keep-plaintext",
        action="store_true",
        help="keep the unencrypted file as a backup (default: overwrite and remove it)",
    )
    enc.add_argument(
        "--shred-plaintext-backups",
        action="store_true",
        help="also overwrite and remove the unencrypted backups of this file",
    )
    enc.add_argument(
        "--passphrase-stdin", action="store_true", help="read passphrases from stdin, one a line"
    )
    enc.set_defaults(handler=_cmd_encrypt)

    dec = sub.add_parser(
        "decrypt", help="write an unencrypted copy of an encrypted board (export, support)"
    )
    add_db(dec, required=True, unlock=False)
    dec.add_argument(
        "--person", required=True, metavar="NAME", help="who signs in (name as on this laptop)"
    )
    dec.add_argument("--out", type=Path, required=True, metavar="FILE", help="the new copy")
    dec.add_argument(
        "--passphrase-stdin", action="store_true", help="read the passphrase from stdin"
    )
    dec.set_defaults(handler=_cmd_decrypt)


def _asker(from_stdin: bool) -> Ask:
    if not from_stdin:
        return getpass.getpass

    def ask(prompt: str) -> str:
        line = sys.stdin.readline()
        if not line:
            raise CliError(f"no passphrase on standard input ({prompt.strip().rstrip(':')})")
        return line.rstrip("\r\n")

    return ask


def _people_by_email(db_path: Path, emails: list[str]) -> list[tuple[str, str, str]]:
    """(person id, name, email) of each email, from the (plaintext) database."""
    from sqlalchemy import func, select

    from db.models import Person
    from db.store import open_database

    database = open_database(db_path)
    try:
        with database.session() as s:
            found = []
            for email in emails:
                person = s.scalars(
                    select(Person).where(func.lower(Person.email) == email.strip().lower())
                ).first()
                if person is None:
                    raise CliError(f"nobody with the email {email} on the board in {db_path}")
                found.append((person.id, person.name, email))
    finally:
        database.close()
    return found


def _passphrase_for(
    keyring: Keyring, person_id: str, name: str, ask: Ask, now: dt.datetime, confirm: bool
) -> str:
    """The person's passphrase: the one set on this laptop (checked) or a new one."""
    from db.auth.passphrase import check_rules

    enrolled = any(p.person_id == person_id for p in keyring.people())
    if enrolled:
        passphrase = ask(f"Passphrase of {name}: ")
        keyring.sign_in(person_id, passphrase, now=now)  # refused in its own words
        return passphrase
    passphrase = ask(f"New passphrase for {name}: ")
    check_rules(passphrase)
    if confirm and ask(f"The same passphrase again for {name}: ") != passphrase:
        raise CliError(f"the two passphrases for {name} differ; nothing was changed")
    return passphrase


def _cmd_encrypt(args: argparse.Namespace, paths: AppPaths) -> int:
    from db.auth import Keyring
    from db.crypto import new_data_key
    from db.encryption import encrypt_file, looks_encrypted, shred
    from db.store import check_database
    from desktop.app import is_demo_database

    db_path: Path = args.db
    if not db_path.exists():
        raise CliError(f"no database at {db_path}")
    if looks_encrypted(db_path):
        raise CliError(f"{db_path} is already encrypted")
    if is_demo_database(db_path):
        raise CliError("the demo board stays unencrypted: it holds made-up people only")
    check_database(db_path)
    people = _people_by_email(db_path, args.person)
    ask = _asker(args.passphrase_stdin)
    now = dt.datetime.now(dt.UTC)
    keyring_path = Keyring.path_for(db_path)
    before = keyring_path.read_bytes() if keyring_path.exists() else None
    keyring = Keyring.load(db_path, create=True)
    others = [p for p in keyring.people() if p.person_id not in {pid for pid, _n, _e in people}]
    phrases = [
        _passphrase_for(keyring, pid, name, ask, now, confirm=not args.passphrase_stdin)
        for pid, name, _email in people
    ]
    key = new_data_key()
    try:
        for (pid, name, _email), phrase in zip(people, phrases, strict=True):
            keyring.enrol(pid, name, phrase, data_key=key, now=now)
        done = encrypt_file(
            db_path, key, backup_dir=paths.backup_dir, keep_plaintext=args.keep_plaintext
        )
        keyring.encrypted = True
    except BaseException:
        # The file is still plaintext: put the keyring back as it was.
        if before is None:
            keyring_path.unlink(missing_ok=True)
        else:
            keyring_path.write_bytes(before)
        raise
    names = ", ".join(name for _pid, name, _email in people)
    print(f"encrypted {db_path}; it opens with the passphrase of: {names}")
    if done.kept_plaintext is not None:
        print(f"the unencrypted file was kept as {done.kept_plaintext} (remove it when done)")
    else:
        print(
            "the unencrypted file was overwritten and removed (on an SSD old copies may "
            "survive in the drive: keep full-disk encryption on)"
        )
    if others:
        print(
            "ask the secretariat to set the passphrase again for: "
            + ", ".join(p.name for p in others)
            + " (they cannot open the encrypted file until then)"
        )
    plaintext = [b for b in done.plaintext_backups if b.path != done.kept_plaintext]
    if plaintext and args.shred_plaintext_backups:
        for backup in plaintext:
            shred(backup.path)
        print(f"overwrote and removed {len(plaintext)} unencrypted backup(s)")
    elif plaintext:
        print("these backups are NOT encrypted (remove them with --shred-plaintext-backups):")
        for backup in plaintext:
            print(f"  {backup.path}")
    return 0


def _cmd_decrypt(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.auth import Keyring
    from db.encryption import decrypt_file, looks_encrypted

    db_path: Path = args.db
    if not db_path.exists():
        raise CliError(f"no database at {db_path}")
    if not looks_encrypted(db_path):
        raise CliError(f"{db_path} is not encrypted")
    keyring = Keyring.load(db_path)
    wanted = args.person.strip().lower()
    match = [p for p in keyring.people() if wanted in (p.person_id.lower(), p.name.lower())]
    if not match:
        raise CliError(f"{args.person} has no passphrase set for {db_path.name} on this laptop")
    person = match[0]
    passphrase = _asker(args.passphrase_stdin)(f"Passphrase of {person.name}: ")
    signed = keyring.sign_in(person.person_id, passphrase, now=dt.datetime.now(dt.UTC))
    if signed.data_key is None:
        raise CliError(f"{person.name}'s passphrase holds no key for {db_path.name}")
    out = decrypt_file(db_path, signed.data_key, args.out)
    print(f"wrote an UNENCRYPTED copy of {db_path} to {out}: keep it safe and remove it when done")
    return 0
