"""Board pack benchmarks: building the pack of a 200-page meeting, re-anchoring on re-issue.

- `board pack, 200-page meeting`: `exports.board_pack.build_board_pack` over ten
  20-page papers (made once with `exports.papers.render_paper_pdf`): cover and
  contents, every page stamped and numbered, page labels, bookmarks. The floor
  is pypdf alone copying the same 200 pages into one file (no stamps, no front
  matter). Goal ≤ 2 s (it runs off the GUI thread, with progress).
- `re-anchor 30 annotations, 200-page paper`: `db.papers.anchoring.reanchor` of
  30 quotes onto a re-issued 200-page paper — 20 found as they were, 5 with a
  word corrected (fuzzy), 5 whose text is gone (orphaned: the worst case, every
  page searched). The floor is `str.find` of the same 30 quotes in the pages.
  Goal ≤ 1 s (a re-issue also reads the new PDF's text, timed in the note).

Samples are warm (imports and font registration paid by a first untimed run).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

from bench.context import Context
from bench.runner import Goal, Row, interleaved, median, time_once

PACK_GOAL = Goal.at_most(2.0, "s")
ANCHOR_GOAL = Goal.at_most(1.0, "s")
PAPERS, PAGES_EACH = 10, 20


def _paper_pdf(n: int) -> tuple[bytes, int]:
    from exports.papers import render_paper_pdf

    body = "\n\n".join(
        f"# Section {s}\n\n"
        + "\n\n".join(
            f"Paragraph {n}.{s}.{p}: the service reviewed caseloads, supervision and audit "
            f"findings in team {p}, and the Delivery Group agreed recovery steps {s * p}. " * 3
            for p in range(6)
        )
        for s in range(40)
    )
    return render_paper_pdf(f"Paper {n}: progress report", body)


def _trim(data: bytes, pages: int) -> bytes:
    """The first `pages` pages of a PDF."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages[:pages]:
        writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bench_board_pack(ctx: Context) -> Iterator[Row]:
    """The pack of a 200-page meeting, and re-anchoring on a 200-page paper."""
    from pypdf import PdfReader, PdfWriter

    from db.papers.anchoring import Anchor, reanchor
    from db.papers.pdftext import read_pages
    from db.services.papers import PackSource, PaperRow
    from exports.board_pack import build_board_pack

    repeats = ctx.repeats_override or (2 if ctx.quick else 5)
    issued = dt.datetime(2020, 1, 7, 17, tzinfo=dt.UTC)
    papers = []
    for n in range(PAPERS):
        data, pages = _paper_pdf(n)
        assert pages >= PAGES_EACH, pages
        data = _trim(data, PAGES_EACH)
        row = PaperRow(
            f"paper-{n}", "meeting", f"item-{n}", str(n + 5), f"Progress, theme {n}",
            f"Paper {n}: progress report", "report", None, PAGES_EACH, False, False, 1,
            None, issued, f"{n:064d}", True,
        )  # fmt: skip
        papers.append((row, data))
    source = PackSource(
        "meeting", "OPAB", "Ofsted Priority Action Board", dt.date(2020, 1, 14),
        dt.time(10), "Council Chamber, County Hall", tuple(papers),
    )  # fmt: skip

    def floor() -> float:
        def merge() -> None:
            writer = PdfWriter()
            for _, data in papers:
                for page in PdfReader(io.BytesIO(data)).pages:
                    writer.add_page(page)
            writer.write(io.BytesIO())

        return time_once(merge)

    first = time_once(lambda: build_board_pack(source))
    pack = build_board_pack(source)
    subject, base = interleaved(lambda: time_once(lambda: build_board_pack(source)), floor, repeats)
    yield Row(
        f"board pack, {PAPERS * PAGES_EACH}-page meeting",
        median(subject),
        "s",
        median(base),
        PACK_GOAL,
        len(subject),
        len(base),
        note=f"{pack.total_pages} pages incl. cover and contents, "
        f"{len(pack.data) / 1e6:.1f} MB; first build in the process {first:.2f} s; "
        "floor: pypdf copying the same pages unstamped",
    )

    # One 200-page paper: every paper's pages back to back.
    long_pages = tuple(
        page for _, data in papers for page in read_pages(data)
    )  # the new version's text, as a re-issue reads it
    read_time = time_once(lambda: [read_pages(data) for _, data in papers])
    texts = [p.text for p in long_pages]
    quotes: list[Anchor] = []
    for k in range(20):  # found exactly
        words = texts[k * 10].split()[40:52]
        quotes.append(Anchor(k * 10, " ".join(words)))
    for k in range(5):  # a word corrected in the new version
        words = texts[k * 37 + 3].split()[60:72]
        words[4] = words[4] + "s"
        quotes.append(Anchor(k * 37 + 3, " ".join(words)))
    for k in range(5):  # gone
        quotes.append(
            Anchor(k * 40, f"children placed out of county number {k} rose again this quarter")
        )

    def anchor_floor() -> float:
        return time_once(lambda: [[t.find(a.quote or "") for t in texts] for a in quotes])

    placed = reanchor(quotes, long_pages)
    subject, base = interleaved(
        lambda: time_once(lambda: reanchor(quotes, long_pages)), anchor_floor, repeats
    )
    orphaned = sum(p.orphaned for p in placed)
    fuzzy = sum(p.method.value == "fuzzy" for p in placed)
    yield Row(
        f"re-anchor 30 annotations, {len(long_pages)}-page paper",
        median(subject),
        "s",
        median(base),
        ANCHOR_GOAL,
        len(subject),
        len(base),
        note=f"{30 - orphaned} placed ({fuzzy} fuzzy), {orphaned} orphaned; reading the "
        f"new version's text (pypdf) takes {read_time:.2f} s more; floor: str.find of "
        "the same quotes",
    )
