"""The improvement plan as the Plan page reads and changes it: rows, detail, progress, evidence.

Reads return frozen values and never ORM objects. `plan_tree` is built for a
plan of 20,000 actions: one query for the themes, one `GROUP BY` for their
totals and one for the matching actions — every filter (theme, RAG including
"none", owner, overdue, due within N days, changed since the board's last
closed meeting) is a `WHERE` clause, the columns are read as plain text and
turned into dates by the C parsers, and each action is a plain tuple read by
its `ROW_*` indexes (the garbage collector stops tracking those; not a NamedTuple).
`action_detail` reads everything about one action — recommendations by source,
the RAG history, evidence and its reviews, linked risks, the decisions that
touched it — and is called only for the action a person selects. The writes,
`record_progress_update` and `attach_evidence`, check the right
(`Capability.UPDATE_PROGRESS`, an officer's own actions only) and the rules
(`db.rules.can_go_blue`: Blue only with accepted evidence; a moved due date
needs a reason) in the caller's transaction, and refuse with one sentence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any, Final

from sqlalchemy import ColumnElement, String, func, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import (
    Action,
    ActionStatus,
    AgendaItem,
    Blob,
    Decision,
    Evidence,
    EvidenceReview,
    EvidenceState,
    Meeting,
    MeetingStatus,
    Person,
    Plan,
    ProgressUpdate,
    Rag,
    Recommendation,
    RecommendationSource,
    ReviewOutcome,
    Risk,
    RiskStatus,
    Theme,
    action_recommendations,
    agenda_item_actions,
    risk_actions,
)
from db.permissions import Capability, allowed, require
from db.rules import BLUE_NEEDS_ACCEPTED_EVIDENCE, can_go_blue, is_overdue
from db.views import RagKeyEntry, rag_key

#: The RAG filter value that means "no RAG recorded yet".
NO_RAG = "none"
#: How many result rows `plan_tree` holds at once while it builds its tuples.
ROWS_PER_READ = 500
#: The largest file `attach_evidence` takes (a laptop database is not a file store).
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024


# -- Values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFilter:
    """Which actions to show; every field left at its default lets all actions through.

    Attributes:
        theme: a theme number (None or 0: every theme).
        rag: "blue", "green", "amber", "red", or "none" for actions with no RAG yet.
        owner_id: the owner's person id.
        overdue: only actions past their due date and not Blue.
        due_within: only actions not Blue that fall due between today and
            today + this many days (inclusive).
        changed_since_last_meeting: only actions changed after the day of the
            board's last closed meeting (changes on the meeting day are the
            meeting's own). With no closed meeting yet, every action passes.
    """

    theme: int | None = None
    rag: str | None = None
    owner_id: str | None = None
    overdue: bool = False
    due_within: int | None = None
    changed_since_last_meeting: bool = False

    @property
    def is_empty(self) -> bool:
        """Whether the filter lets every action through."""
        return (
            not self.theme
            and self.rag is None
            and self.owner_id is None
            and not self.overdue
            and self.due_within is None
            and not self.changed_since_last_meeting
        )


#: One action as the plan tree lists it: a plain tuple, read with the `ROW_*` indexes.
#: Plain on purpose: the collector stops tracking a tuple of plain values (not a
#: NamedTuple or any subclass), so 20,000 rows never set off full collections.
ActionRow = tuple[
    str,  # ROW_ID: the action's id
    str,  # ROW_REFERENCE: "2.3"
    str,  # ROW_TITLE
    str | None,  # ROW_OWNER_ID
    str | None,  # ROW_OWNER: the owner's name
    dt.date | None,  # ROW_DUE
    str | None,  # ROW_RAG: Rag value ("amber"), None when unrated
    bool,  # ROW_OVERDUE
    dt.datetime | None,  # ROW_UPDATED: last changed (UTC)
]
ROW_ID: Final = 0
ROW_REFERENCE: Final = 1
ROW_TITLE: Final = 2
ROW_OWNER_ID: Final = 3
ROW_OWNER: Final = 4
ROW_DUE: Final = 5
ROW_RAG: Final = 6
ROW_OVERDUE: Final = 7
ROW_UPDATED: Final = 8


@dataclass(frozen=True)
class ThemeBranch:
    """A theme and those of its actions that pass the filter."""

    theme_id: str
    number: int
    title: str
    total_actions: int  # all of the theme's actions, whatever the filter
    actions: tuple[ActionRow, ...]


@dataclass(frozen=True)
class PlanTree:
    """The plan's themes in number order, each with its matching actions in reference order."""

    plan_id: str
    themes: tuple[ThemeBranch, ...]
    filter: PlanFilter
    since: dt.date | None  # the last closed meeting's date, when the filter used it
    total_actions: int = 0  # every action of the plan, whatever the filter

    @property
    def action_count(self) -> int:
        return sum(len(t.actions) for t in self.themes)


@dataclass(frozen=True)
class OwnerChoice:
    person_id: str
    name: str
    actions: int


@dataclass(frozen=True)
class ThemeChoice:
    number: int
    title: str


@dataclass(frozen=True)
class FilterChoices:
    """What the filter bar offers: the plan's themes, its action owners, the last meeting."""

    themes: tuple[ThemeChoice, ...]
    owners: tuple[OwnerChoice, ...]
    last_meeting: dt.date | None  # the board's last closed meeting on or before today


@dataclass(frozen=True)
class RecommendationItem:
    reference: str
    text: str
    issued_on: dt.date | None


@dataclass(frozen=True)
class RecommendationGroup:
    """The recommendations from one source (Ofsted, Commissioner, monitoring visit) answered."""

    source: str  # RecommendationSource value
    source_label: str  # e.g. "Ofsted inspection"
    items: tuple[RecommendationItem, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One progress update: a dated RAG with its commentary, author and any due-date move."""

    update_id: str
    recorded_at: dt.datetime
    author_name: str | None
    rag: str
    previous_rag: str | None
    commentary: str | None
    previous_due_date: dt.date | None
    new_due_date: dt.date | None
    due_date_reason: str | None
    decision_number: str | None


@dataclass(frozen=True)
class ReviewEntry:
    """The board accepting or returning a piece of evidence."""

    reviewed_at: dt.datetime
    outcome: str  # ReviewOutcome value
    reviewer_name: str | None
    comment: str | None
    decision_number: str | None


@dataclass(frozen=True)
class EvidenceItem:
    """A piece of evidence, where it lives, and how the board has reviewed it."""

    evidence_id: str
    title: str
    description: str | None
    filename: str | None
    url: str | None
    media_type: str | None
    size: int | None
    has_file: bool  # a file is attached (it may not be on this laptop yet)
    on_this_laptop: bool  # the file's bytes are here (fetched or attached here)
    submitted_by: str | None
    submitted_at: dt.datetime
    state: str  # latest review outcome, or "submitted" before any review
    reviews: tuple[ReviewEntry, ...]  # oldest first


@dataclass(frozen=True)
class LinkedRisk:
    reference: str
    title: str
    score: int
    target_score: int
    status: str  # RiskStatus value


@dataclass(frozen=True)
class DecisionRef:
    """A decision of the board that touched the action, and how."""

    number: str
    meeting_date: dt.date
    kind: str  # DecisionKind value
    wording: str
    via: tuple[str, ...]  # "RAG change", "evidence review", "agenda item 5: …"


@dataclass(frozen=True)
class ActionDetail:
    """Everything the Plan page shows about one action."""

    action_id: str
    plan_id: str
    board_id: str
    reference: str
    title: str
    description: str | None
    success_measure: str | None
    lead_agency: str | None
    status: str  # ActionStatus value
    status_label: str
    theme_number: int
    theme_title: str
    owner_id: str | None
    owner_name: str | None
    due_date: dt.date | None
    rag: str | None
    overdue: bool
    updated_at: dt.datetime | None
    recommendations: tuple[RecommendationGroup, ...]
    history: tuple[HistoryEntry, ...]  # newest first
    evidence: tuple[EvidenceItem, ...]  # oldest first
    risks: tuple[LinkedRisk, ...]
    decisions: tuple[DecisionRef, ...]  # oldest first
    accepted_evidence: int = 0

    @property
    def can_go_blue(self) -> bool:
        """Whether the Blue gate would let this action go Blue now."""
        return can_go_blue(self.accepted_evidence)


@dataclass(frozen=True)
class DecisionChoice:
    """A recent decision of the board a progress update can cite as agreeing it."""

    decision_id: str
    number: str
    meeting_date: dt.date
    wording: str


@dataclass(frozen=True)
class AttachedEvidence:
    """What `attach_evidence` stored."""

    evidence_id: str
    title: str
    sha256: str
    size: int
    new_file: bool  # False when the same bytes were already stored (deduplicated)


# -- Small helpers -----------------------------------------------------------------------


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_utc(value: Any) -> dt.datetime | None:
    if value.__class__ is str and len(value) == 26:  # SQLite's "YYYY-MM-DD HH:MM:SS.ffffff"
        return dt.datetime.fromisoformat(value + "+00:00")
    if value is None:
        return None
    stamp = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)


_RUNS = re.compile(r"\d+|\D+")


def reference_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key putting "2.10" after "2.9" and "2.3a" after "2.3" (runs of digits as numbers)."""
    return tuple(
        (0, int(run)) if run.isdigit() else (1, run.casefold()) for run in _RUNS.findall(reference)
    )


def _numeric_key(row: ActionRow) -> tuple[int, ...]:
    return tuple(map(int, row[ROW_REFERENCE].split(".")))


def _general_key(row: ActionRow) -> tuple[tuple[int, int | str], ...]:
    return reference_key(row[ROW_REFERENCE])


def sort_by_reference(rows: list[ActionRow]) -> None:
    """Sort action rows in place by reference, "2.10" after "2.9".

    References made of numbers only (the usual "2.3") take a fast key; one
    that is not makes the whole list use `reference_key`.
    """
    try:
        rows.sort(key=_numeric_key)
    except ValueError:
        rows.sort(key=_general_key)


def _rag_value(rag: str | Rag | None) -> Rag:
    if isinstance(rag, Rag):
        return rag
    try:
        return Rag(str(rag).strip().lower())
    except ValueError:
        raise ValidationError(
            f"{rag!r} is not a RAG rating; use Blue, Green, Amber or Red"
        ) from None


def _get_action(session: Session, action_id: str) -> Action:
    action = session.get(Action, action_id)
    if action is None:
        raise NotFoundError(f"there is no plan action with id {action_id}")
    return action


def _board_of_plan(session: Session, plan_id: str) -> str:
    board_id = session.scalar(select(Plan.board_id).where(Plan.id == plan_id))
    if board_id is None:
        raise NotFoundError(f"there is no plan with id {plan_id}")
    return board_id


# -- Reads -------------------------------------------------------------------------------


def last_closed_meeting(session: Session, board_id: str, today: dt.date) -> dt.date | None:
    """The date of the board's most recent closed meeting on or before `today`.

    Args:
        session: an open session.
        board_id: the board.
        today: meetings after this date are not counted (keeps the demo reproducible).

    Returns:
        The meeting date, or None when the board has not closed a meeting yet.
    """
    return session.scalar(
        select(func.max(Meeting.meeting_date)).where(
            Meeting.board_id == board_id,
            Meeting.status == MeetingStatus.CLOSED,
            Meeting.meeting_date <= today,
        )
    )


def filter_choices(
    session: Session, plan_id: str, today: dt.date, *, tree: PlanTree | None = None
) -> FilterChoices:
    """The themes, the people who own actions, and the last closed meeting, for the filter bar.

    Args:
        session: an open session.
        plan_id: the plan.
        today: the date the last closed meeting is looked for from.
        tree: the plan's unfiltered tree when the caller has just read it: the
            themes and owners are then taken from it instead of read again.

    Returns:
        Themes in number order, owners by name with how many actions each owns.
    """
    board_id = _board_of_plan(session, plan_id)
    last = last_closed_meeting(session, board_id, today)
    if tree is not None and tree.plan_id == plan_id and tree.filter.is_empty:
        themes = tuple(ThemeChoice(t.number, t.title) for t in tree.themes)
        counts: dict[str | None, int] = {}
        names: dict[str, str] = {}
        for branch in tree.themes:
            for row in branch.actions:
                owner_id = row[ROW_OWNER_ID]
                if owner_id is not None:
                    counts[owner_id] = counts.get(owner_id, 0) + 1
                    names[owner_id] = row[ROW_OWNER] or ""
        owners = tuple(
            OwnerChoice(person_id, names[person_id], counts[person_id])
            for person_id in sorted(names, key=lambda pid: (names[pid].casefold(), pid))
        )
        return FilterChoices(themes, owners, last)
    themes = tuple(
        ThemeChoice(number, title)
        for number, title in session.execute(
            select(Theme.number, Theme.title).where(Theme.plan_id == plan_id).order_by(Theme.number)
        )
    )
    counts = {
        owner_id: count
        for owner_id, count in session.connection().execute(
            select(Action.owner_id, func.count())
            .where(Action.plan_id == plan_id, Action.owner_id.is_not(None))
            .group_by(Action.owner_id)
        )
    }
    rows = session.execute(select(Person.id, Person.name).where(Person.id.in_(list(counts)))).all()
    owners = tuple(
        OwnerChoice(person_id, name, counts[person_id])
        for person_id, name in sorted(rows, key=lambda row: (row[1].casefold(), row[0]))
    )
    return FilterChoices(themes, owners, last)


def _not_blue() -> ColumnElement[bool]:
    return or_(Action.rag.is_(None), Action.rag != Rag.BLUE)


def _conditions(
    spec: PlanFilter, theme_ids: dict[int, str], today: dt.date, since: dt.date | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if spec.theme:
        theme_id = theme_ids.get(spec.theme)
        if theme_id is None:
            raise ValidationError(f"the plan has no theme {spec.theme}")
        where.append(Action.theme_id == theme_id)
    if spec.rag is not None:
        if spec.rag.strip().lower() == NO_RAG:
            where.append(Action.rag.is_(None))
        else:
            where.append(Action.rag == _rag_value(spec.rag))
    if spec.owner_id is not None:
        where.append(Action.owner_id == spec.owner_id)
    if spec.overdue:
        where += [Action.due_date < today, _not_blue()]
    if spec.due_within is not None:
        if spec.due_within < 0:
            raise ValidationError("'due within' needs a number of days of 0 or more")
        where += [
            Action.due_date >= today,
            Action.due_date <= today + dt.timedelta(days=spec.due_within),
            _not_blue(),
        ]
    if spec.changed_since_last_meeting and since is not None:
        # Changes recorded on the meeting day are the meeting's own record.
        cutoff = dt.datetime.combine(since + dt.timedelta(days=1), dt.time(), dt.UTC)
        where.append(Action.updated_at >= cutoff)
    return where


def plan_tree(
    session: Session, plan_id: str, spec: PlanFilter | None = None, *, today: dt.date
) -> PlanTree:
    """The plan's themes and the actions passing `spec`, filtered in SQL.

    Args:
        session: an open session.
        plan_id: the plan.
        spec: the filter (None: every action).
        today: the date "overdue" and "due within" are measured from.

    Returns:
        Every theme when the filter is empty; otherwise only the themes with a
        matching action (and only the chosen theme when one is chosen).

    Raises:
        ValidationError: an unknown theme number or RAG value, a negative day count.
    """
    spec = spec or PlanFilter()
    themes = session.execute(
        select(Theme.id, Theme.number, Theme.title)
        .where(Theme.plan_id == plan_id)
        .order_by(Theme.number)
    ).all()
    theme_ids = {number: theme_id for theme_id, number, _ in themes}
    since = None
    if spec.changed_since_last_meeting:
        since = last_closed_meeting(session, _board_of_plan(session, plan_id), today)
    where = _conditions(spec, theme_ids, today, since)
    # Core, not ORM, execution and plain text columns: no per-row processing by
    # SQLAlchemy; the C parsers of `datetime` turn the text into dates.
    result = session.connection().execute(
        select(
            Action.id,
            Action.theme_id,
            Action.reference,
            Action.title,
            Action.owner_id,
            Person.name,
            type_coerce(Action.due_date, String),
            type_coerce(Action.rag, String),
            type_coerce(Action.updated_at, String),
        )
        .select_from(Action)
        .outerjoin(Person, Person.id == Action.owner_id)
        .where(Action.plan_id == plan_id, *where)
    )
    # Read in slices, not `.all()`: 20,000 result rows alive at once survive the
    # collector's young generations and set off a full collection of the whole
    # process (~0.1 s on a laptop) at almost every load.
    rows = (row for part in result.partitions(ROWS_PER_READ) for row in part)
    by_theme: dict[str, list[ActionRow]] = {theme_id: [] for theme_id, _, _ in themes}
    make = tuple.__new__
    parse_date = dt.date.fromisoformat
    for action_id, theme_id, ref, title, owner_id, owner, due, rag, updated in rows:
        due_date = parse_date(due) if due.__class__ is str else _as_date(due)
        bucket = by_theme.get(theme_id)
        if bucket is None:  # an action whose theme is in another plan: not shown
            continue
        bucket.append(
            make(
                tuple,
                (
                    action_id,
                    ref,
                    title,
                    owner_id,
                    owner,
                    due_date,
                    rag,
                    due_date is not None and due_date < today and rag != "blue",
                    _as_utc(updated),
                ),
            )
        )
    if spec.is_empty:
        totals = {theme_id: len(actions) for theme_id, actions in by_theme.items()}
    else:
        totals = {
            theme_id: count
            for theme_id, count in session.connection().execute(
                select(Action.theme_id, func.count(Action.id))
                .where(Action.plan_id == plan_id)
                .group_by(Action.theme_id)
            )
        }
    branches = []
    for theme_id, number, title in themes:
        actions = by_theme[theme_id]
        if not spec.is_empty and not actions:
            continue
        sort_by_reference(actions)
        branches.append(
            ThemeBranch(theme_id, number, title, totals.get(theme_id, 0), tuple(actions))
        )
    return PlanTree(plan_id, tuple(branches), spec, since, sum(totals.values()))


@dataclass(frozen=True)
class Matches:
    """The ids of the actions passing a filter (see `matching_action_ids`)."""

    ids: frozenset[str]
    filter: PlanFilter
    since: dt.date | None  # the last closed meeting's date, when the filter used it


def matching_action_ids(
    session: Session, plan_id: str, spec: PlanFilter, *, today: dt.date
) -> Matches:
    """The ids of the plan's actions passing `spec`: the same SQL as `plan_tree`, ids only.

    A page that already holds the whole tree (`plan_tree` with no filter) narrows
    it with `narrow(tree, matches)` instead of reading every column again, so a
    filter over 20,000 actions reads one short column.

    Args:
        session: an open session.
        plan_id: the plan.
        spec: the filter.
        today: the date "overdue" and "due within" are measured from.

    Returns:
        The matching ids, with the filter and the meeting date it used.

    Raises:
        ValidationError: an unknown theme number or RAG value, a negative day count.
    """
    theme_ids: dict[int, str] = {
        number: theme_id
        for number, theme_id in session.connection().execute(
            select(Theme.number, Theme.id).where(Theme.plan_id == plan_id)
        )
    }
    since = None
    if spec.changed_since_last_meeting:
        since = last_closed_meeting(session, _board_of_plan(session, plan_id), today)
    where = _conditions(spec, theme_ids, today, since)
    ids = (
        session.connection()
        .execute(select(Action.id).where(Action.plan_id == plan_id, *where))
        .scalars()
    )
    return Matches(frozenset(ids), spec, since)


def narrow(tree: PlanTree, matches: Matches) -> PlanTree:
    """The unfiltered `tree` cut down to the matching actions, as `plan_tree` would return it.

    Args:
        tree: the plan's whole tree (read with an empty filter).
        matches: the actions to keep (`matching_action_ids`).

    Returns:
        The tree of the matching actions: themes without one are left out
        unless the filter is empty.
    """
    keep = matches.ids
    spec = matches.filter
    branches = []
    for branch in tree.themes:
        actions = tuple(row for row in branch.actions if row[ROW_ID] in keep)
        if actions or spec.is_empty:
            branches.append(replace(branch, actions=actions))
    return PlanTree(tree.plan_id, tuple(branches), spec, matches.since, tree.total_actions)


def rag_definitions(session: Session, plan_id: str | None) -> tuple[RagKeyEntry, ...]:
    """The plan's RAG key: Blue, Green, Amber, Red with their labels, meanings and colours.

    Args:
        session: an open session.
        plan_id: the plan (None: the default key).

    Returns:
        Four entries; the plan's own definitions where it has them.
    """
    return rag_key(session, plan_id)


def latest_commentaries(session: Session, plan_id: str) -> dict[str, str | None]:
    """Each of the plan's actions' latest progress commentary (by recorded time, then id)."""
    latest: dict[str, str | None] = {}
    for action_id, commentary in session.execute(
        select(ProgressUpdate.action_id, ProgressUpdate.commentary)
        .join(Action, Action.id == ProgressUpdate.action_id)
        .where(Action.plan_id == plan_id)
        .order_by(ProgressUpdate.recorded_at, ProgressUpdate.id)
    ):
        latest[action_id] = commentary
    return latest


def recommendation_refs(session: Session, plan_id: str) -> dict[str, list[str]]:
    """The references of the recommendations each of the plan's actions answers."""
    refs: dict[str, list[str]] = defaultdict(list)
    for action_id, ref in session.execute(
        select(action_recommendations.c.action_id, Recommendation.reference)
        .join(Recommendation, Recommendation.id == action_recommendations.c.recommendation_id)
        .where(Recommendation.plan_id == plan_id)
    ):
        refs[action_id].append(ref)
    return dict(refs)


def _latest_outcomes(session: Session, evidence_ids: Iterable[str]) -> dict[str, str]:
    latest: dict[str, str] = {}
    ids = list(evidence_ids)
    if not ids:
        return latest
    for evidence_id, outcome in session.execute(
        select(EvidenceReview.evidence_id, EvidenceReview.outcome)
        .where(EvidenceReview.evidence_id.in_(ids))
        .order_by(EvidenceReview.reviewed_at, EvidenceReview.id)
    ):
        latest[evidence_id] = outcome.value
    return latest


def accepted_evidence_count(session: Session, action_id: str) -> int:
    """How many of the action's pieces of evidence have "accepted" as their latest review.

    Args:
        session: an open session.
        action_id: the action.

    Returns:
        The count the Blue gate (`db.rules.can_go_blue`) is given.
    """
    ids = session.scalars(select(Evidence.id).where(Evidence.action_id == action_id)).all()
    return sum(
        1 for o in _latest_outcomes(session, ids).values() if o == ReviewOutcome.ACCEPTED.value
    )


def _recommendations(session: Session, action_id: str) -> tuple[RecommendationGroup, ...]:
    grouped: dict[RecommendationSource, list[RecommendationItem]] = defaultdict(list)
    for source, ref, text, issued in session.execute(
        select(
            Recommendation.source,
            Recommendation.reference,
            Recommendation.text,
            Recommendation.issued_on,
        )
        .join(
            action_recommendations,
            action_recommendations.c.recommendation_id == Recommendation.id,
        )
        .where(action_recommendations.c.action_id == action_id)
    ):
        grouped[source].append(RecommendationItem(ref, text, issued))
    return tuple(
        RecommendationGroup(
            source.value,
            source.label,
            tuple(sorted(grouped[source], key=lambda r: reference_key(r.reference))),
        )
        for source in RecommendationSource
        if source in grouped
    )


def _history(session: Session, action_id: str) -> tuple[HistoryEntry, ...]:
    return tuple(
        HistoryEntry(
            update.id,
            update.recorded_at,
            author,
            update.rag.value,
            update.previous_rag.value if update.previous_rag else None,
            update.commentary,
            update.previous_due_date,
            update.new_due_date,
            update.due_date_reason,
            number,
        )
        for update, author, number in session.execute(
            select(ProgressUpdate, Person.name, Decision.number)
            .outerjoin(Person, Person.id == ProgressUpdate.author_id)
            .outerjoin(Decision, Decision.id == ProgressUpdate.decision_id)
            .where(ProgressUpdate.action_id == action_id)
            .order_by(ProgressUpdate.recorded_at.desc(), ProgressUpdate.id.desc())
        )
    )


def _evidence(session: Session, action_id: str) -> tuple[EvidenceItem, ...]:
    rows = session.execute(
        select(
            Evidence,
            Person.name,
            Blob.media_type,
            Blob.size,
            Blob.data.is_not(None),
        )
        .outerjoin(Person, Person.id == Evidence.submitted_by_id)
        .outerjoin(Blob, Blob.sha256 == Evidence.blob_sha256)
        .where(Evidence.action_id == action_id)
        .order_by(Evidence.submitted_at, Evidence.id)
    ).all()
    reviews: dict[str, list[ReviewEntry]] = defaultdict(list)
    if rows:
        for review, reviewer, number in session.execute(
            select(EvidenceReview, Person.name, Decision.number)
            .outerjoin(Person, Person.id == EvidenceReview.reviewed_by_id)
            .outerjoin(Decision, Decision.id == EvidenceReview.decision_id)
            .where(EvidenceReview.evidence_id.in_([row[0].id for row in rows]))
            .order_by(EvidenceReview.reviewed_at, EvidenceReview.id)
        ):
            reviews[review.evidence_id].append(
                ReviewEntry(
                    review.reviewed_at, review.outcome.value, reviewer, review.comment, number
                )
            )
    items = []
    for evidence, submitter, media_type, size, here in rows:
        own = tuple(reviews.get(evidence.id, ()))
        has_file = evidence.blob_sha256 is not None
        items.append(
            EvidenceItem(
                evidence.id,
                evidence.title,
                evidence.description,
                evidence.filename,
                evidence.url,
                media_type,
                size,
                has_file,
                bool(has_file and here),
                submitter,
                evidence.submitted_at,
                own[-1].outcome if own else EvidenceState.SUBMITTED.value,
                own,
            )
        )
    return tuple(items)


def _risks(session: Session, action_id: str) -> tuple[LinkedRisk, ...]:
    risks = session.scalars(
        select(Risk)
        .join(risk_actions, risk_actions.c.risk_id == Risk.id)
        .where(risk_actions.c.action_id == action_id)
    ).all()
    return tuple(
        LinkedRisk(
            r.reference,
            r.title,
            r.likelihood * r.impact,
            r.target_likelihood * r.target_impact,
            r.status.value,
        )
        for r in sorted(
            risks, key=lambda r: (r.status is not RiskStatus.OPEN, reference_key(r.reference))
        )
    )


def _decisions(session: Session, action_id: str) -> tuple[DecisionRef, ...]:
    via: dict[str, list[str]] = defaultdict(list)
    for decision_id in session.scalars(
        select(ProgressUpdate.decision_id).where(
            ProgressUpdate.action_id == action_id, ProgressUpdate.decision_id.is_not(None)
        )
    ):
        if decision_id is not None and "RAG change" not in via[decision_id]:
            via[decision_id].append("RAG change")
    for decision_id in session.scalars(
        select(EvidenceReview.decision_id)
        .join(Evidence, Evidence.id == EvidenceReview.evidence_id)
        .where(Evidence.action_id == action_id, EvidenceReview.decision_id.is_not(None))
    ):
        if decision_id is not None and "evidence review" not in via[decision_id]:
            via[decision_id].append("evidence review")
    items = session.execute(
        select(Decision.id, Decision.supersedes_id, AgendaItem.title, AgendaItem.position)
        .join(AgendaItem, AgendaItem.id == Decision.agenda_item_id)
        .join(agenda_item_actions, agenda_item_actions.c.agenda_item_id == AgendaItem.id)
        .where(agenda_item_actions.c.action_id == action_id)
    ).all()
    # An amendment in the meeting supersedes the earlier version on the same item.
    superseded = {old for _, old, _, _ in items if old is not None}
    for decision_id, _, item_title, position in items:
        if decision_id not in superseded:
            via[decision_id].append(f"agenda item {position}: {item_title}")
    if not via:
        return ()
    rows = session.execute(
        select(Decision, Meeting.meeting_date)
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Decision.id.in_(list(via)))
        .order_by(Meeting.meeting_date, Decision.year, Decision.seq, Decision.version)
    ).all()
    return tuple(
        DecisionRef(
            decision.number,
            meeting_date,
            decision.kind.value,
            decision.wording,
            tuple(via[decision.id]),
        )
        for decision, meeting_date in rows
    )


def action_detail(session: Session, action_id: str, *, today: dt.date) -> ActionDetail:
    """Everything about one action, read when a person selects it.

    Args:
        session: an open session.
        action_id: the action.
        today: the date "overdue" is measured against.

    Returns:
        The action with its recommendations (grouped by source), RAG history
        (newest first), evidence and reviews, linked risks and the decisions
        that touched it (by a RAG change, an evidence review or an agenda item).

    Raises:
        NotFoundError: no such action.
    """
    row = session.execute(
        select(Action, Theme.number, Theme.title, Person.name, Plan.board_id)
        .join(Theme, Theme.id == Action.theme_id)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(Person, Person.id == Action.owner_id)
        .where(Action.id == action_id)
    ).first()
    if row is None:
        raise NotFoundError(f"there is no plan action with id {action_id}")
    action, theme_number, theme_title, owner_name, board_id = row
    rag = action.rag.value if action.rag else None
    history = _history(session, action_id)
    evidence = _evidence(session, action_id)
    accepted = sum(1 for e in evidence if e.state == ReviewOutcome.ACCEPTED.value)
    return ActionDetail(
        action_id=action.id,
        plan_id=action.plan_id,
        board_id=board_id,
        reference=action.reference,
        title=action.title,
        description=action.description,
        success_measure=action.success_measure,
        lead_agency=action.lead_agency,
        status=action.status.value,
        status_label=action.status.label,
        theme_number=theme_number,
        theme_title=theme_title,
        owner_id=action.owner_id,
        owner_name=owner_name,
        due_date=action.due_date,
        rag=rag,
        overdue=is_overdue(action.due_date, rag, today),
        updated_at=action.updated_at,
        recommendations=_recommendations(session, action_id),
        history=history,
        evidence=evidence,
        risks=_risks(session, action_id),
        decisions=_decisions(session, action_id),
        accepted_evidence=accepted,
    )


def decision_choices(
    session: Session, board_id: str, today: dt.date, *, limit: int = 30
) -> tuple[DecisionChoice, ...]:
    """The board's latest decisions (not superseded), newest first, for "agreed by the board".

    Args:
        session: an open session.
        board_id: the board.
        today: decisions of meetings after this date are left out.
        limit: at most this many.

    Returns:
        The decisions, newest meeting first, then by number within the meeting.
    """
    rows = session.execute(
        select(
            Decision.id,
            Decision.number,
            Meeting.meeting_date,
            Decision.wording,
            Decision.supersedes_id,
        )
        .join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Decision.board_id == board_id, Meeting.meeting_date <= today)
        .order_by(Meeting.meeting_date.desc(), Decision.seq.desc(), Decision.version.desc())
        .limit(limit * 2)
    ).all()
    # Amendments are newer versions in the same meeting, so they come first here.
    superseded = {row.supersedes_id for row in rows if row.supersedes_id is not None}
    return tuple(
        DecisionChoice(decision_id, number, day, wording)
        for decision_id, number, day, wording, _ in rows
        if decision_id not in superseded
    )[:limit]


def may_update_progress(session: Session, actor_id: str | None, action_id: str) -> bool:
    """Whether the person may record progress or attach evidence on this action.

    Args:
        session: an open session.
        actor_id: the person acting (None: nobody signed in).
        action_id: the action.

    Returns:
        True for the chair and secretariat, and for an officer on their own action.
    """
    row = session.execute(
        select(Action.owner_id, Plan.board_id)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Action.id == action_id)
    ).first()
    if row is None:
        return False
    owner_id, board_id = row
    owns = actor_id is not None and owner_id == actor_id
    return allowed(session, actor_id, board_id, Capability.UPDATE_PROGRESS, owns=owns)


def evidence_bytes(session: Session, evidence_id: str) -> bytes | None:
    """The file behind a piece of evidence, if it is on this laptop.

    Args:
        session: an open session.
        evidence_id: the evidence.

    Returns:
        The bytes, or None when the file is known but not fetched to this laptop yet.

    Raises:
        NotFoundError: no such evidence, or the evidence is a link with no file.
    """
    row = session.execute(
        select(Evidence.title, Evidence.blob_sha256).where(Evidence.id == evidence_id)
    ).first()
    if row is None:
        raise NotFoundError(f"there is no evidence with id {evidence_id}")
    title, sha = row
    if sha is None:
        raise NotFoundError(f"the evidence '{title}' is a link, not a file")
    data: bytes | None = session.scalar(select(Blob.data).where(Blob.sha256 == sha))
    return data


# -- Writes ------------------------------------------------------------------------------


def _require_update(session: Session, actor_id: str | None, action: Action) -> str:
    board_id = _board_of_plan(session, action.plan_id)
    owns = actor_id is not None and action.owner_id == actor_id
    try:
        require(session, actor_id, board_id, Capability.UPDATE_PROGRESS, owns=owns)
    except PermissionDeniedError:
        if actor_id is not None and allowed(
            session, actor_id, board_id, Capability.UPDATE_PROGRESS, owns=True
        ):
            raise PermissionDeniedError(
                f"not allowed to record progress on action {action.reference}: "
                "officers update only the actions they own"
            ) from None
        raise
    return board_id


def record_progress_update(
    session: Session,
    actor_id: str | None,
    action_id: str,
    rag: str | Rag,
    commentary: str,
    new_due_date: dt.date | None = None,
    due_date_reason: str | None = None,
    decision_id: str | None = None,
    *,
    today: dt.date,
) -> HistoryEntry:
    """Record a dated RAG with commentary on an action, and set the action's RAG (and due date).

    Args:
        session: the caller's session (the caller commits).
        actor_id: the person recording it; they become the author.
        action_id: the action.
        rag: the new RAG ("blue", "green", "amber", "red" or a `Rag`).
        commentary: what has happened; required.
        new_due_date: a new due date, if the date moves.
        due_date_reason: why the due date moves; required when it does.
        decision_id: the board's decision agreeing the change, when agreed in a meeting.
        today: a new due date may not be before this date.

    Returns:
        The recorded entry of the action's RAG history.

    Raises:
        NotFoundError: no such action.
        PermissionDeniedError: the person may not update this action.
        ValidationError: Blue without accepted evidence, no commentary, a moved
            due date without a reason or in the past, a decision of another board.
    """
    action = _get_action(session, action_id)
    board_id = _require_update(session, actor_id, action)
    value = _rag_value(rag)
    text = (commentary or "").strip()
    if not text:
        raise ValidationError("a progress update needs a commentary saying what has happened")
    if value is Rag.BLUE and not can_go_blue(accepted_evidence_count(session, action_id)):
        raise ValidationError(
            f"action {action.reference} cannot go Blue: {BLUE_NEEDS_ACCEPTED_EVIDENCE}, "
            "and none is accepted yet"
        )
    reason = (due_date_reason or "").strip() or None
    moved = new_due_date is not None and new_due_date != action.due_date
    if moved:
        assert new_due_date is not None
        if reason is None:
            raise ValidationError("moving the due date needs a reason")
        if new_due_date < today:
            raise ValidationError(
                f"the new due date {new_due_date:%d %b %Y} is in the past; choose today or later"
            )
    elif reason is not None:
        raise ValidationError("a reason for moving the due date was given, but no new due date")
    decision_number = None
    if decision_id is not None:
        decision = session.get(Decision, decision_id)
        if decision is None or decision.board_id != board_id:
            raise ValidationError("the linked decision is not a decision of this board")
        decision_number = decision.number

    update_row = ProgressUpdate(
        action_id=action.id,
        author_id=actor_id,
        rag=value,
        previous_rag=action.rag,
        commentary=text,
        previous_due_date=action.due_date if moved else None,
        new_due_date=new_due_date if moved else None,
        due_date_reason=reason if moved else None,
        decision_id=decision_id,
    )
    session.add(update_row)
    action.rag = value
    if moved:
        action.due_date = new_due_date
    if value is Rag.BLUE:
        action.status = ActionStatus.COMPLETE
    elif action.status is ActionStatus.COMPLETE:
        action.status = ActionStatus.IN_PROGRESS
    session.flush()
    author = session.scalar(select(Person.name).where(Person.id == actor_id)) if actor_id else None
    return HistoryEntry(
        update_row.id,
        update_row.recorded_at,
        author,
        value.value,
        update_row.previous_rag.value if update_row.previous_rag else None,
        text,
        update_row.previous_due_date,
        update_row.new_due_date,
        update_row.due_date_reason,
        decision_number,
    )


def attach_evidence(
    session: Session,
    actor_id: str | None,
    action_id: str,
    filename: str,
    data: bytes,
    title: str | None = None,
    media_type: str | None = None,
) -> AttachedEvidence:
    """Attach a file to an action as evidence, submitted for the board's review.

    The bytes are stored once per content (SHA-256): attaching the same file
    again adds an evidence record pointing at the stored copy.

    Args:
        session: the caller's session (the caller commits).
        actor_id: the person submitting it.
        action_id: the action.
        filename: the file's name (any folders are dropped).
        data: the file's bytes.
        title: what the evidence is (default: the file name without its extension).
        media_type: e.g. "application/pdf" (default: application/octet-stream).

    Returns:
        The new evidence's id, the file's SHA-256 and whether the bytes were new.

    Raises:
        NotFoundError: no such action.
        PermissionDeniedError: the person may not update this action.
        ValidationError: an empty or oversized file, or no file name.
    """
    action = _get_action(session, action_id)
    _require_update(session, actor_id, action)
    name = PurePath(filename.replace("\\", "/")).name.strip()
    if not name:
        raise ValidationError("evidence needs a file name")
    if not data:
        raise ValidationError(f"the file {name} is empty")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            f"the file {name} is larger than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB; "
            "attach a link to it instead"
        )
    label = (title or "").strip() or PurePath(name).stem or name
    sha = hashlib.sha256(data).hexdigest()
    stored = session.execute(select(Blob.data.is_not(None)).where(Blob.sha256 == sha)).first()
    new_file = stored is None
    if stored is None:
        session.add(
            Blob(
                sha256=sha,
                size=len(data),
                media_type=media_type or "application/octet-stream",
                data=data,
            )
        )
    elif not stored[0]:
        # Known here but not fetched yet: these are its bytes (same hash), so keep them.
        # `data` is never change-captured (db.sync.capture), as when a sync fetches it.
        session.execute(
            update(Blob).where(Blob.sha256 == sha, Blob.data.is_(None)).values(data=data)
        )
    evidence = Evidence(
        action_id=action.id,
        title=label[:300],
        filename=name[:300],
        blob_sha256=sha,
        submitted_by_id=actor_id,
        state=EvidenceState.SUBMITTED,
    )
    session.add(evidence)
    session.flush()
    return AttachedEvidence(evidence.id, label[:300], sha, len(data), new_file)


__all__ = [
    "NO_RAG",
    "ROW_DUE",
    "ROW_ID",
    "ROW_OVERDUE",
    "ROW_OWNER",
    "ROW_OWNER_ID",
    "ROW_RAG",
    "ROW_REFERENCE",
    "ROW_TITLE",
    "ROW_UPDATED",
    "ActionDetail",
    "ActionRow",
    "AttachedEvidence",
    "DecisionChoice",
    "DecisionRef",
    "EvidenceItem",
    "FilterChoices",
    "HistoryEntry",
    "LinkedRisk",
    "Matches",
    "OwnerChoice",
    "PlanFilter",
    "PlanTree",
    "RecommendationGroup",
    "RecommendationItem",
    "ReviewEntry",
    "ThemeBranch",
    "ThemeChoice",
    "accepted_evidence_count",
    "action_detail",
    "attach_evidence",
    "decision_choices",
    "evidence_bytes",
    "filter_choices",
    "last_closed_meeting",
    "matching_action_ids",
    "may_update_progress",
    "narrow",
    "plan_tree",
    "rag_definitions",
    "record_progress_update",
    "reference_key",
    "sort_by_reference",
]
