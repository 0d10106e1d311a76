"""Decision numbers taken twice offline (issue 3): sync converges, the duplicate is shown and
renumbered, migration 0009 keeps every row and every trigger of `decisions`."""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError

from db import minutes as M
from db.dump import dump_text
from db.errors import PermissionDeniedError, ValidationError
from db.models import (
    AgendaItem,
    Board,
    Decision,
    DecisionKind,
    ItemKind,
    Meeting,
    MeetingStatus,
    Membership,
    MinutesVersion,
    Person,
    Role,
)
from db.services.decisions import (
    DuplicateNumber,
    amend_decision,
    current_versions,
    duplicate_numbers,
    record_decision,
    renumber_decision,
    renumber_shared,
)
from db.services.search import search
from db.store import Database, alembic_config, head_revision, make_engine, open_database
from db.sync.central import central_engine, init_central
from db.sync.engine import sync
from tests.db.conftest import _pg_schema_url, settle

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
        return sorted(
            (r.number, r.wording) for r in s.execute(select(Decision.number, Decision.wording))
        )


def test_two_laptops_taking_the_same_number_offline_converge(
    central_url: str, laptop: Laptop
) -> None:
    a, b = laptop("a"), laptop("b")
    ids = _board(a)
    sync(a, central_url)
    sync(b, central_url)
    first = _decide(a, ids, "chair", "item1", "Agreed the plan's refresh.")
    second = _decide(b, ids, "clerk", "item2", "Noted the risk register.")
    settle(central_url, a, b)
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


# Shown and renumbered --------------------------------------------------------------------

T_EARLY = dt.datetime(2020, 1, 14, 10, 5, tzinfo=dt.UTC)
T_LATE = dt.datetime(2020, 1, 14, 10, 9, tzinfo=dt.UTC)


def _twin(db: Database, ids: dict[str, str], *, seq: int, at: dt.datetime, wording: str) -> str:
    """A decision that took number `seq` on another laptop, offline (as sync delivers it)."""
    with db.begin() as s:
        d = Decision(
            board_id=ids["board"],
            meeting_id=ids["meeting"],
            agenda_item_id=ids["item2"],
            year=2020,
            seq=seq,
            version=1,
            number=f"OPAB 20/{seq:02d}",
            kind=DecisionKind.NOTED,
            wording=wording,
            recorded_by_id=ids["clerk"],
            recorded_at=at,
        )
        s.add(d)
        s.flush()
        return d.id


def _at(db: Database, ids: dict[str, str], wording: str, at: dt.datetime) -> str:
    with db.begin(ids["chair"], clock=lambda: at) as s:
        ref = record_decision(s, ids["chair"], ids["item1"], "agreed", wording)
        row = s.get(Decision, ref.decision_id)
        assert row is not None
        return ref.decision_id


def _shared(db: Database, board_id: str, **kw: str) -> list[DuplicateNumber]:
    with db.session() as s:
        return duplicate_numbers(s, board_id, **kw)


def test_a_shared_number_is_listed_the_first_taker_keeping_it(database: Database) -> None:
    ids = _board(database)
    assert _shared(database, ids["board"]) == []
    late = _twin(database, ids, seq=1, at=T_LATE, wording="Noted the register.")
    early = _twin(database, ids, seq=1, at=T_EARLY, wording="Agreed the plan.")
    _twin(database, ids, seq=2, at=T_LATE, wording="A number of its own.")
    (dup,) = _shared(database, ids["board"])
    assert (dup.year, dup.seq, dup.number) == (2020, 1, "OPAB 20/01")
    assert [d.decision_id for d in dup.decisions] == [early, late]
    assert [d.keeps_number for d in dup.decisions] == [True, False]
    assert [d.decision_id for d in dup.later] == [late]
    first = dup.decisions[0]
    assert (first.meeting_date, first.item_title, first.recorded_by) == (
        MEETING_DAY,
        "Risk register",
        "Sam Clerk",
    )
    assert first.recorded_at.replace(tzinfo=dt.UTC) == T_EARLY
    assert _shared(database, ids["board"], meeting_id=ids["meeting"]) == [dup]
    with database.begin() as s:
        other = Meeting(board_id=ids["board"], meeting_date=dt.date(2020, 3, 10))
        s.add(other)
        s.flush()
        other_id = other.id
    assert _shared(database, ids["board"], meeting_id=other_id) == []


def test_renumbering_gives_the_later_one_the_next_number_as_a_new_version(
    database: Database,
) -> None:
    ids = _board(database)
    early = _twin(database, ids, seq=1, at=T_EARLY, wording="Agreed the plan.")
    late = _twin(database, ids, seq=1, at=T_LATE, wording="Noted the register.")
    _at(database, ids, "Agreed the budget.", T_LATE)  # takes OPAB 20/02
    with database.begin(ids["clerk"]) as s:
        ref = renumber_decision(s, ids["clerk"], late)
    assert (ref.number, ref.version) == ("OPAB 20/03", 2)
    assert _shared(database, ids["board"]) == []
    with database.session() as s:
        new = s.get(Decision, ref.decision_id)
        assert new is not None
        assert (new.supersedes_id, new.seq, new.wording, new.kind) == (
            late,
            3,
            "Noted the register.",
            DecisionKind.NOTED,
        )
        assert s.get(Decision, late) is not None  # history kept
        assert s.get(Decision, early).number == "OPAB 20/01"  # type: ignore[union-attr]
    # Amended afterwards, it keeps its new number; the next number follows it.
    with database.begin(ids["chair"]) as s:
        amended = amend_decision(s, ids["chair"], ref.decision_id, wording="Noted it, as amended.")
        assert (amended.number, amended.version) == ("OPAB 20/03", 3)
    assert _decide(database, ids, "chair", "item1", "Agreed the timetable.") != ""
    numbers = [n for n, _ in _numbers(database)]
    assert numbers.count("OPAB 20/04") == 1


def test_renumbering_is_refused_where_it_does_not_apply(database: Database) -> None:
    ids = _board(database)
    alone = _at(database, ids, "Agreed the plan.", T_EARLY)
    with (
        pytest.raises(ValidationError, match="shares its number with no other"),
        database.begin(ids["chair"]) as s,
    ):
        renumber_decision(s, ids["chair"], alone)
    late = _twin(database, ids, seq=1, at=T_LATE, wording="Noted the register.")
    with (
        pytest.raises(ValidationError, match="took its number first and keeps it"),
        database.begin(ids["chair"]) as s,
    ):
        renumber_decision(s, ids["chair"], alone)
    with database.begin() as s:
        member = Person(name="Pat Member")
        s.add(member)
        s.flush()
        s.add(Membership(board_id=ids["board"], person_id=member.id, role=Role.MEMBER))
        member_id = member.id
    with pytest.raises(PermissionDeniedError), database.begin(member_id) as s:
        renumber_decision(s, member_id, late)
    assert len(_shared(database, ids["board"])) == 1  # nothing written


def _close(db: Database, meeting_id: str) -> None:
    with db.begin() as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.status = MeetingStatus.CLOSED


def _stated(db: Database, version_id: str) -> list[str]:
    with db.session() as s:
        version = s.get(MinutesVersion, version_id)
        assert version is not None
        content = json.loads(version.content_json)
    return sorted(d["number"] for item in content["items"] for d in item["decisions"])


def test_minutes_wait_for_a_shared_number_to_be_renumbered(database: Database) -> None:
    ids = _board(database)
    _at(database, ids, "Agreed the plan.", T_EARLY)
    late = _twin(database, ids, seq=1, at=T_LATE, wording="Noted the register.")
    _close(database, ids["meeting"])
    with database.begin(ids["clerk"]) as s:
        version_id = M.create_draft(s, ids["clerk"], ids["meeting"]).version_id
    assert _stated(database, version_id) == ["OPAB 20/01", "OPAB 20/01"]
    with (
        pytest.raises(ValidationError, match=r"cannot be circulated .* OPAB 20/01 .* renumber"),
        database.begin(ids["clerk"]) as s,
    ):
        M.circulate(s, ids["clerk"], version_id)
    with database.begin(ids["chair"]) as s:  # the meeting is closed: still renumbered
        ref = renumber_decision(s, ids["chair"], late)
    assert ref.number == "OPAB 20/02"
    assert _stated(database, version_id) == ["OPAB 20/01", "OPAB 20/02"]  # draft restated
    with database.session() as s:
        built = M.build_minutes(s, ids["clerk"], ids["meeting"], public=False)
        numbers = sorted(d.number for item in built.items for d in item.decisions)
    assert numbers == ["OPAB 20/01", "OPAB 20/02"]
    with database.begin(ids["clerk"]) as s:
        assert M.circulate(s, ids["clerk"], version_id).status == "circulated"
    # A shared number arriving by sync after circulation holds up the approval.
    _twin(database, ids, seq=2, at=T_LATE + dt.timedelta(minutes=1), wording="Also noted.")
    with (
        pytest.raises(ValidationError, match=r"cannot be approved .* OPAB 20/02"),
        database.begin(ids["chair"]) as s,
    ):
        M.approve(s, ids["chair"], version_id)


def test_renumbering_makes_the_same_choice_on_two_laptops_and_converges(
    central_url: str, laptop: Laptop
) -> None:
    a, b = laptop("a"), laptop("b")
    ids = _board(a)
    sync(a, central_url)
    sync(b, central_url)
    first = _at(a, ids, "Agreed the plan's refresh.", T_EARLY)
    second = _at(b, ids, "Agreed the quarterly report.", T_LATE)
    settle(central_url, a, b)
    on_a, on_b = _shared(a, ids["board"]), _shared(b, ids["board"])
    assert on_a == on_b
    assert [d.decision_id for d in on_a[0].decisions] == [first, second]
    with b.begin(ids["clerk"]) as s:
        renumber_shared(s, ids["clerk"], on_b[0])
    settle(central_url, a, b)
    for db in (a, b):
        assert _shared(db, ids["board"]) == []
        assert _numbers(db) == [
            ("OPAB 20/01", "Agreed the plan's refresh."),
            ("OPAB 20/01", "Agreed the quarterly report."),  # the history: version 1
            ("OPAB 20/02", "Agreed the quarterly report."),
        ]
    assert dump_text(a.engine) == dump_text(b.engine)


def test_renumbered_on_both_laptops_at_once_still_converges(
    central_url: str, laptop: Laptop
) -> None:
    a, b = laptop("a"), laptop("b")
    ids = _board(a)
    sync(a, central_url)
    sync(b, central_url)
    _at(a, ids, "Agreed the plan's refresh.", T_EARLY)
    second = _at(b, ids, "Agreed the quarterly report.", T_LATE)
    settle(central_url, a, b)
    refs = []
    for db in (a, b):  # both clerks renumber before syncing again
        with db.begin(ids["clerk"]) as s:
            refs.append(renumber_decision(s, ids["clerk"], second))
    assert refs[0].decision_id != refs[1].decision_id
    settle(central_url, a, b)
    assert dump_text(a.engine) == dump_text(b.engine)
    for db in (a, b):
        assert _shared(db, ids["board"]) == []
        with db.session() as s:
            rows = s.scalars(select(Decision).where(Decision.meeting_id == ids["meeting"]))
            current = sorted((d.number, d.wording) for d in current_versions(rows))
            assert current == [
                ("OPAB 20/01", "Agreed the plan's refresh."),
                ("OPAB 20/02", "Agreed the quarterly report."),
            ]


# Which version is current: the same on every replica, whatever order rows arrive in -----


@st.composite
def _version_forest(draw: st.DrawFn) -> list[Decision]:
    """Decisions with versions, some added to the same version twice (two laptops offline)."""
    rows: list[Decision] = []
    for root in range(draw(st.integers(1, 3))):
        chain = [
            Decision(
                id=f"r{root}",
                seq=root + 1,
                version=1,
                recorded_at=T_EARLY + dt.timedelta(minutes=draw(st.integers(0, 3))),
            )
        ]
        for n in range(draw(st.integers(0, 4))):
            parent = draw(st.sampled_from(chain))
            chain.append(
                Decision(
                    id=f"r{root}v{n}",
                    seq=draw(st.sampled_from([parent.seq, 10 + n])),
                    version=parent.version + 1,
                    supersedes_id=parent.id,
                    recorded_at=T_EARLY + dt.timedelta(minutes=draw(st.integers(0, 3))),
                )
            )
        rows.extend(chain)
    return rows


def _root_of(rows: list[Decision], d: Decision) -> str:
    by_id = {r.id: r for r in rows}
    while d.supersedes_id is not None:
        d = by_id[d.supersedes_id]
    return d.id


@settings(max_examples=200, deadline=None)
@given(rows=_version_forest(), order=st.randoms(use_true_random=False))
def test_one_current_version_per_decision_whatever_the_order(
    rows: list[Decision], order: random.Random
) -> None:
    current = current_versions(rows)
    shuffled = list(rows)
    order.shuffle(shuffled)
    assert {d.id for d in current_versions(shuffled)} == {d.id for d in current}
    roots = sorted(_root_of(rows, d) for d in current)
    assert roots == sorted({_root_of(rows, d) for d in rows})  # one per decision, none lost
    for d in current:  # and it is the newest on the followed line: nothing supersedes it
        assert not any(r.supersedes_id == d.id for r in rows)
