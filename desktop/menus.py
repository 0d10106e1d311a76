"""The main window's menu bar: File, View and Help, over what the window already does.

`install_menus(window)` is called once at the end of `MainWindow.compose()`.
Every item opens something that exists elsewhere; nothing here duplicates it:

- **File** — *Open board…* (a file dialog, `desktop.welcome.FILE_FILTER`),
  *Welcome screen…* (`desktop.welcome.WelcomeDialog`: the demo, a new board,
  the central store), *Recent boards* (`desktop.recent_files`), *Import plan…*
  (`desktop.import_dialog.ImportDialog`, the secretariat's), *Backups…*
  (`desktop.backup_dialog.BackupDialog`), *Settings…*
  (`desktop.settings_dialog`) and *Quit*. One window shows one board (its
  sign-in, idle lock and sync belong to that file), so another board opens in
  a new Boardpack window — the same start as `boardpack --db PATH` (or
  `--demo`), with its own sign-in — and this one stays as it is.
- **View** — the pages, each with its Ctrl+N shown beside it. The window
  already owns those shortcuts (`MainWindow.shortcuts`, QShortcuts), so the
  menu only *shows* the keys (the text after a tab) and registers none: a
  second binding of the same keys would make both ambiguous. Also Search
  everywhere (Ctrl+K) and the sync conflicts page (Ctrl+Shift+C), likewise.
- **Help** — *Keyboard shortcuts* (F1), *Open log folder*, *About Boardpack*
  (`desktop.about.AboutDialog`).

What an item needs is read when its menu opens (`Menus.refresh`): an item the
viewer's role cannot use, or that needs an open board, is disabled and its
tooltip says why. Dialog modules are imported only when an item is chosen, so
the menu bar costs the first window nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QProcess, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

if TYPE_CHECKING:
    from desktop.main_window import MainWindow, WindowData
    from desktop.welcome import StartChoice

NO_BOARD = "Open a board first."
NOT_SECRETARIAT_IMPORT = "Only the secretariat imports the plan from a spreadsheet."
NO_PLAN = "This board has no improvement plan to import into."
SEARCH_KEYS = "Ctrl+K"
CONFLICTS_KEYS = "Ctrl+Shift+C"  # desktop.sync_ui.CONFLICTS_KEYS (not imported: it loads sync)
HELP_KEYS = QKeySequence.StandardKey.HelpContents  # F1
QUIT_KEYS = "Ctrl+Q"  # not StandardKey.Quit: empty on Windows and some Linux desktops
_CHILD_EVENTS = frozenset({QEvent.Type.ChildAdded, QEvent.Type.ChildRemoved})


def window_data(window: MainWindow) -> WindowData | None:
    """The board the window shows now (None before its data, or with no board)."""
    data = window._data  # what the search palette reads too
    if data is None or data.context is None or data.database is None:
        return None
    return data


def boardpack_command(args: list[str]) -> tuple[str, list[str]]:
    """The program and arguments that start Boardpack with `args` (installed or from source)."""
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-m", "desktop", *args]


def start_boardpack(args: list[str]) -> bool:
    """Start another Boardpack window (its own process) with `args`; whether it started."""
    program, arguments = boardpack_command(args)
    started, _pid = QProcess.startDetached(program, arguments)
    return bool(started)


def shortcut_rows() -> list[tuple[str, str]]:
    """(keys, what they do) for the Keyboard shortcuts list: the window's, then meeting mode's."""
    from desktop.meeting_mode.cockpit import SHORTCUTS
    from desktop.pages import PAGE_SPECS

    rows = [(f"Ctrl+{n}", spec.title) for n, spec in enumerate(PAGE_SPECS, start=1)]
    rows += [
        (SEARCH_KEYS, "Search everywhere"),
        ("Ctrl+Shift+S", "Sync now"),
        (CONFLICTS_KEYS, "Sync conflicts"),
        ("Ctrl+N", "New meeting (on the meetings list)"),
        ("Alt+Home", "Back to the meetings list"),
        ("F1", "This list"),
        ("Ctrl+Q", "Quit"),
    ]
    rows += [(keys, f"Meeting mode: {what}") for keys, what in SHORTCUTS]
    return rows


def _native(keys: str | QKeySequence.StandardKey) -> str:
    """The keys as this platform writes them ("Alt+1…5", not a key sequence, as given)."""
    native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
    return native or (keys if isinstance(keys, str) else "")


def _explain(action: QAction, enabled: bool, why: str, tip: str = "") -> None:
    """Enable `action`, or disable it with `why` as its tooltip (and status tip)."""
    action.setEnabled(enabled)
    text = tip if enabled else why
    action.setToolTip(text or action.text().split("\t")[0].replace("&", ""))
    action.setStatusTip(text)


class Menus(QObject):
    """The window's menu bar and its actions (one per window)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("menus")
        self.window = window
        #: Starts another Boardpack window with these arguments (tests replace it).
        self.launch: Callable[[list[str]], bool] = start_boardpack
        #: The last dialog opened from a menu (tests read it).
        self.dialog: QWidget | None = None
        bar = window.menuBar()
        bar.setObjectName("menuBar")

        self.file_menu = self._menu(bar.addMenu("&File"), "fileMenu")
        self.open_action = self.file_menu.addAction("&Open board…", self.choose_file)
        self.open_action.setToolTip("Open a Boardpack file in a new window")
        self.welcome_action = self.file_menu.addAction("&Welcome screen…", self.open_welcome)
        self.welcome_action.setToolTip(
            "The demo board, a new board, or connecting to the central store"
        )
        self.recent_menu = self._menu(self.file_menu.addMenu("&Recent boards"), "recentMenu")
        self.recent_menu.aboutToShow.connect(self.fill_recent)
        self.file_menu.addSeparator()
        self.import_action = self.file_menu.addAction("&Import plan…", self.open_import)
        self.backups_action = self.file_menu.addAction("&Backups…", self.open_backups)
        self.file_menu.addSeparator()
        self.settings_action = self.file_menu.addAction("&Settings…", self.open_settings)
        self.settings_action.setToolTip("Idle lock, and the board's offline limits")
        self.file_menu.addSeparator()
        self.quit_action = self.file_menu.addAction("&Quit", window.close)
        self.quit_action.setShortcut(QKeySequence(QUIT_KEYS))
        self.file_menu.aboutToShow.connect(self.refresh)

        self.view_menu = self._menu(bar.addMenu("&View"), "viewMenu")
        self.page_actions: dict[str, QAction] = {}
        from desktop.pages import PAGE_SPECS

        for n, spec in enumerate(PAGE_SPECS, start=1):
            # The keys after a tab are only shown: the window's QShortcut does the work.
            action = self.view_menu.addAction(f"{spec.title}\t{_native(f'Ctrl+{n}')}")
            action.setObjectName(f"view_{spec.key}")
            action.setToolTip(spec.description)
            action.triggered.connect(lambda _=False, key=spec.key: window.show_page(key))
            self.page_actions[spec.key] = action
        self.view_menu.addSeparator()
        self.search_action = self.view_menu.addAction(
            f"&Search everywhere…\t{_native(SEARCH_KEYS)}", self.open_search
        )
        self.conflicts_action = self.view_menu.addAction(
            f"Sync &conflicts\t{_native(CONFLICTS_KEYS)}",
            lambda: window.show_page("conflicts"),
        )
        self.view_menu.aboutToShow.connect(self.refresh)

        self.help_menu = self._menu(bar.addMenu("&Help"), "helpMenu")
        self.shortcuts_action = self.help_menu.addAction("&Keyboard shortcuts", self.show_shortcuts)
        self.shortcuts_action.setShortcut(QKeySequence(HELP_KEYS))
        self.log_action = self.help_menu.addAction("Open &log folder", self.open_log_folder)
        self.log_action.setToolTip("Where Boardpack writes its log (for support)")
        self.help_menu.addSeparator()
        self.about_action = self.help_menu.addAction("&About Boardpack", self.open_about)
        for action in (self.quit_action, self.shortcuts_action):
            window.addAction(action)  # their own keys work with the menus closed
        self._cover_check = QTimer(self)  # dies with the menus: never fires on a gone window
        self._cover_check.setSingleShot(True)
        self._cover_check.setInterval(0)
        self._cover_check.timeout.connect(self._follow_cover)
        window.installEventFilter(self)
        self.refresh()

    # The sign-in cover ------------------------------------------------------------------

    def covered(self) -> bool:
        """Whether the sign-in screen (or the idle lock's) covers the window now."""
        signin = sys.modules.get("desktop.signin")  # not imported: nothing covers it
        if signin is None:
            return False
        return any(cover.isVisible() for cover in self.window.findChildren(signin.Cover))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A cover is a child of the window: it comes (sign-in, idle lock) and goes.
        if watched is self.window and event.type() in _CHILD_EVENTS:
            self._cover_check.start()
        return False

    def _follow_cover(self) -> None:
        """No menu while the board is hidden: its items would read a locked file."""
        open_ = not self.covered()
        self.window.menuBar().setEnabled(open_)
        self.shortcuts_action.setEnabled(open_)

    def _menu(self, menu: QMenu, name: str) -> QMenu:
        menu.setObjectName(name)
        menu.setFont(self.window.font())  # a popup is a window: it takes no font from ours
        menu.setToolTipsVisible(True)  # a disabled item says why
        return menu

    # What may be used now ----------------------------------------------------------------

    def may_import(self) -> tuple[bool, str]:
        """Whether the viewer may import the plan, and if not, why."""
        data = window_data(self.window)
        if data is None or data.context is None or data.database is None:
            return False, NO_BOARD
        if data.context.plan_id is None:
            return False, NO_PLAN
        from db.permissions import Capability, allowed

        viewer = data.context.viewer
        with data.database.session() as s:
            may = allowed(
                s,
                viewer.person_id if viewer is not None else None,
                data.context.board_id,
                Capability.EDIT_BUSINESS,
            )
        return may, "" if may else NOT_SECRETARIAT_IMPORT

    def refresh(self) -> None:
        """Enable what the open board and the viewer's role allow; say why for the rest."""
        data = window_data(self.window)
        may, why = self.may_import() if data is not None else (False, NO_BOARD)
        _explain(
            self.import_action,
            may,
            why,
            "Import the improvement plan from a spreadsheet (Excel or CSV)",
        )
        _explain(
            self.backups_action,
            data is not None,
            NO_BOARD,
            "List, take and restore backups of this board's file",
        )
        _explain(self.search_action, data is not None, NO_BOARD, "Search every record")
        sync = self.window.sync_ui is not None
        _explain(
            self.conflicts_action,
            sync,
            "Sync is not ready yet.",
            "Changes made on two laptops that sync could not settle alone",
        )

    def fill_recent(self) -> None:
        """The recent boards, most recent first; a moved file greyed with why."""
        from desktop.paths import app_paths
        from desktop.recent_files import RecentFiles, app_settings

        self.recent_menu.clear()
        entries = RecentFiles(app_settings(app_paths())).entries()
        if not entries:
            empty = self.recent_menu.addAction("No recent boards")
            empty.setEnabled(False)
            return
        data = self.window._data
        current = data.db_path.resolve() if data is not None else None
        for entry in entries:
            action = self.recent_menu.addAction(entry.path.name)
            action.triggered.connect(lambda _=False, p=entry.path: self.open_path(p))
            if not entry.exists:
                _explain(action, False, f"Not found: {entry.path} (moved or deleted)")
            elif current is not None and entry.path.resolve() == current:
                _explain(action, False, f"Open in this window: {entry.path}")
            else:
                _explain(action, True, "", str(entry.path))

    # File ------------------------------------------------------------------------------------

    def choose_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from desktop.paths import app_paths
        from desktop.welcome import FILE_FILTER

        folder = app_paths().data_dir
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open a board", str(folder) if folder.is_dir() else "", FILE_FILTER
        )
        if path:
            self.open_path(Path(path))

    def open_path(self, path: Path) -> bool:
        """Open the board at `path` in a new window (this one if it is already showing it)."""
        data = self.window._data
        if data is not None and data.db_path.resolve() == path.resolve():
            self.window.statusBar().showMessage(f"{path.name} is open in this window.", 8000)
            return False
        return self._start(["--db", str(path)], path.name)

    def open_choice(self, choice: StartChoice) -> bool:
        """Open what the welcome screen chose, in a new window."""
        if choice.demo:
            return self._start(["--demo"], "the demo board")
        if choice.path is None:
            return False
        return self.open_path(choice.path)

    def _start(self, args: list[str], what: str) -> bool:
        started = self.launch(args)
        bar = self.window.statusBar()
        if started:
            bar.showMessage(f"Opening {what} in a new window…", 8000)
        else:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self.window, "Open board", f"Boardpack could not start {what}.")
        return started

    def open_welcome(self) -> None:
        from desktop.paths import app_paths
        from desktop.recent_files import RecentFiles, app_settings
        from desktop.welcome import WelcomeDialog

        paths = app_paths()
        dialog = WelcomeDialog(paths, RecentFiles(app_settings(paths)), self.window)
        self.dialog = dialog
        dialog.exec()
        if dialog.choice is not None:
            self.open_choice(dialog.choice)

    def open_import(self) -> QWidget | None:
        """The plan importer (the secretariat's); None when not allowed."""
        may, why = self.may_import()
        data = window_data(self.window)
        if not may or data is None or data.context is None or data.database is None:
            self.window.statusBar().showMessage(why, 8000)
            return None
        from db.importers import Kind
        from desktop.import_dialog import TOPIC, ImportDialog

        plan_id = data.context.plan_id
        assert plan_id is not None
        viewer = data.context.viewer
        dialog = ImportDialog(
            data.database,
            viewer.person_id if viewer is not None else None,
            plan_id,
            Kind.PLAN,
            today=data.today,
            parent=self.window,
        )
        dialog.imported.connect(lambda _report: self.window.announce(TOPIC[Kind.PLAN]))
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_backups(self) -> QWidget | None:
        data = window_data(self.window)
        if data is None or data.database is None:
            return None
        from desktop.backup_dialog import BackupDialog

        dialog = BackupDialog(data.database, self.window.announce, self.window)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_settings(self) -> QWidget:
        from desktop.paths import app_paths
        from desktop.recent_files import app_settings
        from desktop.settings_dialog import BoardRule, SettingsDialog

        data = window_data(self.window)
        board = None
        if data is not None and data.context is not None and data.database is not None:
            viewer = data.context.viewer
            board = BoardRule(
                data.database,
                data.context.board_id,
                data.context.board_code,
                viewer.person_id if viewer is not None else None,
            )
        dialog = SettingsDialog(app_settings(app_paths()), board, self.window)
        self.dialog = dialog
        dialog.open()
        return dialog

    # View ------------------------------------------------------------------------------------

    def open_search(self) -> None:
        palette = getattr(self.window, "search_palette", None)
        if palette is not None:
            palette.open_palette()

    # Help ------------------------------------------------------------------------------------

    def show_shortcuts(self) -> QWidget:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

        dialog = QDialog(self.window)
        dialog.setObjectName("shortcutsDialog")
        dialog.setWindowTitle("Keyboard shortcuts")
        rows = "".join(
            f"<tr><td style='padding-right:18px'><b>{_native(keys)}</b></td><td>{what}</td></tr>"
            for keys, what in shortcut_rows()
        )
        table = QLabel(f"<table>{rows}</table>")
        table.setObjectName("shortcutsTable")
        table.setAccessibleName(
            "Keyboard shortcuts: " + "; ".join(f"{k} {w}" for k, w in shortcut_rows())
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.dialog = dialog
        dialog.open()
        return dialog

    def log_folder(self) -> Path:
        from desktop.logging_setup import log_location
        from desktop.paths import app_paths

        log_file = log_location()
        return log_file.parent if log_file is not None else app_paths().log_dir

    def open_log_folder(self) -> bool:
        folder = self.log_folder()
        folder.mkdir(parents=True, exist_ok=True)  # a new install has none yet
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def open_about(self) -> QWidget:
        from desktop.about import AboutDialog
        from desktop.paths import app_paths

        dialog = AboutDialog(app_paths(), self.window)
        self.dialog = dialog
        dialog.open()
        return dialog


def install_menus(window: MainWindow) -> Menus:
    """Give `window` its menu bar (once; a second call returns the first)."""
    existing = window.findChild(Menus, "menus")
    if isinstance(existing, Menus):
        return existing
    return Menus(window)
