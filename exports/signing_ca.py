"""Signing certificates for minutes: a board's own signing CA, and the chair's PKCS#12.

The secretariat creates one signing CA per board (`create_ca`) and issues the
chair a passphrase-protected PKCS#12 certificate from it (`issue_certificate`);
a council that already issues signing certificates hands over a PKCS#12
instead, which is checked and copied in (`import_certificate`). Every signing
certificate must carry the *non-repudiation* key usage: PAdES validators
(pyHanko's by default) refuse a signature made with one that lacks it, so such
a certificate is refused here, when it is issued, imported or loaded to sign.

Everything lives in one folder the caller chooses (the app passes a folder
under its user data directory; this module never reads the app's settings):

    <folder>/ca/<BOARD>/ca.pem        the board CA's certificate (what validators trust)
    <folder>/ca/<BOARD>/ca.key.pem    its private key, encrypted with the CA passphrase
    <folder>/certificates/<slug>.p12  issued or imported signing certificates
    <folder>/trust/<slug>.pem         roots that came with an imported council chain

Keys are ECDSA P-256 (instant to make, accepted by Adobe and pyHanko). Built
on `cryptography`, which pyHanko itself depends on; imported on first use.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.errors import ValidationError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

CA_YEARS = 20
CERT_YEARS = 5
_BOARD_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


class SigningError(ValidationError):
    """A certificate, key or passphrase cannot be used to sign (one readable sentence)."""


@dataclass(frozen=True)
class CertificateInfo:
    """What a person needs to know about a certificate on file."""

    path: Path
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint_sha256: str
    is_ca: bool


@dataclass(frozen=True)
class SigningMaterial:
    """A signing key with its certificate and the rest of its chain (cryptography objects)."""

    key: PrivateKeyTypes
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def ca_folder(folder: Path, board_code: str) -> Path:
    """Where a board's CA lives inside the signing folder."""
    if not _BOARD_CODE.match(board_code):
        raise SigningError(f"{board_code!r} is not a board code (letters, digits, - or _).")
    return Path(folder) / "ca" / board_code.upper()


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "certificate"


def _passphrase_bytes(passphrase: str | bytes, what: str) -> bytes:
    data = passphrase.encode("utf-8") if isinstance(passphrase, str) else bytes(passphrase)
    if len(data) < 8:
        raise SigningError(f"The {what} must be at least 8 characters long.")
    return data


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _name(
    common_name: str,
    organisation: str | None,
    email: str | None = None,
    title: str | None = None,
) -> x509.Name:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if title:
        attributes.append(x509.NameAttribute(NameOID.TITLE, title))
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"))
    return x509.Name(attributes)


def describe(certificate: x509.Certificate, path: Path) -> CertificateInfo:
    """A certificate's readable summary."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    try:
        basic = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        is_ca = basic.ca
    except x509.ExtensionNotFound:
        is_ca = False
    return CertificateInfo(
        path=path,
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        fingerprint_sha256=certificate.fingerprint(hashes.SHA256()).hex(),
        is_ca=is_ca,
    )


def create_ca(
    folder: Path,
    board_code: str,
    passphrase: str | bytes,
    *,
    board_name: str | None = None,
    organisation: str | None = None,
    years: int = CA_YEARS,
) -> CertificateInfo:
    """Create a board's signing CA; refuses to replace an existing one.

    Args:
        folder: the signing folder (see the module docstring).
        board_code: the board's code, e.g. "OPAB".
        passphrase: protects the CA's private key on disk (at least 8 characters).
        board_name: the board's name for the CA's common name.
        organisation: the council, for the certificate's organisation field.
        years: how long the CA is valid.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    secret = _passphrase_bytes(passphrase, "CA passphrase")
    target = ca_folder(folder, board_code)
    if (target / "ca.pem").exists():
        raise SigningError(f"Board {board_code.upper()} already has a signing CA in {target}.")
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(f"{board_name or board_code.upper()} signing CA", organisation)
    now = _now()
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    target.mkdir(parents=True, exist_ok=True)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    _write_private(target / "ca.key.pem", key_pem)
    (target / "ca.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return describe(certificate, target / "ca.pem")


def _write_private(path: Path, data: bytes) -> None:
    """Write a secret file readable by its owner only (where the OS has such modes)."""
    tmp = path.with_name(path.name + ".partial")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)


def load_ca(folder: Path, board_code: str, passphrase: str | bytes) -> SigningMaterial:
    """A board CA's key and certificate, or one readable sentence why not."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    target = ca_folder(folder, board_code)
    if not (target / "ca.pem").exists():
        raise SigningError(
            f"Board {board_code.upper()} has no signing CA yet: create one first "
            f"(boardpack ca create --board {board_code.upper()})."
        )
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    try:
        key = serialization.load_pem_private_key((target / "ca.key.pem").read_bytes(), secret)
    except (ValueError, TypeError):
        raise SigningError(
            f"Wrong passphrase for board {board_code.upper()}'s signing CA."
        ) from None
    certificate = x509.load_pem_x509_certificate((target / "ca.pem").read_bytes())
    return SigningMaterial(key, certificate, ())


def issue_certificate(
    folder: Path,
    board_code: str,
    ca_passphrase: str | bytes,
    *,
    name: str,
    passphrase: str | bytes,
    email: str | None = None,
    role: str = "Chair",
    years: int = CERT_YEARS,
    out: Path | None = None,
) -> CertificateInfo:
    """Issue a person (usually the chair) a signing certificate from the board's CA.

    The certificate carries digital signature and non-repudiation key usages and
    the document-signing extended key usage; the PKCS#12 holds the key, the
    certificate and the CA certificate, encrypted (AES-256) with `passphrase`.

    Returns:
        The new certificate, saved as `out` or `<folder>/certificates/<name>.p12`.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    name = name.strip()
    if not name:
        raise SigningError("The certificate needs the signer's name.")
    secret = _passphrase_bytes(passphrase, "certificate passphrase")
    ca = load_ca(folder, board_code, ca_passphrase)
    now = _now()
    if ca.certificate.not_valid_after_utc <= now:
        raise SigningError(f"Board {board_code.upper()}'s signing CA has expired.")
    organisation_attrs = ca.certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    organisation = str(organisation_attrs[0].value) if organisation_attrs else None
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(name, organisation, email, role)
    not_after = min(now + dt.timedelta(days=365 * years), ca.certificate.not_valid_after_utc)
    ca_public = ca.certificate.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # non-repudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [
                    x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12"),  # document signing
                    ExtendedKeyUsageOID.EMAIL_PROTECTION,
                ]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public),  # type: ignore[arg-type]
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    certificate = builder.sign(ca.key, hashes.SHA256())  # type: ignore[arg-type]
    check_signing_certificate(certificate)
    material = SigningMaterial(key, certificate, (ca.certificate,))
    target = out or _free_path(Path(folder) / "certificates", _slug(name), ".p12")
    _write_private(target, _pkcs12_bytes(material, name, secret))
    return describe(certificate, target)


def _free_path(folder: Path, stem: str, suffix: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    candidate = folder / f"{stem}{suffix}"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    return candidate


def _pkcs12_bytes(material: SigningMaterial, friendly_name: str, secret: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import PrivateFormat, pkcs12

    encryption = (
        PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(50_000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(secret)
    )
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        material.key,  # type: ignore[arg-type]
        material.certificate,
        list(material.chain) or None,
        encryption,
    )


def check_signing_certificate(
    certificate: x509.Certificate, *, at: dt.datetime | None = None
) -> None:
    """Refuse, in one sentence, a certificate that cannot sign minutes.

    It must carry the non-repudiation key usage (validators require it for a
    document signature), must not be a CA certificate, and must be in date.
    """
    from cryptography import x509

    who = certificate.subject.rfc4514_string()
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.content_commitment:
        raise SigningError(
            f"The certificate for {who} lacks the non-repudiation key usage, "
            "so signatures made with it would not validate; ask for a document-signing certificate."
        )
    try:
        basic = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        basic = None
    if basic is not None and basic.ca:
        raise SigningError(f"{who} is a CA certificate; sign with a person's certificate.")
    moment = at or _now()
    if certificate.not_valid_after_utc <= moment:
        raise SigningError(
            f"The certificate for {who} expired on {certificate.not_valid_after_utc:%d %B %Y}."
        )
    if certificate.not_valid_before_utc > moment:
        raise SigningError(
            f"The certificate for {who} is not valid until "
            f"{certificate.not_valid_before_utc:%d %B %Y}."
        )


def load_pkcs12(path: Path, passphrase: str | bytes | None) -> SigningMaterial:
    """Open a PKCS#12 file and check it can sign minutes; one readable sentence if not."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"There is no certificate file {path}.") from None
    except IsADirectoryError:
        raise SigningError(f"{path} is a folder, not a certificate file.") from None
    secret = passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(data, secret or None)
    except (ValueError, TypeError):
        raise SigningError(
            f"Could not open {path.name}: wrong passphrase, or not a PKCS#12 certificate file."
        ) from None
    if key is None or certificate is None:
        raise SigningError(f"{path.name} holds no signing key and certificate.")
    check_signing_certificate(certificate)
    return SigningMaterial(key, certificate, tuple(extra))


def import_certificate(folder: Path, source: Path, passphrase: str | bytes) -> CertificateInfo:
    """Copy a council-issued PKCS#12 into the signing folder after checking it can sign.

    Self-signed certificates in its chain (the council's root) are saved under
    `trust/` so that minutes signed with it validate on this machine.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.x509.oid import NameOID

    material = load_pkcs12(source, passphrase)
    common = material.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    stem = _slug(str(common[0].value) if common else Path(source).stem)
    target = _free_path(Path(folder) / "certificates", stem, ".p12")
    _write_private(target, Path(source).read_bytes())
    for extra in material.chain:
        if extra.subject == extra.issuer:
            name = extra.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
            root_stem = _slug(str(name[0].value) if name else "root")
            root_path = Path(folder) / "trust" / f"{root_stem}.pem"
            root_path.parent.mkdir(parents=True, exist_ok=True)
            root_path.write_bytes(extra.public_bytes(serialization.Encoding.PEM))
    return describe(material.certificate, target)


def trust_roots(folder: Path) -> tuple[Path, ...]:
    """Every CA certificate this machine trusts for minutes: board CAs and imported roots."""
    base = Path(folder)
    found = sorted((base / "ca").glob("*/ca.pem")) + sorted((base / "trust").glob("*.pem"))
    return tuple(found)


def certificates(folder: Path) -> tuple[Path, ...]:
    """The signing certificates (PKCS#12 files) on file."""
    return tuple(sorted((Path(folder) / "certificates").glob("*.p12")))


def load_certificates(path: Path) -> tuple[x509.Certificate, ...]:
    """Certificates from a PEM (one or more) or DER file; one readable sentence if unreadable."""
    from cryptography import x509

    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningError(f"There is no certificate file {path}.") from None
    try:
        if b"-----BEGIN" in data:
            return tuple(x509.load_pem_x509_certificates(data))
        return (x509.load_der_x509_certificate(data),)
    except ValueError:
        raise SigningError(f"{path.name} is not a PEM or DER certificate.") from None
