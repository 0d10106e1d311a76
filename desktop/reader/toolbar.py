"""The reader's controls, in two rows: what is open, then how to move through it and mark it.

Row one: back to the pack, the paper's title (elided, in full in its
tooltip), print and export. Row two: previous/next page and the page box
("12", or a pack label such as "S1"), zoom out/in and "Fit width", the two
pointer modes (select text; click to put a sticky note) and "Highlight".
Only widgets — `desktop.reader.view` connects them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from widgets.elided_label import ElidedLabel


def tool(text: str, tip: str, *, checkable: bool = False) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    button.setMinimumWidth(28)
    button.setCheckable(checkable)
    return button


class ReaderToolbar(QWidget):
    """The reader's buttons and boxes (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = QPushButton("← Board pack")
        self.back_button.setObjectName("readerBack")
        self.back_button.setToolTip("Back to the meeting's papers (Esc)")
        self.title = ElidedLabel()
        self.title.setObjectName("readerTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.print_button = QPushButton("Print…")
        self.print_button.setToolTip("Print chosen pages (Ctrl+P)")
        self.export_button = QPushButton("Export")
        self.export_button.setToolTip("Save your annotated paper, or your notes, to a file")
        self.export_menu = QMenu(self.export_button)
        self.export_button.setMenu(self.export_menu)

        self.prev_button = tool("‹", "Previous page (PgUp)")
        self.next_button = tool("›", "Next page (PgDn)")
        self.page_edit = QLineEdit()
        self.page_edit.setObjectName("readerPage")
        self.page_edit.setAccessibleName("Page number; type one and press Enter (Ctrl+G)")
        self.page_edit.setToolTip("Type a page number and press Enter (Ctrl+G)")
        self.page_edit.setFixedWidth(52)
        self.page_edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.of_label = QLabel("")
        self.of_label.setTextFormat(Qt.TextFormat.PlainText)
        self.zoom_out_button = tool("−", "Zoom out (Ctrl+-)")
        self.zoom_label = QLabel("")
        self.zoom_label.setMinimumWidth(44)
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_in_button = tool("+", "Zoom in (Ctrl+=)")
        self.fit_button = tool(
            "Fit width", "Fit the page to the window's width (Ctrl+0)", checkable=True
        )
        self.fit_button.setChecked(True)
        self.select_button = tool(
            "Select text", "Drag over text to select it, then Highlight", checkable=True
        )
        self.select_button.setChecked(True)
        self.note_button = tool(
            "Add note", "Click on the page to put a sticky note there", checkable=True
        )
        self.modes = QButtonGroup(self)
        self.modes.setExclusive(True)
        self.modes.addButton(self.select_button)
        self.modes.addButton(self.note_button)
        self.highlight_button = QPushButton("Highlight")
        self.highlight_button.setObjectName("readerHighlight")
        self.highlight_button.setToolTip("Highlight the selected text (Ctrl+H)")
        self.highlight_button.setEnabled(False)

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.back_button)
        top.addSpacing(6)
        top.addWidget(self.title, 1)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        bottom = QHBoxLayout()
        bottom.setSpacing(4)
        for widget in (self.prev_button, self.page_edit, self.of_label, self.next_button):
            bottom.addWidget(widget)
        bottom.addSpacing(14)
        for zoom_part in (self.zoom_out_button, self.zoom_label, self.zoom_in_button):
            bottom.addWidget(zoom_part)
        bottom.addWidget(self.fit_button)
        bottom.addSpacing(14)
        bottom.addWidget(self.select_button)
        bottom.addWidget(self.note_button)
        bottom.addWidget(self.highlight_button)
        bottom.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)
