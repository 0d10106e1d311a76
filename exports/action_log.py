"""A board's action log out of the app: PDF (reportlab), XLSX (openpyxl) and CSV.

The action log is the board's actions arising across its meetings — what was
asked, of whom, by when, raised at which meeting and item, and whether it is
open, overdue or closed (and where). `load_action_log` reads it through the
meetings service (`db.services.decisions.action_log`, which leaves out actions
from exempt items the reader may not see); the three writers take the same
`ActionLog` and lay out the same `COLUMNS`, so a spreadsheet and the printed
log always agree. Dates are real dates in the XLSX, ISO `YYYY-MM-DD` in the
CSV and "14 Nov 2018" in the PDF.

The PDF is landscape A4 with a repeated header row, "Page n of N", title,
author, subject and `en-GB` metadata, DejaVu Sans embedded (also the canvas's
initial font, so no non-embedded font is referenced) and `invariant` output.
Status is always a word ("Overdue"), never colour alone. reportlab and
openpyxl are imported on first use.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import NotFoundError, ValidationError
from db.models import Board
from db.services.arising import ArisingView
from db.services.decisions import action_log
from exports.papers import FONT, FONT_BOLD, _register_fonts

FORMATS = ("pdf", "xlsx", "csv")

COLUMNS: tuple[str, ...] = (
    "Ref",
    "Action",
    "Owner",
    "Due",
    "Status",
    "Raised at meeting",
    "Item",
    "Decision",
    "Plan action",
    "Closed at meeting",
    "Closing note",
)

Cell = str | dt.date | None


@dataclass(frozen=True)
class ActionLog:
    """One board's action log as at a date."""

    board_code: str
    board_name: str
    as_of: dt.date
    include_closed: bool
    rows: tuple[ArisingView, ...]

    @property
    def title(self) -> str:
        return f"{self.board_name} — action log"


def load_action_log(
    session: Session,
    viewer_id: str | None,
    board_code: str,
    *,
    today: dt.date,
    include_closed: bool = True,
) -> ActionLog:
    """Read a board's action log (by board code, case-blind) as at `today`."""
    board = session.scalars(
        select(Board).where(func.upper(Board.code) == board_code.strip().upper())
    ).first()
    if board is None:
        raise NotFoundError(f"There is no board with the code {board_code!r}.")
    rows = action_log(session, viewer_id, board.id, today=today, include_closed=include_closed)
    return ActionLog(board.code, board.name, today, include_closed, rows)


def status_word(row: ArisingView) -> str:
    """'Open', 'Overdue' or 'Closed' — the status as the log prints it."""
    if row.status == "closed":
        return "Closed"
    return "Overdue" if row.overdue else "Open"


def table_rows(log: ActionLog) -> list[tuple[Cell, ...]]:
    """The log's rows in `COLUMNS` order, as plain values (dates stay dates)."""
    return [
        (
            row.ref,
            row.text,
            row.owner_name,
            row.due_date,
            status_word(row),
            row.meeting_date,
            row.item_number,
            row.decision_number,
            row.plan_action_ref,
            row.closed_in_meeting_date,
            row.closing_note,
        )
        for row in log.rows
    ]


def format_for(path: Path, explicit: str | None = None) -> str:
    """The export format from `explicit` or the file's suffix; one sentence if unknown."""
    kind = (explicit or Path(path).suffix.lstrip(".")).lower()
    if kind not in FORMATS:
        raise ValidationError(
            f"Cannot tell the format of {Path(path).name}: use a .pdf, .xlsx or .csv file."
        )
    return kind


def export_action_log(log: ActionLog, out: Path, *, fmt: str | None = None) -> None:
    """Write the log as PDF, XLSX or CSV (by suffix), whole or not at all."""
    out = Path(out)
    kind = format_for(out, fmt)
    tmp = out.with_name(out.name + ".partial")
    try:
        with tmp.open("wb") as fh:
            if kind == "csv":
                fh.write(csv_bytes(log))
            elif kind == "xlsx":
                write_xlsx(log, fh)
            else:
                render_action_log_pdf(log, fh)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    # A cell starting = + - @ would run as a formula when the CSV is opened in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def csv_bytes(log: ActionLog) -> bytes:
    """The log as CSV: UTF-8 with a byte-order mark (so Excel reads accents), a header row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in table_rows(log):
        writer.writerow([_csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(log: ActionLog, out: IO[bytes] | Path) -> None:
    """The log as one worksheet: bold frozen header, filters, real dates, wrapped text."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Action log"
    stamp = dt.datetime.combine(log.as_of, dt.time())
    book.properties.title = log.title
    book.properties.subject = f"Actions arising as at {log.as_of:%d %B %Y}"
    book.properties.creator = "Boardpack"
    book.properties.language = "en-GB"
    book.properties.created = stamp
    book.properties.modified = stamp
    sheet.append(list(COLUMNS))
    for row in table_rows(log):
        sheet.append(list(row))
    bold = Font(bold=True)
    shade = PatternFill("solid", fgColor="F3F2F1")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = shade
    widths = {"Action": 60, "Closing note": 40, "Owner": 22}
    date_columns = {COLUMNS.index(name) + 1 for name in ("Due", "Raised at meeting")}
    date_columns.add(COLUMNS.index("Closed at meeting") + 1)
    for index, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = widths.get(name, 14)
        for cell in sheet[letter][1:]:
            if index in date_columns:
                cell.number_format = "dd/mm/yyyy"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(log.rows) + 1)}"
    book.save(out)


def _day(value: dt.date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def render_action_log_pdf(log: ActionLog, out: IO[bytes] | Path, *, invariant: bool = True) -> int:
    """Lay the log out as a landscape A4 table; returns the page count."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    _register_fonts()
    page_width, page_height = landscape(A4)
    margin = 14 * mm
    cell = ParagraphStyle("Cell", fontName=FONT, fontSize=8, leading=10)
    head = ParagraphStyle("Head", parent=cell, fontName=FONT_BOLD)
    title = ParagraphStyle("Title", fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=2)
    note = ParagraphStyle("Note", fontName=FONT, fontSize=9, leading=12, spaceAfter=6)
    canvas_class, counts = _numbered_canvas(log, margin, page_width, page_height)

    which = "open and closed actions arising" if log.include_closed else "open actions arising"
    open_rows = [r for r in log.rows if r.status != "closed"]
    overdue = sum(1 for r in open_rows if r.overdue)
    story: list[Any] = [
        Paragraph(escape(log.title), title),
        Paragraph(
            escape(
                f"As at {_day(log.as_of)}: {which} — {len(log.rows)} in all, "
                f"{len(open_rows)} open, {overdue} overdue."
            ),
            note,
        ),
        Spacer(1, 2 * mm),
    ]
    pdf_columns = ("Ref", "Action", "Owner", "Due", "Status", "Raised", "Decision", "Closed")
    widths = [12, 88, 32, 20, 17, 26, 22, 52]  # mm: 269 = landscape A4 less margins
    rows: list[list[Any]] = [[Paragraph(escape(name), head) for name in pdf_columns]]
    for row in log.rows:
        raised = _day(row.meeting_date) + (f", item {row.item_number}" if row.item_number else "")
        action = escape(row.text)
        if row.plan_action_ref:
            action += f"<br/><font color='#505a5f'>Plan action {escape(row.plan_action_ref)}</font>"
        closed = _day(row.closed_in_meeting_date)
        if row.closing_note:
            closed += (": " if closed else "") + row.closing_note
        status = status_word(row)
        rows.append(
            [
                Paragraph(escape(row.ref), cell),
                Paragraph(action, cell),
                Paragraph(escape(row.owner_name or "—"), cell),
                Paragraph(escape(_day(row.due_date) or "—"), cell),
                Paragraph(escape(status), head if status == "Overdue" else cell),
                Paragraph(escape(raised), cell),
                Paragraph(escape(row.decision_number or ""), cell),
                Paragraph(escape(closed), cell),
            ]
        )
    if not log.rows:
        story.append(Paragraph("No actions arising to show.", note))
    else:
        table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("FONTNAME", (0, 0), (-1, -1), FONT),  # else cells reference Helvetica
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, HexColor("#b1b4b6")),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, HexColor("#0b0c0c")),
                    ("BACKGROUND", (0, 0), (-1, 0), HexColor("#f3f2f1")),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)

    target = out if not isinstance(out, Path) else str(out)
    doc = BaseDocTemplate(
        target,
        pagesize=(page_width, page_height),
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + 4 * mm,
        bottomMargin=margin + 2 * mm,
        title=log.title,
        author="Boardpack",
        subject=f"Actions arising of {log.board_name}, as at {_day(log.as_of)}",
        creator="Boardpack",
        producer="Boardpack",
        lang="en-GB",
        displayDocTitle=True,
        invariant=1 if invariant else 0,
        initialFontName=FONT,
        initialFontSize=8,
    )
    frame = Frame(
        margin, margin + 2 * mm, page_width - 2 * margin, page_height - 2 * margin - 6 * mm
    )
    doc.addPageTemplates([PageTemplate(id="log", frames=[frame])])
    doc.build(story, canvasmaker=canvas_class)
    return counts[-1]


def _numbered_canvas(
    log: ActionLog, margin: float, page_width: float, page_height: float
) -> tuple[type, list[int]]:
    """A canvas that holds pages back so each footer can say "Page n of N"."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    counts: list[int] = []
    header = f"{log.board_name} · action log as at {_day(log.as_of)}"

    class _NumberedCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            counts.append(total)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 8)
                self.setFillColor(HexColor("#505a5f"))
                self.drawString(margin, page_height - 10 * mm, header)
                self.drawRightString(page_width - margin, 8 * mm, f"Page {number} of {total}")
                self.restoreState()
                super().showPage()
            super().save()

    return _NumberedCanvas, counts


def read_csv_rows(data: bytes) -> Sequence[list[str]]:
    """The CSV's rows back as lists of strings (header first), for checks and imports."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
