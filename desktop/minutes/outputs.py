"""The Minutes page's outputs: exports, the signature check, the action log, certificates.

`MinutesOutputs` does what the page's Export…, Verify a signed PDF…, Action
log… and Certificates buttons ask, against a small host protocol (the page):
it asks for files and passphrases (static `QFileDialog` / `QInputDialog`
calls), reads what to render on the GUI thread through the page's
controller, then renders, signs, verifies and writes on its own background
worker behind a progress dialog (`desktop.minutes.export_worker`). A
failure is one sentence in a dialog; Cancel says so in the notice line.

Signing certificates live in the signing folder under the user data
directory — the one `boardpack ca` and `boardpack minutes verify` use — so a
CA created here is trusted there, and the other way round.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit

from db.errors import BoardpackError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog

    from desktop.background import Op, Worker
    from desktop.minutes.controller import MeetingMinutes, MinutesController
    from desktop.minutes.dialogs import ExportOptions, NewCa, NewCertificate
    from exports.signing import Verdict
    from widgets.page_parts import Notice


def signing_folder() -> Path:
    """Where this machine keeps board CAs and signing certificates (as the CLI does)."""
    from desktop.cli_minutes import signing_folder as folder_of
    from desktop.paths import app_paths

    return folder_of(app_paths())


def _long_date(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%B %Y}"


class OutputsHost(Protocol):
    """What the outputs need of the page."""

    @property
    def minutes(self) -> MeetingMinutes | None: ...
    @property
    def controller(self) -> MinutesController | None: ...
    @property
    def notice(self) -> Notice: ...

    def board_code(self) -> str | None: ...
    def board_name(self) -> str: ...
    def chair_name(self) -> str: ...
    def save_typing(self) -> bool: ...
    def refuse(self, problem: str, title: str) -> Any: ...
    def keep(self, dialog: QDialog) -> None: ...


class MinutesOutputs:
    """Exports, the signature check, the action log and certificates, for one page."""

    def __init__(self, host: Any) -> None:
        self.host: Any = host  # an OutputsHost that is also a QWidget (dialogs' parent)
        self.last_export: Path | None = None
        self.last_verdict: Verdict | None = None
        self.progress: QProgressDialog | None = None
        self._op: Op[Any] | None = None
        self._worker: Worker | None = None

    def shutdown(self, timeout_ms: int = 15_000) -> None:
        """Stop the worker (an export in progress finishes or stops at its next step)."""
        if self._worker is not None:
            self._worker.shutdown(timeout_ms)

    def worker(self) -> Worker:
        from desktop.background import Worker

        if self._worker is None:
            self._worker = Worker(self.host)
        return self._worker

    def _run(self, title: str, work: Any, done: Any) -> None:
        from desktop.minutes.export_worker import run_with_progress

        def failed(problem: str) -> None:
            self._op = None
            if problem == "cancelled":
                self.host.notice.say(f"{title}: cancelled.")
            else:
                self.host.refuse(problem, f"{title}: not done")

        def succeeded(value: Any) -> None:
            self._op = None
            done(value)

        self._op, self.progress = run_with_progress(
            self.worker(), self.host, title, work, succeeded, failed
        )

    @property
    def busy(self) -> bool:
        return self._op is not None

    def open_export(self) -> QDialog | None:
        minutes = self.host.minutes
        if minutes is None or self.busy:
            return None
        self.host.save_typing()
        from desktop.minutes.dialogs import ExportDialog
        from exports.signing_ca import certificates

        shown = minutes.shown
        label = (
            f"Version {shown.version} ({shown.status}) of the minutes of "
            f"{_long_date(minutes.meeting.meeting_date)}."
            if shown
            else "The draft the meeting's record gives (not yet saved as a version)."
        )
        dialog = ExportDialog(
            label,
            certificates(signing_folder()),
            self.export,
            self.host,
            may_read_full=minutes.rights.read_exempt,
            signed=shown is not None and shown.status == "signed",
        )
        self.host.keep(dialog)
        return dialog

    def export(self, options: ExportOptions) -> str | None:
        """Ask where, and for the passphrase when signing; then export on the worker."""
        minutes, controller = self.host.minutes, self.host.controller
        if minutes is None or controller is None:
            return "choose a meeting first"
        from desktop.minutes.export_worker import SignWith, write_minutes

        kind = "public" if options.public else "full"
        day = minutes.meeting.meeting_date.isoformat()
        suffix = options.fmt
        suggested = Path.home() / f"{minutes.meeting.board_code}-minutes-{day}-{kind}.{suffix}"
        name_filter = "PDF (*.pdf)" if suffix == "pdf" else "HTML (*.html)"
        chosen, _ = QFileDialog.getSaveFileName(
            self.host, "Export the minutes", str(suggested), name_filter
        )
        if not chosen:
            return None
        out = Path(chosen)
        accepted = (".html", ".htm") if suffix == "html" else (".pdf",)
        if out.suffix.lower() not in accepted:
            out = out.with_name(f"{out.name}.{suffix}")
        sign = None
        if options.sign:
            pkcs12 = options.certificate
            if pkcs12 is None:
                picked, _ = QFileDialog.getOpenFileName(
                    self.host,
                    "The chair's certificate",
                    str(signing_folder()),
                    "PKCS#12 (*.p12 *.pfx)",
                )
                if not picked:
                    return None
                pkcs12 = Path(picked)
            passphrase, ok = QInputDialog.getText(
                self.host,
                "Certificate passphrase",
                f"Passphrase of {pkcs12.name}:",
                QLineEdit.EchoMode.Password,
            )
            if not ok:
                return None
            sign = SignWith(pkcs12, passphrase)
        try:
            doc = controller.export_doc(minutes, public=options.public)
        except BoardpackError as error:
            return str(error)

        def done(path: Path) -> None:
            self.last_export = path
            signed = ", signed" if sign is not None else ""
            self.host.notice.say(
                f"The {kind} minutes ({suffix.upper()}{signed}) were saved to {path}."
            )

        self._run(
            "Exporting the minutes",
            lambda report: write_minutes(doc, out, options.fmt, sign, report),
            done,
        )
        return None

    def verify_signed_pdf(self) -> None:
        """Choose a PDF and say who signed it, when, and whether it is intact."""
        if self.busy:
            return
        from desktop.minutes.export_worker import verify_file
        from exports.signing_ca import trust_roots

        chosen, _ = QFileDialog.getOpenFileName(
            self.host, "Verify a signed PDF", str(Path.home()), "PDF (*.pdf)"
        )
        if not chosen:
            return
        path = Path(chosen)
        roots = trust_roots(signing_folder())

        def done(verdict: Verdict) -> None:
            from desktop.minutes.dialogs import verdict_box

            self.last_verdict = verdict
            self.host.keep(verdict_box(verdict, path.name, self.host))

        self._run("Checking the signature", lambda report: verify_file(path, roots, report), done)

    def export_action_log(self) -> None:
        """The board's action log as PDF, XLSX or CSV, chosen by the file's type."""
        controller, code = self.host.controller, self.host.board_code()
        if controller is None or code is None or self.busy:
            return
        from desktop.minutes.export_worker import write_action_log

        filters = "PDF (*.pdf);;Excel workbook (*.xlsx);;CSV (*.csv)"
        suggested = Path.home() / f"{code}-action-log.pdf"
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self.host, "Export the action log", str(suggested), filters
        )
        if not chosen:
            return
        out = Path(chosen)
        if out.suffix.lower() not in (".pdf", ".xlsx", ".csv"):
            wanted = next((k for k in ("xlsx", "csv") if k in chosen_filter), "pdf")
            out = out.with_name(f"{out.name}.{wanted}")
        try:
            log = controller.action_log(code)
        except BoardpackError as error:
            self.host.refuse(str(error), "Action log not exported")
            return

        def done(path: Path) -> None:
            self.last_export = path
            self.host.notice.say(
                f"The action log of {code} ({len(log.rows)} actions) was saved to {path}."
            )

        self._run(
            "Exporting the action log", lambda report: write_action_log(log, out, report), done
        )

    def open_create_ca(self) -> QDialog | None:
        code = self.host.board_code()
        if code is None:
            return None
        from desktop.minutes.dialogs import CreateCaDialog
        from exports.signing_ca import create_ca

        folder = signing_folder()
        name = self.host.board_name()

        def submit(value: NewCa) -> str | None:
            try:
                info = create_ca(
                    folder, code, value.passphrase, board_name=name, organisation=value.organisation
                )
            except BoardpackError as error:
                return str(error)
            self.host.notice.say(f"{info.subject} created; signed minutes are checked against it.")
            return None

        dialog = CreateCaDialog(f"{code} ({name})", folder, submit, self.host)
        self.host.keep(dialog)
        return dialog

    def open_issue_certificate(self) -> QDialog | None:
        code = self.host.board_code()
        if code is None:
            return None
        from desktop.minutes.dialogs import IssueCertificateDialog
        from exports.signing_ca import issue_certificate

        chair = self.host.chair_name()

        def submit(value: NewCertificate) -> str | None:
            try:
                info = issue_certificate(
                    signing_folder(),
                    code,
                    value.ca_passphrase,
                    name=value.name,
                    passphrase=value.passphrase,
                    email=value.email,
                )
            except BoardpackError as error:
                return str(error)
            self.host.notice.say(f"Signing certificate for {value.name} saved as {info.path}.")
            return None

        dialog = IssueCertificateDialog(chair, submit, self.host)
        self.host.keep(dialog)
        return dialog

    def import_certificate(self) -> None:
        from exports.signing_ca import import_certificate

        chosen, _ = QFileDialog.getOpenFileName(
            self.host,
            "Import a council signing certificate",
            str(Path.home()),
            "PKCS#12 (*.p12 *.pfx)",
        )
        if not chosen:
            return
        passphrase, ok = QInputDialog.getText(
            self.host,
            "Certificate passphrase",
            f"Passphrase of {Path(chosen).name}:",
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        try:
            info = import_certificate(signing_folder(), Path(chosen), passphrase)
        except BoardpackError as error:
            self.host.refuse(str(error), "Certificate not imported")
            return
        self.host.notice.say(f"Certificate of {info.subject} imported as {info.path.name}.")
