"""Two laptops order an item's papers offline; after sync both list them the same way.

`Paper.position` is a plain field: per paper, the later writer wins
(`db.sync.merge`); there is no unique index, so a merged order may hold a tie,
which `db.services.papers.paper_order` breaks by issue time the same way on
every laptop. Run against an SQLite and (marked `pg`) a PostgreSQL central store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select, text

from db.models import Membership, Paper, Person, Role
from db.services import agenda
from db.services import papers as svc
from db.services.meetings import create_meeting
from db.store import Database
from db.sync.engine import sync
from exports.papers import render_paper_pdf
from tests.db.conftest import seed_board

Laptop = Callable[[str], Database]


def _board_with_papers(
    central_url: str, laptop: Laptop
) -> tuple[Database, Database, dict[str, str]]:
    """Laptops a and b holding one meeting whose first item has three papers, as issued."""
    a, b = laptop("a"), laptop("b")
    ids = seed_board(a)
    with a.begin() as s:
        clerk = Person(name="Chris Clerk")
        s.add(clerk)
        s.flush()
        s.add(Membership(board_id=ids["board"], person_id=clerk.id, role=Role.SECRETARIAT))
        ids["clerk"] = clerk.id
    with a.begin(ids["clerk"]) as s:
        ids["meeting"] = create_meeting(s, ids["clerk"], ids["board"], dt.date(2020, 1, 14))
        ids["item"] = agenda.add_item(s, ids["clerk"], ids["meeting"], "Performance report")
        for n, title in enumerate(("Scorecard", "Audit summary", "Exit interviews")):
            pdf, _ = render_paper_pdf(title, f"{title} for January.")
            ids[f"p{n}"] = svc.add_paper(s, ids["clerk"], ids["item"], title, pdf).paper_id
    sync(a, central_url)
    sync(b, central_url)
    return a, b, ids


def _order(db: Database, ids: dict[str, str]) -> list[str]:
    """The item's papers as `meeting_papers` lists them, by their keys in `ids`."""
    names = {v: k for k, v in ids.items()}
    with db.session() as s:
        rows = svc.meeting_papers(s, ids["clerk"], ids["meeting"])
    return [names[r.paper_id] for r in rows if r.item_id == ids["item"]]


def _papers(db: Database) -> list[tuple[object, ...]]:
    """Every paper row as stored (the PDFs' bytes travel on demand, so not those)."""
    with db.session() as s:
        return [
            tuple(r)
            for r in s.execute(
                select(Paper.id, Paper.agenda_item_id, Paper.position, Paper.issued_at).order_by(
                    Paper.id
                )
            )
        ]


def _move(db: Database, ids: dict[str, str], key: str, position: int) -> None:
    with db.begin(ids["clerk"]) as s:
        agenda.move_paper(s, ids["clerk"], ids[key], position)


def _settle(central_url: str, a: Database, b: Database) -> None:
    sync(a, central_url)
    sync(b, central_url)
    sync(a, central_url)


def test_both_reorder_every_paper_offline_and_the_later_order_wins(
    central_url: str, laptop: Laptop
) -> None:
    a, b, ids = _board_with_papers(central_url, laptop)
    assert _order(a, ids) == _order(b, ids) == ["p0", "p1", "p2"]
    _move(a, ids, "p2", 1)  # a: p2 p0 p1
    _move(b, ids, "p0", 3)  # b, later: p1 p2 p0
    assert (_order(a, ids), _order(b, ids)) == (["p2", "p0", "p1"], ["p1", "p2", "p0"])
    _settle(central_url, a, b)
    assert _order(a, ids) == _order(b, ids) == ["p1", "p2", "p0"]
    assert _papers(a) == _papers(b)
    with a.engine.connect() as conn:  # plain fields: overridden, never a conflict to resolve
        assert conn.execute(text("SELECT count(*) FROM sync_conflicts")).scalar() == 0


def test_moves_of_different_papers_merge_and_a_tie_lists_the_same_everywhere(
    central_url: str, laptop: Laptop
) -> None:
    a, b, ids = _board_with_papers(central_url, laptop)
    _move(a, ids, "p0", 1)  # places all three: 1, 2, 3
    _settle(central_url, a, b)
    _move(a, ids, "p2", 2)  # a: p0 p2 p1 (writes p2=2, p1=3)
    _move(b, ids, "p0", 2)  # b, later: p1 p0 p2 (writes p1=1, p0=2)
    _settle(central_url, a, b)
    # p1 = 1 (b's, later), p0 = 2 (b's), p2 = 2 (a's, b never wrote it): p0 and p2 tie,
    # and the earlier-issued p0 comes first on both laptops.
    with a.session() as s:
        positions = dict(s.execute(select(Paper.id, Paper.position)).all())
    assert [positions[ids[k]] for k in ("p0", "p1", "p2")] == [2, 1, 2]
    assert _order(a, ids) == _order(b, ids) == ["p1", "p0", "p2"]
    assert _papers(a) == _papers(b)
    # The next move numbers them 1…n again, and that travels too.
    _move(b, ids, "p2", 1)
    _settle(central_url, a, b)
    assert _order(a, ids) == _order(b, ids) == ["p2", "p1", "p0"]
    with a.session() as s:
        assert sorted(s.scalars(select(Paper.position))) == [1, 2, 3]
