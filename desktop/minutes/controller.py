"""Reads and writes behind the Minutes page, each in one short session through `db.minutes`.

`MinutesController.read(meeting_id)` returns one frozen `MeetingMinutes`: the
meeting's versions, the version shown (the newest unless one is chosen), its
text as a `MinutesDoc` — the full text for those who may read exempt items,
the public text for everyone else, and, before any version exists, the draft
the record would generate — and what the person may do (`Rights`, from
`db.permissions`). Every write opens its own transaction as the person and
returns None, or the one sentence the database refused it with; the page
shows that sentence in a dialog. The rules themselves (who may circulate,
approve, sign; what a signed version refuses) live in `db/`, never here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from db.errors import BoardpackError, ValidationError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from db.minutes import MinutesDoc, VersionInfo
    from db.services.decisions import DuplicateNumber
    from db.services.meetings import MeetingRow
    from db.store import Database
    from exports.action_log import ActionLog

#: Decision kinds that can approve minutes "as a correct record".
APPROVING_KINDS = frozenset({"agreed", "approved"})


@dataclass(frozen=True)
class BoardChoice:
    board_id: str
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.code} — {self.name}"


@dataclass(frozen=True)
class Rights:
    """What the person may do with a board's minutes."""

    edit: bool  # the secretariat: draft, edit, circulate, correct, certificates
    approve: bool  # the chair: approve between meetings, sign
    run: bool  # record an approval made by a later meeting's decision
    read_exempt: bool  # read the full text (else the public text)


NO_RIGHTS = Rights(False, False, False, False)


@dataclass(frozen=True)
class MeetingMinutes:
    """One meeting's minutes as the page shows them."""

    meeting: MeetingRow
    versions: tuple[VersionInfo, ...]  # oldest first
    shown: VersionInfo | None  # None: nothing drafted yet; `doc` is the generated preview
    doc: MinutesDoc | None  # None: the stored text cannot be read (`unreadable` says why)
    rights: Rights
    unreadable: str | None = None
    # Decision numbers of this meeting also taken by another decision (offline).
    shared: tuple[DuplicateNumber, ...] = ()

    @property
    def latest(self) -> VersionInfo | None:
        return self.versions[-1] if self.versions else None

    @property
    def editable(self) -> bool:
        """Whether the shown version's sections can be edited by this person now."""
        shown, latest = self.shown, self.latest
        return (
            self.rights.edit
            and self.rights.read_exempt
            and shown is not None
            and self.doc is not None
            and latest is not None
            and shown.version_id == latest.version_id
            and shown.status in ("draft", "circulated")
        )


@dataclass(frozen=True)
class ApprovingDecision:
    """A decision of a later meeting that can approve the minutes as a correct record."""

    decision_id: str
    number: str
    meeting_date: dt.date
    wording: str

    @property
    def label(self) -> str:
        wording = self.wording if len(self.wording) <= 90 else self.wording[:89] + "…"
        return f"{self.number} ({self.meeting_date.day} {self.meeting_date:%b %Y}): {wording}"

    @property
    def about_minutes(self) -> bool:
        return "minutes" in self.wording.lower()


def unreadable_text(shown: VersionInfo | None, error: ValueError) -> str:
    """The sentence for minutes whose stored text cannot be read into a document."""
    what = f"version {shown.version}" if shown is not None else "the generated draft"
    return f"{what} cannot be read as minutes ({error}); a correction can replace it"


class MinutesController:
    """The Minutes page's reads and writes for one person, over one database."""

    def __init__(self, database: Database, actor_id: str | None, today: dt.date) -> None:
        self.database = database
        self.actor_id = actor_id
        self.today = today

    # Reads --------------------------------------------------------------------------

    def rights(self, session: Session, board_id: str) -> Rights:
        from db.permissions import Capability, allowed

        def can(capability: Capability) -> bool:
            return allowed(session, self.actor_id, board_id, capability)

        return Rights(
            edit=can(Capability.EDIT_BUSINESS),
            approve=can(Capability.APPROVE_MINUTES),
            run=can(Capability.RUN_MEETING),
            read_exempt=can(Capability.READ_EXEMPT),
        )

    def boards(self) -> tuple[BoardChoice, ...]:
        """The boards whose minutes this person may read, by code."""
        from db.permissions import Capability, allowed
        from db.services.meetings import meetings_of
        from db.views import board_context

        with self.database.session() as s:
            listing = meetings_of(s, self.actor_id, None, today=self.today)
            ids = dict.fromkeys(r.board_id for r in (*listing.upcoming, *listing.past))
            out = []
            for board_id in ids:
                if allowed(s, self.actor_id, board_id, Capability.READ_PUBLIC):
                    context = board_context(s, board_id)
                    out.append(BoardChoice(board_id, context.board_code, context.board_name))
        return tuple(sorted(out, key=lambda b: b.code))

    def closed_meetings(self, board_id: str) -> tuple[MeetingRow, ...]:
        """The board's closed meetings, newest first (only a closed meeting has minutes)."""
        from db.services.meetings import meetings_of

        with self.database.session() as s:
            listing = meetings_of(s, self.actor_id, board_id, today=self.today)
        rows = [r for r in (*listing.upcoming, *listing.past) if r.status == "closed"]
        return tuple(sorted(rows, key=lambda r: r.meeting_date, reverse=True))

    def latest_statuses(self, rows: tuple[MeetingRow, ...]) -> dict[str, tuple[int, str]]:
        """Each meeting's newest minutes version and its status, by meeting id."""
        from db.minutes import latest_version

        out: dict[str, tuple[int, str]] = {}
        with self.database.session() as s:
            for row in rows:
                latest = latest_version(s, row.meeting_id)
                if latest is not None:
                    out[row.meeting_id] = (latest.version, latest.status)
        return out

    def read(self, meeting: MeetingRow, version_id: str | None = None) -> MeetingMinutes:
        """The meeting's versions and the chosen (else newest) version's text.

        Raises:
            BoardpackError: the person may not read the board's minutes.
        """
        from db.minutes import build_minutes, version_doc, versions
        from db.services.decisions import duplicate_numbers

        with self.database.session() as s:
            rights = self.rights(s, meeting.board_id)
            found = versions(s, self.actor_id, meeting.meeting_id)
            shared = (
                tuple(duplicate_numbers(s, meeting.board_id, meeting_id=meeting.meeting_id))
                if rights.edit or rights.run
                else ()
            )
            shown = next((v for v in found if v.version_id == version_id), None)
            if shown is None and found:
                shown = found[-1]
            public = not rights.read_exempt
            try:
                if shown is None:
                    doc = build_minutes(s, self.actor_id, meeting.meeting_id, public=public)
                else:
                    doc = version_doc(s, self.actor_id, shown.version_id, public=public)
            except ValueError as error:  # stored text in a shape this version cannot read
                return MeetingMinutes(
                    meeting, found, shown, None, rights, unreadable_text(shown, error), shared
                )
        return MeetingMinutes(meeting, found, shown, doc, rights, shared=shared)

    def export_doc(self, minutes: MeetingMinutes, *, public: bool) -> MinutesDoc:
        """The shown version (or the generated draft) as the export renders it."""
        from db.minutes import build_minutes, version_doc

        with self.database.session() as s:
            try:
                if minutes.shown is None:
                    return build_minutes(
                        s, self.actor_id, minutes.meeting.meeting_id, public=public
                    )
                return version_doc(s, self.actor_id, minutes.shown.version_id, public=public)
            except ValueError as error:
                raise ValidationError(unreadable_text(minutes.shown, error)) from None

    def approving_decisions(self, meeting: MeetingRow) -> tuple[ApprovingDecision, ...]:
        """Agreed or approved decisions of the board's later meetings; those about minutes first."""
        from db.services.meeting_view import meeting_view

        later = [
            r
            for r in self.closed_or_running(meeting.board_id)
            if r.meeting_date > meeting.meeting_date
        ]
        found: list[ApprovingDecision] = []
        with self.database.session() as s:
            for row in sorted(later, key=lambda r: r.meeting_date):
                view = meeting_view(s, self.actor_id, row.meeting_id)
                found.extend(
                    ApprovingDecision(d.decision_id, d.number, row.meeting_date, d.wording)
                    for d in view.decisions
                    if d.kind in APPROVING_KINDS
                )
        found.sort(key=lambda d: (not d.about_minutes, d.meeting_date))
        return tuple(found)

    def closed_or_running(self, board_id: str) -> tuple[MeetingRow, ...]:
        from db.services.meetings import meetings_of

        with self.database.session() as s:
            listing = meetings_of(s, self.actor_id, board_id, today=self.today)
        return tuple(
            r for r in (*listing.upcoming, *listing.past) if r.status in ("closed", "in_progress")
        )

    def action_log(self, board_code: str) -> ActionLog:
        """The board's whole action log (open, overdue and closed) as at today."""
        from exports.action_log import load_action_log

        with self.database.session() as s:
            return load_action_log(s, self.actor_id, board_code, today=self.today)

    # Writes -------------------------------------------------------------------------

    def write(self, fn: Callable[[Session, str | None], Any]) -> str | None:
        """Run `fn(session, actor)` in one transaction; None, or the sentence refusing it."""
        try:
            with self.database.begin(self.actor_id) as s:
                fn(s, self.actor_id)
        except BoardpackError as error:
            return str(error)
        return None

    def create_draft(self, meeting_id: str) -> str | None:
        from db.minutes import create_draft

        return self.write(lambda s, actor: create_draft(s, actor, meeting_id))

    def edit_section(self, version_id: str, key: str, text: str) -> str | None:
        from db.minutes import edit_section

        return self.write(lambda s, actor: edit_section(s, actor, version_id, key, text))

    def circulate(self, version_id: str) -> str | None:
        from db.minutes import circulate

        return self.write(lambda s, actor: circulate(s, actor, version_id))

    def approve(self, version_id: str, decision_id: str | None) -> str | None:
        from db.minutes import approve

        return self.write(lambda s, actor: approve(s, actor, version_id, decision_id=decision_id))

    def sign(self, version_id: str) -> str | None:
        from db.minutes import sign

        return self.write(lambda s, actor: sign(s, actor, version_id))

    def start_correction(self, version_id: str) -> str | None:
        from db.minutes import start_correction

        return self.write(lambda s, actor: start_correction(s, actor, version_id))

    def renumber(self, shared: tuple[DuplicateNumber, ...]) -> tuple[list[str], str | None]:
        """Give every later decision of these shared numbers the next free number.

        Returns:
            "OPAB 20/01 → OPAB 20/03" for each renumbered decision, and None or the
            sentence refusing it (then nothing was renumbered).
        """
        from db.services.decisions import renumber_decision

        done: list[str] = []

        def run(s: Session, actor: str | None) -> None:
            for duplicate in shared:
                for d in duplicate.later:
                    ref = renumber_decision(s, actor, d.decision_id)
                    done.append(f"{d.number} → {ref.number}")

        problem = self.write(run)
        return ([] if problem else done), problem
