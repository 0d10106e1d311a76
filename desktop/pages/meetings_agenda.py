"""The agenda editor (secretariat): items in order, numbered by position, each opened in full.

The table lists the agenda as the meeting will take it; numbers follow the
position, so a move renumbers at once. Rows are moved by dragging or with
Alt+Up / Alt+Down, added with Insert (or the button), edited with Enter or
F2, given a PDF paper with Ctrl+P and removed with Delete — each change
written and committed at once through `db.services.agenda` (and
`db.services.papers`) by the page's callbacks. Below the table the
chosen item is shown in full: purpose, presenter, time box, the plan
actions, risks and KPIs it concerns, and for an exempt item the Schedule 12A
paragraph with the exclusion resolution drafted for it; beside it the item's
papers in the order the pack lists them (Alt+P goes there), where Alt+Up /
Alt+Down move the chosen paper (`db.services.agenda.move_paper`) and Delete
takes it off the item (`db.services.agenda.remove_paper`; the page asks
first when members have annotated it). Alt+Up / Alt+Down are shortcuts of
each list, not of the page: they move agenda items while the agenda has the
focus and papers while the papers list has it. Those who may not edit the
agenda (everyone but the secretariat) see the same, read-only, and are told why.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.pages.meetings_models import AgendaModel, presenter_text
from widgets.page_parts import fixed_columns, muted, read_only_table


class AgendaEditor(QWidget):
    """The agenda table, its buttons, and the chosen item in full."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agendaEditor")
        self.view: Any = None
        self.editable = False
        #: Set by the page: each returns None or the refusal to show.
        self.on_add: Callable[[], object] = lambda: None
        self.on_edit: Callable[[str], object] = lambda _id: None
        self.on_move: Callable[[str, int], object] = lambda _id, _pos: None
        self.on_remove: Callable[[str], object] = lambda _id: None
        self.on_add_paper: Callable[[str], object] = lambda _id: None
        self.on_remove_paper: Callable[[str], object] = lambda _id: None
        self.on_move_paper: Callable[[str, int], object] = lambda _id, _pos: None

        self.model = AgendaModel(self)
        self.model.move_requested.connect(lambda item_id, pos: self.on_move(item_id, pos))
        self.table = read_only_table(
            "agendaTable",
            "Agenda",
            "The items in order. Alt+Up and Alt+Down move the chosen item, Insert adds one, "
            "Enter or F2 edits it, Delete removes it; rows can also be dragged.",
        )
        self.table.setModel(self.model)
        self.table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.table.setDragDropOverwriteMode(False)
        self.table.setDropIndicatorShown(True)
        self.table.setDefaultDropAction(Qt.DropAction.MoveAction)
        fixed_columns(self.table, {0: 44, 2: 220, 3: 70, 4: 60, 5: 170}, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_chosen())
        self.table.doubleClicked.connect(lambda _i: self.edit_chosen())

        self.add_button = QPushButton("Add item (Insert)")
        self.add_button.setAccessibleName("Add an agenda item")
        self.add_button.clicked.connect(lambda: self.on_add())
        self.edit_button = QPushButton("Edit (Enter)")
        self.edit_button.setAccessibleName("Edit the chosen item")
        self.edit_button.clicked.connect(self.edit_chosen)
        self.up_button = QPushButton("Move up (Alt+↑)")
        self.up_button.setAccessibleName("Move the chosen item up")
        self.up_button.clicked.connect(lambda: self.move_chosen(-1))
        self.down_button = QPushButton("Move down (Alt+↓)")
        self.down_button.setAccessibleName("Move the chosen item down")
        self.down_button.clicked.connect(lambda: self.move_chosen(1))
        self.paper_button = QPushButton("Add paper… (Ctrl+P)")
        self.paper_button.setAccessibleName("Add a PDF paper to the chosen item")
        self.paper_button.clicked.connect(self.add_paper_to_chosen)
        self.remove_button = QPushButton("Remove item (Delete)")
        self.remove_button.setAccessibleName("Remove the chosen item")
        self.remove_button.clicked.connect(self.remove_chosen)
        self.rights = muted("", wrap=True)
        self.rights.setObjectName("agendaRights")
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.up_button,
            self.down_button,
            self.paper_button,
            self.remove_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.detail = QTextBrowser()
        self.detail.setObjectName("agendaItemDetail")
        self.detail.setAccessibleName("The chosen item in full")
        self.detail.setOpenLinks(False)

        # The chosen item's papers, in the pack's order.
        self.papers = QListWidget()
        self.papers.setObjectName("agendaPapers")
        self.papers.setAccessibleName("Papers of the chosen item")
        self.papers.setAccessibleDescription(
            "Alt+Up and Alt+Down move the chosen paper; Delete takes it off the item; "
            "Ctrl+P adds one; Escape goes back to the agenda."
        )
        # Its size hint must not push the agenda table up: the splitter's stretch decides.
        self.papers.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.papers.setMinimumHeight(self.papers.fontMetrics().lineSpacing() * 2 + 8)
        self.papers_label = QLabel("&Papers of the chosen item (Alt+P)")
        self.papers_label.setBuddy(self.papers)
        self.remove_paper_button = QPushButton("Remove paper (Delete)")
        self.remove_paper_button.setAccessibleName("Take the chosen paper off the item")
        self.remove_paper_button.clicked.connect(self.remove_chosen_paper)
        self.paper_up_button = QPushButton("Move up (Alt+↑)")
        self.paper_up_button.setAccessibleName("Move the chosen paper up")
        self.paper_up_button.clicked.connect(lambda: self.move_chosen_paper(-1))
        self.paper_down_button = QPushButton("Move down (Alt+↓)")
        self.paper_down_button.setAccessibleName("Move the chosen paper down")
        self.paper_down_button.clicked.connect(lambda: self.move_chosen_paper(1))
        self.papers.currentRowChanged.connect(lambda _row: self._enable_paper_buttons())
        self.papers_hint = muted(
            "In the pack's order. Ctrl+P adds one; Esc goes back to the agenda.",
            wrap=True,
        )
        papers_box = QWidget()
        papers_layout = QVBoxLayout(papers_box)
        papers_layout.setContentsMargins(0, 0, 0, 0)
        papers_layout.addWidget(self.papers_label)
        papers_layout.addWidget(self.papers, 1)
        papers_buttons = QHBoxLayout()
        for button in (self.paper_up_button, self.paper_down_button, self.remove_paper_button):
            papers_buttons.addWidget(button)
        papers_buttons.addStretch(1)
        papers_layout.addLayout(papers_buttons)
        papers_layout.addWidget(self.papers_hint)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.setChildrenCollapsible(False)
        lower.addWidget(self.detail)
        lower.addWidget(papers_box)
        lower.setStretchFactor(0, 3)
        lower.setStretchFactor(1, 2)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.rights)
        layout.addWidget(split, 1)

        for keys, slot in (
            ("Insert", lambda: self.on_add()),
            ("Alt+Up", lambda: self.move_chosen(-1)),
            ("Alt+Down", lambda: self.move_chosen(1)),
            ("Return", self.edit_chosen),
            ("Enter", self.edit_chosen),
            ("F2", self.edit_chosen),
            ("Delete", self.remove_chosen),
            ("Ctrl+P", self.add_paper_to_chosen),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        for keys, slot in (
            ("Alt+Up", lambda: self.move_chosen_paper(-1)),
            ("Alt+Down", lambda: self.move_chosen_paper(1)),
            ("Delete", self.remove_chosen_paper),
            ("Ctrl+P", self.add_paper_to_chosen),
            ("Escape", self.table.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(keys), self.papers)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(slot)
        self.show_view(None)

    # Showing ---------------------------------------------------------------------------

    def show_view(self, view: Any, *, editable: bool = False, why_not: str = "") -> None:
        chosen = self.chosen()
        keep = chosen.item_id if chosen is not None else None
        self.view = view
        self.editable = editable and view is not None
        self.model.editable = self.editable
        self.model.set_rows(view.items if view is not None else ())
        self.table.resizeRowsToContents()
        for button in (self.add_button, self.edit_button, self.up_button):
            button.setEnabled(self.editable)
        self.down_button.setEnabled(self.editable)
        self.remove_button.setEnabled(self.editable)
        self.paper_button.setEnabled(self.editable)
        self.table.setDragEnabled(self.editable)
        self.table.setAcceptDrops(self.editable)
        self.rights.setText(why_not)
        self.rights.setVisible(bool(why_not))
        self.select(keep)

    def select(self, item_id: str | None) -> None:
        row = self.model.find(lambda r: r.item_id == item_id) if item_id else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 1),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._show_chosen()

    def chosen(self) -> Any:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row(index.row())

    def _show_chosen(self) -> None:
        item = self.chosen()
        keep = self.chosen_paper()
        self.papers.clear()
        if item is None:
            self.detail.setHtml("<i>No item chosen.</i>")
            self.papers_label.setText("&Papers (Alt+P)")
        else:
            self.detail.setHtml(item_html(item))
            self.papers_label.setText(f"&Papers of item {item.number} (Alt+P)")
            for n, link in enumerate(() if item.withheld else item.papers, start=1):
                entry = QListWidgetItem(f"{n}. {link.label}")
                entry.setData(Qt.ItemDataRole.UserRole, link.id)
                self.papers.addItem(entry)
                if link.id == keep:
                    self.papers.setCurrentItem(entry)
            if self.papers.count() and self.papers.currentRow() < 0:
                self.papers.setCurrentRow(0)
        if not self.papers.count():
            self.papers.addItem(QListWidgetItem("No papers: Ctrl+P adds one."))
            self.papers.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self._enable_paper_buttons()

    def _enable_paper_buttons(self) -> None:
        row, count = self.papers.currentRow(), self._paper_count()
        chosen = self.editable and self.chosen_paper() is not None
        self.remove_paper_button.setEnabled(chosen)
        self.paper_up_button.setEnabled(chosen and row > 0)
        self.paper_down_button.setEnabled(chosen and 0 <= row < count - 1)

    def _paper_count(self) -> int:
        """How many papers the list shows (not counting its "No papers" line)."""
        return sum(
            1
            for n in range(self.papers.count())
            if isinstance(self.papers.item(n).data(Qt.ItemDataRole.UserRole), str)
        )

    def chosen_paper(self) -> str | None:
        """The id of the paper chosen in the papers list, if any."""
        entry = self.papers.currentItem()
        value = entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None
        return value if isinstance(value, str) else None

    # Acting ------------------------------------------------------------------------------

    def edit_chosen(self) -> None:
        item = self.chosen()
        if item is not None and self.editable:
            self.on_edit(item.item_id)

    def move_chosen(self, delta: int) -> None:
        item = self.chosen()
        if item is None or not self.editable:
            return
        target = item.position + delta
        if 1 <= target <= self.model.rowCount():
            self.on_move(item.item_id, target)

    def add_paper_to_chosen(self) -> None:
        item = self.chosen()
        if item is not None and self.editable:
            self.on_add_paper(item.item_id)

    def remove_chosen(self) -> None:
        item = self.chosen()
        if item is not None and self.editable:
            self.on_remove(item.item_id)

    def move_chosen_paper(self, delta: int) -> None:
        """Move the chosen paper `delta` places (-1 up, 1 down) among the item's papers."""
        paper_id = self.chosen_paper()
        if paper_id is None or not self.editable:
            return
        target = self.papers.currentRow() + 1 + delta
        if 1 <= target <= self._paper_count():
            self.on_move_paper(paper_id, target)

    def remove_chosen_paper(self) -> None:
        paper_id = self.chosen_paper()
        if paper_id is not None and self.editable:
            self.on_remove_paper(paper_id)


def item_html(item: Any) -> str:
    """The item in full, for the detail pane."""

    def section(name: str, body: str) -> str:
        return f"<p style='margin:0 0 6px 0'><b>{name}</b><br>{body}</p>"

    title = (
        f"<h3 style='margin:0 0 6px 0'>{html.escape(item.number)}. {html.escape(item.title)}</h3>"
    )
    parts = [title]
    if item.exempt:
        parts.append(
            section(
                f"Exempt — Schedule 12A, paragraph {item.exempt_paragraph}",
                html.escape(item.exemption or "")
                + "<br><i>Exclusion resolution (drafted):</i> "
                + html.escape(item.exclusion_resolution or ""),
            )
        )
    if item.withheld:
        parts.append("<p><i>The rest of this exempt item is not shown to your role.</i></p>")
        return "".join(parts)
    facts = []
    presenter = presenter_text(item)
    if presenter:
        facts.append(f"Presenter: {html.escape(presenter)}")
    facts.append(
        f"Time box: {item.time_box_minutes} min" if item.time_box_minutes else "No time box"
    )
    parts.append(f"<p>{' · '.join(facts)}</p>")
    if item.purpose:
        parts.append(section("Purpose", html.escape(item.purpose)))

    def listing(links: Any, empty: str) -> str:
        return "<br>".join(html.escape(link.label) for link in links) or f"<i>{empty}</i>"

    parts.append(section("Plan actions", listing(item.actions, "None linked.")))
    parts.append(section("Risks", listing(item.risks, "None linked.")))
    parts.append(section("Indicators", listing(item.kpis, "None linked.")))
    return "".join(parts)
