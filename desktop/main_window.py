"""The main window: navigation on the left, the current page, and the status bar.

A composer, not a god class: it builds the navigation (`desktop.navigation`),
one widget per page (`desktop.pages`), and the status bar
(`desktop.status_bar`), wires Ctrl+1 … Ctrl+7 and the dashboard's "open this
page" requests, and hands each part the plain data it shows. It never queries
the database: `desktop.app` loads a `WindowData` and calls `show_data`.

Construction is in two steps so the first window appears as fast as a bare
PySide6 window: `MainWindow()` is only the frame (title, size, an "Opening…"
line) and imports nothing beyond `QtWidgets`; `compose()` — called by
`desktop.app` just after that frame has been painted — imports and builds the
navigation, pages and status bar. `build_main_window` does both at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QShortcut
    from PySide6.QtWidgets import QStackedWidget

    from db.views import BoardContext, DashboardSummary
    from desktop.navigation import NavigationList
    from desktop.pages.dashboard import DashboardPage
    from desktop.status_bar import BoardStatusBar

APP_TITLE = "Boardpack"
#: Body text size: readable across a meeting-room table on a laptop screen.
BASE_POINT_SIZE = 11.0


@dataclass(frozen=True)
class WindowData:
    """Everything the window shows once the database is open."""

    db_path: Path
    context: BoardContext | None  # None: the database holds no board
    summary: DashboardSummary | None
    demo: bool = False  # the demo database: the chair is "signed in" without a passphrase


def viewer_text(context: BoardContext, *, demo: bool) -> tuple[str, str]:
    """The status bar's "who is acting" text and its explanation."""
    viewer = context.viewer
    if viewer is None:
        return (
            f"No chair recorded for {context.board_code}",
            "There is no sign-in yet; the window shows the board as its chair would.",
        )
    who = f"{viewer.name} ({viewer.role_label})"
    if demo:
        return f"Signed in as {who} — demo, no passphrase", "The demo board needs no passphrase."
    return (
        f"Viewing as {who}",
        "There is no sign-in yet: the window shows the board as its chair sees it.",
    )


class MainWindow(QMainWindow):
    """Navigation, pages and status bar for one board (after `compose()`)."""

    #: The key of the page now shown.
    page_changed = Signal(str)

    navigation: NavigationList
    stack: QStackedWidget
    dashboard: DashboardPage
    status: BoardStatusBar
    shortcuts: dict[str, QShortcut]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setMinimumSize(800, 500)
        self._pages: dict[str, QWidget] = {}
        self._opening = QLabel("Opening…")
        self._opening.setContentsMargins(24, 18, 24, 18)
        self.setCentralWidget(self._opening)

    @property
    def composed(self) -> bool:
        return bool(self._pages)

    def compose(self) -> None:
        """Build the navigation, the pages and the status bar (once)."""
        if self.composed:
            return
        from PySide6.QtGui import QShortcut
        from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget

        from desktop.navigation import NavigationList, shortcut_for
        from desktop.pages import PAGE_KEYS, PAGE_SPECS
        from desktop.pages.dashboard import DashboardPage
        from desktop.pages.placeholder import PlaceholderPage
        from desktop.status_bar import BoardStatusBar

        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
        self.setFont(font)

        self.navigation = NavigationList(PAGE_SPECS)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self.dashboard = DashboardPage()
        for spec in PAGE_SPECS:
            page = self.dashboard if spec.key == "dashboard" else PlaceholderPage(spec)
            self._pages[spec.key] = page
            self.stack.addWidget(page)

        divider = QFrame()
        divider.setFrameShape(QFrame.Shape.VLine)
        divider.setFrameShadow(QFrame.Shadow.Plain)
        divider.setStyleSheet("color: palette(mid);")
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(divider)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)  # deletes the "Opening…" line

        self.status = BoardStatusBar()
        self.setStatusBar(self.status)

        self.shortcuts = {}
        for position, key in enumerate(PAGE_KEYS):
            shortcut = QShortcut(shortcut_for(position), self)
            shortcut.activated.connect(lambda key=key: self.show_page(key))
            self.shortcuts[key] = shortcut

        self.navigation.page_chosen.connect(self._raise_page)
        self.dashboard.navigate_requested.connect(self.show_page)
        self.navigation.select_page(PAGE_KEYS[0])

    # Pages --------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The widget of page `key` (KeyError for an unknown page)."""
        return self._pages[key]

    def current_page(self) -> str:
        """The key of the page now shown."""
        current = self.stack.currentWidget()
        return next(key for key, page in self._pages.items() if page is current)

    def show_page(self, key: str) -> None:
        """Show page `key` and highlight it in the navigation."""
        if key not in self._pages:
            raise KeyError(f"unknown page {key!r}")
        self.navigation.select_page(key)

    def _raise_page(self, key: str) -> None:
        page = self._pages[key]
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
        self.page_changed.emit(key)

    # Data ---------------------------------------------------------------

    def show_opening(self, db_path: Path) -> None:
        """The window before its data: the file being opened, nothing else."""
        self.compose()
        self.status.show_database(db_path, "opening…")
        self.status.show_viewer("")
        self.status.show_counts(None)
        self.dashboard.show_message(f"Opening {db_path.name}…")

    def show_error(self, db_path: Path, message: str) -> None:
        """The database could not be opened or read: say why, in the page and the status bar."""
        self.compose()
        self.status.show_database(db_path, "not opened")
        self.dashboard.show_message(message, "The database could not be opened")

    def show_data(self, data: WindowData) -> None:
        """Show a board's figures and who is looking."""
        self.compose()
        self.status.show_database(data.db_path)
        if data.context is None or data.summary is None:
            self.setWindowTitle(f"{data.db_path.name} — {APP_TITLE}")
            self.status.show_viewer("No board")
            self.status.show_counts(None)
            self.dashboard.show_message(
                "This database holds no board yet. Create one, or open the demo "
                "with `boardpack --demo`.",
                "No board",
            )
            return
        context = data.context
        self.setWindowTitle(f"{context.board_name} ({context.board_code}) — {APP_TITLE}")
        text, explanation = viewer_text(context, demo=data.demo)
        self.status.show_viewer(text, explanation)
        self.status.show_counts(data.summary.counts)
        self.dashboard.show_summary(data.summary)
