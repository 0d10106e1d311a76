"""The side panel's list of notes: "my notes for this meeting" and those others shared.

A `RowTableModel` over `AnnotationRow`s (frozen rows from
`db.services.annotations`), so it sorts, speaks and tests like every other
list in the app. Each row says where the note is (item, paper, page as a
person says it), what it marks (the quote, or "Note") and the comment, who
wrote it when it is not the viewer, whether it is shared — and, for one a
re-issue could not place, that it is orphaned: its quote and comment stay
readable here even though it is no longer drawn on the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt

from db.services.annotations import AnnotationRow
from widgets.row_model import Column, RowTableModel

WHERE, NOTE = 0, 1

#: How much of a long quote the list shows.
QUOTE_CHARS = 90


def where_text(row: AnnotationRow) -> str:
    item = f"Item {row.item_number} · " if row.item_number else ""
    return f"{item}p. {row.page + 1}"


def short(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def flags_text(row: AnnotationRow) -> str:
    parts = []
    if row.orphaned:
        was = f" (was p. {row.previous_page + 1})" if row.previous_page is not None else ""
        parts.append(f"⚠ Orphaned: no longer found in the re-issued paper{was}")
    elif row.anchor == "reanchored" and row.previous_page not in (None, row.page):
        assert row.previous_page is not None
        parts.append(f"Moved from p. {row.previous_page + 1} by the re-issue")
    if not row.mine:
        parts.append(f"Shared by {row.author_name}")
    elif row.shared:
        parts.append("Shared with the board")
    else:
        parts.append("Private")
    return " · ".join(parts)


def note_text(row: AnnotationRow) -> str:
    """The list's main cell: the quote (or "Note"), the comment, and the flags."""
    head = f"“{short(row.quote)}”" if row.quote else "Sticky note"
    lines = [head]
    if row.comment:
        lines.append(short(row.comment, 160))
    lines.append(flags_text(row))
    return "\n".join(lines)


def full_text(row: AnnotationRow) -> str:
    """Everything about a note, for its tooltip and a screen reader."""
    kind = "Highlight" if row.kind == "highlight" else "Sticky note"
    parts = [f"{kind} on {row.paper_title}, {where_text(row)}"]
    if row.quote:
        parts.append(f"Quote: {row.quote}")
    if row.comment:
        parts.append(f"Comment: {row.comment}")
    parts.append(flags_text(row))
    return "\n".join(parts)


def where_lines(row: AnnotationRow) -> str:
    """The list's narrow first column: the item, then the page."""
    return f"Item {row.item_number}\np. {row.page + 1}" if row.item_number else f"p. {row.page + 1}"


TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft


class NotesModel(RowTableModel[AnnotationRow]):
    """Annotations, one per row: where, and what (quote, comment, flags)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            (
                Column(
                    "Where",
                    where_lines,
                    sort_key=lambda r: (int(r.item_number or 10**6), r.page),
                    tooltip=lambda r: r.paper_title,
                    spoken=lambda r: f"{r.paper_title}, {where_text(r)}",
                    align=TOP_LEFT,
                ),
                Column(
                    "Note",
                    note_text,
                    sort_key=lambda r: (r.quote or r.comment or "").casefold(),
                    tooltip=full_text,
                    spoken=full_text,
                    bold=lambda r: r.orphaned,
                    align=TOP_LEFT,
                ),
            ),
            parent,
        )

    def set_notes(self, mine: Sequence[AnnotationRow], shared: Sequence[AnnotationRow]) -> None:
        """Mine first (agenda and page order), then others' shared notes."""
        self.set_rows(tuple(mine) + tuple(r for r in shared if not r.mine))

    def find_id(self, annotation_id: str) -> int:
        return self.find(lambda r: r.annotation_id == annotation_id)
