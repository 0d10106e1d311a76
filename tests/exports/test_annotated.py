"""exports.annotated: my annotated paper as real PDF annotations, my notes as Markdown.

Read back with pypdf: highlights are /Highlight annotations with quad points
over the highlighted boxes and the comment as contents; sticky notes are /Text
annotations at their point; an orphaned annotation is still written, as a note
saying so; nobody else's private annotation leaks into my export.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.demo import create_demo
from db.models import Board, Meeting, Person
from db.services import annotations as notes
from db.services import papers as svc
from db.services import questions as qs
from db.store import Database, backup_copy, open_database
from exports.annotated import (
    annotated_paper_pdf,
    my_annotated_paper,
    my_meeting_notes,
    notes_markdown,
    safe_file_name,
)
from exports.papers import render_paper_pdf


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("annotated-demo") / "demo.db"
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


def opab_jan(s: Session) -> str:
    found = s.scalar(
        select(Meeting.id)
        .join(Board, Board.id == Meeting.board_id)
        .where(Board.code == "OPAB", Meeting.meeting_date == dt.date(2020, 1, 14))
    )
    assert found is not None
    return found


def annots(reader: PdfReader) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for number, page in enumerate(reader.pages):
        for ref in page.get("/Annots", []):
            out.append((number, ref.get_object()))
    return out


def test_my_annotated_paper_has_real_highlight_and_text_annotations(db: Database) -> None:
    with db.begin(None) as s:
        tom = who(s, "Tom Everett")
        paper_id = svc.meeting_papers(s, tom, opab_jan(s))[0].paper_id
        notes.add_highlight(
            s,
            tom,
            paper_id,
            0,
            "Red or overdue",
            [[0.1, 0.28, 0.26, 0.3], [0.1, 0.31, 0.5, 0.33]],
            comment="Take these first",
        )
        notes.add_note(s, tom, paper_id, 2, 0.9, 0.25, "Ask about 4.2 (owner?)")
        name, data = my_annotated_paper(s, tom, paper_id)
    assert name == "Improvement Plan progress report – January 2020 – my annotations.pdf"
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 4
    found = annots(reader)
    # Helen's private highlight on the same paper is not Tom's to export.
    assert sorted((n, str(a["/Subtype"])) for n, a in found) == [(0, "/Highlight"), (2, "/Text")]
    highlight = next(a for _, a in found if a["/Subtype"] == "/Highlight")
    assert highlight["/Contents"] == "Take these first"
    assert highlight["/T"] == "Tom Everett"
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    quads = [float(q) for q in highlight["/QuadPoints"]]
    assert len(quads) == 16  # two lines
    assert quads[0] == pytest.approx(0.1 * width) and quads[1] == pytest.approx(0.72 * height)
    x0, y0, x1, y1 = (float(v) for v in highlight["/Rect"])
    assert x0 == pytest.approx(0.1 * width) and x1 == pytest.approx(0.5 * width)
    assert y0 == pytest.approx(0.67 * height) and y1 == pytest.approx(0.72 * height)
    note = next(a for _, a in found if a["/Subtype"] == "/Text")
    assert note["/Contents"] == "Ask about 4.2 (owner?)"
    nx, bottom, _, top = (float(v) for v in note["/Rect"])
    assert nx == pytest.approx(0.9 * width) and top == pytest.approx(0.75 * height)
    assert top - bottom == pytest.approx(20.0)
    # The paper's text is unchanged.
    assert "Red or overdue" in reader.pages[0].extract_text()


def _row(**overrides: Any) -> notes.AnnotationRow:
    base: dict[str, Any] = dict(
        annotation_id="a1",
        paper_id="p1",
        paper_title="Performance report",
        item_number="7",
        author_id="me",
        author_name="Tom Everett",
        kind="highlight",
        page=0,
        x=0.1,
        y=0.2,
        rects=((0.1, 0.2, 0.5, 0.22),),
        quote="Indicators in sustained decline",
        comment="Why five months?",
        shared=False,
        anchor="anchored",
        mine=True,
        created_at=dt.datetime(2020, 1, 8, tzinfo=dt.UTC),
        updated_at=dt.datetime(2020, 1, 8, tzinfo=dt.UTC),
        previous_page=None,
    )
    base.update(overrides)
    return notes.AnnotationRow(**base)


def test_an_orphaned_annotation_is_exported_as_a_readable_note() -> None:
    data, _ = render_paper_pdf("A short paper", "One paragraph.")
    orphan = _row(anchor="orphaned", previous_page=3, page=0)
    reader = PdfReader(io.BytesIO(annotated_paper_pdf(data, [orphan])))
    ((page, annotation),) = annots(reader)
    assert page == 0 and annotation["/Subtype"] == "/Text"
    contents = str(annotation["/Contents"])
    assert "Not found in this version" in contents
    assert "Indicators in sustained decline" in contents and "Why five months?" in contents


def test_notes_markdown_groups_by_paper_and_flags_orphans() -> None:
    text = notes_markdown(
        "My notes: OPAB, 14 January 2020",
        [
            _row(),
            _row(
                annotation_id="a2",
                kind="note",
                quote=None,
                comment="Ask for the trajectory",
                page=1,
            ),
            _row(
                annotation_id="a3",
                paper_title="Risk register",
                item_number="9",
                anchor="orphaned",
                previous_page=2,
                shared=True,
            ),
        ],
    )
    assert text.startswith("# My notes: OPAB, 14 January 2020\n")
    assert "## Item 7: Performance report" in text and "## Item 9: Risk register" in text
    assert text.count("## Item 7") == 1
    assert "### Highlight, page 1\n\n> Indicators in sustained decline\n\nWhy five months?" in text
    assert "### Note, page 2\n\nAsk for the trajectory" in text
    assert (
        "### Highlight, page 1 (not found in the re-issued paper; was on page 3; "
        "shared with the board)" in text
    )
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "No notes yet." in notes_markdown("Empty", [])


def test_my_meeting_notes_reads_my_notes_and_questions(db: Database) -> None:
    with db.begin(None) as s:
        helen = who(s, "Dr Helen Marchbank")
        meeting_id = opab_jan(s)
        items = svc.meeting_papers(s, helen, meeting_id)
        qs.add_question(s, helen, items[1].item_id or "", "What is the recovery trajectory?")
        name, text = my_meeting_notes(s, helen, meeting_id)
    assert name == "My notes OPAB, 14 January 2020.md"
    assert "# My notes: OPAB, 14 January 2020" in text
    assert "> Red or overdue" in text and "> Indicators in sustained decline" in text
    assert "Initial health assessments" not in text  # Moira's private highlight
    assert "## My questions" in text and "What is the recovery trajectory?" in text
    assert "Item 7 – Performance report" in text


def test_safe_file_name() -> None:
    assert safe_file_name('a/b\\c: "d" <e>') == "a b c d e"
    assert safe_file_name("...") == "paper"
