"""Pure domain rules that need no database: small functions over plain values.

Kept apart from the queries so each rule is stated once, unit-tested on its
own, and shared by every face (dashboard, CLI, exports). First resident: the
Select Committee's "sustained downward trend" for performance indicators — an
indicator whose last three or more period-to-period moves each went the wrong
way for its polarity. A flat move is not a wrong move, so it ends a run.
Also here: the plan's Blue gate (Blue only with evidence the board has accepted)
and what makes an action overdue; and for meetings, the quorum (a fraction of
the voting members rounded up, and the chair rule), the Schedule 12A paragraphs
with the exclusion resolution drafted for an exempt item, and decision numbers
("OPAB 19/07") with which of two decisions sharing one offline keeps it.
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


# -- Meetings ----------------------------------------------------------------------------

#: Schedule 12A to the Local Government Act 1972, Part 1: the descriptions of exempt
#: information an item may rely on (paragraph number -> description).
SCHEDULE_12A_PARAGRAPHS: dict[int, str] = {
    1: "information relating to any individual",
    2: "information which is likely to reveal the identity of an individual",
    3: (
        "information relating to the financial or business affairs of any particular "
        "person (including the authority holding that information)"
    ),
    4: (
        "information relating to any consultations or negotiations, or contemplated "
        "consultations or negotiations, in connection with any labour relations matter "
        "arising between the authority or a Minister of the Crown and employees of, or "
        "office holders under, the authority"
    ),
    5: (
        "information in respect of which a claim to legal professional privilege could "
        "be maintained in legal proceedings"
    ),
    6: (
        "information which reveals that the authority proposes to give under any enactment "
        "a notice under or by virtue of which requirements are imposed on a person, or to "
        "make an order or direction under any enactment"
    ),
    7: (
        "information relating to any action taken or to be taken in connection with the "
        "prevention, investigation or prosecution of crime"
    ),
}


def schedule_12a_paragraph(paragraph: int) -> str:
    """The description of one paragraph of Schedule 12A (1–7).

    Raises:
        ValueError: a paragraph outside 1–7.
    """
    try:
        return SCHEDULE_12A_PARAGRAPHS[paragraph]
    except KeyError:
        raise ValueError(
            f"Schedule 12A has paragraphs 1 to 7 of exempt information, not {paragraph}"
        ) from None


def exclusion_resolution(paragraph: int) -> str:
    """The resolution excluding the press and public for an exempt item.

    The wording councils use under section 100A(4) of the Local Government Act
    1972, citing the paragraph of Part 1 of Schedule 12A relied on and the
    public interest test.

    Args:
        paragraph: the paragraph of Schedule 12A (1–7).

    Returns:
        The resolution, one paragraph of text.

    Raises:
        ValueError: a paragraph outside 1–7.
    """
    description = schedule_12a_paragraph(paragraph)
    return (
        "That under section 100A(4) of the Local Government Act 1972 the press and public be "
        "excluded from the meeting for the following item of business on the grounds that it "
        "involves the likely disclosure of exempt information as defined in paragraph "
        f"{paragraph} of Part 1 of Schedule 12A to the Act ({description}), and that in all "
        "the circumstances of the case the public interest in maintaining the exemption "
        "outweighs the public interest in disclosing the information."
    )


def quorum_required(fraction: float, voting_members: int) -> int:
    """How many voting members make a quorum: the fraction of the voting members, rounded up.

    A board of nine with a third needs three (not four: 9 × ⅓ is 3.0000000000000004
    in floating point, so a hair is taken off before rounding up). Never fewer than one.

    Args:
        fraction: the board's quorum fraction (0 < fraction ≤ 1).
        voting_members: how many voting members the board has.

    Returns:
        The number of voting members who must be present.
    """
    return max(1, math.ceil(fraction * voting_members - 1e-9))


def is_quorate(
    present_voting: int, required: int, *, chair_present: bool, needs_chair: bool
) -> bool:
    """Whether a meeting is quorate: enough voting members, and the chair rule if the board has it.

    Args:
        present_voting: voting members present (at the item in question).
        required: `quorum_required` for the board.
        chair_present: whether the chair or a vice-chair is among them.
        needs_chair: whether the board's quorum needs the chair or vice-chair present.
    """
    return present_voting >= required and (chair_present or not needs_chair)


def decision_number(board_code: str, year: int, seq: int) -> str:
    """A decision's number: board code, two-digit year, sequence within the year ("OPAB 19/07").

    Args:
        board_code: the board's code ("OPAB").
        year: the calendar year of the meeting (2019).
        seq: the decision's place in the board's year, from 1.
    """
    return f"{board_code} {year % 100:02d}/{seq:02d}"


def takes_number_first(recorded_at: dt.datetime, decision_id: str) -> tuple[dt.datetime, str]:
    """The order in which decisions sharing a number took it: the first keeps the number.

    Two laptops offline can take the same number. The one recorded first keeps
    it and the later ones are renumbered; equal times fall back to the id. Both
    are values every replica holds alike (the change log's clocks are not: a
    laptop started from a snapshot has no log of older rows), so every replica
    makes the same choice.

    Args:
        recorded_at: when the decision took the number (timezone-aware UTC).
        decision_id: the decision's id.
    """
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.replace(tzinfo=dt.UTC)
    return recorded_at, decision_id
