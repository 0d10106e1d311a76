"""Search everywhere (Ctrl+K): a palette over the window that finds as you type.

A frameless dialog near the top of the main window: a line edit, one line of
status, and the results grouped by kind under headings (`SearchResultsModel`).
Typing restarts a timer; when it fires the search runs on the GUI thread —
`db.services.search` answers a keystroke in well under 50 ms even on the
large benchmark board, so a worker thread would add latency, not remove it.
The timer waits 100 ms only when the last search was slow
(`INSTANT_SEARCH_MS`); otherwise it fires on the event loop's next turn, so
keys already queued still make one search, and results follow each keystroke
at once (the bench's "search keystroke to results" row times this).
Up/Down (and Page Up/Down) move from hit to hit while the keyboard stays
in the line edit; Enter or a click opens the hit, Escape closes the palette.

Opening a hit closes the palette and either asks the window to show the page
that holds it — `navigate("plan", {"action_id": …})`, `("risks", {"risk_id":
…})`, `("performance", {"kpi_id": …})` — or, for decisions, minutes and
papers (no page for them yet), shows their full text in a read-only
`RecordTextDialog`. Whether exempt (Part 2) text may be found is the viewer's
`Capability.READ_EXEMPT` on the board, asked when the palette opens; until
sign-in exists the viewer is the board's chair (`db.views.BoardContext`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from db.services.search import RecordText, SearchHit, snippet_parts
from desktop.search_model import (
    DETAIL_ROLE,
    HEADING_ROLE,
    HIT_ROLE,
    KIND_NOUNS,
    SNIPPET_ROLE,
    SearchResultsModel,
)
from widgets.style import make_muted, muted_text_colour

if TYPE_CHECKING:
    from db.store import Database
    from db.views import BoardContext
    from desktop.main_window import WindowData
    from desktop.pages.base import Filter

log = logging.getLogger(__name__)

SHORTCUT = "Ctrl+K"
DEBOUNCE_MS = 100
#: A search faster than this (ms) lets the next keystroke search without the pause.
INSTANT_SEARCH_MS = 50.0
#: The filter key each page reads to show one record.
FILTER_KEYS: dict[str, str] = {"action": "action_id", "risk": "risk_id", "kpi": "kpi_id"}
HINT = "Type to search actions, risks, indicators, decisions, minutes and papers."
KEYS_HINT = "↑↓ to choose · Enter to open · Esc to close"
PALETTE_WIDTH = 720
PALETTE_HEIGHT = 520
TOP_OFFSET = 56


def may_read_exempt(database: Database, context: BoardContext) -> bool:
    """Whether the window's viewer may read exempt items and papers on its board."""
    from db.permissions import Capability, allowed

    viewer = context.viewer
    with database.session() as session:
        return allowed(
            session,
            viewer.person_id if viewer is not None else None,
            context.board_id,
            Capability.READ_EXEMPT,
        )


class _ResultDelegate(QStyledItemDelegate):
    """Headings as small bold captions; hits as title, detail and a snippet with bold matches."""

    PAD = 10

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        title = QFont(base)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        small.setPointSizeF(base.pointSizeF() * 0.88)
        return base, title, small

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        base, title, small = self._fonts(option)
        if index.data(HEADING_ROLE):
            return QSize(200, QFontMetrics(small).height() + 14)
        height = QFontMetrics(title).height() + QFontMetrics(base).height() + 14
        return QSize(200, height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        base, title_font, small = self._fonts(option)
        palette = option.palette
        rect = option.rect.adjusted(self.PAD, 0, -self.PAD, 0)
        painter.save()
        if index.data(HEADING_ROLE):
            caption = QFont(small)
            caption.setWeight(QFont.Weight.Bold)
            caption.setCapitalization(QFont.Capitalization.AllUppercase)
            caption.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
            painter.setFont(caption)
            painter.setPen(muted_text_colour(palette))
            text = f"{index.data()}  ·  {index.data(DETAIL_ROLE)}"
            painter.drawText(
                rect.adjusted(0, 6, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            painter.restore()
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        elif hovered:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.AlternateBase))
        text_colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text_colour if selected else muted_text_colour(palette)
        title_metrics = QFontMetrics(title_font)
        top = rect.top() + 6
        # First line: the title, and the detail right-aligned beside it.
        detail = str(index.data(DETAIL_ROLE) or "")
        painter.setFont(small)
        detail_width = QFontMetrics(small).horizontalAdvance(detail) if detail else 0
        if detail:
            painter.setPen(muted)
            painter.drawText(
                QRect(rect.right() - detail_width, top, detail_width, title_metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                detail,
            )
        painter.setFont(title_font)
        painter.setPen(text_colour)
        room = rect.width() - detail_width - (16 if detail else 0)
        title = title_metrics.elidedText(str(index.data()), Qt.TextElideMode.ElideRight, room)
        painter.drawText(
            QRect(rect.left(), top, room, title_metrics.height()),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        # Second line: the snippet, matches in bold.
        bold = QFont(base)
        bold.setWeight(QFont.Weight.Bold)
        x = rect.left()
        baseline = top + title_metrics.height() + QFontMetrics(base).ascent() + 2
        for text, match in snippet_parts(str(index.data(SNIPPET_ROLE) or "")):
            font = bold if match else base
            metrics = QFontMetrics(font)
            width = metrics.horizontalAdvance(text)
            painter.setFont(font)
            painter.setPen(text_colour if match else muted)
            if x + width > rect.right():
                painter.drawText(
                    QPoint(x, baseline),
                    metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.right() - x),
                )
                break
            painter.drawText(QPoint(x, baseline), text)
            x += width
        painter.restore()


class RecordTextDialog(QDialog):
    """The full text of a decision, minutes version or paper, read-only."""

    def __init__(self, record: RecordText | None, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordTextDialog")
        noun = KIND_NOUNS.get(kind, "Record")
        self.setWindowTitle(record.title if record is not None else noun)
        layout = QVBoxLayout(self)
        heading = QLabel(record.title if record is not None else noun)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setWeight(QFont.Weight.DemiBold)
        heading.setFont(font)
        heading.setWordWrap(True)
        heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(heading)
        self.detail = QLabel(record.detail if record is not None else "")
        make_muted(self.detail)
        layout.addWidget(self.detail)
        self.text = QPlainTextEdit()
        self.text.setObjectName("recordText")
        self.text.setReadOnly(True)
        self.text.setPlainText(
            record.text
            if record is not None
            else "This record is not available: it may be exempt, or it has been removed."
        )
        self.text.setAccessibleName(record.title if record is not None else noun)
        self.text.setAccessibleDescription("Full text, read-only")
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 600)


class SearchPalette(QDialog):
    """Ctrl+K: type, choose with the arrow keys, Enter to open."""

    #: A hit was opened (after the palette closed).
    hit_opened = Signal(object)

    def __init__(
        self,
        data: Callable[[], WindowData | None],
        navigate: Callable[[str, Filter | None], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchPalette")
        self.setWindowTitle("Search everywhere")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setModal(True)
        self._data = data
        self._navigate = navigate
        self._include_exempt = False
        self.record_dialog: RecordTextDialog | None = None
        #: How long the last search took (ms), for the status tip and benchmarks.
        self.last_search_ms = 0.0

        frame = QFrame(self)
        frame.setObjectName("paletteFrame")
        frame.setStyleSheet(
            "QFrame#paletteFrame { background: palette(base); border: 1px solid palette(mid);"
            " border-radius: 8px; }"
        )
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = self._frame_layout = QVBoxLayout(frame)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(6)

        self.edit = QLineEdit()
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText("Search everywhere")
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName("Search everywhere")
        self.edit.setAccessibleDescription(f"{HINT} {KEYS_HINT}.")
        font = self.edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.edit.setFont(font)
        self.edit.setMinimumHeight(QFontMetrics(font).height() + 16)
        layout.addWidget(self.edit)

        self.status = QLabel(HINT)
        self.status.setObjectName("searchStatus")
        make_muted(self.status)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.status)

        self.model = SearchResultsModel(self)
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setAccessibleName("Search results")
        self.results.setModel(self.model)
        self.results.setItemDelegate(_ResultDelegate(self.results))
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the edit
        self.results.setMouseTracking(True)
        self.results.setFrameShape(QFrame.Shape.NoFrame)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.clicked.connect(self._open_index)
        layout.addWidget(self.results)
        layout.addStretch(1)  # any height to spare goes below the list

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.edit.textChanged.connect(self._schedule)
        self.edit.installEventFilter(self)
        self.resize(PALETTE_WIDTH, PALETTE_HEIGHT)

    # Opening ---------------------------------------------------------------

    def open_palette(self) -> None:
        """Show the palette over the window (again: select what was typed, to replace it)."""
        data = self._data()
        self._include_exempt = bool(
            data is not None
            and data.database is not None
            and data.context is not None
            and may_read_exempt(data.database, data.context)
        )
        self._place()
        self.edit.selectAll()
        if self.edit.text():
            self.run_search()
        self.show()
        self.raise_()
        self.activateWindow()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _place(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            width = max(min(PALETTE_WIDTH, parent.width() - 80), 360)
            self.resize(width, self.height())
            self.move(parent.mapToGlobal(QPoint((parent.width() - width) // 2, TOP_OFFSET)))
        self._fit()

    def _fit(self) -> None:
        """As tall as the results need, up to what fits in the window below its top edge."""
        parent = self.parentWidget()
        most = PALETTE_HEIGHT
        if parent is not None:
            most = max(min(PALETTE_HEIGHT, parent.height() - TOP_OFFSET - 40), 240)
        rows = sum(self.results.sizeHintForRow(r) for r in range(self.model.rowCount()))
        self.results.setVisible(rows > 0)
        spacing = self._frame_layout.spacing()
        margins = self._frame_layout.contentsMargins()
        height = (
            margins.top()
            + self.edit.sizeHint().height()
            + spacing
            + self.status.sizeHint().height()
            + margins.bottom()
            + 2  # the frame's border
        )
        if rows:
            room = max(most - height - spacing, 60)
            list_height = min(rows + 2, room)
            self.results.setFixedHeight(list_height)
            height += spacing + list_height
        self.resize(self.width(), min(height, most))

    # Searching -------------------------------------------------------------

    def _schedule(self, _text: str = "") -> None:
        fast = self.last_search_ms < INSTANT_SEARCH_MS
        self._timer.start(0 if fast else DEBOUNCE_MS)

    def run_search(self) -> None:
        """Search for what is typed now (the timer calls this; so does Enter before it fires)."""
        from db.services.search import search

        self._timer.stop()
        typed = self.edit.text()
        data = self._data()
        if data is None or data.database is None or data.context is None:
            self.model.set_groups([])
            self.status.setText("No board is open.")
            self._fit()
            return
        started = time.perf_counter()
        with data.database.session() as session:
            groups = search(session, typed, include_exempt=self._include_exempt)
        self.last_search_ms = (time.perf_counter() - started) * 1000
        log.debug("search %r: %.1f ms", typed, self.last_search_ms)
        self.model.set_groups(groups)
        self._fit()
        if not typed.strip():
            self.status.setText(HINT)
        elif not groups:
            self.status.setText(f"Nothing found for “{typed.strip()}”.")
        else:
            found = self.model.hit_count()
            self.status.setText(f"{found} found · {KEYS_HINT}")
            self._select_row(self.model.next_hit_row(-1, 1))

    def _select_row(self, row: int) -> None:
        if row < 0:
            self.results.clearSelection()
            return
        index = self.model.index(row)
        self.results.setCurrentIndex(index)
        self.results.scrollTo(index)
        if row == self.model.next_hit_row(-1, 1):  # show the first group's heading too
            self.results.scrollToTop()

    def current_hit(self) -> SearchHit | None:
        index = self.results.currentIndex()
        return self.model.hit(index.row()) if index.isValid() else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = int(event.key())
            steps = {
                int(Qt.Key.Key_Down): 1,
                int(Qt.Key.Key_Up): -1,
                int(Qt.Key.Key_PageDown): 5,
                int(Qt.Key.Key_PageUp): -5,
            }
            if key in steps:
                current = self.results.currentIndex()
                self._select_row(
                    self.model.next_hit_row(current.row() if current.isValid() else -1, steps[key])
                )
                return True
            if key in (int(Qt.Key.Key_Return), int(Qt.Key.Key_Enter)):
                if self._timer.isActive():  # typed faster than the timer: search first
                    self.run_search()
                self.open_hit(self.current_hit())
                return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        super().done(result)
        parent = self.parentWidget()
        if parent is not None:  # the keyboard goes back to the window (and its shortcuts)
            parent.activateWindow()

    # Opening a hit ---------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if isinstance(hit, SearchHit):
            self.open_hit(hit)

    def open_hit(self, hit: SearchHit | None) -> None:
        """Close the palette and show the hit: its page, or its text when it has no page."""
        if hit is None:
            return
        self.accept()
        if hit.page_hint is not None and hit.kind in FILTER_KEYS:
            self._navigate(hit.page_hint, {FILTER_KEYS[hit.kind]: hit.record_id})
        else:
            self.show_record(hit)
        self.hit_opened.emit(hit)

    def show_record(self, hit: SearchHit) -> RecordTextDialog:
        """The read-only full text of a hit (decisions, minutes, papers)."""
        from db.services.search import record_text

        data = self._data()
        record = None
        if data is not None and data.database is not None:
            with data.database.session() as session:
                record = record_text(
                    session, hit.kind, hit.record_id, include_exempt=self._include_exempt
                )
        if self.record_dialog is not None:
            self.record_dialog.close()
            self.record_dialog.deleteLater()
        self.record_dialog = RecordTextDialog(record, hit.kind, self.parentWidget())
        self.record_dialog.open()
        return self.record_dialog


def grab_with_palette(window: QWidget, palette: SearchPalette) -> QPixmap:
    """A picture of `window` with the open palette drawn where it floats (for screenshots:
    the palette is a window of its own, so `window.grab()` alone leaves it out)."""
    picture = window.grab()
    painter = QPainter(picture)
    try:
        offset = palette.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
        painter.drawPixmap(offset, palette.grab())
    finally:
        painter.end()
    return picture
