"""exports.board_pack: the meeting's papers as one stamped, consistently numbered PDF.

Read back with pypdf: every paper page carries its agenda item and "Pack page
n of N" (extracted text), the page labels agree ("i", "ii", "1"…, "S1"), the
contents list each paper's pages, a late supplement is appended as S1, S2…
without changing a single existing page's stamp, Part 2 papers are numbered
apart (E1…) so an observer's pack keeps the same numbers, and every font is
embedded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo import create_demo
from db.models import AgendaItem, Board, Meeting, Person
from db.services import papers as svc
from db.store import Database, backup_copy, open_database
from exports.board_pack import build_board_pack, pack_file_name, pack_layout
from exports.papers import render_paper_pdf

STAMP = re.compile(r"Pack page (E?S?\d+)(?: of (E?\d+))?")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pack-demo") / "demo.db"
    create_demo(path, render_paper=render_paper_pdf).close()
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    database = open_database(backup_copy(demo_file, tmp_path / "demo.db"))
    yield database
    database.close()


def who(s: Session, name: str) -> str:
    found = s.scalar(select(Person.id).where(Person.name == name))
    assert found is not None
    return found


def meeting(s: Session, code: str, day: str) -> str:
    found = s.scalar(
        select(Meeting.id)
        .join(Board, Board.id == Meeting.board_id)
        .where(Board.code == code, Meeting.meeting_date == dt.date.fromisoformat(day))
    )
    assert found is not None
    return found


def pack_for(db: Database, name: str, code: str, day: str) -> tuple[PdfReader, Any]:
    with db.session() as s:
        source = svc.board_pack_source(s, who(s, name), meeting(s, code, day))
    pack = build_board_pack(source)
    return PdfReader(io.BytesIO(pack.data)), pack


def stamps(reader: PdfReader, first: int) -> list[tuple[str, str]]:
    """(pack page stamp, item stamp) of every page from `first` (0-based) on."""
    out = []
    for page in reader.pages[first:]:
        text = page.extract_text()
        found = STAMP.search(text)
        item = re.search(r"Item \d+ – [^\n]*", text)
        assert found is not None, text[:200]
        assert item is not None, text[:200]
        out.append((found.group(0), item.group(0)))
    return out


def test_every_page_is_stamped_with_its_item_and_pack_page(db: Database) -> None:
    reader, pack = pack_for(db, "Dr Helen Marchbank", "OPAB", "2020-01-14")
    assert pack.front_pages == 2 and len(reader.pages) == pack.total_pages == 2 + 10
    found = stamps(reader, pack.front_pages)
    assert [s for s, _ in found] == [f"Pack page {n} of 10" for n in range(1, 11)]
    items = [i.split(" – ")[0] for _, i in found]
    assert items == ["Item 5"] * 4 + ["Item 7"] * 2 + ["Item 8"] + ["Item 9"] * 3
    assert found[0][1].startswith("Item 5 – ")
    # The paper's own text is still there under the stamp.
    assert "Improvement Plan progress report – January 2020" in reader.pages[2].extract_text()
    assert reader.page_labels == ["i", "ii", *map(str, range(1, 11))]


def test_cover_contents_outline_and_metadata(db: Database) -> None:
    reader, pack = pack_for(db, "Dr Helen Marchbank", "OPAB", "2020-01-14")
    cover = reader.pages[0].extract_text()
    assert "Ofsted Priority Action Board" in cover and "14 January 2020" in cover
    contents = " ".join(reader.pages[1].extract_text().split())
    assert "Contents" in contents
    for entry in pack.layout:
        assert entry.title in contents or entry.title[:40] in contents
    assert "Item 5 Improvement Plan progress report – January 2020 1–4" in contents
    assert "Item 9 Improvement risk register – January 2020 8–10" in contents
    outline = [item.title for item in reader.outline]
    assert outline[0].startswith("Item 5 – ") and outline[0].endswith("(p. 1)")
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [2, 6, 8, 9]
    meta = reader.metadata
    assert meta is not None and meta.title == (
        "Ofsted Priority Action Board – board pack, 14 January 2020"
    )
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB"


def _embedded(reader: PdfReader) -> None:
    seen = 0
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            seen += 1
            descriptor = font.get("/FontDescriptor")
            assert descriptor is not None, font["/BaseFont"]
            assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]
    assert seen


def test_only_embedded_fonts(db: Database) -> None:
    reader, _ = pack_for(db, "Dr Helen Marchbank", "OPAB", "2019-01-22")
    _embedded(reader)


def add_supplement(db: Database, title: str, paragraphs: int, day: dt.datetime) -> None:
    body = "\n\n".join(
        f"Paragraph {n}: the service's update since the pack was issued. " * 12
        for n in range(paragraphs)
    )
    data, _ = render_paper_pdf(title, body)
    with db.begin(None, clock=lambda: day) as s:
        item_id = s.scalar(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == meeting(s, "OPAB", "2020-01-14"), AgendaItem.position == 7
            )
        )
        assert item_id is not None
        svc.add_paper(s, who(s, "Emma Castellano"), item_id, title, data, supplement=True)


def test_a_late_supplement_is_appended_without_renumbering_anything(db: Database) -> None:
    before, first = pack_for(db, "Tom Everett", "OPAB", "2020-01-14")
    held = stamps(before, first.front_pages)

    add_supplement(
        db, "Performance: December data corrected", 12, dt.datetime(2020, 1, 10, 9, tzinfo=dt.UTC)
    )
    after, second = pack_for(db, "Tom Everett", "OPAB", "2020-01-14")
    now = stamps(after, second.front_pages)
    assert now[: len(held)] == held  # every page members hold keeps its number and item
    extra = [s for s, _ in now[len(held) :]]
    assert extra[0] == "Pack page S1" and len(extra) >= 2
    assert extra == [f"Pack page S{n}" for n in range(1, len(extra) + 1)]
    assert all(i.startswith("Item 7 – ") for _, i in now[len(held) :])
    assert after.page_labels[-len(extra) :] == [f"S{n}" for n in range(1, len(extra) + 1)]

    add_supplement(db, "Risk register: one new risk", 1, dt.datetime(2020, 1, 11, 9, tzinfo=dt.UTC))
    later, third = pack_for(db, "Tom Everett", "OPAB", "2020-01-14")
    again = stamps(later, third.front_pages)
    assert again[: len(now)] == now
    assert [s for s, _ in again[len(now) :]] == [f"Pack page S{len(extra) + 1}"]
    contents = " ".join(later.pages[1].extract_text().split())
    assert "Supplements issued after the pack" in contents and f"S{len(extra) + 1}" in contents


def test_exempt_papers_are_numbered_apart_so_public_numbers_agree(db: Database) -> None:
    chair, chair_pack = pack_for(db, "Dr Helen Marchbank", "OPAB", "2019-01-22")
    observer, observer_pack = pack_for(db, "Cllr Peter Ashdown", "OPAB", "2019-01-22")
    chair_stamps = stamps(chair, chair_pack.front_pages)
    observer_stamps = stamps(observer, observer_pack.front_pages)
    assert chair_stamps[-1][0] == "Pack page E1 of E1"
    assert "Learning review" in chair.pages[-1].extract_text()
    assert chair_stamps[:-1] == observer_stamps  # same numbers for every public page
    assert all("Learning review" not in page.extract_text() for page in observer.pages)
    assert "Part 2" not in observer.pages[1].extract_text()


def test_layout_is_pure_and_sections_number_from_one(db: Database) -> None:
    with db.session() as s:
        rows = svc.meeting_papers(s, who(s, "Dr Helen Marchbank"), meeting(s, "OPAB", "2019-01-22"))
        source = svc.board_pack_source(
            s, who(s, "Dr Helen Marchbank"), meeting(s, "OPAB", "2019-01-22")
        )
    layout = pack_layout(rows)
    assert [(e.section, e.first, e.pages, e.range_label) for e in layout] == [
        ("", 1, 8, "1–8"),
        ("", 9, 1, "9"),
        ("E", 1, 1, "E1"),
    ]
    assert pack_file_name(source) == "OPAB 2019-01-22 board pack.pdf"


def test_a_paper_not_on_this_laptop_stops_the_pack_with_a_sentence(db: Database) -> None:
    from sqlalchemy import update

    from db.errors import ValidationError
    from db.models import Blob

    with db.begin(None) as s:
        rows = svc.meeting_papers(s, who(s, "Tom Everett"), meeting(s, "OPAB", "2020-01-14"))
        s.execute(update(Blob).where(Blob.sha256 == rows[1].blob_sha256).values(data=None))
    with db.session() as s, pytest.raises(ValidationError, match="not on this laptop"):
        svc.board_pack_source(s, who(s, "Tom Everett"), meeting(s, "OPAB", "2020-01-14"))
