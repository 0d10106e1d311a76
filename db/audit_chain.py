"""The audit log's hash chains: sealing new events and verifying a whole file.

One chain per writing install, not one global chain: audit events written on
other laptops arrive by sync in any interleaving, so "the previous row" differs
between replicas, but "the previous event written on the same laptop" does not.

- Each install's chain is named by `chain_id` (the id of the first event it
  wrote, so a seeded demo build stays byte-identical) and numbered by
  `chain_seq` = 1, 2, 3, ... with no gaps.
- `hash` = SHA-256 of the canonical JSON (`db.canonical`) of the event's
  fields, `prev_hash` included, so each event vouches for the one before it.
- The head of this install's chain (site, chain, last seq, last hash) is kept
  in `sync_state`, so deleting the newest events is detectable too.
- Events synced in keep their chain and hash; every replica verifies every chain.

`verify` names what is wrong: an edited event (content does not match its
hash), a missing one (a gap in the sequence, or the chain ends before the
recorded head), an inserted one (an unchained row, or one that does not follow
its predecessor), and events the change log saw that are no longer there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text, update

from db.canonical import sha256_hex, to_jsonable
from db.models.audit import AuditEvent

HASHED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "op",
    "table_name",
    "row_id",
    "before",
    "after",
    "chain_id",
    "chain_seq",
    "prev_hash",
)

_HEAD_SQL = (
    "SELECT site_id, audit_site, audit_chain, audit_seq, audit_hash FROM sync_state WHERE id = 1"
)
_LOCK_HEAD_SQL = "UPDATE sync_state SET audit_seq = audit_seq WHERE id = 1"
_SET_HEAD_SQL = (
    "UPDATE sync_state SET audit_site = :site, audit_chain = :chain, audit_seq = :seq, "
    "audit_hash = :hash WHERE id = 1"
)


def event_hash(values: Mapping[str, Any]) -> str:
    """The hash an event must carry: SHA-256 of the canonical JSON of its hashed fields.

    `before`/`after` are hashed as they are (they were made canonical when the event
    was written, `db.canonical.to_jsonable`): normalising them again would cost most
    of the write's hashing time, and would hide an edit that only changes a string's
    Unicode normal form. Only the timestamp needs its canonical spelling."""
    doc = {name: values[name] for name in HASHED_FIELDS}
    doc["at"] = to_jsonable(doc["at"])
    return sha256_hex(
        json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    )


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def seal(conn: Connection, events: Sequence[AuditEvent]) -> None:
    """Give new events their place in this install's chain and their hashes, and move
    the chain's head in `sync_state` (same transaction as the events)."""
    if not events:
        return
    # Write first, read after: the write takes the database's write lock (a row lock
    # on PostgreSQL), so no other writer can move the head between the read and the
    # update below — two writers never fork the chain.
    conn.execute(text(_LOCK_HEAD_SQL))
    head = conn.execute(text(_HEAD_SQL)).first()
    site = head[0] if head is not None else None
    if head is not None and head[2] is not None and head[1] == site:
        chain, seq, prev = head[2], int(head[3] or 0), head[4]
    else:  # a new install (or one given a new site id): a new chain
        chain, seq, prev = events[0].id, 0, None
    seq, prev = _link(events, chain, seq, prev)
    if head is not None:
        conn.execute(text(_SET_HEAD_SQL), {"site": site, "chain": chain, "seq": seq, "hash": prev})


def _link(
    events: Sequence[AuditEvent], chain: str, seq: int, prev: str | None
) -> tuple[int, str | None]:
    for event in events:
        seq += 1
        event.chain_id = chain
        event.chain_seq = seq
        event.prev_hash = prev
        event.hash = prev = event_hash(_fields(event))
    return seq, prev


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the audit log, in one sentence."""

    event_id: str | None
    message: str


@dataclass(frozen=True)
class VerifyReport:
    """What `verify` found: how many events and chains, and every problem."""

    events: int
    chains: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _describe(row: Mapping[str, Any]) -> str:
    return (
        f"event {row['id']} ({row['op']} {row['table_name']} {row['row_id']}, "
        f"{row['at']:%Y-%m-%d %H:%M:%S} UTC)"
    )


def _short(chain: str) -> str:
    return chain[:8]


def _check_chain(chain: str, rows: list[Mapping[str, Any]]) -> Iterable[Problem]:
    expected_seq, prev_hash = 1, None
    for row in rows:
        seq = int(row["chain_seq"])
        if event_hash(row) != row["hash"]:
            yield Problem(
                row["id"],
                f"{_describe(row)} was edited: its content no longer matches its hash",
            )
        if seq < expected_seq:
            yield Problem(
                row["id"],
                f"{_describe(row)} repeats number {seq} of chain {_short(chain)}: "
                "a row was inserted",
            )
            continue
        if seq > expected_seq:
            gap = f"#{expected_seq}" if seq == expected_seq + 1 else f"#{expected_seq}–#{seq - 1}"
            yield Problem(
                None,
                f"events {gap} of chain {_short(chain)} are missing: deleted before "
                f"{_describe(row)}",
            )
        elif row["prev_hash"] != prev_hash:
            yield Problem(
                row["id"],
                f"{_describe(row)} does not follow event #{seq - 1} of chain "
                f"{_short(chain)}: a row was inserted or replaced",
            )
        expected_seq, prev_hash = seq + 1, row["hash"]


def _check_head(
    conn: Connection, chains: Mapping[str, list[Mapping[str, Any]]]
) -> Iterable[Problem]:
    head = conn.execute(text(_HEAD_SQL)).first()
    if head is None or head[2] is None or head[1] != head[0]:
        return
    chain, seq, last_hash = head[2], int(head[3] or 0), head[4]
    rows = chains.get(chain, [])
    last = rows[-1] if rows else None
    if last is None or int(last["chain_seq"]) < seq:
        first_missing = int(last["chain_seq"]) + 1 if last is not None else 1
        yield Problem(
            None,
            f"the newest events #{first_missing}–#{seq} written on this laptop "
            f"(chain {_short(chain)}) are missing: deleted",
        )
    elif int(last["chain_seq"]) > seq:
        yield Problem(
            last["id"],
            f"{_describe(last)} is beyond the last event this laptop wrote "
            f"(#{seq} of chain {_short(chain)}): a row was inserted",
        )
    elif last["hash"] != last_hash:
        yield Problem(
            last["id"],
            f"{_describe(last)} is not the last event this laptop wrote: it was replaced",
        )


def _synced_ids(conn: Connection) -> tuple[set[str], set[str]]:
    """Event ids the sync bookkeeping has seen: (inserts in the change log, all known)."""
    logged = set(
        conn.execute(
            text("SELECT row_id FROM change_log WHERE table_name = 'audit_events' AND op = 'I'")
        ).scalars()
    )
    clocked = set(
        conn.execute(
            text("SELECT row_id FROM row_clock WHERE table_name = 'audit_events'")
        ).scalars()
    )
    return logged, logged | clocked


def _check_bookkeeping(
    conn: Connection, present: set[str], chains: Mapping[str, list[Mapping[str, Any]]]
) -> Iterable[Problem]:
    logged, known = _synced_ids(conn)
    # Every audit event captured or pulled through the change log must still be here.
    for event_id in sorted(logged - present):
        yield Problem(
            event_id,
            f"event {event_id} is in the change log but not in the audit log: it was deleted",
        )
    # A chain that is not this laptop's must have come by sync: a chain nobody logged
    # or merged was made up inside the file.
    head = conn.execute(text(_HEAD_SQL)).first()
    own = head[2] if head is not None and head[1] == head[0] else None
    for chain, rows in chains.items():
        if chain != own and not any(row["id"] in known for row in rows):
            yield Problem(
                rows[0]["id"],
                f"chain {_short(chain)} ({len(rows)} events from {_describe(rows[0])}) was "
                "neither written on this laptop nor received by sync: it was inserted",
            )


def verify(conn: Connection) -> VerifyReport:
    """Check every chain of the audit log; see the module docstring for what is caught."""
    columns = [getattr(AuditEvent, name) for name in HASHED_FIELDS] + [AuditEvent.hash]
    stmt = select(*columns).order_by(AuditEvent.chain_id, AuditEvent.chain_seq, AuditEvent.id)
    chains: dict[str, list[Mapping[str, Any]]] = {}
    problems: list[Problem] = []
    present: set[str] = set()
    count = 0
    for mapping in conn.execute(stmt).mappings():
        row: dict[str, Any] = dict(mapping)
        count += 1
        present.add(row["id"])
        if row["chain_id"] is None or row["chain_seq"] is None or row["hash"] is None:
            problems.append(
                Problem(
                    row["id"],
                    f"{_describe(row)} is not chained: it was inserted outside Boardpack",
                )
            )
            continue
        chains.setdefault(row["chain_id"], []).append(row)
    for chain, rows in chains.items():
        problems.extend(_check_chain(chain, rows))
    problems.extend(_check_head(conn, chains))
    problems.extend(_check_bookkeeping(conn, present, chains))
    return VerifyReport(count, len(chains), tuple(problems))


def chain_unchained(conn: Connection) -> int:
    """Chain the events written before the chain existed (migration 0008), oldest first,
    into one chain of their own on this replica; returns how many.

    Not this install's live chain: those rows came from every laptop, and each replica
    chains its own copy of them, so the live chains (which travel by sync) start at #1
    after the migration everywhere. Runs with the append-only and capture triggers off,
    so the chaining is not synced."""
    rows = conn.execute(
        select(*[getattr(AuditEvent, name) for name in HASHED_FIELDS])
        .where(AuditEvent.chain_id.is_(None))
        .order_by(AuditEvent.at, AuditEvent.id)
    ).mappings()
    events = [AuditEvent(**dict(row)) for row in rows]
    if not events:
        return 0
    _link(events, events[0].id, 0, None)
    for event in events:
        conn.execute(
            update(AuditEvent)
            .where(AuditEvent.id == event.id)
            .values(
                chain_id=event.chain_id,
                chain_seq=event.chain_seq,
                prev_hash=event.prev_hash,
                hash=event.hash,
            )
        )
    return len(events)
