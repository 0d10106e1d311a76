"""Importing the risk register: reference, risk, mitigation, owner, likelihood × impact, target.

A register without references (many are just numbered rows) gets R1, R2…
in file order, after the plan's highest R-number; on re-import such a row
is matched to the held risk of the same title instead, so nothing doubles.
A register without target scores takes the current ones as the target
(a note says so: the board sets a target at its next review). A "Score"
column is recognised and left alone — scores are always likelihood × impact.

Re-importing a held risk updates its text fields; a changed likelihood or
impact is recorded as a review dated today through
`db.services.risks.record_risk_review`, so the register's trend keeps every
score it has had.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import utcnow
from db.errors import BoardpackError
from db.importers.common import (
    ImportReport,
    Issues,
    People,
    Record,
    RowFailure,
    RowReader,
    issues_for,
    report_for,
    writing,
)
from db.importers.mapping import Mapping
from db.importers.sources import Table
from db.importers.values import CellError, clip, parse_score, text_field, text_of
from db.models import Risk, RiskReview, RiskStatus

_TEXT = ("description", "cause", "consequence", "mitigation")


@dataclass
class _Row:
    number: int
    reference: str | None
    title: str
    description: str | None
    cause: str | None
    consequence: str | None
    mitigation: str | None
    owner: str | None
    likelihood: int
    impact: int
    target_likelihood: int
    target_impact: int
    status: RiskStatus | None


def _status(value: object) -> RiskStatus | None:
    text = text_of(value).casefold().strip()
    if not text:
        return None
    if text in ("open", "live", "active", "current"):
        return RiskStatus.OPEN
    if text in ("closed", "close", "retired", "archived"):
        return RiskStatus.CLOSED
    raise CellError(f"status '{clip(text_of(value))}' is not Open or Closed")


def _read(table: Table, mapping: Mapping, issues: Issues, people: People) -> list[_Row]:
    rows = []
    first_seen: dict[str, int] = {}
    for source_row in table.rows:
        r = RowReader(table, mapping, source_row, issues)
        if r.mapped_blank():
            continue
        reference = r.get("reference", text_field, "reference", 32)
        title = r.get("title", text_field, "the risk", 20_000)
        texts = {name: r.get(name, text_field, f"the {name}", 20_000) for name in _TEXT}
        if title is None and not r.failed:
            if len(source_row.filled()) == 1:
                r.note(None, "skipped: a row with one cell is not a risk")
                continue
            r.error("title", "no risk text")
        elif title is not None and len(title) > 300:
            texts["description"] = texts["description"] or title
            title = title[:299].rstrip() + "…"
            r.note("title", "the risk is over 300 characters: shortened, whole in the description")
        owner = r.get("owner", text_field, "the owner", 200)
        if owner is not None:
            _, why = people.resolve(owner)
            if why:
                r.error("owner", why)
        scores = {
            name: r.get(name, parse_score, r.label(name))
            for name in ("likelihood", "impact", "target_likelihood", "target_impact")
        }
        for name in ("likelihood", "impact"):
            if scores[name] is None and r.heading(name) is None:
                r.error(None, f"no column is mapped to {r.label(name)}")
            elif scores[name] is None and not r.failed:
                r.error(name, f"no {r.label(name).lower()} (a whole number from 1 to 5)")
        if (scores["target_likelihood"] is None) != (scores["target_impact"] is None):
            r.error(
                "target_likelihood" if scores["target_likelihood"] is None else "target_impact",
                "a target needs both likelihood and impact",
            )
        status = r.get("status", _status)
        key = (reference or title or "").casefold()
        if key in first_seen:
            r.error(
                "reference" if reference else "title",
                f"'{clip(reference or title)}' is already in row {first_seen[key]}",
            )
        elif key:
            first_seen[key] = r.number
        if r.failed or title is None:
            continue
        likelihood, impact = scores["likelihood"], scores["impact"]
        assert likelihood is not None and impact is not None
        target_l, target_i = scores["target_likelihood"], scores["target_impact"]
        if target_l is None or target_i is None:
            target_l, target_i = likelihood, impact
            r.note(None, "no target score: the current score is taken as the target")
        rows.append(
            _Row(
                r.number,
                reference,
                title,
                texts["description"],
                texts["cause"],
                texts["consequence"],
                texts["mitigation"],
                owner,
                likelihood,
                impact,
                target_l,
                target_i,
                status,
            )
        )
    return rows


def _next_number(held: dict[str, Risk]) -> int:
    numbers = [int(m[1]) for ref in held if (m := re.fullmatch(r"r(\d+)", ref))]
    return max(numbers, default=0) + 1


def import_risks(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    table: Table,
    mapping: Mapping,
    *,
    today: dt.date,
    write: bool,
) -> ImportReport:
    """Check (and, when `write` and every row is valid, import) a risk register."""
    issues = issues_for(table, mapping)
    if issues.fatal:
        return report_for(table, mapping, issues.done())
    people = People(session)
    rows = _read(table, mapping, issues, people)
    risks = list(session.scalars(select(Risk).where(Risk.plan_id == plan_id)))
    by_ref = {r.reference.casefold(): r for r in risks}
    by_title = {r.title.casefold(): r for r in risks}
    number = _next_number(by_ref)
    matched: dict[int, Risk | None] = {}
    records = []
    for row in rows:
        risk = (
            by_ref.get(row.reference.casefold())
            if row.reference
            else by_title.get(row.title.casefold())
        )
        if row.reference is None:
            row.reference = risk.reference if risk is not None else f"R{number}"
            if risk is None:
                number += 1
        matched[row.number] = risk
        shown = {
            "Reference": row.reference,
            "Risk": clip(row.title, 80),
            "Owner": row.owner or "",
            "Likelihood": str(row.likelihood),
            "Impact": str(row.impact),
            "Score": str(row.likelihood * row.impact),
            "Target": str(row.target_likelihood * row.target_impact),
        }
        if risk is None:
            records.append(Record(row.number, row.reference, "new", shown))
            continue
        if (row.likelihood, row.impact) != (risk.likelihood, risk.impact) and (
            risk.status is not RiskStatus.OPEN and row.status is not RiskStatus.OPEN
        ):
            issues.add(
                row.number, None, f"risk {risk.reference} is closed; its score cannot change"
            )
            continue
        owner_id = people.resolve(row.owner)[0] if row.owner else risk.owner_id
        changes = _changes(row, risk, owner_id) or (row.owner is not None and owner_id is None)
        scored = (row.likelihood, row.impact) != (risk.likelihood, risk.impact)
        records.append(
            Record(row.number, row.reference, "update" if changes or scored else "unchanged", shown)
        )
    people.note_new(issues, rows, mapping.field_column("owner"))
    if not rows and not issues.fatal:
        issues.add(table.header_row, None, "the file has no risks below its header")
    report = report_for(table, mapping, issues.done(), records, people_created=people.new_names())
    if not write or issues.fatal or not rows:
        return report
    with writing(session, people) as batch:
        for row in rows:
            owner_id = batch.owner_id(row.owner)
            risk = matched[row.number]
            if risk is None:
                _create(session, actor_id, plan_id, row, owner_id, today)
            else:
                _update(session, actor_id, row, risk, owner_id, today)
    return batch.report(table, mapping, issues, records)


def _changes(row: _Row, risk: Risk, owner_id: str | None) -> dict[str, object]:
    wanted: dict[str, object] = {
        "title": row.title,
        "target_likelihood": row.target_likelihood,
        "target_impact": row.target_impact,
    }
    for name in _TEXT:
        value = getattr(row, name)
        if value is not None:
            wanted[name] = value
    if row.owner is not None:
        wanted["owner_id"] = owner_id
    if row.status is not None:
        wanted["status"] = row.status
    return {k: v for k, v in wanted.items() if getattr(risk, k) != v}


def _create(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    row: _Row,
    owner_id: str | None,
    today: dt.date,
) -> None:
    assert row.reference is not None
    risk = Risk(
        plan_id=plan_id,
        reference=row.reference,
        title=row.title,
        description=row.description or row.title,
        cause=row.cause,
        consequence=row.consequence,
        mitigation=row.mitigation,
        owner_id=owner_id,
        likelihood=row.likelihood,
        impact=row.impact,
        target_likelihood=row.target_likelihood,
        target_impact=row.target_impact,
        status=row.status or RiskStatus.OPEN,
    )
    session.add(risk)
    session.flush()
    # The register's first point of the trend: the score as the file gives it.
    session.add(
        RiskReview(
            risk_id=risk.id,
            reviewed_on=today,
            reviewed_by_id=actor_id,
            likelihood=row.likelihood,
            impact=row.impact,
            commentary="Imported from the risk register",
        )
    )


def _update(
    session: Session,
    actor_id: str | None,
    row: _Row,
    risk: Risk,
    owner_id: str | None,
    today: dt.date,
) -> None:
    from db.services.risks import record_risk_review

    changed = False
    reopen = row.status is RiskStatus.OPEN and risk.status is not RiskStatus.OPEN
    if reopen:
        risk.status = RiskStatus.OPEN
    if (row.likelihood, row.impact) != (risk.likelihood, risk.impact):
        try:
            record_risk_review(
                session,
                actor_id,
                risk.id,
                row.likelihood,
                row.impact,
                "Score changed in the imported risk register",
                today,
            )
        except BoardpackError as error:
            raise RowFailure(row.number, None, f"risk {risk.reference}: {error}") from None
        changed = True
    for attr, value in _changes(row, risk, owner_id).items():
        setattr(risk, attr, value)
        changed = True
    if changed or reopen:
        risk.updated_at = utcnow()
