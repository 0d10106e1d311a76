"""Children in care council action cards in the minutes: built, stored, public, signed.

`add_cards` puts action cards on the minutes board (`tests.db.minutes_board`):
an action-cards item (8) on the meeting of 22 January 2019 whose paper holds
two cards — one answered at the meeting through `respond_to_card`, one
answered the day after (so not minuted with this meeting) — a card of the
November meeting answered on the meeting day (an answer to an earlier card),
and two cards that must never reach a public document, each carrying
`SENTINEL`: one on a paper under the exempt item 5, one on an exempt paper
under the public item 8.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db import minutes as M
from db.canonical import canonical_json, sha256_hex
from db.minutes import build_minutes, from_content, to_content
from db.minutes.build import minutes_content
from db.models import (
    AgendaItem,
    Annotation,
    Blob,
    ItemKind,
    Meeting,
    MinutesVersion,
    Paper,
    PaperKind,
)
from db.services.questions import respond_to_card
from db.store import Database
from tests.db.minutes_board import SENTINEL, MinutesBoard, build_minutes_board

UTC = dt.UTC
ASK_1 = "We want to choose the colour of our bedrooms."
ASK_2 = "We want free bus passes until we are 21."
EARLIER_ASK = "Tell us who our independent reviewing officer is."
RESPONSE_1 = "Agreed in principle: carers will be asked to let each child choose."
EARLIER_RESPONSE = "Every child now gets a letter naming their reviewing officer."


@dataclass(frozen=True)
class CardsBoard:
    minutes: MinutesBoard
    cards_item: str
    paper: str
    exempt_paper: str
    exempt_item_paper: str
    earlier_paper: str


def _paper(
    s: Session, meeting_id: str, item_id: str | None, text: str, *, exempt: bool = False
) -> Paper:
    data = f"%PDF-1.4 {text}".encode()
    digest = hashlib.sha256(data).hexdigest()
    if s.get(Blob, digest) is None:
        s.add(Blob(sha256=digest, size=len(data), media_type="application/pdf", data=data))
        s.flush()
    paper = Paper(
        meeting_id=meeting_id,
        agenda_item_id=item_id,
        title="Children in care council: action cards",
        kind=PaperKind.ACTION_CARDS,
        blob_sha256=digest,
        page_count=1,
        text=text,
        exempt=exempt,
        issued_at=dt.datetime(2019, 1, 15, 17, tzinfo=UTC),
    )
    s.add(paper)
    s.flush()
    return paper


def add_cards(database: Database, board: MinutesBoard) -> CardsBoard:
    """Action-card papers and responses on the minutes board (see the module docstring)."""
    with database.begin() as s:
        item = AgendaItem(
            meeting_id=board.meeting,
            position=8,
            kind=ItemKind.ACTION_CARDS,
            title="Children in care council action cards",
            discussion="Two members of the children in care council presented their cards.",
        )
        s.add(item)
        s.flush()
        paper = _paper(
            s,
            board.meeting,
            item.id,
            f'- Card 1: "{ASK_1}" For: the Head of Placements.\n'
            f'- Card 2: "{ASK_2}" For: the Cabinet Member.',
        )
        exempt_paper = _paper(
            s,
            board.meeting,
            item.id,
            f'- Card 3: "{SENTINEL}" For: the Director.',
            exempt=True,
        )
        exempt_item_paper = _paper(
            s,
            board.meeting,
            board.exempt_item,
            f'- Card 4: "{SENTINEL} Card four." For: the Chair.',
        )
        earlier_paper = _paper(
            s, board.earlier_meeting, None, f'- Card 9: "{EARLIER_ASK}" For: the Director.'
        )
        ids = CardsBoard(
            board, item.id, paper.id, exempt_paper.id, exempt_item_paper.id, earlier_paper.id
        )

    def respond(paper_id: str, number: int, text: str, status: str, at: dt.datetime) -> None:
        with database.begin(board.clerk, clock=lambda: at) as s:
            respond_to_card(
                s,
                board.clerk,
                paper_id,
                number,
                text,
                responded_by="Owen Pryce, Head of Workforce Development",
                status=status,
            )

    at_meeting = dt.datetime(2019, 1, 22, 11, 30, tzinfo=UTC)
    respond(paper.id, 1, RESPONSE_1, "in progress", at_meeting)
    respond(paper.id, 2, "Answered the next day.", "agreed", at_meeting + dt.timedelta(days=1))
    respond(exempt_paper.id, 3, f"Response three. {SENTINEL}", "agreed", at_meeting)
    respond(exempt_item_paper.id, 4, f"Response four. {SENTINEL}", "done", at_meeting)
    respond(earlier_paper.id, 9, EARLIER_RESPONSE, "done", at_meeting)
    return ids


@pytest.fixture
def cards(database: Database) -> Iterator[CardsBoard]:
    yield add_cards(database, build_minutes_board(database))


def _all_text(value: object) -> str:
    return json.dumps(dataclasses.asdict(value), default=str)  # type: ignore[call-overload]


def test_cards_are_minuted_under_their_item_with_the_boards_response(
    database: Database, cards: CardsBoard
) -> None:
    with database.session() as s:
        doc = build_minutes(s, cards.minutes.clerk, cards.minutes.meeting, public=False)
    item = doc.item(8)
    by_number = {c.number: c for c in item.action_cards}
    # The earlier card's answer first, then the meeting's own cards in card order.
    assert [c.number for c in item.action_cards] == [9, 1, 2, 3]
    one = by_number[1]
    assert (one.text, one.addressed_to, one.response, one.status, one.given_by) == (
        ASK_1,
        "the Head of Placements",
        RESPONSE_1,
        "in progress",
        "Owen Pryce, Head of Workforce Development",
    )
    assert one.received is None and not one.exempt
    # Answered after the meeting day: the minutes say no response was given at the meeting.
    two = by_number[2]
    assert (two.text, two.response, two.status, two.status_label) == (
        ASK_2,
        None,
        None,
        "Awaiting response",
    )
    earlier = by_number[9]
    assert (earlier.text, earlier.response, earlier.status) == (
        EARLIER_ASK,
        EARLIER_RESPONSE,
        "done",
    )
    assert earlier.received == dt.date(2018, 11, 14)
    assert by_number[3].exempt and SENTINEL in by_number[3].text
    # The exempt item's card is minuted with that item, in the full minutes only.
    assert [c.number for c in doc.item(5).action_cards] == [4]
    assert not doc.item(4).action_cards


def test_an_answer_is_minuted_once_at_the_meeting_it_was_given(
    database: Database, cards: CardsBoard
) -> None:
    # Card 2's answer was recorded the day after the meeting: it belongs to the next one.
    with database.begin() as s:
        for meeting_id in (cards.minutes.later_meeting, cards.minutes.earlier_meeting):
            s.add(
                AgendaItem(
                    meeting_id=meeting_id,
                    position=2,
                    kind=ItemKind.ACTION_CARDS,
                    title="Children in care council action cards",
                )
            )
    with database.session() as s:
        later_doc = build_minutes(s, cards.minutes.clerk, cards.minutes.later_meeting, public=False)
        earlier_doc = build_minutes(
            s, cards.minutes.clerk, cards.minutes.earlier_meeting, public=False
        )
    answered = [c for i in later_doc.items for c in i.action_cards]
    assert [(c.number, c.response, c.received) for c in answered] == [
        (2, "Answered the next day.", dt.date(2019, 1, 22))
    ]
    # The November card itself came to the November meeting, unanswered then.
    november = [c for i in earlier_doc.items for c in i.action_cards]
    assert [(c.number, c.response) for c in november] == [(9, None)]


def test_public_minutes_leave_out_exempt_cards_without_reading_them(
    database: Database, cards: CardsBoard
) -> None:
    with database.session() as s:
        doc = build_minutes(s, None, cards.minutes.meeting, public=True)
        content = minutes_content(s, s.get(Meeting, cards.minutes.meeting), public=True)
    assert SENTINEL not in json.dumps(content)
    assert SENTINEL not in _all_text(doc)
    assert [c.number for c in doc.item(8).action_cards] == [9, 1, 2]
    assert doc.item(5).withheld and not doc.item(5).action_cards


def test_stored_full_minutes_read_as_public_drop_exempt_cards(
    database: Database, cards: CardsBoard
) -> None:
    with database.session() as s:
        full = build_minutes(s, cards.minutes.clerk, cards.minutes.meeting, public=False)
    stored = json.loads(canonical_json(to_content(full)))
    assert SENTINEL in json.dumps(stored)
    public = from_content(stored, public=True)
    assert SENTINEL not in _all_text(public)
    assert [c.number for c in public.item(8).action_cards] == [9, 1, 2]
    # The full reading keeps every card, and the stored form round-trips.
    again = from_content(stored, public=False, rag_key=full.rag_key)
    assert again == full


def test_minutes_without_cards_store_no_cards_key(database: Database) -> None:
    board = build_minutes_board(database)
    with database.session() as s:
        content = minutes_content(s, s.get(Meeting, board.meeting), public=False)
        doc = build_minutes(s, board.clerk, board.meeting, public=False)
    assert all("action_cards" not in item for item in content["items"])
    assert all(not item.action_cards for item in doc.items)
    assert all("action_cards" not in item for item in to_content(doc)["items"])


def _sign(database: Database, board: MinutesBoard) -> str:
    """Draft, circulate, approve at the later meeting and sign the main meeting's minutes."""
    with database.begin(board.clerk) as s:
        version_id = M.create_draft(s, board.clerk, board.meeting).version_id
        M.circulate(s, board.clerk, version_id)
        M.approve(s, board.clerk, version_id, decision_id=board.approving_decision)
    with database.begin(board.chair) as s:
        M.sign(s, board.chair, version_id)
    return version_id


def test_minutes_signed_before_any_card_verify_and_read_unchanged(database: Database) -> None:
    board = build_minutes_board(database)
    version_id = _sign(database, board)
    with database.session() as s:
        before = s.get(MinutesVersion, version_id)
        assert before is not None
        stored_text, stored_hash = before.content_json, before.content_hash
    add_cards(database, board)  # cards and responses recorded after the signature
    with database.session() as s:
        version = s.get(MinutesVersion, version_id)
        assert version is not None
        assert (version.content_json, version.content_hash) == (stored_text, stored_hash)
        assert M.verify_record(s, version_id)
        doc = M.version_doc(s, board.clerk, version_id, public=False)
        exported = M.export_doc(s, board.clerk, board.meeting, public=False)
    assert "action_cards" not in stored_text
    assert all(not item.action_cards for item in doc.items)
    assert exported == doc  # the signed text, not a fresh build with the new cards
    # Writing the document back gives the very text that was signed (and its hash).
    assert canonical_json(to_content(doc)) == stored_text
    assert sha256_hex(canonical_json(to_content(doc))) == stored_hash


def test_minutes_signed_with_cards_hash_their_cards(database: Database, cards: CardsBoard) -> None:
    board = cards.minutes
    version_id = _sign(database, board)
    with database.session() as s:
        version = s.get(MinutesVersion, version_id)
        assert version is not None
        assert M.verify_record(s, version_id)
        stored = json.loads(version.content_json)
        public = M.version_doc(s, None, version_id, public=True)
    listed = [c["number"] for c in stored["items"][7]["action_cards"]]
    assert listed == [9, 1, 2, 3]
    assert [c.number for c in public.item(8).action_cards] == [9, 1, 2]
    assert SENTINEL not in _all_text(public)


def test_a_reissued_card_paper_is_read_at_its_current_version(
    database: Database, cards: CardsBoard
) -> None:
    with database.begin() as s:
        old = s.get(Paper, cards.paper)
        assert old is not None
        new = _paper(
            s,
            old.meeting_id,
            old.agenda_item_id,
            f'- Card 1: "{ASK_1}" For: the Head of Placements and Sufficiency.',
        )
        new.version, new.supersedes_id = 2, old.id
        # Responses move with the paper on a re-issue (db.services.papers.reissue_paper).
        for a in s.scalars(select(Annotation).where(Annotation.paper_id == old.id)):
            a.paper_id = new.id
    with database.session() as s:
        doc = build_minutes(s, cards.minutes.clerk, cards.minutes.meeting, public=False)
    listed = [(c.number, c.addressed_to, c.response) for c in doc.item(8).action_cards]
    assert listed == [
        (9, "the Director", EARLIER_RESPONSE),
        (1, "the Head of Placements and Sufficiency", RESPONSE_1),
        (3, "the Director", f"Response three. {SENTINEL}"),
    ]
