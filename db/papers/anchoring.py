"""Re-anchoring annotations to a re-issued paper by the text they quote (pure functions).

An annotation remembers its page and the text it quotes. When a paper is
re-issued the quote is looked for in the new version's page texts, in three
passes of growing tolerance: the exact text; then a normalised form (case,
whitespace, line-break hyphenation, dashes, ligatures and curly quotes
ironed out); then a fuzzy match (`difflib.SequenceMatcher` ratio at least
`threshold`, only for quotes long enough for a ratio to mean something).
Several places match: the one nearest the old page wins (then the earliest).
A note with no quote keeps its page if the new version still has it.
Anything else is `orphaned`: the caller flags it and keeps it readable, never
drops it. A match also gives a hint of where to draw the highlight (`rects`,
fractions of the page, origin top left) when the page's line positions are
known (`PageText.runs`, from `db.papers.pdftext`).
"""

from __future__ import annotations

import enum
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

#: A fuzzy match must score at least this (difflib ratio, 0..1).
DEFAULT_THRESHOLD = 0.8
#: Quotes shorter than this (normalised characters) are matched exactly or not at all.
MIN_FUZZY_CHARS = 16

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1: fractions of the page, top left

_WORD = re.compile(r"\S+")
_DASHES = frozenset("-‐‑‒–—―−")
_DROP = frozenset("\u00ad\u200b\u200c\u200d\ufeff•▪◦")
_QUOTES = {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'}


class Method(enum.Enum):
    """How an annotation found its place in the new version."""

    EXACT = "exact"
    NORMALISED = "normalised"
    FUZZY = "fuzzy"
    PAGE = "page"  # a note with no quote: kept on its page
    ORPHANED = "orphaned"


@dataclass(frozen=True)
class TextRun:
    """A line of text on a page: its characters in `PageText.text` and its box.

    `edges`, when known, are the x positions (fractions of the page) of the
    line's character boundaries, `end - start + 1` of them, from the font's
    glyph widths; without them a line's characters are taken as equally wide.
    """

    start: int
    end: int
    box: Rect
    edges: tuple[float, ...] = ()


@dataclass(frozen=True)
class PageText:
    """A page's text and, when known, where each line of it sits."""

    text: str
    runs: tuple[TextRun, ...] = ()


@dataclass(frozen=True)
class Anchor:
    """What an annotation remembers: its page (0-based) and the text it quotes."""

    page: int
    quote: str | None


@dataclass(frozen=True)
class Placement:
    """Where an annotation lands in the new version, or that it is orphaned.

    `start`/`end` index the page's text; `rects` is a drawing hint (may be empty).
    """

    method: Method
    page: int | None
    start: int | None = None
    end: int | None = None
    score: float = 0.0
    rects: tuple[Rect, ...] = ()

    @property
    def orphaned(self) -> bool:
        return self.method is Method.ORPHANED


def normalise(text: str) -> tuple[str, list[int]]:
    """Text for tolerant matching, and for each of its characters the index it came from.

    Case-folded; runs of whitespace become one space; hyphens and dashes vanish
    (so "well-being", "wellbeing" and a line-break "well-\\nbeing" agree);
    soft hyphens, zero-width characters and bullets vanish; curly quotes become
    straight; compatibility forms (ligatures) are unfolded. Word by word, with
    a fast path for plain ASCII words (most of a paper).
    """
    out: list[str] = []
    where: list[int] = []
    previous_end = -1
    for match in _WORD.finditer(text):
        start, end = match.span()
        word = match.group()
        chars: str
        index: Sequence[int]
        if word.isascii():
            if "-" in word:
                kept = [(c, start + i) for i, c in enumerate(word) if c != "-"]
                chars = "".join(c for c, _ in kept).lower()
                index = [i for _, i in kept]
            else:
                chars, index = word.lower(), range(start, end)
        else:
            parts: list[str] = []
            positions: list[int] = []
            for i, ch in enumerate(word):
                if ch in _DASHES or ch in _DROP:
                    continue
                folded = unicodedata.normalize("NFKC", _QUOTES.get(ch, ch)).casefold()
                parts.append(folded)
                positions.extend([start + i] * len(folded))
            chars, index = "".join(parts), positions
        if not chars:
            continue
        if out and not _broken_word(text, previous_end, start):
            out.append(" ")
            where.append(previous_end)
        out.append(chars)
        where.extend(index)
        previous_end = end
    return "".join(out), where


def _broken_word(text: str, space_at: int, after: int) -> bool:
    """Whether the whitespace text[space_at:after] is a line break after a hyphenated word."""
    gap = text[space_at:after]
    if "\n" not in gap and "\r" not in gap:
        return False
    return (
        space_at >= 2
        and text[space_at - 1] in _DASHES
        and text[space_at - 2].isalpha()
        and text[after].isalpha()
    )


def _order(found: list[tuple[int, int]], near: int) -> tuple[int, int] | None:
    """The (page, offset) nearest the old page, then earliest."""
    if not found:
        return None
    return min(found, key=lambda po: (abs(po[0] - near), po[0], po[1]))


def _occurrences(pages: Sequence[str], needle: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    if not needle:
        return found
    for number, text in enumerate(pages):
        at = text.find(needle)
        while at >= 0:
            found.append((number, at))
            at = text.find(needle, at + 1)
    return found


def _best_window(page: str, quote: str) -> tuple[float, int, int]:
    """The best-scoring stretch of `page` for `quote`: (ratio, start, end)."""
    if not page:
        return 0.0, 0, 0
    matcher = SequenceMatcher(None, page, quote, autojunk=False)
    starts = {
        max(0, min(block.a - block.b, max(0, len(page) - len(quote))))
        for block in matcher.get_matching_blocks()
        if block.size >= 3
    }
    best = (0.0, 0, 0)
    scorer = SequenceMatcher(None, autojunk=False)
    scorer.set_seq2(quote)
    step = max(1, len(quote) // 10)
    for start in starts:
        for length in range(max(1, len(quote) - 2 * step), len(quote) + 2 * step + 1, step):
            scorer.set_seq1(page[start : start + length])
            if scorer.real_quick_ratio() <= best[0] or scorer.quick_ratio() <= best[0]:
                continue
            ratio = scorer.ratio()
            if ratio > best[0]:
                best = (ratio, start, min(len(page), start + length))
    return best


class _Pages:
    """A version's pages as matching needs them, each form built once and shared by anchors."""

    def __init__(self, pages: Sequence[PageText | str]) -> None:
        self.texts = [p.text if isinstance(p, PageText) else p for p in pages]
        self.runs = [p.runs if isinstance(p, PageText) else () for p in pages]
        self._normalised: list[tuple[str, list[int]]] | None = None
        self._words: list[tuple[dict[str, list[int]], list[tuple[int, int]]] | None] | None = None

    @property
    def normalised(self) -> list[tuple[str, list[int]]]:
        if self._normalised is None:
            self._normalised = [normalise(t) for t in self.texts]
        return self._normalised

    def words(self, page: int) -> tuple[dict[str, list[int]], list[tuple[int, int]]]:
        """A page's word index: word -> its word positions, and each word's (start, end)."""
        if self._words is None:
            self._words = [None] * len(self.texts)
        found = self._words[page]
        if found is None:
            index: dict[str, list[int]] = {}
            spans: list[tuple[int, int]] = []
            for n, match in enumerate(_WORD.finditer(self.normalised[page][0])):
                index.setdefault(match.group(), []).append(n)
                spans.append(match.span())
            found = self._words[page] = (index, spans)
        return found


#: A stretch is scored only if this share of the quote's words line up there.
_VOTES = 0.5
#: At most this many stretches per page are scored.
_CANDIDATES = 3
#: A fuzzy match this good on a page nearer the old one is not bettered by a farther one.
_EXCELLENT = 0.95


def _fuzzy_candidates(
    index: dict[str, list[int]], spans: list[tuple[int, int]], words: list[str]
) -> list[tuple[int, int, int]]:
    """Stretches (votes, start, end in the page's normalised text) where the quote's words line up.

    Each quote word found on the page votes for the quote starting at (its
    position there − its position in the quote); nearby starts pool their votes,
    so an inserted or dropped word does not split them.
    """
    votes: dict[int, int] = {}
    for offset, word in enumerate(words):
        for position in index.get(word, ()):
            start = position - offset
            votes[start] = votes.get(start, 0) + 1
    need = max(2, math.ceil(len(words) * _VOTES))
    pooled = []
    for start in votes:
        count = sum(votes.get(start + d, 0) for d in range(-2, 3))
        if count >= need:
            pooled.append((count, start))
    pooled.sort(reverse=True)
    out: list[tuple[int, int, int]] = []
    taken: list[int] = []
    for count, start in pooled:
        if count < need or len(out) == _CANDIDATES:
            break
        if any(abs(start - t) <= 2 for t in taken):
            continue
        taken.append(start)
        first = min(max(start - 2, 0), len(spans) - 1)
        last = min(max(start + len(words) + 2, 0), len(spans) - 1)
        out.append((count, spans[first][0], spans[last][1]))
    return out


def find_quote(
    pages: Sequence[PageText | str] | _Pages,
    quote: str,
    near_page: int,
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> Placement:
    """Find a quote in a paper's pages: exact, then normalised, then fuzzy.

    Args:
        pages: the new version's pages, in order.
        quote: the text the annotation quotes.
        near_page: the annotation's page in the old version (0-based); ties go
            to the place nearest it.
        threshold: the least difflib ratio a fuzzy match needs.

    Returns:
        The placement, `Method.ORPHANED` (page None) when nothing fits.
    """
    doc = pages if isinstance(pages, _Pages) else _Pages(pages)
    runs = doc.runs
    stripped = quote.strip()
    if not stripped:
        return Placement(Method.ORPHANED, None)
    hit = _order(_occurrences(doc.texts, stripped), near_page)
    if hit is not None:
        page, at = hit
        end = at + len(stripped)
        return Placement(Method.EXACT, page, at, end, 1.0, rects_for(runs[page], at, end))

    norm_quote, _ = normalise(stripped)
    if not norm_quote:
        return Placement(Method.ORPHANED, None)
    normalised = doc.normalised
    hit = _order(_occurrences([n for n, _ in normalised], norm_quote), near_page)
    if hit is not None:
        page, at = hit
        where = normalised[page][1]
        start, end = where[at], where[at + len(norm_quote) - 1] + 1
        return Placement(
            Method.NORMALISED, page, start, end, 1.0, rects_for(runs[page], start, end)
        )

    if len(norm_quote) < MIN_FUZZY_CHARS:
        return Placement(Method.ORPHANED, None)
    words = norm_quote.split(" ")
    # Pages nearest the old one first; a near-perfect match ends the search once
    # the pages at its distance are done (so the common case reads few pages).
    best: tuple[float, int, int] | None = None  # ratio, -distance, -page
    chosen: tuple[int, int, int] = (0, 0, 0)
    for page in sorted(range(len(doc.texts)), key=lambda p: (abs(p - near_page), p)):
        distance = abs(page - near_page)
        if best is not None and best[0] >= _EXCELLENT and -best[1] < distance:
            break
        index, spans = doc.words(page)
        text, where = normalised[page]
        for _votes, lo, hi in _fuzzy_candidates(index, spans, words):
            ratio, start, end = _best_window(text[lo:hi], norm_quote)
            if ratio < threshold or end <= start:
                continue
            key = (round(ratio, 3), -distance, -page)
            if best is None or key > best:
                best = key
                chosen = (page, where[lo + start], where[lo + end - 1] + 1)
    if best is None:
        return Placement(Method.ORPHANED, None)
    page, start, end = chosen
    return Placement(Method.FUZZY, page, start, end, best[0], rects_for(runs[page], start, end))


def rects_for(runs: Sequence[TextRun], start: int, end: int) -> tuple[Rect, ...]:
    """Boxes covering characters start..end of a page, one per line, from its line runs.

    Within a line, x comes from the line's glyph edges when known, else it is
    interpolated by character position (a hint, not a glyph box).
    """
    out: list[Rect] = []
    for run in runs:
        lo, hi = max(start, run.start), min(end, run.end)
        if lo >= hi or run.end <= run.start:
            continue
        x0, y0, x1, y1 = run.box
        span = run.end - run.start
        if len(run.edges) == span + 1:
            left, right = run.edges[lo - run.start], run.edges[hi - run.start]
        else:
            left = x0 + (x1 - x0) * (lo - run.start) / span
            right = x0 + (x1 - x0) * (hi - run.start) / span
        out.append((round(left, 4), round(y0, 4), round(right, 4), round(y1, 4)))
    return tuple(out)


def reanchor(
    anchors: Sequence[Anchor],
    new_pages: Sequence[PageText | str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> tuple[Placement, ...]:
    """Place each annotation in a paper's new version.

    Args:
        anchors: each annotation's old page and quote.
        new_pages: the new version's pages.
        threshold: see `find_quote`.

    Returns:
        One placement per anchor, in order. A quoted annotation whose text is
        gone, or a note whose page is gone, is `Method.ORPHANED`.
    """
    placements: list[Placement] = []
    doc = _Pages(new_pages)
    for anchor in anchors:
        if anchor.quote and anchor.quote.strip():
            placements.append(find_quote(doc, anchor.quote, anchor.page, threshold=threshold))
        elif 0 <= anchor.page < len(new_pages):
            placements.append(Placement(Method.PAGE, anchor.page, score=1.0))
        else:
            placements.append(Placement(Method.ORPHANED, None))
    return tuple(placements)


__all__ = [
    "DEFAULT_THRESHOLD",
    "MIN_FUZZY_CHARS",
    "Anchor",
    "Method",
    "PageText",
    "Placement",
    "Rect",
    "TextRun",
    "find_quote",
    "normalise",
    "reanchor",
    "rects_for",
]
