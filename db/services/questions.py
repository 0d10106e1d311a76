"""Questions prepared against agenda items, and children in care council action cards.

Members prepare questions before the meeting (shared with the board by
default, or private to the author); the answer is recorded in meeting mode
(`Capability.RUN_MEETING`). Questions on an exempt item are only for viewers
cleared for it.

Action cards. An action-cards paper (`PaperKind.ACTION_CARDS`) lists its
cards in its own text ("Card 1: text. For: the Director ..."); `action_cards`
reads them from there. The board's recorded response to a card is stored,
with no schema change, as a shared NOTE annotation on the paper whose
`quote` is the card's text (so it follows the card when the paper is
re-issued), `comment` the response, and `extra["action_card"]` =
{"number", "addressed_to", "responded_by", "responded_at", "status",
"recorded_by"}; the notes lists leave such annotations out, and annotations
sync like every other row, so responses reach every laptop. A response has a
status the children in care council can follow (`CARD_STATUSES`: agreed, in
progress, done, not agreed). Responses are recorded by whoever runs the
meeting (`Capability.RUN_MEETING`: the chair, the secretariat as clerk), in
meeting mode or from the paper in the reader; everyone who may read the
paper sees them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import (
    AgendaItem,
    AnchorState,
    Annotation,
    AnnotationKind,
    Paper,
    PaperKind,
    Question,
)
from db.papers.pdftext import split_pages
from db.permissions import Capability, allowed, require
from db.services.annotations import CARD_KEY, is_card
from db.services.papers import (
    board_of_meeting,
    check_paper_visible,
    get_item,
    get_paper,
    may_read_exempt,
    meeting_papers,
    person_names,
    require_read,
    session_now,
)


@dataclass(frozen=True)
class QuestionRow:
    question_id: str
    item_id: str
    author_id: str
    author_name: str
    text: str
    shared: bool
    answer: str | None
    answered_by: str | None
    answered_at: dt.datetime | None
    created_at: dt.datetime
    mine: bool


@dataclass(frozen=True)
class ItemQuestions:
    """The questions prepared against one agenda item, oldest first."""

    item_id: str
    item_number: str
    item_title: str
    questions: tuple[QuestionRow, ...]


#: What the board's response to an action card says will happen, in the order shown.
CARD_STATUSES: tuple[str, ...] = ("agreed", "in progress", "done", "not agreed")


@dataclass(frozen=True)
class ActionCard:
    """A children in care council action card and the board's response, if recorded.

    `responded_by` is who gave the response (as the minutes name them);
    `recorded_by` the person who recorded it in Boardpack, at `responded_at`.
    """

    paper_id: str
    number: int
    text: str
    addressed_to: str | None
    page: int
    response: str | None
    responded_by: str | None
    responded_at: dt.datetime | None
    status: str | None = None
    recorded_by: str | None = None
    paper_title: str = ""


# -- Reads ---------------------------------------------------------------------------------


def questions_by_item(
    session: Session, viewer_id: str | None, meeting_id: str
) -> tuple[ItemQuestions, ...]:
    """Questions prepared for the meeting, grouped by agenda item in agenda order.

    Shared questions and the viewer's own private ones; none on exempt items
    for a viewer not cleared for them. Items with no questions are left out.
    """
    board_id = board_of_meeting(session, meeting_id)
    require_read(session, viewer_id, board_id)
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position)
        )
    )
    by_item: dict[str, list[Question]] = {i.id: [] for i in items}
    for q in session.scalars(
        select(Question)
        .where(Question.agenda_item_id.in_(list(by_item)))
        .order_by(Question.created_at, Question.id)
    ):
        if q.shared or q.author_id == viewer_id:
            by_item[q.agenda_item_id].append(q)
    names = person_names(session, (q.author_id for qs in by_item.values() for q in qs))
    out = []
    for item in items:
        questions = by_item[item.id]
        if not questions:
            continue
        if item.exempt and not may_read_exempt(session, viewer_id, board_id, item.presenter_id):
            continue
        out.append(
            ItemQuestions(
                item.id,
                str(item.position),
                item.title,
                tuple(_question_row(q, names, viewer_id) for q in questions),
            )
        )
    return tuple(out)


def _question_row(q: Question, names: dict[str, str], viewer_id: str | None) -> QuestionRow:
    return QuestionRow(
        question_id=q.id,
        item_id=q.agenda_item_id,
        author_id=q.author_id,
        author_name=names.get(q.author_id, "Unknown"),
        text=q.text,
        shared=bool(q.shared),
        answer=q.answer,
        answered_by=q.answered_by,
        answered_at=q.answered_at,
        created_at=q.created_at,
        mine=viewer_id is not None and q.author_id == viewer_id,
    )


# -- Reads: action cards -----------------------------------------------------------------

_CARD = re.compile(r"Card\s+(\d+)\s*:\s*(.*?)(?=[-•]?\s*Card\s+\d+\s*:|\Z)", re.DOTALL)
_FOR = re.compile(r"\bFor:\s*(.+?)(?:\.(?=\s|$)|$)")
_SECTION_END = re.compile(r"\n\s*#|\n\s*\n")


def parse_cards(pages: Sequence[str]) -> list[tuple[int, str, str | None, int]]:
    """Cards in an action-cards paper's text: (number, card text, addressed to, page).

    A card is "Card N: text. For: whom." (answers to earlier cards, written
    "Card N (topic): ...", are not new cards and are left out).
    """
    out: list[tuple[int, str, str | None, int]] = []
    for page_number, page_text in enumerate(pages):
        for match in _CARD.finditer(page_text):
            body = " ".join(match.group(2).replace("•", " ").split()).rstrip(" -")
            addressed: str | None = None
            found = _FOR.search(body)
            if found:
                addressed = found.group(1).strip()
                body = body[: found.start()].strip()
            else:
                body = " ".join(_SECTION_END.split(match.group(2))[0].split()).rstrip(" -")
            out.append((int(match.group(1)), body.strip().strip('"“”'), addressed, page_number))
    return out


def action_cards(session: Session, viewer_id: str | None, paper_id: str) -> tuple[ActionCard, ...]:
    """The cards of a children in care council action-cards paper, with the board's responses.

    Raises:
        NotFoundError: no such paper.
        PermissionDeniedError: the viewer may not read it.
        ValidationError: the paper is not an action-cards paper.
    """
    p = get_paper(session, paper_id)
    check_paper_visible(session, viewer_id, p)
    if p.kind is not PaperKind.ACTION_CARDS:
        raise ValidationError(f"the paper '{p.title}' is not a paper of action cards")
    return _cards_of(session, p)


def _cards_of(session: Session, p: Paper) -> tuple[ActionCard, ...]:
    responses = _card_responses(session, p.id)
    recorders = [
        (a.extra or {})[CARD_KEY].get("recorded_by") or a.author_id for a in responses.values()
    ]
    names = person_names(session, [r for r in recorders if isinstance(r, str)])
    cards = []
    for number, text, addressed, page in parse_cards(split_pages(p.text, p.page_count)):
        found = responses.get(number)
        card = (found.extra or {}).get(CARD_KEY, {}) if found else {}
        at = card.get("responded_at")
        status = card.get("status")
        recorder = (card.get("recorded_by") or found.author_id) if found else None
        cards.append(
            ActionCard(
                paper_id=p.id,
                number=number,
                text=text,
                addressed_to=addressed,
                page=page,
                response=found.comment if found else None,
                responded_by=card.get("responded_by"),
                responded_at=dt.datetime.fromisoformat(at) if isinstance(at, str) else None,
                status=status if status in CARD_STATUSES else ("agreed" if found else None),
                recorded_by=names.get(recorder) if isinstance(recorder, str) else None,
                paper_title=p.title,
            )
        )
    return tuple(cards)


def item_action_cards(
    session: Session, viewer_id: str | None, item_id: str
) -> tuple[ActionCard, ...]:
    """The cards of every action-cards paper on an agenda item (current versions), in order.

    Empty when the item has none, or none the viewer may read.

    Raises:
        NotFoundError: no such item.
        PermissionDeniedError: the viewer has no role on the item's board.
    """
    item = get_item(session, item_id)
    cards: list[ActionCard] = []
    for row in meeting_papers(session, viewer_id, item.meeting_id):
        if row.item_id == item_id and row.kind == PaperKind.ACTION_CARDS.value:
            cards.extend(_cards_of(session, get_paper(session, row.paper_id)))
    return tuple(cards)


def may_respond_to_cards(session: Session, viewer_id: str | None, paper_id: str) -> bool:
    """Whether the viewer may record the board's responses to this paper's cards."""
    p = session.get(Paper, paper_id)
    if p is None:
        return False
    return allowed(
        session, viewer_id, board_of_meeting(session, p.meeting_id), Capability.RUN_MEETING
    )


def _card_responses(session: Session, paper_id: str) -> dict[int, Annotation]:
    out: dict[int, Annotation] = {}
    for a in session.scalars(select(Annotation).where(Annotation.paper_id == paper_id)):
        if is_card(a):
            number = (a.extra or {})[CARD_KEY].get("number")
            if isinstance(number, int):
                out[number] = a
    return out


# -- Writes: questions and action cards --------------------------------------------------


def _item_for_member(
    session: Session, actor_id: str | None, item_id: str
) -> tuple[AgendaItem, str]:
    item = get_item(session, item_id)
    board_id = board_of_meeting(session, item.meeting_id)
    require_read(session, actor_id, board_id)
    if item.exempt and not may_read_exempt(session, actor_id, board_id, item.presenter_id):
        raise PermissionDeniedError(
            f"item {item.position} is exempt (Part 2) and your role on this board "
            "does not allow reading exempt items"
        )
    return item, board_id


def add_question(
    session: Session, actor_id: str | None, item_id: str, text: str, *, shared: bool = True
) -> QuestionRow:
    """Prepare a question against an agenda item.

    Raises:
        NotFoundError: no such item.
        PermissionDeniedError: the actor may not prepare questions (or read the item).
        ValidationError: an empty question.
    """
    _, board_id = _item_for_member(session, actor_id, item_id)
    require(session, actor_id, board_id, Capability.ANNOTATE)
    assert actor_id is not None
    body = (text or "").strip()
    if not body:
        raise ValidationError("a question needs some text")
    q = Question(agenda_item_id=item_id, author_id=actor_id, text=body, shared=shared)
    session.add(q)
    session.flush()
    return _question_row(q, person_names(session, [actor_id]), actor_id)


def _own_question(session: Session, actor_id: str | None, question_id: str) -> Question:
    q = session.get(Question, question_id)
    if q is None:
        raise NotFoundError(f"there is no question with id {question_id}")
    if actor_id is None or q.author_id != actor_id:
        raise PermissionDeniedError("only its author may change or withdraw a question")
    if q.answer is not None:
        raise ValidationError("this question has been answered; it is kept as asked")
    return q


def edit_question(
    session: Session,
    actor_id: str | None,
    question_id: str,
    text: str,
    *,
    shared: bool | None = None,
) -> QuestionRow:
    """Reword one's own unanswered question, or change whether it is shared."""
    q = _own_question(session, actor_id, question_id)
    body = (text or "").strip()
    if not body:
        raise ValidationError("a question needs some text")
    q.text = body
    if shared is not None:
        q.shared = shared
    session.flush()
    return _question_row(q, person_names(session, [q.author_id]), actor_id)


def withdraw_question(session: Session, actor_id: str | None, question_id: str) -> None:
    """Delete one's own unanswered question."""
    q = _own_question(session, actor_id, question_id)
    session.delete(q)
    session.flush()


def answer_question(
    session: Session,
    actor_id: str | None,
    question_id: str,
    answer: str,
    *,
    answered_by: str | None = None,
) -> QuestionRow:
    """Record the answer given to a question in the meeting (`Capability.RUN_MEETING`).

    Args:
        answered_by: who answered, as the minutes name them ("Name, job title").

    Raises:
        NotFoundError: no such question.
        PermissionDeniedError: the actor does not run the meeting.
        ValidationError: an empty answer.
    """
    q = session.get(Question, question_id)
    if q is None:
        raise NotFoundError(f"there is no question with id {question_id}")
    item = get_item(session, q.agenda_item_id)
    require(session, actor_id, board_of_meeting(session, item.meeting_id), Capability.RUN_MEETING)
    body = (answer or "").strip()
    if not body:
        raise ValidationError("an answer needs some text")
    q.answer = body
    q.answered_by = (answered_by or "").strip()[:200] or None
    q.answered_at = session_now(session)
    session.flush()
    return _question_row(q, person_names(session, [q.author_id]), actor_id)


def respond_to_card(
    session: Session,
    actor_id: str | None,
    paper_id: str,
    number: int,
    response: str,
    *,
    responded_by: str | None = None,
    status: str = "agreed",
) -> ActionCard:
    """Record the board's response to an action card (`Capability.RUN_MEETING`).

    A second response replaces the first (the record keeps the latest; the
    audit log keeps both).

    Args:
        responded_by: who gave the response, as the minutes name them.
        status: one of `CARD_STATUSES`.

    Raises:
        NotFoundError: no such paper or card.
        PermissionDeniedError: the actor does not run the meeting.
        ValidationError: not an action-cards paper, an empty response or an unknown status.
    """
    p = get_paper(session, paper_id)
    board_id = check_paper_visible(session, actor_id, p)
    require(session, actor_id, board_id, Capability.RUN_MEETING)
    assert actor_id is not None
    cards = {c.number: c for c in action_cards(session, actor_id, paper_id)}
    card = cards.get(number)
    if card is None:
        raise NotFoundError(f"'{p.title}' has no card {number}")
    body = (response or "").strip()
    if not body:
        raise ValidationError("a response to a card needs some text")
    if status not in CARD_STATUSES:
        raise ValidationError(
            f"a card's status is one of {', '.join(CARD_STATUSES)}, not {status!r}"
        )
    details = {
        "number": number,
        "addressed_to": card.addressed_to,
        "responded_by": (responded_by or "").strip()[:200] or None,
        "responded_at": session_now(session).isoformat(),
        "status": status,
        "recorded_by": actor_id,
    }
    existing = _card_responses(session, p.id).get(number)
    if existing is None:
        session.add(
            Annotation(
                paper_id=p.id,
                author_id=actor_id,
                kind=AnnotationKind.NOTE,
                page=card.page,
                x=0.0,
                y=0.0,
                quote=card.text,
                comment=body,
                shared=True,
                anchor=AnchorState.ANCHORED,
                extra={CARD_KEY: details},
            )
        )
    else:
        existing.comment = body
        existing.extra = {**(existing.extra or {}), CARD_KEY: details}
    session.flush()
    return next(c for c in action_cards(session, actor_id, paper_id) if c.number == number)


__all__ = [
    "CARD_STATUSES",
    "ActionCard",
    "ItemQuestions",
    "QuestionRow",
    "action_cards",
    "add_question",
    "answer_question",
    "edit_question",
    "item_action_cards",
    "may_respond_to_cards",
    "parse_cards",
    "questions_by_item",
    "respond_to_card",
    "withdraw_question",
]
