"""Minimal valid one-page PDFs written by hand, for the papers of generated boards.

The large-board generator needs real PDF bytes behind its papers (the viewer,
the dump and sync all hash and size them), but rendering two thousand papers
with reportlab would dominate the generation time and tie `bench/` to the
export code it is meant to measure. A one-page PDF with one line of Helvetica
text is a few hundred bytes; this module writes one with a correct
cross-reference table, so any reader (pypdf, Qt PDF) opens it.
"""

from __future__ import annotations


def _pdf_string(text: str) -> str:
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def minimal_pdf(text: str, *, title: str | None = None) -> bytes:
    """A one-page A4 PDF showing `text` on one line (non-ASCII becomes `?`).

    Args:
        text: the line printed near the top of the page.
        title: the document title in the Info dictionary (default: `text`).

    Returns:
        The bytes of a complete PDF 1.4 file.
    """
    line = _pdf_string(text)
    content = f"BT /F1 12 Tf 72 770 Td ({line}) Tj ET\n".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        f"<< /Title ({_pdf_string(title or text)}) /Producer (Boardpack bench) >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)
