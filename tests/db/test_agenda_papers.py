"""Taking a paper off an agenda item (db.services.agenda.remove_paper) on the demo board.

The demo is built once with its real PDFs (`exports.papers.render_paper_pdf`)
and copied for each test. On the next OPAB meeting (14 January 2020, planned)
item 5's progress report carries two members' annotations and item 8's
recovery plan none. Checked: an unannotated paper is deleted (audited, captured
for sync); an annotated one leaves the item but is kept with its annotations
among the meeting's papers; a re-issued paper goes with its earlier version;
the chair, an observer and a closed meeting are refused and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.demo import create_demo
from db.errors import PermissionDeniedError, ValidationError
from db.models import (
    AgendaItem,
    Annotation,
    AuditEvent,
    Board,
    Meeting,
    Membership,
    Paper,
    Role,
)
from db.services import agenda
from db.services import papers as svc
from db.store import Database
from exports.papers import render_paper_pdf

NEXT, CLOSED = dt.date(2020, 1, 14), dt.date(2019, 11, 5)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("agenda-papers") / "demo.db"
    create_demo(path, render_paper=render_paper_pdf).close()
    return path


@pytest.fixture
def db(demo_database: Database) -> Database:
    """A fresh copy of this module's demo, papers rendered (`demo_database`, tests/conftest.py)."""
    return demo_database


def person(s: Session, role: Role) -> str:
    found = s.scalar(
        select(Membership.person_id)
        .join(Board, Board.id == Membership.board_id)
        .where(Board.code == "OPAB", Membership.role == role)
        .order_by(Membership.person_id)
    )
    assert found is not None
    return found


def paper_on(s: Session, day: dt.date, position: int) -> Paper:
    found = s.scalar(
        select(Paper)
        .join(AgendaItem, AgendaItem.id == Paper.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .join(Board, Board.id == Meeting.board_id)
        .where(Board.code == "OPAB", Meeting.meeting_date == day, AgendaItem.position == position)
    )
    assert found is not None
    return found


def annotations_on(s: Session, paper_id: str) -> list[str]:
    return list(s.scalars(select(Annotation.id).where(Annotation.paper_id == paper_id)))


def test_an_unannotated_paper_is_deleted_audited_and_captured(db: Database) -> None:
    with db.session() as s:
        clerk = person(s, Role.SECRETARIAT)
        paper = paper_on(s, NEXT, 8)
        paper_id, item_id = paper.id, paper.agenda_item_id
        assert agenda.paper_annotation_count(s, clerk, paper_id) == 0
        seq = s.execute(text("SELECT max(site_seq) FROM change_log")).scalar_one()
    with db.begin(clerk) as s:
        done = agenda.remove_paper(s, clerk, paper_id)
    assert (done.kept, done.annotations, done.item_number) == (False, 0, "8")
    assert done.title.startswith("Placements closer to home")
    with db.session() as s:
        assert s.get(Paper, paper_id) is None
        count = select(func.count()).select_from(Paper).where(Paper.agenda_item_id == item_id)
        assert s.scalar(count) == 0
        audit = s.scalars(
            select(AuditEvent).where(AuditEvent.row_id == paper_id, AuditEvent.op == "delete")
        ).one()
        assert audit.actor_id == clerk and audit.table_name == "papers"
        assert audit.before is not None and audit.before["agenda_item_id"] == item_id
        captured = (
            s.execute(
                text(
                    "SELECT op FROM change_log WHERE site_seq > :n "
                    "AND table_name = 'papers' AND row_id = :id"
                ),
                {"n": seq, "id": paper_id},
            )
            .scalars()
            .all()
        )
    assert captured == ["D"]  # change_log's code for a delete
    # The item has nothing recorded against it any more: it can now be taken off too.
    with db.begin(clerk) as s:
        assert item_id is not None
        agenda.remove_item(s, clerk, item_id)


def test_an_annotated_paper_leaves_the_item_and_keeps_its_annotations(db: Database) -> None:
    with db.session() as s:
        clerk, chair = person(s, Role.SECRETARIAT), person(s, Role.CHAIR)
        paper = paper_on(s, NEXT, 5)
        paper_id, meeting_id = paper.id, paper.meeting_id
        notes = annotations_on(s, paper_id)
        assert len(notes) == 2
        # Counted for the clerk, whatever their authors' privacy: none of them is the clerk's.
        assert agenda.paper_annotation_count(s, clerk, paper_id) == 2
        seq = s.execute(text("SELECT max(site_seq) FROM change_log")).scalar_one()
    with db.begin(clerk) as s:
        done = agenda.remove_paper(s, clerk, paper_id)
    assert (done.kept, done.annotations, done.item_number) == (True, 2, "5")
    with db.session() as s:
        kept = s.get(Paper, paper_id)
        assert kept is not None and kept.agenda_item_id is None
        assert sorted(annotations_on(s, paper_id)) == sorted(notes)
        rows = svc.meeting_papers(s, chair, meeting_id)
        fields = s.execute(
            text(
                "SELECT op, fields FROM change_log WHERE site_seq > :n "
                "AND table_name = 'papers' AND row_id = :id"
            ),
            {"n": seq, "id": paper_id},
        ).all()
        audit = s.scalars(
            select(AuditEvent).where(AuditEvent.row_id == paper_id, AuditEvent.op == "update")
        ).one()
    # Still a paper of the meeting, listed after the agenda's, on no item.
    assert rows[-1].paper_id == paper_id and rows[-1].item_number is None
    assert [r.item_number for r in rows[:-1]] == ["7", "8", "9"]
    assert [op for op, _ in fields] == ["U"]  # change_log's code for an update
    assert "agenda_item_id" in json.loads(fields[0][1])
    assert audit.after == {"agenda_item_id": None} and audit.actor_id == clerk


def test_a_reissued_paper_goes_with_its_earlier_version(db: Database) -> None:
    with db.session() as s:
        clerk = person(s, Role.SECRETARIAT)
        item_id = paper_on(s, NEXT, 9).agenda_item_id
        assert item_id is not None
    pdf, _ = render_paper_pdf("Agency staffing update", "Agency staffing fell in December.")
    again, _ = render_paper_pdf("Agency staffing update", "Agency staffing fell again.")
    with db.begin(clerk) as s:
        first = svc.add_paper(s, clerk, item_id, "Agency staffing update", pdf)
        second = svc.reissue_paper(s, clerk, first.paper_id, again).paper
    with db.begin(clerk) as s:
        done = agenda.remove_paper(s, clerk, second.paper_id)
    assert not done.kept and done.paper_id == second.paper_id
    with db.session() as s:
        assert s.get(Paper, first.paper_id) is None and s.get(Paper, second.paper_id) is None


@pytest.mark.parametrize("role", [Role.CHAIR, Role.OBSERVER, Role.MEMBER])
def test_only_the_secretariat_takes_papers_off(db: Database, role: Role) -> None:
    with db.session() as s:
        who = person(s, role)
        paper_id = paper_on(s, NEXT, 8).id
    with pytest.raises(PermissionDeniedError), db.begin(who) as s:
        agenda.remove_paper(s, who, paper_id)
    with pytest.raises(PermissionDeniedError), db.session() as s:
        agenda.paper_annotation_count(s, who, paper_id)
    with db.session() as s:
        assert s.get(Paper, paper_id) is not None


def test_a_closed_meetings_papers_stay(db: Database) -> None:
    with db.session() as s:
        clerk = person(s, Role.SECRETARIAT)
        paper = paper_on(s, CLOSED, 5)
        paper_id, item_id = paper.id, paper.agenda_item_id
    with pytest.raises(ValidationError, match="closed"), db.begin(clerk) as s:
        agenda.remove_paper(s, clerk, paper_id)
    with db.session() as s:
        kept = s.get(Paper, paper_id)
        assert kept is not None and kept.agenda_item_id == item_id


# -- Ordering an item's papers (agenda.move_paper) ---------------------------------------


def _three_more_papers(db: Database, clerk: str, item_id: str) -> list[str]:
    """Item 9's own paper then three added to it: their ids, in the order issued."""
    ids = []
    with db.begin(clerk) as s:
        ids.append(paper_on(s, NEXT, 9).id)
        for title in ("Agency staffing", "Caseload audit", "Exit interviews"):
            pdf, _ = render_paper_pdf(title, f"{title} for January.")
            ids.append(svc.add_paper(s, clerk, item_id, title, pdf).paper_id)
    return ids


def _orders(db: Database, viewer: str, item_id: str) -> tuple[list[str], list[str], list[str]]:
    """The item's papers as the meeting view, the Papers page and the board pack list them."""
    from db.services.meeting_view import meeting_view
    from exports.board_pack import pack_layout

    with db.session() as s:
        meeting_id = s.get(AgendaItem, item_id).meeting_id  # type: ignore[union-attr]
        view = meeting_view(s, viewer, meeting_id)
        rows = svc.meeting_papers(s, viewer, meeting_id)
    listed = [p.id for i in view.items if i.item_id == item_id for p in i.papers]
    on_item = {r.paper_id for r in rows if r.item_id == item_id}
    pages = [r.paper_id for r in rows if r.item_id == item_id]
    pack = [e.paper_id for e in pack_layout(rows) if e.paper_id in on_item]
    return listed, pages, pack


def test_a_paper_moved_is_listed_in_its_new_place_everywhere(db: Database) -> None:
    with db.session() as s:
        clerk, chair = person(s, Role.SECRETARIAT), person(s, Role.CHAIR)
        item_id = paper_on(s, NEXT, 9).agenda_item_id
        assert item_id is not None
    p0, p1, p2, p3 = _three_more_papers(db, clerk, item_id)
    assert _orders(db, chair, item_id) == ([p0, p1, p2, p3],) * 3  # never placed: as issued
    with db.session() as s:
        seq = s.execute(text("SELECT max(site_seq) FROM change_log")).scalar_one()
    with db.begin(clerk) as s:
        assert agenda.move_paper(s, clerk, p3, 1) == 1
    assert _orders(db, chair, item_id) == ([p3, p0, p1, p2],) * 3
    with db.begin(clerk) as s:
        agenda.move_paper(s, clerk, p0, 4)  # to the end
    assert _orders(db, chair, item_id) == ([p3, p1, p2, p0],) * 3
    with db.session() as s:
        positions = dict(
            s.execute(select(Paper.id, Paper.position).where(Paper.agenda_item_id == item_id)).all()
        )
        audit = s.scalars(
            select(AuditEvent).where(AuditEvent.row_id == p3, AuditEvent.op == "update")
        ).all()
        captured = s.execute(
            text(
                "SELECT row_id, fields FROM change_log WHERE site_seq > :n "
                "AND table_name = 'papers' ORDER BY site_seq"
            ),
            {"n": seq},
        ).all()
    assert positions == {p3: 1, p1: 2, p2: 3, p0: 4}
    assert [a.after for a in audit] == [{"position": 1}]
    assert all(a.actor_id == clerk for a in audit)
    # The first move placed all four; the second wrote only the three that moved.
    assert len(captured) == 4 + 3
    assert all(set(json.loads(fields)) == {"position"} for _, fields in captured)
    assert {row for row, _ in captured[4:]} == {p1, p2, p0}


def test_a_new_paper_goes_after_those_placed_and_a_reissue_keeps_its_place(db: Database) -> None:
    with db.session() as s:
        clerk, chair = person(s, Role.SECRETARIAT), person(s, Role.CHAIR)
        item_id = paper_on(s, NEXT, 9).agenda_item_id
        assert item_id is not None
    p0, p1, p2, p3 = _three_more_papers(db, clerk, item_id)
    with db.begin(clerk) as s:
        agenda.move_paper(s, clerk, p2, 1)
    pdf, _ = render_paper_pdf("Late supplement", "Issued after the pack.")
    again, _ = render_paper_pdf("Agency staffing", "Agency staffing, corrected.")
    with db.begin(clerk) as s:
        late = svc.add_paper(s, clerk, item_id, "Late supplement", pdf, supplement=True).paper_id
        p1v2 = svc.reissue_paper(s, clerk, p1, again).paper.paper_id
    assert _orders(db, chair, item_id)[0] == [p2, p0, p1v2, p3, late]
    # Moving the old version moves the paper: every version keeps the current one's place.
    with db.begin(clerk) as s:
        agenda.move_paper(s, clerk, p1, 1)
    assert _orders(db, chair, item_id)[0] == [p1v2, p2, p0, p3, late]
    with db.session() as s:
        assert s.get(Paper, p1).position == s.get(Paper, p1v2).position == 1  # type: ignore[union-attr]
        rows = svc.meeting_papers(s, chair, s.get(Paper, p1).meeting_id, include_superseded=True)  # type: ignore[union-attr]
    assert [r.paper_id for r in rows if r.item_id == item_id][:2] == [p1, p1v2]


@pytest.mark.parametrize("where", [0, 5, -1, True, "2"])
def test_a_place_outside_the_items_papers_is_refused(db: Database, where: object) -> None:
    with db.session() as s:
        clerk = person(s, Role.SECRETARIAT)
        item_id = paper_on(s, NEXT, 9).agenda_item_id
        assert item_id is not None
    ids = _three_more_papers(db, clerk, item_id)
    with pytest.raises(ValidationError, match="the item has papers 1 to 4"), db.begin(clerk) as s:
        agenda.move_paper(s, clerk, ids[0], where)  # type: ignore[arg-type]
    with db.session() as s:
        assert all(s.get(Paper, i).position is None for i in ids)  # type: ignore[union-attr]


@pytest.mark.parametrize("role", [Role.CHAIR, Role.OBSERVER, Role.MEMBER])
def test_only_the_secretariat_orders_papers(db: Database, role: Role) -> None:
    with db.session() as s:
        who, clerk = person(s, role), person(s, Role.SECRETARIAT)
        item_id = paper_on(s, NEXT, 9).agenda_item_id
        assert item_id is not None
    ids = _three_more_papers(db, clerk, item_id)
    with pytest.raises(PermissionDeniedError), db.begin(who) as s:
        agenda.move_paper(s, who, ids[2], 1)
    with db.session() as s:
        assert all(s.get(Paper, i).position is None for i in ids)  # type: ignore[union-attr]


def test_a_closed_meetings_papers_keep_their_order(db: Database) -> None:
    with db.session() as s:
        clerk = person(s, Role.SECRETARIAT)
        paper_id = paper_on(s, CLOSED, 5).id
    with pytest.raises(ValidationError, match="closed"), db.begin(clerk) as s:
        agenda.move_paper(s, clerk, paper_id, 1)
    with db.session() as s:
        assert s.get(Paper, paper_id).position is None  # type: ignore[union-attr]


def test_a_paper_on_no_item_has_no_place_to_move_to(db: Database) -> None:
    with db.session() as s:
        clerk = person(s, Role.SECRETARIAT)
        paper_id = paper_on(s, NEXT, 5).id  # annotated: kept on no item when removed
    with db.begin(clerk) as s:
        assert agenda.remove_paper(s, clerk, paper_id).kept
    with pytest.raises(ValidationError, match="not on an agenda item"), db.begin(clerk) as s:
        agenda.move_paper(s, clerk, paper_id, 1)
