"""Minutes as accessible HTML: structure, header cells, alt text, lang, contrast, no leaks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from db.minutes import MinutesDoc, build_minutes
from db.store import Database
from exports.charts import text_colour
from exports.minutes_html import render_minutes_html
from tests.db.minutes_board import EXEMPT_TITLE, SENTINEL, MinutesBoard, build_minutes_board


@pytest.fixture
def board(database: Database) -> Iterator[MinutesBoard]:
    yield build_minutes_board(database)


def _doc(database: Database, board: MinutesBoard, *, public: bool) -> MinutesDoc:
    with database.session() as s:
        return build_minutes(s, board.clerk, board.meeting, public=public)


class _Outline(HTMLParser):
    """Collects headings, header cells, svg attributes, figure captions and text."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.headings: list[tuple[str, str]] = []
        self.th_scopes: list[str | None] = []
        self.svgs: list[dict[str, str | None]] = []
        self.captions = 0
        self.html_lang: str | None = None
        self.text: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if tag in {"h1", "h2", "h3"}:
            self._heading = [tag]
        if tag == "th":
            self.th_scopes.append(a.get("scope"))
        if tag == "svg":
            self.svgs.append(a)
        if tag in {"figcaption", "caption"}:
            self.captions += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"h1", "h2", "h3"} and self._heading is not None:
            self.headings.append((self._heading[0], "".join(self._heading[1:]).strip()))
            self._heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)


def _parse(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def test_semantic_structure(database: Database, board: MinutesBoard) -> None:
    page = _parse(render_minutes_html(_doc(database, board, public=False)))
    assert page.html_lang == "en-GB"
    assert [h for h in page.headings if h[0] == "h1"] == [("h1", "Ofsted Priority Action Board")]
    items = [text for level, text in page.headings if level == "h2" and text[0].isdigit()]
    assert items == [
        "1. Welcome and apologies for absence",
        "2. Declarations of interest",
        "3. Minutes of the previous meeting",
        "4. Workforce: reducing agency staff",
        f"5. {EXEMPT_TITLE} (exempt: paragraph 3 of Schedule 12A)",
        "6. Any other business",
        "7. Date of next meeting",
    ]
    h3 = [text for level, text in page.headings if level == "h3"]
    assert h3.count("Resolved") == 2 and h3.count("Noted") == 1
    assert page.th_scopes and all(scope in {"col", "row"} for scope in page.th_scopes)
    assert "Exclusion of the press and public" in [t for _, t in page.headings]


def test_charts_have_alt_text_and_a_visible_caption(
    database: Database, board: MinutesBoard
) -> None:
    html = render_minutes_html(_doc(database, board, public=False))
    page = _parse(html)
    assert len(page.svgs) == 1
    svg = page.svgs[0]
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "figure-1-title"
    title = re.search(r'<title id="figure-1-title">([^<]+)</title>', html)
    assert title is not None and title.group(1).startswith("K4 Agency social workers (%,")
    assert "<figcaption" in html and "Figure 1.</strong> K4 Agency social workers" in html
    assert "<title>...</title>" not in html and "<desc>...</desc>" not in html


def test_rag_is_a_word_with_a_key(database: Database, board: MinutesBoard) -> None:
    html = render_minutes_html(_doc(database, board, public=False))
    assert re.search(r'<span class="rag"[^>]*>Red</span>', html)
    assert "<caption>RAG key</caption>" in html


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_colours_meet_wcag_aa_contrast(database: Database, board: MinutesBoard) -> None:
    doc = _doc(database, board, public=False)
    html = render_minutes_html(doc)
    css = html[html.index("<style>") : html.index("</style>")]
    text_colours = set(re.findall(r"(?<![\w-])color:(#[0-9a-fA-F]{6})", css))
    backgrounds = set(re.findall(r"background:(#[0-9a-fA-F]{6})", css))
    assert text_colours and backgrounds
    for colour in text_colours:
        for background in backgrounds:  # body text on white and on the shaded cells
            assert _contrast(colour, background) >= 7, (colour, background)
    for entry in doc.rag_key:
        assert _contrast(text_colour(entry.colour), entry.colour) >= 4.5, entry.label
    for background, foreground in re.findall(
        r"background:(#[0-9a-fA-F]{6});color:(#[0-9a-fA-F]{6})", html
    ):
        assert _contrast(background, foreground) >= 4.5


def test_public_html_holds_no_exempt_text(database: Database, board: MinutesBoard) -> None:
    full = render_minutes_html(_doc(database, board, public=False))
    public = render_minutes_html(_doc(database, board, public=True))
    assert SENTINEL in full  # so this test can fail
    for needle in (SENTINEL, "Zebra quartz", "Lantern Row", "Award the contract"):
        assert needle not in public
        assert needle not in " ".join(_parse(public).text)
    assert EXEMPT_TITLE in public and "paragraph 3 of Part 1 of Schedule 12A" in public
    assert "Public minutes." in public
