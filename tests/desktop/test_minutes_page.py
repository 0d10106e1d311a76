"""The Minutes page on the demo board: versions, the section editor, the lifecycle, rights.

The window acts as the chair; tests that draft or edit act as the board's
secretariat (`act_as`). Every write is read back from the database, not only
from the screen. Exports and signatures are in test_minutes_page_exports.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QMessageBox,
    QPushButton,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.minutes import approve, find_meeting, sections, versions
from db.models import Membership, MinutesVersion, Role
from db.store import Database
from desktop.main_window import MainWindow
from desktop.minutes.dialogs import ApproveDialog, ExportOptions
from desktop.pages.minutes import MinutesPage


@pytest.fixture(autouse=True, name="no_unanswered_prompts")
def no_unanswered_prompts_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file or passphrase prompt a test did not answer fails at once instead of hanging."""

    def unexpected(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a prompt opened that the test did not answer")

    for cls, name in (
        (QFileDialog, "getSaveFileName"),
        (QFileDialog, "getOpenFileName"),
        (QInputDialog, "getText"),
    ):
        monkeypatch.setattr(cls, name, staticmethod(unexpected))


@pytest.fixture(name="database")
def database_fixture(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


@pytest.fixture(name="page")
def page_fixture(window: MainWindow) -> Iterator[MinutesPage]:
    window.show_page("minutes")
    page = window.page("minutes")
    assert isinstance(page, MinutesPage)
    yield page
    page.shutdown()


def person(database: Database, page: MinutesPage, role: Role) -> str:
    assert page.env is not None
    with database.session() as s:
        found = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id, Membership.role == role
            )
        ).first()
    assert found is not None
    return found


def act_as(page: MinutesPage, database: Database, role: Role) -> str:
    """Re-attach the page acting as the board's first person in `role`."""
    assert page.env is not None
    who = person(database, page, role)
    page.attach(dataclasses.replace(page.env, actor_id=who))
    return who


def meeting_id(database: Database, ref: str) -> str:
    with database.session() as s:
        return find_meeting(s, ref)


def choose(page: MinutesPage, database: Database, ref: str) -> None:
    """Choose a meeting in the drop-down as a person would (keyboard selection + activation)."""
    index = page.meeting.findData(meeting_id(database, ref))
    assert index >= 0, ref
    page.meeting.setCurrentIndex(index)
    page.meeting.activated.emit(index)


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def tick(qtbot: QtBot, button: QAbstractButton) -> None:
    """Click a radio button or check box on its indicator (its click area ends with its text)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def confirm(qtbot: QtBot, page: MinutesPage, label: str) -> None:
    box = page.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    button = next(b for b in box.buttons() if b.text() == label)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def statuses(page: MinutesPage) -> list[str]:
    return [f"v{v.version} {v.status}" for v in page.versions_model.rows()]


def test_closed_meetings_newest_first_with_their_versions(
    page: MinutesPage, database: Database
) -> None:
    labels = [page.meeting.itemText(i) for i in range(page.meeting.count())]
    assert len(labels) == 8  # OPAB's closed meetings; the planned one has no minutes
    assert labels[0] == "Tue 5 November 2019 — circulated (v1)"
    assert labels[-1] == "Wed 19 September 2018 — signed (v1)"
    assert statuses(page) == ["v1 circulated"]
    choose(page, database, "OPAB:2019-09-10")
    assert statuses(page) == ["v1 signed"]
    with database.session() as s:
        stored = s.scalars(
            select(MinutesVersion.content_hash).where(
                MinutesVersion.meeting_id == meeting_id(database, "OPAB:2019-09-10")
            )
        ).one()
    assert stored is not None
    assert stored in page.record.text()
    assert "Signed by Dr Helen Marchbank" in page.record.text()
    assert page.versions_model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) == f"SHA-256 {stored}"


def test_models_pass_the_model_tester(qtmodeltester, page: MinutesPage) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(page.versions_model)
    qtmodeltester.check(page.editor.model)


def test_chair_sees_approve_and_sign_but_no_drafting(page: MinutesPage) -> None:
    assert page.approve_button.isVisible() and page.approve_button.isEnabled()
    assert page.sign_button.isVisible() and not page.sign_button.isEnabled()
    for button in (page.draft_button, page.circulate_button, page.correct_button):
        assert not button.isVisible()
    assert page.editor.text.isReadOnly()
    assert "secretariat" in page.editor.save_state.text()


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OBSERVER])
def test_a_member_or_observer_sees_no_editing_actions(
    page: MinutesPage, database: Database, role: Role
) -> None:
    act_as(page, database, role)
    choose(page, database, "OPAB:2019-01-22")
    for button in (
        page.draft_button,
        page.circulate_button,
        page.approve_button,
        page.sign_button,
        page.correct_button,
        page.certificates_button,
    ):
        assert not button.isVisible(), button.text()
    assert page.export_button.isVisible()
    assert page.editor.text.isReadOnly()
    exempt = next(i for i in page.editor.model.rows() if i.exempt)
    assert exempt.title == "Learning review: Child B"
    page.editor.select(exempt.number)
    if role is Role.OBSERVER:  # the public text only: the exempt item's minutes are withheld
        assert exempt.withheld and exempt.minutes == ""
        assert "not in the public version" in page.editor.text.toPlainText()
    else:
        assert not exempt.withheld
        assert page.editor.text.toPlainText().startswith("The Board considered the learning")


def test_a_correction_is_typed_circulated_approved_and_signed(
    qtbot: QtBot, page: MinutesPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    choose(page, database, "OPAB:2019-09-10")
    assert statuses(page) == ["v1 signed"]
    assert page.editor.text.isReadOnly()
    click(qtbot, page.correct_button)
    confirm(qtbot, page, "Start the correction")
    assert statuses(page) == ["v1 signed", "v2 draft"]
    assert not page.editor.text.isReadOnly()

    # Item 5 has a decision: typing changes the summary, never the decision.
    page.editor.select(5)
    decisions_before = page.editor.decisions.toPlainText()
    assert "OPAB 19/22" in decisions_before
    page.editor.text.setFocus()
    page.editor.text.moveCursor(page.editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.editor.text, " Members asked for the March figures.")
    assert page.editor.save_state.text() == "Saving…"
    qtbot.waitUntil(lambda: not page.editor.autosave.pending, timeout=3000)
    assert page.editor.save_state.text().startswith("All changes saved")
    v2 = page.versions_model.rows()[-1].version_id
    with database.session() as s:
        stored = {sec.key: sec.text for sec in sections(s, page.env.actor_id, v2)}  # type: ignore[union-attr]
    assert stored["item:5"].endswith("Members asked for the March figures.")
    assert page.editor.decisions.toPlainText() == decisions_before

    # Leaving an item writes what was typed at once, without waiting for the timer.
    page.editor.select(6)
    page.editor.text.setFocus()
    page.editor.text.moveCursor(page.editor.text.textCursor().MoveOperation.End)
    qtbot.keyClicks(page.editor.text, " Agreed.")
    page.editor.table.setFocus()
    qtbot.keyClick(page.editor.table, Qt.Key.Key_Down)
    assert page.editor.current_item() is not None and page.editor.current_item().number == 7  # type: ignore[union-attr]
    assert not page.editor.autosave.pending
    with database.session() as s:
        stored = {sec.key: sec.text for sec in sections(s, page.env.actor_id, v2)}  # type: ignore[union-attr]
    assert stored["item:6"].endswith(" Agreed.")

    click(qtbot, page.circulate_button)
    confirm(qtbot, page, "Circulate")
    assert statuses(page) == ["v1 signed", "v2 circulated"]

    act_as(page, database, Role.CHAIR)
    choose(page, database, "OPAB:2019-09-10")
    click(qtbot, page.approve_button)
    dialog = page.dialog
    assert isinstance(dialog, ApproveDialog)
    qtbot.waitExposed(dialog)
    # The meeting of 5 November approved version 1; the chair approves the correction.
    assert dialog.decision_choice.isChecked()
    assert dialog.decision.currentText().startswith("OPAB 19/26")
    tick(qtbot, dialog.chair_choice)
    assert dialog.chair_choice.isChecked()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.error.text()
    assert statuses(page) == ["v1 signed", "v2 approved"]

    click(qtbot, page.sign_button)
    confirm(qtbot, page, "Sign")
    assert statuses(page) == ["v1 signed", "v2 signed"]
    assert page.versions_model.rows()[-1].status_label == "Signed"
    with database.session() as s:
        row = s.get_one(MinutesVersion, v2)
        digest = row.content_hash
    assert digest is not None and digest in page.notice.text()
    assert "signed by Dr Helen Marchbank" in page.notice.text()
    assert digest in page.record.text()
    assert page.editor.text.isReadOnly()
    assert page.editor.save_state.text().startswith("Signed: the text is frozen")
    assert not page.sign_button.isEnabled()


def test_a_draft_is_generated_for_a_closed_meeting_without_minutes(
    qtbot: QtBot, page: MinutesPage, database: Database
) -> None:
    from db.services.meetings import close_meeting, create_meeting, open_meeting

    clerk = act_as(page, database, Role.SECRETARIAT)
    assert page.env is not None
    with database.begin(clerk) as s:
        new = create_meeting(s, clerk, page.env.context.board_id, dt.date(2019, 12, 3))
        open_meeting(s, clerk, new)
        close_meeting(s, clerk, new)
    page.on_changed("meetings")
    assert page.meeting.itemText(0) == "Tue 3 December 2019 — no minutes yet"
    choose(page, database, "OPAB:2019-12-03")
    assert statuses(page) == []
    assert page.editor.model.rowCount() > 0  # the preview of what would be drafted
    assert page.editor.text.isReadOnly()
    click(qtbot, page.draft_button)
    assert statuses(page) == ["v1 draft"]
    assert not page.draft_button.isEnabled() and page.circulate_button.isEnabled()
    assert not page.editor.text.isReadOnly()
    with database.session() as s:
        assert [v.status for v in versions(s, clerk, new)] == ["draft"]


def test_a_refused_save_is_a_dialog_and_the_text_stays_pending(
    qtbot: QtBot, page: MinutesPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    assert statuses(page) == ["v1 circulated"]  # a circulated version is still edited
    page.editor.text.setFocus()
    qtbot.keyClicks(page.editor.text, "X")
    # Meanwhile the chair approves it between meetings: the text is final.
    chair = person(database, page, Role.CHAIR)
    version = page.versions_model.rows()[0].version_id
    with database.begin(chair) as s:
        approve(s, chair, version)
    assert not page.editor.save_now()
    box = page.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.windowTitle() == "Not saved"
    assert "only a draft or circulated version is edited" in box.text()
    assert page.editor.autosave.pending
    assert page.editor.save_state.text().startswith("⚠ Not saved")


def test_signing_needs_the_chair_even_when_asked_directly(
    qtbot: QtBot, page: MinutesPage, database: Database
) -> None:
    """The button is hidden from the secretariat; the database refuses anyway."""
    chair = person(database, page, Role.CHAIR)
    version = page.versions_model.rows()[0].version_id
    with database.begin(chair) as s:
        approve(s, chair, version)
    act_as(page, database, Role.SECRETARIAT)
    assert not page.sign_button.isVisible()
    page.sign()
    confirm(qtbot, page, "Sign")
    box = page.dialog
    assert isinstance(box, QMessageBox) and box.windowTitle() == "Not signed"
    assert box.text().startswith("Not allowed to approve and sign minutes")
    assert statuses(page) == ["v1 approved"]


def test_the_secretariat_records_approval_by_a_later_meetings_decision(
    qtbot: QtBot, page: MinutesPage, database: Database
) -> None:
    from db.minutes import circulate, start_correction

    clerk = act_as(page, database, Role.SECRETARIAT)
    with database.begin(clerk) as s:
        (v1,) = versions(s, clerk, meeting_id(database, "OPAB:2019-09-10"))
        v2 = start_correction(s, clerk, v1.version_id)
        circulate(s, clerk, v2.version_id)
    choose(page, database, "OPAB:2019-09-10")
    assert statuses(page) == ["v1 signed", "v2 circulated"]
    click(qtbot, page.approve_button)
    dialog = page.dialog
    assert isinstance(dialog, ApproveDialog)
    assert not dialog.chair_choice.isEnabled()  # only the chair approves between meetings
    assert dialog.decision_choice.isChecked()
    choices = [dialog.decision.itemText(i) for i in range(dialog.decision.count())]
    assert choices[0].startswith("OPAB 19/26 (5 Nov 2019)")  # the one about minutes first
    assert all("2019" in c for c in choices) and len(choices) > 1
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible(), dialog.error.text()
    assert statuses(page) == ["v1 signed", "v2 approved"]
    assert page.versions_model.rows()[-1].approved_by == "OPAB 19/26 (meeting of 5 November 2019)"
    assert "Approved as a correct record by OPAB 19/26" in page.record.text()
    assert not page.sign_button.isVisible()  # the chair signs


def test_minutes_stored_in_a_shape_the_app_cannot_read_are_a_sentence_not_a_traceback(
    page: MinutesPage, database: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from db.models import MinutesStatus
    from db.services.meetings import close_meeting, create_meeting, open_meeting

    clerk = act_as(page, database, Role.SECRETARIAT)
    assert page.env is not None
    with database.begin(clerk) as s:
        new = create_meeting(s, clerk, page.env.context.board_id, dt.date(2019, 12, 3))
        open_meeting(s, clerk, new)
        close_meeting(s, clerk, new)
        s.add(
            MinutesVersion(
                meeting_id=new,
                version=1,
                status=MinutesStatus.DRAFT,
                content_json='{"items": [], "meeting_id": "elsewhere"}',
                created_by_id=clerk,
            )
        )
    page.on_changed("minutes")
    choose(page, database, "OPAB:2019-12-03")
    assert statuses(page) == ["v1 draft"]
    assert page.editor.model.rowCount() == 0
    assert page.editor.text.isReadOnly()
    assert page.editor.save_state.text().startswith("Version 1 cannot be read as minutes")
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *_a, **_k: (str(tmp_path / "x.pdf"), "")),
    )
    options = ExportOptions(public=True, fmt="pdf", sign=False, certificate=None)
    problem = page.outputs.export(options)
    assert not (tmp_path / "x.pdf").exists()
    assert problem is not None and problem.startswith("version 1 cannot be read as minutes")
