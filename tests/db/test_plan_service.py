"""db.services.plan on the demo board: the tree and its filters, an action's detail, the writes.

The demo is built once per module (`create_demo(render_paper=None)`) and each
test that writes works on its own copy of the file, so tests never see each
other's updates. The Blue gate, the roles (chair, secretariat, officer on
their own and on another's action, member, observer), the due-date rules and
every filter are checked against the demo's known story.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.demo import DEMO_AS_OF, create_demo
from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import (
    Action,
    ActionStatus,
    Blob,
    Board,
    Decision,
    Evidence,
    EvidenceReview,
    Person,
    ProgressUpdate,
    Rag,
    ReviewOutcome,
)
from db.rules import can_go_blue, is_overdue
from db.services import plan as svc
from db.services.plan import (
    ROW_DUE,
    ROW_OVERDUE,
    ROW_OWNER,
    ROW_RAG,
    ROW_REFERENCE,
    ROW_UPDATED,
    ActionRow,
    PlanFilter,
)
from db.store import Database, backup_copy, open_database
from db.views import default_board_context, overdue_action_count

TODAY = DEMO_AS_OF


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan-demo") / "demo.db"
    create_demo(path, render_paper=None).close()
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo board."""
    copy = backup_copy(demo_file, tmp_path / "demo.db")
    database = open_database(copy)
    yield database
    database.close()


@pytest.fixture
def plan_id(db: Database) -> str:
    with db.session() as s:
        context = default_board_context(s)
        assert context is not None and context.plan_id is not None
        return context.plan_id


def person(s: Session, name: str) -> str:
    found = s.scalar(select(Person.id).where(Person.name == name))
    assert found is not None, name
    return found


def action(s: Session, reference: str) -> Action:
    found = s.scalars(select(Action).where(Action.reference == reference)).one()
    return found


CHAIR = "Dr Helen Marchbank"
SECRETARIAT = "Emma Castellano"
MEMBER = "Tom Everett"
OBSERVER = "Ian Fairweather"
OFFICER = "Mark Oduya"  # owns 1.3 and 2.1, not 2.7


def rows(tree: svc.PlanTree) -> list[ActionRow]:
    return [row for theme in tree.themes for row in theme.actions]


# -- Rules -------------------------------------------------------------------------------


def test_blue_needs_accepted_evidence() -> None:
    assert not can_go_blue(0)
    assert can_go_blue(1)
    assert can_go_blue(3)


def test_overdue_is_past_due_and_not_blue() -> None:
    day = dt.date(2020, 1, 10)
    assert is_overdue(dt.date(2020, 1, 9), "amber", day)
    assert is_overdue(dt.date(2020, 1, 9), None, day)
    assert not is_overdue(dt.date(2020, 1, 9), "blue", day)
    assert not is_overdue(day, "red", day)  # due today is not overdue yet
    assert not is_overdue(None, "red", day)


def test_references_sort_as_numbers() -> None:
    refs = ["2.10", "2.9", "2.1", "10.1", "2.3a", "2"]
    assert sorted(refs, key=svc.reference_key) == ["2", "2.1", "2.3a", "2.9", "2.10", "10.1"]

    def row(ref: str) -> ActionRow:
        return ("id-" + ref, ref, "t", None, None, None, None, False, None)

    numeric = [row(r) for r in ("1.10", "1.2", "1.1")]
    svc.sort_by_reference(numeric)
    assert [r[ROW_REFERENCE] for r in numeric] == ["1.1", "1.2", "1.10"]
    mixed = [row(r) for r in ("1.10", "1.2a", "1.2")]
    svc.sort_by_reference(mixed)
    assert [r[ROW_REFERENCE] for r in mixed] == ["1.2", "1.2a", "1.10"]


# -- The tree and its filters ----------------------------------------------------------


def test_tree_has_the_five_themes_and_35_actions_in_order(db: Database, plan_id: str) -> None:
    with db.session() as s:
        tree = svc.plan_tree(s, plan_id, today=TODAY)
    assert [t.number for t in tree.themes] == [1, 2, 3, 4, 5]
    assert tree.action_count == tree.total_actions == 35
    assert [t.total_actions for t in tree.themes] == [len(t.actions) for t in tree.themes]
    assert [r[ROW_REFERENCE] for r in tree.themes[1].actions] == [f"2.{n}" for n in range(1, 10)]
    first = tree.themes[0].actions[0]
    assert (first[ROW_REFERENCE], first[ROW_OWNER], first[ROW_RAG]) == (
        "1.1",
        "Hannah Wilde",
        "blue",
    )
    assert first[ROW_DUE] == dt.date(2018, 10, 31)
    assert first[ROW_UPDATED] is not None and first[ROW_UPDATED].tzinfo is not None
    assert all(r[ROW_OVERDUE] == is_overdue(r[ROW_DUE], r[ROW_RAG], TODAY) for r in rows(tree))


def test_rows_are_plain_tuples_the_collector_lets_go(db: Database, plan_id: str) -> None:
    import gc

    with db.session() as s:
        tree = svc.plan_tree(s, plan_id, today=TODAY)
    gc.collect()
    assert all(type(r) is tuple and not gc.is_tracked(r) for r in rows(tree))


def test_filter_by_theme(db: Database, plan_id: str) -> None:
    with db.session() as s:
        tree = svc.plan_tree(s, plan_id, PlanFilter(theme=2), today=TODAY)
        everything = svc.plan_tree(s, plan_id, PlanFilter(theme=0), today=TODAY)
    assert [t.number for t in tree.themes] == [2]
    assert tree.action_count == 9
    assert tree.themes[0].total_actions == 9
    assert everything.action_count == 35  # theme 0 is "all themes" (the dashboard's total row)


@pytest.mark.parametrize("rag", ["blue", "green", "amber", "red"])
def test_filter_by_rag(db: Database, plan_id: str, rag: str) -> None:
    with db.session() as s:
        full = svc.plan_tree(s, plan_id, today=TODAY)
        tree = svc.plan_tree(s, plan_id, PlanFilter(rag=rag), today=TODAY)
    expected = [r[ROW_REFERENCE] for r in rows(full) if r[ROW_RAG] == rag]
    assert [r[ROW_REFERENCE] for r in rows(tree)] == expected
    assert expected  # the demo has actions at every RAG
    assert all(t.actions for t in tree.themes)  # themes with no match are left out


def test_filter_by_no_rag(db: Database, plan_id: str) -> None:
    with db.begin() as s:
        s.execute(update(Action).where(Action.reference == "5.5").values(rag=None))
    with db.session() as s:
        tree = svc.plan_tree(s, plan_id, PlanFilter(rag="none"), today=TODAY)
    assert [r[ROW_REFERENCE] for r in rows(tree)] == ["5.5"]
    assert rows(tree)[0][ROW_RAG] is None


def test_filter_by_owner(db: Database, plan_id: str) -> None:
    with db.session() as s:
        owner = person(s, OFFICER)
        tree = svc.plan_tree(s, plan_id, PlanFilter(owner_id=owner), today=TODAY)
        choices = svc.filter_choices(s, plan_id, TODAY)
    found = rows(tree)
    assert {r[ROW_OWNER] for r in found} == {OFFICER}
    assert "1.3" in {r[ROW_REFERENCE] for r in found} and "2.1" in {r[ROW_REFERENCE] for r in found}
    mark = next(o for o in choices.owners if o.person_id == owner)
    assert mark.actions == len(found)


def test_filter_overdue_matches_the_dashboard(db: Database, plan_id: str) -> None:
    with db.session() as s:
        tree = svc.plan_tree(s, plan_id, PlanFilter(overdue=True), today=TODAY)
        count = overdue_action_count(s, plan_id, TODAY)
    found = rows(tree)
    assert len(found) == count == 5
    assert all(r[ROW_OVERDUE] and r[ROW_RAG] != "blue" for r in found)
    assert "2.7" in {r[ROW_REFERENCE] for r in found}


def test_filter_due_within(db: Database, plan_id: str) -> None:
    with db.session() as s:
        full = svc.plan_tree(s, plan_id, today=TODAY)
        tree = svc.plan_tree(s, plan_id, PlanFilter(due_within=30), today=TODAY)
        none = svc.plan_tree(s, plan_id, PlanFilter(due_within=0), today=TODAY)
    horizon = TODAY + dt.timedelta(days=30)
    expected = [
        r[ROW_REFERENCE]
        for r in rows(full)
        if r[ROW_DUE] is not None and TODAY <= r[ROW_DUE] <= horizon and r[ROW_RAG] != "blue"
    ]
    assert [r[ROW_REFERENCE] for r in rows(tree)] == expected == ["2.4", "3.4"]
    assert none.action_count == 0


def test_filter_changed_since_last_meeting(db: Database, plan_id: str) -> None:
    with db.session() as s:
        full = svc.plan_tree(s, plan_id, today=TODAY)
        tree = svc.plan_tree(s, plan_id, PlanFilter(changed_since_last_meeting=True), today=TODAY)
        last = svc.last_closed_meeting(s, default_board_id(s), TODAY)
    assert last == dt.date(2019, 11, 5)
    assert tree.since == last
    cutoff = dt.datetime(2019, 11, 6, tzinfo=dt.UTC)
    expected = [r[ROW_REFERENCE] for r in rows(full) if r[ROW_UPDATED] and r[ROW_UPDATED] >= cutoff]
    assert [r[ROW_REFERENCE] for r in rows(tree)] == expected
    # 2.2 went Blue on the afternoon of the meeting itself: the meeting's own record.
    assert "2.2" not in expected
    assert len(expected) == 28


def default_board_id(s: Session) -> str:
    context = default_board_context(s)
    assert context is not None
    return context.board_id


def test_filters_combine(db: Database, plan_id: str) -> None:
    with db.session() as s:
        tree = svc.plan_tree(s, plan_id, PlanFilter(theme=2, rag="amber"), today=TODAY)
    assert [r[ROW_REFERENCE] for r in rows(tree)] == ["2.1", "2.4"]


@pytest.mark.parametrize(
    "spec",
    [
        PlanFilter(),
        PlanFilter(theme=3),
        PlanFilter(rag="red"),
        PlanFilter(rag="none"),
        PlanFilter(overdue=True),
        PlanFilter(due_within=90),
        PlanFilter(changed_since_last_meeting=True),
        PlanFilter(theme=2, rag="green", overdue=False),
    ],
)
def test_narrowing_the_loaded_tree_equals_filtering_in_sql(
    db: Database, plan_id: str, spec: PlanFilter
) -> None:
    with db.session() as s:
        full = svc.plan_tree(s, plan_id, today=TODAY)
        direct = svc.plan_tree(s, plan_id, spec, today=TODAY)
        matches = svc.matching_action_ids(s, plan_id, spec, today=TODAY)
    assert svc.narrow(full, matches) == direct


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (PlanFilter(rag="purple"), "not a RAG rating"),
        (PlanFilter(theme=9), "no theme 9"),
        (PlanFilter(due_within=-1), "0 or more"),
    ],
)
def test_bad_filters_are_refused_in_a_sentence(
    db: Database, plan_id: str, spec: PlanFilter, words: str
) -> None:
    with db.session() as s, pytest.raises(ValidationError, match=words):
        svc.plan_tree(s, plan_id, spec, today=TODAY)


def test_filter_choices(db: Database, plan_id: str) -> None:
    with db.session() as s:
        choices = svc.filter_choices(s, plan_id, TODAY)
    assert [t.number for t in choices.themes] == [1, 2, 3, 4, 5]
    assert len(choices.owners) == 15
    assert sum(o.actions for o in choices.owners) == 35
    assert [o.name for o in choices.owners] == sorted(
        (o.name for o in choices.owners), key=str.casefold
    )
    assert choices.last_meeting == dt.date(2019, 11, 5)


def test_filter_choices_from_a_loaded_tree_are_the_same(db: Database, plan_id: str) -> None:
    with db.session() as s:
        tree = svc.plan_tree(s, plan_id, today=TODAY)
        assert svc.filter_choices(s, plan_id, TODAY, tree=tree) == svc.filter_choices(
            s, plan_id, TODAY
        )


def test_rag_definitions_are_the_plans(db: Database, plan_id: str) -> None:
    with db.session() as s:
        key = svc.rag_definitions(s, plan_id)
    assert [e.rag for e in key] == ["blue", "green", "amber", "red"]
    assert all(e.meaning and e.colour.startswith("#") for e in key)


# -- Detail ------------------------------------------------------------------------------


def test_detail_of_an_action_that_went_blue(db: Database) -> None:
    with db.session() as s:
        detail = svc.action_detail(s, action(s, "1.1").id, today=TODAY)
    assert (detail.reference, detail.rag, detail.status) == ("1.1", "blue", "complete")
    assert detail.owner_name == "Hannah Wilde"
    assert detail.theme_number == 1 and detail.description and detail.success_measure
    assert detail.lead_agency
    assert not detail.overdue

    # Recommendations grouped by source, refs in order.
    assert [g.source for g in detail.recommendations] == ["commissioner"]
    assert [i.reference for i in detail.recommendations[0].items] == ["C1", "C10"]
    assert all(i.text for i in detail.recommendations[0].items)

    # History newest first; the Blue entry links the decision that agreed it.
    stamps = [h.recorded_at for h in detail.history]
    assert stamps == sorted(stamps, reverse=True)
    assert detail.history[0].rag == "blue"
    assert detail.history[0].decision_number == "OPAB 19/13"
    assert detail.history[0].previous_rag == detail.history[1].rag
    assert all(h.author_name for h in detail.history)

    # Two pieces of evidence: one returned, one accepted, each with its review.
    states = [(e.title, e.state) for e in detail.evidence]
    assert [state for _, state in states] == ["returned", "accepted"]
    assert detail.accepted_evidence == 1 and detail.can_go_blue
    for item in detail.evidence:
        assert item.reviews and item.reviews[-1].outcome == item.state
        assert item.reviews[-1].decision_number
        assert item.url and not item.has_file and not item.on_this_laptop

    assert [risk.reference for risk in detail.risks]
    numbers = [d.number for d in detail.decisions]
    assert "OPAB 19/13" in numbers
    by_number = {d.number: d for d in detail.decisions}
    assert "RAG change" in by_number["OPAB 19/13"].via
    assert "evidence review" in by_number["OPAB 19/13"].via
    assert any(v.startswith("agenda item") for d in detail.decisions for v in d.via)
    dates = [d.meeting_date for d in detail.decisions]
    assert dates == sorted(dates)


def test_detail_shows_due_date_moves_with_their_reasons(db: Database) -> None:
    with db.session() as s:
        detail = svc.action_detail(s, action(s, "2.1").id, today=TODAY)
    moves = [h for h in detail.history if h.new_due_date is not None]
    assert [(m.previous_due_date, m.new_due_date) for m in moves] == [
        (dt.date(2019, 12, 31), dt.date(2020, 6, 30)),
        (dt.date(2019, 6, 30), dt.date(2019, 12, 31)),
    ]
    assert all(m.due_date_reason for m in moves)
    assert detail.evidence == () and not detail.can_go_blue


def test_detail_of_an_unknown_action(db: Database) -> None:
    with db.session() as s, pytest.raises(NotFoundError):
        svc.action_detail(s, "no-such-action", today=TODAY)


# -- Progress updates --------------------------------------------------------------------


def record(
    db: Database, who: str, reference: str, rag: str = "amber", **kwargs: object
) -> svc.HistoryEntry:
    with db.begin() as s:
        actor = person(s, who)
        s.info["actor_id"] = actor
        return svc.record_progress_update(
            s,
            actor,
            action(s, reference).id,
            rag,
            str(kwargs.pop("commentary", "Recovery plan agreed with the service.")),
            today=TODAY,
            **kwargs,  # type: ignore[arg-type]
        )


def test_the_chair_records_a_progress_update(db: Database, plan_id: str) -> None:
    entry = record(db, CHAIR, "2.7", "amber", commentary="Recovery in hand.")
    assert (entry.rag, entry.previous_rag, entry.author_name) == ("amber", "red", CHAIR)
    with db.session() as s:
        row = action(s, "2.7")
        assert row.rag is Rag.AMBER
        detail = svc.action_detail(s, row.id, today=TODAY)
        changed = svc.plan_tree(
            s, plan_id, PlanFilter(changed_since_last_meeting=True), today=TODAY
        )
    assert detail.history[0].commentary == "Recovery in hand."
    assert detail.history[0].update_id == entry.update_id
    assert "2.7" in {r[ROW_REFERENCE] for r in rows(changed)}


def test_the_secretariat_may_record_progress(db: Database) -> None:
    assert record(db, SECRETARIAT, "3.7", "red").author_name == SECRETARIAT


def test_an_officer_updates_their_own_action_only(db: Database) -> None:
    assert record(db, OFFICER, "2.1", "green").rag == "green"
    with pytest.raises(PermissionDeniedError, match="only the actions they own"):
        record(db, OFFICER, "2.7", "green")
    with db.session() as s:
        assert action(s, "2.7").rag is Rag.RED  # nothing written


@pytest.mark.parametrize("who", [MEMBER, OBSERVER])
def test_members_and_observers_may_not_record_progress(db: Database, who: str) -> None:
    with pytest.raises(PermissionDeniedError, match="your role on this board"):
        record(db, who, "2.7", "amber")


def test_nobody_signed_in_may_not_record_progress(db: Database) -> None:
    with db.begin() as s, pytest.raises(PermissionDeniedError, match="nobody is signed in"):
        svc.record_progress_update(s, None, action(s, "2.7").id, "amber", "x", today=TODAY)


def test_may_update_progress_answers_as_the_service_would(db: Database) -> None:
    with db.session() as s:
        mine, other = action(s, "2.1").id, action(s, "2.7").id
        assert svc.may_update_progress(s, person(s, CHAIR), other)
        assert svc.may_update_progress(s, person(s, OFFICER), mine)
        assert not svc.may_update_progress(s, person(s, OFFICER), other)
        assert not svc.may_update_progress(s, person(s, MEMBER), mine)
        assert not svc.may_update_progress(s, None, mine)


@pytest.mark.parametrize("reference", ["2.1", "3.4", "1.3"])  # none, submitted, returned
def test_blue_is_refused_without_accepted_evidence(db: Database, reference: str) -> None:
    with pytest.raises(ValidationError, match="cannot go Blue"):
        record(db, CHAIR, reference, "blue")
    with db.session() as s:
        assert action(s, reference).rag is not Rag.BLUE
        assert action(s, reference).status is not ActionStatus.COMPLETE


def review(db: Database, reference: str, outcome: ReviewOutcome, at: dt.datetime) -> None:
    with db.begin() as s:
        evidence_id = s.scalars(
            select(Evidence.id).where(Evidence.action_id == action(s, reference).id)
        ).first()
        assert evidence_id is not None
        s.add(EvidenceReview(evidence_id=evidence_id, outcome=outcome, reviewed_at=at))


def test_blue_is_allowed_once_the_board_accepts_evidence(db: Database) -> None:
    review(db, "3.4", ReviewOutcome.ACCEPTED, dt.datetime(2020, 1, 8, 11, tzinfo=dt.UTC))
    entry = record(db, CHAIR, "3.4", "blue", commentary="Evidence accepted; complete.")
    assert entry.rag == "blue"
    with db.session() as s:
        row = action(s, "3.4")
        assert (row.rag, row.status) == (Rag.BLUE, ActionStatus.COMPLETE)
    # Leaving Blue again puts the action back in progress.
    record(db, CHAIR, "3.4", "amber")
    with db.session() as s:
        assert action(s, "3.4").status is ActionStatus.IN_PROGRESS


def test_only_the_latest_review_counts_for_blue(db: Database) -> None:
    review(db, "3.4", ReviewOutcome.ACCEPTED, dt.datetime(2020, 1, 7, 11, tzinfo=dt.UTC))
    review(db, "3.4", ReviewOutcome.RETURNED, dt.datetime(2020, 1, 8, 11, tzinfo=dt.UTC))
    with db.session() as s:
        assert svc.accepted_evidence_count(s, action(s, "3.4").id) == 0
    with pytest.raises(ValidationError, match="cannot go Blue"):
        record(db, CHAIR, "3.4", "blue")


def test_a_moved_due_date_needs_a_reason(db: Database) -> None:
    new = dt.date(2020, 9, 30)
    with pytest.raises(ValidationError, match="needs a reason"):
        record(db, CHAIR, "2.4", new_due_date=new)
    with pytest.raises(ValidationError, match="needs a reason"):
        record(db, CHAIR, "2.4", new_due_date=new, due_date_reason="   ")
    with pytest.raises(ValidationError, match="no new due date"):
        record(db, CHAIR, "2.4", due_date_reason="Slipped.")
    with pytest.raises(ValidationError, match="in the past"):
        record(db, CHAIR, "2.4", new_due_date=dt.date(2019, 12, 1), due_date_reason="Oops.")
    entry = record(db, CHAIR, "2.4", new_due_date=new, due_date_reason="Release slipped.")
    assert (entry.previous_due_date, entry.new_due_date) == (dt.date(2020, 1, 31), new)
    assert entry.due_date_reason == "Release slipped."
    with db.session() as s:
        assert action(s, "2.4").due_date == new


def test_the_same_due_date_is_not_a_move(db: Database) -> None:
    entry = record(db, CHAIR, "2.4", new_due_date=dt.date(2020, 1, 31))
    assert entry.new_due_date is None and entry.previous_due_date is None


def test_a_progress_update_needs_a_commentary(db: Database) -> None:
    with pytest.raises(ValidationError, match="needs a commentary"):
        record(db, CHAIR, "2.4", commentary="  ")


def test_an_unknown_rag_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="not a RAG rating"):
        record(db, CHAIR, "2.4", "purple")


def test_a_progress_update_may_cite_a_decision_of_this_board_only(db: Database) -> None:
    with db.session() as s:
        board_id = default_board_id(s)
        choices = svc.decision_choices(s, board_id, TODAY)
        other = s.scalar(
            select(Decision.id)
            .join(Board, Board.id == Decision.board_id)
            .where(Board.id != board_id)
            .limit(1)
        )
    assert choices and choices[0].meeting_date == max(c.meeting_date for c in choices)
    entry = record(db, CHAIR, "2.4", decision_id=choices[0].decision_id)
    assert entry.decision_number == choices[0].number
    if other is not None:
        with pytest.raises(ValidationError, match="not a decision of this board"):
            record(db, CHAIR, "2.4", decision_id=other)
    with pytest.raises(ValidationError, match="not a decision of this board"):
        record(db, CHAIR, "2.4", decision_id="no-such-decision")


def test_an_unknown_action_is_not_found(db: Database) -> None:
    with db.begin() as s, pytest.raises(NotFoundError):
        svc.record_progress_update(s, person(s, CHAIR), "nope", "amber", "x", today=TODAY)


def test_each_update_is_one_history_entry(db: Database) -> None:
    with db.session() as s:
        before = len(s.scalars(select(ProgressUpdate.id)).all())
    record(db, CHAIR, "2.4")
    record(db, CHAIR, "2.4", "red")
    with db.session() as s:
        assert len(s.scalars(select(ProgressUpdate.id)).all()) == before + 2
        assert action(s, "2.4").rag is Rag.RED


# -- Evidence ----------------------------------------------------------------------------


def attach(
    db: Database, who: str, reference: str, data: bytes, name: str = "report.pdf"
) -> svc.AttachedEvidence:
    with db.begin() as s:
        actor = person(s, who)
        return svc.attach_evidence(
            s, actor, action(s, reference).id, name, data, None, "application/pdf"
        )


def test_attaching_evidence_stores_the_file_once(db: Database) -> None:
    data = b"%PDF-1.4 audit of step-down decisions"
    first = attach(db, OFFICER, "2.1", data, "C:\\Users\\mark\\step-down audit.pdf")
    second = attach(db, CHAIR, "2.1", data, "copy.pdf")
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    assert (first.new_file, second.new_file) == (True, False)
    assert first.title == "step-down audit"
    with db.session() as s:
        assert len(s.scalars(select(Blob.sha256).where(Blob.sha256 == first.sha256)).all()) == 1
        detail = svc.action_detail(s, action(s, "2.1").id, today=TODAY)
        assert svc.evidence_bytes(s, first.evidence_id) == data
    item = next(e for e in detail.evidence if e.evidence_id == first.evidence_id)
    assert item.filename == "step-down audit.pdf"
    assert (item.state, item.has_file, item.on_this_laptop) == ("submitted", True, True)
    assert item.submitted_by == OFFICER and item.size == len(data)
    assert not detail.can_go_blue  # submitted is not accepted


def test_evidence_not_fetched_yet_has_no_bytes_here(db: Database) -> None:
    data = b"minutes extract"
    attached = attach(db, CHAIR, "2.1", data)
    with db.begin() as s:
        s.execute(update(Blob).where(Blob.sha256 == attached.sha256).values(data=None))
    with db.session() as s:
        assert svc.evidence_bytes(s, attached.evidence_id) is None
        item = svc.action_detail(s, action(s, "2.1").id, today=TODAY).evidence[-1]
        assert item.has_file and not item.on_this_laptop
    # Attaching the same file again puts the bytes back.
    assert not attach(db, CHAIR, "2.4", data).new_file
    with db.session() as s:
        assert svc.evidence_bytes(s, attached.evidence_id) == data


def test_a_link_has_no_file(db: Database) -> None:
    with db.session() as s:
        link = svc.action_detail(s, action(s, "1.1").id, today=TODAY).evidence[0]
        with pytest.raises(NotFoundError, match="is a link"):
            svc.evidence_bytes(s, link.evidence_id)
        with pytest.raises(NotFoundError):
            svc.evidence_bytes(s, "no-such-evidence")


def test_evidence_rights_follow_progress_rights(db: Database) -> None:
    assert attach(db, SECRETARIAT, "2.7", b"x").new_file
    with pytest.raises(PermissionDeniedError):
        attach(db, OFFICER, "2.7", b"y")
    with pytest.raises(PermissionDeniedError):
        attach(db, MEMBER, "2.1", b"z")


def test_an_empty_file_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="is empty"):
        attach(db, CHAIR, "2.1", b"")
    with pytest.raises(ValidationError, match="file name"):
        attach(db, CHAIR, "2.1", b"x", "  ")
