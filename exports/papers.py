"""Board papers as clean, council-style PDFs: the demo's board pack and any plain-text report.

A paper is a title and a body of plain text with three light conventions —
paragraphs are separated by blank lines, a paragraph starting `# ` (or `## `)
is a heading, and lines starting `- ` are bullet points. `render_paper_pdf`
lays that out on A4 with reportlab: the title, a running header, "Page n of N"
in the footer, heading bookmarks, and title/author/subject/language metadata.
DejaVu Sans (shipped with matplotlib) is embedded and is also the canvas's
initial font, so the file references no non-embedded standard font; and
`invariant=1` makes the same input give the same bytes, which the demo
board's determinism depends on. reportlab is imported on first use only.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
_HEADING = re.compile(r"^(#{1,2})\s+(.*)$", re.DOTALL)


def font_folder() -> Path:
    """Where matplotlib keeps DejaVu Sans, found without importing matplotlib (0.2 s saved)."""
    spec = importlib.util.find_spec("matplotlib")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location) / "mpl-data" / "fonts" / "ttf"
        if (folder / "DejaVuSans.ttf").is_file():
            return folder
    import matplotlib  # an unusual layout: ask matplotlib itself

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@functools.cache
def _register_fonts() -> None:
    """Register DejaVu Sans (regular and bold) with reportlab, once per process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = font_folder()
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    for italic in (0, 1):  # no italic face is embedded: italics fall back to upright
        addMapping(FONT, 0, italic, FONT)
        addMapping(FONT, 1, italic, FONT_BOLD)


def _blocks(body: str) -> list[tuple[str, Any]]:
    """Split the body into ("h1"|"h2", text), ("p", text) and ("ul", [items]) blocks."""
    blocks: list[tuple[str, Any]] = []
    for chunk in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        heading = _HEADING.match(lines[0])
        if heading and len(lines) == 1:
            blocks.append(("h1" if len(heading.group(1)) == 1 else "h2", heading.group(2)))
            continue
        if lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- ") or not items:
                    items.append(line.removeprefix("- "))
                else:
                    items[-1] += " " + line
            blocks.append(("ul", items))
            continue
        blocks.append(("p", " ".join(lines)))
    return blocks


def render_paper_pdf(
    title: str,
    body: str,
    *,
    author: str = "Boardpack",
    subject: str = "Board paper",
) -> tuple[bytes, int]:
    """Render a board paper to PDF bytes.

    Args:
        title: the paper's title (first line of page 1, running header, PDF title).
        body: plain text with blank-line paragraphs, `# ` headings and `- ` bullets.
        author: the PDF's author metadata.
        subject: the PDF's subject metadata.

    Returns:
        The PDF bytes (identical for identical input) and its page count.
    """
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        ListFlowable,
        ListItem,
        PageTemplate,
        Paragraph,
        Spacer,
    )

    _register_fonts()
    grey = colors.HexColor("#505a5f")
    base = ParagraphStyle(
        "Body",
        fontName=FONT,
        fontSize=10.5,
        leading=14.5,
        spaceAfter=6,
        bulletFontName=FONT,
    )
    styles = {
        "title": ParagraphStyle("Title", parent=base, fontName=FONT_BOLD, fontSize=18, leading=23),
        "h1": ParagraphStyle(
            "Heading1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=13,
            leading=17,
            spaceBefore=8,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "Heading2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11,
            leading=15,
            spaceBefore=4,
            keepWithNext=1,
        ),
        "p": base,
    }

    page_width, page_height = A4
    margin = 20 * mm
    page_counts: list[int] = []
    levels = [-1]

    class _NumberedCanvas(Canvas):  # type: ignore[misc]
        """Holds pages back until the end so each footer can say "of N"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            page_counts.append(total)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.saveState()
                self.setFont(FONT, 8.5)
                self.setFillColor(grey)
                self.drawString(margin, page_height - 12 * mm, title[:110])
                self.drawRightString(page_width - margin, 10 * mm, f"Page {number} of {total}")
                self.setStrokeColor(grey)
                self.setLineWidth(0.4)
                self.line(
                    margin, page_height - 13.5 * mm, page_width - margin, page_height - 13.5 * mm
                )
                self.restoreState()
                super().showPage()
            super().save()

    class _Doc(BaseDocTemplate):  # type: ignore[misc]
        """Bookmarks every heading so the outline mirrors the paper's structure."""

        def afterFlowable(self, flowable: Any) -> None:
            style = getattr(flowable, "style", None)
            name = getattr(style, "name", "")
            if name in {"Title", "Heading1", "Heading2"}:
                key = f"h{self.seq.nextf('heading')}"
                self.canv.bookmarkPage(key)
                # A "##" straight after the title hangs under it: outlines cannot skip levels.
                level = min({"Title": 0, "Heading1": 1, "Heading2": 2}[name], levels[-1] + 1)
                levels.append(level)
                self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level)

    buffer = io.BytesIO()
    doc = _Doc(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin + 2 * mm,
        bottomMargin=margin,
        title=title,
        author=author,
        subject=subject,
        creator="Boardpack",
        producer="Boardpack",
        lang="en-GB",
        displayDocTitle=True,
        invariant=1,
        initialFontName=FONT,
        initialFontSize=10.5,
    )
    frame = Frame(margin, margin, page_width - 2 * margin, page_height - 2 * margin - 2 * mm)
    doc.addPageTemplates([PageTemplate(id="paper", frames=[frame])])

    story: list[Any] = [Paragraph(escape(title), styles["title"]), Spacer(1, 4 * mm)]
    for kind, content in _blocks(body):
        if kind == "ul":
            story.append(
                ListFlowable(
                    [ListItem(Paragraph(escape(item), base), leftIndent=12) for item in content],
                    bulletType="bullet",
                    start="•",
                    bulletFontName=FONT,
                    bulletFontSize=10.5,
                    leftIndent=12,
                    spaceAfter=6,
                )
            )
        else:
            story.append(Paragraph(escape(content), styles[kind]))
    doc.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue(), page_counts[-1]
