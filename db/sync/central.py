"""The central store: any SQLAlchemy URL holding the same tables and the shared log.

No server of our own: PostgreSQL in production, or a plain SQLite file on a
shared drive (rollback journal — WAL does not work on network shares — with a
lock file so two laptops never sync into it at once). The central store is a
replica like any laptop: pushed changes are merged into its tables by the same
rules (`merge.Replica`), which is what lets a new laptop start from a snapshot
of current rows instead of replaying years of log.

Ordering: pushes are serialised (PostgreSQL advisory lock / SQLite write lock),
so `server_seq` is assigned in commit order without gaps — a puller that has
seen N has seen everything up to N. Per site, pushes must be contiguous in
`site_seq`; a batch that would leave a gap is refused and the laptop resends
from what the central store says it has.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import (
    Connection,
    Engine,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

import db.models  # noqa: F401
from db.base import Base
from db.errors import BoardpackError
from db.store import alembic_config, known_revisions
from db.sync.merge import Change, Replica
from db.sync.scope import SiteScope, minutes_meetings, row_clocks, scope_for
from db.sync.tables import (
    NOT_SYNCED,
    central_meta,
    change_log,
    sync_conflicts,
    sync_sites,
    sync_state,
)

PG_PUSH_LOCK = 72_010_001
#: PostgreSQL: the sync tables are analysed again each time the log has doubled since
#: the planner last counted it (and first at this many changes).
ANALYZE_FLOOR = 10_000
LOCK_STALE_SECONDS = 600
SEEN_EVERY = dt.timedelta(minutes=1)  # how fresh sync_sites.last_seen_at is kept


class CentralError(BoardpackError):
    """The central store cannot be reached or used."""


class UpdateRequiredError(CentralError):
    """This app is older than the central store accepts."""


@dataclass(frozen=True)
class PushResult:
    accepted: int
    duplicates: int
    next_site_seq: int  # what the central store expects next from this site


@dataclass(frozen=True)
class PullBatch:
    changes: list[Change]
    last_seq: int  # the highest server_seq in the store when read
    purge_horizon: int  # every registered site has pulled at least this far
    whole: bool = True  # False: the puller's own changes came without fields and base


def _sqlite_central_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=DELETE")  # never WAL on a shared drive
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA foreign_keys=OFF")  # integrity is each laptop's; see drop_foreign_keys
    cur.close()


def central_engine(url: str) -> Engine:
    """An engine on a central store URL with the settings its backend needs."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise CentralError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed)
        event.listen(engine, "connect", _sqlite_central_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        connect_args: dict[str, Any] = {"connect_timeout": 10}
        return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True)
    raise CentralError(f"unsupported central store {parsed.get_backend_name()!r}")


def _keep_statistics(conn: Connection, changes: int) -> None:
    """PostgreSQL: ANALYZE the log and the row clocks once the log holds twice the
    changes the planner last counted (`pg_class.reltuples`; -1: never counted).

    A first push of a whole board fills them far faster than autovacuum looks: with
    no statistics, the merge's read of 500 row clocks by key scanned every clock of
    the table instead (155 ms instead of 2.5 ms at 335,000 rows), and pushing the
    bench board took 824 s instead of about 200 s. Doubling keeps it to a few
    ANALYZEs (six for half a million changes). A role that does not own the tables
    gets a warning from PostgreSQL, not an error, and autovacuum catches up."""
    if conn.dialect.name != "postgresql":
        return
    counted = conn.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('change_log')")
    ).scalar()
    if counted is not None and changes <= 2 * max(float(counted), ANALYZE_FLOOR / 2):
        return
    conn.execute(text("ANALYZE change_log"))
    conn.execute(text("ANALYZE row_clock"))


def _drop_foreign_keys(conn: Connection) -> None:
    """The central store merges changes from many laptops in arrival order; a child
    written on one laptop may meet a parent deleted on another. Each laptop keeps its
    own foreign keys; the central store keeps the log and the rows, not the checks."""
    if conn.dialect.name != "postgresql":
        return
    insp = inspect(conn)
    for table in insp.get_table_names():
        for fk in insp.get_foreign_keys(table):
            if fk.get("name"):
                conn.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{fk["name"]}"'))


def init_central(url: str) -> str:
    """Create (or bring up to date) the central schema at `url`; returns its revision."""
    engine = central_engine(url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_PUSH_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            _drop_foreign_keys(conn)
            head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            existing = conn.execute(
                select(central_meta.c.value).where(central_meta.c.key == "min_client_schema")
            ).scalar()
            if existing is None:
                conn.execute(insert(central_meta).values(key="min_client_schema", value=head))
            if conn.dialect.name == "postgresql":
                _revoke_append_only(conn)
                install_row_security(conn)
            else:
                _capture_off(conn)
        return str(head)
    except SQLAlchemyError as exc:
        raise CentralError(f"cannot initialise the central store: {_reason(exc)}") from exc
    finally:
        engine.dispose()


# -- PostgreSQL: one database role per person, and row-level security -------------------

# Tables whose rows a person may be refused, by the column holding the row's key
# (`bp_hidden_rows` names the rows; the sync log and open conflicts by table and row).
_RLS_TABLES: dict[str, tuple[str, str]] = {
    "agenda_items": ("agenda_items", "id"),
    "papers": ("papers", "id"),
    "annotations": ("annotations", "id"),
    "questions": ("questions", "id"),
    "decisions": ("decisions", "id"),
    "actions_arising": ("actions_arising", "id"),
    "declarations": ("declarations", "id"),
    "minutes_versions": ("minutes_versions", "id"),
    "audit_events": ("audit_events", "id"),
    "blobs": ("blobs", "sha256"),
    "blob_chunks": ("blobs", "sha256"),
    "central_blobs": ("blobs", "sha256"),
}
_RLS_BY_ROW = ("change_log", "sync_conflicts")


def _roles_reading(scope: str) -> str:
    from db.permissions import MATRIX, Capability

    names = sorted(
        r.value for r, caps in MATRIX.items() if caps.get(Capability.READ_EXEMPT) == scope
    )
    return "ARRAY[" + ", ".join(f"'{n}'" for n in names) + "]::text[]"


def _hidden_rows_sql(schema: str) -> str:
    """`bp_hidden_rows(who)`: (table, row) pairs the person granted as database role
    `who` may not read — the rules of `db.permissions`, in SQL. SECURITY DEFINER, so
    it reads the tables as their owner (no policy applies inside it)."""
    return f"""
CREATE OR REPLACE FUNCTION bp_hidden_rows(who name)
RETURNS TABLE(t text, r text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = "{schema}" AS $fn$
DECLARE
  p text;
  every text[];
  own text[];
  boards text[];
  items text[];
  hidden text[];
  shas text[];
BEGIN
  SELECT value INTO p FROM central_meta WHERE key = '{GRANT_KEY}' || who;
  IF p IS NULL THEN
    RETURN;  -- not a person's role (the app's own, an administrator): nothing hidden
  END IF;
  SELECT coalesce(array_agg(board_id), '{{}}') INTO every FROM memberships
    WHERE person_id = p AND role = ANY({_roles_reading("all")});
  SELECT coalesce(array_agg(board_id), '{{}}') INTO own FROM memberships
    WHERE person_id = p AND role = ANY({_roles_reading("own")});
  SELECT coalesce(array_agg(id), '{{}}') INTO boards FROM boards;
  SELECT coalesce(array_agg(i.id), '{{}}') INTO items
    FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
    WHERE i.exempt AND NOT (m.board_id = ANY(every))
      AND NOT (i.presenter_id IS NOT NULL AND i.presenter_id = p AND m.board_id = ANY(own));
  SELECT coalesce(array_agg(pa.id), '{{}}') INTO hidden
    FROM papers pa JOIN meetings m ON m.id = pa.meeting_id
    WHERE NOT (m.board_id = ANY(every))
      AND (pa.exempt OR coalesce(pa.agenda_item_id = ANY(items), false))
      AND NOT coalesce(pa.agenda_item_id IN (
        SELECT i.id FROM agenda_items i JOIN meetings m2 ON m2.id = i.meeting_id
        WHERE i.presenter_id = p AND m2.board_id = ANY(own)), false);
  SELECT coalesce(array_agg(DISTINCT pa.blob_sha256), '{{}}') INTO shas FROM papers pa
    WHERE pa.id = ANY(hidden) AND pa.blob_sha256 NOT IN (
      SELECT blob_sha256 FROM papers WHERE NOT (id = ANY(hidden)));
  RETURN QUERY SELECT 'agenda_items'::text, unnest(items);
  RETURN QUERY SELECT 'papers'::text, unnest(hidden);
  RETURN QUERY SELECT 'blobs'::text, unnest(shas);
  RETURN QUERY SELECT 'annotations'::text, a.id::text FROM annotations a
    WHERE (NOT a.shared AND a.author_id <> p) OR a.paper_id = ANY(hidden);
  RETURN QUERY SELECT 'questions'::text, q.id::text FROM questions q
    WHERE (NOT q.shared AND q.author_id <> p) OR q.agenda_item_id = ANY(items);
  RETURN QUERY SELECT 'decisions'::text, d.id::text FROM decisions d
    WHERE d.agenda_item_id = ANY(items);
  RETURN QUERY SELECT 'actions_arising'::text, x.id::text FROM actions_arising x
    WHERE x.agenda_item_id = ANY(items);
  RETURN QUERY SELECT 'declarations'::text, x.id::text FROM declarations x
    WHERE x.agenda_item_id = ANY(items);
  RETURN QUERY SELECT 'minutes_versions'::text, v.id::text FROM minutes_versions v
    WHERE v.meeting_id IN (SELECT i.meeting_id FROM agenda_items i WHERE i.id = ANY(items));
  IF NOT (boards <@ every) THEN  -- the audit log needs the right to read exempt items
    RETURN QUERY SELECT 'audit_events'::text, e.id::text FROM audit_events e;
  END IF;
END
$fn$
"""


def install_row_security(conn: Connection) -> None:
    """Row-level security on a PostgreSQL central store (idempotent): a role granted
    to a person (`grant_user`) reads no row `db.permissions` refuses them, whatever
    SQL it runs; other roles (the administrator, an app-wide role) are unaffected."""
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    conn.execute(text(_hidden_rows_sql(schema)))
    present = set(inspect(conn).get_table_names())
    for table, (kind, key) in _RLS_TABLES.items():
        if table in present:
            _policies(
                conn,
                table,
                f"\"{key}\" NOT IN (SELECT r FROM bp_hidden_rows(current_user) WHERE t = '{kind}')",
            )
    for table in _RLS_BY_ROW:
        if table in present:
            _policies(
                conn,
                table,
                "(table_name, row_id) NOT IN (SELECT t, r FROM bp_hidden_rows(current_user))",
            )


def _policies(conn: Connection, table: str, readable: str) -> None:
    conn.execute(text(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY'))
    for name, verb, clause in (
        ("bp_read", "SELECT", f"USING ({readable})"),
        ("bp_insert", "INSERT", "WITH CHECK (true)"),
        ("bp_update", "UPDATE", "USING (true)"),
        ("bp_delete", "DELETE", "USING (true)"),
    ):
        conn.execute(text(f'DROP POLICY IF EXISTS {name} ON "{table}"'))
        conn.execute(text(f'CREATE POLICY {name} ON "{table}" FOR {verb} {clause}'))


def pg_role_name(person_id: str) -> str:
    """The database role `grant_user` makes for a person."""
    return "bp_" + "".join(ch for ch in person_id.lower() if ch.isalnum())[:24]


def grant_user(url: str, email: str) -> str:
    """Give the person with this email their own PostgreSQL role on the central store,
    bound by row-level security to what their roles on the boards let them read.

    Returns the role's name; it is created without a password (the administrator
    sets one: `ALTER ROLE name PASSWORD '…'`), and the person's laptop syncs with a
    URL naming it. Run as the store's owner."""
    engine = central_engine(url)  # (creating an engine connects to nothing yet)
    try:
        if engine.dialect.name != "postgresql":  # refused before a connection makes a file
            raise CentralError(
                "per-person database roles are for a PostgreSQL central store; a shared-"
                "drive file is protected by the drive's own permissions"
            )
        with engine.begin() as conn:
            person = conn.execute(
                text("SELECT id FROM people WHERE lower(email) = lower(:e)"), {"e": email}
            ).scalar()
            if person is None:
                raise CentralError(f"no one with the email {email} on the central store")
            role = pg_role_name(str(person))
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            exists = conn.execute(
                text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
            conn.execute(
                text(
                    f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" '
                    f'TO "{role}"'
                )
            )
            conn.execute(text(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"'))
            for table in ("decisions", "evidence_reviews", "audit_events", "change_log"):
                conn.execute(text(f'REVOKE UPDATE, DELETE ON "{table}" FROM "{role}"'))
            key = GRANT_KEY + role
            conn.execute(delete(central_meta).where(central_meta.c.key == key))
            conn.execute(insert(central_meta).values(key=key, value=str(person)))
            install_row_security(conn)
        return role
    except SQLAlchemyError as exc:
        raise CentralError(f"cannot grant {email} a role: {_reason(exc)}") from exc
    finally:
        engine.dispose()


def _capture_off(conn: Connection) -> None:
    """An SQLite central store has the laptop schema, capture triggers included; the rows
    merged into it are the laptops' changes, already logged, so they are not captured
    again (that would double every push's writes and log changes no one pulls)."""
    conn.execute(
        update(sync_state).where(sync_state.c.id == 1, sync_state.c.capture != 0).values(capture=0)
    )


def _revoke_append_only(conn: Connection) -> None:
    """Append-only tables: no UPDATE or DELETE for the application role(s)."""
    role = conn.execute(text("SELECT current_setting('boardpack.app_role', true)")).scalar()
    if role:
        for table in ("decisions", "evidence_reviews", "audit_events", "change_log"):
            conn.execute(text(f'REVOKE UPDATE, DELETE ON "{table}" FROM "{role}"'))


def _reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__


class SqliteFileLock:
    """A lock file beside a shared-drive central store, so one laptop syncs at a time."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")

    def acquire(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                if self._stale():
                    self.path.unlink(missing_ok=True)
                    continue
                if time.monotonic() > deadline:
                    raise CentralError(
                        f"the central store is busy (locked by {self._owner()}); try again"
                    ) from None
                time.sleep(0.2)
                continue
            with os.fdopen(fd, "w") as fh:
                fh.write(
                    json.dumps(
                        {"host": socket.gethostname(), "pid": os.getpid(), "at": time.time()}
                    )
                )
            return

    def _owner(self) -> str:
        try:
            info = json.loads(self.path.read_text())
            return f"{info['host']} pid {info['pid']}"
        except (OSError, ValueError, KeyError):
            return "another laptop"

    def _stale(self) -> bool:
        try:
            return time.time() - self.path.stat().st_mtime > LOCK_STALE_SECONDS
        except OSError:
            return False

    def release(self) -> None:
        self.path.unlink(missing_ok=True)


class CentralStore:
    """Push, pull, snapshot and blob chunks against one central store."""

    def __init__(self, url: str, *, user_id: str | None = None) -> None:
        """`user_id`: the person this laptop syncs for, when the laptop does not say
        (a new laptop has written nothing yet): what they may not read stays here."""
        self.url = url
        self.user_id = user_id
        self.engine = central_engine(url)
        self._lock: SqliteFileLock | None = None
        if self.engine.dialect.name == "sqlite":
            database = make_url(url).database
            if database and database != ":memory:":
                if not Path(database).exists():  # connecting would create an empty file
                    raise CentralError(
                        f"no central store at {database} (run `boardpack central init URL`)"
                    )
                self._lock = SqliteFileLock(Path(database))

    # -- session ----------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[CentralStore]:
        """Hold the shared-drive lock (if any) for one sync run."""
        if self._lock:
            self._lock.acquire()
        try:
            yield self
        finally:
            if self._lock:
                self._lock.release()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise CentralError(f"central store unreachable: {_reason(exc)}") from exc

    def check_schema(self, local_revision: str) -> None:
        """Refuse to sync an app older than the central store's minimum (it still works offline)."""
        with self._begin() as conn:
            try:
                minimum = conn.execute(
                    select(central_meta.c.value).where(central_meta.c.key == "min_client_schema")
                ).scalar()
            except SQLAlchemyError as exc:
                raise CentralError(
                    f"{self.url} is not a Boardpack central store (run `boardpack central init`)"
                ) from exc
        if minimum is None:
            raise CentralError(f"{self.url} is not initialised (run `boardpack central init`)")
        if minimum == local_revision:
            return  # the usual case, without reading the migration scripts
        if minimum not in known_revisions() or _rev_key(local_revision) < _rev_key(minimum):
            raise UpdateRequiredError(
                f"update required: the central store needs schema {minimum} or newer, "
                f"this app has {local_revision}; you can keep working offline"
            )

    # -- push / pull ------------------------------------------------------------------

    def site_state(self, site_id: str, user_id: str | None, schema: str) -> int:
        """Register the site (every sync, so tombstones wait for it); returns the last
        site_seq the central store holds from it."""
        with self._begin() as conn:
            return self._register(conn, site_id, user_id, schema)

    def push(
        self, site_id: str, user_id: str | None, schema: str, changes: Sequence[Change]
    ) -> PushResult:
        """Append one batch of a site's changes, atomically, in site order."""
        with self._begin() as conn:
            self._lock_push(conn)
            pushed = self._register(conn, site_id, user_id, schema)
            fresh = [c for c in changes if c.site_seq > pushed]
            duplicates = len(changes) - len(fresh)
            if not fresh:
                return PushResult(0, duplicates, pushed + 1)
            fresh.sort(key=lambda c: c.site_seq)
            expected = pushed + 1
            contiguous = []
            for c in fresh:
                if c.site_seq != expected:
                    break
                contiguous.append(c)
                expected += 1
            if not contiguous:
                return PushResult(0, duplicates, pushed + 1)
            top = conn.execute(select(func.max(change_log.c.server_seq))).scalar() or 0
            numbered = [
                Change(
                    c.change_id,
                    c.site_id,
                    c.site_seq,
                    c.hlc,
                    c.table_name,
                    c.row_id,
                    c.op,
                    c.fields,
                    c.base,
                    c.schema_version,
                    c.user_id,
                    top + i + 1,
                )
                for i, c in enumerate(contiguous)
            ]
            Replica(conn, None).apply(numbered)
            conn.execute(
                update(sync_sites)
                .where(sync_sites.c.site_id == site_id)
                .values(pushed_seq=contiguous[-1].site_seq)
            )
            _keep_statistics(conn, top + len(numbered))
            return PushResult(len(contiguous), duplicates, contiguous[-1].site_seq + 1)

    def _lock_push(self, conn: Connection) -> None:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_PUSH_LOCK})
        else:  # take SQLite's write lock now, not at the first write
            conn.execute(update(central_meta).where(central_meta.c.key == "").values(value=""))
            _capture_off(conn)

    def _register(self, conn: Connection, site_id: str, user_id: str | None, schema: str) -> int:
        """The site's row (inserted the first time); written only when something in it
        changed or it was last seen over SEEN_EVERY ago, so a sync with nothing to do
        does not write to the central store."""
        now = dt.datetime.now(dt.UTC)
        found = conn.execute(
            select(
                sync_sites.c.pushed_seq,
                sync_sites.c.user_id,
                sync_sites.c.schema_version,
                sync_sites.c.last_seen_at,
            ).where(sync_sites.c.site_id == site_id)
        ).first()
        # A site is one person's laptop: the first user it names stays its user (a
        # later write by no one, or a claim to be someone else, does not widen what
        # it is sent).
        user_id = user_id or self.user_id
        if found is not None and found.user_id is not None:
            user_id = found.user_id
        if found is None:
            conn.execute(
                insert(sync_sites).values(
                    site_id=site_id,
                    user_id=user_id,
                    pushed_seq=0,
                    pulled_to=0,
                    schema_version=schema,
                    last_seen_at=now,
                )
            )
            return 0
        seen = found.last_seen_at
        if seen is not None and seen.tzinfo is None:
            seen = seen.replace(tzinfo=dt.UTC)
        if (
            found.user_id != user_id
            or found.schema_version != schema
            or seen is None
            or not dt.timedelta(0) <= now - seen < SEEN_EVERY
        ):
            conn.execute(
                update(sync_sites)
                .where(sync_sites.c.site_id == site_id)
                .values(schema_version=schema, last_seen_at=now, user_id=user_id)
            )
        return int(found.pushed_seq)

    def pull(self, site_id: str, after: int, limit: int, *, whole: bool = False) -> PullBatch:
        """The next changes after `after` (which the site thereby acknowledges).

        The site's own changes come without their fields and base (it has them and
        only needs their numbers) unless `whole`: a site that finds one of its own
        changes missing from its log (a file restored from a backup) asks again.
        """
        with self._begin() as conn:
            conn.execute(
                update(sync_sites)
                .where(sync_sites.c.site_id == site_id, sync_sites.c.pulled_to < after)
                .values(pulled_to=after)
            )
            mine = change_log.c.site_id == (None if whole else site_id)
            rows = conn.execute(
                select(
                    *(
                        # the site has its own changes: it only needs their numbers
                        case((mine, None), else_=c).label(c.name)
                        if c.name in ("fields", "base")
                        else c
                        for c in change_log.columns
                    )
                )
                .where(change_log.c.server_seq > after)
                .order_by(change_log.c.server_seq)
                .limit(limit)
            ).all()
            last = conn.execute(select(func.max(change_log.c.server_seq))).scalar() or 0
            horizon = conn.execute(select(func.min(sync_sites.c.pulled_to))).scalar() or 0
            changes = [Change.from_row(r) for r in rows]
            scope = self._scope(conn, site_id)
            if not scope.unrestricted:
                changes = _scoped(conn, scope, changes)
        return PullBatch(changes, int(last), int(horizon), whole)

    # -- what a site may have -----------------------------------------------------------

    def site_user(self, conn: Connection, site_id: str | None) -> str | None:
        """Whom a site syncs for: the person a PostgreSQL login was granted as (see
        `grant_user`), else the user the site registered with, else this store's."""
        granted = _granted_person(conn)
        if granted is not None:
            return granted
        if site_id is not None:
            registered = conn.execute(
                select(sync_sites.c.user_id).where(sync_sites.c.site_id == site_id)
            ).scalar()
            if registered is not None:
                return str(registered)
        return self.user_id

    def _scope(self, conn: Connection, site_id: str | None) -> SiteScope:
        return scope_for(conn, self.site_user(conn, site_id))

    def may_fetch(self, site_id: str | None, sha: str) -> bool:
        """Whether the site's user may have this file (not one only unreadable papers use)."""
        with self._begin() as conn:
            return not self._scope(conn, site_id).hides_file(sha)

    # -- first sync -------------------------------------------------------------------

    @contextmanager
    def snapshot(self, site_id: str | None = None) -> Iterator[Snapshot]:
        """A consistent view of current rows and the log position they correspond to,
        as the site's user may have them (`site_user`)."""
        try:
            with self.engine.connect() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
                else:
                    conn.exec_driver_sql("BEGIN")
                seq = conn.execute(select(func.max(change_log.c.server_seq))).scalar() or 0
                hlc = conn.execute(select(func.max(change_log.c.hlc))).scalar() or 0
                scope = self._scope(conn, site_id)
                yield Snapshot(conn, int(seq), int(hlc), scope)
                conn.rollback()
        except OperationalError as exc:
            raise CentralError(f"central store unreachable: {_reason(exc)}") from exc


@dataclass
class Snapshot:
    conn: Connection
    seq: int
    hlc: int
    scope: SiteScope = field(default_factory=lambda: SiteScope(None))

    def tables(self) -> list[str]:
        return [name for name in sorted(Base.metadata.tables) if name not in NOT_SYNCED]

    def columns(self, table_name: str) -> list[str]:
        table = Base.metadata.tables[table_name]
        return [c.name for c in table.columns if not (table_name == "blobs" and c.name == "data")]

    def rows(self, table_name: str, page: int = 5000) -> Iterator[Sequence[Any]]:
        """A table's rows in primary key order (a new laptop's indexes fill in order), as
        the driver reads them: on an SQLite central store that is the wire form."""
        table = Base.metadata.tables[table_name]
        names = self.columns(table_name)
        order = [c.name for c in table.primary_key.columns]
        for rows in self._stored(table_name, names, order, page):
            kept = self.scope.rows(table_name, names, rows)
            if kept:
                yield kept

    def clock_rows(self, page: int = 5000) -> Iterator[Sequence[Any]]:
        """(table_name, row_id, clocks) of every row clock, in primary key order."""
        names = ["table_name", "row_id", "clocks"]
        for rows in self._stored("row_clock", names, names[:2], page):
            kept = [r for r in rows if self.scope.keeps_clock(r[0], r[1])]
            if kept:
                yield kept

    def _stored(
        self, table_name: str, names: Sequence[str], order: Sequence[str], page: int
    ) -> Iterator[Sequence[Any]]:
        def q(name: str) -> str:
            return '"' + name.replace('"', '""') + '"'

        # The driver's own cursor, in the snapshot's transaction: values as the driver
        # reads them (`codec.from_backend` takes those), without a typed result's
        # per-value processing; on PostgreSQL a server-side cursor, paged.
        driver: Any = self.conn.connection.driver_connection
        if self.conn.dialect.name == "postgresql":
            cursor = driver.cursor(name=f"boardpack_snapshot_{table_name}")
            cursor.itersize = page
        else:
            cursor = driver.cursor()
        try:
            cursor.execute(
                f"SELECT {', '.join(q(n) for n in names)} FROM {q(table_name)} "
                f"ORDER BY {', '.join(q(n) for n in order)}"
            )
            while rows := cursor.fetchmany(page):
                yield rows
        finally:
            cursor.close()

    def conflict_rows(self) -> list[Any]:
        rows = self.conn.execute(select(sync_conflicts)).all()
        return [r for r in rows if self.scope.keeps_conflict(r.table_name, r.row_id, r.field)]


def _scoped(conn: Connection, scope: SiteScope, changes: list[Change]) -> list[Change]:
    """The changes as the scope's user may have them, each in its place."""
    items = [c.row_id for c in changes if c.table_name == "agenda_items"]
    heads = row_clocks(conn, "agenda_items", [i for i in items if i in scope.withheld_items])
    meetings = minutes_meetings(
        conn, [c.row_id for c in changes if c.table_name == "minutes_versions"]
    )
    return [
        scope.change(c, heads=heads.get(c.row_id), meeting=meetings.get(c.row_id)) for c in changes
    ]


GRANT_KEY = "pg_role:"  # central_meta key prefix: a PostgreSQL role -> the person it is


def _granted_person(conn: Connection) -> str | None:
    if conn.dialect.name != "postgresql":
        return None
    return conn.execute(
        select(central_meta.c.value).where(
            central_meta.c.key == func.concat(GRANT_KEY, func.current_user())
        )
    ).scalar()


def _rev_key(revision: str) -> tuple[int, str]:
    head = revision.split("_", 1)[0]
    return (int(head), revision) if head.isdigit() else (0, revision)
