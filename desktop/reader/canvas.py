"""One page of a PDF, rendered at a zoom, with highlights, sticky notes and a live text selection.

`PageCanvas` renders the current page of a `QPdfDocument` synchronously
(Qt's PDFium render of one A4 page takes ~10–20 ms here, well inside a page
turn's budget) and keeps the last few renders, prefetching the next page
when the event loop is idle so PgDn rarely waits at all. It sizes itself to
the page, so it sits in a `QScrollArea` that scrolls a zoomed page. Marks are
given as page fractions (origin top left, as the database stores them) and
drawn over the image; a mouse drag in "select" mode asks the document for the
text between the two points (`QPdfDocument.getSelection`) and shows it, a
click in "note" mode chooses a point, a click on a mark picks it. Qt only:
it knows nothing of papers or people.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtPdf import QPdfDocument, QPdfSearchModel
from PySide6.QtWidgets import QSizePolicy, QWidget

Rect = tuple[float, float, float, float]

#: Renders kept (current page, neighbours, a zoom change).
CACHE_SIZE = 6
#: Size of a sticky-note marker on screen, in pixels.
NOTE_PX = 20
#: Screen pixels per PDF point at 100 % (96 dpi / 72 pt).
PX_PER_POINT = 96 / 72

MINE = QColor(255, 214, 0, 110)  # a highlighter's yellow, see-through
SHARED = QColor(64, 160, 255, 90)  # someone else's shared highlight
SELECTION = QColor(0, 120, 215, 80)
NOTE_MINE = QColor("#f6c744")
NOTE_SHARED = QColor("#7cb7f2")
OUTLINE = QColor("#1d70b8")
HIT = QColor("#d4351c")  # a search hit: outlined, so the highlight colours stay readable
HIT_FILL = QColor(212, 53, 28, 40)


@dataclass(frozen=True)
class Mark:
    """Something drawn over a page: a highlight (rects) or a note (point)."""

    key: str
    page: int
    rects: tuple[Rect, ...] = ()
    point: tuple[float, float] | None = None
    mine: bool = True
    label: str = ""  # tooltip: the comment


@dataclass(frozen=True)
class Selection:
    """Text chosen by a drag: its page, its words and one box per line (page fractions)."""

    page: int
    text: str
    rects: tuple[Rect, ...]


class PageCanvas(QWidget):
    """The current page at the current zoom, with marks; sized to the page."""

    #: A drag chose text (a `Selection`), or None when the selection was cleared.
    selection_changed = Signal(object)
    #: A click in note mode chose (page, x, y) as page fractions.
    point_chosen = Signal(int, float, float)
    #: A mark was clicked (its key).
    mark_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerCanvas")
        self.setAccessibleName("Page")
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(False)
        self._doc: QPdfDocument | None = None
        self._page = 0
        self._scale = PX_PER_POINT
        self._marks: tuple[Mark, ...] = ()
        self._selected_mark: str | None = None
        self._cache: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self._mode = "select"
        self._press: QPointF | None = None
        self._selection: Selection | None = None
        self._selection_polygons: list[QPolygonF] = []
        self._search: QPdfSearchModel | None = None
        self._search_term = ""
        self._hits: dict[int, list[QRectF]] = {}
        self._prefetch = QTimer(self)
        self._prefetch.setSingleShot(True)
        self._prefetch.setInterval(0)
        self._prefetch.timeout.connect(self._render_neighbours)

    # State ------------------------------------------------------------------

    def set_document(self, doc: QPdfDocument | None) -> None:
        self._doc = doc
        self._cache.clear()
        self._hits.clear()
        if self._search is not None:
            self._search.deleteLater()  # made again for the new document on first use
            self._search = None
        self._page = 0
        self._marks = ()
        self.clear_selection()
        self._resize()

    @property
    def document(self) -> QPdfDocument | None:
        return self._doc

    @property
    def page(self) -> int:
        return self._page

    @property
    def page_count(self) -> int:
        return self._doc.pageCount() if self._doc is not None else 0

    def set_page(self, page: int) -> None:
        """Show `page` (0-based; clamped to the document)."""
        if self._doc is None:
            return
        page = max(0, min(page, self.page_count - 1))
        if page == self._page and self._cache:
            return
        self._page = page
        self.clear_selection()
        self._resize()
        self.update()
        self.setAccessibleDescription(f"Page {page + 1} of {self.page_count}")
        self._prefetch.start()

    @property
    def scale(self) -> float:
        """Screen pixels per PDF point."""
        return self._scale

    def set_scale(self, scale: float) -> None:
        scale = max(0.25, min(scale, 8.0))
        if abs(scale - self._scale) < 1e-4:
            return
        self._scale = scale
        self._resize()
        self.update()

    def page_points(self, page: int | None = None) -> QSize:
        if self._doc is None or self.page_count == 0:
            return QSize(595, 842)
        size = self._doc.pagePointSize(self._page if page is None else page)
        return QSize(max(1, round(size.width())), max(1, round(size.height())))

    def set_marks(self, marks: Sequence[Mark]) -> None:
        self._marks = tuple(marks)
        self.update()

    def marks(self) -> tuple[Mark, ...]:
        return self._marks

    def marks_on_page(self) -> tuple[Mark, ...]:
        return tuple(m for m in self._marks if m.page == self._page)

    def select_mark(self, key: str | None) -> None:
        self._selected_mark = key
        self.update()

    @property
    def mode(self) -> str:
        return self._mode

    def set_mode(self, mode: str) -> None:
        """ "select" (drag to choose text) or "note" (click to place a note)."""
        self._mode = mode
        self.setCursor(Qt.CursorShape.CrossCursor if mode == "note" else Qt.CursorShape.IBeamCursor)

    @property
    def selection(self) -> Selection | None:
        return self._selection

    def clear_selection(self) -> None:
        had = self._selection is not None or bool(self._selection_polygons)
        self._selection = None
        self._selection_polygons = []
        if had:
            self.selection_changed.emit(None)
            self.update()

    def set_search_term(self, term: str) -> None:
        """Outline every occurrence of `term` on the pages shown ("" for none)."""
        term = " ".join(term.split())
        if term == self._search_term:
            return
        self._search_term = term
        self._hits.clear()
        if self._search is not None:
            self._search.setSearchString(term)
        self.update()

    def search_hits(self, page: int | None = None) -> list[QRectF]:
        """Where the search term is on a page, in PDF points (found on first use)."""
        page = self._page if page is None else page
        if not self._search_term or self._doc is None:
            return []
        if self._search is None:
            self._search = QPdfSearchModel(self)
            self._search.setDocument(self._doc)
            self._search.setSearchString(self._search_term)
        if page not in self._hits:
            self._hits[page] = [
                rect for link in self._search.resultsOnPage(page) for rect in link.rectangles()
            ]
        return self._hits[page]

    # Geometry ---------------------------------------------------------------

    def _resize(self) -> None:
        points = self.page_points()
        width = max(1, round(points.width() * self._scale))
        self.setFixedSize(width, max(1, round(points.height() * self._scale)))

    def to_points(self, pos: QPointF) -> QPointF:
        return QPointF(pos.x() / self._scale, pos.y() / self._scale)

    def to_widget(self, fx: float, fy: float) -> QPointF:
        """A page fraction as a position on this widget."""
        return QPointF(fx * self.width(), fy * self.height())

    def fraction_rect(self, rect: Rect) -> QRectF:
        x0, y0, x1, y1 = rect
        w, h = self.width(), self.height()
        return QRectF(x0 * w, y0 * h, (x1 - x0) * w, (y1 - y0) * h)

    # Rendering ----------------------------------------------------------------

    def image(self, page: int) -> QImage:
        """The page rendered at the current zoom (cached)."""
        ratio = self.devicePixelRatioF()
        points = self.page_points(page)
        width = max(1, round(points.width() * self._scale * ratio))
        height = max(1, round(points.height() * self._scale * ratio))
        key = (page, width, height)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        assert self._doc is not None
        image = self._doc.render(page, QSize(width, height))
        image.setDevicePixelRatio(ratio)
        self._cache[key] = image
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return image

    def _render_neighbours(self) -> None:
        if self._doc is None:
            return
        for page in (self._page + 1, self._page - 1):
            if 0 <= page < self.page_count:
                self.image(page)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        if self._doc is None or self.page_count == 0:
            painter.end()
            return
        painter.drawImage(QPoint(0, 0), self.image(self._page))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for mark in self.marks_on_page():
            chosen = mark.key == self._selected_mark
            if mark.rects:
                for rect in mark.rects:
                    box = self.fraction_rect(rect).adjusted(-1, -1, 1, 1)
                    painter.fillRect(box, MINE if mark.mine else SHARED)
                    if chosen:
                        painter.setPen(QPen(OUTLINE, 2))
                        painter.drawRect(box)
            if mark.point is not None:
                self._draw_note(painter, mark, chosen)
        if self._search_term:
            painter.setPen(QPen(HIT, 2))
            painter.setBrush(HIT_FILL)
            s = self._scale
            for hit in self.search_hits():
                box = QRectF(hit.x() * s, hit.y() * s, hit.width() * s, hit.height() * s)
                painter.drawRect(box.adjusted(-2, -1, 2, 1))
        if self._selection_polygons:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(SELECTION)
            for polygon in self._selection_polygons:
                painter.drawPolygon(polygon)
        painter.end()

    def _draw_note(self, painter: QPainter, mark: Mark, chosen: bool) -> None:
        assert mark.point is not None
        at = self.to_widget(*mark.point)
        box = QRectF(at.x() - NOTE_PX / 2, at.y() - NOTE_PX / 2, NOTE_PX, NOTE_PX)
        painter.setPen(QPen(OUTLINE if chosen else QColor("#6b5a1e"), 2 if chosen else 1))
        painter.setBrush(NOTE_MINE if mark.mine else NOTE_SHARED)
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QPen(QColor("#3b3b3b"), 1.2))
        for n in range(3):  # three ruled lines: a note, not a button
            y = box.top() + 6 + n * 4
            painter.drawLine(QPointF(box.left() + 4, y), QPointF(box.right() - 4, y))

    # Mouse --------------------------------------------------------------------

    def mark_at(self, pos: QPointF) -> Mark | None:
        for mark in reversed(self.marks_on_page()):
            if mark.point is not None:
                at = self.to_widget(*mark.point)
                reach = NOTE_PX / 2 + 2
                if abs(pos.x() - at.x()) <= reach and abs(pos.y() - at.y()) <= reach:
                    return mark
            for rect in mark.rects:
                if self.fraction_rect(rect).adjusted(-2, -2, 2, 2).contains(pos):
                    return mark
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._doc is None:
            super().mousePressEvent(event)
            return
        self._press = event.position()
        if self._mode == "select":
            self.clear_selection()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or self._mode != "select" or self._doc is None:
            return
        self._select(self._press, event.position(), final=False)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        start, self._press = self._press, None
        if start is None or self._doc is None or event.button() != Qt.MouseButton.LeftButton:
            return
        end = event.position()
        moved = (end - start).manhattanLength() > 4
        if not moved:
            mark = self.mark_at(end)
            if mark is not None:
                self.mark_clicked.emit(mark.key)
                return
            if self._mode == "note":
                fx = min(max(end.x() / max(self.width(), 1), 0.0), 1.0)
                fy = min(max(end.y() / max(self.height(), 1), 0.0), 1.0)
                self.point_chosen.emit(self._page, fx, fy)
            return
        if self._mode == "select":
            self._select(start, end, final=True)

    def select_between(self, start: QPointF, end: QPointF) -> Selection | None:
        """Select the text between two widget positions (what a drag does)."""
        return self._select(start, end, final=True)

    def _select(self, start: QPointF, end: QPointF, *, final: bool) -> Selection | None:
        assert self._doc is not None
        found = self._doc.getSelection(self._page, self.to_points(start), self.to_points(end))
        points = self.page_points()
        polygons: list[QPolygonF] = []
        rects: list[Rect] = []
        if found.isValid() and found.text().strip():
            for polygon in found.bounds():
                box = polygon.boundingRect()
                rects.append(
                    (
                        max(0.0, box.left() / points.width()),
                        max(0.0, box.top() / points.height()),
                        min(1.0, box.right() / points.width()),
                        min(1.0, box.bottom() / points.height()),
                    )
                )
                scale = self._scale
                corners = [polygon.at(k) for k in range(polygon.size())]
                polygons.append(QPolygonF([QPointF(c.x() * scale, c.y() * scale) for c in corners]))
        self._selection_polygons = polygons
        self.update()
        if not final:
            return None
        if not rects:
            self._selection = None
            self.selection_changed.emit(None)
            return None
        text = " ".join(found.text().split())
        self._selection = Selection(self._page, text, tuple(rects))
        self.selection_changed.emit(self._selection)
        return self._selection
