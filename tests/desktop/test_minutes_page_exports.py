"""The Minutes page's exports: public PDF, signed PDF and its check, the board's CA, the action log.

Driven through the page's own buttons and dialogs; the file and passphrase
prompts (static `QFileDialog` / `QInputDialog` calls) are replaced by fakes
that answer as a person would. Exports run on the page's worker thread, so
each test waits for it with `qtbot.waitUntil`. Certificates go to the test's
own data folder (conftest sets BOARDPACK_DATA_DIR).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from db.minutes import version_doc, versions
from db.models import Role
from db.store import Database
from desktop.meeting_mode.dialogs import MeetingForm
from desktop.minutes.dialogs import CreateCaDialog, ExportDialog, IssueCertificateDialog
from desktop.minutes.outputs import signing_folder
from desktop.pages.minutes import MinutesPage
from exports.action_log import COLUMNS, load_action_log
from tests.desktop.test_minutes_page import (  # noqa: F401  (the fixtures are used by name)
    act_as,
    choose,
    click,
    database_fixture,
    meeting_id,
    no_unanswered_prompts_fixture,
    page_fixture,
    tick,
)

CA_SECRET = "board-ca-secret"
CHAIR_SECRET = "chair-signing-secret"
WAIT_MS = 60_000  # the first export imports reportlab and pyHanko on the worker


def answer_save(monkeypatch: pytest.MonkeyPatch, path: Path, chosen_filter: str = "") -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(path), chosen_filter))
    )


def answer_open(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(path), ""))
    )


def answer_passphrase(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: (secret, True)))


def press_ok(qtbot: QtBot, dialog: MeetingForm[Any]) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )


def export_through_dialog(qtbot: QtBot, page: MinutesPage, *, public: bool, sign: bool) -> Path:
    page.outputs.last_export = None
    click(qtbot, page.export_button)
    dialog = page.dialog
    assert isinstance(dialog, ExportDialog)
    qtbot.waitExposed(dialog)
    tick(qtbot, dialog.public if public else dialog.full)
    if sign:
        tick(qtbot, dialog.sign)
        assert dialog.sign.isChecked() and dialog.certificate.isEnabled()
    press_ok(qtbot, dialog)
    assert not dialog.isVisible(), dialog.error.text()
    qtbot.waitUntil(lambda: page.outputs.last_export is not None, timeout=WAIT_MS)
    assert page.outputs.last_export is not None
    return page.outputs.last_export


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return "\n".join(p.extract_text() or "" for p in reader.pages)


def test_public_pdf_through_the_page_leaves_out_the_exempt_text(
    qtbot: QtBot,
    page: MinutesPage,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    choose(page, database, "OPAB:2019-01-22")
    assert page.env is not None
    with database.session() as s:
        (v1,) = versions(s, page.env.actor_id, meeting_id(database, "OPAB:2019-01-22"))
        full = version_doc(s, page.env.actor_id, v1.version_id, public=False)
    exempt = next(i for i in full.items if i.exempt)
    secret = exempt.minutes.split(".")[0]
    assert len(secret) > 30
    answer_save(monkeypatch, tmp_path / "public")  # no suffix typed: .pdf is added
    out = export_through_dialog(qtbot, page, public=True, sign=False)
    assert out == tmp_path / "public.pdf"
    assert "public minutes (PDF)" in page.notice.text()
    text = " ".join(pdf_text(out).split())
    assert "Learning review: Child B" in text
    assert " ".join(secret.split()) not in text
    assert not (tmp_path / "public.pdf.partial").exists()

    answer_save(monkeypatch, tmp_path / "full.pdf")
    full_pdf = export_through_dialog(qtbot, page, public=False, sign=False)
    full_text = " ".join(pdf_text(full_pdf).split())
    assert " ".join(secret.split()) in full_text  # the same words are found when they are there


def make_certificate(qtbot: QtBot, page: MinutesPage, database: Database) -> Path:
    """The secretariat creates the board's CA and issues the chair's certificate in the dialogs."""
    act_as(page, database, Role.SECRETARIAT)
    assert page.certificates_button.isVisible()
    page.create_ca_action.trigger()
    ca_dialog = page.dialog
    assert isinstance(ca_dialog, CreateCaDialog)
    qtbot.keyClicks(ca_dialog.organisation, "Wealdshire County Council")
    qtbot.keyClicks(ca_dialog.passphrase, CA_SECRET)
    qtbot.keyClicks(ca_dialog.repeat, CA_SECRET + "x")
    press_ok(qtbot, ca_dialog)
    assert ca_dialog.isVisible() and "differ" in ca_dialog.error.text()
    ca_dialog.repeat.clear()
    qtbot.keyClicks(ca_dialog.repeat, CA_SECRET)
    press_ok(qtbot, ca_dialog)
    assert not ca_dialog.isVisible(), ca_dialog.error.text()
    folder = signing_folder()
    assert (folder / "ca" / "OPAB" / "ca.pem").is_file()

    page.issue_action.trigger()
    issue = page.dialog
    assert isinstance(issue, IssueCertificateDialog)
    assert issue.name.text() == "Dr Helen Marchbank"
    qtbot.keyClicks(issue.ca_passphrase, CA_SECRET)
    qtbot.keyClicks(issue.passphrase, CHAIR_SECRET)
    qtbot.keyClicks(issue.repeat, CHAIR_SECRET)
    press_ok(qtbot, issue)
    assert not issue.isVisible(), issue.error.text()
    (p12,) = sorted((folder / "certificates").glob("*.p12"))
    assert str(p12) in page.notice.text()
    return p12


def test_sign_the_pdf_with_the_chairs_certificate_then_verify_it(
    qtbot: QtBot,
    page: MinutesPage,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    make_certificate(qtbot, page, database)
    act_as(page, database, Role.CHAIR)
    choose(page, database, "OPAB:2019-09-10")
    assert page.versions_model.rows()[-1].status == "signed"

    # A wrong passphrase is one sentence in a dialog, and no file is written.
    answer_save(monkeypatch, tmp_path / "signed.pdf")
    answer_passphrase(monkeypatch, "not-the-passphrase")
    click(qtbot, page.export_button)
    dialog = page.dialog
    assert isinstance(dialog, ExportDialog)
    tick(qtbot, dialog.sign)
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: not page.outputs.busy, timeout=WAIT_MS)
    box = page.dialog
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert "wrong passphrase" in box.text()
    assert not (tmp_path / "signed.pdf").exists()
    box.accept()

    answer_passphrase(monkeypatch, CHAIR_SECRET)
    signed = export_through_dialog(qtbot, page, public=False, sign=True)
    assert "(PDF, signed)" in page.notice.text()

    answer_open(monkeypatch, signed)
    page.outputs.last_verdict = None
    click(qtbot, page.verify_button)
    qtbot.waitUntil(lambda: page.outputs.last_verdict is not None, timeout=WAIT_MS)
    verdict = page.outputs.last_verdict
    assert verdict is not None and verdict.ok and not verdict.tampered
    assert verdict.signed_by is not None and "Helen Marchbank" in verdict.signed_by
    shown = page.dialog
    assert isinstance(shown, QMessageBox)
    assert "signed.pdf: Intact." in shown.text()
    assert "Signed by: " in shown.text() and "Signed at: " in shown.text()
    assert "trusted on this machine" in shown.text()
    shown.accept()

    # One changed byte inside the signed range: tampered.
    data = bytearray(signed.read_bytes())
    at = data.index(b"/Title")
    data[at + 1] = ord("X")
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    answer_open(monkeypatch, tampered)
    page.outputs.last_verdict = None
    click(qtbot, page.verify_button)
    qtbot.waitUntil(lambda: page.outputs.last_verdict is not None, timeout=WAIT_MS)
    assert page.outputs.last_verdict is not None and page.outputs.last_verdict.tampered
    shown = page.dialog
    assert isinstance(shown, QMessageBox) and "TAMPERED" in shown.text()


def test_only_signed_minutes_offer_a_signature(qtbot: QtBot, page: MinutesPage) -> None:
    assert page.versions_model.rows()[-1].status == "circulated"
    click(qtbot, page.export_button)
    dialog = page.dialog
    assert isinstance(dialog, ExportDialog)
    assert not dialog.sign.isEnabled()
    assert "Only minutes the chair has signed" in dialog.why_not_sign.text()
    dialog.reject()


def test_action_log_csv_from_the_page(
    qtbot: QtBot,
    page: MinutesPage,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    answer_save(monkeypatch, tmp_path / "opab-actions", "CSV (*.csv)")
    page.outputs.last_export = None
    click(qtbot, page.action_log_button)
    qtbot.waitUntil(lambda: page.outputs.last_export is not None, timeout=WAIT_MS)
    assert page.outputs.last_export == tmp_path / "opab-actions.csv"
    rows = list(csv.reader(io.StringIO(page.outputs.last_export.read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert page.env is not None
    with database.session() as s:
        log = load_action_log(s, page.env.actor_id, "OPAB", today=page.env.today)
    assert len(rows) - 1 == len(log.rows) > 0
    assert f"({len(log.rows)} actions)" in page.notice.text()


def test_public_html_through_the_page(
    qtbot: QtBot,
    page: MinutesPage,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    choose(page, database, "OPAB:2019-01-22")
    assert page.env is not None
    with database.session() as s:
        (v1,) = versions(s, page.env.actor_id, meeting_id(database, "OPAB:2019-01-22"))
        full = version_doc(s, page.env.actor_id, v1.version_id, public=False)
    secret = next(i for i in full.items if i.exempt).minutes.split(".")[0]
    answer_save(monkeypatch, tmp_path / "public.html")
    page.outputs.last_export = None
    click(qtbot, page.export_button)
    dialog = page.dialog
    assert isinstance(dialog, ExportDialog)
    tick(qtbot, dialog.public)
    tick(qtbot, dialog.html)
    assert not dialog.sign.isEnabled()  # only a PDF is signed
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: page.outputs.last_export is not None, timeout=WAIT_MS)
    html = (tmp_path / "public.html").read_text(encoding="utf-8")
    assert 'lang="en-GB"' in html
    assert "Learning review: Child B" in html
    assert secret not in html
    assert "public minutes (HTML)" in page.notice.text()


def test_cancel_stops_the_export_and_writes_no_file(
    qtbot: QtBot,
    page: MinutesPage,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import threading

    import exports.minutes_pdf

    started, release = threading.Event(), threading.Event()

    def slow_layout(doc: Any, **_kw: Any) -> bytes:
        started.set()
        release.wait(10)
        return b"%PDF-1.7 not reached"

    monkeypatch.setattr(exports.minutes_pdf, "minutes_pdf_bytes", slow_layout)
    answer_save(monkeypatch, tmp_path / "cancelled.pdf")
    click(qtbot, page.export_button)
    dialog = page.dialog
    assert isinstance(dialog, ExportDialog)
    press_ok(qtbot, dialog)
    assert page.outputs.busy
    assert started.wait(10)
    progress = page.outputs.progress
    assert progress is not None
    progress.canceled.emit()  # what its Cancel button (or Escape) sends
    release.set()
    qtbot.waitUntil(lambda: not page.outputs.busy, timeout=WAIT_MS)
    assert page.notice.text() == "Exporting the minutes: cancelled."
    assert not (tmp_path / "cancelled.pdf").exists()
    assert not (tmp_path / "cancelled.pdf.partial").exists()
