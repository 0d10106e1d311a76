"""The main window over a real temporary database: pages, shortcuts, dashboard figures."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from db.store import Database
from desktop.app import build_main_window
from desktop.main_window import MainWindow
from desktop.pages import PAGE_KEYS, PAGE_SPECS
from desktop.pages.placeholder import PlaceholderPage
from desktop.pages.theme_rag_model import AMBER, BLUE, RED, THEME, TOTAL, UNRATED
from tests.desktop.board_fixture import EXPECTED, TODAY


@pytest.fixture
def window(qtbot: QtBot, board_database: Database) -> MainWindow:
    window = build_main_window(board_database, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_opens_on_the_dashboard_of_opab(window: MainWindow) -> None:
    assert window.current_page() == "dashboard"
    assert window.windowTitle().startswith("Ofsted Priority Action Board (OPAB)")
    assert window.dashboard.board_label.text() == EXPECTED["board_name"]
    assert window.dashboard.plan_label.text() == EXPECTED["plan_title"]
    assert "1 March 2019" in window.dashboard.as_at_label.text()


def test_navigation_lists_every_page_with_its_shortcut(window: MainWindow) -> None:
    nav = window.navigation
    assert nav.keys() == list(PAGE_KEYS)
    assert PAGE_KEYS[:7] == (
        "dashboard",
        "plan",
        "risks",
        "performance",
        "meetings",
        "papers",
        "minutes",
    )
    for row, spec in enumerate(PAGE_SPECS):
        assert nav.item(row).text() == spec.title
        assert f"Ctrl+{row + 1}" in nav.item(row).toolTip()
    assert nav.accessibleName() == "Pages"


def test_clicking_the_navigation_switches_pages(qtbot: QtBot, window: MainWindow) -> None:
    nav = window.navigation
    window.show_page("minutes")
    for row, key in enumerate(PAGE_KEYS[:-1]):
        rect = nav.visualItemRect(nav.item(row))
        with qtbot.waitSignal(window.page_changed, timeout=1000) as signal:
            qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_page() == key
        assert signal.args == [key]
        assert window.stack.currentWidget() is window.page(key)


@pytest.mark.parametrize(("number", "key"), list(enumerate(PAGE_KEYS, start=1)))
def test_ctrl_number_switches_pages(
    qtbot: QtBot, window: MainWindow, number: int, key: str
) -> None:
    window.show_page("minutes" if key != "minutes" else "dashboard")
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    key_code = Qt.Key(Qt.Key.Key_0 + number)
    qtbot.keyClick(window.navigation, key_code, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == key
    assert window.navigation.currentRow() == number - 1


def test_pages_not_built_yet_say_so_honestly(window: MainWindow) -> None:
    from desktop.pages import page_class
    from desktop.pages.base import BoardPage

    built = [key for key in PAGE_KEYS[1:] if page_class(key) is not None]
    assert "risks" in built and "performance" in built
    for key in PAGE_KEYS[1:]:
        page = window.page(key)
        if key in built:
            assert isinstance(page, BoardPage) and not isinstance(page, PlaceholderPage)
            continue
        assert isinstance(page, PlaceholderPage)
        text = page.status_label.text()
        assert text.startswith("Not built yet")
        assert page.spec.title in text


def test_dashboard_tiles_show_the_figures(window: MainWindow) -> None:
    d = window.dashboard
    assert d.overdue_tile.value_text == str(EXPECTED["overdue"])
    assert "of 8 actions" in d.overdue_tile.detail_text
    assert d.risks_tile.value_text == str(EXPECTED["risks_above_target"])
    assert "of 3 open risks" in d.risks_tile.detail_text
    assert d.kpis_tile.value_text == str(len(EXPECTED["kpis_in_decline"]))
    assert d.meeting_tile.value_text == "12 Mar 2019"
    assert d.meeting_tile.detail_text == "OPAB · Tuesday 10:00 · County Hall"
    assert "County Hall, Kingston" in d.meeting_tile.toolTip()
    assert "passed" not in d.meeting_tile.detail_text
    assert d.overdue_tile.accessibleName() == f"Overdue actions: {EXPECTED['overdue']}"
    assert "Plan" in d.overdue_tile.accessibleDescription()


def test_dashboard_lists_declining_indicators_longest_first(window: MainWindow) -> None:
    entries = window.dashboard.kpi_entries()
    assert [e.split()[1] for e in entries] == ["04", "01"]
    assert "Worse 4 months running (lower is better)" in entries[0]
    assert entries[0].endswith("Feb 2019: 9%")
    texts = " ".join(label.text() for label in window.dashboard.findChildren(QLabel))
    assert "PI 02" not in texts and "PI 03" not in texts


def test_theme_table_counts_match_the_data(window: MainWindow) -> None:
    model = window.dashboard.theme_model
    assert model.rowCount() == 4  # three themes and the total
    for row, number in enumerate((1, 2, 3)):
        blue, green, amber, red, unrated = EXPECTED["themes"][number]
        shown = [model.index(row, c).data() for c in range(1, 7)]
        assert shown == [str(n) for n in (blue, green, amber, red, unrated)] + [
            str(blue + green + amber + red + unrated)
        ]
    assert model.index(3, THEME).data() == "All themes"
    assert model.index(3, TOTAL).data() == "8"
    assert model.index(0, THEME).data().startswith("1  Strategic Leadership")
    # Never colour alone: the header names the RAG, the cell and its tooltip say the count.
    assert model.headerData(RED, Qt.Orientation.Horizontal) == "Red"
    assert model.index(1, AMBER).data(Qt.ItemDataRole.ToolTipRole).startswith("2 actions Amber")
    assert not window.dashboard.theme_table.isColumnHidden(UNRATED)  # 2.3 has no RAG


def test_theme_model_passes_the_model_tester(qtmodeltester, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.dashboard.theme_model)


@pytest.mark.parametrize(
    ("tile", "key"),
    [
        ("overdue_tile", "plan"),
        ("risks_tile", "risks"),
        ("kpis_tile", "performance"),
        ("meeting_tile", "meetings"),
    ],
)
def test_clicking_a_figure_opens_its_page(
    qtbot: QtBot, window: MainWindow, tile: str, key: str
) -> None:
    qtbot.mouseClick(getattr(window.dashboard, tile), Qt.MouseButton.LeftButton)
    assert window.current_page() == key
    assert window.navigation.currentRow() == PAGE_KEYS.index(key)


def test_a_figure_opens_its_page_from_the_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    window.dashboard.risks_tile.setFocus()
    qtbot.keyClick(window.dashboard.risks_tile, Qt.Key.Key_Space)
    assert window.current_page() == "risks"


def test_clicking_a_theme_count_opens_the_plan(qtbot: QtBot, window: MainWindow) -> None:
    table = window.dashboard.theme_table
    rect = table.visualRect(window.dashboard.theme_model.index(0, BLUE))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page() == "plan"


def test_status_bar_says_only_what_is_true(window: MainWindow, board_database: Database) -> None:
    status = window.status
    assert status.database_label.text() == f"Database: {board_database.path}"
    assert status.viewer_label.text() == "Viewing as Alex Morgan (Chair)"
    assert status.counts_label.text() == (
        "Loaded: 3 themes · 8 actions · 4 risks · 4 indicators · 3 meetings"
    )
    everything = " ".join(
        label.text().lower() for label in (status.database_label, status.viewer_label)
    )
    assert "sync" not in everything and "pending" not in everything


def test_demo_wording_for_the_demo_database(qtbot: QtBot, board_database: Database) -> None:
    window = build_main_window(board_database, today=TODAY, demo=True)
    qtbot.addWidget(window)
    assert window.status.viewer_label.text() == (
        "Demo board — signed in as the demo chair, no passphrase"
    )
    assert "Alex Morgan (Chair)" in window.status.viewer_label.toolTip()


def test_a_database_without_a_board_says_so(qtbot: QtBot, database: Database) -> None:
    window = build_main_window(database, today=TODAY)
    qtbot.addWidget(window)
    assert window.dashboard.message_label.text().startswith("This database holds no board")
    assert window.dashboard.figures.isHidden()
    assert window.status.viewer_label.text() == "No board"
    assert Path(window.status.database_label.toolTip()) == database.path


def test_a_meeting_still_planned_after_its_date_is_flagged(
    qtbot: QtBot, board_database: Database
) -> None:
    import datetime as dt

    window = build_main_window(board_database, today=dt.date(2019, 4, 1))
    qtbot.addWidget(window)
    assert "Date has passed; still marked planned" in window.dashboard.meeting_tile.detail_text


def test_unknown_page_is_refused(window: MainWindow) -> None:
    with pytest.raises(KeyError):
        window.show_page("nowhere")


def test_every_control_a_keyboard_reaches_has_an_accessible_name(window: MainWindow) -> None:
    from PySide6.QtWidgets import QWidget

    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in window.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.isVisibleTo(window)
        and not w.accessibleName()
    ]
    assert unnamed == []


def test_narrow_windows_stack_the_dashboard(qtbot: QtBot, window: MainWindow) -> None:
    from PySide6.QtWidgets import QBoxLayout

    d = window.dashboard
    assert d.tile_grid.columnCount() >= 4
    assert d.body.direction() == QBoxLayout.Direction.LeftToRight
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: d.body.direction() == QBoxLayout.Direction.TopToBottom)
    positions = [d.tile_grid.getItemPosition(d.tile_grid.indexOf(t))[:2] for t in d.tiles.values()]
    assert positions == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_only_the_dashboard_is_built_until_another_page_is_needed(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Start builds the dashboard (and the status bar's conflicts page), nothing else; a
    page is built when first shown and then gets the window's board."""
    from desktop.pages.plan import PlanPage
    from desktop.pages.risks import RisksPage

    assert window.built_pages() == ("dashboard", "conflicts")
    assert window.findChildren(PlanPage) == [] and window.findChildren(RisksPage) == []
    assert window.navigation.keys() == list(PAGE_KEYS)  # the navigation lists them all
    assert window._search_palette is None  # built on its first Ctrl+K

    window.show_page("plan")
    plan = window.page("plan")
    assert isinstance(plan, PlanPage) and window.findChildren(PlanPage) == [plan]
    assert window.built_pages() == ("dashboard", "conflicts", "plan")
    assert window.current_page() == "plan" and window.stack.currentWidget() is plan
    qtbot.waitUntil(lambda: plan.model.action_count() > 0)
    assert plan.model.action_count() == EXPECTED["counts"]["actions"]
    assert window.page("plan") is plan  # built once


def test_a_page_built_later_gets_the_latest_data(
    qtbot: QtBot, window: MainWindow, board_database: Database
) -> None:
    import datetime as dt

    from desktop.app import load_window_data
    from desktop.pages.risks import RisksPage

    later = TODAY + dt.timedelta(days=40)
    window.show_data(load_window_data(board_database, today=later))
    assert "risks" not in window.built_pages()
    window.navigate("risks", {"above_target": True})  # a dashboard click-through
    risks = window.page("risks")
    assert isinstance(risks, RisksPage) and risks.env is not None
    assert risks.env.today == later and risks.env.database is board_database
    assert window.current_page() == "risks"


def test_ctrl_k_builds_the_search_palette_when_first_pressed(
    qtbot: QtBot, window: MainWindow
) -> None:
    from desktop.main_window import SEARCH_SHORTCUT
    from desktop.search_palette import SHORTCUT, SearchPalette

    assert SEARCH_SHORTCUT == SHORTCUT
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    qtbot.keyClick(window.navigation, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window._search_palette
    assert isinstance(palette, SearchPalette) and palette.isVisible()
    assert window.search_palette is palette
    palette.reject()


def test_starting_the_window_imports_no_other_page(board_database: Database) -> None:
    """The pages' modules (and the services only they use) load on first use, not at start."""
    import subprocess
    import sys

    code = (
        "import sys, datetime as dt\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from db.store import open_database\n"
        "from desktop.app import build_main_window\n"
        f"db = open_database({str(board_database.path)!r})\n"
        "window = build_main_window(db, today=dt.date(2019, 3, 1))\n"
        "window.show(); app.processEvents()\n"
        "assert window.dashboard.summary is not None\n"
        "pages = ('plan', 'risks', 'performance', 'meetings', 'papers', 'minutes', 'audit')\n"
        "late = {f'desktop.pages.{p}' for p in pages} | {'desktop.search_palette',"
        " 'db.services.plan', 'db.importers', 'desktop.meeting_mode', 'desktop.reader'}\n"
        "print(','.join(m for m in sys.modules if m in late))\n"
        "window.close(); db.close()\n"
    )
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""


def test_building_a_page_after_the_window_is_shown_flashes_no_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    """A page is built while the window is on screen: a widget of it shown before it has a
    parent would open as a window of its own for a moment (and take the focus from the
    board's window)."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    class Windows(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.shown: list[str] = []

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                event.type() == QEvent.Type.Show
                and isinstance(watched, QWidget)
                and watched.isWindow()
                and watched is not window
            ):
                self.shown.append(f"{type(watched).__name__} {watched.objectName()!r}")
            return False

    app = QApplication.instance()
    assert app is not None
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    windows = Windows()
    app.installEventFilter(windows)
    try:
        for key in PAGE_KEYS[1:]:
            window.show_page(key)
            app.processEvents()
            assert windows.shown == [], key
            assert window.isActiveWindow(), key
    finally:
        app.removeEventFilter(windows)


class _Painted:
    """Records, in order, the dashboard's board-name paints and the sync part's attach."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, on_attach: object = None) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication

        import desktop.app

        self.events: list[str] = []
        events = self.events

        class Filter(QObject):
            def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                if (
                    event.type() == QEvent.Type.Paint
                    and watched.objectName() == "boardName"
                    and isinstance(watched, QLabel)
                    and watched.text() == EXPECTED["board_name"]
                ):
                    events.append("dashboard painted")
                return False

        real_attach = desktop.app.attach_sync

        def attach(*args: object, **kwargs: object) -> object:
            events.append("sync attached")
            controller = real_attach(*args, **kwargs)  # type: ignore[arg-type]
            if callable(on_attach):
                on_attach()
            return controller

        monkeypatch.setattr(desktop.app, "attach_sync", attach)
        self.filter = Filter()
        QApplication.instance().installEventFilter(self.filter)  # type: ignore[union-attr]

    def close(self) -> None:
        from PySide6.QtCore import QEvent
        from PySide6.QtWidgets import QApplication

        QApplication.instance().removeEventFilter(self.filter)  # type: ignore[union-attr]
        for top in QApplication.topLevelWidgets():
            if isinstance(top, MainWindow):
                top.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_the_sync_part_attaches_after_the_dashboards_first_paint(
    qtbot: QtBot, board_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user's start: the board's figures are painted before the sync part is made."""
    from PySide6.QtWidgets import QApplication

    from desktop.app import run_gui

    board_database.close()
    app = QApplication.instance()
    painted = _Painted(monkeypatch, on_attach=lambda: app.exit(0))  # type: ignore[union-attr]
    try:
        assert run_gui(board_database.path, demo=False) == 0
    finally:
        painted.close()
    assert painted.events[:2] == ["dashboard painted", "sync attached"]


def test_quit_when_loaded_exits_at_the_dashboards_paint(
    qtbot: QtBot, board_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--quit-when-loaded` (the bench's start to dashboard) ends at the board's figures'
    first paint: the sync part, which comes after it, is not run and timed with it."""
    from desktop.app import run_gui

    board_database.close()
    painted = _Painted(monkeypatch)
    try:
        assert run_gui(board_database.path, demo=False, quit_when_loaded=True) == 0
    finally:
        painted.close()
    assert painted.events and set(painted.events) == {"dashboard painted"}


def test_starting_the_app_to_its_dashboard_imports_nothing_heavy(
    board_database: Database, tmp_path: Path
) -> None:
    """`boardpack --db FILE` up to the dashboard's first paint with its figures loads neither
    Alembic (the file is at head), the sync engine (attached after that paint) nor the
    export, chart, signing or spreadsheet libraries (used by pages and commands only)."""
    import os
    import subprocess
    import sys

    board_database.close()
    heavy = (
        "alembic",
        "mako",
        "db.sync.engine",
        "db.sync.central",
        "psycopg",
        "matplotlib",
        "reportlab",
        "pyhanko",
        "openpyxl",
        "pypdf",
        "PIL",
        "numpy",
        "desktop.sync_control",
    )
    code = (
        "import sys\n"
        "from desktop.cli import main\n"
        f"code = main(['--data-dir', {str(tmp_path / 'data')!r}, '--db', "
        f"{str(board_database.path)!r}, '--quit-when-loaded'])\n"
        f"heavy = {heavy!r}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy"
        " or m in heavy)))\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == ""


def test_python_m_desktop_quit_when_loaded_skips_only_the_teardown(
    board_database: Database, tmp_path: Path
) -> None:
    """`python -m desktop --quit-when-loaded` ends at once when the app returns (what was
    printed and logged kept), without the interpreter's teardown; other runs tear down."""
    import os
    import subprocess
    import sys

    board_database.close()
    data = tmp_path / "data"
    code = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: print('torn down'))\n"
        "sys.argv = ['boardpack', *sys.argv[1:]]\n"
        "runpy.run_module('desktop', run_name='__main__')\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code, "--data-dir", str(data), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    loaded = run("--db", str(board_database.path), "--quit-when-loaded")
    assert loaded.returncode == 0, loaded.stderr
    assert "torn down" not in loaded.stdout
    missing = run("--db", str(tmp_path / "missing.db"), "--quit-when-loaded")
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"boardpack: no database at {tmp_path / 'missing.db'}"
    version = run("--version")
    assert version.returncode == 0 and version.stdout.splitlines()[-1] == "torn down"
