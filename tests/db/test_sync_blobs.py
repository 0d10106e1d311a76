"""Files by SHA-256: uploaded before their rows, chunked, verified, resumable, fetched on demand."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

import pytest
from sqlalchemy import event, func, select, text

from db.models import Blob, Meeting, MeetingStatus, Paper, PaperKind
from db.store import Database
from db.sync import blobs
from db.sync.blobs import BlobError
from db.sync.central import CentralStore
from db.sync.engine import status, sync
from db.sync.tables import blob_chunks
from tests.db.conftest import seed_board

Laptop = Callable[[str], Database]


def add_paper(db: Database, board_id: str, data: bytes, when: dt.date, title: str) -> str:
    sha = hashlib.sha256(data).hexdigest()
    with db.begin() as s:
        if s.get(Blob, sha) is None:
            s.add(Blob(sha256=sha, size=len(data), media_type="application/pdf", data=data))
        meeting = Meeting(board_id=board_id, meeting_date=when, status=MeetingStatus.PLANNED)
        s.add(meeting)
        s.flush()
        s.add(
            Paper(
                meeting_id=meeting.id,
                title=title,
                kind=PaperKind.REPORT,
                blob_sha256=sha,
                page_count=1,
            )
        )
    return sha


def local_data(db: Database, sha: str) -> bytes | None:
    with db.engine.connect() as conn:
        return conn.execute(select(Blob.data).where(Blob.sha256 == sha)).scalar()


def test_files_travel_before_rows_and_the_next_meeting_is_prefetched(
    central_url: str, laptop: Laptop
) -> None:
    a, b = laptop("a"), laptop("b")
    ids = seed_board(a, actions=1)
    big = bytes(range(256)) * 4000  # ~1 MB: several chunks
    old = add_paper(a, ids["board"], b"%PDF-old minutes", dt.date(2019, 1, 22), "Old")
    upcoming = add_paper(a, ids["board"], big, dt.date.today() + dt.timedelta(days=7), "Pack")
    assert status(a).pending_files == 2
    result = sync(a, central_url)
    assert result.files_up == 2 and status(a).pending_files == 0
    store = CentralStore(central_url)
    try:
        assert blobs.central_has(store, old) and blobs.central_has(store, upcoming)
        with store.engine.connect() as conn:
            chunks = conn.execute(
                select(func.count())
                .select_from(blob_chunks)
                .where(blob_chunks.c.sha256 == upcoming)
            ).scalar_one()
        assert chunks == -(-len(big) // blobs.CHUNK) > 1
        sync(b, central_url)
        assert local_data(b, upcoming) == big  # next meeting's papers: there offline
        assert local_data(b, old) is None  # the rest on demand
        assert blobs.fetch(b, store, old) == b"%PDF-old minutes"
        assert local_data(b, old) == b"%PDF-old minutes"
        # The same file from another laptop is not sent again.
        assert blobs.upload(store, upcoming, big) is False
    finally:
        store.close()


def test_an_interrupted_upload_resumes_where_it_stopped(central_url: str) -> None:
    data = b"x" * (blobs.CHUNK * 3 + 10)
    sha = hashlib.sha256(data).hexdigest()
    store = CentralStore(central_url)
    inserts = {"n": 0}

    def count(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if "INSERT INTO blob_chunks" in statement:
            inserts["n"] += 1
            if inserts["n"] == 3:
                raise ConnectionError("network dropped")

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        with pytest.raises(Exception, match="network dropped"):
            blobs.upload(store, sha, data)
        assert not blobs.central_has(store, sha)
        inserts["n"] = -100  # no more faults
        before = inserts["n"]
        assert blobs.upload(store, sha, data) is True
        assert inserts["n"] - before == 2  # only the two missing chunks were sent
        assert blobs.central_has(store, sha)
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
        store.close()


def test_damaged_files_are_refused_both_ways(central_url: str, laptop: Laptop) -> None:
    store = CentralStore(central_url)
    try:
        with pytest.raises(BlobError, match="does not match its checksum"):
            blobs.upload(store, "0" * 64, b"not what the name says")
        data = b"%PDF-" + b"y" * 5000
        sha = hashlib.sha256(data).hexdigest()
        blobs.upload(store, sha, data)
        with store.engine.begin() as conn:
            conn.execute(
                text("UPDATE blob_chunks SET data = :d WHERE sha256 = :s"),
                {"d": b"tampered", "s": sha},
            )
        b = laptop("b")
        with b.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO blobs (sha256, size, media_type, created_at) "
                    "VALUES (:s, :n, 'application/pdf', '2019-01-01 00:00:00.000000')"
                ),
                {"s": sha, "n": len(data)},
            )
        with pytest.raises(BlobError, match="not available intact"):
            blobs.fetch(b, store, sha)
        assert local_data(b, sha) is None
    finally:
        store.close()
