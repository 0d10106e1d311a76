"""The sync bookkeeping tables, identical on laptops and on the central store.

- `change_log`: one row per captured change (local ones wait for a
  `server_seq`; pulled ones arrive with it). `change_id` = "site:site_seq" is
  the idempotency key everywhere.
- `sync_state`: the single-row state of this replica — its site id, the HLC,
  the next site sequence, who is acting (read by the capture triggers), and the
  pull cursor.
- `row_clock`: per row, the clock of each field's current value (and a
  tombstone for deleted rows), the memory that makes merges commutative.
- `sync_conflicts`: a free-text field's concurrent versions (its heads), and
  updates that met a delete: every version kept until a person resolves it.
- `sync_overrides`: this laptop's values that lost a last-writer-wins race,
  kept to show the person whose change was overridden (local only).
- `sync_sites`, `central_meta`, `central_blobs`, `blob_chunks`: central-only
  bookkeeping (the registered sites and how far each has pulled, the minimum
  client schema, verified files and their uploaded chunks); created on laptops
  too so one migration serves both. A laptop keeps a few keys of its own in
  `central_meta` (`laptop_*`: how far it has purged tombstones, where its first
  sync's snapshot was taken — `db.sync.tombstones`), and a first sync writes the
  central marker there for its own transaction to pause the search index
  (`db.sync.fts`).

None of these are board records: `boardpack dump` leaves them out.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from db.base import Base, UTCDateTime

metadata = Base.metadata

change_log = Table(
    "change_log",
    metadata,
    Column("change_id", String(80), primary_key=True),
    Column("site_id", String(36), nullable=False),
    Column("site_seq", BigInteger, nullable=False),
    Column("hlc", BigInteger, nullable=False),
    Column("table_name", String(64), nullable=False),
    Column("row_id", String(160), nullable=False),
    Column("op", String(1), nullable=False),  # I, U, D
    Column("fields", Text),  # JSON object of the changed fields (wire values)
    Column("base", Text),  # JSON: what the writer had seen (text-field heads, row clock)
    Column("schema_version", String(32), nullable=False),
    Column("user_id", String(36)),
    Column("server_seq", BigInteger, unique=True),
    Column("folded", Integer, nullable=False, server_default="0"),
    Index("ix_change_log_row", "table_name", "row_id"),
    Index("ix_change_log_site", "site_id", "site_seq", unique=True),
    # what a sync folds: this site's changes not yet folded, in order. Partial on a
    # laptop, so the changes a pull brings in (folded already) add nothing to it
    # (migration 0011); a central store never folds. (No `postgresql_where`: naming a
    # PostgreSQL option loads that dialect on every start, ~38 ms.)
    Index("ix_change_log_fold", "site_id", "site_seq", sqlite_where=text("folded = 0")),
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("site_id", String(36), nullable=False),
    Column("hlc", BigInteger, nullable=False, server_default="0"),
    Column("site_seq", BigInteger, nullable=False, server_default="0"),
    Column("clock_offset_ms", BigInteger, nullable=False, server_default="0"),
    Column("capture", Integer, nullable=False, server_default="1"),
    Column("actor_id", String(36)),
    Column("schema_version", String(32), nullable=False),
    Column("pull_cursor", BigInteger, nullable=False, server_default="0"),
    Column("remote", Text),
    Column("last_sync_at", UTCDateTime),
    Column("last_sync_error", Text),
    # the head of this install's audit hash chain (db.audit_chain): the site it was
    # started for, its id, last sequence number and hash
    Column("audit_site", String(36)),
    Column("audit_chain", String(36)),
    Column("audit_seq", BigInteger),
    Column("audit_hash", String(64)),
)

row_clock = Table(
    "row_clock",
    metadata,
    Column("table_name", String(64), nullable=False),
    Column("row_id", String(160), nullable=False),
    # each field's [hlc, site, …]; "~" a tombstone [hlc, site, base_hlc, server_seq, user];
    # as text: db.sync.clocks
    Column("clocks", Text, nullable=False),
    PrimaryKeyConstraint("table_name", "row_id"),
)

sync_conflicts = Table(
    "sync_conflicts",
    metadata,
    Column("table_name", String(64), nullable=False),
    Column("row_id", String(160), nullable=False),
    Column("field", String(64), nullable=False),  # "~" for update-vs-delete
    # [{"hlc":..., "site":..., "user":..., "value":...}, ...] every version kept
    Column("versions", Text, nullable=False),
    # 1 when a person must choose (the versions differ); identical concurrent edits
    # are remembered (so later edits know what they replace) but are not a conflict.
    Column("open", Integer, nullable=False, server_default="1"),
    PrimaryKeyConstraint("table_name", "row_id", "field"),
)

sync_overrides = Table(
    "sync_overrides",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("table_name", String(64), nullable=False),
    Column("row_id", String(160), nullable=False),
    Column("field", String(64), nullable=False),
    Column("lost_value", Text),  # JSON wire value
    Column("won_value", Text),
    Column("won_by_user", String(36)),
    Column("won_by_site", String(36)),
    Column("at", UTCDateTime),
    Column("seen", Integer, nullable=False, server_default="0"),
)

sync_sites = Table(
    "sync_sites",
    metadata,
    Column("site_id", String(36), primary_key=True),
    Column("user_id", String(36)),
    Column("pulled_to", BigInteger, nullable=False, server_default="0"),
    Column("pushed_seq", BigInteger, nullable=False, server_default="0"),
    Column("schema_version", String(32)),
    Column("last_seen_at", UTCDateTime),
)

central_meta = Table(
    "central_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

central_blobs = Table(
    "central_blobs",
    metadata,
    Column("sha256", String(64), primary_key=True),  # present: every chunk in, verified
    Column("size", BigInteger, nullable=False),
)

blob_chunks = Table(
    "blob_chunks",
    metadata,
    Column("sha256", String(64), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
    PrimaryKeyConstraint("sha256", "idx"),
)

SYNC_TABLES = frozenset(
    t.name
    for t in (
        change_log,
        sync_state,
        row_clock,
        sync_conflicts,
        sync_overrides,
        sync_sites,
        central_meta,
        blob_chunks,
    )
)
NOT_SYNCED = SYNC_TABLES | {"alembic_version"}
