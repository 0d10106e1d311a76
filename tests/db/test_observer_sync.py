"""Exempt data never reaches an observer's laptop (issue 8 part 3, issue 7 point 7).

A unique sentinel goes into an exempt item's discussion, purpose and chair's
notes, an exempt paper's extracted text and file bytes, and a member's private
annotation; a new laptop synced for the observer (and for an officer who does
not present the item) holds no byte of it — the raw file and its WAL are read —
while a member's laptop does. Later changes are filtered too: an item made
exempt after its text was sent has that text withdrawn, and the site's cursor
still passes every filtered change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import (
    AgendaItem,
    Annotation,
    AnnotationKind,
    Blob,
    Board,
    ItemKind,
    Meeting,
    Membership,
    Paper,
    PaperKind,
    Person,
    Role,
)
from db.store import Database
from db.sync import blobs
from db.sync.central import CentralStore
from db.sync.engine import sync
from db.sync.tables import sync_state

SECRET = "ZQX-" + uuid.uuid4().hex.upper()  # a sentinel no other test writes
PUBLIC = "PUBLIC-" + uuid.uuid4().hex.upper()


def _board(db: Database) -> dict[str, str]:
    """A board with one person per role, a meeting next month with a public and an
    exempt item, an exempt paper and a member's private annotation on it."""
    pdf = b"%PDF-1.4\n% " + SECRET.encode() + b" child J\n%%EOF\n"
    public_pdf = b"%PDF-1.4\n% " + PUBLIC.encode() + b"\n%%EOF\n"
    with db.begin() as s:
        board = Board(code="OPAB", name="Ofsted Priority Action Board")
        people = {role: Person(name=role.value, email=f"{role.value}@example.org") for role in Role}
        s.add_all([board, *people.values()])
        s.flush()
        for role, person in people.items():
            s.add(Membership(board_id=board.id, person_id=person.id, role=role))
        meeting = Meeting(board_id=board.id, meeting_date=dt.date.today() + dt.timedelta(days=30))
        s.add(meeting)
        s.flush()
        public = AgendaItem(
            meeting_id=meeting.id,
            position=1,
            kind=ItemKind.BUSINESS,
            title="Performance report",
            discussion=f"Open discussion {PUBLIC}",
        )
        exempt = AgendaItem(
            meeting_id=meeting.id,
            position=2,
            kind=ItemKind.BUSINESS,
            title="Case review",
            exempt=True,
            exempt_paragraph=1,
            purpose=f"purpose {SECRET}",
            discussion=f"discussion {SECRET}",
            chair_notes=f"notes {SECRET}",
        )
        s.add_all([public, exempt])
        s.flush()
        for data in (pdf, public_pdf):
            s.add(Blob(sha256=hashlib.sha256(data).hexdigest(), size=len(data), data=data))
        s.flush()
        paper = Paper(
            meeting_id=meeting.id,
            agenda_item_id=exempt.id,
            title="Case review report",
            kind=PaperKind.REPORT,
            blob_sha256=hashlib.sha256(pdf).hexdigest(),
            page_count=1,
            text=f"extracted {SECRET}",
            exempt=True,
        )
        open_paper = Paper(
            meeting_id=meeting.id,
            agenda_item_id=public.id,
            title="Performance report",
            kind=PaperKind.REPORT,
            blob_sha256=hashlib.sha256(public_pdf).hexdigest(),
            page_count=1,
            text=f"extracted {PUBLIC}",
        )
        s.add_all([paper, open_paper])
        s.flush()
        s.add(
            Annotation(
                paper_id=open_paper.id,
                author_id=people[Role.MEMBER].id,
                kind=AnnotationKind.NOTE,
                page=0,
                comment=f"my private note {SECRET}",
                shared=False,
            )
        )
        ids = {role.value: p.id for role, p in people.items()}
        ids |= {"public": public.id, "exempt": exempt.id, "paper": paper.id}
        ids["secret_sha"] = paper.blob_sha256
        ids["public_sha"] = open_paper.blob_sha256
    return ids


def _raw(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def _site(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(select(sync_state.c.site_id)).scalar_one())


@pytest.fixture
def published(central_url: str, laptop: Callable[[str], Database]) -> dict[str, str]:
    clerk = laptop("clerk")
    ids = _board(clerk)
    sync(clerk, central_url)
    ids["url"] = central_url
    return ids


def _join(laptop: Callable[[str], Database], name: str, url: str, user: str) -> Database:
    db = laptop(name)
    central = CentralStore(url, user_id=user)
    try:
        sync(db, central)
        blobs.prefetch_next_meeting(db, central)
    finally:
        central.close()
    return db


@pytest.mark.parametrize("role", ["observer", "officer"])
def test_an_uncleared_laptop_holds_no_exempt_byte(
    published: dict[str, str], laptop: Callable[[str], Database], role: str
) -> None:
    db = _join(laptop, role, published["url"], published[role])
    db.close()
    raw = _raw(db.path)
    assert SECRET.encode() not in raw
    assert PUBLIC.encode() in raw  # the sync itself worked: public business arrived


def test_the_uncleared_laptop_keeps_the_public_shape_of_exempt_business(
    published: dict[str, str], laptop: Callable[[str], Database]
) -> None:
    db = _join(laptop, "observer", published["url"], published["observer"])
    with db.session() as s:  # unrestricted: what the file holds
        item = s.get_one(AgendaItem, published["exempt"])
        assert (item.title, item.exempt_paragraph) == ("Case review", 1)
        assert (item.purpose, item.discussion, item.chair_notes) == (None, None, None)
        assert s.get(Paper, published["paper"]) is None
        assert s.scalars(select(Annotation)).all() == []
        shas = set(s.scalars(select(Blob.sha256)))
    assert published["secret_sha"] not in shas and published["public_sha"] in shas
    central = CentralStore(published["url"])
    try:
        with pytest.raises(blobs.BlobError, match="exempt"):
            blobs.fetch(db, central, published["secret_sha"])
    finally:
        central.close()


def test_a_member_laptop_has_it_all(
    published: dict[str, str], laptop: Callable[[str], Database]
) -> None:
    db = _join(laptop, "member", published["url"], published["member"])
    with db.session() as s:
        assert SECRET in (s.get_one(AgendaItem, published["exempt"]).discussion or "")
        assert s.get_one(Paper, published["paper"]).text == f"extracted {SECRET}"
        data = s.scalar(select(Blob.data).where(Blob.sha256 == published["secret_sha"]))
    assert data is not None and SECRET.encode() in data
    db.close()
    assert SECRET.encode() in _raw(db.path)


def test_later_changes_are_filtered_and_an_item_made_exempt_is_withdrawn(
    published: dict[str, str], laptop: Callable[[str], Database], tmp_path: Path
) -> None:
    url = published["url"]
    observer = _join(laptop, "observer", url, published["observer"])
    with observer.session() as s:
        assert PUBLIC in (s.get_one(AgendaItem, published["public"]).discussion or "")
    clerk_again = laptop("clerk2")
    sync(clerk_again, url)
    later = "LATER-" + uuid.uuid4().hex.upper()
    with clerk_again.begin() as s:
        item = s.get_one(AgendaItem, published["exempt"])
        item.discussion = f"more {later}"
        public = s.get_one(AgendaItem, published["public"])
        public.exempt, public.exempt_paragraph = True, 3  # made exempt after it was sent
    sync(clerk_again, url)
    central = CentralStore(url)
    try:
        sync(observer, central)
        with observer.engine.connect() as conn:
            cursor = conn.execute(select(sync_state.c.pull_cursor)).scalar_one()
        with central.engine.connect() as conn:
            top = conn.exec_driver_sql("SELECT max(server_seq) FROM change_log").scalar_one()
    finally:
        central.close()
    assert cursor == top  # every filtered change still moved the cursor
    with observer.session() as s:
        public = s.get_one(AgendaItem, published["public"])
        assert public.exempt and not public.discussion and not public.purpose
    observer.close()
    raw = _raw(observer.path)
    assert later.encode() not in raw and SECRET.encode() not in raw


@pytest.mark.pg
@pytest.mark.parametrize("central_url", ["pg"], indirect=True)
def test_postgres_row_security_keeps_exempt_rows_from_a_granted_observer_role(
    published: dict[str, str], laptop: Callable[[str], Database]
) -> None:
    """Raw SQL as the observer's own database role finds no exempt byte; the owner does."""
    from sqlalchemy import text

    from db.sync.central import CentralError, central_engine, grant_user

    url = published["url"]
    assert url.startswith("postgresql")
    role = grant_user(url, "observer@example.org")
    member_role = grant_user(url, "member@example.org")
    with pytest.raises(CentralError, match="no one with the email"):
        grant_user(url, "nobody@example.org")
    tables = {
        "agenda_items": "discussion",
        "papers": "text",
        "annotations": "comment",
        "change_log": "fields",
        "audit_events": "after",
        "blob_chunks": "data",
    }

    def found(as_role: str | None) -> set[str]:
        engine = central_engine(url)
        hits = set()
        try:
            with engine.begin() as conn:
                if as_role:
                    conn.execute(text(f'SET ROLE "{as_role}"'))
                for table, column in tables.items():
                    value = f"CAST({column} AS text)" if table != "blob_chunks" else column
                    where = (
                        f"position(convert_to(:s, 'UTF8') in {value}) > 0"
                        if table == "blob_chunks"
                        else f"strpos({value}, :s) > 0"
                    )
                    n = conn.execute(
                        text(f'SELECT count(*) FROM "{table}" WHERE {where}'), {"s": SECRET}
                    ).scalar_one()
                    if n:
                        hits.add(table)
        finally:
            engine.dispose()
        return hits

    assert found(None) == set(tables)  # the owner sees everything, the sentinel included
    assert found(role) == set()
    # the member reads the exempt business, but not the observer's… nor others' private notes
    assert found(member_role) >= {"agenda_items", "papers", "blob_chunks"}
    engine = central_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'SET ROLE "{role}"'))
            public = conn.execute(
                text("SELECT count(*) FROM agenda_items WHERE id = :i"), {"i": published["public"]}
            ).scalar_one()
            exempt = conn.execute(
                text("SELECT count(*) FROM agenda_items WHERE id = :i"), {"i": published["exempt"]}
            ).scalar_one()
    finally:
        engine.dispose()
    assert (public, exempt) == (1, 0)
