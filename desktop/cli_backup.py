"""`boardpack backup …` and `boardpack wipe`: copies of a database, putting one back, wiping.

    boardpack backup list --db PATH
    boardpack backup create --db PATH [--reason WORD]
    boardpack backup restore --db PATH [BACKUP]
    boardpack wipe --db PATH [--yes]

Backups live in the user data dir's `backups` folder (`--data-dir` moves it);
`list` also shows the copies taken beside the file before a migration.
`restore` takes the newest good backup unless one is named (a path, or a file
name from `list`), and first backs up the file it replaces. `wipe` removes the
database, its backups, the signing keys and the caches after asking (unless
`--yes`), and refuses a file that is not a Boardpack database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.cli_base import PROG, CliError, Parser, add_db, subparsers
from desktop.paths import AppPaths


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `backup` (list, create, restore) and `wipe`."""
    backup = sub.add_parser("backup", help="list, take and restore backups of a database")
    backup_sub = subparsers(backup, "backup_command")
    listing = backup_sub.add_parser("list", help="the backups of a database, newest first")
    add_db(listing, required=True)
    listing.set_defaults(handler=_cmd_list)
    create = backup_sub.add_parser("create", help="take a backup now")
    add_db(create, required=True)
    create.add_argument(
        "--reason", default="manual", metavar="WORD", help="a word naming why (default: manual)"
    )
    create.set_defaults(handler=_cmd_create)
    restore = backup_sub.add_parser(
        "restore", help="put a backup in place of the database (the current file is kept)"
    )
    add_db(restore, required=True)
    restore.add_argument(
        "backup", nargs="?", metavar="BACKUP", help="a backup file or its name (default: newest)"
    )
    restore.set_defaults(handler=_cmd_restore)

    wipe = sub.add_parser(
        "wipe", help="remove a database, its backups, signing keys and caches from this laptop"
    )
    add_db(wipe, required=True)
    wipe.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    wipe.set_defaults(handler=_cmd_wipe)


def _cmd_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from db.backup import list_backups, quick_check
    from db.encryption import looks_encrypted

    found = list_backups(args.db, paths.backup_dir)
    if not found:
        print(f"no backups of {args.db} in {paths.backup_dir}")
        return 0
    for backup in found:
        # An encrypted backup is checked when restored (it needs the passphrase's key).
        if looks_encrypted(backup.path):
            state = "encrypted"
        else:
            state = "ok" if quick_check(backup.path) is None else "DAMAGED"
        print(
            f"{backup.taken_at:%Y-%m-%d %H:%M:%S} UTC  {backup.reason:<24} "
            f"{backup.size / 1e6:8.1f} MB  {state:<7}  {backup.path}"
        )
    return 0


def _cmd_create(args: argparse.Namespace, paths: AppPaths) -> int:
    from db.backup import create_backup
    from db.store import check_database
    from desktop.cli_base import unlock_key

    key, _person = unlock_key(args, Path(args.db))
    check_database(args.db, key)
    backup = create_backup(args.db, paths.backup_dir, args.reason, key=key)
    print(f"backed up {args.db} to {backup.path}")
    return 0


def _find(db: Path, name: str | None, paths: AppPaths, key: bytes | None = None) -> Path:
    from db.backup import latest_good, list_backups

    if name is None:
        good = latest_good(db, paths.backup_dir, key=key)
        if good is None:
            raise CliError(f"no good backup of {db} in {paths.backup_dir}")
        return good.path
    given = Path(name)
    if given.exists():
        return given
    for backup in list_backups(db, paths.backup_dir):
        if backup.path.name == name:
            return backup.path
    raise CliError(f"no backup {name} (see {PROG} backup list --db {db})")


def _cmd_restore(args: argparse.Namespace, paths: AppPaths) -> int:
    from db.backup import restore
    from desktop.cli_base import unlock_key

    key, _person = unlock_key(args, Path(args.db))
    source = _find(args.db, args.backup, paths, key)
    saved = restore(args.db, source, paths.backup_dir, key=key)
    kept = f"; the file it replaced is kept as {saved.path}" if saved else ""
    print(f"restored {args.db} from {source}{kept}")
    return 0


def damaged_hint(error: BaseException, db: Path | None, paths: AppPaths) -> str:
    """For a damaged database: which backup to restore and the command that does it."""
    from db.backup import latest_good
    from db.errors import CorruptDatabaseError

    if not isinstance(error, CorruptDatabaseError) or db is None:
        return ""
    good = latest_good(db, paths.backup_dir)
    if good is None:
        return f" (no good backup of it in {paths.backup_dir})"
    return (
        f"; the latest good backup is {good.path.name} "
        f"(taken {good.taken_at:%Y-%m-%d %H:%M} UTC): "
        f"{PROG} backup restore --db {db} {good.path.name}"
    )


def _cmd_wipe(args: argparse.Namespace, paths: AppPaths) -> int:
    from desktop.wipe import plan_wipe, wipe

    plan = plan_wipe(args.db, paths)
    if not args.yes:
        print("This removes from this laptop, for good:")
        for line in plan.describe():
            print(f"  {line}")
        if not sys.stdin.isatty():
            raise CliError("wipe asks for confirmation: run it on a terminal, or add --yes")
        if input("Type WIPE to confirm: ").strip() != "WIPE":
            print("nothing removed")
            return 1
    removed = wipe(plan)
    print(f"wiped {args.db}: {removed} files removed")
    return 0
