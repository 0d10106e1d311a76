"""What the central store sends a site: only what the site's user may read.

A laptop is one person's copy of the board. Exempt business (Part 2 under
Schedule 12A) never reaches the laptop of someone the roles table does not clear
for it — an observer, or an officer for items they do not present — so it is
filtered here, before it leaves the central store, not hidden after arrival:
- papers they may not read, and the files only such papers use (a fetch of such
  a file is refused);
- annotations and questions on those papers and items, and other people's
  private annotations and questions;
- the decisions, actions arising and declarations of exempt items they may not read;
- the audit log (its before/after values hold exempt text; reading it needs the
  right to read exempt items anyway);
- an exempt item itself arrives (its title and Schedule 12A paragraph are
  public) with its purpose, discussion and chair's notes withheld, and stored
  minutes arrive in their public form.

Rules are read from the central store's own rows as they are now, with the SQL
of `db.permissions`. A change that is filtered keeps its place in the log — it
goes out as an empty update of a row the laptop does not have (which a replica
skips) — so the site's cursor still advances past it and no batch has a gap.
When an item becomes exempt after its text was sent, the change that made it
exempt carries the withheld fields as empty text, written over what the laptop has;
a paper that becomes unreadable has its extracted text emptied the same way.
A site whose user the central store does not know gets everything (the laptops
of older versions); the app and the CLI always say who the laptop is for, and on
PostgreSQL row-level security (`db.sync.central.grant_user`) enforces the same
rules for a per-person database role whatever client connects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, not_, select

from db import permissions
from db.models import (
    ActionArising,
    AgendaItem,
    Annotation,
    Board,
    Decision,
    Declaration,
    MinutesVersion,
    Question,
)
from db.session import public_minutes_content
from db.sync import clocks as clock_text
from db.sync.merge import Change

WITHHELD_ITEM_FIELDS = ("purpose", "discussion", "chair_notes")
WITHHELD_PAPER_FIELDS = ("text",)
# What withdrawn free text becomes on a laptop: empty, not NULL (a merged text field
# is never set to NULL by a pulled change).
WITHDRAWN = ""
_ALL_ROWS = "*"


@dataclass
class SiteScope:
    """The rows one user may not have, as ids per table (`*`: the whole table)."""

    user_id: str | None
    hidden: dict[str, set[str]] = field(default_factory=dict)
    withheld_items: set[str] = field(default_factory=set)  # exempt items: text withheld
    public_minutes: set[str] = field(default_factory=set)  # meetings: minutes public form
    unrestricted: bool = True

    def hides(self, table: str, row_id: str) -> bool:
        ids = self.hidden.get(table)
        return ids is not None and (_ALL_ROWS in ids or row_id in ids)

    def hides_file(self, sha256: str) -> bool:
        return self.hides("blobs", sha256)

    # -- snapshot -----------------------------------------------------------------------

    def rows(
        self, table: str, names: Sequence[str], page: Sequence[Sequence[Any]]
    ) -> list[Sequence[Any]]:
        """One page of a table's current rows, as this user may have them."""
        if self.unrestricted or (
            table not in self.hidden and table not in ("agenda_items", "minutes_versions")
        ):
            return list(page)
        key = names.index("sha256" if table == "blobs" else "id")
        out: list[Sequence[Any]] = []
        for row in page:
            row_id = str(row[key])
            if self.hides(table, row_id):
                continue
            if table == "agenda_items" and row_id in self.withheld_items:
                row = _blank(row, names, WITHHELD_ITEM_FIELDS)
            elif table == "minutes_versions":
                meeting = row[names.index("meeting_id")]
                if meeting in self.public_minutes:
                    i = names.index("content_json")
                    row = (*row[:i], public_minutes_content(row[i]), *row[i + 1 :])
            out.append(row)
        return out

    def keeps_clock(self, table: str, row_id: str) -> bool:
        return self.unrestricted or not self.hides(table, row_id)

    def keeps_conflict(self, table: str, row_id: str, name: str) -> bool:
        """Conflicts hold the competing values: none on rows or fields withheld."""
        if self.unrestricted:
            return True
        if self.hides(table, row_id):
            return False
        if table == "agenda_items" and row_id in self.withheld_items:
            return name not in WITHHELD_ITEM_FIELDS
        return not (table == "minutes_versions" and name == "content_json")

    # -- the log ------------------------------------------------------------------------

    def change(
        self, c: Change, *, heads: dict[str, Any] | None = None, meeting: str | None = None
    ) -> Change:
        """A pulled change as this user may have it (same place in the log). `heads`:
        the store's field clocks of an agenda item; `meeting`: a minutes version's."""
        if self.unrestricted or c.fields is None:
            return c
        table, fields = c.table_name, dict(c.fields)
        if self.hides(table, c.row_id):
            if table == "papers" and c.op == "U" and fields.get("exempt"):
                # a paper made unreadable: empty the text the laptop may already hold
                return _rewritten(c, {name: None for name in WITHHELD_PAPER_FIELDS}, None)
            return _rewritten(c, None, None, op="U")
        if table == "agenda_items" and c.row_id in self.withheld_items:
            base = dict(c.base or {})
            for name in WITHHELD_ITEM_FIELDS:
                fields.pop(name, None)
                base.pop(name, None)
            if c.op == "U" and fields.get("exempt"):  # made exempt: withdraw what was sent
                for name in WITHHELD_ITEM_FIELDS:
                    fields[name] = WITHDRAWN
                    head = (heads or {}).get(name)
                    base[name] = [list(head[:2])] if head else []
            return _rewritten(c, fields, base or None)
        if table == "minutes_versions" and "content_json" in fields:
            meeting = fields.get("meeting_id") or meeting
            if meeting is None or meeting in self.public_minutes:
                fields["content_json"] = public_minutes_content(str(fields["content_json"]))
                return _rewritten(c, fields, c.base)
        return c


def _blank(row: Sequence[Any], names: Sequence[str], withheld: Iterable[str]) -> tuple[Any, ...]:
    out = list(row)
    for name in withheld:
        if name in names:
            out[names.index(name)] = None
    return tuple(out)


def _rewritten(
    c: Change, fields: dict[str, Any] | None, base: dict[str, Any] | None, *, op: str | None = None
) -> Change:
    # A new Change, never `dataclasses.replace`: that would keep `logged`, the fields
    # and base as read from the log, and they would be what goes out.
    return Change(
        c.change_id,
        c.site_id,
        c.site_seq,
        c.hlc,
        c.table_name,
        c.row_id,
        op or c.op,
        fields,
        base,
        c.schema_version,
        c.user_id,
        c.server_seq,
    )


def scope_for(conn: Connection, user_id: str | None) -> SiteScope:
    """What `user_id` may not have, read from the store's rows now (None: unknown user)."""
    if user_id is None:
        return SiteScope(None)
    who = permissions.clearance(conn, user_id)
    boards = frozenset(conn.execute(select(Board.__table__.c.id)).scalars())
    scope = SiteScope(user_id, unrestricted=False)

    def ids(query: Any) -> set[str]:
        return {str(r) for r in conn.execute(query).scalars() if r is not None}

    hidden_items = permissions.hidden_items(who)
    hidden_papers = permissions.hidden_papers(who)
    annotations, questions = Annotation.__table__, Question.__table__
    scope.hidden["papers"] = ids(hidden_papers)
    scope.hidden["blobs"] = ids(permissions.hidden_blobs(who))
    scope.hidden["annotations"] = ids(
        select(annotations.c.id).where(
            ((annotations.c.shared.is_not(True)) & (annotations.c.author_id != user_id))
            | annotations.c.paper_id.in_(hidden_papers)
        )
    )
    scope.hidden["questions"] = ids(
        select(questions.c.id).where(
            ((questions.c.shared.is_not(True)) & (questions.c.author_id != user_id))
            | questions.c.agenda_item_id.in_(hidden_items)
        )
    )
    for model in (Decision, ActionArising, Declaration):
        t = model.__table__
        scope.hidden[model.__tablename__] = ids(
            select(t.c.id).where(t.c.agenda_item_id.in_(hidden_items))
        )
    if not who.reads_everything(boards):
        scope.hidden["audit_events"] = {_ALL_ROWS}
    items = AgendaItem.__table__
    scope.withheld_items = ids(select(items.c.id).where(not_(permissions.item_readable(who))))
    scope.public_minutes = ids(permissions.meetings_with_hidden_items(who))
    return scope


def minutes_meetings(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """The meeting of each minutes version (an update's fields do not name it)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    t = MinutesVersion.__table__
    rows = conn.execute(select(t.c.id, t.c.meeting_id).where(t.c.id.in_(wanted)))
    return {str(r[0]): str(r[1]) for r in rows}


def row_clocks(conn: Connection, table: str, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The central store's field clocks of some rows (the heads a withdrawal replaces)."""
    from db.sync.tables import row_clock

    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = conn.execute(
        select(row_clock.c.row_id, row_clock.c.clocks).where(
            row_clock.c.table_name == table, row_clock.c.row_id.in_(wanted)
        )
    )
    return {str(r[0]): clock_text.decode(r[1]) for r in rows}
