"""Decisions and actions arising (db.services.decisions) on the demo board: numbering per
board and year (also under concurrent writers), amendments while open, corrections after
close, append-only storage, the RAG change / evidence / risk review decisions, and the
action log."""

# ruff: noqa: F811  (the fixtures `db` and `cast` are imported from meeting_fixtures)

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select

from db.errors import AppendOnlyError, PermissionDeniedError, ValidationError
from db.models import (
    Action,
    ActionArising,
    Decision,
    Evidence,
    EvidenceReview,
    EvidenceState,
    Meeting,
    ProgressUpdate,
    Rag,
    Risk,
    RiskReview,
    RiskStatus,
    Role,
)
from db.rules import decision_number
from db.services import decisions, meetings
from db.services.decisions import (
    accept_evidence,
    action_log,
    add_action_arising,
    agree_rag_change,
    amend_decision,
    close_action_arising,
    correct_decision,
    record_decision,
    review_risk,
)
from db.services.meeting_view import meeting_view
from db.store import Database
from tests.db.meeting_fixtures import (  # noqa: F401  (fixtures)
    DEMO_AS_OF,
    NEXT_OPAB,
    Cast,
    cast,
    count,
    db,
    item_ids,
    open_with_everyone,
    run,
)


def test_decision_number_format() -> None:
    assert decision_number("OPAB", 2019, 7) == "OPAB 19/07"
    assert decision_number("CPB", 2020, 123) == "CPB 20/123"


# --------------------------------------------------------------------------- numbering


def test_decisions_are_numbered_per_board_and_year(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    with db.session() as s:
        last_2019 = s.scalars(
            select(Decision.number)
            .where(Decision.board_id == cast.board_id, Decision.year == 2019)
            .order_by(Decision.seq.desc())
        ).first()
    first = run(db, cast.clerk, record_decision, items[0], "noted", "Apologies were noted.")
    second = run(
        db,
        cast.clerk,
        record_decision,
        items[2],
        "approved",
        "Minutes approved.",
        votes_for=7,
        votes_against=0,
        votes_abstain=1,
    )
    # 2020 starts again at 01, whatever 2019 reached; the demo's other boards do not count.
    assert last_2019 is not None and last_2019 != "OPAB 19/01"
    assert (first.number, second.number) == ("OPAB 20/01", "OPAB 20/02")
    assert (first.version, second.version) == (1, 1)
    with db.session() as s:
        stored = s.get(Decision, second.decision_id)
        assert stored is not None
        assert (stored.year, stored.seq, stored.votes_for, stored.votes_abstain) == (2020, 2, 7, 1)
        assert stored.recorded_by_id == cast.clerk
        assert stored.meeting_id == cast.next_meeting and stored.agenda_item_id == items[2]


def test_named_votes_fill_the_counts_and_disagreeing_counts_are_refused(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    named = [
        {"person_id": cast.voting[0], "vote": "for"},
        {"person_id": cast.voting[1], "vote": "for"},
        {"person_id": cast.voting[2], "vote": "against"},
    ]
    ref = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed.", named_votes=named)
    with db.session() as s:
        view = meeting_view(s, cast.chair, cast.next_meeting)
    d = next(d for d in view.decisions if d.decision_id == ref.decision_id)
    assert (d.votes_for, d.votes_against, d.votes_abstain) == (2, 1, 0)
    assert [v.vote for v in d.named_votes] == ["for", "for", "against"]
    before = count(db, Decision)
    with pytest.raises(ValidationError, match="named votes give 2 for, but 5 was entered"):
        run(
            db, cast.clerk, record_decision, items[4], "agreed", "x", votes_for=5, named_votes=named
        )
    with pytest.raises(ValidationError, match="member of the board"):
        run(
            db,
            cast.clerk,
            record_decision,
            items[4],
            "agreed",
            "x",
            named_votes=[{"person_id": "stranger", "vote": "for"}],
        )
    with pytest.raises(ValidationError, match="whole number"):
        run(db, cast.clerk, record_decision, items[4], "agreed", "x", votes_for=-1)
    with pytest.raises(ValidationError, match="kind is one of"):
        run(db, cast.clerk, record_decision, items[4], "resolved", "x")
    with pytest.raises(ValidationError, match="needs its wording"):
        run(db, cast.clerk, record_decision, items[4], "agreed", "   ")
    assert count(db, Decision) == before  # nothing half-written


def test_concurrent_writers_on_one_file_never_share_a_number(
    db: Database, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two threads record at once; reading the next number is slowed down so that,
    without the write lock taken first, both would read the same max(seq)."""
    items = open_with_everyone(db, cast)
    real_next = decisions._next_seq

    def slow_next(*args: Any) -> int:
        value = real_next(*args)
        time.sleep(0.01)
        return value

    monkeypatch.setattr(decisions, "_next_seq", slow_next)
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    per_thread = 12

    def writer(n: int) -> None:
        try:
            start.wait()
            for k in range(per_thread):
                run(db, cast.clerk, record_decision, items[4], "noted", f"Writer {n}, {k}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.session() as s:
        rows = s.execute(
            select(Decision.seq, Decision.number).where(
                Decision.board_id == cast.board_id, Decision.year == 2020
            )
        ).all()
    assert sorted(seq for seq, _ in rows) == list(range(1, 2 * per_thread + 1))
    assert len({number for _, number in rows}) == 2 * per_thread


# --------------------------------------------------------------------------- amend / correct


def test_a_decision_is_amended_while_open_as_a_new_version_with_the_same_number(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    first = run(
        db, cast.clerk, record_decision, items[4], "agreed", "Agreed the report.", votes_for=6
    )
    amended = run(
        db,
        cast.clerk,
        amend_decision,
        first.decision_id,
        wording="Agreed the report, subject to the changes discussed.",
    )
    assert (amended.number, amended.version) == (first.number, 2)
    with db.session() as s:
        old = s.get(Decision, first.decision_id)
        new = s.get(Decision, amended.decision_id)
        assert old is not None and new is not None
        assert old.wording == "Agreed the report."  # the first version is kept as written
        assert new.supersedes_id == old.id and new.votes_for == 6 and new.seq == old.seq
        view = meeting_view(s, cast.chair, cast.next_meeting)
    assert [(d.number, d.version) for d in view.decisions] == [(first.number, 2)]
    with pytest.raises(ValidationError, match="amended since"):
        run(db, cast.clerk, amend_decision, first.decision_id, wording="Again")
    third = run(db, cast.clerk, amend_decision, amended.decision_id, kind="noted", votes_for=None)
    with db.session() as s:
        latest = s.get(Decision, third.decision_id)
        assert latest is not None and latest.votes_for is None and latest.kind.value == "noted"
    # The next new decision takes the next number: versions do not use up numbers.
    nxt = run(db, cast.clerk, record_decision, items[5], "noted", "Noted.")
    assert nxt.number == "OPAB 20/02"


def test_after_close_decisions_are_frozen_and_a_correction_cites_the_old(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    ref = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed the plan to 2021.")
    run(db, cast.clerk, meetings.close_meeting, cast.next_meeting)
    with pytest.raises(ValidationError, match="is closed, so decision OPAB 20/01 is frozen"):
        run(db, cast.clerk, amend_decision, ref.decision_id, wording="x")
    with pytest.raises(ValidationError, match="closed"):
        run(db, cast.clerk, record_decision, items[4], "agreed", "Late decision")
    fixed = run(db, cast.clerk, correct_decision, ref.decision_id, "Agreed the plan to March 2021.")
    assert (fixed.number, fixed.version) == ("OPAB 20/02", 1)
    with db.session() as s:
        correction = s.get(Decision, fixed.decision_id)
        assert correction is not None and correction.corrects_id == ref.decision_id
        original = s.get(Decision, ref.decision_id)
        assert original is not None and original.wording == "Agreed the plan to 2021."
        view = meeting_view(s, cast.chair, cast.next_meeting)
    by_number = {d.number: d for d in view.decisions}
    assert by_number["OPAB 20/01"].corrected_by_number == "OPAB 20/02"
    assert by_number["OPAB 20/02"].corrects_number == "OPAB 20/01"
    with pytest.raises(ValidationError, match="already been corrected by OPAB 20/02"):
        run(db, cast.clerk, correct_decision, ref.decision_id, "Third try")


def test_a_correction_is_refused_while_the_meeting_is_open(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    ref = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed.")
    with pytest.raises(ValidationError, match="amend decision OPAB 20/01 instead"):
        run(db, cast.clerk, correct_decision, ref.decision_id, "Fixed")


def test_decisions_are_append_only_in_the_service_and_in_sqlite(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    ref = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed.")
    with pytest.raises(AppendOnlyError), db.begin(cast.clerk) as s:
        decision = s.get(Decision, ref.decision_id)
        assert decision is not None
        decision.wording = "Edited behind the board's back"
    with pytest.raises(AppendOnlyError), db.begin(cast.clerk) as s:
        decision = s.get(Decision, ref.decision_id)
        s.delete(decision)
    raw = sqlite3.connect(db.path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("UPDATE decisions SET wording = 'x' WHERE id = ?", (ref.decision_id,))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            raw.execute("DELETE FROM decisions WHERE id = ?", (ref.decision_id,))
    finally:
        raw.close()
    with db.session() as s:
        decision = s.get(Decision, ref.decision_id)
        assert decision is not None and decision.wording == "Agreed."


# --------------------------------------------------------------------------- plan and risks


def _action(db: Database, reference: str) -> Action:
    with db.session() as s:
        action = s.scalar(select(Action).where(Action.reference == reference))
        assert action is not None
        s.expunge(action)
        return action


def test_a_rag_change_agreed_in_the_meeting_is_a_decision_and_a_linked_progress_update(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    with db.session() as s:
        action = s.scalar(select(Action).where(Action.rag == Rag.RED))
        assert action is not None
        action_id, reference = action.id, action.reference
    ref = run(
        db,
        cast.chair,
        agree_rag_change,
        items[4],
        action_id,
        "amber",
        "Recovery plan agreed; two of four milestones met.",
        today=DEMO_AS_OF,
    )
    with db.session() as s:
        update = s.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.action_id == action_id)
            .order_by(ProgressUpdate.recorded_at.desc())
        ).first()
        decision = s.get(Decision, ref.decision_id)
        changed = s.get(Action, action_id)
    assert update is not None and update.decision_id == ref.decision_id
    assert (update.previous_rag, update.rag) == (Rag.RED, Rag.AMBER)
    assert changed is not None and changed.rag is Rag.AMBER
    assert decision is not None and decision.kind.value == "agreed"
    assert f"action {reference}" in decision.wording and "from Red to Amber" in decision.wording


def test_blue_needs_accepted_evidence_and_accepting_evidence_is_a_linked_decision(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    with db.session() as s:
        evidence = s.scalar(select(Evidence).where(Evidence.state == EvidenceState.SUBMITTED))
        assert evidence is not None
        evidence_id, action_id = evidence.id, evidence.action_id
        accepted_before = s.scalar(
            select(Evidence.id).where(
                Evidence.action_id == action_id, Evidence.state == EvidenceState.ACCEPTED
            )
        )
    assert accepted_before is None  # the demo's submitted evidence awaits the board
    decisions_before = count(db, Decision)
    # Refused before anything is written: even a caller that commits after catching
    # the error (one transaction for several steps) keeps no decision.
    with db.begin(cast.chair) as s, pytest.raises(ValidationError, match="cannot go Blue"):
        agree_rag_change(s, cast.chair, items[5], action_id, "blue", "Done.", today=DEMO_AS_OF)
    assert count(db, Decision) == decisions_before  # the refused change left no decision
    ref = run(db, cast.chair, accept_evidence, items[5], evidence_id, note="Convincing.")
    with db.session() as s:
        review = s.scalar(
            select(EvidenceReview).where(EvidenceReview.decision_id == ref.decision_id)
        )
        stored = s.get(Evidence, evidence_id)
    assert review is not None and review.outcome.value == "accepted"
    assert review.evidence_id == evidence_id and review.comment == "Convincing."
    assert stored is not None and stored.state is EvidenceState.ACCEPTED
    blue = run(
        db,
        cast.chair,
        agree_rag_change,
        items[5],
        action_id,
        "blue",
        "Evidence accepted; complete.",
        today=DEMO_AS_OF,
    )
    assert blue.number != ref.number
    with db.session() as s:
        action = s.get(Action, action_id)
        assert action is not None and action.rag is Rag.BLUE


def test_a_risk_reviewed_in_the_meeting_is_a_decision_and_a_linked_review(
    db: Database, cast: Cast
) -> None:
    items = open_with_everyone(db, cast)
    with db.session() as s:
        risk = s.scalar(select(Risk).where(Risk.status == RiskStatus.OPEN).order_by(Risk.reference))
        assert risk is not None
        risk_id, reference = risk.id, risk.reference
    ref = run(db, cast.clerk, review_risk, items[8], risk_id, 2, 3, note="Mitigation working.")
    with db.session() as s:
        review = s.scalar(select(RiskReview).where(RiskReview.decision_id == ref.decision_id))
        decision = s.get(Decision, ref.decision_id)
    assert review is not None and (review.likelihood, review.impact) == (2, 3)
    assert review.reviewed_on == NEXT_OPAB and review.risk_id == risk_id
    assert decision is not None and f"risk {reference}" in decision.wording
    assert "= 6 (medium)" in decision.wording
    with pytest.raises(ValidationError, match="scored 1 to 5"):
        run(db, cast.clerk, review_risk, items[8], risk_id, 6, 1)


# --------------------------------------------------------------------------- actions arising


def test_actions_arising_are_numbered_logged_flagged_overdue_and_closed_later(
    db: Database, cast: Cast
) -> None:
    with db.session() as s:
        before = action_log(s, cast.chair, cast.board_id, today=DEMO_AS_OF)
        everything = action_log(s, cast.chair, cast.board_id, today=DEMO_AS_OF, include_closed=True)
    assert before and all(r.status == "open" for r in before)
    assert len(everything) > len(before)
    refs = [r.ref for r in everything]
    assert refs == [f"A{n}" for n in range(1, len(refs) + 1)]
    assert all(r.overdue == (r.due_date is not None and r.due_date < DEMO_AS_OF) for r in before)

    items = open_with_everyone(db, cast)
    ref = run(db, cast.clerk, record_decision, items[4], "agreed", "Agreed.")
    new_id = run(
        db,
        cast.clerk,
        add_action_arising,
        items[4],
        "Report back on agency rates",
        owner_id=cast.people[Role.MEMBER],
        due_date=dt.date(2020, 1, 31),
        decision_id=ref.decision_id,
    )
    with db.session() as s:
        log = action_log(s, cast.chair, cast.board_id, today=dt.date(2020, 2, 3))
    row = next(r for r in log if r.arising_id == new_id)
    assert row.ref == f"A{len(everything) + 1}" and row.overdue
    assert (row.decision_number, row.item_number, row.meeting_date) == (
        "OPAB 20/01",
        "5",
        NEXT_OPAB,
    )
    with pytest.raises(ValidationError, match="later meeting"):
        run(db, cast.clerk, close_action_arising, new_id, cast.next_meeting, "Done")
    # An older one is closed in this meeting, as the action log is reviewed.
    older = before[0]
    run(db, cast.clerk, close_action_arising, older.arising_id, cast.next_meeting, "Done.")
    with db.session() as s:
        closed = s.get(ActionArising, older.arising_id)
        still_open = action_log(s, cast.chair, cast.board_id, today=DEMO_AS_OF)
    assert closed is not None and closed.closed_in_meeting_id == cast.next_meeting
    assert closed.closing_note == "Done."
    assert older.arising_id not in {r.arising_id for r in still_open}
    with pytest.raises(ValidationError, match="already closed"):
        run(db, cast.clerk, close_action_arising, older.arising_id, cast.next_meeting, "x")
    with pytest.raises(ValidationError, match="needs to say what is to be done"):
        run(db, cast.clerk, add_action_arising, items[4], " ")


def test_actions_arising_from_an_exempt_item_are_left_out_of_an_observers_log(
    db: Database, cast: Cast
) -> None:
    from db.services.agenda import set_exempt

    items = open_with_everyone(db, cast)
    run(db, cast.clerk, set_exempt, items[7], 1)
    secret = run(db, cast.clerk, add_action_arising, items[7], "Review the placement of child J")
    with db.session() as s:
        member_log = action_log(s, cast.people[Role.MEMBER], cast.board_id, today=DEMO_AS_OF)
        observer_log = action_log(s, cast.people[Role.OBSERVER], cast.board_id, today=DEMO_AS_OF)
    assert secret in {r.arising_id for r in member_log}
    assert secret not in {r.arising_id for r in observer_log}
    assert len(observer_log) == len(member_log) - 1


def test_a_refused_write_leaves_nothing_behind(db: Database, cast: Cast) -> None:
    items = open_with_everyone(db, cast)
    before = (count(db, Decision), count(db, ActionArising), count(db, Meeting))
    member = cast.people[Role.MEMBER]
    with pytest.raises(PermissionDeniedError, match="run the meeting"):
        run(db, member, record_decision, items[4], "agreed", "Agreed.")
    with pytest.raises(PermissionDeniedError):
        run(db, member, add_action_arising, items[4], "Do it")
    assert (count(db, Decision), count(db, ActionArising), count(db, Meeting)) == before


def test_a_correction_agreed_at_a_later_meeting_is_numbered_there_and_cites_the_old(
    db: Database, cast: Cast
) -> None:
    with db.session() as s:
        old = s.scalars(
            select(Decision)
            .where(Decision.meeting_id == cast.last_meeting)
            .order_by(Decision.seq.desc())
        ).first()
        assert old is not None
        old_id, old_number = old.id, old.number
    later = run(db, cast.clerk, meetings.create_meeting, cast.board_id, dt.date(2020, 3, 10))
    minutes_item = item_ids(db, later)[2]
    with pytest.raises(ValidationError, match="has not been opened yet"):
        run(db, cast.clerk, correct_decision, old_id, "Corrected.", in_item_id=minutes_item)
    run(db, cast.clerk, meetings.open_meeting, later)
    fixed = run(
        db, cast.clerk, correct_decision, old_id, "Corrected wording.", in_item_id=minutes_item
    )
    assert fixed.number == "OPAB 20/01"
    with db.session() as s:
        there = meeting_view(s, cast.chair, later)
        original = meeting_view(s, cast.chair, cast.last_meeting)
    assert [(d.number, d.corrects_number, d.item_id) for d in there.decisions] == [
        ("OPAB 20/01", old_number, minutes_item)
    ]
    cited = next(d for d in original.decisions if d.decision_id == old_id)
    assert cited.corrected_by_number == "OPAB 20/01"
