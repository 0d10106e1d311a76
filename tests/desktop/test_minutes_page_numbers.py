"""The Minutes page's warning for a decision number taken twice offline, and its Renumber button."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.demo import DEMO_AS_OF
from db.minutes import find_meeting
from db.models import Decision, Membership, MinutesVersion, Role
from db.services.decisions import duplicate_numbers
from db.store import Database
from desktop.app import build_main_window
from desktop.main_window import MainWindow
from desktop.pages.minutes import MinutesPage

MEETING = "OPAB:2019-11-05"  # closed, minutes circulated


@pytest.fixture(name="database")
def database_fixture(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


def _twin(database: Database) -> tuple[str, str, str]:
    """Another laptop's decision that took the number of the meeting's first decision offline."""
    with database.begin() as s:
        meeting_id = find_meeting(s, MEETING)
        first = s.scalars(
            select(Decision)
            .where(Decision.meeting_id == meeting_id)
            .order_by(Decision.seq, Decision.version.desc())
        ).first()
        assert first is not None
        twin = Decision(
            board_id=first.board_id,
            meeting_id=meeting_id,
            agenda_item_id=first.agenda_item_id,
            year=first.year,
            seq=first.seq,
            version=1,
            number=first.number,
            kind=first.kind,
            wording="Noted the partnership's safeguarding audit.",
            recorded_by_id=first.recorded_by_id,
            recorded_at=first.recorded_at + dt.timedelta(minutes=3),
        )
        s.add(twin)
        s.flush()
        return meeting_id, twin.id, first.number


@pytest.fixture(name="page")
def page_fixture(qtbot: QtBot, database: Database) -> Iterator[MinutesPage]:
    window: MainWindow = build_main_window(database, today=DEMO_AS_OF, demo=True)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("minutes")
    page = window.page("minutes")
    assert isinstance(page, MinutesPage)
    yield page
    page.shutdown()


def _act_as(page: MinutesPage, database: Database, role: Role) -> None:
    assert page.env is not None
    with database.session() as s:
        who = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id, Membership.role == role
            )
        ).first()
    page.attach(dataclasses.replace(page.env, actor_id=who))


def _choose(page: MinutesPage, meeting_id: str) -> None:
    index = page.meeting.findData(meeting_id)
    assert index >= 0
    page.meeting.setCurrentIndex(index)
    page.meeting.activated.emit(index)


def test_no_warning_when_no_number_is_shared(page: MinutesPage, database: Database) -> None:
    _act_as(page, database, Role.SECRETARIAT)
    assert not page.shared_row.isVisible()


def test_the_secretariat_sees_the_warning_and_renumbers(
    qtbot: QtBot, page: MinutesPage, database: Database, tmp_path: Path
) -> None:
    meeting_id, twin_id, number = _twin(database)
    _act_as(page, database, Role.SECRETARIAT)
    _choose(page, meeting_id)
    assert page.shared_row.isVisible() and page.renumber_button.isVisible()
    text = page.shared_warning.text()
    assert f"decision number {number} was taken by 2 decisions" in text
    assert "safeguarding audit" in text and "cannot be circulated or approved" in text
    page.window().grab().save(str(tmp_path / "minutes_shared.png"))

    qtbot.mouseClick(page.renumber_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    box = page.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert number in box.text()
    go = next(b for b in box.buttons() if b.text() == "Renumber")
    qtbot.mouseClick(go, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]

    with database.session() as s:
        assert duplicate_numbers(s, page.env.context.board_id) == []  # type: ignore[union-attr]
        new = s.scalars(select(Decision).where(Decision.supersedes_id == twin_id)).one()
        stated = s.scalars(
            select(MinutesVersion.content_json).where(MinutesVersion.meeting_id == meeting_id)
        ).one()
    assert new.number != number and new.wording == "Noted the partnership's safeguarding audit."
    # The twin arrived after circulation, so the circulated text never stated it: unchanged.
    assert number in stated and new.number not in stated
    assert not page.shared_row.isVisible()
    assert f"{number} → {new.number}" in page.notice.text()


@pytest.mark.parametrize(("role", "button"), [(Role.CHAIR, True), (Role.MEMBER, False)])
def test_who_sees_the_warning_and_the_button(
    page: MinutesPage, database: Database, role: Role, button: bool
) -> None:
    meeting_id, _, _ = _twin(database)
    _act_as(page, database, role)
    _choose(page, meeting_id)
    assert page.shared_row.isVisible() is button
    assert page.renumber_button.isVisible() is button
