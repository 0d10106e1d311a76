"""What every importer shares: row issues, the report, people matching, the all-or-nothing write.

An import is checked row by row first; every problem is a `RowIssue` with
the row number as the spreadsheet shows it, the column heading and one
sentence. Notes (`fatal=False`) say how a cell was read ("'Dec-18' read as
the end of that month") and never stop an import; any error does, and then
nothing at all is written. The write runs inside a savepoint of the
caller's transaction: should a service refuse a row after all (a rule the
check could not see), the savepoint is rolled back and that refusal is
reported as the row's error — the database is exactly as before. The plan
and risk importers write through `writing(session, people)`: that savepoint,
the unknown owners made first, each row's owner id, and the report of what
was written or of the refusal.

Owners are matched to people by email (when the cell holds one), then by
name, then by job title when exactly one person holds it. An owner nobody
matches is **created as a person without any board membership** (trackers
name officers and roles — "Head of Safeguarding" — who will never sign in),
with a note on the row; the same text on later rows and later imports finds
that person again. Two people of the same name make the row an error (give
the email instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import BoardpackError, NotFoundError
from db.importers.mapping import Kind, Mapping, field_spec
from db.importers.sources import Cell, SourceRow, Table
from db.importers.values import CellError, Formula, clip
from db.models import Person, Plan
from db.permissions import Capability, require

#: A file with more errors than this lists the first ones and says how many more.
MAX_ISSUES = 1000


@dataclass(frozen=True)
class RowIssue:
    """One problem (or, when not `fatal`, a note) about one row of the file."""

    row: int  # as the spreadsheet numbers it (the header row for mapping problems)
    column: str | None  # the file's heading, None for the row as a whole
    reason: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"row {self.row}: {self.reason}"


@dataclass(frozen=True)
class Record:
    """A valid row and what importing it does."""

    row: int
    reference: str
    action: str  # "new", "update" or "unchanged"
    shown: dict[str, str]  # field label -> the value as read, for the preview


@dataclass(frozen=True)
class ImportReport:
    """What an import found and did. Nothing was written unless `written`."""

    kind: Kind
    source: str
    mapping: Mapping
    issues: tuple[RowIssue, ...] = ()
    records: tuple[Record, ...] = ()
    written: bool = False
    people_created: tuple[str, ...] = ()
    themes_created: int = 0
    recommendations_created: int = 0

    @property
    def errors(self) -> tuple[RowIssue, ...]:
        return tuple(i for i in self.issues if i.fatal)

    @property
    def notes(self) -> tuple[RowIssue, ...]:
        return tuple(i for i in self.issues if not i.fatal)

    @property
    def ok(self) -> bool:
        """Whether every row is valid and there is something to import."""
        return not self.errors and bool(self.records)

    def count(self, action: str) -> int:
        return sum(1 for r in self.records if r.action == action)

    @property
    def created(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("update")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def summary(self) -> str:
        """One line: what was (or would be) done."""
        verb = "imported" if self.written else "would import"
        people = f", {len(self.people_created)} new people" if self.people_created else ""
        return (
            f"{verb} {len(self.records)} {self.kind.noun} from {self.source}: {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged{people}"
        )


class RowFailure(BoardpackError):
    """A service refused a row while writing (rolled back; reported as the row's error)."""

    def __init__(self, row: int, column: str | None, reason: str) -> None:
        super().__init__(reason)
        self.issue = RowIssue(row, column, reason)


class Issues:
    """The issues of one import as it is checked, capped at `MAX_ISSUES`."""

    def __init__(self) -> None:
        self.items: list[RowIssue] = []
        self.dropped = 0

    def add(self, row: int, column: str | None, reason: str, *, fatal: bool = True) -> None:
        if len(self.items) >= MAX_ISSUES:
            self.dropped += 1
            return
        self.items.append(RowIssue(row, column, reason, fatal))

    @property
    def fatal(self) -> bool:
        return self.dropped > 0 or any(i.fatal for i in self.items)

    def done(self) -> tuple[RowIssue, ...]:
        """The issues in row order (a stable sort: a row's issues keep their column order)."""
        items = sorted(self.items, key=lambda issue: issue.row)
        if self.dropped:
            last = items[-1].row if items else 1
            return (*items, RowIssue(last, None, f"…and {self.dropped:,} more problems"))
        return tuple(items)


class RowReader:
    """One row's mapped cells, with each parse failure recorded against its column."""

    def __init__(self, table: Table, mapping: Mapping, row: SourceRow, issues: Issues) -> None:
        self.row = row
        self.number = row.number
        self.issues = issues
        self.failed = False
        self._cells: dict[str, tuple[str, Cell]] = {
            name: (heading, row.cells[table.column(heading)])
            for heading, name in mapping.columns.items()
        }
        self._kind = mapping.kind

    def heading(self, name: str) -> str | None:
        found = self._cells.get(name)
        return found[0] if found else None

    def cell(self, name: str) -> Cell:
        found = self._cells.get(name)
        return found[1] if found else Cell(None)

    def get(self, name: str, parse: Callable[..., Any], *args: Any) -> Any:
        """`parse(value, *args)` of the field's cell; None (and an error) when it fails."""
        value = self.cell(name).value
        if isinstance(value, Formula):
            self.error(
                name,
                f"{self.label(name)} is a formula ({clip(value)}) with no saved value; "
                "open the file in Excel, save it, and import again",
            )
            return None
        try:
            return parse(value, *args)
        except CellError as error:
            self.error(name, str(error))
            return None

    def note(self, name: str | None, reason: str) -> None:
        self.issues.add(self.number, self.heading(name) if name else None, reason, fatal=False)

    def error(self, name: str | None, reason: str) -> None:
        self.failed = True
        self.issues.add(self.number, self.heading(name) if name else None, reason)

    def label(self, name: str) -> str:
        return field_spec(self._kind, name).label

    def mapped_blank(self) -> bool:
        from db.importers.values import is_blank

        return all(is_blank(cell.value) for _h, cell in self._cells.values())


def mapping_issues(table: Table, mapping: Mapping) -> list[RowIssue]:
    """Problems with the mapping itself, reported against the header row."""
    from db.importers.mapping import MappingError

    try:
        mapping.check(table)
    except MappingError as error:
        return [RowIssue(table.header_row, None, str(error))]
    return [
        RowIssue(
            table.header_row,
            None,
            f"no column is mapped to '{spec.label}', which every row needs",
        )
        for spec in mapping.missing_required()
    ]


def issues_for(table: Table, mapping: Mapping) -> Issues:
    """A new import's issues, starting with the mapping's own (`mapping_issues`)."""
    issues = Issues()
    for issue in mapping_issues(table, mapping):
        issues.add(issue.row, issue.column, issue.reason)
    return issues


def report_for(
    table: Table,
    mapping: Mapping,
    issues: Iterable[RowIssue],
    records: Iterable[Record] = (),
    **outcome: Any,
) -> ImportReport:
    """The report of importing `table` with `mapping` (`outcome`: written, people_created…)."""
    return ImportReport(
        mapping.kind, table.source, mapping, tuple(issues), tuple(records), **outcome
    )


def plan_board(session: Session, plan_id: str) -> str:
    board_id = session.scalar(select(Plan.board_id).where(Plan.id == plan_id))
    if board_id is None:
        raise NotFoundError(f"there is no plan with id {plan_id}")
    return board_id


def require_import(session: Session, actor_id: str | None, plan_id: str) -> None:
    """Importing creates and changes the board's records: secretariat only (EDIT_BUSINESS)."""
    require(session, actor_id, plan_board(session, plan_id), Capability.EDIT_BUSINESS)


@contextmanager
def all_or_nothing(session: Session) -> Iterator[list[RowIssue]]:
    """A savepoint; a `RowFailure` raised inside rolls it back and is collected, not raised."""
    failures: list[RowIssue] = []
    try:
        with session.begin_nested():
            yield failures
            session.flush()
    except RowFailure as failure:
        failures.append(failure.issue)


class People:
    """Owner text → person id: email, name, then a unique job title; unknown ones made."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_email: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        self.by_title: dict[str, list[str]] = {}
        self.names: dict[str, str] = {}
        for pid, name, email, title in session.execute(
            select(Person.id, Person.name, Person.email, Person.job_title)
        ):
            self.names[pid] = name
            if email:
                self.by_email[email.casefold()] = pid
            self.by_name.setdefault(name.casefold().strip(), []).append(pid)
            if title:
                self.by_title.setdefault(title.casefold().strip(), []).append(pid)
        self.to_create: dict[str, str] = {}  # key -> the text as first written

    def resolve(self, text: str) -> tuple[str | None, str | None]:
        """(person id or None when it will be created, error or None)."""
        key = text.casefold().strip()
        if "@" in key and " " not in key:
            pid = self.by_email.get(key)
            if pid is None:
                return None, f"nobody has the email {clip(text)}; add them first or use a name"
            return pid, None
        named = self.by_name.get(key, [])
        if len(named) > 1:
            return None, f"{len(named)} people are called {clip(text)}; give the owner's email"
        if named:
            return named[0], None
        titled = self.by_title.get(key, [])
        if len(titled) == 1:
            return titled[0], None
        self.to_create.setdefault(key, text.strip())
        return None, None

    def create(self) -> dict[str, str]:
        """Add the unknown owners as people (no membership); key -> new id."""
        people = {key: Person(name=text[:200]) for key, text in self.to_create.items()}
        self.session.add_all(people.values())
        self.session.flush()
        return {key: person.id for key, person in people.items()}

    def id_for(self, text: str, made: dict[str, str]) -> str:
        pid, _ = self.resolve(text)
        return pid if pid is not None else made[text.casefold().strip()]

    def new_names(self) -> tuple[str, ...]:
        """The owners no one matched, as first written: they will be (or were) created."""
        return tuple(self.to_create.values())

    def note_new(self, issues: Issues, rows: Iterable[OwnedRow], column: str | None) -> None:
        """A note on the first row naming each owner nobody matched: they will be created."""
        rows = list(rows)
        for key, text in self.to_create.items():
            first = next(
                (r.number for r in rows if r.owner and r.owner.casefold().strip() == key), 0
            )
            issues.add(
                first,
                column,
                f"owner '{clip(text)}' is not known: added as a person (no role on the board)",
                fatal=False,
            )


class OwnedRow(Protocol):
    """A checked row with an owner cell (the plan's actions, the register's risks)."""

    number: int
    owner: str | None


@dataclass
class Writing:
    """One import's write under way: see `writing`."""

    people: People
    made: dict[str, str]  # owner key -> the id of the person this write made
    failures: list[RowIssue]  # a refusal, once the block has ended (then nothing was written)

    def owner_id(self, text: str | None) -> str | None:
        """The person a row's owner cell names (made at the start of the write if new)."""
        return self.people.id_for(text, self.made) if text else None

    def report(
        self,
        table: Table,
        mapping: Mapping,
        issues: Issues,
        records: Iterable[Record],
        **outcome: Any,
    ) -> ImportReport:
        """What was written (`outcome`: themes_created…), or the refusal and nothing written."""
        if self.failures:
            return report_for(table, mapping, (*issues.done(), *self.failures), records)
        return report_for(
            table,
            mapping,
            issues.done(),
            records,
            written=True,
            people_created=self.people.new_names(),
            **outcome,
        )


@contextmanager
def writing(session: Session, people: People) -> Iterator[Writing]:
    """The write of a checked import, all or nothing (`all_or_nothing`).

    The owners nobody matched are made first, so every row's owner has an id
    (`Writing.owner_id`); the caller then creates or updates its rows and
    returns `Writing.report(...)` after the block. A `RowFailure` raised in the
    block rolls everything back, this write's new people included.
    """
    with all_or_nothing(session) as failures:
        yield Writing(people, people.create(), failures)


def shown_date(value: dt.date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""
