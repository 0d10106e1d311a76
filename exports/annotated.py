"""A member's annotated paper as a PDF with real annotations, and their notes as plain text.

`annotated_paper_pdf` writes each highlight as a PDF /Highlight annotation
(quad points over the highlighted lines, the comment as its contents, the
author as its title) and each sticky note as a /Text annotation (a note icon
at its point), so any PDF reader shows, lists and prints them. Annotations
flagged orphaned by a re-issue are written as a /Text note at the top of
their page saying so, with the quote and the comment — readable, never
dropped. `notes_markdown` renders "my notes for this meeting" as Markdown
(plain text that reads well unrendered): by item and paper, page numbers
1-based as a person says them, the quote and the comment. Positions come
from the database as fractions of the page with the origin at the top left
and are turned into PDF user space against each page's media box. pypdf is
imported on first use.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.services.annotations import AnnotationRow, my_annotations, paper_annotations
from db.services.papers import meeting_label, paper, paper_bytes
from db.services.questions import QuestionRow, questions_by_item

#: Highlight colour (RRGGBB): a soft yellow, as readers use by default.
HIGHLIGHT_COLOUR = "ffe066"
#: Size of a sticky-note icon, in points.
NOTE_SIZE = 20.0


def _pdf_rect(box: Any, rect: Sequence[float]) -> tuple[float, float, float, float]:
    """A (x0, y0, x1, y1) page-fraction box, top-left origin, as PDF user space."""
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    x0, y0, x1, y1 = rect
    return (
        left + x0 * width,
        bottom + (1.0 - y1) * height,
        left + x1 * width,
        bottom + (1.0 - y0) * height,
    )


def _label(row: AnnotationRow) -> str:
    return f"{row.author_name}{' (shared with the board)' if row.shared else ''}"


def annotated_paper_pdf(data: bytes, annotations: Sequence[AnnotationRow]) -> bytes:
    """The paper with the given annotations written into it as PDF annotations.

    Args:
        data: the paper's PDF.
        annotations: the annotations to write (for "my annotated paper": the
            viewer's own, `AnnotationRow.mine`).

    Returns:
        The annotated PDF's bytes; the pages and their text are unchanged.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.annotations import Highlight, Text
    from pypdf.generic import ArrayObject, FloatObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    pages = len(writer.pages)
    for row in annotations:
        if pages == 0:
            break
        number = min(max(row.page, 0), pages - 1)
        box = writer.pages[number].mediabox
        comment = (row.comment or "").strip()
        if row.orphaned or (row.kind == "highlight" and not row.rects):
            text = "Not found in this version of the paper (re-issued)."
            if row.quote:
                text += f"\nQuoted: “{row.quote}”"
            if comment:
                text += f"\n{comment}"
            x0, y0, _, _ = _pdf_rect(box, (0.02, 0.02, 0.02, 0.02))
            annotation: Any = Text(
                rect=(x0, y0 - NOTE_SIZE, x0 + NOTE_SIZE, y0), text=text, open=False
            )
        elif row.kind == "highlight":
            boxes = [_pdf_rect(box, r) for r in row.rects]
            quads: list[float] = []
            for bx0, by0, bx1, by1 in boxes:
                quads += [bx0, by1, bx1, by1, bx0, by0, bx1, by0]
            bounds = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            annotation = Highlight(
                rect=bounds,
                quad_points=ArrayObject(FloatObject(q) for q in quads),
                highlight_color=HIGHLIGHT_COLOUR,
                printing=True,
            )
            annotation[NameObject("/Contents")] = TextStringObject(comment or row.quote or "")
        else:
            x = row.x if row.x is not None else 0.9
            y = row.y if row.y is not None else 0.1
            px, py, _, _ = _pdf_rect(box, (x, y, x, y))
            annotation = Text(
                rect=(px, py - NOTE_SIZE, px + NOTE_SIZE, py), text=comment, open=False
            )
        annotation[NameObject("/T")] = TextStringObject(_label(row))
        annotation[NameObject("/M")] = TextStringObject(
            row.updated_at.astimezone(dt.UTC).strftime("D:%Y%m%d%H%M%SZ")
        )
        writer.add_annotation(number, annotation)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _quote_block(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in " ".join(text.split()).splitlines()]


def notes_markdown(
    heading: str,
    annotations: Sequence[AnnotationRow],
    questions: Sequence[QuestionRow] = (),
    *,
    item_titles: dict[str, str] | None = None,
) -> str:
    """My notes as a Markdown document (reads as plain text too).

    Args:
        heading: the document's title, e.g. "My notes: OPAB, 14 January 2020".
        annotations: the notes, in reading order (`my_annotations` gives them so).
        questions: my questions to list under their items, if any.
        item_titles: item id -> "5 – title", for the questions' headings.

    Returns:
        The text, ending with a newline.
    """
    lines = [f"# {heading}", ""]
    if not annotations and not questions:
        lines += ["No notes yet.", ""]
    current: str | None = None
    for row in annotations:
        paper_heading = (
            f"Item {row.item_number}: {row.paper_title}" if row.item_number else row.paper_title
        )
        if paper_heading != current:
            lines += [f"## {paper_heading}", ""]
            current = paper_heading
        what = "Highlight" if row.kind == "highlight" else "Note"
        where = f"page {row.page + 1}"
        flags = []
        if row.orphaned:
            flags.append(
                "not found in the re-issued paper"
                + (
                    f"; was on page {row.previous_page + 1}"
                    if row.previous_page is not None
                    else ""
                )
            )
        if row.shared:
            flags.append("shared with the board")
        suffix = f" ({'; '.join(flags)})" if flags else ""
        lines.append(f"### {what}, {where}{suffix}")
        lines.append("")
        if row.quote:
            lines += [*_quote_block(row.quote), ""]
        if row.comment:
            lines += [row.comment.strip(), ""]
    if questions:
        lines += ["## My questions", ""]
        titles = item_titles or {}
        for q in questions:
            item = titles.get(q.item_id)
            lines.append(f"- {f'Item {item}: ' if item else ''}{' '.join(q.text.split())}")
            if q.answer:
                by = f" ({q.answered_by})" if q.answered_by else ""
                lines.append(f"  - Answer{by}: {' '.join(q.answer.split())}")
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def safe_file_name(text: str) -> str:
    """A file name from a title: no path separators or reserved characters, at most 120."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", text)
    return " ".join(cleaned.split())[:120].rstrip(" .") or "paper"


def my_annotated_paper(session: Session, viewer_id: str | None, paper_id: str) -> tuple[str, bytes]:
    """The viewer's own annotations written into the paper: (file name, PDF bytes).

    Raises:
        NotFoundError: no such paper, or its file is not on this laptop yet.
        PermissionDeniedError: the viewer may not read the paper.
    """
    row = paper(session, viewer_id, paper_id)
    data = paper_bytes(session, viewer_id, paper_id)
    if data is None:
        raise NotFoundError(f"the file of '{row.title}' is not on this laptop yet; sync first")
    mine = [a for a in paper_annotations(session, viewer_id, paper_id) if a.mine]
    name = safe_file_name(f"{row.title} – my annotations") + ".pdf"
    return name, annotated_paper_pdf(data, mine)


def my_meeting_notes(session: Session, viewer_id: str | None, meeting_id: str) -> tuple[str, str]:
    """ "My notes for this meeting" and my questions as Markdown: (file name, text).

    Raises:
        NotFoundError: no such meeting.
        PermissionDeniedError: the viewer has no role on the board.
    """
    label = meeting_label(session, viewer_id, meeting_id)
    notes = my_annotations(session, viewer_id, meeting_id)
    groups = questions_by_item(session, viewer_id, meeting_id)
    mine = [q for g in groups for q in g.questions if q.mine]
    titles = {g.item_id: f"{g.item_number} – {g.item_title}" for g in groups}
    heading = f"My notes: {label}"
    return safe_file_name(heading) + ".md", notes_markdown(heading, notes, mine, item_titles=titles)


__all__ = [
    "HIGHLIGHT_COLOUR",
    "NOTE_SIZE",
    "annotated_paper_pdf",
    "my_annotated_paper",
    "my_meeting_notes",
    "notes_markdown",
    "safe_file_name",
]
