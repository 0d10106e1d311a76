"""Folding local changes and applying remote ones: the merge rules, in one place.

Every replica — each laptop and the central store — keeps, per row, the clock
(HLC, site) of each field's current value in `row_clock`. Applying a change is
then a pure function of the row's clocks and the change, so replicas that have
applied the same set of changes in any causal order hold the same rows:

- insert: the row appears (or, if it exists, fields merge as below);
- plain field: the value with the greater (HLC, site) wins; on a laptop, when
  the loser was written here, it is kept in `sync_overrides` to show the user;
- free-text field: each edit names the versions it was made from (its *base*,
  recorded when the local change is folded). Versions not superseded by a later
  edit are the field's *heads*; two or more distinct heads are a conflict, all
  kept in `sync_conflicts` until a person resolves it (an edit whose base names
  every head). The row shows the head with the greatest stamp meanwhile;
  heads that all say the same thing (identical edits) are not a conflict;
- delete: the row goes and a tombstone stays in its clock; an update the
  deleter had not seen (clock after the delete's base) is a conflict, kept;
- freeze (signed minutes): the freezing change carries the whole row and wins
  over anything made without seeing it; those changes become a conflict.

Local changes are *folded* (their base recorded, their clocks entered) before
anything remote is applied, so a base is exactly what the writer saw.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

import db.models  # noqa: F401  (registers every table)
from db.base import Base
from db.sync import clocks as clock_text
from db.sync import fts
from db.sync.policy import FREEZE_RULES, TEXT_FIELDS, is_text
from db.sync.rows import RowWriter, Shape, shapes
from db.sync.tables import change_log, row_clock, sync_conflicts, sync_overrides

TOMB = "~"
BOOKKEEPING = frozenset({"updated_at", "created_at"})
FROZEN = "!"
_UNREAD = object()  # a version whose value has not been read from the row yet
Stamp = tuple[int, str]
LOG_COLUMNS = (
    "change_id",
    "site_id",
    "site_seq",
    "hlc",
    "table_name",
    "row_id",
    "op",
    "fields",
    "base",
    "schema_version",
    "user_id",
    "server_seq",
    "folded",
)
_LOG_INSERT = (
    f"INSERT INTO change_log ({', '.join(LOG_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in LOG_COLUMNS)})"
)


@dataclass(frozen=True)
class Change:
    """One captured change, as logged and as sent over the wire."""

    change_id: str
    site_id: str
    site_seq: int
    hlc: int
    table_name: str
    row_id: str
    op: str
    fields: dict[str, Any] | None
    base: dict[str, Any] | None
    schema_version: str
    user_id: str | None
    server_seq: int | None = None
    # `fields` and `base` as logged, when read from a log (saves encoding them again)
    logged: tuple[str | None, str | None] | None = field(default=None, compare=False, repr=False)

    @property
    def stamp(self) -> Stamp:
        return (self.hlc, self.site_id)

    def log_values(self) -> tuple[Any, ...]:
        """The change_log row, in LOG_COLUMNS order."""
        fields, base = self.logged or (_dumps(self.fields), _dumps(self.base))
        return (
            self.change_id,
            self.site_id,
            self.site_seq,
            self.hlc,
            self.table_name,
            self.row_id,
            self.op,
            fields,
            base,
            self.schema_version,
            self.user_id,
            self.server_seq,
            1,
        )

    def log_row(self) -> dict[str, Any]:
        return dict(zip(LOG_COLUMNS, self.log_values(), strict=True))

    @classmethod
    def from_row(cls, row: Any) -> Change:
        m = row._mapping
        return cls(
            m["change_id"],
            m["site_id"],
            m["site_seq"],
            m["hlc"],
            m["table_name"],
            m["row_id"],
            m["op"],
            _loads(m["fields"]),
            _loads(m["base"]),
            m["schema_version"],
            m["user_id"],
            m["server_seq"],
            (m["fields"], m["base"]) if m.get("folded", 1) else None,
        )


def _dumps(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _stamp(clock: Sequence[Any]) -> Stamp:
    return (int(clock[0]), str(clock[1]))


@dataclass
class ApplyStats:
    applied: int = 0
    duplicates: int = 0
    conflicts: int = 0
    overrides: int = 0
    max_hlc: int = 0


@dataclass
class _Row:
    clocks: dict[str, Any]
    dirty: bool = False
    known: bool = True  # a row_clock entry existed or was created


@dataclass
class Replica:
    """Merge operations on one replica's connection (a laptop's SQLite or the central store).

    `my_site` is the laptop's own site id (None on the central store, which has
    no user of its own to show overrides to).
    """

    conn: Connection
    my_site: str | None
    batched: bool = True  # False: every row write sent on its own (for tests to compare)
    _rows: dict[tuple[str, str], _Row] = field(default_factory=dict)
    # (table, row, field) -> its conflict's versions (None: no conflict), as written
    _conflicts: dict[tuple[str, str, str], list[dict[str, Any]] | None] = field(
        default_factory=dict
    )
    _conflicts_loaded: set[tuple[str, str]] = field(default_factory=set)  # whole rows cached

    def __post_init__(self) -> None:
        self._dialect = self.conn.dialect.name
        self._shapes = shapes(self.conn)
        self._writer = RowWriter(self.conn, self.batched)
        # a central store keeps the clocks' earlier text form: see db.sync.clocks
        self._encode_clocks = (
            clock_text.encode if self.my_site is not None else clock_text.encode_earlier
        )

    # -- row clocks -----------------------------------------------------------------------

    def _preload(self, keys: Iterable[tuple[str, str]]) -> None:
        # One query per table with `row_id IN (...)`: it walks the primary key
        # (table_name, row_id); a row-value IN over both columns scanned the whole
        # clock table (8 s for 12,000 changes on the large board).
        by_table: dict[str, list[str]] = {}
        for table_name, row_id in {k for k in keys if k not in self._rows}:
            by_table.setdefault(table_name, []).append(row_id)
        for table_name, ids in by_table.items():
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                decode = clock_text.decode
                found = {r[0]: decode(r[1]) for r in self._clock_rows(table_name, chunk)}
                for row_id in chunk:
                    clocks = found.get(row_id)
                    self._rows[(table_name, row_id)] = _Row(clocks or {}, known=clocks is not None)

    def _clock_rows(self, table_name: str, ids: Sequence[str]) -> Iterable[Sequence[Any]]:
        if self._dialect == "sqlite":  # plain SQL: compiling 500 bound parameters costs more
            return self.conn.exec_driver_sql(
                "SELECT row_id, clocks FROM row_clock WHERE table_name = ? "
                f"AND row_id IN ({', '.join('?' for _ in ids)})",
                (table_name, *ids),
            ).all()
        return self.conn.execute(
            select(row_clock.c.row_id, row_clock.c.clocks).where(
                row_clock.c.table_name == table_name,
                row_clock.c.row_id.in_(bindparam("ids", expanding=True)),
            ),
            {"ids": list(ids)},
        ).all()

    def _row(self, table: str, row_id: str) -> _Row:
        key = (table, row_id)
        if key not in self._rows:
            self._preload([key])
        return self._rows[key]

    def _flush_clocks(self) -> None:
        # In key order: each statement then walks the clock table's primary key forward.
        dirty = sorted((k, r) for k, r in self._rows.items() if r.dirty)
        if not dirty:
            return
        encode = self._encode_clocks
        old = [(encode(r.clocks), k[0], k[1]) for k, r in dirty if r.known]
        new = [(k[0], k[1], encode(r.clocks)) for k, r in dirty if not r.known]
        if self._dialect == "sqlite":  # the driver's executemany, no per-row binding work
            if old:
                self.conn.exec_driver_sql(
                    "UPDATE row_clock SET clocks = ? WHERE table_name = ? AND row_id = ?", old
                )
            if new:
                self.conn.exec_driver_sql(
                    "INSERT INTO row_clock (table_name, row_id, clocks) VALUES (?, ?, ?)", new
                )
        else:
            if old:
                self.conn.execute(
                    update(row_clock)
                    .where(
                        and_(
                            row_clock.c.table_name == bindparam("t"),
                            row_clock.c.row_id == bindparam("r"),
                        )
                    )
                    .values(clocks=bindparam("c")),
                    [{"c": c, "t": t, "r": r} for c, t, r in old],
                )
            if new:
                self.conn.execute(
                    insert(row_clock),
                    [{"table_name": t, "row_id": r, "clocks": c} for t, r, c in new],
                )
        for _, r in dirty:
            r.dirty = False
            r.known = True

    # -- conflicts ------------------------------------------------------------------------

    def _preload_conflicts(self, changes: Iterable[Change]) -> None:
        """Read the conflicts of every row a batch edits free text of, one query per table."""
        by_table: dict[str, set[str]] = {}
        for c in changes:
            key = (c.table_name, c.row_id)
            if c.op == "U" and c.table_name in TEXT_FIELDS and key not in self._conflicts_loaded:
                by_table.setdefault(c.table_name, set()).add(c.row_id)
        for table_name, id_set in by_table.items():
            ids = sorted(id_set)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for r in self.conn.execute(
                    select(
                        sync_conflicts.c.row_id, sync_conflicts.c.field, sync_conflicts.c.versions
                    ).where(
                        sync_conflicts.c.table_name == table_name,
                        sync_conflicts.c.row_id.in_(chunk),
                    )
                ):
                    self._conflicts[(table_name, r.row_id, r.field)] = list(json.loads(r.versions))
                self._conflicts_loaded.update((table_name, row_id) for row_id in chunk)

    def _conflict(self, table: str, row_id: str, fld: str) -> list[dict[str, Any]] | None:
        key = (table, row_id, fld)
        if key in self._conflicts:
            found = self._conflicts[key]
            return None if found is None else list(found)
        if (table, row_id) in self._conflicts_loaded:
            return None
        text = self.conn.execute(
            select(sync_conflicts.c.versions).where(
                sync_conflicts.c.table_name == table,
                sync_conflicts.c.row_id == row_id,
                sync_conflicts.c.field == fld,
            )
        ).scalar()
        versions = None if text is None else list(json.loads(text))
        self._conflicts[key] = versions
        return None if versions is None else list(versions)

    def _set_conflict(
        self, table: str, row_id: str, fld: str, versions: list[dict[str, Any]] | None
    ) -> None:
        key = (table, row_id, fld)
        known_absent = (key in self._conflicts and self._conflicts[key] is None) or (
            key not in self._conflicts and (table, row_id) in self._conflicts_loaded
        )
        if not versions:
            self._conflicts[key] = None
            if known_absent:
                return  # nothing to delete
        where = and_(
            sync_conflicts.c.table_name == table,
            sync_conflicts.c.row_id == row_id,
            sync_conflicts.c.field == fld,
        )
        if not known_absent:
            self.conn.execute(delete(sync_conflicts).where(where))
        if versions:
            versions = sorted(versions, key=lambda v: (v["hlc"], v["site"]))
            distinct = {json.dumps(v["value"], sort_keys=True) for v in versions}
            is_open = fld in (TOMB, FROZEN) or len(distinct) > 1
            self.conn.execute(
                insert(sync_conflicts).values(
                    table_name=table,
                    row_id=row_id,
                    field=fld,
                    versions=_dumps(versions),
                    open=int(is_open),
                )
            )
            self._conflicts[key] = list(versions)

    def _settled_up_to(self, table: str, row_id: str, fld: str) -> int:
        """The clock up to which a person has already settled this conflict (0: never)."""
        self._writer.flush()  # resolutions of this batch may still be pending
        res = Base.metadata.tables["conflict_resolutions"]
        found = self.conn.execute(
            select(func.max(res.c.up_to_hlc)).where(
                res.c.table_name == table, res.c.row_id == row_id, res.c.field == fld
            )
        ).scalar()
        return int(found or 0)

    def _settle(self, fields: dict[str, Any]) -> None:
        """A conflict resolution arrived (or was made here): drop what it settled."""
        key = (fields["table_name"], fields["row_id"], fields["field"])
        versions = self._conflict(*key) or []
        up_to = int(fields["up_to_hlc"])
        left = [v for v in versions if int(v["hlc"]) > up_to]
        if not any(v.get("value") is not None for v in left):
            left = []
        self._set_conflict(*key, left or None)

    def _add_conflict_versions(
        self, table: str, row_id: str, fld: str, versions: list[dict[str, Any]]
    ) -> None:
        settled = self._settled_up_to(table, row_id, fld)
        versions = [v for v in versions if int(v["hlc"]) > settled]
        if not any(v.get("value") is not None for v in versions):
            return
        current = self._conflict(table, row_id, fld) or []
        seen = {(v["hlc"], v["site"]) for v in current}
        merged = current + [v for v in versions if (v["hlc"], v["site"]) not in seen]
        self._set_conflict(table, row_id, fld, merged)

    # -- rows -----------------------------------------------------------------------------

    def _table(self, name: str) -> Shape | None:
        return self._shapes.get(name)

    def _read(self, table: Shape, row_id: str, names: Iterable[str]) -> dict[str, Any] | None:
        return self._writer.read(table, row_id, names)

    def _write(self, table: Shape, row_id: str, values: dict[str, Any], *, new: bool) -> None:
        self._writer.write(table, row_id, values, new=new)

    def _delete_row(self, table: Shape, row_id: str) -> None:
        self._writer.delete(table, row_id)

    # -- folding local changes (laptop) --------------------------------------------------

    def fold(self, changes: Sequence[Change]) -> list[Change]:
        """Record each local change's base and enter its clocks; returns the folded changes."""
        self._preload((c.table_name, c.row_id) for c in changes)
        self._preload_conflicts(changes)
        folded: list[Change] = []
        for change in changes:
            folded.append(self._fold_one(change))
        self._writer.flush()
        self._flush_clocks()
        if folded:
            self.conn.execute(
                update(change_log)
                .where(change_log.c.change_id == bindparam("cid"))
                .values(base=bindparam("b"), fields=bindparam("f"), folded=1),
                [{"cid": c.change_id, "b": _dumps(c.base), "f": _dumps(c.fields)} for c in folded],
            )
        return folded

    def _fold_one(self, c: Change) -> Change:
        row = self._row(c.table_name, c.row_id)
        clocks = row.clocks
        base: dict[str, Any] = {}
        fields = dict(c.fields or {})
        if c.op == "D":
            base["row"] = max(
                (int(v[0]) for k, v in clocks.items() if k not in (TOMB, FROZEN)), default=0
            )
            clocks[TOMB] = [c.hlc, c.site_id, base["row"], None, c.user_id]
        else:
            if c.op == "I":
                clocks.pop(TOMB, None)
            rule = FREEZE_RULES.get(c.table_name)
            if c.op == "U" and rule and fields.get(rule[0]) == rule[1]:
                table = self._table(c.table_name)
                if table is not None:
                    current = self._read(table, c.row_id, table.columns)
                    fields = {**(current or {}), **fields}
                base[FROZEN] = max(
                    (int(v[0]) for k, v in clocks.items() if k not in (TOMB, FROZEN)), default=0
                )
                clocks[FROZEN] = [c.hlc, c.site_id, base[FROZEN]]
            for name in fields:
                if c.op == "U":  # what the writer saw: the version(s) this edit replaces
                    heads = (
                        self._conflict(c.table_name, c.row_id, name)
                        if is_text(c.table_name, name)
                        else None
                    )
                    if heads is not None:
                        base[name] = [[v["hlc"], v["site"]] for v in heads]
                        self._set_conflict(c.table_name, c.row_id, name, None)
                    elif name in clocks:
                        base[name] = [clocks[name][:2]]
                    else:
                        base[name] = []
                clocks[name] = _clock(c, name)
        row.dirty = True
        if c.op == "I" and c.table_name == "conflict_resolutions":
            self._settle(fields)
        return Change(
            c.change_id,
            c.site_id,
            c.site_seq,
            c.hlc,
            c.table_name,
            c.row_id,
            c.op,
            fields if c.op != "D" else None,
            base or None,
            c.schema_version,
            c.user_id,
            c.server_seq,
        )

    # -- applying remote changes ----------------------------------------------------------

    def apply(self, changes: Sequence[Change], *, log: bool = True) -> ApplyStats:
        """Apply remote changes in order (already de-duplicated by the caller when `log`)."""
        stats = ApplyStats()
        if not changes:
            return stats
        with _page_cache(self.conn, len(changes)), _no_gc(len(changes)):
            reindex = fts.Reindex()
            if self._dialect == "sqlite" and reindex.start(self.conn):
                self._writer.reindex = reindex  # search documents rebuilt once, at the end
            self._preload((c.table_name, c.row_id) for c in changes)
            self._preload_conflicts(changes)
            shapes = self._shapes
            for change in changes:
                table = shapes.get(change.table_name)
                if table is not None:
                    self._apply_one(table, change, stats)
            stats.applied += len(changes)
            stats.max_hlc = max(stats.max_hlc, max(c.hlc for c in changes))
            self._writer.flush()
            self._writer.reindex = None
            reindex.finish()
            self._flush_clocks()
            if log:
                if self._dialect == "sqlite":
                    self.conn.exec_driver_sql(_LOG_INSERT, [c.log_values() for c in changes])
                else:
                    self.conn.execute(insert(change_log), [c.log_row() for c in changes])
        return stats

    def _apply_one(self, table: Shape, c: Change, stats: ApplyStats) -> None:
        row = self._row(c.table_name, c.row_id)
        clocks = row.clocks
        tomb = clocks.get(TOMB)
        live = bool(clocks) and tomb is None
        if c.op == "D":
            self._apply_delete(table, c, row, stats)
            return
        if tomb is not None:
            if c.op == "I" and c.stamp > _stamp(tomb):  # restored after a delete
                self._insert(table, c, row)
            elif c.op == "U" and c.hlc > int(tomb[2]):
                deleter = {
                    "hlc": int(tomb[0]),
                    "site": tomb[1],
                    "user": tomb[4] if len(tomb) > 4 else None,
                    "value": None,
                }
                self._add_conflict_versions(c.table_name, c.row_id, TOMB, [deleter, _version(c)])
                stats.conflicts += 1
            return
        if c.op == "I" and not live:
            self._insert(table, c, row)
            if c.table_name == "conflict_resolutions":
                self._settle(c.fields or {})
            return
        if not live:
            return  # an update to a row this replica never had (e.g. filtered out)
        rule = FREEZE_RULES.get(c.table_name)
        freezing = rule is not None and (c.fields or {}).get(rule[0]) == rule[1] and c.op == "U"
        frozen = clocks.get(FROZEN)
        if freezing:
            self._apply_freeze(table, c, row, stats)
            return
        if frozen is not None and c.hlc > int(frozen[2]) and c.stamp != _stamp(frozen):
            self._add_conflict_versions(c.table_name, c.row_id, FROZEN, [_version(c)])
            stats.conflicts += 1
            return
        self._merge_fields(table, c, row, stats)

    def _insert(self, table: Shape, c: Change, row: _Row) -> None:
        fields = c.fields or {}
        self._write(table, c.row_id, fields, new=True)
        text = TEXT_FIELDS.get(c.table_name, ())
        hlc, site = c.hlc, c.site_id
        # one list for every field of the change (never changed in place: see clock_text)
        plain = [hlc, site]
        row.clocks = clocks = dict.fromkeys(fields, plain)
        authored = [hlc, site, c.user_id]
        for name in text:
            if name in clocks:
                clocks[name] = authored
        row.dirty = True

    def _merge_fields(self, table: Shape, c: Change, row: _Row, stats: ApplyStats) -> None:
        clocks = row.clocks
        writes: dict[str, Any] = {}
        lost: list[tuple[str, Any, Any]] = []
        columns = table.columns
        text = TEXT_FIELDS.get(c.table_name, ()) if c.op == "U" else ()
        hlc, site, my_site = c.hlc, c.site_id, self.my_site
        stamp = [hlc, site]  # shared by the fields this change wins (never changed in place)
        for name, value in (c.fields or {}).items():
            if name not in columns:
                continue  # a newer schema's field: kept in the change log
            if name in text:
                winner = self._merge_text(table, c, row, name, value, stats)
                if winner is not None:
                    writes[name] = winner
                continue
            current = clocks.get(name)
            if current is None:
                writes[name] = value
                clocks[name] = stamp
                continue
            theirs = int(current[0])
            if hlc > theirs or (hlc == theirs and site > str(current[1])):
                if (
                    my_site is not None
                    and current[1] == my_site
                    and name not in BOOKKEEPING
                    and list(current[:2]) not in ((c.base or {}).get(name) or [])
                ):  # the writer never saw this laptop's value: show its owner it lost
                    lost.append((name, None, value))
                writes[name] = value
                clocks[name] = stamp
        if writes:
            row.dirty = True
        if lost:
            before = self._read(table, c.row_id, [n for n, _, _ in lost]) or {}
            for name, _, won in lost:
                if before.get(name) != won:
                    self.conn.execute(
                        insert(sync_overrides).values(
                            table_name=c.table_name,
                            row_id=c.row_id,
                            field=name,
                            lost_value=_dumps(before.get(name)),
                            won_value=_dumps(won),
                            won_by_user=c.user_id,
                            won_by_site=c.site_id,
                            at=dt.datetime.now(dt.UTC),
                        )
                    )
                    stats.overrides += 1
        if writes:
            self._write(table, c.row_id, writes, new=False)

    def _merge_text(
        self, table: Shape, c: Change, row: _Row, name: str, value: Any, stats: ApplyStats
    ) -> Any:
        """Merge one free-text edit; returns the value the row should now show (or None)."""
        clocks = row.clocks
        versions = self._conflict(c.table_name, c.row_id, name)
        if versions is None:
            current = clocks.get(name)
            if current is None:
                versions = []
            else:  # the value shown now: read only if it stays a head (see below)
                versions = [
                    {
                        "hlc": int(current[0]),
                        "site": current[1],
                        "user": current[2] if len(current) > 2 else None,
                        "value": _UNREAD,
                    }
                ]
        # Heads are the versions no later edit was made from: a pure function of the
        # set of versions, so every replica reaches the same heads in any order.
        base = {tuple(b[:2]) for b in ((c.base or {}).get(name) or [])}
        heads = [v for v in versions if (v["hlc"], v["site"]) not in base]
        for v in heads:
            if v["value"] is _UNREAD:
                v["value"] = (self._read(table, c.row_id, [name]) or {}).get(name)
        heads.append(_version(c, value))
        heads.sort(key=lambda v: (v["hlc"], v["site"]))
        top = heads[-1]
        self._set_conflict(c.table_name, c.row_id, name, heads if len(heads) > 1 else None)
        if len({json.dumps(v["value"], sort_keys=True) for v in heads}) > 1:
            stats.conflicts += 1
        clocks[name] = [top["hlc"], top["site"], top.get("user")]
        row.dirty = True
        return top["value"]

    def _apply_delete(self, table: Shape, c: Change, row: _Row, stats: ApplyStats) -> None:
        clocks = row.clocks
        tomb = clocks.get(TOMB)
        base_row = int((c.base or {}).get("row", 0))
        self._retire_seen_updates(c.table_name, c.row_id, base_row)
        if tomb is not None and _stamp(tomb) >= c.stamp:
            return
        if clocks and tomb is None:
            unseen = self.conn.execute(
                select(change_log).where(
                    change_log.c.table_name == c.table_name,
                    change_log.c.row_id == c.row_id,
                    change_log.c.op == "U",
                    change_log.c.hlc > base_row,
                    change_log.c.site_id != c.site_id,
                )
            ).all()
            if unseen:
                versions = [_version(Change.from_row(r)) for r in unseen]
                versions.append({"hlc": c.hlc, "site": c.site_id, "user": c.user_id, "value": None})
                self._add_conflict_versions(c.table_name, c.row_id, TOMB, versions)
                stats.conflicts += 1
            self._delete_row(table, c.row_id)
        elif tomb is not None:
            pass  # a later delete of an already deleted row: keep the newest tombstone
        clocks[TOMB] = [c.hlc, c.site_id, base_row, c.server_seq, c.user_id]
        row.dirty = True

    def _retire_seen_updates(self, table: str, row_id: str, base_row: int) -> None:
        """A delete made after seeing an update settles that update's update-vs-delete
        conflict: its writer (or whoever deleted having seen it) wants the row gone too.

        Without this the conflict set depended on arrival order: the laptop that edited
        and then deleted a row never had a conflict, while replicas that got another
        laptop's delete before the edit kept one (found by the convergence machine).
        """
        versions = self._conflict(table, row_id, TOMB)
        if not versions:
            return
        left = [v for v in versions if v.get("value") is None or int(v["hlc"]) > base_row]
        if len(left) == len(versions):
            return
        if not any(v.get("value") is not None for v in left):
            left = []
        self._set_conflict(table, row_id, TOMB, left or None)

    def _apply_freeze(self, table: Shape, c: Change, row: _Row, stats: ApplyStats) -> None:
        clocks = row.clocks
        frozen = clocks.get(FROZEN)
        if frozen is not None and _stamp(frozen) >= c.stamp:
            return
        base = int((c.base or {}).get(FROZEN, 0))
        unseen = self.conn.execute(
            select(change_log).where(
                change_log.c.table_name == c.table_name,
                change_log.c.row_id == c.row_id,
                change_log.c.op == "U",
                change_log.c.hlc > base,
                change_log.c.change_id != c.change_id,
            )
        ).all()
        if unseen:
            self._add_conflict_versions(
                c.table_name, c.row_id, FROZEN, [_version(Change.from_row(r)) for r in unseen]
            )
            stats.conflicts += 1
        fields = c.fields or {}
        self._write(table, c.row_id, fields, new=False)
        for name in fields:
            clocks[name] = _clock(c, name)
            self._set_conflict(c.table_name, c.row_id, name, None)
        clocks[FROZEN] = [c.hlc, c.site_id, base]
        row.dirty = True


#: SQLite page cache (KiB) while applying a large batch: its writes land on rows, row
#: clocks and log indexes all over the file, and the default 2 MB cache evicts (and
#: spills to the WAL) pages the batch comes back to; restored afterwards.
APPLY_CACHE_KIB = 64 * 1024
_LARGE_BATCH = 500


@contextmanager
def _no_gc(n: int) -> Iterator[None]:
    """No cyclic garbage collection while a large batch is merged: it allocates a few
    lists per field of every row (clocks, values) and no cycles, and the collections
    that allocation triggered took a sixth of the apply time (they resume after)."""
    if n < _LARGE_BATCH or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _page_cache(conn: Connection, n: int) -> Iterator[None]:
    if conn.dialect.name != "sqlite" or n < _LARGE_BATCH:
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    size = before * 4 if before > 0 else -before  # pages of 4 KiB, or KiB
    if size >= APPLY_CACHE_KIB:
        yield
        return
    conn.exec_driver_sql(f"PRAGMA cache_size = -{APPLY_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {before}")


def _clock(c: Change, name: str) -> list[Any]:
    """A field's clock; free-text fields also remember who wrote the value, so a
    conflict can name the author of every version on every replica."""
    if is_text(c.table_name, name):
        return [c.hlc, c.site_id, c.user_id]
    return [c.hlc, c.site_id]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _version(c: Change, value: Any = ...) -> dict[str, Any]:
    return {
        "hlc": c.hlc,
        "site": c.site_id,
        "user": c.user_id,
        "value": c.fields if value is ... else value,
    }
