"""A meeting's decisions as the meeting view shows them: the current version of each.

Decisions are versioned (an amendment is a new version, `supersedes_id`); which
version is current is `db.services.decisions.current_versions`'s choice — the
one nothing supersedes, and, when two laptops each added a version to the same
one offline, the one recorded first — so the view and the minutes agree. A
later correction of a decision (possibly recorded in another meeting) is shown
against it (`corrected_by_number`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Decision
from db.services.decisions import current_versions
from db.services.meeting_common import person_names


@dataclass(frozen=True)
class NamedVote:
    person_id: str
    name: str
    vote: str  # "for", "against", "abstain"


@dataclass(frozen=True)
class DecisionView:
    """The latest version of a decision of the meeting."""

    decision_id: str
    number: str  # "OPAB 19/07"
    version: int
    kind: str  # DecisionKind value
    kind_label: str
    wording: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    named_votes: tuple[NamedVote, ...]
    item_id: str | None
    recorded_at: dt.datetime
    recorded_by: str | None
    supersedes_id: str | None  # the earlier version it amends
    corrects_number: str | None  # the decision it corrects (a correction after a meeting)
    corrected_by_number: str | None  # a later correction of it


def decision_views(
    session: Session, decisions: list[Decision], numbers_by_id: dict[str, str]
) -> list[DecisionView]:
    """Decision rows as views (latest versions only are passed in)."""
    names = person_names(
        session,
        {d.recorded_by_id or "" for d in decisions}
        | {v.get("person_id", "") for d in decisions for v in (d.named_votes or [])},
    )
    out = []
    for d in decisions:
        out.append(
            DecisionView(
                d.id,
                d.number,
                d.version,
                d.kind.value,
                d.kind.label,
                d.wording,
                d.votes_for,
                d.votes_against,
                d.votes_abstain,
                tuple(
                    NamedVote(v["person_id"], names.get(v["person_id"], "?"), v["vote"])
                    for v in (d.named_votes or [])
                ),
                d.agenda_item_id,
                d.recorded_at,
                names.get(d.recorded_by_id or ""),
                d.supersedes_id,
                numbers_by_id.get(d.corrects_id or ""),
                None,
            )
        )
    return out


def meeting_decisions(session: Session, meeting_id: str) -> list[DecisionView]:
    """The meeting's decisions, the current version of each, by number."""
    latest = current_versions(
        session.scalars(
            select(Decision)
            .where(Decision.meeting_id == meeting_id)
            .order_by(Decision.year, Decision.seq, Decision.version)
        )
    )
    cited = {d.corrects_id for d in latest if d.corrects_id}
    numbers = dict(
        session.execute(select(Decision.id, Decision.number).where(Decision.id.in_(cited))).all()
    )
    views = decision_views(session, latest, numbers)
    # Corrections recorded later (possibly in another meeting) of this meeting's decisions.
    ids = [d.id for d in latest]
    corrected: dict[str, str] = {}
    for cited_id, number in session.execute(
        select(Decision.corrects_id, Decision.number).where(Decision.corrects_id.in_(ids))
    ):
        if cited_id is not None:
            corrected[cited_id] = number
    if corrected:
        views = [replace(v, corrected_by_number=corrected.get(v.decision_id)) for v in views]
    return views


__all__ = [
    "DecisionView",
    "NamedVote",
    "decision_views",
    "meeting_decisions",
]
