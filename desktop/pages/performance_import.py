"""The "Import values from CSV" dialog: choose a file, see every row checked, then import it all.

Choosing a file runs a dry run of `db.services.kpis.import_kpi_values` off the
GUI thread (through the page's `runner`, a `desktop.background` worker), so
a long file never freezes the window. The dialog then shows either the
problems — a table of row number (as a spreadsheet counts it), column and
reason, with "nothing will be imported" said in words — or a preview of what
each row will do (new month, update a month already held, or the same as
held), and only then offers "Import N rows". The import itself is the same
call without the dry run, on the text already checked; should the database
have changed in between so that a row is now refused, the problems are
shown and, as ever, nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import BoardpackError
from db.services.kpis import COLUMNS, PERIOD_FORMATS, ImportReport, RowAction
from desktop.pages.performance_models import ImportErrorsModel, ImportPreviewModel
from widgets.page_parts import fixed_columns, muted, read_only_table

if TYPE_CHECKING:
    from desktop.background import Report

#: The largest file the dialog reads (a monthly return is a few kilobytes).
MAX_FILE_BYTES = 10 * 1024 * 1024

#: Runs `work` off the GUI thread; then `done(result)` or `failed(message)` on it.
Runner = Callable[
    [Callable[["Report"], object], Callable[[object], None], Callable[[str], None]], None
]
#: (csv text, dry run) -> the report; called on the worker thread.
Importer = Callable[[str, bool], ImportReport]


class FileProblem(BoardpackError):
    """The file cannot be read at all (too big, not there); one sentence."""


def read_csv_file(path: Path) -> str:
    """The text of a CSV file: UTF-8 (with or without a BOM), else Windows-1252 (Excel).

    Raises:
        FileProblem: the file is missing, unreadable or larger than `MAX_FILE_BYTES`.
    """
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileProblem(
                f"{path.name} is {size / 1_048_576:.1f} MB; a values file should be far "
                "smaller — is it the right file?"
            )
        data = path.read_bytes()
    except OSError as error:
        raise FileProblem(f"{path.name} cannot be read ({error.strerror or error}).") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class ImportDialog(QDialog):
    """Preview a CSV of monthly indicator values, show its problems, and import it whole."""

    def __init__(
        self,
        importer: Importer,
        runner: Runner,
        on_imported: Callable[[ImportReport], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kpiImportDialog")
        self.setWindowTitle("Import indicator values from CSV")
        self.setAccessibleName("Import indicator values from a CSV file")
        self.resize(820, 560)
        self._importer = importer
        self._runner = runner
        self._on_imported = on_imported
        self._text: str | None = None
        self.report: ImportReport | None = None
        self.state = "empty"  # empty, checking, problems, ready, importing, imported, failed

        intro = QLabel(
            "The file needs a header row naming its columns: "
            + ", ".join(COLUMNS)
            + " (the first three are required). Periods may be "
            + PERIOD_FORMATS
            + ". Every row is checked first: nothing is imported unless every row is "
            "valid. A month already held for an indicator is updated from the file."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)

        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("No file chosen")
        self.path_edit.setAccessibleName("The file to import")
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.setAccessibleName("Choose the CSV file to import")
        self.choose_button.clicked.connect(self._choose)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)

        self.status = QLabel("Choose a file to check it.")
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        font = self.status.font()
        font.setBold(True)
        self.status.setFont(font)
        self.counts = muted("")

        self.errors_model = ImportErrorsModel(self)
        self.errors_table = read_only_table(
            "importErrors",
            "Problems found in the file",
            "One row per problem: the row of the file, the column and the reason.",
        )
        self.errors_table.setModel(self.errors_model)
        self.errors_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.errors_table.setSortingEnabled(True)  # by row number until a heading is clicked
        fixed_columns(self.errors_table, {0: 64, 1: 150}, 2)
        self.preview_model = ImportPreviewModel(self)
        self.preview_table = read_only_table(
            "importPreview",
            "What importing the file will do",
            "One row per valid row of the file and what importing it will do.",
        )
        self.preview_table.setModel(self.preview_model)
        self.preview_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.preview_table.setSortingEnabled(True)  # by row number until a heading is clicked
        fixed_columns(self.preview_table, {0: 56, 1: 80, 2: 90, 3: 80, 4: 80, 5: 80, 7: 110}, 6)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("importTabs")
        self.tabs.addTab(self.errors_table, "Problems")
        self.tabs.addTab(self.preview_table, "Rows to import")
        self.tabs.hide()

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.status)
        layout.addWidget(self.counts)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

    # Choosing and checking ---------------------------------------------------

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, "Choose a CSV file of indicator values", "", "CSV files (*.csv);;All files (*)"
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read and check `path` off the GUI thread (a dry run: nothing is written)."""
        self.path_edit.setText(str(path))
        self._begin_check(lambda report: self._check_file(path, report))

    def load_text(self, text: str, name: str = "pasted text") -> None:
        """Check CSV text already in hand (a dry run)."""
        self.path_edit.setText(name)
        self._begin_check(lambda report: self._check_text(text, report))

    def _check_file(self, path: Path, report: Report) -> tuple[str, ImportReport]:
        report(f"Reading {path.name}…")
        text = read_csv_file(path)
        return self._check_text(text, report)

    def _check_text(self, text: str, report: Report) -> tuple[str, ImportReport]:
        report("Checking every row…")
        return text, self._importer(text, True)

    def _begin_check(self, work: Callable[[Report], tuple[str, ImportReport]]) -> None:
        self._set_state("checking", "Checking every row…")
        self._runner(work, self._checked, self._failed)

    def _checked(self, result: object) -> None:
        assert isinstance(result, tuple)
        text, report = result
        self._text = text
        self._show_report(report)

    def _failed(self, message: str) -> None:
        self._text = None
        self.report = None
        self.errors_model.set_rows(())
        self.preview_model.set_rows(())
        self.tabs.hide()
        self.counts.setText("")
        self._set_state("failed", f"⚠ {message} Nothing was imported.")

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        self.errors_model.set_rows(report.errors)
        self.preview_model.set_rows(report.preview)
        self.errors_table.resizeRowsToContents()
        self.tabs.setTabText(0, f"Problems ({len(report.errors)})")
        self.tabs.setTabText(1, f"Rows to import ({report.rows_ok})")
        self.tabs.setTabVisible(0, bool(report.errors))
        self.tabs.show()
        self.counts.setText(self._counts(report))
        if report.errors:
            rows = len({e.row_number for e in report.errors})
            problems = len(report.errors)
            self._set_state(
                "problems",
                f"⚠ {problems} problem{'s' if problems != 1 else ''} in "
                f"{rows} row{'s' if rows != 1 else ''}: nothing will be imported. "
                "Correct the file and choose it again.",
            )
            self.tabs.setCurrentIndex(0)
        elif report.rows_ok == 0:
            self._set_state("problems", "The file holds no values to import.")
        else:
            self._set_state(
                "ready",
                f"✓ All {report.rows_ok} row{'s are' if report.rows_ok != 1 else ' is'} "
                "valid and ready to import.",
            )
            self.tabs.setCurrentIndex(1)

    @staticmethod
    def _counts(report: ImportReport) -> str:
        parts = [
            f"{report.count(RowAction.NEW)} new",
            f"{report.count(RowAction.UPDATE)} updating months already held",
            f"{report.count(RowAction.UNCHANGED)} the same as held",
        ]
        rows = "row" if report.rows_ok == 1 else "rows"
        return f"Of the {report.rows_ok} valid {rows}: " + ", ".join(parts) + "."

    def _set_state(self, state: str, text: str) -> None:
        self.state = state
        self.status.setText(text)
        self.status.setAccessibleName(text)
        busy = state in ("checking", "importing")
        self.choose_button.setEnabled(not busy)
        ready = state == "ready" and self.report is not None
        self.import_button.setEnabled(ready)
        rows = self.report.rows_ok if self.report is not None else 0
        self.import_button.setText(
            f"Import {rows} row{'s' if rows != 1 else ''}" if ready else "Import"
        )

    # Importing ---------------------------------------------------------------

    def start_import(self) -> None:
        """Import the checked text (the same checks again, then every row or none)."""
        text = self._text
        if self.state != "ready" or text is None:
            return
        self._set_state("importing", "Importing…")

        def work(report: Report) -> object:
            report("Importing…")
            return self._importer(text, False)

        self._runner(work, self._imported, self._failed)

    def _imported(self, result: object) -> None:
        assert isinstance(result, ImportReport)
        if not result.written:
            self._show_report(result)
            return
        self.report = result
        self._set_state("imported", f"Imported {result.rows_ok} rows.")
        self._on_imported(result)
        self.accept()
