"""Row clocks as text (db.sync.clocks) and migration 0011, which stores them compactly.

The grouped form must read back to exactly the map written, give equal text for
equal maps whatever their order, read the earlier object form, and a migrated
laptop must hold the same clocks (fewer bytes) while a central store keeps the
earlier form an older app reads; downgrade gives back the earlier form.
"""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st

from db.store import alembic_config, make_engine
from db.sync import clocks as clock_text

SITES = [f"{i:08d}-0000-4000-8000-000000000000" for i in range(3)]
clock = st.one_of(
    st.tuples(st.integers(0, 2**62), st.sampled_from(SITES)).map(list),
    st.tuples(
        st.integers(0, 2**62), st.sampled_from(SITES), st.one_of(st.none(), st.sampled_from(SITES))
    ).map(list),
    st.tuples(  # a tombstone
        st.integers(0, 2**62),
        st.sampled_from(SITES),
        st.integers(0, 2**62),
        st.one_of(st.none(), st.integers(1, 10**6)),
        st.one_of(st.none(), st.sampled_from(SITES)),
    ).map(list),
)
names = st.sampled_from(["rag", "title", "owner_id", "due_date", "notes", "~", "!", "id", "a b"])
clock_maps = st.dictionaries(names, clock, max_size=9)


@settings(max_examples=300, deadline=None)
@given(clock_maps, st.randoms(use_true_random=False))
def test_grouped_text_reads_back_and_does_not_depend_on_order(
    clocks: dict[str, list[object]], rnd: random.Random
) -> None:
    text = clock_text.encode(clocks)
    assert clock_text.decode(text) == clocks
    shuffled = list(clocks.items())
    rnd.shuffle(shuffled)
    assert clock_text.encode(dict(shuffled)) == text
    assert clock_text.decode(clock_text.encode_earlier(clocks)) == clocks


def test_fields_sharing_a_clock_share_one_site_id() -> None:
    hlc, site = 117684746797252615, SITES[0]
    clocks = {n: [hlc, site] for n in ("id", "rag", "title", "owner_id", "due_date")}
    clocks["notes"] = [hlc, site, SITES[1]]
    text = clock_text.encode(clocks)
    assert text.count(site) == 2  # one per distinct clock, not one per field
    assert len(text) < len(clock_text.encode_earlier(clocks)) / 2
    assert json.loads(clock_text.encode_earlier(clocks)) == clocks  # the earlier form


def _migrated_to(path: Path, revision: str, *, downgrade: bool = False) -> None:
    engine = make_engine(path)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        (command.downgrade if downgrade else command.upgrade)(cfg, revision)
    engine.dispose()


def _clock_rows(path: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT table_name, row_id, clocks FROM row_clock ORDER BY 1, 2"
        ).fetchall()
    finally:
        conn.close()


def _schema(path: Path, name: str) -> str:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        return str(found[0])
    finally:
        conn.close()


def _file_at_0010(path: Path, *, central: bool) -> dict[tuple[str, str], dict[str, list[object]]]:
    _migrated_to(path, "0010")
    rng = random.Random(11)
    maps = {}
    for i in range(1200):  # more than one page of the migration's copy
        hlc = 10**17 + i
        fields = ["id", "rag", "title", "due_date"] + (["~"] if i % 50 == 0 else [])
        maps[("actions", f"{i:05d}-row")] = {
            f: ([hlc, rng.choice(SITES), 0, None, None] if f == "~" else [hlc, SITES[i % 3]])
            for f in fields
        }
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO row_clock (table_name, row_id, clocks) VALUES (?, ?, ?)",
        [(t, r, json.dumps(c, sort_keys=True)) for (t, r), c in maps.items()],
    )
    if central:
        conn.execute("INSERT INTO central_meta (key, value) VALUES ('min_client_schema', '0010')")
    conn.commit()
    conn.close()
    return maps


def test_a_laptop_file_is_migrated_to_grouped_clocks_and_back(tmp_path: Path) -> None:
    path = tmp_path / "laptop.db"
    maps = _file_at_0010(path, central=False)
    before = _clock_rows(path)
    _migrated_to(path, "0011")
    after = _clock_rows(path)
    assert [(t, r) for t, r, _ in after] == [(t, r) for t, r, _ in before]
    assert {(t, r): clock_text.decode(c) for t, r, c in after} == maps
    assert all(c == clock_text.encode(maps[(t, r)]) for t, r, c in after)
    assert sum(len(c) for *_, c in after) < sum(len(c) for *_, c in before) * 0.6
    assert "WHERE folded = 0" in _schema(path, "ix_change_log_fold")
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()

    _migrated_to(path, "0010", downgrade=True)
    assert _clock_rows(path) == before  # the earlier text, byte for byte
    assert "folded = 0" not in _schema(path, "ix_change_log_fold")


def test_a_central_store_keeps_the_earlier_form(tmp_path: Path) -> None:
    path = tmp_path / "central.db"
    _file_at_0010(path, central=True)
    before = _clock_rows(path)
    _migrated_to(path, "0011")
    assert _clock_rows(path) == before
    assert "WHERE folded = 0" in _schema(path, "ix_change_log_fold")
    _migrated_to(path, "0010", downgrade=True)
    assert _clock_rows(path) == before
