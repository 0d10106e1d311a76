"""Sync, case by case: the geodiff-style situations, clocks, schema versions, capture."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from sqlalchemy import select, text

from db.dump import dump_text
from db.models import Action, Board, Decision, DecisionKind, Meeting, Person, Rag
from db.store import Database
from db.sync import capture
from db.sync.central import CentralStore, UpdateRequiredError
from db.sync.engine import status, sync
from db.sync.tables import NOT_SYNCED
from tests.db.conftest import Laptop, seed_board, settle, two_laptops


def conflicts(db: Database) -> list[tuple[str, str, list[object]]]:
    with db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, field, versions FROM sync_conflicts "
                "WHERE open = 1 ORDER BY 1, 2"
            )
        ).all()
    return [(r[0], r[1], [v["value"] for v in json.loads(r[2])]) for r in rows]


def action(db: Database, action_id: str) -> Action:
    with db.session() as s:
        found = s.get(Action, action_id)
        assert found is not None
        return found


def edit(db: Database, action_id: str, **values: object) -> None:
    with db.begin() as s:
        row = s.get(Action, action_id)
        for k, v in values.items():
            setattr(row, k, v)


def test_a_new_laptop_gets_everything_and_dumps_equal(central_url: str, laptop: Laptop) -> None:
    a, b, _ = two_laptops(central_url, laptop)
    assert dump_text(a.engine) == dump_text(b.engine)
    assert status(b).pending_changes == 0 and status(a).pending_changes == 0


def test_different_fields_of_one_row_both_survive(central_url: str, laptop: Laptop) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    edit(a, ids["a0"], rag=Rag.AMBER)
    edit(b, ids["a0"], due_date=dt.date(2019, 6, 30))
    settle(central_url, a, b)
    for db in (a, b):
        got = action(db, ids["a0"])
        assert (got.rag, got.due_date) == (Rag.AMBER, dt.date(2019, 6, 30))
    assert dump_text(a.engine) == dump_text(b.engine)
    assert conflicts(a) == conflicts(b) == []


def test_identical_edits_are_not_a_conflict(central_url: str, laptop: Laptop) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    for db in (a, b):
        edit(db, ids["a0"], rag=Rag.GREEN, description="Agreed wording")
    settle(central_url, a, b)
    assert conflicts(a) == conflicts(b) == []
    assert action(a, ids["a0"]).description == "Agreed wording"
    assert dump_text(a.engine) == dump_text(b.engine)


def test_free_text_edited_on_both_sides_is_kept_as_a_conflict(
    central_url: str, laptop: Laptop
) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    edit(a, ids["a0"], description="Chair's wording")
    edit(b, ids["a0"], description="Officer's wording")
    settle(central_url, a, b)
    expected = [("actions", "description", ["Chair's wording", "Officer's wording"])]
    assert conflicts(a) == conflicts(b) == expected
    assert dump_text(a.engine) == dump_text(b.engine)
    # A person resolves it on one laptop; the resolution reaches every laptop.
    edit(b, ids["a0"], description="Merged wording")
    settle(central_url, a, b)
    assert conflicts(a) == conflicts(b) == []
    assert action(a, ids["a0"]).description == "Merged wording"


def test_plain_field_last_writer_wins_and_the_loser_sees_it(
    central_url: str, laptop: Laptop
) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    edit(a, ids["a0"], rag=Rag.AMBER)
    edit(b, ids["a0"], rag=Rag.GREEN)  # later clock: wins
    sync(a, central_url)
    sync(b, central_url)
    sync(a, central_url)
    assert action(a, ids["a0"]).rag is Rag.GREEN
    with a.engine.connect() as conn:
        lost = conn.execute(text("SELECT field, lost_value, won_value FROM sync_overrides")).all()
    assert lost == [("rag", '"amber"', '"green"')]
    with b.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sync_overrides")).scalar() == 0
    assert status(a).unseen_overrides == 1


def test_update_versus_delete_is_a_conflict_and_the_row_stays_deleted(
    central_url: str, laptop: Laptop
) -> None:
    a, b, _ = two_laptops(central_url, laptop)
    with a.begin() as s:
        p = Person(name="Temporary Member", job_title="Interim")
        s.add(p)
    settle(central_url, a, b)
    with a.begin() as s:
        s.delete(s.scalars(select(Person).where(Person.name == "Temporary Member")).one())
    with b.begin() as s:
        s.scalars(select(Person).where(Person.name == "Temporary Member")).one().job_title = "HoS"
    settle(central_url, a, b)
    for db in (a, b):
        with db.session() as s:
            assert s.scalars(select(Person).where(Person.name == "Temporary Member")).all() == []
    assert [c[:2] for c in conflicts(a)] == [("people", "~")]
    assert conflicts(a) == conflicts(b)
    assert dump_text(a.engine) == dump_text(b.engine)


def test_decisions_recorded_on_two_laptops_exist_everywhere_once(
    central_url: str, laptop: Laptop
) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    with a.begin() as s:
        m = Meeting(board_id=ids["board"], meeting_date=dt.date(2019, 1, 22))
        s.add(m)
    settle(central_url, a, b)
    with a.session() as s:
        meeting_id = s.scalars(select(Meeting.id)).one()
    for seq, db in enumerate((a, b), start=1):
        with db.begin() as s:
            s.add(
                Decision(
                    board_id=ids["board"],
                    meeting_id=meeting_id,
                    year=2019,
                    seq=seq,
                    number=f"OPAB 19/{seq:02d}",
                    kind=DecisionKind.AGREED,
                    wording=f"Decision {seq}",
                )
            )
    settle(central_url, a, b)
    sync(a, central_url)  # a repeated sync changes nothing
    for db in (a, b):
        with db.session() as s:
            assert sorted(s.scalars(select(Decision.number))) == ["OPAB 19/01", "OPAB 19/02"]
    assert dump_text(a.engine) == dump_text(b.engine)


@pytest.mark.parametrize("skew_hours", [-1, 1])
def test_a_laptop_clock_an_hour_out_still_orders_edits_by_what_was_seen(
    central_url: str, laptop: Laptop, skew_hours: int
) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    with b.engine.begin() as conn:
        conn.execute(
            text("UPDATE sync_state SET clock_offset_ms = :o"), {"o": skew_hours * 3_600_000}
        )
    edit(a, ids["a0"], rag=Rag.AMBER)
    sync(a, central_url)
    sync(b, central_url)  # b has now seen a's edit...
    edit(b, ids["a0"], rag=Rag.GREEN)  # ...so its edit must win, whatever its wall clock says
    settle(central_url, a, b)
    assert action(a, ids["a0"]).rag is Rag.GREEN
    assert action(b, ids["a0"]).rag is Rag.GREEN
    # and the other way round
    edit(a, ids["a0"], rag=Rag.RED)
    settle(central_url, a, b)
    assert action(b, ids["a0"]).rag is Rag.RED


def test_hlc_never_goes_backwards_when_the_wall_clock_does(laptop: Laptop) -> None:
    db = laptop("a")
    ids = seed_board(db, actions=1)
    with db.engine.begin() as conn:
        before = conn.execute(text("SELECT hlc FROM sync_state")).scalar_one()
        conn.execute(text("UPDATE sync_state SET clock_offset_ms = -86400000"))
    edit(db, ids["a0"], rag=Rag.AMBER)
    edit(db, ids["a0"], rag=Rag.GREEN)
    with db.engine.connect() as conn:
        clocks = [r[0] for r in conn.execute(text("SELECT hlc FROM change_log ORDER BY site_seq"))]
    assert clocks == sorted(clocks) and len(set(clocks)) == len(clocks)
    assert clocks[-1] > before
    db.close()
    reopened = __import__("db.store", fromlist=["open_database"]).open_database(db.path)
    try:
        edit(reopened, ids["a0"], rag=Rag.RED)  # persisted across restarts
        with reopened.engine.connect() as conn:
            last = conn.execute(text("SELECT max(hlc) FROM change_log")).scalar_one()
        assert last > clocks[-1]
    finally:
        reopened.close()


def test_timestamps_round_trip_through_the_central_store(central_url: str, laptop: Laptop) -> None:
    a = laptop("a")
    bst = dt.timezone(dt.timedelta(hours=1))
    when = dt.datetime(2019, 6, 1, 10, 30, 15, 123456, tzinfo=bst)
    with a.begin() as s:
        s.add(Person(name="Jo Tz", created_at=when))
    sync(a, central_url)
    b = laptop("b")
    sync(b, central_url)  # snapshot path
    c = laptop("c")
    sync(c, central_url)
    with a.begin() as s:  # change path
        s.scalars(select(Person)).one().created_at = when + dt.timedelta(microseconds=1)
    settle(central_url, a, b, c)
    for db in (b, c):
        with db.session() as s:
            got = s.scalars(select(Person.created_at)).one()
        assert got == when + dt.timedelta(microseconds=1) and got.tzinfo == dt.UTC
    assert dump_text(a.engine) == dump_text(b.engine) == dump_text(c.engine)


def test_an_older_app_keeps_working_offline_and_says_update_required(
    central_url: str, laptop: Laptop
) -> None:
    a = laptop("a")
    store = CentralStore(central_url)
    try:
        with store.engine.begin() as conn:
            conn.execute(
                text("UPDATE central_meta SET value = '9999' WHERE key = 'min_client_schema'")
            )
    finally:
        store.close()
    with pytest.raises(UpdateRequiredError, match="update required"):
        sync(a, central_url)
    seed_board(a)  # still works offline
    assert status(a).pending_changes > 0
    assert "update required" in (status(a).last_error or "")


def test_every_synced_table_has_capture_triggers(database: Database) -> None:
    with database.engine.connect() as conn:
        shapes = capture.synced_tables(conn)
        triggers = {
            r[0]
            for r in conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type='trigger' AND name LIKE 'capture_%'"
                )
            )
        }
    from db.base import Base

    expected = {t for t in Base.metadata.tables if t not in NOT_SYNCED}
    assert {s.name for s in shapes} == expected
    for name in expected:
        assert {f"capture_{name}_{op}" for op in "iud"} <= triggers


def test_no_write_path_escapes_capture(database: Database) -> None:
    """ORM, Core and raw sqlite3 writes all leave a change record in the same transaction."""
    ids = seed_board(database, actions=2)
    with database.engine.begin() as conn:
        conn.execute(
            text("UPDATE actions SET lead_agency = 'Police' WHERE id = :i"), {"i": ids["a0"]}
        )
    raw = sqlite3.connect(database.path)
    with raw:
        raw.execute(
            "UPDATE actions SET title = 'Edited outside the app' WHERE id = ?", (ids["a1"],)
        )
        raw.execute(
            "INSERT INTO people (id, name, created_at) "
            "VALUES ('p-raw', 'Raw', '2019-01-01 00:00:00.000000')"
        )
    with raw:  # a rolled-back write leaves no change record either
        raw.execute("DELETE FROM people WHERE id = 'p-raw'")
        raw.rollback()
    raw.close()
    with database.engine.connect() as conn:
        logged = {
            (r[0], r[1], r[2])
            for r in conn.execute(text("SELECT table_name, row_id, op FROM change_log"))
        }
        for table in ("boards", "plans", "themes", "actions", "people", "audit_events"):
            rows = {r[0] for r in conn.execute(text(f"SELECT id FROM {table}"))}
            assert rows and all((table, r, "I") in logged for r in rows), table
        fields = [
            json.loads(r[0])
            for r in conn.execute(
                text("SELECT fields FROM change_log WHERE op = 'U' AND table_name = 'actions'")
            )
        ]
    assert ("people", "p-raw", "D") not in logged
    assert {"lead_agency": "Police"} in fields and {"title": "Edited outside the app"} in fields


def test_floats_travel_exactly(database: Database) -> None:
    """Every double survives the trip through the change log bit for bit."""
    import random
    import struct

    rng = random.Random(7)
    values = [rng.uniform(-1e6, 1e6) for _ in range(2000)]
    values += [
        struct.unpack("d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(2000)
    ]
    values += [1 / 3, 0.1, 21.9 - 1e-14, 5e-324, 1.7976931348623157e308]
    finite = [v for v in values if v == v and abs(v) != float("inf")]
    with database.engine.connect() as conn:
        for v in finite:
            wire = conn.execute(text("SELECT printf('%!.18g', :v)"), {"v": v}).scalar_one()
            assert float(wire) == v, (v, wire)
    ids = seed_board(database, actions=1)
    with database.begin() as s:
        s.get(Board, ids["board"]).quorum_fraction = 2 / 3  # type: ignore[union-attr]
    with database.engine.connect() as conn:
        logged = conn.execute(
            text("SELECT fields FROM change_log WHERE table_name = 'boards' AND op = 'U'")
        ).scalar_one()
    assert float(json.loads(logged)["quorum_fraction"]) == 2 / 3
