"""What the reader has open: one paper or the whole board pack, and which paper each page is.

A `LoadedPdf` keeps a `QPdfDocument` and the buffer it reads from together
(Qt reads the bytes lazily, so the buffer must live as long as the
document). `Segment`s say which pages of the open PDF belong to which paper
— a single paper is one segment starting at page 0; a board pack is the
cover and contents followed by each paper in the pack's order — so an
annotation stored as (paper, page) is drawn on the right page of either, and
a highlight made on a pack page is stored against its paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtPdf import QPdfDocument


@dataclass(frozen=True)
class Segment:
    """The pages of one paper within the open PDF."""

    paper_id: str
    title: str
    item_label: str  # "Item 5" or "" for a paper on no item
    start: int  # first page of the open PDF (0-based)
    pages: int


@dataclass(frozen=True)
class Opened:
    """What the reader shows: a paper (key = paper id) or a pack (key = "pack:<meeting id>")."""

    key: str
    title: str
    segments: tuple[Segment, ...]
    meeting_id: str
    is_pack: bool = False

    def locate(self, page: int) -> tuple[Segment, int] | None:
        """The paper a page of the open PDF belongs to, and its page in that paper."""
        for segment in self.segments:
            if segment.start <= page < segment.start + segment.pages:
                return segment, page - segment.start
        return None

    def page_of(self, paper_id: str, page: int) -> int | None:
        """Where page `page` of `paper_id` is in the open PDF (None: not in it)."""
        for segment in self.segments:
            if segment.paper_id == paper_id and 0 <= page < segment.pages:
                return segment.start + page
        return None

    def holds(self, paper_id: str) -> bool:
        return any(s.paper_id == paper_id for s in self.segments)


class LoadedPdf(QObject):
    """A `QPdfDocument` over bytes in memory, kept with its buffer."""

    def __init__(self, data: bytes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self.buffer)

    @property
    def ok(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0

    def close(self) -> None:
        self.document.close()
        self.buffer.close()


def pack_segments(
    entries: Sequence[tuple[str, str, str, int]], front_pages: int
) -> tuple[Segment, ...]:
    """A board pack's segments; `entries` are (paper id, title, item label, pages) in pack order."""
    out = []
    at = front_pages
    for paper_id, title, label, pages in entries:
        out.append(Segment(paper_id, title, label, at, pages))
        at += pages
    return tuple(out)
