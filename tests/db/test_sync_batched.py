"""Batched writes leave what row-by-row writes leave (`db.sync.rows`).

`Replica.apply` sends its row writes grouped, one executemany per statement
shape; `Replica(..., batched=False)` sends each at once, as the merge did
before batching. For random runs of inserts, updates and deletes (plain and
free-text fields, a unique column, tombstones, several sites and batches) both
must leave the same rows, row clocks, conflicts, overrides and search index, on
a laptop file, an SQLite central store and PostgreSQL. When row by row breaks a
unique constraint, the batched run may end either way (its grouped order may
well not); the reverse — grouping breaking a constraint that row by row keeps —
is handled by replaying the batch in order, tested on its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError

from db.store import open_database
from db.sync.central import central_engine
from db.sync.merge import Change, Replica

ROWS = ("k-1", "k-2", "k-3")
SITES = ("s1", "s2", "s3")
REFS = tuple(f"R{n}" for n in range(1, 10))
TEXTS = (None, "Agreed", "Deferred to March", "Ask for data")
TARGETS = (None, "1.5", "2.25", "0.1")
EDITABLE = ("reference", "title", "target", "description", "narrative")
State = dict[str, list[tuple[Any, ...]]]


def _kpi(i: int, row: str, ref: str, site: str, hlc: int, **more: Any) -> Change:
    fields = {
        "id": row,
        "plan_id": "plan-1",
        "reference": ref,
        "title": f"KPI {i}",
        "unit": "%",
        "polarity": "higher_is_better",
        **more,
    }
    return Change(f"{site}:{i}", site, i, hlc, "kpis", row, "I", fields, None, "0007", "u1", i)


@st.composite
def change_runs(draw: st.DrawFn) -> tuple[list[Change], list[int]]:
    """The KPIs inserted, then changes to them from several sites (clocks mostly rising,
    some behind), and where the run is cut into batches."""
    changes = [_kpi(i + 1, row, REFS[i], "s2", i + 1) for i, row in enumerate(ROWS)]
    count = draw(st.integers(1, 20))
    for n in range(count):
        i = len(changes) + 1
        site = draw(st.sampled_from(SITES))
        hlc = (1000 + n * 10 + draw(st.integers(-25, 5))) * 10 + n % 10  # unique
        row = draw(st.sampled_from(ROWS))
        op = draw(st.sampled_from("IUUUUUD"))
        seen = draw(st.sampled_from([None, *(c.stamp for c in changes)]))
        if op == "I":
            changes.append(
                _kpi(
                    i,
                    row,
                    draw(st.sampled_from(REFS)),
                    site,
                    hlc,
                    target=draw(st.sampled_from(TARGETS)),
                    description=draw(st.sampled_from(TEXTS)),
                    narrative=draw(st.sampled_from(TEXTS)),
                )
            )
            continue
        fields: dict[str, Any] | None = None
        base: dict[str, Any] = {"row": seen[0] if seen else 0}
        if op == "U":
            names = draw(st.lists(st.sampled_from(EDITABLE), min_size=1, max_size=3, unique=True))
            fields = {}
            for name in sorted(names):
                if name == "reference":
                    fields[name] = draw(st.sampled_from(REFS))
                elif name == "target":
                    fields[name] = draw(st.sampled_from(TARGETS))
                elif name == "title":
                    fields[name] = f"Renamed {i}"
                else:
                    fields[name] = draw(st.sampled_from(TEXTS))
            base = {name: [list(seen)] if seen else [] for name in fields}
        changes.append(
            Change(f"{site}:{i}", site, i, hlc, "kpis", row, op, fields, base, "0007", "u1", i)
        )
    cuts = draw(st.lists(st.integers(1, len(changes) - 1), max_size=2, unique=True))
    return changes, sorted(cuts)


def _batches(changes: Sequence[Change], cuts: Sequence[int]) -> list[Sequence[Change]]:
    bounds = [0, *[c for c in cuts if c < len(changes)], len(changes)]
    return [changes[a:b] for a, b in itertools.pairwise(bounds) if a < b]


def _state(conn: Any, laptop: bool) -> State:
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return sorted(
            (tuple(r) for r in conn.execute(text(sql)).all()),
            key=lambda r: tuple((v is None, str(v)) for v in r),
        )

    state = {
        "kpis": rows(
            "SELECT id, reference, title, target, description, narrative FROM kpis "
            "WHERE id LIKE 'k-%'"
        ),
        "clocks": rows("SELECT table_name, row_id, clocks FROM row_clock"),
        "conflicts": rows("SELECT table_name, row_id, field, versions, open FROM sync_conflicts"),
        "overrides": rows(
            "SELECT table_name, row_id, field, lost_value, won_value, won_by_site "
            "FROM sync_overrides"
        ),
    }
    if laptop:  # the index triggers saw the same rows (document ids follow write order)
        state["search"] = rows(
            "SELECT d.source_id, f.title, f.body FROM search_fts_docs AS d "
            "JOIN search_fts AS f ON f.rowid = d.id"
        )
    return state


def outcome(
    engine: Engine, batches: Sequence[Sequence[Change]], my_site: str | None, *, batched: bool
) -> State | None:
    """Apply the batches in one transaction, read the result, roll back; None: it failed."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        transaction = conn.begin()
        try:
            if sqlite:
                conn.exec_driver_sql("UPDATE sync_state SET capture = 0 WHERE id = 1")
            try:
                for batch in batches:
                    Replica(conn, my_site, batched=batched).apply(batch)
            except IntegrityError:
                return None
            return _state(conn, laptop=my_site is not None)
        finally:
            transaction.rollback()


@pytest.fixture(scope="module")
def laptop_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("batched") / "laptop.db"
    open_database(path, create=True).close()
    engine = central_engine(f"sqlite:///{path}")  # plain engine on the laptop file
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def sqlite_central_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from db.sync.central import init_central

    url = f"sqlite:///{tmp_path_factory.mktemp('batched-central') / 'central.db'}"
    init_central(url)
    engine = central_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg_central_engine(pg_url: str) -> Iterator[Engine]:
    import uuid

    from db.sync.central import init_central

    schema = f"b_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}"
    init_central(url)
    engine = central_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _same_as_row_by_row(
    engine: Engine, run: tuple[list[Change], list[int]], my_site: str | None
) -> None:
    changes, cuts = run
    batches = _batches(changes, cuts)
    one_by_one = outcome(engine, batches, my_site, batched=False)
    grouped = outcome(engine, batches, my_site, batched=True)
    if one_by_one is not None:
        assert grouped == one_by_one


@PROPERTY
@given(run=change_runs(), mine=st.sampled_from(SITES))
def test_batched_apply_on_a_laptop_matches_row_by_row(
    laptop_engine: Engine, run: tuple[list[Change], list[int]], mine: str
) -> None:
    _same_as_row_by_row(laptop_engine, run, mine)


@PROPERTY
@given(run=change_runs())
def test_batched_apply_on_an_sqlite_central_matches_row_by_row(
    sqlite_central_engine: Engine, run: tuple[list[Change], list[int]]
) -> None:
    _same_as_row_by_row(sqlite_central_engine, run, None)


@pytest.mark.pg
@settings(PROPERTY, max_examples=25)
@given(run=change_runs())
def test_batched_apply_on_postgresql_matches_row_by_row(
    pg_central_engine: Engine, run: tuple[list[Change], list[int]]
) -> None:
    _same_as_row_by_row(pg_central_engine, run, None)


def _insert(i: int, row: str, ref: str) -> Change:
    return _kpi(i, row, ref, "s1", 100 + i)


def _update(i: int, row: str, fields: dict[str, Any]) -> Change:
    return Change(f"s1:{i}", "s1", i, 100 + i, "kpis", row, "U", fields, {}, "0007", "u1", i)


ENGINES = {"laptop": "laptop_engine", "central": "sqlite_central_engine", "pg": "pg_central_engine"}


@pytest.mark.parametrize("kind", ["laptop", "central", pytest.param("pg", marks=pytest.mark.pg)])
def test_a_value_freed_then_taken_in_one_batch_is_replayed_in_order(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """Grouped, the update taking R1 would run before the one freeing it (it shares its
    statement with an earlier write): the savepoint is rolled back and the batch replayed
    row by row, which succeeds."""
    engine = request.getfixturevalue(ENGINES[kind])
    setup = [_insert(1, "k-1", "R1"), _insert(2, "k-2", "R2"), _insert(3, "k-3", "R3")]
    swap = [
        _update(4, "k-3", {"reference": "R9", "title": "Third"}),  # shape A
        _update(5, "k-1", {"reference": "R0"}),  # shape B: frees R1
        _update(6, "k-2", {"reference": "R1", "title": "Second"}),  # shape A: takes R1
    ]
    site = "s9" if kind == "laptop" else None
    one_by_one = outcome(engine, [setup, swap], site, batched=False)
    grouped = outcome(engine, [setup, swap], site, batched=True)
    assert one_by_one is not None
    assert grouped == one_by_one
    assert ("k-2", "R1", "Second") in [r[:3] for r in grouped["kpis"]]


def test_row_by_row_is_the_reference_the_property_compares_with(
    laptop_engine: Engine,
) -> None:
    """The property is not vacuous: the two modes differ in statements sent, not in result,
    and a unique clash row by row is reported as a failure (None)."""
    clash = [_insert(1, "k-1", "R1"), _insert(2, "k-2", "R1")]
    assert outcome(laptop_engine, [clash], "s9", batched=False) is None
    assert outcome(laptop_engine, [clash], "s9", batched=True) is None
    fine = [_insert(1, "k-1", "R1"), _update(2, "k-1", {"title": "Renamed"})]
    state = outcome(laptop_engine, [fine], "s9", batched=True)
    assert state is not None
    assert state["kpis"] == [("k-1", "R1", "Renamed", None, None, None)]
