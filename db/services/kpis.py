"""Performance indicators as the Performance page and the CLI see them, and their writes.

Reads: one row per indicator (latest value and period, target, that period's
national and regional benchmarks, the direction of travel read through its
polarity, the Select Committee's sustained-decline flag from `db.rules`,
whether the target is met) and one indicator's whole series for a chart.
Writes, both secretariat only (`Capability.EDIT_BUSINESS`): the service's
narrative on the trend, and `import_kpi_values`, which reads a month-by-month
CSV, checks every row first and writes nothing at all unless every row is
valid — a clerk fixes the file and imports it again, never half of it. A
period already held for an indicator is updated from the file, so a corrected
return can simply be re-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.errors import NotFoundError, ValidationError
from db.models import Kpi, KpiValue, Person, Plan, Polarity
from db.permissions import Capability, require
from db.rules import SUSTAINED_DECLINE_MOVES, is_wrong_move, wrong_way_streak

#: The longest narrative kept (about four pages of text).
MAX_NARRATIVE = 20_000
#: A CSV with more errors than this lists the first ones and says how many more.
MAX_ERRORS = 500
#: Periods outside these years are taken for typing mistakes.
FIRST_YEAR, LAST_YEAR = 1990, 2100


class Direction(enum.Enum):
    """Which way the latest month moved, read through the indicator's polarity."""

    IMPROVING = "improving"
    WORSENING = "worsening"
    STEADY = "steady"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class KpiRow:
    """One indicator as the KPI list shows it."""

    kpi_id: str
    reference: str
    title: str
    unit: str
    higher_is_better: bool
    target: float | None
    latest_period: dt.date | None  # None: no values yet
    latest_value: float | None
    previous_value: float | None
    national: float | None  # for the latest period
    regional: float | None
    direction: Direction | None  # None: fewer than two values
    wrong_moves: int  # consecutive wrong-way moves ending at the latest period
    has_narrative: bool

    @property
    def sustained_decline(self) -> bool:
        return self.wrong_moves >= SUSTAINED_DECLINE_MOVES

    @property
    def met_target(self) -> bool | None:
        """Whether the latest value meets the target (None: no target or no value)."""
        if self.target is None or self.latest_value is None:
            return None
        if self.higher_is_better:
            return self.latest_value >= self.target
        return self.latest_value <= self.target


@dataclass(frozen=True)
class KpiPoint:
    period: dt.date
    value: float
    national: float | None
    regional: float | None
    note: str | None


@dataclass(frozen=True)
class KpiNarrative:
    """The service's narrative on an indicator's trend, and who wrote it when."""

    text: str | None
    by: str | None  # the author's name
    at: dt.datetime | None  # UTC


@dataclass(frozen=True)
class KpiSeries:
    """One indicator's values month by month, for its chart and narrative."""

    kpi_id: str
    reference: str
    title: str
    description: str | None
    unit: str
    higher_is_better: bool
    target: float | None
    source_note: str | None
    points: tuple[KpiPoint, ...]  # oldest first
    narrative: KpiNarrative

    @property
    def wrong_moves(self) -> int:
        polarity = Polarity.HIGHER_IS_BETTER if self.higher_is_better else Polarity.LOWER_IS_BETTER
        return wrong_way_streak([p.value for p in self.points], polarity)

    @property
    def sustained_decline(self) -> bool:
        return self.wrong_moves >= SUSTAINED_DECLINE_MOVES


@dataclass(frozen=True)
class RowError:
    """Why one row (or the header) of an import cannot be taken.

    `row_number` counts lines of the file as a spreadsheet numbers them: the
    header is row 1, the first value row 2. `column` is None for a problem
    with the row as a whole.
    """

    row_number: int
    column: str | None
    reason: str


class RowAction(enum.Enum):
    NEW = "new"
    UPDATE = "update"
    UNCHANGED = "unchanged"

    @property
    def label(self) -> str:
        return {"new": "New", "update": "Updates", "unchanged": "Same as held"}[self.value]


@dataclass(frozen=True)
class ImportRow:
    """A valid row of an import, and what importing it does."""

    row_number: int
    kpi_reference: str
    kpi_title: str
    unit: str
    period: dt.date
    value: float
    national: float | None
    regional: float | None
    note: str | None
    action: RowAction


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. Nothing was written unless `errors` is empty.

    `rows_ok` counts the rows that passed every check; `preview` lists them.
    """

    rows_ok: int
    errors: list[RowError] = field(default_factory=list)
    preview: tuple[ImportRow, ...] = ()
    written: bool = False  # False for a dry run and whenever there is an error

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: RowAction) -> int:
        return sum(1 for row in self.preview if row.action is action)


def reference_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key putting "K2" before "K10" (numbers compared as numbers)."""
    parts = re.split(r"(\d+)", reference.strip().casefold())
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


def _direction(previous: float, latest: float, polarity: Polarity) -> Direction:
    if is_wrong_move(previous, latest, polarity):
        return Direction.WORSENING
    if is_wrong_move(latest, previous, polarity):
        return Direction.IMPROVING
    return Direction.STEADY


# --------------------------------------------------------------------------- reads


def kpi_rows(
    session: Session, plan_id: str, *, sustained_decline_only: bool = False
) -> tuple[KpiRow, ...]:
    """The plan's indicators with their latest figures, by reference ("K2" before "K10").

    Args:
        session: an open session.
        plan_id: the plan.
        sustained_decline_only: only indicators in sustained decline.

    Returns:
        One row per indicator (those without values included, with no figures).
    """
    kpis = session.scalars(select(Kpi).where(Kpi.plan_id == plan_id)).all()
    series: dict[str, list[tuple[dt.date, float, float | None, float | None]]] = defaultdict(list)
    for kpi_id, period, value, national, regional in session.execute(
        select(
            KpiValue.kpi_id, KpiValue.period, KpiValue.value, KpiValue.national, KpiValue.regional
        )
        .join(Kpi, Kpi.id == KpiValue.kpi_id)
        .where(Kpi.plan_id == plan_id)
        .order_by(KpiValue.kpi_id, KpiValue.period)
    ):
        series[kpi_id].append((period, value, national, regional))
    rows = []
    for kpi in kpis:
        points = series.get(kpi.id, [])
        latest = points[-1] if points else None
        previous = points[-2] if len(points) > 1 else None
        streak = wrong_way_streak([p[1] for p in points], kpi.polarity)
        row = KpiRow(
            kpi_id=kpi.id,
            reference=kpi.reference,
            title=kpi.title,
            unit=kpi.unit,
            higher_is_better=kpi.polarity is Polarity.HIGHER_IS_BETTER,
            target=kpi.target,
            latest_period=latest[0] if latest else None,
            latest_value=latest[1] if latest else None,
            previous_value=previous[1] if previous else None,
            national=latest[2] if latest else None,
            regional=latest[3] if latest else None,
            direction=_direction(previous[1], latest[1], kpi.polarity)
            if latest and previous
            else None,
            wrong_moves=streak,
            has_narrative=bool(kpi.narrative and kpi.narrative.strip()),
        )
        if row.sustained_decline or not sustained_decline_only:
            rows.append(row)
    rows.sort(key=lambda r: reference_key(r.reference))
    return tuple(rows)


def _narrative(session: Session, kpi: Kpi) -> KpiNarrative:
    by = (
        session.scalar(select(Person.name).where(Person.id == kpi.narrative_by_id))
        if kpi.narrative_by_id
        else None
    )
    return KpiNarrative(kpi.narrative, by, kpi.narrative_at)


def kpi_series(session: Session, kpi_id: str) -> KpiSeries:
    """One indicator's values, benchmarks and narrative, oldest period first.

    Raises:
        NotFoundError: no such indicator.
    """
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFoundError("That indicator is not in this database.")
    points = tuple(
        KpiPoint(v.period, v.value, v.national, v.regional, v.note)
        for v in session.scalars(
            select(KpiValue).where(KpiValue.kpi_id == kpi_id).order_by(KpiValue.period)
        )
    )
    return KpiSeries(
        kpi_id=kpi.id,
        reference=kpi.reference,
        title=kpi.title,
        description=kpi.description,
        unit=kpi.unit,
        higher_is_better=kpi.polarity is Polarity.HIGHER_IS_BETTER,
        target=kpi.target,
        source_note=kpi.source_note,
        points=points,
        narrative=_narrative(session, kpi),
    )


def _plan_board(session: Session, plan_id: str) -> str:
    board_id = session.scalar(select(Plan.board_id).where(Plan.id == plan_id))
    if board_id is None:
        raise NotFoundError("That improvement plan is not in this database.")
    return board_id


# --------------------------------------------------------------------------- narrative


def set_narrative(
    session: Session, actor_id: str | None, kpi_id: str, text: str | None
) -> KpiNarrative:
    """Attach (or, with blank text, remove) the service's narrative on an indicator's trend.

    Secretariat only (`Capability.EDIT_BUSINESS`). The author and the time
    (the session's clock) are recorded with it.

    Args:
        session: the caller's session (the write joins its transaction).
        actor_id: who is writing.
        kpi_id: the indicator.
        text: the narrative; blank removes it.

    Returns:
        The narrative as now stored.

    Raises:
        NotFoundError: no such indicator.
        PermissionDeniedError: the actor is not the board's secretariat.
        ValidationError: the text is longer than `MAX_NARRATIVE` characters.
    """
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFoundError("That indicator is not in this database.")
    require(session, actor_id, _plan_board(session, kpi.plan_id), Capability.EDIT_BUSINESS)
    cleaned = (text or "").strip()
    if len(cleaned) > MAX_NARRATIVE:
        raise ValidationError(
            f"The narrative is {len(cleaned):,} characters long; keep it under {MAX_NARRATIVE:,}."
        )
    if cleaned:
        if cleaned != kpi.narrative:
            clock = session.info.get("clock", utcnow)
            kpi.narrative = cleaned
            kpi.narrative_by_id = actor_id
            kpi.narrative_at = clock()
    elif kpi.narrative is not None or kpi.narrative_by_id is not None:
        kpi.narrative = None
        kpi.narrative_by_id = None
        kpi.narrative_at = None
    session.flush()
    return _narrative(session, kpi)


# --------------------------------------------------------------------------- CSV import

KPI, PERIOD, VALUE, NATIONAL, REGIONAL, NOTE = (
    "kpi reference",
    "period",
    "value",
    "national",
    "regional",
    "note",
)
#: The columns an import file has, as its header should name them.
COLUMNS = (KPI, PERIOD, VALUE, NATIONAL, REGIONAL, NOTE)
REQUIRED = (KPI, PERIOD, VALUE)
_ALIASES = {
    "kpi reference": KPI,
    "kpi ref": KPI,
    "kpi": KPI,
    "reference": KPI,
    "indicator": KPI,
    "period": PERIOD,
    "month": PERIOD,
    "value": VALUE,
    "national": NATIONAL,
    "national average": NATIONAL,
    "regional": REGIONAL,
    "regional benchmark": REGIONAL,
    "note": NOTE,
    "notes": NOTE,
}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_MONTH_SLASH_YEAR = re.compile(r"(\d{1,2})/(\d{4})")
_NAMED_MONTH = re.compile(r"([A-Za-z]+)[ \-]+(\d{4})")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
PERIOD_FORMATS = 'YYYY-MM, YYYY-MM-DD, MM/YYYY or "Jan 2019"'


def parse_period(text: str) -> dt.date | None:
    """The month a period cell names, as its first day; None when it names none.

    Accepts "2019-03", "2019-03-31" (any day of the month), "03/2019" and
    "Mar 2019" / "March 2019" (any case).
    """
    text = text.strip()
    year = month = None
    if m := _ISO_DATE.fullmatch(text):
        try:
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
        year, month = day.year, day.month
    elif m := _YEAR_MONTH.fullmatch(text):
        year, month = int(m[1]), int(m[2])
    elif m := _MONTH_SLASH_YEAR.fullmatch(text):
        year, month = int(m[2]), int(m[1])
    elif m := _NAMED_MONTH.fullmatch(text):
        named = _MONTHS.get(m[1].casefold())
        if named is None:
            return None
        year, month = int(m[2]), named
    if year is None or month is None or not 1 <= month <= 12:
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    return dt.date(year, month, 1)


def _number(text: str, unit: str) -> tuple[float | None, str | None]:
    """(value, None) or (None, reason) for a number cell of an indicator in `unit`."""
    cleaned = text.strip()
    percent = unit.strip() == "%"
    if cleaned.endswith("%"):
        if not percent:
            return None, f'"{text.strip()}" has a % sign but the indicator is in {unit}'
        cleaned = cleaned[:-1].strip()
    if not _NUMBER.fullmatch(cleaned):
        return None, f'"{_clip(text)}" is not a number'
    value = float(cleaned.replace(",", ""))
    if not math.isfinite(value):
        return None, f'"{_clip(text)}" is not a number'
    if percent and not 0 <= value <= 100:
        return None, f"{_fmt(value)} is outside 0–100 for a percentage"
    return value, None


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int = 40) -> str:
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header_key(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class _Parsed:
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _read_csv(csv_text: str) -> _Parsed:
    """The file's value rows as {column: cell}, or the errors that stop it being read."""
    parsed = _Parsed()
    text = csv_text.removeprefix("\ufeff")
    if not text.strip():
        parsed.errors.append(RowError(1, None, "the file is empty"))
        return parsed
    first_line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    header: list[str | None] | None = None
    header_row = 1
    try:
        for cells in reader:
            row_number = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines and rows of empty cells (spreadsheet leftovers)
            if header is None:
                header_row = row_number
                header = _read_header(cells, row_number, parsed.errors)
                if parsed.errors:
                    return parsed
                continue
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                parsed.errors.append(
                    RowError(
                        row_number,
                        None,
                        f"the row has {len(cells)} cells but the header names {len(header)}",
                    )
                )
                continue
            values = {
                name: (cells[i] if i < len(cells) else "")
                for i, name in enumerate(header)
                if name is not None
            }
            parsed.rows.append((row_number, values))
    except csv.Error as error:
        parsed.errors.append(
            RowError(
                reader.line_num or header_row, None, f"the file cannot be read as CSV ({error})"
            )
        )
    if header is None and not parsed.errors:
        parsed.errors.append(RowError(1, None, "the file is empty"))
    return parsed


def _read_header(cells: list[str], row_number: int, errors: list[RowError]) -> list[str | None]:
    header: list[str | None] = []
    seen: set[str] = set()
    for cell in cells:
        key = _header_key(cell)
        if not key:
            header.append(None)
            continue
        column = _ALIASES.get(key)
        if column is None:
            errors.append(
                RowError(
                    row_number,
                    _clip(cell),
                    f'unknown column "{_clip(cell)}"; the columns are: ' + ", ".join(COLUMNS),
                )
            )
        elif column in seen:
            errors.append(RowError(row_number, column, f'the column "{column}" appears twice'))
        seen.add(column or key)
        header.append(column)
    for column in REQUIRED:
        if column not in seen:
            errors.append(RowError(row_number, column, f'the header has no "{column}" column'))
    return header


def import_kpi_values(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    csv_text: str,
    *,
    dry_run: bool = False,
) -> ImportReport:
    """Import monthly indicator values from CSV text — every row, or none.

    Columns (header row first, any order, any case): kpi reference, period,
    value, national, regional, note; the first three are required. Periods
    may be YYYY-MM, YYYY-MM-DD, MM/YYYY or "Jan 2019" and name a month.
    Every row is checked before anything is written: the indicator must be
    one of the plan's, the period a month, each number a number (a
    percentage within 0–100), and no indicator may have the same month
    twice in the file. A row for a month already held updates that month;
    an empty national, regional or note cell then keeps what is held.

    Secretariat only (`Capability.EDIT_BUSINESS`), dry run or not.

    Args:
        session: the caller's session; writes join its transaction.
        actor_id: who is importing.
        plan_id: the plan whose indicators the file is for.
        csv_text: the file's text.
        dry_run: check and preview only; write nothing.

    Returns:
        The report: the valid rows with what each would do, and the errors by
        row. When there is any error nothing is written (`written` False).

    Raises:
        NotFoundError: no such plan.
        PermissionDeniedError: the actor is not the board's secretariat.
    """
    require(session, actor_id, _plan_board(session, plan_id), Capability.EDIT_BUSINESS)
    parsed = _read_csv(csv_text)
    errors = parsed.errors
    kpis = {
        kpi.reference.strip().casefold(): kpi
        for kpi in session.scalars(select(Kpi).where(Kpi.plan_id == plan_id))
    }
    valid: list[tuple[int, Kpi, dt.date, float, float | None, float | None, str | None]] = []
    first_seen: dict[tuple[str, dt.date], int] = {}
    for row_number, cells in parsed.rows:
        row_errors: list[RowError] = []
        reference = cells.get(KPI, "").strip()
        kpi = kpis.get(reference.casefold())
        if not reference:
            row_errors.append(RowError(row_number, KPI, "no indicator reference"))
        elif kpi is None:
            row_errors.append(
                RowError(row_number, KPI, f'"{_clip(reference)}" is not an indicator of this plan')
            )
        period_text = cells.get(PERIOD, "").strip()
        period = parse_period(period_text)
        if not period_text:
            row_errors.append(RowError(row_number, PERIOD, "no period"))
        elif period is None:
            row_errors.append(
                RowError(
                    row_number,
                    PERIOD,
                    f'"{_clip(period_text)}" is not a month; use {PERIOD_FORMATS}',
                )
            )
        unit = kpi.unit if kpi is not None else ""
        numbers: dict[str, float | None] = {}
        for column in (VALUE, NATIONAL, REGIONAL):
            cell = cells.get(column, "")
            if not cell.strip():
                numbers[column] = None
                if column == VALUE:
                    row_errors.append(RowError(row_number, VALUE, "no value"))
                continue
            number, reason = _number(cell, unit)
            if reason is not None:
                row_errors.append(RowError(row_number, column, reason))
            numbers[column] = number
        if kpi is not None and period is not None:
            key = (kpi.id, period)
            if key in first_seen:
                row_errors.append(
                    RowError(
                        row_number,
                        PERIOD,
                        f"{kpi.reference} {period:%b %Y} is already in row {first_seen[key]}",
                    )
                )
            else:
                first_seen[key] = row_number
        if row_errors:
            errors.extend(row_errors)
            continue
        assert kpi is not None and period is not None
        value = numbers[VALUE]
        assert value is not None
        note = cells.get(NOTE, "").strip() or None
        valid.append((row_number, kpi, period, value, numbers[NATIONAL], numbers[REGIONAL], note))
    if not parsed.rows and not errors:
        errors.append(RowError(2, None, "the file has a header but no values"))

    held = _held_values(session, {kpi.id for _, kpi, *_ in valid})
    preview = []
    for row_number, kpi, period, value, national, regional, note in valid:
        existing = held.get((kpi.id, period))
        action = RowAction.NEW
        if existing is not None:
            changes = _changes(existing, value, national, regional, note)
            action = RowAction.UPDATE if changes else RowAction.UNCHANGED
        preview.append(
            ImportRow(
                row_number,
                kpi.reference,
                kpi.title,
                kpi.unit,
                period,
                value,
                national,
                regional,
                note,
                action,
            )
        )
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = [
            *errors[:MAX_ERRORS],
            RowError(errors[MAX_ERRORS].row_number, None, f"…and {more:,} more errors"),
        ]
    report = ImportReport(rows_ok=len(valid), errors=errors, preview=tuple(preview))
    if errors or dry_run:
        return report
    _write(session, valid, held)
    return ImportReport(rows_ok=len(valid), errors=[], preview=tuple(preview), written=True)


def _held_values(session: Session, kpi_ids: set[str]) -> dict[tuple[str, dt.date], KpiValue]:
    if not kpi_ids:
        return {}
    return {
        (v.kpi_id, v.period): v
        for v in session.scalars(select(KpiValue).where(KpiValue.kpi_id.in_(sorted(kpi_ids))))
    }


def _changes(
    held: KpiValue,
    value: float,
    national: float | None,
    regional: float | None,
    note: str | None,
) -> dict[str, object]:
    """The fields a file row would change on a held value (empty optional cells keep it)."""
    wanted: dict[str, object] = {"value": value}
    if national is not None:
        wanted["national"] = national
    if regional is not None:
        wanted["regional"] = regional
    if note is not None:
        wanted["note"] = note
    return {k: v for k, v in wanted.items() if getattr(held, k) != v}


def _write(
    session: Session,
    valid: Sequence[tuple[int, Kpi, dt.date, float, float | None, float | None, str | None]],
    held: dict[tuple[str, dt.date], KpiValue],
) -> None:
    # A savepoint: should the flush fail after all (the file was checked), the
    # caller's transaction is left exactly as it was before the import.
    with session.begin_nested():
        for _row, kpi, period, value, national, regional, note in valid:
            existing = held.get((kpi.id, period))
            if existing is None:
                session.add(
                    KpiValue(
                        kpi_id=kpi.id,
                        period=period,
                        value=value,
                        national=national,
                        regional=regional,
                        note=note,
                    )
                )
                continue
            for attr, new in _changes(existing, value, national, regional, note).items():
                setattr(existing, attr, new)
        session.flush()
