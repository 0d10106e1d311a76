"""The text form of a row's field clocks (`row_clock.clocks`), written compactly.

A row's clocks map each field to the (HLC, site, …) of its current value; the
tombstone ("~") and freeze ("!") marks are entries of the same map. Most fields
of a row share one clock — every field of an insert, every field of an update —
so the map was spelt with a 36-character site id per field: 825 bytes a row on
the bench board, four rows to a page, and applying a pulled batch spent a
quarter of its time encoding, decoding and writing them.

Written now as groups, one per distinct clock, each the clock followed by its
fields' names: `[[hlc, site, ["a", "b"]], [hlc2, site, user, ["notes"]]]`. The
names are sorted within a group and the groups by their first name, so equal
maps give equal text on every replica (tests compare clock tables as text).
Reading accepts the earlier JSON object too. A central store keeps writing that
form (`encode_earlier`): a laptop on an older app copies a central store's clocks
as they are when it first syncs, and reads them with its own code.
"""

from __future__ import annotations

import json
from typing import Any

_ENCODE = json.JSONEncoder(separators=(",", ":")).encode
_ENCODE_EARLIER = json.JSONEncoder(sort_keys=True).encode
_DECODE = json.JSONDecoder().decode


def encode(clocks: dict[str, list[Any]]) -> str:
    """The stored text of a row's clocks (see the module docstring)."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    last: list[Any] | None = None
    names: list[str] = []
    for name, clock in clocks.items():
        if clock is last:  # fields of one change share one list: no key to make
            names.append(name)
            continue
        last = clock
        key = tuple(clock)
        found = groups.get(key)
        if found is None:
            names = groups[key] = [name]
        else:
            names = found
            names.append(name)
    out = []
    for key, names in groups.items():
        names.sort()
        out.append([*key, names])
    if len(out) > 1:
        out.sort(key=_first_name)
    return _ENCODE(out)


def encode_earlier(clocks: dict[str, list[Any]]) -> str:
    """The earlier text form, a JSON object by field (as every app version reads it)."""
    return _ENCODE_EARLIER(clocks)


def decode(text: str) -> dict[str, list[Any]]:
    """A row's clocks from their stored text (the grouped form, or the earlier object).

    The fields of a group share one list: replace a field's clock, never change
    the list in place.
    """
    data = _DECODE(text)
    if isinstance(data, dict):
        return data
    if len(data) == 1:
        group = data[0]
        return dict.fromkeys(group[-1], group[:-1])
    clocks: dict[str, list[Any]] = {}
    for group in data:
        clocks.update(dict.fromkeys(group[-1], group[:-1]))
    return clocks


def _first_name(group: list[Any]) -> str:
    return str(group[-1][0])
