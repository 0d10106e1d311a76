"""Every write of the attendance panel and the cockpit, each committed at once.

One short transaction per user action (`Database.begin`), through the services
of `db.services.meetings` (open, move on, close), `.meeting_notes`,
`.decisions`, `.attendance` and `.declarations` (the agenda editor writes
through `db.services.agenda` itself); nothing is ever held back for a save
button. Each method returns None on success or the one sentence the database
refused with (a `BoardpackError`), which the caller shows in a dialog. After
a write the controller calls `changed(topic)` so the page can re-read what it
shows and tell the other pages ("meetings", and "plan" or "risks" when a RAG
change or a risk review touched them). `committed` hooks let the crash test's
driver log each committed decision and each notes save with its time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from db.errors import BoardpackError
from db.store import Database

T = TypeVar("T")


@dataclass
class MeetingController:
    """Writes for one meeting of one board, acting as `actor_id`."""

    database: Database
    actor_id: str | None
    meeting_id: str
    today: dt.date
    changed: Callable[[str], None] = lambda _topic: None
    #: Called after each commit with (what, id): ("decision", id), ("notes", item id), …
    committed: list[Callable[[str, str], None]] = field(default_factory=list)
    last_error: str | None = None

    def _run(self, fn: Callable[[Any], T], topic: str | None = "meetings") -> T | None:
        self.last_error = None
        try:
            with self.database.begin(self.actor_id) as s:
                result = fn(s)
        except BoardpackError as error:
            self.last_error = str(error)
            return None
        if topic is not None:
            self.changed(topic)
        return result

    def _done(self, what: str, ident: str) -> None:
        for hook in self.committed:
            hook(what, ident)

    def _decided(self, ref: Any, *, also: str | None = None) -> str | None:
        """After a write that records a decision: tell the hooks, re-read `also`."""
        if ref is not None:
            self._done("decision", ref.decision_id)
        if also is not None and self.last_error is None:
            self.changed(also)
        return self.last_error

    # Meeting life ------------------------------------------------------------------

    def open_meeting(self) -> str | None:
        from db.services.meetings import open_meeting

        self._run(lambda s: open_meeting(s, self.actor_id, self.meeting_id))
        return self.last_error

    def start_item(self, item_id: str) -> str | None:
        from db.services.meetings import start_item

        self._run(lambda s: start_item(s, self.actor_id, item_id))
        return self.last_error

    def close_meeting(self) -> str | None:
        from db.services.meetings import close_meeting

        self._run(lambda s: close_meeting(s, self.actor_id, self.meeting_id))
        if self.last_error is None:
            self._done("close", self.meeting_id)
        return self.last_error

    # Notes ----------------------------------------------------------------------------

    def save_notes(
        self, item_id: str, *, discussion: str | None = None, chair_notes: str | None = None
    ) -> str | None:
        """Write an item's notes; announces nothing (the cockpit already shows them)."""
        from db.services.meeting_notes import save_notes

        self._run(
            lambda s: save_notes(
                s, self.actor_id, item_id, discussion=discussion, chair_notes=chair_notes
            ),
            topic=None,
        )
        if self.last_error is None:
            self._done("notes", item_id)
        return self.last_error

    # Decisions and actions ----------------------------------------------------------

    def record_decision(self, item_id: str, value: Any) -> str | None:
        """Record a decision (`value`: a `dialogs.DecisionInput`)."""
        from db.services.decisions import record_decision

        ref = self._run(
            lambda s: record_decision(
                s,
                self.actor_id,
                item_id,
                value.kind,
                value.wording,
                **value.votes(),
            )
        )
        return self._decided(ref)

    def amend_decision(self, decision_id: str, value: Any) -> str | None:
        from db.services.decisions import amend_decision

        ref = self._run(
            lambda s: amend_decision(
                s,
                self.actor_id,
                decision_id,
                wording=value.wording,
                kind=value.kind,
                **value.votes(),
            )
        )
        return self._decided(ref)

    def add_action(self, item_id: str, value: Any) -> str | None:
        from db.services.decisions import add_action_arising

        ident = self._run(
            lambda s: add_action_arising(
                s,
                self.actor_id,
                item_id,
                value.text,
                owner_id=value.owner_id,
                due_date=value.due_date,
                plan_action_id=value.plan_action_id,
            )
        )
        if ident is not None:
            self._done("action", str(ident))
        return self.last_error

    def close_action(self, action_arising_id: str, note: str) -> str | None:
        from db.services.decisions import close_action_arising

        self._run(
            lambda s: close_action_arising(
                s, self.actor_id, action_arising_id, self.meeting_id, note
            )
        )
        return self.last_error

    def agree_rag(self, item_id: str, value: Any) -> str | None:
        from db.services.decisions import agree_rag_change

        ref = self._run(
            lambda s: agree_rag_change(
                s,
                self.actor_id,
                item_id,
                value.action_id,
                value.rag,
                value.commentary,
                new_due_date=value.new_due_date,
                due_date_reason=value.due_date_reason,
                today=self.today,
            ),
            topic="plan",
        )
        return self._decided(ref, also="meetings")

    def accept_evidence(self, item_id: str, value: Any) -> str | None:
        from db.services.decisions import accept_evidence

        ref = self._run(
            lambda s: accept_evidence(
                s, self.actor_id, item_id, value.evidence_id, note=value.note
            ),
            topic="plan",
        )
        return self._decided(ref, also="meetings")

    def review_risk(self, item_id: str, value: Any) -> str | None:
        from db.services.decisions import review_risk

        ref = self._run(
            lambda s: review_risk(
                s,
                self.actor_id,
                item_id,
                value.risk_id,
                value.likelihood,
                value.impact,
                note=value.note,
            ),
            topic="risks",
        )
        return self._decided(ref, also="meetings")

    # Attendance and declarations ----------------------------------------------------

    def set_attendance(self, person_id: str, status: Any, mode: Any, capacity: Any) -> str | None:
        from db.services.attendance import set_attendance

        self._run(
            lambda s: set_attendance(
                s, self.actor_id, self.meeting_id, person_id, status, mode=mode, capacity=capacity
            )
        )
        return self.last_error

    def record_arrival(self, person_id: str, item_id: str) -> str | None:
        from db.services.attendance import record_arrival

        self._run(lambda s: record_arrival(s, self.actor_id, self.meeting_id, person_id, item_id))
        return self.last_error

    def record_departure(self, person_id: str, after_item_id: str) -> str | None:
        from db.services.attendance import record_departure

        self._run(
            lambda s: record_departure(s, self.actor_id, self.meeting_id, person_id, after_item_id)
        )
        return self.last_error

    def add_declaration(
        self, person_id: str, interest: str, item_id: str | None, action_taken: str | None
    ) -> str | None:
        from db.services.declarations import add_declaration

        self._run(
            lambda s: add_declaration(
                s,
                self.actor_id,
                self.meeting_id,
                person_id,
                interest,
                item_id=item_id,
                action_taken=action_taken,
            )
        )
        return self.last_error
