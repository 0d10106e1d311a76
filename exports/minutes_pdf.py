"""Minutes as a council-style A4 PDF (reportlab), full or public, ready to be signed.

`render_minutes_pdf` lays a `MinutesDoc` out the way a clerk's minutes look:
the board, date, time and venue; who was present, in attendance and sent
apologies; each item numbered with its title, "report of", the summary of
discussion, the children in care council's action cards it considered (the
card in the young people's words, the board's response, its status and who gave
it), the plan actions it concerned with their RAG (always as words, in a
chip, with a key), its indicators as vector charts with captions, the RESOLVED
decisions numbered per board and year (noted kept apart), votes, and actions
arising; exempt items under the resolution excluding the press and public; the
date of the next meeting and the signature block (signer, date and record hash
once signed, lines to sign otherwise).

Every page carries "Page n of N", the chair's initials box (minutes are kept
loose-leaf, and the chair initials each page) and, where a RAG chip appears on
it, the RAG key. The outline has a bookmark per item; title, author, subject and
`en-GB` are set and the viewer shows the title; DejaVu Sans is embedded and is
the canvas's initial font, so no non-embedded font is referenced; `invariant`
gives byte-identical output for identical input. A public document arrives here
already without exempt text (`db.minutes.doc.from_content(public=True)`), so
nothing in this module can leak it. Rendering only: a later issue adds tagging.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from db.minutes.doc import (
    CardEntry,
    DecisionEntry,
    MinutesDoc,
    MinutesItem,
    RagKey,
    clock_time,
    long_date,
)
from exports.charts import kpi_caption, kpi_drawing, text_colour
from exports.papers import FONT, FONT_BOLD, _register_fonts

INK = "#0b0c0c"
GREY = "#505a5f"
RULE = "#b1b4b6"
SHADE = "#f3f2f1"

_VOTE_LABELS = (("for", "For"), ("against", "Against"), ("abstain", "Abstained"))


def status_line(doc: MinutesDoc) -> str:
    """What the running header says the document is ("Draft · Public minutes")."""
    record = doc.record
    kind = "Public minutes" if doc.public else "Not for publication: includes exempt items"
    if record is None or record.status == "draft":
        state = "Draft"
    elif record.status == "circulated":
        state = "Draft (circulated)"
    elif record.status == "approved":
        state = "Approved, awaiting signature"
    else:
        state = f"Signed, version {record.version}"
    return f"{state} · {kind}"


def pdf_title(doc: MinutesDoc) -> str:
    return doc.title + (" (public version)" if doc.public else "")


def minutes_pdf_bytes(doc: MinutesDoc, **kwargs: Any) -> bytes:
    """The PDF as bytes (see `render_minutes_pdf`)."""
    buffer = io.BytesIO()
    render_minutes_pdf(doc, buffer, **kwargs)
    return buffer.getvalue()


def render_minutes_pdf(
    doc: MinutesDoc,
    out: str | os.PathLike[str] | IO[bytes],
    *,
    author: str | None = None,
    invariant: bool = True,
) -> int:
    """Render minutes to a PDF file or binary stream.

    Args:
        doc: the minutes (a public document holds no exempt text).
        out: a path, or a binary stream written from its current position.
        author: the PDF's author (default: "<board> secretariat").
        invariant: byte-identical output for identical input (no creation time or random id).

    Returns:
        The number of pages.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    _register_fonts()
    styles = _styles()
    page_width, page_height = A4
    margin = 20 * mm
    canvas_class, pages = _numbered_canvas(doc, margin)
    buffer = io.BytesIO()
    title = pdf_title(doc)
    subject = (
        f"{'Public minutes' if doc.public else 'Minutes'} of the meeting of the "
        f"{doc.board_name} held on {long_date(doc.date)}"
    )

    class _Doc(BaseDocTemplate):  # type: ignore[misc]
        """Bookmarks each item (level 1) under the title (level 0)."""

        def afterFlowable(self, flowable: Any) -> None:
            outline = getattr(flowable, "_outline", None)
            if outline is None:
                return
            text, level = outline
            key = f"o{self.seq.nextf('outline')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(text, key, level=level)

    template = _Doc(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + 4 * mm,
        bottomMargin=margin + 8 * mm,
        title=title,
        author=author or f"{doc.board_name} secretariat",
        subject=subject,
        creator="Boardpack",
        producer="Boardpack",
        keywords=f"minutes, {doc.board_code}, {doc.date.isoformat()}",
        lang="en-GB",
        displayDocTitle=True,
        invariant=1 if invariant else 0,
        initialFontName=FONT,
        initialFontSize=10,
    )
    frame = Frame(
        margin,
        margin + 8 * mm,
        page_width - 2 * margin,
        page_height - 2 * margin - 12 * mm,
        leftPadding=0,
        rightPadding=0,
    )
    template.addPageTemplates([PageTemplate(id="minutes", frames=[frame])])
    template.build(_story(doc, styles, page_width - 2 * margin), canvasmaker=canvas_class)

    data = buffer.getvalue()
    if isinstance(out, str | os.PathLike):
        Path(out).write_bytes(data)
    else:
        out.write(data)
    return pages[-1]


# -- styles ---------------------------------------------------------------------------------


def _styles() -> dict[str, Any]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle(
        "Body", fontName=FONT, fontSize=10, leading=13.8, spaceAfter=5, textColor=HexColor(INK)
    )
    return {
        "body": base,
        "title": ParagraphStyle(
            "Title", parent=base, fontName=FONT_BOLD, fontSize=17, leading=22, spaceAfter=2
        ),
        "subtitle": ParagraphStyle("Subtitle", parent=base, fontSize=11.5, leading=15),
        "note": ParagraphStyle(
            "Note", parent=base, fontSize=9, leading=12, textColor=HexColor(GREY)
        ),
        "h1": ParagraphStyle(
            "Heading1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "label": ParagraphStyle(
            "Label", parent=base, fontName=FONT_BOLD, spaceAfter=0, keepWithNext=1
        ),
        "listlabel": ParagraphStyle("ListLabel", parent=base, fontName=FONT_BOLD, spaceAfter=2),
        "cell": ParagraphStyle("Cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cellnote": ParagraphStyle(
            "CellNote",
            parent=base,
            fontSize=8,
            leading=10.5,
            spaceAfter=0,
            spaceBefore=1.5,
            textColor=HexColor(GREY),
        ),
        "cellhead": ParagraphStyle(
            "CellHead", parent=base, fontName=FONT_BOLD, fontSize=9, leading=11.5, spaceAfter=0
        ),
        "resolved": ParagraphStyle(
            "Resolved", parent=base, leftIndent=74, firstLineIndent=-74, spaceAfter=3
        ),
        "caption": ParagraphStyle(
            "Caption", parent=base, fontSize=8.5, leading=11, textColor=HexColor(GREY)
        ),
        "box": ParagraphStyle("Box", parent=base, fontSize=9.5, leading=12.5, spaceAfter=0),
    }


# -- the page furniture ---------------------------------------------------------------------


def _numbered_canvas(doc: MinutesDoc, margin: float) -> tuple[type, list[int]]:
    """A canvas class that holds pages back so each can say "of N" and carry the key."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    page_width, page_height = A4
    counts: list[int] = []
    header_left = f"{doc.board_name} · {doc.date.day} {doc.date:%B %Y}"
    header_right = status_line(doc)
    key = doc.rag_key
    layout: list[tuple[float, float, RagKey, str, float]] = []

    class _NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            self.rag_on_page = False

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self.rag_on_page = False
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            counts.append(total)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total, bool(state.get("rag_on_page")))
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int, rag: bool) -> None:
            self.saveState()
            self.setFillColor(HexColor(GREY))
            self.setFont(FONT, 8)
            top = page_height - 13 * mm
            self.drawString(margin, top, header_left)
            self.setFont(FONT_BOLD, 8)
            self.drawRightString(page_width - margin, top, header_right)
            self.setStrokeColor(HexColor(RULE))
            self.setLineWidth(0.4)
            self.line(margin, top - 2.5 * mm, page_width - margin, top - 2.5 * mm)
            # Chair's initials box, bottom left, on every loose-leaf page.
            self.setStrokeColor(HexColor(INK))
            self.setLineWidth(0.6)
            self.rect(margin, 9 * mm, 34 * mm, 11 * mm)
            self.setFillColor(HexColor(GREY))
            self.setFont(FONT, 6.5)
            self.drawString(margin + 1.5 * mm, 17 * mm, "Chair's initials")
            self.setFont(FONT, 8.5)
            self.drawRightString(page_width - margin, 12 * mm, f"Page {number} of {total}")
            if rag and key:  # its own line, between the initials box and the text frame
                self._rag_key(margin, 23 * mm)
            self.restoreState()

        def _rag_key(self, x: float, y: float) -> None:
            if not layout:  # measured once per document, drawn on every page with a chip
                layout.extend(_rag_key_layout(self, key))
            self.setFont(FONT_BOLD, 7)
            self.setFillColor(HexColor(INK))
            self.drawString(x, y, "RAG key:")
            for dx, width_, entry, meaning, mx in layout:
                self.setFillColor(HexColor(entry.colour))
                self.roundRect(x + dx, y - 2.5, width_, 10, 2, stroke=0, fill=1)
                self.setFillColor(HexColor(text_colour(entry.colour)))
                self.setFont(FONT_BOLD, 7)
                self.drawString(x + dx + 3, y, entry.label)
                self.setFillColor(HexColor(INK))
                self.setFont(FONT, 6.5)
                self.drawString(x + mx, y, meaning)

    return _NumberedCanvas, counts


def _rag_key_layout(
    canv: Any, key: tuple[RagKey, ...]
) -> list[tuple[float, float, RagKey, str, float]]:
    """Footer RAG key positions: (chip x, chip width, entry, meaning, meaning x)."""
    out = []
    x = canv.stringWidth("RAG key:", FONT_BOLD, 7) + 4
    for entry in key:
        width = canv.stringWidth(entry.label, FONT_BOLD, 7) + 6
        meaning = entry.meaning.split(":")[0].split(",")[0].rstrip(".")
        out.append((x, width, entry, meaning, x + width + 3))
        x += width + 3 + canv.stringWidth(meaning, FONT, 6.5) + 8
    return out


def _rag_chip(entry: RagKey | None) -> Any:
    """A RAG as a coloured chip with its word; marks its page as needing the key."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Flowable

    class _Chip(Flowable):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.label = entry.label if entry else "Not rated"
            self.width, self.height = 58, 12

        def wrap(self, *_: Any) -> tuple[float, float]:
            return self.width, self.height

        def draw(self) -> None:
            canv = self.canv
            if entry is None:
                canv.setFont(FONT, 8.5)
                canv.setFillColor(HexColor(GREY))
                canv.drawString(0, 3, self.label)
                return
            canv.rag_on_page = True
            canv.setFillColor(HexColor(entry.colour))
            canv.roundRect(0, 0, self.width, self.height, 2.5, stroke=0, fill=1)
            canv.setFillColor(HexColor(text_colour(entry.colour)))
            canv.setFont(FONT_BOLD, 8.5)
            canv.drawCentredString(self.width / 2, 3, self.label)

    return _Chip()


# -- the story ------------------------------------------------------------------------------


def _para(text: str, style: Any, outline: tuple[str, int] | None = None) -> Any:
    from reportlab.platypus import Paragraph

    p = Paragraph(text, style)
    if outline is not None:
        p._outline = outline
    return p


def _paragraphs(text: str, style: Any) -> list[Any]:
    chunks = [c.strip() for c in text.replace("\r\n", "\n").split("\n\n")]
    return [_para(escape(c).replace("\n", "<br/>"), style) for c in chunks if c]


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Any:
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HexColor(SHADE)))
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.6, HexColor(INK)))
    table.setStyle(TableStyle(commands))
    return table


def _story(doc: MinutesDoc, s: dict[str, Any], width: float) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    story: list[Any] = [
        _para(escape(doc.board_name), s["title"], outline=(pdf_title(doc), 0)),
        _para(escape(_held(doc)), s["subtitle"]),
    ]
    if doc.public:
        story.append(
            _para(
                "Public version. Items taken in private appear by title, with the paragraph "
                "of Schedule 12A to the Local Government Act 1972 relied on; their minutes "
                "are not for publication.",
                s["note"],
            )
        )
    story.append(Spacer(1, 3 * mm))
    story += _attendance(doc, s, width)
    figure = 0
    for item in doc.items:
        flow, figure = _item(doc, item, s, width, figure)
        story += flow
    has_next_item = any(i.kind == "next_meeting" for i in doc.items)
    if doc.next_meeting is not None and not has_next_item:
        story.append(_para("Date of next meeting", s["h1"], outline=("Date of next meeting", 1)))
        story.append(_para(escape(_next(doc)), s["body"]))
    if doc.end is not None:
        story.append(Spacer(1, 2 * mm))
        story.append(_para(f"The meeting closed at {clock_time(doc.end)}.", s["body"]))
    story += _signature(doc, s, width)
    return story


def _held(doc: MinutesDoc) -> str:
    when = f"Minutes of the meeting held on {long_date(doc.date)}"
    if doc.start is not None:
        when += f" at {clock_time(doc.start)}"
    if doc.venue:
        when += f", {doc.venue}"
    if doc.hybrid:
        when += " (and online)"
    return when


def _next(doc: MinutesDoc) -> str:
    nxt = doc.next_meeting
    assert nxt is not None
    text = f"The next meeting will be held on {long_date(nxt.date)}"
    if nxt.start is not None:
        text += f" at {clock_time(nxt.start)}"
    if nxt.venue:
        text += f", {nxt.venue}"
    return text + "."


def _attendance(doc: MinutesDoc, s: dict[str, Any], width: float) -> list[Any]:
    from reportlab.platypus import Table, TableStyle

    rows = []
    for label, names in (
        ("Present", doc.attendance.present),
        ("In attendance", doc.attendance.in_attendance),
        ("Apologies", doc.attendance.apologies),
        ("Absent", doc.attendance.absent),
    ):
        if names:
            cell = [_para(escape(n), s["cell"]) for n in names]
            rows.append([_para(label + ":", s["cellhead"]), cell])
    if not rows:
        return []
    table = Table(rows, colWidths=[32 * 2.835, width - 32 * 2.835], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return [table]


def _item(
    doc: MinutesDoc,
    item: MinutesItem,
    s: dict[str, Any],
    width: float,
    figure: int,
) -> tuple[list[Any], int]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    flow: list[Any] = []
    if item.exempt and item.exempt_paragraph is not None:
        box = Table(
            [
                [_para("<b>Exclusion of the press and public</b>", s["box"])],
                [_para("<b>RESOLVED:</b> " + escape(item.exclusion or ""), s["box"])],
            ],
            colWidths=[width],
            hAlign="LEFT",
        )
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.8, HexColor(INK)),
                    ("FONTNAME", (0, 0), (-1, -1), FONT),
                    ("BACKGROUND", (0, 0), (-1, -1), HexColor(SHADE)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        flow += [Spacer(1, 3 * mm), box]
    heading = f"{item.number}. {item.title}"
    marker = ""
    if item.exempt:
        marker = f" (exempt: paragraph {item.exempt_paragraph} of Schedule 12A)"
    flow.append(_para(escape(heading) + escape(marker), s["h1"], outline=(heading + marker, 1)))
    if item.withheld:
        flow.append(
            _para(
                "This item was considered in private. Its minute is not for publication by "
                f"virtue of paragraph {item.exempt_paragraph} of Part 1 of Schedule 12A to the "
                "Local Government Act 1972.",
                s["body"],
            )
        )
        return flow, figure
    if item.report_of:
        flow.append(_para(f"<b>Report of:</b> {escape(item.report_of)}", s["note"]))
    if item.inquorate:
        flow.append(_para("<b>The Board was not quorate when this item was taken.</b>", s["body"]))
    flow += _paragraphs(item.minutes, s["body"])
    if item.action_cards:
        flow += _cards(item.action_cards, doc.public, s, width)
    if item.plan_actions:
        keyed = {k.rag: k for k in doc.rag_key}
        rows: list[list[Any]] = [
            [
                _para("Plan action", s["cellhead"]),
                _para("Title", s["cellhead"]),
                _para("RAG at the meeting", s["cellhead"]),
            ]
        ]
        for a in item.plan_actions:
            rows.append(
                [
                    _para(escape(a.reference), s["cell"]),
                    _para(escape(a.title), s["cell"]),
                    _rag_chip(keyed.get(a.rag or "")),
                ]
            )
        flow += [Spacer(1, 1 * mm), _table(rows, [24 * mm, width - 60 * mm, 36 * mm])]
        flow.append(Spacer(1, 2 * mm))
    for chart in item.kpis:
        figure += 1
        flow.append(
            KeepTogether(
                [
                    kpi_drawing(chart, width, 150.0),
                    _para(f"<b>Figure {figure}.</b> {escape(kpi_caption(chart))}", s["caption"]),
                ]
            )
        )
    flow += _decisions(item, s)
    if item.actions_arising:
        rows = [
            [
                _para("Action arising", s["cellhead"]),
                _para("Owner", s["cellhead"]),
                _para("Due", s["cellhead"]),
            ]
        ]
        for arising in item.actions_arising:
            due = f"{arising.due.day} {arising.due:%b %Y}" if arising.due else "—"
            rows.append(
                [
                    _para(escape(arising.text), s["cell"]),
                    _para(escape(arising.owner or "—"), s["cell"]),
                    _para(due, s["cell"]),
                ]
            )
        table = _table(rows, [width - 72 * mm, 46 * mm, 26 * mm])
        flow.append(KeepTogether([_para("Actions arising:", s["label"]), table]))
    return flow, figure


def _cards(
    cards: tuple[CardEntry, ...], public: bool, s: dict[str, Any], width: float
) -> list[Any]:
    """The cards as a table: card, the ask in the young people's words, response, status."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, Spacer

    rows: list[list[Any]] = [
        [
            _para("Card", s["cellhead"]),
            _para("The children in care council asked", s["cellhead"]),
            _para("The Board's response", s["cellhead"]),
            _para("Status", s["cellhead"]),
        ]
    ]
    for card in cards:
        number = [_para(str(card.number), s["cell"])]
        if card.exempt and not public:
            number.append(_para("Exempt", s["cellnote"]))
        ask = [_para(escape(f"\u201c{card.text}\u201d"), s["cell"])]
        if card.addressed_to:
            ask.append(_para(f"For: {escape(card.addressed_to)}", s["cellnote"]))
        if card.received is not None:
            ask.append(_para(f"Received at the meeting of {_day(card.received)}", s["cellnote"]))
        if card.response:
            answer = [_para(escape(card.response).replace("\n", "<br/>"), s["cell"])]
            if card.given_by:
                answer.append(_para(f"Given by: {escape(card.given_by)}", s["cellnote"]))
        else:
            answer = [_para("No response was recorded at the meeting.", s["cellnote"])]
        status = _para(escape(card.status_label), s["cellhead" if card.status else "cellnote"])
        rows.append([number, ask, answer, status])
    table = _table(rows, [15 * mm, width - 106 * mm, 66 * mm, 25 * mm])
    # Room for the heading, the header row and a card, or a new page; the table then
    # breaks between cards with its header row repeated (kept whole, a long list would
    # leave most of a page blank).
    return [
        CondPageBreak(45 * mm),
        _para("Children in care council action cards:", s["listlabel"]),
        table,
        Spacer(1, 2 * mm),
    ]


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _votes(d: DecisionEntry) -> str | None:
    if d.named_votes:
        parts = []
        for key, label in _VOTE_LABELS:
            who = [v.name for v in d.named_votes if v.vote == key]
            if who:
                parts.append(f"{label} ({len(who)}): {', '.join(who)}")
        return "A named vote was recorded. " + "; ".join(parts) + "."
    if d.votes_for is None and d.votes_against is None and d.votes_abstain is None:
        return None
    return (
        f"Votes: for {d.votes_for or 0}, against {d.votes_against or 0}, "
        f"abstentions {d.votes_abstain or 0}."
    )


def _decisions(item: MinutesItem, s: dict[str, Any]) -> list[Any]:
    flow: list[Any] = []
    for label, group in (("RESOLVED:", item.resolved), ("NOTED:", item.noted)):
        if not group:
            continue
        flow.append(_para(label, s["label"]))
        for d in group:
            kind = f" ({escape(d.kind)})" if d.kind in {"deferred", "rejected"} else ""
            flow.append(
                _para(f"<b>{escape(d.number)}</b>\u2003{escape(d.wording)}{kind}", s["resolved"])
            )
            votes = _votes(d)
            if votes:
                flow.append(_para(escape(votes), s["resolved"]))
    return flow


def _signature(doc: MinutesDoc, s: dict[str, Any], width: float) -> list[Any]:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    record = doc.record
    parts: list[Any] = [
        Spacer(1, 6 * mm),
        _para("Signature", s["h1"], outline=("Signature", 1)),
    ]
    if record is not None and record.status == "signed" and record.signed_at is not None:
        when = record.signed_at
        parts.append(
            _para(
                f"Signed as a correct record by <b>{escape(record.signed_by or '')}</b>, "
                f"Chair, on {long_date(when.date())} at {when:%H:%M} UTC.",
                s["body"],
            )
        )
        if record.approved_by:
            parts.append(_para(f"Approved: {escape(record.approved_by)}.", s["body"]))
        digest = record.content_hash or ""
        grouped = " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))
        parts.append(
            _para(
                f"Record hash (SHA-256 of version {record.version}'s canonical text): "
                f"<font name='{FONT}' size='8.5'>{grouped}</font>",
                s["note"],
            )
        )
        if record.supersedes_version:
            parts.append(
                _para(f"This version corrects version {record.supersedes_version}.", s["note"])
            )
    else:
        line = "_" * 34
        parts.append(_para(f"Chair: {line}\u2003Date: {'_' * 18}", s["body"]))
        if doc.chair:
            parts.append(_para(escape(doc.chair), s["note"]))
    return [KeepTogether(parts)]
