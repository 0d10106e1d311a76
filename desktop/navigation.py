"""The left-hand navigation: one entry per page, with its keyboard shortcut shown.

A plain `QListWidget` (arrow keys, type-ahead and screen readers work as in
any list) whose delegate draws each page's shortcut, "Ctrl+1" … "Ctrl+7",
right-aligned and muted beside its label so a chair learns them by sight. It
emits `page_chosen(key)`; the window owns the pages and the shortcuts.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop.pages import PageSpec

#: Item-data role holding the page key of a navigation entry.
PAGE_KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: Item-data role holding the shortcut text drawn beside the label.
SHORTCUT_ROLE = int(Qt.ItemDataRole.UserRole) + 2


def shortcut_for(position: int) -> QKeySequence:
    """Ctrl+1 for the first page, Ctrl+2 for the second, …"""
    return QKeySequence(f"Ctrl+{position + 1}")


class _ShortcutDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        hint = index.data(SHORTCUT_ROLE)
        if not hint:
            return
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.setPen(palette.color(role))
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(font)
        rect = option.rect.adjusted(0, 0, -12, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, hint)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + 64, max(size.height(), 40))


class NavigationList(QListWidget):
    """The list of pages; selecting one emits `page_chosen` with its key."""

    page_chosen = Signal(str)

    def __init__(self, specs: Sequence[PageSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setAccessibleName("Pages")
        self.setAccessibleDescription("Choose a page; Ctrl+1 to Ctrl+7 jump straight to one.")
        self.setItemDelegate(_ShortcutDelegate(self))
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.setFont(font)
        self.setStyleSheet(
            "QListWidget#navigation { border: none; background: palette(window);"
            " padding-top: 8px; outline: 0; }"
            "QListWidget#navigation::item { padding-left: 14px; border-radius: 6px;"
            " margin: 2px 8px; color: palette(window-text); }"
            "QListWidget#navigation::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); font-weight: bold; }"
        )
        for position, spec in enumerate(specs):
            keys = shortcut_for(position).toString(QKeySequence.SequenceFormat.NativeText)
            item = QListWidgetItem(spec.title)
            item.setData(PAGE_KEY_ROLE, spec.key)
            item.setData(SHORTCUT_ROLE, keys)
            item.setToolTip(f"{spec.title} ({keys})")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{spec.title}, {keys}")
            self.addItem(item)
        self.currentRowChanged.connect(self._on_row_changed)
        width = max(self.sizeHintForColumn(0), 180) + 24
        self.setFixedWidth(width)

    def keys(self) -> list[str]:
        return [str(self.item(row).data(PAGE_KEY_ROLE)) for row in range(self.count())]

    def select_page(self, key: str) -> None:
        """Highlight the entry for `key` (emits `page_chosen` if it changes)."""
        self.setCurrentRow(self.keys().index(key))

    def _on_row_changed(self, row: int) -> None:
        if row >= 0:
            self.page_chosen.emit(str(self.item(row).data(PAGE_KEY_ROLE)))
