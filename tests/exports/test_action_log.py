"""The action log export: XLSX and CSV read back equal the database; the PDF's text and fonts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.demo import DEMO_AS_OF, create_demo
from db.errors import NotFoundError, ValidationError
from db.models import ActionArising, AgendaItem, Board, Meeting, Person
from db.store import Database
from db.views import board_context
from exports.action_log import (
    COLUMNS,
    ActionLog,
    csv_bytes,
    export_action_log,
    load_action_log,
    render_action_log_pdf,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    database = create_demo(tmp_path_factory.mktemp("demo") / "demo.db")
    yield database
    database.close()


def _chair(database: Database) -> str:
    with database.session() as session:
        board_id = session.scalars(select(Board.id).where(Board.code == "OPAB")).one()
        viewer = board_context(session, board_id).viewer
        assert viewer is not None
        return viewer.person_id


@pytest.fixture(scope="module")
def log(demo: Database) -> ActionLog:
    with demo.session() as session:
        return load_action_log(session, _chair(demo), "OPAB", today=DEMO_AS_OF)


def _db_rows(database: Database) -> list[tuple[str, str | None, dt.date | None, str, dt.date]]:
    """(text, owner, due, status, raised) of every OPAB action arising, straight from the tables."""
    with database.session() as session:
        rows = session.execute(
            select(
                ActionArising.text,
                Person.name,
                ActionArising.due_date,
                ActionArising.status,
                Meeting.meeting_date,
            )
            .join(Board, Board.id == ActionArising.board_id)
            .join(Meeting, Meeting.id == ActionArising.meeting_id)
            .outerjoin(Person, Person.id == ActionArising.owner_id)
            .where(Board.code == "OPAB")
            .order_by(Meeting.meeting_date, ActionArising.created_at, ActionArising.id)
        ).all()
    return [(r[0], r[1], r[2], r[3].value, r[4]) for r in rows]


def _status(word: str) -> str:
    return "closed" if word == "Closed" else "open"


def test_the_demo_log_has_open_overdue_and_closed_rows(log: ActionLog, demo: Database) -> None:
    assert len(log.rows) == len(_db_rows(demo)) >= 10
    assert {r.status for r in log.rows} == {"open", "closed"}
    assert [r.ref for r in log.rows][:3] == ["A1", "A2", "A3"]


def test_xlsx_round_trip_equals_the_database(
    log: ActionLog, demo: Database, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "log.xlsx"
    export_action_log(log, out)
    book = load_workbook(out)
    sheet = book["Action log"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == COLUMNS
    col = {name: i for i, name in enumerate(COLUMNS)}
    back = [
        (
            row[col["Action"]],
            row[col["Owner"]],
            row[col["Due"]].date() if row[col["Due"]] else None,
            _status(row[col["Status"]]),
            row[col["Raised at meeting"]].date(),
        )
        for row in values[1:]
    ]
    assert back == _db_rows(demo)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:K{len(values)}"
    assert sheet.cell(2, col["Due"] + 1).number_format == "dd/mm/yyyy"
    assert book.properties.title == "Ofsted Priority Action Board — action log"


def test_csv_round_trip_equals_the_database(log: ActionLog, demo: Database, tmp_path: Path) -> None:
    out = tmp_path / "log.csv"
    export_action_log(log, out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens UTF-8 with a BOM correctly
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == COLUMNS
    col = {name: i for i, name in enumerate(COLUMNS)}

    def day(text: str) -> dt.date | None:
        return dt.date.fromisoformat(text) if text else None

    back = [
        (
            r[col["Action"]],
            r[col["Owner"]] or None,
            day(r[col["Due"]]),
            _status(r[col["Status"]]),
            day(r[col["Raised at meeting"]]),
        )
        for r in rows[1:]
    ]
    assert back == _db_rows(demo)


def test_csv_cells_that_would_be_formulas_are_defused(log: ActionLog) -> None:
    from dataclasses import replace

    tricky = replace(log, rows=(replace(log.rows[0], text='=HYPERLINK("x")'),))
    rows = list(csv.reader(io.StringIO(csv_bytes(tricky).decode("utf-8-sig"))))
    assert rows[1][COLUMNS.index("Action")] == '\'=HYPERLINK("x")'


def test_overdue_is_a_word_as_at_the_date(demo: Database) -> None:
    with demo.session() as session:
        later = load_action_log(session, _chair(demo), "opab", today=dt.date(2030, 1, 1))
    open_rows = [r for r in later.rows if r.status == "open"]
    assert open_rows and all(r.overdue for r in open_rows if r.due_date)
    words = {row[COLUMNS.index("Status")] for row in _table(later)}
    assert "Overdue" in words and "Closed" in words


def _table(log: ActionLog) -> list[tuple[object, ...]]:
    from exports.action_log import table_rows

    return table_rows(log)


def test_pdf_text_order_fonts_and_metadata(log: ActionLog, tmp_path: Path) -> None:
    out = tmp_path / "log.pdf"
    export_action_log(log, out)
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Ofsted Priority Action Board — action log" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    refs = re.findall(r"^(A\d+)$", text, flags=re.MULTILINE)
    assert refs == [row.ref for row in log.rows]  # every row, in the log's order
    flat = " ".join(text.split())
    for row in log.rows:
        assert " ".join(row.text.split()) in flat
    assert "Overdue" in text or "Open" in text
    meta = reader.metadata
    assert meta is not None and meta.title == "Ofsted Priority Action Board — action log"
    assert meta.author == "Boardpack" and "as at 10 Jan 2020" in str(meta.subject)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    fonts = []
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            fonts.append(ref.get_object())
    assert fonts
    for font in fonts:
        assert "DejaVu" in str(font["/BaseFont"])
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    raw = out.read_bytes()
    assert b"/Helvetica" not in raw  # no reference to a non-embedded standard font


def test_pdf_is_byte_identical_for_the_same_log(log: ActionLog) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    render_action_log_pdf(log, first)
    render_action_log_pdf(log, second)
    assert first.getvalue() == second.getvalue()


def test_exempt_actions_are_left_out_for_a_reader_without_the_right(
    demo: Database, log: ActionLog
) -> None:
    with demo.session() as session:
        exempt = session.scalars(
            select(ActionArising.id)
            .join(AgendaItem, AgendaItem.id == ActionArising.agenda_item_id)
            .join(Board, Board.id == ActionArising.board_id)
            .where(AgendaItem.exempt.is_(True), Board.code == "OPAB")
        ).all()
        public = load_action_log(session, None, "OPAB", today=DEMO_AS_OF)
    assert exempt, "the demo has an action arising from an exempt item"
    assert {r.arising_id for r in log.rows} - {r.arising_id for r in public.rows} == set(exempt)


def test_an_empty_log_and_bad_inputs(log: ActionLog, demo: Database, tmp_path: Path) -> None:
    from dataclasses import replace

    empty = replace(log, rows=())
    out = tmp_path / "empty.pdf"
    export_action_log(empty, out)
    assert "No actions arising to show." in PdfReader(out).pages[0].extract_text()
    with pytest.raises(ValidationError, match=r"use a \.pdf, \.xlsx or \.csv file"):
        export_action_log(log, tmp_path / "log.docx")
    assert not (tmp_path / "log.docx").exists() and not (tmp_path / "log.docx.partial").exists()
    with demo.session() as session, pytest.raises(NotFoundError, match="no board with the code"):
        load_action_log(session, None, "NOPE", today=DEMO_AS_OF)
