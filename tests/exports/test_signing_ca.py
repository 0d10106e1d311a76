"""The board signing CA, the chair's PKCS#12 and council-issued certificates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from exports.papers import render_paper_pdf
from exports.signing import sign_pdf, verify_pdf
from exports.signing_ca import (
    SigningError,
    certificates,
    create_ca,
    import_certificate,
    issue_certificate,
    load_pkcs12,
    trust_roots,
)

CA_PASS = "board-ca-passphrase"
CHAIR_PASS = "chair-passphrase"


def _usage(*, non_repudiation: bool, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _council_p12(
    path: Path, *, non_repudiation: bool, days: int = 365, include_root: bool = True
) -> Path:
    """A council's own root and a person's certificate from it, as a PKCS#12 (test fixture)."""
    now = dt.datetime.now(dt.UTC)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Council Root CA")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(non_repudiation=False, ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Cllr Bea Jones"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Council"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400 if days < 0 else 1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(non_repudiation=non_repudiation), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"council",
            key,
            cert,
            [root] if include_root else None,
            serialization.BestAvailableEncryption(b"council-pass"),
        )
    )
    return path


def test_create_ca_keeps_the_key_encrypted_and_refuses_a_second(tmp_path: Path) -> None:
    info = create_ca(tmp_path, "opab", CA_PASS, board_name="Outcomes Board", organisation="ECC")
    assert info.is_ca and info.path == tmp_path / "ca" / "OPAB" / "ca.pem"
    assert "CN=Outcomes Board signing CA" in info.subject
    key_pem = (tmp_path / "ca" / "OPAB" / "ca.key.pem").read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in key_pem
    with pytest.raises(TypeError):  # no passphrase, no key
        serialization.load_pem_private_key(key_pem, None)
    assert (tmp_path / "ca" / "OPAB" / "ca.key.pem").stat().st_mode & 0o077 == 0
    with pytest.raises(SigningError, match="already has a signing CA"):
        create_ca(tmp_path, "OPAB", CA_PASS)
    assert trust_roots(tmp_path) == (info.path,)


def test_short_passphrases_and_bad_board_codes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match="at least 8 characters"):
        create_ca(tmp_path, "OPAB", "short")
    with pytest.raises(SigningError, match="not a board code"):
        create_ca(tmp_path, "../etc", CA_PASS)


def test_issued_certificate_has_non_repudiation_and_a_protected_pkcs12(tmp_path: Path) -> None:
    create_ca(tmp_path, "OPAB", CA_PASS, organisation="Example Council")
    info = issue_certificate(
        tmp_path, "OPAB", CA_PASS, name="Cllr Ann Smith", passphrase=CHAIR_PASS, email="a@x.gov.uk"
    )
    assert info.path == tmp_path / "certificates" / "cllr-ann-smith.p12"
    assert (
        not info.is_ca
        and "CN=Cllr Ann Smith" in info.subject
        and "O=Example Council" in info.subject
    )
    data = info.path.read_bytes()
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, None)
    key, cert, chain = pkcs12.load_key_and_certificates(data, CHAIR_PASS.encode())
    assert key is not None and cert is not None
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature
    assert [c.subject for c in chain] == [
        x509.load_pem_x509_certificate((tmp_path / "ca/OPAB/ca.pem").read_bytes()).subject
    ]
    second = issue_certificate(
        tmp_path, "OPAB", CA_PASS, name="Cllr Ann Smith", passphrase=CHAIR_PASS
    )
    assert second.path.name == "cllr-ann-smith-2.p12"  # never overwrites
    assert set(certificates(tmp_path)) == {info.path, second.path}


def test_wrong_ca_passphrase_and_missing_ca_are_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SigningError, match=r"has no signing CA yet"):
        issue_certificate(tmp_path, "OPAB", CA_PASS, name="A", passphrase=CHAIR_PASS)
    create_ca(tmp_path, "OPAB", CA_PASS)
    with pytest.raises(SigningError, match=r"^Wrong passphrase for board OPAB's signing CA\.$"):
        issue_certificate(tmp_path, "OPAB", "wrong-passphrase", name="A", passphrase=CHAIR_PASS)
    assert certificates(tmp_path) == ()


def test_wrong_pkcs12_passphrase_is_one_clear_line(tmp_path: Path) -> None:
    create_ca(tmp_path, "OPAB", CA_PASS)
    info = issue_certificate(tmp_path, "OPAB", CA_PASS, name="Ann", passphrase=CHAIR_PASS)
    with pytest.raises(SigningError) as caught:
        load_pkcs12(info.path, "not-it-at-all")
    assert str(caught.value) == (
        "Could not open ann.p12: wrong passphrase, or not a PKCS#12 certificate file."
    )
    with pytest.raises(SigningError, match="no certificate file"):
        load_pkcs12(tmp_path / "missing.p12", CHAIR_PASS)


def test_a_certificate_without_non_repudiation_is_refused_at_import_and_sign(
    tmp_path: Path,
) -> None:
    p12 = _council_p12(tmp_path / "council.p12", non_repudiation=False)
    folder = tmp_path / "signing"
    with pytest.raises(SigningError, match="lacks the non-repudiation key usage"):
        import_certificate(folder, p12, "council-pass")
    assert certificates(folder) == ()
    pdf, _ = render_paper_pdf("Minutes", "Text.")
    with pytest.raises(SigningError, match="lacks the non-repudiation key usage"):
        sign_pdf(pdf, tmp_path / "out.pdf", p12, "council-pass", reason="x")
    assert not (tmp_path / "out.pdf").exists()


def test_pyhanko_itself_refuses_such_a_signature(tmp_path: Path) -> None:
    """Why the rule exists: signed anyway (bypassing our check), pyHanko's verdict is not ok."""
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    p12 = _council_p12(tmp_path / "council.p12", non_repudiation=False)
    key, cert, chain = pkcs12.load_key_and_certificates(p12.read_bytes(), b"council-pass")
    assert key is not None and cert is not None
    signer = signers.SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        cert_registry=None,
    )
    import io

    pdf, _ = render_paper_pdf("Minutes", "Text.")
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)),
        signers.PdfSignatureMetadata(field_name="S", certify=True),
        signer=signer,
    )
    root = tmp_path / "root.pem"
    root.write_bytes(chain[0].public_bytes(serialization.Encoding.PEM))
    verdict = verify_pdf(out.getvalue(), [root])
    assert verdict.intact and verdict.valid and not verdict.trusted and not verdict.ok


def test_an_expired_certificate_is_refused(tmp_path: Path) -> None:
    p12 = _council_p12(tmp_path / "old.p12", non_repudiation=True, days=-1)
    with pytest.raises(SigningError, match="expired on"):
        load_pkcs12(p12, "council-pass")


def test_imported_council_certificate_signs_and_its_root_is_trusted(tmp_path: Path) -> None:
    p12 = _council_p12(tmp_path / "council.p12", non_repudiation=True)
    folder = tmp_path / "signing"
    info = import_certificate(folder, p12, "council-pass")
    assert info.path == folder / "certificates" / "cllr-bea-jones.p12"
    assert info.path.read_bytes() == p12.read_bytes()
    roots = trust_roots(folder)
    assert [r.name for r in roots] == ["council-root-ca.pem"]
    pdf, _ = render_paper_pdf("Minutes", "Text.")
    signed = sign_pdf(pdf, None, info.path, "council-pass", reason="Signed by the chair")
    verdict = verify_pdf(signed, roots)
    assert verdict.ok and verdict.signed_by == "Cllr Bea Jones (Example Council)"
    assert not verify_pdf(signed).trusted


def test_importing_with_the_wrong_passphrase_copies_nothing(tmp_path: Path) -> None:
    p12 = _council_p12(tmp_path / "council.p12", non_repudiation=True)
    with pytest.raises(SigningError, match="wrong passphrase"):
        import_certificate(tmp_path / "signing", p12, "nope-nope-nope")
    assert not (tmp_path / "signing").exists()
