"""The reader's side panel tabs: the notes list with its editor, and search.

`NotesTab` is "my notes for this meeting" (then notes others shared), a
table over `NotesModel` with the `NoteEditor` below it; `SearchTab` is the
search box, its scope (this paper or the whole pack) and the results.
Only widgets — `desktop.reader.view` fills and connects them.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.reader.editor import NoteEditor
from desktop.reader.notes_model import NOTE, WHERE, NotesModel
from desktop.reader.search import HitsModel
from widgets.page_parts import fixed_columns, muted, read_only_table


class NotesTab(QWidget):
    """The notes list and the editor of the chosen note."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = NotesModel(self)
        self.heading = QLabel("My notes for this meeting")
        self.heading.setObjectName("notesHeading")
        self.heading.setWordWrap(True)
        bold = self.heading.font()
        bold.setBold(True)
        self.heading.setFont(bold)
        self.table = read_only_table(
            "notesTable",
            "My notes for this meeting",
            "Your highlights and sticky notes on this meeting's papers, then those others "
            "shared with the board. Choose one to show it on its page.",
        )
        self.table.setModel(self.model)
        self.table.horizontalHeader().hide()
        fixed_columns(self.table, {WHERE: 64}, NOTE)
        self.editor = NoteEditor()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.editor)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Wrapped notes change height with the width; measure once it has settled.
        QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)


class SearchTab(QWidget):
    """Search box, scope and results."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName("readerSearch")
        self.edit.setPlaceholderText("Search… (Ctrl+F)")
        self.edit.setAccessibleName("Search for words")
        self.edit.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setAccessibleName("Search this paper or the whole pack")
        self.scope.addItem("This paper", "paper")
        self.scope.addItem("Whole pack", "pack")
        self.model = HitsModel(self)
        self.table = read_only_table("searchResults", "Search results")
        self.table.setModel(self.model)
        fixed_columns(self.table, {0: 64}, 1)
        self.label = muted("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.scope)
        layout.addLayout(row)
        layout.addWidget(self.label)
        layout.addWidget(self.table, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)
