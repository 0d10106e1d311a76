"""The conflicts page: every version side by side, and the person's choice.

Sync never throws a change away: text edited on two laptops, a record changed
on one laptop and deleted on another, or minutes changed after they were
signed all wait here with every version. The page lists them (record, field,
what happened); for the one selected it shows each version side by side with
its author and time, and the choices that fit its kind — for text, "Keep this
version" on any version or "Save merged text" from a box that starts as the
newest; for a delete, "Keep deleted" or "Restore"; for signed minutes, "Keep
signed minutes". A second tab lists this laptop's changes that a later change
elsewhere overrode, with "Mark as seen". The page only shows and asks: it
emits the choice, and `desktop.sync_ui` hands it to the sync controller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelection, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.conflicts_model import (
    ConflictListModel,
    OverrideListModel,
    field_label,
    record_label,
    value_text,
)
from widgets.style import make_muted

if TYPE_CHECKING:
    from db.sync.conflicts import ConflictVersion, OpenConflict
    from desktop.sync_control import OverrideRow

#: Most rows of the conflicts list shown before it scrolls (the versions need the room).
LIST_ROWS_SHOWN = 4
#: The least width of one version's card; more versions than fit scroll sideways.
CARD_MIN_WIDTH = 320
#: Height of the versions of a delete or a change to signed minutes (a few fields).
SHORT_CARDS_HEIGHT = 220
WIDGET_SIZE_MAX = 16_777_215  # Qt's QWIDGETSIZE_MAX


def when_text(at: dt.datetime) -> str:
    """ "3 Mar 2019 14:05" in local time."""
    local = at.astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"


def _version_body(kind: str, value: Any) -> str:
    if kind == "text":
        return value if isinstance(value, str) else value_text(value)
    if value is None:
        return "Deleted the record."
    if isinstance(value, dict):
        lines = [f"{field_label(k)}: {value_text(v, k)}" for k, v in sorted(value.items())]
        head = "Changed after signing:" if kind == "frozen" else "Changed:"
        return "\n".join([head, *lines]) if lines else head + " (no fields)"
    return value_text(value)


def _heading(text: str, scale: float) -> QLabel:
    """A bold label `scale` times its parent's text size (see `_size_headings`)."""
    label = QLabel(text)
    label.setProperty("headingScale", scale)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAccessibleName(text)
    return label


def _size_headings(root: QWidget) -> None:
    # Relative to the inherited font, which is only known once the window has passed it on.
    base = root.font()
    for label in root.findChildren(QLabel):
        scale = label.property("headingScale")
        if scale is not None:
            font = QFont(base)
            font.setPointSizeF(base.pointSizeF() * float(scale))
            font.setBold(True)
            label.setFont(font)


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label


def _table(name: str) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setHighlightSections(False)
    table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons, as a chair expects
    return table


class VersionCard(QFrame):
    """One version of a conflict: who, when, the value, and (for text) "Keep this version".

    The card is painted, not styled: a style sheet on it would stop the window's
    larger text size reaching the widgets inside.
    """

    keep_clicked = Signal()

    def __init__(
        self,
        number: int,
        total: int,
        version: ConflictVersion,
        *,
        kind: str,
        newest: bool,
        here: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.version = version
        self.setObjectName("versionCard")
        self.setMinimumWidth(CARD_MIN_WIDTH)
        title = f"Version {number} of {total}" + (" (newest)" if newest else "")
        author = "Author not recorded" if version.author == "unknown" else version.author
        where = "this laptop" if here else "another laptop"
        who = f"{author} ({where}), {when_text(version.at)}"
        self.setAccessibleName(f"{title} by {who}")

        self.title_label = _heading(title, 1.0)
        self.author_label = QLabel(who)
        self.author_label.setTextFormat(Qt.TextFormat.PlainText)
        self.author_label.setObjectName("versionAuthor")
        self.author_label.setAccessibleName(f"By {who}")
        make_muted(self.author_label)
        self.body = QPlainTextEdit(_version_body(kind, version.value))
        self.body.setObjectName("versionText")
        self.body.setReadOnly(True)
        self.body.setAccessibleName(f"Text of version {number}")
        self.body.setTabChangesFocus(True)
        self.body.setMinimumHeight(90)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(4)
        layout.addWidget(self.title_label)
        layout.addWidget(self.author_label)
        layout.addWidget(self.body, 1)
        self.keep_button: QPushButton | None = None
        if kind == "text":
            self.keep_button = QPushButton("Keep this version")
            self.keep_button.setObjectName("keepVersion")
            self.keep_button.setAccessibleName(f"Keep version {number}, by {who}")
            self.keep_button.clicked.connect(self.keep_clicked)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(self.keep_button)
            layout.addLayout(row)
        _size_headings(self)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.end()


class ConflictsPage(QWidget):
    """Open conflicts with their versions and choices; overridden changes with "Mark as seen"."""

    #: A free-text conflict settled with this text (a version's, or a merged one).
    text_chosen = Signal(object, str)
    #: An update-vs-delete settled: True restores the record, False keeps it deleted.
    deleted_chosen = Signal(object, bool)
    #: A change to signed minutes set aside: the signed text stands.
    signed_kept = Signal(object)
    #: These overridden changes have been seen.
    overrides_seen = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-conflicts")
        self.setAccessibleName("Sync conflicts page")
        self._selected: OpenConflict | None = None
        self._this_site: str | None = None
        self._busy = False
        self.cards: list[VersionCard] = []

        heading = _heading("Sync conflicts", 1.6)
        intro = _wrapped(
            "Nothing is lost in a sync: when the same text was changed on two laptops, or a "
            "record was changed on one and deleted on another, every version waits here until "
            "someone chooses. Your choice reaches every laptop at the next sync."
        )
        intro.setMaximumWidth(1100)
        make_muted(intro)
        self.message_label = _wrapped()
        self.message_label.setObjectName("conflictsMessage")
        self.message_label.setVisible(False)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("conflictTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_conflicts_tab(), "To resolve")
        self.tabs.addTab(self._build_overrides_tab(), "Your changes overridden")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 16)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.message_label)
        layout.addWidget(self.tabs, 1)
        self.set_conflicts([])
        self.set_overrides([])
        _size_headings(self)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            _size_headings(self)

    # Building ---------------------------------------------------------------

    def _build_conflicts_tab(self) -> QWidget:
        tab = QWidget()
        self.conflicts_model = ConflictListModel(self)
        self.conflicts_table = _table("conflictList")
        self.conflicts_table.setAccessibleName("Open conflicts")
        self.conflicts_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.conflicts_table.setModel(self.conflicts_model)
        header = self.conflicts_table.horizontalHeader()
        header.setSectionResizeMode(ConflictListModel.RECORD, QHeaderView.ResizeMode.Stretch)
        for column in (ConflictListModel.FIELD, ConflictListModel.KIND):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(
            ConflictListModel.VERSIONS, QHeaderView.ResizeMode.ResizeToContents
        )
        self.conflicts_table.selectionModel().selectionChanged.connect(self._on_selection)

        self.empty_label = _wrapped("No conflicts to resolve: every laptop agrees.")
        self.empty_label.setObjectName("noConflicts")
        self.empty_label.setAccessibleName("No conflicts to resolve")

        self.detail_heading = _heading("", 1.15)
        self.detail_heading.setObjectName("conflictHeading")
        self.detail_heading.setWordWrap(True)
        self.detail_hint = _wrapped()
        self.detail_hint.setObjectName("conflictHint")
        make_muted(self.detail_hint)

        self._cards_host = QWidget()
        self._cards_layout = QHBoxLayout(self._cards_host)
        self._cards_layout.setContentsMargins(0, 0, 0, 0)
        self._cards_layout.setSpacing(12)
        self.cards_area = QScrollArea()
        self.cards_area.setObjectName("conflictVersions")
        self.cards_area.setAccessibleName("Versions side by side")
        self.cards_area.setWidgetResizable(True)
        self.cards_area.setFrameShape(QFrame.Shape.NoFrame)
        self.cards_area.setWidget(self._cards_host)
        self.cards_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        # Free text: a merged version, starting from the newest.
        self.merged_label = QLabel("Or write the text to keep (it starts as the newest version):")
        self.merged_label.setTextFormat(Qt.TextFormat.PlainText)
        self.merged_edit = QPlainTextEdit()
        self.merged_edit.setObjectName("mergedText")
        self.merged_edit.setAccessibleName("Merged text")
        self.merged_edit.setTabChangesFocus(True)
        self.merged_edit.setMaximumHeight(110)
        self.merged_label.setBuddy(self.merged_edit)
        self.save_merged_button = QPushButton("Save merged text")
        self.save_merged_button.setObjectName("saveMerged")
        self.save_merged_button.setAccessibleName("Save merged text")
        self.save_merged_button.clicked.connect(self._save_merged)
        # Update against delete.
        self.keep_deleted_button = QPushButton("Keep deleted")
        self.keep_deleted_button.setObjectName("keepDeleted")
        self.keep_deleted_button.setAccessibleName("Keep the record deleted")
        self.keep_deleted_button.clicked.connect(lambda: self._choose_deleted(restore=False))
        self.restore_button = QPushButton("Restore")
        self.restore_button.setObjectName("restoreRecord")
        self.restore_button.setAccessibleName("Restore the record with the changes")
        self.restore_button.clicked.connect(lambda: self._choose_deleted(restore=True))
        # Signed minutes.
        self.keep_signed_button = QPushButton("Keep signed minutes")
        self.keep_signed_button.setObjectName("keepSigned")
        self.keep_signed_button.setAccessibleName("Keep the signed minutes as signed")
        self.keep_signed_button.clicked.connect(self._keep_signed)

        choices = QHBoxLayout()
        choices.setSpacing(8)
        choices.addStretch(1)
        for button in (
            self.save_merged_button,
            self.keep_deleted_button,
            self.restore_button,
            self.keep_signed_button,
        ):
            choices.addWidget(button)

        self.details = QWidget()
        self.details.setObjectName("conflictDetails")
        details = QVBoxLayout(self.details)
        details.setContentsMargins(0, 6, 0, 0)
        details.setSpacing(6)
        details.addWidget(self.detail_heading)
        details.addWidget(self.detail_hint)
        details.addWidget(self.cards_area, 1)
        details.addWidget(self.merged_label)
        details.addWidget(self.merged_edit)
        details.addLayout(choices)
        details.addStretch(0)  # short versions (a delete) leave the room below the buttons

        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.conflicts_table)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.details, 1)
        layout.addStretch(0)
        return tab

    def _build_overrides_tab(self) -> QWidget:
        tab = QWidget()
        hint = _wrapped(
            "Values you set on this laptop that someone changed later on another laptop. Their "
            "value was kept; yours is shown so you can check it, and change the record again "
            "if it should be yours."
        )
        make_muted(hint)
        self.overrides_model = OverrideListModel(self)
        self.overrides_table = _table("overrideList")
        self.overrides_table.setAccessibleName("Your changes overridden on another laptop")
        self.overrides_table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.overrides_table.setModel(self.overrides_model)
        header = self.overrides_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(OverrideListModel.RECORD, QHeaderView.ResizeMode.Stretch)
        self.overrides_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        self.no_overrides_label = _wrapped("None of your changes has been overridden.")
        self.no_overrides_label.setObjectName("noOverrides")
        self.mark_seen_button = QPushButton("Mark as seen")
        self.mark_seen_button.setObjectName("markSeen")
        self.mark_seen_button.setAccessibleName("Mark the selected changes as seen")
        self.mark_seen_button.setToolTip("Take the selected rows off this list.")
        self.mark_seen_button.clicked.connect(self._mark_seen)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.mark_seen_button)

        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(hint)
        layout.addWidget(self.no_overrides_label)
        layout.addWidget(self.overrides_table, 1)
        layout.addLayout(row)
        return tab

    # Data -------------------------------------------------------------------

    @property
    def selected(self) -> OpenConflict | None:
        """The conflict whose versions are shown."""
        return self._selected

    def set_conflicts(
        self, conflicts: Sequence[OpenConflict], *, this_site: str | None = None
    ) -> None:
        """List these conflicts, keeping the selected one (and any merged text) if still open.

        `this_site` (this laptop's site id) lets each version say where it was made.
        """
        previous = self._selected.key if self._selected is not None else None
        if this_site != self._this_site:
            self._this_site = this_site
            self._selected = None  # re-render: the versions' wording changes
        self.conflicts_model.set_rows(conflicts)
        count = len(conflicts)
        self.tabs.setTabText(0, f"To resolve ({count})")
        self.conflicts_table.setVisible(bool(count))
        self.empty_label.setVisible(not count)
        rows_shown = min(max(count, 1), LIST_ROWS_SHOWN)
        height = (
            self.conflicts_table.horizontalHeader().sizeHint().height()
            + rows_shown * self.conflicts_table.verticalHeader().defaultSectionSize()
            + 2 * self.conflicts_table.frameWidth()
        )
        self.conflicts_table.setFixedHeight(height)
        row = self.conflicts_model.row_of(previous) if previous is not None else None
        if row is None and count:
            row = 0
        if row is None:
            self._show_conflict(None)
            return
        # Selecting re-renders only when the conflict itself changed (a merged text in
        # progress survives a background sync that brought nothing new for it).
        self.conflicts_table.selectRow(row)
        current = self.conflicts_model.conflict(row)
        if current != self._selected:
            self._show_conflict(current)

    def set_overrides(self, overrides: Sequence[OverrideRow]) -> None:
        self.overrides_model.set_rows(overrides)
        count = len(overrides)
        self.tabs.setTabText(1, f"Your changes overridden ({count})")
        self.overrides_table.setVisible(bool(count))
        self.no_overrides_label.setVisible(not count)
        self._update_buttons()

    def set_busy(self, busy: bool) -> None:
        """While a choice is being saved, no second choice can be made."""
        self._busy = busy
        if busy:
            self.show_message("Saving your choice…")
        elif self.message_label.property("kind") == "progress":
            self.show_message("")
        self._update_buttons()

    def show_message(self, text: str, *, error: bool = False) -> None:
        """A line above the tabs: progress, or why a choice could not be saved."""
        self.message_label.setText(text)
        self.message_label.setAccessibleName(text)
        self.message_label.setVisible(bool(text))
        self.message_label.setProperty("kind", "error" if error else "progress")
        self.message_label.setStyleSheet("color: #b10e1e; font-weight: bold;" if error else "")

    def show_overrides(self) -> None:
        self.tabs.setCurrentIndex(1)

    def show_to_resolve(self) -> None:
        self.tabs.setCurrentIndex(0)

    def focus_list(self) -> None:
        """Put the keyboard in the list of the tab shown (or on the tabs when it is empty)."""
        table = self.conflicts_table if self.tabs.currentIndex() == 0 else self.overrides_table
        target: QWidget = table if not table.isHidden() else self.tabs.tabBar()
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # Details ----------------------------------------------------------------

    def _on_selection(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = {index.row() for index in selected.indexes()}
        if rows:
            conflict = self.conflicts_model.conflict(min(rows))
            if conflict != self._selected:
                self._show_conflict(conflict)

    def _show_conflict(self, conflict: OpenConflict | None) -> None:
        self._selected = conflict
        for card in self.cards:
            self._cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        self.details.setVisible(conflict is not None)
        if conflict is None:
            self._update_buttons()
            return
        kind = conflict.kind
        record = record_label(conflict.table_name, conflict.record)
        if kind == "text":
            title = f"{record}: {field_label(conflict.field)} was edited on two laptops"
            hint = (
                "Keep one version as it is, or write the text to keep below. The other "
                "versions stay in the record's history."
            )
        elif kind == "deleted":
            title = f"{record} was changed on one laptop and deleted on another"
            hint = (
                "Keep it deleted, or restore it with the changes. Either choice is recorded "
                "and reaches every laptop."
            )
        else:
            title = f"{record} was changed after the minutes were signed"
            hint = (
                "Signed minutes never change; the change made after signing is set aside. "
                "If the minutes need correcting, that is a new version, approved and signed."
            )
        self.detail_heading.setText(title)
        self.detail_heading.setAccessibleName(title)
        self.detail_hint.setText(hint)

        versions = sorted(conflict.versions, key=lambda v: v.hlc)
        newest = versions[-1] if versions else None
        for number, version in enumerate(versions, start=1):
            card = VersionCard(
                number,
                len(versions),
                version,
                kind=kind,
                newest=version is newest,
                here=version.site == self._this_site,
                parent=self._cards_host,
            )
            value = version.value if isinstance(version.value, str) else ""
            card.keep_clicked.connect(lambda value=value: self._keep_version(value))
            self._cards_layout.addWidget(card, 1)
            self.cards.append(card)
        if kind == "text" and newest is not None:
            self.merged_edit.setPlainText(newest.value if isinstance(newest.value, str) else "")
        # A few changed fields need little room; free text gets all there is.
        self.cards_area.setMaximumHeight(WIDGET_SIZE_MAX if kind == "text" else SHORT_CARDS_HEIGHT)
        self.merged_label.setVisible(kind == "text")
        self.merged_edit.setVisible(kind == "text")
        self.save_merged_button.setVisible(kind == "text")
        self.keep_deleted_button.setVisible(kind == "deleted")
        self.restore_button.setVisible(kind == "deleted")
        self.keep_signed_button.setVisible(kind == "frozen")
        self._update_buttons()

    def _update_buttons(self) -> None:
        enabled = not self._busy and self._selected is not None
        for button in (
            self.save_merged_button,
            self.keep_deleted_button,
            self.restore_button,
            self.keep_signed_button,
        ):
            button.setEnabled(enabled)
        for card in self.cards:
            if card.keep_button is not None:
                card.keep_button.setEnabled(enabled)
        has_selection = self.overrides_table.selectionModel().hasSelection()
        self.mark_seen_button.setEnabled(not self._busy and has_selection)

    # Choices ----------------------------------------------------------------

    def _keep_version(self, value: str) -> None:
        if self._selected is not None and not self._busy:
            self.text_chosen.emit(self._selected, value)

    def _save_merged(self) -> None:
        if self._selected is not None and not self._busy:
            self.text_chosen.emit(self._selected, self.merged_edit.toPlainText())

    def _choose_deleted(self, *, restore: bool) -> None:
        if self._selected is not None and not self._busy:
            self.deleted_chosen.emit(self._selected, restore)

    def _keep_signed(self) -> None:
        if self._selected is not None and not self._busy:
            self.signed_kept.emit(self._selected)

    def _mark_seen(self) -> None:
        rows = sorted(
            {index.row() for index in self.overrides_table.selectionModel().selectedRows()}
        )
        if rows and not self._busy:
            self.overrides_seen.emit([self.overrides_model.override_id(row) for row in rows])
