"""The minutes PDF: content, order, no exempt text in the public version, fonts, furniture."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

from db import minutes as M
from db.minutes import MinutesDoc, RecordInfo, build_minutes
from db.minutes.doc import DecisionEntry
from db.store import Database
from exports.minutes_pdf import minutes_pdf_bytes, render_minutes_pdf
from tests.db.minutes_board import EXEMPT_TITLE, SENTINEL, MinutesBoard, build_minutes_board


@pytest.fixture
def board(database: Database) -> Iterator[MinutesBoard]:
    yield build_minutes_board(database)


def _doc(database: Database, board: MinutesBoard, *, public: bool) -> MinutesDoc:
    with database.session() as s:
        return build_minutes(s, board.clerk, board.meeting, public=public)


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _outline_titles(reader: PdfReader) -> list[str]:
    titles: list[str] = []

    def walk(entries: list[Any]) -> None:
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                titles.append(str(entry.title))

    walk(reader.outline)
    return titles


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_content_order_and_numbering(database: Database, board: MinutesBoard) -> None:
    data = minutes_pdf_bytes(_doc(database, board, public=False))
    pages = _pages(data)
    text = _flat(" ".join(pages))
    headings = [
        "1. Welcome and apologies for absence",
        "2. Declarations of interest",
        "3. Minutes of the previous meeting",
        "4. Workforce: reducing agency staff",
        f"5. {EXEMPT_TITLE} (exempt: paragraph 3 of Schedule 12A)",
        "6. Any other business",
        "7. Date of next meeting",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Ofsted Priority Action Board" in text
    assert "Minutes of the meeting held on Tuesday 22 January 2019 at 10.00 am" in text
    assert text.index("Present:") < text.index("In attendance:") < text.index("Apologies:")
    assert "Report of: Owen Pryce, Head of Workforce Development" in text
    # RESOLVED and NOTED kept apart, each decision with its number.
    work = text[positions[3] : positions[4]]
    assert "RESOLVED: OPAB 19/02 The Board agreed a target" in work
    assert "NOTED: OPAB 19/01 The Board noted the workforce report." in work
    assert work.index("RESOLVED:") < work.index("NOTED:")
    assert "For (1): Dr Helen Marchbank; Against (1): Gareth Lomax" in work
    assert "Agree the retention offer with the trade unions." in work
    assert "30 Apr 2019" in work
    # The exclusion resolution comes before the exempt item and cites its paragraph.
    exclusion = text.index("Exclusion of the press and public")
    assert positions[3] < exclusion < positions[4]
    assert "paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972" in text
    assert SENTINEL in text  # the full minutes do hold it (so the public test can fail)
    assert "The meeting closed at 12.15 pm." in text
    assert "Chair: ____" in text


def test_every_page_has_its_number_and_the_chairs_initials_box(
    database: Database, board: MinutesBoard
) -> None:
    pages = _pages(minutes_pdf_bytes(_doc(database, board, public=False)))
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Chair's initials" in page
        assert "Not for publication" in page


def test_rag_is_text_with_a_key_on_the_page_that_shows_it(
    database: Database, board: MinutesBoard
) -> None:
    pages = _pages(minutes_pdf_bytes(_doc(database, board, public=False)))
    with_chip = [p for p in pages if "RAG at the meeting" in _flat(p)]
    assert with_chip
    for page in with_chip:
        assert re.search(r"4\.3\s+Reduce agency social workers to below 15%\s+Red", page)
        assert "RAG key:" in page and "Amber" in page and "Off track or overdue" in page
    assert any("RAG key:" not in p for p in pages)  # only pages that use colour


def test_kpi_chart_has_a_caption_saying_what_it_shows(
    database: Database, board: MinutesBoard
) -> None:
    text = _flat(" ".join(_pages(minutes_pdf_bytes(_doc(database, board, public=False)))))
    assert (
        "Figure 1. K4 Agency social workers (%, lower is better), monthly from Aug 2018 to "
        "Jan 2019: the service (solid line) against the national average (dashed), the "
        "regional benchmark (dotted), the target of 15% (green line). Latest value 29% in "
        "Jan 2019 (national 15.4%)." in text
    )


def _decoded_streams(reader: PdfReader) -> list[bytes]:
    """Every stream object of the file, decoded (content, fonts, metadata)."""
    out = []
    for generation, numbers in reader.xref.items():
        for number in numbers:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if isinstance(obj, StreamObject):
                out.append(obj.get_data())
    return out


def test_public_pdf_holds_no_exempt_text_anywhere(database: Database, board: MinutesBoard) -> None:
    data = minutes_pdf_bytes(_doc(database, board, public=True))
    reader = PdfReader(io.BytesIO(data))
    needles = [SENTINEL, "Zebra quartz", "Lantern Row"]
    text = " ".join(_pages(data))
    streams = _decoded_streams(reader)
    assert len(streams) >= len(reader.pages)  # at least every page's content
    for needle in needles:
        assert needle not in text
        assert needle not in _flat(text)
        assert needle.encode() not in data
        assert needle.encode("utf-16-be") not in data
        for stream in streams:
            assert needle.encode() not in stream
        assert needle not in repr(reader.metadata)
        assert all(needle not in t for t in _outline_titles(reader))
    # Raw file deflated wholesale, as a last byte-level check of every compressed object.
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            raw = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        assert b"Zebra" not in raw
    assert not any("/Annots" in str(page) for page in reader.pages)
    # What the public may read is there.
    assert EXEMPT_TITLE in _flat(text)
    assert "This item was considered in private" in _flat(text)
    assert "Public minutes" in text


def test_outline_and_metadata(database: Database, board: MinutesBoard) -> None:
    reader = PdfReader(io.BytesIO(minutes_pdf_bytes(_doc(database, board, public=True))))
    titles = _outline_titles(reader)
    assert titles[0].startswith("Ofsted Priority Action Board: minutes of the meeting held on")
    assert titles[1:8] == [
        "1. Welcome and apologies for absence",
        "2. Declarations of interest",
        "3. Minutes of the previous meeting",
        "4. Workforce: reducing agency staff",
        f"5. {EXEMPT_TITLE} (exempt: paragraph 3 of Schedule 12A)",
        "6. Any other business",
        "7. Date of next meeting",
    ]
    meta = reader.metadata
    assert meta is not None
    assert meta.title == (
        "Ofsted Priority Action Board: minutes of the meeting held on Tuesday 22 January 2019 "
        "(public version)"
    )
    assert meta.author == "Ofsted Priority Action Board secretariat"
    assert meta.subject is not None and "Public minutes" in meta.subject
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def _fonts(resources: Any, seen: set[int]) -> Iterator[DictionaryObject]:
    resources = resources.get_object() if resources is not None else None
    if not isinstance(resources, DictionaryObject):
        return
    fonts = resources.get("/Font")
    for ref in (fonts.get_object() if fonts is not None else {}).values():
        font = ref.get_object()
        if id(font) not in seen:
            seen.add(id(font))
            yield font
    xobjects = resources.get("/XObject")
    for ref in (xobjects.get_object() if xobjects is not None else {}).values():
        xobject = ref.get_object()
        yield from _fonts(xobject.get("/Resources"), seen)


def test_every_font_is_embedded(database: Database, board: MinutesBoard) -> None:
    reader = PdfReader(io.BytesIO(minutes_pdf_bytes(_doc(database, board, public=False))))
    seen: set[int] = set()
    fonts = [f for page in reader.pages for f in _fonts(page.get("/Resources"), seen)]
    assert fonts
    for font in fonts:
        descendants = font.get("/DescendantFonts")
        targets = (
            [d.get_object() for d in descendants.get_object()]
            if isinstance(descendants, ArrayObject | IndirectObject)
            else [font]
        )
        for target in targets:
            descriptor = target.get("/FontDescriptor")
            assert descriptor is not None, f"{font.get('/BaseFont')} is not embedded"
            descriptor = descriptor.get_object()
            assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), (
                f"{font.get('/BaseFont')} is not embedded"
            )
    assert b"/Helvetica" not in minutes_pdf_bytes(_doc(database, board, public=False))


def test_identical_input_gives_identical_bytes(
    database: Database, board: MinutesBoard, tmp_path: Path
) -> None:
    doc = _doc(database, board, public=False)
    first = minutes_pdf_bytes(doc)
    path = tmp_path / "minutes.pdf"
    pages = render_minutes_pdf(doc, path)
    assert path.read_bytes() == first
    assert pages == len(PdfReader(io.BytesIO(first)).pages)


def test_signed_minutes_carry_signer_date_and_record_hash(
    database: Database, board: MinutesBoard
) -> None:
    with database.begin(board.clerk) as s:
        version_id = M.create_draft(s, board.clerk, board.meeting).version_id
        M.circulate(s, board.clerk, version_id)
        M.approve(s, board.clerk, version_id, decision_id=board.approving_decision)
    with database.begin(board.chair) as s:
        info = M.sign(s, board.chair, version_id)
    with database.session() as s:
        doc = M.version_doc(s, None, version_id, public=True)
    pages = _pages(minutes_pdf_bytes(doc))
    text = _flat(" ".join(pages))
    assert info.signed_at is not None and info.content_hash is not None
    when = f"{info.signed_at.day} {info.signed_at:%B %Y} at {info.signed_at:%H:%M} UTC"
    assert "Signed as a correct record by Dr Helen Marchbank, Chair, on" in text
    assert when in text
    assert "Approved: OPAB 19/10 (meeting of 19 March 2019)." in text
    hash_text = text[text.index("canonical text):") :]
    assert info.content_hash in re.sub(r"\s", "", hash_text)
    assert all("Signed, version 1" in p for p in pages)
    assert SENTINEL not in text


def test_demo_minutes_render_with_charts_and_the_exempt_item_withheld(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from db.demo import create_demo

    demo = create_demo(tmp_path_factory.mktemp("demo") / "demo.db")
    try:
        with demo.session() as s:
            meeting_id = M.find_meeting(s, "OPAB:2019-01-22")
            public = build_minutes(s, None, meeting_id, public=True)
    finally:
        demo.close()
    text = _flat(" ".join(_pages(minutes_pdf_bytes(public))))
    assert "8. Learning review: Child B (exempt: paragraph 1 of Schedule 12A)" in text
    assert "Figure 4." in text and "Figure 5." not in text
    assert "OPAB 19/05" not in text  # the exempt item's decision
    assert "OPAB 19/04" in text


def test_inquorate_items_counted_votes_and_deferrals_are_minuted(
    database: Database, board: MinutesBoard
) -> None:
    doc = _doc(database, board, public=False)
    work = doc.item(4)
    counted = dataclasses.replace(
        work.decisions[1], named_votes=(), votes_for=5, votes_against=2, votes_abstain=1
    )
    deferred = DecisionEntry("OPAB 19/04", "deferred", "Consideration of the pay offer.")
    changed = dataclasses.replace(
        work, inquorate=True, decisions=(work.decisions[0], counted, deferred)
    )
    doc = dataclasses.replace(doc, items=tuple(changed if i.number == 4 else i for i in doc.items))
    text = _flat(" ".join(_pages(minutes_pdf_bytes(doc))))
    assert "The Board was not quorate when this item was taken." in text
    assert "Votes: for 5, against 2, abstentions 1." in text
    assert "OPAB 19/04 Consideration of the pay offer. (deferred)" in text
    assert "A named vote" not in text


def test_a_correction_says_which_version_it_corrects(
    database: Database, board: MinutesBoard
) -> None:
    record = RecordInfo(
        version_id="v2",
        version=2,
        status="signed",
        content_hash="ab" * 32,
        signed_by="Dr Helen Marchbank",
        signed_at=dt.datetime(2019, 5, 14, 11, 5, tzinfo=dt.UTC),
        approved_by="Dr Helen Marchbank, Chair, between meetings",
        supersedes_version=1,
    )
    doc = dataclasses.replace(_doc(database, board, public=True), record=record)
    pages = _pages(minutes_pdf_bytes(doc))
    text = _flat(" ".join(pages))
    assert "on Tuesday 14 May 2019 at 11:05 UTC" in text
    assert "This version corrects version 1." in text
    assert "ab" * 32 in re.sub(r"\s", "", text)
    assert all("Signed, version 2 · Public minutes" in p for p in pages)
