"""Sessions and the one flush hook that keeps every write honest.

Before each flush, for every new, changed or deleted row:
1. new rows get an id from the session's id factory (seeded for the demo, so
   the same input makes the same database) and their timestamps from the
   session's clock;
2. append-only records (decisions, evidence reviews, audit) and signed minutes
   are refused any change — the same rule SQLite triggers enforce below us;
3. an audit event records who, when, what, before and after, sealed into this
   install's hash chain (`db.audit_chain`).

A session's context lives in `session.info`: `actor_id`, `clock`, `new_id`,
`viewer`. The caller owns the session (`with db.begin(actor_id) as s:`).

Who is reading — the viewer — travels with the session too, so the roles table
holds on every path, not only where the GUI greys a button out:
- reads: a `do_orm_execute` hook adds `with_loader_criteria` for a viewer who
  may not read some exempt business (`db.permissions` holds the SQL): exempt
  papers and their files, annotations and questions on them, other people's
  private annotations and questions, the decisions, actions arising and
  declarations of exempt items return no rows; an exempt item itself still
  loads (its title and Schedule 12A paragraph are public) with its purpose,
  discussion and chair's notes blanked, and a stored minutes version loads in
  its public form. A column query of that withheld text leaves those rows out.
  The criteria hold for every ORM shape of a query: the class, an `aliased(...)`
  of it (selected, joined to, read through a subquery), `session.get`,
  relationship loads, column-only selects (tests/db/test_session_filter_aliases.py).
- writes: before each flush, every new, changed or deleted row must be of a
  table some role of the viewer may write (`permissions.may_write`) — the net
  under the services' own `require(...)`.

The viewer API (for the app's sign-in, the CLI, tests):
    Viewer.person(person_id)        a signed-in person; roles read per board
    Viewer.system(reason)           unrestricted: sync apply, migrations, demo build
    bind_viewer(database, viewer)   every later session of that Database carries it
    viewer_session(database, viewer, actor_id=None, *, clock=None, ids=None) -> Session
    viewer_of(session) -> Viewer | None
Without a bound viewer a session made with an `actor_id` reads as that person
(its writes are left to the services' checks); one with neither is unrestricted
(sync, the demo builder, migrations and many tests open such sessions), so the
app and the CLI always bind a viewer.
Raw SQL (`text(...)`, `exec_driver_sql`, Core on a connection, and a Core select
of a bare `Table` even through the session: none carries an ORM entity to filter)
is below this net: the search index takes the viewer's right as an argument, and
exempt data never reaches a laptop whose user may not read it (`db.sync.scope`).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ClauseElement, event, inspect, select, text
from sqlalchemy.orm import (
    ORMExecuteState,
    Session,
    attributes,
    sessionmaker,
    with_loader_criteria,
)
from sqlalchemy.sql.expression import Case, ColumnClause, CompoundSelect, Select
from sqlalchemy.sql.util import find_tables

from db import permissions
from db.audit_chain import seal
from db.base import AppendOnly, IdMixin, UTCDateTime, new_id, utcnow
from db.canonical import to_jsonable
from db.errors import AppendOnlyError, PermissionDeniedError
from db.models import (
    ActionArising,
    AgendaItem,
    Annotation,
    Blob,
    Board,
    Decision,
    Declaration,
    Membership,
    Paper,
    Question,
)
from db.models.audit import AuditEvent
from db.models.minutes import MinutesStatus, MinutesVersion

Clock = Callable[[], dt.datetime]
IdFactory = Callable[[], str]

_TIMESTAMP_ON_UPDATE = ("updated_at",)


def seeded_ids(seed: int | str) -> IdFactory:
    """A deterministic UUID4 factory: the same seed gives the same ids in the same order."""
    rng = random.Random(seed)

    def make() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    return make


def session_factory(bind: Any) -> sessionmaker[Session]:
    """The one sessionmaker for an engine; objects stay usable after commit."""
    return sessionmaker(bind=bind, expire_on_commit=False)


def configure(
    session: Session,
    *,
    actor_id: str | None = None,
    clock: Clock | None = None,
    ids: IdFactory | None = None,
    viewer: Viewer | None = None,
) -> Session:
    """Attach who is acting, the clock, the id factory and who reads: `viewer`, else
    the one bound to the session factory, else the actor as a person."""
    session.info["actor_id"] = actor_id
    session.info["clock"] = clock or utcnow
    session.info["new_id"] = ids or new_id
    if viewer is not None:
        session.info[VIEWER] = viewer
    elif VIEWER not in session.info and actor_id is not None:
        session.info[VIEWER] = Viewer(actor_id, implied=True)  # the actor reads as themself
    return session


# -- the viewer ---------------------------------------------------------------------------

VIEWER = "viewer"
_CLEARANCE = "_clearance"  # (person_id, Clearance, boards in the file), per transaction
_CRITERIA = "_read_criteria"  # (Clearance, loader criteria options) built for it
# Execution option for the rare service that must handle records it never shows to
# the viewer — re-anchoring every member's annotations when the secretariat reissues
# a paper: `select(...).execution_options(**{UNSCOPED: True})`. Nothing read so may
# be returned to the caller.
UNSCOPED = "boardpack_unscoped"


@dataclass(frozen=True)
class Viewer:
    """Who reads through a session: a person (their roles per board), or the system."""

    person_id: str | None
    unrestricted: bool = False
    reason: str = ""
    # Taken from the session's actor, not given: reads are filtered, writes are left
    # to the services' `require` (the net below is for a viewer the app or CLI set).
    implied: bool = False

    @classmethod
    def person(cls, person_id: str) -> Viewer:
        """A signed-in person: reads and writes as their memberships allow."""
        return cls(person_id)

    @classmethod
    def system(cls, reason: str) -> Viewer:
        """No person: sync apply, migrations, the demo builder, the bench (unrestricted)."""
        return cls(None, True, reason)


def bind_viewer(database: Any, viewer: Viewer) -> None:
    """Every later session of `database` (a `db.store.Database`: anything with a
    `sessions` sessionmaker) carries `viewer`, whatever actor it is begun with."""
    database.sessions.configure(info={VIEWER: viewer})


def viewer_session(
    database: Any,
    viewer: Viewer,
    actor_id: str | None = None,
    *,
    clock: Clock | None = None,
    ids: IdFactory | None = None,
) -> Session:
    """A new session of `database` reading as `viewer`; the caller owns it."""
    return configure(database.sessions(), actor_id=actor_id, clock=clock, ids=ids, viewer=viewer)


def viewer_of(session: Session) -> Viewer | None:
    """The session's viewer (given, bound to its factory, or its actor when it was
    made); None: unrestricted."""
    return session.info.get(VIEWER)


def _clearance(session: Session) -> tuple[permissions.Clearance, frozenset[str]] | None:
    """The viewer's clearance and the boards in the file; None: nothing to filter."""
    viewer = viewer_of(session)
    if viewer is None or viewer.unrestricted:
        return None
    cached = session.info.get(_CLEARANCE)
    if cached is not None and cached[0] == viewer.person_id:
        return cached[1], cached[2]
    conn = session.connection()
    who = permissions.clearance(conn, viewer.person_id)
    boards = frozenset(conn.execute(select(Board.__table__.c.id)).scalars())
    session.info[_CLEARANCE] = (viewer.person_id, who, boards)
    return who, boards


def _restricted(session: Session) -> permissions.Clearance | None:
    """The clearance of a viewer who may not read some exempt business, else None."""
    found = _clearance(session)
    if found is None or found[0].reads_everything(found[1]):
        return None
    return found[0]


_WITHHELD_ITEM_TEXT = ("purpose", "discussion", "chair_notes")


def _read_criteria(who: permissions.Clearance) -> dict[str, Any]:
    hidden_items = permissions.hidden_items(who)
    hidden_papers = permissions.hidden_papers(who)
    hidden_blobs = permissions.hidden_blobs(who)
    pid = who.person_id

    # by table, so a query gets only the criteria of the tables it reads (each one
    # costs a cache key on every execution)
    return {
        "papers": _hide(Paper, lambda e: e.id.not_in(hidden_papers)),
        "blobs": _hide(Blob, lambda e: e.sha256.not_in(hidden_blobs)),
        "annotations": _hide(
            Annotation,
            lambda e: (
                (e.shared.is_(True) | (e.author_id == pid)) & e.paper_id.not_in(hidden_papers)
            ),
        ),
        "questions": _hide(
            Question,
            lambda e: (
                (e.shared.is_(True) | (e.author_id == pid)) & e.agenda_item_id.not_in(hidden_items)
            ),
        ),
        "decisions": _hide(
            Decision,
            lambda e: e.agenda_item_id.is_(None) | e.agenda_item_id.not_in(hidden_items),
        ),
        "actions_arising": _hide(
            ActionArising,
            lambda e: e.agenda_item_id.is_(None) | e.agenda_item_id.not_in(hidden_items),
        ),
        "declarations": _hide(
            Declaration,
            lambda e: e.agenda_item_id.is_(None) | e.agenda_item_id.not_in(hidden_items),
        ),
    }


def _hide(model: type[Any], criteria: Callable[[Any], Any]) -> Any:
    """Loader criteria for `model` and every `aliased(model)`: a select of an alias,
    a join to one, a subquery read through one. `criteria` is given the class or the
    alias itself, so its columns are the alias's own — SQLAlchemy does not adapt
    class-level criteria to an alias that is the target of an explicit join."""
    return with_loader_criteria(model, criteria, include_aliases=True)


_WITHHELD_COLUMNS = {("agenda_items", name): "items" for name in _WITHHELD_ITEM_TEXT} | {
    ("minutes_versions", "content_json"): "minutes"
}


def _selects_withheld_text(state: ORMExecuteState, read: set[str]) -> tuple[bool, bool]:
    """Whether the query returns an exempt item's text / stored minutes as columns
    (not whole objects, which the load hooks redact): a column of the class or of an
    alias, a subquery's column, a label or function of one, a scalar subquery, a
    UNION's part. A CASE is not looked into: it is how a query redacts that text
    itself (`db.minutes.build` reads `CASE WHEN exempt THEN NULL ELSE discussion`),
    so the rows stay, and what its branches return is its author's to get right."""
    if "agenda_items" not in read and "minutes_versions" not in read:
        return False, False
    found: set[str] = set()
    stack = list(_returned_expressions(state.statement))
    while stack:
        element = stack.pop()
        if isinstance(element, Case):
            continue
        if isinstance(element, ColumnClause):
            for base in element.base_columns:
                table = getattr(getattr(base, "table", None), "name", None)
                kind = _WITHHELD_COLUMNS.get((str(table), base.name))
                if kind is not None:
                    found.add(kind)
        if isinstance(element, Select):
            stack.extend(_returned_expressions(element))
        else:
            stack.extend(element.get_children())
    return "items" in found, "minutes" in found


def _returned_expressions(statement: Any) -> list[Any]:
    """The column expressions a statement returns, whole ORM entities left out."""
    if isinstance(statement, CompoundSelect):
        return [e for part in statement.selects for e in _returned_expressions(part)]
    returned = []
    for desc in getattr(statement, "column_descriptions", ()):
        entity, expr = desc.get("entity"), desc.get("expr")
        if expr is entity and entity is not None:
            continue  # a whole object (or an alias of one)
        element = getattr(expr, "__clause_element__", None)
        returned.append(element() if element is not None else expr)
    return [e for e in returned if isinstance(e, ClauseElement)]


def _tables_read(state: ORMExecuteState) -> set[str]:
    """The names of the tables a query reads anywhere (subqueries and aliases too)."""
    names = set()
    for found in find_tables(cast(ClauseElement, state.statement), check_columns=True):
        for part in (found, getattr(found, "element", None)):
            name = getattr(part, "name", None)
            if isinstance(name, str):
                names.add(name)
    return names


@event.listens_for(Session, "do_orm_execute")
def _scope_reads(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_column_load:
        return  # a column load fills in an object already loaded (and so allowed)
    if state.execution_options.get(UNSCOPED):
        return  # a service handling records it does not show (see UNSCOPED)
    who = _restricted(state.session)
    if who is None:
        return
    cached = state.session.info.get(_CRITERIA)
    if cached is None or cached[0] is not who:  # built once per clearance: building is slow
        cached = (who, _read_criteria(who))
        state.session.info[_CRITERIA] = cached
    read = _tables_read(state)
    options = [option for name, option in cached[1].items() if name in read]
    items, minutes = _selects_withheld_text(state, read)
    if items:
        hidden_items = permissions.hidden_items(who)
        options.append(_hide(AgendaItem, lambda e: e.id.not_in(hidden_items)))
    if minutes:
        hidden_meetings = permissions.meetings_with_hidden_items(who)
        options.append(_hide(MinutesVersion, lambda e: e.meeting_id.not_in(hidden_meetings)))
    if options:
        state.statement = state.statement.options(*options)


def _item_withheld(session: Session, item: AgendaItem) -> bool:
    who = _restricted(session)
    if who is None or not item.exempt:
        return False
    hidden = session.connection().execute(
        permissions.hidden_items(who).where(AgendaItem.__table__.c.id == item.id)
    )
    return hidden.first() is not None


def _minutes_withheld(session: Session, version: MinutesVersion) -> bool:
    who = _restricted(session)
    if who is None:
        return False
    found = session.connection().execute(
        permissions.meetings_with_hidden_items(who)
        .where(AgendaItem.__table__.c.meeting_id == version.meeting_id)
        .limit(1)
    )
    return found.first() is not None


def public_minutes_content(content_json: str) -> str:
    """Stored minutes content in its public form: exempt items' text, decisions and
    actions left out (`db.minutes.doc`), so it can go where exempt text may not."""
    from db.minutes.doc import from_content, to_content

    try:
        doc = from_content(json.loads(content_json), public=True)
        return json.dumps(to_content(doc), sort_keys=True, separators=(",", ":"))
    except (ValueError, TypeError, KeyError, AttributeError):
        return json.dumps({"withheld": True})


@event.listens_for(AgendaItem, "load")
@event.listens_for(AgendaItem, "refresh")
def _redact_item(item: AgendaItem, context: Any, *_attrs: Any) -> None:
    session = context.session
    if session is not None and _item_withheld(session, item):
        for name in _WITHHELD_ITEM_TEXT:
            attributes.set_committed_value(item, name, None)


@event.listens_for(MinutesVersion, "load")
@event.listens_for(MinutesVersion, "refresh")
def _redact_minutes(version: MinutesVersion, context: Any, *_attrs: Any) -> None:
    session = context.session
    if session is not None and _minutes_withheld(session, version):
        public = public_minutes_content(version.content_json)
        attributes.set_committed_value(version, "content_json", public)


def _check_writes(session: Session) -> None:
    """Refuse, before anything is written, a row no role of the viewer may write."""
    viewer = viewer_of(session)
    if viewer is None or viewer.implied:
        return
    found = _clearance(session)
    if found is None:
        return
    who = found[0]
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        table = obj.__tablename__
        if not permissions.may_write(who, table):
            why = "nobody is signed in" if who.person_id is None else "your roles"
            raise PermissionDeniedError(f"not allowed to change {table.replace('_', ' ')} ({why})")
        if isinstance(obj, Membership | Board):
            session.info.pop(_CLEARANCE, None)


def _apply_defaults(obj: Any, now: dt.datetime) -> None:
    # Defaults applied here, not at INSERT, so the audit's "after" shows what is
    # stored, and every "when" default reads the session's clock (the demo's story
    # dates, a test's fixed time), never the wall clock behind its back.
    for attr in inspect(obj).mapper.column_attrs:
        column = attr.columns[0]
        default = getattr(column, "default", None)
        if default is None or getattr(obj, attr.key) is not None:
            continue
        if default.is_scalar:
            setattr(obj, attr.key, default.arg)
        elif default.is_callable and isinstance(column.type, UTCDateTime):
            setattr(obj, attr.key, now)


def _column_values(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {
        attr.key: to_jsonable(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if not attr.deferred
    }


def _changed_values(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            before[attr.key] = to_jsonable(hist.deleted[0]) if hist.deleted else None
            after[attr.key] = to_jsonable(hist.added[0]) if hist.added else None
    return before, after


def _row_id(obj: Any) -> str:
    identity = inspect(obj).identity or inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(part) for part in identity)


def _signed_before_this_flush(obj: MinutesVersion) -> bool:
    hist = inspect(obj).attrs.status.history
    old = hist.deleted[0] if hist.deleted else obj.status
    return old is MinutesStatus.SIGNED


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    clock: Clock = session.info.get("clock", utcnow)
    make_id: IdFactory = session.info.get("new_id", new_id)
    actor_id: str | None = session.info.get("actor_id")
    _check_writes(session)
    now = clock()
    events: list[AuditEvent] = []

    for obj in list(session.new):
        if isinstance(obj, AuditEvent):
            continue
        if isinstance(obj, IdMixin) and obj.id is None:
            obj.id = make_id()
        _apply_defaults(obj, now)
        events.append(
            AuditEvent(
                id=make_id(),
                at=now,
                actor_id=actor_id,
                op="insert",
                table_name=obj.__tablename__,
                row_id=_row_id(obj),
                before=None,
                after=_column_values(obj),
            )
        )

    for obj in list(session.dirty):
        if not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, AppendOnly):
            raise AppendOnlyError(
                f"{obj.__tablename__}: {obj.append_only_message}; record a new one instead"
            )
        if isinstance(obj, MinutesVersion) and _signed_before_this_flush(obj):
            raise AppendOnlyError(
                "signed minutes are frozen; a correction is a new version approved and signed"
            )
        for name in _TIMESTAMP_ON_UPDATE:
            if hasattr(obj, name) and not inspect(obj).attrs[name].history.has_changes():
                setattr(obj, name, now)
        before, after = _changed_values(obj)
        events.append(
            AuditEvent(
                id=make_id(),
                at=now,
                actor_id=actor_id,
                op="update",
                table_name=obj.__tablename__,
                row_id=_row_id(obj),
                before=before,
                after=after,
            )
        )

    for obj in list(session.deleted):
        if isinstance(obj, AppendOnly):
            raise AppendOnlyError(f"{obj.__tablename__}: {obj.append_only_message}")
        if isinstance(obj, MinutesVersion) and _signed_before_this_flush(obj):
            raise AppendOnlyError("signed minutes are frozen and cannot be deleted")
        events.append(
            AuditEvent(
                id=make_id(),
                at=now,
                actor_id=actor_id,
                op="delete",
                table_name=obj.__tablename__,
                row_id=_row_id(obj),
                before=_column_values(obj),
                after=None,
            )
        )

    if events:
        seal(session.connection(), events)
    session.add_all(events)
    if events:
        _set_capture_actor(session, actor_id)


def _set_capture_actor(session: Session, actor_id: str | None) -> None:
    # The capture triggers stamp each change with `sync_state.actor_id`.
    if session.info.get("_capture_actor", ...) == actor_id:
        return
    if session.get_bind().dialect.name != "sqlite":  # capture triggers live in SQLite replicas
        return
    session.execute(
        text("UPDATE sync_state SET actor_id = :actor WHERE id = 1 AND actor_id IS NOT :actor"),
        {"actor": actor_id},
    )
    session.info["_capture_actor"] = actor_id


@event.listens_for(Session, "after_transaction_end")
def _forget_capture_actor(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop("_capture_actor", None)
        session.info.pop(_CLEARANCE, None)
