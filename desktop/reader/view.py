"""The reader: a paper or the whole board pack, its pages, and the reader's notes beside it.

Composes the page canvas (`canvas`), the notes list and editor (`notes_model`,
`editor`), search (`search`), the action cards (`cards`), printing
(`printing`) and the last-page memory (`last_page`). Along the top: back to
the pack, page navigation (PgUp/PgDn, Home/End, Ctrl+G to type a page — a
number, or a pack label such as "S1"), zoom (Ctrl+= / Ctrl+-, Ctrl+0 fits the
width), the two pointer modes (select text, then "Highlight"; or click to
put a sticky note), print and export. Everything it reads or writes goes
through `db.services.papers` / `annotations` / `questions` in one short
session per action, as the person the window acts for; refusals
(`db.errors`) are shown as one sentence in a message box. The pack and the
annotated-paper export are built on a background worker (`desktop.background`)
and the rest of the window stays usable meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from desktop.reader.canvas import PX_PER_POINT, Mark, PageCanvas, Selection
from desktop.reader.cards import ActionCardsPanel
from desktop.reader.document import LoadedPdf, Opened, Segment, pack_segments
from desktop.reader.last_page import LastPageStore
from desktop.reader.notes_model import WHERE
from desktop.reader.search import Hit, PageText, find_hits
from desktop.reader.side import NotesTab, SearchTab
from desktop.reader.toolbar import ReaderToolbar
from widgets.page_parts import Notice

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from db.services.annotations import AnnotationRow
    from db.services.papers import PaperRow
    from db.store import Database
    from desktop.background import Worker
    from exports.board_pack import BoardPack

#: Zoom steps, as a fraction of 100 % (a page at its printed size on a 96 dpi screen).
ZOOMS = (0.5, 0.67, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
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
        self._mine: tuple[AnnotationRow, ...] = ()
        self._shared: tuple[AnnotationRow, ...] = ()
        self._pending_note: tuple[str, int, float, float] | None = None
        self._fit_width = True
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
        bar.highlight_button.clicked.connect(lambda: self.highlight_selection())
        bar.print_button.clicked.connect(self.print_dialog)
        bar.export_menu.addAction("My annotated paper (PDF)…", lambda: self.export_annotated())
        bar.export_menu.addAction("My notes for this meeting (text)…", lambda: self.export_notes())
        self.notice = Notice()

        # Page ---------------------------------------------------------------------
        self.canvas = PageCanvas()
        self.canvas.selection_changed.connect(self._selection_changed)
        self.canvas.point_chosen.connect(self._point_chosen)
        self.canvas.mark_clicked.connect(self.show_annotation)
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
        self.notes_model, self.notes_table = notes.model, notes.table
        self.notes_heading, self.editor = notes.heading, notes.editor
        notes.table.clicked.connect(self._note_chosen)
        notes.table.activated.connect(self._note_chosen)
        notes.editor.save_requested.connect(self._save_note)
        notes.editor.share_requested.connect(self.set_shared)
        notes.editor.delete_requested.connect(self.delete_annotation)
        notes.editor.cancelled.connect(self._cancel_note)
        search = SearchTab()
        self.search_edit, self.scope_combo = search.edit, search.scope
        self.hits_model, self.hits_table, self.hits_label = search.model, search.table, search.label
        search.edit.returnPressed.connect(self.run_search)
        search.scope.activated.connect(lambda _i: self.run_search())
        search.table.clicked.connect(self._hit_chosen)
        search.table.activated.connect(self._hit_chosen)
        self.cards = ActionCardsPanel()
        self.cards.page_requested.connect(self._card_page)

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
            ("Ctrl+H", self.highlight_selection),
            ("Ctrl+P", self.print_dialog),
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
    def paper(self) -> PaperRow | None:
        """The open paper (None when the pack is open)."""
        return self._paper

    # Opening --------------------------------------------------------------------

    def open_paper(self, paper_id: str, page: int | None = None) -> bool:
        """Open a paper (its latest version) at `page`, or where this person stopped last."""
        if self._database is None:
            return False
        from db.services.papers import current_version, paper, paper_bytes
        from db.services.questions import action_cards

        try:
            with self._database.session() as s:
                row = current_version(s, self._actor_id, paper_id)
                data = paper_bytes(s, self._actor_id, row.paper_id)
                chain = [row.paper_id]
                older = row.supersedes_id
                while older is not None and len(chain) < 20:
                    chain.append(older)
                    older = paper(s, self._actor_id, older).supersedes_id
                cards = (
                    action_cards(s, self._actor_id, row.paper_id)
                    if row.kind == "action_cards"
                    else ()
                )
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
        self.cards.set_cards(cards)
        self.side.setTabVisible(self._cards_tab, bool(cards))
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
        from desktop.background import Op, Worker, one_line

        if self._worker is None:
            self._worker = Worker(self)

        def build(_report: Any) -> BoardPack:
            from exports.board_pack import build_board_pack

            return build_board_pack(source)

        def failed(error: BaseException) -> None:
            self.notice.say("")
            self.complain("The board pack cannot be made", one_line(error))
            self.pack_ready.emit(False)

        self.notice.say(f"Building the board pack of {len(source.papers)} papers…")
        Op(self._worker, build).success(lambda pack: self.show_pack(meeting_id, pack)).failure(
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
        self._pending_note = None
        self.editor.show_row(None)
        if opened.is_pack:
            self.scope_combo.setCurrentIndex(1)
        if page is None:
            page = self.last_pages.get(self._actor_id, keys) or 0
        self._apply_zoom()
        self.canvas.set_page(max(0, min(page, self.canvas.page_count - 1)))
        self.reload_notes()
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
        self.reload_notes()

    def close_document(self) -> None:
        if self._loaded is not None:
            self.canvas.set_document(None)
            self._loaded.close()
            self._loaded.deleteLater()
            self._loaded = None
        self.opened = None

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
        if watched is self.page_area.viewport() and event.type() == QEvent.Type.Resize:
            self._apply_zoom()
        return super().eventFilter(watched, event)

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

    def _selection_changed(self, selection: Selection | None) -> None:
        self.highlight_button.setEnabled(selection is not None)

    def _where(self, page: int) -> tuple[Segment, int] | None:
        return self.opened.locate(page) if self.opened is not None else None

    def highlight_selection(self, comment: str | None = None, shared: bool = False) -> str | None:
        """Highlight the selected text (returns the new annotation's id)."""
        selection = self.canvas.selection
        found = self._where(selection.page) if selection is not None else None
        if selection is None or found is None or self._database is None:
            return None
        from db.services.annotations import add_highlight

        segment, page = found
        try:
            with self._database.begin(self._actor_id) as s:
                row = add_highlight(
                    s,
                    self._actor_id,
                    segment.paper_id,
                    page,
                    selection.text,
                    selection.rects,
                    comment=comment,
                    shared=shared,
                )
        except BoardpackError as error:
            self.complain("The highlight was not saved", str(error))
            return None
        self.canvas.clear_selection()
        self._written(row.annotation_id)
        self.editor.comment.setFocus()
        return row.annotation_id

    def _point_chosen(self, page: int, x: float, y: float) -> None:
        found = self._where(page)
        if found is None:
            self.notice.say("Notes go on a paper's pages, not on the cover or contents.")
            return
        segment, paper_page = found
        self._pending_note = (segment.paper_id, paper_page, x, y)
        self.side.setCurrentIndex(0)
        item = f"{segment.item_label} · " if segment.item_label else ""
        self.editor.start_note(f"{item}p. {paper_page + 1}")
        self.canvas.set_marks(
            (*self._marks(), Mark("pending", page, point=(x, y), label="New note"))
        )

    def add_note(self, comment: str, shared: bool = False) -> str | None:
        """Store the sticky note whose point was chosen (returns its id)."""
        if self._pending_note is None or self._database is None:
            return None
        from db.services.annotations import add_note

        paper_id, page, x, y = self._pending_note
        try:
            with self._database.begin(self._actor_id) as s:
                row = add_note(s, self._actor_id, paper_id, page, x, y, comment, shared=shared)
        except BoardpackError as error:
            self.complain("The note was not saved", str(error))
            return None
        self._pending_note = None
        self._written(row.annotation_id)
        return row.annotation_id

    def _cancel_note(self) -> None:
        self._pending_note = None
        self.canvas.set_marks(self._marks())

    def _save_note(self, annotation_id: str, text: str) -> None:
        if not annotation_id:
            self.add_note(text, shared=self.editor.shared.isChecked())
        else:
            self.edit_comment(annotation_id, text)

    def edit_comment(self, annotation_id: str, comment: str) -> bool:
        """Change the comment of one of my annotations."""
        from db.services.annotations import edit_comment

        return self._write(
            "The comment was not saved",
            lambda s: edit_comment(s, self._actor_id, annotation_id, comment),
            annotation_id,
        )

    def set_shared(self, annotation_id: str, shared: bool) -> bool:
        """Share one of my annotations with the board, or make it private again."""
        from db.services.annotations import set_shared

        return self._write(
            "The note's sharing was not changed",
            lambda s: set_shared(s, self._actor_id, annotation_id, shared),
            annotation_id,
        )

    def delete_annotation(self, annotation_id: str) -> bool:
        from db.services.annotations import delete_annotation

        done = self._write(
            "The note was not deleted",
            lambda s: delete_annotation(s, self._actor_id, annotation_id),
            None,
        )
        if done:
            self.editor.show_row(None)
        return done

    def _write(self, what: str, fn: Callable[[Any], object], select: str | None) -> bool:
        if self._database is None:
            return False
        try:
            with self._database.begin(self._actor_id) as s:
                fn(s)
        except BoardpackError as error:
            self.complain(what, str(error))
            self.reload_notes()
            return False
        self._written(select)
        return True

    def _written(self, select: str | None) -> None:
        self.reload_notes()
        if select is not None:
            self.show_annotation(select, jump=False)
        self.changed.emit("annotations")

    # Notes list ------------------------------------------------------------------------

    def reload_notes(self) -> None:
        """Re-read my notes and the shared ones for the open meeting, and redraw the marks."""
        if self._database is None or self.opened is None:
            return
        from db.services.annotations import my_annotations, shared_annotations

        meeting_id = self.opened.meeting_id
        try:
            with self._database.session() as s:
                self._mine = my_annotations(s, self._actor_id, meeting_id)
                self._shared = shared_annotations(s, self._actor_id, meeting_id)
        except BoardpackError as error:
            self.complain("The notes cannot be read", str(error))
            return
        chosen = self.editor.row.annotation_id if self.editor.row is not None else None
        self.notes_model.set_notes(self._mine, self._shared)
        self.notes_table.resizeRowsToContents()
        others = sum(1 for r in self._shared if not r.mine)
        orphaned = sum(1 for r in self._mine if r.orphaned)
        text = f"My notes for this meeting ({len(self._mine)})"
        if orphaned:
            text += f" · {orphaned} orphaned"
        if others:
            text += f" · shared by others ({others})"
        self.notes_heading.setText(text)
        self.canvas.set_marks(self._marks())
        if chosen is not None:
            row = self.annotation_row(chosen)
            self.editor.show_row(row)

    def _marks(self) -> tuple[Mark, ...]:
        opened = self.opened
        if opened is None:
            return ()
        marks = []
        for row in self.notes_model.rows():
            if row.orphaned:
                continue  # it has no place on the page any more; the list shows it
            at = opened.page_of(row.paper_id, row.page)
            if at is None:
                continue
            note = row.kind == "note" and row.x is not None and row.y is not None
            point = (row.x or 0.0, row.y or 0.0) if note else None
            rects = row.rects if row.kind == "highlight" else ()
            marks.append(Mark(row.annotation_id, at, rects, point, row.mine, row.comment or ""))
        return tuple(marks)

    def annotation_row(self, annotation_id: str) -> AnnotationRow | None:
        found = self.notes_model.find_id(annotation_id)
        return self.notes_model.row(found) if found >= 0 else None

    def notes(self) -> tuple[AnnotationRow, ...]:
        return self.notes_model.rows()

    def _note_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show_annotation(self.notes_model.row(index.row()).annotation_id)

    def show_annotation(self, annotation_id: str, *, jump: bool = True) -> None:
        """Choose an annotation in the list and, with `jump`, show its page (opening its paper)."""
        row = self.annotation_row(annotation_id)
        if row is None:
            return
        if jump and self.opened is not None:
            at = self.opened.page_of(row.paper_id, row.page)
            if at is None and self.open_paper(row.paper_id, row.page):
                row = self.annotation_row(annotation_id) or row
                at = self.opened.page_of(row.paper_id, row.page) if self.opened else None
            if at is not None:
                self.go_to(at)
                self._scroll_to(row)
        index = self.notes_model.find_id(annotation_id)
        if index >= 0:
            self.notes_table.selectionModel().setCurrentIndex(
                self.notes_model.index(index, WHERE),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.notes_table.scrollTo(self.notes_model.index(index, WHERE))
        self.side.setCurrentIndex(0)
        self.canvas.select_mark(annotation_id)
        self.editor.show_row(row)
        if row.orphaned:
            self.notice.say(
                "This note's text was not found in the re-issued paper; its quote and comment "
                "are kept in the notes list."
            )

    def _scroll_to(self, row: AnnotationRow) -> None:
        top = row.rects[0][1] if row.rects else row.y
        if top is not None and not row.orphaned:
            y = int(top * self.canvas.height()) - self.page_area.viewport().height() // 3
            self.page_area.verticalScrollBar().setValue(max(0, y))

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

    # Print and export -------------------------------------------------------------------

    def print_to(self, printer: QPrinter, pages: list[int]) -> int:
        """Print `pages` (0-based) of the open PDF on `printer`."""
        from desktop.reader.printing import print_pages

        document = self.canvas.document
        if document is None:
            return 0
        try:
            return print_pages(document, pages, printer)
        except OSError as error:
            self.complain("Nothing was printed", str(error))
            return 0

    def print_dialog(self) -> None:
        """Ask which pages and which printer, then print."""
        document = self.canvas.document
        if document is None:
            return
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print pages")
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setMinMax(1, self.canvas.page_count)
        printer.setFromTo(self.canvas.page + 1, self.canvas.page + 1)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return
        count = self.canvas.page_count
        if printer.printRange() == QPrinter.PrintRange.CurrentPage:
            pages = [self.canvas.page]
        elif printer.printRange() == QPrinter.PrintRange.PageRange:
            first, last = max(printer.fromPage(), 1), min(printer.toPage(), count)
            pages = list(range(first - 1, last))
        else:
            pages = list(range(count))
        printed = self.print_to(printer, pages)
        if printed:
            self.notice.say(f"Sent {printed} page{'s' if printed != 1 else ''} to the printer.")

    def _ask_file(self, suggested: str, filter_text: str) -> str | None:
        start = str(Path.home() / suggested)
        path, _ = QFileDialog.getSaveFileName(self, "Export", start, filter_text)
        return path or None

    def _export_paper_id(self) -> str | None:
        if self._paper is not None:
            return self._paper.paper_id
        found = self._where(self.canvas.page)
        return found[0].paper_id if found is not None else None

    def export_annotated(self, path: str | None = None) -> bool:
        """Save the open paper (in the pack: the paper on screen) with my annotations in it."""
        paper_id = self._export_paper_id()
        database = self._database
        if paper_id is None or database is None:
            self.complain("Nothing to export", "Open a paper first.")
            return False
        from exports.annotated import safe_file_name

        segments = self.opened.segments if self.opened is not None else ()
        title = next((s.title for s in segments if s.paper_id == paper_id), "paper")
        target = path or self.choose_file(f"{safe_file_name(title)} (my notes).pdf", "PDF (*.pdf)")
        if not target:
            return False
        from desktop.background import Op, Worker, one_line

        if self._worker is None:
            self._worker = Worker(self)
        actor = self._actor_id

        def work(_report: Any) -> str:
            from exports.annotated import my_annotated_paper

            with database.session() as s:
                _name, data = my_annotated_paper(s, actor, paper_id)
            Path(target).write_bytes(data)
            return target

        self.notice.say("Exporting your annotated paper…")
        Op(self._worker, work).success(
            lambda done: self.notice.say(f"Saved your annotated paper to {done}.")
        ).failure(lambda e: self.complain("The paper was not exported", one_line(e))).run()
        return True

    def export_notes(self, path: str | None = None, *, meeting_id: str | None = None) -> bool:
        """Save "my notes for this meeting" (and my questions) as a plain-text document."""
        if meeting_id is None and self.opened is not None:
            meeting_id = self.opened.meeting_id
        if meeting_id is None or self._database is None:
            return False
        from exports.annotated import my_meeting_notes

        try:
            with self._database.session() as s:
                name, text = my_meeting_notes(s, self._actor_id, meeting_id)
        except BoardpackError as error:
            self.complain("The notes were not exported", str(error))
            return False
        target = path or self.choose_file(name, "Text (*.md *.txt)")
        if not target:
            return False
        try:
            Path(target).write_text(text, encoding="utf-8")
        except OSError as error:
            why = f"{target} could not be written ({error.strerror})."
            self.complain("The notes were not exported", why)
            return False
        self.notice.say(f"Saved your notes to {target}.")
        return True

    # Messages ---------------------------------------------------------------------------

    def complain(self, title: str, text: str) -> None:
        """One sentence in a message box (window-modal, not blocking)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        self.message_box = box
        box.open()

    def shutdown(self, timeout_ms: int = 15_000) -> None:
        if self._worker is not None:
            self._worker.shutdown(timeout_ms)
