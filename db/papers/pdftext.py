"""The text of a PDF's pages, with where each line sits, read with pypdf.

Papers are searched, quoted and re-anchored by their text, so the text is
taken once per version, page by page, when a paper is added. pypdf reports
each shown string with its text and graphics matrices; a line's box is
its baseline origin moved by both, its height the font size, its width
taken from the font's glyph widths (estimated from its length when the font
gives none; reportlab's papers draw one string per line), as fractions of the
page with the origin at the top left — what annotations store. pypdf is
imported on first use.
"""

from __future__ import annotations

import io
from typing import Any

from db.errors import ValidationError
from db.papers.anchoring import PageText, TextRun

#: Average glyph advance as a fraction of the font size (DejaVu Sans, English text).
_ADVANCE = 0.52
#: Pages are joined with this in `Paper.text`, so the text splits back into pages.
PAGE_BREAK = "\f"


def _reader(data: bytes) -> Any:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        _ = len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise ValidationError(f"the file is not a PDF that can be read ({exc})") from None
    return reader


def page_count(data: bytes) -> int:
    """How many pages a PDF has.

    Raises:
        ValidationError: the bytes are not a readable PDF.
    """
    return len(_reader(data).pages)


def _mul(m: list[float], n: list[float]) -> list[float]:
    """The affine product m × n of two PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return [
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    ]


def read_pages(data: bytes) -> tuple[PageText, ...]:
    """Each page's text and line boxes.

    Args:
        data: the PDF's bytes.

    Returns:
        One `PageText` per page; `text` is the concatenation of the page's
        shown strings (lines end with a newline), `runs` their boxes.

    Raises:
        ValidationError: the bytes are not a readable PDF.
    """
    reader = _reader(data)
    out: list[PageText] = []
    for page in reader.pages:
        try:
            out.append(_read_page(page))
        except Exception as exc:  # a damaged content stream on one page
            raise ValidationError(f"the PDF's text cannot be read ({exc})") from None
    return tuple(out)


def read_page(data: bytes, number: int) -> PageText | None:
    """One page's text and line boxes (0-based), None when the PDF has no such page.

    Raises:
        ValidationError: the bytes are not a readable PDF.
    """
    reader = _reader(data)
    if not 0 <= number < len(reader.pages):
        return None
    try:
        return _read_page(reader.pages[number])
    except Exception as exc:  # a damaged content stream
        raise ValidationError(f"the PDF's text cannot be read ({exc})") from None


def _read_page(page: Any) -> PageText:
    box = page.mediabox
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width) or 1.0, float(box.height) or 1.0
    parts: list[str] = []
    runs: list[TextRun] = []

    def visit(text: str, cm: list[float], tm: list[float], font_dict: Any, size: float) -> None:
        if not text:
            return
        start = runs_end[0]
        parts.append(text)
        runs_end[0] = start + len(text)
        visible = text.rstrip("\n")
        if not visible.strip():
            return
        m = _mul(list(tm), list(cm))
        font = float(size) * (abs(m[3]) or 1.0)
        x = (m[4] - left) / width
        y = (m[5] - bottom) / height
        glyphs = _glyph_widths(font_dict, fonts)
        edges: tuple[float, ...] = ()
        if glyphs is not None:
            at, out = x, [x]
            for ch in visible:
                at += glyphs.get(ch, glyphs.get("default", 500.0)) * font / 1000 / width
                out.append(_clamp(at))
            edges = (_clamp(x), *out[1:])
            w = at - x
        else:
            w = len(visible) * font * _ADVANCE / width
        runs.append(
            TextRun(
                start,
                start + len(visible),
                (
                    _clamp(x),
                    _clamp(1.0 - y - font * 0.8 / height),
                    _clamp(x + w),
                    _clamp(1.0 - y + font * 0.25 / height),
                ),
                edges,
            )
        )

    runs_end = [0]
    fonts: dict[int, tuple[Any, dict[str, float] | None]] = {}
    page.extract_text(visitor_text=visit)
    return PageText("".join(parts), tuple(runs))


def _glyph_widths(
    font_dict: Any, cache: dict[int, tuple[Any, dict[str, float] | None]]
) -> dict[str, float] | None:
    """Advance widths (thousandths of the font size) by the character shown, or None.

    From pypdf's reading of the font's /Widths and /ToUnicode; None when the
    font gives no widths, or this pypdf cannot say (the caller estimates).
    """
    key = id(font_dict)  # the cache holds the dict too, so the id is not reused meanwhile
    if key in cache:
        return cache[key][1]
    if font_dict is None:
        return None
    found: dict[str, float] | None = None
    try:
        from pypdf.generic._font import Font

        font = Font.from_font_resource(font_dict)
        by_code = dict(font.character_widths)
        if len(by_code) > 1:
            found = {"default": float(by_code.get("default", 500))}
            for code, advance in by_code.items():
                if code == "default":
                    continue
                shown = font.character_map.get(code, code)
                if isinstance(shown, str) and len(shown) == 1:
                    found.setdefault(shown, float(advance))
    except Exception:  # a font pypdf cannot read, or a pypdf without this reader
        found = None
    cache[key] = (font_dict, found)
    return found


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def split_pages(text: str | None, count: int) -> tuple[str, ...]:
    """Page texts from `Paper.text` (pages joined by `PAGE_BREAK`; older rows: one block)."""
    if not text:
        return ("",) * count
    pages = text.split(PAGE_BREAK)
    if len(pages) == count:
        return tuple(pages)
    return (text,) + ("",) * max(0, count - 1)


__all__ = ["PAGE_BREAK", "page_count", "read_page", "read_pages", "split_pages"]
