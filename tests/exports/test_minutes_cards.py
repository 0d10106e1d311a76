"""Action cards in the minutes PDF and HTML: shown in full, withheld when exempt, no empty heading.

The board is `tests.db.minutes_board` with the cards of
`tests.db.test_minutes_cards.add_cards`; the PDF's text is read back with pypdf,
as the other minutes tests read it. The demo's March 2019 Corporate Parenting
Board minutes, rendered from the signed version, carry the demo's cards.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from db import minutes as M
from db.minutes import MinutesDoc, build_minutes
from db.store import Database
from exports.minutes_html import render_minutes_html
from exports.minutes_pdf import minutes_pdf_bytes
from tests.db.minutes_board import SENTINEL, build_minutes_board
from tests.db.test_minutes_cards import (
    ASK_1,
    ASK_2,
    EARLIER_ASK,
    EARLIER_RESPONSE,
    RESPONSE_1,
    CardsBoard,
    add_cards,
)

HEADING = "Children in care council action cards:"
CAPTION = "Children in care council action cards considered under item"


@pytest.fixture
def cards(database: Database) -> Iterator[CardsBoard]:
    yield add_cards(database, build_minutes_board(database))


def _doc(database: Database, cards: CardsBoard, *, public: bool) -> MinutesDoc:
    with database.session() as s:
        return build_minutes(s, cards.minutes.clerk, cards.minutes.meeting, public=public)


def _text(data: bytes) -> str:
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]
    return re.sub(r"\s+", " ", " ".join(pages))


def test_full_pdf_shows_each_card_its_response_status_and_who_gave_it(
    database: Database, cards: CardsBoard
) -> None:
    text = _text(minutes_pdf_bytes(_doc(database, cards, public=False)))
    item = text[text.index("8. Children in care council action cards") :]
    assert HEADING in item
    assert "Card The children in care council asked The Board's response Status" in item
    for phrase in (
        f"\u201c{ASK_1}\u201d",
        "For: the Head of Placements",
        RESPONSE_1,
        "Given by: Owen Pryce, Head of Workforce Development",
        "In progress",
        f"\u201c{ASK_2}\u201d",
        "No response was recorded at the meeting.",
        "Awaiting response",
        EARLIER_ASK,
        EARLIER_RESPONSE,
        "Received at the meeting of 14 November 2018",
    ):
        assert phrase in item, phrase
    # The exempt paper's card is in the full minutes, marked, and so is the exempt item's.
    assert "Exempt" in item and SENTINEL in item
    assert f"{SENTINEL} Card four." in text


def test_public_pdf_has_the_public_cards_and_no_exempt_one(
    database: Database, cards: CardsBoard
) -> None:
    text = _text(minutes_pdf_bytes(_doc(database, cards, public=True)))
    assert HEADING in text
    assert ASK_1 in text and RESPONSE_1 in text and EARLIER_RESPONSE in text
    assert SENTINEL not in text
    assert "Response three" not in text and "Response four" not in text
    assert "Zebra" not in text


class _Cells(HTMLParser):
    """Each table's caption, its header cells with their scope, and its body rows."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, list[object]]] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._row: list[tuple[str, str | None, str]] | None = None
        self._tag: tuple[str, str | None] = ("", None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({"caption": [], "rows": []})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell, self._tag = [], (tag, dict(attrs).get("scope"))
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"].append("".join(self._caption))
            self._caption = None
        elif tag in ("th", "td") and self._cell is not None and self._row is not None:
            self._row.append((self._tag[0], self._tag[1], " ".join("".join(self._cell).split())))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1]["rows"].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _card_tables(html: str) -> dict[str, dict[str, list[object]]]:
    """The card tables by caption."""
    parser = _Cells()
    parser.feed(html)
    return {
        str(t["caption"][0]): t
        for t in parser.tables
        if t["caption"] and CAPTION in str(t["caption"][0])
    }


def test_html_card_table_has_scoped_headers_and_every_card(
    database: Database, cards: CardsBoard
) -> None:
    html = render_minutes_html(_doc(database, cards, public=False))
    tables = _card_tables(html)
    assert list(tables) == [f"{CAPTION} 5", f"{CAPTION} 8"]  # the exempt item 5 has one too
    header, *rows = tables[f"{CAPTION} 8"]["rows"]
    assert header == [
        ("th", "col", "Card"),
        ("th", "col", "The children in care council asked"),
        ("th", "col", "The Board's response"),
        ("th", "col", "Status"),
    ]
    assert [r[0][:2] for r in rows] == [("th", "row")] * 4  # type: ignore[index]
    assert [r[0][2] for r in rows] == [  # type: ignore[index]
        "Card 9",
        "Card 1",
        "Card 2",
        "Card 3 Exempt",
    ]
    one = rows[1]
    assert one[1][2] == f"\u201c{ASK_1}\u201d For: the Head of Placements"  # type: ignore[index]
    assert one[2][2] == (  # type: ignore[index]
        f"{RESPONSE_1} Given by: Owen Pryce, Head of Workforce Development"
    )
    assert one[3][2] == "In progress"  # type: ignore[index]
    assert "Received at the meeting of 14 November 2018" in rows[0][1][2]  # type: ignore[index]


def test_public_html_holds_no_exempt_card(database: Database, cards: CardsBoard) -> None:
    html = render_minutes_html(_doc(database, cards, public=True))
    tables = _card_tables(html)
    assert list(tables) == [f"{CAPTION} 8"]
    rows = tables[f"{CAPTION} 8"]["rows"][1:]
    assert [r[0][2] for r in rows] == ["Card 9", "Card 1", "Card 2"]  # type: ignore[index]
    assert SENTINEL not in html and "Zebra" not in html


def test_minutes_with_no_cards_have_no_card_heading(database: Database) -> None:
    board = build_minutes_board(database)
    with database.session() as s:
        docs = [build_minutes(s, board.clerk, board.meeting, public=p) for p in (False, True)]
    for doc in docs:
        assert HEADING not in _text(minutes_pdf_bytes(doc))
        html = render_minutes_html(doc)
        assert _card_tables(html) == {}
        assert "action card" not in html.lower()


def test_demo_cpb_minutes_show_the_cards_and_the_boards_responses(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from db.demo import create_demo
    from exports.papers import render_paper_pdf

    demo = create_demo(tmp_path_factory.mktemp("demo") / "demo.db", render_paper=render_paper_pdf)
    try:
        with demo.session() as s:
            meeting_id = M.find_meeting(s, "CPB:2019-03-26")
            public = M.export_doc(s, None, meeting_id, public=True)
    finally:
        demo.close()
    assert public.record is not None and public.record.status == "signed"
    text = _text(minutes_pdf_bytes(public))
    item = text[text.index("8. Children in care council: action cards") :]
    assert HEADING in item
    assert "When we move placement our things are put in bin bags. We want proper bags." in item
    assert "Given by: Fiona McAllister, Head of Placements and Sufficiency" in item
    assert "Received at the meeting of 11 December 2018" in item
    assert "In progress" in item and "Done" in item
