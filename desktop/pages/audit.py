"""The Audit log page: every write, filtered by record, person and date, and its check.

Reads through `db.services.audit` (which asks for the right to read exempt
items: the log holds their old and new values) in one short session per
refresh; the table shows the frozen rows (`desktop.audit_view.AuditModel`)
and the selected event's values before and after. "Check the log" runs
`db.audit_chain.verify` and says what it found. The page also carries the
laptop's safety commands: "Backups…" (list, take, restore:
`desktop.backup_dialog`) and "Wipe this laptop…". `apply_filter` takes
{"record": id or table}, {"person_id": id}, {"since": date}, {"until": date}.
The page loads nothing until first shown and refreshes after any write.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from desktop.audit_view import FIELDS, OPS, WHEN, AuditModel, local_time
from desktop.pages.base import Filter, PageEnv

NO_DATE = QDate(2000, 1, 1)  # the date edits' "Any day"


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("Any day")
    edit.setDate(NO_DATE)
    edit.setAccessibleName(name)
    return edit


def _day(edit: QDateEdit) -> dt.date | None:
    value = edit.date()
    return None if value == NO_DATE else dt.date(value.year(), value.month(), value.day())


class AuditPage(QWidget):
    """Who changed what and when, with the check that nothing was altered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("auditPage")
        self.env: PageEnv | None = None
        self._stale = True
        self.model = AuditModel(self)

        heading = QLabel("Audit log")
        heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.record_edit = QLineEdit()
        self.record_edit.setPlaceholderText("record id, or a table such as actions")
        self.record_edit.setAccessibleName("Record")
        self.record_edit.setClearButtonEnabled(True)
        self.person_combo = QComboBox()
        self.person_combo.setAccessibleName("Person")
        self.since_edit = _date_edit("From")
        self.until_edit = _date_edit("To")
        filters = QHBoxLayout()
        for text, widget in (
            ("&Record", self.record_edit),
            ("&Person", self.person_combo),
            ("&From", self.since_edit),
            ("&To", self.until_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, 2 if widget is self.record_edit else 1)

        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName("Audit events")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(WHEN, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(200)  # sample rows: a long log stays quick
        for column in range(FIELDS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setAccessibleName("Values before and after")
        self.details.setPlaceholderText("Select an event to see the values before and after.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_button = QPushButton("&Check the log")
        self.verify_button.setToolTip("Check that no audit event was edited, deleted or inserted")
        self.backups_button = QPushButton("&Backups…")
        self.backups_button.setToolTip("List, take and restore backups of this database")
        self.wipe_button = QPushButton("&Wipe this laptop…")
        self.wipe_button.setToolTip(
            "Remove this database, its backups, signing keys and caches from this laptop"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        for button in (self.verify_button, self.backups_button, self.wipe_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 12)
        layout.addWidget(heading)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

        self.record_edit.editingFinished.connect(self.reload)
        self.person_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.since_edit.dateChanged.connect(lambda _d: self.reload())
        self.until_edit.dateChanged.connect(lambda _d: self.reload())
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._show_details)
        self.verify_button.clicked.connect(self.check_log)
        self.backups_button.clicked.connect(self.open_backups)
        self.wipe_button.clicked.connect(self.open_wipe)

    # BoardPage ----------------------------------------------------------------

    def attach(self, env: PageEnv) -> None:
        self.env = env
        self._stale = True
        self._fill_people()
        if self.isVisible():
            self.reload()

    def apply_filter(self, spec: Filter) -> None:
        if isinstance(spec.get("record"), str):
            self.record_edit.setText(spec["record"])
        if "person_id" in spec:
            index = self.person_combo.findData(spec["person_id"])
            self.person_combo.setCurrentIndex(max(index, 0))
        for key, edit in (("since", self.since_edit), ("until", self.until_edit)):
            day = spec.get(key)
            if isinstance(day, dt.date):
                edit.setDate(QDate(day.year, day.month, day.day))
        self.reload()

    def on_changed(self, _topic: str) -> None:
        self._stale = True  # every write is audited
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.env is not None:
            self.reload()

    # Reading ------------------------------------------------------------------

    def _fill_people(self) -> None:
        from db.services.audit import people_in_log

        assert self.env is not None
        chosen = self.person_combo.currentData()
        self.person_combo.blockSignals(True)
        self.person_combo.clear()
        self.person_combo.addItem("Anyone", None)
        with self.env.database.session() as session:
            for person_id, name in people_in_log(session):
                self.person_combo.addItem(name, person_id)
        self.person_combo.setCurrentIndex(max(self.person_combo.findData(chosen), 0))
        self.person_combo.blockSignals(False)

    def reload(self) -> None:
        from db.services.audit import DEFAULT_LIMIT, list_events

        if self.env is None:
            return
        self._stale = False
        env = self.env
        try:
            with env.database.session() as session:
                rows = list_events(
                    session,
                    env.actor_id,
                    env.context.board_id,
                    record=self.record_edit.text().strip() or None,
                    person_id=self.person_combo.currentData(),
                    since=_day(self.since_edit),
                    until=_day(self.until_edit),
                )
        except BoardpackError as error:
            self.model.set_rows(())
            self.status_label.setText(str(error).capitalize())
            return
        self.model.set_rows(rows)
        more = ""
        if len(rows) == DEFAULT_LIMIT:
            more = " (the newest; narrow the filters to see older ones)"
        self.status_label.setText(f"{len(rows)} event{'s' if len(rows) != 1 else ''}{more}")
        self.details.clear()

    def _show_details(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.details.clear()
            return
        row = self.model.row(current.row())
        lines = [
            f"{OPS.get(row.op, row.op)} {row.table_name} {row.row_id}",
            f"by {row.actor_name}, {local_time(row.at)}",
        ]
        if row.before:
            lines += ["", "Before:", row.before]
        if row.after:
            lines += ["", "After:", row.after]
        self.details.setPlainText("\n".join(lines))

    # Commands -----------------------------------------------------------------

    def check_log(self) -> None:
        """Verify every hash chain and say what was found."""
        from db.audit_chain import verify

        if self.env is None:
            return
        with self.env.database.engine.connect() as conn:
            report = verify(conn)
        if report.ok:
            self.status_label.setText(
                f"The audit log is intact: {report.events} events in {report.chains} "
                f"chain{'s' if report.chains != 1 else ''}, none edited, deleted or inserted."
            )
            return
        first = report.problems[0].message
        others = len(report.problems) - 1
        more = f" (and {others} more problem{'s' if others != 1 else ''})" if others else ""
        self.status_label.setText(f"The audit log has been altered: {first}{more}.")

    def open_backups(self) -> None:
        from desktop.backup_dialog import BackupDialog

        if self.env is None:
            return
        BackupDialog(self.env.database, self.env.announce, self).exec()

    def open_wipe(self) -> None:
        from desktop.backup_dialog import WipeDialog

        if self.env is None:
            return
        try:
            dialog = WipeDialog(self.env.database, self)
        except BoardpackError as error:
            self.status_label.setText(str(error).capitalize())
            return
        dialog.exec()
        if dialog.removed is not None:  # the database is gone: nothing left to show
            self.window().close()
