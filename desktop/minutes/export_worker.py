"""Exports and signature checks on the page's background worker, behind a progress dialog.

The functions here run on the worker thread (`desktop.background`): they take
plain values read on the GUI thread — a `MinutesDoc`, an `ActionLog` — and
never open a session or touch a widget. Each reports its step ("Laying out
the minutes…", "Signing…"), which is also where Cancel stops it, and writes
its file whole (to `name.partial`, then moved into place) or not at all.
`run_with_progress` wires one of them to a `QProgressDialog` and to the
success and failure callbacks, which Qt delivers on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

if TYPE_CHECKING:
    from db.minutes import MinutesDoc
    from desktop.background import Op, Report, Worker
    from exports.action_log import ActionLog
    from exports.signing import Verdict

T = TypeVar("T")


@dataclass(frozen=True)
class SignWith:
    """The chair's PKCS#12 and its passphrase, for one signing."""

    pkcs12: Path
    passphrase: str


def write_whole(out: Path, data: bytes) -> None:
    tmp = out.with_name(out.name + ".partial")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def write_minutes(
    doc: MinutesDoc, out: Path, fmt: str, sign: SignWith | None, report: Report
) -> Path:
    """Render the minutes as PDF or HTML, sign the PDF if asked, and write it to `out`."""
    report("Laying out the minutes…")
    if fmt == "html":
        from exports.minutes_html import render_minutes_html

        data = render_minutes_html(doc).encode("utf-8")
    else:
        from exports.minutes_pdf import minutes_pdf_bytes

        data = minutes_pdf_bytes(doc)
    if sign is not None:
        report("Signing with the chair's certificate…")
        from exports.signing import sign_pdf

        record = doc.record
        state = f"version {record.version}, {record.status}" if record else "unsigned"
        kind = "public" if doc.public else "full"
        data = sign_pdf(
            data,
            None,
            sign.pkcs12,
            sign.passphrase,
            reason=f"Signed by the chair as a correct record ({kind} minutes, {state})",
            location=doc.board_name,
        )
    report("Writing the file…")
    write_whole(out, data)
    return out


def verify_file(path: Path, roots: Sequence[Path], report: Report) -> Verdict:
    """pyHanko's verdict on a signed PDF, trusting `roots`."""
    report("Checking the signature…")
    from exports.signing import verify_pdf

    return verify_pdf(path, list(roots))


def write_action_log(log: ActionLog, out: Path, report: Report) -> Path:
    """The board's action log as PDF, XLSX or CSV (by the file's suffix)."""
    report(f"Writing the action log ({len(log.rows)} actions)…")
    from exports.action_log import export_action_log

    export_action_log(log, out)
    return out


def run_with_progress(
    worker: Worker,
    parent: QWidget,
    title: str,
    work: Callable[[Report], T],
    done: Callable[[T], None],
    failed: Callable[[str], None],
) -> tuple[Op[T], QProgressDialog]:
    """Run `work` on `worker` with a window-modal progress dialog whose Cancel stops it."""
    from desktop.background import Op, one_line

    progress = QProgressDialog(title, "Cancel", 0, 0, parent)
    progress.setWindowTitle(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(300)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setAccessibleName(title)
    finished = [False]

    def close() -> None:
        finished[0] = True
        progress.hide()
        progress.deleteLater()

    def succeeded(value: T) -> None:
        close()
        done(value)

    def went_wrong(error: BaseException) -> None:
        close()
        failed(one_line(error))

    op: Op[T] = Op(worker, work).success(succeeded).failure(went_wrong)
    op.progress(lambda text: None if finished[0] else progress.setLabelText(text))

    def cancelled(*_args: Any) -> None:
        if not finished[0]:
            op.cancel()

    progress.canceled.connect(cancelled)
    op.run()
    return op, progress
