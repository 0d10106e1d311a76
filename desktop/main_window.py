"""The main window: navigation on the left, the current page, and the status bar.

A composer, not a god class: it builds the navigation (`desktop.navigation`),
one widget per page (`desktop.pages`), the status bar (`desktop.status_bar`)
with its sync part (`desktop.sync_status`), and the conflicts page
(`desktop.conflicts_view`, reached from the status bar rather than the
navigation), wires Ctrl+1 … Ctrl+7 and the dashboard's "open this page"
requests, and hands each part the plain data it shows: `desktop.app` loads a
`WindowData` and calls `show_data`, which gives every board page its
`PageEnv` (`desktop.pages.base`); `navigate` and `announce` route the pages'
click-throughs and change notices (after a write the dashboard's figures are
re-read). It hands a sync controller to `attach_sync` (`desktop.sync_ui`
connects the rest).

Only the dashboard is built at start. Every other page — its module, the
services it imports, its widgets — is built the first time something asks for
it (`page`, `show_page`, `navigate`: the navigation, Ctrl+1 … Ctrl+7, the
dashboard's tiles, the search palette, the screenshot tool), and is handed the
window's latest `PageEnv` as it is built; so is the search palette, on its
first Ctrl+K. Importing and building all of them at start cost about half a
second of it on the bench board.

Construction is in two steps so the first window appears as fast as a bare
PySide6 window: `MainWindow()` is only the frame (title, size, an "Opening…"
line) and imports nothing beyond `QtWidgets`; `compose()` — called by
`desktop.app` just after that frame has been painted — imports and builds the
navigation, pages and status bar. `build_main_window` does both at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

from desktop.pages.base import BoardPage, Filter, PageEnv

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QShortcut
    from PySide6.QtWidgets import QStackedWidget

    from db.store import Database
    from db.views import BoardContext, DashboardSummary
    from desktop.conflicts_view import ConflictsPage
    from desktop.navigation import NavigationList
    from desktop.pages.dashboard import DashboardPage
    from desktop.search_palette import SearchPalette
    from desktop.status_bar import BoardStatusBar
    from desktop.sync_control import SyncController
    from desktop.sync_status import SyncStatusPart
    from desktop.sync_ui import SyncUi

APP_TITLE = "Boardpack"
#: Body text size: readable across a meeting-room table on a laptop screen.
BASE_POINT_SIZE = 11.0
#: Opens search everywhere (`desktop.search_palette.SHORTCUT`, repeated here so the
#: palette's module is imported only when the palette is first opened).
SEARCH_SHORTCUT = "Ctrl+K"


@dataclass(frozen=True)
class WindowData:
    """Everything the window shows once the database is open."""

    db_path: Path
    context: BoardContext | None  # None: the database holds no board
    summary: DashboardSummary | None
    demo: bool = False  # the demo database: the chair is "signed in" without a passphrase
    database: Database | None = None  # what the pages read from (None in some tests)
    today: dt.date = field(default_factory=dt.date.today)  # "today" for overdue, due soon
    signed_in: bool = False  # the viewer signed in with a passphrase (db.auth)


def viewer_text(context: BoardContext, *, demo: bool, signed_in: bool = False) -> tuple[str, str]:
    """The status bar's "who is acting" text and its explanation."""
    viewer = context.viewer
    if viewer is None:
        return (
            f"No chair recorded for {context.board_code}",
            "Nobody is signed in; the window shows the board as its chair would.",
        )
    who = f"{viewer.name} ({viewer.role_label})"
    if demo:
        return (
            f"Demo board — signed in as the demo {viewer.role_label.lower()}, no passphrase",
            f"{who} on the demo board: made-up records, no passphrase needed.",
        )
    if signed_in:
        return f"Signed in as {who}", "Signed in with a passphrase on this laptop."
    return (
        f"Viewing as {who}",
        "Nobody is signed in: no passphrase is set for this file on this laptop, so the "
        "window shows the board as its chair sees it.",
    )


class MainWindow(QMainWindow):
    """Navigation, pages and status bar for one board (after `compose()`)."""

    #: The key of the page now shown.
    page_changed = Signal(str)

    navigation: NavigationList
    stack: QStackedWidget
    dashboard: DashboardPage
    status: BoardStatusBar
    sync_status: SyncStatusPart
    conflicts_page: ConflictsPage
    shortcuts: dict[str, QShortcut]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_TITLE)
        self.setMinimumSize(800, 500)
        self._pages: dict[str, QWidget] = {}  # the pages built so far, by key
        self._composed = False
        self._env: PageEnv | None = None  # handed to each board page as it is built
        self._search_palette: SearchPalette | None = None
        self.sync_ui: SyncUi | None = None
        self._actor_id: str | None = None
        self._data: WindowData | None = None
        self._opening = QLabel("Opening…")
        self._opening.setContentsMargins(24, 18, 24, 18)
        self.setCentralWidget(self._opening)

    @property
    def composed(self) -> bool:
        return self._composed

    def compose(self) -> None:
        """Build the navigation, the dashboard and the status bar (once).

        The other pages are built on first need (`page`)."""
        if self.composed:
            return
        self._composed = True
        from PySide6.QtGui import QShortcut
        from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget

        from desktop.conflicts_view import ConflictsPage
        from desktop.navigation import NavigationList, shortcut_for
        from desktop.pages import PAGE_KEYS, PAGE_SPECS
        from desktop.pages.dashboard import DashboardPage
        from desktop.status_bar import BoardStatusBar
        from desktop.sync_status import SyncStatusPart

        font = self.font()
        font.setPointSizeF(max(font.pointSizeF(), BASE_POINT_SIZE))
        self.setFont(font)

        self.navigation = NavigationList(PAGE_SPECS)
        self.stack = QStackedWidget()
        self.stack.setObjectName("pages")
        self.dashboard = DashboardPage()
        self._add_page("dashboard", self.dashboard)
        # Not in the navigation: reached from the status bar, its menu and Ctrl+Shift+C.
        self.conflicts_page = ConflictsPage()
        self._add_page("conflicts", self.conflicts_page)

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
        self.sync_status = SyncStatusPart()
        self.status.add_sync_part(self.sync_status)

        self.shortcuts = {}
        for position, key in enumerate(PAGE_KEYS):
            shortcut = QShortcut(shortcut_for(position), self)
            shortcut.activated.connect(lambda key=key: self.show_page(key))
            self.shortcuts[key] = shortcut
        # Search everywhere (Ctrl+K): built when first opened (`search_palette`).
        self.shortcuts["search"] = QShortcut(SEARCH_SHORTCUT, self)
        self.shortcuts["search"].activated.connect(lambda: self.search_palette.open_palette())

        self.navigation.page_chosen.connect(self._raise_page)
        # Clicking the highlighted-before entry from a page outside the navigation.
        self.navigation.itemClicked.connect(
            lambda item: self.show_page(self.navigation.keys()[self.navigation.row(item)])
        )
        self.dashboard.navigate_requested.connect(self.show_page)
        self.dashboard.filter_requested.connect(self.navigate)
        self.navigation.select_page(PAGE_KEYS[0])
        from desktop.menus import install_menus  # File, View, Help (desktop.menus)

        install_menus(self)

    @property
    def search_palette(self) -> SearchPalette:
        """Search everywhere (Ctrl+K), built the first time it is wanted: it opens a hit
        through `navigate`, like the dashboard."""
        if self._search_palette is None:
            from desktop.search_palette import SearchPalette

            self._search_palette = SearchPalette(lambda: self._data, self.navigate, self)
        return self._search_palette

    # Pages --------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The widget of page `key`, built now if this is its first use (KeyError for an
        unknown page)."""
        page = self._pages.get(key)
        if page is None:
            page = self._build_page(key)
        return page

    def built_pages(self) -> tuple[str, ...]:
        """The keys of the pages built so far (the others are built on first use)."""
        return tuple(self._pages)

    def _build_page(self, key: str) -> QWidget:
        from desktop.pages import page_class, page_spec
        from desktop.pages.placeholder import PlaceholderPage

        self.compose()
        if key in self._pages:  # composing built it (the dashboard, the conflicts page)
            return self._pages[key]
        try:
            spec = page_spec(key)
        except KeyError:
            raise KeyError(f"unknown page {key!r}") from None
        built = page_class(key)
        page: QWidget = built() if built is not None else PlaceholderPage(spec)
        self._add_page(key, page)
        if self._env is not None and isinstance(page, BoardPage):
            page.attach(self._env)
        return page

    def _add_page(self, key: str, page: QWidget) -> None:
        self._pages[key] = page
        self.stack.addWidget(page)

    def current_page(self) -> str:
        """The key of the page now shown."""
        current = self.stack.currentWidget()
        return next(key for key, page in self._pages.items() if page is current)

    def show_page(self, key: str) -> None:
        """Show page `key` (built now if need be) and highlight it in the navigation."""
        self.page(key)  # KeyError for an unknown page
        if key in self.navigation.keys():  # noqa: SIM118 (a list, not a dict)
            self.navigation.select_page(key)
        else:  # a page outside the navigation: no entry stays highlighted
            self.navigation.clearSelection()
        # The entry may already have been current (coming back from a page outside
        # the navigation), in which case selecting it changed nothing.
        if self.current_page() != key:
            self._raise_page(key)

    def navigate(self, key: str, spec: Filter | None = None) -> None:
        """Show page `key` with a filter applied (the dashboard's click-throughs)."""
        self.show_page(key)
        page = self.page(key)
        if spec is not None and isinstance(page, BoardPage):
            page.apply_filter(spec)

    def announce(self, topic: str) -> None:
        """A page wrote something about `topic`: let every page decide whether it cares.

        Pages not built yet read everything afresh when they are built."""
        for page in self._pages.values():
            if isinstance(page, BoardPage):
                page.on_changed(topic)
        if self._data is not None:
            self._refresh_dashboard()

    def _refresh_dashboard(self) -> None:
        from db.views import load_dashboard

        data = self._data
        if data is None or data.context is None or data.database is None:
            return
        with data.database.session() as session:
            summary = load_dashboard(session, data.context, data.today)
        self.dashboard.show_summary(summary)
        self.status.show_counts(summary.counts)

    def _raise_page(self, key: str) -> None:
        page = self.page(key)
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
        self.page_changed.emit(key)

    # Sync ---------------------------------------------------------------

    def attach_sync(self, controller: SyncController) -> SyncUi:
        """Give the sync status part, the conflicts page and the sync actions a controller."""
        from desktop.sync_ui import SyncUi

        self.compose()
        if self.sync_ui is not None:
            raise RuntimeError("sync is already attached to this window")
        controller.actor_id = self._actor_id
        self.sync_ui = SyncUi(
            self,
            controller,
            self.sync_status,
            self.conflicts_page,
            show_page=self.show_page,
        )
        return self.sync_ui

    def closeEvent(self, event: QCloseEvent) -> None:
        # A sync still running stops at its next safe point before the database closes.
        if self.sync_ui is not None:
            self.sync_ui.shutdown()
        super().closeEvent(event)

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
        self._actor_id = context.viewer.person_id if context.viewer is not None else None
        if self.sync_ui is not None:
            self.sync_ui.controller.actor_id = self._actor_id
        self.setWindowTitle(f"{context.board_name} ({context.board_code}) — {APP_TITLE}")
        text, explanation = viewer_text(context, demo=data.demo, signed_in=data.signed_in)
        self.status.show_viewer(text, explanation)
        self.status.show_counts(data.summary.counts)
        self.dashboard.show_summary(data.summary)
        self._data = data
        if data.database is not None:
            env = PageEnv(
                data.database, context, data.today, self._actor_id, self.navigate, self.announce
            )
            self._env = env  # for the pages built later
            for page in self._pages.values():
                if isinstance(page, BoardPage):
                    page.attach(env)
