"""Printing and exporting from the reader: chosen pages to a printer, my annotated paper, my notes.

`ReaderOutput` prints pages of the open PDF (`desktop.reader.printing`,
through `QPrintDialog`, or straight to a given `QPrinter` — tests print to
a PDF file), saves "my annotated paper" (`exports.annotated`, built on the
reader's background worker so a long paper never freezes the window) and
"my notes for this meeting" as a plain-text document. File names are
suggested; the person chooses where (the host's `choose_file`, a file
dialog in the app, a path in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from db.errors import BoardpackError

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter
    from PySide6.QtWidgets import QWidget

    from db.services.papers import PaperRow
    from db.store import Database
    from desktop.background import Worker
    from desktop.reader.canvas import PageCanvas
    from desktop.reader.document import Opened, Segment
    from widgets.page_parts import Notice


class OutputHost(Protocol):
    """What printing and exporting need of the reader."""

    @property
    def database(self) -> Database | None: ...
    @property
    def actor_id(self) -> str | None: ...
    @property
    def opened(self) -> Opened | None: ...
    @property
    def paper(self) -> PaperRow | None: ...
    @property
    def canvas(self) -> PageCanvas: ...
    @property
    def notice(self) -> Notice: ...
    @property
    def choose_file(self) -> Callable[[str, str], str | None]: ...
    def where(self, page: int) -> tuple[Segment, int] | None: ...
    def worker(self) -> Worker: ...
    def complain(self, title: str, text: str) -> None: ...
    def window(self) -> QWidget: ...


class ReaderOutput:
    """Print and export for one reader."""

    def __init__(self, host: OutputHost) -> None:
        self._host = host

    def print_to(self, printer: QPrinter, pages: list[int]) -> int:
        """Print `pages` (0-based) of the open PDF on `printer`."""
        from desktop.reader.printing import print_pages

        document = self._host.canvas.document
        if document is None:
            return 0
        try:
            return print_pages(document, pages, printer)
        except OSError as error:
            self._host.complain("Nothing was printed", str(error))
            return 0

    def print_dialog(self, printer: QPrinter | None = None) -> int:
        """Ask which pages and which printer, then print; returns the pages printed."""
        document = self._host.canvas.document
        if document is None:
            return 0
        from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter

        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self._host.window())
        dialog.setWindowTitle("Print pages")
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        dialog.setMinMax(1, self._host.canvas.page_count)
        printer.setFromTo(self._host.canvas.page + 1, self._host.canvas.page + 1)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return 0
        printed = self.print_to(printer, self.pages_chosen(printer))
        if printed:
            self._host.notice.say(
                f"Sent {printed} page{'s' if printed != 1 else ''} to the printer."
            )
        return printed

    def pages_chosen(self, printer: QPrinter) -> list[int]:
        """The pages (0-based) the print dialog's choice means: current, a range, or all."""
        from PySide6.QtPrintSupport import QPrinter

        count = self._host.canvas.page_count
        if printer.printRange() == QPrinter.PrintRange.CurrentPage:
            return [self._host.canvas.page]
        if printer.printRange() == QPrinter.PrintRange.PageRange:
            first, last = max(printer.fromPage(), 1), min(printer.toPage(), count)
            return list(range(first - 1, last))
        return list(range(count))

    def _export_paper_id(self) -> str | None:
        if self._host.paper is not None:
            return self._host.paper.paper_id
        found = self._host.where(self._host.canvas.page)
        return found[0].paper_id if found is not None else None

    def export_annotated(self, path: str | None = None) -> bool:
        """Save the open paper (in the pack: the paper on screen) with my annotations in it."""
        paper_id = self._export_paper_id()
        database = self._host.database
        if paper_id is None or database is None:
            self._host.complain("Nothing to export", "Open a paper first.")
            return False
        from exports.annotated import safe_file_name

        segments = self._host.opened.segments if self._host.opened is not None else ()
        title = next((s.title for s in segments if s.paper_id == paper_id), "paper")
        target = path or self._host.choose_file(
            f"{safe_file_name(title)} (my notes).pdf", "PDF (*.pdf)"
        )
        if not target:
            return False
        from desktop.background import Op, one_line

        actor = self._host.actor_id

        def work(_report: Any) -> str:
            from exports.annotated import my_annotated_paper

            with database.session() as s:
                _name, data = my_annotated_paper(s, actor, paper_id)
            Path(target).write_bytes(data)
            return target

        self._host.notice.say("Exporting your annotated paper…")
        Op(self._host.worker(), work).success(
            lambda done: self._host.notice.say(f"Saved your annotated paper to {done}.")
        ).failure(lambda e: self._host.complain("The paper was not exported", one_line(e))).run()
        return True

    def export_notes(self, path: str | None = None, *, meeting_id: str | None = None) -> bool:
        """Save "my notes for this meeting" (and my questions) as a plain-text document."""
        if meeting_id is None and self._host.opened is not None:
            meeting_id = self._host.opened.meeting_id
        if meeting_id is None or self._host.database is None:
            return False
        from exports.annotated import my_meeting_notes

        try:
            with self._host.database.session() as s:
                name, text = my_meeting_notes(s, self._host.actor_id, meeting_id)
        except BoardpackError as error:
            self._host.complain("The notes were not exported", str(error))
            return False
        target = path or self._host.choose_file(name, "Text (*.md *.txt)")
        if not target:
            return False
        try:
            Path(target).write_text(text, encoding="utf-8")
        except OSError as error:
            why = f"{target} could not be written ({error.strerror})."
            self._host.complain("The notes were not exported", why)
            return False
        self._host.notice.say(f"Saved your notes to {target}.")
        return True
