"""Children in care council action cards: the board's response recorded in the app.

From the Papers page's reader (the paper's "Action cards" tab) and from
meeting mode (Alt+5 on the item the cards paper is on), whoever runs the
meeting chooses a card, types the board's response, chooses its status and
who gave it, and records it; the response is stored (an annotation row, so it
syncs), shows at once with who recorded it, and is there when the paper is
opened again — read-only for a member.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.demo import DEMO_AS_OF
from db.models import AgendaItem, Board, Meeting, Paper, PaperKind, Person, Role
from db.services import questions as questions_service
from db.store import Database
from desktop.app import build_main_window
from desktop.pages.meetings import MeetingsPage
from desktop.reader.view import ReaderView
from tests.desktop.reader_fixture import (
    act_as,
    build_demo,
    person,
    scratch_settings,
)

__all__ = ["scratch_settings"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


def cards_paper(database: Database) -> tuple[str, str, str]:
    """The latest action-cards paper of a closed CPB meeting: (paper, item, meeting)."""
    with database.session() as s:
        row = s.execute(
            select(Paper.id, Paper.agenda_item_id, Paper.meeting_id)
            .join(Meeting, Meeting.id == Paper.meeting_id)
            .where(Paper.kind == PaperKind.ACTION_CARDS, Meeting.meeting_date < DEMO_AS_OF)
            .order_by(Paper.issued_at.desc())
        ).first()
    assert row is not None and row[1] is not None
    return row[0], row[1], row[2]


def name_of(database: Database, person_id: str) -> str:
    with database.session() as s:
        found = s.get(Person, person_id)
        assert found is not None
        return found.name


def test_the_secretariat_records_a_response_in_the_reader_and_a_member_sees_it(
    qtbot: QtBot, database: Database
) -> None:
    paper_id, _, _ = cards_paper(database)
    clerk = person(database, "CPB", Role.SECRETARIAT)
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(1200, 800)
    reader.show()
    reader.set_source(database, clerk)
    assert reader.open_paper(paper_id)
    panel = reader.cards
    assert reader.side.isTabVisible(reader.side.indexOf(panel))
    reader.side.setCurrentWidget(panel)
    assert panel.form.isVisibleTo(panel), "the clerk gets the response form"
    before = [c.response for c in panel.cards()]
    assert before[0] is None

    panel.list.setCurrentRow(0)
    qtbot.keyClicks(panel.response, "Agreed: care leavers will sit on the interview panels.")
    panel.status.setCurrentIndex(panel.status.findData("in progress"))
    qtbot.keyClicks(panel.responded_by, "Lucy Hargreaves, Director of Children's Social Care")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)

    shown = panel.list.item(0).text()
    assert (
        "Board response (in progress) by Lucy Hargreaves, Director of Children's Social Care"
        in shown
    )
    assert "care leavers will sit on the interview panels" in shown
    assert f"Recorded by {name_of(database, clerk)}" in shown
    answered = sum(c.response is not None for c in panel.cards())
    assert panel.title.text() == f"Action cards ({answered} of {len(panel.cards())} answered)"

    with database.session() as s:  # stored, as the service reads it from any laptop
        stored = questions_service.action_cards(s, clerk, paper_id)[0]
    assert stored.response == "Agreed: care leavers will sit on the interview panels."
    assert stored.status == "in progress"
    assert stored.responded_by == "Lucy Hargreaves, Director of Children's Social Care"
    assert stored.responded_at is not None

    member = person(database, "CPB", Role.MEMBER)
    other = ReaderView()
    qtbot.addWidget(other)
    other.set_source(database, member)
    assert other.open_paper(paper_id)
    assert "care leavers will sit on the interview panels" in other.cards.list.item(0).text()
    assert not other.cards.form.isVisibleTo(other.cards), "a member sees responses read-only"
    assert not other.cards.record_response()


def test_an_empty_response_is_refused_in_a_message(qtbot: QtBot, database: Database) -> None:
    paper_id, _, _ = cards_paper(database)
    clerk = person(database, "CPB", Role.SECRETARIAT)
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.set_source(database, clerk)
    assert reader.open_paper(paper_id)
    panel = reader.cards
    panel.list.setCurrentRow(1)
    panel.response.clear()
    assert not panel.record_response()
    assert panel.message_box is not None
    assert panel.message_box.text() == "a response to a card needs some text"
    panel.message_box.close()
    with database.session() as s:
        assert questions_service.action_cards(s, clerk, paper_id)[1].response is None


def test_meeting_mode_records_a_card_response_on_alt_5(qtbot: QtBot, database: Database) -> None:
    paper_id, item_id, meeting_id = cards_paper(database)
    window = build_main_window(database, today=DEMO_AS_OF, demo=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("meetings")
    page = window.page("meetings")
    assert isinstance(page, MeetingsPage)
    act_as(page, person(database, "CPB", Role.CHAIR))  # the demo window sits in OPAB's chair
    page.apply_filter({"meeting_id": meeting_id, "view": "meeting-mode"})
    cockpit = page.cockpit
    assert "Alt+1…5" in cockpit.keys.text() and "Cards" in cockpit.keys.text()
    cockpit.take_item(item_id)
    cockpit.shortcuts["Alt+5"].activated.emit()
    assert cockpit.linked.currentIndex() == 4
    panel = cockpit.linked.cards
    assert panel is not None and panel.isVisible()
    numbers = [c.number for c in panel.cards()]
    assert numbers and all(c.paper_id == paper_id for c in panel.cards())
    assert panel.form.isVisible(), "the chair records responses"
    panel.choose(numbers[-1])
    panel.response.setPlainText("Done: the pledge is on the council's website.")
    panel.status.setCurrentIndex(panel.status.findData("done"))
    assert panel.record_response()
    assert "Board response (done)" in panel.list.item(len(numbers) - 1).text()
    with database.session() as s:
        stored = questions_service.action_cards(s, person(database, "CPB", Role.CHAIR), paper_id)
        board = s.scalar(
            select(Board.code)
            .join(Meeting, Meeting.board_id == Board.id)
            .where(Meeting.id == meeting_id)
        )
        position = s.scalar(select(AgendaItem.position).where(AgendaItem.id == item_id))
    assert board == "CPB" and position is not None
    assert stored[-1].response == "Done: the pledge is on the council's website."
    assert stored[-1].status == "done"
    # The next item has no cards: the tab says so.
    cockpit.next_item()
    assert cockpit.item.item_id != item_id
    assert panel.cards() == ()
    assert panel.note.text() == "No action cards on this item's papers."
