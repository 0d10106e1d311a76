"""Pure domain rules that need no database: small functions over plain values.

Kept apart from the queries so each rule is stated once, unit-tested on its
own, and shared by every face (dashboard, CLI, exports). First resident: the
Select Committee's "sustained downward trend" for performance indicators — an
indicator whose last three or more period-to-period moves each went the wrong
way for its polarity. A flat move is not a wrong move, so it ends a run.
Also here: the plan's Blue gate (Blue only with evidence the board has accepted)
and what makes an action overdue.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from db.models.kpis import Polarity

#: How many consecutive wrong-way moves make a trend "sustained".
SUSTAINED_DECLINE_MOVES = 3


def is_wrong_move(previous: float, current: float, polarity: Polarity) -> bool:
    """Whether going from `previous` to `current` is worse for an indicator of this polarity.

    Args:
        previous: the earlier period's value.
        current: the next period's value.
        polarity: which way is better for the indicator.

    Returns:
        True for a strict move the wrong way; False for a better or flat move.
    """
    if math.isclose(previous, current, rel_tol=1e-9, abs_tol=1e-12):
        return False
    if polarity is Polarity.HIGHER_IS_BETTER:
        return current < previous
    return current > previous


def wrong_way_streak(values: Sequence[float], polarity: Polarity) -> int:
    """How many of the latest period-to-period moves, counted back from the newest, went wrong.

    Args:
        values: the indicator's values in period order, oldest first.
        polarity: which way is better for the indicator.

    Returns:
        The length of the unbroken run of wrong-way moves ending at the newest
        value (0 when the newest move was better or flat, or fewer than two values).
    """
    streak = 0
    for index in range(len(values) - 1, 0, -1):
        if not is_wrong_move(values[index - 1], values[index], polarity):
            break
        streak += 1
    return streak


def in_sustained_decline(
    values: Sequence[float],
    polarity: Polarity,
    *,
    min_moves: int = SUSTAINED_DECLINE_MOVES,
) -> bool:
    """Whether the indicator's last `min_moves` or more moves all went the wrong way.

    Args:
        values: the indicator's values in period order, oldest first.
        polarity: which way is better for the indicator.
        min_moves: the run length that counts as sustained (three by default).

    Returns:
        True when the trailing run of wrong-way moves is at least `min_moves` long.
    """
    return wrong_way_streak(values, polarity) >= min_moves


@dataclass(frozen=True)
class BandSpec:
    """A risk scoring band: scores from `min_score` to `max_score` inclusive."""

    label: str
    min_score: int
    max_score: int
    colour: str


# The conventional bands (DOMAIN.md, Risks), used when a plan has none of its own.
DEFAULT_RISK_BANDS = (
    BandSpec("Low", 1, 4, "#2e7d32"),
    BandSpec("Medium", 5, 9, "#f9a825"),
    BandSpec("High", 10, 16, "#ef6c00"),
    BandSpec("Very high", 17, 25, "#c62828"),
)


def band_for(score: int, bands: Sequence[BandSpec] = DEFAULT_RISK_BANDS) -> BandSpec | None:
    """The band a likelihood × impact score falls in, if any."""
    return next((b for b in bands if b.min_score <= score <= b.max_score), None)


# -- Plan actions ------------------------------------------------------------------------

#: Why Blue is refused to an action without accepted evidence (DOMAIN.md, The plan).
BLUE_NEEDS_ACCEPTED_EVIDENCE = (
    "an action goes Blue only once the board has accepted evidence that it is done"
)


def can_go_blue(accepted_evidence_count: int) -> bool:
    """Whether an action may be rated Blue: only with evidence the board has accepted.

    Args:
        accepted_evidence_count: how many of the action's pieces of evidence
            have "accepted" as their latest review.

    Returns:
        True when at least one piece of evidence stands accepted.
    """
    return accepted_evidence_count > 0


def is_overdue(due_date: dt.date | None, rag: str | None, today: dt.date) -> bool:
    """Whether an action is overdue: its due date has passed and it is not Blue.

    Args:
        due_date: the action's due date (None: no date, never overdue).
        rag: the action's RAG value ("blue", "green", …) or None when unrated.
        today: the date "overdue" is measured against (an action due today is not).

    Returns:
        True for an action past its due date that is not complete.
    """
    return due_date is not None and due_date < today and rag != "blue"
