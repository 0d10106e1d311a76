"""Search over minutes holding children in care council action cards (`db.services.search`).

The cards board (`tests.db.test_minutes_cards.add_cards`) minutes two cards and
their answers under the public action-cards item, a card of an exempt paper
under that same public item, and a card under the exempt item; the exempt item
also has a declaration of interest. Everything exempt carries `SENTINEL`
("Zebra quartz sentinel…"). Anyone finds and reads the public cards; only those
cleared to read exempt items find or read the exempt ones.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db import minutes as M
from db.services.search import plain_snippet, record_text, search
from db.store import Database
from tests.db.minutes_board import SENTINEL, build_minutes_board
from tests.db.test_minutes_cards import ASK_1, EARLIER_RESPONSE, RESPONSE_1, CardsBoard, add_cards


@pytest.fixture
def cards(database: Database) -> Iterator[CardsBoard]:
    yield add_cards(database, build_minutes_board(database))


@pytest.fixture
def version_id(database: Database, cards: CardsBoard) -> str:
    board = cards.minutes
    with database.begin(board.clerk) as s:
        return M.create_draft(s, board.clerk, board.meeting).version_id


def _minutes_hits(database: Database, query: str, *, include_exempt: bool) -> list[tuple[str, str]]:
    with database.session() as s:
        groups = search(s, query, include_exempt=include_exempt)
    return [
        (hit.record_id, plain_snippet(hit.snippet))
        for group in groups
        if group.kind == "minutes"
        for hit in group.hits
    ]


def test_a_card_and_its_answer_are_found_and_read_in_the_minutes(
    database: Database, version_id: str
) -> None:
    for query in ("bedrooms", "choose the colour", "carers will be asked", "reviewing offi"):
        for include_exempt in (False, True):
            hits = _minutes_hits(database, query, include_exempt=include_exempt)
            assert [h[0] for h in hits] == [version_id], (query, include_exempt)
            assert "quartz" not in hits[0][1].lower()
    with database.session() as s:
        shown = record_text(s, "minutes", version_id, include_exempt=False)
    assert shown is not None
    assert f"Action card 1: {ASK_1} — for the Head of Placements" in shown.text
    assert (
        f"Response (in progress): {RESPONSE_1} — Owen Pryce, Head of Workforce Development"
        in shown.text
    )
    assert f"Response (done): {EARLIER_RESPONSE}" in shown.text
    assert "(received 14 November 2018)" in shown.text


def test_exempt_cards_and_interests_are_found_only_by_those_cleared(
    database: Database, version_id: str
) -> None:
    for query in ("quartz", "Lantern Row", "Response three", "related to a bidder"):
        assert _minutes_hits(database, query, include_exempt=False) == [], query
        assert [h[0] for h in _minutes_hits(database, query, include_exempt=True)] == [
            version_id
        ], query
    with database.session() as s:
        public = record_text(s, "minutes", version_id, include_exempt=False)
        full = record_text(s, "minutes", version_id, include_exempt=True)
    assert public is not None and full is not None
    assert SENTINEL not in public.text
    assert f"Action card 3: {SENTINEL}" in full.text


def test_a_public_word_next_to_an_exempt_card_gets_a_public_snippet(
    database: Database, version_id: str
) -> None:
    # "Director" is in the public text (card 9 is for the Director) and in the exempt
    # card 3, which the index's public document holds beside it.
    (hit,) = _minutes_hits(database, "Director", include_exempt=False)
    assert hit[0] == version_id
    assert "Director" in hit[1] and "quartz" not in hit[1].lower()
