"""Search everywhere: what a person types, turned into a safe full-text query over the board.

The index is the SQLite FTS5 table `search_fts` with its companion
`search_fts_docs` (migration 0005): one document per action, risk, KPI,
decision, minutes version (its exempt items a document of their own), paper,
progress update and piece of evidence — the last two open their action. It is
local derived data, kept in step by triggers, never synced and never dumped.

`search()` answers one keystroke: the typed text becomes an FTS5 query that
cannot fail (every word quoted, so `"`, `*`, `(`, `-`, `OR` and `NEAR` are
only text; the last word matched as a prefix while it is being typed). Each
kind is one rowid range of the index, asked for its newest `CANDIDATES`
matches, so the work per keystroke is bounded however common the word. When
the query is narrow the candidates are ranked by BM25 (a title match weighs
more); when it is broad (BM25 would first count every document holding the
word) title matches come first, then the newest. One hit per record, grouped
by kind in a fixed order, a few per kind, each with a snippet whose matches are
marked (`MARK_OPEN` … `MARK_CLOSE`). Exempt (Part 2) papers, decisions of
exempt items and the exempt items of minutes are left out unless the caller
says the viewer may read them (`Capability.READ_EXEMPT`); that includes the
children in care council action cards marked exempt under a public item of
minutes and declarations of interest in exempt items, which the index holds
in the public document (see "Exempt action cards" below). `record_text()`
gives the full text of a decision, minutes version or paper for reading where
no page shows them yet.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

#: The kinds of record search finds, in the order their groups are shown.
KINDS: tuple[str, ...] = ("action", "risk", "kpi", "decision", "minutes", "paper")
KIND_TITLES: dict[str, str] = {
    "action": "Actions",
    "risk": "Risks",
    "kpi": "Performance indicators",
    "decision": "Decisions",
    "minutes": "Minutes",
    "paper": "Papers",
}
#: The window page that shows each kind (None: no page yet; read with `record_text`).
PAGE_HINTS: dict[str, str | None] = {
    "action": "plan",
    "risk": "risks",
    "kpi": "performance",
    "decision": None,
    "minutes": None,
    "paper": None,
}
#: Around each match in a snippet (control characters: never in board text).
MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"
#: Every table of the index has this in its name (change capture skips such tables).
INDEX_MARK = "_fts"
FTS_TABLE = "search_fts"
DOCS_TABLE = "search_fts_docs"
#: More words than this add nothing but cost; the last ones typed are kept.
MAX_TERMS = 12
#: The index has prefix indexes of 2 and 3 characters; shorter prefixes are not matched.
MIN_PREFIX = 2
SNIPPET_TOKENS = 12
#: BM25 column weights: title, body.
TITLE_WEIGHT = 4.0
BODY_WEIGHT = 1.0


@dataclass(frozen=True)
class SearchHit:
    """One record found: what it is, what to call it, where the words matched."""

    kind: str  # one of KINDS
    record_id: str
    title: str  # e.g. "2.3 Embed the practice model"
    snippet: str  # matched text, matches between MARK_OPEN and MARK_CLOSE
    rank: float  # lower is better: BM25, or the position when the query was broad
    page_hint: str | None  # the page that opens it ("plan", "risks", "performance")
    detail: str = ""  # a short second line, e.g. "Theme 2 · Amber"


@dataclass(frozen=True)
class SearchGroup:
    """The hits of one kind, best first."""

    kind: str
    hits: tuple[SearchHit, ...]

    @property
    def title(self) -> str:
        return KIND_TITLES[self.kind]


@dataclass(frozen=True)
class RecordText:
    """The full text of one record, for reading."""

    kind: str
    record_id: str
    title: str
    detail: str
    text: str


def is_index_table(name: str | None) -> bool:
    """Whether a table belongs to the search index (the FTS table, its shadows, its docs)."""
    return name is not None and INDEX_MARK in name


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: the search index is derived data that no model describes."""
    return not (type_ == "table" and is_index_table(name))


def _word_char(ch: str) -> bool:
    # unicode61 keeps letters, numbers and private-use characters; all else separates.
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


def fts_query(typed: str) -> str | None:
    """The FTS5 query for what a person typed, or None when there is nothing to look for.

    Each whitespace-separated word becomes a quoted string (FTS5 tokenizes it, so
    "2.3" is the phrase 2 3 and punctuation is never syntax); words are ANDed. The
    last word is a prefix while it is being typed (the text does not end with a
    space) once its last token has `MIN_PREFIX` characters: a one-letter prefix
    matches most of the board and would cost half a second on a large one.

    Args:
        typed: the text as typed.

    Returns:
        An FTS5 MATCH expression, or None.
    """
    words, prefix = _query_words(typed)
    if not words:
        return None
    quoted = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix:
        quoted[-1] += "*"
    return " ".join(quoted)


def _query_words(typed: str) -> tuple[list[str], bool]:
    """The words `fts_query` looks for, and whether the last is a prefix."""
    # Control characters (a NUL ends an FTS5 query early) and lone surrogates (not
    # encodable) separate words like spaces.
    typed = "".join(" " if unicodedata.category(ch) in {"Cc", "Cs"} else ch for ch in typed)
    words = [w for w in typed.split() if any(_word_char(ch) for ch in w)][-MAX_TERMS:]
    prefix = bool(
        words and typed and not typed[-1].isspace() and _last_token_length(words[-1]) >= MIN_PREFIX
    )
    return words, prefix


def _last_token_length(word: str) -> int:
    length = 0
    for ch in reversed(word):
        if not _word_char(ch):
            break
        length += 1
    return length


def index_available(session: Session) -> bool:
    """Whether this database has the search index (SQLite at schema 0005 or later)."""
    if session.get_bind().dialect.name != "sqlite":
        return False
    found = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": FTS_TABLE}
    ).first()
    return found is not None


# The index's rowids: each source of documents has a range of its own (migration
# 0005, `Source.code << 40`), and the sources of one kind are adjacent, so one kind
# is one rowid range that FTS5 scans on its own.
_SHIFT = 40
_EVIDENCE, _PROGRESS, _MINUTES_EXEMPT, _MINUTES = 1, 2, 7, 8


def _codes(first: int, last: int) -> tuple[int, int]:
    return first << _SHIFT, ((last + 1) << _SHIFT) - 1


KIND_RANGES: dict[str, tuple[int, int]] = {
    "action": _codes(1, 3),  # evidence, progress updates, actions
    "risk": _codes(4, 4),
    "kpi": _codes(5, 5),
    "decision": _codes(6, 6),
    "minutes": _codes(7, 8),  # exempt items, the rest
    "paper": _codes(9, 9),
}
#: Per kind, how many of the newest matching documents are considered. A word found in
#: thousands of documents (a short prefix, "the") is answered from the newest, so a
#: keystroke costs about the same whatever was typed.
CANDIDATES = 400

_RECORD: dict[str, str] = {
    "action": (
        f"CASE d.id >> {_SHIFT} "
        f"WHEN {_EVIDENCE} THEN (SELECT action_id FROM evidence WHERE id = d.source_id) "
        f"WHEN {_PROGRESS} THEN (SELECT action_id FROM progress_updates WHERE id = d.source_id) "
        "ELSE d.source_id END"
    ),
}
# Exempt (Part 2) text: papers marked exempt or on an exempt item, decisions of an
# exempt item, the exempt items of minutes (their own documents).
_VISIBLE: dict[str, str] = {
    "paper": (
        "NOT EXISTS (SELECT 1 FROM papers p LEFT JOIN agenda_items ai "
        "ON ai.id = p.agenda_item_id WHERE p.id = d.source_id "
        "AND (p.exempt OR coalesce(ai.exempt, 0)))"
    ),
    "decision": (
        "NOT EXISTS (SELECT 1 FROM decisions de JOIN agenda_items ai "
        "ON ai.id = de.agenda_item_id WHERE de.id = d.source_id AND ai.exempt)"
    ),
    "minutes": f"d.id >> {_SHIFT} <> {_MINUTES_EXEMPT}",
}


def _candidates_query(kind: str) -> Any:
    # Newest first straight from the index (no ranking function: BM25 first counts
    # every document of each phrase, ~10 ms per kind for a word like "the").
    return text(
        f"""
        WITH m AS (
            SELECT rowid AS doc FROM {FTS_TABLE}
            WHERE {FTS_TABLE} MATCH :q AND rowid BETWEEN :lo AND :hi
            ORDER BY rowid DESC LIMIT :cap
        )
        SELECT m.doc, {_RECORD.get(kind, "d.source_id")} AS record_id,
               ({_VISIBLE.get(kind, "1")}) AS visible
        FROM m JOIN {DOCS_TABLE} AS d ON d.id = m.doc
        """
    )


_CANDIDATES = {kind: _candidates_query(kind) for kind in KINDS}
_BM25 = text(
    f"""
    SELECT rowid, bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}) FROM {FTS_TABLE}
    WHERE {FTS_TABLE} MATCH :q AND rowid BETWEEN :lo AND :hi
    """
)
_NEWEST = text(
    f"""
    SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q AND rowid BETWEEN :lo AND :hi
    ORDER BY rowid DESC LIMIT :cap
    """
)
# Snippets for a few documents of one kind: one pass over the matches between the
# lowest and highest of them (never more than CANDIDATES), the snippet made only
# for those asked for. (`rowid IN (…)` would restart the query once per rowid.)
_SNIPPETS = text(
    f"""
    SELECT rowid, CASE WHEN rowid IN :docs
        THEN snippet({FTS_TABLE}, 1, :open_, :close_, '…', {SNIPPET_TOKENS}) END
    FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q AND rowid BETWEEN :lo AND :hi
    """
).bindparams(bindparam("docs", expanding=True))


def _ranks(
    session: Session, match: str, kind: str, docs: list[int], broad: bool
) -> dict[int, float]:
    """Each candidate's rank, lower is better.

    A narrow query (no kind has CANDIDATES matches) is ranked by BM25, a title match
    weighing more than one in the body. A broad one puts the documents whose title
    matches first, then the rest, each newest first; the rank is that position.
    """
    lo, hi = min(docs), max(docs)
    if not broad:
        found = session.execute(_BM25, {"q": match, "lo": lo, "hi": hi}).all()
        return {int(doc): float(rank) for doc, rank in found}
    titled = {
        int(doc)
        for (doc,) in session.execute(
            _NEWEST, {"q": f"{{title}} : ({match})", "lo": lo, "hi": hi, "cap": CANDIDATES}
        )
    }
    ordered = [d for d in docs if d in titled] + [d for d in docs if d not in titled]
    return {doc: float(position) for position, doc in enumerate(ordered)}


def search(
    session: Session, query: str, *, limit_per_kind: int = 8, include_exempt: bool
) -> list[SearchGroup]:
    """Find records matching what was typed, grouped by kind (only kinds with hits).

    Args:
        session: a session on a Boardpack database (no index, e.g. PostgreSQL: no hits).
        query: the text as typed; any text is safe.
        limit_per_kind: at most this many hits of each kind.
        include_exempt: whether exempt items, papers and decisions may be found
            (the viewer's `Capability.READ_EXEMPT`).

    Returns:
        Groups in `KINDS` order, hits best first (`SearchHit.rank`: lower is better).
    """
    match = fts_query(query)
    if match is None or limit_per_kind <= 0 or not index_available(session):
        return []
    best: dict[str, list[tuple[int, float, str]]] = {}
    public_snippets: dict[int, str] = {}  # made from public text, not from the index
    try:
        candidates: dict[str, Sequence[Any]] = {}
        for kind in KINDS:
            lo, hi = KIND_RANGES[kind]
            rows = session.execute(
                _CANDIDATES[kind], {"q": match, "lo": lo, "hi": hi, "cap": CANDIDATES}
            ).all()
            if rows:
                candidates[kind] = rows
        broad = any(len(rows) >= CANDIDATES for rows in candidates.values())
        for kind, rows in candidates.items():
            shown = [r for r in rows if include_exempt or r.visible]
            if not shown:
                continue
            ranks = _ranks(session, match, kind, [int(r.doc) for r in rows], broad)
            chosen: dict[str, tuple[int, float, str]] = {}
            for row in sorted(shown, key=lambda r: (ranks.get(int(r.doc), 0.0), -int(r.doc))):
                record_id = str(row.record_id) if row.record_id is not None else None
                if (
                    record_id is not None
                    and record_id not in chosen
                    and kind == "minutes"
                    and not include_exempt
                    and int(row.doc) >> _SHIFT == _MINUTES
                ):
                    found_public = _public_minutes_match(session, record_id, query)
                    if found_public is False:  # only its exempt action cards match
                        continue
                    if isinstance(found_public, str):
                        public_snippets[int(row.doc)] = found_public
                if record_id is not None and record_id not in chosen:
                    chosen[record_id] = (int(row.doc), ranks.get(int(row.doc), 0.0), record_id)
                    if len(chosen) == limit_per_kind:
                        break
            if chosen:
                best[kind] = list(chosen.values())
        snippets: dict[int, str] = {}
        for found in best.values():
            docs = [doc for doc, _, _ in found]
            for doc, snip in session.execute(
                _SNIPPETS,
                {
                    "q": match,
                    "lo": min(docs),
                    "hi": max(docs),
                    "docs": docs,
                    "open_": MARK_OPEN,
                    "close_": MARK_CLOSE,
                },
            ):
                if snip is not None:
                    snippets[int(doc)] = " ".join(str(snip).split())
        snippets.update(public_snippets)
    except OperationalError as exc:  # never expected: the query is built to be valid
        log.warning("search for %r failed: %s", query, exc)
        return []
    groups: list[SearchGroup] = []
    for kind, found in best.items():
        labels = _labels(session, kind, [record_id for _, _, record_id in found])
        hits = []
        for doc, rank, record_id in found:
            label = labels.get(record_id)
            if label is None:  # the index names a record that is gone (never expected)
                continue
            title, detail = label
            hits.append(
                SearchHit(
                    kind, record_id, title, snippets.get(doc, ""), rank, PAGE_HINTS[kind], detail
                )
            )
        if hits:
            groups.append(SearchGroup(kind, tuple(hits)))
    return groups


def plain_snippet(snippet: str) -> str:
    """A snippet without its match marks."""
    return snippet.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, is_match) runs, for a view to emphasise the matches."""
    parts: list[tuple[str, bool]] = []
    rest = snippet
    while rest:
        start = rest.find(MARK_OPEN)
        if start < 0:
            parts.append((rest.replace(MARK_CLOSE, ""), False))
            break
        if start:
            parts.append((rest[:start].replace(MARK_CLOSE, ""), False))
        end = rest.find(MARK_CLOSE, start + 1)
        if end < 0:
            end = len(rest)
        parts.append((rest[start + 1 : end].replace(MARK_OPEN, ""), True))
        rest = rest[end + 1 :]
    return [(t, m) for t, m in parts if t]


# Exempt action cards in public minutes ------------------------------------------------
# The index (migration 0005) keeps an exempt item's text out of a minutes version's
# public document, but not a children in care council action card marked exempt (on
# an exempt paper) under a public item, an answer to a card of an exempt paper, or a
# declaration of interest in an exempt item (the public minutes leave all three out).
# Without the right to read exempt items, a public minutes document holding such text
# is found only when the words are in its public text, and its snippet is made from
# that text. Only the few minutes hits shown are read (one JSON each).

_SKIPPED_KEYS = frozenset({"id", "format", "kind", "date", "start", "end", "due", "code"})


def _public_values(value: Any, key: str = "") -> list[str]:
    """The text values the index takes from minutes content, without anything exempt."""
    if key in _SKIPPED_KEYS or key == "exempt" or key.endswith("_id"):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [
            t
            for v in value
            if not (isinstance(v, dict) and v.get("exempt"))
            for t in _public_values(v, "")
        ]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _public_values(v, str(k))]
    return []


def _exempt_numbers(content: dict[str, Any]) -> set[Any]:
    items = content.get("items")
    return {
        i.get("number")
        for i in (items if isinstance(items, list) else [])
        if isinstance(i, dict) and i.get("exempt")
    }


def _has_hidden(content: dict[str, Any]) -> bool:
    """Whether the index's public document holds exempt text: an exempt card under a
    public item, or a declaration of interest in an exempt item."""
    items = content.get("items")
    private = _exempt_numbers(content)
    declarations = content.get("declarations")
    return any(
        isinstance(card, dict) and card.get("exempt")
        for item in (items if isinstance(items, list) else [])
        if isinstance(item, dict) and not item.get("exempt")
        for card in (item.get("action_cards") or [])
    ) or any(
        isinstance(d, dict) and d.get("item") in private
        for d in (declarations if isinstance(declarations, list) else [])
    )


def _fold(ch: str) -> str:
    # unicode61 with remove_diacritics 2: case folded, diacritics dropped.
    return "".join(
        c for c in unicodedata.normalize("NFD", ch) if unicodedata.category(c) != "Mn"
    ).lower()


def _tokens(text_: str) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    start = None
    for i, ch in enumerate(text_ + " "):
        if i < len(text_) and _word_char(ch):
            if start is None:
                start = i
        elif start is not None:
            out.append(("".join(_fold(c) for c in text_[start:i]), start, i))
            start = None
    return out


def _public_minutes_match(session: Session, version_id: str, typed: str) -> bool | str:
    """True: no exempt card to leave out (the index's match stands); False: the words
    are found only in exempt cards; else the snippet from the public text."""
    content_json = session.execute(
        text("SELECT content_json FROM minutes_versions WHERE id = :id"), {"id": version_id}
    ).scalar()
    try:
        content = json.loads(str(content_json))
    except ValueError:
        return True
    if not isinstance(content, dict) or not _has_hidden(content):
        return True
    items = content.get("items")
    private = _exempt_numbers(content)
    public = dict(content)
    declarations = content.get("declarations")
    public["declarations"] = [
        d
        for d in (declarations if isinstance(declarations, list) else [])
        if not (isinstance(d, dict) and d.get("item") in private)
    ]
    public["items"] = [
        {"title": i.get("title")} if isinstance(i, dict) and i.get("exempt") else i
        for i in (items if isinstance(items, list) else [])
    ]
    body = " ".join(" ".join(_public_values(public)).split())
    tokens = _tokens(body)
    words, prefix = _query_words(typed)
    first: tuple[int, int] | None = None
    marks: list[tuple[int, int]] = []
    for n, word in enumerate(words):
        phrase = [t for t, _, _ in _tokens(word)]
        last = n == len(words) - 1 and prefix
        hits = [
            at
            for at in range(len(tokens) - len(phrase) + 1)
            if all(
                tokens[at + k][0] == p
                or (last and k == len(phrase) - 1 and tokens[at + k][0].startswith(p))
                for k, p in enumerate(phrase)
            )
        ]
        if not phrase or not hits:
            return False
        marks.extend((tokens[h + k][1], tokens[h + k][2]) for h in hits for k in range(len(phrase)))
        if first is None or hits[0] < first[0]:
            first = (hits[0], len(phrase))
    assert first is not None
    lo = max(first[0] - SNIPPET_TOKENS // 2, 0)
    hi = min(lo + SNIPPET_TOKENS, len(tokens)) - 1
    start, end = tokens[lo][1], tokens[hi][2]
    out, at = [], start
    for a, b in sorted(m for m in marks if start <= m[0] and m[1] <= end):
        if a < at:
            continue
        out.append(body[at:a] + MARK_OPEN + body[a:b] + MARK_CLOSE)
        at = b
    out.append(body[at:end])
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(tokens) - 1 else "")


# Labels ---------------------------------------------------------------------------


def _long_date(value: Any) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return ""


def _label_rows(session: Session, sql: str, ids: list[str]) -> list[Any]:
    stmt = text(sql).bindparams(bindparam("ids", expanding=True))
    return list(session.execute(stmt, {"ids": ids}))


def _labels(session: Session, kind: str, ids: list[str]) -> dict[str, tuple[str, str]]:
    """Title and detail line of each record of one kind."""
    out: dict[str, tuple[str, str]] = {}
    if kind == "action":
        for r in _label_rows(
            session,
            "SELECT a.id, a.reference, a.title, a.rag, t.number FROM actions a "
            "LEFT JOIN themes t ON t.id = a.theme_id WHERE a.id IN :ids",
            ids,
        ):
            rag = str(r.rag).capitalize() if r.rag else "No RAG yet"
            theme = f"Theme {r.number} · " if r.number is not None else ""
            out[r.id] = (f"{r.reference} {r.title}", f"{theme}{rag}")
    elif kind == "risk":
        for r in _label_rows(
            session,
            "SELECT id, reference, title, likelihood, impact, status FROM risks WHERE id IN :ids",
            ids,
        ):
            score = int(r.likelihood) * int(r.impact)
            status = "" if r.status == "open" else f" · {str(r.status).capitalize()}"
            out[r.id] = (f"{r.reference} {r.title}", f"Score {score}{status}")
    elif kind == "kpi":
        for r in _label_rows(
            session, "SELECT id, reference, title, unit FROM kpis WHERE id IN :ids", ids
        ):
            out[r.id] = (f"{r.reference} {r.title}", f"Indicator ({r.unit})")
    elif kind == "decision":
        for r in _label_rows(
            session,
            "SELECT d.id, d.number, d.kind, m.meeting_date, b.code FROM decisions d "
            "JOIN meetings m ON m.id = d.meeting_id JOIN boards b ON b.id = d.board_id "
            "WHERE d.id IN :ids",
            ids,
        ):
            out[r.id] = (
                f"{r.number} ({r.kind})",
                f"{r.code} meeting, {_long_date(r.meeting_date)}",
            )
    elif kind == "minutes":
        for r in _label_rows(
            session,
            "SELECT v.id, v.version, v.status, m.meeting_date, b.code FROM minutes_versions v "
            "JOIN meetings m ON m.id = v.meeting_id JOIN boards b ON b.id = m.board_id "
            "WHERE v.id IN :ids",
            ids,
        ):
            out[r.id] = (
                f"Minutes of the {r.code} meeting, {_long_date(r.meeting_date)}",
                f"Version {r.version} · {str(r.status).capitalize()}",
            )
    elif kind == "paper":
        for r in _label_rows(
            session,
            "SELECT p.id, p.title, p.exempt, m.meeting_date, b.code FROM papers p "
            "JOIN meetings m ON m.id = p.meeting_id JOIN boards b ON b.id = m.board_id "
            "WHERE p.id IN :ids",
            ids,
        ):
            exempt = " · Exempt" if r.exempt else ""
            out[r.id] = (str(r.title), f"{r.code} meeting, {_long_date(r.meeting_date)}{exempt}")
    return out


# Full text ------------------------------------------------------------------------


def record_text(
    session: Session, kind: str, record_id: str, *, include_exempt: bool
) -> RecordText | None:
    """The full text of a decision, minutes version or paper (None: absent or not allowed).

    Args:
        session: a session on a Boardpack database.
        kind: "decision", "minutes" or "paper".
        record_id: the record's id.
        include_exempt: whether exempt text may be shown; without it an exempt
            paper or decision is None and a minutes version shows its exempt items
            as the public minutes do (title and the paragraph relied on).

    Returns:
        The record's title, detail line and text, or None.
    """
    labels = _labels(session, kind, [record_id])
    if record_id not in labels:
        return None
    title, detail = labels[record_id]
    if kind == "decision":
        row = session.execute(
            text(
                "SELECT d.wording, d.votes_for, d.votes_against, d.votes_abstain, "
                "coalesce(ai.exempt, 0) AS exempt, ai.title AS item FROM decisions d "
                "LEFT JOIN agenda_items ai ON ai.id = d.agenda_item_id WHERE d.id = :id"
            ),
            {"id": record_id},
        ).one()
        if row.exempt and not include_exempt:
            return None
        lines = [str(row.wording)]
        if row.item:
            lines.insert(0, f"Item: {row.item}\n")
        if row.votes_for is not None:
            lines.append(
                f"\nVotes: {row.votes_for} for, {row.votes_against or 0} against, "
                f"{row.votes_abstain or 0} abstaining"
            )
        return RecordText(kind, record_id, title, detail, "\n".join(lines))
    if kind == "paper":
        row = session.execute(
            text(
                "SELECT p.text, p.report_of, p.exempt OR coalesce(ai.exempt, 0) AS exempt "
                "FROM papers p LEFT JOIN agenda_items ai ON ai.id = p.agenda_item_id "
                "WHERE p.id = :id"
            ),
            {"id": record_id},
        ).one()
        if row.exempt and not include_exempt:
            return None
        body = str(row.text or "(This paper has no extracted text.)")
        if row.report_of:
            body = f"Report of: {row.report_of}\n\n{body}"
        return RecordText(kind, record_id, title, detail, body)
    if kind == "minutes":
        content = session.execute(
            text("SELECT content_json FROM minutes_versions WHERE id = :id"), {"id": record_id}
        ).scalar_one()
        return RecordText(
            kind, record_id, title, detail, minutes_text(str(content), include_exempt)
        )
    return None


def _as_lines(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [line for v in value for line in _as_lines(v)]
    if isinstance(value, dict):
        return [line for v in value.values() for line in _as_lines(v)]
    return [str(value)]


def _card_lines(card: dict[str, Any]) -> list[str]:
    """A children in care council action card as the minutes state it, and the answer."""
    received = card.get("received")
    when = f" (received {_long_date(received)})" if isinstance(received, str) else ""
    to = f" — for {card['addressed_to']}" if card.get("addressed_to") else ""
    lines = [f"Action card {card.get('number', '')}{when}: {card.get('text', '')}{to}"]
    if card.get("response"):
        status = f" ({card['status']})" if card.get("status") else ""
        by = f" — {card['given_by']}" if card.get("given_by") else ""
        lines.append(f"Response{status}: {card['response']}{by}")
    return lines


def minutes_text(content_json: str, include_exempt: bool) -> str:
    """Readable text of a minutes document (`boardpack-minutes/1` JSON, or any text)."""
    try:
        doc = json.loads(content_json)
    except ValueError:
        return content_json
    if not isinstance(doc, dict):
        return "\n".join(_as_lines(doc))
    lines: list[str] = []
    attendance = doc.get("attendance")
    if isinstance(attendance, dict):
        for key, heading in (
            ("present", "Present"),
            ("in_attendance", "In attendance"),
            ("apologies", "Apologies"),
            ("absent", "Absent"),
        ):
            names = _as_lines(attendance.get(key))
            if names:
                lines.append(f"{heading}: {', '.join(names)}")
        lines.append("")
    items = doc.get("items")
    for position, item in enumerate(items if isinstance(items, list) else [], start=1):
        if not isinstance(item, dict):
            lines.extend(_as_lines(item))
            continue
        number = item.get("number", position)
        lines.append(f"{number}. {item.get('title', '')}")
        if item.get("exempt") and not include_exempt:
            paragraph = item.get("exempt_paragraph")
            cited = f" (paragraph {paragraph} of Schedule 12A)" if paragraph else ""
            lines.append(f"Exempt item{cited}: not shown.")
            lines.append("")
            continue
        lines.extend(_as_lines(item.get("minutes")))
        decisions = item.get("decisions")
        for decision in decisions if isinstance(decisions, list) else []:
            if isinstance(decision, dict):
                lines.append(
                    f"Resolved {decision.get('number', '')} ({decision.get('kind', '')}): "
                    f"{decision.get('wording', '')}"
                )
        arising = item.get("actions_arising")
        for action in arising if isinstance(arising, list) else []:
            if isinstance(action, dict):
                who = f" — {action['owner']}" if action.get("owner") else ""
                due = f", by {action['due']}" if action.get("due") else ""
                lines.append(f"Action: {action.get('text', '')}{who}{due}")
        cards = item.get("action_cards")
        for card in cards if isinstance(cards, list) else []:
            if isinstance(card, dict) and not (card.get("exempt") and not include_exempt):
                lines.extend(_card_lines(card))
        lines.append("")
    return "\n".join(lines).strip() or content_json
