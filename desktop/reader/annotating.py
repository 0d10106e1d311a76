"""The reader's annotations: highlights and sticky notes, the notes list, and its editor.

`ReaderNotes` does the writing and reading for the reader
(`desktop.reader.view`, its host): a highlight from the page's text selection,
a sticky note at a clicked point (its text typed in the editor), comments,
sharing with the board, deleting — each one short transaction through
`db.services.annotations` as the person the window acts for, refusals shown
as one sentence. It keeps "my notes for this meeting" and others' shared
notes in the list (`NotesModel`, orphaned ones flagged and still readable),
draws them on the pages of whatever is open (a paper, or the pack), and
jumps to one when it is chosen — opening its paper if need be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject

from db.errors import BoardpackError
from desktop.reader.canvas import Mark
from desktop.reader.notes_model import WHERE

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollArea, QTabWidget

    from db.services.annotations import AnnotationRow
    from db.store import Database
    from desktop.reader.canvas import PageCanvas
    from desktop.reader.document import Opened, Segment
    from desktop.reader.side import NotesTab
    from widgets.page_parts import Notice


class ReaderHost(Protocol):
    """What the notes need of the reader they sit in."""

    @property
    def database(self) -> Database | None: ...
    @property
    def actor_id(self) -> str | None: ...
    @property
    def opened(self) -> Opened | None: ...
    @property
    def canvas(self) -> PageCanvas: ...
    @property
    def notice(self) -> Notice: ...
    @property
    def side(self) -> QTabWidget: ...
    @property
    def page_area(self) -> QScrollArea: ...
    def go_to(self, page: int) -> None: ...
    def set_mode(self, mode: str) -> None: ...
    def where(self, page: int) -> tuple[Segment, int] | None: ...
    def open_paper(self, paper_id: str, page: int | None = None) -> bool: ...
    def complain(self, title: str, text: str) -> None: ...
    def announce(self, topic: str) -> None: ...


class ReaderNotes(QObject):
    """Highlights and notes of the open meeting, listed, drawn and edited."""

    def __init__(self, host: ReaderHost, tab: NotesTab) -> None:
        super().__init__(tab)
        self._host = host
        self.model, self.table, self.heading = tab.model, tab.table, tab.heading
        self.editor = tab.editor
        self._mine: tuple[AnnotationRow, ...] = ()
        self._shared: tuple[AnnotationRow, ...] = ()
        self._pending_note: tuple[str, int, float, float] | None = None
        tab.table.clicked.connect(self._note_chosen)
        tab.table.activated.connect(self._note_chosen)
        tab.editor.save_requested.connect(self._save_note)
        tab.editor.share_requested.connect(self.set_shared)
        tab.editor.delete_requested.connect(self.delete_annotation)
        tab.editor.cancelled.connect(self._cancel_note)
        host.canvas.point_chosen.connect(self._point_chosen)
        host.canvas.mark_clicked.connect(self.show)

    def reset(self) -> None:
        """Something else was opened: no note half-written, nothing chosen."""
        self._pending_note = None
        self.editor.show_row(None)

    def highlight_selection(self, comment: str | None = None, shared: bool = False) -> str | None:
        """Highlight the selected text (returns the new annotation's id)."""
        selection = self._host.canvas.selection
        found = self._host.where(selection.page) if selection is not None else None
        if selection is None or found is None or self._host.database is None:
            return None
        from db.services.annotations import add_highlight

        segment, page = found
        try:
            with self._host.database.begin(self._host.actor_id) as s:
                row = add_highlight(
                    s,
                    self._host.actor_id,
                    segment.paper_id,
                    page,
                    selection.text,
                    selection.rects,
                    comment=comment,
                    shared=shared,
                )
        except BoardpackError as error:
            self._host.complain("The highlight was not saved", str(error))
            return None
        self._host.canvas.clear_selection()
        self._written(row.annotation_id)
        self.editor.comment.setFocus()
        return row.annotation_id

    def _point_chosen(self, page: int, x: float, y: float) -> None:
        found = self._host.where(page)
        if found is None:
            self._host.notice.say("Notes go on a paper's pages, not on the cover or contents.")
            return
        segment, paper_page = found
        self._pending_note = (segment.paper_id, paper_page, x, y)
        self._host.set_mode("select")  # one click, one note; the next click selects again
        self._host.side.setCurrentIndex(0)
        item = f"{segment.item_label} · " if segment.item_label else ""
        self.editor.start_note(f"{item}p. {paper_page + 1}")
        self._host.canvas.set_marks(
            (*self._marks(), Mark("pending", page, point=(x, y), label="New note"))
        )

    def add_note(self, comment: str, shared: bool = False) -> str | None:
        """Store the sticky note whose point was chosen (returns its id)."""
        if self._pending_note is None or self._host.database is None:
            return None
        from db.services.annotations import add_note

        paper_id, page, x, y = self._pending_note
        try:
            with self._host.database.begin(self._host.actor_id) as s:
                row = add_note(s, self._host.actor_id, paper_id, page, x, y, comment, shared=shared)
        except BoardpackError as error:
            self._host.complain("The note was not saved", str(error))
            return None
        self._pending_note = None
        self._written(row.annotation_id)
        return row.annotation_id

    def _cancel_note(self) -> None:
        self._pending_note = None
        self._host.canvas.set_marks(self._marks())

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
            lambda s: edit_comment(s, self._host.actor_id, annotation_id, comment),
            annotation_id,
        )

    def set_shared(self, annotation_id: str, shared: bool) -> bool:
        """Share one of my annotations with the board, or make it private again."""
        from db.services.annotations import set_shared

        return self._write(
            "The note's sharing was not changed",
            lambda s: set_shared(s, self._host.actor_id, annotation_id, shared),
            annotation_id,
        )

    def delete_annotation(self, annotation_id: str) -> bool:
        from db.services.annotations import delete_annotation

        done = self._write(
            "The note was not deleted",
            lambda s: delete_annotation(s, self._host.actor_id, annotation_id),
            None,
        )
        if done:
            self.editor.show_row(None)
        return done

    def _write(self, what: str, fn: Callable[[Any], object], select: str | None) -> bool:
        if self._host.database is None:
            return False
        try:
            with self._host.database.begin(self._host.actor_id) as s:
                fn(s)
        except BoardpackError as error:
            self._host.complain(what, str(error))
            self.reload()
            return False
        self._written(select)
        return True

    def _written(self, select: str | None) -> None:
        self.reload()
        if select is not None:
            self.show(select, jump=False)
        self._host.announce("annotations")

    # Notes list ------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read my notes and the shared ones for the open meeting, and redraw the marks."""
        if self._host.database is None or self._host.opened is None:
            return
        from db.services.annotations import my_annotations, shared_annotations

        meeting_id = self._host.opened.meeting_id
        try:
            with self._host.database.session() as s:
                self._mine = my_annotations(s, self._host.actor_id, meeting_id)
                self._shared = shared_annotations(s, self._host.actor_id, meeting_id)
        except BoardpackError as error:
            self._host.complain("The notes cannot be read", str(error))
            return
        chosen = self.editor.row.annotation_id if self.editor.row is not None else None
        self.model.set_notes(self._mine, self._shared)
        self.table.resizeRowsToContents()
        others = sum(1 for r in self._shared if not r.mine)
        orphaned = sum(1 for r in self._mine if r.orphaned)
        text = f"My notes for this meeting ({len(self._mine)})"
        if orphaned:
            text += f" · {orphaned} orphaned"
        if others:
            text += f" · shared by others ({others})"
        self.heading.setText(text)
        self._host.canvas.set_marks(self._marks())
        if chosen is not None:
            row = self.row(chosen)
            self.editor.show_row(row)

    def _marks(self) -> tuple[Mark, ...]:
        opened = self._host.opened
        if opened is None:
            return ()
        marks = []
        for row in self.model.rows():
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

    def row(self, annotation_id: str) -> AnnotationRow | None:
        found = self.model.find_id(annotation_id)
        return self.model.row(found) if found >= 0 else None

    def rows(self) -> tuple[AnnotationRow, ...]:
        return self.model.rows()

    def _note_chosen(self, index: QModelIndex) -> None:
        if index.isValid():
            self.show(self.model.row(index.row()).annotation_id)

    def show(self, annotation_id: str, *, jump: bool = True) -> None:
        """Choose an annotation in the list and, with `jump`, show its page (opening its paper)."""
        row = self.row(annotation_id)
        if row is None:
            return
        if jump and self._host.opened is not None:
            at = self._host.opened.page_of(row.paper_id, row.page)
            if at is None and self._host.open_paper(row.paper_id, row.page):
                row = self.row(annotation_id) or row
                at = (
                    self._host.opened.page_of(row.paper_id, row.page) if self._host.opened else None
                )
            if at is not None:
                self._host.go_to(at)
                self._scroll_to(row)
        index = self.model.find_id(annotation_id)
        if index >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(index, WHERE),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(self.model.index(index, WHERE))
        self._host.side.setCurrentIndex(0)
        self._host.canvas.select_mark(annotation_id)
        self.editor.show_row(row)
        if row.orphaned:
            self._host.notice.say(
                "This note's text was not found in the re-issued paper; its quote and comment "
                "are kept in the notes list."
            )

    def _scroll_to(self, row: AnnotationRow) -> None:
        top = row.rects[0][1] if row.rects else row.y
        if top is not None and not row.orphaned:
            y = (
                int(top * self._host.canvas.height())
                - self._host.page_area.viewport().height() // 3
            )
            self._host.page_area.verticalScrollBar().setValue(max(0, y))
