"""Importing the plan, risks or indicators from a spreadsheet: a four-step dialog, and its menu.

`ImportDialog` walks a clerk through `db.importers`:

1. **File** — choose an .xlsx or .csv (the sheet and header row are found
   from the headings; another sheet can be picked);
2. **Columns** — one line per column of the file with a combo saying what it
   imports as (suggested from the headings), its first values, and below a
   preview of the first rows as they will be read; mappings load and save as
   JSON, the same files `boardpack import --mapping` takes;
3. **Check** — every row checked: the problems in a table (row as the
   spreadsheet numbers it, column, reason) and the notes (how a cell was
   read) in another; **Import** stays disabled while any problem remains;
4. **Done** — what was created and updated.

Reading, checking and importing run on a `desktop.background` worker, so a
tracker of thousands of rows never freezes the window; nothing is written
before Import, and then every row or none.

`SpreadsheetButton` is the "Spreadsheet" menu the Plan, Risks and
Performance pages put in their headers: "Import from spreadsheet…" (the
secretariat's) and "Export…" (.xlsx or .csv, in the layout the import reads).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.importers import ImportReport, Kind, Mapping, RowIssue, Table, fields_for
from widgets.page_parts import muted, read_only_table

if TYPE_CHECKING:
    from db.store import Database
    from desktop.background import Report, Worker
    from desktop.pages.base import PageEnv

#: Runs `work` off the GUI thread; then `done(result)` or `failed(message)` on it.
Runner = Callable[
    [Callable[["Report"], object], Callable[[object], None], Callable[[str], None]], None
]

NOT_IMPORTED = "(not imported)"
PREVIEW_ROWS = 12
STEPS = ("1 File", "2 Columns", "3 Check", "4 Done")
TOPIC = {Kind.PLAN: "plan", Kind.RISKS: "risks", Kind.KPIS: "kpis"}


class RowsModel(QAbstractTableModel):
    """A read-only table of strings with headings."""

    def __init__(self, headings: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headings = list(headings)
        self.rows: list[tuple[str, ...]] = []

    def set_rows(self, headings: Sequence[str] | None, rows: Sequence[tuple[str, ...]]) -> None:
        self.beginResetModel()
        if headings is not None:
            self.headings = list(headings)
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headings)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headings[section] if section < len(self.headings) else None
        return None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _issue_rows(issues: Sequence[RowIssue]) -> list[tuple[str, ...]]:
    return [(str(i.row), i.column or "", i.reason) for i in issues]


def _sample(table: Table, column: int, count: int = 3) -> str:
    from db.importers.values import clip, text_of

    values = []
    for row in table.rows:
        if row.merged:
            continue  # a theme heading across the sheet, not a value of the column
        text = text_of(row.cells[column].value)
        if text:
            values.append(clip(text, 40))
        if len(values) == count:
            break
    return "; ".join(values)


class ImportDialog(QDialog):
    """Choose a file, map its columns, see every row checked, import it whole."""

    imported = Signal(object)  # the ImportReport of a written import

    def __init__(
        self,
        database: Database,
        actor_id: str | None,
        plan_id: str,
        kind: Kind = Kind.PLAN,
        *,
        path: Path | None = None,
        today: dt.date | None = None,
        runner: Runner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("spreadsheetImportDialog")
        self.setWindowTitle(f"Import the {kind.label} from a spreadsheet")
        self.setAccessibleName(self.windowTitle())
        self.resize(980, 640)
        self.database, self.actor_id, self.plan_id, self.kind = database, actor_id, plan_id, kind
        self.today = today or dt.date.today()
        self._runner = runner or self._worker_runner
        self._worker: Worker | None = None
        self.path: Path | None = None
        self.table: Table | None = None
        self.mapping: Mapping | None = None
        self.report: ImportReport | None = None
        self.state = (
            "empty"  # empty, reading, mapped, checking, problems, ready, importing, done, failed
        )
        self._labels = {spec.name: spec.label for spec in fields_for(kind)}
        self._filling = False

        self.steps = QLabel()
        self.steps.setObjectName("importSteps")
        self.steps.setTextFormat(Qt.TextFormat.RichText)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._file_page())
        self.stack.addWidget(self._columns_page())
        self.stack.addWidget(self._check_page())
        self.stack.addWidget(self._done_page())
        self.status = QLabel("Choose a file.")
        self.status.setObjectName("importStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        font = self.status.font()
        font.setBold(True)
        self.status.setFont(font)

        self.back_button = QPushButton("Back")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("Next")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton("Cancel")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.back_button, self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.steps)
        layout.addWidget(self.stack, 1)
        layout.addLayout(buttons)
        self._update()
        if path is not None:
            self.load_file(path)

    # Pages -------------------------------------------------------------------

    def _file_page(self) -> QWidget:
        page = QWidget()
        intro = muted(
            f"Choose the {self.kind.label} as your council keeps it, in Excel (.xlsx) or CSV. "
            "Title rows above the header, theme rows merged across the sheet, dates written "
            "as text and RAG kept only as a cell colour are all understood. Nothing is "
            "written until you press Import, and then every row or none."
        )
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("No file chosen")
        self.path_edit.setAccessibleName("The file to import")
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setAccessibleName("The sheet to read")
        self.sheet_combo.activated.connect(self._sheet_chosen)
        sheet_row = QHBoxLayout()
        self.sheet_label = QLabel("Sheet:")
        sheet_row.addWidget(self.sheet_label)
        sheet_row.addWidget(self.sheet_combo, 1)
        self.file_summary = muted("")
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addLayout(sheet_row)
        layout.addWidget(self.file_summary)
        layout.addStretch(1)
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget()
        self.columns_intro = muted("")
        self.columns_table = QTableWidget(0, 3)
        self.columns_table.setObjectName("mappingTable")
        self.columns_table.setAccessibleName("Columns of the file and what each imports as")
        self.columns_table.setHorizontalHeaderLabels(
            ["Column in the file", "Imports as", "First values"]
        )
        self.columns_table.verticalHeader().hide()
        header = self.columns_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 190)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.load_mapping_button = QPushButton("Load mapping…")
        self.load_mapping_button.clicked.connect(self._load_mapping)
        self.save_mapping_button = QPushButton("Save mapping…")
        self.save_mapping_button.clicked.connect(self._save_mapping)
        tools = QHBoxLayout()
        tools.addWidget(self.columns_intro, 1)
        tools.addWidget(self.load_mapping_button)
        tools.addWidget(self.save_mapping_button)
        self.preview_label = QLabel(f"Preview: the first {PREVIEW_ROWS} rows as they will be read")
        self.preview_model = RowsModel([], self)
        self.preview_table = read_only_table(
            "importPreview", "Preview of the rows as read", "The first rows as they will be read."
        )
        self.preview_table.setModel(self.preview_model)
        self.preview_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive
        )
        layout = QVBoxLayout(page)
        layout.addLayout(tools)
        layout.addWidget(self.columns_table, 3)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview_table, 2)
        return page

    def _check_page(self) -> QWidget:
        page = QWidget()
        self.counts = muted("")
        self.errors_model = RowsModel(["Row", "Column", "Reason"], self)
        self.errors_table = read_only_table(
            "importErrors",
            "Problems found in the file",
            "One line per problem: the row as the spreadsheet numbers it, the column, the reason.",
        )
        self.errors_table.setModel(self.errors_model)
        self.notes_model = RowsModel(["Row", "Column", "Note"], self)
        self.notes_table = read_only_table(
            "importNotes", "Notes on how cells were read", "How cells were read; not problems."
        )
        self.notes_table.setModel(self.notes_model)
        for view in (self.errors_table, self.notes_table):
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
            view.setWordWrap(True)
        self.check_tabs = QTabWidget()
        self.check_tabs.setObjectName("importCheckTabs")
        self.check_tabs.addTab(self.errors_table, "Problems")
        self.check_tabs.addTab(self.notes_table, "Notes")
        layout = QVBoxLayout(page)
        layout.addWidget(self.counts)
        layout.addWidget(self.check_tabs, 1)
        return page

    def _done_page(self) -> QWidget:
        page = QWidget()
        self.done_label = QLabel("")
        self.done_label.setObjectName("importSummary")
        self.done_label.setWordWrap(True)
        self.done_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(page)
        layout.addWidget(self.done_label)
        layout.addStretch(1)
        return page

    # Navigation --------------------------------------------------------------

    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def _go(self, step: int) -> None:
        self.stack.setCurrentIndex(step)
        self._update()

    def back(self) -> None:
        if self.step in (1, 2) and self.state not in ("reading", "checking", "importing"):
            self._go(self.step - 1)

    def next(self) -> None:
        if self.step == 0 and self.table is not None:
            self._go(1)
        elif self.step == 1 and self.mapping is not None:
            self._go(2)
            if self._checked_mapping is not self.mapping or self.state not in ("ready", "problems"):
                self.check()

    def _update(self) -> None:
        marks = []
        for index, name in enumerate(STEPS):
            marks.append(f"<b>{name}</b>" if index == self.step else name)
        self.steps.setText(" &nbsp;›&nbsp; ".join(marks))
        busy = self.state in ("reading", "checking", "importing")
        self.back_button.setVisible(self.step in (1, 2))
        self.back_button.setEnabled(not busy)
        self.next_button.setVisible(self.step in (0, 1))
        self.next_button.setEnabled(
            not busy
            and (
                (self.step == 0 and self.table is not None)
                or (self.step == 1 and self.mapping is not None)
            )
        )
        ready = self.step == 2 and self.state == "ready"
        self.import_button.setVisible(self.step == 2)
        self.import_button.setEnabled(ready)
        rows = len(self.report.records) if self.report is not None and ready else 0
        self.import_button.setText(f"Import {rows} {self.kind.noun}" if ready else "Import")
        self.close_button.setText("Close" if self.step == 3 else "Cancel")
        self.choose_button.setEnabled(not busy)

    def _set_state(self, state: str, text: str) -> None:
        self.state = state
        self.status.setText(text)
        self.status.setAccessibleName(text)
        self._update()

    # Running work ------------------------------------------------------------

    def _worker_runner(
        self,
        work: Callable[[Report], object],
        done: Callable[[object], None],
        failed: Callable[[str], None],
    ) -> None:
        from desktop.background import Op, Worker, one_line

        if self._worker is None:
            self._worker = Worker(self)
        Op(self._worker, work).success(done).failure(lambda e: failed(one_line(e))).run()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Stop the dialog's worker (an import in progress finishes or rolls back)."""
        if self._worker is not None:
            self._worker.shutdown(timeout_ms)

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)

    def _failed(self, message: str) -> None:
        self._set_state("failed", f"⚠ {message}")

    # Step 1: the file --------------------------------------------------------

    def _choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            f"Choose the {self.kind.label} spreadsheet",
            "",
            "Spreadsheets (*.xlsx *.xlsm *.csv *.txt);;All files (*)",
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path, sheet: str | None = None) -> None:
        """Read `path` off the GUI thread, suggest a mapping, and go to the Columns step."""
        from db.importers import read_table, suggest_mapping

        self.path = path
        self.path_edit.setText(str(path))
        kind = self.kind

        def work(report: Report) -> object:
            report(f"Reading {path.name}…")
            table = read_table(path, kind, sheet=sheet)
            return table, suggest_mapping(table, kind)

        self._set_state("reading", f"Reading {path.name}…")
        self._runner(work, self._read, self._read_failed)

    def _read_failed(self, message: str) -> None:
        self.table = None
        self.mapping = None
        self.file_summary.setText("")
        self._go(0)
        self._failed(message)

    def _read(self, result: object) -> None:
        assert isinstance(result, tuple)
        table, mapping = result
        self.table = table
        self._show_sheets(table)
        where = f"sheet '{table.sheet}', " if table.sheet else ""
        self.file_summary.setText(
            f"Read {len(table.rows)} rows below the header ({where}header in row "
            f"{table.header_row}) with {len(table.headings)} columns."
        )
        self.set_mapping(mapping)
        self._go(1)

    def _show_sheets(self, table: Table) -> None:
        self.sheet_combo.clear()
        self.sheet_combo.addItems(list(table.sheets))
        if table.sheet:
            self.sheet_combo.setCurrentText(table.sheet)
        shown = len(table.sheets) > 1
        self.sheet_combo.setVisible(shown)
        self.sheet_label.setVisible(shown)

    def _sheet_chosen(self, _index: int) -> None:
        name = self.sheet_combo.currentText()
        if self.path is not None and self.table is not None and name != self.table.sheet:
            self.load_file(self.path, name)

    # Step 2: the columns -----------------------------------------------------

    def set_mapping(self, mapping: Mapping) -> None:
        """Show `mapping` in the columns table and preview the rows it reads."""
        table = self.table
        assert table is not None
        self.mapping = mapping
        self._filling = True
        self.columns_table.setRowCount(len(table.headings))
        choices = [NOT_IMPORTED, *self._labels.values()]
        for row, heading in enumerate(table.headings):
            item = QTableWidgetItem(heading)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.columns_table.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItems(choices)
            combo.setAccessibleName(f"What the column {heading} imports as")
            name = mapping.columns.get(heading)
            combo.setCurrentText(self._labels[name] if name else NOT_IMPORTED)
            combo.currentTextChanged.connect(lambda text, h=heading: self._column_changed(h, text))
            self.columns_table.setCellWidget(row, 1, combo)
            sample = QTableWidgetItem(_sample(table, row))
            sample.setFlags(sample.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.columns_table.setItem(row, 2, sample)
        self._filling = False
        missing = [spec.label for spec in mapping.missing_required()]
        self.columns_intro.setText(
            "Say what each column holds; columns left as “not imported” are ignored. "
            + (f"Still needed: {', '.join(missing)}." if missing else "")
        )
        self._preview()

    def combo_for(self, heading: str) -> QComboBox:
        """The combo of a column (for tests and keyboard users' scripts)."""
        assert self.table is not None
        widget = self.columns_table.cellWidget(self.table.headings.index(heading), 1)
        assert isinstance(widget, QComboBox)
        return widget

    def _column_changed(self, heading: str, text: str) -> None:
        if self._filling or self.mapping is None:
            return
        by_label = {label: name for name, label in self._labels.items()}
        self.set_mapping(self.mapping.with_column(heading, by_label.get(text)))

    def _preview(self) -> None:
        """Check the rows (a dry run) and show the first ones as read."""
        self._check(preview_only=True)

    def _load_mapping(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Load a mapping", "", "Mappings (*.json)")
        if name:
            self.load_mapping(Path(name))

    def load_mapping(self, path: Path) -> None:
        """Use the mapping saved in `path` (a problem is said in the status line)."""
        from db.errors import BoardpackError

        try:
            mapping = Mapping.from_json(path.read_text(encoding="utf-8-sig"), self.kind)
            if self.table is not None:
                mapping.check(self.table)
        except (OSError, UnicodeDecodeError) as error:
            self._failed(f"the mapping {path.name} cannot be read ({error})")
            return
        except BoardpackError as error:
            self._failed(str(error))
            return
        self.set_mapping(mapping)

    def _save_mapping(self) -> None:
        if self.mapping is None:
            return
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the mapping", "mapping.json", "Mappings (*.json)"
        )
        if name:
            try:
                Path(name).write_text(self.mapping.to_json(), encoding="utf-8")
            except OSError as error:
                self._failed(f"the mapping cannot be saved ({error.strerror or error})")

    # Step 3: the check -------------------------------------------------------

    def check(self) -> None:
        """Check every row against the file's rules and the board (a dry run)."""
        self._check(preview_only=False)

    def _check(self, *, preview_only: bool) -> None:
        from db.importers import validate_import

        table, mapping = self.table, self.mapping
        if table is None or mapping is None:
            return
        database, actor, plan, today = self.database, self.actor_id, self.plan_id, self.today

        def work(report: Report) -> object:
            report("Checking every row…")
            with database.session() as session:
                return validate_import(session, actor, plan, table, mapping, today=today)

        def done(result: object) -> None:
            if mapping is not self.mapping:
                return  # the mapping changed while this check ran; a newer one follows
            assert isinstance(result, ImportReport)
            self._checked_mapping = mapping
            self._show_report(result)

        self._set_state("checking", "Checking every row…")
        self._runner(work, done, self._failed)

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        records = report.records[:PREVIEW_ROWS]
        headings = list(records[0].shown) if records else []
        self.preview_model.set_rows(
            ["Row", "Will be", *headings],
            [(str(r.row), r.action, *(r.shown.get(h, "") for h in headings)) for r in records],
        )
        self.errors_model.set_rows(None, _issue_rows(report.errors))
        self.notes_model.set_rows(None, _issue_rows(report.notes))
        self.errors_table.resizeRowsToContents()
        self.check_tabs.setTabText(0, f"Problems ({len(report.errors)})")
        self.check_tabs.setTabText(1, f"Notes ({len(report.notes)})")
        self.counts.setText(
            f"{len(report.records)} {self.kind.noun} in valid rows: {report.created} new, "
            f"{report.updated} updating what the board holds, {report.unchanged} the same as held"
            + (
                f"; {len(report.people_created)} owners to add as people."
                if report.people_created
                else "."
            )
        )
        if report.errors:
            rows = len({e.row for e in report.errors})
            self.check_tabs.setCurrentIndex(0)
            self._set_state(
                "problems",
                f"⚠ {_plural(len(report.errors), 'problem')} in {_plural(rows, 'row')}: "
                "nothing will be imported. Correct the file or the columns.",
            )
        elif not report.records:
            self._set_state("problems", "The file has no rows to import.")
        else:
            self.check_tabs.setCurrentIndex(1 if report.notes else 0)
            self._set_state(
                "ready", f"✓ Every row is valid: {len(report.records)} {self.kind.noun}."
            )

    # Step 4: the import ------------------------------------------------------

    def start_import(self) -> None:
        """Import the checked file: the same checks again, then every row or none."""
        from db.importers import import_table

        table, mapping = self.table, self.mapping
        if self.state != "ready" or table is None or mapping is None:
            return
        database, actor, plan, today = self.database, self.actor_id, self.plan_id, self.today

        def work(report: Report) -> object:
            report("Importing…")
            with database.begin(actor) as session:
                return import_table(session, actor, plan, table, mapping, today=today)

        self._set_state("importing", "Importing…")
        self._runner(work, self._imported, self._failed)

    def _imported(self, result: object) -> None:
        assert isinstance(result, ImportReport)
        if not result.written:
            self._show_report(result)
            return
        self.report = result
        people = (
            f" {len(result.people_created)} owners were added as people (no role on the board)."
            if result.people_created
            else ""
        )
        self.done_label.setText(
            f"Imported {len(result.records)} {self.kind.noun} from {result.source}: "
            f"{result.created} new, "
            f"{result.updated} updated, {result.unchanged} unchanged.{people}"
        )
        self._go(3)
        self._set_state("done", "✓ Imported.")
        self.imported.emit(result)


class SpreadsheetButton(QToolButton):
    """A page header's "Spreadsheet" menu: import (secretariat) and export of one kind."""

    def __init__(
        self, kind: Kind, env: Callable[[], PageEnv | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self._env = env
        self.dialog: ImportDialog | None = None
        self.setObjectName(f"spreadsheet_{kind.value}")
        self.setText("Spreadsheet")
        self.setAccessibleName(f"Import or export the {kind.label} as a spreadsheet")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self)
        self.import_action = menu.addAction("Import from spreadsheet…", self.open_import)
        self.export_action = menu.addAction("Export…", self.export)
        menu.aboutToShow.connect(self._refresh)
        self.setMenu(menu)

    def _plan(self) -> tuple[PageEnv, str] | None:
        env = self._env()
        if env is None or env.context.plan_id is None:
            return None
        return env, env.context.plan_id

    def may_import(self) -> bool:
        from db.permissions import Capability, allowed

        found = self._plan()
        if found is None:
            return False
        env, _plan = found
        with env.database.session() as s:
            return allowed(s, env.actor_id, env.context.board_id, Capability.EDIT_BUSINESS)

    def _refresh(self) -> None:
        may = self.may_import()
        self.import_action.setEnabled(may)
        self.import_action.setToolTip("" if may else "Only the secretariat imports into the board.")
        self.export_action.setEnabled(self._plan() is not None)

    def open_import(self, path: Path | None = None) -> ImportDialog | None:
        """Open the import dialog (returns it, for tests); None when not allowed."""
        found = self._plan()
        if found is None or not self.may_import():
            return None
        env, plan_id = found
        dialog = ImportDialog(
            env.database,
            env.actor_id,
            plan_id,
            self.kind,
            path=path,
            today=env.today,
            parent=self.window(),
        )
        dialog.imported.connect(lambda _report: env.announce(TOPIC[self.kind]))
        self.dialog = dialog
        dialog.open()
        return dialog

    def export(self, out: Path | None = None) -> int | None:
        """Export to `out` (asked for when None); the number of rows, None when not done."""
        from db.errors import BoardpackError
        from exports.tabular import export_table

        found = self._plan()
        if found is None:
            return None
        env, plan_id = found
        if out is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                f"Export the {self.kind.label}",
                f"{TOPIC[self.kind]}.xlsx",
                "Excel workbook (*.xlsx);;CSV (*.csv)",
            )
            if not name:
                return None
            out = Path(name)
        try:
            with env.database.session() as s:
                rows = export_table(s, plan_id, self.kind, out)
        except (BoardpackError, OSError) as error:
            QMessageBox.warning(self, "Export", f"The export was not written: {error}")
            return None
        return rows
