"""Decision numbers taken twice offline (issue 3): sync converges, the duplicate is shown and
renumbered, migration 0009 keeps every row and every trigger of `decisions`."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from db.dump import dump_text
from db.models import (
    AgendaItem,
    Board,
    Decision,
    ItemKind,
    Meeting,
    MeetingStatus,
    Membership,
    Person,
    Role,
)
from db.services.decisions import record_decision
from db.services.search import search
from db.store import Database, alembic_config, head_revision, make_engine, open_database
from db.sync.central import central_engine, init_central
from db.sync.engine import sync
from tests.db.conftest import _pg_schema_url

Laptop = Callable[[str], Database]
MEETING_DAY = dt.date(2020, 1, 14)


def _board(db: Database) -> dict[str, str]:
    """A board with a chair and a clerk, and a meeting in progress with two items."""
    with db.begin() as s:
        chair, clerk = Person(name="Alex Marsh"), Person(name="Sam Clerk")
        board = Board(code="OPAB", name="Ofsted Priority Action Board")
        s.add_all([chair, clerk, board])
        s.flush()
        s.add_all(
            [
                Membership(board_id=board.id, person_id=chair.id, role=Role.CHAIR),
                Membership(board_id=board.id, person_id=clerk.id, role=Role.SECRETARIAT),
            ]
        )
        meeting = Meeting(
            board_id=board.id, meeting_date=MEETING_DAY, status=MeetingStatus.IN_PROGRESS
        )
        s.add(meeting)
        s.flush()
        items = [
            AgendaItem(meeting_id=meeting.id, position=n, kind=ItemKind.BUSINESS, title=t)
            for n, t in ((1, "Improvement plan"), (2, "Risk register"))
        ]
        s.add_all(items)
        s.flush()
        return {
            "board": board.id,
            "meeting": meeting.id,
            "chair": chair.id,
            "clerk": clerk.id,
            "item1": items[0].id,
            "item2": items[1].id,
        }


def _decide(db: Database, ids: dict[str, str], actor: str, item: str, wording: str) -> str:
    with db.begin(ids[actor]) as s:
        return record_decision(s, ids[actor], ids[item], "agreed", wording).decision_id


def _numbers(db: Database) -> list[tuple[str, str]]:
    with db.session() as s:
        return sorted(s.execute(select(Decision.number, Decision.wording)).tuples())


def test_two_laptops_taking_the_same_number_offline_converge(
    central_url: str, laptop: Laptop
) -> None:
    a, b = laptop("a"), laptop("b")
    ids = _board(a)
    sync(a, central_url)
    sync(b, central_url)
    first = _decide(a, ids, "chair", "item1", "Agreed the plan's refresh.")
    second = _decide(b, ids, "clerk", "item2", "Noted the risk register.")
    for _ in range(2):
        for db in (a, b):
            sync(db, central_url)
    for db in (a, b):
        with db.session() as s:
            rows = sorted(s.execute(select(Decision.id, Decision.number)).all())
        assert sorted(r[0] for r in rows) == sorted([first, second])
        assert {r[1] for r in rows} == {"OPAB 20/01"}
    assert dump_text(a.engine) == dump_text(b.engine)


# Migration 0009 --------------------------------------------------------------------------

TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'decisions' "
    "ORDER BY name"
)
INDEXES = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'decisions' "
    "AND sql IS NOT NULL ORDER BY name"
)


def _file_at_0008(path: Path) -> dict[str, str]:
    """A laptop file at revision 0008 holding decisions (amended, cited, one parentless).

    Written in plain SQL: the models are at head, and may have columns 0008 lacks."""
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
    engine.dispose()
    ids = {k: str(uuid.uuid4()) for k in ("board", "meeting", "chair", "clerk", "item1", "item2")}
    ids.update({f"d{i}": str(uuid.uuid4()) for i in range(5)})
    at = "'2020-01-14 10:00:00.000000'"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA foreign_keys=ON")
    statements = [
        f"INSERT INTO people (id, name, created_at) VALUES ('{ids['chair']}', 'Alex Marsh', {at})",
        f"INSERT INTO people (id, name, created_at) VALUES ('{ids['clerk']}', 'Sam Clerk', {at})",
        "INSERT INTO boards (id, code, name, quorum_fraction, quorum_needs_chair, created_at) "
        f"VALUES ('{ids['board']}', 'OPAB', 'Ofsted Priority Action Board', 0.34, 1, {at})",
        "INSERT INTO memberships (id, board_id, person_id, role, voting) VALUES "
        f"('{uuid.uuid4()}', '{ids['board']}', '{ids['chair']}', 'chair', 1)",
        "INSERT INTO memberships (id, board_id, person_id, role, voting) VALUES "
        f"('{uuid.uuid4()}', '{ids['board']}', '{ids['clerk']}', 'secretariat', 1)",
        "INSERT INTO meetings (id, board_id, meeting_date, hybrid, status, created_at) VALUES "
        f"('{ids['meeting']}', '{ids['board']}', '2020-01-14', 0, 'in_progress', {at})",
    ]
    for n in (1, 2):
        statements.append(
            "INSERT INTO agenda_items (id, meeting_id, position, kind, title, exempt, "
            f"taken_inquorate) VALUES ('{ids[f'item{n}']}', '{ids['meeting']}', {n}, 'business', "
            f"'Item {n}', 0, 0)"
        )
    decisions = (  # key, seq, version, supersedes, recorded by, wording
        ("d0", 1, 1, None, "chair", "Agreed the refreshed improvement plan."),
        ("d1", 1, 2, "d0", "chair", "Agreed the refreshed plan, as amended."),
        ("d2", 2, 1, None, "clerk", "Noted the quarterly risk register."),
    )
    for key, seq, version, sup, who, wording in decisions:
        statements.append(
            "INSERT INTO decisions (id, board_id, meeting_id, agenda_item_id, year, seq, version, "
            "number, kind, wording, recorded_by_id, recorded_at, supersedes_id) VALUES "
            f"('{ids[key]}', '{ids['board']}', '{ids['meeting']}', '{ids['item1']}', 2020, {seq}, "
            f"{version}, 'OPAB 20/{seq:02d}', 'agreed', '{wording}', '{ids[who]}', {at}, "
            + (f"'{ids[sup]}')" if sup else "NULL)")
        )
    statements.append(  # an action arising citing a decision: a child row of `decisions`
        "INSERT INTO actions_arising (id, board_id, meeting_id, decision_id, text, status, "
        f"created_at) VALUES ('{uuid.uuid4()}', '{ids['board']}', '{ids['meeting']}', "
        f"'{ids['d2']}', 'Circulate the register', 'open', {at})"
    )
    for sql in statements:
        raw.execute(sql)
    raw.commit()
    # A row pulled before its parent (sync applies with foreign keys off).
    raw.execute("PRAGMA foreign_keys=OFF")
    raw.execute("UPDATE sync_state SET capture = 0 WHERE id = 1")
    raw.execute(
        "INSERT INTO decisions (id, board_id, meeting_id, year, seq, version, number, kind, "
        "wording, recorded_by_id, recorded_at) VALUES "
        f"('{ids['d3']}', '{ids['board']}', '{ids['meeting']}', 2020, 3, 1, 'OPAB 20/03', "
        f"'noted', 'Pulled before its recorder.', 'not-yet-pulled', {at})"
    )
    raw.execute("UPDATE sync_state SET capture = 1 WHERE id = 1")
    raw.commit()
    raw.close()
    return ids


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path)


def test_migration_keeps_rows_and_every_trigger(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    ids = _file_at_0008(path)
    conn = _raw(path)
    triggers = conn.execute(TRIGGERS).fetchall()
    indexes = conn.execute(INDEXES).fetchall()
    rows = conn.execute("SELECT rowid, * FROM decisions ORDER BY rowid").fetchall()
    orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    conn.close()
    assert {n for n, _ in triggers} >= {
        "decisions_no_update",
        "decisions_no_delete",
        "capture_decisions_i",
        "capture_decisions_u",
        "capture_decisions_d",
        "search_fts_decisions_i",
        "search_fts_decisions_u",
        "search_fts_decisions_d",
    }
    assert len(rows) == 4 and len(orphans) == 1

    db = open_database(path, backup_dir=tmp_path / "backups")
    try:
        assert db.migrated_from == "0008"
        conn = _raw(path)
        assert conn.execute(TRIGGERS).fetchall() == triggers
        after_indexes = dict(conn.execute(INDEXES).fetchall())
        assert after_indexes.items() >= dict(indexes).items()
        assert {"ix_decisions_board_id_year_seq", "ix_decisions_supersedes_id"} <= set(
            after_indexes
        )
        assert conn.execute("SELECT rowid, * FROM decisions ORDER BY rowid").fetchall() == rows
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == orphans
        table_sql = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'decisions'"
        ).fetchone()[0]
        assert "UNIQUE" not in table_sql
        assert "fk_decisions_meeting_id_meetings FOREIGN KEY" in table_sql
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name LIKE '%decisions_0009%'"
        ).fetchone() == (0,)
        conn.close()
        # Still append-only, in the database itself.
        with pytest.raises(IntegrityError, match="append-only"), db.engine.begin() as c:
            c.exec_driver_sql("UPDATE decisions SET wording = 'Edited'")
        with pytest.raises(IntegrityError, match="append-only"), db.engine.begin() as c:
            c.exec_driver_sql("DELETE FROM decisions")
        # Foreign keys are still checked on the rebuilt table.
        with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO decisions (id, board_id, meeting_id, year, seq, version, number, "
                "kind, wording, recorded_at) VALUES ('x', 'no-board', 'no-meeting', 2020, 9, 1, "
                "'OPAB 20/09', 'noted', 'Nowhere', '2020-01-14 10:00:00.000000')"
            )
        # A new decision is captured for sync and found by search.
        new = _decide(db, ids, "chair", "item1", "Endorsed the zeppelin partnership protocol.")
        with db.engine.connect() as c:
            logged = c.execute(
                text(
                    "SELECT op, json_extract(fields, '$.number') FROM change_log "
                    "WHERE table_name = 'decisions' AND row_id = :id"
                ),
                {"id": new},
            ).all()
        assert logged == [("I", "OPAB 20/04")]
        with db.session() as s:
            hits = [h.record_id for g in search(s, "zeppelin", include_exempt=True) for h in g.hits]
            old_hits = [
                h.record_id for g in search(s, "quarterly", include_exempt=True) for h in g.hits
            ]
        assert hits == [new]
        assert len(old_hits) == 1  # indexed before the migration, still found
        # The same number twice is now a row like any other.
        with db.engine.begin() as c:
            c.execute(
                text(
                    "INSERT INTO decisions (id, board_id, meeting_id, year, seq, version, number, "
                    "kind, wording, recorded_at) SELECT :id, board_id, meeting_id, year, seq, "
                    "version, number, kind, 'Taken offline too', recorded_at FROM decisions "
                    "WHERE id = :new"
                ),
                {"id": str(uuid.uuid4()), "new": new},
            )
    finally:
        db.close()


def test_downgrade_puts_the_constraint_back_only_without_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    _file_at_0008(path)
    engine = make_engine(path)
    cfg = alembic_config()

    def migrate(fn: Callable[..., None], target: str) -> None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            fn(cfg, target)

    migrate(command.upgrade, "0009")
    migrate(command.downgrade, "0008")
    conn = _raw(path)
    table_sql = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'decisions'"
    ).fetchone()[0]
    assert "uq_decisions_board_id_year_seq_version UNIQUE" in table_sql
    assert len(conn.execute(TRIGGERS).fetchall()) == 8
    conn.close()
    migrate(command.upgrade, "0009")
    with engine.begin() as c:  # a duplicate...
        c.exec_driver_sql(
            "INSERT INTO decisions (id, board_id, meeting_id, year, seq, version, number, "
            "kind, wording, recorded_at) SELECT 'twin', board_id, meeting_id, year, seq, "
            "version, number, kind, 'Twin', recorded_at FROM decisions WHERE seq = 2"
        )
    with pytest.raises(IntegrityError):  # ...refuses the downgrade, and nothing changes
        migrate(command.downgrade, "0008")
    engine.dispose()
    conn = _raw(path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0009",)
    assert conn.execute("SELECT count(*) FROM decisions").fetchone() == (5,)
    assert len(conn.execute(TRIGGERS).fetchall()) == 8
    conn.close()


def _unique_constraints(url: str) -> set[str]:
    from sqlalchemy import inspect

    engine = central_engine(url)
    try:
        with engine.connect() as conn:
            return {str(u["name"]) for u in inspect(conn).get_unique_constraints("decisions")}
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def central_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A central store as `boardpack central init` left it at revision 0008."""
    from db.sync import central

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'central.db'}"
        admin = None
    else:
        base = request.getfixturevalue("pg_url")
        schema = f"dn_{uuid.uuid4().hex[:12]}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_schema_url(base, schema)
    engine = central_engine(url)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0008")
        central._drop_foreign_keys(conn)
        conn.execute(
            text("INSERT INTO central_meta (key, value) VALUES ('min_client_schema', '0008')")
        )
        if conn.dialect.name == "sqlite":
            central._capture_off(conn)
    engine.dispose()
    try:
        yield url
    finally:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def test_a_central_store_made_at_0008_is_brought_up_by_init(
    central_at_0008: str, laptop: Laptop
) -> None:
    url = central_at_0008
    assert "uq_decisions_board_id_year_seq_version" in _unique_constraints(url)
    assert init_central(url) == head_revision()
    assert _unique_constraints(url) == set()
    test_two_laptops_taking_the_same_number_offline_converge(url, laptop)
