"""The window's read-only views (db.views) over the known board of `board_fixture`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.models import Board, Plan, Rag, RagDefinition
from db.store import Database
from db.views import (
    BoardCounts,
    default_board_context,
    load_dashboard,
    overdue_action_count,
)
from tests.desktop.board_fixture import EXPECTED, TODAY


def test_opens_on_opab_as_its_chair_even_when_another_code_sorts_first(
    board_database: Database,
) -> None:
    with board_database.session() as s:
        context = default_board_context(s)
    assert context is not None
    assert context.board_code == "OPAB"
    assert context.plan_title == EXPECTED["plan_title"]
    assert context.viewer is not None
    assert context.viewer.name == EXPECTED["chair"]
    assert context.viewer.role_label == "Chair"
    assert context.viewer.position == "Independent Chair"


def test_without_opab_opens_on_the_first_board_by_code(database: Database) -> None:
    with database.begin() as s:
        s.add_all([Board(code="ZED", name="Zed"), Board(code="CPB", name="Corporate Parenting")])
    with database.session() as s:
        context = default_board_context(s)
    assert context is not None
    assert context.board_code == "CPB"
    assert context.viewer is None
    assert context.plan_id is None


def test_empty_database_has_no_board(database: Database) -> None:
    with database.session() as s:
        assert default_board_context(s) is None


def test_dashboard_figures(board_database: Database) -> None:
    with board_database.session() as s:
        context = default_board_context(s)
        assert context is not None
        summary = load_dashboard(s, context, TODAY)
    assert summary.board_name == EXPECTED["board_name"]
    assert summary.today == TODAY
    themes = {t.number: (t.blue, t.green, t.amber, t.red, t.unrated) for t in summary.themes}
    assert themes == EXPECTED["themes"]
    assert [t.number for t in summary.themes] == [1, 2, 3]
    assert summary.all_themes.total == 8
    assert summary.overdue_actions == EXPECTED["overdue"]
    assert summary.open_risks == EXPECTED["open_risks"]
    assert summary.risks_above_target == EXPECTED["risks_above_target"]
    assert tuple(k.reference for k in summary.kpis_in_decline) == EXPECTED["kpis_in_decline"]
    first = summary.kpis_in_decline[0]
    assert (first.wrong_moves, first.latest_value, first.higher_is_better) == (4, 9.0, False)
    assert summary.next_meeting is not None
    assert summary.next_meeting.meeting_date == EXPECTED["next_meeting"]
    assert summary.next_meeting.board_code == "OPAB"
    assert summary.counts == BoardCounts(**EXPECTED["counts"])  # type: ignore[arg-type]
    assert [e.label for e in summary.rag_key] == ["Blue", "Green", "Amber", "Red"]


def test_overdue_moves_with_today(board_database: Database) -> None:
    with board_database.session() as s:
        context = default_board_context(s)
        assert context is not None and context.plan_id is not None
        plan_id = context.plan_id
        assert overdue_action_count(s, plan_id, dt.date(2018, 12, 1)) == 0
        # 1.4 falls due on TODAY: overdue from the next day.
        assert overdue_action_count(s, plan_id, TODAY + dt.timedelta(days=1)) == 4
        # Everything with a date and not Blue, by 2020 (2.4 has no due date).
        assert overdue_action_count(s, plan_id, dt.date(2020, 1, 1)) == 6


def test_rag_key_uses_the_plans_own_definitions(board_database: Database) -> None:
    with board_database.begin() as s:
        plan = s.scalars(select(Plan)).one()
        s.add(
            RagDefinition(
                plan_id=plan.id,
                rag=Rag.AMBER,
                label="Amber",
                meaning="Some slippage",
                colour="#ffbf00",
                sort_order=3,
            )
        )
    with board_database.session() as s:
        context = default_board_context(s)
        assert context is not None
        summary = load_dashboard(s, context, TODAY)
    amber = next(e for e in summary.rag_key if e.rag == "amber")
    assert (amber.meaning, amber.colour) == ("Some slippage", "#ffbf00")
    red = next(e for e in summary.rag_key if e.rag == "red")
    assert red.colour == "#d4351c"


def test_board_without_plan_has_empty_figures(database: Database) -> None:
    with database.begin() as s:
        s.add(Board(code="OPAB", name="OPAB"))
    with database.session() as s:
        context = default_board_context(s)
        assert context is not None
        summary = load_dashboard(s, context, TODAY)
    assert summary.themes == ()
    assert summary.overdue_actions == 0
    assert summary.next_meeting is None
    assert summary.counts == BoardCounts(0, 0, 0, 0, 0)
