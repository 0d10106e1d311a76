"""The Papers page over the demo board: the pack in agenda order, exempt papers, questions, cards.

The list follows the agenda and marks supplements; an exempt paper is listed
for the chair and left out for an observer, with the reason said instead; a
question typed against an item is stored and listed (the same widget meeting
mode embeds); an action-cards paper shows each card with the board's
recorded response; the models pass Qt's model tester.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import AgendaItem, Board, Meeting, Paper, PaperKind, Role
from db.services import papers as papers_service
from db.services import questions as questions_service
from db.store import Database
from desktop.main_window import MainWindow
from desktop.pages.papers import NOTES, PackModel, PapersPage
from desktop.reader.notes_model import NotesModel
from desktop.reader.questions import QuestionsPanel
from desktop.reader.search import HitsModel, PageText, find_hits
from desktop.reader.view import ReaderView
from tests.desktop.reader_fixture import act_as, build_demo, person, scratch_settings

__all__ = ["scratch_settings"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


@pytest.fixture
def page(window: MainWindow) -> PapersPage:
    window.show_page("papers")
    found = window.page("papers")
    assert isinstance(found, PapersPage)
    return found


def meeting_on(database: Database, code: str, day: dt.date) -> str:
    with database.session() as s:
        found = s.scalar(
            select(Meeting.id)
            .join(Board, Board.id == Meeting.board_id)
            .where(Board.code == code, Meeting.meeting_date == day)
        )
    assert found is not None
    return found


def test_the_next_meeting_s_pack_in_agenda_order(page: PapersPage, database: Database) -> None:
    assert page.meeting_combo.currentText() == "OPAB, 14 January 2020 (next)"
    numbers = [p.item_number for p in page.papers()]
    assert numbers == sorted(numbers, key=lambda n: int(n or 0)) and len(numbers) == 4
    with database.session() as s:
        expected = papers_service.meeting_papers(s, page.env.actor_id, page.meeting_id)  # type: ignore[union-attr, arg-type]
    assert page.papers() == expected
    assert page.model.index(0, 0).data() == numbers[0]
    assert page.pack_heading.text() == (
        f"Papers in agenda order (4 papers, {sum(p.page_count for p in expected)} pages)"
    )
    assert not page.withheld.isVisible()


def test_a_supplement_is_marked_and_listed_after_its_item_s_papers(
    page: PapersPage, database: Database
) -> None:
    from exports.papers import render_paper_pdf

    secretary = person(database, "OPAB", Role.SECRETARIAT)
    first = page.papers()[0]
    assert first.item_id is not None
    data, _ = render_paper_pdf("Late figures", "Figures that arrived after the pack went out.")
    with database.begin(secretary) as s:
        papers_service.add_paper(s, secretary, first.item_id, "Late figures", data, supplement=True)
    page.on_changed("papers")
    titles = [p.title for p in page.papers()]
    assert titles.index("Late figures") == 1  # after item 5's paper, before item 7's
    row = page.model.find(lambda r: r.title == "Late figures")
    assert "Supplement" in page.model.index(row, NOTES).data()


def test_an_exempt_paper_is_withheld_from_an_observer_with_the_reason(
    page: PapersPage, database: Database
) -> None:
    meeting = meeting_on(database, "OPAB", dt.date(2019, 1, 22))
    page.apply_filter({"meeting_id": meeting})
    exempt = [p for p in page.papers() if p.exempt]
    assert [p.title for p in exempt] == [
        "Learning review: Child B (missing episodes and exploitation)"
    ]
    row = page.model.find(lambda r: r.exempt)
    assert "Part 2 (exempt)" in page.model.index(row, NOTES).data()

    observer = person(database, "OPAB", Role.OBSERVER)
    assert page.open_paper(exempt[0].paper_id)  # the chair reading it...
    act_as(page, observer)
    # ...is gone the moment someone else uses the window.
    assert page.stack.currentWidget() is page.pack_view
    assert page.reader.opened is None and page.reader.canvas.document is None
    assert page.reader.annotations.rows() == ()
    page.reload()
    assert not any(p.exempt for p in page.papers())
    assert page.withheld.isVisible()
    assert page.withheld.text().startswith("Item 8 is Part 2 (exempt, paragraph")
    assert "only for roles cleared to read exempt items" in page.withheld.text()
    # An observer reads a public paper but has no highlighter or sticky notes.
    public = page.papers()[0]
    assert page.open_paper(public.paper_id)
    reader = page.reader
    assert not reader.can_annotate
    assert not reader.note_button.isEnabled()
    assert "does not annotate" in reader.highlight_button.toolTip()
    assert reader.annotations.rows() == ()
    page.show_pack()
    # And the reader refuses the exempt paper by id too, with the service's sentence.
    assert not page.reader.open_paper(exempt[0].paper_id)
    box = page.reader.message_box
    assert box is not None and "exempt (Part 2)" in box.text()
    box.close()


def test_prepare_a_question_against_an_item(
    qtbot: QtBot, page: PapersPage, database: Database
) -> None:
    panel = page.questions
    item = page.papers()[1]
    panel.choose_item(item.item_id)
    assert panel.item_combo.currentData() == item.item_id
    qtbot.keyClicks(panel.text, "What is the recovery trajectory for PI 04?")
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    with database.session() as s:
        groups = questions_service.questions_by_item(s, page.env.actor_id, page.meeting_id)  # type: ignore[union-attr, arg-type]
    assert [(g.item_id, [q.text for q in g.questions]) for g in groups] == [
        (item.item_id, ["What is the recovery trajectory for PI 04?"])
    ]
    assert groups[0].questions[0].shared
    assert panel.title.text() == "Questions prepared (1)"
    top = panel.tree.topLevelItem(0)
    assert top is not None and top.text(0).startswith(f"Item {item.item_number} – ")
    assert top.child(0).text(0).startswith("What is the recovery trajectory")
    # Nothing typed: refused in a message, nothing stored.
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    assert panel.message_box is not None and panel.message_box.text() == "Type the question first."
    panel.message_box.close()
    assert len(panel.questions()) == 1


def test_questions_panel_embeds_on_its_own(qtbot: QtBot, database: Database) -> None:
    """What meeting mode does: give it the database, the actor and the meeting."""
    meeting = meeting_on(database, "OPAB", dt.date(2020, 1, 14))
    member = person(database, "OPAB", Role.MEMBER)
    panel = QuestionsPanel(can_add=False)
    qtbot.addWidget(panel)
    panel.set_meeting(database, member, meeting)
    assert panel.form.isHidden() and panel.questions() == ()
    with database.session() as s:
        item = s.scalar(select(AgendaItem.id).where(AgendaItem.meeting_id == meeting))
    assert item is not None
    with database.begin(member) as s:
        questions_service.add_question(s, member, item, "Private one", shared=False)
    panel.reload()
    assert [q.text for q in panel.questions()] == ["Private one"]
    assert "You · private" in panel.tree.topLevelItem(0).child(0).text(0)


def test_meeting_mode_records_an_answer_through_the_panel(qtbot: QtBot, database: Database) -> None:
    meeting = meeting_on(database, "OPAB", dt.date(2020, 1, 14))
    member = person(database, "OPAB", Role.MEMBER)
    chair = person(database, "OPAB", Role.CHAIR)
    with database.session() as s:
        items = list(
            s.scalars(
                select(AgendaItem.id)
                .where(AgendaItem.meeting_id == meeting)
                .order_by(AgendaItem.position)
            )
        )
    with database.begin(member) as s:
        asked = questions_service.add_question(s, member, items[4], "Why is 2.7 still Red?")
        questions_service.add_question(s, member, items[5], "On another item")
    panel = QuestionsPanel(can_add=False, answering=True)
    qtbot.addWidget(panel)
    panel.set_meeting(database, chair, meeting)
    panel.show_item(items[4])  # the item being heard
    assert [q.text for q in panel.questions()] == ["Why is 2.7 still Red?", "On another item"]
    assert panel.tree.topLevelItemCount() == 1
    question = panel.tree.topLevelItem(0).child(0)
    panel.tree.setCurrentItem(question)
    assert panel.chosen_question() == asked.question_id
    qtbot.keyClicks(panel.answer_text, "The audit found plans improving; Amber by March.")
    qtbot.keyClicks(panel.answered_by, "Sarah Lindqvist, Head of Virtual School")
    qtbot.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    with database.session() as s:
        groups = questions_service.questions_by_item(s, chair, meeting)
    answered = next(q for g in groups for q in g.questions if q.question_id == asked.question_id)
    assert answered.answer == "The audit found plans improving; Amber by March."
    assert answered.answered_by == "Sarah Lindqvist, Head of Virtual School"
    shown = panel.tree.topLevelItem(0).child(0).text(0)
    assert "Answer (Sarah Lindqvist, Head of Virtual School): The audit" in shown
    # A member cannot record answers: the service refuses, the panel says so.
    panel.set_meeting(database, member, meeting)
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0).child(0))
    qtbot.keyClicks(panel.answer_text, "Overwritten?")
    assert not panel.record_answer()
    assert panel.message_box is not None and "not allowed" in panel.message_box.text()
    panel.message_box.close()


def test_action_cards_show_the_board_s_response(qtbot: QtBot, database: Database) -> None:
    chair = person(database, "CPB", Role.CHAIR)
    with database.session() as s:
        paper_id = s.scalars(
            select(Paper.id)
            .where(Paper.kind == PaperKind.ACTION_CARDS)
            .order_by(Paper.issued_at.desc())  # the newest cards: not answered in the demo
        ).first()
    assert paper_id is not None
    with database.begin(chair) as s:
        questions_service.respond_to_card(
            s, chair, paper_id, 7, "Agreed: the Director will meet the council in March."
        )
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.set_source(database, chair)
    assert reader.open_paper(paper_id)
    assert reader.side.isTabVisible(2)
    cards = reader.cards
    assert [c.number for c in cards.cards()] == [6, 7]
    texts = [cards.list.item(n).text() for n in range(cards.list.count())]
    assert "Board response" in texts[1] and "meet the council in March" in texts[1]
    assert texts[0].endswith("No response recorded yet.")
    assert cards.title.text() == "Action cards (1 of 2 answered)"


def test_models_pass_the_model_tester(qtmodeltester, page: PapersPage) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.model)
    reader = page.reader
    assert page.open_paper(page.papers()[0].paper_id)
    assert reader.annotations.model.rowCount() > 0
    qtmodeltester.check(reader.annotations.model)
    reader.search("Red", "pack")
    assert reader.hits_model.rowCount() > 0
    qtmodeltester.check(reader.hits_model)
    empty = HitsModel()
    empty.set_rows(find_hits([PageText("p", 0, "p. 1", "text")], "missing"))
    qtmodeltester.check(empty)
    qtmodeltester.check(NotesModel())
    qtmodeltester.check(PackModel())


def test_my_notes_under_the_pack_open_the_paper_at_the_note(qtbot: QtBot, page: PapersPage) -> None:
    assert page.notes_model.rowCount() == 2  # the chair's two demo highlights
    assert page.notes_heading.text().startswith("My notes for this meeting (2)")
    second = page.notes_model.row(1)
    page.notes_table.setFocus()
    page.notes_table.setCurrentIndex(page.notes_model.index(1, 1))
    qtbot.keyClick(page.notes_table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.reader
    reader = page.reader
    assert reader.paper is not None and reader.paper.paper_id == second.paper_id
    assert reader.page == second.page
    chosen = reader.annotations.editor.row
    assert chosen is not None and chosen.annotation_id == second.annotation_id
