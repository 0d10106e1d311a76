"""What every page is given, and the small protocol pages follow.

A page gets a `PageEnv` once the database is open: the database, the board it
shows, "today", who is acting, and two callbacks — `navigate(key, filter)` to
send the user to another page with a filter applied (the dashboard's numbers
click through this way), and `announce(topic)` to tell the other pages that it
wrote something ("plan", "risks", "kpis", …), so each refreshes only if it
cares (CONVENTIONS.md: announce changes, don't repaint blindly). Pages read
through `db/` view functions returning frozen dataclasses; no page keeps a
session open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from db.store import Database
    from db.views import BoardContext

Filter = Mapping[str, Any]


@dataclass(frozen=True)
class PageEnv:
    database: Database
    context: BoardContext
    today: dt.date
    actor_id: str | None
    navigate: Callable[[str, Filter | None], None]
    announce: Callable[[str], None]


@runtime_checkable
class BoardPage(Protocol):
    """A page that shows the board's data (placeholders and the dashboard need not)."""

    def attach(self, env: PageEnv) -> None:
        """Start showing the board described by `env` (called again on reload)."""

    def apply_filter(self, spec: Filter) -> None:
        """Show the rows matching `spec` (keys the page documents; unknown keys ignored)."""

    def on_changed(self, topic: str) -> None:
        """Something was written elsewhere; refresh if `topic` concerns this page."""
