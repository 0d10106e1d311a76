"""The indicators service (db.services.kpis): rows, series, narrative, all-or-nothing CSV import.

The import's promise is checked three ways: named bad rows, a byte-for-byte
dump of the database before and after (`db.dump.dump_text`), and Hypothesis
throwing arbitrary text and half-good files at it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.dump import dump_text
from db.errors import BoardpackError, NotFoundError, PermissionDeniedError, ValidationError
from db.models import Board, Kpi, KpiValue, Membership, Person, Plan, Polarity, Role
from db.services import kpis
from db.services.kpis import Direction, RowAction, RowError
from db.store import Database
from db.views import BoardContext, default_board_context, kpis_in_sustained_decline
from tests.desktop.board_fixture import populate

HEADER = "kpi reference,period,value,national,regional,note"


@pytest.fixture
def demo(demo_database: Database) -> Database:
    """A fresh copy of the demo board for each test (tests/conftest.py)."""
    return demo_database


@pytest.fixture
def ctx(demo: Database) -> BoardContext:
    with demo.session() as s:
        context = default_board_context(s)
    assert context is not None and context.plan_id is not None
    return context


def person(demo: Database, ctx: BoardContext, role: Role) -> str:
    with demo.session() as s:
        found = s.scalars(
            select(Membership.person_id).where(
                Membership.board_id == ctx.board_id, Membership.role == role
            )
        ).first()
    assert found is not None
    return found


def plan(ctx: BoardContext) -> str:
    assert ctx.plan_id is not None
    return ctx.plan_id


def kpi_id(demo: Database, reference: str) -> str:
    with demo.session() as s:
        found = s.scalar(select(Kpi.id).where(Kpi.reference == reference))
    assert found is not None
    return found


def held(demo: Database, reference: str, period: dt.date) -> KpiValue | None:
    with demo.session() as s:
        return s.scalars(
            select(KpiValue)
            .join(Kpi, Kpi.id == KpiValue.kpi_id)
            .where(Kpi.reference == reference, KpiValue.period == period)
        ).first()


# --------------------------------------------------------------------------- rows


def test_rows_carry_latest_figures_direction_and_flags(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        rows = kpis.kpi_rows(s, plan(ctx))
    assert [r.reference for r in rows] == [f"K{n}" for n in range(1, 11)]
    by_ref = {r.reference: r for r in rows}
    k8 = by_ref["K8"]
    assert k8.latest_period == dt.date(2019, 12, 1)
    assert k8.latest_value == pytest.approx(27.6)
    assert (k8.target, k8.national, k8.regional) == (15.0, 15.0, pytest.approx(18.3))
    assert k8.direction is Direction.WORSENING
    assert k8.sustained_decline and k8.wrong_moves == 7
    assert k8.met_target is False and k8.has_narrative
    k10 = by_ref["K10"]  # higher is better, 86 against a target of 85
    assert k10.direction is Direction.IMPROVING and k10.met_target is True
    assert [r.reference for r in rows if r.sustained_decline] == ["K8"]


def test_decline_filter_agrees_with_the_dashboard(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        declining = kpis.kpi_rows(s, plan(ctx), sustained_decline_only=True)
        dashboard = kpis_in_sustained_decline(s, plan(ctx))
    assert [r.reference for r in declining] == [t.reference for t in dashboard] == ["K8"]


def small_board(database: Database) -> tuple[str, str]:
    """The desktop tests' known board plus a clerk and indicators of every shape."""
    populate(database)
    with database.begin() as s:
        board = s.scalars(select(Board).where(Board.code == "OPAB")).one()
        plan_id = s.scalars(select(Plan.id).where(Plan.board_id == board.id)).one()
        clerk = Person(name="Chris Clerk")
        s.add(clerk)
        s.flush()
        s.add(Membership(board_id=board.id, person_id=clerk.id, role=Role.SECRETARIAT))
        shapes = [
            ("Q1", Polarity.LOWER_IS_BETTER, 10.0, [14, 13, 12]),  # improving, met? no
            ("Q2", Polarity.HIGHER_IS_BETTER, 50.0, [40, 45, 45]),  # steady
            ("Q3", Polarity.HIGHER_IS_BETTER, 50.0, [55, 60, 58]),  # worsening, target met
            ("Q4", Polarity.LOWER_IS_BETTER, None, [3]),  # one value: no direction
            ("Q5", Polarity.LOWER_IS_BETTER, 5.0, []),  # no values
        ]
        for ref, polarity, target, values in shapes:
            kpi = Kpi(
                plan_id=plan_id, reference=ref, title=ref, unit="days", polarity=polarity,
                target=target,
            )  # fmt: skip
            s.add(kpi)
            s.flush()
            for month, value in enumerate(values, start=1):
                s.add(KpiValue(kpi_id=kpi.id, period=dt.date(2019, month, 1), value=float(value)))
    return plan_id, clerk.id


def test_direction_and_target_follow_polarity(database: Database) -> None:
    plan_id, _clerk = small_board(database)
    with database.session() as s:
        rows = {r.reference: r for r in kpis.kpi_rows(s, plan_id)}
    assert rows["Q1"].direction is Direction.IMPROVING and rows["Q1"].met_target is False
    assert rows["Q2"].direction is Direction.STEADY and rows["Q2"].met_target is False
    assert rows["Q3"].direction is Direction.WORSENING and rows["Q3"].met_target is True
    assert rows["Q4"].direction is None and rows["Q4"].met_target is None
    assert rows["Q5"].latest_value is None and rows["Q5"].met_target is None
    assert rows["PI 01"].direction is Direction.WORSENING  # 55 -> 52, higher is better
    assert rows["PI 04"].sustained_decline and rows["PI 01"].sustained_decline
    assert not rows["PI 03"].sustained_decline  # a flat move breaks the run


def test_series_for_the_chart(demo: Database) -> None:
    with demo.session() as s:
        series = kpis.kpi_series(s, kpi_id(demo, "K8"))
    assert len(series.points) == 16
    assert series.points[0].period == dt.date(2018, 9, 1)
    assert [p.period for p in series.points] == sorted(p.period for p in series.points)
    assert all(p.national is not None and p.regional is not None for p in series.points)
    assert series.sustained_decline and not series.higher_is_better
    assert series.narrative.text and series.narrative.by and series.narrative.at
    with demo.session() as s, pytest.raises(NotFoundError):
        kpis.kpi_series(s, "nope")


# --------------------------------------------------------------------------- narrative


def test_secretariat_writes_the_narrative_with_who_and_when(
    demo: Database, ctx: BoardContext
) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    at = dt.datetime(2020, 1, 10, 15, 30, tzinfo=dt.UTC)
    with demo.begin(clerk, clock=lambda: at) as s:
        written = kpis.set_narrative(s, clerk, kpi_id(demo, "K4"), "  Agency use is falling.  ")
    assert written.text == "Agency use is falling."
    with demo.session() as s:
        assert written.by == s.scalar(select(Person.name).where(Person.id == clerk))
    assert written.at == at
    with demo.session() as s:
        assert kpis.kpi_series(s, kpi_id(demo, "K4")).narrative == written
        assert next(r for r in kpis.kpi_rows(s, plan(ctx)) if r.reference == "K4").has_narrative
    with demo.begin(clerk) as s:
        cleared = kpis.set_narrative(s, clerk, kpi_id(demo, "K4"), "   ")
    assert cleared == kpis.KpiNarrative(None, None, None)


@pytest.mark.parametrize("role", [Role.CHAIR, Role.MEMBER, Role.OFFICER, Role.OBSERVER])
def test_only_the_secretariat_writes_narratives(
    demo: Database, ctx: BoardContext, role: Role
) -> None:
    who = person(demo, ctx, role)
    with demo.begin(who) as s, pytest.raises(PermissionDeniedError):
        kpis.set_narrative(s, who, kpi_id(demo, "K8"), "Mine now")


def test_narrative_length_is_bounded(demo: Database, ctx: BoardContext) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    with demo.begin(clerk) as s, pytest.raises(ValidationError, match="keep it under"):
        kpis.set_narrative(s, clerk, kpi_id(demo, "K8"), "x" * (kpis.MAX_NARRATIVE + 1))


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2019-03", dt.date(2019, 3, 1)),
        ("2019-3", dt.date(2019, 3, 1)),
        ("2019-03-31", dt.date(2019, 3, 1)),
        ("03/2019", dt.date(2019, 3, 1)),
        ("3/2019", dt.date(2019, 3, 1)),
        ("Jan 2019", dt.date(2019, 1, 1)),
        ("january 2019", dt.date(2019, 1, 1)),
        ("SEPT 2019", dt.date(2019, 9, 1)),
        ("Dec-2019", dt.date(2019, 12, 1)),
        (" 2019-12 ", dt.date(2019, 12, 1)),
    ],
)
def test_periods_in_every_accepted_spelling(text: str, month: dt.date) -> None:
    assert kpis.parse_period(text) == month


@pytest.mark.parametrize(
    "text",
    ["", "2019", "2019-13", "2019-02-30", "13/2019", "Foo 2019", "Jan 19", "31/03/2019", "1850-01"],
)
def test_what_is_not_a_period(text: str) -> None:
    assert kpis.parse_period(text) is None


# --------------------------------------------------------------------------- import


def test_a_good_file_inserts_new_months_and_updates_held_ones(
    demo: Database, ctx: BoardContext
) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    text = "\n".join(
        [
            "KPI Reference,Period,Value,National,Regional,Note",
            "K8,2020-01,28.1,15,18.4,Two more placements out of county",
            "k8,Dec 2019,27.9,,,",  # updates a held month; empty benchmarks keep theirs
            "K5,01/2020,19.2,17.8,18.1,",
            'K5,2019-12-31,"1,018.8",,,',  # thousands separator, month from a full date
            "K1,2019-11,22.8,,,",  # held and identical: unchanged
        ]
    )
    before = held(demo, "K8", dt.date(2019, 12, 1))
    assert before is not None
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(s, clerk, plan(ctx), text)
    assert report.errors == [] and report.written and report.rows_ok == 5
    assert [r.action for r in report.preview] == [
        RowAction.NEW,
        RowAction.UPDATE,
        RowAction.NEW,
        RowAction.UPDATE,
        RowAction.UNCHANGED,
    ]
    jan = held(demo, "K8", dt.date(2020, 1, 1))
    assert jan is not None and (jan.value, jan.national, jan.regional) == (28.1, 15.0, 18.4)
    assert jan.note == "Two more placements out of county"
    dec = held(demo, "K8", dt.date(2019, 12, 1))
    assert dec is not None and dec.value == 27.9
    assert (dec.national, dec.regional) == (before.national, before.regional)
    assert dec.id == before.id
    k5 = held(demo, "K5", dt.date(2019, 12, 1))
    assert k5 is not None and k5.value == 1018.8
    with demo.session() as s:
        k8 = next(r for r in kpis.kpi_rows(s, plan(ctx)) if r.reference == "K8")
    assert k8.latest_period == dt.date(2020, 1, 1) and k8.wrong_moves == 8


def test_a_dry_run_previews_and_writes_nothing(demo: Database, ctx: BoardContext) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    before = dump_text(demo.engine)
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(
            s, clerk, plan(ctx), f"{HEADER}\nK8,2020-01,28.1,,,\n", dry_run=True
        )
    assert report.ok and not report.written and report.rows_ok == 1
    assert report.preview[0].kpi_title.startswith("Children in care placed")
    assert dump_text(demo.engine) == before


BAD_ROWS = [
    ("K99,2020-01,1,,,", "kpi reference", '"K99" is not an indicator of this plan'),
    (",2020-01,1,,,", "kpi reference", "no indicator reference"),
    ("K8,2020-13,1,,,", "period", '"2020-13" is not a month'),
    ("K8,,1,,,", "period", "no period"),
    ("K8,2020-02,abc,,,", "value", '"abc" is not a number'),
    ("K8,2020-03,,,,", "value", "no value"),
    ("K8,2020-04,nan,,,", "value", "is not a number"),
    ("K8,2020-05,101,,,", "value", "outside 0–100 for a percentage"),
    ("K8,2020-06,-0.5,,,", "value", "outside 0–100"),
    ("K8,2020-07,20,1e3,,", "national", "is not a number"),
    ("K8,2020-08,20,,150%,", "regional", "outside 0–100"),
    ("K5,2020-09,3%,,,", "value", "has a % sign but the indicator is in cases"),
    ("K8,2020-10,20,,,,extra", None, "the row has 7 cells but the header names 6"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
def test_one_bad_row_stops_the_whole_file(
    demo: Database, ctx: BoardContext, row: str, column: str | None, reason: str
) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    text = f"{HEADER}\nK8,2020-01,28.1,,,\nK1,2020-01,22.4,,,\n{row}\nK2,2020-01,19.9,,,\n"
    before = dump_text(demo.engine)
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(s, clerk, plan(ctx), text)
    assert not report.written and report.rows_ok == 3
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row_number, error.column) == (4, column)
    assert reason in error.reason
    assert dump_text(demo.engine) == before


def test_a_month_twice_in_the_file_names_both_rows(demo: Database, ctx: BoardContext) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    text = f"{HEADER}\nK8,2020-01,28.1,,,\n\nK8,Jan 2020,28.2,,,\n"
    before = dump_text(demo.engine)
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(s, clerk, plan(ctx), text)
    assert report.errors == [RowError(4, "period", "K8 Jan 2020 is already in row 2")]
    assert dump_text(demo.engine) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", RowError(1, None, "the file is empty")),
        ("\n\n , ,\n", RowError(1, None, "the file is empty")),
        (HEADER + "\n", RowError(2, None, "the file has a header but no values")),
        ("kpi reference,value\nK8,1\n", RowError(1, "period", 'the header has no "period" column')),
        (
            "kpi,period,value,value\n",
            RowError(1, "value", 'the column "value" appears twice'),
        ),
    ],
)
def test_header_problems(demo: Database, ctx: BoardContext, text: str, expected: RowError) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(s, clerk, plan(ctx), text)
    assert expected in report.errors and not report.written


def test_an_unknown_column_is_named_not_ignored(demo: Database, ctx: BoardContext) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(
            s, clerk, plan(ctx), "kpi,period,value,nationl\nK8,2020-01,1,2\n"
        )
    assert [(e.row_number, e.column) for e in report.errors] == [(1, "nationl")]
    assert "unknown column" in report.errors[0].reason


def test_semicolons_bom_and_windows_line_ends(demo: Database, ctx: BoardContext) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    text = "\ufeffKPI;Month;Value;Notes\r\nK8;2020-01;28.1;from the returns\r\n"
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(s, clerk, plan(ctx), text)
    assert report.written and report.rows_ok == 1
    value = held(demo, "K8", dt.date(2020, 1, 1))
    assert value is not None and value.note == "from the returns"


@pytest.mark.parametrize("role", [Role.CHAIR, Role.MEMBER, Role.OFFICER, Role.OBSERVER])
def test_only_the_secretariat_imports(demo: Database, ctx: BoardContext, role: Role) -> None:
    who = person(demo, ctx, role)
    with demo.begin(who) as s, pytest.raises(PermissionDeniedError):
        kpis.import_kpi_values(s, who, plan(ctx), f"{HEADER}\nK8,2020-01,28.1,,,\n", dry_run=True)


def test_errors_are_capped(demo: Database, ctx: BoardContext) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    text = HEADER + "\n" + "\n".join(f"K8,bad{i},x,,," for i in range(400))
    with demo.begin(clerk) as s:
        report = kpis.import_kpi_values(s, clerk, plan(ctx), text)
    assert len(report.errors) == kpis.MAX_ERRORS + 1
    assert report.errors[-1].reason == "…and 300 more errors"


# --------------------------------------------------------------------------- properties

_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def small(database: Database) -> tuple[Database, str, str]:
    plan_id, clerk = small_board(database)
    return database, plan_id, clerk


def _import(small: tuple[Database, str, str], text: str) -> tuple[kpis.ImportReport, str, str]:
    database, plan_id, clerk = small
    before = dump_text(database.engine)
    try:
        with database.begin(clerk) as s:
            report = kpis.import_kpi_values(s, clerk, plan_id, text)
    except ValidationError:  # the one other clean outcome allowed
        assert dump_text(database.engine) == before
        raise
    return report, before, dump_text(database.engine)


@_SETTINGS
@given(text=st.text(max_size=400))
def test_garbage_never_raises_and_never_writes_half(
    small: tuple[Database, str, str], text: str
) -> None:
    try:
        report, before, after = _import(small, text)
    except BoardpackError:
        return
    assert report.written == (not report.errors)
    if report.errors:
        assert after == before
        assert all(e.row_number >= 1 and e.reason for e in report.errors)


_cell = st.one_of(
    st.sampled_from(
        ["", " ", "12", "12.5", "99.9", "101", "-1", "1,234", "abc", "nan", "50%", "K8"]
    ),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=8),
)
_good_row = st.tuples(
    st.sampled_from(["PI 01", "PI 02", "pi 04", "PI 03", "Q1", "Q3"]),
    st.sampled_from(["2020-01", "Feb 2020", "03/2020", "2020-04-15", "2019-01", "Jan 2019"]),
    st.sampled_from(["0", "12.5", "99", "45"]),
    st.sampled_from(["", "10", "20.5"]),
    st.sampled_from(["", "11"]),
    st.sampled_from(["", "note"]),
)
_any_row = st.one_of(_good_row, st.tuples(_cell, _cell, _cell, _cell, _cell, _cell))


@_SETTINGS
@given(rows=st.lists(_any_row, min_size=1, max_size=12))
def test_half_good_files_are_all_or_nothing(
    small: tuple[Database, str, str], rows: list[tuple[str, ...]]
) -> None:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"'

    text = HEADER + "\n" + "\n".join(",".join(quote(c) for c in row) for row in rows)
    report, before, after = _import(small, text)
    if report.errors:
        assert after == before and not report.written
        return
    assert report.written
    database, plan_id, _clerk = small
    with database.session() as s:
        refs = {
            k.id: k.reference.casefold()
            for k in s.scalars(select(Kpi).where(Kpi.plan_id == plan_id))
        }
        stored = {
            (refs[v.kpi_id], v.period): v.value
            for v in s.scalars(select(KpiValue).where(KpiValue.kpi_id.in_(refs)))
        }
    for row in report.preview:
        assert stored[(row.kpi_reference.casefold(), row.period)] == row.value
