"""Signed minutes: pyHanko's own verdict on intact, tampered and untrusted files.

Each test signs a reportlab PDF rendered with `invariant=1` (what the app
exports) with a certificate issued from a board CA made in a temporary folder.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from exports.papers import render_paper_pdf
from exports.signing import Verdict, sign_pdf, verify_pdf
from exports.signing_ca import SigningError, create_ca, issue_certificate

CA_PASS = "board-ca-passphrase"
CHAIR_PASS = "chair-passphrase"


@pytest.fixture(scope="module")
def board(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """(signing folder, CA certificate, the chair's PKCS#12)."""
    folder = tmp_path_factory.mktemp("signing")
    ca = create_ca(folder, "OPAB", CA_PASS, board_name="Outcomes Board", organisation="Council")
    chair = issue_certificate(folder, "OPAB", CA_PASS, name="Cllr Ann Smith", passphrase=CHAIR_PASS)
    yield folder, ca.path, chair.path


@pytest.fixture(scope="module")
def unsigned() -> bytes:
    pdf, _pages = render_paper_pdf(
        "Minutes of the Outcomes Board", "# 1. Apologies\n\nNone.\n\n# 2. Finance\n\nNoted."
    )
    return pdf


@pytest.fixture(scope="module")
def signed(board: tuple[Path, Path, Path], unsigned: bytes) -> bytes:
    _folder, _ca, chair = board
    return sign_pdf(unsigned, None, chair, CHAIR_PASS, reason="Signed by the chair")


def _byte_range(data: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data)
    assert match is not None
    a, b, c, d = (int(v) for v in match.groups())
    return a, b, c, d


def test_signed_file_is_intact_valid_and_trusted_against_the_board_ca(
    board: tuple[Path, Path, Path], signed: bytes, tmp_path: Path
) -> None:
    _folder, ca, _chair = board
    out = tmp_path / "signed.pdf"
    out.write_bytes(signed)
    verdict = verify_pdf(out, [ca])
    assert (verdict.intact, verdict.valid, verdict.trusted, verdict.docmdp_ok, verdict.ok) == (
        True,
        True,
        True,
        True,
        True,
    )
    assert verdict.signed_by == "Cllr Ann Smith (Chair, Council)"
    assert verdict.signed_at is not None and verdict.signed_at.tzinfo is not None
    assert not verdict.tampered
    assert verdict.summary.startswith("intact and valid")


def test_the_signature_is_an_invisible_no_changes_certification(signed: bytes) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import read_certification_data

    reader = PdfFileReader(io.BytesIO(signed))
    certification = read_certification_data(reader)
    assert certification is not None and certification.permission is MDPPerm.NO_CHANGES
    sig = reader.embedded_signatures[0]
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    widget = sig.sig_field
    rect = [float(v) for v in widget.get("/Rect", [0, 0, 0, 0])]
    assert rect[2] - rect[0] == 0 and rect[3] - rect[1] == 0  # invisible


def test_without_trust_roots_it_is_intact_but_not_trusted(signed: bytes) -> None:
    verdict = verify_pdf(signed)
    assert verdict.intact and verdict.valid and verdict.docmdp_ok
    assert not verdict.trusted and not verdict.ok and not verdict.tampered
    assert "not trusted" in verdict.summary


def test_a_different_ca_does_not_make_it_trusted(signed: bytes, tmp_path: Path) -> None:
    other = create_ca(tmp_path, "OTHER", CA_PASS)
    verdict = verify_pdf(signed, [other.path])
    assert verdict.intact and not verdict.trusted and not verdict.ok


def test_a_flipped_byte_in_the_signed_content_is_tampered(
    board: tuple[Path, Path, Path], signed: bytes
) -> None:
    _folder, ca, _chair = board
    position = signed.index(b"stream", len(signed) // 4) + 20  # inside a content stream
    damaged = bytearray(signed)
    damaged[position] ^= 0x01
    verdict = verify_pdf(bytes(damaged), [ca])
    assert not verdict.intact and not verdict.ok and verdict.tampered
    assert verdict.summary.startswith("TAMPERED")


def test_a_flipped_byte_anywhere_is_never_reported_as_valid(
    board: tuple[Path, Path, Path], signed: bytes
) -> None:
    """Every one of 120 positions across the file, including the signature's own bytes."""
    _folder, ca, _chair = board
    start, first, second, _rest = _byte_range(signed)
    positions = {round(i * (len(signed) - 1) / 80) for i in range(81)}
    hole = range(start + first + 1, second - 1)  # the hex digits of the CMS blob and padding
    positions |= {hole[round(i * (len(hole) - 1) / 39)] for i in range(40)}
    for position in sorted(positions):
        damaged = bytearray(signed)
        damaged[position] ^= 0x01
        verdict = verify_pdf(bytes(damaged), [ca])
        assert not verdict.ok, f"a flipped byte at {position} went unnoticed: {verdict}"


def test_the_padding_of_the_signature_container_is_checked(
    board: tuple[Path, Path, Path], signed: bytes
) -> None:
    _folder, ca, _chair = board
    _start, _first, second, _rest = _byte_range(signed)
    damaged = bytearray(signed)
    assert damaged[second - 5 : second - 1] == b"0000"
    damaged[second - 3] = ord("1")
    verdict = verify_pdf(bytes(damaged), [ca])
    assert verdict.tampered and "container" in verdict.summary


def test_an_appended_incremental_edit_is_tampered(
    board: tuple[Path, Path, Path], signed: bytes
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _folder, ca, _chair = board
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("fr-FR")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    edited = out.getvalue()
    assert edited.startswith(signed)  # the signed revision is untouched
    verdict = verify_pdf(edited, [ca])
    assert verdict.intact and verdict.valid  # the signed bytes are still there…
    assert not verdict.docmdp_ok and not verdict.ok and verdict.tampered  # …but were added to
    assert "changed after it was certified" in verdict.summary


def test_an_appended_page_with_new_text_is_tampered(
    board: tuple[Path, Path, Path], signed: bytes
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _folder, ca, _chair = board
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = generic.StreamObject(stream_data=b"0 0 m 300 300 l S")  # a stroke across page 1
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    verdict = verify_pdf(out.getvalue(), [ca])
    assert not verdict.ok and verdict.tampered


def test_bytes_appended_after_the_end_are_not_valid(
    board: tuple[Path, Path, Path], signed: bytes
) -> None:
    _folder, ca, _chair = board
    verdict = verify_pdf(signed + b"\n% appended\n", [ca])
    assert not verdict.ok


def test_an_unsigned_or_unreadable_file_is_not_ok(unsigned: bytes, tmp_path: Path) -> None:
    verdict = verify_pdf(unsigned)
    assert (verdict.signed, verdict.ok, verdict.summary) == (False, False, "not signed")
    garbage = verify_pdf(b"%PDF-1.7\nthis is not a pdf")
    assert not garbage.ok and not garbage.signed
    with pytest.raises(SigningError, match="There is no file"):
        verify_pdf(tmp_path / "missing.pdf")


def test_signing_twice_is_refused(board: tuple[Path, Path, Path], signed: bytes) -> None:
    _folder, _ca, chair = board
    with pytest.raises(SigningError, match="already signed"):
        sign_pdf(signed, None, chair, CHAIR_PASS, reason="again")


def test_wrong_passphrase_is_one_clear_sentence(
    board: tuple[Path, Path, Path], unsigned: bytes, tmp_path: Path
) -> None:
    _folder, _ca, chair = board
    out = tmp_path / "never.pdf"
    with pytest.raises(SigningError) as caught:
        sign_pdf(unsigned, out, chair, "not-the-passphrase", reason="x")
    message = str(caught.value)
    assert "wrong passphrase" in message and "\n" not in message
    assert not out.exists()


def test_a_pdf_that_is_not_a_pdf_cannot_be_signed(board: tuple[Path, Path, Path]) -> None:
    _folder, _ca, chair = board
    with pytest.raises(SigningError, match="Could not sign the PDF"):
        sign_pdf(b"not a pdf at all", None, chair, CHAIR_PASS, reason="x")


def test_signing_reportlab_invariant_output_is_stable_and_valid(
    board: tuple[Path, Path, Path], unsigned: bytes, tmp_path: Path
) -> None:
    """The invariant renderer's output (fixed dates and ids) signs into a valid file."""
    _folder, ca, chair = board
    again, _pages = render_paper_pdf(
        "Minutes of the Outcomes Board", "# 1. Apologies\n\nNone.\n\n# 2. Finance\n\nNoted."
    )
    assert again == unsigned
    source = tmp_path / "minutes.pdf"
    source.write_bytes(again)
    out = tmp_path / "minutes-signed.pdf"
    sign_pdf(source, out, chair, CHAIR_PASS, reason="Signed by the chair", location="Town Hall")
    verdict: Verdict = verify_pdf(out, [ca])
    assert verdict.ok
    from pypdf import PdfReader

    reader = PdfReader(out)
    assert "Finance" in reader.pages[0].extract_text()
    assert reader.metadata is not None and reader.metadata.title == "Minutes of the Outcomes Board"


@pytest.mark.parametrize(
    ("hex_der", "canonical"),
    [
        ("3003020101", True),
        ("30060201010500", False),  # the outer length claims one byte more than there is
        ("30050201010500", True),
        ("308103020101", False),  # long form where the short one fits
        ("3004020101" + "00", False),  # a stray byte inside the sequence
        ("3080020101" + "0000", False),  # indefinite length is BER, not DER
        ("0282000101", False),  # a padded two-byte length
        ("30050201010000", False),  # a length stretched over the zero padding after it
        ("", False),
    ],
)
def test_canonical_der_walk(hex_der: str, canonical: bool) -> None:
    from exports.signing import _canonical_der

    assert _canonical_der(bytes.fromhex(hex_der)) is canonical


def test_a_later_document_timestamp_keeps_the_certification_valid(
    board: tuple[Path, Path, Path], signed: bytes
) -> None:
    """What the issue promises: a timestamp added when online does not break the signature."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps import DummyTimeStamper

    from exports.signing_ca import load_ca

    folder, ca_path, _chair = board
    ca = load_ca(folder, "OPAB", CA_PASS)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the dummy TSA is RSA
    now = dt.datetime.now(dt.UTC)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca.key, hashes.SHA256())  # type: ignore[arg-type]
    )
    stamper = DummyTimeStamper(
        tsa_cert=translate_pyca_cryptography_cert_to_asn1(tsa_cert),
        tsa_key=translate_pyca_cryptography_key_to_asn1(key),
    )
    stamped = signers.PdfTimeStamper(stamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(signed)), "sha256", in_place=False
    )
    verdict = verify_pdf(stamped.getvalue(), [ca_path])
    assert verdict.ok and verdict.docmdp_ok
    assert verdict.summary == (
        "intact and valid, signed by a trusted certificate; "
        "1 later document timestamp not checked here"
    )
