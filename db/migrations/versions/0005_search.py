"""Search everywhere: an SQLite FTS5 index over the board's text, kept in step by triggers.

`search_fts` (FTS5: `title`, `body`; `unicode61 remove_diacritics 2`, prefix
indexes of 2 and 3 characters for as-you-type) holds one document per source
row: actions, progress updates and evidence (which open their action), risks,
KPIs, decisions, minutes versions (public text, and exempt items as a document
of their own), papers. `search_fts_docs` maps each document's rowid to its
source row. Rowids are allotted in one range per source (`code << 40`) and the
sources of a kind are adjacent, so the kind, the source and the exemption of a
minutes document are all read from the rowid, and a search asks FTS5 for one
kind at a time, newest first, with bounded work (`db.services.search`).
Exempt papers and decisions are filtered when searching, from `papers.exempt`
and `agenda_items.exempt`, so a change of exemption needs no re-indexing.

The index is local derived data: every name contains "_fts", so change capture
never logs it (`db.sync.capture.synced_tables`), `boardpack dump` never sees it
(it dumps the models' tables) and the model/migration comparison skips it
(`db/migrations/env.py`). Triggers, not the ORM, keep it in step, so every
path that writes — the services, a sync pull applied with capture off, a first
sync's snapshot copy, a raw `sqlite3` session — updates the index in the same
transaction; a change to a column that is not indexed (a RAG, a date) leaves
it alone. A central store needs no index: the triggers stand still on a file
that holds `central_meta.min_client_schema` (written only by `init_central`).
SQLite only; on PostgreSQL this revision does nothing.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

from typing import NamedTuple

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TRIGGER_PREFIX = "search_fts_"
NL = "char(10)"


def _join(*parts: str) -> str:
    """SQL concatenating nullable text parts with newlines."""
    return f" || {NL} || ".join(f"coalesce({p}, '')" for p in parts)


# Minutes are canonical JSON; the index takes its text values, not its keys or its
# ids, dates and codes. Exempt items (Part 2) are a separate document, except their
# titles, which the public minutes show too.
_SKIPPED_KEYS = "('id', 'format', 'kind', 'date', 'start', 'end', 'due', 'code', 'exempt')"


def _texts(tree: str, extra: str = "1") -> str:
    return (
        f"(SELECT group_concat(t.value, ' ') FROM {tree} AS t WHERE t.type = 'text' "
        f"AND coalesce(t.key, '') NOT IN {_SKIPPED_KEYS} "
        f"AND coalesce(t.key, '') NOT LIKE '%\\_id' ESCAPE '\\' AND ({extra}))"
    )


def _is_exempt_item(ref: str) -> str:
    return (
        f"(CASE WHEN {ref}.type = 'object' "
        f"THEN coalesce(json_extract({ref}.value, '$.exempt'), 0) ELSE 0 END)"
    )


def _items(content: str, exempt: bool) -> str:
    # json_tree(content, i.fullkey), not json_tree(i.value): an item may be a bare
    # string, which is not JSON on its own. (Its `fullkey` column is wrong in
    # SQLite 3.40 when given a path, so nothing here relies on it.)
    return _texts(
        f"json_each({content}, '$.items') AS i, json_tree({content}, i.fullkey)",
        f"{'' if exempt else 'NOT '}{_is_exempt_item('i')}",
    )


def _minutes_public(content: str) -> str:
    head = _texts(f"json_tree(json_remove({content}, '$.items'))")
    exempt_titles = (
        "(SELECT group_concat(json_extract(i.value, '$.title'), ' ') "
        f"FROM json_each({content}, '$.items') AS i WHERE {_is_exempt_item('i')})"
    )
    return (
        f"(CASE WHEN json_valid({content}) THEN coalesce({head}, '') || {NL} || "
        f"coalesce({_items(content, False)}, '') || {NL} || coalesce({exempt_titles}, '') "
        f"ELSE {content} END)"
    )


def _minutes_exempt(content: str) -> str:
    return (
        f"(CASE WHEN json_valid({content}) THEN coalesce({_items(content, True)}, '') ELSE '' END)"
    )


class Source(NamedTuple):
    """One kind of source row and the document it makes (SQL over `{r}`: NEW, OLD or t)."""

    code: int  # documents of this source have rowids [code << 40, (code + 1) << 40)
    name: str  # trigger names
    table: str
    title: str
    body: str
    watched: tuple[str, ...]  # columns whose change re-indexes the row

    @property
    def low(self) -> int:
        return self.code << SHIFT

    @property
    def high(self) -> int:
        return ((self.code + 1) << SHIFT) - 1


SHIFT = 40
# Codes group the sources of one kind in one rowid range, so a search can ask FTS5
# for one kind at a time (`db.services.search.KIND_RANGES`); within a kind, the
# record's own text has the highest codes, so a newest-first scan meets it first.
SOURCES: tuple[Source, ...] = (
    Source(
        1,
        "evidence",
        "evidence",
        "coalesce({r}.title, '')",
        _join("{r}.description"),
        ("title", "description"),
    ),
    Source(
        2,
        "progress_updates",
        "progress_updates",
        "''",
        _join("{r}.commentary", "{r}.due_date_reason"),
        ("commentary", "due_date_reason"),
    ),
    Source(
        3,
        "actions",
        "actions",
        _join("{r}.reference", "{r}.title"),
        _join("{r}.description", "{r}.success_measure"),
        ("reference", "title", "description", "success_measure"),
    ),
    Source(
        4,
        "risks",
        "risks",
        _join("{r}.reference", "{r}.title"),
        _join("{r}.description", "{r}.cause", "{r}.consequence", "{r}.mitigation"),
        ("reference", "title", "description", "cause", "consequence", "mitigation"),
    ),
    Source(
        5,
        "kpis",
        "kpis",
        _join("{r}.reference", "{r}.title"),
        _join("{r}.description", "{r}.narrative"),
        ("reference", "title", "description", "narrative"),
    ),
    Source(
        6,
        "decisions",
        "decisions",
        "coalesce({r}.number, '')",
        _join("{r}.wording"),
        ("number", "wording"),
    ),
    Source(
        7,
        "minutes_exempt",
        "minutes_versions",
        "''",
        _minutes_exempt("{r}.content_json"),
        ("content_json",),
    ),
    Source(
        8,
        "minutes_versions",
        "minutes_versions",
        "''",
        _minutes_public("{r}.content_json"),
        ("content_json",),
    ),
    Source(
        9,
        "papers",
        "papers",
        "coalesce({r}.title, '')",
        _join("{r}.report_of", "{r}.text"),
        ("title", "report_of", "text"),
    ),
)

# A central store keeps rows for laptops and never searches them.
ACTIVE = "NOT EXISTS (SELECT 1 FROM central_meta WHERE key = 'min_client_schema')"


def _doc_id(source: Source, ref: str) -> str:
    return (
        f"(SELECT id FROM search_fts_docs WHERE source_id = {ref}.id "
        f"AND id BETWEEN {source.low} AND {source.high})"
    )


def _remove(source: Source, ref: str) -> str:
    return (
        f"DELETE FROM search_fts WHERE rowid = {_doc_id(source, ref)}; "
        f"DELETE FROM search_fts_docs WHERE source_id = {ref}.id "
        f"AND id BETWEEN {source.low} AND {source.high};"
    )


def _add(source: Source, ref: str) -> str:
    # The next rowid of this source's range (a reverse rowid seek, not a scan).
    next_id = (
        f"coalesce((SELECT id FROM search_fts_docs WHERE id BETWEEN {source.low} "
        f"AND {source.high} ORDER BY id DESC LIMIT 1), {source.low}) + 1"
    )
    return (
        f"INSERT INTO search_fts_docs (id, source_id) VALUES ({next_id}, {ref}.id); "
        f"INSERT INTO search_fts (rowid, title, body) VALUES ({_doc_id(source, ref)}, "
        f"{source.title.format(r=ref)}, {source.body.format(r=ref)});"
    )


def trigger_sql(source: Source) -> list[str]:
    """Insert, update and delete triggers keeping one source's documents in step."""
    watched = ", ".join(f'"{c}"' for c in ("id", *source.watched))
    name = f"{TRIGGER_PREFIX}{source.name}"
    return [
        f"CREATE TRIGGER {name}_i AFTER INSERT ON {source.table} "
        f"WHEN {ACTIVE} BEGIN {_remove(source, 'NEW')} {_add(source, 'NEW')} END",
        f"CREATE TRIGGER {name}_u AFTER UPDATE OF {watched} ON {source.table} "
        f"WHEN {ACTIVE} BEGIN {_remove(source, 'OLD')} {_add(source, 'NEW')} END",
        f"CREATE TRIGGER {name}_d AFTER DELETE ON {source.table} "
        f"WHEN {ACTIVE} BEGIN {_remove(source, 'OLD')} END",
    ]


def _run(sql: str) -> None:
    # Straight to the driver: the SQL holds no parameters, and text() would read
    # any ":word" in it as one.
    op.get_bind().exec_driver_sql(sql)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _run("CREATE TABLE search_fts_docs (id INTEGER PRIMARY KEY, source_id TEXT NOT NULL)")
    _run("CREATE INDEX search_fts_docs_source ON search_fts_docs (source_id)")
    _run(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
    )
    central = op.get_bind().exec_driver_sql(f"SELECT NOT ({ACTIVE})").scalar()
    for source in SOURCES:
        if not central:  # index what is already there, in the order it was written
            _run(
                "INSERT INTO search_fts_docs (id, source_id) "
                f"SELECT {source.low} + row_number() OVER (ORDER BY t.rowid), t.id "
                f"FROM {source.table} AS t"
            )
            _run(
                "INSERT INTO search_fts (rowid, title, body) SELECT d.id, "
                f"{source.title.format(r='t')}, {source.body.format(r='t')} "
                f"FROM search_fts_docs AS d JOIN {source.table} AS t ON t.id = d.source_id "
                f"WHERE d.id BETWEEN {source.low} AND {source.high} ORDER BY d.id"
            )
        for statement in trigger_sql(source):
            _run(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for source in SOURCES:
        for suffix in ("i", "u", "d"):
            _run(f"DROP TRIGGER IF EXISTS {TRIGGER_PREFIX}{source.name}_{suffix}")
    _run("DROP TABLE IF EXISTS search_fts")
    _run("DROP TABLE IF EXISTS search_fts_docs")
