"""The note editor under the notes list: one annotation's quote, comment, sharing and delete.

Three states: nothing chosen; a new sticky note waiting for its text (the
point was clicked on the page, "Add note" stores it); an existing
annotation — the author may change its comment, share it with the board or
make it private again (applied at once) and delete it; someone else's shared
note is shown read-only. An orphaned annotation shows its quote in full, so it
stays readable after the re-issue that lost its place. It writes nothing: the reader
does the writing when the editor's signals fire.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.services.annotations import AnnotationRow
from desktop.reader.notes_model import flags_text, where_text
from widgets.page_parts import muted


class NoteEditor(QWidget):
    """Edit the chosen annotation, or write a new sticky note."""

    #: Save pressed: (annotation id or "" for a new note, comment text).
    save_requested = Signal(str, str)
    #: The share box was ticked or unticked on an existing annotation: (id, shared).
    share_requested = Signal(str, bool)
    #: Delete pressed on an existing annotation.
    delete_requested = Signal(str)
    #: The new note was abandoned.
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self._row: AnnotationRow | None = None
        self._new = False
        self._confirming = False  # Delete pressed once: the next press deletes
        self.about = QLabel("")
        self.about.setObjectName("noteAbout")
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.flags = muted("")
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("noteComment")
        self.comment.setAccessibleName("Comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(70)
        self.shared = QCheckBox("Share with the board")
        self.shared.setObjectName("noteShared")
        self.shared.setToolTip("Private to you unless ticked; shared notes are seen by the board.")
        self.shared.toggled.connect(self._share_toggled)
        self.save_button = QPushButton("Save comment")
        self.save_button.setObjectName("noteSave")
        self.save_button.clicked.connect(self._save)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setObjectName("noteDelete")
        self.delete_button.clicked.connect(self._delete)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.about)
        layout.addWidget(self.flags)
        layout.addWidget(self.comment)
        layout.addWidget(self.shared)
        layout.addLayout(buttons)
        save = QShortcut(QKeySequence("Ctrl+Return"), self.comment)
        save.setContext(Qt.ShortcutContext.WidgetShortcut)
        save.activated.connect(self._save)
        self.save_button.setToolTip("Save (Ctrl+Enter in the comment)")
        self.show_row(None)

    @property
    def row(self) -> AnnotationRow | None:
        return self._row

    @property
    def is_new_note(self) -> bool:
        return self._new

    def show_row(self, row: AnnotationRow | None) -> None:
        """Show an existing annotation (None: nothing chosen)."""
        self._row, self._new = row, False
        self.setVisible(row is not None)
        if row is None:
            return
        kind = "Highlight" if row.kind == "highlight" else "Sticky note"
        quote = f"\n“{row.quote}”" if row.quote else ""
        self.about.setText(f"{kind} · {row.paper_title}, {where_text(row)}{quote}")
        self.flags.setText(flags_text(row))
        self.comment.setPlainText(row.comment or "")
        self.comment.setReadOnly(not row.mine)
        self.comment.setPlaceholderText("Add a comment (optional)" if row.mine else "")
        self.shared.blockSignals(True)
        self.shared.setChecked(row.shared)
        self.shared.blockSignals(False)
        self.shared.setEnabled(row.mine)
        self.save_button.setText("Save comment")
        self._confirming = False
        self.delete_button.setText("Delete")
        self.save_button.setVisible(row.mine)
        self.delete_button.setVisible(row.mine)

    def start_note(self, where: str) -> None:
        """A point was chosen for a new sticky note: ask for its text."""
        self._row, self._new = None, True
        self.setVisible(True)
        self.about.setText(f"New sticky note · {where}")
        self.flags.setText("Private to you unless you tick “Share with the board”.")
        self.comment.setReadOnly(False)
        self.comment.clear()
        self.comment.setPlaceholderText("What do you want to note here?")
        self.shared.blockSignals(True)
        self.shared.setChecked(False)
        self.shared.blockSignals(False)
        self.shared.setEnabled(True)
        self.save_button.setText("Add note")
        self.save_button.setVisible(True)
        self.delete_button.setVisible(True)
        self.delete_button.setText("Cancel")
        self.comment.setFocus()

    def _save(self) -> None:
        text = self.comment.toPlainText()
        if self._new:
            self.save_requested.emit("", text)
        elif self._row is not None:
            self.save_requested.emit(self._row.annotation_id, text)

    def _delete(self) -> None:
        if self._new:
            self._new = False
            self.delete_button.setText("Delete")
            self.setVisible(False)
            self.cancelled.emit()
        elif self._row is not None and not self._confirming:
            # Nothing undoes a deletion, so the first press only asks.
            self._confirming = True
            self.delete_button.setText("Delete: sure?")
        elif self._row is not None:
            self._confirming = False
            self.delete_requested.emit(self._row.annotation_id)

    def _share_toggled(self, checked: bool) -> None:
        if self._row is not None and not self._new:
            self.share_requested.emit(self._row.annotation_id, checked)
