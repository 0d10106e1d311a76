"""The `boardpack` command line: the GUI's twin over the same `db/` services.

Every subcommand has `--help`. Expected failures (a missing or damaged file, a
bad argument) print one line, `boardpack: <what went wrong>`, and exit 1 (2 for
usage errors); an unexpected one prints one line pointing at the log file,
never a traceback. Heavy modules are imported inside the command that needs
them so `boardpack --help` and `--version` stay instant.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from desktop import app_version
from desktop.cli_base import PROG, CliError, Handler
from desktop.cli_base import Parser as _Parser
from desktop.cli_base import add_db as _add_db
from desktop.paths import AppPaths, app_paths

log = logging.getLogger(__name__)

# Modules each adding a capability's subcommands (see desktop/cli_base.py).
COMMAND_MODULES: tuple[str, ...] = (
    "desktop.cli_minutes",
    "desktop.cli_backup",
    "desktop.cli_decisions",
    "desktop.cli_audit",
    "desktop.cli_user",
    "desktop.cli_encrypt",
    "desktop.cli_doctor",
    "desktop.cli_import",
)


class _VersionAction(argparse.Action):
    """--version, reading the package metadata only when asked."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help", "")))

    def __call__(self, parser: argparse.ArgumentParser, *_args: object, **_kw: object) -> None:
        print(f"{PROG} {app_version()}")
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Boardpack: run improvement-board meetings, plans, risks and minutes "
        "offline. With no command, opens the app.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    parser.add_argument("--db", type=Path, metavar="PATH", help="open this database in the app")
    parser.add_argument(
        "--demo", action="store_true", help="open the demo board (created on first use)"
    )
    parser.add_argument(
        "--as",
        dest="role",
        choices=["chair", "vice_chair", "member", "secretariat", "officer", "observer"],
        help="on the demo board: sign in as this role (no passphrase); default chair",
    )
    parser.add_argument(
        "--data-dir", type=Path, metavar="DIR", help="keep data, logs and backups under DIR"
    )
    parser.add_argument(
        "--welcome", action="store_true", help="start on the welcome screen (not the last file)"
    )
    parser.add_argument("--quit-when-shown", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--quit-when-loaded", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", help="the demo board")
    demo_sub = demo.add_subparsers(
        dest="demo_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    create = demo_sub.add_parser("create", help="build the demo board into a new file")
    create.add_argument("path", type=Path, metavar="PATH", help="the new database file")
    create.add_argument("--force", action="store_true", help="replace PATH if it exists")

    dump = sub.add_parser("dump", help="print every record as canonical JSON")
    _add_db(dump, required=True)
    dump.add_argument("--out", type=Path, metavar="FILE", help="write to FILE instead of stdout")

    central = sub.add_parser("central", help="the central store laptops sync with")
    central_sub = central.add_subparsers(
        dest="central_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    init = central_sub.add_parser("init", help="create or upgrade the central schema at URL")
    init.add_argument(
        "url", metavar="URL", help="postgresql+psycopg://user@host/db, or sqlite:////share/board.db"
    )
    import_module("desktop.cli_central").add_grant(central_sub)

    sync = sub.add_parser("sync", help="sync a laptop's database with the central store")
    _add_db(sync, required=True)
    sync.add_argument("--remote", required=True, metavar="URL", help="the central store URL")
    sync.add_argument("--batch", type=int, metavar="N", help=argparse.SUPPRESS)  # engine's
    sync.add_argument("--quiet", action="store_true", help="print only the summary line")
    sync.add_argument(
        "--as",
        dest="person",
        metavar="EMAIL",
        help="whom this laptop syncs for (a new laptop): nothing they may not read is sent",
    )
    sync.add_argument(
        "--encrypt",
        action="store_true",
        help="a new laptop's first sync: make the new file encrypted, opened with the "
        "--as person's passphrase (from --db-passphrase-file, $BOARDPACK_PASSPHRASE, or asked)",
    )

    shot = sub.add_parser("screenshot", help="render a page of the app to a PNG, offscreen")
    shot.add_argument("page", metavar="PAGE", help="dashboard, plan, risks, performance, …")
    _add_db(shot, required=False)
    shot.add_argument("--out", type=Path, required=True, metavar="FILE.png")
    shot.add_argument("--size", default="1366x768", metavar="WxH", help="window size")
    for name in COMMAND_MODULES:
        import_module(name).register(sub)
    return parser


def _cmd_demo_create(args: argparse.Namespace, _paths: AppPaths) -> int:
    path: Path = args.path
    if path.exists():
        if not args.force:
            raise CliError(f"{path} already exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    _create_demo(path)
    print(f"demo board written to {path}")
    return 0


def _create_demo(path: Path) -> None:
    from db.demo import create_demo
    from exports.papers import render_paper_pdf

    tmp = path.with_name(path.name + ".partial")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    try:
        database = create_demo(tmp, render_paper=render_paper_pdf)
        database.close()
        tmp.replace(path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def _cmd_dump(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.dump import write_dump
    from desktop.cli_base import open_cli_database

    database = open_cli_database(args)
    try:
        if args.out:
            tmp = args.out.with_name(args.out.name + ".partial")
            try:
                with tmp.open("w", encoding="utf-8", newline="\n") as fh:
                    write_dump(database.engine, fh)
                tmp.replace(args.out)
            finally:
                tmp.unlink(missing_ok=True)  # a failed write leaves no half a dump
        else:
            write_dump(database.engine, sys.stdout)
    finally:
        database.close()
    return 0


def _parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise CliError(f"--size must look like 1366x768, not {text!r}") from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise CliError(f"--size {text} is out of range (320x240 to 8000x8000)")
    return w, h


def _resolve_db(args: argparse.Namespace, paths: AppPaths) -> Path:
    if args.db is not None:
        return Path(args.db)
    if getattr(args, "demo", False) or args.command == "screenshot":
        if not paths.demo_db.exists():
            paths.data_dir.mkdir(parents=True, exist_ok=True)
            _create_demo(paths.demo_db)
        return paths.demo_db
    raise CliError("no database given: use --db PATH or --demo")


def _cmd_screenshot(args: argparse.Namespace, paths: AppPaths) -> int:
    size = _parse_size(args.size)
    if args.out.suffix.lower() != ".png":
        raise CliError(f"--out must be a .png file, not {args.out.name}")
    db_path = _resolve_db(args, paths)
    from desktop.app import is_demo_database
    from desktop.screenshot import take_screenshot

    today = None
    if args.db is None or is_demo_database(db_path):  # the demo, as at its snapshot date
        from db.demo import DEMO_AS_OF

        today = DEMO_AS_OF
    from desktop.cli_base import unlock_key

    key, person_id = unlock_key(args, db_path)  # an encrypted board: sign in as other commands
    take_screenshot(
        args.page, db_path, args.out, size=size, today=today, key=key, person_id=person_id
    )
    print(f"{args.page} written to {args.out}")
    return 0


def _cmd_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    from desktop.crash import install_crash_handler
    from desktop.logging_setup import log_location

    handler = install_crash_handler(log_location())  # an error in the app: a dialog, not a trace
    try:
        return _open_gui(args, paths)
    finally:
        handler.uninstall()


def _open_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    signed_in = None  # a new board made on the welcome screen opens as its maker
    if args.welcome or (args.db is None and not args.demo):
        from desktop.welcome import start_choice

        choice = start_choice(paths, ask=args.welcome)  # the last file, else the welcome screen
        if choice is None:
            return 0  # the welcome screen was closed
        signed_in = choice.signed_in
        args.db, args.demo = (None, True) if choice.demo else (choice.path, False)
    db_path = _resolve_db(args, paths)
    from desktop.app import is_demo_database, run_gui

    if not args.demo and db_path.is_file():  # the welcome screen's recent files
        from desktop.recent_files import RecentFiles, app_settings

        RecentFiles(app_settings(paths)).add(db_path)

    if args.role and not (args.demo or is_demo_database(db_path)):
        raise CliError(
            "--as is for the demo board; a real board opens on its sign-in screen "
            "(passphrases: boardpack user --help)"
        )
    code: int = run_gui(
        db_path,
        quit_when_shown=args.quit_when_shown,
        demo=True if args.demo else None,
        quit_when_loaded=args.quit_when_loaded,
        role=args.role,
        signed_in=signed_in,
    )
    return code


def _cmd_central(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.sync.central import init_central

    revision = init_central(args.url)
    print(f"central store ready at {_redact(args.url)} (schema {revision})")
    return 0


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def _cmd_sync(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.sync.engine import sync
    from desktop.cli_base import open_cli_database
    from desktop.cli_central import central_for

    if args.batch is not None and args.batch < 1:
        raise CliError("--batch must be at least 1")
    if not args.remote.isprintable():  # bytes that are not UTF-8, control characters
        raise CliError(f"not a database URL: {args.remote!r}")
    _check_central_file(args.remote)
    # A new laptop joins by syncing into a file that does not exist yet; if that first
    # sync fails, the file it started is removed (nothing half-built is left behind).
    joining = not Path(args.db).exists()
    key = passphrase = None
    if args.encrypt:
        from desktop.cli_base import new_passphrase

        if not joining:
            raise CliError(
                f"--encrypt is for a new laptop's first sync into a new file; {args.db} "
                f"exists (encrypt it with: boardpack encrypt --db {args.db} --person EMAIL)"
            )
        if not args.person:
            raise CliError("--encrypt needs --as EMAIL: whose passphrase opens the new file")
        passphrase = new_passphrase(args, args.person)
    remote = central_for(args.remote, args.person)
    try:
        if passphrase is not None:
            from db.crypto import new_data_key
            from db.encryption import create_encrypted

            key = new_data_key()
            database = create_encrypted(Path(args.db), key)
        else:
            # past the hard offline limit a sign-in to sync is let through: it is the way back
            database = open_cli_database(args, create=joining, to_sync=True)
    except BaseException:
        if joining:
            _remove_database(Path(args.db))
        if not isinstance(remote, str):
            remote.close()
        raise
    last = [""]

    def progress(stage: str, done: int, total: int) -> None:
        line = f"{stage}: {done}" + (f"/{total}" if total else "")
        if not args.quiet and sys.stderr.isatty():
            print("\r" + line.ljust(len(last[0])), end="", file=sys.stderr, flush=True)
        last[0] = line

    done = False
    try:
        if args.batch is None:  # the engine's default batch (5,000 changes)
            result = sync(database, remote, progress=progress)
        else:
            result = sync(database, remote, batch=args.batch, progress=progress)
        if passphrase is not None and key is not None:  # the new encrypted file's keyring
            from desktop.cli_base import enrol_new_file

            enrol_new_file(database, Path(args.db), args.person, passphrase, key)
        done = True
    finally:
        database.close()
        if joining and not done:
            _remove_database(Path(args.db))
            if passphrase is not None:
                Path(f"{args.db}.keyring").unlink(missing_ok=True)
        if not isinstance(remote, str):
            remote.close()
        if last[0] and not args.quiet and sys.stderr.isatty():
            print(file=sys.stderr)
    _note_central_contact(Path(args.db))
    print(f"synced with {_redact(args.remote)}: {result.summary()}")
    if passphrase is not None:
        print(f"{args.db} is encrypted: it opens with the passphrase of {args.person}")
    return 0


def _check_central_file(url: str) -> None:
    """A shared-drive central store (sqlite:///FILE) that exists but is not SQLite is
    refused in one line here (the sync engine met it as an internal error)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return  # the engine words a bad URL itself
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    from db.encryption import has_sqlite_header

    where = Path(parsed.database)
    try:
        plain = not where.is_file() or where.stat().st_size == 0 or has_sqlite_header(where)
    except OSError:
        return
    if not plain:
        raise CliError(f"{where} is not a Boardpack central store (not an SQLite file)")


def _remove_database(path: Path) -> None:
    """Remove a database file this command created (with its WAL and shared memory)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _note_central_contact(db_path: Path) -> None:
    """A successful sync restarts the keyring's offline clock (when the file has one)."""
    from db.auth import Keyring

    if not Keyring.exists(db_path):
        return
    import datetime as dt

    Keyring.load(db_path).record_central_contact(dt.datetime.now(dt.UTC))


COMMANDS: dict[str, Handler] = {
    "central": _cmd_central,
    "sync": _cmd_sync,
    "demo": _cmd_demo_create,
    "dump": _cmd_dump,
    "screenshot": _cmd_screenshot,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 prints as its bytes
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="surrogateescape")
    args = build_parser().parse_args(argv)
    paths = app_paths(args.data_dir)
    from desktop.logging_setup import setup_logging

    setup_logging(paths)
    from db.errors import BoardpackError

    command: Handler = getattr(args, "handler", None) or COMMANDS.get(args.command or "", _cmd_gui)
    try:
        return command(args, paths)
    except (BoardpackError, CliError) as exc:
        from desktop.cli_backup import damaged_hint

        hint = damaged_hint(exc, getattr(args, "db", None), paths)
        print(f"{PROG}: {exc}{hint}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"{PROG}: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        log.error("unexpected error\n%s", traceback.format_exc())
        print(
            f"{PROG}: internal error ({type(exc).__name__}: {exc}); details in {paths.log_file}",
            file=sys.stderr,
        )
        return 70
