"""The reader: a paper or the whole board pack, its pages, and the reader's notes beside it.

Composes the page canvas (`canvas`), the toolbar (`toolbar`), the side panel
(`side`: notes and search; the action cards of a cards paper), the notes
(`annotating`), printing and export (`output`) and the last-page memory
(`last_page`), and does the opening and moving itself: a paper (its latest
version) or the pack (built on a background worker, so the window stays
usable), page navigation (PgUp/PgDn, Home/End, the wheel past a page's end,
Ctrl+G to type a page — a number, or a pack label such as "S1"), zoom
(Ctrl+= / Ctrl+-, Ctrl+0 fits the width) and search (Ctrl+F). It reads
through `db.services.papers` in one short session per action, as the person
the window acts for; refusals (`db.errors`) are shown as one sentence in a
message box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QWheelEvent
from PySide6.QtWidgets import (
    QFrame,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from desktop.reader.annotating import ReaderNotes
from desktop.reader.canvas import PX_PER_POINT, PageCanvas, Selection
from desktop.reader.cards import ActionCardsPanel
from desktop.reader.document import LoadedPdf, Opened, Segment, pack_segments
from desktop.reader.last_page import LastPageStore
from desktop.reader.output import ReaderOutput
from desktop.reader.search import Hit, PageText, find_hits
from desktop.reader.side import NotesTab, SearchTab
from desktop.reader.toolbar import ReaderToolbar
from widgets.page_parts import Notice

if TYPE_CHECKING:
    from db.services.papers import PaperRow
    from db.store import Database
    from desktop.background import Worker
    from exports.board_pack import BoardPack

#: Zoom steps, as a fraction of 100 % (a page at its printed size on a 96 dpi screen).
ZOOMS = (0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
#: How far the wheel must be turned past a page's end to turn the page (one notch).
WHEEL_NOTCH = 120
#: Room left either side of the page in "fit width".
FIT_MARGIN = 24


class ReaderView(QWidget):
    """A paper or the pack, with navigation, zoom, search, notes, print and export."""

    #: "← Board pack" pressed.
    back_requested = Signal()
    #: Something was written: a topic to announce ("annotations").
    changed = Signal(str)
    #: The page shown changed (0-based page of the open PDF).
    page_changed = Signal(int)
    #: The pack finished building (or failed: False).
    pack_ready = Signal(bool)

    annotations: ReaderNotes  # highlights and notes: the list, the editor, the writes
    output: ReaderOutput  # print and export

    def __init__(self, parent: QWidget | None = None, last_pages: LastPageStore | None = None):
        super().__init__(parent)
        self.setObjectName("reader")
        self.setAccessibleName("Paper reader")
        self._database: Database | None = None
        self._actor_id: str | None = None
        self._last_pages = last_pages
        self._loaded: LoadedPdf | None = None
        self.opened: Opened | None = None
        self._paper: PaperRow | None = None  # the open paper (None: the pack)
        self._fit_width = True
        self._overscroll = 0
        self._can_annotate = False
        self._worker: Worker | None = None
        self._page_texts: dict[str, tuple[str, ...]] = {}
        self.message_box: QMessageBox | None = None
        #: Where file dialogs are skipped (tests): returns the path to save to, or None.
        self.choose_file: Callable[[str, str], str | None] = self._ask_file

        # Toolbar ----------------------------------------------------------------
        bar = ReaderToolbar()
        self.toolbar = bar
        self.title = bar.title
        self.back_button, self.page_edit = bar.back_button, bar.page_edit
        self.of_label = bar.of_label
        self.prev_button, self.next_button = bar.prev_button, bar.next_button
        self.zoom_in_button, self.zoom_out_button = bar.zoom_in_button, bar.zoom_out_button
        self.zoom_label, self.fit_button = bar.zoom_label, bar.fit_button
        self.select_button, self.note_button = bar.select_button, bar.note_button
        self.highlight_button = bar.highlight_button
        bar.back_button.clicked.connect(self.back_requested)
        bar.prev_button.clicked.connect(self.previous_page)
        bar.next_button.clicked.connect(self.next_page)
        bar.page_edit.returnPressed.connect(self._page_typed)
        bar.zoom_out_button.clicked.connect(self.zoom_out)
        bar.zoom_in_button.clicked.connect(self.zoom_in)
        bar.fit_button.clicked.connect(self.fit_width)
        bar.select_button.toggled.connect(lambda on: self._mode_toggled("select", on))
        bar.note_button.toggled.connect(lambda on: self._mode_toggled("note", on))
        self.output = ReaderOutput(self)
        bar.highlight_button.clicked.connect(lambda: self.annotations.highlight_selection())
        bar.print_button.clicked.connect(self.output.print_dialog)
        bar.export_menu.addAction(
            "My annotated paper (PDF)…", lambda: self.output.export_annotated()
        )
        bar.export_menu.addAction(
            "My notes for this meeting (text)…", lambda: self.output.export_notes()
        )
        self.notice = Notice()

        # Page ---------------------------------------------------------------------
        self.canvas = PageCanvas()
        self.canvas.selection_changed.connect(self._selection_changed)
        self.page_area = QScrollArea()
        self.page_area.setObjectName("readerScroll")
        self.page_area.setWidget(self.canvas)
        self.page_area.setWidgetResizable(False)
        self.page_area.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_area.setFrameShape(QFrame.Shape.NoFrame)
        self.page_area.viewport().setStyleSheet("background: #5f6368;")
        self.page_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.page_area.viewport().installEventFilter(self)

        # Side panel -----------------------------------------------------------------
        notes = NotesTab()
        self.annotations = ReaderNotes(self, notes)
        search = SearchTab()
        self.search_edit, self.scope_combo = search.edit, search.scope
        self.hits_model, self.hits_table, self.hits_label = search.model, search.table, search.label
        search.edit.returnPressed.connect(self.run_search)
        search.scope.activated.connect(lambda _i: self.run_search())
        search.table.clicked.connect(self._hit_chosen)
        search.table.activated.connect(self._hit_chosen)
        self.cards = ActionCardsPanel()
        self.cards.page_requested.connect(self._card_page)
        self.cards.changed.connect(lambda: self.announce("annotations"))

        self.side = QTabWidget()
        self.side.setObjectName("readerSide")
        self.side.addTab(notes, "Notes")
        self.side.addTab(search, "Search")
        self._cards_tab = self.side.addTab(self.cards, "Action cards")
        self.side.setTabVisible(self._cards_tab, False)
        self.side.setMinimumWidth(300)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.page_area)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setSizes([800, 340])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        layout.addWidget(bar)
        layout.addWidget(self.notice)
        layout.addWidget(self.splitter, 1)

        for keys, slot in (
            ("PgDown", self.next_page),
            ("PgUp", self.previous_page),
            ("Home", self.first_page),
            ("End", self.last_page),
            ("Ctrl+G", self._focus_page),
            ("Ctrl+F", self._focus_search),
            ("Ctrl+=", self.zoom_in),
            ("Ctrl++", self.zoom_in),
            ("Ctrl+-", self.zoom_out),
            ("Ctrl+0", self.fit_width),
            ("Ctrl+H", self.annotations.highlight_selection),
            ("Ctrl+P", self.output.print_dialog),
            ("Esc", self.back_requested.emit),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._show_position()

    # Source --------------------------------------------------------------------

    def set_source(self, database: Database, actor_id: str | None) -> None:
        """Read and write as `actor_id` in `database`."""
        self._database, self._actor_id = database, actor_id
        self._page_texts.clear()

    def set_last_pages(self, store: LastPageStore) -> None:
        self._last_pages = store

    @property
    def last_pages(self) -> LastPageStore:
        if self._last_pages is None:
            self._last_pages = LastPageStore()
        return self._last_pages

    @property
    def database(self) -> Database | None:
        return self._database

    @property
    def actor_id(self) -> str | None:
        return self._actor_id

    @property
    def paper(self) -> PaperRow | None:
        """The open paper (None when the pack is open)."""
        return self._paper

    # Opening --------------------------------------------------------------------

    def open_paper(self, paper_id: str, page: int | None = None) -> bool:
        """Open a paper (its latest version) at `page`, or where this person stopped last."""
        if self._database is None:
            return False
        from db.services.papers import current_version, paper, paper_bytes

        try:
            with self._database.session() as s:
                row = current_version(s, self._actor_id, paper_id)
                data = paper_bytes(s, self._actor_id, row.paper_id)
                chain = [row.paper_id]
                older = row.supersedes_id
                while older is not None and len(chain) < 20:
                    chain.append(older)
                    older = paper(s, self._actor_id, older).supersedes_id
        except BoardpackError as error:
            self.complain("The paper cannot be opened", str(error))
            return False
        if data is None:
            self.complain(
                "The paper is not on this laptop yet",
                f"The file of '{row.title}' has not been fetched to this laptop yet; sync, "
                "then open it again.",
            )
            return False
        label = f"Item {row.item_number}" if row.item_number else ""
        if not self._load(data, row.title):
            return False
        assert self._loaded is not None
        segment = Segment(row.paper_id, row.title, label, 0, self._loaded.document.pageCount())
        self._paper = row
        opened = Opened(row.paper_id, row.title, (segment,), row.meeting_id)
        title = f"{label} – {row.title}" if label else row.title
        if row.version > 1:
            title += f" (version {row.version})"
        self.cards.set_papers(
            self._database, self._actor_id, [row.paper_id] if row.kind == "action_cards" else []
        )
        self.side.setTabVisible(self._cards_tab, bool(self.cards.cards()))
        self._opened(opened, title, page, chain)
        return True

    def open_pack(self, meeting_id: str) -> bool:
        """Build the meeting's board pack in the background and open it when ready."""
        if self._database is None:
            return False
        from db.services.papers import board_pack_source

        try:
            with self._database.session() as s:
                source = board_pack_source(s, self._actor_id, meeting_id)
        except BoardpackError as error:
            self.complain("The board pack cannot be made", str(error))
            return False
        if not source.papers:
            self.complain("No papers yet", "This meeting has no papers you may read yet.")
            return False
        from desktop.background import Op, one_line

        def build(_report: Any) -> BoardPack:
            from exports.board_pack import build_board_pack

            return build_board_pack(source)

        def failed(error: BaseException) -> None:
            self.notice.say("")
            self.complain("The board pack cannot be made", one_line(error))
            self.pack_ready.emit(False)

        self.notice.say(f"Building the board pack of {len(source.papers)} papers…")
        Op(self.worker(), build).success(lambda pack: self.show_pack(meeting_id, pack)).failure(
            failed
        ).run()
        return True

    def show_pack(self, meeting_id: str, pack: BoardPack, page: int | None = None) -> None:
        """Open a built board pack (its papers' annotations drawn on their pack pages)."""
        self.notice.say("")
        if not self._load(pack.data, "Board pack"):
            self.pack_ready.emit(False)
            return
        segments = pack_segments(
            [(e.paper_id, e.title, e.item_label.split(" – ")[0], e.pages) for e in pack.layout],
            pack.front_pages,
        )
        self._paper = None
        self.cards.set_cards(())
        self.side.setTabVisible(self._cards_tab, False)
        opened = Opened(f"pack-{meeting_id}", "Board pack", segments, meeting_id, is_pack=True)
        label = "Board pack"
        if self._database is not None:
            from db.services.papers import meeting_label

            try:
                with self._database.session() as s:
                    label = f"Board pack – {meeting_label(s, self._actor_id, meeting_id)}"
            except BoardpackError:
                pass
        self._opened(opened, f"{label} ({pack.total_pages} pages)", page, [opened.key])
        self.pack_ready.emit(True)

    def _load(self, data: bytes, title: str) -> bool:
        loaded = LoadedPdf(data, self)
        if not loaded.ok:
            loaded.deleteLater()
            self.complain("The PDF cannot be read", f"'{title}' is not a PDF this reader can show.")
            return False
        if self._loaded is not None:
            self.canvas.set_document(None)
            self._loaded.close()
            self._loaded.deleteLater()
        self._loaded = loaded
        self.canvas.set_document(loaded.document)
        return True

    def _opened(self, opened: Opened, title: str, page: int | None, keys: list[str]) -> None:
        self.opened = opened
        self.title.set_full_text(title)
        self.annotations.reset()
        self._show_rights(opened.meeting_id)
        if opened.is_pack:
            self.scope_combo.setCurrentIndex(1)
        if page is None:
            page = self.last_pages.get(self._actor_id, keys) or 0
        self._apply_zoom()
        self.canvas.set_page(max(0, min(page, self.canvas.page_count - 1)))
        self.annotations.reload()
        self._show_position()
        self.page_area.setFocus()
        if self.search_edit.text().strip():
            # Keep the search going: its results, and their outlines, for what is open now.
            self.search(self.search_edit.text(), self.scope_combo.currentData())

    def refresh(self) -> None:
        """Re-read after a change elsewhere: a re-issued paper reopens as its new version."""
        paper = self._paper
        if paper is not None and self._database is not None:
            from db.services.papers import current_version

            try:
                with self._database.session() as s:
                    latest = current_version(s, self._actor_id, paper.paper_id)
            except BoardpackError:
                latest = paper
            if latest.paper_id != paper.paper_id:
                self.open_paper(latest.paper_id, self.canvas.page)
                self.notice.say(
                    f"'{latest.title}' was re-issued (version {latest.version}); your notes "
                    "moved with their text, and any whose text is gone are flagged in the list."
                )
                return
        self.annotations.reload()

    def close_document(self) -> None:
        """Show nothing: no PDF, no notes, no search results (another person, another file)."""
        if self._loaded is not None:
            self.canvas.set_document(None)
            self._loaded.close()
            self._loaded.deleteLater()
            self._loaded = None
        self.opened = None
        self._paper = None
        self._page_texts.clear()
        self.annotations.reset()
        self.annotations.model.set_rows(())
        self.hits_model.set_rows(())
        self.hits_label.setText("")
        self.search_edit.clear()
        self.title.set_full_text("")
        self._show_position()

    # Pages -----------------------------------------------------------------------

    @property
    def page(self) -> int:
        return self.canvas.page

    def go_to(self, page: int) -> None:
        """Show page `page` (0-based) of the open PDF, from its top."""
        if self.opened is None:
            return
        before = self.canvas.page
        self.canvas.set_page(page)
        self.page_area.verticalScrollBar().setValue(0)
        self._show_position()
        if self.canvas.page != before:
            self.last_pages.put(self._actor_id, self.opened.key, self.canvas.page)
            self.page_changed.emit(self.canvas.page)

    def next_page(self) -> None:
        self.go_to(self.canvas.page + 1)

    def previous_page(self) -> None:
        self.go_to(self.canvas.page - 1)

    def first_page(self) -> None:
        self.go_to(0)

    def last_page(self) -> None:
        self.go_to(self.canvas.page_count - 1)

    def go_to_label(self, text: str) -> bool:
        """Go to a page typed as a number ("12") or a pack label ("S1", "ii")."""
        document = self.canvas.document
        text = text.strip()
        if document is None or not text:
            return False
        index = document.pageIndexForLabel(text)
        if index < 0 and text.isdigit():
            number = int(text)
            if 1 <= number <= self.canvas.page_count:
                index = number - 1
        if index < 0:
            self.notice.say(f"There is no page “{text}” in this document.")
            self._show_position()
            return False
        self.notice.say("")
        self.go_to(index)
        return True

    def _page_typed(self) -> None:
        if self.go_to_label(self.page_edit.text()):
            self.page_area.setFocus()

    def _focus_page(self) -> None:
        self.page_edit.setFocus()
        self.page_edit.selectAll()

    def _focus_search(self) -> None:
        self.side.setCurrentIndex(1)
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def page_label(self, page: int) -> str:
        document = self.canvas.document
        label = document.pageLabel(page) if document is not None else ""
        return label or str(page + 1)

    def _show_position(self) -> None:
        count = self.canvas.page_count
        has = self.opened is not None and count > 0
        page = self.canvas.page
        for widget in (self.prev_button, self.page_edit, self.zoom_in_button, self.zoom_out_button):
            widget.setEnabled(has)
        self.prev_button.setEnabled(has and page > 0)
        self.next_button.setEnabled(has and page < count - 1)
        self.page_edit.setText(self.page_label(page) if has else "")
        where = ""
        if has and self.opened is not None and self.opened.is_pack:
            found = self.opened.locate(page)
            if found is not None:
                segment, _ = found
                where = f" · {segment.item_label or segment.title}"
        self.of_label.setText(f"of {count}{where}" if has else "")
        self.of_label.setToolTip(f"Page {page + 1} of {count} in this document" if has else "")
        self.zoom_label.setText(f"{round(self.canvas.scale / PX_PER_POINT * 100)}%")

    # Zoom --------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        """The zoom as a fraction of 100 %."""
        return self.canvas.scale / PX_PER_POINT

    def set_zoom(self, zoom: float) -> None:
        self._fit_width = False
        self.fit_button.setChecked(False)
        self.canvas.set_scale(zoom * PX_PER_POINT)
        self._show_position()

    def zoom_in(self) -> None:
        current = self.zoom
        self.set_zoom(next((z for z in ZOOMS if z > current + 0.01), ZOOMS[-1]))

    def zoom_out(self) -> None:
        current = self.zoom
        self.set_zoom(next((z for z in reversed(ZOOMS) if z < current - 0.01), ZOOMS[0]))

    def fit_width(self) -> None:
        self._fit_width = True
        self.fit_button.setChecked(True)
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        if not self._fit_width or self.canvas.document is None:
            self._show_position()
            return
        width = self.page_area.viewport().width() - FIT_MARGIN
        bar = self.page_area.verticalScrollBar()
        if not bar.isVisible():
            width -= bar.sizeHint().width()  # the page is about to need one
        points = self.canvas.page_points().width()
        self.canvas.set_scale(max(width, 200) / max(points, 1))
        self._show_position()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # "Fit width" follows the page area's own width, which settles after ours.
        if watched is self.page_area.viewport():
            if event.type() == QEvent.Type.Resize:
                self._apply_zoom()
            elif isinstance(event, QWheelEvent) and self._wheel_turns_page(event):
                return True
        return super().eventFilter(watched, event)

    def _wheel_turns_page(self, event: QWheelEvent) -> bool:
        """Scrolling on past the end of a page turns it (after one more notch, not at once);
        with Ctrl held the wheel zooms, as in other readers."""
        if self.opened is None:
            return False
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = event.angleDelta().y()
            if step > 0:
                self.zoom_in()
            elif step < 0:
                self.zoom_out()
            return True
        delta = event.angleDelta().y()
        bar = self.page_area.verticalScrollBar()
        down = delta < 0 and bar.value() >= bar.maximum()
        up = delta > 0 and bar.value() <= bar.minimum()
        if not (down or up):
            self._overscroll = 0
            return False
        self._overscroll += abs(delta)
        if self._overscroll < WHEEL_NOTCH:
            return True
        self._overscroll = 0
        if down and self.canvas.page < self.canvas.page_count - 1:
            self.next_page()
        elif up and self.canvas.page > 0:
            self.previous_page()
            bar.setValue(bar.maximum())
        return True

    # Selection, highlights and notes ------------------------------------------------------

    def _mode_toggled(self, mode: str, on: bool) -> None:
        if on and self.canvas.mode != mode:
            self.set_mode(mode)

    def set_mode(self, mode: str) -> None:
        self.canvas.set_mode(mode)
        (self.note_button if mode == "note" else self.select_button).setChecked(True)
        if mode == "note":
            self.canvas.clear_selection()
            self.notice.say("Click on the page where the sticky note should go.")
        else:
            self.notice.say("")

    # Search --------------------------------------------------------------------------

    def _texts(self, paper_id: str) -> tuple[str, ...]:
        if paper_id not in self._page_texts and self._database is not None:
            from db.services.papers import paper_pages

            with self._database.session() as s:
                self._page_texts[paper_id] = paper_pages(s, self._actor_id, paper_id)
        return self._page_texts.get(paper_id, ())

    def search(self, query: str, scope: str = "paper") -> tuple[Hit, ...]:
        """Find `query` in the open paper ("paper") or every paper of the pack ("pack")."""
        opened = self.opened
        if opened is None or self._database is None:
            return ()
        pages: list[PageText] = []
        try:
            if scope == "pack" or opened.is_pack:
                from db.services.papers import meeting_papers

                with self._database.session() as s:
                    rows = meeting_papers(s, self._actor_id, opened.meeting_id)
                papers = [
                    (r.paper_id, f"Item {r.item_number}" if r.item_number else "") for r in rows
                ]
            else:
                papers = [(s.paper_id, s.item_label) for s in opened.segments]
            for paper_id, label in papers:
                for n, text in enumerate(self._texts(paper_id)):
                    where = f"{label}\np. {n + 1}" if label else f"p. {n + 1}"
                    pages.append(PageText(paper_id, n, where, text))
        except BoardpackError as error:
            self.complain("Search failed", str(error))
            return ()
        hits = find_hits(pages, query)
        self.canvas.set_search_term(query if hits else "")
        self.hits_model.set_rows(hits)
        self.hits_table.resizeRowsToContents()
        where = "the pack" if scope == "pack" or opened.is_pack else "this paper"
        self.hits_label.setText(
            f"{len(hits)} found in {where}" if hits else f"“{query.strip()}” is not in {where}."
        )
        return hits

    def run_search(self) -> None:
        self.side.setCurrentIndex(1)
        self.search(self.search_edit.text(), self.scope_combo.currentData())

    def _hit_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.jump_to_hit(self.hits_model.row(index.row()))

    def jump_to_hit(self, hit: Hit) -> None:
        if self.opened is None:
            return
        at = self.opened.page_of(hit.paper_id, hit.page)
        if at is None:
            self.open_paper(hit.paper_id, hit.page)
        else:
            self.go_to(at)

    def _card_page(self, page: int) -> None:
        if self.opened is not None and self._paper is not None:
            at = self.opened.page_of(self._paper.paper_id, page)
            if at is not None:
                self.go_to(at)

    # Messages ---------------------------------------------------------------------------

    @property
    def can_annotate(self) -> bool:
        return self._can_annotate

    def _show_rights(self, meeting_id: str) -> None:
        """Highlights and notes only for those whose role keeps them (not observers)."""
        can = False
        if self._database is not None:
            from db.permissions import Capability, allowed
            from db.services.papers import board_of_meeting

            try:
                with self._database.session() as s:
                    board = board_of_meeting(s, meeting_id)
                    can = allowed(s, self._actor_id, board, Capability.ANNOTATE)
            except BoardpackError:
                can = False
        self._can_annotate = can
        why = "" if can else "Your role on this board reads the papers; it does not annotate them."
        self.note_button.setEnabled(can)
        self.note_button.setToolTip(why or "Click on the page to put a sticky note there")
        self.highlight_button.setToolTip(why or "Highlight the selected text (Ctrl+H)")
        self._selection_changed(self.canvas.selection)
        if not can and self.canvas.mode == "note":
            self.set_mode("select")

    def _selection_changed(self, selection: Selection | None) -> None:
        self.highlight_button.setEnabled(selection is not None and self._can_annotate)

    def where(self, page: int) -> tuple[Segment, int] | None:
        """The paper a page of the open PDF belongs to, and its page in that paper."""
        return self.opened.locate(page) if self.opened is not None else None

    def announce(self, topic: str) -> None:
        self.changed.emit(topic)

    def worker(self) -> Worker:
        """The reader's background thread (the pack, the annotated-paper export)."""
        from desktop.background import Worker

        if self._worker is None:
            self._worker = Worker(self)
        return self._worker

    def _ask_file(self, suggested: str, filter_text: str) -> str | None:
        from PySide6.QtWidgets import QFileDialog

        start = str(Path.home() / suggested)
        path, _ = QFileDialog.getSaveFileName(self, "Export", start, filter_text)
        return path or None

    def complain(self, title: str, text: str) -> None:
        """One sentence in a message box (window-modal, not blocking)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.message_box = box
        box.open()

    def shutdown(self, timeout_ms: int = 15_000) -> None:
        if self._worker is not None:
            self._worker.shutdown(timeout_ms)
