"""Sync: every laptop a full offline replica of a central store, nothing ever lost.

Hub and spoke. Each laptop works on its own SQLite file; the central store is
any SQLAlchemy URL (PostgreSQL, or an SQLite file on a shared drive) holding the
same tables plus the shared change log. The pieces, one module each:

- `tables`  — the sync bookkeeping tables (same on laptops and central);
- `capture` — SQLite triggers that log every write to a synced table in
  `change_log`, in the same transaction, stamped with a hybrid logical clock;
- `hlc`     — the clock itself (48-bit milliseconds + 16-bit counter);
- `codec`   — values on the wire, the same for SQLite and PostgreSQL;
- `merge`   — folding local changes and applying remote ones by policy:
  append-only records collapse duplicates, plain fields are last-writer-wins
  per field by (HLC, site) with the loser kept, free text edited on both sides
  becomes a conflict a person resolves, deletes are tombstones;
- `central` — the central store: schema, push (server_seq), pull, locks;
- `blobs`   — file bytes by SHA-256, in verified, resumable chunks;
- `engine`  — one sync run: fold, upload files, push, pull (or first snapshot).
"""
