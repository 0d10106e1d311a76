"""A first sync is a bulk load: what it leaves is what row-by-row copying would have left.

The snapshot copy pauses the search index triggers and builds the index in bulk
afterwards (`db.sync.fts`), and drops the copied tables' secondary indexes to
build them once at the end (`db.sync.snapshot`). The laptop must end up with
the same search documents the triggers would have made, the same indexes and
triggers as any laptop, and the triggers working again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from db.demo import create_demo
from db.dump import dump_text
from db.models import Action
from db.store import Database, open_database
from db.sync.central import CentralStore
from db.sync.engine import sync


def documents(engine: Engine) -> list[tuple[str, str, str]]:
    """Every search document as (source row, title, body), whatever its rowid."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT d.source_id, f.title, f.body FROM search_fts_docs AS d "
                "JOIN search_fts AS f ON f.rowid = d.id"
            )
        ).all()
    return sorted((r[0], r[1], r[2]) for r in rows)


def schema(engine: Engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT type, name, coalesce(sql, '') FROM sqlite_master "
                "WHERE type IN ('index', 'trigger') ORDER BY type, name"
            )
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


@pytest.fixture
def demo_central(central_url: str, tmp_path: Path) -> Database:
    """The demo board, pushed into the central store from its laptop (returned open)."""
    origin = create_demo(tmp_path / "origin.db")
    sync(origin, central_url)
    return origin


def test_a_new_laptop_gets_the_search_index_the_triggers_would_have_built(
    central_url: str, demo_central: Database, tmp_path: Path
) -> None:
    late = open_database(tmp_path / "late.db", create=True)
    try:
        result = sync(late, central_url)
        assert result.first_sync
        assert dump_text(late.engine) == dump_text(demo_central.engine)
        made = documents(late.engine)
        assert len(made) > 100
        assert made == documents(demo_central.engine)
        reference = open_database(tmp_path / "fresh.db", create=True)
        try:
            assert schema(late.engine) == schema(reference.engine)
        finally:
            reference.close()
        with late.engine.connect() as conn:
            marker = conn.execute(text("SELECT key, value FROM central_meta")).all()
        assert [m for m in marker if m[0] == "min_client_schema"] == []
    finally:
        late.close()


def test_the_index_triggers_work_again_after_a_first_sync(
    central_url: str, demo_central: Database, tmp_path: Path
) -> None:
    late = open_database(tmp_path / "late.db", create=True)
    try:
        sync(late, central_url)
        with late.begin() as s:
            action = s.query(Action).first()
            assert action is not None
            action.title = "Quokka wrangling across the directorate"
            changed = action.id
        with late.engine.connect() as conn:
            hits = conn.execute(
                text(
                    "SELECT d.source_id FROM search_fts AS f JOIN search_fts_docs AS d "
                    "ON d.id = f.rowid WHERE search_fts MATCH 'quokka'"
                )
            ).all()
        assert [h[0] for h in hits] == [changed]
    finally:
        late.close()


def test_a_failed_first_sync_leaves_the_laptop_as_it_was(
    central_url: str, demo_central: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The paused index and the dropped indexes are inside the copy's transaction."""
    from db.sync import fts

    def broken(_conn: object) -> None:
        raise RuntimeError("disk full while indexing")

    late = open_database(tmp_path / "late.db", create=True)
    try:
        before = schema(late.engine)
        monkeypatch.setattr(fts, "rebuild", broken)
        central = CentralStore(central_url)
        try:
            with pytest.raises(RuntimeError):
                sync(late, central)
        finally:
            central.close()
        assert schema(late.engine) == before
        with late.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM actions")).scalar_one() == 0
            keys = conn.execute(text("SELECT key FROM central_meta")).scalars().all()
        assert "min_client_schema" not in keys
        monkeypatch.undo()
        assert sync(late, central_url).first_sync
        assert documents(late.engine) == documents(demo_central.engine)
    finally:
        late.close()
