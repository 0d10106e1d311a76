"""`boardpack minutes|actions|ca …`: minutes out of the app, signed and checked, and the action log.

    boardpack minutes export --db PATH --meeting REF --out FILE [--public] [--format pdf|html]
                             [--sign P12 --passphrase-file FILE]
    boardpack minutes verify FILE.pdf [--trust CA.pem]…
    boardpack minutes status --db PATH --meeting REF
    boardpack actions export --db PATH --board CODE --out FILE.{pdf,xlsx,csv} [--open-only]
    boardpack ca create --board CODE --passphrase-file FILE [--board-name NAME] [--organisation ORG]
    boardpack ca issue --board CODE --name NAME --ca-passphrase-file FILE --passphrase-file FILE
    boardpack ca import FILE.p12 --passphrase-file FILE
    boardpack ca list

REF is a meeting id or `BOARD:YYYY-MM-DD`. There is no sign-in yet, so, like
the app, these commands act as the board's chair. Only a version the chair has
signed in the app may carry the chair's PAdES signature. `minutes verify`
exits 0 only when pyHanko's verdict is intact, valid and trusted; it trusts
the `--trust` certificates and the signing CAs kept in this machine's signing
folder (`<data dir>/signing`, where `ca` keeps board CAs and certificates).
`minutes status` lists a meeting's minutes versions and, when the newest is
unsigned and a decision of the meeting changed since it was made (corrected,
amended, renumbered), says what changed; the secretariat brings the minutes up
to date on the Minutes page. `minutes export` of such a version says so on
stderr. Passphrases are read from files (first line) or asked for on a terminal, never
taken on the command line, where other users could see them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.cli_base import PROG, CliError, Parser, add_db, subparsers
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `minutes`, `actions` and `ca` with their actions."""
    minutes = sub.add_parser("minutes", help="export minutes (PDF or HTML), sign and verify them")
    minutes_sub = subparsers(minutes, "minutes_command")
    export = minutes_sub.add_parser("export", help="write a meeting's minutes to a file")
    add_db(export, required=True)
    export.add_argument(
        "--meeting", required=True, metavar="REF", help="a meeting id or BOARD:YYYY-MM-DD"
    )
    export.add_argument("--out", required=True, type=Path, metavar="FILE", help="the new file")
    export.add_argument(
        "--public", action="store_true", help="the public version (exempt items as title only)"
    )
    export.add_argument(
        "--format", choices=("pdf", "html"), help="pdf or html (default: from FILE's suffix)"
    )
    export.add_argument(
        "--sign", type=Path, metavar="P12", help="sign the PDF with this PKCS#12 certificate"
    )
    export.add_argument(
        "--passphrase-file", type=Path, metavar="FILE", help="the certificate's passphrase"
    )
    export.set_defaults(handler=_cmd_minutes_export)

    verify = minutes_sub.add_parser("verify", help="check a signed minutes PDF")
    verify.add_argument("file", type=Path, metavar="FILE.pdf")
    verify.add_argument(
        "--trust",
        type=Path,
        action="append",
        default=[],
        metavar="CA.pem",
        help="trust this CA certificate (repeatable)",
    )
    verify.set_defaults(handler=_cmd_minutes_verify)

    status = minutes_sub.add_parser(
        "status", help="a meeting's minutes versions, and decisions changed since the newest"
    )
    add_db(status, required=True)
    status.add_argument(
        "--meeting", required=True, metavar="REF", help="a meeting id or BOARD:YYYY-MM-DD"
    )
    status.set_defaults(handler=_cmd_minutes_status)

    actions = sub.add_parser("actions", help="the action log")
    actions_sub = subparsers(actions, "actions_command")
    log = actions_sub.add_parser("export", help="write a board's action log (PDF, XLSX or CSV)")
    add_db(log, required=True)
    log.add_argument("--board", required=True, metavar="CODE", help="the board's code, e.g. OPAB")
    log.add_argument("--out", required=True, type=Path, metavar="FILE", help=".pdf, .xlsx or .csv")
    log.add_argument("--open-only", action="store_true", help="leave out closed actions")
    log.add_argument(
        "--as-at",
        type=_date,
        metavar="YYYY-MM-DD",
        help="measure 'overdue' against this date (default today; the demo's snapshot date)",
    )
    log.set_defaults(handler=_cmd_actions_export)

    ca = sub.add_parser("ca", help="signing certificates: a board CA, the chair's certificate")
    ca_sub = subparsers(ca, "ca_command")
    create = ca_sub.add_parser("create", help="create a board's signing CA")
    create.add_argument("--board", required=True, metavar="CODE")
    create.add_argument("--board-name", metavar="NAME", help="the board's name, for the CA's name")
    create.add_argument("--organisation", metavar="ORG", help="the council")
    create.add_argument(
        "--passphrase-file", type=Path, metavar="FILE", help="protects the CA's key"
    )
    create.set_defaults(handler=_cmd_ca_create)

    issue = ca_sub.add_parser("issue", help="issue a signing certificate (PKCS#12) from the CA")
    issue.add_argument("--board", required=True, metavar="CODE")
    issue.add_argument("--name", required=True, metavar="NAME", help="the signer, e.g. the chair")
    issue.add_argument("--role", default="Chair", metavar="ROLE")
    issue.add_argument("--email", metavar="ADDRESS")
    issue.add_argument("--ca-passphrase-file", type=Path, metavar="FILE")
    issue.add_argument(
        "--passphrase-file", type=Path, metavar="FILE", help="protects the new PKCS#12"
    )
    issue.add_argument("--out", type=Path, metavar="FILE.p12", help="(default: the signing folder)")
    issue.set_defaults(handler=_cmd_ca_issue)

    imp = ca_sub.add_parser("import", help="import a council-issued PKCS#12 certificate")
    imp.add_argument("file", type=Path, metavar="FILE.p12")
    imp.add_argument("--passphrase-file", type=Path, metavar="FILE")
    imp.set_defaults(handler=_cmd_ca_import)

    listing = ca_sub.add_parser("list", help="the CAs and certificates on this machine")
    listing.set_defaults(handler=_cmd_ca_list)


_PASS_OPTION = "--passphrase-file"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2020-01-10") from None


def signing_folder(paths: AppPaths) -> Path:
    """Where board CAs and signing certificates are kept on this machine."""
    return paths.data_dir / "signing"


def _passphrase(path: Path | None, what: str, option: str) -> str:
    """The first line of `path`, or a prompt on a terminal; one line if neither."""
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            raise CliError(f"there is no passphrase file {path}") from None
        except UnicodeDecodeError:
            raise CliError(f"{path} is not a text file") from None
        if not lines or not lines[0]:
            raise CliError(f"the passphrase file {path} is empty")
        return lines[0]
    if sys.stdin.isatty():
        return getpass.getpass(f"{what}: ")
    named = what if what[:2].isupper() else what[0].lower() + what[1:]  # "CA passphrase"
    raise CliError(f"give the {named} with {option} FILE")


def _chair(session: Session, board_id: str) -> str | None:
    """Who the command acts as: the board's chair, as the app does until sign-in exists."""
    from db.views import board_context

    viewer = board_context(session, board_id).viewer
    return viewer.person_id if viewer is not None else None


def _is_demo(db: Path, paths: AppPaths) -> bool:
    if db.name == paths.demo_db.name:
        return True
    try:
        return db.resolve() == paths.demo_db.resolve()
    except OSError:
        return False


def _write_atomically(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".partial")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def _cmd_minutes_export(args: argparse.Namespace, _paths: AppPaths) -> int:
    out: Path = args.out
    fmt = args.format or {".html": "html", ".htm": "html"}.get(out.suffix.lower(), "pdf")
    if args.sign is not None and fmt != "pdf":
        raise CliError("only a PDF can be signed (use --format pdf)")
    if args.passphrase_file is not None and args.sign is None:
        raise CliError("--passphrase-file goes with --sign P12")
    if not out.parent.is_dir():
        raise CliError(f"there is no folder {out.parent}")
    passphrase, holder = None, None
    if args.sign is not None:  # a wrong passphrase fails before the minutes are rendered
        from cryptography.x509.oid import NameOID

        from exports.signing_ca import load_pkcs12

        passphrase = _passphrase(
            args.passphrase_file, "Certificate passphrase", "--passphrase-file"
        )
        names = load_pkcs12(args.sign, passphrase).certificate.subject.get_attributes_for_oid(
            NameOID.COMMON_NAME
        )
        holder = str(names[0].value) if names else None
    from db.minutes import export_doc, find_meeting
    from db.models import Meeting
    from desktop.cli_base import open_cli_database

    database = open_cli_database(args)
    try:
        with database.session() as session:
            meeting_id = find_meeting(session, args.meeting)
            board_id = session.get_one(Meeting, meeting_id).board_id
            chair = _chair(session, board_id)
            doc = export_doc(session, chair, meeting_id, public=args.public)
            stale = _changes(session, chair, doc.record.version_id if doc.record else None)
    finally:
        database.close()
    record = doc.record
    state = f"version {record.version}, {record.status}" if record else "not yet drafted"
    kind = "public" if args.public else "full"
    if args.sign is not None and (record is None or record.status != "signed"):
        raise CliError(
            f"only signed minutes carry the chair's signature: these are {state} "
            "(the chair signs them in the app first)"
        )
    if fmt == "html":
        from exports.minutes_html import render_minutes_html

        _write_atomically(out, render_minutes_html(doc).encode("utf-8"))
        print(f"{kind} minutes ({state}) written to {out}")
        _notes(stale)
        return 0
    from exports.minutes_pdf import minutes_pdf_bytes

    data = minutes_pdf_bytes(doc)
    if args.sign is not None:
        from exports.signing import sign_pdf

        data = sign_pdf(
            data,
            None,
            args.sign,
            passphrase,
            reason=f"Signed by the chair as a correct record ({kind} minutes, {state})",
            location=doc.board_name,
        )
    _write_atomically(out, data)
    print(f"{kind} minutes ({state}) written to {out}" + (", signed" if args.sign else ""))
    _notes(stale)
    if args.sign is not None and record is not None and holder != record.signed_by:
        print(
            f"{PROG}: note: the certificate is {holder}'s, but {record.signed_by} "
            f"signed version {record.version} in the app",
            file=sys.stderr,
        )
    return 0


def _notes(lines: list[str]) -> None:
    for line in lines:
        print(f"{PROG}: note: {line}", file=sys.stderr)


def _changes(session: Session, viewer: str | None, version_id: str | None) -> list[str]:
    """What changed in the record since an unsigned version was made, as sentences."""
    from db.errors import PermissionDeniedError
    from db.minutes import record_changes

    if version_id is None:
        return []
    try:
        changes = record_changes(session, viewer, version_id)
    except PermissionDeniedError:
        return []
    if not changes:
        return []
    return [f"{c.text}." for c in changes] + [
        "These minutes cannot be circulated, approved or signed until the secretariat "
        "brings them up to date on the Minutes page (a new draft from the record, keeping "
        "every section as edited)."
    ]


def _cmd_minutes_status(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.minutes import find_meeting, versions
    from db.models import Meeting
    from desktop.cli_base import open_cli_database

    database = open_cli_database(args)
    try:
        with database.session() as session:
            meeting_id = find_meeting(session, args.meeting)
            meeting = session.get_one(Meeting, meeting_id)
            day = meeting.meeting_date
            chair = _chair(session, meeting.board_id)
            found = versions(session, chair, meeting_id)
            stale = _changes(session, chair, found[-1].version_id if found else None)
    finally:
        database.close()
    print(f"Minutes of the meeting held on {day.day} {day:%B %Y}:")
    if not found:
        print("  not drafted yet (the secretariat generates the draft from the record)")
    for v in found:
        parts = [f"  version {v.version}: {v.status}"]
        if v.approved_by:
            parts.append(f"approved by {v.approved_by}")
        if v.signed_by and v.signed_at:
            parts.append(f"signed by {v.signed_by} on {v.signed_at:%d %B %Y}")
        print(", ".join(parts))
    for line in stale:
        print(line)
    return 0


def _cmd_minutes_verify(args: argparse.Namespace, paths: AppPaths) -> int:
    from exports.signing import verify_pdf
    from exports.signing_ca import trust_roots

    path: Path = args.file
    if not path.is_file():
        raise CliError(f"there is no file {path}")
    for root in args.trust:
        if not root.is_file():
            raise CliError(f"there is no certificate file {root}")
    roots = [*args.trust, *trust_roots(signing_folder(paths))]
    verdict = verify_pdf(path, roots)
    print(f"{path.name}: {verdict.summary}")
    if verdict.signed_by:
        print(f"signed by: {verdict.signed_by}")
    if verdict.signed_at:
        print(f"signed at: {verdict.signed_at.astimezone(dt.UTC):%d %B %Y %H:%M} UTC")
    if verdict.signed and verdict.intact and not verdict.trusted and not roots:
        print("no trust roots: give the board's CA certificate with --trust CA.pem")
    return 0 if verdict.ok else 1


def _cmd_actions_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from desktop.cli_base import open_cli_database
    from exports.action_log import export_action_log, format_for, load_action_log

    out: Path = args.out
    format_for(out)  # a bad suffix fails before the database is opened
    if not out.parent.is_dir():
        raise CliError(f"there is no folder {out.parent}")
    as_at = args.as_at
    if as_at is None:
        if _is_demo(args.db, paths):
            from db.demo import DEMO_AS_OF

            as_at = DEMO_AS_OF
        else:
            as_at = dt.date.today()
    from sqlalchemy import func, select

    from db.models import Board

    database = open_cli_database(args)
    try:
        with database.session() as session:
            board_id = session.scalar(
                select(Board.id).where(func.upper(Board.code) == args.board.strip().upper())
            )
            viewer = _chair(session, board_id) if board_id else None
            log = load_action_log(
                session, viewer, args.board, today=as_at, include_closed=not args.open_only
            )
    finally:
        database.close()
    export_action_log(log, out)
    print(
        f"action log of {log.board_code} as at {as_at:%d %B %Y} ({len(log.rows)} rows) "
        f"written to {out}"
    )
    return 0


def _cmd_ca_create(args: argparse.Namespace, paths: AppPaths) -> int:
    from exports.signing_ca import create_ca

    passphrase = _passphrase(args.passphrase_file, "CA passphrase", "--passphrase-file")
    info = create_ca(
        signing_folder(paths),
        args.board,
        passphrase,
        board_name=args.board_name,
        organisation=args.organisation,
    )
    print(f"signing CA for {args.board.upper()} created: {info.path}")
    print(f"SHA-256 fingerprint: {info.fingerprint_sha256}")
    return 0


def _cmd_ca_issue(args: argparse.Namespace, paths: AppPaths) -> int:
    from exports.signing_ca import issue_certificate

    ca_passphrase = _passphrase(args.ca_passphrase_file, "CA passphrase", "--ca-passphrase-file")
    passphrase = _passphrase(
        args.passphrase_file, "New certificate passphrase", "--passphrase-file"
    )
    if args.out is not None and not args.out.parent.is_dir():
        raise CliError(f"there is no folder {args.out.parent}")
    info = issue_certificate(
        signing_folder(paths),
        args.board,
        ca_passphrase,
        name=args.name,
        passphrase=passphrase,
        email=args.email,
        role=args.role,
        out=args.out,
    )
    until = f"{info.not_after:%d %B %Y}"
    print(f"certificate for {args.name} written to {info.path} (valid until {until})")
    return 0


def _cmd_ca_import(args: argparse.Namespace, paths: AppPaths) -> int:
    from exports.signing_ca import import_certificate

    passphrase = _passphrase(args.passphrase_file, "Certificate passphrase", "--passphrase-file")
    info = import_certificate(signing_folder(paths), args.file, passphrase)
    print(f"certificate of {info.subject} imported to {info.path}")
    return 0


def _cmd_ca_list(_args: argparse.Namespace, paths: AppPaths) -> int:
    from exports.signing_ca import certificates, trust_roots

    folder = signing_folder(paths)
    roots, certs = trust_roots(folder), certificates(folder)
    if not roots and not certs:
        print(f"no signing CAs or certificates in {folder}")
        return 0
    for root in roots:
        print(f"trusted CA: {root}")
    for cert in certs:
        print(f"certificate: {cert}")
    return 0
