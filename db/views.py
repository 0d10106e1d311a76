"""Read-only views for the main window: which board to open on, and its dashboard figures.

Each loader takes a `Session` the caller owns, runs a few `select()`s and
returns frozen dataclasses of plain values, so the GUI renders data without
ever holding an ORM object or a session, and the same figures can be printed
by the CLI or checked in tests without a screen. Nothing here writes. The
"today" each figure is relative to is always a parameter, never read from the
clock here, so the figures are reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    Action,
    Board,
    Kpi,
    KpiValue,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    Plan,
    Polarity,
    Rag,
    RagDefinition,
    Risk,
    RiskStatus,
    Role,
    Theme,
)
from db.rules import SUSTAINED_DECLINE_MOVES, wrong_way_streak

#: The board the app opens on when the database holds it.
DEFAULT_BOARD_CODE = "OPAB"

#: RAG colours and meanings used when a plan defines none of its own (DOMAIN.md).
DEFAULT_RAG_KEY: tuple[tuple[Rag, str, str], ...] = (
    (Rag.BLUE, "#1d70b8", "Complete, evidence accepted by the board"),
    (Rag.GREEN, "#00703c", "On track to the due date"),
    (Rag.AMBER, "#ffb000", "At risk: slipping or partly delivered, recovery in hand"),
    (Rag.RED, "#d4351c", "Off track or overdue, needs the board's intervention"),
)


@dataclass(frozen=True)
class Viewer:
    """The person the window acts as, and their role on the board."""

    person_id: str
    name: str
    role: str  # Role value, e.g. "chair"
    role_label: str  # e.g. "Chair"
    position: str | None  # e.g. "Independent Chair"


@dataclass(frozen=True)
class BoardContext:
    """The board the window is open on, its current plan, and who is looking."""

    board_id: str
    board_code: str
    board_name: str
    plan_id: str | None
    plan_title: str | None
    viewer: Viewer | None


@dataclass(frozen=True)
class RagKeyEntry:
    """One step of the plan's RAG scale: its word, what it means, its colour."""

    rag: str  # Rag value, e.g. "amber"
    label: str  # e.g. "Amber"
    meaning: str
    colour: str  # "#RRGGBB"


@dataclass(frozen=True)
class ThemeRag:
    """How many of a theme's actions stand at each RAG (unrated: no RAG yet)."""

    number: int
    title: str
    blue: int
    green: int
    amber: int
    red: int
    unrated: int

    @property
    def total(self) -> int:
        return self.blue + self.green + self.amber + self.red + self.unrated

    def count(self, rag: str) -> int:
        """The count for a RAG value ("blue", …) or "unrated"."""
        counts = {
            "blue": self.blue,
            "green": self.green,
            "amber": self.amber,
            "red": self.red,
            "unrated": self.unrated,
        }
        return counts[rag]


@dataclass(frozen=True)
class KpiTrend:
    """An indicator whose latest moves went the wrong way, and for how long."""

    reference: str
    title: str
    unit: str
    higher_is_better: bool
    wrong_moves: int  # consecutive wrong-way moves ending at the latest period
    latest_period: dt.date
    latest_value: float


@dataclass(frozen=True)
class MeetingRef:
    """A meeting as the dashboard names it."""

    meeting_id: str
    board_code: str
    board_name: str
    meeting_date: dt.date
    start_time: dt.time | None
    venue: str | None
    hybrid: bool


@dataclass(frozen=True)
class BoardCounts:
    """How many records of each kind the window loaded for the board."""

    themes: int
    actions: int
    risks: int
    kpis: int
    meetings: int


@dataclass(frozen=True)
class DashboardSummary:
    """Everything the dashboard shows, computed relative to `today`."""

    board_code: str
    board_name: str
    plan_title: str | None
    today: dt.date
    rag_key: tuple[RagKeyEntry, ...]
    themes: tuple[ThemeRag, ...]
    overdue_actions: int
    open_risks: int
    risks_above_target: int
    kpis_in_decline: tuple[KpiTrend, ...]
    next_meeting: MeetingRef | None
    counts: BoardCounts

    @property
    def all_themes(self) -> ThemeRag:
        """The plan-wide RAG totals, as one pseudo-theme numbered 0."""
        return ThemeRag(
            number=0,
            title="All themes",
            blue=sum(t.blue for t in self.themes),
            green=sum(t.green for t in self.themes),
            amber=sum(t.amber for t in self.themes),
            red=sum(t.red for t in self.themes),
            unrated=sum(t.unrated for t in self.themes),
        )


def default_board_context(session: Session, role: Role = Role.CHAIR) -> BoardContext | None:
    """The board to open on (OPAB if present, else the first by code), with its chair.

    There is no sign-in yet, so the window acts as the board's chair: the first
    chair membership that has not ended, by name — or, on the demo board
    (`boardpack --demo --as secretariat`), the first member holding `role`.

    Args:
        session: an open session.
        role: whose seat the window takes (the chair unless the demo asks otherwise).

    Returns:
        The context, or None when the database holds no board.
    """
    board = session.scalars(
        select(Board).order_by((Board.code != DEFAULT_BOARD_CODE), Board.code).limit(1)
    ).first()
    if board is None:
        return None
    return board_context(session, board.id, role)


def board_context(session: Session, board_id: str, role: Role = Role.CHAIR) -> BoardContext:
    """The context for one board: its latest plan and its chair (or first `role` holder).

    Args:
        session: an open session.
        board_id: the board's id.
        role: whose seat the window takes.

    Returns:
        The board, its most recently created plan (if any) and its chair (if any).
    """
    board = session.get_one(Board, board_id)
    plan = session.scalars(
        select(Plan).where(Plan.board_id == board_id).order_by(Plan.created_at.desc()).limit(1)
    ).first()
    chair = session.execute(
        select(Person.id, Person.name, Membership.position)
        .join(Membership, Membership.person_id == Person.id)
        .where(Membership.board_id == board_id, Membership.role == role)
        .order_by(Membership.end_date.is_not(None), Person.name)
        .limit(1)
    ).first()
    viewer = (
        Viewer(
            person_id=chair.id,
            name=chair.name,
            role=role.value,
            role_label=role.label,
            position=chair.position,
        )
        if chair is not None
        else None
    )
    return BoardContext(
        board_id=board.id,
        board_code=board.code,
        board_name=board.name,
        plan_id=plan.id if plan else None,
        plan_title=plan.title if plan else None,
        viewer=viewer,
    )


def rag_key(session: Session, plan_id: str | None) -> tuple[RagKeyEntry, ...]:
    """The plan's RAG scale in Blue, Green, Amber, Red order, with defaults filled in.

    Args:
        session: an open session.
        plan_id: the plan, or None for the defaults only.

    Returns:
        Four entries, one per RAG value.
    """
    defined: dict[Rag, RagDefinition] = {}
    if plan_id is not None:
        defined = {
            d.rag: d
            for d in session.scalars(
                select(RagDefinition).where(RagDefinition.plan_id == plan_id)
            ).all()
        }
    entries = []
    for rag, colour, meaning in DEFAULT_RAG_KEY:
        own = defined.get(rag)
        entries.append(
            RagKeyEntry(
                rag=rag.value,
                label=own.label if own else rag.label,
                meaning=own.meaning if own else meaning,
                colour=own.colour if own else colour,
            )
        )
    return tuple(entries)


def theme_rag_counts(session: Session, plan_id: str) -> tuple[ThemeRag, ...]:
    """Each theme of the plan, in number order, with its actions counted by RAG.

    Args:
        session: an open session.
        plan_id: the plan.

    Returns:
        One row per theme, themes without actions included (all zeros).
    """
    counts: dict[str, dict[Rag | None, int]] = defaultdict(dict)
    for theme_id, rag, n in session.execute(
        select(Action.theme_id, Action.rag, func.count(Action.id))
        .where(Action.plan_id == plan_id)
        .group_by(Action.theme_id, Action.rag)
    ):
        counts[theme_id][rag] = n
    rows = []
    for theme in session.scalars(
        select(Theme).where(Theme.plan_id == plan_id).order_by(Theme.number)
    ):
        c = counts.get(theme.id, {})
        rows.append(
            ThemeRag(
                number=theme.number,
                title=theme.title,
                blue=c.get(Rag.BLUE, 0),
                green=c.get(Rag.GREEN, 0),
                amber=c.get(Rag.AMBER, 0),
                red=c.get(Rag.RED, 0),
                unrated=c.get(None, 0),
            )
        )
    return tuple(rows)


def overdue_action_count(session: Session, plan_id: str, today: dt.date) -> int:
    """Actions past their due date and not Blue (an action with no RAG yet counts).

    Args:
        session: an open session.
        plan_id: the plan.
        today: the date "overdue" is measured against.

    Returns:
        The number of overdue actions.
    """
    return (
        session.scalar(
            select(func.count(Action.id)).where(
                Action.plan_id == plan_id,
                Action.due_date < today,
                or_(Action.rag.is_(None), Action.rag != Rag.BLUE),
            )
        )
        or 0
    )


def risk_counts(session: Session, plan_id: str) -> tuple[int, int]:
    """Open risks, and open risks whose current score is above their target score.

    Args:
        session: an open session.
        plan_id: the plan.

    Returns:
        (open risks, open risks above target).
    """
    above = Risk.likelihood * Risk.impact > Risk.target_likelihood * Risk.target_impact
    row = session.execute(
        select(func.count(Risk.id), func.coalesce(func.sum(case((above, 1), else_=0)), 0)).where(
            Risk.plan_id == plan_id, Risk.status == RiskStatus.OPEN
        )
    ).one()
    return int(row[0]), int(row[1])


def kpis_in_sustained_decline(
    session: Session, plan_id: str, *, min_moves: int = SUSTAINED_DECLINE_MOVES
) -> tuple[KpiTrend, ...]:
    """The plan's indicators whose last `min_moves` or more moves each went the wrong way.

    Args:
        session: an open session.
        plan_id: the plan.
        min_moves: the run length that counts as sustained.

    Returns:
        The declining indicators, longest decline first, then by reference.
    """
    kpis = {k.id: k for k in session.scalars(select(Kpi).where(Kpi.plan_id == plan_id))}
    series: dict[str, list[tuple[dt.date, float]]] = defaultdict(list)
    for kpi_id, period, value in session.execute(
        select(KpiValue.kpi_id, KpiValue.period, KpiValue.value)
        .join(Kpi, Kpi.id == KpiValue.kpi_id)
        .where(Kpi.plan_id == plan_id)
        .order_by(KpiValue.kpi_id, KpiValue.period)
    ):
        series[kpi_id].append((period, value))
    trends = []
    for kpi_id, points in series.items():
        kpi = kpis[kpi_id]
        streak = wrong_way_streak([v for _, v in points], kpi.polarity)
        if streak >= min_moves:
            trends.append(
                KpiTrend(
                    reference=kpi.reference,
                    title=kpi.title,
                    unit=kpi.unit,
                    higher_is_better=kpi.polarity is Polarity.HIGHER_IS_BETTER,
                    wrong_moves=streak,
                    latest_period=points[-1][0],
                    latest_value=points[-1][1],
                )
            )
    trends.sort(key=lambda t: (-t.wrong_moves, t.reference))
    return tuple(trends)


def next_planned_meeting(session: Session, board_id: str) -> MeetingRef | None:
    """The board's earliest meeting still marked planned (its date may have passed).

    Args:
        session: an open session.
        board_id: the board.

    Returns:
        The meeting, or None when none is planned.
    """
    row = session.execute(
        select(Meeting, Board.code, Board.name)
        .join(Board, Board.id == Meeting.board_id)
        .where(Meeting.board_id == board_id, Meeting.status == MeetingStatus.PLANNED)
        .order_by(Meeting.meeting_date, Meeting.start_time)
        .limit(1)
    ).first()
    if row is None:
        return None
    meeting, code, name = row
    return MeetingRef(
        meeting_id=meeting.id,
        board_code=code,
        board_name=name,
        meeting_date=meeting.meeting_date,
        start_time=meeting.start_time,
        venue=meeting.venue,
        hybrid=meeting.hybrid,
    )


def board_counts(session: Session, board_id: str, plan_id: str | None) -> BoardCounts:
    """How many themes, actions, risks, indicators and meetings the board holds.

    Args:
        session: an open session.
        board_id: the board.
        plan_id: its plan, or None.

    Returns:
        The counts (plan-level ones are zero without a plan).
    """
    meetings = session.scalar(select(func.count(Meeting.id)).where(Meeting.board_id == board_id))
    if plan_id is None:
        return BoardCounts(themes=0, actions=0, risks=0, kpis=0, meetings=meetings or 0)
    return BoardCounts(
        themes=session.scalar(select(func.count(Theme.id)).where(Theme.plan_id == plan_id)) or 0,
        actions=session.scalar(select(func.count(Action.id)).where(Action.plan_id == plan_id)) or 0,
        risks=session.scalar(select(func.count(Risk.id)).where(Risk.plan_id == plan_id)) or 0,
        kpis=session.scalar(select(func.count(Kpi.id)).where(Kpi.plan_id == plan_id)) or 0,
        meetings=meetings or 0,
    )


def load_dashboard(session: Session, context: BoardContext, today: dt.date) -> DashboardSummary:
    """All the dashboard's figures for the board, relative to `today`.

    Args:
        session: an open session.
        context: the board (and plan) the window is open on.
        today: the date overdue actions are measured against.

    Returns:
        The summary; plan-level figures are empty when the board has no plan.
    """
    plan_id = context.plan_id
    if plan_id is None:
        themes: tuple[ThemeRag, ...] = ()
        overdue = open_risks = above = 0
        declining: tuple[KpiTrend, ...] = ()
    else:
        themes = theme_rag_counts(session, plan_id)
        overdue = overdue_action_count(session, plan_id, today)
        open_risks, above = risk_counts(session, plan_id)
        declining = kpis_in_sustained_decline(session, plan_id)
    return DashboardSummary(
        board_code=context.board_code,
        board_name=context.board_name,
        plan_title=context.plan_title,
        today=today,
        rag_key=rag_key(session, plan_id),
        themes=themes,
        overdue_actions=overdue,
        open_risks=open_risks,
        risks_above_target=above,
        kpis_in_decline=declining,
        next_meeting=next_planned_meeting(session, context.board_id),
        counts=board_counts(session, context.board_id, plan_id),
    )
