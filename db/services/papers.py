"""Papers of the board pack: which ones a person may read, in agenda order, and their versions.

Reads return frozen values, never ORM objects, and apply the roles table:
exempt papers (the paper or its agenda item is Part 2) only for viewers with
`Capability.READ_EXEMPT` (an officer only on the items they present). Writes
take `(session, actor_id, ...)`, check the right in the caller's transaction
and raise `db.errors` with one sentence. The helpers here that other papers
services share (`check_paper_visible`, `may_read_exempt`…) are public for them.

`add_paper` stores the PDF as a content-addressed blob and its text page by
page (`Paper.text` holds the pages joined by a form feed,
`db.papers.pdftext.PAGE_BREAK`). `reissue_paper` adds a new version that
supersedes the old and moves every annotation onto it, re-anchored by the
text it quotes (`db.papers.anchoring`): those that fit get their new page
and a drawing hint (`AnchorState.REANCHORED`, or `ANCHORED` when nothing
moved); those that no longer fit keep their quote, comment and old position
and are flagged `AnchorState.ORPHANED` — never dropped. How each one was
placed is kept in `Annotation.extra["anchoring"]` (method, score,
from_version, from_page). A sticky note with no quote follows the line of
text it was put beside (`extra["context"]`, see `db.services.annotations`).

An item's papers are listed in one order everywhere (agenda editor, meeting
view, the Papers page and the board pack): by `Paper.position`, which the
secretariat sets by moving them (`db.services.agenda.move_paper`), papers
never placed after those placed, then by issue time, title and id — so two
laptops holding the same rows list them the same way. `paper_order` is that
order for a query, `paper_sort_key` the same for rows already read; a
re-issued paper keeps its version's place.

Keeping exempt papers out of an observer's database during sync belongs to
the sync layer (the security issue), not here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.errors import NotFoundError, PermissionDeniedError, ValidationError
from db.models import (
    AgendaItem,
    AnchorState,
    Annotation,
    AnnotationKind,
    Blob,
    Board,
    Meeting,
    Paper,
    PaperKind,
    Person,
)
from db.papers.anchoring import Anchor, Method, PageText, normalise, reanchor
from db.papers.pdftext import PAGE_BREAK, read_pages, split_pages
from db.permissions import Capability, allowed, require
from db.session import UNSCOPED

#: The largest PDF `add_paper` takes.
MAX_PAPER_BYTES = 200 * 1024 * 1024
#: Text found within this fraction of the page height of where it was has not moved.
SAME_LINE = 0.02


# -- Values ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaperRow:
    """A paper as the pack lists it (the current version unless asked otherwise)."""

    paper_id: str
    meeting_id: str
    item_id: str | None
    item_number: str | None  # "5": the agenda item's number
    item_title: str | None
    title: str
    kind: str  # PaperKind value
    report_of: str | None
    page_count: int
    exempt: bool  # the paper or its item is exempt (Part 2)
    supplement: bool
    version: int
    supersedes_id: str | None
    issued_at: dt.datetime
    blob_sha256: str
    on_this_laptop: bool  # the PDF's bytes are here
    position: int | None = None  # its place among the item's papers; None: never placed


@dataclass(frozen=True)
class Reanchored:
    """What happened to one annotation when its paper was re-issued."""

    annotation_id: str
    anchor: str  # AnchorState value
    method: str  # anchoring.Method value
    old_page: int
    new_page: int


@dataclass(frozen=True)
class Reissued:
    """The new version of a paper and where its annotations went."""

    paper: PaperRow
    annotations: tuple[Reanchored, ...]

    @property
    def orphaned(self) -> int:
        return sum(1 for a in self.annotations if a.anchor == AnchorState.ORPHANED.value)


# -- Order -------------------------------------------------------------------------------


def paper_order(paper: Any = Paper) -> tuple[ColumnElement[Any], ...]:
    """ORDER BY for an item's papers: placed ones by position, then the rest; then issue time.

    Args:
        paper: `Paper` or an alias of it.
    """
    return (
        paper.position.asc().nulls_last(),
        paper.issued_at.asc(),
        paper.title.asc(),
        paper.id.asc(),
    )


def paper_sort_key(
    position: int | None, issued_at: dt.datetime, title: str, paper_id: str
) -> tuple[bool, int, dt.datetime, str, str]:
    """`paper_order` for papers already read: sort by this key."""
    return (position is None, position or 0, issued_at, title, paper_id)


# -- Helpers -----------------------------------------------------------------------------


def session_now(session: Session) -> dt.datetime:
    clock = session.info.get("clock", utcnow)
    now: dt.datetime = clock()
    return now


def board_of_meeting(session: Session, meeting_id: str) -> str:
    board_id = session.scalar(select(Meeting.board_id).where(Meeting.id == meeting_id))
    if board_id is None:
        raise NotFoundError(f"there is no meeting with id {meeting_id}")
    return board_id


def get_item(session: Session, item_id: str) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFoundError(f"there is no agenda item with id {item_id}")
    return item


def get_paper(session: Session, paper_id: str) -> Paper:
    paper = session.get(Paper, paper_id)
    if paper is None:
        raise NotFoundError(f"there is no paper with id {paper_id}")
    return paper


def may_read_exempt(
    session: Session, viewer_id: str | None, board_id: str, presenter_id: str | None
) -> bool:
    owns = viewer_id is not None and presenter_id == viewer_id
    return allowed(session, viewer_id, board_id, Capability.READ_EXEMPT, owns=owns)


def require_read(session: Session, viewer_id: str | None, board_id: str) -> None:
    require(session, viewer_id, board_id, Capability.READ_PUBLIC)


def check_paper_visible(session: Session, viewer_id: str | None, paper: Paper) -> str:
    """Refuse a paper the viewer may not read; return its board id."""
    board_id = board_of_meeting(session, paper.meeting_id)
    require_read(session, viewer_id, board_id)
    item = session.get(AgendaItem, paper.agenda_item_id) if paper.agenda_item_id else None
    exempt = paper.exempt or (item is not None and item.exempt)
    if exempt and not may_read_exempt(
        session, viewer_id, board_id, item.presenter_id if item else None
    ):
        raise PermissionDeniedError(
            f"the paper '{paper.title}' is exempt (Part 2) and your role on this board "
            "does not allow reading exempt papers"
        )
    return board_id


def person_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(wanted))).all())


def _paper_row(paper: Paper, item: AgendaItem | None, on_laptop: bool) -> PaperRow:
    return PaperRow(
        paper_id=paper.id,
        meeting_id=paper.meeting_id,
        item_id=paper.agenda_item_id,
        item_number=str(item.position) if item is not None else None,
        item_title=item.title if item is not None else None,
        title=paper.title,
        kind=paper.kind.value,
        report_of=paper.report_of,
        page_count=paper.page_count,
        exempt=bool(paper.exempt or (item is not None and item.exempt)),
        supplement=bool(paper.supplement),
        version=paper.version,
        supersedes_id=paper.supersedes_id,
        issued_at=paper.issued_at,
        blob_sha256=paper.blob_sha256,
        on_this_laptop=on_laptop,
        position=paper.position,
    )


def _on_laptop(session: Session, shas: Iterable[str]) -> set[str]:
    wanted = set(shas)
    if not wanted:
        return set()
    return set(
        session.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted), Blob.data.is_not(None)))
    )


# -- Reads: papers -----------------------------------------------------------------------


def meeting_papers(
    session: Session, viewer_id: str | None, meeting_id: str, *, include_superseded: bool = False
) -> tuple[PaperRow, ...]:
    """The papers of a meeting in agenda order, as the viewer may see them.

    Args:
        session: an open session.
        viewer_id: who is reading.
        meeting_id: the meeting.
        include_superseded: also list versions a re-issue replaced.

    Returns:
        Papers by agenda item number, then in the item's order (`paper_order`:
        position, then issue time); papers on no item last. Exempt papers are left
        out for a viewer not cleared for them.

    Raises:
        NotFoundError: no such meeting.
        PermissionDeniedError: the viewer has no role on the meeting's board.
    """
    board_id = board_of_meeting(session, meeting_id)
    require_read(session, viewer_id, board_id)
    papers = list(session.scalars(select(Paper).where(Paper.meeting_id == meeting_id)))
    superseded = {p.supersedes_id for p in papers if p.supersedes_id}
    if not include_superseded:
        papers = [p for p in papers if p.id not in superseded]
    items = {
        i.id: i
        for i in session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
    }
    here = _on_laptop(session, (p.blob_sha256 for p in papers))
    cleared = allowed(session, viewer_id, board_id, Capability.READ_EXEMPT)
    rows = []
    for p in papers:
        item = items.get(p.agenda_item_id) if p.agenda_item_id else None
        exempt = p.exempt or (item is not None and item.exempt)
        if exempt and not cleared:
            presenter = item.presenter_id if item is not None else None
            if not may_read_exempt(session, viewer_id, board_id, presenter):
                continue
        rows.append(_paper_row(p, item, p.blob_sha256 in here))
    rows.sort(
        key=lambda r: (
            int(r.item_number) if r.item_number else 10**6,
            *paper_sort_key(r.position, r.issued_at, r.title, r.paper_id),
            r.version,
        )
    )
    return tuple(rows)


def paper(session: Session, viewer_id: str | None, paper_id: str) -> PaperRow:
    """One paper (any version).

    Raises:
        NotFoundError: no such paper.
        PermissionDeniedError: the viewer may not read it (exempt, or no role).
    """
    p = get_paper(session, paper_id)
    check_paper_visible(session, viewer_id, p)
    item = session.get(AgendaItem, p.agenda_item_id) if p.agenda_item_id else None
    return _paper_row(p, item, bool(_on_laptop(session, [p.blob_sha256])))


def current_version(session: Session, viewer_id: str | None, paper_id: str) -> PaperRow:
    """The latest version of a paper (itself when never re-issued)."""
    p = get_paper(session, paper_id)
    while True:
        newer = session.scalar(select(Paper).where(Paper.supersedes_id == p.id))
        if newer is None:
            break
        p = newer
    return paper(session, viewer_id, p.id)


def paper_bytes(session: Session, viewer_id: str | None, paper_id: str) -> bytes | None:
    """The paper's PDF, or None when it is known here but not fetched to this laptop yet.

    Raises:
        NotFoundError, PermissionDeniedError: as `paper`.
    """
    p = get_paper(session, paper_id)
    check_paper_visible(session, viewer_id, p)
    data: bytes | None = session.scalar(select(Blob.data).where(Blob.sha256 == p.blob_sha256))
    return data


def _page_texts(session: Session, p: Paper) -> tuple[str, ...]:
    """A paper's text by page: stored per page, else read from its PDF, else one block."""
    if p.text and (p.page_count <= 1 or p.text.count(PAGE_BREAK) == p.page_count - 1):
        return split_pages(p.text, p.page_count)
    data = session.scalar(select(Blob.data).where(Blob.sha256 == p.blob_sha256))
    if data is not None:
        try:
            return tuple(page.text for page in read_pages(data))
        except ValidationError:
            pass
    return split_pages(p.text, p.page_count)


def paper_pages(session: Session, viewer_id: str | None, paper_id: str) -> tuple[str, ...]:
    """The paper's text, page by page (for search; empty strings when unknown)."""
    p = get_paper(session, paper_id)
    check_paper_visible(session, viewer_id, p)
    return _page_texts(session, p)


@dataclass(frozen=True)
class PageHit:
    """A page of a paper where the searched text occurs."""

    paper_id: str
    paper_title: str
    item_number: str | None
    page: int  # 0-based
    count: int  # occurrences on the page
    snippet: str  # the first occurrence with some words around it


def search_papers(
    session: Session, viewer_id: str | None, meeting_id: str, text: str, *, limit: int = 500
) -> tuple[PageHit, ...]:
    """Find text across the meeting's pack (the papers the viewer may read), page by page.

    Case, spacing, line breaks and hyphenation are ignored. Hits come in pack
    order (agenda order, then page).

    Args:
        limit: at most this many pages.
    """
    wanted, _ = normalise(text or "")
    if not wanted.strip():
        return ()
    hits: list[PageHit] = []
    for row in meeting_papers(session, viewer_id, meeting_id):
        p = get_paper(session, row.paper_id)
        for number, page in enumerate(_page_texts(session, p)):
            flat, where = normalise(page)
            at = flat.find(wanted)
            if at < 0:
                continue
            start = where[at]
            end = where[at + len(wanted) - 1] + 1
            # Words cut by the 60-character window are left out.
            before = " ".join(page[max(0, start - 60) : start].split()[1 if start > 60 else 0 :])
            after = " ".join(page[end : end + 60].split()[: -1 if end + 60 < len(page) else None])
            snippet = f"…{before} {' '.join(page[start:end].split())} {after}…"
            hits.append(
                PageHit(
                    row.paper_id,
                    row.title,
                    row.item_number,
                    number,
                    flat.count(wanted),
                    " ".join(snippet.split()),
                )
            )
            if len(hits) >= limit:
                return tuple(hits)
    return tuple(hits)


def meeting_label(session: Session, viewer_id: str | None, meeting_id: str) -> str:
    """The meeting as a heading says it: "OPAB, 14 January 2020".

    Raises:
        NotFoundError: no such meeting.
        PermissionDeniedError: the viewer has no role on the board.
    """
    require_read(session, viewer_id, board_of_meeting(session, meeting_id))
    row = session.execute(
        select(Board.code, Meeting.meeting_date)
        .join(Board, Board.id == Meeting.board_id)
        .where(Meeting.id == meeting_id)
    ).one()
    day: dt.date = row[1]
    return f"{row[0]}, {day.day} {day:%B %Y}"


@dataclass(frozen=True)
class PackSource:
    """What a board pack is made of, for the viewer: the meeting and its papers' PDFs."""

    meeting_id: str
    board_code: str
    board_name: str
    meeting_date: dt.date
    start_time: dt.time | None
    venue: str | None
    papers: tuple[tuple[PaperRow, bytes], ...]  # agenda order, current versions


def board_pack_source(session: Session, viewer_id: str | None, meeting_id: str) -> PackSource:
    """The meeting and the PDFs of the papers the viewer may read, for `exports.board_pack`.

    Raises:
        NotFoundError: no such meeting.
        PermissionDeniedError: the viewer has no role on the board.
        ValidationError: a paper's file has not been fetched to this laptop yet.
    """
    rows = meeting_papers(session, viewer_id, meeting_id)
    found = session.execute(
        select(Meeting, Board.code, Board.name)
        .join(Board, Board.id == Meeting.board_id)
        .where(Meeting.id == meeting_id)
    ).first()
    assert found is not None  # meeting_papers found it
    meeting, code, name = found
    blobs = dict(
        session.execute(
            select(Blob.sha256, Blob.data).where(Blob.sha256.in_({r.blob_sha256 for r in rows}))
        ).all()
    )
    papers = []
    for row in rows:
        data = blobs.get(row.blob_sha256)
        if data is None:
            raise ValidationError(
                f"the file of '{row.title}' is not on this laptop yet; sync, then try again"
            )
        papers.append((row, bytes(data)))
    return PackSource(
        meeting.id,
        code,
        name,
        meeting.meeting_date,
        meeting.start_time,
        meeting.venue,
        tuple(papers),
    )


# -- Writes: papers ----------------------------------------------------------------------


def _store_blob(session: Session, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    stored = session.execute(select(Blob.data.is_not(None)).where(Blob.sha256 == sha)).first()
    if stored is None:
        session.add(Blob(sha256=sha, size=len(data), media_type="application/pdf", data=data))
    elif not stored[0]:
        # Known but not fetched: these are its bytes. `data` is never change-captured.
        session.execute(
            update(Blob).where(Blob.sha256 == sha, Blob.data.is_(None)).values(data=data)
        )
    return sha


def _check_pdf(data: bytes, title: str) -> tuple[PageText, ...]:
    if not data:
        raise ValidationError(f"the file for '{title}' is empty")
    if len(data) > MAX_PAPER_BYTES:
        raise ValidationError(
            f"the file for '{title}' is larger than {MAX_PAPER_BYTES // (1024 * 1024)} MB"
        )
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ValidationError(f"the file for '{title}' is not a PDF")
    pages = read_pages(data)
    if not pages:
        raise ValidationError(f"the PDF for '{title}' has no pages")
    return pages


def add_paper(
    session: Session,
    actor_id: str | None,
    item_id: str,
    title: str,
    data: bytes,
    *,
    kind: PaperKind = PaperKind.REPORT,
    report_of: str | None = None,
    exempt: bool = False,
    supplement: bool = False,
) -> PaperRow:
    """Add a PDF to an agenda item's papers.

    Args:
        session: the caller's session (the caller commits).
        actor_id: who adds it (needs `Capability.EDIT_BUSINESS`: the secretariat).
        item_id: the agenda item.
        title: the paper's title.
        data: the PDF's bytes.
        kind: report, action cards, minutes or other.
        report_of: who reports.
        exempt: the paper is exempt (an exempt item's papers always are).
        supplement: issued after the pack went out (numbered S1, S2… in the pack).

    Returns:
        The new paper.

    Raises:
        NotFoundError: no such item.
        PermissionDeniedError: the actor may not edit the board's papers.
        ValidationError: no title, or the file is empty, too large or not a readable PDF.
    """
    item = get_item(session, item_id)
    board_id = board_of_meeting(session, item.meeting_id)
    require(session, actor_id, board_id, Capability.EDIT_BUSINESS)
    label = " ".join((title or "").split())
    if not label:
        raise ValidationError("a paper needs a title")
    pages = _check_pdf(data, label)
    sha = _store_blob(session, data)
    p = Paper(
        meeting_id=item.meeting_id,
        agenda_item_id=item.id,
        title=label[:300],
        kind=kind,
        report_of=(report_of or "").strip() or None,
        blob_sha256=sha,
        page_count=len(pages),
        text=PAGE_BREAK.join(pg.text for pg in pages),
        exempt=bool(exempt or item.exempt),
        supplement=supplement,
        version=1,
    )
    session.add(p)
    session.flush()
    return _paper_row(p, item, True)


def _context_of(annotation: Annotation) -> str | None:
    context = (annotation.extra or {}).get("context")
    return context if isinstance(context, str) and context.strip() else None


def reissue_paper(
    session: Session,
    actor_id: str | None,
    paper_id: str,
    data: bytes,
    *,
    title: str | None = None,
) -> Reissued:
    """Issue a new version of a paper; its annotations follow their text to it.

    Args:
        session: the caller's session (the caller commits).
        actor_id: who re-issues it (`Capability.EDIT_BUSINESS`).
        paper_id: the current version.
        data: the new PDF.
        title: a new title (default: the old one).

    Returns:
        The new version and, per annotation, its new anchor state and page.
        Orphaned annotations stay on the new version with their quote,
        comment and old position, flagged `orphaned`.

    Raises:
        NotFoundError: no such paper.
        PermissionDeniedError: the actor may not edit papers.
        ValidationError: the paper was already re-issued, or the file is not a readable PDF.
    """
    old = get_paper(session, paper_id)
    board_id = board_of_meeting(session, old.meeting_id)
    require(session, actor_id, board_id, Capability.EDIT_BUSINESS)
    newer = session.scalar(select(Paper.version).where(Paper.supersedes_id == old.id))
    if newer is not None:
        raise ValidationError(
            f"'{old.title}' version {old.version} was already replaced by version {newer}; "
            "re-issue the latest version"
        )
    label = " ".join((title or old.title).split())[:300]
    pages = _check_pdf(data, label)
    sha = _store_blob(session, data)
    new = Paper(
        meeting_id=old.meeting_id,
        agenda_item_id=old.agenda_item_id,
        title=label,
        kind=old.kind,
        report_of=old.report_of,
        blob_sha256=sha,
        page_count=len(pages),
        text=PAGE_BREAK.join(pg.text for pg in pages),
        exempt=old.exempt,
        supplement=old.supplement,
        version=old.version + 1,
        supersedes_id=old.id,
        position=old.position,  # the new version keeps the old one's place
    )
    session.add(new)
    session.flush()
    moved = list(
        session.scalars(
            select(Annotation)
            .where(Annotation.paper_id == old.id)
            .order_by(Annotation.id)
            # every member's notes move with the paper, private ones included; none is shown
            .execution_options(**{UNSCOPED: True})
        )
    )
    results = _move_annotations(moved, old.version, new, pages)
    session.flush()
    item = session.get(AgendaItem, new.agenda_item_id) if new.agenda_item_id else None
    return Reissued(_paper_row(new, item, True), tuple(results))


def _move_annotations(
    moved: Sequence[Annotation], from_version: int, new: Paper, pages: Sequence[PageText | str]
) -> list[Reanchored]:
    """Put annotations onto a paper's new version, re-anchored by their text (caller flushes)."""
    placements = reanchor([Anchor(a.page, a.quote or _context_of(a)) for a in moved], pages)
    results = []
    for a, place in zip(moved, placements, strict=True):
        old_page = a.page
        extra = dict(a.extra or {})
        extra["anchoring"] = {
            "method": place.method.value,
            "score": round(place.score, 3),
            "from_version": from_version,
            "from_page": old_page,
        }
        a.paper_id = new.id
        if place.orphaned or place.page is None:
            a.anchor = AnchorState.ORPHANED
            a.page = max(0, min(old_page, len(pages) - 1))
        else:
            unmoved = (
                place.method in {Method.EXACT, Method.PAGE}
                and place.page == old_page
                and _same_height(a, place.rects)
            )
            a.anchor = AnchorState.ANCHORED if unmoved else AnchorState.REANCHORED
            a.page = place.page
            if place.rects and not unmoved:
                if a.kind is AnnotationKind.HIGHLIGHT:
                    a.rects = [list(r) for r in place.rects]
                    a.x = place.rects[0][0]
                a.y = place.rects[0][1]
        a.extra = extra
        results.append(Reanchored(a.id, a.anchor.value, place.method.value, old_page, a.page))
    return results


def follow_reissues(
    session: Session, actor_id: str | None, meeting_id: str
) -> tuple[Reanchored, ...]:
    """Move the actor's annotations left on replaced versions onto the current ones.

    An annotation made offline on a version that was re-issued meanwhile
    arrives by sync on the old version; this re-anchors it like the re-issue
    did the others. The GUI may call it when it opens the meeting's papers.

    Returns:
        What happened to each annotation moved (empty when none was left behind).

    Raises:
        NotFoundError: no such meeting.
        PermissionDeniedError: the actor has no role on the board.
    """
    if actor_id is None:
        return ()
    require_read(session, actor_id, board_of_meeting(session, meeting_id))
    papers = {p.id: p for p in session.scalars(select(Paper).where(Paper.meeting_id == meeting_id))}
    newer = {p.supersedes_id: p for p in papers.values() if p.supersedes_id}
    stale = list(
        session.scalars(
            select(Annotation)
            .where(Annotation.paper_id.in_(list(newer)), Annotation.author_id == actor_id)
            .order_by(Annotation.id)
        )
    )
    results: list[Reanchored] = []
    for old_id in sorted({a.paper_id for a in stale}):
        current = newer[old_id]
        while current.id in newer:
            current = newer[current.id]
        data = session.scalar(select(Blob.data).where(Blob.sha256 == current.blob_sha256))
        pages: Sequence[PageText | str] = (
            read_pages(data) if data is not None else split_pages(current.text, current.page_count)
        )
        mine = [a for a in stale if a.paper_id == old_id]
        results += _move_annotations(mine, papers[old_id].version, current, pages)
    session.flush()
    return tuple(results)


def _same_height(a: Annotation, hint: Sequence[tuple[float, float, float, float]]) -> bool:
    """Whether the text sits where the annotation was drawn (within a line), so keep its boxes."""
    if not hint:
        return True
    old_top = a.rects[0][1] if a.rects else a.y
    if old_top is None:
        return False
    return abs(hint[0][1] - old_top) <= SAME_LINE


__all__ = [
    "MAX_PAPER_BYTES",
    "SAME_LINE",
    "PackSource",
    "PageHit",
    "PaperRow",
    "Reanchored",
    "Reissued",
    "add_paper",
    "board_of_meeting",
    "board_pack_source",
    "check_paper_visible",
    "current_version",
    "follow_reissues",
    "get_item",
    "get_paper",
    "may_read_exempt",
    "meeting_label",
    "meeting_papers",
    "paper",
    "paper_bytes",
    "paper_order",
    "paper_pages",
    "paper_sort_key",
    "person_names",
    "reissue_paper",
    "require_read",
    "search_papers",
    "session_now",
]
