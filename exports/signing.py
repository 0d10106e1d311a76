"""Signing exported minutes (PAdES) and telling whether a signed PDF is intact.

`sign_pdf` adds an invisible PAdES *certification* signature that permits no
further changes (DocMDP `NO_CHANGES`): anything appended afterwards — even a
well-formed incremental update — makes the signature fail. `verify_pdf` runs
pyHanko's own validation and reports its verdict (`bottom_line`, `docmdp_ok`)
in plain words: who signed, when, and whether the file is intact or tampered.
Poppler's `pdfsig` calls an incrementally edited file valid, so only pyHanko's
verdict counts here.

The signature time is the signer's clock (no timestamp authority: the app
works offline); a document timestamp can be added later without breaking the
signature. pyHanko is imported on first use.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exports.signing_ca import SigningError, load_certificates, load_pkcs12

if TYPE_CHECKING:
    from cryptography import x509

FIELD_NAME = "MinutesSignature"


@dataclass(frozen=True)
class Verdict:
    """pyHanko's judgement of a signed PDF, in the terms a clerk needs.

    `intact`: the signed bytes are unchanged; `valid`: the signature is
    cryptographically sound (and intact); `trusted`: the signer's certificate
    chains to one of the given trust roots, with the required key usage;
    `docmdp_ok`: nothing was changed after signing beyond what the
    certification allows (nothing, for minutes). `ok` is pyHanko's bottom line.
    """

    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    docmdp_ok: bool
    ok: bool
    signed_by: str | None
    signed_at: dt.datetime | None
    summary: str

    @property
    def tampered(self) -> bool:
        """The file is signed but is not what was signed (or was changed since)."""
        return self.signed and not (self.intact and self.valid and self.docmdp_ok)


def sign_pdf(
    source: Path | bytes,
    out: Path | None,
    pkcs12_path: Path,
    passphrase: str | bytes | None,
    *,
    reason: str,
    location: str | None = None,
    contact: str | None = None,
) -> bytes:
    """Certify a PDF with an invisible PAdES signature that permits no changes.

    Args:
        source: the unsigned PDF (a path or its bytes).
        out: where to write the signed PDF (written whole, then moved into place);
            None to only return the bytes.
        pkcs12_path: the signer's PKCS#12 file.
        passphrase: its passphrase.
        reason: why it is signed, e.g. "Signed by the chair as a correct record".
        location: where, e.g. the council's name.
        contact: the signer's contact details.

    Returns:
        The signed PDF's bytes.

    Raises:
        SigningError: one readable sentence (wrong passphrase, a certificate
            without non-repudiation, an expired certificate, an unreadable PDF…).
    """
    material = load_pkcs12(pkcs12_path, passphrase)
    data = Path(source).read_bytes() if isinstance(source, Path) else bytes(source)

    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    registry = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [translate_pyca_cryptography_cert_to_asn1(c) for c in material.chain]
    )
    signer = signers.SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(material.certificate),
        signing_key=translate_pyca_cryptography_key_to_asn1(material.key),
        cert_registry=registry,
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        contact_info=contact,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        if _existing_signatures(writer):
            raise SigningError("This PDF is already signed; sign the unsigned export instead.")
        output = signers.PdfSigner(
            metadata, signer=signer, new_field_spec=fields.SigFieldSpec(FIELD_NAME)
        ).sign_pdf(writer, in_place=False)
    except (PdfReadError, ValueError) as exc:
        raise SigningError(f"Could not sign the PDF: {_first_line(exc)}.") from None
    signed = bytes(output.getbuffer())
    if out is not None:
        target = Path(out)
        tmp = target.with_name(target.name + ".partial")
        tmp.write_bytes(signed)
        tmp.replace(target)
    return signed


def _existing_signatures(writer: Any) -> bool:
    from pyhanko.sign.fields import enumerate_sig_fields

    return any(value is not None for _name, value, _ref in enumerate_sig_fields(writer.prev))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__).rstrip(".")


def verify_pdf(path: Path | bytes, trust_roots: Sequence[Path] | None = None) -> Verdict:
    """Validate the (first) signature of a PDF with pyHanko; never raises for a bad file.

    Args:
        path: the signed PDF (a path or its bytes).
        trust_roots: PEM/DER files of CA certificates to trust (the board CA,
            a council root); without them a signature can be intact and valid
            but never trusted.
    """
    try:
        data = Path(path).read_bytes() if isinstance(path, Path) else bytes(path)
    except FileNotFoundError as exc:
        raise SigningError(f"There is no file {exc.filename}.") from None
    roots = [cert for root in (trust_roots or ()) for cert in load_certificates(root)]

    from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a damaged file: pyHanko's parser raises many kinds
        return _unreadable(f"not a readable PDF ({_first_line(exc)})")
    if not signatures:
        return Verdict(False, False, False, False, False, False, None, None, "not signed")
    context = ValidationContext(
        trust_roots=[translate_pyca_cryptography_cert_to_asn1(root) for root in roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    embedded = signatures[0]
    try:
        status = validate_pdf_signature(embedded, context)
        damage = _trailing_damage(data, embedded, reader)
        if damage is None and status.intact and status.valid:  # costly: only if it matters
            damage = _container_damage(data, embedded, roots)
    except Exception:  # a mangled signature dictionary or CMS blob
        return _unreadable("TAMPERED: the signature cannot be read", signed=True)
    cert = status.signing_cert
    verdict = Verdict(
        signed=True,
        intact=bool(status.intact) and damage is None,
        valid=bool(status.valid and status.intact) and damage is None,
        trusted=bool(status.trusted),
        docmdp_ok=bool(status.docmdp_ok),
        ok=bool(status.bottom_line) and damage is None,
        signed_by=_person(cert.subject.native) if cert is not None else None,
        signed_at=status.signer_reported_dt,
        summary="",
    )
    stamps = sum(1 for s in signatures[1:] if s.sig_object.get("/Type") == "/DocTimeStamp")
    return _with_summary(verdict, len(signatures), stamps, damage)


def _person(subject: dict[str, Any]) -> str:
    """'Cllr Jane Smith (Chair, Example Council)' from a certificate subject."""
    name = str(subject.get("common_name") or "an unnamed signer")
    extra = [str(subject[key]) for key in ("title", "organization_name") if subject.get(key)]
    return f"{name} ({', '.join(extra)})" if extra else name


def _container_damage(
    data: bytes, embedded: Any, trust_roots: Sequence[x509.Certificate]
) -> str | None:
    """Why the bytes the signature does not cover are not exactly what signing wrote.

    pyHanko checks the signed byte ranges and the signature itself; the hole
    for /Contents (the CMS blob, hex, zero-padded) is not covered by the
    digest, so a flipped padding digit or a byte of an embedded certificate
    the validation did not need (the CA's own copy, when the CA is a trust
    root) would go unnoticed. Here the hole must be the canonical hex of one
    canonically encoded CMS object followed only by zeros, and its unsigned
    envelope must be consistent (`_cms_damage`).
    """
    from asn1crypto import cms, parser

    start, first_length, second_start, _second_length = (int(v) for v in embedded.byte_range)
    hole = data[start + first_length : second_start]
    if len(hole) < 2 or hole[:1] != b"<" or hole[-1:] != b">":
        return "the signature container has been altered"
    digits = hole[1:-1]
    try:
        raw = bytes.fromhex(digits.decode("ascii"))
    except ValueError:
        return "the signature container has been altered"
    if digits not in (raw.hex().upper().encode(), raw.hex().encode()):
        return "the signature container has been altered"
    _cls, _method, _tag, header, contents, trailer = parser.parse(raw)
    used = len(header) + len(contents) + len(trailer)
    if raw[used:].strip(b"\x00"):
        return "the signature container has been altered"
    if not _canonical_der(raw[:used]):
        return "the signature container has been altered"
    info = cms.ContentInfo.load(raw[:used])
    return _cms_damage(info["content"], trust_roots)


def _canonical_der(data: bytes) -> bool:
    """Whether `data` is one DER value whose every length is minimal and exactly filled.

    asn1crypto reads leniently (long-form lengths, trailing bytes inside a
    constructed value); a walk over the tag-length-value tree refuses both.
    Re-encoding with asn1crypto would do the same at ~7× the cost.
    """

    def walk(start: int, end: int) -> bool:
        pos = start
        while pos < end:
            tag = data[pos]
            if tag == 0:
                return False  # end-of-contents (or zero padding): BER, never DER
            pos += 1
            if tag & 0x1F == 0x1F:  # high tag number: base-128 continuation bytes
                while pos < end and data[pos] & 0x80:
                    pos += 1
                pos += 1
            if pos >= end:
                return False
            first = data[pos]
            pos += 1
            if first < 0x80:
                length = first
            else:
                count = first & 0x7F
                if count == 0 or count > 4 or pos + count > end or data[pos] == 0:
                    return False  # indefinite, oversized or padded length
                length = int.from_bytes(data[pos : pos + count], "big")
                pos += count
                if length < 0x80 or length < 1 << (8 * (count - 1)):
                    return False  # a longer form than needed
            if pos + length > end:
                return False
            if tag & 0x20 and not walk(pos, pos + length):
                return False
            pos += length
        return pos == end

    return bool(data) and walk(0, len(data))


def _trailing_damage(data: bytes, embedded: Any, reader: Any) -> str | None:
    """Bytes after the signed range that are not a later revision (which pyHanko judges)."""
    start, _first, second_start, second_length = (int(v) for v in embedded.byte_range)
    if start != 0 or second_start + second_length > len(data):
        return "the signature container has been altered"
    if second_start + second_length == len(data):
        return None
    if reader.xrefs.total_revisions > embedded.signed_revision + 1:
        return None  # an incremental update: pyHanko's DocMDP verdict covers it
    return "bytes were added after the signed content"


def _cms_damage(signed_data: Any, trust_roots: Sequence[x509.Certificate]) -> str | None:
    """Check the parts of a CMS SignedData that its signature does not cover.

    The signer's certificate and the signed attributes are checked by
    pyHanko; the envelope around them (versions, the digest-algorithm set,
    the content type, the other certificates) is not, so it must be exactly
    what a signer writes.
    """
    from cryptography import x509

    altered = "the signature container has been altered"
    signer_infos = signed_data["signer_infos"]
    if len(signer_infos) != 1 or signed_data["encap_content_info"]["content"].native is not None:
        return altered
    signer_info = signer_infos[0]
    if signed_data["encap_content_info"]["content_type"].native != "data":
        return altered
    digest = signer_info["digest_algorithm"]
    if [d.dump() for d in signed_data["digest_algorithms"]] != [digest.dump()]:
        return altered
    sid_kind = signer_info["sid"].name
    expected = {"issuer_and_serial_number": "v1", "subject_key_identifier": "v3"}[sid_kind]
    if signer_info["version"].native != expected or signed_data["version"].native != expected:
        return altered
    sid = signer_info["sid"].chosen
    certs = [
        x509.load_der_x509_certificate(choice.chosen.dump())
        for choice in signed_data["certificates"]
    ]
    if sid_kind == "issuer_and_serial_number":
        named = [
            cert
            for cert in certs
            if cert.issuer.public_bytes() == sid["issuer"].dump()
            and cert.serial_number == sid["serial_number"].native
        ]
        if not named:  # the signer's name written differently (names compare case-blind)
            return altered
    for cert in certs:  # a copy of a trust root must be that root, byte for byte
        for root in trust_roots:
            same_key = cert.subject == root.subject and cert.public_key() == root.public_key()
            if same_key and cert != root:
                return "a certificate embedded in the signature has been altered"
    issuers = [*certs, *trust_roots]
    for cert in certs:
        candidates = [issuer for issuer in issuers if issuer.subject == cert.issuer]
        if not candidates:
            if trust_roots:  # a chain that should end at a trust root but cannot
                return "a certificate embedded in the signature has been altered"
            continue
        for issuer in candidates:
            try:
                cert.verify_directly_issued_by(issuer)
                break
            except Exception:
                continue
        else:
            return "a certificate embedded in the signature has been altered"
    return None


def _unreadable(reason: str, *, signed: bool = False) -> Verdict:
    return Verdict(signed, False, False, False, False, False, None, None, reason)


def _with_summary(verdict: Verdict, count: int, stamps: int, damage: str | None) -> Verdict:
    from dataclasses import replace

    if damage is not None:
        text = f"TAMPERED: {damage}"
    elif not verdict.intact or not verdict.valid:
        text = "TAMPERED: the signed content has changed since it was signed"
    elif not verdict.docmdp_ok:
        text = "TAMPERED: the file was changed after it was certified (no changes are permitted)"
    elif not verdict.trusted:
        text = "intact, but the signer's certificate is not trusted here"
    else:
        text = "intact and valid, signed by a trusted certificate"
    if stamps:
        text += f"; {stamps} later document timestamp{'s' if stamps > 1 else ''} not checked here"
    if count - 1 - stamps > 0:
        text += f"; {count - 1 - stamps} later signature(s) not checked here"
    return replace(verdict, summary=text)
