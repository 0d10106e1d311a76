"""The chair's cockpit: the current item large, its timer, notes, interests, quorum, and the record.

Keyboard first — every action has a shortcut and the shortcuts are printed
along the bottom (`SHORTCUTS`). The left strip is the agenda (Enter takes the
chosen item); the middle is the current item: number and title large, the
exempt warning, presenter and time box, the timer against the time box
(overrun said in words and colour), the discussion notes and the chair's
private briefing notes, both saved as typed (`NotesAutosave`); the right is
who declared an interest in this item, the item's decisions and actions
arising, and what the item links to — the action's RAG history, the risk,
the indicator's chart — one click (or Alt+1/2/3) away, each read only when
its tab is shown. The quorum is always in the strip along the top; an item taken while
inquorate is flagged there in words. Writes go through `MeetingController`.
"""

from __future__ import annotations

import datetime as dt
import html
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from db.models import DecisionKind, MeetingStatus
from desktop.meeting_mode.autosave import NotesAutosave, PendingNotes
from desktop.meeting_mode.controller import MeetingController
from desktop.meeting_mode.dialogs import (
    ActionDialog,
    Choice,
    CloseActionDialog,
    DecisionDialog,
    DecisionInput,
    EvidenceDialog,
    MeetingForm,
    RagDialog,
    RiskDialog,
    open_keeping_focus,
)
from desktop.meeting_mode.linked import LinkedPane
from desktop.meeting_mode.record import RecordPanel
from desktop.pages.meetings_models import presenter_text
from widgets.page_parts import heading, muted, panel
from widgets.time_box import TimeBoxTimer

#: (keys, what it does): the cockpit's shortcuts, printed along its bottom edge.
SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("F5", "Open meeting"),
    ("Alt+→", "Next item"),
    ("Alt+←", "Previous item"),
    ("Ctrl+D", "Decision"),
    ("Ctrl+Shift+D", "Amend last decision"),
    ("Ctrl+T", "Action arising"),
    ("Ctrl+G", "Agree RAG"),
    ("Ctrl+E", "Accept evidence"),
    ("Ctrl+R", "Risk score"),
    ("Alt+1…5", "Action · Risk · KPI · Questions · Cards"),
    ("Ctrl+L", "Close logged action"),
    ("Ctrl+Shift+X", "Close meeting"),
)
QUORATE_STYLE = "background: #00703c; color: #ffffff; border-radius: 4px; padding: 4px 8px;"
INQUORATE_STYLE = "background: #d4351c; color: #ffffff; border-radius: 4px; padding: 4px 8px;"
EXEMPT_STYLE = "background: #0b0c0c; color: #ffdd00; border-radius: 4px; padding: 2px 8px;"
BANNER_STYLE = "background: #fff7bf; color: #0b0c0c; padding: 6px; border-radius: 4px;"
FLAG_STYLE = "color: #d4351c; font-weight: bold;"


def quorum_text(q: Any) -> str:
    """The quorum in words: "Quorate: 6 of 9 voting members present (3 needed)", or why not."""
    if q is None:
        return "Quorum: attendance not recorded"
    text = str(q.reason)
    if q.quorate and q.needs_chair:
        text += ", chair present"
    return ("✔ " if q.quorate else "⚠ ") + text


class On(QObject):
    """Calls back when the watched object gets an event of one type (it is not consumed).

    The cockpit writes the notes when an editor loses the focus, and when the
    window it sits in is closed (pages get no close event of their own).
    """

    def __init__(self, kind: QEvent.Type, callback: Callable[[], object], parent: QObject) -> None:
        super().__init__(parent)
        self._kind = kind
        self._callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == self._kind:
            self._callback()
        return False


class MeetingMode(QWidget):
    """The live meeting for one meeting id; `load()` reads it, each key acts on it."""

    item_changed = Signal(str)  # the current item's id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingMode")
        self.setAccessibleName("Meeting mode")
        self.controller: MeetingController | None = None
        self.view: Any = None
        self.item: Any = None  # the item on screen (ItemView)
        self.dialog: MeetingForm[Any] | QMessageBox | None = None
        self.roster: tuple[Choice, ...] = ()
        #: Reads the meeting again everywhere it is shown (set by the page); None: only here.
        self.reloader: Callable[[], None] | None = None
        self._loading = False
        self._window_watched: QWidget | None = None
        self.autosave = NotesAutosave(self._save_notes, parent=self)
        self.autosave.failed.connect(self._notes_failed)

        # Agenda strip -----------------------------------------------------------
        self.agenda = QListWidget()
        self.agenda.setObjectName("cockpitAgenda")
        self.agenda.setAccessibleName("Agenda: choose an item and press Enter to take it")
        self.agenda.setWordWrap(True)
        self.agenda.itemActivated.connect(self._agenda_activated)
        agenda_panel, agenda_layout = panel("cockpitAgendaPanel")
        agenda_layout.addWidget(heading("Agenda", 1.05))
        agenda_layout.addWidget(self.agenda, 1)
        agenda_panel.setMinimumWidth(200)
        agenda_panel.setMaximumWidth(260)

        # Current item ---------------------------------------------------------------
        self.position = heading("", 1.1)
        self.position.setObjectName("cockpitPosition")
        self.title = heading("", 1.7)
        self.title.setObjectName("cockpitTitle")
        self.title.setWordWrap(True)
        self.exempt = QLabel("")
        self.exempt.setObjectName("cockpitExempt")
        self.exempt.setStyleSheet(EXEMPT_STYLE)
        self.exempt.setWordWrap(True)
        self.facts = muted("")
        self.facts.setObjectName("cockpitFacts")
        self.flag = QLabel("")
        self.flag.setObjectName("cockpitInquorateFlag")
        self.flag.setStyleSheet(FLAG_STYLE)
        self.flag.setWordWrap(True)
        self.timer = TimeBoxTimer(time.time)
        self.quorum = QLabel("")
        self.quorum.setObjectName("cockpitQuorum")
        self.quorum.setWordWrap(False)
        bold = self.quorum.font()
        bold.setBold(True)
        self.quorum.setFont(bold)
        self.discussion = QPlainTextEdit()
        self.discussion.setObjectName("discussionNotes")
        self.discussion.setAccessibleName("Discussion notes for the minutes (saved as you type)")
        self.discussion.setPlaceholderText("Discussion notes — saved as you type (Alt+N)")
        self.discussion.setTabChangesFocus(True)
        self.chair_notes = QPlainTextEdit()
        self.chair_notes.setObjectName("chairNotes")
        self.chair_notes.setAccessibleName("Chair's private briefing notes (saved as you type)")
        self.chair_notes.setPlaceholderText("Chair's private briefing notes (Alt+B)")
        self.chair_notes.setTabChangesFocus(True)
        self.discussion.textChanged.connect(self._discussion_typed)
        self.chair_notes.textChanged.connect(self._chair_typed)
        for editor in (self.discussion, self.chair_notes):
            editor.installEventFilter(On(QEvent.Type.FocusOut, self.autosave.flush, editor))
        self.saved_label = muted("", wrap=False)
        self.saved_label.setObjectName("notesSaved")
        self.autosave.saved.connect(lambda _id: self.saved_label.setText("Notes saved"))

        # The strip along the top: where we are, the clock, the quorum — always in view.
        strip = QHBoxLayout()
        strip.addWidget(self.position)
        strip.addStretch(1)
        strip.addWidget(self.quorum)
        strip.addSpacing(8)
        strip.addWidget(self.timer)
        header = QVBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.exempt)
        header.addWidget(self.facts)
        header.addWidget(self.flag)

        notes_heading = QHBoxLayout()
        notes_heading.addWidget(heading("Discussion", 1.0))
        notes_heading.addStretch(1)
        notes_heading.addWidget(self.saved_label)
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addLayout(header)
        centre_layout.addLayout(notes_heading)
        centre_layout.addWidget(self.discussion, 3)
        self.chair_heading = heading("Chair's briefing (private)", 1.0)
        centre_layout.addWidget(self.chair_heading)
        centre_layout.addWidget(self.chair_notes, 2)

        # Right column: interests, record, links -------------------------------------
        self.record = RecordPanel()
        self.record.on_close_action = self.close_action
        self.decisions_model = self.record.decisions_model
        self.decisions = self.record.decisions
        self.interests = self.record.interests
        self.linked = LinkedPane()
        self.linked.problem.connect(self._show_problem)
        self.timeline = self.linked.timeline
        self.risk_text = self.linked.risk_text
        self.chart = self.linked.chart
        right = QSplitter(Qt.Orientation.Vertical)
        right.setChildrenCollapsible(False)
        right.addWidget(self.record)
        right.addWidget(self.linked)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)

        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        body.addWidget(agenda_panel)
        body.addWidget(centre)
        body.addWidget(right)
        body.setStretchFactor(1, 3)
        body.setStretchFactor(2, 2)
        body.setSizes([220, 600, 420])

        self.banner = QLabel("")
        self.banner.setObjectName("cockpitBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.keys = QLabel(
            "   ".join(f"<b>{html.escape(k)}</b> {html.escape(v)}" for k, v in SHORTCUTS)
        )
        self.keys.setObjectName("cockpitShortcuts")
        self.keys.setWordWrap(True)
        self.keys.setTextFormat(Qt.TextFormat.RichText)
        self.keys.setAccessibleName("Shortcuts: " + "; ".join(f"{k} {v}" for k, v in SHORTCUTS))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(strip)
        layout.addWidget(body, 1)
        layout.addWidget(self.keys)

        self.shortcuts: dict[str, QShortcut] = {}
        for keys, slot in (
            ("F5", self.open_meeting),
            ("Alt+Right", self.next_item),
            ("Alt+Left", self.previous_item),
            ("Ctrl+D", self.record_decision),
            ("Ctrl+Shift+D", self.amend_decision),
            ("Ctrl+T", self.add_action),
            ("Ctrl+G", self.agree_rag),
            ("Ctrl+E", self.accept_evidence),
            ("Ctrl+R", self.review_risk),
            ("Ctrl+Shift+X", self.close_meeting),
            ("Alt+1", lambda: self.linked.setCurrentIndex(0)),
            ("Alt+2", lambda: self.linked.setCurrentIndex(1)),
            ("Alt+3", lambda: self.linked.setCurrentIndex(2)),
            ("Alt+4", lambda: self.linked.setCurrentIndex(3)),
            ("Alt+5", lambda: self.linked.setCurrentIndex(4)),
            ("Alt+N", self.discussion.setFocus),
            ("Alt+B", self.chair_notes.setFocus),
            ("Alt+A", self.agenda.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[keys] = shortcut
        self.show_item(None)

    # Loading ------------------------------------------------------------------------

    def set_controller(self, controller: MeetingController | None) -> None:
        if self.controller is not None and controller is not self.controller:
            self.autosave.flush()
        self.controller = controller

    def load(self) -> None:
        """Read the meeting again and show its current item (or item 1 before it opens)."""
        if self.reloader is not None:
            self.reloader()
            return
        controller = self.controller
        if controller is None:
            return
        from db.services.meeting_view import meeting_view

        try:
            with controller.database.session() as s:
                view = meeting_view(s, controller.actor_id, controller.meeting_id)
        except BoardpackError as error:
            self.banner.setText(f"⚠ {error}")
            return
        self.show_view(view)

    def show_view(self, view: Any) -> None:
        self.view = view
        current = view.current_item_id
        keep = self.item.item_id if self.item is not None else None
        item_id = current or keep
        item = next((i for i in view.items if i.item_id == item_id), None)
        if item is None and view.items:
            item = view.items[0]
        self._fill_agenda(view, item)
        self._show_banner(view)
        self.show_item(item)

    def _fill_agenda(self, view: Any, chosen: Any) -> None:
        self.agenda.blockSignals(True)
        self.agenda.clear()
        for item in view.items:
            mark = "▶ " if item.item_id == view.current_item_id else ""
            done = (
                " ✓" if item.ended_at is not None and item.item_id != view.current_item_id else ""
            )
            text = f"{mark}{item.number}. {item.title}{done}"
            entry = QListWidgetItem(text)
            entry.setData(Qt.ItemDataRole.UserRole, item.item_id)
            spoken = f"Item {item.number}: {item.title}"
            if mark:
                spoken += ", current item"
            elif done:
                spoken += ", taken"
            entry.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
            if item.item_id == view.current_item_id:
                font = entry.font()
                font.setBold(True)
                entry.setFont(font)
            self.agenda.addItem(entry)
            if chosen is not None and item.item_id == chosen.item_id:
                self.agenda.setCurrentItem(entry)
        self.agenda.blockSignals(False)

    def _show_banner(self, view: Any) -> None:
        status = MeetingStatus(view.status)
        if status is MeetingStatus.PLANNED:
            text = "This meeting has not been opened. Press F5 to open it and take item 1."
        elif status is MeetingStatus.CLOSED:
            text = (
                "This meeting is closed: its decisions are frozen (a correction is a new record)."
            )
        else:
            text = ""
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    @property
    def is_open(self) -> bool:
        return self.view is not None and self.view.status == MeetingStatus.IN_PROGRESS.value

    def show_item(self, item: Any) -> None:
        """Show `item` (an ItemView) as the current item; None shows an empty cockpit."""
        same = self.item is not None and item is not None and item.item_id == self.item.item_id
        if self.item is not None and not same:
            self.autosave.flush()
        self._loading = True
        self.item = item
        view = self.view
        if item is None:
            self.position.setText("")
            self.title.setText("No meeting chosen" if view is None else "This agenda has no items")
            self.exempt.hide()
            self.facts.setText("")
            self.flag.hide()
            self.discussion.setPlainText("")
            self.chair_notes.setPlainText("")
            self.discussion.setReadOnly(True)
            self.chair_notes.setReadOnly(True)
            self.record.clear()
            self.timer.stop("Not started")
            self.quorum.setText("")
            self._loading = False
            return
        count = len(view.items)
        self.position.setText(f"Item {item.number} of {count}")
        self.title.setText(f"{item.number}. {item.title}")
        self.title.setAccessibleName(f"Item {item.number}: {item.title}")
        if item.exempt:
            self.exempt.setText(
                f"EXEMPT — Part 2, Schedule 12A paragraph {item.exempt_paragraph}. "
                "The public and press must be excluded before this item is taken."
                + (f"\n{item.exclusion_resolution}" if item.exclusion_resolution else "")
            )
            self.exempt.show()
        else:
            self.exempt.hide()
        facts = []
        presenter = presenter_text(item)
        if presenter:
            facts.append(f"Presented by {presenter}")
        facts.append(
            f"Time box {item.time_box_minutes} min" if item.time_box_minutes else "No time box"
        )
        if item.papers:
            facts.append("Papers: " + "; ".join(p.label for p in item.papers))
        if item.purpose:
            facts.append(item.purpose)
        self.facts.setText(" · ".join(facts))
        if item.taken_inquorate:
            self.flag.setText("⚠ This item was taken while the meeting was INQUORATE (recorded).")
            self.flag.show()
        else:
            self.flag.hide()
        # Re-showing the item on screen (after a decision, another page's write) keeps
        # what is in the editors: it may be ahead of the database by the keystrokes
        # the autosave has not written yet, and those must never be overwritten.
        if not (same and self.is_open):
            self.discussion.setPlainText(item.discussion or "")
            self.chair_notes.setPlainText(item.chair_notes or "")
        # Notes are written by those who run the meeting, while it runs; the chair's
        # briefing is not even shown to anyone else (the view leaves it out).
        writable = self.is_open and view.can_run and not item.withheld
        self.discussion.setReadOnly(not writable)
        self.chair_notes.setReadOnly(not writable)
        self.chair_notes.setVisible(view.can_run)
        self.chair_heading.setVisible(view.can_run)
        self.record.show_item(view, item)
        self._show_log(item)
        self._show_timer(item)
        self._show_quorum()
        self._loading = False
        controller = self.controller
        self.linked.show_item(
            item,
            controller.database if controller else None,
            controller.today if controller else dt.date.today(),
            actor_id=controller.actor_id if controller else None,
            meeting_id=controller.meeting_id if controller else None,
        )
        self.item_changed.emit(item.item_id)

    def _show_timer(self, item: Any) -> None:
        view = self.view
        if self.is_open and item.item_id == view.current_item_id:
            since = view.current_item_since
            base = float(item.elapsed_seconds or 0)
            start = since.timestamp() - base if since is not None else time.time() - base
            self.timer.start(start, item.time_box_minutes)
        elif item.ended_at is not None and item.started_at is not None:
            spent = int(item.elapsed_seconds or 0)
            box = f" of {item.time_box_minutes} min" if item.time_box_minutes else ""
            self.timer.stop(f"Taken: {spent // 60}:{spent % 60:02d}{box}")
        else:
            box = f"{item.time_box_minutes} min" if item.time_box_minutes else "no time box"
            self.timer.stop(f"Not yet taken ({box})")

    def _show_quorum(self) -> None:
        q = self.view.quorum
        self.quorum.setText(quorum_text(q))
        self.quorum.setAccessibleName(quorum_text(q))
        quorate = q is not None and q.quorate
        self.quorum.setStyleSheet(QUORATE_STYLE if quorate else INQUORATE_STYLE)

    def _show_log(self, item: Any) -> None:
        """On the action-log item, the board's open actions arising; elsewhere nothing."""
        controller = self.controller
        if item.kind != "action_log" or controller is None:
            self.record.show_log(None)
            return
        from db.services.decisions import action_log

        try:
            with controller.database.session() as s:
                rows = action_log(
                    s, controller.actor_id, self.view.board_id, today=controller.today
                )
        except BoardpackError as error:
            self._show_problem(str(error))
            return
        # Actions raised at this meeting are reviewed next time, not now.
        self.record.show_log([r for r in rows if r.meeting_id != self.view.meeting_id])

    def _show_problem(self, text: str) -> None:
        self.banner.setText(f"⚠ {text}")
        self.banner.show()

    # Notes ----------------------------------------------------------------------------

    def _discussion_typed(self) -> None:
        if not self._loading and self.item is not None and not self.discussion.isReadOnly():
            self.saved_label.setText("Saving…")
            self.autosave.edited(self.item.item_id, discussion=self.discussion.toPlainText())

    def _chair_typed(self) -> None:
        if not self._loading and self.item is not None and not self.chair_notes.isReadOnly():
            self.saved_label.setText("Saving…")
            self.autosave.edited(self.item.item_id, chair_notes=self.chair_notes.toPlainText())

    def _save_notes(self, notes: PendingNotes) -> str | None:
        if self.controller is None:
            return "The meeting is not open on this laptop."
        return self.controller.save_notes(
            notes.item_id, discussion=notes.discussion, chair_notes=notes.chair_notes
        )

    def _notes_failed(self, problem: str) -> None:
        self.saved_label.setText(f"⚠ Notes not saved yet: {problem}")

    # Moving through the agenda ---------------------------------------------------------

    def _refuse(self, problem: str, title: str = "Not done") -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            title,
            problem[:1].upper() + problem[1:],
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAccessibleName(f"{title}: {problem}")
        self.dialog = box
        open_keeping_focus(box)

    def open_meeting(self) -> None:
        if self.controller is None or self.view is None:
            return
        if self.view.status != MeetingStatus.PLANNED.value:
            return
        problem = self.controller.open_meeting()
        if problem is None and self.view.items:
            problem = self.controller.start_item(self.view.items[0].item_id)
        if problem is not None:
            self._refuse(problem, "Meeting not opened")
        self.load()

    def take_item(self, item_id: str) -> None:
        """Move the meeting on to `item_id` (or just show it when the meeting is not open)."""
        if self.controller is None or self.view is None:
            return
        self.autosave.flush()
        if self.is_open:
            if item_id != self.view.current_item_id:
                problem = self.controller.start_item(item_id)
                if problem is not None:
                    self._refuse(problem, "Item not taken")
            self.load()
            return
        item = next((i for i in self.view.items if i.item_id == item_id), None)
        if item is not None:
            self._fill_agenda(self.view, item)
            self.show_item(item)

    def _step(self, delta: int) -> None:
        if self.view is None or self.item is None:
            return
        ids = [i.item_id for i in self.view.items]
        index = ids.index(self.item.item_id) + delta
        if 0 <= index < len(ids):
            self.take_item(ids[index])

    def next_item(self) -> None:
        self._step(1)

    def previous_item(self) -> None:
        self._step(-1)

    def _agenda_activated(self, entry: QListWidgetItem) -> None:
        item_id = entry.data(Qt.ItemDataRole.UserRole)
        if isinstance(item_id, str):
            self.take_item(item_id)

    # The record -----------------------------------------------------------------------

    def _ready(self) -> bool:
        if self.controller is None or self.item is None or self.view is None:
            return False
        if not self.is_open:
            self._refuse(
                "the meeting is not open: press F5 to open it first."
                if self.view.status == MeetingStatus.PLANNED.value
                else "the meeting is closed; its record is frozen.",
                "Not recorded",
            )
            return False
        self.autosave.flush()
        return True

    def _members(self) -> list[Choice]:
        return [
            Choice(a.person_id, a.name)
            for a in self.view.attendance
            if a.voting and a.status == "present" and a.capacity == "member"
        ]

    def people_choices(self) -> list[Choice]:
        """Who an action can be given to: the board's people as far as this laptop knows them."""
        if self.roster:
            return list(self.roster)
        seen: dict[str, str] = {}
        for a in self.view.attendance:
            seen[a.person_id] = a.name
        for i in self.view.items:
            if i.presenter_id and i.presenter_name:
                seen.setdefault(i.presenter_id, i.presenter_name)
        return [Choice(k, v) for k, v in sorted(seen.items(), key=lambda kv: kv[1])]

    def _open(self, dialog: MeetingForm[Any]) -> MeetingForm[Any]:
        self.dialog = dialog
        dialog.finished.connect(lambda _r: self.load())
        open_keeping_focus(dialog)
        return dialog

    def record_decision(self) -> MeetingForm[Any] | None:
        if not self._ready():
            return None
        item = self.item
        controller = self.controller
        assert controller is not None
        return self._open(
            DecisionDialog(
                f"{item.number}. {item.title}",
                self._members(),
                lambda value: controller.record_decision(item.item_id, value),
                self,
            )
        )

    def amend_decision(self) -> MeetingForm[Any] | None:
        """Amend the selected decision of this item (or its latest)."""
        if not self._ready():
            return None
        rows = self.decisions_model.rows()
        if not rows:
            self._refuse("no decision has been recorded on this item yet.", "Nothing to amend")
            return None
        index = self.decisions.currentIndex()
        row = rows[index.row()] if index.isValid() else rows[-1]
        controller = self.controller
        assert controller is not None
        named = tuple((v.person_id, v.vote) for v in row.named_votes)
        current = DecisionInput(
            DecisionKind(row.kind),
            row.wording,
            row.votes_for,
            row.votes_against,
            row.votes_abstain,
            named or None,
        )
        return self._open(
            DecisionDialog(
                f"{self.item.number}. {self.item.title}",
                self._members(),
                lambda value: controller.amend_decision(row.decision_id, value),
                self,
                amend=current,
                number=row.number,
            )
        )

    def add_action(self) -> MeetingForm[Any] | None:
        if not self._ready():
            return None
        item = self.item
        controller = self.controller
        assert controller is not None
        owners = self.people_choices()
        plan_actions = [Choice(link.id, link.label) for link in item.actions]
        return self._open(
            ActionDialog(
                owners,
                plan_actions,
                lambda value: controller.add_action(item.item_id, value),
                self,
                due=None,
            )
        )

    def agree_rag(self) -> MeetingForm[Any] | None:
        if not self._ready():
            return None
        item = self.item
        controller = self.controller
        assert controller is not None
        actions = [Choice(link.id, link.label) for link in item.actions]
        from db.models import Rag

        rags = [Choice(r.value, r.label) for r in Rag]
        return self._open(
            RagDialog(actions, rags, lambda value: controller.agree_rag(item.item_id, value), self)
        )

    def accept_evidence(self) -> MeetingForm[Any] | None:
        if not self._ready():
            return None
        item = self.item
        controller = self.controller
        assert controller is not None
        choices: list[Choice] = []
        from db.services.plan import action_detail

        with controller.database.session() as s:
            for action_id, label in ((a.id, a.label) for a in item.actions):
                detail = action_detail(s, action_id, today=controller.today)
                choices += [
                    Choice(e.evidence_id, f"{label.split(' ')[0]}: {e.title} ({e.state})")
                    for e in detail.evidence
                    if e.state != "accepted"
                ]
        return self._open(
            EvidenceDialog(
                choices, lambda value: controller.accept_evidence(item.item_id, value), self
            )
        )

    def review_risk(self) -> MeetingForm[Any] | None:
        if not self._ready():
            return None
        item = self.item
        controller = self.controller
        assert controller is not None
        from db.services.risks import risk_detail

        risks = []
        with controller.database.session() as s:
            for risk_id in (r.id for r in item.risks):
                row = risk_detail(s, risk_id).row
                risks.append(
                    (Choice(risk_id, f"{row.reference} {row.title}"), row.likelihood, row.impact)
                )
        return self._open(
            RiskDialog(risks, lambda value: controller.review_risk(item.item_id, value), self)
        )

    def close_action(self, row: Any) -> MeetingForm[Any] | None:
        """Close an action arising from the action log, with a note (in this meeting)."""
        if not self._ready():
            return None
        controller = self.controller
        assert controller is not None
        return self._open(
            CloseActionDialog(
                f"{row.ref}: {row.text}",
                lambda value: controller.close_action(row.arising_id, value.note),
                self,
            )
        )

    def close_meeting(self) -> QMessageBox | None:
        """Ask, then close the meeting (its decisions are then frozen)."""
        if self.controller is None or not self._ready():
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Close the meeting",
            "Close the meeting now? Its decisions are then frozen: a correction will be a new "
            "record citing the old one.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setAccessibleName("Close the meeting?")
        box.buttonClicked.connect(
            lambda button: (
                self._do_close()
                if box.standardButton(button) == QMessageBox.StandardButton.Yes
                else None
            )
        )
        self.dialog = box
        open_keeping_focus(box)
        return box

    def _do_close(self) -> None:
        if self.controller is None or not self.is_open:
            return
        self.autosave.flush()
        problem = self.controller.close_meeting()
        if problem is not None:
            self._refuse(problem, "Meeting not closed")
        self.load()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        window = self.window()
        if window is not self and self._window_watched is not window:
            window.installEventFilter(On(QEvent.Type.Close, self.shutdown, self))
            self._window_watched = window

    def focus_start(self) -> None:
        """Put the keyboard where the chair starts: the notes when running, else the agenda."""
        if self.is_open:
            self.discussion.setFocus()
        else:
            self.agenda.setFocus()

    def shutdown(self) -> None:
        """Write any pending notes now (the window is closing)."""
        self.autosave.flush()
