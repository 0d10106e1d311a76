"""The audit log's hash chains: every tampering is named, synced chains verify everywhere.

Tampering is done the way an attacker would: raw `sqlite3`, with the append-only
and capture triggers dropped first (and the chain's unique index when needed).
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select

from db.audit_chain import HASHED_FIELDS, VerifyReport, event_hash, verify
from db.models import AuditEvent, Person
from db.store import Database, alembic_config, make_engine, open_database
from db.sync.engine import sync
from tests.db.conftest import seed_board

Laptop = Callable[[str], Database]


def report(db: Database) -> VerifyReport:
    with db.engine.connect() as conn:
        return verify(conn)


def messages(db: Database) -> str:
    return "\n".join(p.message for p in report(db).problems)


def raw(db: Database) -> sqlite3.Connection:
    """A raw connection with every trigger on audit_events dropped."""
    db.close()
    conn = sqlite3.connect(db.path, isolation_level=None)
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    return conn


def events(db: Database) -> list[AuditEvent]:
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.chain_seq)).all())


@pytest.fixture
def board(laptop: Laptop) -> Database:
    db = laptop("a")
    seed_board(db)
    with db.begin() as s:
        s.add(Person(name="Sam Okafor", job_title="Head of Service"))
    return db


def test_a_fresh_board_verifies_with_one_gapless_chain(board: Database) -> None:
    got = report(board)
    assert got.ok and got.chains == 1 and got.events >= 8
    rows = events(board)
    assert [e.chain_seq for e in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash is None
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
    assert all(e.hash == event_hash({f: getattr(e, f) for f in HASHED_FIELDS}) for e in rows)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor_id", "'00000000-0000-4000-8000-000000000000'"),
        ("op", "'delete'"),
        ("at", "'2019-01-01 00:00:00.000000'"),
        ("row_id", "'someone-else'"),
        ("after", "json_set(after, '$.name', 'Someone Else')"),
    ],
)
def test_an_edited_field_is_named(board: Database, column: str, value: str) -> None:
    victim = events(board)[-2]
    conn = raw(board)
    conn.execute(f"UPDATE audit_events SET {column} = {value} WHERE id = ?", (victim.id,))
    conn.close()
    found = report(board).problems
    assert [(p.event_id, "was edited" in p.message) for p in found] == [(victim.id, True)]


def test_a_deleted_middle_row_is_named_by_its_number(board: Database) -> None:
    victim = events(board)[2]
    conn = raw(board)
    conn.execute("DELETE FROM audit_events WHERE id = ?", (victim.id,))
    conn.close()
    text = messages(board)
    assert f"events #3 of chain {victim.chain_id[:8]} are missing" in text
    assert f"event {victim.id} is in the change log but not in the audit log" in text


def test_deleting_the_newest_rows_is_detected(board: Database) -> None:
    rows = events(board)
    conn = raw(board)
    conn.execute("DELETE FROM change_log WHERE table_name = 'audit_events'")  # cover tracks
    conn.execute("DELETE FROM audit_events WHERE chain_seq >= ?", (len(rows) - 1,))
    conn.close()
    assert f"the newest events #{len(rows) - 1}–#{len(rows)} written on this laptop" in (
        messages(board)
    )


def _forge(conn: sqlite3.Connection, event: AuditEvent, **changes: object) -> dict[str, object]:
    values = {f: getattr(event, f) for f in HASHED_FIELDS} | changes
    values["hash"] = event_hash(values)
    row = dict(values)
    row["at"] = event.at.strftime("%Y-%m-%d %H:%M:%S.%f")
    for key in ("before", "after"):
        row[key] = None if row[key] is None else json.dumps(row[key])
    names = ", ".join(row)
    conn.execute(
        f"INSERT INTO audit_events ({names}) VALUES ({', '.join('?' for _ in row)})",
        tuple(row.values()),
    )
    return values


def test_an_unchained_forged_row_is_named(board: Database) -> None:
    template = events(board)[0]
    conn = raw(board)
    _forge(conn, template, id="forged-1", chain_id=None, chain_seq=None)
    conn.close()
    found = report(board).problems
    assert [p.event_id for p in found] == ["forged-1"]
    assert "is not chained" in found[0].message


def test_a_forged_row_appended_with_a_correct_hash_is_beyond_the_head(board: Database) -> None:
    rows = events(board)
    conn = raw(board)
    _forge(conn, rows[-1], id="forged-2", chain_seq=len(rows) + 1, prev_hash=rows[-1].hash)
    conn.close()
    found = report(board).problems
    assert [p.event_id for p in found] == ["forged-2"]
    assert "is beyond the last event this laptop wrote" in found[0].message


def test_a_forged_row_slipped_into_the_middle_is_named(board: Database) -> None:
    rows = events(board)
    conn = raw(board)
    conn.execute("DROP INDEX ix_audit_events_chain")
    _forge(conn, rows[3], id="forged-3", op="delete", prev_hash=rows[2].hash)
    conn.close()
    found = report(board).problems
    assert "forged-3" in {p.event_id for p in found}
    assert "a row was inserted" in messages(board)


def test_a_whole_forged_chain_is_named(board: Database) -> None:
    template = events(board)[0]
    conn = raw(board)
    _forge(conn, template, id="forged-4", chain_id="forged-chain", chain_seq=1, prev_hash=None)
    conn.close()
    found = report(board).problems
    assert [p.event_id for p in found] == ["forged-4"]
    assert "neither written on this laptop nor received by sync" in found[0].message


def test_chains_synced_between_laptops_verify_on_every_replica(
    central_url: str, laptop: Laptop
) -> None:
    a, b = laptop("a"), laptop("b")
    seed_board(a)
    for db in (a, b):
        sync(db, central_url)
    with b.begin() as s:
        s.add(Person(name="Written on b"))
    with a.begin() as s:
        s.add(Person(name="Written on a"))
    for db in (a, b, a):
        sync(db, central_url)
    chains_a = {(e.id, e.chain_id, e.chain_seq, e.hash) for e in events(a)}
    chains_b = {(e.id, e.chain_id, e.chain_seq, e.hash) for e in events(b)}
    assert chains_a == chains_b  # events keep their original chain and hash
    for db in (a, b):
        got = report(db)
        assert got.ok, got.problems
        assert got.chains == 2


def test_the_migration_chains_rows_written_before_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_database(path, create=True)
    seed_board(db)
    written = len(events(db))
    db.close()
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0007")
    engine.dispose()
    conn = sqlite3.connect(path)
    assert "chain_id" not in {r[1] for r in conn.execute("PRAGMA table_info(audit_events)")}
    conn.close()

    db = open_database(path, backup_dir=tmp_path / "backups")
    try:
        assert db.migrated_from == "0007"
        before = report(db)
        assert before.ok and before.chains == 1 and before.events == written
        with db.begin() as s:
            s.add(Person(name="After the migration"))
        after = report(db)
        assert after.ok and after.chains == 2  # the old rows' chain and the live one
        live = [e for e in events(db) if e.chain_seq == 1]
        assert len(live) == 2
        # The migration's chaining was not captured as edits of the log.
        with db.engine.connect() as c:
            logged = c.exec_driver_sql(
                "SELECT count(*) FROM change_log WHERE table_name = 'audit_events' AND op = 'U'"
            ).scalar()
        assert logged == 0
    finally:
        db.close()


def test_two_writers_on_one_file_never_fork_the_chain(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "shared.db"
    open_database(path, create=True).close()
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        db = open_database(path)  # its own engine: like a second window or the sync thread
        try:
            for i in range(25):
                with db.begin() as s:
                    s.add(Person(name=f"{name} {i}"))
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("left", "right")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = open_database(path)
    try:
        got = report(db)
        assert got.ok, got.problems
        assert (got.events, got.chains) == (50, 1)
    finally:
        db.close()
