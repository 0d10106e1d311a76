"""The demo board's highlights sit on the words they quote.

Each demo annotation's page and rectangles are computed from its quote when the
demo is built. Checked here by independent means: the rendered PDF's strings
and where pypdf says each is drawn, measured with reportlab's own metrics of
the font each is drawn in (not the estimate `db.papers.pdftext` makes), so the
characters whose middle falls inside the rectangles are the ones a reader sees
highlighted — and they must read as the quote.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from db.demo import create_demo

pytest.importorskip("reportlab")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from exports.papers import render_paper_pdf

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(path, render_paper=render_paper_pdf).close()
    return path


def _lines(data: bytes, page: int) -> tuple[list[tuple[str, float, float, float, str]], float]:
    """The page's shown strings: (text, x, baseline from the top, size in points, font)."""
    from pypdf import PdfReader

    pdf_page = PdfReader(io.BytesIO(data)).pages[page]
    height = float(pdf_page.mediabox.height)
    out: list[tuple[str, float, float, float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if not text.strip() or font is None:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1.0
        out.append((text.rstrip("\n"), x, height - y, size * scale, str(font.get("/BaseFont"))))

    pdf_page.extract_text(visitor_text=visit)
    return out, float(pdf_page.mediabox.width)


def _under(
    rect: list[float],
    lines: list[tuple[str, float, float, float, str]],
    width: float,
    height: float,
) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from exports.papers import FONT, FONT_BOLD, _register_fonts

    _register_fonts()
    x0, y0, x1, y1 = rect
    # A list bullet is drawn as its own string on the line (action cards are a list).
    picked = [
        line for line in lines if y0 * height <= line[2] <= y1 * height and line[0] != "\u2022"
    ]
    assert len(picked) == 1, f"the rectangle {rect} should cover one line, covers {picked}"
    text, x, _, size, base = picked[0]
    font = FONT_BOLD if "Bold" in base else FONT
    chars = []
    for i, ch in enumerate(text):
        left = x + stringWidth(text[:i], font, size)
        right = x + stringWidth(text[: i + 1], font, size)
        if x0 * width <= (left + right) / 2 <= x1 * width:
            chars.append(ch)
    return "".join(chars)


def test_each_demo_highlight_covers_exactly_its_quote(demo: Path) -> None:
    from pypdf import PdfReader

    con = sqlite3.connect(demo)
    rows = con.execute(
        "SELECT a.page, a.x, a.y, a.rects, a.quote, b.data FROM annotations a "
        "JOIN papers p ON p.id = a.paper_id JOIN blobs b ON b.sha256 = p.blob_sha256 "
        "WHERE a.quote IS NOT NULL ORDER BY a.id"
    ).fetchall()
    con.close()
    assert len(rows) >= 4
    for page, x, y, rects_json, quote, data in rows:
        rects = json.loads(rects_json)
        assert rects, quote
        assert (x, y) == (rects[0][0], rects[0][1])
        lines, width = _lines(data, page)
        height = float(PdfReader(io.BytesIO(data)).pages[page].mediabox.height)
        seen = " ".join(_under(rect, lines, width, height).strip() for rect in rects)
        assert " ".join(seen.split()) == quote


def test_a_note_without_a_quote_keeps_its_margin_place(demo: Path) -> None:
    con = sqlite3.connect(demo)
    rows = con.execute("SELECT page, x, rects FROM annotations WHERE quote IS NULL").fetchall()
    con.close()
    assert rows
    assert all(page == 0 and x == 0.86 and rects is None for page, x, rects in rows)


def test_the_exported_annotated_paper_highlights_the_quoted_words(demo: Path) -> None:
    from pypdf import PdfReader

    from db.models import Annotation, AnnotationKind
    from db.store import open_database
    from exports.annotated import my_annotated_paper

    copy = demo.with_name("export-copy.db")
    copy.write_bytes(demo.read_bytes())
    database = open_database(copy)
    try:
        with database.session() as s:
            ann = s.query(Annotation).filter(Annotation.kind == AnnotationKind.HIGHLIGHT).first()
            assert ann is not None and ann.quote
            quote, page = ann.quote, ann.page
            _, data = my_annotated_paper(s, ann.author_id, ann.paper_id)
    finally:
        database.close()
    reader = PdfReader(io.BytesIO(data))
    pdf_page = reader.pages[page]
    width, height = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
    marks = [a.get_object() for a in pdf_page.get("/Annots", [])]
    highlight = next(a for a in marks if a["/Subtype"] == "/Highlight" and a["/Contents"])
    quads = [float(q) for q in highlight["/QuadPoints"]]
    rects = []
    for i in range(0, len(quads), 8):  # one quad per line: x1 y1 x2 y2 x3 y3 x4 y4
        xs, ys = quads[i : i + 8 : 2], quads[i + 1 : i + 8 : 2]
        rects.append([min(xs) / width, 1 - max(ys) / height, max(xs) / width, 1 - min(ys) / height])
    lines, _ = _lines(data, page)
    seen = " ".join(_under(rect, lines, width, height).strip() for rect in rects)
    assert " ".join(seen.split()) == quote
