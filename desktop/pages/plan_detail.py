"""The Plan page's detail pane: all about the selected action, and a drop target for evidence.

It renders one `db.services.plan.ActionDetail` — no queries — top to bottom in
the order a chair asks about an action: what it is and how it stands (RAG
chip with its word, overdue, status, owner, due date), what it is for
(description, success measure), the trend (`widgets.rag_timeline`), what it
answers (recommendations grouped by source), what shows it is done (evidence
with each review), and what it touches (risks, decisions). Files dropped
anywhere on the pane are offered to the page as evidence (`files_dropped`);
the buttons ask the page to record progress or pick files; each piece of
evidence has an Open button (`open_evidence`). The page decides what happens.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop.pages.plan_model import NO_RAG_COLOUR, NO_RAG_LABEL, short_date
from widgets.rag_chip import RagChip
from widgets.rag_timeline import RagTimeline, TimelineEntry
from widgets.style import make_muted, muted_text_colour

if TYPE_CHECKING:
    from db.services.plan import ActionDetail, EvidenceItem, HistoryEntry
    from db.views import RagKeyEntry

EVIDENCE_STATES = {
    "submitted": "Submitted, awaiting the board's review",
    "accepted": "Accepted by the board",
    "returned": "Returned by the board",
}
RISK_STATUS = {"open": "open", "closed": "closed"}


def alert_colour(palette: QPalette) -> str:
    """A red that reads on the palette's background, light or dark (the words carry the meaning)."""
    return "#ff8a7a" if palette.color(QPalette.ColorRole.Window).lightness() < 128 else "#b4271a"


def local_day(stamp: dt.datetime | None) -> str:
    """A UTC timestamp as the local date, "27 Dec 2019"."""
    return short_date(stamp.astimezone().date()) if stamp is not None else ""


def file_size(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _label(
    text: str = "", *, muted: bool = False, bold: bool = False, selectable: bool = False
) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:  # costs a text control per label: only for the longer texts
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    if muted:
        make_muted(label)
    return label


def _rich(html_text: str, plain: str) -> QLabel:
    """One label for a block of text with some bold or muted lines; read aloud as `plain`."""
    label = QLabel(html_text)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setWordWrap(True)
    label.setAccessibleName(plain)
    return label


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    label.setAccessibleName(text)
    label.setContentsMargins(0, 8, 0, 0)
    return label


def _clear(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.deleteLater()


def timeline_entries(
    history: tuple[HistoryEntry, ...], key: Mapping[str, RagKeyEntry]
) -> list[TimelineEntry]:
    """The action's history in words, for `widgets.rag_timeline.RagTimeline`."""

    def label(rag: str | None) -> str | None:
        if rag is None:
            return None
        entry = key.get(rag)
        return entry.label if entry else rag.capitalize()

    entries = []
    for h in history:
        entry = key.get(h.rag)
        due_move = None
        if h.new_due_date is not None:
            due_move = (
                f"Due date moved from {short_date(h.previous_due_date) or 'none'} "
                f"to {short_date(h.new_due_date)}"
            )
            if h.due_date_reason:
                due_move += f": {h.due_date_reason}"
        entries.append(
            TimelineEntry(
                when=local_day(h.recorded_at),
                author=h.author_name,
                rag=h.rag,
                rag_label=entry.label if entry else h.rag.capitalize(),
                colour=entry.colour if entry else NO_RAG_COLOUR,
                previous_label=label(h.previous_rag),
                commentary=h.commentary,
                due_move=due_move,
                decision=f"Agreed by the board: {h.decision_number}" if h.decision_number else None,
            )
        )
    return entries


class _DropArea(QWidget):
    """The pane's content: accepts files dropped on it."""

    files_dropped = Signal(list)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("planDetailContent")
        self.setAcceptDrops(True)
        self.accepting = True
        self._dragging = False

    @staticmethod
    def _files(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[str]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]

    def _highlight(self, on: bool) -> None:
        self._dragging = on
        self.setStyleSheet(
            "QWidget#planDetailContent { border: 2px dashed palette(highlight); }" if on else ""
        )

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.accepting and self._files(event):
            event.acceptProposedAction()
            self._highlight(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.accepting and self._files(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: object) -> None:
        self._highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._highlight(False)
        files = self._files(event)
        if not (self.accepting and files):
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(files)


class ActionDetailPane(QScrollArea):
    """The selected action in full; empty with a hint when nothing is selected."""

    #: The person asked to record a progress update on the shown action.
    update_requested = Signal()
    #: The person asked to pick files to attach as evidence.
    attach_requested = Signal()
    #: Local file paths dropped on the pane (list[str]).
    files_dropped = Signal(list)
    #: An evidence id the person asked to open.
    open_evidence = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planDetail")
        self.setAccessibleName("Action detail")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._detail: ActionDetail | None = None
        self._section_text: dict[str, str] = {}

        self.content = _DropArea()
        self.content.files_dropped.connect(self.files_dropped)
        outer = QVBoxLayout(self.content)
        outer.setContentsMargins(16, 10, 16, 16)
        outer.setSpacing(6)

        self.empty_label = _label("Select an action to see its detail.", muted=True)
        outer.addWidget(self.empty_label)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        outer.addWidget(self.body)
        outer.addStretch(1)

        self.title_label = _label(bold=True, selectable=True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.title_label.setObjectName("actionTitle")
        body.addWidget(self.title_label)

        badges = QHBoxLayout()
        badges.setSpacing(10)
        self.rag_chip = RagChip("", NO_RAG_LABEL, NO_RAG_COLOUR)
        self.overdue_label = _label(bold=True)
        self.overdue_label.setObjectName("overdueMarker")
        self.overdue_label.setStyleSheet(f"color: {alert_colour(self.palette())};")
        self.status_label = _label(muted=True)
        badges.addWidget(self.rag_chip)
        badges.addWidget(self.overdue_label)
        badges.addWidget(self.status_label, 1)
        body.addLayout(badges)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.update_button = QPushButton("Add progress update…")
        self.update_button.setAccessibleName("Add progress update")
        self.update_button.setToolTip("Record a RAG with commentary (Enter in the plan)")
        self.attach_button = QPushButton("Attach evidence…")
        self.attach_button.setAccessibleName("Attach evidence")
        self.attach_button.setToolTip("Choose files, or drop them on this pane")
        self.update_button.clicked.connect(self.update_requested)
        self.attach_button.clicked.connect(self.attach_requested)
        buttons.addWidget(self.update_button)
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        body.addLayout(buttons)
        self.permission_label = _label(muted=True)
        body.addWidget(self.permission_label)

        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(12)
        self.facts.setVerticalSpacing(3)
        self.facts.setColumnStretch(1, 1)
        self.fact_values: dict[str, QLabel] = {}
        for row, name in enumerate(("Theme", "Owner", "Lead agency", "Due date", "Last changed")):
            key_label = _label(name, muted=True)
            value = _label()
            value.setAccessibleName(name)
            self.facts.addWidget(key_label, row, 0, Qt.AlignmentFlag.AlignTop)
            self.facts.addWidget(value, row, 1)
            self.fact_values[name] = value
        body.addLayout(self.facts)

        self.description_heading = _heading("Description")
        self.description_label = _label(selectable=True)
        self.success_heading = _heading("Success measure / impact sought")
        self.success_label = _label(selectable=True)
        for widget in (
            self.description_heading,
            self.description_label,
            self.success_heading,
            self.success_label,
        ):
            body.addWidget(widget)

        body.addWidget(_heading("RAG history"))
        self.timeline = RagTimeline()
        body.addWidget(self.timeline)

        self.sections: dict[str, QVBoxLayout] = {}
        for key, title in (
            ("recommendations", "Recommendations it answers"),
            ("evidence", "Evidence"),
            ("risks", "Linked risks"),
            ("decisions", "Decisions of the board"),
        ):
            body.addWidget(_heading(title))
            holder = QWidget()
            layout = QVBoxLayout(holder)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(4)
            body.addWidget(holder)
            self.sections[key] = layout
            if key == "evidence":
                self.drop_hint = _label(
                    "Drop files anywhere on this pane to attach them as evidence.", muted=True
                )
                body.addWidget(self.drop_hint)

        self.message_label = _label()
        self.message_label.setObjectName("planDetailMessage")
        self.message_label.hide()
        outer.insertWidget(0, self.message_label)

        self.setWidget(self.content)
        self.show_empty()

    # Public API ---------------------------------------------------------

    @property
    def detail(self) -> ActionDetail | None:
        return self._detail

    def show_empty(self, text: str = "Select an action to see its detail.") -> None:
        self._detail = None
        self.empty_label.setText(text)
        self.empty_label.show()
        self.body.hide()
        self.content.accepting = False

    def show_message(self, text: str) -> None:
        """A line at the top of the pane (what just happened); empty text hides it."""
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def show_detail(
        self,
        detail: ActionDetail,
        key: Mapping[str, RagKeyEntry],
        *,
        may_update: bool,
        why_not: str = "",
    ) -> None:
        """Render one action."""
        same = self._detail is not None and self._detail.action_id == detail.action_id
        self._detail = detail
        self.empty_label.hide()
        self.body.show()
        self.content.accepting = may_update
        self.title_label.setText(f"{detail.reference}  {detail.title}")
        self.title_label.setAccessibleName(f"Action {detail.reference}: {detail.title}")
        entry = key.get(detail.rag) if detail.rag else None
        self.rag_chip.set_rag(
            detail.rag or "",
            entry.label if entry else NO_RAG_LABEL,
            entry.colour if entry else NO_RAG_COLOUR,
            f"{entry.label}: {entry.meaning}" if entry else "No RAG recorded yet",
        )
        self.overdue_label.setText("⚠ Overdue" if detail.overdue else "")
        self.overdue_label.setAccessibleName("Overdue" if detail.overdue else "")
        self.overdue_label.setVisible(detail.overdue)
        self.status_label.setText(f"Status: {detail.status_label}")
        self.update_button.setEnabled(may_update)
        self.attach_button.setEnabled(may_update)
        self.drop_hint.setVisible(may_update)
        self.permission_label.setText(why_not)
        self.permission_label.setVisible(bool(why_not) and not may_update)

        facts = self.fact_values
        facts["Theme"].setText(f"{detail.theme_number}  {detail.theme_title}")
        facts["Owner"].setText(detail.owner_name or "No owner")
        facts["Lead agency"].setText(detail.lead_agency or "Not recorded")
        facts["Due date"].setText(short_date(detail.due_date) or "No due date")
        facts["Last changed"].setText(local_day(detail.updated_at) or "Not recorded")

        self.description_label.setText(detail.description or "No description recorded.")
        self.success_label.setText(detail.success_measure or "No success measure recorded.")
        self.timeline.set_entries(timeline_entries(detail.history, key))
        self._show_recommendations(detail)
        self._show_evidence(detail)
        self._show_risks(detail)
        self._show_decisions(detail)
        if not same:
            self.show_message("")
            self.verticalScrollBar().setValue(0)

    def evidence_titles(self) -> list[str]:
        """The evidence listed, by title (for tests)."""
        return [] if self._detail is None else [e.title for e in self._detail.evidence]

    # Sections -----------------------------------------------------------

    def section_text(self, key: str) -> str:
        """A section ("recommendations", "evidence", "risks", "decisions") as plain text."""
        return self._section_text.get(key, "")

    def _fill(self, key: str, blocks: Sequence[tuple[str, str]], empty: str) -> None:
        """Replace a section's content with one rich-text label per block (html, plain)."""
        layout = self.sections[key]
        _clear(layout)
        if not blocks:
            layout.addWidget(_label(empty, muted=True))
            self._section_text[key] = empty
            return
        for html_text, plain in blocks:
            layout.addWidget(_rich(html_text, plain))
        self._section_text[key] = "\n".join(plain for _, plain in blocks)

    def _muted(self, text: str) -> str:
        colour = muted_text_colour(self.palette()).name()
        return f'<span style="color:{colour}">{escape(text)}</span>'

    def _show_recommendations(self, detail: ActionDetail) -> None:
        blocks = []
        for group in detail.recommendations:
            lines = [f"{item.reference}  {item.text}" for item in group.items]
            html_text = f"<b>{escape(group.source_label)}</b>" + "".join(
                f'<p style="margin-left:12px; margin-top:2px">{escape(line)}</p>' for line in lines
            )
            blocks.append((html_text, "\n".join([group.source_label, *lines])))
        self._fill("recommendations", blocks, "None recorded.")

    def _show_evidence(self, detail: ActionDetail) -> None:
        layout = self.sections["evidence"]
        _clear(layout)
        texts = []
        if not detail.evidence:
            empty = "None yet. Blue needs evidence the board accepts."
            layout.addWidget(_label(empty, muted=True))
            texts.append(empty)
        for item in detail.evidence:
            frame, text = self._evidence_widget(item)
            layout.addWidget(frame)
            texts.append(text)
        self._section_text["evidence"] = "\n".join(texts)

    def _evidence_widget(self, item: EvidenceItem) -> tuple[QWidget, str]:
        frame = QFrame()
        frame.setObjectName("evidenceItem")
        frame.setStyleSheet(
            "QFrame#evidenceItem { border: 1px solid palette(mid); border-radius: 6px; }"
        )
        layout = QHBoxLayout(frame)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(10)
        state = EVIDENCE_STATES.get(item.state, item.state.capitalize())
        where = []
        if item.filename:
            where.append(item.filename)
            if item.size:
                where.append(file_size(item.size))
            if not item.on_this_laptop:
                where.append("not on this laptop yet")
        elif item.url:
            where.append(f"Link: {item.url}")
        submitted = f"submitted {local_day(item.submitted_at)}"
        if item.submitted_by:
            submitted += f" by {item.submitted_by}"
        where.append(submitted)
        lines = [" · ".join(where)]
        if item.description:
            lines.append(item.description)
        reviews = []
        for review in item.reviews:
            text = f"{review.outcome.capitalize()} {local_day(review.reviewed_at)}"
            if review.reviewer_name:
                text += f" by {review.reviewer_name}"
            if review.decision_number:
                text += f" ({review.decision_number})"
            if review.comment:
                text += f": {review.comment}"
            reviews.append(text)
        html_text = (
            f"<b>{escape(item.title)}</b><br>{escape(state)}<br>{self._muted(lines[0])}"
            + "".join(f"<br>{escape(line)}" for line in lines[1:])
            + "".join(f"<br>{self._muted(line)}" for line in reviews)
        )
        plain = "\n".join([item.title, state, *lines, *reviews])
        label = _rich(html_text, f"Evidence: {plain}")
        button = QPushButton("Open")
        button.setAccessibleName(f"Open evidence: {item.title}")
        button.setToolTip(
            "Open the link in the browser"
            if item.url and not item.has_file
            else "Open the file with this computer's viewer"
        )
        button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda _=False, eid=item.evidence_id: self.open_evidence.emit(eid))
        layout.addWidget(label, 1)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        frame.setAccessibleName(f"Evidence: {item.title}, {state}")
        return frame, plain

    def _show_risks(self, detail: ActionDetail) -> None:
        lines = []
        for risk in detail.risks:
            status = "" if risk.status == "open" else f" ({RISK_STATUS.get(risk.status, '')})"
            lines.append(
                f"{risk.reference}  {risk.title}{status} · score {risk.score}, "
                f"target {risk.target_score}"
            )
        blocks = [("<br>".join(escape(line) for line in lines), "\n".join(lines))] if lines else []
        self._fill("risks", blocks, "None linked.")

    def _show_decisions(self, detail: ActionDetail) -> None:
        blocks = []
        for decision in detail.decisions:
            heading = (
                f"{decision.number} · {short_date(decision.meeting_date)} · "
                f"{decision.kind.capitalize()}"
            )
            via = "Linked by " + ", ".join(decision.via)
            blocks.append(
                (
                    f"<b>{escape(heading)}</b><br>{escape(decision.wording)}<br>{self._muted(via)}",
                    "\n".join([heading, decision.wording, via]),
                )
            )
        self._fill("decisions", blocks, "None recorded.")


__all__ = ["ActionDetailPane", "alert_colour", "file_size", "local_day", "timeline_entries"]
