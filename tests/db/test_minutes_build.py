"""Draft minutes generated from the meeting record: content, order, public filtering, JSON form."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator

import pytest

from db.canonical import canonical_json
from db.errors import NotFoundError, PermissionDeniedError
from db.minutes import build_minutes, from_content, to_content
from db.minutes.build import minutes_content
from db.models import Meeting
from db.services.search import minutes_text
from db.store import Database
from tests.db.minutes_board import EXEMPT_TITLE, SENTINEL, MinutesBoard, build_minutes_board


@pytest.fixture
def board(database: Database) -> Iterator[MinutesBoard]:
    yield build_minutes_board(database)


def _all_text(value: object) -> str:
    """Every string anywhere in a dataclass tree, joined."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return " ".join(_all_text(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple | list):
        return " ".join(_all_text(v) for v in value)
    return value if isinstance(value, str) else ""


def test_full_minutes_follow_the_record_in_committee_form(
    database: Database, board: MinutesBoard
) -> None:
    with database.session() as s:
        doc = build_minutes(s, board.clerk, board.meeting, public=False)
    assert (doc.board_code, doc.date, doc.start, doc.end) == (
        "OPAB",
        dt.date(2019, 1, 22),
        dt.time(10),
        dt.time(12, 15),
    )
    assert doc.venue == "Committee Room C, County Hall"
    assert doc.chair == "Dr Helen Marchbank"
    assert doc.attendance.present == (
        "Dr Helen Marchbank (Independent Chair)",
        "Gareth Lomax (Wealdshire Police) – attended remotely",
    )
    assert doc.attendance.in_attendance[1].endswith("left after item 4")
    assert doc.attendance.apologies == ("Moira Caldwell",)
    assert [i.number for i in doc.items] == [1, 2, 3, 4, 5, 6, 7]
    assert [i.kind for i in doc.items][:3] == ["apologies", "declarations", "previous_minutes"]
    assert doc.item(1).minutes == "Apologies were received from Moira Caldwell."
    declared = doc.item(2).minutes
    assert "Gareth Lomax declared an interest in item 4: Spouse works" in declared
    assert "item 5, which was taken in private" in declared and SENTINEL not in declared
    assert doc.item(7).minutes == "The next meeting will be held on Tuesday 19 March 2019."
    assert doc.next_meeting is not None and doc.next_meeting.date == dt.date(2019, 3, 19)

    work = doc.item(4)
    assert work.report_of == "Owen Pryce, Head of Workforce Development"
    assert [d.number for d in work.noted] == ["OPAB 19/01"]
    assert [d.number for d in work.resolved] == ["OPAB 19/02"]
    vote = work.resolved[0]
    assert [(v.name, v.vote) for v in vote.named_votes] == [
        ("Dr Helen Marchbank", "for"),
        ("Gareth Lomax", "against"),
    ]
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (1, 1, 0)
    assert [(a.text, a.owner, a.due) for a in work.actions_arising] == [
        ("Agree the retention offer with the trade unions.", "Owen Pryce", dt.date(2019, 4, 30))
    ]
    # The RAG as at the meeting (Red), not today's (Green).
    assert [(a.reference, a.rag) for a in work.plan_actions] == [("4.3", "red")]
    (chart,) = work.kpis
    assert chart.reference == "K4" and not chart.higher_is_better and chart.target == 15.0
    assert chart.points[-1].period == dt.date(2019, 1, 1)  # February's value came later
    assert len(chart.points) == 6

    exempt = doc.item(5)
    assert exempt.exempt and exempt.exempt_paragraph == 3 and not exempt.withheld
    assert SENTINEL in exempt.minutes and SENTINEL in exempt.decisions[0].wording
    assert exempt.exclusion is not None and "paragraph 3 of Part 1 of Schedule 12A" in (
        exempt.exclusion
    )
    assert {k.rag for k in doc.rag_key} == {"blue", "green", "amber", "red"}


def test_public_minutes_are_built_without_reading_exempt_text(
    database: Database, board: MinutesBoard
) -> None:
    with database.session() as s:
        doc = build_minutes(s, None, board.meeting, public=True)
        content = minutes_content(s, s.get(Meeting, board.meeting), public=True)
    assert SENTINEL not in _all_text(doc)
    assert SENTINEL not in json.dumps(content)
    exempt = doc.item(5)
    assert (exempt.title, exempt.exempt_paragraph, exempt.withheld) == (EXEMPT_TITLE, 3, True)
    assert not exempt.minutes and not exempt.decisions and not exempt.actions_arising
    assert exempt.report_of is None
    assert [d.item_number for d in doc.declarations] == [4]
    assert doc.public
    # The public items are all there.
    assert doc.item(4).decisions and doc.item(4).kpis


def test_public_version_of_stored_content_drops_exempt_text_while_reading(
    database: Database, board: MinutesBoard
) -> None:
    with database.session() as s:
        full = build_minutes(s, board.clerk, board.meeting, public=False)
    stored = json.loads(canonical_json(to_content(full)))
    assert SENTINEL in json.dumps(stored)
    public = from_content(stored, public=True)
    assert SENTINEL not in _all_text(public)
    assert public.item(5).withheld and public.item(5).title == EXEMPT_TITLE


def test_content_round_trips(database: Database, board: MinutesBoard) -> None:
    with database.session() as s:
        full = build_minutes(s, board.clerk, board.meeting, public=False)
    again = from_content(
        json.loads(canonical_json(to_content(full))), public=False, rag_key=full.rag_key
    )
    assert again == full
    with pytest.raises(ValueError, match="public"):
        to_content(dataclasses.replace(full, public=True))


def test_search_reads_the_stored_form(database: Database, board: MinutesBoard) -> None:
    with database.session() as s:
        full = build_minutes(s, board.clerk, board.meeting, public=False)
    text = canonical_json(to_content(full))
    public_text = minutes_text(text, include_exempt=False)
    assert "Workforce: reducing agency staff" in public_text
    assert SENTINEL not in public_text
    assert SENTINEL in minutes_text(text, include_exempt=True)


def test_full_minutes_need_the_right_to_read_exempt_items(
    database: Database, board: MinutesBoard
) -> None:
    with database.session() as s:
        for person in (board.observer, board.officer, None):
            with pytest.raises(PermissionDeniedError, match="exempt"):
                build_minutes(s, person, board.meeting, public=False)
        assert build_minutes(s, board.observer, board.meeting, public=True).public
        assert build_minutes(s, board.member, board.meeting, public=False).item(5).minutes
        with pytest.raises(NotFoundError):
            build_minutes(s, board.clerk, "no-such-meeting", public=True)


def test_demo_minutes_read_through_the_document(tmp_path_factory: pytest.TempPathFactory) -> None:
    from db.demo import create_demo
    from db.minutes import export_doc, find_meeting

    demo = create_demo(tmp_path_factory.mktemp("demo") / "demo.db")
    try:
        with demo.session() as s:
            meeting_id = find_meeting(s, "OPAB:2019-01-22")
            stored = export_doc(s, None, meeting_id, public=True)
            built = build_minutes(s, None, meeting_id, public=True)
        for doc in (stored, built):
            assert doc.board_code == "OPAB" and len(doc.items) == 10
            assert [i.number for i in doc.items] == list(range(1, 11))
            withheld = [i for i in doc.items if i.withheld]
            assert len(withheld) == 1 and not withheld[0].minutes
        assert stored.record is not None and stored.record.status == "signed"
        assert built.item(6).kpis and built.item(6).plan_actions
    finally:
        demo.close()
