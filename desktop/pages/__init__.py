"""The main window's pages, one module each, and the list that names them.

`PAGE_SPECS` is the single place that says which pages exist, in which order
(so Ctrl+1 … Ctrl+7 follow it), what the navigation calls them, and — for a
page not built yet — the honest sentence its placeholder shows. The window,
the navigation, the shortcuts and the screenshot tool all read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    """One page of the main window."""

    key: str  # stable identifier: "dashboard", "plan", …
    title: str  # navigation label and page heading
    description: str  # what the page is for, in the board's words
    arrives: str | None = None  # for a placeholder: when the real page arrives


PAGE_SPECS: tuple[PageSpec, ...] = (
    PageSpec(
        "dashboard",
        "Dashboard",
        "The board's position at a glance: RAG by theme, overdue actions, risks above "
        "target, indicators in sustained decline and the next meeting.",
    ),
    PageSpec(
        "plan",
        "Plan",
        "The improvement plan's themes and actions, with owners, due dates, RAG history "
        "and the recommendations each action answers.",
        "arrives with the Browse issue",
    ),
    PageSpec(
        "risks",
        "Risks",
        "The risk register: mitigation, owner, current and target scores on the 5×5 heat "
        "map, and each review.",
        "arrives in a later issue",
    ),
    PageSpec(
        "performance",
        "Performance",
        "Performance indicators month by month against target and the national and "
        "regional benchmarks, with the service's narrative on sustained declines.",
        "arrives in a later issue",
    ),
    PageSpec(
        "meetings",
        "Meetings",
        "Meetings of the board: agenda, attendance and quorum, decisions and actions "
        "arising — and running the meeting from this laptop.",
        "arrives in a later issue",
    ),
    PageSpec(
        "papers",
        "Papers",
        "The board pack's papers, with members' private notes and highlights and the "
        "questions prepared before the meeting.",
        "arrives in a later issue",
    ),
    PageSpec(
        "minutes",
        "Minutes",
        "Minutes from draft to circulated, approved and signed, and the full, public and "
        "action-log exports.",
        "arrives in a later issue",
    ),
    PageSpec(
        "audit",
        "Audit log",
        "Every change to the board's records — who, when, what, before and after — with "
        "the check that none was altered, and this laptop's backups.",
    ),
)

PAGE_KEYS: tuple[str, ...] = tuple(spec.key for spec in PAGE_SPECS)

# The module and class of each built page. A page whose module does not exist yet
# shows its placeholder, so a page is added by creating its module, nothing else.
# Named as text so that a module is imported only when the window first builds its
# page (`page_class`, called from `MainWindow.page`), not at start.
PAGE_CLASSES: dict[str, str] = {
    "plan": "desktop.pages.plan:PlanPage",
    "risks": "desktop.pages.risks:RisksPage",
    "performance": "desktop.pages.performance:PerformancePage",
    "meetings": "desktop.pages.meetings:MeetingsPage",
    "papers": "desktop.pages.papers:PapersPage",
    "minutes": "desktop.pages.minutes:MinutesPage",
    "audit": "desktop.pages.audit:AuditPage",
}


def page_class(key: str) -> type | None:
    """The class of page `key` if its module exists yet, else None (placeholder)."""
    import importlib
    import importlib.util

    target = PAGE_CLASSES.get(key)
    if target is None:
        return None
    module_name, _, class_name = target.partition(":")
    if importlib.util.find_spec(module_name) is None:
        return None
    cls: type = getattr(importlib.import_module(module_name), class_name)
    return cls


def page_spec(key: str) -> PageSpec:
    """The spec of the page called `key` (KeyError for an unknown key)."""
    for spec in PAGE_SPECS:
        if spec.key == key:
            return spec
    raise KeyError(key)
