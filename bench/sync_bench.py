"""Sync benchmarks: change capture, applying pulled changes, and whole sync runs.

Everything runs in-process (Python start-up is not counted) on the large
board, against both kinds of central store where a row involves one — an
SQLite file (the shared-drive case) and PostgreSQL (a schema of its own per
run, dropped at the end). The subjects are the real entry points of
`db.sync`: the capture triggers under an ORM `Session`, `Replica.apply`,
`init_central` and `sync`. Each sits beside a floor measured in the same run:

- capture, ORM write: 1,000 action updates + 1,000 new progress updates
  committed through a `Session` with capture on; floor: the same write with
  `sync_state.capture = 0`. The same pair with raw sqlite3 executemany shows
  what the triggers cost inside SQLite alone.
- apply: the `Replica(conn, site).apply(changes)` call on a batch of ≥ 10,000
  changes made on another laptop (updates of actions and progress updates,
  some of them free text, and new progress updates), on a synced laptop copy
  of the board, in rows/s; floor: raw sqlite3 executemany of the same rows.
  Both COMMITs come after the clock stops (the note gives them).
- push of the whole board into an empty central store (the setup of the rows
  below, informative): `sync()` of a laptop holding the board;
- first sync of an empty laptop; floor: SELECT every row the snapshot copies
  from the central store and executemany them into plain tables of an empty
  file (the same columns, no keys, indexes or triggers);
- a sync with nothing to do; floor: one query on each side, connecting
  included (as `sync` connects);
- a sync pushing a meeting's 500 changes; floor: the 500 change records
  inserted raw into a table of the central store.

The SQLite central store with the board pushed into it, and the laptop that
pushed it, are cached beside the large board (`sync-*-<key>`; the key adds a
hash of `db/sync` to the board's), because the push takes minutes. A full run
still times a fresh push (as `generate` times a fresh generation); `--quick`
or `--skip-generate` take the cache when it is current. PostgreSQL is set up
again on every run. `--quick` also runs the sync rows on a smaller board
(`QUICK_SYNC_SCALE`), so a quick check takes seconds, not minutes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import json
import random
import secrets
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.context import REPO, Context, remove_db
from bench.generate import cache_key, ensure_large_board
from bench.runner import Goal, Row, interleaved, median, time_once

#: `--quick` runs the sync rows on a board this size (at most), not the reference board.
QUICK_SYNC_SCALE = 0.02
#: Bump when the cached central setup is made differently.
SETUP_VERSION = 1
PAGE = 5000
CAPTURE_UPDATES = 1000
CAPTURE_INSERTS = 1000
# One meeting's worth of work: ORM rows (each also writes an audit event: 500 changes).
MEETING_ACTION_UPDATES = 100
MEETING_NEW_UPDATES = 100
MEETING_ITEM_NOTES = 50
# The pulled batch: (updated actions, progress RAG fixes, commentary edits, new updates).
APPLY_MIX = (4000, 3000, 1000, 4000)

_RAGS = ("red", "amber", "green")


# -- files and keys ------------------------------------------------------------------------


def sync_scale(ctx: Context) -> float:
    """The board size the sync rows use: the run's, or at most QUICK_SYNC_SCALE when quick."""
    return min(ctx.scale, QUICK_SYNC_SCALE) if ctx.quick else ctx.scale


def sync_board(ctx: Context) -> Path:
    """The large board the sync rows start from (never written to: copy it first)."""
    scale = sync_scale(ctx)
    if scale == ctx.scale:
        return ctx.board()
    path, _ = ensure_large_board(ctx.cache_dir, scale=scale, seed=ctx.seed)
    return path


def _scale_note(ctx: Context) -> str:
    scale = sync_scale(ctx)
    return "" if scale == 1.0 else f" [board at scale {scale:g}]"


@functools.lru_cache(maxsize=1)
def sync_fingerprint() -> str:
    """A short hash of the sync engine's source: a changed engine makes a new central."""
    import db.sync

    digest = hashlib.sha256()
    for path in sorted(Path(db.sync.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:10]


def setup_key(scale: float, seed: int) -> str:
    """The cached central's key: setup version, engine hash, then the board's own key."""
    return f"s{SETUP_VERSION}-{sync_fingerprint()}-{cache_key(scale, seed)}"


def _shape(name: str) -> str:
    stem = name.split(".", 1)[0]
    return "-".join(p for p in stem.split("-") if p.startswith(("scale", "seed")))


def copy_db(src: Path, dst: Path) -> Path:
    """Copy an SQLite file (and its WAL, if one was left) to a new path."""
    remove_db(dst)
    shutil.copyfile(src, dst)
    wal = Path(f"{src}-wal")
    if wal.exists():
        shutil.copyfile(wal, Path(f"{dst}-wal"))
    return dst


def checkpoint(path: Path) -> None:
    """Fold the WAL back into the file, so copying the file alone copies everything."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        conn.close()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def pg_schema_url(base: str, schema: str) -> str:
    """`base` with every connection's search_path set to `schema`."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def libpq_url(url: str) -> str:
    """An SQLAlchemy psycopg URL as plain libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


# -- the central store with the board in it --------------------------------------------------


@dataclass(frozen=True)
class Pushed:
    """A central store holding the whole board, and the laptop that pushed it there.

    Both files are templates: benchmarks copy them before writing.
    """

    url: str
    central: Path | None  # the SQLite central file (None: PostgreSQL)
    laptop: Path  # synced: every change folded and numbered, every row clocked
    changes: int
    seconds: float | None  # the push, when timed in this run
    note: str


def push_board(board: Path, url: str, laptop: Path) -> tuple[float, int]:
    """init_central(url), then time sync() of a copy of `board` into it: (seconds, pushed)."""
    from db.store import open_database
    from db.sync.central import init_central
    from db.sync.engine import sync

    init_central(url)
    copy_db(board, laptop)
    database = open_database(laptop)
    try:
        gc.collect()
        start = time.perf_counter()
        result = sync(database, url)
        seconds = time.perf_counter() - start
    finally:
        database.close()
    checkpoint(laptop)
    return seconds, result.pushed


def sqlite_central(ctx: Context) -> Pushed:
    """The SQLite central store with the board pushed in (cached; built once per run at most)."""
    found = ctx.shared.get("sqlite-central")
    if isinstance(found, Pushed):
        return found
    board = sync_board(ctx)
    key = setup_key(sync_scale(ctx), ctx.seed)
    central = ctx.cache_dir / f"sync-central-{key}.db"
    laptop = ctx.cache_dir / f"sync-laptop-{key}.db"
    meta_path = ctx.cache_dir / f"sync-setup-{key}.json"
    current = central.exists() and laptop.exists() and meta_path.exists()
    if current and (ctx.quick or ctx.skip_generate):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        note = (
            f"not timed this run: central from the cache (its push took {meta['seconds']:.1f} s "
            f"on {meta['date']} at {meta['commit']})"
        )
        pushed = Pushed(sqlite_url(central), central, laptop, int(meta["pushed"]), None, note)
    elif current:  # time a fresh push, as `generate` times a fresh generation
        fresh_central = ctx.scratch("central-template")
        fresh_laptop = ctx.scratch("pushed-laptop-template")
        url = sqlite_url(fresh_central)
        seconds, count = push_board(board, url, fresh_laptop)
        note = "one push into a scratch central (the cached one is current)"
        pushed = Pushed(url, fresh_central, fresh_laptop, count, seconds, note)
    else:
        ctx.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp_central = central.with_name(central.name + ".tmp")
        tmp_laptop = laptop.with_name(laptop.name + ".tmp")
        try:
            seconds, count = push_board(board, sqlite_url(tmp_central), tmp_laptop)
        except BaseException:
            remove_db(tmp_central)
            remove_db(tmp_laptop)
            raise
        tmp_central.replace(central)
        tmp_laptop.replace(laptop)
        meta = {
            "seconds": round(seconds, 2),
            "pushed": count,
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": _git_commit(),
            "board": cache_key(sync_scale(ctx), ctx.seed),
            "sync_fingerprint": sync_fingerprint(),
        }
        meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        for stale in ctx.cache_dir.glob("sync-*"):
            if key not in stale.name and _shape(stale.name) == _shape(central.name):
                stale.unlink()
        note = "timed while building the cache"
        pushed = Pushed(sqlite_url(central), central, laptop, count, seconds, note)
    ctx.shared["sqlite-central"] = pushed
    return pushed


# -- raw access to a central store (the floors) ----------------------------------------------

_NATIVE = frozenset({str, int, float, bytes, type(None)})


def _to_sqlite(value: Any) -> Any:
    """A PostgreSQL value as sqlite3 can bind it (close to the wire form, no more)."""
    if type(value) in _NATIVE:
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return str(value)


@dataclass(frozen=True)
class CentralKind:
    """One kind of central store: its label, URL, and a raw DB-API way in."""

    label: str
    url: str
    connect: Callable[[], Any]
    placeholder: str
    postgres: bool

    def cursor(self, conn: Any, name: str) -> Any:
        """A cursor that pages a big SELECT (server-side on PostgreSQL)."""
        return conn.cursor(name=name) if self.postgres else conn.cursor()

    def convert(self, rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
        if not self.postgres:
            return rows
        return [tuple(map(_to_sqlite, row)) for row in rows]


def sqlite_kind(central: Path) -> CentralKind:
    return CentralKind(
        "SQLite",
        sqlite_url(central),
        lambda: sqlite3.connect(central),
        "?",
        postgres=False,
    )


def pg_kind(url: str) -> CentralKind:
    import psycopg

    return CentralKind(
        "PostgreSQL",
        url,
        lambda: psycopg.connect(libpq_url(url), connect_timeout=10),
        "%s",
        postgres=True,
    )


def snapshot_tables() -> list[tuple[str, list[str]]]:
    """What a first sync copies, as `db.sync.central.Snapshot` reads it: every synced
    table (without file bytes), then the row clocks and open conflicts."""
    import db.models  # noqa: F401  (registers every table)
    from db.base import Base
    from db.sync.tables import NOT_SYNCED, row_clock, sync_conflicts

    tables = [
        (name, [c.name for c in table.columns if not (name == "blobs" and c.name == "data")])
        for name, table in sorted(Base.metadata.tables.items())
        if name not in NOT_SYNCED
    ]
    for table in (row_clock, sync_conflicts):
        tables.append((table.name, [c.name for c in table.columns]))
    return tables


def plain_tables(laptop: Path) -> None:
    """An empty file with every table a first sync fills, as plain tables: the same
    columns and declared types, and no keys, indexes or triggers (the floor's target)."""
    import db.models  # noqa: F401  (registers every table)
    from db.base import Base

    conn = sqlite3.connect(laptop)
    try:
        for table, columns in snapshot_tables():
            dialect = _sqlite_dialect()
            found = Base.metadata.tables[table].columns
            types = {c.name: c.type.compile(dialect=dialect) for c in found}
            conn.execute(
                f"CREATE TABLE {_q(table)} ({', '.join(f'{_q(c)} {types[c]}' for c in columns)})"
            )
        conn.commit()
    finally:
        conn.close()


def _sqlite_dialect() -> Any:
    from sqlalchemy.dialects import sqlite

    return sqlite.dialect()


def raw_copy(kind: CentralKind, laptop: Path) -> int:
    """The floor of a first sync: SELECT what the snapshot copies, executemany it into the
    plain tables of `laptop` (see `plain_tables`)."""
    src = kind.connect()
    dst = sqlite3.connect(laptop, isolation_level=None)
    total = 0
    try:
        dst.execute("PRAGMA synchronous=NORMAL")
        dst.execute("BEGIN")
        for i, (table, columns) in enumerate(snapshot_tables()):
            names = ", ".join(_q(c) for c in columns)
            insert = f"INSERT INTO {_q(table)} ({names}) VALUES ({', '.join('?' for _ in columns)})"
            cur = kind.cursor(src, f"bench_copy_{i}")
            cur.execute(f"SELECT {names} FROM {_q(table)}")
            while rows := cur.fetchmany(PAGE):
                dst.executemany(insert, kind.convert(rows))
                total += len(rows)
            cur.close()
        dst.execute("COMMIT")
    finally:
        dst.close()
        src.close()
    return total


def round_trip(kind: CentralKind, laptop: Path) -> None:
    """The floor of a sync with nothing to do: connect, one query each side."""
    conn = kind.connect()
    try:
        cur = conn.cursor()
        cur.execute("SELECT max(server_seq) FROM change_log")
        cur.fetchall()
    finally:
        conn.close()
    local = sqlite3.connect(laptop)
    try:
        local.execute("SELECT pull_cursor FROM sync_state WHERE id = 1").fetchall()
    finally:
        local.close()


FLOOR_TABLE = "bench_push_floor"


def create_floor_table(kind: CentralKind) -> None:
    conn = kind.connect()
    try:
        cur = conn.cursor()
        if kind.postgres:
            cur.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE change_log)")
        else:
            cur.execute(f"CREATE TABLE {FLOOR_TABLE} AS SELECT * FROM change_log WHERE 0")
        conn.commit()
    finally:
        conn.close()


def raw_push(kind: CentralKind, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """The floor of pushing changes: connect, executemany the change records, commit."""
    conn = kind.connect()
    try:
        names = ", ".join(_q(c) for c in columns)
        marks = ", ".join(kind.placeholder for _ in columns)
        conn.cursor().executemany(f"INSERT INTO {FLOOR_TABLE} ({names}) VALUES ({marks})", rows)
        conn.commit()
    finally:
        conn.close()


# -- work on a laptop ----------------------------------------------------------------------


def _ids(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[0] for r in conn.execute(f"SELECT id FROM {_q(table)} ORDER BY id")]


def _slice(ids: Sequence[str], count: int, sample: int) -> list[str]:
    """`count` distinct ids (fewer if there are not that many), a different run per sample."""
    count = min(count, len(ids))
    start = (sample * count) % max(1, len(ids))
    return [ids[(start + i) % len(ids)] for i in range(count)]


def pending_changes(path: Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """This laptop's change records not yet on the central store: (columns, rows)."""
    from db.sync.tables import change_log

    columns = [c.name for c in change_log.columns]
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            f"SELECT {', '.join(_q(c) for c in columns)} FROM change_log WHERE server_seq IS NULL "
            "AND site_id = (SELECT site_id FROM sync_state WHERE id = 1) ORDER BY site_seq"
        ).fetchall()
    finally:
        conn.close()
    return columns, rows


def make_meeting_changes(path: Path, database: Any, sample: int) -> None:
    """A meeting's worth of edits through the ORM: RAG changes with their progress
    updates, and notes of discussion on agenda items (each row also audited)."""
    from sqlalchemy import select

    from db.models import Action, AgendaItem, ProgressUpdate, Rag

    conn = sqlite3.connect(path)
    try:
        actions = _ids(conn, "actions")
        items = _ids(conn, "agenda_items")
        actor = conn.execute("SELECT id FROM people ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    with database.begin(actor) as session:
        chosen = _slice(actions, max(MEETING_ACTION_UPDATES, MEETING_NEW_UPDATES), sample)
        loaded = session.scalars(select(Action).where(Action.id.in_(chosen))).all()
        for i, action in enumerate(loaded):
            new = Rag(_RAGS[(sample + i) % len(_RAGS)])
            if new == action.rag:
                new = Rag(_RAGS[(sample + i + 1) % len(_RAGS)])
            if i < MEETING_NEW_UPDATES:
                session.add(
                    ProgressUpdate(
                        action_id=action.id,
                        rag=new,
                        previous_rag=action.rag,
                        author_id=actor,
                        commentary=f"Reviewed at the board (bench meeting {sample}).",
                    )
                )
            if i < MEETING_ACTION_UPDATES:
                action.rag = new
        notes = _slice(items, MEETING_ITEM_NOTES, sample)
        for item in session.scalars(select(AgendaItem).where(AgendaItem.id.in_(notes))).all():
            item.discussion = f"The board discussed the report (bench meeting {sample})."


# -- capture ---------------------------------------------------------------------------------


def bench_sync_capture(ctx: Context) -> Iterator[Row]:
    """Capture triggers on vs off: an ORM write of 2,000 rows, and raw sqlite3 executemany."""
    from sqlalchemy import select

    from db.models import Action, ProgressUpdate, Rag
    from db.store import open_database

    path = copy_db(sync_board(ctx), ctx.scratch("capture"))
    conn = sqlite3.connect(path)
    actions = _ids(conn, "actions")
    actor = conn.execute("SELECT id FROM people ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    database = open_database(path)
    counter = iter(range(1_000_000))

    def set_capture(on: bool) -> None:
        with database.engine.begin() as c:
            c.exec_driver_sql("UPDATE sync_state SET capture = ? WHERE id = 1", (int(on),))

    def orm_write(on: bool) -> float:
        set_capture(on)
        sample = next(counter)
        ids = _slice(actions, max(CAPTURE_UPDATES, CAPTURE_INSERTS), sample)
        session = database.session(actor)
        try:
            loaded = session.scalars(select(Action).where(Action.id.in_(ids))).all()
            for i, action in enumerate(loaded):
                new = Rag(_RAGS[(sample + i) % len(_RAGS)])
                if i < CAPTURE_INSERTS:
                    session.add(
                        ProgressUpdate(
                            action_id=action.id,
                            rag=new,
                            previous_rag=action.rag,
                            author_id=actor,
                            commentary="Progress reviewed (bench).",
                        )
                    )
                if i < CAPTURE_UPDATES:
                    action.rag = new
                    action.due_date = dt.date(2026, 1, 1) + dt.timedelta(days=sample)
            seconds = time_once(session.commit)  # flush (UPDATEs, INSERTs, audit) + COMMIT
        finally:
            session.close()
            set_capture(True)
        return seconds

    def raw_write(on: bool) -> float:
        sample = next(counter)
        ids = _slice(actions, max(CAPTURE_UPDATES, CAPTURE_INSERTS), sample)
        stamp = f"2026-01-01 00:00:{sample % 60:02d}.000000"
        updates = [
            (_RAGS[(sample + i) % 3], stamp, action_id)
            for i, action_id in enumerate(ids[:CAPTURE_UPDATES])
        ]
        inserts = [
            (str(uuid.uuid4()), action_id, stamp, actor, _RAGS[(sample + i) % 3], "Reviewed (raw).")
            for i, action_id in enumerate(ids[:CAPTURE_INSERTS])
        ]
        raw = sqlite3.connect(path, isolation_level=None)
        try:
            raw.execute("PRAGMA foreign_keys=ON")
            raw.execute("PRAGMA synchronous=NORMAL")
            raw.execute("UPDATE sync_state SET capture = ? WHERE id = 1", (int(on),))

            def run() -> None:
                raw.execute("BEGIN")
                raw.executemany("UPDATE actions SET rag = ?, updated_at = ? WHERE id = ?", updates)
                raw.executemany(
                    "INSERT INTO progress_updates (id, action_id, recorded_at, author_id, rag, "
                    "commentary) VALUES (?, ?, ?, ?, ?, ?)",
                    inserts,
                )
                raw.execute("COMMIT")

            seconds = time_once(run)
            raw.execute("UPDATE sync_state SET capture = 1 WHERE id = 1")
        finally:
            raw.close()
        return seconds

    rows = min(CAPTURE_UPDATES, len(actions)) + min(CAPTURE_INSERTS, len(actions))
    try:
        orm_write(True)  # untimed: compiles the ORM's statements, warms the cache
        orm_write(False)
        samples, floors = interleaved(
            lambda: orm_write(True), lambda: orm_write(False), ctx.repeats(7, 2)
        )
        raw_samples, raw_floors = interleaved(
            lambda: raw_write(True), lambda: raw_write(False), ctx.repeats(7, 2)
        )
    finally:
        database.close()
        remove_db(path)
    scale = _scale_note(ctx)
    yield Row(
        f"sync capture: ORM write {rows:,} rows",
        median(samples),
        "s",
        median(floors),
        Goal.ratio(2),
        len(samples),
        len(floors),
        f"Session.commit (flush + COMMIT) of {min(CAPTURE_UPDATES, len(actions)):,} action "
        f"updates (rag, due date, updated_at) and {min(CAPTURE_INSERTS, len(actions)):,} new "
        "progress updates, each row also audited, capture triggers on (every row and audit "
        "event logged); floor: the same commit with UPDATE sync_state SET capture = 0" + scale,
    )
    yield Row(
        f"sync capture: raw sqlite3 {rows:,} rows",
        median(raw_samples),
        "s",
        median(raw_floors),
        Goal.info(),
        len(raw_samples),
        len(raw_floors),
        "the triggers' own cost: sqlite3 executemany of the same updates and inserts (no ORM, "
        "no audit) in one transaction, capture on; floor: the same with capture = 0" + scale,
    )


# -- applying pulled changes -----------------------------------------------------------------


def make_remote_changes(ctx: Context, synced_laptop: Path) -> tuple[list[Any], str]:
    """Changes made on another laptop, folded there as a push would send them.

    The other laptop is a copy of `synced_laptop` under a new site id; the edits
    go through the capture triggers, then `fold_local` records what each writer
    had seen. Returns the changes (numbered after the laptop's pull cursor) and
    a description of the mix.
    """
    from sqlalchemy import select

    from db.store import make_engine
    from db.sync.engine import fold_local
    from db.sync.merge import Change
    from db.sync.tables import change_log

    path = copy_db(synced_laptop, ctx.scratch("remote-laptop"))
    site = str(uuid.UUID(int=random.Random(ctx.seed).getrandbits(128), version=4))
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("UPDATE sync_state SET site_id = ?, actor_id = NULL WHERE id = 1", (site,))
        actions = _ids(conn, "actions")
        updates = _ids(conn, "progress_updates")
        people = _ids(conn, "people")
        top = conn.execute("SELECT coalesce(max(server_seq), 0) FROM change_log").fetchone()[0]
        n_actions, n_rag, n_text, n_new = APPLY_MIX
        n_actions = min(n_actions, len(actions))
        n_rag = min(n_rag, len(updates) // 2)
        n_text = min(n_text, len(updates) // 4)
        n_new = min(n_new, len(updates) // 2)
        rng = random.Random(ctx.seed)
        stamp = "2025-01-02 10:00:00.000000"
        conn.execute("BEGIN")
        conn.executemany(
            "UPDATE actions SET rag = CASE rag WHEN ? THEN 'amber' ELSE ? END, "
            "status = CASE status WHEN 'complete' THEN 'in_progress' ELSE 'complete' END, "
            "updated_at = ? WHERE id = ?",
            [("red", "red", stamp, a) for a in rng.sample(actions, n_actions)],
        )
        picked = rng.sample(updates, n_rag + n_text)
        conn.executemany(
            "UPDATE progress_updates SET rag = CASE rag WHEN 'red' THEN 'amber' ELSE 'red' END "
            "WHERE id = ?",
            [(u,) for u in picked[:n_rag]],
        )
        conn.executemany(
            "UPDATE progress_updates SET commentary = coalesce(commentary, '') || ? WHERE id = ?",
            [(" Corrected after the meeting.", u) for u in picked[n_rag:]],
        )
        conn.executemany(
            "INSERT INTO progress_updates (id, action_id, recorded_at, author_id, rag, "
            "previous_rag, commentary) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    rng.choice(actions),
                    stamp,
                    rng.choice(people),
                    rng.choice(_RAGS),
                    rng.choice(_RAGS),
                    "Update from the delivery group.",
                )
                for _ in range(n_new)
            ],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    engine = make_engine(path)
    try:
        with engine.begin() as c:
            fold_local(c, site)
            rows = c.execute(
                select(change_log)
                .where(change_log.c.site_id == site)
                .order_by(change_log.c.site_seq)
            ).all()
    finally:
        engine.dispose()
        remove_db(path)
    changes = [
        dataclasses.replace(Change.from_row(r), server_seq=top + i + 1) for i, r in enumerate(rows)
    ]
    mix = (
        f"{n_actions:,} action updates (rag, status, updated_at), {n_rag:,} progress-update RAG "
        f"fixes, {n_text:,} commentary edits (free text), {n_new:,} new progress updates"
    )
    return changes, mix


@dataclass(frozen=True)
class RawStatement:
    sql: str
    rows: list[tuple[Any, ...]]


def raw_statements(changes: Sequence[Any]) -> list[RawStatement]:
    """The same rows as plain UPDATEs and INSERTs, one executemany per shape."""
    import db.models  # noqa: F401
    from db.base import Base

    groups: dict[tuple[str, str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
    for c in changes:
        fields = c.fields or {}
        names = tuple(sorted(fields))
        groups.setdefault((c.table_name, c.op, names), []).append(
            (*(fields[n] for n in names), *(c.row_id.split("/") if c.op == "U" else ()))
        )
    statements = []
    for (table, op, names), rows in groups.items():
        if op == "U":
            pk = [col.name for col in Base.metadata.tables[table].primary_key.columns]
            sql = (
                f"UPDATE {_q(table)} SET {', '.join(f'{_q(n)} = ?' for n in names)} WHERE "
                + " AND ".join(f"{_q(c)} = ?" for c in pk)
            )
        elif op == "I":
            sql = (
                f"INSERT INTO {_q(table)} ({', '.join(_q(n) for n in names)}) "
                f"VALUES ({', '.join('?' for _ in names)})"
            )
        else:
            raise ValueError(f"unexpected op {op!r} in the pulled batch")
        statements.append(RawStatement(sql, rows))
    return statements


def bench_sync_apply(ctx: Context) -> Iterator[Row]:
    """Replica.apply of ≥10,000 pulled changes on a synced laptop, against raw executemany."""
    from db.store import make_engine
    from db.sync.merge import Replica

    name, unit, goal = "sync apply: pulled changes", "rows/s", Goal.at_least(10_000, "rows/s")
    pushed = sqlite_central(ctx)
    changes, mix = make_remote_changes(ctx, pushed.laptop)
    statements = raw_statements(changes)
    stats: list[Any] = []
    commits: list[float] = []
    floor_commits: list[float] = []

    def subject() -> float:
        path = copy_db(pushed.laptop, ctx.scratch("apply"))
        engine = make_engine(path)
        try:
            with engine.connect() as conn:
                site = conn.exec_driver_sql("SELECT site_id FROM sync_state").scalar_one()
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # as engine.apply_pulled
                conn.commit()
                conn.begin()
                conn.exec_driver_sql("UPDATE sync_state SET capture = 0 WHERE id = 1")
                seconds = time_once(lambda: stats.append(Replica(conn, site).apply(changes)))
                conn.exec_driver_sql("UPDATE sync_state SET capture = 1 WHERE id = 1")
                commits.append(time_once(conn.commit))
                return seconds
        finally:
            engine.dispose()
            remove_db(path)

    def floor() -> float:
        path = copy_db(pushed.laptop, ctx.scratch("apply-raw"))
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("BEGIN")
            conn.execute("UPDATE sync_state SET capture = 0 WHERE id = 1")

            def run() -> None:
                for statement in statements:
                    conn.executemany(statement.sql, statement.rows)

            seconds = time_once(run)
            conn.execute("UPDATE sync_state SET capture = 1 WHERE id = 1")
            floor_commits.append(time_once(lambda: conn.execute("COMMIT")))
            return seconds
        finally:
            conn.close()
            remove_db(path)

    samples, floors = interleaved(subject, floor, ctx.repeats(5, 1))
    n = len(changes)
    applied = sorted({s.applied for s in stats})
    conflicts = sorted({s.conflicts for s in stats})
    seconds, floor_seconds = median(samples), median(floors)
    yield Row(
        name,
        n / seconds if seconds else None,
        unit,
        n / floor_seconds if floor_seconds else None,
        goal,
        len(samples),
        len(floors),
        f"the Replica(conn, site).apply call on one batch of {n:,} changes from another laptop "
        f"— {mix} — median {seconds or 0:.2f} s (applied {applied}, conflicts {conflicts}), "
        "inside a transaction with capture and foreign keys off as engine.apply_pulled opens "
        f"it; its COMMIT afterwards, not counted: median {median(commits) or 0:.2f} s; on a "
        "synced laptop copy of the board (every row clocked); floor: sqlite3 executemany "
        f"UPDATE/INSERT of the same rows and values in the same kind of transaction, "
        f"median {floor_seconds or 0:.2f} s (its COMMIT: {median(floor_commits) or 0:.2f} s); "
        "higher is better" + _scale_note(ctx),
    )


# -- whole syncs against a central store -----------------------------------------------------


def push_row(kind_label: str, pushed: Pushed, ctx: Context) -> Row:
    from db.sync.engine import DEFAULT_BATCH

    return Row(
        f"sync push: whole board → {kind_label}",
        pushed.seconds,
        "s",
        None,
        Goal.info(),
        1 if pushed.seconds is not None else 0,
        0,
        f"sync() of a laptop holding the whole board into an empty central store "
        f"(init_central not timed): {pushed.changes:,} changes folded, pushed in batches of "
        f"{DEFAULT_BATCH:,} and pulled back (numbered)"
        + (
            f", {pushed.changes / pushed.seconds:,.0f} changes/s end to end"
            if pushed.seconds
            else ""
        )
        + f"; {pushed.note}"
        + _scale_note(ctx),
    )


def noop_row(ctx: Context, kind: CentralKind, laptop: Path, which: str) -> Row:
    """Syncs with nothing to do of the synced laptop at `laptop`, beside one round trip."""
    from db.store import open_database
    from db.sync.engine import sync

    database = open_database(laptop)
    try:
        sync(database, kind.url)  # untimed: anything left to fold, push or pull
        results: list[Any] = []
        samples, floors = interleaved(
            lambda: time_once(lambda: results.append(sync(database, kind.url))),
            lambda: time_once(lambda: round_trip(kind, laptop)),
            ctx.repeats(9, 3),
        )
    finally:
        database.close()
    moved = sorted({(r.pushed, r.pulled) for r in results})
    own = own_log_size(laptop)
    whose = "the laptop that pushed the board" if which else "the first sync's"
    return Row(
        f"sync nothing to do ({kind.label}{which})",
        median(samples),
        "s",
        median(floors),
        Goal.at_most(0.05, "s"),
        len(samples),
        len(floors),
        f"sync(laptop, url) of a synced laptop ({whose}, {own:,} of its own changes in its "
        f"log) with nothing new on either side (pushed, pulled: {moved}); floor: connect to "
        "the central store + SELECT max(server_seq), and sqlite3 connect + read of sync_state "
        "on the laptop" + _scale_note(ctx),
    )


def own_log_size(path: Path) -> int:
    """How many change records this laptop wrote itself (what fold_local's query walks)."""
    conn = sqlite3.connect(path)
    try:
        return int(
            conn.execute(
                "SELECT count(*) FROM change_log "
                "WHERE site_id = (SELECT site_id FROM sync_state WHERE id = 1)"
            ).fetchone()[0]
        )
    finally:
        conn.close()


def central_rows(ctx: Context, kind: CentralKind, origin: Path) -> Iterator[Row]:
    """Against one central store holding the board: a sync with nothing to do of the laptop
    that pushed it (`origin`, a file this function may change), a first sync, a sync with
    nothing to do of the new laptop, and a meeting's push."""
    from db.store import open_database
    from db.sync.engine import sync

    label = kind.label
    scale = _scale_note(ctx)
    yield noop_row(ctx, kind, origin, ", pushing laptop")
    laptops: list[Path] = []
    results: list[Any] = []

    def first_sync() -> float:
        path = ctx.scratch("first-sync")
        database = open_database(path, create=True)  # the empty laptop: not timed
        laptops.append(path)
        try:
            return time_once(lambda: results.append(sync(database, kind.url)))
        finally:
            database.close()
            while len(laptops) > 1:  # keep the newest for the rows below
                remove_db(laptops.pop(0))

    copied: list[int] = []

    def copy_floor() -> float:
        path = ctx.scratch("raw-copy")
        plain_tables(path)
        try:
            return time_once(lambda: copied.append(raw_copy(kind, path)))
        finally:
            remove_db(path)

    try:
        samples, floors = interleaved(first_sync, copy_floor, ctx.repeats(3, 1))
        snapshot_rows = ", ".join(f"{n:,}" for n in sorted({r.snapshot_rows for r in results}))
        yield Row(
            f"sync first sync: empty laptop ← {label}",
            median(samples),
            "s",
            median(floors),
            Goal.at_most(40, "s"),
            len(samples),
            len(floors),
            f"sync() of a new empty laptop from the central store holding the board "
            f"({snapshot_rows} rows from the snapshot, then row clocks, then the log "
            f"tail); floor: SELECT of the same {max(copied or [0]):,} rows (tables, row_clock, "
            f"sync_conflicts) from the central store with the raw driver and sqlite3 "
            f"executemany into plain tables of an empty file (same columns; no keys, indexes "
            f"or triggers), one transaction" + scale,
        )

        laptop = laptops[-1]
        yield noop_row(ctx, kind, laptop, "")
        database = open_database(laptop)
        try:
            create_floor_table(kind)
            push_samples: list[float] = []
            push_floors: list[float] = []
            made: list[int] = []
            pushed: list[int] = []
            for sample in range(ctx.repeats(5, 2)):
                make_meeting_changes(laptop, database, sample)  # untimed
                columns, pending = pending_changes(laptop)
                made.append(len(pending))
                push_floors.append(time_once(lambda: raw_push(kind, columns, pending)))  # noqa: B023
                outcome: list[Any] = []
                push_samples.append(
                    time_once(lambda: outcome.append(sync(database, kind.url)))  # noqa: B023
                )
                pushed.append(outcome[0].pushed)
            yield Row(
                f"sync push: a meeting's 500 changes → {label}",
                median(push_samples),
                "s",
                median(push_floors),
                Goal.at_most(0.5, "s"),
                len(push_samples),
                len(push_floors),
                f"sync(laptop, url) of the first-synced laptop after {MEETING_ACTION_UPDATES} "
                f"RAG changes with their {MEETING_NEW_UPDATES} progress updates and "
                f"{MEETING_ITEM_NOTES} agenda-item notes made through the ORM (each also "
                f"audited): changes made {sorted(set(made))}, pushed {sorted(set(pushed))}; "
                "floor: connect and executemany the same change records into a plain table of "
                "the central store, commit" + scale,
            )
        finally:
            database.close()
    finally:
        for path in laptops:
            remove_db(path)


def bench_sync_sqlite(ctx: Context) -> Iterator[Row]:
    """Push, first sync, no-op sync and a meeting's push against an SQLite file central."""
    pushed = sqlite_central(ctx)
    yield push_row("SQLite", pushed, ctx)
    assert pushed.central is not None
    central = copy_db(pushed.central, ctx.scratch("central-sqlite"))
    origin = copy_db(pushed.laptop, ctx.scratch("pushing-laptop"))
    try:
        yield from central_rows(ctx, sqlite_kind(central), origin)
    finally:
        remove_db(origin)
        remove_db(central)
        Path(f"{central}.lock").unlink(missing_ok=True)


PG_ROW_NAMES = (
    ("sync push: whole board → PostgreSQL", "s", Goal.info()),
    ("sync nothing to do (PostgreSQL, pushing laptop)", "s", Goal.at_most(0.05, "s")),
    ("sync first sync: empty laptop ← PostgreSQL", "s", Goal.at_most(40, "s")),
    ("sync nothing to do (PostgreSQL)", "s", Goal.at_most(0.05, "s")),
    ("sync push: a meeting's 500 changes → PostgreSQL", "s", Goal.at_most(0.5, "s")),
)


def pg_reachable(url: str) -> str | None:
    """None when PostgreSQL answers at `url`, else why not."""
    try:
        import psycopg

        with psycopg.connect(libpq_url(url), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        return f"PostgreSQL not reachable at {url}: {str(exc).strip().splitlines()[0]}"
    return None


def bench_sync_pg(ctx: Context) -> Iterator[Row]:
    """Push, first sync, no-op sync and a meeting's push against PostgreSQL (own schema)."""
    why = "no PostgreSQL URL (--no-pg)" if ctx.pg_url is None else pg_reachable(ctx.pg_url)
    if why is not None or ctx.pg_url is None:
        for name, unit, goal in PG_ROW_NAMES:
            yield Row.unavailable(name, unit, goal, why or "no PostgreSQL")
        return
    import psycopg
    from sqlalchemy.engine import make_url

    base = ctx.pg_url
    schema = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(libpq_url(base), autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(libpq_url(base), autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    ctx.on_close(drop)  # also after a crash or an interrupt
    url = pg_schema_url(base, schema)
    laptop = ctx.scratch("pg-pushing-laptop")
    try:
        seconds, count = push_board(sync_board(ctx), url, laptop)
        shown = make_url(base).render_as_string(hide_password=True)
        note = f"into schema {schema} of {shown}, created for this run and dropped after it"
        yield push_row("PostgreSQL", Pushed(url, None, laptop, count, seconds, note), ctx)
        yield from central_rows(ctx, pg_kind(url), laptop)
    finally:
        remove_db(laptop)
