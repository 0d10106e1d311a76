"""The small dialog that asks where the central store is, and checks the answer.

Shown by "Sync now" on a laptop that has never been told, and by "Central
store…" in the Sync menu. A chair usually gets the address from the
secretariat, or it is a file on the shared drive: so the dialog takes a typed
SQLAlchemy URL or a plain full path, offers "Choose file…" for the shared
drive, and checks the address with `db.sync.settings.validate_remote` before
it closes, saying what is wrong under the box rather than in another dialog.
It never connects to anything: whether the store is reachable is the sync's
business.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from widgets.style import make_muted

ERROR_COLOUR = "#b10e1e"


class RemoteDialog(QDialog):
    """Asks for the central store's address; `url` holds the checked one once accepted."""

    def __init__(self, current: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from db.sync.settings import EXAMPLES

        self.setObjectName("remoteDialog")
        self.setWindowTitle("Central store")
        self.setAccessibleName("Central store address")
        self.url: str | None = None

        intro = QLabel(
            "Boardpack keeps this laptop in step with the board's central store: a file on "
            "the shared drive, or the council's database server. Ask the secretariat for "
            "its address if you do not have it."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setMinimumWidth(620)
        label = QLabel("&Address:")
        self.address_edit = QLineEdit(current or "")
        self.address_edit.setObjectName("remoteAddress")
        self.address_edit.setAccessibleName("Central store address")
        self.address_edit.setPlaceholderText(EXAMPLES[0])
        self.address_edit.setMinimumWidth(460)
        label.setBuddy(self.address_edit)
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.setObjectName("chooseCentralFile")
        self.choose_button.setAccessibleName("Choose the central store file on the shared drive")
        self.choose_button.clicked.connect(self._choose_file)
        examples = QLabel("For example " + " or ".join(EXAMPLES))
        examples.setWordWrap(True)
        examples.setTextFormat(Qt.TextFormat.PlainText)
        make_muted(examples)
        self.error_label = QLabel("")
        self.error_label.setObjectName("remoteError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.error_label.setVisible(False)
        self.address_edit.textChanged.connect(lambda _: self.error_label.setVisible(False))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Save and sync")
        save.setAccessibleName("Save the address and sync")
        self.buttons.accepted.connect(self._check_and_accept)
        self.buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.address_edit, 1)
        row.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        # Never smaller than what it says (the error line comes and goes).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(examples)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Central store file", "", "Boardpack central store (*.db);;All files (*)"
        )
        if path:
            self.address_edit.setText(f"sqlite:///{path}")

    def _check_and_accept(self) -> None:
        from db.errors import ValidationError
        from db.sync.settings import validate_remote

        try:
            self.url = validate_remote(self.address_edit.text())
        except ValidationError as error:
            message = str(error)
            message = message[0].upper() + message[1:]
            self.error_label.setText(message)
            self.error_label.setAccessibleName(message)
            self.error_label.setVisible(True)
            self.adjustSize()
            self.address_edit.setFocus()
            return
        self.accept()
