"""The first-run screen: which board to open, before there is a window to open it in.

`start_choice(paths)` decides where the app starts when it is given neither
`--db` nor `--demo`: the most recent file that is still there, else this
welcome screen (a headless run — tests, screenshots — keeps opening the demo).
The screen offers four ways in and the recent-files list:

- **Open the demo board** — the illustrative council board (made on first use);
- **Create a new board…** — council, board, short code, chair, the clerk's own
  name, where the file goes and (ticked by default) "Encrypt this board's file"
  with the clerk's passphrase twice (`NewBoardDialog`, `EncryptionFields`); the
  file is created (encrypted from its first page, the clerk enrolled in its
  keyring with the data key, so the window opens signed in as them) with an
  empty plan (`db.services.boards.create_board`) and the next step offers
  "Import your plan from a spreadsheet…" (helper F's `ImportDialog`);
- **Open a file…** — a Boardpack file anywhere (`QFileDialog`);
- **Connect to the central store…** — the council's server or shared-drive
  file and this person's sign-in, then a first sync into a new local file on a
  worker thread with progress and Cancel (`ConnectDialog`, `db.sync.engine.sync`);
  the new file is encrypted by default too (their email and passphrase).

The demo board stays unencrypted: it holds made-up people only.

Every dialog here returns a `StartChoice` (or None) and leaves no database open:
the app proper (`desktop.app.run_gui`) opens the chosen file, signs the person
in and shows the window. Recent files live in `desktop.recent_files`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.paths import AppPaths
from desktop.recent_files import RecentFiles, app_settings
from widgets.style import make_muted

if TYPE_CHECKING:
    from db.services.boards import NewBoard
    from db.store import Database
    from db.sync.central import CentralStore
    from desktop.background import Op
    from desktop.signin import Entry

APP_TITLE = "Boardpack"
ERROR_COLOUR = "#b10e1e"
#: Qt platforms with no one to answer a dialog: the welcome screen is skipped there.
HEADLESS = frozenset({"offscreen", "minimal"})
FILE_FILTER = "Boardpack boards (*.db *.boardpack);;All files (*)"


@dataclass(frozen=True)
class StartChoice:
    """Where the app starts: a file, or the demo board; `signed_in` when the person who
    made the board set their passphrase just now (the window opens as them)."""

    path: Path | None
    demo: bool = False
    signed_in: Entry | None = None


def icon_path() -> Path | None:
    """The app icon (shipped beside the package, or inside the frozen app)."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parents[1]))
    for name in ("boardpack.svg", "boardpack.png"):
        candidate = base / "installer" / "icon" / name
        if candidate.is_file():
            return candidate
    return None


def ensure_application() -> QApplication:
    """The `QApplication`, created as the app creates it when there is none yet."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0] if sys.argv else "boardpack"])
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    icon = icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def start_choice(paths: AppPaths, *, ask: bool = False) -> StartChoice | None:
    """Where to start without `--db`/`--demo`: the last file, else ask; None to quit.

    Args:
        paths: the app's folders.
        ask: show the welcome screen even when there is a last file (`--welcome`).
    """
    recent = RecentFiles(app_settings(paths))
    last = None if ask else recent.last_existing()
    if last is not None:
        return StartChoice(last)
    app = ensure_application()
    if app.platformName() in HEADLESS:
        return StartChoice(None, demo=True)
    dialog = WelcomeDialog(paths, recent)
    dialog.exec()
    return dialog.choice


def _error_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
    label.setVisible(False)
    return label


def _show_error(label: QLabel, message: str) -> None:
    message = message[:1].upper() + message[1:]
    label.setText(message)
    label.setAccessibleName(message)
    label.setVisible(True)


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class WelcomeDialog(QDialog):
    """The four ways in, and the recent files; `choice` holds the answer once accepted."""

    def __init__(self, paths: AppPaths, recent: RecentFiles, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.recent = recent
        self.choice: StartChoice | None = None
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("Welcome to Boardpack")
        self.setAccessibleName("Welcome to Boardpack")

        title = QLabel("Welcome to Boardpack")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "Plans, risks, performance, meetings and minutes for your improvement board, "
            "on this laptop, with or without a network. How would you like to start?"
        )
        intro.setWordWrap(True)
        make_muted(intro)

        self.demo_button = self._choice_button(
            "Open the demo board",
            "Explore a council's improvement board: two years of meetings, papers, "
            "decisions and minutes (illustrative data).",
            self.choose_demo,
        )
        self.new_button = self._choice_button(
            "Create a new board…",
            "Start your council's board in a new file, then import your improvement "
            "plan from a spreadsheet.",
            self.choose_new,
        )
        self.open_button = self._choice_button(
            "Open a file…", "A Boardpack file on this laptop or a shared drive.", self.choose_open
        )
        self.connect_button = self._choice_button(
            "Connect to the central store…",
            "Join your council's board: sign in and copy it to this laptop with a first sync.",
            self.choose_connect,
        )
        choices = QVBoxLayout()
        for button in (self.demo_button, self.new_button, self.open_button, self.connect_button):
            choices.addWidget(button)
        choices.addStretch(1)

        recent_title = QLabel("&Recent files")
        recent_title.setStyleSheet("font-weight: bold;")
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentFiles")
        self.recent_list.setAccessibleName("Recent files")
        self.recent_list.setMinimumWidth(300)
        self.recent_list.setSpacing(4)  # each entry is two lines: name, then folder
        recent_title.setBuddy(self.recent_list)
        self.recent_list.itemActivated.connect(self._open_recent)
        self._fill_recent()
        side = QVBoxLayout()
        side.addWidget(recent_title)
        side.addWidget(self.recent_list, 1)

        self.status_label = QLabel("")
        self.status_label.setObjectName("welcomeStatus")
        self.status_label.setWordWrap(True)
        self.status_bar = QProgressBar()
        self.status_bar.setRange(0, 0)
        self.status_bar.setAccessibleName("Preparing the demo board")
        self.status_bar.setVisible(False)
        choices.addWidget(self.status_label)
        choices.addWidget(self.status_bar)
        #: Builds the demo board into a path (the CLI's builder; tests pass a quick one).
        self.make_demo: Callable[[Path], None] = _build_demo
        self._worker = _worker(self)
        self._op: Op[Any] | None = None

        self.about_button = QPushButton("About Boardpack…")
        self.about_button.setAccessibleName("About Boardpack: version and data locations")
        self.about_button.clicked.connect(self._about)
        quit_button = QPushButton("Quit")
        quit_button.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addWidget(self.about_button)
        footer.addStretch(1)
        footer.addWidget(quit_button)

        body = QHBoxLayout()
        body.addLayout(choices, 3)
        body.addSpacing(16)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 16)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addLayout(body, 1)
        layout.addLayout(footer)
        self.resize(860, 520)

    def _choice_button(
        self, text: str, description: str, slot: Callable[[], None]
    ) -> QCommandLinkButton:
        button = QCommandLinkButton(text, description)
        button.setAccessibleName(text.rstrip("…"))
        button.setAccessibleDescription(description)
        button.setIconSize(QSize(0, 0))
        button.clicked.connect(slot)
        return button

    def _fill_recent(self) -> None:
        self.recent_list.clear()
        entries = self.recent.entries()
        if not entries:
            item = QListWidgetItem("No files opened yet")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent_list.addItem(item)
            return
        for entry in entries:
            text = f"{entry.path.name}\n{entry.path.parent}"
            item = QListWidgetItem(
                text if entry.exists else f"{entry.path.name} (not found)\n{entry.path.parent}"
            )
            item.setData(Qt.ItemDataRole.UserRole, str(entry.path))
            item.setToolTip(str(entry.path))
            if not entry.exists:
                item.setFlags(Qt.ItemFlag.NoItemFlags)  # greyed: shown, not openable
                item.setForeground(QColor("#767676"))
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{entry.path} — not found")
            self.recent_list.addItem(item)

    def _finish(self, choice: StartChoice) -> None:
        self.choice = choice
        if choice.path is not None and not choice.demo:
            self.recent.add(choice.path)
        self.accept()

    def _open_recent(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if value and Path(str(value)).is_file():
            self._finish(StartChoice(Path(str(value))))

    def choose_demo(self) -> None:
        """The demo board; built first on a worker (~15 s) when this laptop has none yet."""
        from desktop.background import Op

        demo = self.paths.demo_db
        if demo.is_file():
            self._finish(StartChoice(demo, demo=True))
            return
        for button in (self.demo_button, self.new_button, self.open_button, self.connect_button):
            button.setEnabled(False)
        self.status_label.setText("Preparing the demo board: this takes about 15 seconds…")
        self.status_bar.setVisible(True)

        def failed(error: BaseException) -> None:
            from desktop.background import one_line

            self.status_bar.setVisible(False)
            self.status_label.setText(f"The demo board could not be made: {one_line(error)}")
            for button in (
                self.demo_button,
                self.new_button,
                self.open_button,
                self.connect_button,
            ):
                button.setEnabled(True)

        def build(_report: Callable[[str], None]) -> None:
            demo.parent.mkdir(parents=True, exist_ok=True)
            self.make_demo(demo)

        self._op = (
            Op(self._worker, build)
            .success(lambda _: self._finish(StartChoice(demo, demo=True)))
            .failure(failed)
            .run()
        )

    def done(self, result: int) -> None:
        self._worker.shutdown()  # the worker's thread ends with the dialog
        super().done(result)

    def choose_open(self) -> None:
        start = str(self.paths.data_dir) if self.paths.data_dir.is_dir() else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open a board", start, FILE_FILTER)
        if path:
            self._finish(StartChoice(Path(path)))

    def choose_new(self) -> None:
        dialog = NewBoardDialog(self.paths, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created_path is not None:
            self._finish(StartChoice(dialog.created_path, signed_in=dialog.signed_in))

    def choose_connect(self) -> None:
        dialog = ConnectDialog(self.paths, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.created_path is not None:
            self._finish(StartChoice(dialog.created_path, signed_in=dialog.signed_in))

    def _about(self) -> None:
        from desktop.about import AboutDialog

        AboutDialog(self.paths, self).exec()


def _build_demo(path: Path) -> None:
    """The CLI's demo builder (a partial file until complete, so never half a demo)."""
    from desktop.cli import _create_demo

    _create_demo(path)


def _worker(parent: QWidget) -> Any:
    from desktop.background import Worker

    return Worker(parent)


ENCRYPTED_NOTE = (
    "Board papers are about children and families: encrypted, the file cannot be read "
    "without your passphrase if this laptop is lost. Nobody can recover a forgotten "
    "passphrase; the secretariat can set a new one for you."
)
PLAINTEXT_NOTE = (
    "Not encrypted: anyone who gets this laptop's files can read the board. You can "
    "encrypt it later (boardpack encrypt)."
)


class EncryptionFields(QWidget):
    """ "Encrypt this board's file (recommended)", checked by default, and the person's
    passphrase twice: it opens the encrypted file on this laptop (`db.auth`)."""

    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.checkbox = QCheckBox("&Encrypt this board's file (recommended)")
        self.checkbox.setObjectName("encryptBoard")
        self.checkbox.setChecked(True)
        self.checkbox.setAccessibleName("Encrypt this board's file (recommended)")
        self.passphrase_edit = QLineEdit()
        self.repeat_edit = QLineEdit()
        for edit, name in (
            (self.passphrase_edit, f"{who} passphrase"),
            (self.repeat_edit, f"{who} passphrase again"),
        ):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setAccessibleName(name)
        self.passphrase_edit.setPlaceholderText("at least 12 characters: a few ordinary words")
        self.note = QLabel(ENCRYPTED_NOTE)
        self.note.setWordWrap(True)
        make_muted(self.note)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        pass_label = QLabel("Pass&phrase:")
        pass_label.setBuddy(self.passphrase_edit)
        again_label = QLabel("A&gain:")
        again_label.setBuddy(self.repeat_edit)
        form.addRow(pass_label, self.passphrase_edit)
        form.addRow(again_label, self.repeat_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.checkbox)
        layout.addLayout(form)
        layout.addWidget(self.note)
        self.checkbox.toggled.connect(self._toggled)

    def _toggled(self, on: bool) -> None:
        self.passphrase_edit.setEnabled(on)
        self.repeat_edit.setEnabled(on)
        self.note.setText(ENCRYPTED_NOTE if on else PLAINTEXT_NOTE)

    def passphrase(self) -> str | None:
        """The checked passphrase, or None when the file is not to be encrypted.

        Raises:
            ValueError: too short, blank, or the two differ (one sentence).
        """
        from db.auth.errors import PassphraseRuleError
        from db.auth.passphrase import check_rules

        if not self.checkbox.isChecked():
            return None
        first = self.passphrase_edit.text()
        try:
            check_rules(first)
        except PassphraseRuleError as error:
            raise ValueError(str(error)) from None
        if self.repeat_edit.text() != first:
            raise ValueError("the two passphrases differ: type the same passphrase twice")
        return first


class NewBoardDialog(QDialog):
    """A new board in a new file, then (optionally) its plan from a spreadsheet.

    Page 1 asks for the board; "Create board" writes the file on a worker. Page 2
    says where it is and offers the import; "Open the board" closes the file and
    accepts (`created_path`). Cancelling page 1 leaves no file behind.
    """

    created = Signal(object)  # NewBoard, once the file exists

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.created_path: Path | None = None
        self.new_board: NewBoard | None = None
        self.database: Database | None = None
        self.signed_in: Entry | None = None  # the clerk, when the file is encrypted
        self.imported_actions = 0
        self.importer: QDialog | None = None
        self._code_edited = False
        self._op: Op[Any] | None = None
        self._worker = _worker(self)
        self.setObjectName("newBoardDialog")
        self.setWindowTitle("Create a new board")
        self.setAccessibleName("Create a new board")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._form_page())
        self.pages.addWidget(self._done_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages)
        self.resize(620, 360)

    # -- page 1: the board ------------------------------------------------------------

    def _form_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            "Your board gets a file of its own on this laptop. You can invite members "
            "and connect it to the council's central store later."
        )
        intro.setWordWrap(True)
        make_muted(intro)
        self.form_error = _error_label("newBoardError")
        self.council_edit = self._edit("Council", "e.g. Slough Borough Council")
        self.board_edit = self._edit("Board's name", "e.g. Ofsted Priority Action Board")
        self.code_edit = self._edit("Short code", "e.g. OPAB")
        self.code_edit.setMaxLength(16)
        self.chair_edit = self._edit("Chair", "the chair's name")
        self.secretariat_edit = self._edit("Your name", "you set the board up, as its secretariat")
        self.file_edit = self._edit("File", "")
        self.file_edit.setText(str(self.paths.data_dir / "board.db"))
        browse = QPushButton("Choose…")
        browse.setAccessibleName("Choose where the board's file goes")
        browse.clicked.connect(self._choose_file)
        self.board_edit.textChanged.connect(self._suggest)
        self.code_edit.textEdited.connect(self._code_typed)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Council:", self.council_edit)
        form.addRow("&Board's name:", self.board_edit)
        form.addRow("Short &code:", self.code_edit)
        form.addRow("C&hair:", self.chair_edit)
        form.addRow("&Your name:", self.secretariat_edit)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.file_edit)
        form.addRow(file_label, file_row)
        self.encryption = EncryptionFields("Your")
        self.encryption.passphrase_edit.textChanged.connect(
            lambda _: self.form_error.setVisible(False)
        )
        self.form_buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = self.form_buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create board")
        self.create_button.setAccessibleName("Create the board")
        self.form_buttons.accepted.connect(self.create_board)
        self.form_buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.encryption)
        layout.addWidget(self.form_error)
        layout.addStretch(1)
        layout.addWidget(self.form_buttons)
        return page

    def _edit(self, name: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(lambda _: self.form_error.setVisible(False))
        return edit

    def _code_typed(self, _text: str) -> None:
        self._code_edited = True

    def _suggest(self, name: str) -> None:
        from db.services.boards import suggest_code

        if not self._code_edited:
            self.code_edit.setText(suggest_code(name) if name.strip() else "")
        default = self.paths.data_dir / "board.db"
        current = Path(self.file_edit.text())
        if current.parent == default.parent and (current == default or current.stem.isupper()):
            code = self.code_edit.text().strip() or "board"
            self.file_edit.setText(str(default.parent / f"{code}.db"))

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Where the board's file goes", self.file_edit.text(), FILE_FILTER
        )
        if path:
            self.file_edit.setText(path if Path(path).suffix else f"{path}.db")

    def create_board(self) -> None:
        """Check the form, then write the file on the worker (page 2 when done)."""
        from desktop.background import Op

        path = Path(self.file_edit.text().strip()).expanduser()
        if not self.file_edit.text().strip():
            _show_error(self.form_error, "choose where the board's file goes")
            return
        if path.exists():
            _show_error(self.form_error, f"{path} already exists: choose another file name")
            return
        for edit, what in (
            (self.council_edit, "the council's name"),
            (self.board_edit, "the board's name"),
            (self.code_edit, "a short code"),
            (self.chair_edit, "the chair's name"),
            (self.secretariat_edit, "your name"),
        ):
            if not edit.text().strip():
                _show_error(self.form_error, f"enter {what}")
                edit.setFocus()
                return
        try:
            passphrase = self.encryption.passphrase()
        except ValueError as error:
            _show_error(self.form_error, str(error))
            self.encryption.passphrase_edit.setFocus()
            return
        fields = {
            "council": self.council_edit.text(),
            "board_name": self.board_edit.text(),
            "code": self.code_edit.text(),
            "chair_name": self.chair_edit.text(),
            "secretariat_name": self.secretariat_edit.text(),
        }
        self.create_button.setEnabled(False)
        self._op = (
            Op(self._worker, lambda _report: _create_board_file(path, fields, passphrase))
            .success(self._created)
            .failure(self._create_failed)
            .run()
        )

    def _create_failed(self, error: BaseException) -> None:
        from desktop.background import one_line

        self.create_button.setEnabled(True)
        _show_error(self.form_error, one_line(error))

    def _created(self, result: tuple[Database, NewBoard, Entry | None]) -> None:
        self.database, self.new_board, self.signed_in = result
        self.created_path = self.database.path
        locked = (
            "The file is encrypted: on this laptop it opens with your passphrase.\n\n"
            if self.signed_in is not None
            else "The file is not encrypted.\n\n"
        )
        self.done_label.setText(
            f"{self.board_edit.text().strip()} is ready, in {self.created_path}.\n\n"
            + locked
            + "Its plan is empty. Most councils keep the plan in a spreadsheet: import it "
            "now, or add actions in the app later."
        )
        self.pages.setCurrentIndex(1)
        self.import_button.setFocus()
        self.created.emit(self.new_board)

    # -- page 2: the plan -------------------------------------------------------------

    def _done_page(self) -> QWidget:
        page = QWidget()
        heading = QLabel("Board created")
        heading.setStyleSheet("font-weight: bold; font-size: 14pt;")
        self.done_label = QLabel("")
        self.done_label.setWordWrap(True)
        self.import_button = QPushButton("Import your plan from a spreadsheet…")
        self.import_button.setObjectName("importPlanButton")
        self.import_button.setAccessibleName("Import your plan from a spreadsheet")
        self.import_button.clicked.connect(self.import_plan)
        self.import_summary = QLabel("")
        self.import_summary.setObjectName("importSummary")
        self.import_summary.setWordWrap(True)
        self.open_board_button = QPushButton("Open the board")
        self.open_board_button.setObjectName("openNewBoard")
        self.open_board_button.setDefault(True)
        self.open_board_button.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_board_button)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(self.done_label)
        layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.import_summary)
        layout.addStretch(1)
        layout.addLayout(row)
        return page

    def import_dialog(self, path: Path | None = None) -> QDialog:
        """The spreadsheet importer (helper F's `ImportDialog`) on the new board's plan."""
        from db.importers import Kind
        from desktop.import_dialog import ImportDialog

        assert self.database is not None and self.new_board is not None
        dialog = ImportDialog(
            self.database,
            self.new_board.secretariat_id,  # the clerk: the seat allowed to import
            self.new_board.plan_id,
            Kind.PLAN,
            path=path,
            parent=self,
        )
        dialog.imported.connect(self._imported)
        shown: QDialog = dialog
        return shown

    def import_plan(self) -> QDialog:
        """The "Import your plan…" button: the importer, window-modal over this dialog."""
        self.importer = self.import_dialog()
        self.importer.open()
        return self.importer

    def _imported(self, report: Any) -> None:
        created = int(getattr(report, "created", 0))
        updated = int(getattr(report, "updated", 0))
        self.imported_actions += created
        self.import_summary.setText(
            f"Imported {created} actions" + (f" ({updated} updated)" if updated else "") + "."
        )
        self.open_board_button.setFocus()

    def done(self, result: int) -> None:
        # The worker's thread ends with the dialog (a create still running finishes first).
        self._worker.shutdown()
        if self.database is not None:
            self.database.close()
        super().done(result)


def _create_board_file(
    path: Path, fields: dict[str, str], passphrase: str | None = None
) -> tuple[Database, NewBoard, Entry | None]:
    """A new database at `path` holding the new board; the file is removed on failure.

    With `passphrase` the file is encrypted from its first page (SQLCipher, a new random
    data key), and the clerk who made it is enrolled in its keyring with that key:
    the third value is their sign-in, so the window opens as them. Without, plaintext
    and no sign-in (None).
    """
    from db.services.boards import create_board
    from db.store import open_database

    key = None
    if passphrase is not None:
        from db.crypto import new_data_key
        from db.encryption import create_encrypted

        key = new_data_key()
        database = create_encrypted(path, key)
    else:
        database = open_database(path, create=True)
    entry = None
    try:
        with database.begin() as session:
            made = create_board(session, today=dt.date.today(), **fields)
        if passphrase is not None:
            entry = _enrol(path, made.secretariat_id, fields["secretariat_name"], passphrase, key)
    except BaseException:
        database.close()
        _remove_database_files(path)
        raise
    return database, made, entry


def _enrol(path: Path, person_id: str, name: str, passphrase: str, key: bytes | None) -> Entry:
    """Enrol `person_id` in the new encrypted file's keyring with the data key and mark
    it encrypted (the keyring is removed again if that fails); their sign-in."""
    from db.auth import Keyring
    from desktop.signin import Entry

    keyring = Keyring.load(path, create=True)
    try:
        keyring.enrol(person_id, name.strip(), passphrase, data_key=key)
        keyring.encrypted = True
    except BaseException:
        Keyring.path_for(path).unlink(missing_ok=True)
        raise
    # They have just typed the passphrase twice: signed in, no second argon2 run.
    return Entry(person_id, None, key, (), keyring)


class ConnectDialog(QDialog):
    """Join a board from the council's central store: address, sign-in, first sync.

    The first sync copies the whole board into a new file on this laptop, on a
    worker thread, with progress and Cancel. A failed or cancelled first sync
    leaves no file behind; success accepts with `created_path`.
    """

    def __init__(self, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from db.sync.settings import EXAMPLES

        self.paths = paths
        self.created_path: Path | None = None
        self.signed_in: Entry | None = None  # when the new file is encrypted
        self.summary = ""
        self._op: Op[Any] | None = None
        self._worker = _worker(self)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to the central store")
        self.setAccessibleName("Connect to the central store")
        intro = QLabel(
            "Your council's central store holds the board everyone syncs with: a database "
            "server, or a file on the shared drive. The secretariat can give you its address "
            "and your sign-in. The first sync copies the board to this laptop."
        )
        intro.setWordWrap(True)
        make_muted(intro)
        self.address_edit = QLineEdit()
        self.address_edit.setAccessibleName("Central store address")
        self.address_edit.setPlaceholderText(EXAMPLES[-1])
        self.user_edit = QLineEdit()
        self.user_edit.setAccessibleName("Your sign-in name at the central store")
        self.user_edit.setPlaceholderText("for a database server")
        self.password_edit = QLineEdit()
        self.password_edit.setAccessibleName("Your password at the central store")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.file_edit = QLineEdit(str(paths.data_dir / "board.db"))
        self.file_edit.setAccessibleName("The board's file on this laptop")
        self.choose_central = QPushButton("Choose file…")
        self.choose_central.setAccessibleName("Choose the central store file on the shared drive")
        self.choose_central.clicked.connect(self._choose_central_file)
        address_row = QHBoxLayout()
        address_row.addWidget(self.address_edit, 1)
        address_row.addWidget(self.choose_central)
        address_label = QLabel("&Address:")
        address_label.setBuddy(self.address_edit)
        form = QFormLayout()
        form.addRow(address_label, address_row)
        form.addRow("&Sign-in name:", self.user_edit)
        form.addRow("&Password:", self.password_edit)
        form.addRow("&File on this laptop:", self.file_edit)
        self.email_edit = QLineEdit()
        self.email_edit.setAccessibleName("Your email, as the board has it")
        # Always asked: the central store sends a laptop only what its person may read
        # (an observer's laptop never receives exempt papers), from the first snapshot on.
        self.email_edit.setPlaceholderText("this laptop syncs for, and signs in as, this person")
        form.addRow("Your &email:", self.email_edit)
        self.encryption = EncryptionFields("Your")
        self.progress = QProgressBar()
        self.progress.setAccessibleName("First sync progress")
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.progress_label = QLabel("")
        self.progress_label.setObjectName("connectProgress")
        self.error_label = _error_label("connectError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("Connect and copy the board")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.encryption)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(660, 440)

    def _choose_central_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Central store file", "", "Boardpack central store (*.db);;All files (*)"
        )
        if path:
            self.address_edit.setText(path)  # a full path is taken as the shared-drive file

    def url(self) -> str:
        """The checked address with the sign-in put in (a server's user and password)."""
        from sqlalchemy.engine import make_url

        from db.sync.settings import validate_remote

        text = validate_remote(self.address_edit.text())
        parsed = make_url(text)
        if parsed.get_backend_name() == "postgresql":
            user = self.user_edit.text().strip()
            password = self.password_edit.text()
            if user:
                parsed = parsed.set(username=user)
            if password:
                parsed = parsed.set(password=password)
            return parsed.render_as_string(hide_password=False)
        return text

    def start(self) -> None:
        from db.errors import ValidationError
        from desktop.background import Op

        self.error_label.setVisible(False)
        path = Path(self.file_edit.text().strip()).expanduser()
        try:
            url = self.url()
        except ValidationError as error:
            _show_error(self.error_label, str(error))
            return
        if not self.file_edit.text().strip() or path.exists():
            _show_error(self.error_label, f"{path} already exists: choose another file name")
            return
        try:
            passphrase = self.encryption.passphrase()
        except ValueError as error:
            _show_error(self.error_label, str(error))
            return
        email = self.email_edit.text().strip()
        if "@" not in email:
            _show_error(self.error_label, "enter your email as the board has it")
            self.email_edit.setFocus()
            return
        self.connect_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress_label.setText("Connecting…")
        self._op = (
            Op(
                self._worker,
                lambda report: _first_sync(path, url, report, passphrase=passphrase, email=email),
            )
            .progress(self.progress_label.setText)
            .success(self._synced)
            .failure(self._failed)
            .run()
        )

    def cancel(self) -> None:
        if self._op is not None and self._worker.busy():
            self._op.cancel()  # the sync stops at its next progress report
            self.progress_label.setText("Cancelling…")
            return
        self.reject()

    def done(self, result: int) -> None:
        self._worker.shutdown()  # the worker's thread ends with the dialog
        super().done(result)

    def _synced(self, result: tuple[Path, str, Entry | None]) -> None:
        self.created_path, self.summary, self.signed_in = result
        self.progress.setVisible(False)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        from desktop.background import Cancelled, one_line

        self._op = None
        self.progress.setVisible(False)
        self.connect_button.setEnabled(True)
        if isinstance(error, Cancelled):
            self.progress_label.setText("Cancelled: nothing was copied.")
            return
        self.progress_label.setText("")
        _show_error(self.error_label, one_line(error))


def _first_sync(
    path: Path,
    url: str,
    report: Callable[[str], None],
    *,
    passphrase: str | None = None,
    email: str = "",
) -> tuple[Path, str, Entry | None]:
    """Sync the central store's board into a new file at `path` (removed on any failure).

    With `passphrase` the new file is encrypted from its first page (a new random data
    key) and the person with `email` on the board is enrolled with that key: the third
    value is their sign-in. Without, a plaintext file and None.
    """
    from db.store import open_database
    from db.sync.engine import sync
    from desktop.sync_control import progress_text

    path.parent.mkdir(parents=True, exist_ok=True)
    key = None
    if passphrase is not None:
        from db.crypto import new_data_key
        from db.encryption import create_encrypted

        key = new_data_key()
        database = create_encrypted(path, key)
    else:
        database = open_database(path, create=True)
    entry = None
    central = None
    try:
        # Named before the first snapshot, so the central store filters it for this
        # person's role (db.sync.scope) and their laptop is registered as theirs.
        remote: CentralStore | str = url
        if email:
            remote = central = _central_for(url, email)
        result = sync(
            database,
            remote,
            progress=lambda stage, done, total: report(progress_text(stage, done, total)),
        )
        if passphrase is not None:
            person_id, name = _person_by_email(database, email)
            entry = _enrol(path, person_id, name, passphrase, key)
    except BaseException:
        database.close()
        _remove_database_files(path)
        raise
    finally:
        if central is not None:
            central.close()
    database.close()
    return path, result.summary(), entry


def _central_for(url: str, email: str) -> CentralStore:
    """The central store at `url`, syncing for the person with `email` there.

    Raises:
        ValidationError: nobody on the central store has that email.
        CentralError: the store cannot be read.
    """
    from sqlalchemy import func, select

    from db.errors import ValidationError
    from db.models import Person
    from db.sync.central import CentralError, CentralStore

    probe = CentralStore(url)
    try:
        with probe.engine.connect() as conn:
            person = conn.execute(
                select(Person.__table__.c.id).where(
                    func.lower(Person.__table__.c.email) == email.strip().lower()
                )
            ).scalar()
    except Exception as exc:
        raise CentralError(f"cannot read the central store at {url}: {exc}") from exc
    finally:
        probe.close()
    if person is None:
        raise ValidationError(
            f"Nobody on the board has the email {email}: check it with the secretariat"
        )
    return CentralStore(url, user_id=str(person))


def _person_by_email(database: Database, email: str) -> tuple[str, str]:
    """(id, name) of the person on the board with `email` (any case).

    Raises:
        ValidationError: nobody has that email.
    """
    from sqlalchemy import func, select

    from db.errors import ValidationError
    from db.models import Person

    with database.session() as session:
        person = session.scalars(
            select(Person).where(func.lower(Person.email) == email.strip().lower())
        ).first()
        if person is None:
            raise ValidationError(
                f"nobody on the board has the email {email}: check it with the secretariat"
            )
        return person.id, person.name
