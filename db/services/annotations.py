"""Members' annotations on papers: highlights and sticky notes, private unless shared.

A private annotation is seen only by its author; shared ones by everyone on
the board who may annotate (not observers), on papers they may read. Only the
author edits, shares, unshares or deletes one. Positions are fractions of
the page with the origin at the top left; a highlight keeps the text it
quotes and a note the line of text beside it (`extra["context"]`), so both
follow their text when the paper is re-issued (`db.services.papers`).
Board responses to action cards are annotations too (`CARD_KEY` in
`extra`, see `db.services.questions`) and are kept out of these lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import AgendaItem, AnchorState, Annotation, AnnotationKind, Blob, Paper
from db.papers.pdftext import read_page
from db.permissions import Capability, allowed, require
from db.services.papers import (
    board_of_meeting,
    check_paper_visible,
    get_paper,
    meeting_papers,
    person_names,
)

#: The key in `Annotation.extra` marking a board response to an action card.
CARD_KEY = "action_card"

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class AnnotationRow:
    """A highlight or sticky note; positions are fractions of the page, origin top left."""

    annotation_id: str
    paper_id: str
    paper_title: str
    item_number: str | None
    author_id: str
    author_name: str
    kind: str  # "highlight" | "note"
    page: int  # 0-based
    x: float | None
    y: float | None
    rects: tuple[Rect, ...]
    quote: str | None
    comment: str | None
    shared: bool
    anchor: str  # AnchorState value: "anchored" | "reanchored" | "orphaned"
    mine: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    previous_page: int | None  # where it was before the last re-issue (orphaned ones)

    @property
    def orphaned(self) -> bool:
        return self.anchor == AnchorState.ORPHANED.value


# -- Helpers ---------------------------------------------------------------------------


def _rects(value: Any) -> tuple[Rect, ...]:
    out: list[Rect] = []
    for r in value or ():
        if isinstance(r, list | tuple) and len(r) == 4:
            out.append((float(r[0]), float(r[1]), float(r[2]), float(r[3])))
    return tuple(out)


def is_card(annotation: Annotation) -> bool:
    return bool(annotation.extra and CARD_KEY in annotation.extra)


def _annotation_rows(
    session: Session, viewer_id: str | None, annotations: Sequence[Annotation]
) -> tuple[AnnotationRow, ...]:
    papers = {
        p.id: p
        for p in session.scalars(
            select(Paper).where(Paper.id.in_({a.paper_id for a in annotations}))
        )
    }
    item_ids = {p.agenda_item_id for p in papers.values() if p.agenda_item_id}
    positions = (
        dict(
            session.execute(
                select(AgendaItem.id, AgendaItem.position).where(AgendaItem.id.in_(item_ids))
            ).all()
        )
        if item_ids
        else {}
    )
    names = person_names(session, (a.author_id for a in annotations))
    rows = []
    for a in annotations:
        paper = papers[a.paper_id]
        position = positions.get(paper.agenda_item_id) if paper.agenda_item_id else None
        previous = (a.extra or {}).get("anchoring", {}).get("from_page")
        rows.append(
            AnnotationRow(
                annotation_id=a.id,
                paper_id=a.paper_id,
                paper_title=paper.title,
                item_number=str(position) if position is not None else None,
                author_id=a.author_id,
                author_name=names.get(a.author_id, "Unknown"),
                kind=a.kind.value,
                page=a.page,
                x=a.x,
                y=a.y,
                rects=_rects(a.rects),
                quote=a.quote,
                comment=a.comment,
                shared=bool(a.shared),
                anchor=a.anchor.value,
                mine=viewer_id is not None and a.author_id == viewer_id,
                created_at=a.created_at,
                updated_at=a.updated_at,
                previous_page=int(previous) if isinstance(previous, int) else None,
            )
        )
    return tuple(rows)


def _reading_order(row: AnnotationRow) -> tuple[Any, ...]:
    top = row.rects[0][1] if row.rects else (row.y if row.y is not None else 0.0)
    number = int(row.item_number) if row.item_number and row.item_number.isdigit() else 10**6
    return (number, row.paper_title, row.page, top, row.created_at)


# -- Reads: annotations and questions ------------------------------------------------------


def _annotations_of_papers(
    session: Session, paper_ids: Iterable[str], *where: Any
) -> list[Annotation]:
    ids = list(paper_ids)
    if not ids:
        return []
    found = session.scalars(select(Annotation).where(Annotation.paper_id.in_(ids), *where))
    return [a for a in found if not is_card(a)]


def my_annotations(
    session: Session, viewer_id: str | None, meeting_id: str
) -> tuple[AnnotationRow, ...]:
    """ "My notes for this meeting": the viewer's own annotations, in agenda and page order.

    Orphaned annotations are included (flagged by `anchor`), on the current
    version of their paper.
    """
    if viewer_id is None:
        return ()
    papers = meeting_papers(session, viewer_id, meeting_id, include_superseded=True)
    found = _annotations_of_papers(
        session, (p.paper_id for p in papers), Annotation.author_id == viewer_id
    )
    return tuple(sorted(_annotation_rows(session, viewer_id, found), key=_reading_order))


def shared_annotations(
    session: Session, viewer_id: str | None, meeting_id: str
) -> tuple[AnnotationRow, ...]:
    """The annotations members have shared with the board on this meeting's papers.

    Empty for a viewer who may not annotate (observers).
    """
    board_id = board_of_meeting(session, meeting_id)
    if not allowed(session, viewer_id, board_id, Capability.ANNOTATE):
        return ()
    papers = meeting_papers(session, viewer_id, meeting_id, include_superseded=True)
    found = _annotations_of_papers(
        session, (p.paper_id for p in papers), Annotation.shared.is_(True)
    )
    return tuple(sorted(_annotation_rows(session, viewer_id, found), key=_reading_order))


def paper_annotations(
    session: Session, viewer_id: str | None, paper_id: str
) -> tuple[AnnotationRow, ...]:
    """What the reader draws on a paper: the viewer's own annotations and those shared.

    Raises:
        NotFoundError, PermissionDeniedError: as `paper`.
    """
    p = get_paper(session, paper_id)
    board_id = check_paper_visible(session, viewer_id, p)
    if not allowed(session, viewer_id, board_id, Capability.ANNOTATE):
        return ()
    found = _annotations_of_papers(session, [paper_id])
    visible = [a for a in found if a.shared or a.author_id == viewer_id]
    return tuple(sorted(_annotation_rows(session, viewer_id, visible), key=_reading_order))


def annotation(session: Session, viewer_id: str | None, annotation_id: str) -> AnnotationRow:
    """One annotation the viewer may see (their own, or shared on a paper they may read)."""
    a = _annotation_visible(session, viewer_id, annotation_id)
    return _annotation_rows(session, viewer_id, [a])[0]


def _annotation_visible(session: Session, viewer_id: str | None, annotation_id: str) -> Annotation:
    a = session.get(Annotation, annotation_id)
    if a is None:
        raise NotFoundError(f"there is no annotation with id {annotation_id}")
    if not (a.shared or a.author_id == viewer_id):
        raise PermissionDeniedError("this annotation is private to its author")
    board_id = check_paper_visible(session, viewer_id, get_paper(session, a.paper_id))
    if a.author_id != viewer_id and not allowed(session, viewer_id, board_id, Capability.ANNOTATE):
        raise PermissionDeniedError("annotations shared with the board are for its members")
    return a


# -- Writes: annotations -----------------------------------------------------------------


def _require_annotate(session: Session, actor_id: str | None, p: Paper) -> None:
    board_id = check_paper_visible(session, actor_id, p)
    require(session, actor_id, board_id, Capability.ANNOTATE)


def _check_page(p: Paper, page: int) -> None:
    if not 0 <= page < p.page_count:
        raise ValidationError(
            f"page {page + 1} is not in '{p.title}', which has {p.page_count} pages"
        )


def _check_fraction(name: str, value: float) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValidationError(f"the {name} must be a fraction of the page between 0 and 1")
    return number


def _clean_rects(rects: Sequence[Sequence[float]]) -> list[list[float]]:
    out = []
    for r in rects:
        if len(r) != 4:
            raise ValidationError("a highlight's box needs four numbers: x0, y0, x1, y1")
        x0, y0, x1, y1 = (_check_fraction("highlight box", v) for v in r)
        out.append([min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)])
    return out


def add_highlight(
    session: Session,
    actor_id: str | None,
    paper_id: str,
    page: int,
    quote: str,
    rects: Sequence[Sequence[float]],
    *,
    comment: str | None = None,
    shared: bool = False,
) -> AnnotationRow:
    """Highlight selected text on a page, with an optional comment; private unless shared.

    Args:
        session: the caller's session (the caller commits).
        actor_id: the author (`Capability.ANNOTATE`).
        paper_id: the paper.
        page: 0-based page.
        quote: the selected text (what re-anchoring looks for).
        rects: one box per line, [x0, y0, x1, y1] as fractions of the page, top left.
        comment: optional comment.
        shared: share with the board straight away.

    Raises:
        NotFoundError, PermissionDeniedError: no such paper, or not allowed.
        ValidationError: no quote, no box, a page or box outside the paper.
    """
    p = get_paper(session, paper_id)
    _require_annotate(session, actor_id, p)
    assert actor_id is not None
    _check_page(p, page)
    text = (quote or "").strip()
    if not text:
        raise ValidationError("a highlight needs the text it highlights")
    boxes = _clean_rects(rects)
    if not boxes:
        raise ValidationError("a highlight needs at least one box on the page")
    a = Annotation(
        paper_id=p.id,
        author_id=actor_id,
        kind=AnnotationKind.HIGHLIGHT,
        page=page,
        x=boxes[0][0],
        y=boxes[0][1],
        rects=boxes,
        quote=text,
        comment=(comment or "").strip() or None,
        shared=shared,
        anchor=AnchorState.ANCHORED,
    )
    session.add(a)
    session.flush()
    return _annotation_rows(session, actor_id, [a])[0]


def _line_near(session: Session, p: Paper, page: int, y: float) -> str | None:
    """The line of text nearest a point's height on a page (None: no text, or no file here)."""
    data = session.scalar(select(Blob.data).where(Blob.sha256 == p.blob_sha256))
    if data is None:
        return None
    try:
        text = read_page(data, page)
    except ValidationError:
        return None
    if text is None or not text.runs:
        return None
    run = min(text.runs, key=lambda r: abs((r.box[1] + r.box[3]) / 2 - y))
    line = text.text[run.start : run.end].strip()
    return line if len(line) >= 8 else None


def add_note(
    session: Session,
    actor_id: str | None,
    paper_id: str,
    page: int,
    x: float,
    y: float,
    comment: str,
    *,
    quote: str | None = None,
    shared: bool = False,
) -> AnnotationRow:
    """Put a sticky note at a point on a page; private unless shared.

    The line of text nearest the point is remembered (`extra["context"]`) so
    the note follows it when the paper is re-issued.

    Raises:
        NotFoundError, PermissionDeniedError: no such paper, or not allowed.
        ValidationError: no comment, or a point outside the paper.
    """
    p = get_paper(session, paper_id)
    _require_annotate(session, actor_id, p)
    assert actor_id is not None
    _check_page(p, page)
    px, py = _check_fraction("note's x", x), _check_fraction("note's y", y)
    text = (comment or "").strip()
    if not text:
        raise ValidationError("a note needs some text")
    context = None if quote else _line_near(session, p, page, py)
    a = Annotation(
        paper_id=p.id,
        author_id=actor_id,
        kind=AnnotationKind.NOTE,
        page=page,
        x=px,
        y=py,
        rects=None,
        quote=(quote or "").strip() or None,
        comment=text,
        shared=shared,
        anchor=AnchorState.ANCHORED,
        extra={"context": context} if context else None,
    )
    session.add(a)
    session.flush()
    return _annotation_rows(session, actor_id, [a])[0]


def _own_annotation(session: Session, actor_id: str | None, annotation_id: str) -> Annotation:
    a = session.get(Annotation, annotation_id)
    if a is None or is_card(a):
        raise NotFoundError(f"there is no annotation with id {annotation_id}")
    if actor_id is None or a.author_id != actor_id:
        raise PermissionDeniedError("only its author may change or delete an annotation")
    _require_annotate(session, actor_id, get_paper(session, a.paper_id))
    return a


def edit_comment(
    session: Session, actor_id: str | None, annotation_id: str, comment: str | None
) -> AnnotationRow:
    """Change an annotation's comment (author only); a note cannot be left empty.

    Raises:
        NotFoundError: no such annotation.
        PermissionDeniedError: not the author.
        ValidationError: an empty note.
    """
    a = _own_annotation(session, actor_id, annotation_id)
    text = (comment or "").strip() or None
    if text is None and a.kind is AnnotationKind.NOTE:
        raise ValidationError("a note needs some text; delete the note instead")
    a.comment = text
    session.flush()
    return _annotation_rows(session, actor_id, [a])[0]


def set_shared(
    session: Session, actor_id: str | None, annotation_id: str, shared: bool
) -> AnnotationRow:
    """Share an annotation with the board, or make it private again (author only)."""
    a = _own_annotation(session, actor_id, annotation_id)
    a.shared = bool(shared)
    session.flush()
    return _annotation_rows(session, actor_id, [a])[0]


def delete_annotation(session: Session, actor_id: str | None, annotation_id: str) -> None:
    """Delete one of one's own annotations (author only)."""
    a = _own_annotation(session, actor_id, annotation_id)
    session.delete(a)
    session.flush()


__all__ = [
    "CARD_KEY",
    "AnnotationRow",
    "Rect",
    "add_highlight",
    "add_note",
    "annotation",
    "delete_annotation",
    "edit_comment",
    "is_card",
    "my_annotations",
    "paper_annotations",
    "set_shared",
    "shared_annotations",
]
