"""`desktop.background`: work runs on one worker thread, outcomes come back on the GUI thread."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.exc import OperationalError

from db.errors import ValidationError
from desktop.background import Cancelled, Op, Report, Worker, one_line


@pytest.fixture
def worker(qtbot: QtBot) -> Any:
    worker = Worker()
    yield worker
    assert worker.shutdown(5_000)


def _on_gui_thread() -> bool:
    app = QApplication.instance()
    assert app is not None
    return QThread.currentThread() is app.thread()


def test_fn_runs_off_the_gui_thread_and_callbacks_on_it(qtbot: QtBot, worker: Worker) -> None:
    seen: dict[str, Any] = {}

    def fn(report: Report) -> int:
        seen["fn_on_gui"] = _on_gui_thread()
        report("half way")
        return 42

    def progress(text: str) -> None:
        seen["progress"] = (text, _on_gui_thread())

    def success(value: int) -> None:
        seen["success"] = (value, _on_gui_thread())

    Op(worker, fn).success(success).progress(progress).run()
    qtbot.waitUntil(lambda: "success" in seen)
    assert seen == {
        "fn_on_gui": False,
        "progress": ("half way", True),
        "success": (42, True),
    }
    assert not worker.busy


def test_a_failure_reaches_the_failure_callback_on_the_gui_thread(
    qtbot: QtBot, worker: Worker
) -> None:
    got: list[tuple[str, bool]] = []

    def fn(_report: Report) -> None:
        raise ValidationError("the address is not a database")

    Op(worker, fn).success(lambda _: got.append(("success", True))).failure(
        lambda error: got.append((one_line(error), _on_gui_thread()))
    ).run()
    qtbot.waitUntil(lambda: bool(got))
    assert got == [("the address is not a database", True)]


def test_ops_run_one_at_a_time_in_the_order_asked(qtbot: QtBot, worker: Worker) -> None:
    order: list[int] = []
    running = [0]
    most = [0]
    lock = threading.Lock()

    def job(n: int) -> Any:
        def fn(_report: Report) -> int:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
            time.sleep(0.02)
            with lock:
                running[0] -= 1
            return n

        return fn

    busy: list[bool] = []
    worker.busy_changed.connect(busy.append)
    for n in range(5):
        Op(worker, job(n)).success(order.append).run()
    assert worker.busy
    qtbot.waitUntil(lambda: len(order) == 5)
    assert order == [0, 1, 2, 3, 4]
    assert most[0] == 1
    assert busy == [True, False]


def test_cancel_stops_a_running_op_at_its_next_report(qtbot: QtBot, worker: Worker) -> None:
    started = threading.Event()
    errors: list[BaseException] = []

    def fn(report: Report) -> None:
        started.set()
        for n in range(1000):
            report(f"step {n}")
            time.sleep(0.005)

    op = Op(worker, fn).failure(errors.append).run()
    assert started.wait(5)
    op.cancel()
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], Cancelled)
    assert one_line(errors[0]) == "cancelled"


def test_an_op_cancelled_before_it_starts_never_runs(qtbot: QtBot, worker: Worker) -> None:
    gate = threading.Event()
    ran: list[str] = []
    errors: list[BaseException] = []
    Op(worker, lambda _r: gate.wait(5)).run()
    second = Op(worker, lambda _r: ran.append("ran")).failure(errors.append).run()
    second.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(errors))
    assert ran == [] and isinstance(errors[0], Cancelled)


def test_shutdown_cancels_and_waits(qtbot: QtBot) -> None:
    worker = Worker()
    stopped = threading.Event()

    def fn(report: Report) -> None:
        try:
            while True:
                report("working")
                time.sleep(0.005)
        finally:
            stopped.set()

    Op(worker, fn).run()
    qtbot.waitUntil(lambda: worker.busy)
    time.sleep(0.05)
    assert worker.shutdown(5_000)
    assert stopped.is_set()
    with pytest.raises(RuntimeError):
        Op(worker, lambda _r: None).run()


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ValidationError("enter the address\nsecond line"), "enter the address"),
        (ValueError("bad value"), "ValueError: bad value"),
        (RuntimeError(), "RuntimeError"),
        (
            OperationalError("SELECT 1", {}, Exception("database is locked")),
            "Exception: database is locked",
        ),
    ],
)
def test_one_line_is_one_sentence_never_a_traceback(error: BaseException, expected: str) -> None:
    assert one_line(error) == expected
