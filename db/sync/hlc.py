"""The hybrid logical clock: 48 bits of wall milliseconds, 16 bits of counter.

A change's clock is `max(last + 1, wall_ms << 16)`: it follows the wall clock
when the wall clock moves forward, and keeps counting when it stands still or
steps backwards (a laptop whose clock was corrected), so clocks never repeat
or go back on one install. On every pull the local clock jumps to at least the
largest clock seen, so a change made after seeing another always sorts after
it, whatever the two laptops' wall clocks say. Ties between sites break on the
site id. The capture triggers compute the same formula in SQL (`capture.py`);
these functions are the Python twin for the sync engine and the tests.
"""

from __future__ import annotations

import time
from typing import NamedTuple

COUNTER_BITS = 16


class Stamp(NamedTuple):
    """A change's position in the merge order: clock, then site."""

    hlc: int
    site: str


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def next_hlc(last: int, now_ms: int) -> int:
    """The clock of a new local event after `last`, at wall time `now_ms`."""
    return max(last + 1, now_ms << COUNTER_BITS)


def merge_hlc(local: int, seen: int) -> int:
    """The local clock after seeing a remote clock (pull)."""
    return max(local, seen)


def physical_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


def counter(hlc: int) -> int:
    return hlc & ((1 << COUNTER_BITS) - 1)
