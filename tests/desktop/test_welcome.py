"""First run: the welcome screen walks a clerk to a new board with their plan imported.

pytest-qt drives the real dialogs: welcome → "Create a new board…" → the form →
the file is written on the worker → "Import your plan from a spreadsheet…" with
the council tracker in tests/fixtures → "Open the board" → the main window
opens on the new board showing the imported actions. Also: the recent-files
list (greyed "not found"), open-a-file, the demo choice, the start decision
(last file, headless demo), and the central store's first sync into a new file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QThread
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from db.models import Action, Board, Membership, Person, Role
from db.store import open_database
from desktop import welcome
from desktop.app import build_main_window
from desktop.paths import AppPaths, app_paths
from desktop.recent_files import MAX_RECENT, RecentFiles
from desktop.welcome import ConnectDialog, NewBoardDialog, StartChoice, WelcomeDialog
from tests.fixtures import TRACKER

FIXTURE = TRACKER


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    found = app_paths(tmp_path / "data")
    found.data_dir.mkdir(parents=True)
    return found


@pytest.fixture
def recent(tmp_path: Path) -> RecentFiles:
    return RecentFiles(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def test_new_board_with_imported_plan_opens_in_the_window(qtbot, paths, recent, monkeypatch):
    dialog = WelcomeDialog(paths, recent)
    qtbot.addWidget(dialog)
    dialog.show()
    walked: dict[str, object] = {}

    def run_new_board(self: NewBoardDialog) -> int:
        """What the clerk does in the modal "Create a new board" dialog."""
        self._test_tools = (qtbot, monkeypatch)  # type: ignore[attr-defined]
        self.show()
        qtbot.keyClicks(self.council_edit, "Slough Borough Council")
        qtbot.keyClicks(self.board_edit, "Ofsted Priority Action Board")
        assert self.code_edit.text() == "OPAB"  # suggested from the name
        assert Path(self.file_edit.text()) == paths.data_dir / "OPAB.db"
        qtbot.keyClicks(self.chair_edit, "Alex Morgan")
        self.encryption.checkbox.setChecked(False)  # plaintext (encrypted: test_encrypted_boards)
        qtbot.mouseClick(self.create_button, Qt.MouseButton.LeftButton)
        assert self.form_error.isVisible()  # the clerk's own name is missing
        assert self.form_error.text() == "Enter your name"
        assert not Path(self.file_edit.text()).exists()
        qtbot.keyClicks(self.secretariat_edit, "Emma Clerk")
        qtbot.mouseClick(self.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: self.pages.currentIndex() == 1, timeout=20_000)
        assert self.import_button.isVisible()
        assert "Import your plan from a spreadsheet" in self.import_button.text()
        walked["imported"] = import_plan(self)
        assert "Imported" in self.import_summary.text()
        qtbot.mouseClick(self.open_board_button, Qt.MouseButton.LeftButton)
        return int(self.result())

    monkeypatch.setattr(NewBoardDialog, "exec", run_new_board)
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)

    choice = dialog.choice
    assert choice == StartChoice(paths.data_dir / "OPAB.db")
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert recent.paths() == [choice.path.resolve()]

    database = open_database(choice.path)
    try:
        with database.session() as s:
            board = s.query(Board).one()
            assert (board.code, board.name) == ("OPAB", "Ofsted Priority Action Board")
            roles = sorted(m.role.value for m in s.query(Membership).all())
            assert roles == [Role.CHAIR.value, Role.SECRETARIAT.value]
            references = {a.reference for a in s.query(Action).all()}
        imported = walked["imported"]
        assert len(references) == imported and imported >= 20
        window = build_main_window(database)
        qtbot.addWidget(window)
        summary = window.dashboard.summary
        assert summary is not None
        assert summary.board_name == "Ofsted Priority Action Board"
        assert summary.counts.actions == imported
        assert summary.plan_title == "Slough Borough Council Improvement Plan"
        assert window.windowTitle().startswith("Ofsted Priority Action Board (OPAB)")
        window.close()
    finally:
        database.close()


def import_plan(new_board: NewBoardDialog) -> int:
    """The clerk presses "Import your plan from a spreadsheet…", chooses the council's
    tracker, accepts the suggested columns, sees every row valid, and imports."""
    from desktop.import_dialog import ImportDialog

    qtbot, monkeypatch = new_board._test_tools  # type: ignore[attr-defined]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(FIXTURE), ""))
    )
    qtbot.mouseClick(new_board.import_button, Qt.MouseButton.LeftButton)
    importer = new_board.importer
    assert isinstance(importer, ImportDialog) and importer.isVisible()
    assert importer.step == 0  # it asks for the file first
    qtbot.mouseClick(importer.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: importer.step == 1 and importer.next_button.isEnabled(), timeout=30_000)
    qtbot.mouseClick(importer.next_button, Qt.MouseButton.LeftButton)  # columns as suggested
    qtbot.waitUntil(lambda: importer.step == 2 and importer.state != "checking", timeout=30_000)
    assert importer.state == "ready", importer.status.text()
    reports: list[object] = []
    importer.imported.connect(reports.append)
    qtbot.mouseClick(importer.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: importer.state in ("done", "problems", "failed"), timeout=30_000)
    assert importer.state == "done", importer.status.text()
    assert len(reports) == 1
    report = reports[0]
    assert report.written and not report.errors
    qtbot.mouseClick(importer.close_button, Qt.MouseButton.LeftButton)
    assert not importer.isVisible()
    return int(report.created)


def test_cancelled_new_board_leaves_no_file(qtbot, paths):
    dialog = NewBoardDialog(paths)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert not any(paths.data_dir.iterdir())


def test_taken_code_is_refused_and_the_file_removed(qtbot, paths):
    from db.services.boards import create_board

    dialog = NewBoardDialog(paths)
    qtbot.addWidget(dialog)
    dialog.show()
    for edit, text in (
        (dialog.council_edit, "Slough Borough Council"),
        (dialog.board_edit, "Board"),
        (dialog.chair_edit, "A Chair"),
        (dialog.secretariat_edit, "A Clerk"),
    ):
        edit.setText(text)
    dialog.code_edit.setText("bad code!")
    dialog.encryption.checkbox.setChecked(False)  # the code is what is refused here
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.form_error.isVisible(), timeout=10_000)
    assert "short code" in dialog.form_error.text()
    assert not Path(dialog.file_edit.text()).exists()  # nothing half-made
    database = open_database(paths.data_dir / "x.db", create=True)
    try:
        with database.begin() as s:
            create_board(
                s, council="C", board_name="B", code="OPAB", chair_name="A", secretariat_name="E"
            )
        with (
            pytest.raises(Exception, match="already has a board with the code OPAB"),
            database.begin() as s,
        ):
            create_board(
                s, council="C", board_name="B", code="opab", chair_name="A", secretariat_name="E"
            )
    finally:
        database.close()


def test_recent_files_list_greys_missing_files(qtbot, paths, recent, tmp_path):
    there = tmp_path / "there.db"
    there.write_bytes(b"")
    gone = tmp_path / "gone.db"
    for n in range(MAX_RECENT + 2):  # the list keeps the newest MAX_RECENT
        recent.add(tmp_path / f"old{n}.db")
    recent.add(gone)
    recent.add(there)
    assert len(recent.paths()) == MAX_RECENT and recent.paths()[0] == there.resolve()
    assert recent.last_existing() == there.resolve()
    dialog = WelcomeDialog(paths, recent)
    qtbot.addWidget(dialog)
    items = [dialog.recent_list.item(i) for i in range(dialog.recent_list.count())]
    first, second = items[0], items[1]
    assert "not found" not in first.text() and first.flags() & Qt.ItemFlag.ItemIsEnabled
    assert "gone.db (not found)" in second.text()
    assert not second.flags() & Qt.ItemFlag.ItemIsEnabled
    dialog.recent_list.itemActivated.emit(second)  # a missing file cannot be chosen
    assert dialog.choice is None
    dialog.recent_list.itemActivated.emit(first)
    assert dialog.choice == StartChoice(there.resolve())


def test_open_a_file_and_the_demo(qtbot, paths, recent, monkeypatch, tmp_path):
    board = tmp_path / "board.db"
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(board), ""))
    )
    dialog = WelcomeDialog(paths, recent)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert dialog.choice == StartChoice(board)
    demo = WelcomeDialog(paths, recent)
    qtbot.addWidget(demo)
    built: list[Path] = []

    def quick_demo(path: Path) -> None:  # the real builder takes ~15 s; the flow is the test
        assert QApplication.instance().thread() != QThread.currentThread()  # off the GUI thread
        path.write_bytes(b"demo")
        built.append(path)

    demo.make_demo = quick_demo
    qtbot.mouseClick(demo.demo_button, Qt.MouseButton.LeftButton)
    assert not demo.new_button.isEnabled() and "Preparing the demo" in demo.status_label.text()
    qtbot.waitUntil(lambda: demo.choice is not None, timeout=10_000)
    assert demo.choice == StartChoice(paths.demo_db, demo=True) and built == [paths.demo_db]
    again = WelcomeDialog(paths, recent)  # the demo exists now: chosen at once
    qtbot.addWidget(again)
    again.make_demo = lambda path: pytest.fail("the demo was built twice")
    qtbot.mouseClick(again.demo_button, Qt.MouseButton.LeftButton)
    assert again.choice == StartChoice(paths.demo_db, demo=True)


def test_start_choice_last_file_then_headless_demo(qtbot, paths, tmp_path, monkeypatch):
    from desktop.recent_files import app_settings

    assert welcome.start_choice(paths) == StartChoice(None, demo=True)  # offscreen: no one to ask
    board = tmp_path / "last.db"
    board.write_bytes(b"")
    RecentFiles(app_settings(paths)).add(board)
    assert welcome.start_choice(paths) == StartChoice(board.resolve())


def test_connect_to_central_store_copies_the_board(qtbot, paths, tmp_path, board_database):
    from db.sync.central import init_central
    from db.sync.engine import sync

    central = tmp_path / "central.db"
    url = f"sqlite:///{central}"
    init_central(url)
    with board_database.begin() as s:
        sam = s.query(Person).filter_by(name="Sam Patel").one()
        sam.email = "sam.patel@surrey.police.uk"
        sam_id = sam.id
    sync(board_database, url)  # the secretariat's laptop put the board there
    dialog = ConnectDialog(paths)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.encryption.checkbox.setChecked(False)  # plaintext (encrypted: test_encrypted_boards)
    dialog.address_edit.setText(str(tmp_path / "missing.db"))
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert "email" in dialog.error_label.text()  # whom the laptop syncs for is asked first
    dialog.email_edit.setText("Sam.Patel@surrey.police.uk")
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=20_000)
    assert "central store" in dialog.error_label.text()
    assert not (paths.data_dir / "board.db").exists()  # a failed first sync leaves nothing

    dialog.address_edit.setText(url)
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    assert dialog.created_path == paths.data_dir / "board.db"
    assert "first sync" in dialog.summary
    copied = open_database(dialog.created_path)
    try:
        with copied.session() as s, board_database.session() as theirs:
            assert s.query(Action).count() == theirs.query(Action).count() > 0
    finally:
        copied.close()
    # the central store knows the new laptop as Sam's, so it sends only what Sam may read
    from sqlalchemy import create_engine, select

    from db.sync.tables import sync_sites

    engine = create_engine(url)
    with engine.connect() as conn:
        users = set(conn.execute(select(sync_sites.c.user_id)).scalars())
    engine.dispose()
    assert sam_id in users


def test_postgres_sign_in_goes_into_the_address(qtbot, paths):
    dialog = ConnectDialog(paths)
    qtbot.addWidget(dialog)
    dialog.address_edit.setText("postgresql+psycopg://db.council.local/boards")
    dialog.user_edit.setText("emma")
    dialog.password_edit.setText("s3cret/pw")
    url = dialog.url()
    assert url.startswith("postgresql+psycopg://emma:") and "db.council.local/boards" in url
    from sqlalchemy.engine import make_url

    assert make_url(url).password == "s3cret/pw"


def test_cli_start_remembers_the_file_and_reopens_it(qtbot, tmp_path, monkeypatch, board_database):
    """`boardpack --db F` puts F on the recent list; a bare `boardpack` then reopens F;
    `--welcome` asks again (headless: the demo, as nobody can answer)."""
    import sys

    from desktop import app as app_module
    from desktop.cli import main

    opened: list[tuple[Path, bool | None]] = []
    monkeypatch.setattr(
        app_module, "run_gui", lambda path, **kw: opened.append((Path(path), kw["demo"])) or 0
    )
    hooks = sys.excepthook
    board = board_database.path
    assert main(["--db", str(board)]) == 0
    assert sys.excepthook is hooks  # the crash handler lives only as long as the app runs
    assert main([]) == 0
    demo = app_paths().demo_db
    demo.parent.mkdir(parents=True, exist_ok=True)
    demo.write_bytes(b"")  # an existing demo file: the CLI does not build one here
    assert main(["--welcome"]) == 0
    assert opened == [(board, None), (board.resolve(), None), (demo, True)]


def test_shared_drive_file_is_chosen_as_the_address(qtbot, paths, monkeypatch, tmp_path):
    central = tmp_path / "share" / "central.db"
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(central), ""))
    )
    dialog = ConnectDialog(paths)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.choose_central, Qt.MouseButton.LeftButton)
    assert dialog.address_edit.text() == str(central)
    assert dialog.url() == f"sqlite:///{central}"
