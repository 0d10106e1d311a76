"""The audit log as a table model: one row per audit event, newest first.

A `widgets.row_model.RowTableModel` over the frozen `db.services.audit.AuditRow`
tuples: when (local time), who, what was done, to which record, which fields.
The Audit log page (`desktop.pages.audit`) filters and shows it.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject

from db.services.audit import AuditRow
from widgets.row_model import Column, RowTableModel

OPS = {"insert": "Created", "update": "Changed", "delete": "Deleted"}
WHEN, WHO, WHAT, RECORD, FIELDS = range(5)


def local_time(at: dt.datetime) -> str:
    return at.astimezone().strftime("%d %b %Y %H:%M:%S")


def record_text(row: AuditRow) -> str:
    return f"{row.table_name.replace('_', ' ')} {row.row_id[:8]}"


def audit_columns() -> list[Column[AuditRow]]:
    return [
        Column(
            "When",
            lambda r: local_time(r.at),
            sort_key=lambda r: (r.at, r.chain_seq or 0),
            spoken=lambda r: f"At {local_time(r.at)}",
        ),
        Column("Who", lambda r: r.actor_name),
        Column("What", lambda r: OPS.get(r.op, r.op)),
        Column(
            "Record",
            record_text,
            tooltip=lambda r: f"{r.table_name} {r.row_id}",
            spoken=lambda r: f"Record: {r.table_name.replace('_', ' ')} {r.row_id}",
        ),
        Column(
            "Fields",
            lambda r: ", ".join(r.fields),
            tooltip=lambda r: ", ".join(r.fields),
            header_tooltip="The fields the change set (all of them for a new record)",
        ),
    ]


class AuditModel(RowTableModel[AuditRow]):
    """Audit events, newest first until the user sorts."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(audit_columns(), parent)
