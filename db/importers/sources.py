"""Reading a spreadsheet as councils keep it: an XLSX sheet or a CSV file into a `Table`.

A `Table` is the part of the file below its header row: each row keeps the
number the spreadsheet shows, every cell's value and (XLSX) fill colour, and
whether the row is a heading merged across the sheet (a theme row). The
header row is found, not assumed: the first 30 rows are scored by how many
of their cells are known headings for the kind being imported, so title rows
above it are skipped; in a workbook the sheet with the best header is taken
unless one is named. CSV text is decoded as UTF-8 (with or without BOM),
UTF-16 with a BOM, or Windows-1252 (what Excel on Windows writes), and its
delimiter (comma, semicolon, tab, bar) is sniffed from the header.

Whatever the file holds, reading either returns a `Table` or raises
`ImportFileError` with one sentence — openpyxl's many exceptions for damaged
workbooks are turned into that at this boundary.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.errors import ValidationError
from db.importers.values import Formula, clip, is_blank, text_of

#: How many rows from the top are searched for the header.
HEADER_SEARCH_ROWS = 30
#: The largest file read (a tracker is a few MB at most).
MAX_FILE_BYTES = 50 * 1024 * 1024
#: The most data rows read from one sheet.
MAX_ROWS = 100_000
#: The most columns read.
MAX_COLUMNS = 200


class ImportFileError(ValidationError):
    """The file cannot be read as a table (missing, damaged, wrong format, no header)."""


@dataclass(frozen=True)
class Cell:
    """One cell: its value as read (str, int, float, date, bool or None) and its fill colour."""

    value: Any
    fill: str | None = None  # "#RRGGBB" of a solid fill, None for none


@dataclass(frozen=True)
class SourceRow:
    """A row below the header, numbered as the spreadsheet shows it."""

    number: int
    cells: tuple[Cell, ...]  # one per header column
    merged: bool = False  # the row's first cell is merged across several columns

    def filled(self) -> list[Cell]:
        return [cell for cell in self.cells if not is_blank(cell.value)]


@dataclass(frozen=True)
class Table:
    """A file's header and the rows below it."""

    source: str  # the file name, for messages and notes
    sheet: str | None  # the sheet read (None for CSV)
    sheets: tuple[str, ...]  # every sheet of the workbook
    header_row: int
    headings: tuple[str, ...]  # as the file shows them, made unique ("Column C" for blanks)
    rows: tuple[SourceRow, ...]

    def column(self, heading: str) -> int:
        return self.headings.index(heading)


# A scorer gives each heading text a 1 when it is a known heading for the kind.
HeaderScore = Callable[[str], int]


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _headings(cells: Sequence[Cell]) -> tuple[str, ...]:
    seen: dict[str, int] = {}
    out = []
    for index, cell in enumerate(cells):
        text = " ".join(text_of(cell.value).split())[:120] or f"Column {_letter(index)}"
        key = text.casefold()
        seen[key] = seen.get(key, 0) + 1
        out.append(text if seen[key] == 1 else f"{text} ({seen[key]})")
    return tuple(out)


def _find_header(
    rows: Sequence[tuple[int, tuple[Cell, ...], bool]], score: HeaderScore
) -> tuple[int, int]:
    """(index into rows, score) of the best header row among the first rows."""
    best, best_score = -1, 0
    for index, (_number, cells, _merged) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        texts = [text_of(c.value) for c in cells if isinstance(c.value, str)]
        points = sum(score(t) for t in texts)
        if points > best_score:
            best, best_score = index, points
    if best < 0:  # nothing known: the first row with two or more text cells
        for index, (_number, cells, _merged) in enumerate(rows[:HEADER_SEARCH_ROWS]):
            if sum(1 for c in cells if isinstance(c.value, str) and c.value.strip()) >= 2:
                return index, 0
    return best, best_score


def _build(
    source: str,
    sheet: str | None,
    sheets: tuple[str, ...],
    rows: Sequence[tuple[int, tuple[Cell, ...], bool]],
    score: HeaderScore,
    header_row: int | None,
) -> tuple[Table, int]:
    if header_row is not None:
        index = next((i for i, (n, _c, _m) in enumerate(rows) if n == header_row), -1)
        if index < 0:
            raise ImportFileError(f"{source} has nothing in row {header_row} to use as the header")
        points = 0
    else:
        index, points = _find_header(rows, score)
        if index < 0:
            where = f"sheet '{sheet}' of {source}" if sheet else source
            raise ImportFileError(f"{where} has no header row (a row naming its columns)")
    header_cells = rows[index][1]
    width = 0
    for _number, cells, _merged in rows[index:]:
        for i in range(len(cells) - 1, width - 1, -1):
            if not is_blank(cells[i].value):
                width = i + 1
                break
    width = min(width, MAX_COLUMNS)
    padded = tuple(header_cells[:width]) + (Cell(None),) * (width - len(header_cells[:width]))
    headings = _headings(padded)
    body = []
    for number, cells, merged in rows[index + 1 :]:
        cut = tuple(cells[:width]) + (Cell(None),) * max(0, width - len(cells))
        if all(is_blank(c.value) for c in cut):
            continue
        body.append(SourceRow(number, cut, merged))
    table = Table(source, sheet, sheets, rows[index][0], headings, tuple(body))
    return table, points


def _check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(f"there is no file {path}") from None
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read ({error.strerror or error})") from None
    if not path.is_file():
        raise ImportFileError(f"{path} is not a file")
    if size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{path.name} is {size / 1e6:.0f} MB; a tracker over "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB is not read"
        )


def read_source(
    path: str | Path,
    score: HeaderScore,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
) -> Table:
    """Read an .xlsx/.xlsm or .csv/.txt file into a `Table` (format by the file's content).

    Raises:
        ImportFileError: missing, unreadable or damaged file, an old .xls, no header.
    """
    path = Path(path)
    _check_size(path)
    try:
        head = path.read_bytes()[:8]
    except OSError as error:
        raise ImportFileError(f"{path} cannot be read ({error.strerror or error})") from None
    if head.startswith(b"PK"):
        return _read_xlsx(path, score, sheet, header_row)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            f"{path.name} is an old Excel (.xls) file; save it as .xlsx or .csv and import that"
        )
    if sheet is not None:
        raise ImportFileError(f"{path.name} is a CSV file; it has no sheet '{clip(sheet)}'")
    return read_csv_bytes(path.read_bytes(), path.name, score, header_row=header_row)


# -- CSV ---------------------------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(f"{name} is not readable UTF-16 text") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{name} is not text in UTF-8 or Windows-1252; save it from Excel as CSV UTF-8"
            ) from None
    if "\x00" in text:
        raise ImportFileError(f"{name} is not a text file (it holds binary data)")
    return text


def _delimiter(text: str) -> str:
    """The delimiter giving the most rows of the same (more than one) number of fields.

    Read from the first rows with `csv` itself, so quoted commas do not count;
    title rows above the header (one field whatever the delimiter) do not vote.
    """
    sample = text.splitlines()[: HEADER_SEARCH_ROWS * 2]
    best, best_score = ",", (0, 0)
    for candidate in (",", ";", "\t", "|"):
        try:
            widths = [len(row) for row in csv.reader(sample, delimiter=candidate) if len(row) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=lambda w: (widths.count(w), w))
        score = (widths.count(mode), mode)
        if score > best_score:
            best, best_score = candidate, score
    return best


def read_csv_bytes(
    data: bytes, name: str, score: HeaderScore, *, header_row: int | None = None
) -> Table:
    """A `Table` from CSV bytes (see `decode` for the encodings taken)."""
    text = decode(data, name)
    if not text.strip():
        raise ImportFileError(f"{name} is empty")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[tuple[int, tuple[Cell, ...], bool]] = []
    try:
        line = 1
        for cells in reader:
            if len(rows) > MAX_ROWS:
                raise ImportFileError(f"{name} has more than {MAX_ROWS:,} rows")
            rows.append((line, tuple(Cell(c) for c in cells[:MAX_COLUMNS]), False))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ImportFileError(f"{name} cannot be read as CSV ({error})") from None
    return _build(name, None, (), rows, score, header_row)[0]


# -- XLSX --------------------------------------------------------------------------------


def _fill(cell: Any) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type != "solid":
        return None
    colour = fill.fgColor
    if colour is None or colour.type != "rgb" or not isinstance(colour.rgb, str):
        return None  # theme and indexed colours are not resolved
    rgb = colour.rgb[-6:]
    return f"#{rgb.upper()}" if len(rgb) == 6 else None


def _value(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dt.time | dt.timedelta):
        return str(value)
    return value


def _sheet_rows(ws: Any) -> list[tuple[int, tuple[Cell, ...], bool]]:
    merged_starts: dict[tuple[int, int], int] = {}
    for rng in ws.merged_cells.ranges:
        merged_starts[(rng.min_row, rng.min_col)] = rng.max_col - rng.min_col + 1
    rows: list[tuple[int, tuple[Cell, ...], bool]] = []
    for row in ws.iter_rows(max_col=min(ws.max_column or 1, MAX_COLUMNS)):
        if len(rows) > MAX_ROWS:
            raise ImportFileError(f"sheet '{ws.title}' has more than {MAX_ROWS:,} rows")
        cells = tuple(
            Cell(Formula(c.value) if c.data_type == "f" else _value(c.value), _fill(c)) for c in row
        )
        number = row[0].row if row else len(rows) + 1
        first = next((i for i, c in enumerate(cells) if not is_blank(c.value)), None)
        merged = first is not None and merged_starts.get((number, first + 1), 1) > 1
        rows.append((number, cells, merged))
    return rows


def _cached_values(path: Path, sheet: str) -> dict[tuple[int, int], Any]:
    import openpyxl

    with path.open("rb") as fh:
        workbook = openpyxl.load_workbook(fh, data_only=True)
    try:
        return {
            (cell.row, cell.column): cell.value
            for row in workbook[sheet].iter_rows(max_col=MAX_COLUMNS)
            for cell in row
            if cell.value is not None
        }
    finally:
        workbook.close()


def _with_formula_values(path: Path, sheet: str, rows: list[Any]) -> list[Any]:
    """Formulas replaced by the values Excel saved with them (left as text when none)."""
    if not any(isinstance(c.value, Formula) for _n, cells, _m in rows for c in cells):
        return rows
    cached = _cached_values(path, sheet)
    out = []
    for number, cells, merged in rows:
        fixed = tuple(
            Cell(_value(cached.get((number, i + 1), c.value)), c.fill)
            if isinstance(c.value, Formula)
            else c
            for i, c in enumerate(cells)
        )
        out.append((number, fixed, merged))
    return out


def _read_xlsx(path: Path, score: HeaderScore, sheet: str | None, header_row: int | None) -> Table:
    import openpyxl

    try:
        with path.open("rb") as fh:
            workbook = openpyxl.load_workbook(fh, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError) as error:
        raise ImportFileError(
            f"{path.name} cannot be read as an Excel workbook ({clip(error, 80)})"
        ) from None
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(
            f"{path.name} cannot be read as an Excel workbook ({type(error).__name__})"
        ) from None
    try:
        names = tuple(workbook.sheetnames)
        if sheet is not None and sheet not in names:
            raise ImportFileError(
                f"{path.name} has no sheet '{clip(sheet)}'; its sheets are "
                + ", ".join(f"'{n}'" for n in names)
            )
        candidates = [sheet] if sheet is not None else list(names)
        best: tuple[Table, int] | None = None
        best_rows: list[tuple[int, tuple[Cell, ...], bool]] = []
        first_error: ImportFileError | None = None
        for name in candidates:
            ws = workbook[name]
            if not hasattr(ws, "merged_cells"):
                continue  # a chart sheet
            try:
                rows = _sheet_rows(ws)
                found = _build(path.name, name, names, rows, score, header_row)
            except ImportFileError as error:
                first_error = first_error or error
                continue
            if best is None or found[1] > best[1]:
                best = found
                best_rows = rows
        if best is None:
            raise first_error or ImportFileError(f"{path.name} has no sheet with a table")
        table = best[0]
        assert table.sheet is not None
        resolved = _with_formula_values(path, table.sheet, best_rows)
        if resolved is best_rows:
            return table
        return _build(path.name, table.sheet, names, resolved, score, table.header_row)[0]
    except ImportFileError:
        raise
    except Exception as error:  # a damaged part of the workbook met while reading it
        raise ImportFileError(
            f"{path.name} cannot be read as an Excel workbook ({type(error).__name__})"
        ) from None
    finally:
        workbook.close()
