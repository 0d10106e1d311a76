"""What the meetings page's pickers offer: the board's people (attendance, owners,
presenters) by seniority of role, and the plan actions, risks and KPIs an agenda item
may be linked to, in reference order ("2.10" after "2.9").

`LinkRef` (an id and a label) is also how the meeting view shows an item's links.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Action, Kpi, Membership, Person, Plan, Risk, Role


@dataclass(frozen=True)
class LinkRef:
    """A plan action, risk, KPI or paper an item is linked to: its id and a label."""

    id: str
    label: str  # "2.3 Strengthen …", "R5 Workforce …"


@dataclass(frozen=True)
class PersonChoice:
    """A person of the board for the attendance panel and the owner / presenter pickers."""

    person_id: str
    name: str
    roles: tuple[str, ...]  # Role labels, the senior first ("Chair", "Member")
    voting: bool
    position: str | None  # "Independent Chair", "Wealdshire Police"


@dataclass(frozen=True)
class LinkChoices:
    """What an agenda item may be linked to: the board's plan actions, risks and KPIs."""

    actions: tuple[LinkRef, ...]
    risks: tuple[LinkRef, ...]
    kpis: tuple[LinkRef, ...]


_ROLE_ORDER = {role: n for n, role in enumerate(Role)}


def board_people(
    session: Session, board_id: str, *, on: dt.date | None = None
) -> tuple[PersonChoice, ...]:
    """The board's people: chair, vice-chair, members, secretariat, officers, observers.

    Args:
        session: an open session.
        board_id: the board.
        on: only memberships current on that day (default: every membership).

    Returns:
        One entry per person, ordered by their most senior role, then by name.
    """
    query = (
        select(
            Membership.person_id,
            Person.name,
            Membership.role,
            Membership.voting,
            Membership.position,
        )
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.board_id == board_id)
    )
    if on is not None:
        query = query.where(
            (Membership.start_date.is_(None)) | (Membership.start_date <= on),
            (Membership.end_date.is_(None)) | (Membership.end_date >= on),
        )
    people: dict[str, tuple[str, list[Role], bool, str | None]] = {}
    for person_id, name, role, votes, position in session.execute(query):
        entry = people.setdefault(person_id, (name, [], False, None))
        roles = [*entry[1], role]
        senior = min(roles, key=_ROLE_ORDER.__getitem__)
        people[person_id] = (
            name,
            roles,
            entry[2] or bool(votes),
            position if role is senior else entry[3],
        )
    rows = []
    for person_id, (name, roles, votes, position) in people.items():
        ordered = sorted(set(roles), key=_ROLE_ORDER.__getitem__)
        rows.append(
            (
                _ROLE_ORDER[ordered[0]],
                name,
                PersonChoice(person_id, name, tuple(r.label for r in ordered), votes, position),
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    return tuple(r[2] for r in rows)


def link_choices(session: Session, board_id: str) -> LinkChoices:
    """The board's plan actions, open and closed risks and KPIs, by reference, as (id, label)."""
    plans = select(Plan.id).where(Plan.board_id == board_id)

    def refs(model: Any) -> tuple[LinkRef, ...]:
        rows: list[tuple[str, str, str]] = [
            (row[0], row[1], row[2])
            for row in session.execute(
                select(model.id, model.reference, model.title).where(model.plan_id.in_(plans))
            )
        ]
        rows.sort(key=lambda r: _reference_key(r[1]))
        return tuple(LinkRef(i, f"{ref} {title}") for i, ref, title in rows)

    return LinkChoices(refs(Action), refs(Risk), refs(Kpi))


def _reference_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """ "2.10" after "2.9"; "R10" after "R9"."""

    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.findall(r"\d+|\D+", reference)
    )


__all__ = [
    "LinkChoices",
    "LinkRef",
    "PersonChoice",
    "board_people",
    "link_choices",
]
