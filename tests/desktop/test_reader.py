"""The reader, driven by keyboard and mouse over the demo board's real PDFs.

Opening a paper, moving through it (PgUp/PgDn, Home/End, typing a page),
zoom and fit width, search in the paper and across the pack, highlighting a
dragged selection, a sticky note clicked onto the page, sharing, jumping
from the notes panel, the last page remembered per person and paper,
re-issues (annotations follow their text; one whose paragraph was deleted is
flagged and still readable), printing chosen pages to a PDF, and exports.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from db.models import Role
from db.services import annotations as notes_service
from db.services import papers as papers_service
from db.store import Database
from desktop.main_window import MainWindow
from desktop.pages.papers import PapersPage
from desktop.reader.canvas import PageCanvas
from desktop.reader.last_page import LastPageStore
from desktop.reader.printing import parse_pages
from desktop.reader.search import PageText, find_hits
from desktop.reader.view import ReaderView
from tests.desktop.reader_fixture import (
    build_demo,
    line_on_page,
    person,
    point_at,
    scratch_settings,
)

__all__ = ["scratch_settings"]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo") / "demo.db")


@pytest.fixture
def database(demo_database: Database) -> Database:
    """These tests run on a copy of the demo board (tests/desktop/conftest.py)."""
    return demo_database


@pytest.fixture
def page(window: MainWindow) -> PapersPage:
    window.show_page("papers")
    found = window.page("papers")
    assert isinstance(found, PapersPage)
    return found


def open_first(qtbot: QtBot, page: PapersPage) -> ReaderView:
    """Choose the first paper in the pack list and press Enter, as a person would."""
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.stack.currentWidget() is page.reader
    return page.reader


def paper_data(database: Database, actor: str | None, paper_id: str) -> bytes:
    with database.session() as s:
        data = papers_service.paper_bytes(s, actor, paper_id)
    assert data is not None
    return data


def drag_over_line(qtbot: QtBot, reader: ReaderView, page: int) -> str:
    """Drag the mouse along a line of text on `page` of the open paper; returns the line."""
    assert reader.paper is not None and reader._database is not None
    data = paper_data(reader._database, reader._actor_id, reader.paper.paper_id)
    line, (x0, y0, x1, y1) = line_on_page(data, page)
    reader.go_to(page)
    canvas = reader.canvas
    middle = (y0 + y1) / 2
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=point_at(canvas, x0 + 0.001, middle))
    qtbot.mouseMove(canvas, point_at(canvas, (x0 + x1) / 2, middle))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=point_at(canvas, x1 - 0.001, middle))
    return line


def click(qtbot: QtBot, canvas: PageCanvas, at: tuple[float, float]) -> None:
    """Click the page at a point given as page fractions."""
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=point_at(canvas, *at))


# -- Opening and moving -------------------------------------------------------------------


def test_open_a_paper_and_move_through_it_with_the_keyboard(qtbot: QtBot, page: PapersPage) -> None:
    reader = open_first(qtbot, page)
    first = page.papers()[0]
    assert reader.paper is not None and reader.paper.paper_id == first.paper_id
    assert reader.canvas.page_count == first.page_count == 4
    assert reader.title.full_text().startswith(f"Item {first.item_number} – {first.title}")
    reader.page_area.setFocus()
    qtbot.keyClick(reader.page_area, Qt.Key.Key_PageDown)
    assert reader.page == 1
    assert reader.page_edit.text() == "2" and reader.of_label.text() == "of 4"
    qtbot.keyClick(reader.page_area, Qt.Key.Key_End)
    assert reader.page == 3 and not reader.next_button.isEnabled()
    qtbot.keyClick(reader.page_area, Qt.Key.Key_PageDown)  # no page after the last
    assert reader.page == 3
    qtbot.keyClick(reader.page_area, Qt.Key.Key_Home)
    assert reader.page == 0 and not reader.prev_button.isEnabled()
    qtbot.keyClick(reader.page_area, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert reader.page_edit.hasFocus()
    qtbot.keyClicks(reader.page_edit, "3")
    qtbot.keyClick(reader.page_edit, Qt.Key.Key_Return)
    assert reader.page == 2
    reader.page_edit.setText("9")
    qtbot.keyClick(reader.page_edit, Qt.Key.Key_Return)
    assert reader.page == 2 and "no page “9”" in reader.notice.text()
    qtbot.keyClick(reader.page_area, Qt.Key.Key_PageUp)
    assert reader.page == 1
    qtbot.keyClick(reader.page_area, Qt.Key.Key_Escape)
    assert page.stack.currentWidget() is page.pack_view


def test_zoom_in_out_and_fit_width(qtbot: QtBot, page: PapersPage) -> None:
    reader = open_first(qtbot, page)
    assert reader.fit_button.isChecked()
    fitted = reader.canvas.width()
    viewport = reader.page_area.viewport().width()
    assert viewport - 60 <= fitted <= viewport, (fitted, viewport)
    qtbot.keyClick(reader.page_area, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert not reader.fit_button.isChecked()
    assert reader.canvas.width() > fitted
    zoom = reader.zoom
    qtbot.mouseClick(reader.zoom_out_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(reader.zoom_out_button, Qt.MouseButton.LeftButton)
    assert reader.zoom < zoom and reader.zoom_label.text() == f"{round(reader.zoom * 100)}%"
    qtbot.keyClick(reader.page_area, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert reader.fit_button.isChecked() and reader.canvas.width() == fitted


def test_the_last_page_read_is_remembered_per_paper_and_person(
    qtbot: QtBot, page: PapersPage, database: Database, tmp_path: Path
) -> None:
    reader = open_first(qtbot, page)
    first, second = page.papers()[0], page.papers()[1]
    reader.go_to(2)
    assert page.open_paper(second.paper_id) and reader.page == 0
    reader.go_to(1)
    assert page.open_paper(first.paper_id) and reader.page == 2  # not page 1
    # Another person on this laptop starts at the beginning.
    secretary = person(database, "OPAB", Role.SECRETARIAT)
    assert reader._actor_id is not None
    assert LastPageStore().get(secretary, [first.paper_id]) is None
    assert LastPageStore().get(reader._actor_id, [first.paper_id]) == 2
    # Stored in the settings file, so it survives the app.
    files = list((tmp_path / "ini").rglob("*.ini"))
    assert files and first.paper_id in files[0].read_text(encoding="utf-8")
    assert QSettings().value(f"reader/last_page/{reader._actor_id}/{second.paper_id}") in (1, "1")


# -- Search -------------------------------------------------------------------------------


def test_search_in_the_paper_and_across_the_pack(
    qtbot: QtBot, page: PapersPage, database: Database
) -> None:
    reader = open_first(qtbot, page)
    papers = page.papers()
    with database.session() as s:
        texts = {
            p.paper_id: " ".join(papers_service.paper_pages(s, reader._actor_id, p.paper_id))
            for p in papers
        }
    others = " ".join(texts[p.paper_id] for p in papers[:-1]).lower()
    # A word only in the last paper: not found in the first, found across the pack.
    word = next(
        w
        for w in texts[papers[-1].paper_id].split()
        if len(w) > 7 and w.isalpha() and w.lower() not in others
    )
    qtbot.keyClick(reader.page_area, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert reader.search_edit.hasFocus()
    qtbot.keyClicks(reader.search_edit, word)
    qtbot.keyClick(reader.search_edit, Qt.Key.Key_Return)
    assert reader.hits_model.rowCount() == 0
    assert "is not in this paper" in reader.hits_label.text()
    reader.scope_combo.setCurrentIndex(reader.scope_combo.findData("pack"))
    reader.run_search()
    assert reader.hits_model.rowCount() >= 1
    hit = reader.hits_model.row(0)
    assert hit.paper_id == papers[-1].paper_id and word.lower() in hit.snippet.lower()
    index = reader.hits_model.index(0, 1)
    qtbot.mouseClick(
        reader.hits_table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=reader.hits_table.visualRect(index).center(),
    )
    assert reader.paper is not None and reader.paper.paper_id == papers[-1].paper_id
    assert reader.page == hit.page
    # The results stay listed, and the word is outlined on the page.
    assert reader.hits_model.rowCount() >= 1
    outlined = reader.canvas.search_hits()
    assert outlined and all(r.width() > 0 for r in outlined)
    box = outlined[0]
    points = reader.canvas.page_points()
    assert reader.canvas.document is not None
    found = reader.canvas.document.getSelection(
        reader.page,
        box.topLeft() + QPointF(0.5, box.height() / 2),
        box.topRight() + QPointF(-0.5, box.height() / 2),
    )
    assert word.lower().startswith(" ".join(found.text().split()).lower()[:4])
    assert 0 < box.x() < points.width()


def test_find_hits_ignores_case_and_line_breaks() -> None:
    pages = [
        PageText("p", 0, "p. 1", "The Board ASKED for\nrecovery plans; the board asked again.")
    ]
    hits = find_hits(pages, "board asked")
    assert [h.page for h in hits] == [0, 0]
    assert "«Board ASKED»" in hits[0].snippet
    assert find_hits(pages, "asked for recovery")  # across the line break
    assert find_hits(pages, "   ") == ()


# -- Annotations ------------------------------------------------------------------------------


def test_highlight_comment_share_note_and_jump_from_the_panel(
    qtbot: QtBot, page: PapersPage, database: Database
) -> None:
    reader = open_first(qtbot, page)
    actor = reader._actor_id
    meeting = page.meeting_id
    assert actor is not None and meeting is not None
    before = len(reader.annotations.rows())

    line = drag_over_line(qtbot, reader, 1)
    assert reader.canvas.selection is not None
    assert reader.highlight_button.isEnabled()
    qtbot.mouseClick(reader.highlight_button, Qt.MouseButton.LeftButton)
    with database.session() as s:
        mine = notes_service.my_annotations(s, actor, meeting)
    made = [a for a in mine if a.page == 1 and a.kind == "highlight"]
    assert len(made) == 1
    highlight = made[0]
    assert " ".join(highlight.quote.split())[:20] in " ".join(line.split())
    assert not highlight.shared and highlight.rects
    assert len(reader.annotations.rows()) == before + 1
    assert any(m.key == highlight.annotation_id for m in reader.canvas.marks_on_page())

    # A comment, then share it with the board.
    assert reader.annotations.editor.row is not None
    assert reader.annotations.editor.row.annotation_id == highlight.annotation_id
    qtbot.keyClicks(reader.annotations.editor.comment, "Ask who owns this")
    qtbot.mouseClick(reader.annotations.editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(reader.annotations.editor.shared, Qt.MouseButton.LeftButton)
    with database.session() as s:
        stored = notes_service.annotation(s, actor, highlight.annotation_id)
        shared = notes_service.shared_annotations(s, actor, meeting)
    assert stored.comment == "Ask who owns this" and stored.shared
    assert highlight.annotation_id in {a.annotation_id for a in shared}
    assert (
        "Shared with the board"
        in reader.annotations.model.index(
            reader.annotations.model.find_id(highlight.annotation_id), 1
        ).data()
    )

    # A sticky note clicked onto page 3.
    reader.go_to(2)
    qtbot.mouseClick(reader.note_button, Qt.MouseButton.LeftButton)
    assert reader.canvas.mode == "note"
    click(qtbot, reader.canvas, (0.8, 0.4))
    assert reader.annotations.editor.is_new_note and reader.annotations.editor.comment.hasFocus()
    assert reader.canvas.mode == "select"  # one click, one note
    qtbot.keyClicks(reader.annotations.editor.comment, "Compare with last quarter")
    qtbot.keyClick(
        reader.annotations.editor.comment, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    with database.session() as s:
        notes = [a for a in notes_service.my_annotations(s, actor, meeting) if a.kind == "note"]
    note = next(a for a in notes if a.comment == "Compare with last quarter")
    assert note.page == 2 and not note.shared
    assert note.x == pytest.approx(0.8, abs=0.01) and note.y == pytest.approx(0.4, abs=0.01)

    # Jump from the panel: the highlight's page comes back.
    reader.go_to(0)
    row = reader.annotations.model.find_id(highlight.annotation_id)
    index = reader.annotations.model.index(row, 1)
    reader.annotations.table.scrollTo(index)
    qtbot.mouseClick(
        reader.annotations.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=reader.annotations.table.visualRect(index).center(),
    )
    assert reader.page == 1
    # Clicking the note's mark on the page chooses it in the panel.
    reader.go_to(2)
    qtbot.mouseClick(reader.select_button, Qt.MouseButton.LeftButton)
    click(qtbot, reader.canvas, (0.8, 0.4))
    editor = reader.annotations.editor
    assert editor.row is not None and editor.row.annotation_id == note.annotation_id
    # Delete asks once, then deletes.
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert editor.delete_button.text() == "Delete: sure?"
    assert reader.annotations.row(note.annotation_id) is not None
    qtbot.mouseClick(editor.delete_button, Qt.MouseButton.LeftButton)
    assert reader.annotations.row(note.annotation_id) is None
    assert note.annotation_id not in {m.key for m in reader.canvas.marks()}
    with database.session() as s:
        left = {a.annotation_id for a in notes_service.my_annotations(s, actor, meeting)}
    assert note.annotation_id not in left and highlight.annotation_id in left


def test_a_note_without_text_is_refused_in_a_message(qtbot: QtBot, page: PapersPage) -> None:
    reader = open_first(qtbot, page)
    reader.set_mode("note")
    click(qtbot, reader.canvas, (0.5, 0.5))
    qtbot.mouseClick(reader.annotations.editor.save_button, Qt.MouseButton.LeftButton)
    assert reader.message_box is not None and reader.message_box.isVisible()
    assert reader.message_box.text() == "a note needs some text"
    reader.message_box.close()


def test_reissue_annotations_follow_their_text_and_a_deleted_paragraph_is_flagged(
    qtbot: QtBot, page: PapersPage, database: Database
) -> None:
    from exports.papers import render_paper_pdf

    secretary = person(database, "OPAB", Role.SECRETARIAT)
    item_id = page.papers()[0].item_id
    assert item_id is not None
    kept = "The fostering recruitment campaign brought forty new enquiries in December."
    dropped = "Agency spend on residential placements rose by twelve per cent this quarter."
    filler = "\n\n".join(
        f"Paragraph {n} of the background: the service reviewed caseloads and supervision."
        for n in range(60)
    )
    first, _ = render_paper_pdf("Sufficiency update", f"{kept}\n\n{dropped}\n\n{filler}")
    with database.begin(secretary) as s:
        paper = papers_service.add_paper(s, secretary, item_id, "Sufficiency update", first)
    page.on_changed("papers")
    assert page.open_paper(paper.paper_id)
    reader = page.reader
    data = paper_data(database, reader._actor_id, paper.paper_id)
    from db.papers.pdftext import read_pages

    runs = read_pages(data)[0]
    ids = []
    for sentence in (kept, dropped):
        start = runs.text.index(sentence[:30])
        run = next(r for r in runs.runs if r.start <= start < r.end)
        x0, y0, x1, y1 = run.box
        middle = (y0 + y1) / 2
        canvas = reader.canvas
        qtbot.mousePress(
            canvas, Qt.MouseButton.LeftButton, pos=point_at(canvas, x0 + 0.001, middle)
        )
        qtbot.mouseRelease(
            canvas, Qt.MouseButton.LeftButton, pos=point_at(canvas, x1 - 0.001, middle)
        )
        made = reader.annotations.highlight_selection(comment=f"about: {sentence[:20]}")
        assert made is not None
        ids.append(made)

    # Version 2: the kept paragraph moves two pages on; the other one is gone.
    second, _ = render_paper_pdf(
        "Sufficiency update", f"{filler}\n\n{filler}\n\n{kept}\n\n{filler}"
    )
    with database.begin(secretary) as s:
        result = papers_service.reissue_paper(s, secretary, paper.paper_id, second)
    assert result.orphaned == 1
    page.on_changed("papers")  # what the window does when the re-issue is announced or synced

    assert reader.paper is not None and reader.paper.paper_id == result.paper.paper_id
    moved, orphan = (reader.annotations.row(i) for i in ids)
    assert moved is not None and orphan is not None
    assert moved.page >= 2 and not moved.orphaned
    moved_text = reader.annotations.model.index(reader.annotations.model.find_id(ids[0]), 1).data()
    assert "Moved from p. 1" in moved_text
    assert orphan.orphaned
    orphan_text = reader.annotations.model.index(reader.annotations.model.find_id(ids[1]), 1).data()
    assert "Orphaned" in orphan_text and "Agency spend" in orphan_text  # still readable
    # The moved one is drawn on its new page; the orphaned one on none.
    keys = {m.key: m.page for m in reader.canvas.marks()}
    assert keys.get(ids[0]) == moved.page and ids[1] not in keys
    # Jumping to the moved one shows its new page; choosing the orphan shows its words.
    reader.annotations.show(ids[0])
    assert reader.page == moved.page
    reader.annotations.show(ids[1])
    assert reader.annotations.editor.row is not None and reader.annotations.editor.row.orphaned
    assert dropped[:30] in reader.annotations.editor.about.text()
    assert "not found in the re-issued paper" in reader.notice.text()


# -- Pack, print, export --------------------------------------------------------------------


def test_the_whole_pack_opens_with_notes_on_their_pack_pages(
    qtbot: QtBot, page: PapersPage
) -> None:
    assert page.open_pack()
    reader = page.reader
    with qtbot.waitSignal(reader.pack_ready, timeout=30_000) as ready:
        pass
    assert ready.args == [True]
    assert page.stack.currentWidget() is reader
    assert reader.opened is not None and reader.opened.is_pack
    first = reader.opened.segments[0]
    assert first.paper_id == page.papers()[0].paper_id and first.start >= 1
    assert reader.page_label(first.start) == "1"
    assert reader.go_to_label("1") and reader.page == first.start
    drawn = {m.page for m in reader.canvas.marks()}
    assert drawn and all(p >= first.start for p in drawn)
    # The pack's page box says which item the page belongs to.
    assert first.item_label in reader.of_label.text()
    # A highlight made on a pack page is stored against its paper and that paper's page.
    assert reader.database is not None
    data = paper_data(reader.database, reader.actor_id, first.paper_id)
    line, (x0, y0, x1, y1) = line_on_page(data, 1)
    reader.go_to(first.start + 1)
    canvas = reader.canvas
    middle = (y0 + y1) / 2
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=point_at(canvas, x0 + 0.001, middle))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=point_at(canvas, x1 - 0.001, middle))
    made = reader.annotations.highlight_selection()
    assert made is not None
    row = reader.annotations.row(made)
    assert row is not None and row.paper_id == first.paper_id and row.page == 1
    assert " ".join(row.quote.split())[:20] in " ".join(line.split())
    assert row.rects[0][1] == pytest.approx(y0, abs=0.01)  # same place on the paper's page
    reader.shutdown()


def test_print_selected_pages_to_a_pdf(qtbot: QtBot, page: PapersPage, tmp_path: Path) -> None:
    from pypdf import PdfReader

    reader = open_first(qtbot, page)
    out = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    pages = parse_pages("1, 3-4", reader.canvas.page_count)
    assert pages == [0, 2, 3]
    assert reader.output.print_to(printer, pages) == 3
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 3


def test_print_dialog_prints_the_range_chosen(
    qtbot: QtBot, page: PapersPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader
    from PySide6.QtPrintSupport import QPrintDialog

    reader = open_first(qtbot, page)
    reader.go_to(1)
    out = tmp_path / "chosen.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    offered: list[tuple[int, int]] = []

    def choose_pages_2_to_4(dialog: QPrintDialog) -> int:
        offered.append((dialog.minPage(), dialog.maxPage()))
        offered.append((printer.fromPage(), printer.toPage()))  # the current page, proposed
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 4)
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", choose_pages_2_to_4)
    assert reader.output.print_dialog(printer) == 3
    assert offered == [(1, 4), (2, 2)]
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == 3
    assert reader.notice.text() == "Sent 3 pages to the printer."
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert reader.output.pages_chosen(printer) == [1]
    printer.setPrintRange(QPrinter.PrintRange.AllPages)
    assert reader.output.pages_chosen(printer) == [0, 1, 2, 3]


def test_parse_pages_says_what_is_wrong() -> None:
    assert parse_pages("2", 5) == [1]
    assert parse_pages("4-2; 2", 5) == [1, 2, 3]
    for bad, words in (
        ("0", "from 1 to 5"),
        ("2-9", "from 1 to 5"),
        ("x", "not a page"),
        ("", "say which"),
    ):
        with pytest.raises(ValueError, match=words):
            parse_pages(bad, 5)


def test_export_my_annotated_paper_and_my_notes(
    qtbot: QtBot, page: PapersPage, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    reader = open_first(qtbot, page)
    drag_over_line(qtbot, reader, 0)
    reader.annotations.highlight_selection(comment="Export me")
    chosen: list[str] = []
    target = tmp_path / "annotated.pdf"

    def choose(suggested: str, _filter: str) -> str:
        chosen.append(suggested)
        return str(target)

    reader.choose_file = choose
    assert reader.output.export_annotated()
    qtbot.waitUntil(lambda: "Saved your annotated paper" in reader.notice.text(), timeout=20_000)
    assert chosen[0].endswith(".pdf")
    annots = [
        a.get_object()
        for p in PdfReader(io.BytesIO(target.read_bytes())).pages
        for a in (p.get("/Annots") or [])
    ]
    assert any(a["/Subtype"] == "/Highlight" and a.get("/Contents") == "Export me" for a in annots)
    notes = tmp_path / "notes.md"
    assert reader.output.export_notes(str(notes))
    assert "Export me" in notes.read_text(encoding="utf-8")
    reader.shutdown()


def wheel(
    widget: QWidget,
    notches: int,
    modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    """Turn the mouse wheel over `widget` (negative: towards the reader, i.e. down the page)."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        widget.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_scrolling_past_the_end_of_a_page_turns_it(qtbot: QtBot, page: PapersPage) -> None:
    reader = open_first(qtbot, page)
    bar = reader.page_area.verticalScrollBar()
    assert bar.maximum() > 0  # at fit width a page is taller than the window
    viewport = reader.page_area.viewport()
    wheel(viewport, -1)
    assert reader.page == 0 and bar.value() > 0  # an ordinary scroll first
    bar.setValue(bar.maximum())
    wheel(viewport, -1)
    assert reader.page == 1 and bar.value() == 0
    wheel(viewport, 1)
    assert reader.page == 0 and bar.value() == bar.maximum()
    bar.setValue(bar.maximum() // 2)
    wheel(viewport, 1)
    assert reader.page == 0  # mid-page: the wheel scrolls, never turns
    # Ctrl + wheel zooms (and leaves "fit width").
    width = reader.canvas.width()
    wheel(viewport, 1, Qt.KeyboardModifier.ControlModifier)
    assert reader.canvas.width() > width and not reader.fit_button.isChecked()
    wheel(viewport, -1, Qt.KeyboardModifier.ControlModifier)
    wheel(viewport, -1, Qt.KeyboardModifier.ControlModifier)
    assert reader.canvas.width() < width and reader.page == 0


def test_others_see_a_shared_note_read_only_and_never_a_private_one(
    qtbot: QtBot, page: PapersPage, database: Database
) -> None:
    member = person(database, "OPAB", Role.MEMBER)
    first = page.papers()[0]
    with database.begin(member) as s:
        shared = notes_service.add_note(
            s, member, first.paper_id, 0, 0.5, 0.5, "Shared thought", shared=True
        )
        notes_service.add_note(s, member, first.paper_id, 0, 0.5, 0.6, "Private thought")
    reader = open_first(qtbot, page)
    comments = [r.comment for r in reader.annotations.rows()]
    assert "Shared thought" in comments and "Private thought" not in comments
    row = reader.annotations.row(shared.annotation_id)
    assert row is not None and not row.mine
    text = reader.annotations.model.index(
        reader.annotations.model.find_id(shared.annotation_id), 1
    ).data()
    assert "Shared by " in text
    assert "shared by others (1)" in reader.annotations.heading.text()
    reader.annotations.show(shared.annotation_id)
    assert (
        reader.annotations.editor.comment.isReadOnly()
        and not reader.annotations.editor.shared.isEnabled()
    )
    assert (
        reader.annotations.editor.save_button.isHidden()
        and reader.annotations.editor.delete_button.isHidden()
    )
    mark = next(m for m in reader.canvas.marks() if m.key == shared.annotation_id)
    assert not mark.mine and mark.point == (0.5, 0.5)
