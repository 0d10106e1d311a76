"""The Plan page: the improvement plan's themes and actions, filtered, with one action in full.

A composer over its parts: the filter bar (`plan_filters`), the tree
(`plan_model` in a `QTreeView`), the detail pane (`plan_detail`) beside it in
a splitter, the RAG key under the tree, and the progress dialog
(`plan_update_dialog`). Reads go through `db.services.plan` in short
sessions: the tree (filtered in SQL) when the page is first shown, when a
filter changes and after a write; the detail only for the selected action.
Nothing loads while the page is hidden — `attach` and change notices only
mark it stale. Writes (a progress update, evidence) run in one transaction
acting as the window's person, then `env.announce("plan")` tells the other
pages. Refusals from `db/` are shown as their one sentence. Keyboard: the
tree has the focus, Ctrl+F goes to the filters, Enter on an action opens the
progress dialog. Filter spec keys (`apply_filter`): "theme", "rag",
"owner", "overdue", "due_within", "changed_since_last_meeting", and
"action_id" to open one action.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTemporaryDir,
    QTimer,
    QUrl,
)
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from db.importers import Kind
from db.services.plan import ROW_ID, ROW_OVERDUE, ROW_REFERENCE
from desktop.import_dialog import SpreadsheetButton
from desktop.pages.base import Filter, PageEnv
from desktop.pages.plan_detail import ActionDetailPane
from desktop.pages.plan_filters import PlanFilterBar
from desktop.pages.plan_model import (
    DUE,
    HEADERS,
    OVERDUE,
    OWNER,
    RAG,
    REFERENCE,
    TITLE,
    PlanTreeModel,
)
from desktop.pages.plan_update_dialog import ProgressInput, ProgressUpdateDialog
from widgets.rag_chip import ChipDelegate, RagChip
from widgets.style import make_muted

if TYPE_CHECKING:
    from db.services.plan import PlanFilter, PlanTree
    from db.views import RagKeyEntry

#: (title, text) -> None: tells the person something in a dialog.
Notify = Callable[[str, str], None]
#: Opens a file or link with the system's viewer; False when it could not.
OpenUrl = Callable[[QUrl], bool]

#: Pixels per tree row: room for a RAG chip with its word.
ROW_HEIGHT = 30
#: Least width of the RAG chips in the tree ("Amber" fits; a plan's own longer labels widen them).
CHIP_WIDTH = 64
#: How long the selection must rest before its detail is read (arrow keys held down).
DETAIL_DELAY_MS = 60
#: Themes start open when the list shows at most this many actions (see `_show_tree`).
EXPAND_ALL_UP_TO = 3000

DENIED_TEXT = "Your role on this board does not allow recording progress on this action."


class _RowDelegate(ChipDelegate):
    """Paints the RAG cells as chips, and gives every row room for one."""

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = QStyledItemDelegate.sizeHint(self, option, index)
        # Two lines: long action titles wrap instead of ending a few words in.
        lines = 2 * option.fontMetrics.lineSpacing() + 8
        return QSize(size.width(), max(lines, ROW_HEIGHT))


class _PlanTree(QTreeView):
    """The tree; Enter on an action asks for the progress dialog."""

    def __init__(self, on_enter: Callable[[], object]) -> None:
        super().__init__()
        self._on_enter = on_enter

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            index = self.currentIndex()
            if index.isValid() and index.parent().isValid():
                self._on_enter()
                event.accept()
                return
        super().keyPressEvent(event)


class PlanPage(QWidget):
    """Filter bar, plan tree and action detail, for the board the window shows."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        notify: Notify | None = None,
        open_url: OpenUrl | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page-plan")
        self.setAccessibleName("Plan page")
        self.notify: Notify = notify or self._message_box
        self.open_url: OpenUrl = open_url or QDesktopServices.openUrl
        self._env: PageEnv | None = None
        self._stale = True
        self._key: dict[str, RagKeyEntry] = {}
        self._selected_id: str | None = None
        self._pending_id: str | None = None  # selected, detail not read yet
        self._shown_id: str | None = None  # the action whose detail is shown, read since load
        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(lambda: self._show_detail(self._pending_id))
        self._temp: QTemporaryDir | None = None
        self._full: PlanTree | None = None  # the whole plan, read when the page loads
        self._folded = False
        self.update_dialog: ProgressUpdateDialog | None = None
        #: Milliseconds the last tree load and the last filter took (the bench reads them).
        self.timings: dict[str, float] = {}

        # Header -------------------------------------------------------------
        heading = QLabel("Plan")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName("Plan")
        self.plan_label = QLabel("")
        self.plan_label.setObjectName("planTitle")
        make_muted(self.plan_label)
        header = QHBoxLayout()
        header.setSpacing(14)
        header.addWidget(heading)
        header.addWidget(self.plan_label, 1, Qt.AlignmentFlag.AlignBottom)
        self.spreadsheet_button = SpreadsheetButton(Kind.PLAN, lambda: self._env, self)
        header.addWidget(self.spreadsheet_button, 0, Qt.AlignmentFlag.AlignBottom)

        self.filters = PlanFilterBar()
        self.filters.changed.connect(self._on_filter)

        # Tree ---------------------------------------------------------------
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.model = PlanTreeModel(self, overdue_icon=icon)
        self.tree = _PlanTree(self.open_update_dialog)
        self.tree.setObjectName("planTree")
        self.tree.setAccessibleName("Plan themes and actions")
        self.tree.setAccessibleDescription(
            "Themes with their actions. Enter on an action adds a progress update."
        )
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setWordWrap(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._chip_width = CHIP_WIDTH
        self.tree.setItemDelegateForColumn(RAG, _RowDelegate(CHIP_WIDTH, self.tree))
        self.tree.setIndentation(14)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(REFERENCE, Qt.SortOrder.AscendingOrder)
        self.tree.setIconSize(self.tree.iconSize())
        header_view = self.tree.header()
        header_view.setStretchLastSection(False)
        header_view.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (REFERENCE, OWNER, DUE, RAG, OVERDUE):
            header_view.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self._fit_columns()
        self.tree.selectionModel().currentRowChanged.connect(self._on_current)
        self.tree.doubleClicked.connect(self._on_double_click)

        # RAG key --------------------------------------------------------------
        self.key_row = QHBoxLayout()
        self.key_row.setSpacing(8)
        key_title = QLabel("RAG key:")
        key_title.setAccessibleName("RAG key")
        self.key_row.addWidget(key_title)
        self.key_chips: list[RagChip] = []
        self.key_row.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(self.key_row)

        # Detail ---------------------------------------------------------------
        self.detail_pane = ActionDetailPane()
        self.detail_pane.update_requested.connect(self.open_update_dialog)
        self.detail_pane.attach_requested.connect(self.choose_evidence_files)
        self.detail_pane.files_dropped.connect(self.attach_files)
        self.detail_pane.open_evidence.connect(self.open_evidence)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("planSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail_pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([700, 380])
        self.splitter.setChildrenCollapsible(False)

        self.message_label = QLabel("")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 12, 8)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.filters)
        layout.addWidget(self.message_label)
        layout.addWidget(self.splitter, 1)

        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.filters.focus_first)
        self.find_shortcut = find
        self.setFocusProxy(self.tree)

    def _fit_columns(self) -> None:
        """Column widths from the font (never from the rows: there may be 20,000)."""
        metrics = QFontMetrics(self.font())
        bold = QFont(self.font())
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        pad = metrics.averageCharWidth() + 6  # the view's text margins, and a little air
        header = self.tree.header()
        widths = {
            # Actions sit two levels in: the theme's branch, then their own.
            REFERENCE: 2 * self.tree.indentation() + metrics.horizontalAdvance("10.10") + pad,
            OWNER: metrics.horizontalAdvance("Lucy Hargreav") + pad,
            DUE: metrics.horizontalAdvance("30 Sep 2020") + pad,
            RAG: self._chip_width + 10,
            OVERDUE: self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
            + bold_metrics.horizontalAdvance("Overdue")
            + 2 * pad,
        }
        for column, width in widths.items():
            header.resizeSection(column, width)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_columns()

    # BoardPage ------------------------------------------------------------

    def attach(self, env: PageEnv) -> None:
        """Show the board in `env` (loaded when the page is next visible)."""
        self._env = env
        self._stale = True
        if self.isVisible():
            self.reload()

    def apply_filter(self, spec: Filter) -> None:
        """Set the filter bar from `spec` and show the matching actions.

        An "action_id" key (search, a risk's linked actions) selects that action
        and shows it at once, under the other keys given (none: every action).
        """
        if self._stale and self._env is not None:
            self.reload()
        self.filters.set_spec(spec)
        action_id = spec.get("action_id")
        if action_id is not None:
            index = self.model.index_of_action(str(action_id))
            if not index.isValid():
                self._show_message("That action is not in this plan, or not under these filters.")
                return
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            self.flush_detail()
            self.tree.setFocus()

    def on_changed(self, topic: str) -> None:
        """Re-read after a write to the plan (or evidence), at once if shown."""
        if topic not in ("plan", "evidence", "meetings", "sync"):
            return
        self._stale = True
        if self.isVisible():
            self.reload()

    # Loading --------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self._env is not None:
            self.reload()

    def reload(self) -> None:
        """Read the filter choices, RAG key and tree again, keeping the filter and selection."""
        from db.errors import BoardpackError
        from db.services.plan import filter_choices, plan_tree, rag_definitions

        env = self._env
        if env is None:
            return
        started = time.perf_counter()
        self._stale = False
        self._full = None
        self._shown_id = None  # whatever is shown may have changed: read it again
        plan_id = env.context.plan_id
        self.plan_label.setText(env.context.plan_title or "")
        if plan_id is None:
            self.model.set_tree(())
            self.filters.setEnabled(False)
            self._show_message("This board has no improvement plan yet.")
            self.detail_pane.show_empty("There is no plan to show.")
            return
        self.filters.setEnabled(True)
        try:
            with env.database.session() as session:
                self._full = plan_tree(session, plan_id, today=env.today)
                choices = filter_choices(session, plan_id, env.today, tree=self._full)
                key = rag_definitions(session, plan_id)
        except BoardpackError as error:
            self._show_message(str(error))
            return
        self._key = {entry.rag: entry for entry in key}
        self.model.set_rag_key(key)
        self._show_key(key)
        self.filters.set_choices(choices)
        self._show_filtered(self.filters.current())
        self.flush_detail()  # a page opens complete; only filters and arrow keys wait
        self.timings["open"] = (time.perf_counter() - started) * 1000

    def _on_filter(self, spec: PlanFilter) -> None:
        started = time.perf_counter()
        self._show_filtered(spec)
        self.timings["filter"] = (time.perf_counter() - started) * 1000

    def _show_filtered(self, spec: PlanFilter) -> None:
        """Show the actions passing `spec`: the ids come from SQL, the rows from the loaded tree."""
        from db.errors import BoardpackError
        from db.services.plan import Matches, matching_action_ids, narrow

        env = self._env
        full = self._full
        if env is None or full is None or env.context.plan_id is None:
            return
        if spec.is_empty:
            tree = full
        else:
            try:
                with env.database.session() as session:
                    matches = matching_action_ids(
                        session, env.context.plan_id, spec, today=env.today
                    )
            except BoardpackError as error:
                self._show_message(_sentence(str(error)))
                matches = Matches(frozenset(), spec, None)
            tree = narrow(full, matches)
        self._show_tree(tree)

    def _show_tree(self, tree: PlanTree) -> None:
        selected = self._selected_id
        self.model.set_tree(tree.themes, filtered=not tree.filter.is_empty)
        header = self.tree.header()
        if header.sortIndicatorSection() != REFERENCE or (
            header.sortIndicatorOrder() != Qt.SortOrder.AscendingOrder
        ):
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        for row in range(len(tree.themes)):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        shown = tree.action_count
        # Laying out an open theme costs the view a call per row into this model, so
        # a very large plan opens with its themes folded; a filter usually unfolds it.
        self._folded = shown > EXPAND_ALL_UP_TO
        if not self._folded:
            self.tree.expandAll()
        overdue = sum(row[ROW_OVERDUE] for theme in tree.themes for row in theme.actions)
        self.filters.set_count(shown, tree.total_actions, overdue)
        if not tree.themes:
            self._show_message("No action matches these filters. Clear filters to see them all.")
        elif self._folded:
            self._show_message(
                f"{shown:,} actions: the themes start folded. Open one with → (or a click), "
                "or narrow the list with the filters."
            )
        else:
            self._show_message("")
        self._reselect(selected)

    def _reselect(self, action_id: str | None) -> None:
        index = self.model.index_of_action(action_id) if action_id else QModelIndex()
        if not index.isValid() and not self._folded:
            # The selection went (or there was none): show the first action listed.
            first = next((t.actions[0] for t in self.model.themes() if t.actions), None)
            if first is not None:
                action_id = first[ROW_ID]
                index = self.model.index_of_action(action_id)
        if not index.isValid():
            self._selected_id = self._shown_id = None
            self.detail_pane.show_empty()
            return
        self.tree.setCurrentIndex(index)  # queues the detail through currentRowChanged
        self.tree.scrollTo(index)
        if action_id is not None and self._pending_id != action_id:
            self._queue_detail(action_id)

    def _show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def _show_key(self, key: Sequence[RagKeyEntry]) -> None:
        # The tree's chips are as wide as the plan's longest RAG label.
        bold = QFont(self.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        width = max([CHIP_WIDTH, *(metrics.horizontalAdvance(e.label) + 16 for e in key)])
        if width != self._chip_width:
            self._chip_width = width
            self.tree.setItemDelegateForColumn(RAG, _RowDelegate(width, self.tree))
            self._fit_columns()
        for chip in self.key_chips:
            self.key_row.removeWidget(chip)
            chip.deleteLater()
        self.key_chips = []
        for position, entry in enumerate(key):
            chip = RagChip(
                entry.rag, entry.label, entry.colour, description=f"{entry.label}: {entry.meaning}"
            )
            self.key_row.insertWidget(1 + position, chip)
            self.key_chips.append(chip)

    # Selection and detail ---------------------------------------------------

    def selected_action_id(self) -> str | None:
        return self._selected_id

    def select_action(self, reference: str) -> bool:
        """Select the shown action with this reference and show it at once (tests, links)."""
        for theme in self.model.themes():
            for row in theme.actions:
                if row[ROW_REFERENCE] == reference:
                    index = self.model.index_of_action(row[ROW_ID])
                    self.tree.setCurrentIndex(index)
                    self.tree.scrollTo(index)
                    self.flush_detail()
                    return True
        return False

    def flush_detail(self) -> None:
        """Show the selected action's detail now if it is still waiting for its turn."""
        if self._detail_timer.isActive():
            self._detail_timer.stop()
            self._show_detail(self._pending_id)

    def _on_current(
        self, current: QModelIndex | QPersistentModelIndex, _previous: object = None
    ) -> None:
        row = self.model.action_row(current)
        if row is None:
            self._detail_timer.stop()
            self._pending_id = self._selected_id = self._shown_id = None
            self.detail_pane.show_empty(
                "Select an action to see its detail." if current.isValid() else ""
            )
            return
        self._queue_detail(row[ROW_ID])

    def _queue_detail(self, action_id: str) -> None:
        # Reading and laying out an action takes tens of milliseconds: while the arrow
        # keys run down the tree (or a filter redraws it) only the last one is shown.
        self._selected_id = self._pending_id = action_id
        if action_id == self._shown_id:  # a filter kept the selection: nothing to read
            self._detail_timer.stop()
            return
        self._detail_timer.start()

    def _show_detail(self, action_id: str | None) -> None:
        from db.errors import NotFoundError
        from db.services.plan import action_detail, may_update_progress

        env = self._env
        if env is None or action_id is None:
            return
        try:
            with env.database.session() as session:
                detail = action_detail(session, action_id, today=env.today)
                may = may_update_progress(session, env.actor_id, action_id)
        except NotFoundError:
            self._selected_id = self._shown_id = None
            self.detail_pane.show_empty("That action is no longer in the plan.")
            return
        self._selected_id = self._shown_id = action_id
        self.detail_pane.show_detail(detail, self._key, may_update=may, why_not=DENIED_TEXT)

    def _on_double_click(self, index: QModelIndex) -> None:
        if self.model.action_row(index) is not None:
            self.open_update_dialog()

    # Progress updates -----------------------------------------------------

    def open_update_dialog(self) -> ProgressUpdateDialog | None:
        """Open the progress dialog for the selected action (non-blocking; see `update_dialog`)."""
        from db.services.plan import decision_choices

        self.flush_detail()
        env = self._env
        detail = self.detail_pane.detail
        if env is None or detail is None:
            return None
        if not self.detail_pane.update_button.isEnabled():
            self.notify("Progress update", DENIED_TEXT)
            return None
        with env.database.session() as session:
            decisions = decision_choices(session, env.context.board_id, env.today)
        dialog = ProgressUpdateDialog(
            detail,
            self._key,
            self.submit_update,
            today=env.today,
            decisions=decisions,
            parent=self,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._forget_dialog(dialog))
        self.update_dialog = dialog
        dialog.open()
        return dialog

    def _forget_dialog(self, dialog: ProgressUpdateDialog) -> None:
        if self.update_dialog is dialog:
            self.update_dialog = None
        self.tree.setFocus()

    def submit_update(self, value: ProgressInput) -> str | None:
        """Record `value` on the selected action; None when recorded, else the refusal shown."""
        from db.errors import BoardpackError
        from db.services.plan import record_progress_update

        env = self._env
        detail = self.detail_pane.detail
        if env is None or detail is None:
            return "No action is selected."
        try:
            with env.database.begin(env.actor_id) as session:
                entry = record_progress_update(
                    session,
                    env.actor_id,
                    detail.action_id,
                    value.rag,
                    value.commentary,
                    value.new_due_date,
                    value.due_date_reason,
                    value.decision_id,
                    today=env.today,
                )
        except BoardpackError as error:
            reason = _sentence(str(error))
            self.notify("Progress update not recorded", reason)
            return reason
        label = self._key[entry.rag].label if entry.rag in self._key else entry.rag
        self._selected_id = detail.action_id
        env.announce("plan")
        self.flush_detail()
        self.detail_pane.show_message(f"Progress recorded: {detail.reference} is now {label}.")
        return None

    # Evidence ---------------------------------------------------------------

    def choose_evidence_files(self) -> None:
        """Pick files with the file dialog and attach them to the selected action."""
        paths, _ = QFileDialog.getOpenFileNames(self, "Attach evidence")
        if paths:
            self.attach_files(paths)

    def attach_files(self, paths: Sequence[str]) -> int:
        """Attach local files to the selected action as evidence; returns how many were attached."""
        from db.errors import BoardpackError
        from db.services.plan import attach_evidence

        self.flush_detail()
        env = self._env
        detail = self.detail_pane.detail
        if env is None or detail is None:
            return 0
        attached: list[str] = []
        for raw in paths:
            path = Path(raw)
            try:
                data = path.read_bytes()
            except OSError as error:
                self.notify(
                    "Evidence not attached", f"Could not read {path.name}: {error.strerror}."
                )
                continue
            media_type = mimetypes.guess_type(path.name)[0]
            try:
                with env.database.begin(env.actor_id) as session:
                    result = attach_evidence(
                        session, env.actor_id, detail.action_id, path.name, data, None, media_type
                    )
            except BoardpackError as error:
                self.notify("Evidence not attached", _sentence(str(error)))
                continue
            attached.append(result.title)
        if attached:
            self._selected_id = detail.action_id
            env.announce("plan")
            self.flush_detail()
            names = ", ".join(f"'{name}'" for name in attached)
            self.detail_pane.show_message(
                f"Attached {names} to {detail.reference} as evidence, awaiting the board's review."
            )
        return len(attached)

    def open_evidence(self, evidence_id: str) -> bool:
        """Open a piece of evidence: a link in the browser, a file with the system viewer."""
        from db.errors import BoardpackError
        from db.services.plan import evidence_bytes

        self.flush_detail()
        env = self._env
        detail = self.detail_pane.detail
        if env is None or detail is None:
            return False
        item = next((e for e in detail.evidence if e.evidence_id == evidence_id), None)
        if item is None:
            return False
        if not item.has_file:
            if item.url:
                return self.open_url(QUrl(item.url))
            self.notify("Evidence", f"'{item.title}' has no file or link to open.")
            return False
        try:
            with env.database.session() as session:
                data = evidence_bytes(session, evidence_id)
        except BoardpackError as error:
            self.notify("Evidence", _sentence(str(error)))
            return False
        if data is None:
            self.notify(
                "Not on this laptop yet",
                f"The file of '{item.title}' is not on this laptop yet. It is fetched when "
                "this laptop next syncs with the central store; try again after a sync.",
            )
            return False
        if self._temp is None or not self._temp.isValid():
            self._temp = QTemporaryDir()
        folder = Path(self._temp.path()) / evidence_id
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / (item.filename or f"{item.title}.bin")
        target.write_bytes(data)
        if not self.open_url(QUrl.fromLocalFile(str(target))):
            self.notify("Evidence", f"This computer has no program to open {target.name}.")
            return False
        return True

    # Messages -------------------------------------------------------------

    def _message_box(self, title: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _sentence(text: str) -> str:
    """A refusal from db/ as a sentence: capital first letter, full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


__all__ = ["HEADERS", "PlanPage"]
