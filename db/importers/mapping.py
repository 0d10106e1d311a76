"""Which column of a file holds which field: the fields of each kind, their synonyms, `Mapping`.

Trackers name their columns every way ("Ref", "Lead officer", "Target date",
"Progress update (Nov 18)"); each field lists the headings councils use, and
`suggest_mapping` maps a file's columns by them (the words in brackets and
the punctuation are ignored, then an exact match, then a heading starting
with a synonym). A person corrects the suggestion in the mapping step; a
`Mapping` is saved and loaded as JSON so the same tracker imports the same
way every month (`boardpack import … --mapping FILE.json`).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
from dataclasses import dataclass, field
from typing import Any

from db.errors import ValidationError
from db.importers.sources import Table
from db.importers.values import clip


class Kind(enum.Enum):
    """What a file holds."""

    PLAN = "plan"
    RISKS = "risks"
    KPIS = "kpis"

    @property
    def label(self) -> str:
        return {"plan": "improvement plan", "risks": "risk register", "kpis": "indicators"}[
            self.value
        ]

    @property
    def noun(self) -> str:
        """What one record of an import is, plural ("actions", "risks", "indicators")."""
        return {"plan": "actions", "risks": "risks", "kpis": "indicators"}[self.value]


class MappingError(ValidationError):
    """A mapping that cannot be used (bad JSON, unknown field, a field given twice)."""


@dataclass(frozen=True)
class FieldSpec:
    """A field a column can be mapped to."""

    name: str  # the key in mappings ("due_date")
    label: str  # what a person reads ("Due date"); also the export's heading
    synonyms: tuple[str, ...]
    required: bool = False
    many: bool = False  # may be mapped from several columns (a month per column)


PLAN_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "reference",
        "Reference",
        ("ref", "reference", "action ref", "action reference", "ref no", "action no", "no", "id"),
        required=True,
    ),
    FieldSpec("theme", "Theme", ("theme", "priority", "workstream", "theme priority", "area")),
    FieldSpec(
        "title",
        "Action",
        ("action", "actions", "action title", "title", "what we will do", "activity", "task"),
        required=True,
    ),
    FieldSpec("description", "Description", ("description", "detail", "details")),
    FieldSpec(
        "owner",
        "Owner",
        (
            "owner",
            "lead officer",
            "action owner",
            "responsible officer",
            "accountable officer",
            "lead",
            "officer",
            "responsible",
            "owner email",
        ),
    ),
    FieldSpec(
        "lead_agency",
        "Lead agency",
        ("lead agency", "partner agency", "agency", "partner", "partners", "organisation"),
    ),
    FieldSpec(
        "due_date",
        "Due date",
        ("due date", "target date", "deadline", "due", "completion date", "timescale", "by when"),
    ),
    FieldSpec("rag", "RAG", ("rag", "brag", "rag status", "rag rating", "status", "rating")),
    FieldSpec(
        "commentary",
        "Commentary",
        (
            "commentary",
            "progress update",
            "progress",
            "update",
            "latest update",
            "comments",
            "comment",
            "narrative",
        ),
    ),
    FieldSpec(
        "success_measure",
        "Success measure",
        (
            "success measure",
            "evidence of impact",
            "measure of success",
            "impact sought",
            "impact",
            "outcome",
            "success criteria",
        ),
    ),
    FieldSpec(
        "recommendations",
        "Recommendations",
        (
            "recommendations",
            "recommendation",
            "rec ref",
            "rec refs",
            "recommendation ref",
            "recommendation refs",
            "ofsted ref",
        ),
    ),
)

RISK_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("reference", "Reference", ("ref", "reference", "risk ref", "risk no", "no", "id")),
    FieldSpec("title", "Risk", ("risk", "title", "risk title", "risk description"), required=True),
    FieldSpec("description", "Description", ("description", "detail", "details")),
    FieldSpec("cause", "Cause", ("cause", "causes")),
    FieldSpec("consequence", "Consequence", ("consequence", "consequences", "effect")),
    FieldSpec(
        "mitigation",
        "Mitigation",
        ("mitigation", "mitigations", "controls", "control", "mitigating actions", "actions"),
    ),
    FieldSpec("owner", "Owner", ("owner", "risk owner", "lead", "lead officer", "responsible")),
    FieldSpec("likelihood", "Likelihood", ("likelihood", "l", "probability", "current likelihood")),
    FieldSpec("impact", "Impact", ("impact", "i", "severity", "current impact")),
    FieldSpec(
        "target_likelihood",
        "Target likelihood",
        ("target likelihood", "residual likelihood", "target l"),
    ),
    FieldSpec("target_impact", "Target impact", ("target impact", "residual impact", "target i")),
    FieldSpec("status", "Status", ("status", "open closed")),
)

KPI_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(
        "reference",
        "Reference",
        ("ref", "reference", "kpi ref", "kpi reference", "kpi", "indicator ref", "pi ref", "id"),
        required=True,
    ),
    FieldSpec("title", "Indicator", ("indicator", "name", "title", "kpi name", "measure")),
    FieldSpec("description", "Description", ("description", "definition")),
    FieldSpec("unit", "Unit", ("unit", "units")),
    FieldSpec("polarity", "Polarity", ("polarity", "good is", "better is", "direction")),
    FieldSpec("target", "Target", ("target",)),
    FieldSpec("source_note", "Source", ("source", "data source", "source note")),
    FieldSpec("period", "Period", ("period", "month", "date")),
    FieldSpec("value", "Value", ("value", "actual", "result", "performance")),
    FieldSpec("national", "National", ("national", "england", "national average")),
    FieldSpec(
        "regional",
        "Regional",
        ("regional", "region", "regional benchmark", "statistical neighbours", "sn average"),
    ),
    FieldSpec("note", "Note", ("note", "notes", "comment", "comments")),
    FieldSpec("month_value", "Value for the month in the heading", (), many=True),
)

#: The field of a KPI column headed by a month ("Apr-19", "April 2019", a date).
MONTH_VALUE = "month_value"


def heading_month(heading: str) -> dt.date | None:
    """The month a column heading names ("Apr-19", "2019-04", "01/04/2019"), or None."""
    from db.importers.values import CellError, parse_date
    from db.services.kpis import parse_period

    text = heading.strip()
    found = parse_period(text)
    if found is not None:
        return found
    if not any(ch.isdigit() for ch in text) or len(text) > 30:
        return None
    try:
        day, _note = parse_date(text)
    except CellError:
        return None
    return day.replace(day=1) if day is not None else None


#: Headings known to hold nothing to import (derived or free columns); never mapped.
IGNORED: dict[Kind, tuple[str, ...]] = {
    Kind.PLAN: ("evidence", "evidence attached"),
    Kind.RISKS: ("score", "risk score", "current score", "target score", "rating"),
    Kind.KPIS: (),
}

_FIELDS = {Kind.PLAN: PLAN_FIELDS, Kind.RISKS: RISK_FIELDS, Kind.KPIS: KPI_FIELDS}


def fields_for(kind: Kind) -> tuple[FieldSpec, ...]:
    """The fields a column of a `kind` file can be mapped to, in the export's column order."""
    return _FIELDS[kind]


def field_spec(kind: Kind, name: str) -> FieldSpec:
    for spec in _FIELDS[kind]:
        if spec.name == name:
            return spec
    raise MappingError(f"'{clip(name)}' is not a field of the {kind.label}")


def heading_key(heading: str) -> str:
    """A heading reduced for matching: no bracketed words, no punctuation, casefolded."""
    text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", heading.casefold())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def match_heading(kind: Kind, heading: str) -> str | None:
    """The field a heading names by the synonyms, or None."""
    key = heading_key(heading)
    if not key:
        return None
    for spec in _FIELDS[kind]:
        if key == heading_key(spec.label) or key in spec.synonyms:
            return spec.name
    if key in IGNORED[kind]:
        return None
    for spec in _FIELDS[kind]:
        for synonym in spec.synonyms:
            if len(synonym) > 2 and key.startswith(synonym + " "):
                return spec.name
    return None


def header_scorer(kind: Kind) -> Any:
    """A function scoring a heading 1 when it names a field (or a known ignored column)."""

    def score(text: str) -> int:
        key = heading_key(text)
        return int(match_heading(kind, text) is not None or key in IGNORED[kind])

    return score


@dataclass(frozen=True)
class Mapping:
    """A file's columns (by heading) mapped to fields; unmapped columns are not imported."""

    kind: Kind
    columns: dict[str, str] = field(default_factory=dict)  # heading -> field name
    sheet: str | None = None
    header_row: int | None = None

    def field_column(self, name: str) -> str | None:
        """The heading mapped to field `name`, if any."""
        return next((h for h, f in self.columns.items() if f == name), None)

    def with_column(self, heading: str, name: str | None) -> Mapping:
        """This mapping with `heading` mapped to `name` (None: not imported).

        A field already mapped from another column is taken from it.
        """
        many = name is not None and field_spec(self.kind, name).many
        columns = {h: f for h, f in self.columns.items() if h != heading and (many or f != name)}
        if name is not None:
            field_spec(self.kind, name)
            columns[heading] = name
        return Mapping(self.kind, columns, self.sheet, self.header_row)

    def check(self, table: Table | None = None) -> None:
        """Refuse unknown fields, a field from two columns, or columns the file lacks."""
        seen: dict[str, str] = {}
        for heading, name in self.columns.items():
            field_spec(self.kind, name)
            if name in seen and not field_spec(self.kind, name).many:
                raise MappingError(
                    f"'{field_spec(self.kind, name).label}' is mapped from both "
                    f"'{clip(seen[name])}' and '{clip(heading)}'"
                )
            seen[name] = heading
            if name == MONTH_VALUE and heading_month(heading) is None:
                raise MappingError(f"the column '{clip(heading)}' does not name a month")
            if table is not None and heading not in table.headings:
                raise MappingError(
                    f"the mapping names a column '{clip(heading)}' the file does not have "
                    f"(its columns: {clip(', '.join(table.headings), 200)})"
                )

    def missing_required(self) -> list[FieldSpec]:
        mapped = set(self.columns.values())
        return [spec for spec in _FIELDS[self.kind] if spec.required and spec.name not in mapped]

    def to_json(self) -> str:
        data: dict[str, Any] = {"kind": self.kind.value, "columns": dict(self.columns)}
        if self.sheet is not None:
            data["sheet"] = self.sheet
        if self.header_row is not None:
            data["header_row"] = self.header_row
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, kind: Kind | None = None) -> Mapping:
        """A mapping from its JSON; `kind` (when given) must agree with the file's.

        Raises:
            MappingError: not JSON, not an object, unknown kind or field, bad types.
        """
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as error:
            raise MappingError(f"the mapping is not valid JSON ({error})") from None
        if not isinstance(data, dict):
            raise MappingError('the mapping must be a JSON object like {"columns": {…}}')
        raw_kind = data.get("kind", kind.value if kind else None)
        try:
            found = Kind(raw_kind)
        except ValueError:
            raise MappingError(
                f"the mapping's kind '{clip(raw_kind)}' is not plan, risks or kpis"
            ) from None
        if kind is not None and found is not kind:
            raise MappingError(f"the mapping is for {found.value}, not {kind.value}")
        columns = data.get("columns")
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
        ):
            raise MappingError(
                'the mapping needs "columns": an object of column heading → field name'
            )
        sheet = data.get("sheet")
        header_row = data.get("header_row")
        if sheet is not None and not isinstance(sheet, str):
            raise MappingError('the mapping\'s "sheet" must be a sheet name')
        if header_row is not None and (
            not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 1
        ):
            raise MappingError('the mapping\'s "header_row" must be a row number (1 or more)')
        mapping = cls(found, dict(columns), sheet, header_row)
        mapping.check()
        return mapping


def suggest_mapping(table: Table, kind: Kind) -> Mapping:
    """Map the table's columns to fields by their headings (first column wins a field)."""
    columns: dict[str, str] = {}
    taken: set[str] = set()
    for heading in table.headings:
        name = match_heading(kind, heading)
        if name is None and kind is Kind.KPIS and heading_month(heading) is not None:
            columns[heading] = MONTH_VALUE
            continue
        if name is not None and name not in taken:
            columns[heading] = name
            taken.add(name)
    return Mapping(kind, columns, table.sheet, table.header_row)
