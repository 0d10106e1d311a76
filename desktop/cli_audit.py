"""`boardpack audit verify`: check the audit log's hash chains.

    boardpack audit verify --db PATH

Prints one line when every chain is whole (exit 0), or one line per problem —
an edited, deleted or inserted event, named by its id, chain and number — and
exits 1. See `db.audit_chain` for what is checked.
"""

from __future__ import annotations

import argparse

from desktop.cli_base import Parser, add_db, subparsers
from desktop.paths import AppPaths


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `audit verify`."""
    audit = sub.add_parser("audit", help="the audit log: check it has not been altered")
    audit_sub = subparsers(audit, "audit_command")
    verify = audit_sub.add_parser("verify", help="check every hash chain of the audit log")
    add_db(verify, required=True)
    verify.set_defaults(handler=_cmd_verify)


def _cmd_verify(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.audit_chain import verify
    from desktop.cli_base import open_cli_database

    database = open_cli_database(args)
    try:
        with database.engine.connect() as conn:
            report = verify(conn)
    finally:
        database.close()
    chains = f"{report.chains} chain{'s' if report.chains != 1 else ''}"
    if report.ok:
        print(f"audit log of {args.db}: {report.events} events in {chains}, intact")
        return 0
    print(
        f"audit log of {args.db}: {report.events} events in {chains}, "
        f"{len(report.problems)} problem{'s' if len(report.problems) != 1 else ''}:"
    )
    for problem in report.problems:
        print(f"  {problem.message}")
    return 1
