"""Work off the GUI thread through one helper: `Op(worker, fn).success(cb).failure(cb).run()`.

Anki's `CollectionOp` shape. A `Worker` owns one thread, so database writes
and syncs run one at a time, in the order they were asked for, and never
race each other for SQLite's write lock. `fn` runs on that thread and is
handed a `report(text)` callable for progress; everything else — the
success, failure and progress callbacks — runs on the GUI thread, delivered
by queued signals, so no widget is ever touched from the worker. `report`
is also where a cancelled op stops: after `Op.cancel()` the next `report`
raises `Cancelled`. `one_line` turns any failure into the single sentence a
dialog or the status bar shows; tracebacks go to the log only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
Report = Callable[[str], None]


class Cancelled(Exception):
    """The person cancelled the op; raised by `report` at the op's next safe point."""

    def __init__(self) -> None:
        super().__init__("cancelled")


def one_line(error: BaseException) -> str:
    """The one sentence to show for a failure: never a traceback.

    Boardpack's own errors already carry a sentence a person can act on;
    anything else is named by its type and the first line of its message (a
    wrapped database error by its driver's message).
    """
    from db.errors import BoardpackError

    if isinstance(error, BoardpackError | Cancelled):
        text = str(error)
    else:
        cause = getattr(error, "orig", None) or error
        text = f"{type(cause).__name__}: {cause}" if str(cause).strip() else type(cause).__name__
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


class Worker(QObject):
    """One background thread for database writes and sync; ops run in order, one at a time."""

    #: True while an op is queued or running, False once all are done.
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(-1)  # keep the one thread for the app's lifetime
        self._ops: set[Op[Any]] = set()
        self._closed = False

    @property
    def busy(self) -> bool:
        return bool(self._ops)

    def _submit(self, op: Op[Any]) -> None:
        if self._closed:
            raise RuntimeError("the worker has been shut down")
        was_busy = self.busy
        self._ops.add(op)
        self._pool.start(op._execute)
        if not was_busy:
            self.busy_changed.emit(True)

    def _finished(self, op: Op[Any]) -> None:
        self._ops.discard(op)
        if not self._ops:
            self.busy_changed.emit(False)

    def cancel_all(self) -> None:
        """Cancel every queued or running op (each stops at its next `report`)."""
        for op in list(self._ops):
            op.cancel()

    def shutdown(self, timeout_ms: int = 15_000) -> bool:
        """Cancel what is left and wait for the thread; True if it finished in time."""
        self._closed = True
        self.cancel_all()
        return self._pool.waitForDone(timeout_ms)


class _Relay(QObject):
    """Lives on the GUI thread; the worker thread emits, the GUI thread receives."""

    done = Signal(object)
    failed = Signal(object)
    progressed = Signal(str)

    def __init__(self, op: Op[Any], parent: QObject) -> None:
        super().__init__(parent)
        self._op: Op[Any] | None = op
        queued = Qt.ConnectionType.QueuedConnection
        self.done.connect(self._on_done, queued)
        self.failed.connect(self._on_failed, queued)
        self.progressed.connect(self._on_progress, queued)

    @Slot(object)
    def _on_done(self, value: object) -> None:
        if self._op is not None:
            op, self._op = self._op, None
            op._deliver(value, None)
        self.deleteLater()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        if self._op is not None:
            op, self._op = self._op, None
            op._deliver(None, error if isinstance(error, BaseException) else RuntimeError(error))
        self.deleteLater()

    @Slot(str)
    def _on_progress(self, text: str) -> None:
        if self._op is not None:
            self._op._progressed(text)


class Op(Generic[T]):
    """One piece of background work and what to do with its outcome on the GUI thread."""

    def __init__(self, worker: Worker, fn: Callable[[Report], T]) -> None:
        self._worker = worker
        self._fn = fn
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_progress: Callable[[str], None] | None = None
        self._cancel = threading.Event()
        self._relay: _Relay | None = None
        self.running = False
        self.finished = False

    def success(self, callback: Callable[[T], None]) -> Op[T]:
        """Call `callback(result)` on the GUI thread when `fn` returns."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Op[T]:
        """Call `callback(error)` on the GUI thread when `fn` raises (or is cancelled).

        Without one, the failure is logged and otherwise ignored.
        """
        self._on_failure = callback
        return self

    def progress(self, callback: Callable[[str], None]) -> Op[T]:
        """Call `callback(text)` on the GUI thread each time `fn` reports."""
        self._on_progress = callback
        return self

    def run(self) -> Op[T]:
        """Queue the op on the worker; returns at once."""
        # Parented to the worker so Qt, not Python's collector, decides when it goes.
        self._relay = _Relay(self, self._worker)
        self.running = True
        self._worker._submit(self)
        return self

    def cancel(self) -> None:
        """Ask the op to stop: before it starts it never runs; once running, at its next report."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    # Worker thread ---------------------------------------------------------

    def _report(self, text: str) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        if self._relay is not None:
            self._relay.progressed.emit(text)

    def _execute(self) -> None:
        relay = self._relay
        assert relay is not None
        try:
            if self._cancel.is_set():
                raise Cancelled()
            value = self._fn(self._report)
        except Exception as error:
            from db.errors import BoardpackError

            if not isinstance(error, BoardpackError | Cancelled):
                log.error("background op failed", exc_info=error)
            relay.failed.emit(error)
        else:
            relay.done.emit(value)

    # GUI thread ------------------------------------------------------------

    def _progressed(self, text: str) -> None:
        if self._on_progress is not None and not self.finished:
            self._on_progress(text)

    def _deliver(self, value: object, error: BaseException | None) -> None:
        self.running = False
        self.finished = True
        self._worker._finished(self)
        if error is None:
            if self._on_success is not None:
                self._on_success(value)  # type: ignore[arg-type]
        elif self._on_failure is not None:
            self._on_failure(error)
        else:
            log.warning("background op failed with no one to tell: %s", one_line(error))
