"""Board paper PDFs: real text, embedded fonts, metadata, page numbers, and the demo's pack.

pypdf reads back what `exports.papers.render_paper_pdf` wrote: the title and
body as extractable text, "Page n of N" on every page, every font embedded as
a TrueType program (FontFile2, so no non-embedded Helvetica), title, author,
subject and en-GB language set, and the same bytes for the same input. The
demo board's papers (built once with the real renderer) are then checked the
same way, including that none of them carries a real official's name.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from db.demo import create_demo
from db.store import Database
from exports.papers import font_folder, render_paper_pdf

BODY = """Report of: Clerk to the Board

# Background

The Board asked for a short paper on the front door & the MASH (contacts < 24 hours).

- First point
- Second point that runs on
  to a second line

## Detail

""" + "\n\n".join(f"Paragraph {n}: " + "Words to fill the page. " * 40 for n in range(12))

REAL_NAMES = (
    "Mary Lewis",
    "Dave Hill",
    "John Coughlin",
    "Trevor Doughty",
    "Joanna Killian",
    "Nick Stacey",
    "Maire Atherton",
    "Surrey",
)


def _fonts(reader: PdfReader) -> list[Any]:
    fonts = []
    for page in reader.pages:
        resources = page.get("/Resources")
        if resources is None or "/Font" not in resources:
            continue
        for ref in resources["/Font"].values():
            font = ref.get_object()
            fonts.append(font)
            for descendant in font.get("/DescendantFonts", []):
                fonts.append(descendant.get_object())
    return fonts


def _assert_fonts_embedded(reader: PdfReader) -> None:
    fonts = _fonts(reader)
    assert fonts
    for font in fonts:
        if font["/Subtype"] == "/Type0":
            continue  # its descendant carries the descriptor
        descriptor = font["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, font["/BaseFont"]
        assert "DejaVu" in str(font["/BaseFont"])


def test_paper_text_title_and_page_numbers() -> None:
    data, pages = render_paper_pdf("Front door: a short paper", BODY)
    reader = PdfReader(io.BytesIO(data))
    assert pages == len(reader.pages) >= 2
    text = [page.extract_text() for page in reader.pages]
    assert "Front door: a short paper" in text[0]
    assert "contacts < 24 hours" in text[0] and "& the MASH" in text[0]
    assert "Second point that runs on to a second line" in " ".join(text[0].split())
    for number, page_text in enumerate(text, start=1):
        assert f"Page {number} of {pages}" in page_text


def test_fonts_are_embedded_and_metadata_set() -> None:
    data, _ = render_paper_pdf("Metadata check", BODY)
    reader = PdfReader(io.BytesIO(data))
    _assert_fonts_embedded(reader)
    assert b"/Helvetica" not in data
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Metadata check"
    assert meta.author and meta.subject
    assert str(reader.root_object["/Lang"]) == "en-GB"
    titles = [str(entry["/Title"]) for entry in reader.outline if isinstance(entry, dict)]
    assert titles == ["Metadata check"]


def test_fonts_come_from_matplotlib_without_importing_it() -> None:
    import matplotlib

    assert font_folder() == Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def test_same_input_same_bytes() -> None:
    assert render_paper_pdf("Same", BODY) == render_paper_pdf("Same", BODY)
    assert render_paper_pdf("Same", BODY)[0] != render_paper_pdf("Other", BODY)[0]


@pytest.fixture(scope="module")
def demo_with_papers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = create_demo(
        tmp_path_factory.mktemp("demo") / "demo.db", render_paper=render_paper_pdf
    )
    yield database
    database.close()


def _papers(path: Path) -> list[tuple[str, int, bool, str, bytes, int, str, str | None]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT p.title, p.page_count, p.exempt, p.text, b.data, b.size, b.media_type, "
            "p.agenda_item_id FROM papers p JOIN blobs b ON b.sha256 = p.blob_sha256"
        ).fetchall()
    finally:
        conn.close()


def test_demo_papers_are_real_pdfs_of_their_rows(demo_with_papers: Database) -> None:
    papers = _papers(demo_with_papers.path)
    assert len(papers) >= 20
    for title, page_count, _exempt, text, data, size, media_type, item_id in papers:
        assert media_type == "application/pdf" and size == len(data) and item_id
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == page_count
        first = " ".join(reader.pages[0].extract_text().split())
        assert " ".join(title.split()) in first
        assert text.startswith(title)
        _assert_fonts_embedded(reader)
        whole = " ".join(page.extract_text() for page in reader.pages)
        assert not [name for name in REAL_NAMES if name in whole]
    assert any(exempt for _, _, exempt, *_ in papers)


def test_demo_pack_has_annotations_and_an_exempt_paper(demo_with_papers: Database) -> None:
    conn = sqlite3.connect(demo_with_papers.path)
    try:
        exempt = conn.execute(
            "SELECT a.exempt, a.exempt_paragraph FROM papers p "
            "JOIN agenda_items a ON a.id = p.agenda_item_id WHERE p.exempt = 1"
        ).fetchall()
        notes = conn.execute(
            "SELECT n.kind, n.quote, n.comment, n.shared, p.text FROM annotations n "
            "JOIN papers p ON p.id = n.paper_id"
        ).fetchall()
        anchors = conn.execute(
            "SELECT n.quote, n.page, b.data FROM annotations n JOIN papers p ON p.id = n.paper_id "
            "JOIN blobs b ON b.sha256 = p.blob_sha256 WHERE n.quote IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    assert exempt and all(flag == 1 and paragraph in (1, 2) for flag, paragraph in exempt)
    assert {kind for kind, *_ in notes} == {"highlight", "note"}
    assert any(shared for *_, shared, _ in notes)
    for kind, quote, comment, _, text in notes:
        assert comment
        if kind == "highlight":
            assert quote and quote in text
    for quote, page, data in anchors:  # the quote really is on the page it is anchored to
        page_text = PdfReader(io.BytesIO(data)).pages[page].extract_text()
        assert " ".join(quote.split()) in " ".join(page_text.split())
