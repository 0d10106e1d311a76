"""Printing chosen pages of the open PDF, and reading "1-3, 5" as a list of pages.

`print_pages` paints each page on a `QPrinter` — a real printer from
`QPrintDialog`, or a PDF file (`QPrinter.OutputFormat.PdfFormat`, as the
tests do) — rendered at up to the printer's resolution (capped, so a 1200 dpi
printer does not make 130 MB images) and fitted to the printable area,
keeping the page's shape.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

#: The highest resolution pages are rendered at for printing.
MAX_DPI = 300


def parse_pages(text: str, page_count: int) -> list[int]:
    """ "1-3, 5" → [0, 1, 2, 4] (0-based); raises ValueError with one readable sentence."""
    pages: list[int] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        first, dash, last = part.partition("-")
        try:
            a = int(first)
            b = int(last) if dash else a
        except ValueError:
            raise ValueError(f"'{part}' is not a page or a range such as 2-5") from None
        if a > b:
            a, b = b, a
        if a < 1 or b > page_count:
            raise ValueError(f"pages run from 1 to {page_count}; '{part}' is outside that")
        pages.extend(p - 1 for p in range(a, b + 1) if p - 1 not in pages)
    if not pages:
        raise ValueError("say which pages to print, e.g. 1-3, 5")
    return pages


def print_pages(document: QPdfDocument, pages: Sequence[int], printer: QPrinter) -> int:
    """Print `pages` (0-based) of `document` on `printer`; returns the number printed."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    dpi = min(printer.resolution(), MAX_DPI)
    printed = 0
    try:
        for n, page in enumerate(pages):
            if n:
                printer.newPage()
            points = document.pagePointSize(page)
            image = document.render(
                page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            )
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(
                area.x() + (area.width() - size.width()) // 2, area.y(), size.width(), size.height()
            )
            painter.drawImage(target, image)
            printed += 1
    finally:
        painter.end()
    return printed
