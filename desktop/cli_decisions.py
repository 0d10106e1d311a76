"""`boardpack decisions …`: decision numbers taken twice offline, listed and corrected.

    boardpack decisions duplicates --db PATH [--board CODE]
    boardpack decisions renumber --db PATH DECISION_REF

Two laptops recording decisions offline for the same board and year can take
the same number; once synced, both decisions stand under it
(`db.services.decisions.duplicate_numbers`). `duplicates` lists each shared
number with its decisions, the one that keeps the number first (it took the
number first). `renumber` gives the later one the board's next free number, as
a new version of it that syncs like any other: DECISION_REF is a decision's id,
or a shared number ("OPAB 20/01"), which renumbers every decision of it but the
first. There is no sign-in yet, so, like the app and `boardpack minutes`, these
commands act as the board's chair.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from desktop.cli_base import CliError, Parser, add_db, subparsers
from desktop.paths import AppPaths

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.services.decisions import DuplicateNumber, SharedNumber


def register(sub: argparse._SubParsersAction[Parser]) -> None:
    """Add `decisions` with `duplicates` and `renumber`."""
    decisions = sub.add_parser(
        "decisions", help="decision numbers taken twice offline: list and renumber them"
    )
    decisions_sub = subparsers(decisions, "decisions_command")
    listing = decisions_sub.add_parser(
        "duplicates", help="the decision numbers more than one decision took (offline)"
    )
    add_db(listing, required=True)
    listing.add_argument("--board", metavar="CODE", help="one board only, e.g. OPAB")
    listing.set_defaults(handler=_cmd_duplicates)
    renumber = decisions_sub.add_parser(
        "renumber", help="give the later decision of a shared number the next free number"
    )
    add_db(renumber, required=True)
    renumber.add_argument(
        "ref", metavar="DECISION_REF", help="a decision id, or a shared number such as 'OPAB 20/01'"
    )
    renumber.set_defaults(handler=_cmd_renumber)


def _chair(session: Session, board_id: str) -> str | None:
    """Who the command acts as: the board's chair, as the app does until sign-in exists."""
    from db.views import board_context

    viewer = board_context(session, board_id).viewer
    return viewer.person_id if viewer is not None else None


def _line(d: SharedNumber) -> str:
    from db.services.meeting_common import long_date

    role = "keeps it" if d.keeps_number else "renumber"
    item = f', item "{d.item_title}"' if d.item_title else ""
    who = f" by {d.recorded_by}" if d.recorded_by else ""
    when = d.recorded_at.strftime("%H:%M")
    return (
        f"  {role:<9} meeting of {long_date(d.meeting_date)}{item}, recorded at {when} UTC{who}: "
        f"{d.wording}  [{d.decision_id}]"
    )


def describe(duplicate: DuplicateNumber) -> list[str]:
    """The lines `duplicates` prints for one shared number."""
    head = f"{duplicate.number} was taken by {len(duplicate.decisions)} decisions:"
    return [head, *(_line(d) for d in duplicate.decisions)]


def _cmd_duplicates(args: argparse.Namespace, _paths: AppPaths) -> int:
    from sqlalchemy import func, select

    from db.models import Board
    from db.services.decisions import duplicate_numbers
    from desktop.cli_base import open_cli_database

    database = open_cli_database(args)
    try:
        with database.session() as session:
            query = select(Board.id, Board.code).order_by(Board.code)
            if args.board:
                query = query.where(func.upper(Board.code) == args.board.strip().upper())
            boards = session.execute(query).all()
            if args.board and not boards:
                raise CliError(f"there is no board {args.board!r} in {args.db}")
            found = [d for board in boards for d in duplicate_numbers(session, board.id)]
    finally:
        database.close()
    if not found:
        print("no decision number is shared: nothing to renumber")
        return 0
    for duplicate in found:
        print("\n".join(describe(duplicate)))
    later = sum(len(d.later) for d in found)
    print(
        f"{len(found)} shared number{'s' if len(found) != 1 else ''}; renumber the later "
        f"decision{'s' if later != 1 else ''} with: boardpack decisions renumber --db PATH "
        "'NUMBER' (or DECISION_ID)"
    )
    return 0


def _cmd_renumber(args: argparse.Namespace, _paths: AppPaths) -> int:
    from db.errors import ValidationError
    from db.services.decisions import duplicate_numbers, find_decisions, renumber_decision
    from desktop.cli_base import open_cli_database

    database = open_cli_database(args)
    try:
        with database.session() as session:
            rows = find_decisions(session, args.ref)
            board_id = rows[0].board_id
            # Signed in (an encrypted file): they renumber, as themselves; else the chair.
            actor = getattr(args, "signed_in_person", None) or _chair(session, board_id)
            if len(rows) == 1:
                old = [(rows[0].number, rows[0].id)]
            else:
                key = (rows[0].year, rows[0].seq)
                shared = [d for d in duplicate_numbers(session, board_id) if (d.year, d.seq) == key]
                if not shared:
                    raise ValidationError(f"{rows[0].number} shares its number with no other")
                old = [(d.number, d.decision_id) for d in shared[0].later]
        with database.begin(actor) as session:
            refs = [renumber_decision(session, actor, decision_id) for _, decision_id in old]
    finally:
        database.close()
    for (number, decision_id), ref in zip(old, refs, strict=True):
        print(f"{number} [{decision_id}] is now {ref.number} (version {ref.version})")
    return 0
