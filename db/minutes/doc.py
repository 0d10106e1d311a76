"""The minutes document: one plain dataclass tree that both renderers (PDF, HTML) read.

`MinutesDoc` is what a meeting's minutes *say*, in UK committee form: board,
date, time and venue; present, in attendance, apologies; declarations; each
item numbered with its title, "report of", the clerk's summary of discussion,
its decisions (RESOLVED, numbered per board and year, noted kept apart from
agreed), named votes, actions arising, the plan actions and indicators it
concerned, the children in care council's action cards it considered with the
board's responses; exempt items with their Schedule 12A paragraph; the next
meeting.

Its content is stored as canonical JSON in `MinutesVersion.content_json`
(`to_content` / `from_content`, format `boardpack-minutes/1`, the shape the
search index and `db.services.search.minutes_text` read: text values under
`items[*].minutes`, decisions, actions arising; ids, dates and codes under
keys the index skips). An item's action cards sit under `items[*].action_cards`,
a key written only when the item has cards, so minutes without cards — every
version signed before cards were minuted — have the same canonical JSON, and
the same hash, as they always had. The public version is made while *reading*:
with `public=True`, `from_content` drops every exempt item's text, decisions,
actions, cards and charts, and every card from an exempt paper, before any
object holds them, so a renderer of a public document has no exempt text it
could leak. What is not content — the RAG
key, and the version's record (status, signer, hash) — rides beside it and is
never hashed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

FORMAT = "boardpack-minutes/1"

#: Paragraphs of Part 1 of Schedule 12A to the Local Government Act 1972 (short form).
SCHEDULE_12A: dict[int, str] = {
    1: "information relating to any individual",
    2: "information which is likely to reveal the identity of an individual",
    3: "information relating to the financial or business affairs of any particular person "
    "(including the authority holding that information)",
    4: "information relating to any consultations or negotiations in connection with any "
    "labour relations matter arising between the authority and its employees or office holders",
    5: "information in respect of which a claim to legal professional privilege could be "
    "maintained in legal proceedings",
    6: "information which reveals that the authority proposes to give a notice imposing "
    "requirements on a person, or to make an order or direction under any enactment",
    7: "information relating to any action taken or to be taken in connection with the "
    "prevention, investigation or prosecution of crime",
}


def exclusion_resolution(paragraph: int) -> str:
    """The resolution excluding the press and public for an exempt item (public text)."""
    meaning = SCHEDULE_12A.get(paragraph, "exempt information")
    return (
        "That the press and public be excluded from the meeting for the following item of "
        "business on the grounds that it involves the likely disclosure of exempt information "
        f"as defined in paragraph {paragraph} of Part 1 of Schedule 12A to the Local "
        f"Government Act 1972 ({meaning})."
    )


@dataclass(frozen=True)
class NamedVote:
    name: str
    vote: str  # "for", "against" or "abstain"


@dataclass(frozen=True)
class DecisionEntry:
    """A resolution as minuted: its number, kind and wording, and any votes recorded."""

    number: str  # "OPAB 19/07"
    kind: str  # DecisionKind value: agreed, approved, noted, endorsed, deferred, rejected
    wording: str
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    named_votes: tuple[NamedVote, ...] = ()

    @property
    def noted(self) -> bool:
        return self.kind == "noted"

    @property
    def has_votes(self) -> bool:
        return bool(self.named_votes) or self.votes_for is not None


@dataclass(frozen=True)
class ArisingEntry:
    text: str
    owner: str | None
    due: dt.date | None


@dataclass(frozen=True)
class PlanActionEntry:
    """A plan action an item concerned, with its RAG as at the meeting (None: not rated)."""

    reference: str
    title: str
    rag: str | None  # Rag value


@dataclass(frozen=True)
class KpiPointEntry:
    period: dt.date
    value: float
    national: float | None
    regional: float | None


@dataclass(frozen=True)
class KpiChartEntry:
    """An indicator an item linked, with its monthly values up to the meeting."""

    reference: str
    title: str
    unit: str
    higher_is_better: bool
    target: float | None
    points: tuple[KpiPointEntry, ...]


@dataclass(frozen=True)
class CardEntry:
    """A children in care council action card considered under an item, and the response.

    `text` is the card's ask in the young people's own words; `addressed_to`
    the board member it names. `response`, `status` and `given_by` are the
    board's response as recorded by the end of the meeting day (None: no
    response then). `received` is the date of the earlier meeting whose
    papers carried the card (None: it came to this meeting). `exempt`: the
    card's paper is exempt, so the public version leaves the card out.
    """

    number: int
    text: str
    addressed_to: str | None = None
    response: str | None = None
    status: str | None = None  # db.services.questions.CARD_STATUSES value
    given_by: str | None = None
    received: dt.date | None = None
    exempt: bool = False

    @property
    def status_label(self) -> str:
        """ "In progress"; "Awaiting response" when the board gave none at the meeting."""
        return self.status.capitalize() if self.status else "Awaiting response"


@dataclass(frozen=True)
class DeclarationEntry:
    name: str
    item_number: int | None  # None: an interest declared for the whole meeting
    interest: str
    action_taken: str | None


@dataclass(frozen=True)
class MinutesItem:
    """One numbered item of the minutes. In a public document an exempt item is withheld."""

    number: int
    kind: str  # ItemKind value
    title: str
    report_of: str | None = None
    exempt: bool = False
    exempt_paragraph: int | None = None
    minutes: str = ""  # the summary of discussion (blank lines separate paragraphs)
    decisions: tuple[DecisionEntry, ...] = ()
    actions_arising: tuple[ArisingEntry, ...] = ()
    plan_actions: tuple[PlanActionEntry, ...] = ()
    kpis: tuple[KpiChartEntry, ...] = ()
    action_cards: tuple[CardEntry, ...] = ()
    inquorate: bool = False
    withheld: bool = False  # a public document's exempt item: title and paragraph only

    @property
    def resolved(self) -> tuple[DecisionEntry, ...]:
        """Decisions other than "noted", in their recorded order."""
        return tuple(d for d in self.decisions if not d.noted)

    @property
    def noted(self) -> tuple[DecisionEntry, ...]:
        return tuple(d for d in self.decisions if d.noted)

    @property
    def exclusion(self) -> str | None:
        """The exclusion resolution an exempt item is taken under (None: a public item)."""
        if not self.exempt or self.exempt_paragraph is None:
            return None
        return exclusion_resolution(self.exempt_paragraph)


@dataclass(frozen=True)
class Attendance:
    """Names as minuted, each already with its position and any note ("remote")."""

    present: tuple[str, ...] = ()
    in_attendance: tuple[str, ...] = ()
    apologies: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()


@dataclass(frozen=True)
class NextMeeting:
    date: dt.date
    start: dt.time | None = None
    venue: str | None = None


@dataclass(frozen=True)
class RagKey:
    rag: str  # Rag value
    label: str
    meaning: str
    colour: str  # "#RRGGBB"


@dataclass(frozen=True)
class RecordInfo:
    """Where a version is in its life; not content, never hashed."""

    version_id: str
    version: int
    status: str  # MinutesStatus value
    content_hash: str | None = None
    signed_by: str | None = None
    signed_at: dt.datetime | None = None  # UTC
    approved_at: dt.datetime | None = None
    approved_by: str | None = None  # "OPAB 19/07" or the chair's name
    supersedes_version: int | None = None


@dataclass(frozen=True)
class MinutesDoc:
    """A meeting's minutes as both renderers read them."""

    board_code: str
    board_name: str
    meeting_id: str
    date: dt.date
    start: dt.time | None
    end: dt.time | None
    venue: str | None
    hybrid: bool
    chair: str | None
    attendance: Attendance
    declarations: tuple[DeclarationEntry, ...]
    items: tuple[MinutesItem, ...]
    next_meeting: NextMeeting | None
    public: bool = False
    rag_key: tuple[RagKey, ...] = ()
    record: RecordInfo | None = None

    @property
    def title(self) -> str:
        return f"{self.board_name}: minutes of the meeting held on {long_date(self.date)}"

    @property
    def uses_rag(self) -> bool:
        return any(a.rag for item in self.items for a in item.plan_actions)

    def item(self, number: int) -> MinutesItem:
        return next(i for i in self.items if i.number == number)


def long_date(day: dt.date) -> str:
    """ "Tuesday 22 January 2019"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def clock_time(moment: dt.time) -> str:
    """ "10.00 am", the way council minutes write times."""
    hour = moment.hour % 12 or 12
    return f"{hour}.{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


# -- content JSON --------------------------------------------------------------------------


def _iso(value: dt.date | dt.time | None) -> str | None:
    return value.isoformat() if value is not None else None


def _decision_json(d: DecisionEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"number": d.number, "kind": d.kind, "wording": d.wording}
    if d.votes_for is not None or d.votes_against is not None or d.votes_abstain is not None:
        out["votes"] = {"for": d.votes_for, "against": d.votes_against, "abstain": d.votes_abstain}
    if d.named_votes:
        out["named_votes"] = [{"name": v.name, "vote": v.vote} for v in d.named_votes]
    return out


def _kpi_json(k: KpiChartEntry) -> dict[str, Any]:
    return {
        "reference": k.reference,
        "title": k.title,
        "unit": k.unit,
        "higher_is_better": k.higher_is_better,
        "target": k.target,
        "points": [
            {
                "date": p.period.isoformat(),
                "value": p.value,
                "national": p.national,
                "regional": p.regional,
            }
            for p in k.points
        ],
    }


def _card_json(c: CardEntry) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": c.number,
        "text": c.text,
        "addressed_to": c.addressed_to,
        "response": c.response,
        "status": c.status,
        "given_by": c.given_by,
    }
    if c.received is not None:
        out["received"] = c.received.isoformat()
    if c.exempt:
        out["exempt"] = True
    return out


def _item_json(item: MinutesItem) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": item.number,
        "kind": item.kind,
        "title": item.title,
        "report_of": item.report_of,
        "exempt": item.exempt,
        "exempt_paragraph": item.exempt_paragraph,
        "minutes": item.minutes,
        "decisions": [_decision_json(d) for d in item.decisions],
        "actions_arising": [
            {"text": a.text, "owner": a.owner, "due": _iso(a.due)} for a in item.actions_arising
        ],
        "plan_actions": [
            {"reference": a.reference, "title": a.title, "rag": a.rag} for a in item.plan_actions
        ],
        "kpis": [_kpi_json(k) for k in item.kpis],
        "inquorate": item.inquorate,
    }
    if item.action_cards:  # absent when none: content without cards keeps its old hash
        out["action_cards"] = [_card_json(c) for c in item.action_cards]
    return out


def to_content(doc: MinutesDoc) -> dict[str, Any]:
    """The JSON-ready content of a full document (what is stored, hashed and signed).

    Raises:
        ValueError: `doc` is a public document (its exempt text is gone; storing it
            would lose the record).
    """
    if doc.public:
        raise ValueError("a public minutes document is never stored")
    next_meeting = doc.next_meeting
    return {
        "format": FORMAT,
        "board": {"code": doc.board_code, "name": doc.board_name},
        "meeting": {
            "meeting_id": doc.meeting_id,
            "date": doc.date.isoformat(),
            "start": _iso(doc.start),
            "end": _iso(doc.end),
            "venue": doc.venue,
            "hybrid": doc.hybrid,
        },
        "chair": doc.chair,
        "attendance": {
            "present": list(doc.attendance.present),
            "in_attendance": list(doc.attendance.in_attendance),
            "apologies": list(doc.attendance.apologies),
            "absent": list(doc.attendance.absent),
        },
        "declarations": [
            {
                "name": d.name,
                "item": d.item_number,
                "interest": d.interest,
                "action_taken": d.action_taken,
            }
            for d in doc.declarations
        ],
        "items": [_item_json(i) for i in doc.items],
        "next_meeting": None
        if next_meeting is None
        else {
            "date": next_meeting.date.isoformat(),
            "start": _iso(next_meeting.start),
            "venue": next_meeting.venue,
        },
    }


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _time(value: Any) -> dt.time | None:
    return dt.time.fromisoformat(value) if isinstance(value, str) and value else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _opt(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _decision(raw: dict[str, Any]) -> DecisionEntry:
    votes = _dict(raw.get("votes"))
    return DecisionEntry(
        number=_text(raw.get("number")),
        kind=_text(raw.get("kind")) or "agreed",
        wording=_text(raw.get("wording")),
        votes_for=_int(votes.get("for")),
        votes_against=_int(votes.get("against")),
        votes_abstain=_int(votes.get("abstain")),
        named_votes=tuple(
            NamedVote(_text(v.get("name")), _text(v.get("vote")))
            for v in map(_dict, _list(raw.get("named_votes")))
        ),
    )


def _kpi(raw: dict[str, Any]) -> KpiChartEntry:
    points = []
    for p in map(_dict, _list(raw.get("points"))):
        period, value = _date(p.get("date")), _num(p.get("value"))
        if period is not None and value is not None:
            points.append(
                KpiPointEntry(period, value, _num(p.get("national")), _num(p.get("regional")))
            )
    return KpiChartEntry(
        reference=_text(raw.get("reference")),
        title=_text(raw.get("title")),
        unit=_text(raw.get("unit")),
        higher_is_better=bool(raw.get("higher_is_better")),
        target=_num(raw.get("target")),
        points=tuple(points),
    )


def _card(raw: dict[str, Any], position: int) -> CardEntry:
    return CardEntry(
        number=_int(raw.get("number")) or position,
        text=_text(raw.get("text")),
        addressed_to=_opt(raw.get("addressed_to")),
        response=_opt(raw.get("response")),
        status=_opt(raw.get("status")),
        given_by=_opt(raw.get("given_by")),
        received=_date(raw.get("received")),
        exempt=bool(raw.get("exempt")),
    )


def _cards(value: Any, public: bool) -> tuple[CardEntry, ...]:
    raws = [_dict(c) for c in _list(value)]
    return tuple(
        _card(raw, n)
        for n, raw in enumerate(raws, start=1)
        if not (public and raw.get("exempt"))  # an exempt paper's card: not even read
    )


def _item(raw: dict[str, Any], position: int, public: bool) -> MinutesItem:
    exempt = bool(raw.get("exempt"))
    paragraph = _int(raw.get("exempt_paragraph"))
    number = _int(raw.get("number")) or position
    title = _text(raw.get("title"))
    kind = _text(raw.get("kind")) or "business"
    if exempt and public:
        # Filtered here, before any object holds the text: title and paragraph only.
        return MinutesItem(
            number=number,
            kind=kind,
            title=title,
            exempt=True,
            exempt_paragraph=paragraph,
            withheld=True,
        )
    return MinutesItem(
        number=number,
        kind=kind,
        title=title,
        report_of=_opt(raw.get("report_of")),
        exempt=exempt,
        exempt_paragraph=paragraph,
        minutes=_text(raw.get("minutes")),
        decisions=tuple(_decision(_dict(d)) for d in _list(raw.get("decisions"))),
        actions_arising=tuple(
            ArisingEntry(_text(a.get("text")), _opt(a.get("owner")), _date(a.get("due")))
            for a in map(_dict, _list(raw.get("actions_arising")))
        ),
        plan_actions=tuple(
            PlanActionEntry(_text(a.get("reference")), _text(a.get("title")), _opt(a.get("rag")))
            for a in map(_dict, _list(raw.get("plan_actions")))
        ),
        kpis=tuple(_kpi(_dict(k)) for k in _list(raw.get("kpis"))),
        action_cards=_cards(raw.get("action_cards"), public),
        inquorate=bool(raw.get("inquorate")),
    )


def _names(value: Any) -> tuple[str, ...]:
    return tuple(v for v in _list(value) if isinstance(v, str))


def from_content(
    content: dict[str, Any],
    *,
    public: bool,
    rag_key: tuple[RagKey, ...] = (),
    record: RecordInfo | None = None,
) -> MinutesDoc:
    """Read stored content (also the demo's older `boardpack-minutes/1` shape) into a document.

    Args:
        content: the parsed `content_json`.
        public: drop every exempt item's text, decisions, actions, cards and charts, and
            every card from an exempt paper, while reading.
        rag_key: the plan's RAG key, shown wherever a RAG is.
        record: the version's status, signer and hash.

    Returns:
        The document; a public one holds no exempt text at all.
    """
    board = _dict(content.get("board"))
    meeting = _dict(content.get("meeting"))
    attendance = _dict(content.get("attendance"))
    items = tuple(
        _item(_dict(raw), n, public) for n, raw in enumerate(_list(content.get("items")), start=1)
    )
    exempt_numbers = {i.number for i in items if i.exempt}
    declarations = tuple(
        DeclarationEntry(
            _text(d.get("name")),
            _int(d.get("item")),
            _text(d.get("interest")),
            _opt(d.get("action_taken")),
        )
        for d in map(_dict, _list(content.get("declarations")))
        if not (public and _int(d.get("item")) in exempt_numbers)
    )
    nxt = _dict(content.get("next_meeting"))
    next_date = _date(nxt.get("date"))
    day = _date(meeting.get("date"))
    if day is None:
        raise ValueError("the minutes have no meeting date")
    return MinutesDoc(
        board_code=_text(board.get("code")),
        board_name=_text(board.get("name")),
        meeting_id=_text(meeting.get("meeting_id")),
        date=day,
        start=_time(meeting.get("start")),
        end=_time(meeting.get("end")),
        venue=_opt(meeting.get("venue")),
        hybrid=bool(meeting.get("hybrid")),
        chair=_opt(content.get("chair")),
        attendance=Attendance(
            present=_names(attendance.get("present")),
            in_attendance=_names(attendance.get("in_attendance")),
            apologies=_names(attendance.get("apologies")),
            absent=_names(attendance.get("absent")),
        ),
        declarations=declarations,
        items=items,
        next_meeting=None
        if next_date is None
        else NextMeeting(next_date, _time(nxt.get("start")), _opt(nxt.get("venue"))),
        public=public,
        rag_key=rag_key,
        record=record,
    )
