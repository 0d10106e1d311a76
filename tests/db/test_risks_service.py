"""The risk register service (db.services.risks) on the demo: rows, filters, bands, reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import Board, Decision, Membership, Risk, RiskBand, RiskReview, RiskStatus, Role
from db.rules import DEFAULT_RISK_BANDS, BandSpec
from db.services import risks
from db.services.risks import RiskFilter, Trend
from db.store import Database
from db.views import BoardContext, default_board_context, risk_counts

CUSTOM_BANDS = (
    BandSpec("Tolerable", 1, 6, "#00703C"),
    BandSpec("Watch", 7, 12, "#ffb000"),
    BandSpec("Intolerable", 13, 25, "#d4351c"),
)


@pytest.fixture
def demo(demo_database: Database) -> Database:
    """A fresh copy of the demo board for each test (writes stay in the test; tests/conftest.py)."""
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


def risk_id(demo: Database, reference: str) -> str:
    with demo.session() as s:
        found = s.scalar(select(Risk.id).where(Risk.reference == reference))
    assert found is not None
    return found


# --------------------------------------------------------------------------- register


def test_register_lists_open_risks_highest_score_first(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        rows = risks.risk_register(s, plan(ctx))
        everything = risks.risk_register(s, plan(ctx), RiskFilter(status=None))
        closed = risks.risk_register(s, plan(ctx), RiskFilter(status=RiskStatus.CLOSED))
    assert [r.reference for r in rows] == ["R5", "R7", "R3", "R9", "R2", "R8", "R1", "R6", "R10"]
    assert all(r.is_open for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert [r.reference for r in closed] == ["R4"]
    assert len(everything) == len(rows) + 1
    r5 = rows[0]
    assert (r5.likelihood, r5.impact, r5.score) == (4, 5, 20)
    assert (r5.band, r5.band_colour) == ("Very high", "#c62828")
    assert r5.target_score == 8 and r5.target_band == "Medium"
    assert r5.owner == "Fiona McAllister"
    assert r5.last_reviewed == dt.date(2019, 11, 5)


def test_trend_compares_the_last_two_reviews(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        rows = {r.reference: r for r in risks.risk_register(s, plan(ctx), RiskFilter(status=None))}
    assert rows["R5"].trend is Trend.RISING  # 16 -> 20
    assert rows["R2"].trend is Trend.FALLING
    assert rows["R7"].trend is Trend.STEADY


def test_above_target_filter_agrees_with_the_dashboard(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        rows = risks.risk_register(s, plan(ctx), RiskFilter(above_target=True))
        _open, above = risk_counts(s, plan(ctx))
    assert len(rows) == above == 6
    assert all(r.score > r.target_score for r in rows)


def test_cell_band_owner_and_target_cell_filters(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        cell = risks.risk_register(s, plan(ctx), RiskFilter(cell=(3, 4)))
        band = risks.risk_register(s, plan(ctx), RiskFilter(band="high"))
        unknown = risks.risk_register(s, plan(ctx), RiskFilter(band="Catastrophic"))
        target = risks.risk_register(s, plan(ctx), RiskFilter(target_cell=(2, 4)))
        owners = risks.risk_owners(s, plan(ctx))
        daniel = next(o for o in owners if o.name == "Daniel Firth")
        owned = risks.risk_register(s, plan(ctx), RiskFilter(owner_id=daniel.person_id))
        both = risks.risk_register(s, plan(ctx), RiskFilter(cell=(3, 4), owner_id=daniel.person_id))
    assert sorted(r.reference for r in cell) == ["R3", "R9"]
    assert [r.reference for r in band] == ["R7", "R3", "R9"]
    assert unknown == ()
    assert all((r.target_likelihood, r.target_impact) == (2, 4) for r in target) and target
    assert {r.reference for r in owned} == {"R1", "R9", "R10"}
    assert [r.reference for r in both] == ["R9"]
    assert [o.name for o in owners] == sorted(o.name for o in owners)


def test_heat_map_counts_match_the_register(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        grid = risks.heat_map(s, plan(ctx))
        rows = risks.risk_register(s, plan(ctx))
        all_grid = risks.heat_map(s, plan(ctx), status=None)
    assert grid.total == len(rows) == 9
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            here = [r for r in rows if (r.likelihood, r.impact) == (likelihood, impact)]
            at_target = [
                r for r in rows if (r.target_likelihood, r.target_impact) == (likelihood, impact)
            ]
            assert grid.at(likelihood, impact) == len(here)
            assert grid.at(likelihood, impact, target=True) == len(at_target)
    assert grid.at(4, 5) == 1
    assert all_grid.total == 10


def test_filter_from_a_page_spec() -> None:
    assert risks.filter_from_spec({"above_target": True}) == RiskFilter(above_target=True)
    assert risks.filter_from_spec({"cell": (4, 4)}) == RiskFilter(cell=(4, 4))
    assert risks.filter_from_spec({"cell": [9, 4]}) == RiskFilter()
    assert risks.filter_from_spec({"band": "High", "status": "all"}) == RiskFilter(
        band="High", status=None
    )
    assert risks.filter_from_spec({"status": "closed", "whatever": 1}) == RiskFilter(
        status=RiskStatus.CLOSED
    )


def test_detail_has_narrative_actions_and_reviews_newest_first(
    demo: Database, ctx: BoardContext
) -> None:
    with demo.session() as s:
        detail = risks.risk_detail(s, risk_id(demo, "R5"))
    assert detail.row.reference == "R5"
    assert detail.mitigation and detail.cause and detail.consequence and detail.description
    assert [a.reference for a in detail.actions] == ["3.9", "5.3"]
    assert detail.actions[0].rag == "red"
    days = [r.reviewed_on for r in detail.reviews]
    assert days == sorted(days, reverse=True)
    assert detail.reviews[0].score == 20 and detail.reviews[0].band == "Very high"
    assert detail.reviews[0].reviewer == "Fiona McAllister"
    with demo.session() as s, pytest.raises(NotFoundError):
        risks.risk_detail(s, "no-such-risk")


# --------------------------------------------------------------------------- bands


def test_a_plan_without_bands_uses_the_conventional_ones(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        bands = risks.risk_bands(s, plan(ctx))
    assert bands.bands == DEFAULT_RISK_BANDS
    assert not bands.custom


def test_secretariat_sets_bands_and_the_register_uses_them(
    demo: Database, ctx: BoardContext
) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    with demo.begin(clerk) as s:
        stored = risks.set_risk_bands(s, clerk, plan(ctx), list(reversed(CUSTOM_BANDS)))
    assert stored.custom
    assert [b.label for b in stored.bands] == ["Tolerable", "Watch", "Intolerable"]
    assert stored.bands[0].colour == "#00703c"  # tidied to lower case
    with demo.session() as s:
        rows = {r.reference: r for r in risks.risk_register(s, plan(ctx))}
        watch = risks.risk_register(s, plan(ctx), RiskFilter(band="Watch"))
        ids = set(s.scalars(select(RiskBand.id).where(RiskBand.plan_id == plan(ctx))))
    assert rows["R5"].band == "Intolerable"
    assert rows["R3"].band == "Watch" and rows["R10"].band == "Tolerable"
    assert {r.reference for r in watch} == {"R3", "R9", "R2", "R8", "R1", "R6"}

    # Rewriting updates the rows in place (a sync merges field by field).
    with demo.begin(clerk) as s:
        risks.set_risk_bands(
            s, clerk, plan(ctx), [*CUSTOM_BANDS[:2], BandSpec("Severe", 13, 25, "#000000")]
        )
    with demo.session() as s:
        assert set(s.scalars(select(RiskBand.id).where(RiskBand.plan_id == plan(ctx)))) == ids
        assert risks.risk_bands(s, plan(ctx)).bands[-1].label == "Severe"

    # Two bands: the third row goes. Then back to the conventional bands.
    with demo.begin(clerk) as s:
        two = risks.set_risk_bands(
            s,
            clerk,
            plan(ctx),
            [BandSpec("Low", 1, 9, "#00703c"), BandSpec("High", 10, 25, "#d4351c")],
        )
    assert len(two.bands) == 2
    with demo.begin(clerk) as s:
        assert risks.reset_risk_bands(s, clerk, plan(ctx)).bands == DEFAULT_RISK_BANDS
    with demo.session() as s:
        assert s.scalar(select(RiskBand.id).where(RiskBand.plan_id == plan(ctx))) is None


@pytest.mark.parametrize("role", [Role.CHAIR, Role.MEMBER, Role.OFFICER, Role.OBSERVER])
def test_only_the_secretariat_changes_bands(demo: Database, ctx: BoardContext, role: Role) -> None:
    who = person(demo, ctx, role)
    with demo.begin(who) as s, pytest.raises(PermissionDeniedError, match="not allowed"):
        risks.set_risk_bands(s, who, plan(ctx), CUSTOM_BANDS)
    with demo.begin(who) as s, pytest.raises(PermissionDeniedError):
        risks.reset_risk_bands(s, who, plan(ctx))


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "at least one"),
        (
            (BandSpec("Low", 1, 4, "#00703c"), BandSpec("High", 5, 20, "#d4351c")),
            "no band covers 21–25",
        ),
        (
            (BandSpec("Low", 2, 9, "#00703c"), BandSpec("High", 10, 25, "#d4351c")),
            "no band covers 1",
        ),
        (
            (BandSpec("Low", 1, 9, "#00703c"), BandSpec("High", 12, 25, "#d4351c")),
            "no band covers 10–11",
        ),
        (
            (BandSpec("Low", 1, 9, "#00703c"), BandSpec("High", 8, 25, "#d4351c")),
            '"Low" (1–9) and "High" (8–25) overlap on 8–9',
        ),
        (
            (BandSpec("Low", 1, 9, "#00703c"), BandSpec("low", 10, 25, "#d4351c")),
            'two bands are called "low"',
        ),
        ((BandSpec(" ", 1, 25, "#00703c"),), "band 1 has no label"),
        ((BandSpec("All", 1, 25, "red"),), 'colour "red"'),
        ((BandSpec("All", 0, 25, "#d4351c"),), "outside the scores 1–25"),
        ((BandSpec("All", 25, 1, "#d4351c"),), "starts at 25 but ends at 1"),
    ],
)
def test_bands_must_cover_1_to_25_exactly_once(bands: tuple[BandSpec, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=r"^(Risk bands must|There must)") as caught:
        risks.validate_bands(bands)
    assert message in str(caught.value)


def test_invalid_bands_write_nothing(demo: Database, ctx: BoardContext) -> None:
    clerk = person(demo, ctx, Role.SECRETARIAT)
    with demo.begin(clerk) as s, pytest.raises(ValidationError):
        risks.set_risk_bands(s, clerk, plan(ctx), [BandSpec("Low", 1, 9, "#00703c")])
    with demo.session() as s:
        assert not risks.risk_bands(s, plan(ctx)).custom


def test_the_conventional_bands_are_valid() -> None:
    assert risks.validate_bands(DEFAULT_RISK_BANDS) == DEFAULT_RISK_BANDS


# --------------------------------------------------------------------------- reviews


@pytest.mark.parametrize("role", [Role.CHAIR, Role.SECRETARIAT])
def test_chair_or_clerk_records_a_review_that_becomes_the_current_score(
    demo: Database, ctx: BoardContext, role: Role
) -> None:
    who = person(demo, ctx, role)
    r7 = risk_id(demo, "R7")
    with demo.begin(who) as s:
        decision = s.scalars(
            select(Decision).where(Decision.board_id == ctx.board_id).order_by(Decision.number)
        ).first()
        assert decision is not None
        recorded = risks.record_risk_review(
            s, who, r7, 2, 5, "  Joint exploitation hub now live.  ", dt.date(2020, 1, 14),
            decision.id,
        )  # fmt: skip
        number = decision.number
    assert not recorded.amended
    assert recorded.review.score == 10 and recorded.review.band == "High"
    assert recorded.review.commentary == "Joint exploitation hub now live."
    assert recorded.review.decision_number == number
    with demo.session() as s:
        row = next(r for r in risks.risk_register(s, plan(ctx)) if r.reference == "R7")
        detail = risks.risk_detail(s, r7)
    assert (row.likelihood, row.impact, row.score) == (2, 5, 10)
    assert row.trend is Trend.FALLING
    assert row.last_reviewed == dt.date(2020, 1, 14)
    assert detail.reviews[0].review_id == recorded.review.review_id


@pytest.mark.parametrize("role", [Role.MEMBER, Role.OFFICER, Role.OBSERVER, Role.VICE_CHAIR])
def test_other_roles_cannot_record_reviews(demo: Database, ctx: BoardContext, role: Role) -> None:
    who = person(demo, ctx, role)
    with demo.begin(who) as s, pytest.raises(PermissionDeniedError):
        risks.record_risk_review(s, who, risk_id(demo, "R7"), 2, 5, "", dt.date(2020, 1, 14))


def test_a_second_review_the_same_day_amends_it(demo: Database, ctx: BoardContext) -> None:
    chair = person(demo, ctx, Role.CHAIR)
    r1 = risk_id(demo, "R1")
    day = dt.date(2020, 1, 14)
    with demo.begin(chair) as s:
        first = risks.record_risk_review(s, chair, r1, 3, 4, "First go", day)
    with demo.begin(chair) as s:
        second = risks.record_risk_review(s, chair, r1, 2, 3, "Corrected", day)
    assert second.amended and second.review.review_id == first.review.review_id
    with demo.session() as s:
        count = len(s.scalars(select(RiskReview).where(RiskReview.risk_id == r1)).all())
        detail = risks.risk_detail(s, r1)
    assert count == 9  # eight from the demo, one today
    assert detail.reviews[0].commentary == "Corrected" and detail.row.score == 6


@pytest.mark.parametrize(
    ("likelihood", "impact", "day", "message"),
    [
        (0, 3, dt.date(2020, 1, 14), "Likelihood must be a whole number from 1 to 5"),
        (3, 6, dt.date(2020, 1, 14), "Impact must be"),
        (True, 3, dt.date(2020, 1, 14), "Likelihood must"),
        (3, 3, dt.date(2019, 10, 1), "last reviewed on 5 November 2019"),
    ],
)
def test_review_validation(
    demo: Database, ctx: BoardContext, likelihood: int, impact: int, day: dt.date, message: str
) -> None:
    chair = person(demo, ctx, Role.CHAIR)
    with demo.begin(chair) as s, pytest.raises(ValidationError, match=message):
        risks.record_risk_review(s, chair, risk_id(demo, "R7"), likelihood, impact, None, day)


def test_closed_risks_and_foreign_decisions_are_refused(demo: Database, ctx: BoardContext) -> None:
    chair = person(demo, ctx, Role.CHAIR)
    day = dt.date(2020, 1, 14)
    with demo.begin(chair) as s, pytest.raises(ValidationError, match="R4 is closed"):
        risks.record_risk_review(s, chair, risk_id(demo, "R4"), 1, 1, None, day)
    with demo.session() as s:
        cpb = s.scalar(select(Board.id).where(Board.code == "CPB"))
        other = s.scalar(select(Decision.id).where(Decision.board_id == cpb))
    assert other is not None
    with demo.begin(chair) as s, pytest.raises(ValidationError, match="another board"):
        risks.record_risk_review(s, chair, risk_id(demo, "R7"), 1, 1, None, day, other)
    with demo.begin(chair) as s, pytest.raises(NotFoundError):
        risks.record_risk_review(s, chair, risk_id(demo, "R7"), 1, 1, None, day, "nope")
    with demo.begin(chair) as s, pytest.raises(NotFoundError):
        risks.record_risk_review(s, chair, "nope", 1, 1, None, day)


def test_decision_choices_are_the_boards_newest_first(demo: Database, ctx: BoardContext) -> None:
    with demo.session() as s:
        choices = risks.review_decision_choices(s, ctx.board_id, limit=10)
    assert len(choices) == 10
    assert all(c.number.startswith("OPAB") for c in choices)
    dates = [c.meeting_date for c in choices]
    assert dates == sorted(dates, reverse=True)


def test_reference_key_orders_numbers_as_numbers() -> None:
    assert sorted(["R10", "R2", "R1"], key=risks.reference_key) == ["R1", "R2", "R10"]
