"""Text search in the open paper or across the whole pack, and the results list.

`find_hits` is plain Python over page texts (casefolded, whitespace
collapsed, so a phrase broken across lines is still found), each hit with a
short snippet around it; `HitsModel` lists them for the side panel. Page
texts come from the papers service (`paper_pages`, stored when the paper
was added) or from the open PDF itself, so searching never re-parses a PDF.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt

from widgets.row_model import Column, RowTableModel

#: Characters of context either side of a hit.
CONTEXT = 30
#: Hits listed at most (a search for "the" across a pack stops there).
MAX_HITS = 500


@dataclass(frozen=True)
class PageText:
    """One page to search: which paper, its page (0-based), where it sits, its text."""

    paper_id: str
    page: int
    where: str  # "Item 5 · p. 3"
    text: str


@dataclass(frozen=True)
class Hit:
    paper_id: str
    page: int
    where: str
    snippet: str


def _collapse(text: str) -> str:
    return " ".join(text.split())


def find_hits(pages: Iterable[PageText], query: str, limit: int = MAX_HITS) -> tuple[Hit, ...]:
    """Every occurrence of `query` (case and spacing ignored), in page order."""
    needle = _collapse(query).casefold()
    if not needle:
        return ()
    hits: list[Hit] = []
    for page in pages:
        text = _collapse(page.text)
        folded = text.casefold()
        at = folded.find(needle)
        while at >= 0:
            start, end = max(0, at - CONTEXT), min(len(text), at + len(needle) + CONTEXT)
            snippet = (
                ("…" if start else "")
                + text[start:at]
                + "«"
                + text[at : at + len(needle)]
                + "»"
                + text[at + len(needle) : end]
                + ("…" if end < len(text) else "")
            )
            hits.append(Hit(page.paper_id, page.page, page.where, snippet))
            if len(hits) >= limit:
                return tuple(hits)
            at = folded.find(needle, at + len(needle))
    return tuple(hits)


TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft


class HitsModel(RowTableModel[Hit]):
    """Search results: where, and the words around the hit."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(
            (
                Column(
                    "Where",
                    lambda h: h.where,
                    sort_key=lambda h: (h.paper_id, h.page),
                    align=TOP_LEFT,
                ),
                Column(
                    "Found",
                    lambda h: h.snippet,
                    spoken=lambda h: f"{h.where}: {h.snippet}",
                    align=TOP_LEFT,
                ),
            ),
            parent,
        )
