"""Search everywhere (Ctrl+K): the palette over a real window and database, driven by keys."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import Action as PlanAction
from db.models import (
    AgendaItem,
    Blob,
    Board,
    Decision,
    DecisionKind,
    ItemKind,
    Kpi,
    Meeting,
    Membership,
    MinutesVersion,
    Paper,
    PaperKind,
    Person,
    Risk,
    Role,
)
from db.services.search import SearchGroup, SearchHit
from db.store import Database
from db.views import Viewer
from desktop.app import build_main_window, load_window_data
from desktop.main_window import MainWindow
from desktop.search_model import HEADING_ROLE, HIT_ROLE, SearchResultsModel
from desktop.search_palette import DEBOUNCE_MS, RecordTextDialog, SearchPalette
from tests.desktop.board_fixture import TODAY

PDF = b"%PDF-1.4 (a stand-in)"
WAIT_MS = 3000


def add_records(database: Database) -> dict[str, str]:
    """A decision, minutes and two papers (one exempt) on the fixture board's first meeting."""
    with database.begin() as s:
        board = s.scalars(select(Board).where(Board.code == "OPAB")).one()
        meeting = s.scalars(
            select(Meeting)
            .where(Meeting.board_id == board.id)
            .order_by(Meeting.meeting_date)
            .limit(1)
        ).one()
        public = AgendaItem(
            meeting_id=meeting.id, position=1, kind=ItemKind.BUSINESS, title="Front door"
        )
        exempt = AgendaItem(
            meeting_id=meeting.id,
            position=2,
            kind=ItemKind.BUSINESS,
            title="Child Q",
            exempt=True,
            exempt_paragraph=1,
        )
        sha = hashlib.sha256(PDF).hexdigest()
        s.add_all([public, exempt, Blob(sha256=sha, size=len(PDF), data=PDF)])
        s.flush()
        decision = Decision(
            board_id=board.id,
            meeting_id=meeting.id,
            agenda_item_id=public.id,
            year=2019,
            seq=1,
            number="OPAB 19/01",
            kind=DecisionKind.AGREED,
            wording="The Board agreed the walrus protocol for the front door.",
        )
        minutes = MinutesVersion(
            meeting_id=meeting.id,
            content_json='{"items":[{"number":1,"title":"Front door",'
            '"minutes":"Members discussed the walrus protocol at length."}]}',
        )
        paper = Paper(
            meeting_id=meeting.id,
            agenda_item_id=public.id,
            title="Walrus protocol report",
            kind=PaperKind.REPORT,
            blob_sha256=sha,
            page_count=1,
            text="How the walrus protocol works.",
        )
        hidden = Paper(
            meeting_id=meeting.id,
            agenda_item_id=exempt.id,
            title="Child Q learning review",
            kind=PaperKind.REPORT,
            blob_sha256=sha,
            page_count=1,
            text="Child Q and the ocelot gang.",
            exempt=True,
        )
        s.add_all([decision, minutes, paper, hidden])
        s.flush()
        ids = {
            "decision": decision.id,
            "minutes": minutes.id,
            "paper": paper.id,
            "hidden": hidden.id,
        }
        for model, key, ref in [(PlanAction, "action", "1.3"), (Risk, "risk", "R4")]:
            ids[key] = s.scalars(select(model.id).where(model.reference == ref)).one()
        ids["kpi"] = s.scalars(select(Kpi.id).where(Kpi.reference == "PI 03")).one()
        return ids


@pytest.fixture
def records(board_database: Database) -> dict[str, str]:
    return add_records(board_database)


@pytest.fixture
def window(qtbot: QtBot, board_database: Database, records: dict[str, str]) -> MainWindow:
    window = build_main_window(board_database, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def navigated(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """Every navigate(key, filter) the palette asks of the window (still carried out)."""
    calls: list[tuple[str, Any]] = []
    real = window.navigate

    def spy(key: str, spec: Any = None) -> None:
        calls.append((key, dict(spec) if spec is not None else None))
        real(key, spec)

    monkeypatch.setattr(window.search_palette, "_navigate", spy)
    return calls


def open_with_keys(qtbot: QtBot, window: MainWindow) -> SearchPalette:
    qtbot.waitUntil(window.isActiveWindow)  # (again, after the palette closed)
    qtbot.keyClick(window.navigation, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.search_palette
    qtbot.waitUntil(palette.isVisible)
    return palette


def type_query(qtbot: QtBot, palette: SearchPalette, text: str) -> None:
    palette.edit.clear()
    qtbot.keyClicks(palette.edit, text)
    qtbot.waitUntil(lambda: not palette._timer.isActive(), timeout=WAIT_MS)


def kinds_shown(palette: SearchPalette) -> list[str]:
    model = palette.model
    return [
        str(model.index(row).data())
        for row in range(model.rowCount())
        if model.index(row).data(HEADING_ROLE)
    ]


def test_ctrl_k_opens_the_palette_with_the_keyboard_in_it(qtbot: QtBot, window: MainWindow) -> None:
    assert not window.search_palette.isVisible()
    palette = open_with_keys(qtbot, window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is palette.edit)
    assert palette.edit.accessibleName() == "Search everywhere"
    assert palette.results.accessibleName() == "Search results"
    assert "Type to search" in palette.status.text()
    assert window.shortcuts["search"].key().toString() == "Ctrl+K"


def test_typing_shows_results_grouped_by_kind(
    qtbot: QtBot, window: MainWindow, records: dict[str, str]
) -> None:
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, "walrus")
    assert kinds_shown(palette) == ["Decisions", "Minutes", "Papers"]
    assert palette.model.hit_count() == 3
    assert palette.status.text().startswith("3 found")
    hit = palette.current_hit()  # the first hit is chosen, ready for Enter
    assert hit is not None and hit.record_id == records["decision"]
    assert palette.last_search_ms < 500


def test_results_follow_each_keystroke_after_a_pause(qtbot: QtBot, window: MainWindow) -> None:
    palette = open_with_keys(qtbot, window)
    qtbot.keyClicks(palette.edit, "Ris")
    assert palette._timer.isActive() and palette.model.rowCount() == 0  # debounced
    qtbot.wait(DEBOUNCE_MS + 50)
    assert kinds_shown(palette) == ["Risks"]
    qtbot.keyClicks(palette.edit, "k R2")
    qtbot.waitUntil(lambda: palette.model.hit_count() == 1, timeout=WAIT_MS)
    hit = palette.current_hit()
    assert hit is not None and hit.title == "R2 Risk R2"


def test_enter_opens_an_action_on_the_plan_page(
    qtbot: QtBot,
    window: MainWindow,
    navigated: list[tuple[str, Any]],
    records: dict[str, str],
) -> None:
    assert window.current_page() == "dashboard"
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, "Action 1.3")
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert navigated == [("plan", {"action_id": records["action"]})]
    assert window.current_page() == "plan"


def test_arrows_move_between_hits_and_enter_opens_the_risk(
    qtbot: QtBot,
    window: MainWindow,
    navigated: list[tuple[str, Any]],
    records: dict[str, str],
) -> None:
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, "R4")  # the risk R4 and its title "Risk R4"
    assert kinds_shown(palette) == ["Risks"]
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)  # only one hit: stays on it
    qtbot.keyClick(palette.edit, Qt.Key.Key_Up)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Enter)
    assert navigated == [("risks", {"risk_id": records["risk"]})]
    assert window.current_page() == "risks"


def test_an_indicator_opens_on_performance_and_down_skips_headings(
    qtbot: QtBot,
    window: MainWindow,
    navigated: list[tuple[str, Any]],
    records: dict[str, str],
) -> None:
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, "caseload")  # the KPI "Average caseload"
    assert kinds_shown(palette) == ["Performance indicators"]
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert navigated == [("performance", {"kpi_id": records["kpi"]})]
    assert window.current_page() == "performance"
    palette = open_with_keys(qtbot, window)
    assert palette.edit.selectedText() == "caseload"  # ready to be typed over
    type_query(qtbot, palette, "walrus")
    first = palette.results.currentIndex().row()
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    second = palette.results.currentIndex().row()
    assert second == first + 2  # past the "Minutes" heading
    assert palette.current_hit() is not None
    assert palette.current_hit().kind == "minutes"  # type: ignore[union-attr]
    qtbot.keyClick(palette.edit, Qt.Key.Key_PageDown)
    assert palette.current_hit().kind == "paper"  # type: ignore[union-attr]
    qtbot.keyClick(palette.edit, Qt.Key.Key_PageUp)
    assert palette.current_hit().kind == "decision"  # type: ignore[union-attr]


def test_escape_closes_without_navigating(
    qtbot: QtBot, window: MainWindow, navigated: list[tuple[str, Any]]
) -> None:
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, "Action")
    qtbot.keyClick(palette.edit, Qt.Key.Key_Escape)
    assert not palette.isVisible()
    assert navigated == []
    assert window.current_page() == "dashboard"


def test_a_decision_opens_as_read_only_text(
    qtbot: QtBot,
    window: MainWindow,
    navigated: list[tuple[str, Any]],
    records: dict[str, str],
) -> None:
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, "OPAB 19/01")
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    dialog = palette.record_dialog
    assert isinstance(dialog, RecordTextDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert navigated == []
    assert window.current_page() == "dashboard"
    assert dialog.windowTitle() == "OPAB 19/01 (agreed)"
    assert "walrus protocol" in dialog.text.toPlainText()
    assert dialog.text.isReadOnly()
    dialog.reject()


def test_clicking_a_hit_opens_it(qtbot: QtBot, window: MainWindow, records: dict[str, str]) -> None:
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, "walrus report")
    assert kinds_shown(palette) == ["Papers"]
    rect = palette.results.visualRect(palette.model.index(1))
    qtbot.mouseClick(palette.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert not palette.isVisible()
    dialog = palette.record_dialog
    assert dialog is not None and "How the walrus protocol works." in dialog.text.toPlainText()
    dialog.reject()


def test_enter_before_the_pause_searches_first(
    qtbot: QtBot, window: MainWindow, navigated: list[tuple[str, Any]], records: dict[str, str]
) -> None:
    palette = open_with_keys(qtbot, window)
    qtbot.keyClicks(palette.edit, "Average caseload")
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert navigated == [("performance", {"kpi_id": records["kpi"]})]


def test_nothing_found_says_so(qtbot: QtBot, window: MainWindow) -> None:
    palette = open_with_keys(qtbot, window)
    type_query(qtbot, palette, 'zzyzx "(*')
    assert palette.model.rowCount() == 0
    assert palette.status.text() == 'Nothing found for “zzyzx "(*”.'
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)  # nothing to open: stays open
    assert palette.isVisible()


def test_exempt_papers_are_found_only_by_viewers_who_may_read_them(
    qtbot: QtBot, board_database: Database, records: dict[str, str], window: MainWindow
) -> None:
    palette = open_with_keys(qtbot, window)  # the chair
    type_query(qtbot, palette, "ocelot")
    assert kinds_shown(palette) == ["Papers"]
    palette.reject()

    with board_database.begin() as s:
        board = s.scalars(select(Board).where(Board.code == "OPAB")).one()
        observer = Person(name="Pat Observer")
        s.add(observer)
        s.flush()
        s.add(Membership(board_id=board.id, person_id=observer.id, role=Role.OBSERVER))
        observer_id = observer.id
    data = load_window_data(board_database, today=TODAY)
    assert data.context is not None
    viewer = Viewer(observer_id, "Pat Observer", "observer", "Observer", None)
    as_observer = dataclasses.replace(
        data, context=dataclasses.replace(data.context, viewer=viewer)
    )
    other = SearchPalette(lambda: as_observer, lambda key, spec: None, window)
    qtbot.addWidget(other)
    other.open_palette()
    type_query(qtbot, other, "ocelot")
    assert other.model.rowCount() == 0
    type_query(qtbot, other, "walrus")
    assert kinds_shown(other) == ["Decisions", "Minutes", "Papers"]


def test_the_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = SearchResultsModel()
    hit = SearchHit("action", "a1", "1.1 Title", "x \x02y\x03", -1.0, "plan", "Theme 1 · Red")
    groups = [
        SearchGroup("action", (hit, dataclasses.replace(hit, record_id="a2"))),
        SearchGroup("paper", (dataclasses.replace(hit, kind="paper", page_hint=None),)),
    ]
    model.set_groups(groups)
    qtmodeltester.check(model)
    assert model.rowCount() == 5 and model.group_count() == 2 and model.hit_count() == 3
    assert model.index(0).data(HIT_ROLE) is None
    assert not model.flags(model.index(0)) & Qt.ItemFlag.ItemIsSelectable
    assert model.index(1).data(HIT_ROLE) == hit
    assert model.index(0).data(Qt.ItemDataRole.AccessibleTextRole) == "Actions: 2 found"
    assert model.index(1).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Action 1.1 Title. Theme 1 · Red. x y"
    )
    # Rows: 0 heading, 1 hit, 2 hit, 3 heading, 4 hit.
    assert model.next_hit_row(-1, 1) == 1
    assert model.next_hit_row(1, 1) == 2
    assert model.next_hit_row(2, 1) == 4
    assert model.next_hit_row(4, 1) == 4
    assert model.next_hit_row(4, -1) == 2
    assert model.next_hit_row(3, -1) == 2
    assert model.next_hit_row(3, 1) == 4
    assert model.next_hit_row(1, -5) == 1
    assert model.next_hit_row(-1, 5) == 4
    model.set_groups([])
    qtmodeltester.check(model)
    assert model.next_hit_row(-1, 1) == -1


def test_no_board_open(qtbot: QtBot) -> None:
    palette = SearchPalette(lambda: None, lambda key, spec: None)
    qtbot.addWidget(palette)
    palette.open_palette()
    palette.edit.setText("anything")
    palette.run_search()
    assert palette.status.text() == "No board is open."
    assert palette.model.rowCount() == 0
