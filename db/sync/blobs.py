"""File bytes between laptops and the central store, by SHA-256, in verified chunks.

Papers and evidence are content-addressed: the same file is stored once and
never sent twice. Uploads happen before the rows that point at them are
pushed, in chunks the central store keeps as they arrive, so an interrupted
upload resumes where it stopped; the central store only calls a file present
once the chunks' SHA-256 matches. Downloads are verified the same way before a
laptop stores them. A laptop fetches a file when someone opens it, and the
papers of the next meeting as part of every sync, so they are there offline.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Connection, delete, func, insert, select, text

from db.errors import BoardpackError
from db.models import Blob, Meeting, MeetingStatus, Paper
from db.store import Database
from db.sync.central import CentralStore
from db.sync.tables import blob_chunks, central_blobs, change_log, sync_state

CHUNK = 256 * 1024


class BlobError(BoardpackError):
    pass


def pending_uploads(conn: Connection, site_id: str) -> list[str]:
    """Files created here whose rows have not reached the central store yet."""
    # Only the table name in SQL, so SQLite reads the few blob rows by the (table, row)
    # index: with the site or `server_seq IS NULL` it walked every unpushed change
    # (0.1 s on the bench board, polled by the status bar).
    rows = [
        r
        for r in conn.execute(
            select(change_log.c.row_id, change_log.c.site_id, change_log.c.server_seq).where(
                change_log.c.table_name == "blobs", change_log.c.op == "I"
            )
        )
        if r[1] == site_id and r[2] is None
    ]
    return sorted({r[0] for r in rows})


def central_has(central: CentralStore, sha: str) -> bool:
    with central.engine.connect() as conn:
        found = conn.execute(
            select(central_blobs.c.size).where(central_blobs.c.sha256 == sha)
        ).scalar()
        return found is not None


def upload(central: CentralStore, sha: str, data: bytes) -> bool:
    """Send one file in chunks, resuming after the chunks already there; True if sent."""
    if hashlib.sha256(data).hexdigest() != sha:
        raise BlobError(f"local file {sha[:12]}… does not match its checksum; not uploaded")
    if central_has(central, sha):
        return False
    with central.engine.connect() as conn:
        have = {
            r[0] for r in conn.execute(select(blob_chunks.c.idx).where(blob_chunks.c.sha256 == sha))
        }
    count = max(1, -(-len(data) // CHUNK))
    for idx in range(count):
        if idx in have:
            continue
        with central.engine.begin() as conn:
            conn.execute(
                insert(blob_chunks).values(
                    sha256=sha, idx=idx, data=data[idx * CHUNK : (idx + 1) * CHUNK]
                )
            )
    with central.engine.begin() as conn:
        stored = b"".join(
            r[0]
            for r in conn.execute(
                select(blob_chunks.c.data)
                .where(blob_chunks.c.sha256 == sha)
                .order_by(blob_chunks.c.idx)
            )
        )
        if hashlib.sha256(stored).hexdigest() != sha:
            conn.execute(delete(blob_chunks).where(blob_chunks.c.sha256 == sha))
            raise BlobError(f"file {sha[:12]}… arrived damaged; it will be sent again")
        conn.execute(insert(central_blobs).values(sha256=sha, size=len(stored)))
    return True


def upload_pending(database: Database, central: CentralStore, site_id: str) -> int:
    """Upload every file new local rows need; returns how many were sent."""
    sent = 0
    with database.engine.connect() as conn:
        shas = pending_uploads(conn, site_id)
    for sha in shas:
        with database.engine.connect() as conn:
            data = conn.execute(select(Blob.data).where(Blob.sha256 == sha)).scalar()
        if data is not None and upload(central, sha, data):
            sent += 1
    return sent


def fetch(database: Database, central: CentralStore, sha: str) -> bytes:
    """Download one file, verify it, and keep it locally — unless only papers this
    laptop's user may not read use it (`db.sync.scope`): that is refused."""
    with database.engine.connect() as conn:
        site_id = conn.execute(select(sync_state.c.site_id).where(sync_state.c.id == 1)).scalar()
    if not central.may_fetch(site_id, sha):
        raise BlobError(f"file {sha[:12]}… is exempt and not for this laptop's user")
    with central.engine.connect() as conn:
        data = b"".join(
            r[0]
            for r in conn.execute(
                select(blob_chunks.c.data)
                .where(blob_chunks.c.sha256 == sha)
                .order_by(blob_chunks.c.idx)
            )
        )
    if not data or hashlib.sha256(data).hexdigest() != sha:
        raise BlobError(f"file {sha[:12]}… is not available intact on the central store")
    with database.engine.begin() as conn:  # `data` is not captured: no change record
        conn.execute(
            text("UPDATE blobs SET data = :d WHERE sha256 = :s AND data IS NULL"),
            {"d": data, "s": sha},
        )
    return data


def prefetch_next_meeting(database: Database, central: CentralStore) -> int:
    """Fetch the papers of the next planned meeting(s) that are not here yet."""
    today = dt.date.today()
    with database.engine.connect() as conn:
        site_id = conn.execute(select(sync_state.c.site_id).where(sync_state.c.id == 1)).scalar()
        next_date = conn.execute(
            select(func.min(Meeting.meeting_date)).where(
                Meeting.status == MeetingStatus.PLANNED, Meeting.meeting_date >= today
            )
        ).scalar()
        if next_date is None:
            return 0
        missing = [
            r[0]
            for r in conn.execute(
                select(Paper.blob_sha256)
                .join(Meeting, Meeting.id == Paper.meeting_id)
                .join(Blob, Blob.sha256 == Paper.blob_sha256)
                .where(Meeting.meeting_date == next_date, Blob.data.is_(None))
            )
        ]
    fetched = 0
    for sha in sorted(set(missing)):
        if central_has(central, sha) and central.may_fetch(site_id, sha):
            fetch(database, central, sha)
            fetched += 1
    return fetched
