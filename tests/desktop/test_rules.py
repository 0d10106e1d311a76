"""The sustained-decline rule for indicators (db.rules), polarity by polarity."""

from __future__ import annotations

import pytest

from db.models import Polarity
from db.rules import in_sustained_decline, is_wrong_move, wrong_way_streak

UP = Polarity.HIGHER_IS_BETTER
DOWN = Polarity.LOWER_IS_BETTER


@pytest.mark.parametrize(
    ("previous", "current", "polarity", "wrong"),
    [
        (50.0, 40.0, UP, True),
        (40.0, 50.0, UP, False),
        (40.0, 50.0, DOWN, True),
        (50.0, 40.0, DOWN, False),
        (40.0, 40.0, UP, False),
        (40.0, 40.0, DOWN, False),
        (0.1 + 0.2, 0.3, DOWN, False),  # float noise is flat, not a move
    ],
)
def test_wrong_move_follows_polarity(
    previous: float, current: float, polarity: Polarity, wrong: bool
) -> None:
    assert is_wrong_move(previous, current, polarity) is wrong


def test_three_falls_of_a_higher_is_better_indicator_are_sustained() -> None:
    assert wrong_way_streak([60, 58, 55, 52], UP) == 3
    assert in_sustained_decline([60, 58, 55, 52], UP)


def test_three_rises_of_a_lower_is_better_indicator_are_sustained() -> None:
    assert in_sustained_decline([5, 6, 7, 8], DOWN)


def test_the_same_series_is_improving_under_the_other_polarity() -> None:
    assert wrong_way_streak([60, 58, 55, 52], DOWN) == 0
    assert not in_sustained_decline([5, 6, 7, 8], UP)


def test_two_moves_are_not_sustained() -> None:
    assert wrong_way_streak([10, 12, 14], DOWN) == 2
    assert not in_sustained_decline([10, 12, 14], DOWN)


def test_a_flat_move_is_not_wrong_and_breaks_the_run() -> None:
    assert not in_sustained_decline([10, 11, 12, 12, 13], DOWN)
    assert wrong_way_streak([10, 11, 12, 12, 13], DOWN) == 1
    assert wrong_way_streak([10, 11, 12, 13, 13], DOWN) == 0


def test_only_the_latest_run_counts() -> None:
    # Four bad months, then one better month: the decline is over.
    assert not in_sustained_decline([9, 8, 7, 6, 5, 6], UP)
    # An earlier improvement does not cancel a latest run of three.
    assert in_sustained_decline([1, 9, 8, 7, 6], UP)


def test_longer_runs_count_fully() -> None:
    assert wrong_way_streak([1, 2, 3, 4, 5, 6, 7], DOWN) == 6


@pytest.mark.parametrize("values", [[], [5.0], [5.0, 4.0]])
def test_short_series_are_never_sustained(values: list[float]) -> None:
    assert not in_sustained_decline(values, UP)


def test_threshold_is_a_parameter() -> None:
    assert in_sustained_decline([10, 12, 14], DOWN, min_moves=2)
    assert not in_sustained_decline([5, 6, 7, 8], DOWN, min_moves=5)
