"""The Meetings page: the board's meetings, and one meeting's agenda, attendance and live run.

Two faces in a stack. The list shows the board's upcoming and past meetings
(or every board's), Enter opens one, Ctrl+N creates a meeting whose agenda
starts as the board's standing items. A meeting opens on four tabs: the
agenda editor (`meetings_agenda`, the secretariat's), attendance with quorum
and declarations (`meetings_attendance`), meeting mode
(`desktop.meeting_mode.cockpit`, the chair's), and the meeting's decisions,
where a closed meeting's decision is corrected by a new one citing it
(`decision_correction`). Every change is written and
committed as it is made through `MeetingController` and the agenda services;
after a write the page reads the meeting once (`meeting_view`) and shows it
on all three tabs, then tells the other pages ("meetings", "plan", "risks")
on the next turn of the event loop so the form closes first.

`apply_filter` takes {"meeting_id": id} to open a meeting and {"view":
"list" | "agenda" | "attendance" | "meeting-mode" | "decisions"} to choose the face; a view
without a meeting id opens the board's next upcoming meeting.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from desktop.meeting_mode.cockpit import MeetingMode
from desktop.meeting_mode.controller import MeetingController
from desktop.meeting_mode.dialogs import Choice, MeetingForm, open_keeping_focus
from desktop.pages.base import Filter, PageEnv
from desktop.pages.decision_correction import DecisionsPanel
from desktop.pages.meetings_agenda import AgendaEditor
from desktop.pages.meetings_attendance import AttendancePanel, ItemChoiceDialog, ItemChosen
from desktop.pages.meetings_models import MeetingListModel, long_date, short_time
from widgets.page_parts import Notice, fixed_columns, heading, muted, read_only_table

TABS = ("agenda", "attendance", "meeting-mode", "decisions")
TOPICS = frozenset({"meetings"})


def _refusal(parent: QWidget, problem: str, title: str = "Not done") -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title,
        problem[:1].upper() + problem[1:],
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setAccessibleName(f"{title}: {problem}")
    open_keeping_focus(box)
    return box


class MeetingsPage(QWidget):
    """The board's meetings, and the chosen meeting's agenda, attendance and meeting mode."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-meetings")
        self.setAccessibleName("Meetings page")
        self.env: PageEnv | None = None
        self.controller: MeetingController | None = None
        self.meeting: Any = None  # the MeetingView shown
        self.roster: tuple[Any, ...] = ()
        self.dialog: MeetingForm[Any] | QMessageBox | None = None
        self.file_dialog: QFileDialog | None = None
        self._stale = True
        self._topics: set[str] = set()
        self._announcing = False
        self._announce_timer = QTimer(self)
        self._announce_timer.setSingleShot(True)
        self._announce_timer.setInterval(0)
        self._announce_timer.timeout.connect(self._announce)

        # The list -------------------------------------------------------------------------
        self.list_title = heading("Meetings", 1.5)
        self.scope = QComboBox()
        self.scope.setAccessibleName("Which board's meetings")
        self.scope.activated.connect(lambda _i: self.reload())
        self.new_button = QPushButton("New meeting… (Ctrl+N)")
        self.new_button.setAccessibleName("Create a meeting from the standing items")
        self.new_button.clicked.connect(self.open_new_meeting)
        list_header = QHBoxLayout()
        list_header.addWidget(self.list_title)
        list_header.addStretch(1)
        list_header.addWidget(self.scope)
        list_header.addWidget(self.new_button)
        self.notice = Notice()
        self.upcoming_model = MeetingListModel(self)
        self.past_model = MeetingListModel(self)
        self.upcoming = self._meeting_table("upcomingMeetings", "Upcoming meetings")
        self.upcoming.setModel(self.upcoming_model)
        self.past = self._meeting_table("pastMeetings", "Past meetings")
        self.past.setModel(self.past_model)
        for table in (self.upcoming, self.past):
            fixed_columns(table, {0: 215, 1: 70, 2: 70, 4: 110, 5: 60}, 3)
        self.upcoming_heading = heading("Upcoming", 1.1)
        self.past_heading = heading("Past", 1.1)
        self.list_hint = muted(
            "Enter opens the chosen meeting: its agenda, attendance and meeting mode."
        )
        list_face = QWidget()
        list_layout = QVBoxLayout(list_face)
        list_layout.setContentsMargins(20, 14, 20, 12)
        list_layout.addLayout(list_header)
        list_layout.addWidget(self.notice)
        list_layout.addWidget(self.upcoming_heading)
        list_layout.addWidget(self.upcoming, 2)
        list_layout.addWidget(self.past_heading)
        list_layout.addWidget(self.past, 5)
        list_layout.addWidget(self.list_hint)

        # One meeting ----------------------------------------------------------------------
        self.back_button = QPushButton("← Meetings (Alt+Home)")
        self.back_button.setAccessibleName("Back to the list of meetings")
        self.back_button.clicked.connect(self.show_list)
        self.meeting_title = heading("", 1.35)
        self.meeting_title.setObjectName("meetingTitle")
        self.meeting_facts = muted("", wrap=False)
        self.meeting_facts.setObjectName("meetingFacts")
        meeting_header = QHBoxLayout()
        meeting_header.addWidget(self.back_button)
        meeting_header.addSpacing(10)
        meeting_header.addWidget(self.meeting_title)
        meeting_header.addSpacing(10)
        meeting_header.addWidget(self.meeting_facts, 1, Qt.AlignmentFlag.AlignBottom)
        self.agenda = AgendaEditor()
        self.agenda.on_add = self.open_add_item
        self.agenda.on_edit = self.open_edit_item
        self.agenda.on_move = self.move_item
        self.agenda.on_remove = self.remove_item
        self.agenda.on_add_paper = self.open_add_paper
        self.agenda.on_remove_paper = self.remove_paper
        self.agenda.on_move_paper = self.move_paper
        self.attendance = AttendancePanel()
        self.attendance.on_set = self.set_attendance
        self.attendance.on_arrival = lambda person: self.open_movement(person, arrival=True)
        self.attendance.on_departure = lambda person: self.open_movement(person, arrival=False)
        self.attendance.on_declare = self.open_declaration
        self.cockpit = MeetingMode()
        self.cockpit.reloader = self.reload_meeting
        self.decisions = DecisionsPanel()
        self.decisions.on_correct = self.open_correction
        self.tabs = QTabWidget()
        self.tabs.setObjectName("meetingTabs")
        self.tabs.addTab(self.agenda, "A&genda")
        self.tabs.addTab(self.attendance, "A&ttendance and declarations")
        self.tabs.addTab(self.cockpit, "&Meeting mode")
        self.tabs.addTab(self.decisions, "&Decisions")
        self.tabs.currentChanged.connect(self._tab_changed)
        meeting_face = QWidget()
        meeting_layout = QVBoxLayout(meeting_face)
        meeting_layout.setContentsMargins(14, 10, 14, 8)
        meeting_layout.addLayout(meeting_header)
        meeting_layout.addWidget(self.tabs, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(list_face)
        self.stack.addWidget(meeting_face)
        self.list_face, self.meeting_face = list_face, meeting_face
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        for keys, slot, widget in (
            ("Ctrl+N", self.open_new_meeting, list_face),
            ("Alt+Home", self.show_list, meeting_face),
        ):
            shortcut = QShortcut(QKeySequence(keys), widget)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _meeting_table(self, name: str, title: str) -> QTableView:
        table = read_only_table(name, title, "Enter or a double click opens the meeting.")
        table.activated.connect(lambda index: self._open_from(table, index))
        return table

    # BoardPage -------------------------------------------------------------------------

    def attach(self, env: PageEnv) -> None:
        self.env = env
        self._stale = True
        self.scope.clear()
        self.scope.addItem(f"{env.context.board_code} meetings", env.context.board_id)
        self.scope.addItem("Every board's meetings", None)
        self.roster = self._read_roster()
        if self.meeting is not None:
            self.close_meeting_view()
        if self.isVisible():
            self.reload()

    def apply_filter(self, spec: Filter) -> None:
        if self.env is None:
            return
        view = spec.get("view")
        meeting_id = spec.get("meeting_id")
        if view == "list":
            self.show_list()
            return
        if not isinstance(meeting_id, str) and view in TABS:
            meeting_id = self._next_meeting_id()
        if isinstance(meeting_id, str):
            self.open_meeting(meeting_id, tab=view if view in TABS else None)

    def on_changed(self, topic: str) -> None:
        if self._announcing:  # our own announcement: what we show is already fresh
            return
        if topic in TOPICS or (self.meeting is not None and topic in {"plan", "risks"}):
            self._stale = True
            if self.isVisible() and not self._announce_timer.isActive():
                self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.env is not None:
            self.reload()
        # The keyboard lands where the work is: the list, or the meeting's open tab.
        if self.stack.currentWidget() is self.list_face:
            self.upcoming.setFocus()
        else:
            self._focus_tab()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.cockpit.shutdown()
        super().closeEvent(event)

    # The list -----------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the list (and the open meeting, if one is open) again."""
        env = self.env
        if env is None:
            return
        self._stale = False
        from db.permissions import Capability, allowed
        from db.services.meetings import meetings_of

        board_id = self.scope.currentData()
        try:
            with env.database.session() as s:
                listing = meetings_of(s, env.actor_id, board_id, today=env.today)
                can_create = allowed(
                    s, env.actor_id, env.context.board_id, Capability.EDIT_BUSINESS
                )
        except BoardpackError as error:
            self.notice.say(str(error))
            return
        self.new_button.setEnabled(can_create)
        why = (
            f"Create a meeting of {env.context.board_code} from its standing items (Ctrl+N)"
            if can_create
            else "Only the secretariat creates meetings and builds agendas."
        )
        self.new_button.setToolTip(why)
        self.new_button.setAccessibleDescription(why)
        self.upcoming_model.set_rows(listing.upcoming)
        self.past_model.set_rows(listing.past)
        self.upcoming_heading.setText(f"Upcoming ({len(listing.upcoming)})")
        self.past_heading.setText(f"Past ({len(listing.past)})")
        for table, model in ((self.upcoming, self.upcoming_model), (self.past, self.past_model)):
            if model.rowCount() and not table.currentIndex().isValid():
                table.setCurrentIndex(model.index(0, 0))
        if self.meeting is not None:
            self.reload_meeting()

    def _next_meeting_id(self) -> str | None:
        env = self.env
        if env is None:
            return None
        from db.services.meetings import meetings_of

        with env.database.session() as s:
            listing = meetings_of(s, env.actor_id, env.context.board_id, today=env.today)
        rows = listing.upcoming or listing.past
        return rows[0].meeting_id if rows else None

    def _open_from(self, table: QTableView, index: QModelIndex) -> None:
        model = table.model()
        if isinstance(model, MeetingListModel) and index.isValid():
            self.open_meeting(model.row(index.row()).meeting_id)

    def show_list(self) -> None:
        self.close_meeting_view()
        self.stack.setCurrentWidget(self.list_face)
        self.reload()
        self.upcoming.setFocus()

    def close_meeting_view(self) -> None:
        self.cockpit.shutdown()
        self.cockpit.set_controller(None)
        self.controller = None
        self.meeting = None

    # One meeting -------------------------------------------------------------------------

    def open_meeting(self, meeting_id: str, *, tab: str | None = None) -> None:
        """Show one meeting on its tabs (meeting mode when it is running, else the agenda)."""
        env = self.env
        if env is None:
            return
        if self.controller is None or self.controller.meeting_id != meeting_id:
            self.close_meeting_view()
            self.controller = MeetingController(
                env.database, env.actor_id, meeting_id, env.today, changed=self._changed
            )
            self.cockpit.set_controller(self.controller)
            self.cockpit.item = None
        self.cockpit.roster = tuple(Choice(p.person_id, p.name) for p in self.roster)
        self.stack.setCurrentWidget(self.meeting_face)
        self.reload_meeting()
        if self.meeting is None:
            return
        if tab is None:
            tab = "meeting-mode" if self.meeting.status == "in_progress" else "agenda"
        self.tabs.setCurrentIndex(TABS.index(tab))
        self._focus_tab()

    def reload_meeting(self) -> None:
        env, controller = self.env, self.controller
        if env is None or controller is None:
            return
        from db.services.meeting_view import meeting_view

        try:
            with env.database.session() as s:
                view = meeting_view(s, env.actor_id, controller.meeting_id, today=env.today)
        except BoardpackError as error:
            self.notice.say(str(error))
            self.show_list()
            return
        self.meeting = view
        where = f" · {view.venue}" if view.venue else ""
        start = f", {short_time(view.start_time)}" if view.start_time else ""
        self.meeting_title.setText(f"{view.board_code} — {long_date(view.meeting_date)}")
        self.meeting_facts.setText(f"{view.status_label}{start}{where}")
        why = "" if view.can_edit_agenda else "Only the secretariat edits the agenda."
        if view.status == "closed":
            why = "The meeting is closed: its agenda is part of the record."
        self.agenda.show_view(
            view, editable=view.can_edit_agenda and view.status != "closed", why_not=why
        )
        self.attendance.show_view(
            view, self.roster, editable=view.can_run and view.status != "closed"
        )
        self.cockpit.show_view(view)
        self.decisions.show_view(view)

    def _tab_changed(self, _index: int) -> None:
        self.cockpit.autosave.flush()
        self._focus_tab()

    def _focus_tab(self) -> None:
        current = self.tabs.currentWidget()
        if current is self.agenda:
            self.agenda.table.setFocus()
        elif current is self.attendance:
            self.attendance.table.setFocus()
        elif current is self.cockpit:
            self.cockpit.focus_start()
        elif current is self.decisions:
            self.decisions.table.setFocus()

    def _changed(self, topic: str) -> None:
        self._topics.add(topic)
        self._announce_timer.start()

    def _announce(self) -> None:
        env = self.env
        topics, self._topics = self._topics, set()
        if env is None:
            return
        self._announcing = True
        try:
            for topic in sorted(topics):
                env.announce(topic)
        finally:
            self._announcing = False

    def _read_roster(self) -> tuple[Any, ...]:
        env = self.env
        if env is None:
            return ()
        from db.services.meeting_choices import board_people

        with env.database.session() as s:
            return board_people(s, env.context.board_id, on=env.today)

    def people(self) -> list[Choice]:
        return self.cockpit.people_choices() if self.meeting is not None else []

    # Writes ---------------------------------------------------------------------------------

    def _write(self, fn: Any, topic: str = "meetings") -> str | None:
        env = self.env
        if env is None:
            return "The database is not open."
        try:
            with env.database.begin(env.actor_id) as s:
                fn(s, env.actor_id)
        except BoardpackError as error:
            return str(error)
        self._changed(topic)
        return None

    def _after(self, problem: str | None, title: str) -> None:
        if problem is not None:
            self.dialog = _refusal(self, problem, title)
        self.reload_meeting()

    def open_new_meeting(self) -> MeetingForm[Any] | None:
        env = self.env
        if env is None or not self.new_button.isEnabled():
            return None
        from db.services.meetings import standing_items_template
        from desktop.pages.meetings_dialogs import NewMeeting, NewMeetingDialog

        code = env.context.board_code
        standing = [title for _kind, title in standing_items_template(code)]
        rows = self.upcoming_model.rows() + self.past_model.rows()
        last = max((r.meeting_date for r in rows), default=env.today)
        suggested = max(last, env.today) + dt.timedelta(weeks=8)
        created: list[str] = []

        def submit(value: NewMeeting) -> str | None:
            from db.services.meetings import create_meeting

            def write(s: Any, actor: str | None) -> None:
                created.append(
                    create_meeting(
                        s,
                        actor,
                        env.context.board_id,
                        value.meeting_date,
                        start_time=value.start_time,
                        venue=value.venue,
                        hybrid=value.hybrid,
                    )
                )

            return self._write(write)

        dialog = NewMeetingDialog(code, standing, suggested, submit, self)

        def opened() -> None:
            if created:
                self.open_meeting(created[-1], tab="agenda")

        dialog.accepted.connect(opened)
        self.dialog = dialog
        open_keeping_focus(dialog)
        return dialog

    def _link_choices(self) -> tuple[list[Choice], list[Choice], list[Choice]]:
        env = self.env
        if env is None:
            return [], [], []
        from db.services.meeting_choices import link_choices

        with env.database.session() as s:
            links = link_choices(s, env.context.board_id)

        def choices(refs: Any) -> list[Choice]:
            return [Choice(link.id, link.label) for link in refs]

        return choices(links.actions), choices(links.risks), choices(links.kpis)

    def open_add_item(self) -> MeetingForm[Any] | None:
        return self._open_item(None)

    def open_edit_item(self, item_id: str) -> MeetingForm[Any] | None:
        return self._open_item(item_id)

    def _open_item(self, item_id: str | None) -> MeetingForm[Any] | None:
        view = self.meeting
        if view is None or not view.can_edit_agenda:
            return None
        from db.models import ItemKind
        from desktop.pages.meetings_dialogs import ItemDefaults, ItemDialog, ItemInput

        item = next((i for i in view.items if i.item_id == item_id), None)
        defaults = None
        if item is not None:
            defaults = ItemDefaults(
                item.title,
                ItemKind(item.kind),
                item.purpose,
                item.presenter_id,
                item.report_of,
                item.time_box_minutes,
                item.exempt_paragraph,
                tuple(link.id for link in item.actions),
                tuple(link.id for link in item.risks),
                tuple(link.id for link in item.kpis),
            )
        chosen = self.agenda.chosen()
        meeting_id = view.meeting_id

        def submit(value: ItemInput) -> str | None:
            from db.services import agenda

            def write(s: Any, actor: str | None) -> None:
                if item is None:
                    # A new item goes after the chosen one (at the end when none is chosen).
                    position = chosen.position + 1 if chosen is not None else None
                    ident = agenda.add_item(
                        s,
                        actor,
                        meeting_id,
                        value.title,
                        kind=value.kind,
                        position=position,
                        presenter_id=value.presenter_id,
                        report_of=value.report_of,
                        time_box_minutes=value.time_box_minutes,
                        purpose=value.purpose,
                    )
                    created.append(ident)
                else:
                    ident = item.item_id
                    agenda.update_item(
                        s,
                        actor,
                        ident,
                        title=value.title,
                        kind=value.kind,
                        purpose=value.purpose,
                        presenter_id=value.presenter_id,
                        report_of=value.report_of,
                        time_box_minutes=value.time_box_minutes,
                    )
                old = item.exempt_paragraph if item is not None else None
                if value.exempt_paragraph != old:
                    agenda.set_exempt(s, actor, ident, value.exempt_paragraph)
                agenda.link_item(
                    s,
                    actor,
                    ident,
                    action_ids=list(value.action_ids),
                    risk_ids=list(value.risk_ids),
                    kpi_ids=list(value.kpi_ids),
                )

            return self._write(write)

        created: list[str] = []
        actions, risks, kpis = self._link_choices()
        dialog = ItemDialog(
            self.people(),
            actions,
            risks,
            kpis,
            submit,
            self,
            defaults=defaults,
            number=item.number if item is not None else None,
        )

        def done() -> None:
            self.reload_meeting()
            self.agenda.select(created[-1] if created else item_id)

        dialog.accepted.connect(done)
        self.dialog = dialog
        open_keeping_focus(dialog)
        return dialog

    def open_add_paper(self, item_id: str) -> QFileDialog:
        """Choose a PDF to add to the item's papers (the file is read when chosen)."""
        dialog = QFileDialog(self, "Add a paper to the item", "", "PDF papers (*.pdf)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: self.add_paper_file(item_id, Path(path)))
        self.file_dialog = dialog
        open_keeping_focus(dialog)
        return dialog

    def add_paper_file(self, item_id: str, path: Path) -> str | None:
        """Add the PDF at `path` to the item's papers, titled after its file name."""
        from db.services.papers import add_paper

        try:
            data = path.read_bytes()
        except OSError as error:
            problem: str | None = f"could not read {path.name}: {error.strerror}"
        else:
            title = path.stem.replace("_", " ").strip() or path.name
            problem = self._write(
                lambda s, actor: add_paper(s, actor, item_id, title, data), "papers"
            )
        self._after(problem, "Paper not added")
        self.agenda.select(item_id)
        return problem

    def move_item(self, item_id: str, position: int) -> None:
        from db.services import agenda

        problem = self._write(lambda s, actor: agenda.move_item(s, actor, item_id, position))
        self._after(problem, "Item not moved")
        self.agenda.select(item_id)

    def move_paper(self, paper_id: str, position: int) -> None:
        """Put a paper at a place among its item's papers; the papers list keeps the focus."""
        from db.services import agenda

        chosen = self.agenda.chosen()
        problem = self._write(
            lambda s, actor: agenda.move_paper(s, actor, paper_id, position), "papers"
        )
        self._after(problem, "Paper not moved")
        self.agenda.select(chosen.item_id if chosen is not None else None)
        if problem is None:
            self.agenda.papers.setFocus()

    def remove_item(self, item_id: str) -> QMessageBox | None:
        view = self.meeting
        item = next((i for i in view.items if i.item_id == item_id), None) if view else None
        if item is None:
            return None
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove the item",
            f"Remove item {item.number}, “{item.title}”, from the agenda?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)

        def clicked(button: Any) -> None:
            if box.standardButton(button) != QMessageBox.StandardButton.Yes:
                return
            from db.services import agenda

            problem = self._write(lambda s, actor: agenda.remove_item(s, actor, item_id))
            self._after(problem, "Item not removed")

        box.buttonClicked.connect(clicked)
        self.dialog = box
        open_keeping_focus(box)
        return box

    def remove_paper(self, paper_id: str) -> QMessageBox | None:
        """Take a paper off its item; ask first when members have annotated it."""
        env, view = self.env, self.meeting
        if env is None or view is None:
            return None
        item = next((i for i in view.items if any(p.id == paper_id for p in i.papers)), None)
        if item is None:
            return None
        title = next(p.label for p in item.papers if p.id == paper_id)
        from db.services import agenda

        try:
            with env.database.session() as s:
                annotated = agenda.paper_annotation_count(s, env.actor_id, paper_id)
        except BoardpackError as error:
            self._after(str(error), "Paper not removed")
            return None

        def remove() -> None:
            problem = self._write(
                lambda s, actor: agenda.remove_paper(s, actor, paper_id), "papers"
            )
            self._after(problem, "Paper not removed")
            self.agenda.select(item.item_id)
            self.agenda.papers.setFocus()

        if not annotated:
            remove()
            return None
        notes = "1 annotation" if annotated == 1 else f"{annotated} annotations"
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove the paper",
            f"Take “{title}” off item {item.number}?\n\n"
            f"Members have made {notes} on this paper. They are kept with the paper: it "
            "leaves the item but stays among the meeting's papers (listed after the "
            "agenda's), so no one loses their notes.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAccessibleName(f"Remove the paper {title}")

        def clicked(button: Any) -> None:
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                remove()

        box.buttonClicked.connect(clicked)
        self.dialog = box
        open_keeping_focus(box)
        return box

    def open_correction(self, decision_id: str) -> MeetingForm[Any] | None:
        """Correct a decision of the closed meeting: a new decision citing it."""
        view = self.meeting
        if view is None:
            return None
        decision = next((d for d in view.decisions if d.decision_id == decision_id), None)
        if decision is None:
            return None
        from desktop.pages.decision_correction import (
            CorrectionDialog,
            CorrectionInput,
            correction_wording,
        )

        recorded: list[Any] = []

        def submit(value: CorrectionInput) -> str | None:
            from db.services.decisions import correct_decision

            wording = correction_wording(value.wording, decision.number, value.reason)
            return self._write(
                lambda s, actor: recorded.append(correct_decision(s, actor, decision_id, wording))
            )

        label = f"meeting of {long_date(view.meeting_date)}"
        dialog = CorrectionDialog(decision, label, submit, self)

        def done() -> None:
            self.reload_meeting()
            if recorded:
                self.decisions.select(recorded[-1].decision_id)
                self.dialog = self._correction_recorded(decision.number, recorded[-1].number)

        dialog.accepted.connect(done)
        self.dialog = dialog
        open_keeping_focus(dialog)
        return dialog

    def _correction_recorded(self, old: str, new: str) -> QMessageBox:
        """Say what was recorded, and where the minutes stand with it."""
        env, view = self.env, self.meeting
        minutes = None
        if env is not None and view is not None:
            from db.minutes.lifecycle import latest_version

            with env.database.session() as s:
                minutes = latest_version(s, view.meeting_id)
        if minutes is None:
            after = "The minutes of the meeting, when drafted, will state both decisions."
        elif minutes.status == "signed":
            after = (
                f"The signed minutes (version {minutes.version}) are not changed: a correction "
                "of the minutes is a new version, started on the Minutes page."
            )
        else:
            held = "circulated or signed" if minutes.status == "draft" else "signed"
            after = (
                f"Version {minutes.version} of the minutes ({minutes.status}) was made before "
                f"the correction and does not state it, so it cannot be {held} until it does."
            )
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Correction recorded",
            f"Decision {new} was recorded, correcting {old}. {old} stays on record as it "
            f"was taken, marked “Corrected by {new}”.\n\n{after}",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAccessibleName(f"Correction recorded: {new} corrects {old}")
        open_keeping_focus(box)
        return box

    def set_attendance(self, person_id: str, status: str, mode: str, capacity: str) -> str | None:
        if self.controller is None:
            return None
        from db.models import AttendanceMode, AttendanceStatus, Capacity

        problem = self.controller.set_attendance(
            person_id, AttendanceStatus(status), AttendanceMode(mode), Capacity(capacity)
        )
        self._after(problem, "Attendance not recorded")
        return problem

    def open_movement(self, person_id: str, *, arrival: bool) -> MeetingForm[Any] | None:
        view, controller = self.meeting, self.controller
        if view is None or controller is None:
            return None
        items = [Choice(i.item_id, f"{i.number}. {i.title}") for i in view.items]
        name = next((r.name for r in self.attendance.model.rows() if r.person_id == person_id), "")

        def submit(chosen: ItemChosen) -> str | None:
            if arrival:
                return controller.record_arrival(person_id, chosen.item_id)
            return controller.record_departure(person_id, chosen.item_id)

        title = f"{name} arrived at item" if arrival else f"{name} left after item"
        dialog = ItemChoiceDialog(title, items, view.current_item_id, submit, self)
        dialog.finished.connect(lambda _r: self.reload_meeting())
        self.dialog = dialog
        open_keeping_focus(dialog)
        return dialog

    def open_declaration(self) -> MeetingForm[Any] | None:
        view, controller = self.meeting, self.controller
        if view is None or controller is None or not view.can_run:
            return None
        from desktop.pages.meetings_dialogs import DeclarationDialog, DeclarationInput

        people = [Choice(r.person_id, r.name) for r in self.attendance.model.rows()]
        items = [Choice(i.item_id, f"{i.number}. {i.title}") for i in view.items]
        chosen = self.attendance.chosen()

        def submit(value: DeclarationInput) -> str | None:
            return controller.add_declaration(
                value.person_id, value.interest, value.item_id, value.action_taken
            )

        dialog = DeclarationDialog(people, items, submit, self, item_id=None)
        if chosen is not None:
            dialog.person.setCurrentIndex(max(dialog.person.findData(chosen.person_id), 0))
        dialog.finished.connect(lambda _r: self.reload_meeting())
        self.dialog = dialog
        open_keeping_focus(dialog)
        return dialog

    # For tests and checks ----------------------------------------------------------------

    def visible_meetings(self) -> tuple[list[str], list[str]]:
        """The refs of the upcoming and past meetings listed."""
        return (
            [r.ref for r in self.upcoming_model.rows()],
            [r.ref for r in self.past_model.rows()],
        )
