"""The cockpit's parts: the timer, the notes autosave, linked records, refusals, exempt items."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.models import AgendaItem, Decision, Membership, Role
from db.store import Database
from desktop.main_window import MainWindow
from desktop.meeting_mode.autosave import NotesAutosave, PendingNotes
from desktop.meeting_mode.cockpit import MeetingMode
from desktop.pages.meetings import MeetingsPage
from widgets.time_box import TimeBoxTimer, clock_text, timer_text

Key = Qt.Key
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


# -- The timer -------------------------------------------------------------------------------


def test_timer_text_says_the_state_in_words() -> None:
    assert clock_text(65) == "1:05" and clock_text(3723) == "1:02:03" and clock_text(-4) == "0:00"
    assert timer_text(125, 15) == ("2:05 of 15 min", "within")
    assert timer_text(14 * 60 + 30, 15) == ("14:30 of 15 min — under a minute left", "near")
    assert timer_text(17 * 60 + 10, 15) == ("⚠ OVER by 2:10 (17:10 of 15 min)", "over")
    assert timer_text(42, None) == ("0:42 (no time box)", "within")


def test_the_timer_turns_red_and_says_so_when_the_box_is_overrun(qtbot: QtBot) -> None:
    now = [1000.0]
    timer = TimeBoxTimer(lambda: now[0])
    qtbot.addWidget(timer)
    timer.start(1000.0 - 5 * 60, 10)
    assert timer.state == "within" and "#d4351c" not in timer.styleSheet()
    now[0] += 6 * 60
    timer.refresh()
    assert timer.state == "over"
    assert timer.text().startswith("⚠ OVER by 1:00")
    assert "Item timer: ⚠ OVER" in timer.accessibleName()
    assert "#d4351c" in timer.styleSheet()
    timer.stop("Taken: 11:00 of 10 min")
    assert timer.state == "idle" and timer.text() == "Taken: 11:00 of 10 min"


# -- The autosave ----------------------------------------------------------------------------


def test_autosave_writes_within_the_interval_even_while_typing_goes_on(qtbot: QtBot) -> None:
    writes: list[PendingNotes] = []
    autosave = NotesAutosave(lambda n: writes.append(n), interval_ms=10_000)
    autosave.edited("item", discussion="x")
    timer = autosave._timer
    assert timer.isActive()
    qtbot.wait(120)
    autosave.edited("item", discussion="xy")  # more typing does not push the write back
    assert timer.isActive() and timer.remainingTime() <= 10_000 - 100
    assert writes == []
    autosave.flush()
    assert [w.discussion for w in writes] == ["xy"] and not autosave.pending
    fast = NotesAutosave(lambda n: writes.append(n), interval_ms=50)
    fast.edited("other", chair_notes="z")
    qtbot.waitUntil(lambda: not fast.pending, timeout=5000)
    assert writes[-1] == PendingNotes("other", None, "z")


def test_autosave_keeps_the_text_when_a_write_fails_and_tries_again(qtbot: QtBot) -> None:
    attempts: list[str | None] = []
    failing = [True]

    def save(notes: PendingNotes) -> str | None:
        attempts.append(notes.chair_notes)
        return "the disk is full" if failing[0] else None

    autosave = NotesAutosave(save, interval_ms=50)
    problems: list[str] = []
    autosave.failed.connect(problems.append)
    autosave.edited("item", chair_notes="Ask about 3.9")
    assert autosave.flush() is False
    assert autosave.pending and problems == ["the disk is full"]
    failing[0] = False
    qtbot.waitUntil(lambda: not autosave.pending, timeout=1000)
    assert attempts[-1] == "Ask about 3.9"


# -- The cockpit on the demo ------------------------------------------------------------------


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


@pytest.fixture
def page(window: MainWindow) -> MeetingsPage:
    window.show_page("meetings")
    page = window.page("meetings")
    assert isinstance(page, MeetingsPage)
    page.apply_filter({"view": "meeting-mode"})
    return page


def go_to(cockpit: MeetingMode, title_part: str) -> None:
    while title_part not in cockpit.item.title:
        before = cockpit.item.item_id
        cockpit.next_item()
        assert cockpit.item.item_id != before, f"no item titled {title_part!r}"


def test_before_opening_the_cockpit_says_how_and_refuses_to_record(
    qtbot: QtBot, page: MeetingsPage
) -> None:
    cockpit = page.cockpit
    assert "Press F5" in cockpit.banner.text()
    assert cockpit.discussion.isReadOnly()
    assert cockpit.record_decision() is None
    box = cockpit.dialog
    assert isinstance(box, QMessageBox) and "F5" in box.text()
    box.close()
    cockpit.next_item()  # browsing the agenda before the meeting writes nothing
    assert cockpit.item.number == "2"
    assert cockpit.timer.text().startswith("Not yet taken")


def test_linked_records_are_one_tab_away(qtbot: QtBot, page: MeetingsPage) -> None:
    cockpit = page.cockpit
    go_to(cockpit, "Placements closer to home")
    assert cockpit.linked.currentIndex() == 0
    assert cockpit.timeline.entries, "the action's RAG history is shown"
    assert cockpit.chart.figure is None  # not drawn until its tab is chosen
    cockpit.shortcuts["Alt+2"].activated.emit()
    assert "R5" in cockpit.risk_text.toPlainText()
    cockpit.shortcuts["Alt+3"].activated.emit()
    assert cockpit.chart.drawn
    assert cockpit.chart.line_labels()


def test_notes_are_written_when_the_item_changes(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    cockpit = page.cockpit
    cockpit.open_meeting()
    assert cockpit.is_open
    first = cockpit.item.item_id
    qtbot.keyClicks(cockpit.discussion, "Apologies from two members.")
    qtbot.keyClicks(cockpit.chair_notes, "Welcome the new member.")
    cockpit.next_item()  # at once, not a second later
    with database.session() as s:
        item = s.get_one(AgendaItem, first)
        assert item.discussion == "Apologies from two members."
        assert item.chair_notes == "Welcome the new member."
    cockpit.previous_item()
    assert cockpit.discussion.toPlainText() == "Apologies from two members."


def test_an_exempt_item_says_so_with_its_resolution(page: MeetingsPage) -> None:
    cockpit = page.cockpit
    for row in page.past_model.rows():
        page.apply_filter({"meeting_id": row.meeting_id, "view": "meeting-mode"})
        exempt = next((i for i in page.meeting.items if i.exempt), None)
        if exempt is not None:
            break
    assert exempt is not None, "the demo has exempt items"
    cockpit.take_item(exempt.item_id)
    assert cockpit.exempt.isVisible()
    assert f"paragraph {exempt.exempt_paragraph}" in cockpit.exempt.text()
    assert "section 100A(4)" in cockpit.exempt.text()


def test_a_member_cannot_run_the_meeting_and_is_told_why(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    assert page.env is not None
    with database.session() as s:
        member = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id, Membership.role == Role.MEMBER
            )
        ).first()
    page.attach(dataclasses.replace(page.env, actor_id=member))
    page.apply_filter({"view": "meeting-mode"})
    cockpit = page.cockpit
    cockpit.open_meeting()
    box = cockpit.dialog
    assert isinstance(box, QMessageBox)
    assert "not allowed to run the meeting" in box.text().lower()
    assert not cockpit.is_open


def test_a_closed_meeting_is_frozen(qtbot: QtBot, page: MeetingsPage, database: Database) -> None:
    page.apply_filter({"meeting_id": page.past_model.row(0).meeting_id})
    cockpit = page.cockpit
    assert page.tabs.currentWidget() is page.agenda
    assert "closed" in cockpit.banner.text()
    assert cockpit.decisions_model.rowCount() >= 0
    assert cockpit.record_decision() is None
    box = cockpit.dialog
    assert isinstance(box, QMessageBox) and "frozen" in box.text()
    with database.session() as s:
        count = len(s.scalars(select(Decision.id)).all())
    QApplication.processEvents()
    with database.session() as s:
        assert len(s.scalars(select(Decision.id)).all()) == count


def test_evidence_risk_and_the_action_log_from_the_cockpit(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    from db.models import ActionArising, EvidenceReview, RiskReview

    cockpit = page.cockpit
    cockpit.open_meeting()
    # The action log item lists the open actions arising of earlier meetings; one is closed.
    go_to(cockpit, "Action log")
    log = cockpit.record.log_model
    assert cockpit.record.log.isVisible() and log.rowCount() > 0
    chosen = log.row(0)
    cockpit.record.log.setCurrentIndex(log.index(0, 0))
    dialog = cockpit.close_action(chosen)
    assert dialog is not None
    qtbot.keyClicks(dialog.note, "Done: circulated on 6 January.")
    dialog.try_accept()
    assert not dialog.isVisible(), dialog.error.text()
    assert all(r.arising_id != chosen.arising_id for r in cockpit.record.log_model.rows())
    # Evidence for 3.4 accepted (Ctrl+E); a risk reviewed (Ctrl+R).
    go_to(cockpit, "Evidence for acceptance")
    dialog = cockpit.accept_evidence()
    assert dialog is not None and dialog.evidence.count() > 0
    dialog.try_accept()
    assert not dialog.isVisible(), dialog.error.text()
    go_to(cockpit, "Risk register")
    dialog = cockpit.review_risk()
    assert dialog is not None
    dialog.likelihood.setValue(2)
    dialog.try_accept()
    assert not dialog.isVisible(), dialog.error.text()
    kinds = [d.wording for d in page.meeting.decisions]
    assert len(kinds) == 2
    with database.session() as s:
        closed = s.get_one(ActionArising, chosen.arising_id)
        assert closed.status.value == "closed"
        assert closed.closed_in_meeting_id == page.meeting.meeting_id
        assert closed.closing_note == "Done: circulated on 6 January."
        decision_ids = {d.decision_id for d in page.meeting.decisions}
        assert s.scalars(
            select(EvidenceReview).where(EvidenceReview.decision_id.in_(decision_ids))
        ).all()
        assert s.scalars(select(RiskReview).where(RiskReview.decision_id.in_(decision_ids))).all()


def test_named_votes_are_recorded_with_the_counts(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    from db.models import AttendanceMode, AttendanceStatus, Capacity
    from desktop.meeting_mode.dialogs import DecisionDialog

    cockpit = page.cockpit
    controller = page.controller
    assert controller is not None
    voters = [p for p in page.roster if p.voting][:4]
    for person in voters:
        controller.set_attendance(
            person.person_id, AttendanceStatus.PRESENT, AttendanceMode.IN_PERSON, Capacity.MEMBER
        )
    page.reload_meeting()
    cockpit.open_meeting()
    dialog = cockpit.record_decision()
    assert isinstance(dialog, DecisionDialog)
    assert set(dialog.member_votes) == {p.person_id for p in voters}
    qtbot.keyClicks(dialog.wording, "The Board agreed to write to the Secretary of State.")
    dialog.named.setChecked(True)
    votes = ["for", "for", "against", "abstain"]
    for person, vote in zip(voters, votes, strict=True):
        box = dialog.member_votes[person.person_id]
        box.setCurrentIndex(box.findData(vote))
    dialog.try_accept()
    assert not dialog.isVisible(), dialog.error.text()
    with database.session() as s:
        decision = s.scalars(
            select(Decision).where(Decision.meeting_id == page.meeting.meeting_id)
        ).one()
        assert (decision.votes_for, decision.votes_against, decision.votes_abstain) == (2, 1, 1)
        assert sorted(v["vote"] for v in decision.named_votes or []) == sorted(votes)


def test_a_member_reads_the_meeting_but_cannot_write_its_notes(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    page.cockpit.open_meeting()  # as the chair
    assert page.env is not None
    with database.session() as s:
        member = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id, Membership.role == Role.MEMBER
            )
        ).first()
    page.attach(dataclasses.replace(page.env, actor_id=member))
    page.apply_filter({"view": "meeting-mode"})
    cockpit = page.cockpit
    assert cockpit.is_open
    assert cockpit.discussion.isReadOnly()
    assert not cockpit.chair_notes.isVisible()
    assert not cockpit.autosave.pending


def test_closing_the_window_writes_the_notes_typed_just_before(
    qtbot: QtBot, window: MainWindow, page: MeetingsPage, database: Database
) -> None:
    cockpit = page.cockpit
    cockpit.open_meeting()
    item_id = cockpit.item.item_id
    qtbot.keyClicks(cockpit.discussion, "Last words before the lid closes.")
    assert cockpit.autosave.pending  # the timer has not fired yet
    window.close()
    with database.session() as s:
        assert s.get_one(AgendaItem, item_id).discussion == "Last words before the lid closes."


def test_questions_prepared_on_the_item_are_answered_from_the_cockpit(
    qtbot: QtBot, page: MeetingsPage, database: Database
) -> None:
    from db.models import Question
    from db.services.questions import add_question

    cockpit = page.cockpit
    cockpit.open_meeting()
    go_to(cockpit, "Improvement plan")
    item_id = cockpit.item.item_id
    assert page.env is not None and page.env.actor_id is not None
    with database.session() as s:
        member = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id, Membership.role == Role.MEMBER
            )
        ).first()
    with database.begin(member) as s:
        question = add_question(s, member, item_id, "When will 3.9 be back on track?").question_id
    cockpit.shortcuts["Alt+4"].activated.emit()
    panel = cockpit.linked.questions
    assert panel is not None and panel.isVisible()
    assert [q.question_id for q in panel.questions()] == [question]
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0).child(0))
    panel.answer_text.setPlainText("By March, with the recovery plan.")
    panel.answered_by.setText("Fiona McAllister, Head of Placements")
    assert panel.record_answer()
    with database.session() as s:
        assert s.get_one(Question, question).answer == "By March, with the recovery plan."
