"""The Minutes page: a meeting's minutes from draft to signed, their exports, and the action log.

Choose a board and one of its closed meetings (newest first); the page lists
the meeting's minutes versions with their status — draft, circulated,
approved, signed — who approved and signed them, when, and the record hash.
Below, the chosen version's items: the clerk's summary of discussion,
edited section by section and saved as it is typed (`desktop.minutes.editor`
says why), beside the item's decisions and actions arising, read-only.

The lifecycle buttons act on the newest version and appear only for those
whose role may use them (the secretariat drafts, circulates and starts
corrections; the chair approves between meetings and signs; whoever runs
meetings records an approval by a later meeting's decision). The rights and
the order are enforced by `db.minutes`; a refusal is shown in a dialog.
Exports (full or public, PDF or HTML, optionally signed with the chair's
PKCS#12), the signature check, the action log and the signing certificates
are `desktop.minutes.outputs`, which runs them on the page's own background
worker behind a progress dialog.

A decision number of the meeting that another decision also took (two laptops
recording offline) shows as a warning line above the buttons, for the
secretariat and the chair, with "Renumber…": the later decision gets the next
free number (`db.services.decisions.renumber_decision`); until then the
minutes are not circulated or approved.

Unsigned minutes made before a decision of the meeting changed (corrected,
amended, renumbered: `db.minutes.refresh`) show a warning line saying, in
words, what changed, with "Bring the minutes up to date" for the secretariat:
a new draft from the record that keeps every section's text as edited. A
section it kept whose decisions changed is listed as marked for review, with
"Mark as reviewed"; editing the section also clears it. Signed minutes are
never changed: the warning is for the newest version only when it is unsigned.

`apply_filter` takes {"meeting_id": id} (and optionally "version_id") and
{"item": n} to show item n of the version shown.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QHideEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from desktop.meeting_mode.dialogs import open_keeping_focus
from desktop.minutes.controller import MeetingMinutes, MinutesController
from desktop.minutes.editor import SectionEditor
from desktop.minutes.models import VersionListModel, when
from desktop.minutes.outputs import MinutesOutputs
from desktop.pages.base import Filter, PageEnv
from desktop.pages.plan_detail import alert_colour
from widgets.page_parts import Notice, fixed_columns, heading, muted, read_only_table

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from db.minutes import RecordChange
    from db.services.meetings import MeetingRow
    from desktop.minutes.dialogs import Approval

TOPICS = frozenset({"minutes", "meetings"})

NEXT_STEP = {
    None: "Not drafted yet: the secretariat generates the draft from the meeting record.",
    "draft": "Draft: the secretariat edits it, then circulates it to members for comment.",
    "circulated": "Circulated: approved as a correct record by a decision of a later "
    "meeting, or by the chair between meetings.",
    "approved": "Approved: the chair signs it, which freezes the text.",
    "signed": "Signed and frozen: a correction is a new version through the same steps.",
}


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _long_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%B %Y}"


class MinutesPage(QWidget):
    """One meeting's minutes: versions, section editor, lifecycle, exports, the action log."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-minutes")
        self.setAccessibleName("Minutes page")
        self.env: PageEnv | None = None
        self.controller: MinutesController | None = None
        self.minutes: MeetingMinutes | None = None
        self.meeting_rows: tuple[MeetingRow, ...] = ()
        self.dialog: QDialog | None = None
        self.outputs = MinutesOutputs(self)
        self._stale = True
        self._announcing = False
        self._board_names: dict[str, str] = {}

        # Header: board, meeting, the page-wide tools --------------------------------------
        self.title = heading("Minutes", 1.5)
        self.board = QComboBox()
        self.board.setAccessibleName("Board")
        self.board.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.board.activated.connect(lambda _i: self._board_chosen())
        self.meeting = QComboBox()
        self.meeting.setAccessibleName("Meeting (closed meetings, newest first)")
        self.meeting.setMinimumContentsLength(34)
        self.meeting.activated.connect(lambda _i: self.show_meeting())
        self.verify_button = QPushButton("Verify a signed PDF…")
        self.verify_button.setAccessibleName("Verify a signed minutes PDF")
        self.verify_button.clicked.connect(self.outputs.verify_signed_pdf)
        self.action_log_button = QPushButton("Action log…")
        self.action_log_button.setAccessibleName("Export the board's action log")
        self.action_log_button.setToolTip("The board's action log as PDF, XLSX or CSV.")
        self.action_log_button.clicked.connect(self.outputs.export_action_log)
        self.certificates_button = QPushButton("Certificates")
        self.certificates_button.setAccessibleName("Signing certificates")
        menu = QMenu(self.certificates_button)
        self.create_ca_action = menu.addAction("Create the board's signing CA…")
        self.create_ca_action.triggered.connect(self.outputs.open_create_ca)
        self.issue_action = menu.addAction("Issue the chair's certificate…")
        self.issue_action.triggered.connect(self.outputs.open_issue_certificate)
        self.import_action = menu.addAction("Import a council certificate…")
        self.import_action.triggered.connect(self.outputs.import_certificate)
        self.certificates_button.setMenu(menu)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(12)
        board_label = QLabel("&Board:")
        board_label.setBuddy(self.board)
        meeting_label = QLabel("M&eeting:")
        meeting_label.setBuddy(self.meeting)
        header.addWidget(board_label)
        header.addWidget(self.board)
        header.addSpacing(8)
        header.addWidget(meeting_label)
        header.addWidget(self.meeting)
        header.addStretch(1)
        header.addWidget(self.verify_button)
        header.addWidget(self.action_log_button)
        header.addWidget(self.certificates_button)

        # Versions and the record --------------------------------------------------------
        self.versions_model = VersionListModel(self)
        self.versions = read_only_table(
            "minutesVersions",
            "Minutes versions",
            "Choose a version to read it; the newest is the one the buttons act on.",
        )
        self.versions.setModel(self.versions_model)
        fixed_columns(self.versions, {0: 100, 1: 90, 2: 150, 3: 300, 4: 260}, 5)
        self.versions.selectionModel().currentRowChanged.connect(lambda *_a: self._version_chosen())
        self.record = QLabel("")
        self.record.setObjectName("minutesRecord")
        self.record.setWordWrap(True)
        self.record.setTextFormat(Qt.TextFormat.PlainText)
        self.record.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # Decision numbers taken twice offline ---------------------------------------------
        self.shared_warning = QLabel("")
        self.shared_warning.setObjectName("minutesSharedNumbers")
        self.shared_warning.setWordWrap(True)
        self.shared_warning.setTextFormat(Qt.TextFormat.PlainText)
        warning = self.shared_warning.palette()  # a palette, not a style sheet: the font follows
        warning.setColor(QPalette.ColorRole.WindowText, QColor(alert_colour(self.palette())))
        self.shared_warning.setPalette(warning)
        self.renumber_button = QPushButton("Re&number…")
        self.renumber_button.setAccessibleName("Renumber the later decision")
        self.renumber_button.setToolTip(
            "Give the decision recorded later the board's next free number (a new version)."
        )
        self.renumber_button.clicked.connect(self.renumber)
        self.shared_row = QWidget()
        shared_layout = QHBoxLayout(self.shared_row)
        shared_layout.setContentsMargins(0, 0, 0, 0)
        shared_layout.addWidget(self.shared_warning, 1)
        shared_layout.addWidget(self.renumber_button)
        self.shared_row.hide()

        # Decisions changed since the newest (unsigned) version was made ---------------------
        self.stale_warning = QLabel("")
        self.stale_warning.setObjectName("minutesStale")
        self.stale_warning.setWordWrap(True)
        self.stale_warning.setTextFormat(Qt.TextFormat.PlainText)
        self.stale_warning.setPalette(warning)
        self.refresh_button = QPushButton("Bring the minutes &up to date")
        self.refresh_button.setAccessibleName("Bring the minutes up to date")
        self.refresh_button.setToolTip(
            "Make a new draft from the meeting's record, keeping every section as edited."
        )
        self.refresh_button.clicked.connect(self.bring_up_to_date)
        self.reviewed_button = QPushButton("Mark as re&viewed")
        self.reviewed_button.setAccessibleName("Mark the flagged sections as reviewed")
        self.reviewed_button.setToolTip(
            "You have checked the sections listed: their text agrees with their decisions."
        )
        self.reviewed_button.clicked.connect(self.mark_reviewed)
        self.stale_row = QWidget()
        stale_layout = QHBoxLayout(self.stale_row)
        stale_layout.setContentsMargins(0, 0, 0, 0)
        stale_layout.addWidget(self.stale_warning, 1)
        stale_layout.addWidget(self.refresh_button)
        stale_layout.addWidget(self.reviewed_button)
        self.stale_row.hide()
        self.changes: tuple[RecordChange, ...] = ()
        self.flagged: tuple[str, ...] = ()

        # Lifecycle --------------------------------------------------------------------------
        self.draft_button = QPushButton("&Generate the draft")
        self.draft_button.setToolTip("Draft the minutes from the meeting's record.")
        self.draft_button.clicked.connect(self.generate_draft)
        self.circulate_button = QPushButton("&Circulate…")
        self.circulate_button.setToolTip("Send the draft to members for comment.")
        self.circulate_button.clicked.connect(self.circulate)
        self.approve_button = QPushButton("&Approve…")
        self.approve_button.setToolTip(
            "Record the minutes as approved: by a later meeting's decision, or by the chair."
        )
        self.approve_button.clicked.connect(self.open_approve)
        self.sign_button = QPushButton("&Sign…")
        self.sign_button.setToolTip("The chair signs approved minutes; the text is then frozen.")
        self.sign_button.clicked.connect(self.sign)
        self.correct_button = QPushButton("Start a co&rrection")
        self.correct_button.setToolTip(
            "A new version of signed minutes, approved and signed again."
        )
        self.correct_button.clicked.connect(self.start_correction)
        self.export_button = QPushButton("E&xport…")
        self.export_button.setToolTip("Full or public minutes, PDF or HTML, optionally signed.")
        self.export_button.clicked.connect(self.outputs.open_export)
        self.next_step = muted("")
        self.next_step.setObjectName("minutesNextStep")
        actions = QHBoxLayout()
        for button in (
            self.draft_button,
            self.circulate_button,
            self.approve_button,
            self.sign_button,
            self.correct_button,
        ):
            actions.addWidget(button)
        actions.addSpacing(8)
        actions.addWidget(self.next_step, 1)
        actions.addWidget(self.export_button)

        self.notice = Notice()
        self.editor = SectionEditor(self._save_section)
        self.editor.refused.connect(lambda problem: self.refuse(problem, "Not saved"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 8)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.versions)
        layout.addWidget(self.record)
        layout.addWidget(self.shared_row)
        layout.addWidget(self.stale_row)
        layout.addLayout(actions)
        layout.addWidget(self.notice)
        layout.addWidget(self.editor, 1)

    # BoardPage --------------------------------------------------------------------------

    def attach(self, env: PageEnv) -> None:
        self.editor.save_now()
        self.env = env
        self.controller = MinutesController(env.database, env.actor_id, env.today)
        self.minutes = None
        self._stale = True
        self.board.clear()
        try:
            boards = self.controller.boards()
        except BoardpackError as error:
            self.notice.say(str(error))
            boards = ()
        for board in boards:
            self.board.addItem(board.code, board.board_id)
            self.board.setItemData(self.board.count() - 1, board.name, Qt.ItemDataRole.ToolTipRole)
        self._board_names = {board.code: board.name for board in boards}
        index = self.board.findData(env.context.board_id)
        self.board.setCurrentIndex(max(index, 0))
        if self.isVisible():
            self.reload()

    def apply_filter(self, spec: Filter) -> None:
        if self.env is None:
            return
        if self._stale:
            self.reload()
        meeting_id = spec.get("meeting_id")
        if isinstance(meeting_id, str):
            self._choose_meeting(meeting_id, spec.get("version_id"))
        item = spec.get("item")
        if isinstance(item, int):
            self.editor.select(item)

    def _choose_meeting(self, meeting_id: str, version_id: object) -> None:
        row = next((r for r in self.meeting_rows if r.meeting_id == meeting_id), None)
        if row is None:
            for i in range(self.board.count()):
                self.board.setCurrentIndex(i)
                self._read_meetings()
                row = next((r for r in self.meeting_rows if r.meeting_id == meeting_id), None)
                if row is not None:
                    break
        if row is None:
            self.notice.say("That meeting has no minutes here: only closed meetings have minutes.")
            return
        self.meeting.setCurrentIndex(self.meeting.findData(meeting_id))
        self.show_meeting(version_id if isinstance(version_id, str) else None)

    def on_changed(self, topic: str) -> None:
        if self._announcing or topic not in TOPICS:
            return
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.env is not None:
            self.reload()
        self.editor.table.setFocus()  # the keyboard lands on the items

    def hideEvent(self, event: QHideEvent) -> None:
        self.editor.save_now()
        super().hideEvent(event)

    def shutdown(self, timeout_ms: int = 15_000) -> None:
        """Save what is typed and stop the export worker (an export in progress finishes)."""
        self.editor.save_now()
        self.outputs.shutdown(timeout_ms)

    # Reading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the board's closed meetings and the chosen meeting's minutes again."""
        if self.env is None:
            return
        self._stale = False
        self._read_meetings()
        self.show_meeting(self._shown_here())

    def _shown_here(self) -> str | None:
        """The id of the version shown, if it is of the meeting still chosen."""
        m = self.minutes
        if m is None or m.shown is None or m.meeting.meeting_id != self.meeting.currentData():
            return None
        return m.shown.version_id

    def _board_chosen(self) -> None:
        self.editor.save_now()
        self._read_meetings()
        self.show_meeting()

    def _read_meetings(self) -> None:
        controller = self.controller
        board_id = self.board.currentData()
        if controller is None:
            return
        keep = self.meeting.currentData()
        self.meeting.clear()
        self.meeting_rows = ()
        if board_id is None:
            return
        try:
            rows = controller.closed_meetings(board_id)
            latest = controller.latest_statuses(rows)
        except BoardpackError as error:
            self.notice.say(str(error))
            return
        self.meeting_rows = rows
        for row in rows:
            status = latest.get(row.meeting_id)
            state = f"{status[1]} (v{status[0]})" if status else "no minutes yet"
            self.meeting.addItem(f"{_long_date(row.meeting_date)} — {state}", row.meeting_id)
        index = self.meeting.findData(keep)
        self.meeting.setCurrentIndex(max(index, 0) if rows else -1)

    def show_meeting(self, version_id: str | None = None) -> None:
        """Show the chosen meeting's versions and the chosen (else newest) version."""
        self.editor.save_now()
        controller = self.controller
        meeting_id = self.meeting.currentData()
        row = next((r for r in self.meeting_rows if r.meeting_id == meeting_id), None)
        if controller is None or row is None:
            self.minutes = None
            self.versions_model.set_rows(())
            self.editor.clear("This board has no closed meeting yet: minutes follow a meeting.")
            self._show_state()
            return
        try:
            minutes = controller.read(row, version_id)
        except BoardpackError as error:
            self.minutes = None
            self.versions_model.set_rows(())
            self.editor.clear(str(error)[:1].upper() + str(error)[1:] + ".")
            self._show_state()
            return
        self.minutes = minutes
        self.versions_model.set_rows(minutes.versions)
        shown = minutes.shown
        if shown is not None:
            at = self.versions_model.find(lambda v: v.version_id == shown.version_id)
            self.versions.blockSignals(True)
            self.versions.selectionModel().blockSignals(True)
            self.versions.setCurrentIndex(self.versions_model.index(at, 0))
            self.versions.selectionModel().blockSignals(False)
            self.versions.blockSignals(False)
        self._fit_versions()
        if minutes.doc is None:
            problem = minutes.unreadable or "these minutes cannot be read"
            self.editor.clear(problem[:1].upper() + problem[1:] + ".")
            self._show_state()
            return
        self.editor.show_doc(
            minutes.doc,
            minutes.shown.version_id if minutes.shown else None,
            editable=minutes.editable,
            why_not=self._why_read_only(minutes),
        )
        self._show_state()

    def _fit_versions(self) -> None:
        rows = max(self.versions_model.rowCount(), 1)
        header = self.versions.horizontalHeader().height() or 24
        row_height = self.versions.verticalHeader().defaultSectionSize()
        self.versions.setFixedHeight(header + row_height * min(rows, 4) + 4)

    def _version_chosen(self) -> None:
        index = self.versions.currentIndex()
        if not index.isValid() or self.minutes is None:
            return
        chosen = self.versions_model.row(index.row())
        if self.minutes.shown is None or chosen.version_id != self.minutes.shown.version_id:
            self.show_meeting(chosen.version_id)

    def _why_read_only(self, minutes: MeetingMinutes) -> str:
        shown, latest, rights = minutes.shown, minutes.latest, minutes.rights
        if shown is None:
            return "A preview of the draft the meeting's record gives; nothing is saved yet."
        if not rights.read_exempt:
            return "The public minutes: exempt items are withheld."
        if latest is not None and shown.version_id != latest.version_id:
            return f"Version {shown.version} has been replaced by version {latest.version}."
        if shown.status == "signed":
            return "Signed: the text is frozen. A correction starts a new version."
        if shown.status == "approved":
            return "Approved: the text is final; the chair signs it next."
        if not rights.edit:
            return "Read-only: the secretariat edits the minutes."
        return ""

    def _show_state(self) -> None:
        minutes = self.minutes
        rights = minutes.rights if minutes is not None else None
        latest = minutes.latest if minutes is not None else None
        status = latest.status if latest is not None else None
        edit = bool(rights and rights.edit)
        shown = {
            self.draft_button: edit,
            self.circulate_button: edit,
            self.approve_button: bool(rights and (rights.approve or rights.run)),
            self.sign_button: bool(rights and rights.approve),
            self.correct_button: edit,
        }
        enabled = {
            self.draft_button: minutes is not None and latest is None,
            self.circulate_button: status == "draft",
            self.approve_button: status == "circulated",
            self.sign_button: status == "approved",
            self.correct_button: status == "signed",
        }
        for button, visible in shown.items():
            button.setVisible(visible)
            button.setEnabled(enabled[button])
        self.export_button.setEnabled(minutes is not None)
        self.action_log_button.setEnabled(self.board.currentData() is not None)
        self.certificates_button.setVisible(edit)
        self.next_step.setText(NEXT_STEP.get(status, "") if minutes is not None else "")
        self.record.setText(self._record_text())
        self._show_shared()
        self._show_stale()

    def _show_shared(self) -> None:
        shared = self.minutes.shared if self.minutes is not None else ()
        self.shared_row.setVisible(bool(shared))
        if not shared:
            self.shared_warning.setText("")
            return
        lines = []
        for duplicate in shared:
            later = "; ".join(
                f"“{_short(d.wording)}” (recorded {when(d.recorded_at)}"
                + (f" by {d.recorded_by})" if d.recorded_by else ")")
                for d in duplicate.later
            )
            lines.append(
                f"Warning: decision number {duplicate.number} was taken by "
                f"{len(duplicate.decisions)} decisions recorded offline on different laptops. "
                f"Renumber the later: {later}."
            )
        lines.append("The minutes cannot be circulated or approved until then.")
        text = "\n".join(lines)
        self.shared_warning.setText(text)
        self.shared_warning.setAccessibleName(text)
        rights = self.minutes.rights if self.minutes is not None else None
        self.renumber_button.setVisible(bool(rights and rights.run))

    def _read_stale(self) -> tuple[tuple[RecordChange, ...], tuple[str, ...]]:
        """What changed in the record since the newest version, and its flagged sections."""
        minutes, controller = self.minutes, self.controller
        latest = minutes.latest if minutes is not None else None
        if (
            minutes is None
            or controller is None
            or latest is None
            or latest.status == "signed"  # frozen: a later change is its own record
            or not minutes.rights.read_exempt
        ):
            return (), ()
        from db.minutes import flagged_sections, record_changes

        try:
            with controller.database.session() as s:
                return (
                    record_changes(s, controller.actor_id, latest.version_id),
                    flagged_sections(s, controller.actor_id, latest.version_id),
                )
        except (BoardpackError, ValueError):
            return (), ()

    def _show_stale(self) -> None:
        self.changes, self.flagged = self._read_stale()
        minutes, latest = self.minutes, self._latest()
        edit = bool(minutes is not None and minutes.rights.edit)
        self.stale_row.setVisible(bool(self.changes or self.flagged))
        if latest is None or not (self.changes or self.flagged):
            self.stale_warning.setText("")
            return
        lines = [f"Warning: {change.text}." for change in self.changes]
        if self.changes:  # each of these would be refused: the warning says why
            for button in (self.circulate_button, self.approve_button, self.sign_button):
                button.setEnabled(False)
            again = {
                "draft": "circulated or signed",
                "circulated": "approved or signed",
                "approved": "signed",
            }.get(latest.status, "signed")
            lines.append(
                f"Version {latest.version} cannot be {again} until the minutes are brought up "
                "to date: a new draft from the record, keeping every section as edited"
                + ("." if edit else " (the secretariat does this).")
            )
        if self.flagged:
            self.circulate_button.setEnabled(False)  # refused until reviewed: the line says why
            lines.append(
                "Marked for review: "
                + "; ".join(self.flagged)
                + ". Your edit was kept, but the item's decisions changed: check the text "
                "agrees with them, then edit it or mark it reviewed. Until then the minutes "
                "are not circulated."
            )
        text = "\n".join(lines)
        self.stale_warning.setText(text)
        self.stale_warning.setAccessibleName(text)
        self.refresh_button.setVisible(edit and bool(self.changes))
        self.reviewed_button.setVisible(edit and bool(self.flagged) and not self.changes)

    def _record_text(self) -> str:
        minutes = self.minutes
        if minutes is None or minutes.shown is None:
            return ""
        v = minutes.shown
        parts = [f"Version {v.version}: {v.status_label}."]
        if v.circulated_at:
            parts.append(f"Sent to members {when(v.circulated_at)}.")
        if v.approved_by:
            parts.append(f"Approved as a correct record by {v.approved_by}.")
        if v.signed_by:
            parts.append(f"Signed by {v.signed_by}, {when(v.signed_at)}.")
        if v.content_hash:
            parts.append(f"Record hash (SHA-256): {v.content_hash}")
        return " ".join(parts)

    # Writes ---------------------------------------------------------------------------------

    def _save_section(self, version_id: str, key: str, text: str) -> str | None:
        if self.controller is None:
            return "the database is not open"
        # No announcement: no other page shows the minutes' text, and the dashboard
        # need not be re-read on every autosave.
        problem = self.controller.edit_section(version_id, key, text)
        if problem is None and self.flagged:
            self._show_state()  # an edited section is no longer marked for review
        return problem

    def _act(self, fn: Any, done: str, title: str) -> str | None:
        """Save what is typed, run one lifecycle write, then read the meeting again."""
        if not self.editor.save_now():
            return self.editor.autosave.problem
        problem: str | None = fn()
        if problem is not None:
            self.refuse(problem, title)
        else:
            self.notice.say(done)
            self._announce("minutes")
        self._read_meetings_keeping()
        return problem

    def _read_meetings_keeping(self) -> None:
        meeting_id = self.meeting.currentData()
        self._read_meetings()
        self.meeting.setCurrentIndex(max(self.meeting.findData(meeting_id), 0))
        self.show_meeting()

    def _latest(self) -> Any:
        return self.minutes.latest if self.minutes is not None else None

    def generate_draft(self) -> str | None:
        minutes, controller = self.minutes, self.controller
        if minutes is None or controller is None:
            return None
        meeting_id = minutes.meeting.meeting_id
        return self._act(
            lambda: controller.create_draft(meeting_id),
            "Draft generated from the meeting's record: edit each item's summary, then circulate.",
            "Draft not generated",
        )

    def _confirm(self, title: str, text: str, yes: str, then: Any) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, self
        )
        go = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(go)
        box.setAccessibleName(title)

        def clicked(button: Any) -> None:
            if button is go:
                then()

        box.buttonClicked.connect(clicked)
        self.dialog = box
        open_keeping_focus(box)
        return box

    def circulate(self) -> QMessageBox | None:
        latest, controller = self._latest(), self.controller
        if latest is None or controller is None:
            return None
        return self._confirm(
            "Circulate the draft",
            f"Circulate version {latest.version} to the board's members for comment? "
            "It can still be edited until it is approved.",
            "Circulate",
            lambda: self._act(
                lambda: controller.circulate(latest.version_id),
                f"Version {latest.version} circulated to members.",
                "Not circulated",
            ),
        )

    def open_approve(self) -> QDialog | None:
        minutes, controller = self.minutes, self.controller
        latest = self._latest()
        if minutes is None or controller is None or latest is None:
            return None
        if not self.editor.save_now():
            return None
        from desktop.minutes.dialogs import ApproveDialog

        try:
            decisions = (
                controller.approving_decisions(minutes.meeting) if minutes.rights.run else ()
            )
        except BoardpackError as error:
            self.refuse(str(error), "Not approved")
            return None

        def submit(value: Approval) -> str | None:
            problem = controller.approve(latest.version_id, value.decision_id)
            if problem is None:
                self.notice.say(f"Version {latest.version} approved as a correct record.")
                self._announce("minutes")
            return problem

        dialog = ApproveDialog(
            f"the meeting held on {_long_date(minutes.meeting.meeting_date)}",
            decisions,
            submit,
            self,
            by_decision=minutes.rights.run,
            by_chair=minutes.rights.approve,
        )
        dialog.accepted.connect(self._read_meetings_keeping)
        self.dialog = dialog
        open_keeping_focus(dialog)
        return dialog

    def sign(self) -> QMessageBox | None:
        minutes, latest, controller = self.minutes, self._latest(), self.controller
        if minutes is None or latest is None or controller is None:
            return None

        def signed() -> None:
            problem = self._act(lambda: controller.sign(latest.version_id), "", "Not signed")
            after = self._latest()
            if problem is None and after is not None:
                self.notice.say(
                    f"Version {after.version} signed by {after.signed_by}, "
                    f"{when(after.signed_at)}; record hash {after.content_hash}. "
                    "The text is now frozen."
                )

        return self._confirm(
            "Sign the minutes",
            f"Sign version {latest.version} of the minutes of the meeting held on "
            f"{_long_date(minutes.meeting.meeting_date)} as a correct record?\n\n"
            "Signing freezes the text and records its SHA-256 hash: after this, any "
            "change is a correction, a new version approved and signed again.",
            "Sign",
            signed,
        )

    def start_correction(self) -> QMessageBox | None:
        latest, controller = self._latest(), self.controller
        if latest is None or controller is None:
            return None
        return self._confirm(
            "Start a correction",
            f"Start version {latest.version + 1}, a correction of signed version "
            f"{latest.version}? Version {latest.version} stays as signed; the correction "
            "goes through circulation, approval and signature again.",
            "Start the correction",
            lambda: self._act(
                lambda: controller.start_correction(latest.version_id),
                f"Version {latest.version + 1} started as a draft correction.",
                "Correction not started",
            ),
        )

    def bring_up_to_date(self) -> QMessageBox | None:
        latest, controller = self._latest(), self.controller
        if latest is None or controller is None or not self.changes:
            return None
        from db.minutes import Refreshed
        from db.minutes import bring_up_to_date as refresh

        done: list[Refreshed] = []
        again = {
            "circulated": f" Version {latest.version} was circulated: the new draft is "
            "circulated again.",
            "approved": f" Version {latest.version} was approved: the new draft is circulated "
            "and approved again before the chair signs it.",
        }.get(latest.status, "")

        def go() -> None:
            problem = self._act(
                lambda: controller.write(
                    lambda s, a: done.append(refresh(s, a, latest.version_id))
                ),
                "",
                "Minutes not brought up to date",
            )
            if problem is not None or not done:
                return
            result = done[0]
            kept = (
                f" {result.kept} edited section{'s' if result.kept != 1 else ''} kept."
                if result.kept
                else ""
            )
            review = (
                " Check the section marked for review: " + "; ".join(result.flagged) + "."
                if result.flagged
                else ""
            )
            self.notice.say(
                f"Version {result.version.version} drafted from the meeting's record: it states "
                f"the decisions as recorded now.{kept}{review}"
            )
            if result.flagged:
                self.editor.select(int(result.flagged[0].split(".", 1)[0]))

        return self._confirm(
            "Bring the minutes up to date",
            f"Make version {latest.version + 1}, a new draft from the meeting's record? "
            "It states every decision as recorded now; each section keeps its text as "
            f"edited. Version {latest.version} stays as it is.{again}",
            "Bring up to date",
            go,
        )

    def mark_reviewed(self) -> str | None:
        latest, controller = self._latest(), self.controller
        if latest is None or controller is None or not self.flagged:
            return None
        from db.minutes import mark_reviewed as reviewed

        return self._act(
            lambda: controller.write(lambda s, a: reviewed(s, a, latest.version_id, "all")),
            "Sections marked as reviewed: the minutes can be circulated.",
            "Not marked as reviewed",
        )

    def renumber(self) -> QMessageBox | None:
        minutes, controller = self.minutes, self.controller
        if minutes is None or controller is None or not minutes.shared:
            return None
        shared = minutes.shared
        later = [d for duplicate in shared for d in duplicate.later]
        numbers = ", ".join(dict.fromkeys(d.number for d in later))

        def go() -> None:
            done, problem = controller.renumber(shared)
            if problem is not None:
                self.refuse(problem, "Not renumbered")
            else:
                self.notice.say(
                    "Renumbered: " + "; ".join(done) + ". The unsigned minutes state the new "
                    "number; the earlier number stays in the decision's history."
                )
                self._announce("minutes")
            self._read_meetings_keeping()

        return self._confirm(
            "Renumber the later decision",
            f"Give the decision{'s' if len(later) != 1 else ''} recorded later under "
            f"{numbers} the board's next free number? The decision, its wording and votes "
            "stay as recorded; the renumbering is a new version, synced to every laptop.",
            "Renumber",
            go,
        )

    # For the outputs (desktop.minutes.outputs.OutputsHost) ------------------------------

    def board_code(self) -> str | None:
        return self.board.currentText() or None

    def board_name(self) -> str:
        code = self.board.currentText()
        return self._board_names.get(code, code)

    def chair_name(self) -> str:
        viewer = self.env.context.viewer if self.env is not None else None
        return viewer.name if viewer is not None else ""

    def save_typing(self) -> bool:
        return self.editor.save_now()

    def keep(self, dialog: QDialog) -> None:
        """Open `dialog` window-modal, kept so tests and the keyboard can reach it."""
        self.dialog = dialog
        open_keeping_focus(dialog)

    # Messages -------------------------------------------------------------------------------

    def refuse(self, problem: str, title: str) -> QMessageBox:
        text = problem[:1].upper() + problem[1:]
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAccessibleName(f"{title}: {problem}")
        self.dialog = box
        open_keeping_focus(box)
        return box

    def _announce(self, topic: str) -> None:
        env = self.env
        if env is None:
            return
        self._announcing = True
        try:
            env.announce(topic)
        finally:
            self._announcing = False
