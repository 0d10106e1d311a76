"""Sign-in meets the board: whose seat a signed-in person takes, who may enrol, the limits.

After sign-in the window opens for the person's own role on the board (their
membership), not the chair's. This module reads that seat, lists the people a
passphrase may be set for (anyone with a seat on a board in the file), holds
the secretariat's offline limits on the board (`boards.offline_*`), and copies
what sign-in needs before the database is open — the limits and the last
successful sync — into the keyring (`refresh_keyring`, after each open and
each sync).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.auth.keyring import Keyring
from db.auth.offline import OfflinePolicy
from db.errors import NotFoundError
from db.models import Board, Membership, Person, Role
from db.permissions import Capability, require
from db.store import Database
from db.views import BoardContext, Viewer, board_context, default_board_context

#: When a person holds several roles on a board, the window takes the widest.
ROLE_ORDER = (
    Role.CHAIR,
    Role.SECRETARIAT,
    Role.VICE_CHAIR,
    Role.MEMBER,
    Role.OFFICER,
    Role.OBSERVER,
)


@dataclass(frozen=True)
class Seat:
    """A person who may sign in: their name and their widest role on the board opened."""

    person_id: str
    name: str
    role: Role
    board_code: str


def _seats(session: Session, person_id: str | None = None) -> list[tuple[str, str, Role, str]]:
    query = (
        select(Person.id, Person.name, Membership.role, Board.code)
        .join(Membership, Membership.person_id == Person.id)
        .join(Board, Board.id == Membership.board_id)
        .where(Membership.end_date.is_(None))
    )
    if person_id is not None:
        query = query.where(Person.id == person_id)
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(query)]


def people_with_seats(session: Session) -> list[Seat]:
    """Everyone with a current seat on a board, each once (the default board first), by name."""
    base = default_board_context(session)
    first = base.board_code if base is not None else ""
    best: dict[str, Seat] = {}
    for pid, name, role, code in _seats(session):
        seat = Seat(pid, name, role, code)
        held = best.get(pid)
        rank = ((code != first), ROLE_ORDER.index(role))
        if held is None or rank < ((held.board_code != first), ROLE_ORDER.index(held.role)):
            best[pid] = seat
    return sorted(best.values(), key=lambda s: (s.name.casefold(), s.person_id))


def signed_in_context(session: Session, person_id: str) -> BoardContext | None:
    """The board the window opens on for `person_id`, acting in their own widest role.

    The default board (OPAB) when they sit on it, else the first board they sit on.

    Raises:
        NotFoundError: the person has no current seat on any board in the file.
    """
    base = default_board_context(session)
    if base is None:
        return None
    seats = _seats(session, person_id)
    if not seats:
        raise NotFoundError("that person has no current seat on a board in this file")
    on_default = [s for s in seats if s[3] == base.board_code]
    chosen = on_default or sorted(seats, key=lambda s: s[3])
    role = min((s[2] for s in chosen), key=ROLE_ORDER.index)
    code = chosen[0][3]
    board_id = session.scalars(select(Board.id).where(Board.code == code)).one()
    position = session.scalars(
        select(Membership.position).where(
            Membership.person_id == person_id,
            Membership.board_id == board_id,
            Membership.role == role,
        )
    ).first()
    viewer = Viewer(person_id, chosen[0][1], role.value, role.label, position)
    return dataclasses.replace(board_context(session, board_id), viewer=viewer)


def board_offline_policy(session: Session) -> OfflinePolicy:
    """The strictest offline limits over the file's boards (its records are all on the laptop)."""
    warns: list[int] = []
    limits: list[int] = []
    for warn, limit in session.execute(select(Board.offline_warn_days, Board.offline_limit_days)):
        if warn is not None:
            warns.append(warn)
        if limit is not None:
            limits.append(limit)
    positive = [w for w in warns if w > 0]
    warn_days = min(positive) if positive else (0 if warns else None)
    return OfflinePolicy(warn_days=warn_days, limit_days=min(limits) if limits else None)


def set_offline_policy(
    session: Session, actor_id: str | None, board_id: str, policy: OfflinePolicy
) -> None:
    """The secretariat sets the board's offline warning and hard limit (synced to laptops).

    Raises:
        PermissionDeniedError: the actor is not the board's secretariat.
        ValidationError: negative days, or a hard limit under one day.
    """
    require(session, actor_id, board_id, Capability.EDIT_BUSINESS)
    policy.validate()
    board = session.get(Board, board_id)
    if board is None:
        raise NotFoundError("no such board in this file")
    board.offline_warn_days = policy.warn_days
    board.offline_limit_days = policy.limit_days


def last_successful_sync(database: Database) -> dt.datetime | None:
    """When the sync engine last finished a sync with the central store (None: never)."""
    from db.sync.tables import sync_state

    with database.engine.connect() as conn:
        last = conn.execute(select(sync_state.c.last_sync_at).where(sync_state.c.id == 1)).scalar()
    if not isinstance(last, dt.datetime):
        return None
    return last if last.tzinfo else last.replace(tzinfo=dt.UTC)


def refresh_keyring(database: Database, keyring: Keyring) -> None:
    """Copy the last successful sync and the board's offline limits into the keyring."""
    last = last_successful_sync(database)
    if last is not None:
        keyring.record_central_contact(last)
    with database.session() as session:
        keyring.set_offline_policy(board_offline_policy(session))
