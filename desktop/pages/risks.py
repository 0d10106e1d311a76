"""The Risks page: the 5×5 heat map, the register it filters, and the selected risk in full.

Reading is done in one short session per refresh through `db.services.risks`
(bands, heat-map counts, the filtered register, owners, and what the viewer
may do); the widgets only ever see the frozen rows. Clicking a heat-map cell
lists the risks in it, clicking it again lists them all; the heat map shows
current scores or, switched, target scores (a click then filters on the
target cell). `apply_filter` takes the dashboard's click-throughs and other
pages' links: {"above_target": True}, {"cell": (likelihood, impact)},
{"target_cell": …}, {"band": label}, {"owner_id": id}, {"status":
"open"|"closed"|"all"} and {"risk_id": id} (select that risk). The page
loads nothing until it is first shown (so opening the window costs it
nothing) and refreshes when told "risks" or "plan" changed. Writes — a
review (chair or secretariat) and the bands (secretariat) — go through the
dialogs in `desktop.pages.risks_dialogs` and are announced as "risks".
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from db.importers import Kind
from db.models import RiskStatus
from db.rules import BandSpec
from db.services.risks import (
    RiskBands,
    RiskDetail,
    RiskFilter,
    RiskRow,
    filter_from_spec,
)
from desktop.import_dialog import SpreadsheetButton
from desktop.pages.base import Filter, PageEnv
from desktop.pages.risks_models import (
    ABOVE,
    CURRENT,
    OWNER,
    RAG_COLOURS,
    REF,
    REVIEWED,
    STATUS,
    TARGET,
    TITLE,
    TREND,
    ReviewHistoryModel,
    RiskRegisterModel,
    long_date,
    short_date,
    trend_text,
)
from widgets.heat_map import HeatMap
from widgets.page_parts import (
    Notice,
    fit_rows,
    fixed_columns,
    heading,
    muted,
    panel,
    read_only_table,
)
from widgets.rag_chip import ChipDelegate, RagChip, text_colour_for

if TYPE_CHECKING:
    from desktop.pages.risks_dialogs import BandsDialog, RecordReviewDialog, ReviewInput

#: The topics this page refreshes on (linked actions show their RAG).
TOPICS = frozenset({"risks", "plan"})
STATUS_CHOICES = (("Open risks", "open"), ("Closed risks", "closed"), ("All risks", "all"))


class RisksPage(QWidget):
    """Heat map, register and detail for the board's risks."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-risks")
        self.setAccessibleName("Risks page")
        self.env: PageEnv | None = None
        self._filter = RiskFilter()
        self._target_view = False
        self._stale = True
        self._loading = False
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(0)
        self._refit_timer.timeout.connect(self._refit)
        self._bands = RiskBands((), custom=False)
        self._rows: tuple[RiskRow, ...] = ()
        self._in_scope = 0
        self._detail: RiskDetail | None = None
        self._selected_id: str | None = None
        self._can_review = False
        self._can_edit_bands = False
        self._owners: dict[str, str] = {}
        self._rag_colours: dict[str, str] = {}
        self._split_by_hand = False
        self.dialog: RecordReviewDialog | BandsDialog | None = None

        # Header -------------------------------------------------------------
        self.title = heading("Risk register", 1.5)
        self.subtitle = muted("", wrap=False)
        self.review_button = QPushButton("Record review…")
        self.review_button.setAccessibleName("Record a review of the selected risk")
        self.review_button.clicked.connect(self.open_review_dialog)
        review_shortcut = QShortcut(QKeySequence("Ctrl+R"), self)
        review_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        review_shortcut.activated.connect(self.open_review_dialog)
        self.bands_button = QPushButton("Bands…")
        self.bands_button.setAccessibleName("Risk scoring bands")
        self.bands_button.clicked.connect(self.open_bands_dialog)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(self.subtitle, 1, Qt.AlignmentFlag.AlignBottom)
        header.addWidget(self.review_button, 0, Qt.AlignmentFlag.AlignBottom)
        header.addWidget(self.bands_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.spreadsheet_button = SpreadsheetButton(Kind.RISKS, lambda: self.env, self)
        header.addWidget(self.spreadsheet_button, 0, Qt.AlignmentFlag.AlignBottom)

        # Filter line ----------------------------------------------------------
        self.filter_label = QLabel("")
        self.filter_label.setObjectName("riskFilterSummary")
        self.filter_label.setTextFormat(Qt.TextFormat.PlainText)
        self.filter_label.setWordWrap(True)
        bold = self.filter_label.font()
        bold.setBold(True)
        self.filter_label.setFont(bold)
        self.clear_button = QPushButton("Show all")
        self.clear_button.setAccessibleName("Clear the filter and show every risk")
        self.clear_button.clicked.connect(self.clear_filter)
        self.owner_combo = QComboBox()
        self.owner_combo.setAccessibleName("Show the risks of one owner")
        self.owner_combo.activated.connect(self._owner_chosen)
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Show open, closed or all risks")
        for text, value in STATUS_CHOICES:
            self.status_combo.addItem(text, value)
        self.status_combo.activated.connect(self._status_chosen)
        filters = QHBoxLayout()
        filters.addWidget(self.filter_label, 1)
        filters.addWidget(self.clear_button)
        filters.addSpacing(12)
        filters.addWidget(self.owner_combo)
        filters.addWidget(self.status_combo)
        self.notice = Notice()

        # Heat map -----------------------------------------------------------
        heat_panel, heat_layout = panel("riskHeatPanel")
        self.heat_title = heading("Heat map", 1.1)
        self.current_radio = QRadioButton("Current")
        self.current_radio.setAccessibleName("Heat map of current scores")
        self.target_radio = QRadioButton("Target")
        self.target_radio.setAccessibleName("Heat map of target scores")
        self.current_radio.setChecked(True)
        self._view_group = QButtonGroup(self)
        self._view_group.addButton(self.current_radio)
        self._view_group.addButton(self.target_radio)
        self.target_radio.toggled.connect(self._view_toggled)
        heat_top = QHBoxLayout()
        heat_top.addWidget(self.heat_title, 1)
        heat_top.addWidget(self.current_radio)
        heat_top.addWidget(self.target_radio)
        self.heat_map = HeatMap()
        self.heat_map.cell_clicked.connect(self.cell_clicked)
        heat_layout.addLayout(heat_top)
        heat_layout.addWidget(self.heat_map, 1)
        heat_panel.setMinimumWidth(280)
        heat_panel.setMaximumWidth(340)

        # Register -----------------------------------------------------------
        self.model = RiskRegisterModel(self)
        self.table = read_only_table(
            "riskRegister",
            "Risk register",
            "One row per risk: reference, title, owner, current and target score with band, "
            "whether above target, trend and last review. Select a row to see it in full.",
        )
        self.table.setModel(self.model)
        self.table.setItemDelegate(ChipDelegate(104, self.table))
        # No sort indicator yet: the service's order (highest score first) stands
        # until a heading is clicked.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        fixed_columns(
            self.table,
            {REF: 42, OWNER: 140, CURRENT: 112, TARGET: 100, ABOVE: 60, TREND: 90, REVIEWED: 96},
            TITLE,
        )
        self.table.setColumnHidden(STATUS, True)
        # The last review date is in the detail; the title needs the room more.
        self.table.setColumnHidden(REVIEWED, True)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._row_changed)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.setChildrenCollapsible(False)
        top.addWidget(heat_panel)
        top.addWidget(self.table)
        top.setStretchFactor(1, 1)

        # Detail -------------------------------------------------------------
        detail_panel, detail_layout = panel("riskDetailPanel")
        self.detail_title = heading("", 1.15)
        self.detail_title.setWordWrap(True)
        self.detail_title.setObjectName("riskDetailTitle")
        self.band_chip = RagChip("band", "", "#505a5f")
        self.detail_facts = muted("")
        self.detail_facts.setObjectName("riskDetailFacts")
        title_row = QHBoxLayout()
        title_row.addWidget(self.detail_title, 1)
        title_row.addWidget(self.band_chip, 0, Qt.AlignmentFlag.AlignTop)
        self.narrative = QTextBrowser()
        self.narrative.setObjectName("riskNarrative")
        self.narrative.setAccessibleName("Mitigation, cause, consequence and description")
        self.narrative.setOpenLinks(False)
        self.narrative.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.reviews_model = ReviewHistoryModel(self)
        self.reviews_table = read_only_table(
            "riskReviews", "Review history", "The risk's reviews, newest first."
        )
        self.reviews_table.setModel(self.reviews_model)
        self.reviews_table.setItemDelegate(ChipDelegate(150, self.reviews_table))
        fixed_columns(self.reviews_table, {0: 88, 1: 150, 3: 120, 4: 84}, 2)
        self.reviews_heading = heading("Review history", 1.0)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.setSpacing(4)
        history_layout.addWidget(self.reviews_heading)
        history_layout.addWidget(self.reviews_table, 1)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.setChildrenCollapsible(False)
        body.addWidget(self.narrative)
        body.addWidget(history)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 3)
        detail_layout.addLayout(title_row)
        detail_layout.addWidget(self.detail_facts)
        detail_layout.addWidget(body, 1)
        self.detail_panel = detail_panel

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(detail_panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.splitterMoved.connect(self._split_moved)

        self.message = muted("")
        self.message.setObjectName("risksMessage")
        self.message.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 12)
        layout.setSpacing(8)
        layout.addLayout(header)
        layout.addLayout(filters)
        layout.addWidget(self.notice)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)
        self._show_rights()

    # BoardPage ------------------------------------------------------------

    def attach(self, env: PageEnv) -> None:
        self.env = env
        self._stale = True
        plan = env.context.plan_title or "no improvement plan yet"
        self.subtitle.setText(plan)
        self.subtitle.setToolTip(f"{env.context.board_name}: {plan}")
        if self.isVisible():
            self.reload()

    def apply_filter(self, spec: Filter) -> None:
        self._filter = filter_from_spec(spec)
        self._set_view(target=self._filter.target_cell is not None)
        risk_id = spec.get("risk_id")
        if isinstance(risk_id, str):
            self._selected_id = risk_id
        self.reload()

    def on_changed(self, topic: str) -> None:
        if topic in TOPICS:
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.env is not None:
            self.reload()

    # Filtering --------------------------------------------------------------

    @property
    def current_filter(self) -> RiskFilter:
        return self._filter

    def cell_clicked(self, likelihood: int, impact: int) -> None:
        """A heat-map cell was pressed: list its risks, or all of them if it was selected."""
        cell = (likelihood, impact)
        chosen = self._filter.target_cell if self._target_view else self._filter.cell
        base = replace(self._filter, cell=None, target_cell=None, band=None, above_target=False)
        if chosen == cell:
            self._filter = base
        elif self._target_view:
            self._filter = replace(base, target_cell=cell)
        else:
            self._filter = replace(base, cell=cell)
        self.reload()

    def clear_filter(self) -> None:
        self._filter = RiskFilter(status=self._filter.status)
        self.reload()

    def _owner_chosen(self, _index: int) -> None:
        self._filter = replace(self._filter, owner_id=self.owner_combo.currentData())
        self.reload()

    def _status_chosen(self, _index: int) -> None:
        value = self.status_combo.currentData()
        status = None if value == "all" else RiskStatus(value)
        self._filter = replace(self._filter, status=status)
        self.reload()

    def _view_toggled(self, target: bool) -> None:
        if target == self._target_view:
            return
        self._target_view = target
        # A cell filter belongs to one view; switching views drops it.
        self._filter = replace(self._filter, cell=None, target_cell=None)
        self.reload()

    def _set_view(self, *, target: bool) -> None:
        self._target_view = target
        radio = self.target_radio if target else self.current_radio
        radio.blockSignals(True)
        radio.setChecked(True)
        radio.blockSignals(False)

    # Loading ------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the bands, heat map, register and selected risk (one short session)."""
        env = self.env
        if env is None:
            return
        self._stale = False
        plan_id = env.context.plan_id
        if plan_id is None:
            self._show_message("This board has no improvement plan yet, so no risk register.")
            return
        from db.permissions import Capability, allowed
        from db.services import risks
        from db.views import rag_key

        spec = self._filter
        with env.database.session() as s:
            self._bands = risks.risk_bands(s, plan_id)
            grid = risks.heat_map(s, plan_id, status=spec.status, owner_id=spec.owner_id)
            self._rows = risks.risk_register(s, plan_id, spec)
            owners = risks.risk_owners(s, plan_id)
            self._can_review = allowed(
                s, env.actor_id, env.context.board_id, Capability.RUN_MEETING
            )
            self._can_edit_bands = allowed(
                s, env.actor_id, env.context.board_id, Capability.EDIT_BUSINESS
            )
            colours = {entry.rag: entry.colour for entry in rag_key(s, plan_id)}
        self.message.hide()
        self.splitter.show()
        self._in_scope = grid.total
        self._owners = {o.person_id: o.name for o in owners}
        self._rag_colours = colours
        self.heat_map.set_bands(self._bands.bands)
        self.heat_map.set_counts(grid.target if self._target_view else grid.current)
        self.heat_map.set_selected(spec.target_cell if self._target_view else spec.cell)
        self.heat_map.set_caption("")
        self.heat_map.setToolTip(
            ("Target scores" if self._target_view else "Current scores")
            + f" of {self._scope_words(grid.total)}. Click a cell to list its risks."
        )
        self._fill_owners()
        self.status_combo.setCurrentIndex(
            self.status_combo.findData("all" if spec.status is None else spec.status.value)
        )
        self.table.setColumnHidden(STATUS, spec.status is not None)
        # Replacing the rows moves the view's current row; the selection is restored
        # below from the id, not taken from wherever the view lands.
        self._loading = True
        self.model.set_rows(self._rows)
        self._refit()
        self._refit_timer.start()  # again once the columns have their final widths
        self._show_filter()
        self._loading = False
        self._restore_selection()
        self._show_rights()

    def _split_moved(self, _pos: int, _index: int) -> None:
        self._split_by_hand = True

    def _fit_split(self) -> None:
        """Give the register room for every row (up to 3/5 of the height) until dragged."""
        if self._split_by_hand:
            return
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        table = self.table
        wanted = table.horizontalHeader().height() + 2 * table.frameWidth() + 4
        wanted += sum(table.rowHeight(r) for r in range(self.model.rowCount()))
        top = max(min(wanted, total * 3 // 5), min(300, total // 2))
        self.splitter.setSizes([top, total - top])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Column widths settle after this event; wrapped titles change row heights.
        self._refit_timer.start()

    def _refit(self) -> None:
        # Rows at least as tall as a score chip (`ChipDelegate.sizeHint`).
        fit_rows(self.table, TITLE, 36)
        self._fit_split()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.splitter.hide()
        self._rows = ()
        self.model.set_rows(())
        self._show_detail(None)
        self._show_rights()

    def _fill_owners(self) -> None:
        combo = self.owner_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("All owners", None)
        for person_id, name in self._owners.items():
            combo.addItem(name, person_id)
        combo.setCurrentIndex(max(combo.findData(self._filter.owner_id), 0))
        combo.blockSignals(False)

    def _scope_words(self, count: int) -> str:
        status = self._filter.status
        kind = "open " if status is RiskStatus.OPEN else "closed " if status else ""
        noun = "risk" if count == 1 else "risks"
        owner = self._owners.get(self._filter.owner_id or "")
        return f"{count} {kind}{noun}" + (f" owned by {owner}" if owner else "")

    def _filter_words(self) -> str:
        spec = self._filter
        parts = []
        if spec.cell is not None:
            lik, imp = spec.cell
            parts.append(f"in cell likelihood {lik} × impact {imp} (score {lik * imp})")
        if spec.target_cell is not None:
            lik, imp = spec.target_cell
            parts.append(f"with target likelihood {lik} × impact {imp} (score {lik * imp})")
        if spec.band is not None:
            band = next(
                (b for b in self._bands.bands if b.label.casefold() == spec.band.casefold()), None
            )
            parts.append(
                f"in the {band.label} band ({band.min_score}–{band.max_score})"
                if band
                else f'in a band called "{spec.band}" (this plan has none)'
            )
        if spec.above_target:
            parts.append("above their target score")
        return ", ".join(parts)

    def _show_filter(self) -> None:
        words = self._filter_words()
        if words:
            text = f"Showing {len(self._rows)} of {self._scope_words(self._in_scope)} {words}"
        else:
            text = f"Showing all {self._scope_words(self._in_scope)}"
        self.filter_label.setText(text)
        self.filter_label.setAccessibleName(text)
        narrowed = bool(words) or self._filter.owner_id is not None
        self.clear_button.setVisible(narrowed)

    def _restore_selection(self) -> None:
        row = self.model.find(lambda r: r.risk_id == self._selected_id) if self._selected_id else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row < 0:
            self.table.selectionModel().clearSelection()
            self._show_detail(None)
            return
        index = self.model.index(row, REF)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._load_detail(self.model.row(row).risk_id)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._loading or not current.isValid():
            return
        risk_id = self.model.row(current.row()).risk_id
        if self._detail is None or self._detail.row.risk_id != risk_id:
            self._load_detail(risk_id)

    def _load_detail(self, risk_id: str) -> None:
        env = self.env
        if env is None:
            return
        from db.services.risks import risk_detail

        self._selected_id = risk_id
        try:
            with env.database.session() as s:
                detail = risk_detail(s, risk_id)
        except BoardpackError:
            detail = None
        self._show_detail(detail)

    # Detail -------------------------------------------------------------------

    @property
    def detail(self) -> RiskDetail | None:
        return self._detail

    def _show_detail(self, detail: RiskDetail | None) -> None:
        self._detail = detail
        self._show_rights()
        if detail is None:
            self.detail_title.setText("No risk selected")
            self.detail_facts.setText(
                "No risk matches the filter." if self.env is not None and not self._rows else ""
            )
            self.band_chip.hide()
            self.narrative.setHtml("")
            self.reviews_model.set_rows(())
            return
        row = detail.row
        self.detail_title.setText(f"{row.reference}  {row.title}")
        self.detail_title.setAccessibleName(f"Risk {row.reference}: {row.title}")
        self.band_chip.set_rag(
            "band",
            f"{row.score} {row.band}",
            row.band_colour,
            f"Current score {row.score}, {row.band}",
        )
        self.band_chip.show()
        facts = [
            f"Owner: {row.owner or 'none'}",
            f"Now {row.likelihood} × {row.impact} = {row.score} ({row.band})",
            f"Target {row.target_likelihood} × {row.target_impact} = {row.target_score} "
            f"({row.target_band})" + (" — above target" if row.above_target else ""),
            f"Trend {trend_text(row.trend)}",
        ]
        if row.last_reviewed:
            facts.append(f"Last reviewed {long_date(row.last_reviewed)}")
        if not row.is_open:
            facts.append("Closed")
        self.detail_facts.setText(" · ".join(facts))
        self.narrative.setHtml(self._narrative_html(detail))
        self.reviews_model.set_rows(detail.reviews)
        self.reviews_heading.setText(f"Review history ({len(detail.reviews)})")
        self.reviews_table.resizeRowsToContents()

    def _narrative_html(self, detail: RiskDetail) -> str:
        """Mitigation, the actions delivering it, cause, consequence and description."""

        def section(name: str, body: str) -> str:
            return f"<p style='margin:0 0 8px 0'><b>{name}</b><br>{body}</p>"

        def text(value: str | None) -> str:
            return html.escape(value).replace("\n", "<br>") if value else "<i>Not recorded.</i>"

        lines = []
        for action in detail.actions:
            rag = action.rag or ""
            colour = self._rag_colours.get(rag, RAG_COLOURS.get(rag, "#505a5f"))
            ink = text_colour_for(QColor(colour)).name()
            label = rag.capitalize() if rag else "No RAG"
            due = f", due {short_date(action.due_date)}" if action.due_date else ""
            lines.append(
                f"<b>{html.escape(action.reference)}</b> {html.escape(action.title)} "
                f"<span style='background:{colour}; color:{ink}'>&nbsp;{label}&nbsp;</span>"
                f"<span> {html.escape(action.status)}{due}</span>"
            )
        actions = "<br>".join(lines) if lines else "<i>No plan actions are linked.</i>"
        return "".join(
            [
                section("Mitigation", text(detail.mitigation)),
                section(f"Actions delivering it ({len(detail.actions)})", actions),
                section("Cause", text(detail.cause)),
                section("Consequence", text(detail.consequence)),
                section("Description", text(detail.description)),
            ]
        )

    def _show_rights(self) -> None:
        row = self._detail.row if self._detail is not None else None
        can = self._can_review and row is not None and row.is_open
        self.review_button.setEnabled(can)
        if not self._can_review:
            why = "Only the chair or the secretariat records risk reviews."
        elif row is None:
            why = "Select a risk to review."
        elif not row.is_open:
            why = f"{row.reference} is closed; only open risks are reviewed."
        else:
            why = f"Record a review of {row.reference} (Ctrl+R)"
        self.review_button.setToolTip(why)
        self.review_button.setAccessibleDescription(why)
        self.bands_button.setEnabled(self._can_edit_bands)
        bands_why = (
            "Change the plan's scoring bands"
            if self._can_edit_bands
            else "Only the secretariat changes the scoring bands."
        )
        self.bands_button.setToolTip(bands_why)
        self.bands_button.setAccessibleDescription(bands_why)

    # Dialogs -------------------------------------------------------------------

    def open_review_dialog(self) -> RecordReviewDialog | None:
        """Open the "Record review" form for the selected risk (returns it, for tests)."""
        env, detail = self.env, self._detail
        if env is None or detail is None or not self._can_review or not detail.row.is_open:
            return None
        from db.services.risks import review_decision_choices
        from desktop.pages.risks_dialogs import RecordReviewDialog

        with env.database.session() as s:
            decisions = review_decision_choices(s, env.context.board_id)
        row = detail.row
        dialog = RecordReviewDialog(
            row,
            self._bands.bands,
            decisions,
            env.today,
            lambda value: self._record_review(row, value),
            self,
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def _record_review(self, row: RiskRow, value: ReviewInput) -> str | None:
        env = self.env
        if env is None:
            return "The database is not open."
        from db.services.risks import record_risk_review

        try:
            with env.database.begin(env.actor_id) as s:
                recorded = record_risk_review(
                    s,
                    env.actor_id,
                    row.risk_id,
                    value.likelihood,
                    value.impact,
                    value.commentary,
                    value.reviewed_on,
                    value.decision_id,
                )
        except BoardpackError as error:
            return str(error)
        review = recorded.review
        verb = "amended" if recorded.amended else "recorded"
        self.notice.say(
            f"Review of {row.reference} {verb}: score {review.score} ({review.band}), "
            f"{long_date(review.reviewed_on)}."
        )
        self._selected_id = row.risk_id
        self._stale = True
        env.announce("risks")
        if self._stale:  # nobody routed the announcement back to this page
            self.reload()
        return None

    def open_bands_dialog(self) -> BandsDialog | None:
        """Open the bands form (secretariat only; returns it, for tests)."""
        if self.env is None or not self._can_edit_bands:
            return None
        from desktop.pages.risks_dialogs import BandsDialog

        dialog = BandsDialog(self._bands.bands, self._bands.custom, self._save_bands, self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save_bands(self, bands: tuple[BandSpec, ...] | None) -> str | None:
        env = self.env
        if env is None or env.context.plan_id is None:
            return "The database is not open."
        from db.services.risks import reset_risk_bands, set_risk_bands

        try:
            with env.database.begin(env.actor_id) as s:
                if bands is None:
                    reset_risk_bands(s, env.actor_id, env.context.plan_id)
                else:
                    set_risk_bands(s, env.actor_id, env.context.plan_id, bands)
        except BoardpackError as error:
            return str(error)
        self.notice.say(
            "The plan now uses the conventional risk bands."
            if bands is None
            else f"Risk bands saved: {', '.join(b.label for b in bands)}."
        )
        self._stale = True
        env.announce("risks")
        if self._stale:
            self.reload()
        return None

    # For tests and checks --------------------------------------------------------

    def visible_references(self) -> list[str]:
        """The references the register lists, in order."""
        return [row.reference for row in self.model.rows()]

    def register_view(self) -> QTableView:
        return self.table
