"""The Minutes page after a decision of the meeting was corrected: the warning in words, and
"Bring the minutes up to date" (the demo's 5 November 2019 minutes, circulated); and
`boardpack minutes status|export` saying the same."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from db.minutes import find_meeting
from db.models import Decision, Meeting, Membership, MinutesVersion, Role
from db.services.decisions import correct_decision
from db.store import Database
from desktop.main_window import MainWindow
from desktop.pages.minutes import MinutesPage
from tests.desktop.conftest import act_as, call

MEETING = "OPAB:2019-11-05"  # closed, minutes version 1 circulated
CORRECTED = "The Board agreed that action 3.9 be rated Amber. (Correction of OPAB 19/27: typo.)"


@pytest.fixture(name="database")
def database_fixture(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/conftest.py)."""
    return demo_database


@pytest.fixture(name="page")
def page_fixture(window: MainWindow) -> Iterator[MinutesPage]:
    window.show_page("minutes")
    page = window.page("minutes")
    assert isinstance(page, MinutesPage)
    yield page
    page.shutdown()


def _person(database: Database, page: MinutesPage, role: Role) -> str:
    assert page.env is not None
    with database.session() as s:
        who = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == page.env.context.board_id, Membership.role == role
            )
        ).first()
    assert who is not None
    return who


def _correct(database: Database, page: MinutesPage) -> tuple[str, str]:
    clerk = _person(database, page, Role.SECRETARIAT)
    with database.begin(clerk) as s:
        meeting_id = find_meeting(s, MEETING)
        old = s.scalars(
            select(Decision).where(Decision.meeting_id == meeting_id, Decision.seq == 27)
        ).one()
        return meeting_id, correct_decision(s, clerk, old.id, CORRECTED).number


def _choose(page: MinutesPage, meeting_id: str) -> None:
    index = page.meeting.findData(meeting_id)
    assert index >= 0
    page.meeting.setCurrentIndex(index)
    page.meeting.activated.emit(index)


def _press(page: MinutesPage, label: str) -> None:
    box = page.dialog
    assert isinstance(box, QMessageBox)
    button = next(b for b in box.buttons() if b.text() == label)
    button.click()


def test_no_warning_while_the_minutes_state_the_record(
    page: MinutesPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    with database.session() as s:
        _choose(page, find_meeting(s, MEETING))
    assert not page.stale_row.isVisible()


def test_the_secretariat_is_told_what_changed_and_brings_the_minutes_up_to_date(
    page: MinutesPage, database: Database, tmp_path: Path
) -> None:
    meeting_id, number = _correct(database, page)
    act_as(page, database, Role.SECRETARIAT)
    _choose(page, meeting_id)
    assert page.stale_row.isVisible() and page.refresh_button.isVisible()
    assert not page.reviewed_button.isVisible()
    assert not page.approve_button.isEnabled()  # it would be refused: the warning says why
    text = page.stale_warning.text()
    assert "Decision OPAB 19/27 (item 5, Placement sufficiency and children placed at a " in text
    assert "distance) was corrected on " in text and f"by {number}" in text
    assert "these minutes still state only the earlier wording" in text
    assert "Version 1 cannot be approved or signed until the minutes are brought up to date" in text
    page.window().grab().save(str(tmp_path / "minutes_stale.png"))

    page.refresh_button.click()
    box = page.dialog
    assert isinstance(box, QMessageBox)
    assert "Make version 2, a new draft from the meeting's record?" in box.text()
    assert "circulated again" in box.text()
    _press(page, "Bring up to date")

    assert page.minutes is not None and page.minutes.latest is not None
    latest = page.minutes.latest
    assert (latest.version, latest.status) == (2, "draft")
    assert not page.stale_row.isVisible()
    assert "Version 2 drafted from the meeting's record" in page.notice.text()
    with database.session() as s:
        content = json.loads(s.get(MinutesVersion, latest.version_id).content_json)  # type: ignore[union-attr]
    wordings = [d["wording"] for i in content["items"] for d in i.get("decisions") or []]
    assert CORRECTED in wordings
    assert page.circulate_button.isEnabled()
    page.circulate()
    _press(page, "Circulate")
    assert page.minutes.latest is not None and page.minutes.latest.status == "circulated"


def test_an_edited_section_whose_decision_changed_is_marked_for_review(
    page: MinutesPage, database: Database
) -> None:
    act_as(page, database, Role.SECRETARIAT)
    with database.session() as s:
        meeting_id = find_meeting(s, MEETING)
    _choose(page, meeting_id)
    assert page.controller is not None and page.minutes is not None
    latest = page.minutes.latest
    assert latest is not None
    with database.session() as s:
        content = json.loads(s.get(MinutesVersion, latest.version_id).content_json)  # type: ignore[union-attr]
    item = next(
        i["number"]
        for i in content["items"]
        if any(d["number"] == "OPAB 19/27" for d in i.get("decisions") or [])
    )
    edit = "Members asked why the rating had moved; the Director explained the data lag."
    assert page.controller.edit_section(latest.version_id, f"item:{item}", edit) is None
    _correct(database, page)
    page.reload()
    page.refresh_button.click()
    _press(page, "Bring up to date")
    assert "Check the section marked for review" in page.notice.text()
    assert page.stale_row.isVisible() and page.reviewed_button.isVisible()
    assert not page.refresh_button.isVisible()
    assert not page.circulate_button.isEnabled()
    assert f"Marked for review: {item}. " in page.stale_warning.text()
    assert page.editor.current_item() is not None
    assert page.editor.current_item().number == item  # type: ignore[union-attr]

    page.circulate()
    _press(page, "Circulate")
    refusal = page.dialog
    assert isinstance(refusal, QMessageBox)
    assert refusal.windowTitle() == "Not circulated"
    assert refusal.text().startswith("Section ") and "is marked for review" in refusal.text()
    refusal.close()

    page.reviewed_button.click()
    assert not page.stale_row.isVisible() and page.circulate_button.isEnabled()
    page.circulate()
    _press(page, "Circulate")
    assert page.minutes.latest is not None and page.minutes.latest.status == "circulated"
    with database.session() as s:
        kept = json.loads(
            s.get(MinutesVersion, page.minutes.latest.version_id).content_json  # type: ignore[union-attr]
        )
    assert next(i for i in kept["items"] if i["number"] == item)["minutes"] == edit


def test_the_chair_sees_the_warning_without_the_button(
    page: MinutesPage, database: Database
) -> None:
    meeting_id, _ = _correct(database, page)
    act_as(page, database, Role.CHAIR)
    _choose(page, meeting_id)
    assert page.stale_row.isVisible() and not page.refresh_button.isVisible()
    assert "(the secretariat does this)" in page.stale_warning.text()


def test_the_cli_says_what_changed(
    capsys: pytest.CaptureFixture[str], database: Database, tmp_path: Path
) -> None:
    db_file = tmp_path / "demo.db"  # the database fixture's copy of the demo
    code, out, _ = call(capsys, "minutes", "status", "--db", db_file, "--meeting", MEETING)
    assert code == 0
    assert "Minutes of the meeting held on 5 November 2019:" in out
    assert "  version 1: circulated" in out and "corrected" not in out

    with database.session() as s:
        meeting_id = find_meeting(s, MEETING)
        board_id = s.get_one(Meeting, meeting_id).board_id
        clerk = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == board_id, Membership.role == Role.SECRETARIAT
            )
        ).first()
    with database.begin(clerk) as s:
        old = s.scalars(
            select(Decision).where(Decision.meeting_id == meeting_id, Decision.seq == 27)
        ).one()
        number = correct_decision(s, clerk, old.id, CORRECTED).number
    code, out, _ = call(capsys, "minutes", "status", "--db", db_file, "--meeting", MEETING)
    assert code == 0
    assert "Decision OPAB 19/27 (item 5, Placement sufficiency" in out
    assert f"by {number} — these minutes still state only the earlier wording." in out
    assert "until the secretariat brings them up to date on the Minutes page" in out

    code, _, err = call(
        capsys,
        "minutes",
        "export",
        "--db",
        db_file,
        "--meeting",
        MEETING,
        "--out",
        tmp_path / "m.html",
    )
    assert code == 0 and "note: Decision OPAB 19/27" in err


def test_editing_the_flagged_section_clears_the_line(page: MinutesPage, database: Database) -> None:
    act_as(page, database, Role.SECRETARIAT)
    with database.session() as s:
        meeting_id = find_meeting(s, MEETING)
    _choose(page, meeting_id)
    assert page.controller is not None and page.minutes is not None
    latest = page.minutes.latest
    assert latest is not None
    assert page.controller.edit_section(latest.version_id, "item:5", "Edited before.") is None
    _correct(database, page)
    page.reload()
    page.refresh_button.click()
    _press(page, "Bring up to date")
    assert page.reviewed_button.isVisible()
    new = page.minutes.latest
    assert new is not None and new.version == 2
    assert page._save_section(new.version_id, "item:5", "Edited after the correction.") is None
    assert not page.stale_row.isVisible() and page.circulate_button.isEnabled()
