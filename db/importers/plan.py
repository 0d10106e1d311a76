"""Importing the improvement plan: themes and actions from a council's tracker.

Rows are actions; a row with no reference whose only content is merged
across the sheet (or reads "Theme 2: …" / "2. …") is a theme heading, and
the actions below it belong to that theme until the next heading. A Theme
column, when mapped, wins over headings; with neither, the number before the
first dot of the reference ("2.3" → theme 2) is used. Other rows with no
reference and one cell (a footnote) are skipped with a note.

Re-importing matches actions by reference (case-insensitive) and updates
them; nothing is duplicated. The RAG history is never overwritten:

- a new action's RAG from the tracker becomes its first progress update,
  with the tracker's commentary. That includes Blue — the tracker's record
  predates Boardpack, and the entry says it was imported; the Blue gate
  (accepted evidence) applies to every later change;
- on re-import a changed RAG, a changed commentary or a moved due date is
  recorded through `db.services.plan.record_progress_update`, so the rules
  hold (Blue only with accepted evidence, a due date not moved into the
  past) and a refusal is the row's error;
- a blank cell (RAG, due date, owner, recommendations…) keeps what Boardpack
  holds; "-" or "n/a" in the recommendations column says the action answers none.

Lead agency is kept in `Action.lead_agency`; "evidence of impact" in
`Action.success_measure`. Recommendation references ("C10", "Ofsted MV2")
are matched to the plan's recommendations; an unknown one is added with its
source read from the reference (C… Commissioner, MV/monitoring → monitoring
visit, otherwise Ofsted) and a placeholder wording, with a note.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

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
    shown_date,
    writing,
)
from db.importers.mapping import Mapping
from db.importers.sources import SourceRow, Table
from db.importers.values import clip, is_blank, parse_date, parse_rag, text_field, text_of
from db.models import (
    Action,
    ActionStatus,
    ProgressUpdate,
    Rag,
    Recommendation,
    RecommendationSource,
    Theme,
    action_recommendations,
)
from db.rules import can_go_blue
from db.services.plan import accepted_evidence_count, latest_commentaries, recommendation_refs

_THEME = re.compile(
    r"(?:theme|priority|workstream|section)?\s*(\d{1,3})\s*(?:[:.)\-–—]\s*|\s+)(.*)", re.I | re.S
)
_THEME_WORD = re.compile(r"(?:theme|priority|workstream|section)\s+(\d{1,3})\s*", re.I)
_REC_SPLIT = re.compile(r"[,;/\n]+|\s+and\s+", re.I)
_NO_REFS = {"-", "–", "—", "n/a", "na", "none", "nil", ""}
PLACEHOLDER = "(wording not yet entered: added by an import from the tracker)"


@dataclass
class _Row:
    number: int
    reference: str
    theme: tuple[int | None, str | None]  # number, title
    title: str
    description: str | None
    owner: str | None
    lead_agency: str | None
    due_date: dt.date | None
    rag: Rag | None
    commentary: str | None
    success_measure: str | None
    recommendations: list[str] = field(default_factory=list)
    mapped: set[str] = field(default_factory=set)


def parse_theme(text: str) -> tuple[int | None, str | None]:
    """(number, title) of a theme cell or heading: "Theme 2: Quality…", "2. Quality…", "2"."""
    text = " ".join(text.split())
    if text.isdecimal():  # not isdigit(): "²" is a digit that int() refuses
        return int(text), None
    if m := _THEME_WORD.fullmatch(text):
        return int(m[1]), None
    if m := _THEME.fullmatch(text):
        title = m[2].strip() or None
        return int(m[1]), title
    return None, text or None


def _heading_row(row: SourceRow) -> tuple[int | None, str | None] | None:
    """The theme a heading row names, or None when the row is not a heading.

    A heading is a row with one filled cell, merged across the sheet or
    reading like "Theme 2: …"; any column (the tracker's title often sits in
    the reference column).
    """
    filled = row.filled()
    if len(filled) != 1:
        return None
    text = text_of(filled[0].value)
    number, title = parse_theme(text)
    if row.merged or (number is not None and _THEME_WORD.match(text)):
        return number, title
    return None


def _read_rows(table: Table, mapping: Mapping, issues: Issues, people: People) -> list[_Row]:
    rows: list[_Row] = []
    current: tuple[int | None, str | None] | None = None
    first_seen: dict[str, int] = {}
    mapped = set(mapping.columns.values())
    for source_row in table.rows:
        r = RowReader(table, mapping, source_row, issues)
        heading = _heading_row(source_row)
        if heading is not None:
            current = heading
            continue
        if r.mapped_blank():
            continue
        if len(source_row.filled()) == 1 and is_blank(r.cell("title").value):
            r.note(
                None,
                f"skipped: '{clip(text_of(source_row.filled()[0].value))}' "
                "is not an action (one cell, no action text)",
            )
            continue
        reference = r.get("reference", text_field, "reference", 32)
        if reference is None and not r.failed:
            r.error("reference", "no reference (every action needs one, like 2.3)")
            continue
        theme: tuple[int | None, str | None] | None = None
        if "theme" in mapped and not is_blank(r.cell("theme").value):
            theme = parse_theme(text_of(r.cell("theme").value))
        elif current is not None:
            theme = current
        elif reference and (m := re.match(r"\s*(\d{1,3})\.", reference)):
            theme = (int(m[1]), None)
        if theme is None and reference is not None:
            r.error(
                "theme",
                "no theme: map a Theme column, or keep theme heading rows above the actions",
            )
        title = r.get("title", text_field, "the action", 20_000)
        description = r.get("description", text_field, "the description", 20_000)
        if title is None and not r.failed:
            r.error("title", "no action text")
        elif title is not None and len(title) > 500:
            if description is None:
                description = title
            title = title[:499].rstrip() + "…"
            r.note(
                "title",
                "the action text is over 500 characters: shortened, whole in the description",
            )
        owner = r.get("owner", text_field, "the owner", 200)
        if owner is not None:
            _, why = people.resolve(owner)
            if why:
                r.error("owner", why)
        lead_agency = r.get("lead_agency", text_field, "the lead agency", 200)
        due, due_note = r.get("due_date", parse_date, "due date") or (None, None)
        if due_note:
            r.note("due_date", due_note)
        rag_cell = r.cell("rag")
        rag, rag_note = (None, None)
        if "rag" in mapped:
            rag, rag_note = r.get("rag", parse_rag, rag_cell.fill) or (None, None)
        if rag_note:
            r.note("rag", rag_note)
        commentary = r.get("commentary", text_field, "the commentary", 20_000)
        success = r.get("success_measure", text_field, "the success measure", 20_000)
        recs: list[str] = []
        rec_text = r.get("recommendations", text_field, "the recommendations", 2_000)
        for part in _REC_SPLIT.split(rec_text or ""):
            ref = part.strip()
            if ref.casefold() in _NO_REFS:
                continue
            if len(ref) > 32:
                r.error("recommendations", f"recommendation '{clip(ref)}' is over 32 characters")
            elif ref.casefold() not in {x.casefold() for x in recs}:
                recs.append(ref)
        if reference is not None:
            key = reference.casefold()
            if key in first_seen:
                r.error(
                    "reference", f"reference {clip(reference)} is already in row {first_seen[key]}"
                )
            else:
                first_seen[key] = r.number
        if r.failed or reference is None or theme is None or title is None:
            continue
        rows.append(
            _Row(
                r.number,
                reference,
                theme,
                title,
                description,
                owner,
                lead_agency,
                due,
                rag,
                commentary,
                success,
                recs,
                # a blank recommendations cell keeps the links held ("-" says none)
                mapped if rec_text is not None else mapped - {"recommendations"},
            )
        )
    return rows


@dataclass
class _Held:
    actions: dict[str, Action]
    themes: dict[int, Theme]
    recommendations: dict[str, Recommendation]
    latest_commentary: dict[str, str | None]
    rec_refs: dict[str, set[str]]


def _held(session: Session, plan_id: str) -> _Held:
    actions = {
        a.reference.casefold(): a
        for a in session.scalars(select(Action).where(Action.plan_id == plan_id))
    }
    themes = {t.number: t for t in session.scalars(select(Theme).where(Theme.plan_id == plan_id))}
    recs = {
        r.reference.casefold(): r
        for r in session.scalars(select(Recommendation).where(Recommendation.plan_id == plan_id))
    }
    latest = latest_commentaries(session, plan_id)
    rec_refs = {
        action_id: {ref.casefold() for ref in refs}
        for action_id, refs in recommendation_refs(session, plan_id).items()
    }
    return _Held(actions, themes, recs, latest, rec_refs)


def _changes(row: _Row, action: Action, held: _Held, owner_id: str | None) -> dict[str, object]:
    """The plain fields a row changes on a held action (blank optional cells keep it)."""
    wanted: dict[str, object] = {"title": row.title}
    for name in ("description", "lead_agency", "success_measure"):
        value = getattr(row, name)
        if name in row.mapped and value is not None:
            wanted[name] = value
    if row.owner is not None:
        wanted["owner_id"] = owner_id
    return {k: v for k, v in wanted.items() if getattr(action, k) != v}


def _progress(row: _Row, action: Action, held: _Held) -> tuple[Rag | None, bool, bool]:
    """(rag to record, due date moved, commentary new) for a held action."""
    moved = row.due_date is not None and row.due_date != action.due_date
    said = row.commentary is not None and row.commentary != held.latest_commentary.get(action.id)
    rag = row.rag or action.rag
    changed = row.rag is not None and row.rag is not action.rag
    if rag is None or not (changed or moved or said):
        return None, False, False
    return rag, moved, said


def _shown(row: _Row) -> dict[str, str]:
    return {
        "Reference": row.reference,
        "Theme": str(row.theme[0] or "") + (f" {row.theme[1]}" if row.theme[1] else ""),
        "Action": clip(row.title, 80),
        "Owner": row.owner or "",
        "Lead agency": row.lead_agency or "",
        "Due date": shown_date(row.due_date),
        "RAG": row.rag.label if row.rag else "",
        "Commentary": clip(row.commentary or "", 80),
        "Recommendations": ", ".join(row.recommendations),
    }


def _rec_source(reference: str) -> RecommendationSource:
    key = reference.casefold()
    if re.fullmatch(r"c\s*\d+[a-z]?", key) or "commissioner" in key:
        return RecommendationSource.COMMISSIONER
    if "mv" in key or "monitoring" in key:
        return RecommendationSource.MONITORING_VISIT
    return RecommendationSource.OFSTED


def import_plan(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    table: Table,
    mapping: Mapping,
    *,
    today: dt.date,
    write: bool,
) -> ImportReport:
    """Check (and, when `write` and every row is valid, import) a plan tracker."""
    issues = issues_for(table, mapping)
    if issues.fatal:
        return report_for(table, mapping, issues.done())
    people = People(session)
    rows = _read_rows(table, mapping, issues, people)
    held = _held(session, plan_id)
    # Checks against what is held: the Blue gate and due dates moved into the past.
    records = []
    for row in rows:
        action = held.actions.get(row.reference.casefold())
        if action is None:
            if row.commentary and row.rag is None:
                issues.add(
                    row.number,
                    mapping.field_column("commentary"),
                    "the commentary is not kept: a progress update needs a RAG; the row has none",
                    fatal=False,
                )
            records.append(Record(row.number, row.reference, "new", _shown(row)))
            continue
        owner_id = people.resolve(row.owner)[0] if row.owner else action.owner_id
        rag, moved, _said = _progress(row, action, held)
        if (
            rag is Rag.BLUE
            and action.rag is not Rag.BLUE
            and not can_go_blue(accepted_evidence_count(session, action.id))
        ):
            issues.add(
                row.number,
                mapping.field_column("rag"),
                f"action {row.reference} cannot go Blue: the board has accepted no evidence "
                "for it yet",
            )
            continue
        if moved and row.due_date is not None and row.due_date < today:
            issues.add(
                row.number,
                mapping.field_column("due_date"),
                f"the due date of {row.reference} moves to {row.due_date:%d/%m/%Y}, "
                "which is in the past; a due date can only move to today or later",
            )
            continue
        plain = _changes(row, action, held, owner_id) or (
            row.owner is not None and owner_id is None
        )
        theme_moves = row.theme[0] is not None and (
            held.themes.get(row.theme[0]) is None or held.themes[row.theme[0]].id != action.theme_id
        )
        recs_change = "recommendations" in row.mapped and {
            x.casefold() for x in row.recommendations
        } != held.rec_refs.get(action.id, set())
        what = "update" if (plain or rag or theme_moves or recs_change) else "unchanged"
        records.append(Record(row.number, row.reference, what, _shown(row)))
    people.note_new(issues, rows, mapping.field_column("owner"))
    if not rows and not issues.fatal:
        issues.add(table.header_row, None, "the file has no actions below its header")
    new_recs = sorted(
        {
            ref
            for row in rows
            for ref in row.recommendations
            if ref.casefold() not in held.recommendations
        },
        key=str.casefold,
    )
    seen_new: set[str] = set()
    for ref in new_recs:
        if ref.casefold() in seen_new:
            continue
        seen_new.add(ref.casefold())
        first = next(r.number for r in rows if ref in r.recommendations)
        issues.add(
            first,
            mapping.field_column("recommendations"),
            f"recommendation {ref} is not in the plan: added as a "
            f"{_rec_source(ref).label} recommendation (wording to enter)",
            fatal=False,
        )
    report = report_for(table, mapping, issues.done(), records, people_created=people.new_names())
    if not write or issues.fatal or not rows:
        return report
    themes_made = 0
    with writing(session, people) as batch:
        themes_made = _themes(session, plan_id, rows, held)
        rec_ids = _recommendations(session, plan_id, rows, held)
        created: list[tuple[Action, _Row]] = []
        for row in rows:
            owner_id = batch.owner_id(row.owner)
            action = held.actions.get(row.reference.casefold())
            theme = _theme_for(row, held)
            if action is None:
                created.append((_create(session, actor_id, plan_id, row, theme, owner_id), row))
            else:
                _update(
                    session,
                    actor_id,
                    row,
                    action,
                    theme,
                    owner_id,
                    rec_ids,
                    held,
                    today,
                    table.source,
                )
        _link_created(session, created, rec_ids)
    return batch.report(
        table,
        mapping,
        issues,
        records,
        themes_created=themes_made,
        recommendations_created=len(seen_new),
    )


def _themes(session: Session, plan_id: str, rows: list[_Row], held: _Held) -> int:
    made = 0
    by_title = {t.title.casefold(): t for t in held.themes.values()}
    for row in rows:
        number, title = row.theme
        if number is None and title is not None and title.casefold() in by_title:
            row.theme = (by_title[title.casefold()].number, title)
            continue
        if number is None:
            number = max(held.themes, default=0) + 1
            row.theme = (number, title)
        theme = held.themes.get(number)
        if theme is None:
            theme = Theme(plan_id=plan_id, number=number, title=(title or f"Theme {number}")[:300])
            session.add(theme)
            held.themes[number] = theme
            if title:
                by_title[title.casefold()] = theme
            made += 1
        elif title and theme.title != title[:300]:
            theme.title = title[:300]
    return made


def _theme_for(row: _Row, held: _Held) -> Theme:
    number = row.theme[0]
    assert number is not None
    return held.themes[number]


def _recommendations(
    session: Session, plan_id: str, rows: list[_Row], held: _Held
) -> dict[str, str]:
    for row in rows:
        for ref in row.recommendations:
            if ref.casefold() not in held.recommendations:
                rec = Recommendation(
                    plan_id=plan_id, source=_rec_source(ref), reference=ref, text=PLACEHOLDER
                )
                session.add(rec)
                held.recommendations[ref.casefold()] = rec
    session.flush()
    return {k: r.id for k, r in held.recommendations.items()}


def _link(
    session: Session, action_id: str, row: _Row, rec_ids: dict[str, str], held: _Held
) -> None:
    if "recommendations" not in row.mapped:
        return
    wanted = {rec_ids[x.casefold()] for x in row.recommendations}
    current_refs = held.rec_refs.get(action_id, set())
    current = {rec_ids[x] for x in current_refs if x in rec_ids}
    if wanted == current:
        return
    if current - wanted:
        session.execute(
            action_recommendations.delete().where(
                action_recommendations.c.action_id == action_id,
                action_recommendations.c.recommendation_id.in_(sorted(current - wanted)),
            )
        )
    for rec_id in sorted(wanted - current):
        session.execute(
            action_recommendations.insert().values(action_id=action_id, recommendation_id=rec_id)
        )


def _create(
    session: Session,
    actor_id: str | None,
    plan_id: str,
    row: _Row,
    theme: Theme,
    owner_id: str | None,
) -> Action:
    action = Action(
        plan_id=plan_id,
        theme=theme,
        reference=row.reference,
        title=row.title,
        description=row.description,
        owner_id=owner_id,
        lead_agency=row.lead_agency,
        due_date=row.due_date,
        rag=row.rag,
        success_measure=row.success_measure,
        status=(
            ActionStatus.COMPLETE
            if row.rag is Rag.BLUE
            else ActionStatus.IN_PROGRESS
            if row.rag
            else ActionStatus.NOT_STARTED
        ),
    )
    session.add(action)
    if row.rag is not None:
        # The tracker's RAG is the action's first history entry (see the module docstring).
        session.add(
            ProgressUpdate(
                action=action,
                author_id=actor_id,
                rag=row.rag,
                previous_rag=None,
                commentary=row.commentary,
            )
        )
    return action


def _link_created(
    session: Session, created: list[tuple[Action, _Row]], rec_ids: dict[str, str]
) -> None:
    """The new actions' recommendation links, in one INSERT once the actions have ids.

    Written as rows of the link table (as `_link` does for held actions), not by
    assigning `Action.recommendations`: through the relationship each new action
    was also appended to its recommendations' `actions` collections, and the
    unit of work diffed every one of them at the flush — about a tenth of the
    CPU time of importing 2,000 actions, for the same rows (no audit event is
    written for link rows either way).
    """
    if not any(row.recommendations for _action, row in created):
        return
    session.flush()  # the new actions get their ids
    links = [
        {"action_id": action.id, "recommendation_id": rec_ids[ref.casefold()]}
        for action, row in created
        for ref in row.recommendations
    ]
    session.execute(action_recommendations.insert(), links)


def _update(
    session: Session,
    actor_id: str | None,
    row: _Row,
    action: Action,
    theme: Theme,
    owner_id: str | None,
    rec_ids: dict[str, str],
    held: _Held,
    today: dt.date,
    source: str,
) -> None:
    from db.services.plan import record_progress_update

    changed = False
    for attr, value in _changes(row, action, held, owner_id).items():
        setattr(action, attr, value)
        changed = True
    if action.theme_id != theme.id:
        action.theme_id = theme.id
        changed = True
    _link(session, action.id, row, rec_ids, held)
    rag, moved, said = _progress(row, action, held)
    if rag is not None:
        commentary = row.commentary if said else None
        if not commentary:
            commentary = f"Changed in the tracker imported from {source}"
        try:
            record_progress_update(
                session,
                actor_id,
                action.id,
                rag,
                commentary,
                row.due_date if moved else None,
                f"moved in the tracker imported from {source}" if moved else None,
                today=today,
            )
        except BoardpackError as error:
            raise RowFailure(row.number, None, f"action {row.reference}: {error}") from None
        changed = True
    elif row.due_date is not None and row.due_date != action.due_date and action.rag is None:
        action.due_date = row.due_date  # no RAG yet: no history to record the move in
        changed = True
    if changed:
        action.updated_at = utcnow()
