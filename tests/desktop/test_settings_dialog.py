"""The Settings dialog: idle-lock minutes in QSettings, the board's offline limits by role.

QSettings are the app's own (`app_settings`), kept in the test's data folder
(`BOARDPACK_DATA_DIR`, set for every test by tests/conftest.py).
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from db.auth.board import board_offline_policy
from db.auth.offline import OfflinePolicy
from db.models import Board, Membership, Person, Role
from db.store import Database
from desktop.idle_lock import (
    MEETING_SETTING,
    SETTING,
    idle_minutes,
    meeting_idle_minutes,
)
from desktop.paths import app_paths
from desktop.recent_files import app_settings
from desktop.settings_dialog import NOT_SECRETARIAT, BoardRule, SettingsDialog


def _opab(database: Database) -> str:
    with database.session() as s:
        return s.scalars(select(Board.id).where(Board.code == "OPAB")).one()


def _person(database: Database, name: str) -> str:
    with database.session() as s:
        return s.scalars(select(Person.id).where(Person.name == name)).one()


def _with_secretariat(database: Database) -> str:
    """Add a clerk to OPAB's secretariat (the small board has none); their person id."""
    board_id = _opab(database)
    with database.begin() as s:
        clerk = Person(name="Kim Clerk", organisation="Council")
        s.add(clerk)
        s.flush()
        s.add(Membership(board_id=board_id, person_id=clerk.id, role=Role.SECRETARIAT))
        return clerk.id


def _dialog(qtbot: QtBot, database: Database | None, actor: str | None) -> SettingsDialog:
    board = None
    if database is not None:
        board = BoardRule(database, _opab(database), "OPAB", actor)
    dialog = SettingsDialog(app_settings(app_paths()), board)
    qtbot.addWidget(dialog)
    return dialog


def _policy(database: Database) -> OfflinePolicy:
    with database.session() as s:
        return board_offline_policy(s)


def test_idle_minutes_are_saved_in_qsettings_and_read_back(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, None, None)
    assert dialog.idle_minutes.value() == 10 and dialog.meeting_minutes.value() == 60
    assert not dialog.board_box.isEnabled()  # no board open: nothing to set there
    dialog.idle_minutes.setValue(5)
    dialog.meeting_minutes.setValue(90)
    assert dialog.save()
    assert idle_minutes() == 5 and meeting_idle_minutes() == 90
    again = _dialog(qtbot, None, None)  # a new dialog reads what was saved
    assert again.idle_minutes.value() == 5 and again.meeting_minutes.value() == 90
    settings = app_settings(app_paths())
    assert str(app_paths().data_dir) in settings.fileName()  # the test's folder, not the user's
    assert int(str(settings.value(SETTING))) == 5
    assert int(str(settings.value(MEETING_SETTING))) == 90


def test_a_meeting_limit_shorter_than_the_idle_lock_is_refused_and_nothing_saved(
    qtbot: QtBot,
) -> None:
    dialog = _dialog(qtbot, None, None)
    dialog.show()
    dialog.idle_minutes.setValue(30)
    dialog.meeting_minutes.setValue(20)
    assert not dialog.save()
    assert dialog.error.isVisible()
    assert dialog.error.text() == (
        "The lock during a live meeting (20 minutes) cannot be shorter than the normal "
        "idle lock (30 minutes)."
    )
    assert dialog.isVisible()  # still open to correct
    assert idle_minutes() == 10 and meeting_idle_minutes() == 60


def test_the_secretariat_sets_the_boards_offline_limits(
    qtbot: QtBot, board_database: Database
) -> None:
    clerk = _with_secretariat(board_database)
    dialog = _dialog(qtbot, board_database, clerk)
    assert dialog.may_edit_board and not dialog.warn_days.isReadOnly()
    assert dialog.warn_days.text() == "" and dialog.limit_days.text() == ""
    assert "warns after 14 days" in dialog.board_note.text()
    dialog.warn_days.setText("7")
    dialog.limit_days.setText("30")
    assert dialog.save(), dialog.error.text()
    assert _policy(board_database) == OfflinePolicy(warn_days=7, limit_days=30)
    again = _dialog(qtbot, board_database, clerk)  # read back from the board
    assert again.warn_days.text() == "7" and again.limit_days.text() == "30"
    assert "stops after 30 days" in again.board_note.text()


def test_bad_offline_limits_are_refused_with_a_message_and_nothing_is_saved(
    qtbot: QtBot, board_database: Database
) -> None:
    clerk = _with_secretariat(board_database)
    dialog = _dialog(qtbot, board_database, clerk)
    dialog.idle_minutes.setValue(3)  # valid, but not saved while another value is bad
    dialog.warn_days.setText("a fortnight")
    assert not dialog.save()
    assert dialog.error.text() == (
        "The offline warning must be a whole number of days (or blank for the 14-day "
        "default), not “a fortnight”."
    )
    dialog.warn_days.setText("7")
    dialog.limit_days.setText("0")
    assert not dialog.save()
    assert dialog.error.text() == "The offline hard limit must be at least 1 day (or none)."
    dialog.limit_days.setText("-3")
    assert not dialog.save()
    assert dialog.error.text() == "The offline hard limit must be 0 to 3650 days, not -3."
    assert _policy(board_database) == OfflinePolicy()
    assert idle_minutes() == 10


def test_anyone_else_sees_the_board_rule_read_only_and_why(
    qtbot: QtBot, board_database: Database
) -> None:
    clerk = _with_secretariat(board_database)
    with board_database.begin(clerk) as s:
        from db.auth.board import set_offline_policy

        set_offline_policy(s, clerk, _opab(board_database), OfflinePolicy(warn_days=5))
    chair = _person(board_database, "Alex Morgan")
    dialog = _dialog(qtbot, board_database, chair)
    assert not dialog.may_edit_board
    assert dialog.warn_days.isReadOnly() and dialog.limit_days.isReadOnly()
    assert dialog.warn_days.text() == "5"
    assert dialog.warn_days.toolTip() == NOT_SECRETARIAT
    assert NOT_SECRETARIAT in dialog.board_note.text()
    dialog.warn_days.setText("90")  # typed in anyway (read-only fields refuse keys)
    dialog.idle_minutes.setValue(12)
    assert dialog.save()  # their own laptop's setting is theirs to change
    assert idle_minutes() == 12
    assert _policy(board_database) == OfflinePolicy(warn_days=5)  # the rule is untouched
