"""The session's read filter (db/session.py) holds whatever shape the ORM query
takes: an `aliased(Model)` entity, a join to an aliased target, a subquery, a
`session.get`, a relationship's lazy load, a column-only select — an observer,
who may not read exempt business, gets no exempt row and no withheld text.

Raw SQL (`text(...)`, `exec_driver_sql`) and Core selects of a bare `Table` are
below the ORM and out of this filter's scope (see the db/session.py docstring).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, union
from sqlalchemy.orm import Session, aliased

from db.minutes.build import minutes_content
from db.models import (
    ActionArising,
    AgendaItem,
    Annotation,
    Blob,
    Decision,
    DecisionKind,
    Declaration,
    Meeting,
    MinutesStatus,
    MinutesVersion,
    Paper,
    Question,
)
from db.session import Viewer, viewer_session
from db.store import Database, open_database
from tests.db.test_observer_sync import SECRET, _board


@pytest.fixture
def board(tmp_path: Path) -> Iterator[tuple[Database, dict[str, str]]]:
    """`_board` (an exempt item and paper, a private note) plus, on the exempt item,
    a decision, an action arising, a declaration, a shared question and stored
    minutes holding its discussion — each carrying SECRET."""
    db = open_database(tmp_path / "board.db", create=True)
    ids = _board(db)
    with db.begin() as s:
        item = s.get_one(AgendaItem, ids["exempt"])
        meeting = s.get_one(Meeting, item.meeting_id)
        decision = Decision(
            board_id=meeting.board_id,
            meeting_id=meeting.id,
            agenda_item_id=item.id,
            year=26,
            seq=1,
            number="OPAB 26/01",
            kind=DecisionKind.AGREED,
            wording=f"resolved {SECRET}",
        )
        s.add(decision)
        s.flush()
        s.add_all(
            [
                ActionArising(
                    board_id=meeting.board_id,
                    meeting_id=meeting.id,
                    agenda_item_id=item.id,
                    decision_id=decision.id,
                    text=f"action {SECRET}",
                ),
                Declaration(
                    meeting_id=meeting.id,
                    agenda_item_id=item.id,
                    person_id=ids["member"],
                    interest=f"interest {SECRET}",
                ),
                Question(
                    agenda_item_id=item.id,
                    author_id=ids["member"],
                    text=f"question {SECRET}",
                    shared=True,
                ),
                MinutesVersion(
                    meeting_id=meeting.id,
                    status=MinutesStatus.DRAFT,
                    content_json=json.dumps(
                        {
                            "board": {"code": "OPAB", "name": "Board"},
                            "meeting": {"date": "2026-01-01"},
                            "items": [
                                {
                                    "title": "Case review",
                                    "exempt": True,
                                    "exempt_paragraph": 1,
                                    "discussion": f"minuted {SECRET}",
                                }
                            ],
                        }
                    ),
                ),
            ]
        )
        ids["meeting"] = meeting.id
        ids["decision"] = decision.id
    yield db, ids
    db.close()


# The row-filtered models, each with how to tell its exempt rows (the SECRET they carry).
FILTERED: dict[str, tuple[type[Any], Callable[[Any], str]]] = {
    "paper": (Paper, lambda row: row.text or ""),
    "blob": (Blob, lambda row: bytes(row.data).decode("latin-1")),
    "annotation": (Annotation, lambda row: row.comment or ""),
    "question": (Question, lambda row: row.text),
    "decision": (Decision, lambda row: row.wording),
    "action arising": (ActionArising, lambda row: row.text),
    "declaration": (Declaration, lambda row: row.interest),
}


def _secret(texts: Any) -> list[str]:
    return [t for t in texts if SECRET in (t or "")]


def _observer(db: Database, ids: dict[str, str]) -> Session:
    return viewer_session(db, Viewer.person(ids["observer"]))


@pytest.mark.parametrize("name", FILTERED)
def test_an_aliased_entity_returns_no_exempt_row(
    board: tuple[Database, dict[str, str]], name: str
) -> None:
    db, ids = board
    model, secret_of = FILTERED[name]
    with viewer_session(db, Viewer.person(ids["member"])) as s:  # the rows are there
        assert _secret(secret_of(r) for r in s.scalars(select(aliased(model))))
    with _observer(db, ids) as s:
        assert _secret(secret_of(r) for r in s.scalars(select(model))) == []
        assert _secret(secret_of(r) for r in s.scalars(select(aliased(model)))) == []
        named = aliased(model, name="other")
        assert _secret(secret_of(r) for r in s.scalars(select(named))) == []


@pytest.mark.parametrize("name", FILTERED)
def test_a_column_of_an_alias_or_a_subquery_returns_no_exempt_row(
    board: tuple[Database, dict[str, str]], name: str
) -> None:
    db, ids = board
    model, _ = FILTERED[name]
    key = model.__mapper__.primary_key[0].key
    with viewer_session(db, Viewer.person(ids["member"])) as s:
        every = set(s.scalars(select(getattr(model, key))))
    with _observer(db, ids) as s:
        seen = set(s.scalars(select(getattr(model, key))))
        assert seen < every  # the plain column query is filtered
        alias = aliased(model)
        assert set(s.scalars(select(getattr(alias, key)))) == seen
        sub = select(model).subquery()
        assert set(s.scalars(select(getattr(aliased(model, sub), key)))) == seen
        assert set(s.scalars(select(sub.c[key]))) == seen
        inner = select(getattr(alias, key)).scalar_subquery()
        assert s.scalar(select(func.count()).where(getattr(model, key).in_(inner))) == len(seen)
        assert s.scalar(select(func.count()).select_from(alias)) == len(seen)


def test_a_join_to_an_aliased_target_does_not_reach_exempt_rows(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    with _observer(db, ids) as s:
        paper = aliased(Paper)
        joined = s.execute(
            select(AgendaItem.id, paper.text).join(paper, paper.agenda_item_id == AgendaItem.id)
        ).all()
        assert joined and _secret(text for _, text in joined) == []
        decision = aliased(Decision)
        rows = s.execute(
            select(Meeting.id, decision.wording).join(decision, decision.meeting_id == Meeting.id)
        ).all()
        assert _secret(wording for _, wording in rows) == []
        action = aliased(ActionArising)
        rows = s.execute(
            select(decision, action.text).outerjoin(
                action, action.agenda_item_id == decision.agenda_item_id
            )
        ).all()
        assert rows == []  # the one decision is on the exempt item


def test_an_aliased_agenda_item_or_minutes_column_withholds_the_exempt_text(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    with _observer(db, ids) as s:
        item = aliased(AgendaItem)
        for column in (item.purpose, item.discussion, item.chair_notes):
            texts = s.scalars(select(column)).all()
            assert texts and _secret(texts) == []
        texts = s.scalars(select(item.discussion).where(item.id == ids["exempt"])).all()
        assert texts == []
        whole = s.scalars(select(item).where(item.id == ids["exempt"])).one()
        assert (whole.title, whole.discussion) == ("Case review", None)  # public shape stays
        sub = select(AgendaItem).subquery()
        assert _secret(s.scalars(select(sub.c.discussion))) == []
        assert _secret(s.scalars(select(aliased(AgendaItem, sub).discussion))) == []
        minutes = aliased(MinutesVersion)
        assert _secret(s.scalars(select(minutes.content_json))) == []
        assert SECRET not in s.scalars(select(minutes)).one().content_json
        sub = select(MinutesVersion).subquery()
        assert _secret(s.scalars(select(sub.c.content_json))) == []


def test_text_wrapped_in_a_label_function_scalar_subquery_or_union_is_withheld(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    with _observer(db, ids) as s:
        item = aliased(AgendaItem)
        assert _secret(s.scalars(select(AgendaItem.purpose.label("p")))) == []
        assert _secret(s.scalars(select(func.upper(item.discussion)))) == []
        assert _secret(s.scalars(select(func.upper(AgendaItem.chair_notes)))) == []
        inner = select(item.discussion).where(item.id == ids["exempt"]).scalar_subquery()
        assert s.scalars(select(inner)).all() == [None]
        both = union(select(AgendaItem.discussion), select(MinutesVersion.content_json.label("x")))
        assert _secret(s.scalars(both)) == []


def test_public_minutes_built_by_an_observer_keep_the_exempt_items_heading(
    board: tuple[Database, dict[str, str]],
) -> None:
    """`db.minutes.build` redacts with a CASE: the exempt item's row stays (its title
    is public), its text does not come."""
    db, ids = board
    with _observer(db, ids) as s:
        content = minutes_content(s, s.get_one(Meeting, ids["meeting"]), public=True)
    rows = [(i["title"], i["exempt"], i["minutes"]) for i in content["items"]]
    assert ("Case review", True, "") in rows
    assert SECRET not in json.dumps(content)


def test_get_and_lazy_loads_hide_exempt_business(
    board: tuple[Database, dict[str, str]],
) -> None:
    db, ids = board
    with _observer(db, ids) as s:
        assert s.get(Paper, ids["paper"]) is None
        assert s.get(Blob, ids["secret_sha"]) is None
        assert s.get(Decision, ids["decision"]) is None
        meeting = s.get_one(Meeting, ids["meeting"])
        exempt = [i for i in meeting.items if i.id == ids["exempt"]]  # a lazy load
        assert [(i.title, i.purpose, i.discussion) for i in exempt] == [("Case review", None, None)]
