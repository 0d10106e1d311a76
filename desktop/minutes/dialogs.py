"""The Minutes page's forms: approve, export, the board's signing CA, the chair's certificate.

Each is a `MeetingForm` (desktop.meeting_mode.dialogs): it never touches the
database or the disk itself; the page hands it a `submit` that does the work
and returns None or the one sentence it was refused with, which the form
shows in itself and in a message box, keeping what was typed. `verdict_box`
shows what verifying a signed PDF found: who signed, when, intact or tampered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QWidget,
)

from desktop.meeting_mode.dialogs import MeetingForm

if TYPE_CHECKING:
    from desktop.minutes.controller import ApprovingDecision
    from exports.signing import Verdict

OTHER_FILE = "__other__"


@dataclass(frozen=True)
class Approval:
    decision_id: str | None  # None: the chair, between meetings


class ApproveDialog(MeetingForm[Approval]):
    """Approved as a correct record: by a later meeting's decision (chosen), or by the chair."""

    def __init__(
        self,
        meeting_label: str,
        decisions: Sequence[ApprovingDecision],
        submit: Callable[[Approval], str | None],
        parent: QWidget | None = None,
        *,
        by_decision: bool,
        by_chair: bool,
    ) -> None:
        super().__init__("Approve the minutes", submit, parent, "Approve")
        intro = QLabel(f"Approve the minutes of {meeting_label} as a correct record:")
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.decision_choice = QRadioButton("By a &decision of a later meeting")
        self.chair_choice = QRadioButton("By the &chair, between meetings")
        group = QButtonGroup(self)
        group.addButton(self.decision_choice)
        group.addButton(self.chair_choice)
        self.decision = QComboBox()
        self.decision.setAccessibleName("The approving decision")
        for d in decisions:
            self.decision.addItem(d.label, d.decision_id)
        self.decision.setMinimumContentsLength(40)
        self.decision_choice.setEnabled(by_decision and bool(decisions))
        self.chair_choice.setEnabled(by_chair)
        if not decisions:
            self.decision.addItem("No later meeting has recorded a decision yet", None)
        self.form.addRow(self.decision_choice)
        self.form.addRow("Decision:", self.decision)
        self.form.addRow(self.chair_choice)
        if not by_chair:
            self.form.addRow(QLabel("Only the chair approves minutes between meetings."))
        if self.decision_choice.isEnabled():
            self.decision_choice.setChecked(True)
        elif self.chair_choice.isEnabled():
            self.chair_choice.setChecked(True)
        self.decision_choice.toggled.connect(self.decision.setEnabled)
        self.decision.setEnabled(self.decision_choice.isChecked())

    def collect(self) -> Approval | str:
        if self.chair_choice.isChecked():
            return Approval(None)
        if self.decision_choice.isChecked():
            chosen = self.decision.currentData()
            return Approval(chosen) if chosen else "choose the decision that approved them"
        return "choose how the minutes were approved"


@dataclass(frozen=True)
class ExportOptions:
    public: bool
    fmt: str  # "pdf" or "html"
    sign: bool
    certificate: Path | None  # None with sign: ask for a file


class ExportDialog(MeetingForm[ExportOptions]):
    """Full or public, PDF or HTML, and whether to sign the PDF with a certificate on file."""

    def __init__(
        self,
        version_label: str,
        certificates: Sequence[Path],
        submit: Callable[[ExportOptions], str | None],
        parent: QWidget | None = None,
        *,
        may_read_full: bool,
        signed: bool,
    ) -> None:
        super().__init__("Export the minutes", submit, parent, "Export")
        about = QLabel(version_label)
        about.setWordWrap(True)
        self.form.addRow(about)
        self.full = QRadioButton("&Full minutes (exempt items included)")
        self.public = QRadioButton("&Public minutes (exempt items as title and paragraph only)")
        kinds = QButtonGroup(self)
        kinds.addButton(self.full)
        kinds.addButton(self.public)
        self.full.setEnabled(may_read_full)
        (self.full if may_read_full else self.public).setChecked(True)
        self.form.addRow("Version:", self.full)
        self.form.addRow("", self.public)
        self.pdf = QRadioButton("P&DF (council-style, page numbers, chair's initials box)")
        self.html = QRadioButton("&HTML (accessible, for the council's website)")
        formats = QButtonGroup(self)
        formats.addButton(self.pdf)
        formats.addButton(self.html)
        self.pdf.setChecked(True)
        self.form.addRow("Format:", self.pdf)
        self.form.addRow("", self.html)
        self.sign = QCheckBox("&Sign the PDF with the chair's certificate")
        self.sign.setAccessibleName("Sign the PDF with the chair's certificate")
        self.certificate = QComboBox()
        self.certificate.setAccessibleName("Signing certificate")
        for path in certificates:
            self.certificate.addItem(path.stem, str(path))
        self.certificate.addItem("Another PKCS#12 file…", OTHER_FILE)
        self.signed = signed
        self.form.addRow("Signature:", self.sign)
        self.form.addRow("Certificate:", self.certificate)
        self.why_not_sign = QLabel("")
        self.why_not_sign.setWordWrap(True)
        self.form.addRow(self.why_not_sign)
        self.pdf.toggled.connect(lambda _on: self._sign_state())
        self.sign.toggled.connect(lambda _on: self._sign_state())
        self._sign_state()

    def _sign_state(self) -> None:
        can = self.signed and self.pdf.isChecked()
        self.sign.setEnabled(can)
        if not can:
            self.sign.setChecked(False)
        self.certificate.setEnabled(can and self.sign.isChecked())
        if not self.signed:
            self.why_not_sign.setText("Only minutes the chair has signed carry a signature.")
        elif not self.pdf.isChecked():
            self.why_not_sign.setText("Only a PDF is signed.")
        else:
            self.why_not_sign.setText("")

    def collect(self) -> ExportOptions | str:
        fmt = "pdf" if self.pdf.isChecked() else "html"
        sign = self.sign.isChecked() and self.sign.isEnabled()
        chosen = self.certificate.currentData()
        certificate = Path(chosen) if sign and chosen and chosen != OTHER_FILE else None
        return ExportOptions(self.public.isChecked(), fmt, sign, certificate)


def _secret(accessible: str) -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setAccessibleName(accessible)
    return box


@dataclass(frozen=True)
class NewCa:
    organisation: str | None
    passphrase: str


class CreateCaDialog(MeetingForm[NewCa]):
    """The board's signing CA: its key protected by a passphrase the secretariat keeps."""

    def __init__(
        self,
        board_label: str,
        folder: Path,
        submit: Callable[[NewCa], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Create the board's signing CA", submit, parent, "Create")
        about = QLabel(
            f"A certificate authority for {board_label}: it issues the chair's signing "
            f"certificate, and signed minutes are checked against it. Kept in {folder}."
        )
        about.setWordWrap(True)
        self.form.addRow(about)
        self.organisation = QLineEdit()
        self.organisation.setAccessibleName("Council (organisation)")
        self.passphrase = _secret("CA passphrase")
        self.repeat = _secret("CA passphrase again")
        self.form.addRow("Council:", self.organisation)
        self.form.addRow("CA passphrase:", self.passphrase)
        self.form.addRow("Again:", self.repeat)

    def collect(self) -> NewCa | str:
        secret = self.passphrase.text()
        if len(secret) < 8:
            return "the CA passphrase needs at least 8 characters"
        if secret != self.repeat.text():
            return "the two passphrases differ"
        return NewCa(self.organisation.text().strip() or None, secret)


@dataclass(frozen=True)
class NewCertificate:
    name: str
    email: str | None
    ca_passphrase: str
    passphrase: str


class IssueCertificateDialog(MeetingForm[NewCertificate]):
    """Issue the chair a passphrase-protected PKCS#12 signing certificate from the board's CA."""

    def __init__(
        self,
        chair_name: str,
        submit: Callable[[NewCertificate], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Issue the chair's signing certificate", submit, parent, "Issue")
        about = QLabel(
            "A signing certificate (with non-repudiation) from the board's CA, in a "
            "PKCS#12 file protected by the chair's own passphrase. Give the chair the "
            "passphrase in person."
        )
        about.setWordWrap(True)
        self.form.addRow(about)
        self.name = QLineEdit(chair_name)
        self.name.setAccessibleName("The signer's name")
        self.email = QLineEdit()
        self.email.setAccessibleName("The signer's email (optional)")
        self.ca_passphrase = _secret("CA passphrase")
        self.passphrase = _secret("New certificate passphrase")
        self.repeat = _secret("New certificate passphrase again")
        self.form.addRow("Name:", self.name)
        self.form.addRow("Email:", self.email)
        self.form.addRow("CA passphrase:", self.ca_passphrase)
        self.form.addRow("Certificate passphrase:", self.passphrase)
        self.form.addRow("Again:", self.repeat)

    def collect(self) -> NewCertificate | str:
        if not self.name.text().strip():
            return "give the signer's name"
        if len(self.passphrase.text()) < 8:
            return "the certificate passphrase needs at least 8 characters"
        if self.passphrase.text() != self.repeat.text():
            return "the two certificate passphrases differ"
        return NewCertificate(
            self.name.text().strip(),
            self.email.text().strip() or None,
            self.ca_passphrase.text(),
            self.passphrase.text(),
        )


def verdict_text(verdict: Verdict, file_name: str) -> str:
    """What verifying found, in a few plain lines."""
    if not verdict.signed:
        return f"{file_name} is not signed.\n\n{verdict.summary}"
    state = "TAMPERED: the file is not what was signed." if verdict.tampered else "Intact."
    lines = [f"{file_name}: {state}"]
    if verdict.signed_by:
        lines.append(f"Signed by: {verdict.signed_by}")
    if verdict.signed_at:
        at = verdict.signed_at.astimezone(dt.UTC)
        lines.append(f"Signed at: {at.day} {at:%B %Y %H:%M} UTC")
    if not verdict.tampered:
        lines.append(
            "The signer's certificate is trusted on this machine."
            if verdict.trusted
            else "The signer's certificate is not from a CA this machine trusts."
        )
    lines.append("")
    lines.append(verdict.summary)
    return "\n".join(lines)


def verdict_box(verdict: Verdict, file_name: str, parent: QWidget) -> QMessageBox:
    icon = QMessageBox.Icon.Information if verdict.ok else QMessageBox.Icon.Warning
    if verdict.tampered:
        icon = QMessageBox.Icon.Critical
    box = QMessageBox(
        icon, "Signed PDF checked", verdict_text(verdict, file_name), QMessageBox.StandardButton.Ok
    )
    box.setParent(parent, box.windowFlags())
    box.setAccessibleName("Signature check result")
    return box
