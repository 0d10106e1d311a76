"""The current item's record beside the notes: interests declared, decisions, actions arising.

On the action-log standing item it also lists the board's open actions
arising from earlier meetings (`db.services.decisions.action_log`), overdue
ones marked in words, so the chair can review them and close the done ones
(Ctrl+L on the list, with a closing note). Shows frozen rows only; the
cockpit does the writes.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from desktop.pages.meetings_models import DecisionModel
from widgets.page_parts import heading, read_only_table
from widgets.row_model import Column, RowTableModel


def action_log_columns() -> list[Column[Any]]:
    return [
        Column("Ref", lambda r: r.ref),
        Column("Action", lambda r: r.text, tooltip=lambda r: r.text),
        Column("Owner", lambda r: r.owner_name or ""),
        Column(
            "Due",
            lambda r: (
                (f"{r.due_date:%d %b %Y}" if r.due_date else "")
                + (" — OVERDUE" if r.overdue else "")
            ),
            sort_key=lambda r: r.due_date,
            bold=lambda r: bool(r.overdue),
        ),
    ]


class ActionLogModel(RowTableModel[Any]):
    """The board's open actions arising: ref, text, owner, due (overdue said in words)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(action_log_columns(), parent)


class RecordPanel(QWidget):
    """Interests, decisions and actions arising of the item on screen (and the action log)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: Set by the cockpit: close the chosen action arising of the log.
        self.on_close_action: Callable[[Any], object] = lambda _row: None
        self.interests = QLabel("")
        self.interests.setObjectName("cockpitInterests")
        self.interests.setWordWrap(True)
        self.interests.setTextFormat(Qt.TextFormat.RichText)
        self.decisions_model = DecisionModel(self)
        self.decisions = read_only_table(
            "cockpitDecisions", "Decisions on this item", "Latest version of each decision."
        )
        self.decisions.setModel(self.decisions_model)
        header = self.decisions.horizontalHeader()
        header.setStretchLastSection(False)
        self.decisions.setColumnWidth(0, 96)
        self.decisions.setColumnWidth(1, 74)
        self.decisions.setColumnHidden(3, True)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.actions_label = QLabel("")
        self.actions_label.setObjectName("cockpitActions")
        self.actions_label.setWordWrap(True)
        self.actions_label.setTextFormat(Qt.TextFormat.RichText)
        self.log_heading = heading("Action log: open actions (Ctrl+L closes the chosen one)", 1.0)
        self.log_model = ActionLogModel(self)
        self.log = read_only_table(
            "cockpitActionLog",
            "Action log",
            "The board's open actions arising. Ctrl+L closes the chosen one with a note.",
        )
        self.log.setModel(self.log_model)
        self.log.setColumnWidth(0, 44)
        self.log.setColumnWidth(2, 120)
        self.log.setColumnWidth(3, 150)
        self.log.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        close = QShortcut(QKeySequence("Ctrl+L"), self.log)
        close.setContext(Qt.ShortcutContext.WidgetShortcut)
        close.activated.connect(self._close_chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Interests declared", 1.0))
        layout.addWidget(self.interests)
        layout.addWidget(heading("Decisions", 1.0))
        layout.addWidget(self.decisions, 1)
        layout.addWidget(heading("Actions arising", 1.0))
        layout.addWidget(self.actions_label)
        layout.addWidget(self.log_heading)
        layout.addWidget(self.log, 2)
        self.show_log(None)

    def clear(self) -> None:
        self.interests.setText("")
        self.decisions_model.set_rows(())
        self.actions_label.setText("")
        self.show_log(None)

    def show_item(self, view: Any, item: Any) -> None:
        self._show_interests(view, item)
        self.decisions_model.set_rows([d for d in view.decisions if d.item_id == item.item_id])
        self.decisions.resizeRowsToContents()
        actions = [a for a in view.actions_arising if a.item_id == item.item_id]
        if actions:
            self.actions_label.setText(
                "<br>".join(
                    f"{html.escape(a.text)} — <b>{html.escape(a.owner_name or 'no owner')}</b>"
                    + (f", due {a.due_date:%d %b %Y}" if a.due_date else "")
                    for a in actions
                )
            )
        else:
            self.actions_label.setText("<i>None yet (Ctrl+T adds one).</i>")

    def show_log(self, rows: Sequence[Any] | None) -> None:
        """The open action log (None: hidden, the item is not the action log)."""
        self.log_heading.setVisible(rows is not None)
        self.log.setVisible(rows is not None)
        self.log_model.set_rows(rows or ())
        if rows:
            self.log.resizeRowsToContents()
            self.log.setCurrentIndex(self.log_model.index(0, 0))

    def _close_chosen(self) -> None:
        index = self.log.currentIndex()
        if index.isValid():
            self.on_close_action(self.log_model.row(index.row()))

    def _show_interests(self, view: Any, item: Any) -> None:
        rows = [d for d in view.declarations if d.item_id in (item.item_id, None)]
        if not rows:
            self.interests.setText("<i>No interest declared for this item.</i>")
            self.interests.setAccessibleName("No interest declared for this item.")
            return
        lines = []
        for d in rows:
            scope = "" if d.item_id else " (whole meeting)"
            action = f" — {html.escape(d.action_taken)}" if d.action_taken else ""
            lines.append(
                f"<b>{html.escape(d.person_name)}</b>{scope}: {html.escape(d.interest)}{action}"
            )
        self.interests.setText("<br>".join(lines))
        self.interests.setAccessibleName(
            "Interests declared: " + "; ".join(f"{d.person_name}: {d.interest}" for d in rows)
        )
