"""Append-only records and signed minutes: refused by the service layer and by SQLite itself."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from db.errors import AppendOnlyError
from db.models import (
    Action,
    AuditEvent,
    Board,
    Decision,
    DecisionKind,
    Evidence,
    EvidenceReview,
    Meeting,
    MinutesStatus,
    MinutesVersion,
    Person,
    Plan,
    ReviewOutcome,
    Theme,
)
from db.store import Database

T0 = dt.datetime(2019, 1, 22, 14, 0, tzinfo=dt.UTC)


@pytest.fixture
def board(database: Database) -> Iterator[dict[str, str]]:
    with database.begin() as s:
        chair = Person(name="Alex Marsh")
        board = Board(code="OPAB", name="Ofsted Priority Action Board")
        s.add_all([chair, board])
        s.flush()
        meeting = Meeting(board_id=board.id, meeting_date=dt.date(2019, 1, 22))
        plan = Plan(board_id=board.id, title="Children's Improvement Plan")
        s.add_all([meeting, plan])
        s.flush()
        theme = Theme(plan_id=plan.id, number=1, title="Strategic Leadership and Governance")
        s.add(theme)
        s.flush()
        action = Action(plan_id=plan.id, theme_id=theme.id, reference="1.1", title="Board ToR")
        s.add(action)
        s.flush()
        evidence = Evidence(action_id=action.id, title="Signed terms of reference")
        decision = Decision(
            board_id=board.id,
            meeting_id=meeting.id,
            year=2019,
            seq=1,
            number="OPAB 19/01",
            kind=DecisionKind.AGREED,
            wording="The board agreed its terms of reference.",
        )
        minutes = MinutesVersion(meeting_id=meeting.id, content_json='{"items":[]}')
        s.add_all([evidence, decision, minutes])
        s.flush()
        review = EvidenceReview(evidence_id=evidence.id, outcome=ReviewOutcome.ACCEPTED)
        s.add(review)
        s.flush()
        ids = {
            "decision": decision.id,
            "review": review.id,
            "minutes": minutes.id,
            "chair": chair.id,
        }
    yield ids


def _raw(database: Database) -> sqlite3.Connection:
    return sqlite3.connect(database.path)


@pytest.mark.parametrize(
    ("model", "key", "field", "value"),
    [
        (Decision, "decision", "wording", "The board noted its terms of reference."),
        (EvidenceReview, "review", "outcome", ReviewOutcome.RETURNED),
    ],
)
def test_service_refuses_update_and_delete(
    database: Database, board: dict[str, str], model: type, key: str, field: str, value: object
) -> None:
    with pytest.raises(AppendOnlyError, match="append-only"), database.begin() as s:
        setattr(s.get(model, board[key]), field, value)
    with pytest.raises(AppendOnlyError, match="append-only"), database.begin() as s:
        s.delete(s.get(model, board[key]))
    with database.begin() as s:  # nothing changed
        assert getattr(s.get(model, board[key]), field) != value


@pytest.mark.parametrize(
    ("table", "key"), [("decisions", "decision"), ("evidence_reviews", "review")]
)
def test_sqlite_triggers_refuse_raw_update_and_delete(
    database: Database, board: dict[str, str], table: str, key: str
) -> None:
    with _raw(database) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(f"UPDATE {table} SET id = id WHERE id = ?", (board[key],))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(f"DELETE FROM {table} WHERE id = ?", (board[key],))
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (1,)


def test_audit_log_cannot_be_edited_or_deleted(database: Database, board: dict[str, str]) -> None:
    with database.begin() as s:
        event_id = s.scalars(select(AuditEvent.id).limit(1)).one()
    with pytest.raises(AppendOnlyError), database.begin() as s:
        s.get(AuditEvent, event_id).op = "insert!"  # type: ignore[union-attr]
    with _raw(database) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("UPDATE audit_events SET op = 'x' WHERE id = ?", (event_id,))
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute("DELETE FROM audit_events WHERE id = ?", (event_id,))


def _sign(database: Database, minutes_id: str, chair_id: str) -> None:
    with database.begin(chair_id) as s:
        version = s.get(MinutesVersion, minutes_id)
        assert version is not None
        version.status = MinutesStatus.SIGNED
        version.content_hash = "0" * 64
        version.signed_by_id = chair_id
        version.signed_at = T0


def test_draft_minutes_can_be_edited_and_signed(database: Database, board: dict[str, str]) -> None:
    with database.begin() as s:
        s.get(MinutesVersion, board["minutes"]).content_json = '{"items":[1]}'  # type: ignore[union-attr]
    _sign(database, board["minutes"], board["chair"])
    with database.begin() as s:
        assert s.get(MinutesVersion, board["minutes"]).status is MinutesStatus.SIGNED  # type: ignore[union-attr]


def test_signed_minutes_are_frozen_for_the_orm_and_raw_sql(
    database: Database, board: dict[str, str]
) -> None:
    _sign(database, board["minutes"], board["chair"])
    with pytest.raises(AppendOnlyError, match="signed minutes are frozen"), database.begin() as s:
        s.get(MinutesVersion, board["minutes"]).content_json = "{}"  # type: ignore[union-attr]
    with pytest.raises(AppendOnlyError, match="signed minutes are frozen"), database.begin() as s:
        s.get(MinutesVersion, board["minutes"]).status = MinutesStatus.DRAFT  # type: ignore[union-attr]
    with pytest.raises(AppendOnlyError), database.begin() as s:
        s.delete(s.get(MinutesVersion, board["minutes"]))
    with _raw(database) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="signed minutes are frozen"):
            conn.execute("UPDATE minutes_versions SET content_json = '{}'")
        with pytest.raises(sqlite3.DatabaseError, match="signed minutes are frozen"):
            conn.execute("UPDATE minutes_versions SET status = 'draft'")
        with pytest.raises(sqlite3.DatabaseError, match="signed minutes are frozen"):
            conn.execute("DELETE FROM minutes_versions")
        assert conn.execute("SELECT content_json FROM minutes_versions").fetchone() == (
            '{"items":[]}',
        )


def test_every_write_is_audited_with_actor_before_and_after(
    database: Database, board: dict[str, str]
) -> None:
    clock = iter([T0, T0 + dt.timedelta(minutes=1)])
    with database.begin(board["chair"], clock=lambda: next(clock)) as s:
        person = Person(name="Sam Okafor", job_title="Head of Service")
        s.add(person)
        s.flush()
        person.job_title = "Assistant Director"
    with database.begin() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.actor_id == board["chair"]).order_by(AuditEvent.at)
        ).all()
    assert [(e.op, e.table_name) for e in events] == [("insert", "people"), ("update", "people")]
    inserted, updated = events
    assert inserted.at == T0 and updated.at == T0 + dt.timedelta(minutes=1)
    assert inserted.after is not None and inserted.after["job_title"] == "Head of Service"
    assert updated.before == {"job_title": "Head of Service"}
    assert updated.after == {"job_title": "Assistant Director"}


def test_naive_timestamps_are_refused(database: Database, board: dict[str, str]) -> None:
    with pytest.raises(Exception, match="naive datetime"), database.begin() as s:
        s.add(Person(name="Naive", created_at=dt.datetime(2019, 1, 1, 9, 0)))


def test_timestamps_come_back_utc_aware(database: Database, board: dict[str, str]) -> None:
    plus_one = dt.timezone(dt.timedelta(hours=1))
    with database.begin() as s:
        s.add(Person(name="Tz", created_at=dt.datetime(2019, 6, 1, 10, 0, tzinfo=plus_one)))
    with database.session() as s:
        person = s.scalars(select(Person).where(Person.name == "Tz")).one()
    assert person.created_at == dt.datetime(2019, 6, 1, 9, 0, tzinfo=dt.UTC)
    assert person.created_at.tzinfo is dt.UTC
