"""Starting a real board: the board, its (empty) improvement plan and its first two seats.

The welcome screen's "Create a new board" calls `create_board` on a new file:
the council's board (name, short code), an improvement plan titled after the
council with the (B)RAG scale's usual meanings, a chair and a secretariat. The
secretariat is the actor of every write after their own record (as a clerk
sets a board up), so the audit trail starts with them; the plan's actions come
next, usually imported from the council's spreadsheet (`db.importers`), which
the secretariat's seat is allowed to do. Everything happens in the caller's
transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import Board, Membership, Person, Plan, Rag, RagDefinition, Role

#: The (B)RAG scale's usual meanings (DOMAIN.md); a board may reword them later.
DEFAULT_RAG: tuple[tuple[Rag, str, str, str], ...] = (
    (Rag.BLUE, "Blue", "Complete: evidence accepted by the board.", "#1D70B8"),
    (Rag.GREEN, "Green", "On track to the due date.", "#00703C"),
    (Rag.AMBER, "Amber", "At risk: slipping or partly delivered, recovery in hand.", "#F4A000"),
    (Rag.RED, "Red", "Off track or overdue: needs the board's intervention.", "#D4351C"),
)
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,15}$")


@dataclass(frozen=True)
class NewBoard:
    """What `create_board` made: ids the caller needs next (import, sign-in)."""

    board_id: str
    plan_id: str
    chair_id: str
    secretariat_id: str


def suggest_code(board_name: str) -> str:
    """A short code from the board's name: its initials ("Ofsted Priority Action Board" → OPAB)."""
    words = [
        w
        for w in re.split(r"[^A-Za-z0-9]+", board_name)
        if w and w.lower() not in {"and", "of", "the", "for"}
    ]
    code = "".join(w[0] for w in words).upper()[:16]
    return code or "BOARD"


def _required(value: str, what: str, limit: int) -> str:
    text = " ".join(value.split())
    if not text:
        raise ValidationError(f"{what} is required")
    if len(text) > limit:
        raise ValidationError(f"{what} is too long (at most {limit} characters)")
    return text


def create_board(
    session: Session,
    *,
    council: str,
    board_name: str,
    code: str,
    chair_name: str,
    secretariat_name: str,
    secretariat_email: str | None = None,
    plan_title: str | None = None,
    today: dt.date | None = None,
) -> NewBoard:
    """Create a board with an empty improvement plan, its chair and its secretariat.

    Args:
        session: the caller's session (in a transaction the caller commits).
        council: the council whose services the board oversees ("Slough Borough Council").
        board_name: the board's name ("Ofsted Priority Action Board").
        code: its short code, unique in the file (capitals, digits, hyphens; ≤ 16).
        chair_name: the chair's name.
        secretariat_name: the clerk who sets the board up (the actor from here on).
        secretariat_email: the clerk's email, if known.
        plan_title: the plan's title (default: "<council> Improvement Plan").
        today: the memberships' start date (default: today).

    Returns:
        The new board's, plan's and two people's ids.

    Raises:
        ValidationError: a required field is blank or too long, or the code is taken or
            malformed.
    """
    council = _required(council, "The council's name", 200)
    board_name = _required(board_name, "The board's name", 200)
    chair_name = _required(chair_name, "The chair's name", 200)
    secretariat_name = _required(secretariat_name, "The secretariat's name", 200)
    code = code.strip().upper()
    if not _CODE.match(code):
        raise ValidationError(
            f"the short code {code!r} must be 1–16 capital letters, digits or hyphens (e.g. OPAB)"
        )
    if session.scalars(select(Board.id).where(Board.code == code)).first() is not None:
        raise ValidationError(f"this file already has a board with the code {code}")
    start = today or dt.date.today()
    email = (secretariat_email or "").strip() or None

    clerk = Person(
        name=secretariat_name, email=email, organisation=council, job_title="Secretariat"
    )
    session.add(clerk)
    session.flush()
    session.info["actor_id"] = clerk.id  # the clerk sets the board up: audited as theirs
    chair = Person(name=chair_name, organisation=None, job_title="Chair")
    board = Board(
        code=code,
        name=board_name,
        purpose=f"Oversees the improvement of {council}'s children's services.",
        quorum_fraction=1 / 3,
        quorum_needs_chair=True,
        meeting_interval_weeks=8,
    )
    session.add_all([chair, board])
    session.flush()
    session.add_all(
        [
            Membership(
                board_id=board.id,
                person_id=chair.id,
                role=Role.CHAIR,
                voting=True,
                position="Chair",
                start_date=start,
            ),
            Membership(
                board_id=board.id,
                person_id=clerk.id,
                role=Role.SECRETARIAT,
                voting=False,
                position="Secretariat",
                start_date=start,
            ),
        ]
    )
    plan = Plan(
        board_id=board.id, title=(plan_title or "").strip() or f"{council} Improvement Plan"
    )
    session.add(plan)
    session.flush()
    for order, (rag, label, meaning, colour) in enumerate(DEFAULT_RAG, start=1):
        session.add(
            RagDefinition(
                plan_id=plan.id,
                rag=rag,
                label=label,
                meaning=meaning,
                colour=colour,
                sort_order=order,
            )
        )
    session.flush()
    return NewBoard(board.id, plan.id, chair.id, clerk.id)
