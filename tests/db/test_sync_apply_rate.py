"""Applying a pulled batch with the search triggers paused, then re-indexing in bulk.

`Replica.apply` pauses the search index's triggers for the batch and rebuilds the
documents of the rows it wrote at the end, in the same transaction
(`db.sync.fts.Reindex`). What it leaves must be what the triggers leave: the
same documents (compared with the pushing laptop, whose index the triggers
kept), the rows the batch wrote at the top of their rowid ranges, the triggers
on again afterwards — and nothing paused if the batch fails half-way.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
from typing import Any

import pytest
from sqlalchemy import select, text

from db.models import Action, ProgressUpdate, Rag
from db.services.search import search
from db.store import Database
from db.sync import fts
from db.sync import merge as merge_module
from db.sync.engine import sync
from tests.db.test_sync_cases import Laptop, two_laptops

WORDS = ("heron", "otter", "badger", "kestrel", "marten", "plover", "curlew", "stoat")


def documents(db: Database) -> set[tuple[int, str, str, str]]:
    """(source code, source row, title, body) of every search document."""
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT d.id >> 40, d.source_id, f.title, f.body FROM search_fts_docs AS d "
            "JOIN search_fts AS f ON f.rowid = d.id"
        ).all()
        count = conn.exec_driver_sql("SELECT count(*) FROM search_fts").scalar_one()
    assert count == len(rows)  # no document without its row in the map, nor the reverse
    return {(int(r[0]), r[1], r[2], r[3]) for r in rows}


def doc_ids(db: Database, source_code: int) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            r[1]: int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT id, source_id FROM search_fts_docs WHERE id >> 40 = ?", (source_code,)
            )
        }


def paused(db: Database) -> bool:
    with db.engine.connect() as conn:
        return (
            conn.exec_driver_sql("SELECT 1 FROM central_meta WHERE key = ?", (fts.MARKER,)).first()
            is not None
        )


def find(db: Database, word: str) -> set[str]:
    with db.session() as s:
        return {h.record_id for g in search(s, word, include_exempt=True) for h in g.hits}


def edit_at_random(db: Database, ids: dict[str, str], rng: random.Random) -> dict[str, Any]:
    """A mix of inserts, indexed and unindexed updates and deletes of actions and
    progress updates; returns what was touched."""
    touched: dict[str, Any] = {"new": [], "retitled": [], "deleted": [], "rag_only": []}
    with db.begin() as s:
        actions = list(s.scalars(select(Action)))
        for _ in range(rng.randint(3, 8)):
            word = rng.choice(WORDS)
            action = Action(
                plan_id=ids["plan"],
                theme_id=ids["theme"],
                reference=f"9.{rng.randint(1, 10_000)}",
                title=f"New {word} action",
                description=f"About the {word}",
                rag=Rag.AMBER,
                due_date=dt.date(2027, 1, 31),
            )
            s.add(action)
            s.flush()
            touched["new"].append(action.id)
            s.add(
                ProgressUpdate(
                    action_id=action.id,
                    recorded_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
                    rag=Rag.AMBER,
                    commentary=f"The {word} moved on",
                )
            )
        rng.shuffle(actions)
        for action in actions[:2]:
            action.title = f"Retitled {rng.choice(WORDS)}"
            touched["retitled"].append(action.id)
        for action in actions[2:4]:
            action.rag = Rag.GREEN  # not an indexed column: its document must stay put
            touched["rag_only"].append(action.id)
        for action in actions[4:5]:
            s.delete(action)
            touched["deleted"].append(action.id)
    return touched


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_pulled_batch_is_indexed_as_the_triggers_index_it(
    central_url: str, laptop: Laptop, seed: int
) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    before = doc_ids(b, 3)  # actions
    touched = edit_at_random(a, ids, random.Random(seed))
    sync(a, central_url)
    assert sync(b, central_url).pulled
    assert not paused(b)
    assert documents(b) == documents(a)  # a's index was kept by the triggers
    after = doc_ids(b, 3)
    written = set(touched["new"]) | set(touched["retitled"])
    assert written <= set(after) and not set(touched["deleted"]) & set(after)
    for row_id in touched["rag_only"]:
        assert after[row_id] == before[row_id]  # untouched by an unindexed change
    kept = [after[r] for r in after if r not in written]
    assert min(after[r] for r in written) > max(kept)  # newest at the top, as a trigger does
    for row_id in touched["new"]:
        with b.session() as s:
            title = s.get(Action, row_id).title  # type: ignore[union-attr]
        assert row_id in find(b, title.split()[1])


def test_the_triggers_are_on_after_an_apply(central_url: str, laptop: Laptop) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    edit_at_random(a, ids, random.Random(7))
    sync(a, central_url)
    sync(b, central_url)
    with b.begin() as s:
        row = s.get(Action, ids["a0"])
        assert row is not None
        row.title = "Written on b after the pull: wombat"
    assert find(b, "wombat") == {ids["a0"]}


def test_a_failed_apply_leaves_the_index_and_its_triggers_as_they_were(
    central_url: str, laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b, ids = two_laptops(central_url, laptop)
    edit_at_random(a, ids, random.Random(11))
    sync(a, central_url)
    indexed = documents(b)
    calls = 0
    real = merge_module.Replica._apply_one

    def failing(self: Any, *args: Any, **kwargs: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 5 and self.my_site is not None:
            raise RuntimeError("power cut")
        real(self, *args, **kwargs)

    monkeypatch.setattr(merge_module.Replica, "_apply_one", failing)
    with pytest.raises(RuntimeError, match="power cut"):
        sync(b, central_url)
    monkeypatch.undo()
    assert not paused(b) and documents(b) == indexed
    sync(b, central_url)
    assert documents(b) == documents(a)
    with b.engine.connect() as conn:
        assert conn.execute(text("SELECT capture FROM sync_state")).scalar_one() == 1


def test_a_large_batch_costs_a_few_statements_not_a_few_per_row(
    central_url: str, laptop: Laptop
) -> None:
    from sqlalchemy import event

    from db.models import Person

    a, b, _ = two_laptops(central_url, laptop)
    with a.begin() as s:
        s.add_all(Person(name=f"Member {i} of the otter panel") for i in range(600))
    sync(a, central_url)
    with b.engine.connect() as conn:
        cache_before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(b.engine, "before_cursor_execute", count)
    try:
        result = sync(b, central_url)
    finally:
        event.remove(b.engine, "before_cursor_execute", count)
    assert result.pulled >= 1200  # each person and its audit event
    assert len(statements) < 150  # grouped: per batch and table, not per row
    assert gc.isenabled()
    with b.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == cache_before
