"""The viewer a session carries: reads filtered in the session itself, writes checked
before flush (db/session.py), whatever path — service or not — uses the session."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.errors import PermissionDeniedError
from db.models import (
    AgendaItem,
    Annotation,
    AnnotationKind,
    Blob,
    ItemKind,
    MinutesStatus,
    MinutesVersion,
    Paper,
    PaperKind,
)
from db.session import Viewer, bind_viewer, viewer_of, viewer_session
from db.store import Database, open_database
from tests.db.test_observer_sync import SECRET, _board


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[Database, dict[str, str]]]:
    db = open_database(tmp_path / "board.db", create=True)
    ids = _board(db)
    with db.begin() as s:  # stored minutes of the meeting, exempt discussion included
        meeting_id = s.get_one(AgendaItem, ids["exempt"]).meeting_id
        content = {
            "board": {"code": "OPAB", "name": "Board"},
            "meeting": {"date": "2026-01-01"},
            "items": [
                {"title": "Case review", "exempt": True, "exempt_paragraph": 1,
                 "discussion": f"minuted {SECRET}"},
            ],
        }  # fmt: skip
        s.add(
            MinutesVersion(
                meeting_id=meeting_id,
                status=MinutesStatus.DRAFT,
                content_json=json.dumps(content),
            )
        )
    yield db, ids
    db.close()


def test_an_observer_session_reads_no_exempt_text_whatever_the_query(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    with viewer_session(db, Viewer.person(ids["observer"])) as s:
        item = s.get_one(AgendaItem, ids["exempt"])
        assert (item.title, item.exempt_paragraph) == ("Case review", 1)  # public
        assert (item.purpose, item.discussion, item.chair_notes) == (None, None, None)
        texts = s.scalars(select(AgendaItem.discussion)).all()
        assert not any(SECRET in (t or "") for t in texts) and texts  # the public one stays
        assert s.get(Paper, ids["paper"]) is None
        assert ids["paper"] not in set(s.scalars(select(Paper.id)))
        assert s.scalars(select(Annotation)).all() == []  # the member's private note
        assert s.get(Blob, ids["secret_sha"]) is None
        assert s.get(Blob, ids["public_sha"]) is not None
        stored = s.scalars(select(MinutesVersion)).one()
        assert SECRET not in stored.content_json
        assert s.scalars(select(MinutesVersion.content_json)).all() == []


def test_a_member_session_reads_it_all_and_the_system_everything(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    for viewer in (Viewer.person(ids["member"]), Viewer.system("test")):
        with viewer_session(db, viewer) as s:
            assert SECRET in (s.get_one(AgendaItem, ids["exempt"]).discussion or "")
            assert s.get(Paper, ids["paper"]) is not None
            assert len(s.scalars(select(Annotation)).all()) == 1
            assert SECRET in s.scalars(select(MinutesVersion.content_json)).one()


def test_writes_a_role_does_not_allow_are_refused_before_flush_even_without_a_service(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    note = {
        "paper_id": ids["paper"],
        "kind": AnnotationKind.NOTE,
        "page": 0,
        "comment": "mine",
    }
    with (
        pytest.raises(PermissionDeniedError, match="annotations"),
        viewer_session(db, Viewer.person(ids["observer"]), ids["observer"]) as s,
        s.begin(),
    ):
        s.add(Annotation(author_id=ids["observer"], **note))
    with (
        pytest.raises(PermissionDeniedError, match="agenda items"),
        viewer_session(db, Viewer.person(ids["member"]), ids["member"]) as s,
        s.begin(),
    ):
        s.get_one(AgendaItem, ids["public"]).title = "Renamed by a member"
    with viewer_session(db, Viewer.system("test")) as s:
        assert s.scalars(select(Annotation).where(Annotation.comment == "mine")).all() == []
        assert s.get_one(AgendaItem, ids["public"]).title == "Performance report"
    with viewer_session(db, Viewer.person(ids["member"]), ids["member"]) as s, s.begin():
        s.add(Annotation(author_id=ids["member"], **note))  # a member annotates
    clerk = Viewer.person(ids["secretariat"])
    with viewer_session(db, clerk, ids["secretariat"]) as s, s.begin():
        s.get_one(AgendaItem, ids["public"]).title = "Performance report (revised)"


def test_a_bound_viewer_holds_for_every_session_of_the_database(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    assert viewer_of(db.session()) is None  # nobody bound: the unrestricted, legacy path
    bind_viewer(db, Viewer.person(ids["observer"]))
    with db.session(ids["secretariat"]) as s:  # made for someone else: still the observer
        assert viewer_of(s) == Viewer.person(ids["observer"])
        assert s.get(Paper, ids["paper"]) is None
        s.get_one(AgendaItem, ids["public"]).title = "x"
        with pytest.raises(PermissionDeniedError):
            s.flush()
        s.rollback()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(flags=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=5))
def test_an_observer_sees_exactly_the_papers_that_are_public_and_on_public_items(
    board: tuple[Database, dict[str, str]], flags: list[tuple[bool, bool]]
) -> None:
    db, ids = board
    expected = set()
    with db.begin() as s:
        meeting_id = s.get_one(AgendaItem, ids["public"]).meeting_id
        top = max(s.scalars(select(AgendaItem.position)))
        for n, (item_exempt, paper_exempt) in enumerate(flags):
            item = AgendaItem(
                meeting_id=meeting_id,
                position=top + n + 1,
                kind=ItemKind.BUSINESS,
                title=f"Item {n}",
                exempt=item_exempt,
                exempt_paragraph=3 if item_exempt else None,
            )
            s.add(item)
            s.flush()
            data = f"paper {item.id}".encode()
            sha = hashlib.sha256(data).hexdigest()
            s.add(Blob(sha256=sha, size=len(data), data=data))
            s.flush()
            paper = Paper(
                meeting_id=meeting_id,
                agenda_item_id=item.id,
                title=f"Paper {n}",
                kind=PaperKind.REPORT,
                blob_sha256=sha,
                page_count=1,
                exempt=paper_exempt,
            )
            s.add(paper)
            s.flush()
            if not (item_exempt or paper_exempt):
                expected.add(paper.id)
        added = {i for i in s.scalars(select(Paper.id).where(Paper.title.like("Paper %")))}
    with viewer_session(db, Viewer.person(ids["observer"])) as s:
        seen = set(s.scalars(select(Paper.id).where(Paper.title.like("Paper %"))))
    assert seen == expected and expected <= added
    with db.begin() as s:  # the next example starts from the fixture's board
        for paper in s.scalars(select(Paper).where(Paper.title.like("Paper %"))):
            s.delete(paper)
        s.flush()
        for item in s.scalars(select(AgendaItem).where(AgendaItem.title.like("Item %"))):
            s.delete(item)
