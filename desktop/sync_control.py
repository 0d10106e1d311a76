"""The sync controller: when to sync, what the status is, and settling conflicts.

A `QObject` with no widgets, handed the open `Database` and the app's one
background `Worker`. It runs `db.sync.engine.sync` through that worker (a sync
now asked for by a person, or one every `BACKGROUND_SYNC_MINUTES` while a
central store is set), never two at once; polls `db.sync.engine.status` — a
few COUNT queries — every `STATUS_POLL_MS` so the status bar follows local
edits too; and runs the conflict resolutions of `db.sync.conflicts` on the
same worker, so a choice made during a sync simply waits for it. It reports
through signals; the status-bar part, the conflicts page and the dialogs
(`desktop.sync_ui`) decide what to show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.background import Cancelled, Op, Report, Worker, one_line

if TYPE_CHECKING:
    from db.store import Database
    from db.sync.conflicts import OpenConflict
    from db.sync.engine import SyncResult, SyncStatus

log = logging.getLogger(__name__)

#: How often a laptop with a central store syncs on its own (minutes).
BACKGROUND_SYNC_MINUTES = 5
#: How often the status bar re-reads the counts (milliseconds).
STATUS_POLL_MS = 3_000


@dataclass(frozen=True)
class OverrideRow:
    """One of this laptop's values that lost to a later change made elsewhere."""

    id: int
    table_name: str
    record: str  # "actions 1.1 — Reform the MASH"
    field: str
    yours: Any  # the value you set (wire value)
    kept: Any  # the value that won
    by: str  # who made the winning change


def progress_text(stage: str, done: int, total: int) -> str:
    """The engine's progress call as a line a person reads."""
    if stage == "push":
        return f"Sending changes: {done:,}"
    if stage == "pull":
        return f"Receiving changes: {done:,} of {total:,}" if total else f"Receiving: {done:,}"
    if stage.startswith("snapshot"):
        table = stage.removeprefix("snapshot").strip().replace("_", " ")
        return f"First sync: copying {table} ({done:,} rows)"
    return f"{stage}: {done:,}" + (f" of {total:,}" if total else "")


def result_text(result: SyncResult) -> str:
    """What a finished sync did, in a chair's words."""
    parts = [f"{result.pushed:,} sent", f"{result.pulled:,} received"]
    if result.first_sync:
        parts.insert(0, f"first sync ({result.snapshot_rows:,} records copied)")
    if result.files_up or result.files_down:
        parts.append(f"files {result.files_up:,} sent, {result.files_down:,} received")
    if result.conflicts:
        word = "conflict" if result.conflicts == 1 else "conflicts"
        parts.append(f"{result.conflicts:,} new {word} to resolve")
    if result.overrides:
        word = "change" if result.overrides == 1 else "changes"
        parts.append(f"{result.overrides:,} of your {word} overridden")
    return "Synced: " + ", ".join(parts)


class SyncController(QObject):
    """Sync now or in the background, one at a time; status; conflict resolutions."""

    #: The latest `SyncStatus`, emitted whenever it differs from the last one.
    status_changed = Signal(object)
    #: True when a sync starts, False when it ends (either way).
    running_changed = Signal(bool)
    #: A line saying how far the running sync has got.
    progressed = Signal(str)
    #: A sync finished: its `SyncResult`.
    synced = Signal(object)
    #: A sync failed: the one-line reason, and whether a person asked for it.
    failed = Signal(str, bool)
    #: Board records may have changed (a sync received some, a conflict was settled).
    data_changed = Signal()
    #: Open conflicts or overrides may have changed: the conflicts page reloads.
    conflicts_changed = Signal()
    #: A resolution could not be saved: the one-line reason.
    action_failed = Signal(str)
    #: True while a resolution is being saved.
    saving_changed = Signal(bool)

    def __init__(
        self,
        database: Database,
        worker: Worker,
        *,
        actor_id: str | None = None,
        poll_ms: int = STATUS_POLL_MS,
        interval_ms: int = BACKGROUND_SYNC_MINUTES * 60_000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.worker = worker
        #: The person acting: the author of conflict resolutions.
        self.actor_id = actor_id
        self._status: SyncStatus | None = None
        self._sync_op: Op[SyncResult] | None = None
        self._saving = 0
        self._closed = False
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.refresh)
        self._background = QTimer(self)
        self._background.setInterval(interval_ms)
        self._background.timeout.connect(self._background_tick)

    # Status ----------------------------------------------------------------

    @property
    def status(self) -> SyncStatus | None:
        """The status last read (None before the first `refresh`)."""
        return self._status

    @property
    def running(self) -> bool:
        return self._sync_op is not None

    @property
    def background_interval_ms(self) -> int:
        return self._background.interval()

    @property
    def background_active(self) -> bool:
        return self._background.isActive()

    def start(self) -> None:
        """Read the status now and keep it fresh."""
        self.refresh()
        self._poll.start()

    def refresh(self) -> SyncStatus | None:
        """Re-read the status; emits `status_changed` if it moved."""
        from db.sync.engine import status

        if self._closed:
            return self._status
        try:
            current = status(self.database)
        except Exception as error:  # a status bar must not bring the window down
            log.warning("could not read the sync status: %s", one_line(error))
            return self._status
        if current != self._status:
            self._status = current
            self.status_changed.emit(current)
        return current

    # Central store -----------------------------------------------------------

    def remote(self) -> str | None:
        """The central store address, if one is set."""
        from db.sync.settings import get_remote

        return get_remote(self.database)

    def set_remote(self, url: str, then: Callable[[], None] | None = None) -> None:
        """Save a checked address (on the worker, after any sync), then call `then`."""
        from db.sync.settings import set_remote

        def saved(_: str) -> None:
            self.refresh()
            if then is not None:
                then()

        (
            Op(self.worker, lambda _report: set_remote(self.database, url))
            .success(saved)
            .failure(lambda error: self.failed.emit(one_line(error), True))
            .run()
        )

    # Syncing -----------------------------------------------------------------

    def sync_now(self, *, manual: bool = True) -> bool:
        """Start a sync unless one is running or no central store is set; True if started."""
        if self.running or self._closed:
            return False
        url = self.remote()
        if url is None:
            return False
        database = self.database

        def run(report: Report) -> SyncResult:
            from db.sync.engine import sync
            from db.sync.settings import record_failure

            def progress(stage: str, done: int, total: int) -> None:
                report(progress_text(stage, done, total))

            try:
                return sync(database, url, progress=progress)
            except Exception as error:
                # The engine records its own failures, but not one met while opening
                # the central store; the status bar must show those too.
                record_failure(database, url, one_line(error))
                raise

        self._sync_op = (
            Op(self.worker, run)
            .success(self._sync_done)
            .failure(lambda error: self._sync_failed(error, manual))
            .progress(self.progressed.emit)
            .run()
        )
        self.running_changed.emit(True)
        return True

    def cancel(self) -> None:
        """Stop the running sync at its next safe point (between batches)."""
        if self._sync_op is not None:
            self._sync_op.cancel()

    def _sync_done(self, result: SyncResult) -> None:
        self._sync_op = None
        self.running_changed.emit(False)
        self.refresh()
        self.synced.emit(result)
        if result.pulled or result.first_sync or result.files_down:
            self.data_changed.emit()
        self.conflicts_changed.emit()

    def _sync_failed(self, error: BaseException, manual: bool) -> None:
        self._sync_op = None
        self.running_changed.emit(False)
        self.refresh()
        # A cancel is the person's own doing: the status bar says so, no dialog.
        self.failed.emit(one_line(error), manual and not isinstance(error, Cancelled))
        self.conflicts_changed.emit()

    def start_background(self, interval_ms: int | None = None) -> None:
        """Sync every `interval_ms` (default `BACKGROUND_SYNC_MINUTES`) while a store is set."""
        if interval_ms is not None:
            self._background.setInterval(interval_ms)
        self._background.start()

    def stop_background(self) -> None:
        self._background.stop()

    def pause(self) -> bool:
        """Stop reading the file (status polls, background syncs) while the app is locked;
        returns whether background syncs were on, for `resume`."""
        was_on = self._background.isActive()
        self._poll.stop()
        self._background.stop()
        return was_on

    def resume(self, *, background: bool) -> None:
        """Undo `pause`: read the status again, and restart background syncs if they were on."""
        if self._closed:
            return
        self.start()
        if background:
            self._background.start()

    def _background_tick(self) -> None:
        # Skipped, not queued, while a sync runs: the next tick comes soon enough.
        if not self.running:
            self.sync_now(manual=False)

    def shutdown(self, timeout_ms: int = 15_000) -> None:
        """Stop the timers, cancel the running sync and wait for the worker (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._poll.stop()
        self._background.stop()
        self.worker.shutdown(timeout_ms)

    # Conflicts -----------------------------------------------------------------

    def open_conflicts(self) -> list[OpenConflict]:
        """Every open conflict (a short read of the local file)."""
        from db.sync.conflicts import open_conflicts

        return open_conflicts(self.database)

    def overrides(self) -> list[OverrideRow]:
        """This laptop's values that lost to later changes elsewhere, not yet marked seen."""
        from db.sync.conflicts import overrides

        return [
            OverrideRow(o.id, o.table_name, o.record, o.field, o.lost_value, o.won_value, o.won_by)
            for o in overrides(self.database)
        ]

    def keep_text(self, conflict: OpenConflict, text: str) -> None:
        """Settle a free-text conflict with one version's text or a merged text."""
        from db.sync.conflicts import resolve_text

        actor = self.actor_id
        self._save(lambda: resolve_text(self.database, conflict, text, actor))

    def settle_deleted(self, conflict: OpenConflict, *, restore: bool) -> None:
        """Keep a record deleted, or restore it with the changes that met the delete."""
        from db.sync.conflicts import resolve_deleted

        actor = self.actor_id
        self._save(
            lambda: resolve_deleted(self.database, conflict, restore=restore, actor_id=actor)
        )

    def keep_signed(self, conflict: OpenConflict) -> None:
        """Let signed minutes stand; the change made after signing is set aside."""
        from db.sync.conflicts import acknowledge_frozen

        actor = self.actor_id
        self._save(lambda: acknowledge_frozen(self.database, conflict, actor))

    def mark_seen(self, ids: list[int]) -> None:
        """The person has seen these overridden changes."""
        from db.sync.conflicts import mark_overrides_seen

        self._save(lambda: mark_overrides_seen(self.database, ids), data=False)

    def _save(self, write: Callable[[], None], *, data: bool = True) -> None:
        def done(_: None) -> None:
            self._saved()
            self.refresh()
            if data:
                self.data_changed.emit()
            self.conflicts_changed.emit()

        def failed(error: BaseException) -> None:
            self._saved()
            self.action_failed.emit(one_line(error))
            self.conflicts_changed.emit()

        self._saving += 1
        if self._saving == 1:
            self.saving_changed.emit(True)
        Op(self.worker, lambda _report: write()).success(done).failure(failed).run()

    def _saved(self) -> None:
        self._saving -= 1
        if self._saving == 0:
            self.saving_changed.emit(False)

    @property
    def saving(self) -> bool:
        return self._saving > 0
