"""Editing minutes section by section: each item's summary of discussion, saved as the clerk types.

Why saved as you type rather than a Save button: the clerk writes minutes the
way they write meeting notes in meeting mode — long passages, moving between
items, interrupted by calls — and a draft that forgets an unsaved paragraph
because they clicked another item or the laptop went to sleep costs far more
than an extra write. So, as in meeting mode, the first unsaved keystroke
starts a one-second timer that later keystrokes do not restart; whatever is
typed when it fires is written (`SectionAutosave`). Leaving the section, the
version or the page, and every lifecycle button, writes at once; Ctrl+S does
too, for the clerk who likes to press it. The line under the text always says
whether everything is saved.

A refusal (say the chair approved the version meanwhile) is not retried in a
loop: the text stays pending, the line says why in one sentence, and the page
shows it once in a dialog.

Decisions, votes and actions arising are shown beside the text, read-only:
they are the record of fact and edits never change them (`db.minutes`
checks this too, when the minutes are circulated and signed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.minutes.models import SectionListModel
from widgets.page_parts import fit_rows, fixed_columns, heading, muted, read_only_table

if TYPE_CHECKING:
    from db.minutes import MinutesDoc, MinutesItem

#: Milliseconds from the first unsaved keystroke to the write.
SAVE_INTERVAL_MS = 1000


@dataclass(frozen=True)
class PendingSection:
    version_id: str
    key: str  # "item:5"
    text: str


class SectionAutosave(QObject):
    """Writes typed section text through `save` within `interval_ms` of the first keystroke.

    Args:
        save: writes one section and commits; returns None or why it was refused.
        interval_ms: the longest an edit waits before it is written.
    """

    saved = Signal()
    failed = Signal(str)

    def __init__(
        self,
        save: Callable[[PendingSection], str | None],
        interval_ms: int = SAVE_INTERVAL_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._pending: dict[tuple[str, str], PendingSection] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self.problem: str | None = None

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def edited(self, version_id: str, key: str, text: str) -> None:
        self._pending[(version_id, key)] = PendingSection(version_id, key, text)
        if not self._timer.isActive() and self.problem is None:
            self._timer.start()

    def flush(self) -> bool:
        """Write everything pending now; True when nothing is left unsaved."""
        self._timer.stop()
        for where, section in list(self._pending.items()):
            problem = self._save(section)
            if problem is not None:
                self.problem = problem
                self.failed.emit(problem)
                return False
            if self._pending.get(where) is section:
                del self._pending[where]
        self.problem = None
        self.saved.emit()
        return True

    def discard(self) -> None:
        """Forget what is pending (the version it was for is gone or frozen)."""
        self._timer.stop()
        self._pending.clear()
        self.problem = None


def decisions_html(item: MinutesItem) -> str:
    """The item's decisions and actions arising as read-only HTML (the record of fact)."""
    if item.withheld:
        return "<p>Exempt item: its decisions are not in the public minutes.</p>"
    parts: list[str] = []
    if item.resolved:
        parts.append("<p><b>RESOLVED</b></p><ol>")
        for d in item.resolved:
            votes = ""
            if d.votes_for is not None:
                votes = (
                    f" <i>(for {d.votes_for}, against {d.votes_against or 0}, "
                    f"abstaining {d.votes_abstain or 0})</i>"
                )
            parts.append(
                f"<li><b>{escape(d.number)}</b> ({escape(d.kind)}) {escape(d.wording)}{votes}</li>"
            )
        parts.append("</ol>")
    if item.noted:
        parts.append("<p><b>Noted</b></p><ul>")
        parts.extend(f"<li><b>{escape(d.number)}</b> {escape(d.wording)}</li>" for d in item.noted)
        parts.append("</ul>")
    if item.actions_arising:
        parts.append("<p><b>Actions arising</b></p><ul>")
        for a in item.actions_arising:
            who = f" — {escape(a.owner)}" if a.owner else ""
            due = f", by {a.due.day} {a.due:%b %Y}" if a.due else ""
            parts.append(f"<li>{escape(a.text)}{who}{due}</li>")
        parts.append("</ul>")
    return "".join(parts) or "<p>No decisions or actions were recorded on this item.</p>"


class SectionEditor(QWidget):
    """A version's items on the left; the chosen item's summary and its decisions on the right."""

    #: a refusal from a save, for the page to show once in a dialog
    refused = Signal(str)

    def __init__(
        self, save: Callable[[str, str, str], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("minutesEditor")
        self.doc: MinutesDoc | None = None
        self.version_id: str | None = None
        self.editable = False
        self._texts: dict[str, str] = {}  # key -> text typed here since the doc was read
        self._loading = False
        self._key: str | None = None
        self.autosave = SectionAutosave(lambda p: save(p.version_id, p.key, p.text), parent=self)
        self.autosave.saved.connect(self._saved)
        self.autosave.failed.connect(self._failed)

        self.model = SectionListModel(self)
        self.table = read_only_table(
            "minutesSections",
            "Items of the minutes",
            "Choose an item to read or edit its summary of discussion.",
        )
        self.table.setModel(self.model)
        fixed_columns(self.table, {0: 40}, 1)
        self.table.horizontalHeader().sectionResized.connect(lambda *_a: self._fit_rows())
        self.table.setAccessibleDescription(
            "Choose an item; Enter moves to its summary of discussion."
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_current())

        self.item_title = heading("", 1.15)
        self.item_title.setObjectName("sectionTitle")
        self.item_title.setWordWrap(True)
        self.item_facts = muted("")
        self.item_facts.hide()
        self.text = QPlainTextEdit()
        self.text.setObjectName("sectionText")
        self.text.setAccessibleName("Summary of discussion")
        self.text.setTabChangesFocus(True)
        self.text.textChanged.connect(self._typed)
        self.table.activated.connect(lambda _index: self.text.setFocus())
        self.save_state = QLabel("")
        self.save_state.setObjectName("saveState")
        self.save_state.setTextFormat(Qt.TextFormat.PlainText)
        self.save_state.setWordWrap(True)
        self.decisions_title = heading("Decisions and actions (as recorded)", 1.0)
        self.decisions = QTextBrowser()
        self.decisions.setObjectName("sectionDecisions")
        self.decisions.setAccessibleName("Decisions and actions arising, read-only")
        self.decisions.setAccessibleDescription(
            "The record of fact: minutes edits never change decisions."
        )
        self.decisions.setOpenLinks(False)

        text_side = QWidget()
        text_layout = QVBoxLayout(text_side)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.item_title)
        text_layout.addWidget(self.item_facts)
        text_layout.addWidget(self.text, 1)
        text_layout.addWidget(self.save_state)
        record_side = QWidget()
        record_layout = QVBoxLayout(record_side)
        record_layout.setContentsMargins(0, 0, 0, 0)
        record_layout.addWidget(self.decisions_title)
        record_layout.addWidget(self.decisions, 1)
        record_layout.addWidget(
            muted("Decisions are changed only by a new decision, never in the minutes.")
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(text_side)
        splitter.addWidget(record_side)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 4)
        splitter.setStretchFactor(2, 3)
        splitter.setSizes([330, 450, 300])
        self.splitter = splitter
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.save_now)

    # Showing ------------------------------------------------------------------------

    def show_doc(
        self, doc: MinutesDoc, version_id: str | None, *, editable: bool, why_not: str
    ) -> None:
        """Show a version's (or the preview's) items; keeps the chosen item where it can."""
        if version_id != self.version_id:
            self._texts.clear()
        keep = self._key
        self.doc, self.version_id, self.editable = doc, version_id, editable
        self.model.set_rows(doc.items)
        self._fit_rows()
        self._read_only(not editable)
        self.text.setAccessibleDescription(
            "Saved as you type." if editable else (why_not or "Read-only.")
        )
        row = self.model.find(lambda i: f"item:{i.number}" == keep)
        if row < 0 and self.model.rowCount():
            row = 0
        self._key = None
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._show_current()
        if not self.autosave.pending:
            self.save_state.setText(
                "Changes are saved as you type (Ctrl+S saves at once)." if editable else why_not
            )

    def clear(self, message: str) -> None:
        self.doc, self.version_id, self.editable, self._key = None, None, False, None
        self.model.set_rows(())
        self.item_title.setText("")
        self.item_facts.setText("")
        self._set_text("")
        self._read_only(True)
        self.decisions.setHtml("")
        self.save_state.setText(message)

    def current_item(self) -> MinutesItem | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        item: MinutesItem = self.model.row(index.row())
        return item

    def select(self, number: int) -> None:
        row = self.model.find(lambda i: i.number == number)
        if row >= 0:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _show_current(self) -> None:
        item = self.current_item()
        if item is None:
            self._key = None
            return
        key = f"item:{item.number}"
        if key == self._key:
            return
        if self._key is not None:
            self.save_now()  # leaving a section writes it at once
        self._key = key
        self.item_title.setText(f"{item.number}. {item.title}")
        facts = []
        if item.report_of:
            facts.append(f"Report of {item.report_of}")
        if item.exempt:
            para = f" (paragraph {item.exempt_paragraph})" if item.exempt_paragraph else ""
            facts.append(f"Exempt{para}: not in the public minutes")
        if item.inquorate:
            facts.append("Taken while the meeting was inquorate")
        self.item_facts.setText(" · ".join(facts))
        self.item_facts.setVisible(bool(facts))
        if item.withheld:
            self._set_text("Exempt item: its minutes are not in the public version.")
        else:
            self._set_text(self._texts.get(key, item.minutes))
        self._read_only(not self.editable or item.withheld)
        self.decisions.setHtml(decisions_html(item))

    def _fit_rows(self) -> None:
        fit_rows(self.table, 1, self.table.verticalHeader().defaultSectionSize())

    def _read_only(self, read_only: bool) -> None:
        """Read-only text sits on the window's colour, so it never looks editable."""
        self.text.setReadOnly(read_only)
        palette = self.text.palette()
        source = self.palette()
        role = QPalette.ColorRole.Window if read_only else QPalette.ColorRole.Base
        palette.setColor(QPalette.ColorRole.Base, source.color(role))
        self.text.setPalette(palette)

    def _set_text(self, text: str) -> None:
        self._loading = True
        try:
            self.text.setPlainText(text)
        finally:
            self._loading = False

    # Saving -------------------------------------------------------------------------

    def _typed(self) -> None:
        if self._loading or not self.editable or self.version_id is None or self._key is None:
            return
        text = self.text.toPlainText()
        self._texts[self._key] = text
        self.autosave.edited(self.version_id, self._key, text)
        if self.autosave.problem is None:
            self.save_state.setText("Saving…")

    def save_now(self) -> bool:
        """Write what is pending now (Ctrl+S); True when everything is saved."""
        return self.autosave.flush() if self.autosave.pending else True

    def _saved(self) -> None:
        now = dt.datetime.now()
        self.save_state.setText(f"All changes saved ({now:%H:%M:%S}).")

    def _failed(self, problem: str) -> None:
        self.save_state.setText(f"⚠ Not saved: {problem} (Ctrl+S tries again)")
        self.refused.emit(problem)

    def typed_texts(self) -> dict[str, Any]:
        """What was typed here since the version was read (for checks)."""
        return dict(self._texts)
