"""Decisions of the board and actions arising, recorded from the chair's cockpit.

Decisions are numbered per board and calendar year of the meeting (`OPAB
19/07`, `db.rules.decision_number`): the next number is `max(seq) + 1` read
from the (board, year, seq) index, after this transaction has taken SQLite's
write lock, so two windows or threads recording at once on one file queue
behind each other and never share a number. Nothing else is read: recording a
decision costs a few indexed lookups and one insert, whatever the size of the
board.

Two laptops recording offline for the same board and year can still take the
same number; the index is not unique (migration 0009), so both decisions sync
and are kept everywhere. `duplicate_numbers` lists such numbers, and
`renumber_decision` gives the later one (`db.rules.takes_number_first`) the
next free number as a new version of it (`supersedes_id`, a new `seq` and
`number`, everything else as recorded): append-only, synced like any version,
its history kept. Unsigned minutes of the meeting are restated with the new
number; circulating and approving minutes wait until no number is shared
(`db.minutes.lifecycle`).

Decisions are append-only (the flush hook in `db.session` and an SQLite
trigger refuse an update or delete). While the meeting is in progress a
decision is amended by a new version (same number, `supersedes_id`); once the
meeting is closed it is frozen, and a correction is a new record with a new
number citing the old (`corrects_id`).

The decisions that change something else are recorded with it, in the same
transaction: `agree_rag_change` records the decision and the progress update
citing it (`db.services.plan.record_progress_update`; Blue only with accepted
evidence), `accept_evidence` / `return_evidence` the decision and the evidence
review citing it, `review_risk` the decision and the risk review
(`db.services.risks.record_risk_review`).

Actions arising are numbered in the board's order of raising ("A12"), listed
across meetings in the action log with an overdue flag, and closed in a later
meeting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, aliased

from db.errors import NotFoundError, ValidationError
from db.models import (
    Action,
    ActionArising,
    ActionArisingStatus,
    AgendaItem,
    Board,
    Decision,
    DecisionKind,
    Evidence,
    EvidenceReview,
    EvidenceState,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    Plan,
    Rag,
    ReviewOutcome,
    Risk,
    RiskReview,
    RiskStatus,
)
from db.permissions import Capability, require
from db.rules import (
    BLUE_NEEDS_ACCEPTED_EVIDENCE,
    band_for,
    can_go_blue,
    decision_number,
    takes_number_first,
)
from db.services.arising import ArisingView, arising_views
from db.services.meeting_common import (
    exempt_reader,
    get_item,
    get_meeting,
    long_date,
    require_in_progress,
)

VOTES = ("for", "against", "abstain")


@dataclass(frozen=True)
class DecisionRef:
    """A decision as recorded: its id, number and version."""

    decision_id: str
    number: str  # "OPAB 19/07"
    version: int


# -- Helpers -----------------------------------------------------------------------------


def _kind(kind: DecisionKind | str) -> DecisionKind:
    if isinstance(kind, DecisionKind):
        return kind
    try:
        return DecisionKind(str(kind).strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in DecisionKind)
        raise ValidationError(f"a decision's kind is one of: {kinds}") from None


def _wording(wording: str | None) -> str:
    value = (wording or "").strip()
    if not value:
        raise ValidationError("a decision needs its wording")
    return value


def _count(value: int | None, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"votes {what} must be a whole number, 0 or more")
    return value


def _named_votes(
    session: Session, board_id: str, named: Iterable[Mapping[str, str]] | None
) -> list[dict[str, str]] | None:
    if named is None:
        return None
    rows = [dict(v) for v in named]
    if not rows:
        return None
    members = set(
        session.scalars(select(Membership.person_id).where(Membership.board_id == board_id))
    )
    seen: set[str] = set()
    out = []
    for row in rows:
        person_id = str(row.get("person_id", ""))
        vote = str(row.get("vote", "")).strip().lower()
        if vote not in VOTES:
            raise ValidationError("a named vote is for, against or abstain")
        if person_id not in members:
            raise ValidationError("a named vote can only be cast by a member of the board")
        if person_id in seen:
            name = session.scalar(select(Person.name).where(Person.id == person_id))
            raise ValidationError(f"{name} has more than one named vote")
        seen.add(person_id)
        out.append({"person_id": person_id, "vote": vote})
    return out


def _votes(
    session: Session,
    board_id: str,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstain: int | None,
    named_votes: Iterable[Mapping[str, str]] | None,
) -> tuple[int | None, int | None, int | None, list[dict[str, str]] | None]:
    counts = [
        _count(votes_for, "for"),
        _count(votes_against, "against"),
        _count(votes_abstain, "abstaining"),
    ]
    named = _named_votes(session, board_id, named_votes)
    if named is not None:
        tally = [sum(1 for v in named if v["vote"] == w) for w in VOTES]
        for i, word in enumerate(("for", "against", "abstaining")):
            if counts[i] is None:
                counts[i] = tally[i]
            elif counts[i] != tally[i]:
                raise ValidationError(
                    f"the named votes give {tally[i]} {word}, but {counts[i]} was entered"
                )
    return counts[0], counts[1], counts[2], named


def _take_write_lock(session: Session, board_id: str) -> None:
    """Hold the database's write lock before reading the next number.

    SQLite: the first write of a transaction takes the lock (waiting behind any
    other writer), so the `max(seq)` read after it sees every committed
    decision and no other writer can add one before this transaction ends.
    Elsewhere: lock the board's row.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(
            sql_text("UPDATE sync_state SET actor_id = actor_id WHERE id = 1"),
        )
    else:
        session.execute(select(Board.id).where(Board.id == board_id).with_for_update())


def _next_seq(session: Session, board_id: str, year: int) -> int:
    last = session.scalar(
        select(func.max(Decision.seq)).where(Decision.board_id == board_id, Decision.year == year)
    )
    return int(last or 0) + 1


def _latest_version(session: Session, decision: Decision) -> Decision:
    """The decision's newest version, following its versions (`supersedes_id`).

    Not looked up by number: a renumbered version carries a new one, and two
    decisions may share a number taken offline. Should two laptops have added a
    version to the same one offline, the earlier recorded (then the smaller id)
    is followed, the same choice on every replica."""
    current = decision
    for _ in range(10_000):  # a chain is a handful of versions; never loop for ever
        newer = session.scalars(
            select(Decision)
            .where(Decision.supersedes_id == current.id)
            .order_by(Decision.recorded_at, Decision.id)
            .limit(1)
        ).first()
        if newer is None:
            return current
        current = newer
    return current


def _get_decision(session: Session, decision_id: str) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFoundError(f"there is no decision with id {decision_id}")
    return decision


def _new_decision(
    session: Session,
    actor_id: str | None,
    meeting: Meeting,
    item_id: str | None,
    kind: DecisionKind,
    wording: str,
    votes: tuple[int | None, int | None, int | None, list[dict[str, str]] | None],
    *,
    corrects_id: str | None = None,
) -> DecisionRef:
    code = session.scalar(select(Board.code).where(Board.id == meeting.board_id))
    assert code is not None
    _take_write_lock(session, meeting.board_id)
    year = meeting.meeting_date.year
    seq = _next_seq(session, meeting.board_id, year)
    decision = Decision(
        board_id=meeting.board_id,
        meeting_id=meeting.id,
        agenda_item_id=item_id,
        year=year,
        seq=seq,
        version=1,
        number=decision_number(code, year, seq),
        kind=kind,
        wording=wording,
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstain=votes[2],
        named_votes=votes[3],
        recorded_by_id=actor_id,
        corrects_id=corrects_id,
    )
    session.add(decision)
    session.flush()
    return DecisionRef(decision.id, decision.number, decision.version)


# -- Decisions ---------------------------------------------------------------------------


def record_decision(
    session: Session,
    actor_id: str | None,
    item_id: str,
    kind: DecisionKind | str,
    wording: str,
    *,
    votes_for: int | None = None,
    votes_against: int | None = None,
    votes_abstain: int | None = None,
    named_votes: Iterable[Mapping[str, str]] | None = None,
) -> DecisionRef:
    """Record a decision of the board on an agenda item of a meeting in progress.

    Args:
        session: the caller's session (the caller commits).
        actor_id: who records it (the chair, or the clerk).
        item_id: the agenda item it was taken on.
        kind: agreed, approved, noted, endorsed, deferred or rejected.
        wording: the resolution as it will stand in the minutes.
        votes_for, votes_against, votes_abstain: counts, when a vote was taken.
        named_votes: on request, each member's vote:
            `[{"person_id": …, "vote": "for" | "against" | "abstain"}]`; missing
            counts are filled from them, and counts that disagree are refused.

    Returns:
        The decision's id, number ("OPAB 19/07") and version (1).

    Raises:
        NotFoundError: no such item.
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is not in progress; no wording; bad votes.
    """
    item, meeting = get_item(session, item_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_in_progress(meeting, "recording decisions")
    votes = _votes(session, meeting.board_id, votes_for, votes_against, votes_abstain, named_votes)
    return _new_decision(session, actor_id, meeting, item.id, _kind(kind), _wording(wording), votes)


_KEEP: Any = object()


def amend_decision(
    session: Session,
    actor_id: str | None,
    decision_id: str,
    *,
    wording: str | None = None,
    kind: DecisionKind | str | None = None,
    votes_for: int | None = _KEEP,
    votes_against: int | None = _KEEP,
    votes_abstain: int | None = _KEEP,
    named_votes: Iterable[Mapping[str, str]] | None = _KEEP,
) -> DecisionRef:
    """Amend a decision while its meeting is in progress: a new version, same number.

    Fields left out keep the current version's values (pass None to clear a vote count).

    Returns:
        The new version's id, the same number, and its version (2, 3, …).

    Raises:
        NotFoundError: no such decision.
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is closed (record a correction) or not
            open; the decision has been amended since (amend the latest version).
    """
    old = _get_decision(session, decision_id)
    meeting = get_meeting(session, old.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    if meeting.status is MeetingStatus.CLOSED:
        raise ValidationError(
            f"the meeting of {long_date(meeting.meeting_date)} is closed, so decision "
            f"{old.number} is frozen; record a correction citing it instead"
        )
    require_in_progress(meeting, "amending decisions")
    _take_write_lock(session, meeting.board_id)
    latest = _latest_version(session, old)
    if latest.id != old.id:
        raise ValidationError(
            f"decision {old.number} has been amended since (version {latest.version}); "
            "amend the latest version"
        )
    votes = _votes(
        session,
        meeting.board_id,
        old.votes_for if votes_for is _KEEP else votes_for,
        old.votes_against if votes_against is _KEEP else votes_against,
        old.votes_abstain if votes_abstain is _KEEP else votes_abstain,
        old.named_votes if named_votes is _KEEP else named_votes,
    )
    new = Decision(
        board_id=old.board_id,
        meeting_id=old.meeting_id,
        agenda_item_id=old.agenda_item_id,
        year=old.year,
        seq=old.seq,
        version=old.version + 1,
        number=old.number,
        kind=old.kind if kind is None else _kind(kind),
        wording=old.wording if wording is None else _wording(wording),
        votes_for=votes[0],
        votes_against=votes[1],
        votes_abstain=votes[2],
        named_votes=votes[3],
        recorded_by_id=actor_id,
        supersedes_id=old.id,
        corrects_id=old.corrects_id,
    )
    session.add(new)
    session.flush()
    return DecisionRef(new.id, new.number, new.version)


def correct_decision(
    session: Session,
    actor_id: str | None,
    decision_id: str,
    wording: str,
    *,
    kind: DecisionKind | str | None = None,
    in_item_id: str | None = None,
) -> DecisionRef:
    """Correct a decision of a closed meeting: a new record, with a new number, citing it.

    Args:
        session: the caller's session.
        actor_id: who records the correction.
        decision_id: the decision corrected (its latest version is cited).
        wording: the corrected resolution.
        kind: its kind (default: the corrected decision's).
        in_item_id: an item of a later meeting, in progress, that agrees the
            correction (say, the previous minutes); default: the corrected
            decision's own item and meeting. Who may read the correction follows
            that item (an exempt decision is corrected under an exempt item).

    Returns:
        The correction's id, number and version (1).

    Raises:
        NotFoundError: no such decision or meeting.
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is still in progress (amend instead), the
            decision was already corrected, the item given is of another board's
            meeting or one not in progress.
    """
    old = _get_decision(session, decision_id)
    meeting = get_meeting(session, old.meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    if meeting.status is not MeetingStatus.CLOSED:
        raise ValidationError(
            f"the meeting of {long_date(meeting.meeting_date)} is not closed: amend decision "
            f"{old.number} instead of correcting it"
        )
    cited = _latest_version(session, old)
    already = session.scalar(select(Decision.number).where(Decision.corrects_id == cited.id))
    if already is not None:
        raise ValidationError(
            f"decision {old.number} has already been corrected by {already}; correct that instead"
        )
    target, item_id = meeting, old.agenda_item_id
    if in_item_id is not None and in_item_id != old.agenda_item_id:
        item, target = get_item(session, in_item_id)
        if target.board_id != meeting.board_id:
            raise ValidationError("a decision is corrected by the board that made it")
        if target.id != meeting.id:
            require_in_progress(target, "recording a correction in it")
        item_id = item.id
    votes: tuple[int | None, int | None, int | None, list[dict[str, str]] | None] = (
        None,
        None,
        None,
        None,
    )
    return _new_decision(
        session,
        actor_id,
        target,
        item_id,
        cited.kind if kind is None else _kind(kind),
        _wording(wording),
        votes,
        corrects_id=cited.id,
    )


# -- Numbers taken twice offline --------------------------------------------------------


@dataclass(frozen=True)
class SharedNumber:
    """One of the decisions sharing a number, at its current version."""

    decision_id: str
    number: str
    meeting_id: str
    meeting_date: dt.date
    item_title: str | None
    wording: str
    recorded_at: dt.datetime  # when this decision took the number
    recorded_by: str | None  # the name of who recorded it
    keeps_number: bool  # taken first: it keeps the number, the others are renumbered


@dataclass(frozen=True)
class DuplicateNumber:
    """A number two or more decisions of a board took offline, the one keeping it first."""

    board_id: str
    year: int
    seq: int
    number: str
    decisions: tuple[SharedNumber, ...]

    @property
    def later(self) -> tuple[SharedNumber, ...]:
        """The decisions to renumber (all but the one that took the number first)."""
        return self.decisions[1:]


@cache
def _current() -> Any:
    """SQL: no version supersedes this row (built once: aliasing costs milliseconds)."""
    newer = aliased(Decision)
    return ~exists().where(newer.supersedes_id == Decision.id)


def _number_taken(session: Session, row: Decision) -> Decision:
    """The version of `row`'s decision at which it took its current number."""
    first = row
    while first.supersedes_id is not None:
        older = session.get(Decision, first.supersedes_id)
        if older is None or older.seq != row.seq or older.year != row.year:
            break
        first = older
    return first


def _root(session: Session, row: Decision) -> str | None:
    """The id of the first version of `row`'s decision; None when `row` is on a branch that
    lost (a version added to the same one on another laptop, recorded later: see
    `current_versions`)."""
    first = row
    while first.supersedes_id is not None:
        siblings = session.scalars(
            select(Decision).where(Decision.supersedes_id == first.supersedes_id)
        ).all()
        if min(siblings, key=_sibling_order).id != first.id:
            return None
        older = session.get(Decision, first.supersedes_id)
        if older is None:
            break
        first = older
    return first.id


def _sibling_order(d: Decision) -> tuple[dt.datetime, str]:
    return takes_number_first(d.recorded_at, d.id)


def current_versions(rows: Iterable[Decision]) -> list[Decision]:
    """The current version of each decision among `rows` (every version of some decisions),
    in the order given.

    A version nothing supersedes is current — unless two laptops each added a
    version to the same one offline (amended or renumbered it at once): then the
    one recorded first (then the smaller id) is followed, as `_latest_version`
    does, and the other branch is history, the same choice on every replica.
    """
    rows = list(rows)
    by_id = {d.id: d for d in rows}
    first_child: dict[str, Decision] = {}
    for d in rows:
        if d.supersedes_id is not None:
            known = first_child.get(d.supersedes_id)
            if known is None or _sibling_order(d) < _sibling_order(known):
                first_child[d.supersedes_id] = d
    superseded = set(first_child)

    def on_main_line(d: Decision) -> bool:
        while d.supersedes_id is not None:
            if first_child[d.supersedes_id].id != d.id:
                return False
            parent = by_id.get(d.supersedes_id)
            if parent is None:
                return True
            d = parent
        return True

    return [d for d in rows if d.id not in superseded and on_main_line(d)]


def _group(session: Session, board_id: str, year: int, seq: int) -> DuplicateNumber | None:
    rows = session.scalars(
        select(Decision)
        .where(
            Decision.board_id == board_id, Decision.year == year, Decision.seq == seq, _current()
        )
        .order_by(Decision.recorded_at, Decision.id)
    ).all()
    by_root: dict[str, tuple[Decision, Decision]] = {}
    for row in rows:
        root = _root(session, row)
        if root is not None:  # a branch that lost is history, not a decision of its own
            by_root.setdefault(root, (row, _number_taken(session, row)))
    if len(by_root) < 2:
        return None
    ordered = sorted(
        by_root.values(), key=lambda pair: takes_number_first(pair[1].recorded_at, pair[1].id)
    )
    meetings = {
        m.id: m
        for m in session.scalars(
            select(Meeting).where(Meeting.id.in_({row.meeting_id for row, _ in ordered}))
        )
    }
    item_ids = {row.agenda_item_id for row, _ in ordered if row.agenda_item_id}
    titles: dict[str, str] = {
        r.id: r.title
        for r in session.execute(
            select(AgendaItem.id, AgendaItem.title).where(AgendaItem.id.in_(item_ids))
        )
    }
    people = {taken.recorded_by_id for _, taken in ordered if taken.recorded_by_id}
    names: dict[str, str] = {
        r.id: r.name
        for r in session.execute(select(Person.id, Person.name).where(Person.id.in_(people)))
    }
    shared = tuple(
        SharedNumber(
            decision_id=row.id,
            number=row.number,
            meeting_id=row.meeting_id,
            meeting_date=meetings[row.meeting_id].meeting_date
            if row.meeting_id in meetings
            else dt.date(row.year, 1, 1),
            item_title=titles.get(row.agenda_item_id) if row.agenda_item_id else None,
            wording=row.wording,
            recorded_at=taken.recorded_at,
            recorded_by=names.get(taken.recorded_by_id) if taken.recorded_by_id else None,
            keeps_number=index == 0,
        )
        for index, (row, taken) in enumerate(ordered)
    )
    return DuplicateNumber(board_id, year, seq, shared[0].number, shared)


def duplicate_numbers(
    session: Session, board_id: str, *, meeting_id: str | None = None
) -> list[DuplicateNumber]:
    """The board's decision numbers taken by more than one decision (offline, on two laptops).

    Args:
        session: an open session.
        board_id: the board.
        meeting_id: only numbers one of whose decisions was taken in this meeting.

    Returns:
        One entry per shared number, in number order; in each, the decisions at
        their current version, the one that keeps the number first (taken
        first: `db.rules.takes_number_first`), then the ones to renumber.
    """
    keys = select(Decision.year, Decision.seq).where(_current())
    if meeting_id is not None:  # the meeting's few numbers (its index), each looked up
        candidates = sorted(
            {
                (r.year, r.seq)
                for r in session.execute(keys.where(Decision.meeting_id == meeting_id))
            }
        )
    else:
        candidates = [
            (r.year, r.seq)
            for r in session.execute(
                keys.where(Decision.board_id == board_id)
                .group_by(Decision.year, Decision.seq)
                .having(func.count() > 1)
                .order_by(Decision.year, Decision.seq)
            )
        ]
    out = []
    for year, seq in candidates:
        group = _group(session, board_id, year, seq)
        if group is not None:
            out.append(group)
    return out


def renumber_decision(session: Session, actor_id: str | None, decision_id: str) -> DecisionRef:
    """Give a decision that took an already-taken number offline the next free number.

    The renumbering is a new version of the decision (`supersedes_id`) with the
    next number of the board's year, taken under the write lock like any new
    number; wording, kind, votes, meeting and item stay as recorded. Unsigned
    minutes of its meeting are restated with the new number.

    Args:
        session: the caller's session (the caller commits).
        actor_id: who renumbers it (the chair, or the secretariat as clerk).
        decision_id: any version of the decision.

    Returns:
        The new version's id, its new number and version.

    Raises:
        NotFoundError: no such decision.
        PermissionDeniedError: the actor does not run the board's meetings.
        ValidationError: the number is not shared, or this decision took it first.
    """
    from db.minutes.lifecycle import restate_number

    old = _get_decision(session, decision_id)
    require(session, actor_id, old.board_id, Capability.RUN_MEETING)
    _take_write_lock(session, old.board_id)
    current = _latest_version(session, old)
    group = _group(session, current.board_id, current.year, current.seq)
    if group is None or current.id not in {d.decision_id for d in group.decisions}:
        raise ValidationError(
            f"decision {current.number} shares its number with no other decision; it keeps it"
        )
    if group.decisions[0].decision_id == current.id:
        later = ", ".join(
            f"the one of {long_date(d.meeting_date)} recorded at {d.recorded_at:%H:%M}"
            for d in group.later
        )
        raise ValidationError(
            f"decision {current.number} took its number first and keeps it; renumber {later}"
        )
    code = session.scalar(select(Board.code).where(Board.id == current.board_id))
    assert code is not None
    seq = _next_seq(session, current.board_id, current.year)
    new = Decision(
        board_id=current.board_id,
        meeting_id=current.meeting_id,
        agenda_item_id=current.agenda_item_id,
        year=current.year,
        seq=seq,
        version=current.version + 1,
        number=decision_number(code, current.year, seq),
        kind=current.kind,
        wording=current.wording,
        votes_for=current.votes_for,
        votes_against=current.votes_against,
        votes_abstain=current.votes_abstain,
        named_votes=current.named_votes,
        recorded_by_id=actor_id,
        supersedes_id=current.id,
        corrects_id=current.corrects_id,
    )
    session.add(new)
    session.flush()
    restate_number(session, current, new.number)
    return DecisionRef(new.id, new.number, new.version)


def renumber_shared(
    session: Session, actor_id: str | None, duplicate: DuplicateNumber
) -> list[DecisionRef]:
    """Renumber every decision of a shared number but the one that took it first."""
    return [renumber_decision(session, actor_id, d.decision_id) for d in duplicate.later]


def find_decisions(session: Session, ref: str) -> list[Decision]:
    """The current versions a reference names: a decision's id, or its number ("OPAB 20/01").

    Raises:
        NotFoundError: nothing has that id or number.
    """
    text = (ref or "").strip()
    row = session.get(Decision, text) if text else None
    if row is not None:
        return [_latest_version(session, row)]
    wanted = " ".join(text.split()).upper()
    rows = list(
        session.scalars(
            select(Decision)
            .where(func.upper(Decision.number) == wanted, _current())
            .order_by(Decision.recorded_at, Decision.id)
        )
    )
    if not rows:
        raise NotFoundError(f"there is no decision {text!r} (give its number, e.g. OPAB 20/01)")
    return rows


# -- Actions arising ---------------------------------------------------------------------


def add_action_arising(
    session: Session,
    actor_id: str | None,
    item_id: str,
    text: str,
    *,
    owner_id: str | None = None,
    due_date: dt.date | None = None,
    plan_action_id: str | None = None,
    decision_id: str | None = None,
) -> str:
    """Add an action arising from an item of a meeting in progress.

    Returns:
        The action arising's id.

    Raises:
        NotFoundError: no such item, owner, plan action or decision.
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is not in progress, no text, a plan action
            or decision of another board.
    """
    item, meeting = get_item(session, item_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_in_progress(meeting, "adding actions arising")
    body = (text or "").strip()
    if not body:
        raise ValidationError("an action arising needs to say what is to be done")
    if owner_id is not None and session.get(Person, owner_id) is None:
        raise NotFoundError(f"there is no person with id {owner_id}")
    if due_date is not None and (
        not isinstance(due_date, dt.date) or isinstance(due_date, dt.datetime)
    ):
        raise ValidationError("the due date must be a date")
    if plan_action_id is not None:
        board = session.scalar(
            select(Plan.board_id)
            .join(Action, Action.plan_id == Plan.id)
            .where(Action.id == plan_action_id)
        )
        if board is None:
            raise NotFoundError(f"there is no plan action with id {plan_action_id}")
        if board != meeting.board_id:
            raise ValidationError("the plan action linked is in another board's plan")
    if decision_id is not None:
        decision = _get_decision(session, decision_id)
        if decision.meeting_id != meeting.id:
            raise ValidationError("the decision linked was not taken in this meeting")
    row = ActionArising(
        board_id=meeting.board_id,
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        decision_id=decision_id,
        text=body,
        owner_id=owner_id,
        due_date=due_date,
        status=ActionArisingStatus.OPEN,
        plan_action_id=plan_action_id,
    )
    session.add(row)
    session.flush()
    return row.id


def close_action_arising(
    session: Session,
    actor_id: str | None,
    arising_id: str,
    meeting_id: str,
    note: str | None = None,
) -> None:
    """Close an action arising in a later meeting of the board (as the action log is reviewed).

    Raises:
        NotFoundError: no such action arising or meeting.
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: already closed; the meeting is not in progress, of
            another board, or the one that raised it (or earlier).
    """
    row = session.get(ActionArising, arising_id)
    if row is None:
        raise NotFoundError(f"there is no action arising with id {arising_id}")
    meeting = get_meeting(session, meeting_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    if row.board_id != meeting.board_id:
        raise ValidationError("an action arising is closed in a meeting of the board that set it")
    if row.status is ActionArisingStatus.CLOSED:
        raise ValidationError("that action arising is already closed")
    raised = get_meeting(session, row.meeting_id)
    if meeting.id == raised.id or meeting.meeting_date < raised.meeting_date:
        raise ValidationError(
            "an action arising is closed in a later meeting than the one that set it"
        )
    require_in_progress(meeting, "closing actions arising")
    row.status = ActionArisingStatus.CLOSED
    row.closed_in_meeting_id = meeting.id
    row.closing_note = (note or "").strip() or None
    session.flush()


def action_log(
    session: Session,
    viewer_id: str | None,
    board_id: str,
    *,
    today: dt.date,
    include_closed: bool = False,
) -> tuple[ArisingView, ...]:
    """The board's action log: actions arising across its meetings, oldest first.

    Args:
        session: an open session.
        viewer_id: who reads: actions arising from exempt items they may not
            read are left out.
        board_id: the board.
        today: the date "overdue" is measured against (open and past due).
        include_closed: also the closed ones.
    """
    query = (
        select(ActionArising)
        .join(Meeting, Meeting.id == ActionArising.meeting_id)
        .where(ActionArising.board_id == board_id)
        .order_by(Meeting.meeting_date, ActionArising.created_at, ActionArising.id)
    )
    if not include_closed:
        query = query.where(ActionArising.status == ActionArisingStatus.OPEN)
    rows = list(session.scalars(query))
    item_ids = {r.agenda_item_id for r in rows if r.agenda_item_id}
    hidden: set[str] = set()
    if item_ids:
        may_read = exempt_reader(session, viewer_id, board_id)
        for item in session.execute(
            select(AgendaItem.id, AgendaItem.exempt, AgendaItem.presenter_id).where(
                AgendaItem.id.in_(item_ids), AgendaItem.exempt.is_(True)
            )
        ):
            if not may_read(item):
                hidden.add(item.id)
    visible = [r for r in rows if r.agenda_item_id not in hidden]
    return tuple(arising_views(session, visible, today=today))


# -- Decisions that change the plan and the register -------------------------------------


def _plan_action(session: Session, board_id: str, action_id: str) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFoundError(f"there is no plan action with id {action_id}")
    owner_board = session.scalar(select(Plan.board_id).where(Plan.id == action.plan_id))
    if owner_board != board_id:
        raise ValidationError(f"action {action.reference} is in another board's plan")
    return action


def agree_rag_change(
    session: Session,
    actor_id: str | None,
    item_id: str,
    action_id: str,
    rag: Rag | str,
    commentary: str,
    *,
    new_due_date: dt.date | None = None,
    due_date_reason: str | None = None,
    today: dt.date,
    wording: str | None = None,
) -> DecisionRef:
    """Agree in the meeting that a plan action's RAG changes: the decision and its progress update.

    Blue needs evidence the board has accepted (`db.rules.can_go_blue`) and the
    right to agree Blue (`Capability.ACCEPT_EVIDENCE`).

    Returns:
        The decision recorded ("Agreed that the RAG of action 2.3 … moves from Red to Amber.").

    Raises:
        PermissionDeniedError: the actor does not run meetings (or agree Blue).
        ValidationError: the meeting is not in progress; the action is in
            another plan; Blue without accepted evidence; no commentary; a
            moved due date without a reason.
    """
    from db.services.plan import accepted_evidence_count, record_progress_update

    item, meeting = get_item(session, item_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_in_progress(meeting, "agreeing a RAG change")
    action = _plan_action(session, meeting.board_id, action_id)
    try:
        value = rag if isinstance(rag, Rag) else Rag(str(rag).strip().lower())
    except ValueError:
        raise ValidationError("a RAG is blue, green, amber or red") from None
    if value is Rag.BLUE:
        require(session, actor_id, meeting.board_id, Capability.ACCEPT_EVIDENCE)
    # Checked before the decision is written, so a refusal leaves no decision behind
    # even if the caller commits what went before (record_progress_update checks again).
    if not (commentary or "").strip():
        raise ValidationError("a progress update needs a commentary saying what has happened")
    if value is Rag.BLUE and not can_go_blue(accepted_evidence_count(session, action.id)):
        raise ValidationError(
            f"action {action.reference} cannot go Blue: {BLUE_NEEDS_ACCEPTED_EVIDENCE}, "
            "and none is accepted yet"
        )
    moved = new_due_date is not None and new_due_date != action.due_date
    if moved != bool((due_date_reason or "").strip()):
        raise ValidationError(
            "moving the due date needs a reason"
            if moved
            else "a reason for moving the due date was given, but no new due date"
        )
    before = action.rag.value.capitalize() if action.rag else "no RAG"
    words = (wording or "").strip() or (
        f"Agreed that the RAG of action {action.reference} ({action.title}) moves from "
        f"{before} to {value.value.capitalize()}."
    )
    ref = record_decision(session, actor_id, item.id, "agreed", words)
    record_progress_update(
        session,
        actor_id,
        action.id,
        value,
        commentary,
        new_due_date,
        due_date_reason,
        ref.decision_id,
        today=today,
    )
    return ref


def _review_evidence(
    session: Session,
    actor_id: str | None,
    item_id: str,
    evidence_id: str,
    outcome: ReviewOutcome,
    note: str | None,
    wording: str | None,
) -> DecisionRef:
    item, meeting = get_item(session, item_id)
    require(session, actor_id, meeting.board_id, Capability.ACCEPT_EVIDENCE)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_in_progress(meeting, "reviewing evidence")
    evidence = session.get(Evidence, evidence_id)
    if evidence is None:
        raise NotFoundError(f"there is no evidence with id {evidence_id}")
    action = _plan_action(session, meeting.board_id, evidence.action_id)
    accepted = outcome is ReviewOutcome.ACCEPTED
    if evidence.state.value == outcome.value:
        raise ValidationError(f"the evidence '{evidence.title}' is already {outcome.value}")
    default = (
        f"Accepted the evidence '{evidence.title}' for action {action.reference} ({action.title})."
        if accepted
        else f"Returned the evidence '{evidence.title}' for action {action.reference} "
        f"({action.title}) for more work."
    )
    ref = record_decision(
        session,
        actor_id,
        item.id,
        "agreed" if accepted else "rejected",
        (wording or "").strip() or default,
    )
    session.add(
        EvidenceReview(
            evidence_id=evidence.id,
            outcome=outcome,
            reviewed_by_id=actor_id,
            decision_id=ref.decision_id,
            comment=(note or "").strip() or None,
        )
    )
    evidence.state = EvidenceState.ACCEPTED if accepted else EvidenceState.RETURNED
    session.flush()
    return ref


def accept_evidence(
    session: Session,
    actor_id: str | None,
    item_id: str,
    evidence_id: str,
    *,
    note: str | None = None,
    wording: str | None = None,
) -> DecisionRef:
    """The board accepts evidence for a plan action: the decision and the review citing it.

    Raises:
        PermissionDeniedError: the actor may not accept evidence or run meetings.
        ValidationError: the meeting is not in progress; evidence of another board.
    """
    return _review_evidence(
        session, actor_id, item_id, evidence_id, ReviewOutcome.ACCEPTED, note, wording
    )


def return_evidence(
    session: Session,
    actor_id: str | None,
    item_id: str,
    evidence_id: str,
    *,
    note: str | None = None,
    wording: str | None = None,
) -> DecisionRef:
    """The board sends evidence back: the decision and the review citing it."""
    return _review_evidence(
        session, actor_id, item_id, evidence_id, ReviewOutcome.RETURNED, note, wording
    )


def review_risk(
    session: Session,
    actor_id: str | None,
    item_id: str,
    risk_id: str,
    likelihood: int,
    impact: int,
    *,
    note: str | None = None,
    wording: str | None = None,
) -> DecisionRef:
    """The board reviews a risk's score: the decision and the dated risk review citing it.

    Raises:
        PermissionDeniedError: the actor does not run meetings.
        ValidationError: the meeting is not in progress; scores outside 1–5; a
            closed risk or one of another board.
    """
    from db.services.risks import record_risk_review

    item, meeting = get_item(session, item_id)
    require(session, actor_id, meeting.board_id, Capability.RUN_MEETING)
    require_in_progress(meeting, "reviewing a risk")
    risk = session.get(Risk, risk_id)
    if risk is None:
        raise NotFoundError(f"there is no risk with id {risk_id}")
    owner_board = session.scalar(select(Plan.board_id).where(Plan.id == risk.plan_id))
    if owner_board != meeting.board_id:
        raise ValidationError(f"risk {risk.reference} is in another board's register")
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ValidationError(f"a risk's {name} is scored 1 to 5")
    if risk.status is not RiskStatus.OPEN:
        raise ValidationError(f"risk {risk.reference} is closed; only open risks are reviewed")
    last = session.scalar(
        select(func.max(RiskReview.reviewed_on)).where(RiskReview.risk_id == risk.id)
    )
    if last is not None and last > meeting.meeting_date:
        raise ValidationError(
            f"risk {risk.reference} was last reviewed on {long_date(last)}, after this meeting"
        )
    score = likelihood * impact
    band = band_for(score)
    default = (
        f"Agreed the score of risk {risk.reference} ({risk.title}): likelihood {likelihood} "
        f"× impact {impact} = {score}" + (f" ({band.label.lower()})." if band else ".")
    )
    ref = record_decision(session, actor_id, item.id, "agreed", (wording or "").strip() or default)
    record_risk_review(
        session,
        actor_id,
        risk.id,
        likelihood,
        impact,
        note,
        meeting.meeting_date,
        ref.decision_id,
    )
    return ref


__all__ = [
    "DecisionRef",
    "DuplicateNumber",
    "SharedNumber",
    "accept_evidence",
    "action_log",
    "add_action_arising",
    "agree_rag_change",
    "amend_decision",
    "close_action_arising",
    "correct_decision",
    "current_versions",
    "duplicate_numbers",
    "find_decisions",
    "record_decision",
    "renumber_decision",
    "renumber_shared",
    "return_evidence",
    "review_risk",
]
