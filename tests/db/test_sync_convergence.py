"""The sync property: whatever laptops do offline, and however the network misbehaves,
after a final full sync every replica holds the same records and no decision is lost.

A Hypothesis state machine drives 2–5 laptops and one central store (an SQLite file
and, in CI, a real PostgreSQL schema): random plain and free-text edits, appended
decisions, inserts and deletes, clock skew of an hour either way, and syncs through a
faulty link that loses replies, repeats or reorders pulled batches, and crashes the
local apply part-way.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import create_engine, event, select, text

from db.dump import dump_text
from db.models import Action, Decision, DecisionKind, Meeting, Person, Rag
from db.store import Database, open_database
from db.sync.central import CentralError, CentralStore, PullBatch, PushResult, init_central
from db.sync.engine import pending_changes, sync
from db.sync.merge import Change
from tests.db.conftest import seed_board

TEXTS = ["", "Agreed", "Agreed wording", "Deferred to March", "Ask the DCS for data"]


class InjectedFault(Exception):
    """A simulated network or process failure."""


class FaultyCentral(CentralStore):
    """A central store reached over a link that misbehaves on request."""

    fault: str = "none"
    _held: PullBatch | None = None

    def push(
        self, site_id: str, user_id: str | None, schema: str, changes: Sequence[Change]
    ) -> PushResult:
        result = super().push(site_id, user_id, schema, changes)
        if self.fault == "lose_push_reply":
            self.fault = "none"
            raise InjectedFault("push reply lost")
        return result

    def pull(self, site_id: str, after: int, limit: int, *, whole: bool = False) -> PullBatch:
        if self.fault == "lose_pull":
            self.fault = "none"
            raise InjectedFault("pull lost")
        if self.fault == "repeat_pull" and self._held is not None:
            held, self._held = self._held, None
            self.fault = "none"
            return held
        if self.fault == "reorder_pull" and limit:
            later = super().pull(site_id, after + limit, limit, whole=whole)
            self.fault = "none"
            if later.changes:
                return later
        batch = super().pull(site_id, after, limit, whole=whole)
        if self.fault == "repeat_pull":
            self._held = batch
        return batch


def _crash_after(database: Database, statements: int) -> Any:
    count = {"n": 0}

    def before(*_args: Any) -> None:
        count["n"] += 1
        if count["n"] == statements:
            raise InjectedFault(f"crash after {statements} statements")

    event.listen(database.engine, "before_cursor_execute", before)
    return before


def _admin(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


class SyncMachine(RuleBasedStateMachine):
    central_kind = "sqlite"
    pg_url: str | None = None

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="bp-sync-"))
        self.laptops: list[Database] = []
        self.people: list[str] = []
        self.decisions: set[str] = set()
        self.actions: list[str] = []
        self.schema: str | None = None

    @initialize(n=st.integers(min_value=2, max_value=5))
    def setup(self, n: int) -> None:
        if self.central_kind == "sqlite":
            self.url = f"sqlite:///{self.dir / 'central.db'}"
        else:
            assert self.pg_url is not None
            self.schema = f"h_{uuid.uuid4().hex[:12]}"
            _admin(self.pg_url, f'CREATE SCHEMA "{self.schema}"')
            self.url = f"{self.pg_url}?options=-csearch_path%3D{self.schema}"
        init_central(self.url)
        template = self.dir / "template.db"
        open_database(template, create=True).close()
        for i in range(n):
            path = self.dir / f"laptop{i}.db"
            shutil.copy(template, path)
            db = open_database(path)
            with db.engine.begin() as conn:  # each copy is its own install
                conn.execute(text("UPDATE sync_state SET site_id = :s"), {"s": str(uuid.uuid4())})
            self.laptops.append(db)
        ids = seed_board(self.laptops[0], actions=3)
        self.board = ids["board"]
        self.actions = [ids[f"a{i}"] for i in range(3)]
        with self.laptops[0].begin() as s:
            meeting = Meeting(
                board_id=self.board, meeting_date=__import__("datetime").date(2019, 1, 22)
            )
            s.add(meeting)
            s.flush()
            self.meeting = meeting.id
        self.central = FaultyCentral(self.url)
        self.seq = 0
        for db in self.laptops:
            sync(db, self.central, batch=7)

    def teardown(self) -> None:
        try:
            if self.laptops:
                self.central.fault = "none"
                for _ in range(2):
                    for db in self.laptops:
                        sync(db, self.central, batch=50)
                dumps = [dump_text(db.engine) for db in self.laptops]
                assert all(d == dumps[0] for d in dumps[1:]), "replicas differ after full sync"
                conflicts = [self._conflicts(db) for db in self.laptops]
                assert all(c == conflicts[0] for c in conflicts[1:]), "conflict sets differ"
                for db in self.laptops:
                    with db.session() as s:
                        present = set(s.scalars(select(Decision.id)))
                    assert self.decisions <= present, "a decision was lost"
        finally:
            for db in self.laptops:
                db.close()
            if hasattr(self, "central"):
                self.central.close()
            if self.schema and self.pg_url:
                _admin(self.pg_url, f'DROP SCHEMA "{self.schema}" CASCADE')
            shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def _conflicts(db: Database) -> list[tuple[Any, ...]]:
        with db.engine.connect() as conn:
            return [
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT table_name, row_id, field, versions, open "
                        "FROM sync_conflicts ORDER BY 1, 2, 3"
                    )
                )
            ]

    def _pick(self, i: int) -> Database:
        return self.laptops[i % len(self.laptops)]

    @rule(i=st.integers(0, 4), a=st.integers(0, 2), rag=st.sampled_from(list(Rag)))
    def edit_plain(self, i: int, a: int, rag: Rag) -> None:
        with self._pick(i).begin() as s:
            row = s.get(Action, self.actions[a])
            if row is not None:
                row.rag = rag

    @rule(i=st.integers(0, 4), a=st.integers(0, 2), value=st.sampled_from(TEXTS))
    def edit_text(self, i: int, a: int, value: str) -> None:
        with self._pick(i).begin() as s:
            row = s.get(Action, self.actions[a])
            if row is not None:
                row.description = value

    @rule(i=st.integers(0, 4), wording=st.sampled_from(TEXTS[1:]))
    def append_decision(self, i: int, wording: str) -> None:
        self.seq += 1
        with self._pick(i).begin() as s:
            d = Decision(
                board_id=self.board,
                meeting_id=self.meeting,
                year=2019,
                seq=self.seq,
                number=f"OPAB 19/{self.seq:02d}",
                kind=DecisionKind.NOTED,
                wording=wording,
            )
            s.add(d)
            s.flush()
            self.decisions.add(d.id)

    @rule(i=st.integers(0, 4), title=st.sampled_from(["Interim", "HoS", None]))
    def add_person(self, i: int, title: str | None) -> None:
        with self._pick(i).begin() as s:
            p = Person(name=f"Member {len(self.people)}", job_title=title)
            s.add(p)
            s.flush()
            self.people.append(p.id)

    @precondition(lambda self: bool(self.people))
    @rule(i=st.integers(0, 4), p=st.integers(0, 50), title=st.sampled_from(["Lead", "Chair"]))
    def edit_person(self, i: int, p: int, title: str) -> None:
        with self._pick(i).begin() as s:
            row = s.get(Person, self.people[p % len(self.people)])
            if row is not None:
                row.job_title = title

    @precondition(lambda self: bool(self.people))
    @rule(i=st.integers(0, 4), p=st.integers(0, 50))
    def delete_person(self, i: int, p: int) -> None:
        with self._pick(i).begin() as s:
            row = s.get(Person, self.people[p % len(self.people)])
            if row is not None:
                s.delete(row)

    @rule(i=st.integers(0, 4), hours=st.sampled_from([-1, 0, 1]))
    def skew_clock(self, i: int, hours: int) -> None:
        with self._pick(i).engine.begin() as conn:
            conn.execute(
                text("UPDATE sync_state SET clock_offset_ms = :o"), {"o": hours * 3_600_000}
            )

    @rule(
        i=st.integers(0, 4),
        fault=st.sampled_from(
            ["none", "none", "lose_push_reply", "lose_pull", "repeat_pull", "reorder_pull", "crash"]
        ),
        crash_at=st.integers(1, 40),
        batch=st.sampled_from([1, 3, 50]),
    )
    def sync_laptop(self, i: int, fault: str, crash_at: int, batch: int) -> None:
        db = self._pick(i)
        hook = None
        if fault == "crash":
            hook = _crash_after(db, crash_at)
        else:
            self.central.fault = fault
        try:
            sync(db, self.central, batch=batch)
        except (InjectedFault, CentralError):
            pass
        except Exception as exc:  # an injected crash surfaces wrapped by SQLAlchemy
            if "crash after" not in str(exc):
                raise
        finally:
            self.central.fault = "none"
            if hook is not None:
                event.remove(db.engine, "before_cursor_execute", hook)

    @invariant()
    def cursor_never_ahead_of_applied_data(self) -> None:
        for db in self.laptops:
            with db.engine.connect() as conn:
                cursor = conn.execute(text("SELECT pull_cursor FROM sync_state")).scalar_one()
                top = conn.execute(
                    text("SELECT coalesce(max(server_seq), 0) FROM change_log")
                ).scalar_one()
                dupes = conn.execute(
                    text("SELECT count(*) - count(DISTINCT change_id) FROM change_log")
                ).scalar_one()
            assert top <= cursor or cursor == 0 or top == cursor, (cursor, top)
            assert dupes == 0

    @invariant()
    def pending_count_matches_a_plain_count(self) -> None:
        """The status bar's bisected count equals counting every unnumbered change."""
        for db in self.laptops:
            with db.engine.connect() as conn:
                site = conn.execute(text("SELECT site_id FROM sync_state")).scalar_one()
                plain = conn.execute(
                    text(
                        "SELECT count(*) FROM change_log WHERE site_id = :s AND server_seq IS NULL"
                    ),
                    {"s": site},
                ).scalar_one()
                assert pending_changes(conn, site) == plain


SETTINGS = settings(
    max_examples=25,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
def test_replicas_converge_through_an_sqlite_file_central() -> None:
    machine = type("SqliteSync", (SyncMachine,), {"central_kind": "sqlite"})
    run_state_machine_as_test(machine, settings=SETTINGS)


@pytest.mark.slow
@pytest.mark.pg
def test_replicas_converge_through_postgresql(pg_url: str) -> None:
    machine = type("PgSync", (SyncMachine,), {"central_kind": "pg", "pg_url": pg_url})
    run_state_machine_as_test(machine, settings=SETTINGS)
