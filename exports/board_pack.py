"""The board pack: one continuous PDF of a meeting's papers, every page stamped and numbered.

Members read the pack on screen and on paper and must be able to say "pack
page 37" and mean the same page, so the numbering is stable by construction:
- a cover and contents come first, labelled i, ii… (never counted in the pack);
- the papers follow in agenda order, numbered 1…N ("Pack page 12 of 40");
- Part 2 (exempt) papers are a section of their own after them, E1, E2…, so a
  viewer who is not cleared for them holds the same numbers for everything else;
- late supplements are appended at the end, S1, S2… (exempt ones ES1…), so a
  supplement issued after the pack went out never renumbers a page members hold.
Every page carries a stamp in a white band at its top edge — "Item 5 – title"
on the left, "Pack page 12 of 40" on the right — and the PDF's page labels say
the same ("12", "S1"), so a reader's page box agrees with the paper. The contents
and the outline (bookmarks) list each paper with its item and first pack page.

pypdf merges the papers and lays each stamp over its page; reportlab draws the
stamps, cover and contents with DejaVu Sans embedded (the font helpers of
`exports.papers`), so no non-embedded font is referenced. Both are imported on
first use. `pack_layout` is the numbering alone (pure), for tests and screens.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from db.services.papers import PackSource, PaperRow

#: Height of the stamp band at the top of every page, in points.
BAND = 15.0


@dataclass(frozen=True)
class PackEntry:
    """One paper's place in the pack."""

    paper_id: str
    item_label: str  # "Item 5 – Performance report" or "Paper – title"
    title: str
    section: str  # "" (the pack), "E" (Part 2), "S" (supplement), "ES" (exempt supplement)
    first: int  # first page number within its section (1-based)
    pages: int

    @property
    def first_label(self) -> str:
        return f"{self.section}{self.first}"

    @property
    def last_label(self) -> str:
        return f"{self.section}{self.first + self.pages - 1}"

    @property
    def range_label(self) -> str:
        return self.first_label if self.pages == 1 else f"{self.first_label}–{self.last_label}"


SECTIONS: tuple[tuple[str, str], ...] = (
    ("", "Papers"),
    ("E", "Part 2 – exempt papers (not for publication)"),
    ("S", "Supplements issued after the pack"),
    ("ES", "Part 2 – exempt supplements (not for publication)"),
)


def _section(row: PaperRow) -> str:
    return ("E" if row.exempt else "") + ("S" if row.supplement else "")


def _item_label(row: PaperRow) -> str:
    if row.item_number is None:
        return f"Paper – {row.title}"
    return f"Item {row.item_number} – {row.item_title or row.title}"


def pack_layout(papers: Sequence[PaperRow]) -> tuple[PackEntry, ...]:
    """Where each paper sits in the pack: its section and first page number there.

    Args:
        papers: the meeting's papers in agenda order (`meeting_papers`).

    Returns:
        Entries in pack order: the papers, then Part 2, then supplements, then
        exempt supplements; each section numbered from 1. Supplements are
        ordered by issue time, so a later one only ever adds pages after them.
    """
    out: list[PackEntry] = []
    for section, _ in SECTIONS:
        members = [p for p in papers if _section(p) == section]
        if "S" in section:
            members.sort(key=lambda p: (p.issued_at, p.paper_id))
        page = 1
        for p in members:
            out.append(PackEntry(p.paper_id, _item_label(p), p.title, section, page, p.page_count))
            page += p.page_count
    return tuple(out)


def _stamp_text(entry: PackEntry, page: int, totals: dict[str, int]) -> str:
    number = f"{entry.section}{entry.first + page}"
    if entry.section == "":
        return f"Pack page {number} of {totals['']}"
    if entry.section == "E":
        return f"Pack page {number} of E{totals['E']} · Part 2, exempt"
    return f"Pack page {number} · supplement" + (", Part 2, exempt" if "E" in entry.section else "")


def _when(source: PackSource) -> str:
    day = source.meeting_date
    text = f"{day:%A} {day.day} {day:%B %Y}"
    if source.start_time is not None:
        text += f", {source.start_time:%H:%M}"
    return text


def _front_matter(
    source: PackSource, layout: Sequence[PackEntry], rows: dict[str, PaperRow]
) -> bytes:
    """The cover and contents as a PDF (A4), drawn with reportlab platypus."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from exports.papers import FONT, FONT_BOLD, _register_fonts

    _register_fonts()
    base = ParagraphStyle("Body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6)
    big = ParagraphStyle("Title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=28)
    head = ParagraphStyle("Heading1", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17)
    cell = ParagraphStyle("Cell", parent=base, fontSize=9.5, leading=12.5, spaceAfter=0)
    story: list[Any] = [
        Spacer(1, 40 * mm),
        Paragraph(escape(source.board_name), big),
        Paragraph("Board pack", head),
        Spacer(1, 6 * mm),
        Paragraph(escape(_when(source)), base),
    ]
    if source.venue:
        story.append(Paragraph(escape(source.venue), base))
    story += [
        Spacer(1, 10 * mm),
        Paragraph(
            "Every page of this pack is stamped with its agenda item and its pack page "
            "number, so the pages on screen and on paper agree. Supplements issued later "
            "are numbered S1, S2… and never change the numbers of pages already issued.",
            base,
        ),
        PageBreak(),
        Paragraph("Contents", head),
    ]
    for section, heading in SECTIONS:
        entries = [e for e in layout if e.section == section]
        if not entries:
            continue
        story.append(Paragraph(escape(heading), head if section else base))
        data = [
            [
                Paragraph(escape(e.item_label.split(" – ")[0]), cell),
                Paragraph(
                    escape(e.title)
                    + (
                        f" <font color='#505a5f'>(version {rows[e.paper_id].version})</font>"
                        if rows[e.paper_id].version > 1
                        else ""
                    ),
                    cell,
                ),
                Paragraph(escape(e.range_label), cell),
            ]
            for e in entries
        ]
        table = Table(data, colWidths=[22 * mm, 120 * mm, 28 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), FONT),  # else Helvetica, not embedded
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#b1b4b6")),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ]
            )
        )
        story += [table, Spacer(1, 6 * mm)]
    if not layout:
        story.append(Paragraph("No papers have been issued for this meeting yet.", base))

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=_title(source),
        author=source.board_name,
        subject="Board pack",
        creator="Boardpack",
        producer="Boardpack",
        lang="en-GB",
        invariant=1,
        initialFontName=FONT,
        initialFontSize=10.5,
    )
    doc.build(story)
    return buffer.getvalue()


def _title(source: PackSource) -> str:
    day = source.meeting_date
    return f"{source.board_name} – board pack, {day.day} {day:%B %Y}"


def _stamps(pages: Sequence[tuple[float, float, str, str]]) -> bytes:
    """One overlay page per pack page: a white band at the top with the two stamps."""
    from reportlab.lib import colors
    from reportlab.pdfgen.canvas import Canvas

    from exports.papers import FONT, _register_fonts

    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=FONT, initialFontSize=8)
    grey = colors.HexColor("#0b0c0c")
    for width, height, left, right in pages:
        canvas.setPageSize((width, height))
        canvas.setFillColor(colors.white)
        canvas.setStrokeColor(colors.HexColor("#b1b4b6"))
        canvas.setLineWidth(0.4)
        canvas.rect(0, height - BAND, width, BAND, stroke=0, fill=1)
        canvas.line(0, height - BAND, width, height - BAND)
        canvas.setFillColor(grey)
        canvas.setFont(FONT, 8)
        right_width = canvas.stringWidth(right, FONT, 8)
        room = width - 3 * 14 - right_width
        text = left
        while text and canvas.stringWidth(text, FONT, 8) > room:
            text = text[:-2] + "…" if len(text) > 2 else ""
        canvas.drawString(14, height - BAND + 4.5, text)
        canvas.drawRightString(width - 14, height - BAND + 4.5, right)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class BoardPack:
    """The pack's bytes and where each paper sits in it."""

    data: bytes
    layout: tuple[PackEntry, ...]
    front_pages: int  # cover and contents, before pack page 1
    total_pages: int


def build_board_pack(source: PackSource) -> BoardPack:
    """Merge a meeting's papers into one stamped, numbered board pack.

    Args:
        source: the meeting and its papers' PDFs (`db.services.papers.board_pack_source`,
            which already leaves out what the viewer may not read).

    Returns:
        The PDF and its layout.

    Raises:
        ValidationError: a paper's PDF cannot be read.
    """
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.constants import PageLabelStyle
    from pypdf.generic import NameObject, TextStringObject

    from db.errors import ValidationError

    # The pages each PDF really has decide the numbering (not the stored count).
    pdf_pages: dict[str, list[Any]] = {}
    rows: dict[str, PaperRow] = {}
    for row, pdf in source.papers:
        try:
            pdf_pages[row.paper_id] = list(PdfReader(io.BytesIO(pdf)).pages)
        except Exception as exc:  # pypdf raises many kinds for a damaged file
            raise ValidationError(f"the PDF of '{row.title}' cannot be read ({exc})") from None
        rows[row.paper_id] = replace(row, page_count=len(pdf_pages[row.paper_id]))
    layout = pack_layout(list(rows.values()))
    totals = {section: 0 for section, _ in SECTIONS}
    for entry in layout:
        totals[entry.section] += entry.pages

    writer = PdfWriter()
    front = PdfReader(io.BytesIO(_front_matter(source, layout, rows)))
    for page in front.pages:
        writer.add_page(page)
    front_pages = len(front.pages)

    readers = [(entry, pdf_pages[entry.paper_id]) for entry in layout]
    overlay_specs = [
        (float(page.mediabox.width), float(page.mediabox.height), entry.item_label, stamp)
        for entry, pages in readers
        for n, page in enumerate(pages)
        for stamp in [_stamp_text(entry, n, totals)]
    ]
    overlays = PdfReader(io.BytesIO(_stamps(overlay_specs))).pages if overlay_specs else []

    at = 0
    starts: list[tuple[PackEntry, int]] = []
    for entry, pages in readers:
        starts.append((entry, len(writer.pages)))
        for page in pages:
            added = writer.add_page(page)
            box = added.mediabox
            overlay = overlays[at]
            if float(box.left) or float(box.bottom):
                added.merge_transformed_page(
                    overlay, Transformation().translate(float(box.left), float(box.bottom))
                )
            else:
                added.merge_page(overlay)
            at += 1

    if front_pages:
        writer.set_page_label(0, front_pages - 1, PageLabelStyle.LOWERCASE_ROMAN, start=1)
    for section, _ in SECTIONS:
        members = [(e, s) for e, s in starts if e.section == section]
        if members:
            first = members[0][1]
            last = members[-1][1] + members[-1][0].pages - 1
            if last >= first:
                writer.set_page_label(
                    first, last, PageLabelStyle.DECIMAL, prefix=section or None, start=1
                )
    for entry, start in starts:
        if entry.pages:
            writer.add_outline_item(
                title=f"{entry.item_label}: {entry.title} (p. {entry.first_label})"
                if entry.item_label.startswith("Item")
                else f"{entry.title} (p. {entry.first_label})",
                page_number=start,
            )
    writer.add_metadata(
        {
            "/Title": _title(source),
            "/Author": source.board_name,
            "/Subject": "Board pack",
            "/Creator": "Boardpack",
            "/Producer": "Boardpack",
        }
    )
    writer._root_object[NameObject("/Lang")] = TextStringObject("en-GB")
    buffer = io.BytesIO()
    writer.write(buffer)
    return BoardPack(buffer.getvalue(), tuple(e for e, _ in starts), front_pages, len(writer.pages))


def pack_file_name(source: PackSource) -> str:
    """A file name for the pack, e.g. "OPAB 2020-01-14 board pack.pdf"."""
    day: dt.date = source.meeting_date
    return f"{source.board_code} {day.isoformat()} board pack.pdf"


__all__ = [
    "BAND",
    "SECTIONS",
    "BoardPack",
    "PackEntry",
    "build_board_pack",
    "pack_file_name",
    "pack_layout",
]
