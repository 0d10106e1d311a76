"""The risk register as the Risks page and the CLI see it, and the writes it allows.

Reads return frozen dataclasses of plain values: register rows (current and
target likelihood × impact, the band each score falls in — the plan's own
`RiskBand` rows, or `db.rules.DEFAULT_RISK_BANDS` when it has none — the
trend between the last two reviews, whether the risk is above its target),
filtered by heat-map cell, band, owner, status or "above target"; one risk in
detail with its mitigation, linked actions and review history; the 5×5 heat
map counts. Writes: `record_risk_review` (chair or secretariat —
`Capability.RUN_MEETING`, because reviews are agreed in the meeting the chair
runs and the clerk records) and the plan's scoring bands (secretariat only —
`Capability.EDIT_BUSINESS`), which must cover every score from 1 to 25 with
no overlap. Scores are never stored: likelihood × impact, worked out here.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, select
from sqlalchemy.orm import Session

from db.errors import NotFoundError, ValidationError
from db.models import (
    Action,
    Decision,
    Meeting,
    Person,
    Plan,
    Risk,
    RiskBand,
    RiskReview,
    RiskStatus,
    risk_actions,
)
from db.permissions import Capability, require
from db.rules import DEFAULT_RISK_BANDS, BandSpec, band_for

#: The scale of likelihood and of impact (1–5 each, so scores run 1–25).
SCALE = (1, 2, 3, 4, 5)
MAX_SCORE = 25
MAX_BANDS = 10
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NO_BAND = BandSpec("No band", 0, 0, "#505a5f")


class Trend(enum.Enum):
    """How the score moved between a risk's last two reviews."""

    RISING = "rising"
    FALLING = "falling"
    STEADY = "steady"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class RiskRow:
    """One line of the register."""

    risk_id: str
    reference: str
    title: str
    owner_id: str | None
    owner: str | None  # the owner's name
    likelihood: int
    impact: int
    target_likelihood: int
    target_impact: int
    band: str  # label of the band the current score falls in
    band_colour: str  # "#RRGGBB"
    target_band: str
    target_band_colour: str
    trend: Trend | None  # None: fewer than two reviews
    status: RiskStatus
    last_reviewed: dt.date | None

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact

    @property
    def above_target(self) -> bool:
        return self.score > self.target_score

    @property
    def is_open(self) -> bool:
        return self.status is RiskStatus.OPEN


@dataclass(frozen=True)
class RiskFilter:
    """Which risks the register shows; every condition given must hold.

    `cell` and `target_cell` are (likelihood, impact); `band` is a band label
    (any case); `status` None shows open and closed risks alike.
    """

    cell: tuple[int, int] | None = None
    target_cell: tuple[int, int] | None = None
    band: str | None = None
    above_target: bool = False
    owner_id: str | None = None
    status: RiskStatus | None = RiskStatus.OPEN


@dataclass(frozen=True)
class ReviewEntry:
    """One dated review in a risk's history."""

    review_id: str
    reviewed_on: dt.date
    reviewer: str | None
    likelihood: int
    impact: int
    band: str
    band_colour: str
    commentary: str | None
    decision_number: str | None  # e.g. "OPAB 19/07" when agreed in a meeting

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class LinkedAction:
    """A plan action that mitigates the risk."""

    action_id: str
    reference: str
    title: str
    rag: str | None  # Rag value, e.g. "amber"; None: no RAG yet
    status: str  # e.g. "In progress"
    due_date: dt.date | None


@dataclass(frozen=True)
class RiskDetail:
    """One risk in full: the register row, its narrative fields, actions and reviews."""

    row: RiskRow
    description: str
    cause: str | None
    consequence: str | None
    mitigation: str | None
    actions: tuple[LinkedAction, ...]
    reviews: tuple[ReviewEntry, ...]  # newest first


@dataclass(frozen=True)
class HeatMapCounts:
    """How many risks sit in each cell of the 5×5 matrix, now and at target.

    `current[l - 1][i - 1]` counts risks whose current likelihood is `l` and
    impact `i`; `target` the same for their target scores.
    """

    current: tuple[tuple[int, ...], ...]
    target: tuple[tuple[int, ...], ...]

    def at(self, likelihood: int, impact: int, *, target: bool = False) -> int:
        grid = self.target if target else self.current
        return grid[likelihood - 1][impact - 1]

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.current)


@dataclass(frozen=True)
class RiskBands:
    """The bands a plan scores its risks in, and whether they are its own."""

    bands: tuple[BandSpec, ...]
    custom: bool  # False: the conventional bands (no RiskBand rows for the plan)


@dataclass(frozen=True)
class OwnerChoice:
    person_id: str
    name: str


@dataclass(frozen=True)
class DecisionChoice:
    """A decision of the board a review may cite as where it was agreed."""

    decision_id: str
    number: str
    wording: str
    meeting_date: dt.date


@dataclass(frozen=True)
class RecordedReview:
    """What `record_risk_review` did: the review as stored, and whether it amended one."""

    review: ReviewEntry
    amended: bool  # True: the risk already had a review that day, now updated


def reference_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key putting "R2" before "R10" (numbers compared as numbers)."""
    parts = re.split(r"(\d+)", reference.strip().casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


# --------------------------------------------------------------------------- bands


def risk_bands(session: Session, plan_id: str) -> RiskBands:
    """The plan's scoring bands in score order, or the conventional ones.

    Args:
        session: an open session.
        plan_id: the plan.

    Returns:
        The bands, lowest first, and whether the plan defined them itself.
    """
    own = session.scalars(
        select(RiskBand)
        .where(RiskBand.plan_id == plan_id)
        .order_by(RiskBand.min_score, RiskBand.sort_order)
    ).all()
    if not own:
        return RiskBands(DEFAULT_RISK_BANDS, custom=False)
    return RiskBands(
        tuple(BandSpec(b.label, b.min_score, b.max_score, b.colour) for b in own), custom=True
    )


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def validate_bands(bands: Sequence[BandSpec]) -> tuple[BandSpec, ...]:
    """Check a set of bands and return it tidied (labels trimmed, colours lower case, sorted).

    Args:
        bands: the proposed bands, in any order.

    Returns:
        The bands sorted by score.

    Raises:
        ValidationError: one sentence naming every problem — an empty or
            repeated label, a colour that is not "#RRGGBB", a range outside
            1–25 or upside down, two bands overlapping, or scores no band covers.
    """
    problems: list[str] = []
    if not bands:
        raise ValidationError("There must be at least one risk band covering scores 1–25.")
    if len(bands) > MAX_BANDS:
        problems.append(f"at most {MAX_BANDS} bands are allowed ({len(bands)} given)")
    tidy: list[BandSpec] = []
    seen: dict[str, str] = {}
    for position, band in enumerate(bands, start=1):
        label = band.label.strip()
        name = f'"{label}"' if label else f"band {position}"
        if not label:
            problems.append(f"band {position} has no label")
        elif len(label) > 50:
            problems.append(f"{name} has a label longer than 50 characters")
        elif label.casefold() in seen:
            problems.append(f"two bands are called {name}")
        else:
            seen[label.casefold()] = label
        if not _COLOUR.match(band.colour.strip()):
            problems.append(f'{name} has colour "{band.colour}"; use #RRGGBB, e.g. #c62828')
        low, high = band.min_score, band.max_score
        if not (1 <= low <= MAX_SCORE and 1 <= high <= MAX_SCORE):
            problems.append(f"{name} ({low}–{high}) goes outside the scores 1–25")
        elif low > high:
            problems.append(f"{name} starts at {low} but ends at {high}")
        tidy.append(BandSpec(label, low, high, band.colour.strip().lower()))
    if not problems:
        ordered = sorted(tidy, key=lambda b: (b.min_score, b.max_score))
        expected = 1
        previous: BandSpec | None = None
        for band in ordered:
            if band.min_score > expected:
                problems.append(f"no band covers {_span(expected, band.min_score - 1)}")
            elif band.min_score < expected and previous is not None:
                problems.append(
                    f'"{previous.label}" ({_span(previous.min_score, previous.max_score)}) and '
                    f'"{band.label}" ({_span(band.min_score, band.max_score)}) overlap on '
                    f"{_span(band.min_score, min(band.max_score, expected - 1))}"
                )
            if previous is None or band.max_score >= expected:
                previous = band
            expected = max(expected, band.max_score + 1)
        if expected <= MAX_SCORE:
            problems.append(f"no band covers {_span(expected, MAX_SCORE)}")
        tidy = ordered
    if problems:
        raise ValidationError(
            "Risk bands must cover every score from 1 to 25 exactly once: " + "; ".join(problems)
        )
    return tuple(tidy)


def _plan_board(session: Session, plan_id: str) -> str:
    board_id = session.scalar(select(Plan.board_id).where(Plan.id == plan_id))
    if board_id is None:
        raise NotFoundError("That improvement plan is not in this database.")
    return board_id


def set_risk_bands(
    session: Session, actor_id: str | None, plan_id: str, bands: Sequence[BandSpec]
) -> RiskBands:
    """Give the plan its own scoring bands (secretariat: `Capability.EDIT_BUSINESS`).

    Existing band rows are updated in place where they line up (so a sync
    merges field by field), extra ones added and leftovers deleted.

    Args:
        session: the caller's session (the write joins its transaction).
        actor_id: who is acting.
        plan_id: the plan.
        bands: the bands, in any order.

    Returns:
        The plan's bands as now stored.

    Raises:
        PermissionDeniedError: the actor is not the board's secretariat.
        ValidationError: the bands overlap, leave gaps or are malformed.
    """
    require(session, actor_id, _plan_board(session, plan_id), Capability.EDIT_BUSINESS)
    tidy = validate_bands(bands)
    existing = list(
        session.scalars(
            select(RiskBand).where(RiskBand.plan_id == plan_id).order_by(RiskBand.sort_order)
        )
    )
    for position, band in enumerate(tidy):
        if position < len(existing):
            row = existing[position]
            for attr, value in (
                ("label", band.label),
                ("min_score", band.min_score),
                ("max_score", band.max_score),
                ("colour", band.colour),
                ("sort_order", position),
            ):
                if getattr(row, attr) != value:
                    setattr(row, attr, value)
        else:
            session.add(
                RiskBand(
                    plan_id=plan_id,
                    label=band.label,
                    min_score=band.min_score,
                    max_score=band.max_score,
                    colour=band.colour,
                    sort_order=position,
                )
            )
    for row in existing[len(tidy) :]:
        session.delete(row)
    session.flush()
    return risk_bands(session, plan_id)


def reset_risk_bands(session: Session, actor_id: str | None, plan_id: str) -> RiskBands:
    """Drop the plan's own bands so it uses the conventional ones (secretariat only).

    Raises:
        PermissionDeniedError: the actor is not the board's secretariat.
    """
    require(session, actor_id, _plan_board(session, plan_id), Capability.EDIT_BUSINESS)
    for row in session.scalars(select(RiskBand).where(RiskBand.plan_id == plan_id)):
        session.delete(row)
    session.flush()
    return risk_bands(session, plan_id)


# --------------------------------------------------------------------------- register


def _band(score: int, bands: Sequence[BandSpec]) -> BandSpec:
    return band_for(score, bands) or _NO_BAND


def _trends(session: Session, risk_ids: Sequence[str]) -> dict[str, tuple[Trend | None, dt.date]]:
    """Each risk's trend between its last two reviews, and its last review date."""
    if not risk_ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=RiskReview.risk_id,
            order_by=(RiskReview.reviewed_on.desc(), RiskReview.id.desc()),
        )
        .label("rank")
    )
    latest = (
        select(
            RiskReview.risk_id,
            RiskReview.reviewed_on,
            (RiskReview.likelihood * RiskReview.impact).label("score"),
            rank,
        )
        .where(RiskReview.risk_id.in_(risk_ids))
        .subquery()
    )
    scores: dict[str, list[tuple[dt.date, int]]] = {}
    for risk_id, reviewed_on, score, _rank in session.execute(
        select(latest).where(latest.c.rank <= 2).order_by(latest.c.risk_id, latest.c.rank)
    ):
        scores.setdefault(risk_id, []).append((reviewed_on, int(score)))
    result: dict[str, tuple[Trend | None, dt.date]] = {}
    for risk_id, points in scores.items():
        trend: Trend | None = None
        if len(points) == 2:
            newest, before = points[0][1], points[1][1]
            trend = (
                Trend.RISING
                if newest > before
                else Trend.FALLING
                if newest < before
                else Trend.STEADY
            )
        result[risk_id] = (trend, points[0][0])
    return result


def _conditions(
    plan_id: str, spec: RiskFilter, bands: Sequence[BandSpec]
) -> list[ColumnElement[bool]]:
    score = Risk.likelihood * Risk.impact
    where: list[ColumnElement[bool]] = [Risk.plan_id == plan_id]
    if spec.status is not None:
        where.append(Risk.status == spec.status)
    if spec.cell is not None:
        where += [Risk.likelihood == spec.cell[0], Risk.impact == spec.cell[1]]
    if spec.target_cell is not None:
        where += [
            Risk.target_likelihood == spec.target_cell[0],
            Risk.target_impact == spec.target_cell[1],
        ]
    if spec.band is not None:
        wanted = spec.band.strip().casefold()
        band = next((b for b in bands if b.label.casefold() == wanted), None)
        where.append(score.between(band.min_score, band.max_score) if band else false())
    if spec.above_target:
        where.append(score > Risk.target_likelihood * Risk.target_impact)
    if spec.owner_id is not None:
        where.append(Risk.owner_id == spec.owner_id)
    return where


def _rows(
    session: Session, where: Sequence[ColumnElement[bool]], bands: Sequence[BandSpec]
) -> list[RiskRow]:
    found = session.execute(
        select(Risk, Person.name).outerjoin(Person, Person.id == Risk.owner_id).where(and_(*where))
    ).all()
    trends = _trends(session, [risk.id for risk, _ in found])
    rows = []
    for risk, owner in found:
        now, target = _band(risk.score, bands), _band(risk.target_score, bands)
        trend, last = trends.get(risk.id, (None, None))
        rows.append(
            RiskRow(
                risk_id=risk.id,
                reference=risk.reference,
                title=risk.title,
                owner_id=risk.owner_id,
                owner=owner,
                likelihood=risk.likelihood,
                impact=risk.impact,
                target_likelihood=risk.target_likelihood,
                target_impact=risk.target_impact,
                band=now.label,
                band_colour=now.colour,
                target_band=target.label,
                target_band_colour=target.colour,
                trend=trend,
                status=risk.status,
                last_reviewed=last,
            )
        )
    return rows


def risk_register(
    session: Session, plan_id: str, spec: RiskFilter | None = None
) -> tuple[RiskRow, ...]:
    """The plan's risks matching `spec`, highest current score first, then by reference.

    Args:
        session: an open session.
        plan_id: the plan.
        spec: the filter (default: open risks).

    Returns:
        The matching register rows.
    """
    spec = spec or RiskFilter()
    bands = risk_bands(session, plan_id).bands
    rows = _rows(session, _conditions(plan_id, spec, bands), bands)
    rows.sort(key=lambda r: (-r.score, reference_key(r.reference)))
    return tuple(rows)


def heat_map(
    session: Session,
    plan_id: str,
    *,
    status: RiskStatus | None = RiskStatus.OPEN,
    owner_id: str | None = None,
) -> HeatMapCounts:
    """How many of the plan's risks sit in each likelihood × impact cell, now and at target.

    Args:
        session: an open session.
        plan_id: the plan.
        status: count only risks with this status (None: all).
        owner_id: count only this person's risks (None: everyone's).

    Returns:
        The two 5×5 grids of counts.
    """
    where: list[ColumnElement[bool]] = [Risk.plan_id == plan_id]
    if status is not None:
        where.append(Risk.status == status)
    if owner_id is not None:
        where.append(Risk.owner_id == owner_id)
    grids: list[tuple[tuple[int, ...], ...]] = []
    for lik, imp in (
        (Risk.likelihood, Risk.impact),
        (Risk.target_likelihood, Risk.target_impact),
    ):
        grid = [[0] * len(SCALE) for _ in SCALE]
        for likelihood, impact, count in session.execute(
            select(lik, imp, func.count(Risk.id)).where(*where).group_by(lik, imp)
        ):
            grid[likelihood - 1][impact - 1] = int(count)
        grids.append(tuple(tuple(row) for row in grid))
    return HeatMapCounts(current=grids[0], target=grids[1])


def risk_owners(session: Session, plan_id: str) -> tuple[OwnerChoice, ...]:
    """The people who own at least one of the plan's risks, by name."""
    return tuple(
        OwnerChoice(person_id, name)
        for person_id, name in session.execute(
            select(Person.id, Person.name)
            .join(Risk, Risk.owner_id == Person.id)
            .where(Risk.plan_id == plan_id)
            .group_by(Person.id, Person.name)
            .order_by(Person.name)
        )
    )


def _review_entries(
    session: Session, risk_id: str, bands: Sequence[BandSpec]
) -> tuple[ReviewEntry, ...]:
    entries = []
    for review, reviewer, number in session.execute(
        select(RiskReview, Person.name, Decision.number)
        .outerjoin(Person, Person.id == RiskReview.reviewed_by_id)
        .outerjoin(Decision, Decision.id == RiskReview.decision_id)
        .where(RiskReview.risk_id == risk_id)
        .order_by(RiskReview.reviewed_on.desc(), RiskReview.id.desc())
    ):
        band = _band(review.likelihood * review.impact, bands)
        entries.append(
            ReviewEntry(
                review_id=review.id,
                reviewed_on=review.reviewed_on,
                reviewer=reviewer,
                likelihood=review.likelihood,
                impact=review.impact,
                band=band.label,
                band_colour=band.colour,
                commentary=review.commentary,
                decision_number=number,
            )
        )
    return tuple(entries)


def risk_detail(session: Session, risk_id: str) -> RiskDetail:
    """One risk in full: its register row, narrative, linked actions and review history.

    Args:
        session: an open session.
        risk_id: the risk.

    Returns:
        The detail; reviews newest first, actions by reference.

    Raises:
        NotFoundError: no such risk.
    """
    risk = session.get(Risk, risk_id)
    if risk is None:
        raise NotFoundError("That risk is not in this database.")
    bands = risk_bands(session, risk.plan_id).bands
    (row,) = _rows(session, [Risk.id == risk_id], bands)
    actions = [
        LinkedAction(
            action_id=action.id,
            reference=action.reference,
            title=action.title,
            rag=action.rag.value if action.rag is not None else None,
            status=action.status.label,
            due_date=action.due_date,
        )
        for action in session.scalars(
            select(Action)
            .join(risk_actions, risk_actions.c.action_id == Action.id)
            .where(risk_actions.c.risk_id == risk_id)
        )
    ]
    actions.sort(key=lambda a: reference_key(a.reference))
    return RiskDetail(
        row=row,
        description=risk.description,
        cause=risk.cause,
        consequence=risk.consequence,
        mitigation=risk.mitigation,
        actions=tuple(actions),
        reviews=_review_entries(session, risk_id, bands),
    )


def review_decision_choices(
    session: Session, board_id: str, *, limit: int = 40
) -> tuple[DecisionChoice, ...]:
    """The board's decisions a risk review may cite, newest meeting first.

    Args:
        session: an open session.
        board_id: the board.
        limit: how many to offer.
    """
    return tuple(
        DecisionChoice(decision_id, number, wording, meeting_date)
        for decision_id, number, wording, meeting_date in session.execute(
            select(Decision.id, Decision.number, Decision.wording, Meeting.meeting_date)
            .join(Meeting, Meeting.id == Decision.meeting_id)
            .where(Decision.board_id == board_id)
            .order_by(Meeting.meeting_date.desc(), Decision.seq.desc(), Decision.version.desc())
            .limit(limit)
        )
    )


# --------------------------------------------------------------------------- reviews


def _score_factor(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        raise ValidationError(f"{name.capitalize()} must be a whole number from 1 to 5.")
    return value


def record_risk_review(
    session: Session,
    actor_id: str | None,
    risk_id: str,
    likelihood: int,
    impact: int,
    commentary: str | None,
    reviewed_on: dt.date,
    decision_id: str | None = None,
) -> RecordedReview:
    """Record a dated review of a risk and make its scores the risk's current ones.

    Who may: the chair and the secretariat (`Capability.RUN_MEETING`) — the
    board reviews its risks in the meeting the chair runs, and the clerk
    records what was agreed. A second review of the same risk on the same day
    amends that day's review (an in-meeting correction) rather than adding a
    row whose order against the first could not be told. A review may not be
    dated before the risk's latest review, so the latest review always holds
    the current scores.

    Args:
        session: the caller's session (the write joins its transaction).
        actor_id: who is acting (recorded as the reviewer).
        risk_id: the risk.
        likelihood: 1–5.
        impact: 1–5.
        commentary: why the score is what it is (blank: none).
        reviewed_on: the date of the review.
        decision_id: the board decision that agreed it, if any.

    Returns:
        The review as stored and whether it amended the day's earlier one.

    Raises:
        NotFoundError: no such risk or decision.
        PermissionDeniedError: the actor's role does not run meetings.
        ValidationError: a score outside 1–5, a closed risk, a date before the
            last review, or a decision of another board.
    """
    risk = session.get(Risk, risk_id)
    if risk is None:
        raise NotFoundError("That risk is not in this database.")
    board_id = _plan_board(session, risk.plan_id)
    require(session, actor_id, board_id, Capability.RUN_MEETING)
    likelihood = _score_factor("likelihood", likelihood)
    impact = _score_factor("impact", impact)
    if not isinstance(reviewed_on, dt.date) or isinstance(reviewed_on, dt.datetime):
        raise ValidationError("The review needs a date.")
    if risk.status is not RiskStatus.OPEN:
        raise ValidationError(f"Risk {risk.reference} is closed; only open risks are reviewed.")
    if decision_id is not None:
        decision_board = session.scalar(select(Decision.board_id).where(Decision.id == decision_id))
        if decision_board is None:
            raise NotFoundError("That decision is not in this database.")
        if decision_board != board_id:
            raise ValidationError("The decision cited was made by another board.")
    last = session.scalar(
        select(func.max(RiskReview.reviewed_on)).where(RiskReview.risk_id == risk_id)
    )
    if last is not None and reviewed_on < last:
        raise ValidationError(
            f"Risk {risk.reference} was last reviewed on {last.day} {last:%B %Y}; "
            "a new review cannot be dated before it."
        )
    text = (commentary or "").strip() or None
    review = session.scalars(
        select(RiskReview)
        .where(RiskReview.risk_id == risk_id, RiskReview.reviewed_on == reviewed_on)
        .order_by(RiskReview.id.desc())
        .limit(1)
    ).first()
    amended = review is not None
    if review is None:
        review = RiskReview(risk_id=risk_id, reviewed_on=reviewed_on)
        session.add(review)
    for attr, value in (
        ("likelihood", likelihood),
        ("impact", impact),
        ("commentary", text),
        ("reviewed_by_id", actor_id),
        ("decision_id", decision_id),
    ):
        if getattr(review, attr) != value:
            setattr(review, attr, value)
    if risk.likelihood != likelihood:
        risk.likelihood = likelihood
    if risk.impact != impact:
        risk.impact = impact
    session.flush()
    bands = risk_bands(session, risk.plan_id).bands
    entry = next(e for e in _review_entries(session, risk_id, bands) if e.review_id == review.id)
    return RecordedReview(entry, amended)


def filter_from_spec(spec: Mapping[str, object]) -> RiskFilter:
    """A `RiskFilter` from a page filter such as {"cell": (4, 4)} (unknown keys ignored).

    Keys: "cell" / "target_cell" (likelihood, impact), "band" (label),
    "above_target" (bool), "owner_id", "status" ("open", "closed" or "all").
    """

    def cell(value: object) -> tuple[int, int] | None:
        if isinstance(value, tuple | list) and len(value) == 2:
            lik, imp = value
            if isinstance(lik, int) and isinstance(imp, int) and lik in SCALE and imp in SCALE:
                return (lik, imp)
        return None

    status_text = str(spec.get("status", "open"))
    status: RiskStatus | None = RiskStatus.OPEN
    if status_text == "all":
        status = None
    elif status_text == RiskStatus.CLOSED.value:
        status = RiskStatus.CLOSED
    band = spec.get("band")
    owner = spec.get("owner_id")
    return RiskFilter(
        cell=cell(spec.get("cell")),
        target_cell=cell(spec.get("target_cell")),
        band=str(band) if band is not None else None,
        above_target=bool(spec.get("above_target", False)),
        owner_id=str(owner) if owner is not None else None,
        status=status,
    )
