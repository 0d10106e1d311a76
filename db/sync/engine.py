"""One sync run of a laptop against the central store, and the laptop's sync status.

Order of a run (each step its own atomic transaction, so a crash anywhere
leaves a state the next run simply continues from):
1. check the central store's minimum schema (an older app keeps working
   offline and says "update required");
2. a laptop that has never synced and holds nothing starts from a snapshot of
   the central store's current rows, then tails the log from that point;
3. upload the files new rows need (before the rows that point at them);
4. push local changes in site order, in batches; the central store ignores
   what it already has, so a retry after a lost reply is harmless;
5. pull by `server_seq`: each batch is folded-then-applied and the cursor
   advanced in one local transaction; a batch that does not start right after
   the cursor (reordered, or repeated) is skipped, not applied;
6. purge tombstones every registered site has passed; fetch the papers of the
   next meeting so they are there offline.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, text, update

from db import backup as backups
from db.store import Database
from db.sync import blobs, tombstones
from db.sync import clocks as clock_text
from db.sync.central import CentralError, CentralStore, PullBatch
from db.sync.merge import TOMB, Change, Replica
from db.sync.tables import (
    central_meta,
    change_log,
    row_clock,
    sync_conflicts,
    sync_overrides,
    sync_state,
)

Progress = Callable[[str, int, int], None]
DEFAULT_BATCH = 5000  # changes per push or pull transaction
# A retired site has pulled "everything": it never pushes or pulls again (see _retire).
RETIRED_CURSOR = 2**62


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    overrides: int = 0
    files_up: int = 0
    files_down: int = 0
    first_sync: bool = False
    snapshot_rows: int = 0
    seconds: float = 0.0
    skipped_batches: int = 0

    def summary(self) -> str:
        parts = [f"pushed {self.pushed}", f"pulled {self.pulled}"]
        if self.first_sync:
            parts.insert(0, f"first sync: {self.snapshot_rows} rows")
        if self.files_up or self.files_down:
            parts.append(f"files {self.files_up} up, {self.files_down} down")
        if self.conflicts:
            parts.append(f"{self.conflicts} new conflicts to resolve")
        if self.overrides:
            parts.append(f"{self.overrides} of your changes overridden")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


@dataclass(frozen=True)
class SyncStatus:
    """What the status bar shows."""

    site_id: str
    pending_changes: int
    pending_files: int
    open_conflicts: int
    unseen_overrides: int
    last_sync_at: dt.datetime | None
    last_error: str | None
    remote: str | None


@dataclass
class _State:
    site_id: str
    hlc: int
    pull_cursor: int
    schema_version: str
    actor_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _state(conn: Connection) -> _State:
    row = conn.execute(select(sync_state).where(sync_state.c.id == 1)).one()._mapping
    return _State(
        row["site_id"],
        int(row["hlc"]),
        int(row["pull_cursor"]),
        row["schema_version"],
        row["actor_id"],
    )


# The status bar reads `status` every 3 s on the GUI thread. On the laptop's SQLite
# file its ~25 statements (most of them the bisection probes below) run as these fixed
# strings through `exec_driver_sql`: building and compiling the same SQLAlchemy
# statements each time was most of a read's 7-10 ms on the bench board. Any other
# dialect (PostgreSQL in tests) runs the SQLAlchemy statements.
_FIRST_SEQ_SQL = "SELECT min(site_seq) FROM change_log WHERE site_id = ?"
_LAST_SEQ_SQL = "SELECT max(site_seq) FROM change_log WHERE site_id = ?"
_PROBE_SQL = (
    "SELECT server_seq FROM change_log WHERE site_id = ? AND site_seq >= ? "
    "ORDER BY site_seq LIMIT 1"
)
# Built once: typed columns, so `last_sync_at` is read as the aware datetime it is.
_STATE_TEXT = text(
    "SELECT site_id, last_sync_at, last_sync_error, remote FROM sync_state WHERE id = 1"
).columns(
    sync_state.c.site_id,
    sync_state.c.last_sync_at,
    sync_state.c.last_sync_error,
    sync_state.c.remote,
)
_RETIRED_SQL = "SELECT value FROM central_meta WHERE key = ?"
_OPEN_CONFLICTS_SQL = "SELECT count(*) FROM sync_conflicts WHERE open = 1"
_UNSEEN_OVERRIDES_SQL = "SELECT count(*) FROM sync_overrides WHERE seen = 0"


def _plain_sql(conn: Connection) -> bool:
    """Whether `conn` takes the fixed SQLite strings above (qmark parameters)."""
    return conn.dialect.name == "sqlite" and conn.dialect.paramstyle == "qmark"


def pending_changes(conn: Connection, site_id: str) -> int:
    """How many of this laptop's changes the central store has not numbered yet.

    The central store numbers a site's changes in their order and a pull acknowledges
    them in that order, so the numbered ones are a prefix by `site_seq`: the first
    unnumbered change is found by bisection over the (site, seq) index (~20 probes),
    and the seqs after it are contiguous. Counting `server_seq IS NULL` instead
    read every pending row (1.1 s for the bench's 524,610 unpushed changes), and the
    window polls this every few seconds on its GUI thread.
    """
    first: Any
    last: Any
    numbered_from: Callable[[int], bool]
    if _plain_sql(conn):
        run = conn.exec_driver_sql
        # min and max apart: together in one SELECT, SQLite scans the site's whole range
        first = run(_FIRST_SEQ_SQL, (site_id,)).scalar()
        last = run(_LAST_SEQ_SQL, (site_id,)).scalar()

        def numbered_from(seq: int) -> bool:
            """Whether the first change at or after `seq` has been numbered."""
            got = run(_PROBE_SQL, (site_id, seq)).first()
            return got is not None and got[0] is not None

    else:
        site = change_log.c.site_id == site_id
        first = conn.execute(select(func.min(change_log.c.site_seq)).where(site)).scalar()
        last = conn.execute(select(func.max(change_log.c.site_seq)).where(site)).scalar()

        def numbered_from(seq: int) -> bool:
            got = conn.execute(
                select(change_log.c.server_seq)
                .where(site, change_log.c.site_seq >= seq)
                .order_by(change_log.c.site_seq)
                .limit(1)
            ).first()
            return got is not None and got[0] is not None

    if first is None or last is None:
        return 0
    lo, hi = int(first), int(last) + 1
    while lo < hi:  # the first seq whose change is not numbered (hi: none)
        mid = (lo + hi) // 2
        if numbered_from(mid):
            lo = mid + 1
        else:
            hi = mid
    # A site's seqs are contiguous (the capture trigger takes max + 1 under the write
    # lock, and the log is never trimmed), so no count is needed: counting the index
    # range still took ~55 ms for the bench board's half a million unpushed changes.
    return int(last) - lo + 1


def retired_sites(conn: Connection) -> list[str]:
    """The site ids this file wrote changes under before a backup of it was restored
    (`db.backup` gives a restored file a new one), oldest first."""
    found = conn.execute(
        select(central_meta.c.value).where(central_meta.c.key == backups.RETIRED_SITES)
    ).scalar()
    return [str(s) for s in json.loads(found)] if found else []


def own_sites(conn: Connection, site_id: str) -> list[str]:
    """Every site id whose changes this file holds as its own: retired ones, then `site_id`."""
    return [*retired_sites(conn), site_id]


def _all_numbered(conn: Connection, site_id: str) -> bool:
    """Whether the central store has numbered every change of `site_id` in this file."""
    last = conn.execute(
        select(change_log.c.server_seq)
        .where(change_log.c.site_id == site_id)
        .order_by(change_log.c.site_seq.desc())
        .limit(1)
    ).first()
    return last is None or last[0] is not None


def status(database: Database) -> SyncStatus:
    """Pending changes and files, open conflicts, last sync: for the status bar and CLI."""
    with database.engine.connect() as conn:
        if _plain_sql(conn):  # fixed SQL: see _FIRST_SEQ_SQL
            run = conn.exec_driver_sql
            site_id, last_sync_at, last_error, remote = conn.execute(_STATE_TEXT).one()
            retired = run(_RETIRED_SQL, (backups.RETIRED_SITES,)).scalar()
            sites = [*(str(s) for s in json.loads(retired)), site_id] if retired else [site_id]
            conflicts = run(_OPEN_CONFLICTS_SQL).scalar_one()
            overrides = run(_UNSEEN_OVERRIDES_SQL).scalar_one()
        else:
            row = conn.execute(select(sync_state).where(sync_state.c.id == 1)).one()._mapping
            site_id, last_sync_at = row["site_id"], row["last_sync_at"]
            last_error, remote = row["last_sync_error"], row["remote"]
            sites = own_sites(conn, site_id)
            conflicts = conn.execute(
                select(func.count()).select_from(sync_conflicts).where(sync_conflicts.c.open == 1)
            ).scalar_one()
            overrides = conn.execute(
                select(func.count()).select_from(sync_overrides).where(sync_overrides.c.seen == 0)
            ).scalar_one()
        pending = sum(pending_changes(conn, s) for s in sites)
        files = sorted({f for s in sites for f in blobs.pending_uploads(conn, s)})
    return SyncStatus(
        site_id,
        int(pending),
        len(files),
        int(conflicts),
        int(overrides),
        last_sync_at,
        last_error,
        remote,
    )


@contextmanager
def _apply_transaction(database: Database) -> Iterator[Connection]:
    """A write transaction with foreign keys and capture off (replayed changes only)."""
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # only outside a transaction
        conn.commit()
        try:
            with conn.begin():
                conn.exec_driver_sql("UPDATE sync_state SET capture = 0 WHERE id = 1")
                yield conn
                conn.exec_driver_sql("UPDATE sync_state SET capture = 1 WHERE id = 1")
        finally:
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()


def fold_local(conn: Connection, site_id: str) -> int:
    """Fold every unfolded local change (records what each writer had seen)."""
    rows = conn.execute(
        select(change_log)
        .where(change_log.c.folded == 0, change_log.c.site_id == site_id)
        .order_by(change_log.c.site_seq)
    ).all()
    if rows:
        Replica(conn, site_id).fold([Change.from_row(r) for r in rows])
    return len(rows)


def fold_own(conn: Connection, site_id: str) -> int:
    """Fold the unfolded changes of every site id this file holds (a restored backup's old
    one first: its changes were made before any under the new one)."""
    return sum(fold_local(conn, s) for s in own_sites(conn, site_id))


INCOMPLETE = (-1, 0, 0)


def apply_pulled(database: Database, batch: PullBatch) -> tuple[int, int, int] | None:
    """Apply one pulled batch atomically; None when it does not follow the cursor,
    INCOMPLETE when it holds own changes without their fields that this file lacks."""
    with _apply_transaction(database) as conn:
        state = _state(conn)
        fresh = [c for c in batch.changes if c.server_seq and c.server_seq > state.pull_cursor]
        if not fresh:
            return (0, 0, 0)
        if fresh[0].server_seq != state.pull_cursor + 1:
            return None  # out of order: a batch went missing; pull again from the cursor
        fold_own(conn, state.site_id)
        known = {
            r[0]
            for r in conn.execute(
                select(change_log.c.change_id).where(
                    change_log.c.change_id.in_(bindparam("ids", expanding=True))
                ),
                {"ids": [c.change_id for c in fresh]},
            )
        }
        mine = [c for c in fresh if c.change_id in known]
        others = [c for c in fresh if c.change_id not in known]
        if not batch.whole and any(c.site_id == state.site_id for c in others):
            return INCOMPLETE  # own changes this file lost: pull them whole
        if mine:
            conn.execute(
                update(change_log)
                .where(change_log.c.change_id == bindparam("cid"))
                .values(server_seq=bindparam("seq")),
                [{"cid": c.change_id, "seq": c.server_seq} for c in mine],
            )
            _stamp_own_tombstones(conn, [c for c in mine if c.op == "D"])
        stats = Replica(conn, state.site_id).apply(others)
        top = fresh[-1].server_seq
        conn.execute(
            update(sync_state)
            .where(sync_state.c.id == 1)
            .values(pull_cursor=top, hlc=func.max(sync_state.c.hlc, stats.max_hlc))
        )
        return (len(others), stats.conflicts, stats.overrides)


def _stamp_own_tombstones(conn: Connection, deletes: list[Change]) -> None:
    for c in deletes:
        clocks_text = conn.execute(
            select(row_clock.c.clocks).where(
                row_clock.c.table_name == c.table_name, row_clock.c.row_id == c.row_id
            )
        ).scalar()
        if clocks_text is None:
            continue
        clocks = clock_text.decode(clocks_text)
        tomb = clocks.get(TOMB)
        if tomb and tomb[0] == c.hlc and tomb[1] == c.site_id:
            clocks[TOMB] = [*tomb[:3], c.server_seq, *tomb[4:]]  # a new list: see clock_text
            conn.execute(
                update(row_clock)
                .where(row_clock.c.table_name == c.table_name, row_clock.c.row_id == c.row_id)
                .values(clocks=clock_text.encode(clocks))
            )


def _is_new(conn: Connection, state: _State) -> bool:
    if state.pull_cursor:
        return False
    return conn.execute(select(func.count()).select_from(change_log)).scalar_one() == 0


def _first_sync(
    database: Database, central: CentralStore, result: SyncResult, progress: Progress | None
) -> None:
    from db.sync.snapshot import copy_snapshot

    with central.snapshot() as snap, _apply_transaction(database) as conn:
        result.snapshot_rows = copy_snapshot(snap, conn, progress)
        conn.execute(
            update(sync_state)
            .where(sync_state.c.id == 1)
            .values(pull_cursor=snap.seq, hlc=func.max(sync_state.c.hlc, snap.hlc))
        )
        tombstones.joined_at(conn, snap.seq)
    result.first_sync = True


def _purge_tombstones(database: Database, horizon: int) -> None:
    with database.engine.begin() as conn:
        tombstones.purge(conn, horizon)


def sync(
    database: Database,
    remote: CentralStore | str,
    *,
    batch: int = DEFAULT_BATCH,
    progress: Progress | None = None,
) -> SyncResult:
    """Sync this laptop both ways with the central store. Raises CentralError on failure."""
    started = time.perf_counter()
    url = remote if isinstance(remote, str) else remote.url
    result = SyncResult()
    try:
        central = CentralStore(remote) if isinstance(remote, str) else remote
    except Exception as exc:  # a bad URL or a missing shared-drive file: say so too
        _record(database, url, str(exc))
        raise
    try:
        with database.engine.connect() as conn:
            state = _state(conn)
            new = _is_new(conn, state)
        central.check_schema(state.schema_version)
        with central.session():
            if new:
                _first_sync(database, central, result, progress)
            with database.engine.begin() as conn:
                fold_own(conn, state.site_id)
                retired = retired_sites(conn)
            for site in [*retired, state.site_id]:
                result.files_up += blobs.upload_pending(database, central, site)
            for site in retired:  # a restored backup's changes the central store lacks
                result.pushed += _push(database, central, state, batch, progress, site)
            result.pushed += _push(database, central, state, batch, progress)
            _pull(database, central, state, batch, result, progress)
            if retired:
                _retire(database, central, retired)
            result.files_down = blobs.prefetch_next_meeting(database, central)
        _record(database, url, None)
    except Exception as exc:
        _record(database, url, str(exc))
        raise
    finally:
        if isinstance(remote, str):
            central.close()
    result.seconds = time.perf_counter() - started
    return result


def _retire(database: Database, central: CentralStore, retired: list[str]) -> None:
    """Tell the central store a restored backup's old site ids are done with, once every
    change made under them is numbered: they never push nor pull again, so they must not
    hold back the purge horizon (a pull from RETIRED_CURSOR marks a site as having pulled
    everything), and this file stops asking about them."""
    with database.engine.connect() as conn:
        done = [s for s in retired if _all_numbered(conn, s)]
    if not done:
        return
    for site in done:
        central.pull(site, RETIRED_CURSOR, 0)
    with database.engine.begin() as conn:
        left = [s for s in retired_sites(conn) if s not in done]
        conn.execute(
            update(central_meta)
            .where(central_meta.c.key == backups.RETIRED_SITES)
            .values(value=json.dumps(left))
        )


def _push(
    database: Database,
    central: CentralStore,
    state: _State,
    batch: int,
    progress: Progress | None,
    site_id: str | None = None,
) -> int:
    """Push this file's changes made under `site_id` (default: its current site id)."""
    site_id = site_id or state.site_id
    if site_id != state.site_id:
        with database.engine.connect() as conn:
            if _all_numbered(conn, site_id):
                return 0  # a retired site with nothing left to send: no round trip
    accepted_seq = central.site_state(site_id, state.actor_id, state.schema_version)
    pushed = 0
    while True:
        with database.engine.connect() as conn:
            rows = conn.execute(
                select(change_log)
                .where(
                    change_log.c.site_id == site_id,
                    change_log.c.site_seq > accepted_seq,
                    change_log.c.folded == 1,
                )
                .order_by(change_log.c.site_seq)
                .limit(batch)
            ).all()
        if not rows:
            return pushed
        res = central.push(
            site_id, state.actor_id, state.schema_version, [Change.from_row(r) for r in rows]
        )
        if res.next_site_seq - 1 <= accepted_seq and res.accepted == 0:
            if rows[0].site_seq == accepted_seq + 1:
                raise CentralError("the central store refused this laptop's changes")
            accepted_seq = res.next_site_seq - 1  # resend from where the store stands
            continue
        pushed += res.accepted
        accepted_seq = res.next_site_seq - 1
        if progress:
            progress("push", pushed, pushed + len(rows) - res.accepted)


def _pull(
    database: Database,
    central: CentralStore,
    state: _State,
    batch: int,
    result: SyncResult,
    progress: Progress | None,
) -> None:
    horizon = 0
    backed_up = False
    while True:
        with database.engine.connect() as conn:
            cursor = _state(conn).pull_cursor
        got = central.pull(state.site_id, cursor, batch)
        horizon = got.purge_horizon
        if not got.changes:
            break
        if not backed_up:  # a large pull is applied only after a copy of the file
            backups.backup_before_large_apply(
                database, got.last_seq - cursor, threshold=backups.LARGE_APPLY
            )
            backed_up = True
        outcome = apply_pulled(database, got)
        if outcome == INCOMPLETE:
            got = central.pull(state.site_id, cursor, batch, whole=True)
            outcome = apply_pulled(database, got)
        if outcome is None:
            result.skipped_batches += 1
            continue
        applied, conflicts, overrides = outcome
        result.pulled += applied
        result.conflicts += conflicts
        result.overrides += overrides
        if progress:
            progress("pull", got.changes[-1].server_seq or 0, got.last_seq)
    # The pull that found nothing new was made from the final cursor: it acknowledged
    # how far this laptop got, and its horizon counts that.
    if horizon:
        _purge_tombstones(database, min(horizon, cursor))


def _record(database: Database, remote: str, error: str | None) -> None:
    values: dict[str, Any] = {"remote": remote, "last_sync_error": error}
    if error is None:
        values["last_sync_at"] = dt.datetime.now(dt.UTC)
    with database.engine.begin() as conn:
        conn.execute(update(sync_state).where(sync_state.c.id == 1).values(**values))
