"""Item models of the Minutes page: a meeting's minutes versions, and a version's sections.

Both are read-only `RowTableModel`s over frozen rows (`db.minutes.VersionInfo`,
`db.minutes.MinutesItem`); the page swaps their rows after each read, so what
they show is always what was committed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QObject

from widgets.row_model import CENTRE, Column, RowTableModel


def when(moment: dt.datetime | None) -> str:
    """'5 Nov 2019 14:02' in local time ('' for none)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"


def short_hash(digest: str | None) -> str:
    return f"{digest[:12]}…" if digest else ""


def version_label(row: Any) -> str:
    return f"v{row.version}" + (" (correction)" if row.supersedes_id else "")


def signed_text(row: Any) -> str:
    if not row.signed_by:
        return ""
    return f"{row.signed_by}, {when(row.signed_at)}"


def version_columns() -> list[Column[Any]]:
    return [
        Column("Version", version_label, sort_key=lambda r: r.version, bold=lambda _r: True),
        Column("Status", lambda r: r.status_label),
        Column("Circulated", lambda r: when(r.circulated_at), sort_key=lambda r: r.circulated_at),
        Column("Approved", lambda r: r.approved_by or "", tooltip=lambda r: when(r.approved_at)),
        Column("Signed", signed_text, sort_key=lambda r: r.signed_at),
        Column(
            "Record hash",
            lambda r: short_hash(r.content_hash),
            tooltip=lambda r: f"SHA-256 {r.content_hash}" if r.content_hash else None,
            spoken=lambda r: (
                f"Record hash: {r.content_hash}" if r.content_hash else "Record hash: not signed"
            ),
            header_tooltip="The SHA-256 of the signed text, recorded when the chair signed.",
        ),
    ]


class VersionListModel(RowTableModel[Any]):
    """A meeting's minutes versions, oldest first: status, approval, signature, hash."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(version_columns(), parent)


def section_label(item: Any) -> str:
    marks = []
    if item.exempt:
        marks.append(f"exempt, para {item.exempt_paragraph}" if item.exempt_paragraph else "exempt")
    if item.decisions:
        count = len(item.decisions)
        marks.append(f"{count} decision{'s' if count != 1 else ''}")
    return str(item.title) + (f" ({'; '.join(marks)})" if marks else "")


def section_columns() -> list[Column[Any]]:
    return [
        Column("No.", lambda r: str(r.number), sort_key=lambda r: r.number, align=CENTRE),
        Column(
            "Item",
            section_label,
            tooltip=lambda r: r.minutes[:300] or "No summary of discussion yet.",
        ),
    ]


class SectionListModel(RowTableModel[Any]):
    """A version's items in order: number and title, exempt and decision counts marked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(section_columns(), parent)
