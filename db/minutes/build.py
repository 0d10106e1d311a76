"""Draft minutes generated from the meeting record: who came, what was said and resolved.

`build_minutes` reads a meeting's record — attendance, declarations, agenda
items with their discussion, decisions (latest version of each), named votes,
actions arising, the plan actions and indicators each item concerned — and
returns a `MinutesDoc` in UK committee form. The RAG of each plan action is
the one in force at the end of the meeting day (its progress history), and each
indicator carries its monthly values up to the meeting, so the minutes say what
the board saw then, not what the plan says today.

Children in care council action cards are minuted under the agenda item that
considered them, as every other record of an item is (an exempt item then
withholds them with the rest of its minute). An item lists the cards on its
action-cards papers, each with the board's response if one was recorded by
the end of the meeting day; and answers to cards of earlier meetings recorded
since the board last met go under the meeting's action-cards item, marked with
the meeting that received the card. A response belongs to the first meeting
whose day ends after it was recorded, so each answer is minuted once.

The public version is built from filtered data, never by hiding text: with
`public=True` the queries themselves leave out the discussion, decisions,
actions, links, declarations and action-card papers of exempt items (and
exempt papers), so nothing exempt is ever read. Full minutes need the right
to read exempt items; public minutes are a published document and need no
right.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, null, select
from sqlalchemy.orm import Session

from db.errors import NotFoundError
from db.minutes.doc import FORMAT, MinutesDoc, RagKey, from_content, long_date
from db.models import (
    Action,
    ActionArising,
    AgendaItem,
    Annotation,
    Attendance,
    AttendanceMode,
    AttendanceStatus,
    Board,
    Capacity,
    Decision,
    Declaration,
    ItemKind,
    Kpi,
    KpiValue,
    Meeting,
    Membership,
    Paper,
    PaperKind,
    Person,
    Plan,
    Polarity,
    ProgressUpdate,
    Role,
    agenda_item_actions,
    agenda_item_kpis,
)
from db.papers.pdftext import split_pages
from db.permissions import Capability, require
from db.services.annotations import CARD_KEY, is_card
from db.services.decisions import current_versions
from db.services.questions import CARD_STATUSES, parse_cards
from db.views import rag_key

#: How many months of an indicator the minutes chart (the year to the meeting and one more).
KPI_MONTHS = 13


def build_minutes(
    session: Session, viewer_id: str | None, meeting_id: str, *, public: bool
) -> MinutesDoc:
    """Generate a meeting's minutes from its record.

    Args:
        session: an open session.
        viewer_id: who asks; full minutes need `Capability.READ_EXEMPT` on the board.
        meeting_id: the meeting.
        public: build the public version (exempt items: title and paragraph only).

    Returns:
        The document, with the plan's RAG key and no version record.

    Raises:
        NotFoundError: no such meeting.
        PermissionDeniedError: full minutes asked for by someone who may not read exempt items.
    """
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError("no such meeting")
    if not public:
        require(session, viewer_id, meeting.board_id, Capability.READ_EXEMPT)
    content = minutes_content(session, meeting, public=public)
    return from_content(content, public=public, rag_key=board_rag_key(session, meeting.board_id))


def board_rag_key(session: Session, board_id: str) -> tuple[RagKey, ...]:
    """The RAG key of the board's plan (defaults when it has none)."""
    plan_id = session.scalar(select(Plan.id).where(Plan.board_id == board_id).limit(1))
    return tuple(RagKey(e.rag, e.label, e.meaning, e.colour) for e in rag_key(session, plan_id))


def minutes_content(session: Session, meeting: Meeting, *, public: bool) -> dict[str, Any]:
    """The content JSON of a meeting's generated minutes (exempt text left unread if public)."""
    board = session.get(Board, meeting.board_id)
    assert board is not None
    names = _names(session, meeting)
    items = _items(session, meeting, public)
    exempt_ids = {row["id"] for row in items if row["exempt"]}
    number_of = {row["id"]: row["number"] for row in items}
    last_id = items[-1]["id"] if items else None

    for d in _decisions(session, meeting, exempt_ids if public else set()):
        target = d.agenda_item_id if d.agenda_item_id in number_of else last_id
        if target is None:
            continue
        _row(items, target)["decisions"].append(
            {
                "number": d.number,
                "kind": d.kind.value,
                "wording": d.wording,
                **_votes(d, names),
            }
        )
    arising = select(ActionArising).where(ActionArising.meeting_id == meeting.id)
    if public and exempt_ids:
        arising = arising.where(
            (ActionArising.agenda_item_id.is_(None))
            | ActionArising.agenda_item_id.not_in(exempt_ids)
        )
    for a in session.scalars(arising.order_by(ActionArising.created_at, ActionArising.id)):
        target = a.agenda_item_id if a.agenda_item_id in number_of else last_id
        if target is None:
            continue
        _row(items, target)["actions_arising"].append(
            {
                "text": a.text,
                "owner": names.get(a.owner_id) if a.owner_id else None,
                "due": a.due_date.isoformat() if a.due_date else None,
            }
        )
    visible = [row["id"] for row in items if not (public and row["exempt"])]
    for item_id, entry in _plan_actions(session, meeting, visible):
        _row(items, item_id)["plan_actions"].append(entry)
    for item_id, entry in _kpis(session, meeting, visible):
        _row(items, item_id)["kpis"].append(entry)
    for item_id, cards in _action_cards(session, meeting, items, public):
        _row(items, item_id)["action_cards"] = cards

    declarations = []
    for dec in session.scalars(
        select(Declaration).where(Declaration.meeting_id == meeting.id).order_by(Declaration.id)
    ):
        if public and dec.agenda_item_id in exempt_ids:
            continue
        declarations.append(
            {
                "name": names.get(dec.person_id, ""),
                "item": number_of.get(dec.agenda_item_id) if dec.agenda_item_id else None,
                "interest": dec.interest,
                "action_taken": dec.action_taken,
            }
        )
    declarations.sort(key=lambda d: (d["item"] or 0, d["name"]))

    nxt = session.scalars(
        select(Meeting)
        .where(Meeting.board_id == meeting.board_id, Meeting.meeting_date > meeting.meeting_date)
        .order_by(Meeting.meeting_date)
        .limit(1)
    ).first()
    for row in items:
        del row["id"]
    chair = _chair(session, meeting, names)
    attendance = _attendance(session, meeting, names, number_of, chair)
    _standing_text(items, attendance, declarations, nxt)
    return {
        "format": FORMAT,
        "board": {"code": board.code, "name": board.name},
        "meeting": {
            "meeting_id": meeting.id,
            "date": meeting.meeting_date.isoformat(),
            "start": meeting.start_time.isoformat() if meeting.start_time else None,
            "end": meeting.end_time.isoformat() if meeting.end_time else None,
            "venue": meeting.venue,
            "hybrid": meeting.hybrid,
        },
        "chair": chair,
        "attendance": attendance,
        "declarations": declarations,
        "items": items,
        "next_meeting": None
        if nxt is None
        else {
            "date": nxt.meeting_date.isoformat(),
            "start": nxt.start_time.isoformat() if nxt.start_time else None,
            "venue": nxt.venue,
        },
    }


def _standing_text(
    items: list[dict[str, Any]],
    attendance: dict[str, list[str]],
    declarations: list[dict[str, Any]],
    nxt: Meeting | None,
) -> None:
    """The clerk's usual sentences for standing items the record left without text."""
    private = {row["number"] for row in items if row["exempt"]}
    for row in items:
        if row["minutes"] or row.get("withheld"):
            continue
        if row["kind"] == "apologies":
            sent = [n.split(" (")[0] for n in attendance["apologies"]]
            row["minutes"] = (
                f"Apologies were received from {_joined(sent)}."
                if sent
                else "There were no apologies."
            )
        elif row["kind"] == "declarations":
            said = [_declared(d, private) for d in declarations]
            row["minutes"] = "\n\n".join(said) or "No declarations of interest were made."
        elif row["kind"] == "next_meeting" and nxt is not None:
            row["minutes"] = f"The next meeting will be held on {long_date(nxt.meeting_date)}."


def _declared(d: dict[str, Any], private: set[int]) -> str:
    # An interest in an item taken in private is minuted without its substance here: the
    # declarations item is public, and the interest itself may be the exempt information.
    if d["item"] in private:
        return f"{d['name']} declared an interest in item {d['item']}, which was taken in private."
    return (
        f"{d['name']} declared an interest"
        + (f" in item {d['item']}" if d["item"] else "")
        + f": {d['interest']}"
        + (f" {d['action_taken']}" if d["action_taken"] else "")
    )


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _row(items: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    return next(row for row in items if row["id"] == item_id)


def _names(session: Session, meeting: Meeting) -> dict[str, str]:
    """Every person's name (boards are tens of people, not thousands)."""
    return {pid: name for pid, name in session.execute(select(Person.id, Person.name))}


def _items(session: Session, meeting: Meeting, public: bool) -> list[dict[str, Any]]:
    discussion: Any = AgendaItem.discussion
    report_of: Any = AgendaItem.report_of
    if public:  # exempt text is not even read
        discussion = case((AgendaItem.exempt, null()), else_=AgendaItem.discussion)
        report_of = case((AgendaItem.exempt, null()), else_=AgendaItem.report_of)
    rows = session.execute(
        select(
            AgendaItem.id,
            AgendaItem.kind,
            AgendaItem.title,
            report_of,
            AgendaItem.presenter_id,
            AgendaItem.exempt,
            AgendaItem.exempt_paragraph,
            discussion,
            AgendaItem.taken_inquorate,
        )
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position)
    ).all()
    return [
        {
            "id": item_id,
            "number": number,
            "kind": kind.value,
            "title": title,
            "report_of": report,
            "exempt": bool(exempt),
            "exempt_paragraph": paragraph if exempt else None,
            "minutes": (text or "").strip(),
            "decisions": [],
            "actions_arising": [],
            "plan_actions": [],
            "kpis": [],
            "inquorate": bool(inquorate),
        }
        for number, (
            item_id,
            kind,
            title,
            report,
            _presenter,
            exempt,
            paragraph,
            text,
            inquorate,
        ) in enumerate(rows, start=1)
    ]


def _decisions(session: Session, meeting: Meeting, skip_items: set[str]) -> list[Decision]:
    """The meeting's decisions in number order, each at its latest version."""
    query = select(Decision).where(Decision.meeting_id == meeting.id)
    if skip_items:
        query = query.where(
            (Decision.agenda_item_id.is_(None)) | Decision.agenda_item_id.not_in(skip_items)
        )
    decisions = session.scalars(query.order_by(Decision.year, Decision.seq, Decision.version))
    return current_versions(decisions)


def _votes(d: Decision, names: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if d.votes_for is not None or d.votes_against is not None or d.votes_abstain is not None:
        out["votes"] = {"for": d.votes_for, "against": d.votes_against, "abstain": d.votes_abstain}
    if d.named_votes:
        out["named_votes"] = [
            {"name": names.get(str(v.get("person_id")), ""), "vote": str(v.get("vote", ""))}
            for v in d.named_votes
        ]
    return out


def _chair(session: Session, meeting: Meeting, names: dict[str, str]) -> str | None:
    chairs = session.execute(
        select(Membership.person_id, Membership.start_date, Membership.end_date).where(
            Membership.board_id == meeting.board_id, Membership.role == Role.CHAIR
        )
    ).all()
    day = meeting.meeting_date
    for person_id, start, end in chairs:
        if (start is None or start <= day) and (end is None or end >= day):
            return names.get(person_id)
    return names.get(chairs[0][0]) if chairs else None


def _attendance(
    session: Session,
    meeting: Meeting,
    names: dict[str, str],
    number_of: dict[str, int],
    chair: str | None,
) -> dict[str, list[str]]:
    """Names with position and notes, the chair first, then alphabetical by name."""
    positions: dict[str, str | None] = {
        pid: position
        for pid, position in session.execute(
            select(Membership.person_id, Membership.position).where(
                Membership.board_id == meeting.board_id, Membership.position.is_not(None)
            )
        )
    }
    titles = {
        pid: ", ".join(p for p in (job, org) if p)
        for pid, job, org in session.execute(
            select(Person.id, Person.job_title, Person.organisation)
        )
    }
    out: dict[str, list[str]] = {"present": [], "in_attendance": [], "apologies": [], "absent": []}
    rows = session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    for a in sorted(rows, key=lambda a: _seat_order(names.get(a.person_id, ""), chair)):
        name = names.get(a.person_id, "")
        role = positions.get(a.person_id) or titles.get(a.person_id)
        text = f"{name} ({role})" if role else name
        notes = []
        if a.status is AttendanceStatus.PRESENT:
            if a.mode is AttendanceMode.REMOTE:
                notes.append("attended remotely")
            if a.arrived_at_item_id in number_of:
                notes.append(f"arrived during item {number_of[a.arrived_at_item_id]}")
            if a.left_after_item_id in number_of:
                notes.append(f"left after item {number_of[a.left_after_item_id]}")
        if notes:
            text += " – " + ", ".join(notes)
        if a.status is AttendanceStatus.PRESENT:
            key = "present" if a.capacity is Capacity.MEMBER else "in_attendance"
        else:
            key = a.status.value
        out[key].append(text)
    return out


def _seat_order(name: str, chair: str | None) -> tuple[bool, str, str]:
    return (name != chair, name.split()[-1] if name else "", name)


def _day_end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def _plan_actions(
    session: Session, meeting: Meeting, item_ids: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    if not item_ids:
        return []
    links = session.execute(
        select(agenda_item_actions.c.agenda_item_id, Action.id, Action.reference, Action.title)
        .join(Action, Action.id == agenda_item_actions.c.action_id)
        .where(agenda_item_actions.c.agenda_item_id.in_(item_ids))
    ).all()
    action_ids = {row[1] for row in links}
    rag_then: dict[str, str] = {}
    for action_id, rag in session.execute(
        select(ProgressUpdate.action_id, ProgressUpdate.rag)
        .where(
            ProgressUpdate.action_id.in_(action_ids),
            ProgressUpdate.recorded_at < _day_end(meeting.meeting_date),
        )
        .order_by(ProgressUpdate.recorded_at, ProgressUpdate.id)
    ):
        rag_then[action_id] = rag.value
    out = [
        (item_id, {"reference": ref, "title": title, "rag": rag_then.get(action_id)})
        for item_id, action_id, ref, title in links
    ]
    out.sort(key=lambda pair: (pair[0], _ref_key(pair[1]["reference"])))
    return out


def _ref_key(reference: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in reference.split("."))


def _kpis(
    session: Session, meeting: Meeting, item_ids: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    if not item_ids:
        return []
    links = session.execute(
        select(agenda_item_kpis.c.agenda_item_id, Kpi)
        .join(Kpi, Kpi.id == agenda_item_kpis.c.kpi_id)
        .where(agenda_item_kpis.c.agenda_item_id.in_(item_ids))
    ).all()
    kpi_ids = {kpi.id for _, kpi in links}
    points: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kpi_id, period, value, national, regional in session.execute(
        select(
            KpiValue.kpi_id, KpiValue.period, KpiValue.value, KpiValue.national, KpiValue.regional
        )
        .where(and_(KpiValue.kpi_id.in_(kpi_ids), KpiValue.period <= meeting.meeting_date))
        .order_by(KpiValue.period)
    ):
        points[kpi_id].append(
            {"date": period.isoformat(), "value": value, "national": national, "regional": regional}
        )
    out = [
        (
            item_id,
            {
                "reference": kpi.reference,
                "title": kpi.title,
                "unit": kpi.unit,
                "higher_is_better": kpi.polarity is Polarity.HIGHER_IS_BETTER,
                "target": kpi.target,
                "points": points[kpi.id][-KPI_MONTHS:],
            },
        )
        for item_id, kpi in links
    ]
    out.sort(key=lambda pair: (pair[0], _ref_key(pair[1]["reference"].lstrip("K"))))
    return out


def _action_cards(
    session: Session, meeting: Meeting, items: list[dict[str, Any]], public: bool
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The action cards each item considered: its papers' cards, and answers to earlier ones.

    Public: papers that are exempt, or on an exempt item, are left out by the query, so
    neither their text nor the responses on them are read.
    """
    item_ids = {row["id"] for row in items}
    exempt_items = {row["id"] for row in items if row["exempt"]}
    kind = ItemKind.ACTION_CARDS.value
    cards_item = next((row["id"] for row in items if row["kind"] == kind), None)
    if cards_item is None and items:
        cards_item = items[-1]["id"]
    day_end = _day_end(meeting.meeting_date)
    previous = session.scalar(
        select(Meeting.meeting_date)
        .where(Meeting.board_id == meeting.board_id, Meeting.meeting_date < meeting.meeting_date)
        .order_by(Meeting.meeting_date.desc())
        .limit(1)
    )
    since = _day_end(previous) if previous is not None else None

    query = (
        select(
            Paper.id,
            Paper.meeting_id,
            Paper.agenda_item_id,
            Paper.exempt,
            AgendaItem.exempt,
            Meeting.meeting_date,
        )
        .join(Meeting, Meeting.id == Paper.meeting_id)
        .outerjoin(AgendaItem, AgendaItem.id == Paper.agenda_item_id)
        .where(
            Meeting.board_id == meeting.board_id,
            Meeting.meeting_date <= meeting.meeting_date,
            Paper.kind == PaperKind.ACTION_CARDS,
        )
    )
    if public:
        query = query.where(
            Paper.exempt.is_(False), (AgendaItem.exempt.is_(None)) | AgendaItem.exempt.is_(False)
        )
    papers = session.execute(query.order_by(Paper.issued_at, Paper.id)).all()
    superseded = set(
        session.scalars(
            select(Paper.supersedes_id).where(Paper.supersedes_id.in_([p[0] for p in papers]))
        )
    )
    papers = [p for p in papers if p[0] not in superseded]
    responses = _card_responses(session, [p[0] for p in papers])

    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ours = [p for p in papers if p[1] == meeting.id]
    texts = {
        paper_id: (text, pages)
        for paper_id, text, pages in session.execute(
            select(Paper.id, Paper.text, Paper.page_count).where(Paper.id.in_([p[0] for p in ours]))
        )
    }
    for paper_id, _, item_id, paper_exempt, item_exempt, _ in ours:
        target = item_id if item_id in item_ids else cards_item
        if target is None:
            continue
        text, pages = texts[paper_id]
        for number, ask, addressed, _ in parse_cards(split_pages(text, pages or 1)):
            entry: dict[str, Any] = {
                "number": number,
                "text": ask,
                "addressed_to": addressed,
                "response": None,
                "status": None,
                "given_by": None,
            }
            found = responses.get((paper_id, number))
            if found is not None and found.at <= day_end:
                entry.update(found.fields)
            if paper_exempt or item_exempt:
                entry["exempt"] = True
            out[target].append(entry)
    # Answers to earlier meetings' cards, recorded since the board last met.
    received_at = {p[0]: (p[5], bool(p[3] or p[4])) for p in papers if p[1] != meeting.id}
    if cards_item is not None and since is not None:
        for (paper_id, number), found in responses.items():
            if paper_id not in received_at or not since < found.at <= day_end:
                continue
            received, paper_exempt = received_at[paper_id]
            entry = {
                "number": number,
                "text": found.quote,
                "addressed_to": found.addressed_to,
                **found.fields,
                "received": received.isoformat(),
            }
            if paper_exempt:
                entry["exempt"] = True
            out[cards_item].append(entry)
    result = []
    for item_id, cards in out.items():
        if public and item_id in exempt_items:
            continue
        cards.sort(key=lambda c: ("received" not in c, c["number"]))
        result.append((item_id, cards))
    return result


@dataclass(frozen=True)
class _Response:
    at: dt.datetime  # when it was recorded (UTC)
    fields: dict[str, Any]  # response, status, given_by
    quote: str  # the card's text, as the response quotes it
    addressed_to: str | None


def _card_responses(session: Session, paper_ids: list[str]) -> dict[tuple[str, int], _Response]:
    """The board's latest response to each card, by (paper, card number)."""
    if not paper_ids:
        return {}
    out: dict[tuple[str, int], _Response] = {}
    for a in session.scalars(
        select(Annotation)
        .where(Annotation.paper_id.in_(paper_ids), Annotation.shared.is_(True))
        .order_by(Annotation.updated_at, Annotation.id)
    ):
        if not is_card(a):
            continue
        card = (a.extra or {})[CARD_KEY]
        number = card.get("number")
        if not isinstance(number, int) or not a.comment:
            continue
        status = card.get("status")
        out[(a.paper_id, number)] = _Response(
            at=_recorded_at(card.get("responded_at"), a.updated_at),
            fields={
                "response": a.comment,
                "status": status if status in CARD_STATUSES else "agreed",
                "given_by": _opt_text(card.get("responded_by")),
            },
            quote=a.quote or "",
            addressed_to=_opt_text(card.get("addressed_to")),
        )
    return out


def _opt_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _recorded_at(value: Any, fallback: dt.datetime) -> dt.datetime:
    at = fallback
    if isinstance(value, str):
        try:
            at = dt.datetime.fromisoformat(value)
        except ValueError:
            at = fallback
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
