"""The Papers page: a meeting's board pack in agenda order, the questions prepared, and the reader.

Choose a meeting (the next one by default); the pack lists its papers as the
agenda orders them — item number, title, pages, and whether a paper is a late
supplement, Part 2 (exempt), re-issued or not yet on this laptop. An exempt
item whose papers the viewer's role may not read is named with the reason,
so a missing paper is never a mystery. Enter or double-click reads a paper;
"Read the whole pack" builds the stamped, numbered pack
(`exports.board_pack`) off the GUI thread and opens that. The reader
(`desktop.reader.view`) replaces the list until "← Board pack" (or Esc).
Beside the list: the questions prepared against the agenda items
(`desktop.reader.questions`, the widget meeting mode can embed too).
Opening a meeting's papers first moves any of the viewer's annotations that
sync left on a replaced version onto the current one (`follow_reissues`).

`apply_filter` takes {"meeting_id": id}, {"paper_id": id, "page": n} (open
that paper, n 0-based), {"view": "reader"} (open the first paper) and
{"view": "pack"} (back to the list). Reads are one short session each; the
page loads nothing until first shown and refreshes on "papers",
"annotations" and "questions".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from desktop.pages.base import Filter, PageEnv
from desktop.reader.last_page import LastPageStore
from desktop.reader.notes_model import NOTE, WHERE, NotesModel
from desktop.reader.questions import QuestionsPanel
from desktop.reader.view import ReaderView
from widgets.elided_label import ElidedLabel
from widgets.page_parts import Notice, fixed_columns, heading, muted, panel, read_only_table
from widgets.row_model import Column, RowTableModel
from widgets.style import make_muted

if TYPE_CHECKING:
    from db.services.annotations import AnnotationRow
    from db.services.meetings import MeetingRow
    from db.services.papers import PaperRow

#: The topics this page refreshes on.
TOPICS = frozenset({"papers", "annotations", "questions", "meetings"})

ITEM, TITLE, PAGES, MINE, NOTES = 0, 1, 2, 3, 4


def paper_notes(row: PaperRow) -> str:
    """What is special about a paper, in words."""
    parts = []
    if row.supplement:
        parts.append("Supplement")
    if row.exempt:
        parts.append("Part 2 (exempt)")
    if row.kind == "action_cards":
        parts.append("Action cards")
    if row.version > 1:
        parts.append(f"Re-issued (version {row.version}, {row.issued_at:%d %b})")
    if not row.on_this_laptop:
        parts.append("Not on this laptop yet")
    return " · ".join(parts)


def paper_text(row: PaperRow) -> str:
    """The paper's title, and its item's when that says something the title does not."""
    item = row.item_title or ""
    if not item or item.casefold() in row.title.casefold():
        return row.title
    return f"{row.title}\nItem: {item}"


class PackModel(RowTableModel["PaperRow"]):
    """The pack's papers in agenda order, and how many notes the viewer has on each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._notes: dict[str, int] = {}
        super().__init__(
            (
                Column(
                    "Item",
                    lambda r: r.item_number or "–",
                    sort_key=lambda r: int(r.item_number) if r.item_number else None,
                    spoken=lambda r: f"Item {r.item_number}" if r.item_number else "No item",
                ),
                Column(
                    "Paper",
                    paper_text,
                    sort_key=lambda r: r.title.casefold(),
                    tooltip=lambda r: (
                        f"{r.title}\nReport of {r.report_of}" if r.report_of else r.title
                    ),
                    bold=lambda r: r.supplement,
                ),
                Column("Pages", lambda r: str(r.page_count), sort_key=lambda r: r.page_count),
                Column(
                    "My notes",
                    lambda r: str(self._notes.get(r.paper_id, "")),
                    sort_key=lambda r: self._notes.get(r.paper_id, 0),
                    header_tooltip="Your highlights and sticky notes on the paper",
                ),
                Column("", paper_notes, header_tooltip="Supplement, Part 2, re-issued"),
            ),
            parent,
        )

    def set_papers(self, papers: tuple[PaperRow, ...], notes: dict[str, int]) -> None:
        self._notes = dict(notes)
        self.set_rows(papers)


class PapersPage(QWidget):
    """The meeting's board pack, its questions, and the reader."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("page-papers")
        self.setAccessibleName("Papers page")
        self.env: PageEnv | None = None
        self._stale = True
        self._meetings: tuple[MeetingRow, ...] = ()
        self._meeting_id: str | None = None
        self._papers: tuple[PaperRow, ...] = ()
        self._pending: Filter | None = None
        self._announcing = False

        # Pack view -----------------------------------------------------------
        self.title = heading("Board pack", 1.5)
        self.meeting_combo = QComboBox()
        self.meeting_combo.setObjectName("papersMeeting")
        self.meeting_combo.setAccessibleName("Meeting whose papers are shown")
        self.meeting_combo.setMinimumWidth(260)
        self.meeting_combo.activated.connect(self._meeting_chosen)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(12)
        header.addWidget(self.meeting_combo)
        self.when = ElidedLabel()
        self.when.setObjectName("papersWhen")
        make_muted(self.when)
        header.addSpacing(8)
        header.addWidget(self.when, 1)
        self.notice = Notice()
        self.withheld = muted("")
        self.withheld.setObjectName("papersWithheld")

        pack_panel, pack_layout = panel("papersPackPanel")
        self.pack_heading = heading("Papers in agenda order", 1.1)
        self.model = PackModel(self)
        self.table = read_only_table(
            "papersPack",
            "The meeting's papers",
            "One row per paper, in agenda order: item, title, pages, and whether it is a "
            "supplement, Part 2, re-issued or not on this laptop yet. Enter reads it.",
        )
        self.table.setModel(self.model)
        fixed_columns(self.table, {ITEM: 50, PAGES: 56, NOTES: 150, MINE: 80}, TITLE)
        self.table.doubleClicked.connect(self._row_opened)
        self.table.activated.connect(self._row_opened)
        self.read_button = QPushButton("Read paper")
        self.read_button.setObjectName("papersRead")
        self.read_button.setToolTip("Open the selected paper in the reader (Enter)")
        self.read_button.clicked.connect(self.open_selected)
        self.pack_button = QPushButton("Read the whole pack")
        self.pack_button.setObjectName("papersPack")
        self.pack_button.setToolTip(
            "One continuous, numbered PDF of every paper you may read, stamped with its item "
            "(Ctrl+Enter in the list)"
        )
        self.pack_button.clicked.connect(self.open_pack)
        self.notes_button = QPushButton("Export my notes…")
        self.notes_button.setToolTip("My notes and questions for this meeting, as a text file")
        self.notes_button.clicked.connect(self._export_notes)
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.pack_button)
        buttons.addStretch(1)
        buttons.addWidget(self.notes_button)
        self.empty = muted("")
        pack_layout.addWidget(self.pack_heading)
        pack_layout.addWidget(self.withheld)
        pack_layout.addWidget(self.empty)
        pack_layout.addWidget(self.table, 3)
        pack_layout.addLayout(buttons)

        # My notes for this meeting, under the pack: choosing one opens its page.
        self.notes_heading = heading("My notes for this meeting", 1.05)
        self.notes_model = NotesModel(self)
        self.notes_table = read_only_table(
            "papersNotes",
            "My notes for this meeting",
            "Your highlights and sticky notes on this meeting's papers, then those others "
            "shared with the board. Enter opens the paper at the note.",
        )
        self.notes_table.setModel(self.notes_model)
        self.notes_table.horizontalHeader().hide()
        fixed_columns(self.notes_table, {WHERE: 64}, NOTE)
        self.notes_table.activated.connect(self._note_opened)
        self.notes_table.doubleClicked.connect(self._note_opened)
        pack_layout.addSpacing(6)
        pack_layout.addWidget(self.notes_heading)
        pack_layout.addWidget(self.notes_table, 2)

        questions_panel, questions_layout = panel("papersQuestionsPanel")
        self.questions = QuestionsPanel()
        questions_layout.addWidget(self.questions)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(pack_panel)
        split.addWidget(questions_panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.split = split

        pack_view = QWidget()
        pack_view_layout = QVBoxLayout(pack_view)
        pack_view_layout.setContentsMargins(20, 14, 20, 12)
        pack_view_layout.setSpacing(8)
        pack_view_layout.addLayout(header)
        pack_view_layout.addWidget(self.notice)
        pack_view_layout.addWidget(split, 1)
        self.pack_view = pack_view

        # Reader ---------------------------------------------------------------
        self.reader = ReaderView(self)
        self.reader.back_requested.connect(self.show_pack)
        self.reader.changed.connect(self._reader_wrote)
        self.questions.changed.connect(lambda: self._announce("questions"))

        self.stack = QStackedWidget()
        self.stack.addWidget(pack_view)
        self.stack.addWidget(self.reader)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        whole_pack = QShortcut(QKeySequence("Ctrl+Return"), self.table)
        whole_pack.setContext(Qt.ShortcutContext.WidgetShortcut)
        whole_pack.activated.connect(self.open_pack)

    # BoardPage ----------------------------------------------------------------

    def attach(self, env: PageEnv) -> None:
        previous = self.env
        self.env = env
        self._stale = True
        if previous is None or (previous.database, previous.actor_id) != (
            env.database,
            env.actor_id,
        ):
            # Someone else, or another file: nothing of the last reader's stays open.
            self.reader.close_document()
            self.stack.setCurrentWidget(self.pack_view)
        self.reader.set_source(env.database, env.actor_id)
        if self.isVisible():
            self.reload()

    def apply_filter(self, spec: Filter) -> None:
        self._pending = spec
        meeting_id = spec.get("meeting_id")
        if isinstance(meeting_id, str):
            self._meeting_id = meeting_id
        if spec.get("view") == "pack":
            self.show_pack()
        self.reload()

    def on_changed(self, topic: str) -> None:
        if topic in TOPICS and not self._announcing:
            self._stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.env is not None:
            self.reload()

    def set_last_pages(self, store: LastPageStore) -> None:
        """Where last pages are remembered (tests pass a scratch `QSettings`)."""
        self.reader.set_last_pages(store)

    # Loading ---------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the meetings, the chosen meeting's papers and questions."""
        env = self.env
        if env is None:
            return
        self._stale = False
        from db.services.meetings import meetings_of

        with env.database.session() as s:
            listed = meetings_of(s, env.actor_id, env.context.board_id, today=env.today)
        self._meetings = listed.upcoming + listed.past
        if self._meeting_id not in {m.meeting_id for m in self._meetings}:
            self._meeting_id = self._meetings[0].meeting_id if self._meetings else None
        self._fill_meetings(len(listed.upcoming))
        self._load_meeting()
        pending, self._pending = self._pending, None
        if pending:
            self._follow(pending)
        elif self.reader.opened is not None:
            self.reader.refresh()

    def _fill_meetings(self, upcoming: int) -> None:
        combo = self.meeting_combo
        combo.blockSignals(True)
        combo.clear()
        for n, row in enumerate(self._meetings):
            day = row.meeting_date
            when = "next" if n == 0 and upcoming else ("upcoming" if n < upcoming else "")
            label = f"{row.board_code}, {day.day} {day:%B %Y}"
            combo.addItem(f"{label} ({when})" if when else label, row.meeting_id)
        combo.setCurrentIndex(max(0, combo.findData(self._meeting_id)))
        combo.setEnabled(bool(self._meetings))
        combo.blockSignals(False)

    def _load_meeting(self) -> None:
        env, meeting_id = self.env, self._meeting_id
        if env is None:
            return
        if meeting_id is None:
            self._show_papers((), "This board has no meetings yet, so no papers.", "")
            self._show_notes((), ())
            return
        from db.services.annotations import my_annotations, shared_annotations
        from db.services.meeting_view import meeting_view
        from db.services.papers import follow_reissues, meeting_papers

        try:
            if env.actor_id is not None:
                with env.database.begin(env.actor_id) as s:
                    moved = follow_reissues(s, env.actor_id, meeting_id)
                if moved:
                    self.notice.say(
                        f"{len(moved)} of your notes made on an earlier version of a paper were "
                        "moved to the re-issued version."
                    )
            with env.database.session() as s:
                papers = meeting_papers(s, env.actor_id, meeting_id)
                view = meeting_view(s, env.actor_id, meeting_id)
                mine = my_annotations(s, env.actor_id, meeting_id)
                shared = shared_annotations(s, env.actor_id, meeting_id)
        except BoardpackError as error:
            self._show_papers((), str(error), "")
            self._show_notes((), ())
            return
        counts: dict[str, int] = {}
        for note in mine:
            counts[note.paper_id] = counts.get(note.paper_id, 0) + 1
        start = f", {view.start_time:%H:%M}" if view.start_time else ""
        venue = f", {view.venue}" if view.venue else ""
        day = view.meeting_date
        self.when.set_full_text(f"{day:%A} {day.day} {day:%B %Y}{start}{venue}")
        withheld = [
            f"Item {i.number} is Part 2 (exempt"
            + (f", paragraph {i.exempt_paragraph}: {i.exemption}" if i.exempt_paragraph else "")
            + "); its papers are only for roles cleared to read exempt items."
            for i in view.items
            if i.withheld
        ]
        empty = "" if papers else "No papers have been added to this meeting's agenda yet."
        self._show_papers(papers, empty, "\n".join(withheld), counts)
        self._show_notes(mine, shared)
        self.questions.set_meeting(env.database, env.actor_id, meeting_id)
        if papers:  # questions are mostly about the papers: start on the first paper's item
            self.questions.choose_item(papers[0].item_id)

    def _show_notes(
        self, mine: tuple[AnnotationRow, ...], shared: tuple[AnnotationRow, ...]
    ) -> None:
        self.notes_model.set_notes(mine, shared)
        self.notes_table.resizeRowsToContents()
        others = sum(1 for r in shared if not r.mine)
        text = f"My notes for this meeting ({len(mine)})"
        if others:
            text += f" · shared by others ({others})"
        self.notes_heading.setText(text)

    def _note_opened(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.notes_model.row(index.row())
        if self.open_paper(row.paper_id, row.page):
            self.reader.annotations.show(row.annotation_id)

    def _show_papers(
        self,
        papers: tuple[PaperRow, ...],
        empty: str,
        withheld: str,
        notes: dict[str, int] | None = None,
    ) -> None:
        notes = notes or {}
        self._papers = papers
        self.model.set_papers(papers, notes)
        self.table.resizeRowsToContents()
        pages = sum(p.page_count for p in papers)
        self.pack_heading.setText(
            f"Papers in agenda order ({len(papers)} papers, {pages} pages)"
            if papers
            else "Papers in agenda order"
        )
        self.empty.setText(empty)
        self.empty.setVisible(bool(empty))
        self.withheld.setText(withheld)
        self.withheld.setVisible(bool(withheld))
        for widget in (self.read_button, self.pack_button):
            widget.setEnabled(bool(papers))
        if papers:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, ITEM),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _meeting_chosen(self, _index: int) -> None:
        self._meeting_id = self.meeting_combo.currentData()
        self._load_meeting()

    def _follow(self, spec: Filter) -> None:
        paper_id = spec.get("paper_id")
        page = spec.get("page")
        if isinstance(paper_id, str):
            self.open_paper(paper_id, page if isinstance(page, int) else None)
        elif spec.get("view") == "reader" and self._papers:
            self.open_paper(self._papers[0].paper_id)

    # Actions ---------------------------------------------------------------------

    @property
    def meeting_id(self) -> str | None:
        return self._meeting_id

    def papers(self) -> tuple[PaperRow, ...]:
        return self._papers

    def open_paper(self, paper_id: str, page: int | None = None) -> bool:
        """Show a paper in the reader (at `page`, or where this person stopped last)."""
        if not self.reader.open_paper(paper_id, page):
            return False
        self.stack.setCurrentWidget(self.reader)
        paper = self.reader.paper
        self.questions.choose_item(paper.item_id if paper is not None else None)
        return True

    def open_selected(self) -> bool:
        index = self.table.currentIndex()
        if not index.isValid():
            return False
        return self.open_paper(self.model.row(index.row()).paper_id)

    def _row_opened(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_paper(self.model.row(index.row()).paper_id)

    def open_pack(self) -> bool:
        """Build the whole pack (in the background) and show it in the reader."""
        if self._meeting_id is None:
            return False
        started = self.reader.open_pack(self._meeting_id)
        if started:
            self.notice.say("Building the board pack…")
            self.reader.pack_ready.connect(self._pack_ready, Qt.ConnectionType.SingleShotConnection)
        return started

    def _pack_ready(self, ok: bool) -> None:
        self.notice.say("")
        if ok:
            self.stack.setCurrentWidget(self.reader)

    def show_pack(self) -> None:
        """Back from the reader to the list of papers."""
        self.stack.setCurrentWidget(self.pack_view)
        self.table.setFocus()

    def _export_notes(self) -> None:
        if self._meeting_id is None or self.env is None:
            return
        self.reader.output.export_notes(meeting_id=self._meeting_id)

    def _reader_wrote(self, topic: str) -> None:
        self._announce(topic)

    def _announce(self, topic: str) -> None:
        if self.env is None:
            return
        # The reader and the questions panel already show their own write; the
        # announcement is for the other pages.
        self._announcing = True
        try:
            self.env.announce(topic)
        finally:
            self._announcing = False
