"""db.services.papers / annotations / questions on the demo board with its real PDFs.

The demo (built once per module with `exports.papers.render_paper_pdf`) is
copied for every test. Checked: papers in agenda order with item numbers;
who sees the exempt Part 2 paper (every role, and an officer on the item they
present); private annotations seen only by their author; author-only edits;
re-issuing a paper with the highlighted text moved to another page (the
annotation follows) and with the paragraph deleted (flagged orphaned, still
readable); questions and their answers; action cards and the board's responses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.demo import create_demo
from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import (
    AgendaItem,
    Annotation,
    AnnotationKind,
    Blob,
    Board,
    Meeting,
    Paper,
    PaperKind,
    Person,
)
from db.papers.anchoring import find_quote
from db.papers.pdftext import PAGE_BREAK, read_pages
from db.services import annotations as notes
from db.services import papers as svc
from db.services import questions as qs
from db.store import Database, backup_copy, open_database
from exports.papers import render_paper_pdf

FIXED = dt.datetime(2020, 1, 12, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("papers-demo") / "demo.db"
    create_demo(path, render_paper=render_paper_pdf).close()
    return path


@pytest.fixture
def db(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    database = open_database(backup_copy(demo_file, tmp_path / "demo.db"))
    yield database
    database.close()


def who(s: Session, name: str) -> str:
    found = s.scalar(select(Person.id).where(Person.name == name))
    assert found is not None, name
    return found


def meeting(s: Session, code: str, day: str) -> str:
    found = s.scalar(
        select(Meeting.id)
        .join(Board, Board.id == Meeting.board_id)
        .where(Board.code == code, Meeting.meeting_date == dt.date.fromisoformat(day))
    )
    assert found is not None
    return found


def item(s: Session, meeting_id: str, position: int) -> str:
    found = s.scalar(
        select(AgendaItem.id).where(
            AgendaItem.meeting_id == meeting_id, AgendaItem.position == position
        )
    )
    assert found is not None
    return found


HELEN, TOM, EMMA = "Dr Helen Marchbank", "Tom Everett", "Emma Castellano"
MOIRA, MARK, GRACE, PETER = "Moira Caldwell", "Mark Oduya", "Grace Mensah", "Cllr Peter Ashdown"


# -- Papers ------------------------------------------------------------------------------


def test_meeting_papers_come_in_agenda_order_with_item_numbers(db: Database) -> None:
    with db.session() as s:
        rows = svc.meeting_papers(s, who(s, HELEN), meeting(s, "OPAB", "2020-01-14"))
    assert [r.item_number for r in rows] == ["5", "7", "8", "9"]
    assert rows[0].title == "Improvement Plan progress report – January 2020"
    assert rows[0].page_count == 4 and rows[0].on_this_laptop and not rows[0].exempt
    assert all(r.version == 1 and r.supersedes_id is None for r in rows)


# Who may see the exempt "Learning review: Child B" (OPAB 22 January 2019, item 8,
# presented by Mark Oduya, an officer).
EXEMPT_VIEWERS = [
    (HELEN, "chair", True),
    (TOM, "member", True),
    (EMMA, "secretariat", True),
    (MARK, "officer presenting the item", True),
    (GRACE, "officer, not presenting", False),
    (PETER, "observer", False),
]


@pytest.mark.parametrize(
    ("name", "role", "sees"), EXEMPT_VIEWERS, ids=[r for _, r, _ in EXEMPT_VIEWERS]
)
def test_exempt_papers_only_for_roles_cleared_for_them(
    db: Database, name: str, role: str, sees: bool
) -> None:
    with db.session() as s:
        viewer = who(s, name)
        meeting_id = meeting(s, "OPAB", "2019-01-22")
        exempt = s.scalar(select(Paper).where(Paper.title.like("Learning review%")))
        assert exempt is not None and exempt.exempt
        titles = [r.title for r in svc.meeting_papers(s, viewer, meeting_id)]
        assert "Family Safeguarding hubs: business case" in titles  # public: everyone
        assert (exempt.title in titles) is sees, role
        if sees:
            assert svc.paper(s, viewer, exempt.id).exempt
            data = svc.paper_bytes(s, viewer, exempt.id)
            assert data is not None and data.startswith(b"%PDF")
        else:
            with pytest.raises(PermissionDeniedError, match="exempt"):
                svc.paper(s, viewer, exempt.id)
            with pytest.raises(PermissionDeniedError):
                svc.paper_bytes(s, viewer, exempt.id)
            with pytest.raises(PermissionDeniedError):
                notes.paper_annotations(s, viewer, exempt.id)


def test_someone_with_no_role_on_the_board_reads_nothing(db: Database) -> None:
    with db.session() as s:
        outsider = who(s, "Chloe Marsh")  # CPB only
        with pytest.raises(PermissionDeniedError):
            svc.meeting_papers(s, outsider, meeting(s, "OPAB", "2020-01-14"))


def pdf(title: str, paragraphs: list[str]) -> bytes:
    data, _ = render_paper_pdf(title, "\n\n".join(paragraphs))
    return data


FILLER = [
    f"Filler paragraph {n}: the service reviewed caseloads, supervision and audits across "
    f"every team in quarter {n}, and reported the findings to the Delivery Group in detail."
    for n in range(80)
]
KEY = (
    "Children placed more than twenty miles from home fell from 61 to 48 in the quarter, "
    "and every one of them now has a named reviewing officer."
)
OTHER = "The Board is asked to note the recovery plan and agree the next review date."


def add_paper(s: Session, body: list[str], title: str = "Placements: a paper") -> svc.PaperRow:
    item_id = item(s, meeting(s, "OPAB", "2020-01-14"), 8)
    return svc.add_paper(s, who(s, EMMA), item_id, title, pdf(title, body))


def test_add_paper_stores_the_pdf_once_and_its_text_page_by_page(db: Database) -> None:
    body = [KEY, *FILLER[:30], OTHER]
    with db.begin(None) as s:
        row = add_paper(s, body)
        again = svc.add_paper(
            s, who(s, EMMA), row.item_id or "", "Same file again", pdf("Placements: a paper", body)
        )
        stored = s.get(Paper, row.paper_id)
        assert stored is not None and stored.text is not None
        assert row.page_count == len(stored.text.split(PAGE_BREAK)) >= 2
        assert KEY.split(",")[0] in stored.text.split(PAGE_BREAK)[0].replace("\n", " ")
        assert again.blob_sha256 == row.blob_sha256
        assert (
            s.scalar(select(func.count()).select_from(Blob).where(Blob.sha256 == row.blob_sha256))
            == 1
        )
        pages = svc.paper_pages(s, who(s, TOM), row.paper_id)
        assert len(pages) == row.page_count and OTHER[:20] in " ".join(pages).replace("\n", " ")


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"hello, not a pdf", "not a PDF"), (b"%PDF-1.4 broken", "not a PDF")],
)
def test_add_paper_refuses_what_is_not_a_readable_pdf(
    db: Database, data: bytes, message: str
) -> None:
    with db.begin(None) as s:
        item_id = item(s, meeting(s, "OPAB", "2020-01-14"), 8)
        with pytest.raises(ValidationError, match=message):
            svc.add_paper(s, who(s, EMMA), item_id, "Broken", data)


def test_only_the_secretariat_adds_or_reissues_papers(db: Database) -> None:
    with db.begin(None) as s:
        item_id = item(s, meeting(s, "OPAB", "2020-01-14"), 8)
        for name in (HELEN, TOM, MARK, PETER):
            with pytest.raises(PermissionDeniedError):
                svc.add_paper(s, who(s, name), item_id, "A paper", pdf("A paper", [KEY]))
        row = add_paper(s, [KEY])
        with pytest.raises(PermissionDeniedError):
            svc.reissue_paper(s, who(s, HELEN), row.paper_id, pdf("A paper", [KEY]))


# -- Annotations -------------------------------------------------------------------------


def test_private_annotations_are_seen_only_by_their_author(db: Database) -> None:
    with db.session() as s:
        meeting_id = meeting(s, "OPAB", "2020-01-14")
        moira, helen = who(s, MOIRA), who(s, HELEN)
        mine = notes.my_annotations(s, moira, meeting_id)
        assert [(a.quote, a.shared, a.mine) for a in mine] == [
            ("Initial health assessments within 20 working days", False, True)
        ]
        private = mine[0]
        assert private.annotation_id not in {
            a.annotation_id for a in notes.paper_annotations(s, helen, private.paper_id)
        }
        assert private.annotation_id not in {
            a.annotation_id for a in notes.shared_annotations(s, helen, meeting_id)
        }
        with pytest.raises(PermissionDeniedError, match="private"):
            notes.annotation(s, helen, private.annotation_id)
        shared = notes.shared_annotations(s, moira, meeting_id)
        assert [a.author_name for a in shared] == [HELEN]
        assert notes.shared_annotations(s, who(s, PETER), meeting_id) == ()  # observer


def test_highlight_note_edit_share_and_delete_by_the_author_only(db: Database) -> None:
    with db.begin(None, clock=lambda: FIXED) as s:
        tom, helen = who(s, TOM), who(s, HELEN)
        meeting_id = meeting(s, "OPAB", "2020-01-14")
        paper_id = svc.meeting_papers(s, tom, meeting_id)[0].paper_id
        h = notes.add_highlight(
            s, tom, paper_id, 0, "Red or overdue", [[0.1, 0.28, 0.26, 0.3]], comment="Ask"
        )
        n = notes.add_note(s, tom, paper_id, 1, 0.9, 0.5, "Who owns 4.2?")
        assert (h.kind, h.page, h.rects, h.comment, h.shared) == (
            "highlight",
            0,
            ((0.1, 0.28, 0.26, 0.3),),
            "Ask",
            False,
        )
        assert n.kind == "note" and (n.x, n.y) == (0.9, 0.5)
        note_row = s.get(Annotation, n.annotation_id)
        assert note_row is not None and note_row.extra and note_row.extra["context"].strip()
        for other in (helen, who(s, MOIRA)):
            with pytest.raises(PermissionDeniedError, match="author"):
                notes.edit_comment(s, other, h.annotation_id, "mine now")
            with pytest.raises(PermissionDeniedError, match="author"):
                notes.set_shared(s, other, h.annotation_id, True)
            with pytest.raises(PermissionDeniedError, match="author"):
                notes.delete_annotation(s, other, h.annotation_id)
        assert (
            notes.edit_comment(s, tom, h.annotation_id, "  Ask the owner ").comment
            == "Ask the owner"
        )
        with pytest.raises(ValidationError):
            notes.edit_comment(s, tom, n.annotation_id, "   ")
        assert notes.set_shared(s, tom, h.annotation_id, True).shared
        assert h.annotation_id in {
            a.annotation_id for a in notes.shared_annotations(s, helen, meeting_id)
        }
        assert not notes.set_shared(s, tom, h.annotation_id, False).shared
        assert h.annotation_id not in {
            a.annotation_id for a in notes.paper_annotations(s, helen, paper_id)
        }
        mine = [a.annotation_id for a in notes.my_annotations(s, tom, meeting_id)]
        assert mine == [h.annotation_id, n.annotation_id]  # page order
        notes.delete_annotation(s, tom, n.annotation_id)
        assert s.get(Annotation, n.annotation_id) is None


@pytest.mark.parametrize(
    ("page", "rects", "message"),
    [
        (9, [[0.1, 0.1, 0.2, 0.2]], "page 10"),
        (0, [], "box"),
        (0, [[0.1, 0.1, 1.4, 0.2]], "between 0 and 1"),
        (0, [[0.1, 0.1, 0.2]], "four numbers"),
    ],
)
def test_a_highlight_outside_the_paper_is_refused(
    db: Database, page: int, rects: list[list[float]], message: str
) -> None:
    with db.begin(None) as s:
        paper_id = svc.meeting_papers(s, who(s, TOM), meeting(s, "OPAB", "2020-01-14"))[0].paper_id
        with pytest.raises(ValidationError, match=message):
            notes.add_highlight(s, who(s, TOM), paper_id, page, "Red or overdue", rects)


def test_observers_cannot_annotate(db: Database) -> None:
    with db.begin(None) as s:
        paper_id = svc.meeting_papers(s, who(s, PETER), meeting(s, "OPAB", "2020-01-14"))[
            0
        ].paper_id
        with pytest.raises(PermissionDeniedError):
            notes.add_note(s, who(s, PETER), paper_id, 0, 0.5, 0.5, "note")


# -- Re-issue ----------------------------------------------------------------------------


def _text_page(data: bytes, text: str) -> int:
    words = text.split()[:6]
    for n, page in enumerate(read_pages(data)):
        if " ".join(words) in " ".join(page.text.split()):
            return n
    raise AssertionError(f"{text!r} not in the PDF")


def test_reissue_with_text_moved_to_another_page_annotations_follow(db: Database) -> None:
    quote = "Children placed more than twenty miles from home fell from 61 to 48"
    v2_body = [*FILLER[:60], KEY, OTHER]
    v2 = pdf("Placements: a paper", v2_body)
    moved_to = _text_page(v2, KEY)
    assert moved_to >= 2
    with db.begin(None) as s:
        tom, moira = who(s, TOM), who(s, MOIRA)
        v1 = add_paper(s, [KEY, *FILLER[:3], OTHER])
        h = notes.add_highlight(
            s, tom, v1.paper_id, 0, quote, [[0.1, 0.15, 0.9, 0.17]], comment="Good"
        )
        other = notes.add_highlight(
            s, moira, v1.paper_id, 0, OTHER, [[0.1, 0.5, 0.9, 0.52]], shared=True
        )
        n = notes.add_note(s, moira, v1.paper_id, 0, 0.9, 0.16, "Trajectory?")

        result = svc.reissue_paper(s, who(s, EMMA), v1.paper_id, v2)

        assert result.paper.version == 2 and result.paper.supersedes_id == v1.paper_id
        assert result.orphaned == 0
        placed = {r.annotation_id: r for r in result.annotations}
        assert placed[h.annotation_id].new_page == moved_to
        assert placed[h.annotation_id].anchor == "reanchored"
        followed = notes.annotation(s, tom, h.annotation_id)
        assert (followed.paper_id, followed.page, followed.comment) == (
            result.paper.paper_id,
            moved_to,
            "Good",
        )
        assert followed.rects and all(0 <= v <= 1 for r in followed.rects for v in r)
        assert notes.annotation(s, moira, other.annotation_id).page == _text_page(v2, OTHER)
        assert notes.annotation(s, moira, n.annotation_id).page == moved_to  # follows its line
        # The pack shows the new version only; the old one is still there, superseded.
        listed = svc.meeting_papers(s, tom, v1.meeting_id)
        assert result.paper.paper_id in {p.paper_id for p in listed}
        assert v1.paper_id not in {p.paper_id for p in listed}
        assert svc.current_version(s, tom, v1.paper_id).paper_id == result.paper.paper_id
        with pytest.raises(ValidationError, match="already replaced"):
            svc.reissue_paper(s, who(s, EMMA), v1.paper_id, v2)


def test_reissue_with_a_paragraph_deleted_flags_its_annotation_and_keeps_it(db: Database) -> None:
    with db.begin(None) as s:
        tom = who(s, TOM)
        v1 = add_paper(s, [KEY, *FILLER[:3], OTHER])
        gone = notes.add_highlight(
            s, tom, v1.paper_id, 0, KEY[:90], [[0.1, 0.15, 0.9, 0.17]], comment="Why 48?"
        )
        kept = notes.add_highlight(s, tom, v1.paper_id, 0, OTHER, [[0.1, 0.5, 0.9, 0.52]])

        result = svc.reissue_paper(
            s, who(s, EMMA), v1.paper_id, pdf("Placements: a paper", [*FILLER[:3], OTHER])
        )

        assert result.orphaned == 1
        flagged = notes.annotation(s, tom, gone.annotation_id)
        assert flagged.orphaned and flagged.anchor == "orphaned"
        assert (flagged.quote, flagged.comment) == (KEY[:90], "Why 48?")  # still readable
        assert flagged.paper_id == result.paper.paper_id and flagged.previous_page == 0
        assert not notes.annotation(s, tom, kept.annotation_id).orphaned
        mine = notes.my_annotations(s, tom, v1.meeting_id)
        assert gone.annotation_id in {a.annotation_id for a in mine if a.orphaned}


def selection(data: bytes, quote: str) -> tuple[int, list[list[float]]]:
    """Where a reader's text selection of `quote` would be: its page and line boxes."""
    placed = find_quote(read_pages(data), quote, 0)
    assert placed.page is not None and placed.rects
    return placed.page, [list(r) for r in placed.rects]


def test_reissue_with_nothing_moved_keeps_annotations_anchored(db: Database) -> None:
    body = [KEY, *FILLER[:3], OTHER]
    with db.begin(None) as s:
        v1 = add_paper(s, body)
        page, rects = selection(pdf("Placements: a paper", body), OTHER)
        h = notes.add_highlight(s, who(s, TOM), v1.paper_id, page, OTHER, rects)
        result = svc.reissue_paper(s, who(s, EMMA), v1.paper_id, pdf("Placements: v2", body))
        assert [(r.annotation_id, r.anchor, r.method) for r in result.annotations] == [
            (h.annotation_id, "anchored", "exact")
        ]
        assert result.paper.title == "Placements: a paper"  # title kept unless given


# -- Questions and action cards ----------------------------------------------------------


def test_questions_by_item_private_ones_for_their_author_only(db: Database) -> None:
    with db.session() as s:
        meeting_id = meeting(s, "CPB", "2020-01-28")
        chloe, ruth = who(s, "Chloe Marsh"), who(s, "Cllr Ruth Okonedo")
        chloe_view = qs.questions_by_item(s, chloe, meeting_id)
        ruth_view = qs.questions_by_item(s, ruth, meeting_id)
    assert [(g.item_number, len(g.questions)) for g in chloe_view] == [("5", 2), ("6", 1)]
    assert [(g.item_number, len(g.questions)) for g in ruth_view] == [("5", 2)]
    assert chloe_view[1].questions[0].mine and not chloe_view[1].questions[0].shared


def test_questions_are_prepared_by_members_and_answered_in_the_meeting(db: Database) -> None:
    with db.begin(None, clock=lambda: FIXED) as s:
        meeting_id = meeting(s, "CPB", "2020-01-28")
        item_id = item(s, meeting_id, 5)
        samuel, ruth = who(s, "Cllr Samuel Osei"), who(s, "Cllr Ruth Okonedo")
        q = qs.add_question(s, samuel, item_id, "  How many care leavers are in work?  ")
        assert q.text == "How many care leavers are in work?" and q.shared and q.mine
        with pytest.raises(ValidationError):
            qs.add_question(s, samuel, item_id, "   ")
        with pytest.raises(PermissionDeniedError):
            qs.add_question(s, who(s, PETER), item_id, "Observer's question")
        with pytest.raises(PermissionDeniedError):
            qs.answer_question(s, samuel, q.question_id, "Members do not record answers")
        with pytest.raises(PermissionDeniedError, match="author"):
            qs.edit_question(s, ruth, q.question_id, "Reworded by someone else")
        answered = qs.answer_question(
            s,
            ruth,
            q.question_id,
            " 62% ",
            answered_by="Fiona McAllister, Head of Children in Care",
        )
        assert (answered.answer, answered.answered_at) == ("62%", FIXED)
        assert answered.answered_by == "Fiona McAllister, Head of Children in Care"
        with pytest.raises(ValidationError, match="answered"):
            qs.edit_question(s, samuel, q.question_id, "Too late")
        with pytest.raises(ValidationError, match="answered"):
            qs.withdraw_question(s, samuel, q.question_id)
        group = next(g for g in qs.questions_by_item(s, ruth, meeting_id) if g.item_id == item_id)
        assert any(x.question_id == q.question_id and x.answer == "62%" for x in group.questions)


def test_action_cards_are_read_from_the_paper_and_get_a_recorded_response(db: Database) -> None:
    with db.begin(None, clock=lambda: FIXED) as s:
        ruth, chloe = who(s, "Cllr Ruth Okonedo"), who(s, "Chloe Marsh")
        paper = s.scalar(
            select(Paper)
            .join(Meeting, Meeting.id == Paper.meeting_id)
            .where(
                Paper.kind == PaperKind.ACTION_CARDS, Meeting.meeting_date == dt.date(2019, 10, 15)
            )
        )
        assert paper is not None
        cards = qs.action_cards(s, chloe, paper.id)
        assert [(c.number, c.addressed_to, c.response) for c in cards] == [
            (6, "the Head of Placements and Sufficiency", None),
            (7, "the Head of Workforce Development", None),
        ]
        assert cards[1].text == "We want to help interview new social workers."
        with pytest.raises(PermissionDeniedError):
            qs.respond_to_card(s, chloe, paper.id, 7, "Members do not record responses")
        with pytest.raises(NotFoundError, match="no card 9"):
            qs.respond_to_card(s, ruth, paper.id, 9, "No such card")
        card = qs.respond_to_card(
            s,
            ruth,
            paper.id,
            7,
            "Agreed: two care leavers join every interview panel.",
            responded_by="Cllr Ruth Okonedo",
        )
        assert (card.response, card.responded_at) == (
            "Agreed: two care leavers join every interview panel.",
            FIXED,
        )
        again = qs.respond_to_card(s, ruth, paper.id, 7, "Agreed, from April.")
        assert again.response == "Agreed, from April."
        assert [c.response for c in qs.action_cards(s, chloe, paper.id)] == [
            None,
            "Agreed, from April.",
        ]
        # The response is a record of the board, not somebody's note.
        meeting_id = paper.meeting_id
        assert notes.my_annotations(s, ruth, meeting_id) == ()
        assert notes.shared_annotations(s, chloe, meeting_id) == ()
        reports = s.scalar(select(Paper).where(Paper.kind == PaperKind.REPORT))
        assert reports is not None
        with pytest.raises(ValidationError, match="not a paper of action cards"):
            qs.action_cards(s, ruth, reports.id)


def test_an_annotation_synced_onto_a_replaced_version_follows_to_the_current_one(
    db: Database,
) -> None:
    v2_body = [*FILLER[:60], KEY, OTHER]
    with db.begin(None) as s:
        tom = who(s, TOM)
        v1 = add_paper(s, [KEY, *FILLER[:3], OTHER])
        v2 = svc.reissue_paper(s, who(s, EMMA), v1.paper_id, pdf("Placements: a paper", v2_body))
        v3 = svc.reissue_paper(s, who(s, EMMA), v2.paper.paper_id, pdf("Placements", v2_body))
        # Made offline on version 1, it arrives by sync after both re-issues.
        late = Annotation(
            paper_id=v1.paper_id,
            author_id=tom,
            kind=AnnotationKind.HIGHLIGHT,
            page=0,
            rects=[[0.1, 0.15, 0.9, 0.17]],
            quote=KEY[:70],
            comment="Written on the train",
        )
        s.add(late)
        s.flush()
        assert svc.follow_reissues(s, who(s, MOIRA), v1.meeting_id) == ()  # not Moira's
        (moved,) = svc.follow_reissues(s, tom, v1.meeting_id)
        assert moved.annotation_id == late.id and moved.anchor == "reanchored"
        row = notes.annotation(s, tom, late.id)
        assert row.paper_id == v3.paper.paper_id
        assert row.page == _text_page(pdf("Placements", v2_body), KEY)
        assert svc.follow_reissues(s, tom, v1.meeting_id) == ()  # nothing left behind


CARDS = """Report of: Participation Manager

# New cards

- Card 8: "We want our pathway plans written with us, not about us." For: the Head of Leaving Care.

- Card 9: "Tell us before our social worker changes." For: the Director of Children's Social Care.
"""


def test_cards_of_an_added_paper_are_read_from_its_pdf_and_keep_their_responses(
    db: Database,
) -> None:
    with db.begin(None, clock=lambda: FIXED) as s:
        emma, ruth = who(s, EMMA), who(s, "Cllr Ruth Okonedo")
        item_id = item(s, meeting(s, "CPB", "2020-01-28"), 5)
        data, _ = render_paper_pdf("Action cards, January 2020", CARDS)
        row = svc.add_paper(
            s, emma, item_id, "Action cards, January 2020", data, kind=PaperKind.ACTION_CARDS
        )
        cards = qs.action_cards(s, ruth, row.paper_id)
        assert [(c.number, c.addressed_to) for c in cards] == [
            (8, "the Head of Leaving Care"),
            (9, "the Director of Children's Social Care"),
        ]
        assert cards[1].text == "Tell us before our social worker changes."
        qs.respond_to_card(
            s, ruth, row.paper_id, 9, "Agreed: a letter and a visit before any change."
        )
        # Re-issued with a longer introduction: the response stays with its card.
        longer = render_paper_pdf(
            "Action cards, January 2020", "\n\n".join(FILLER[:40]) + "\n\n" + CARDS
        )[0]
        result = svc.reissue_paper(s, emma, row.paper_id, longer)
        assert result.orphaned == 0
        after = {c.number: c for c in qs.action_cards(s, ruth, result.paper.paper_id)}
        assert after[9].response == "Agreed: a letter and a visit before any change."
        assert after[9].page == _text_page(longer, "Tell us before our social worker changes.")
        assert after[8].response is None


def test_search_across_the_pack_finds_pages_and_leaves_out_exempt_papers(db: Database) -> None:
    with db.session() as s:
        helen, peter = who(s, HELEN), who(s, PETER)
        jan = meeting(s, "OPAB", "2020-01-14")
        hits = svc.search_papers(s, helen, jan, "RED OR\n overdue")
        assert [(h.item_number, h.page) for h in hits][:1] == [("5", 0)]
        assert "Red or overdue" in hits[0].snippet
        # The demo's text is stored in one block: pages come from the PDF itself.
        pages = svc.paper_pages(s, helen, hits[0].paper_id)
        assert len(pages) == 4 and all(pages)
        assert svc.search_papers(s, helen, jan, "   ") == ()
        feb = meeting(s, "OPAB", "2019-01-22")
        assert svc.search_papers(s, helen, feb, "return home interviews")
        assert svc.search_papers(s, peter, feb, "return home interviews") == ()  # exempt


# Who sees Moira's private highlight and Helen's shared one (OPAB 14 January 2020).
NOTE_VIEWERS = [
    (MOIRA, "author (member)", True, True),
    (HELEN, "chair", False, True),
    (TOM, "member", False, True),
    (EMMA, "secretariat", False, True),
    (GRACE, "officer", False, True),
    (PETER, "observer", False, False),
]


@pytest.mark.parametrize(
    ("name", "role", "sees_private", "sees_shared"),
    NOTE_VIEWERS,
    ids=[r for _, r, _, _ in NOTE_VIEWERS],
)
def test_private_annotations_only_for_their_author_whatever_the_role(
    db: Database, name: str, role: str, sees_private: bool, sees_shared: bool
) -> None:
    with db.session() as s:
        viewer = who(s, name)
        meeting_id = meeting(s, "OPAB", "2020-01-14")
        private = s.scalar(
            select(Annotation).where(Annotation.quote.like("Initial health assessments%"))
        )
        shared = s.scalar(select(Annotation).where(Annotation.quote.like("Indicators in%")))
        assert private is not None and not private.shared
        assert shared is not None and shared.shared
        on_paper = {a.annotation_id for a in notes.paper_annotations(s, viewer, private.paper_id)}
        board = {a.annotation_id for a in notes.shared_annotations(s, viewer, meeting_id)}
        mine = {a.annotation_id for a in notes.my_annotations(s, viewer, meeting_id)}
        assert (private.id in on_paper) is sees_private, role
        assert (private.id in mine) is sees_private, role
        assert private.id not in board, role
        assert (shared.id in on_paper) is sees_shared, role
        assert (shared.id in board) is sees_shared, role
        if sees_shared:
            assert notes.annotation(s, viewer, shared.id).comment == shared.comment
        else:
            with pytest.raises(PermissionDeniedError):
                notes.annotation(s, viewer, shared.id)
        if not sees_private:
            with pytest.raises(PermissionDeniedError, match="private"):
                notes.annotation(s, viewer, private.id)
