"""Reader benchmarks: opening a 200-page paper and turning its pages, in-process, real widgets.

A 200-page paper is rendered once with `exports.papers.render_paper_pdf` and
added (as the secretariat, through `db.services.papers.add_paper`) to the next
meeting of a demo board without papers. The reader (`desktop.reader.view.
ReaderView`) is shown offscreen at a laptop's size, reading as the chair.

- `reader: open a 200-page paper, first page shown`: `open_paper` (the
  paper's row, its PDF from the database, the last page read, the notes of
  the meeting) then a synchronous repaint of the page. Floor: `QPdfDocument`
  loading the same bytes and rendering page 1 at the same size, nothing
  else. Goal ≤ 500 ms.
- `reader: page turn (PgDn), median` and `… slowest`: `next_page` then a
  synchronous repaint, the event loop let run between turns as it is between
  key presses (so the idle prefetch of the next page may have run). Floor:
  a bare render of one page at the same size. Goal ≤ 100 ms for both.
- `reader: jump to a far page, slowest`: going to a page never shown
  (nothing prefetched: the full render), same floor and goal.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator

from bench.context import Context
from bench.runner import Goal, Row, interleaved, median

OPEN_GOAL = Goal.at_most(0.5, "s")
TURN_GOAL = Goal.at_most(0.1, "s")
PAGES = 200


def _long_paper() -> bytes:
    from exports.papers import render_paper_pdf

    body = "\n\n".join(
        f"# Section {s}\n\n"
        + "\n\n".join(
            f"Paragraph {s}.{p}: the service reviewed caseloads, supervision and audit findings "
            f"in team {p}, and the Delivery Group agreed recovery steps {s * p}. " * 3
            for p in range(6)
        )
        for s in range(280)
    )
    data, pages = render_paper_pdf("Annual report of the improvement programme", body)
    if pages < PAGES:
        raise RuntimeError(f"the generated paper has {pages} pages, fewer than {PAGES}")
    from bench.papers_bench import _trim

    return _trim(data, PAGES)


def bench_reader(ctx: Context) -> Iterator[Row]:
    """Open a 200-page paper in the reader, turn its pages; floors: bare QtPdf renders."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings, QSize
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from db.demo import DEMO_AS_OF, create_demo
    from db.models import AgendaItem, Board, Membership, Role
    from db.services.meetings import meetings_of
    from db.services.papers import add_paper
    from desktop.reader.last_page import LastPageStore
    from desktop.reader.view import ReaderView

    app = QApplication.instance() or QApplication(["boardpack-reader-bench"])
    repeats = ctx.repeats(7, 2)
    data = _long_paper()
    path = ctx.scratch("reader")
    database = create_demo(path)
    try:
        with database.session() as s:
            board = s.scalars(select(Board).where(Board.code == "OPAB")).one()

            def role(r: Role) -> str:
                return (
                    s.scalars(
                        select(Membership.person_id).where(
                            Membership.board_id == board.id, Membership.role == r
                        )
                    ).first()
                    or ""
                )

            chair, secretary = role(Role.CHAIR), role(Role.SECRETARIAT)
            meeting = meetings_of(s, chair, board.id, today=DEMO_AS_OF).upcoming[0]
            item = s.scalars(
                select(AgendaItem.id)
                .where(AgendaItem.meeting_id == meeting.meeting_id)
                .order_by(AgendaItem.position.desc())
            ).first()
        assert item is not None
        with database.begin(secretary) as s:
            paper = add_paper(s, secretary, item, "Annual report", data)

        settings = QSettings(str(ctx.work_dir / "reader-bench.ini"), QSettings.Format.IniFormat)
        reader = ReaderView(last_pages=LastPageStore(settings))
        reader.set_source(database, chair)
        reader.resize(1140, 700)
        reader.show()
        app.processEvents()

        def open_once() -> float:
            start = time.perf_counter()
            reader.open_paper(paper.paper_id, 0)
            reader.canvas.repaint()
            took = time.perf_counter() - start
            app.processEvents()
            return took

        size = QSize(1, 1)

        def bare_open() -> float:
            start = time.perf_counter()
            buffer = QBuffer()
            buffer.setData(QByteArray(data))
            buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            document = QPdfDocument()
            document.load(buffer)
            document.render(0, size)
            took = time.perf_counter() - start
            document.close()
            return took

        open_once()  # warm: imports, fonts, first PDFium use
        ratio = reader.canvas.devicePixelRatioF()
        size = QSize(round(reader.canvas.width() * ratio), round(reader.canvas.height() * ratio))
        opens, open_floors = interleaved(open_once, bare_open, repeats)
        yield Row(
            f"reader: open a {PAGES}-page paper, first page shown",
            median(opens),
            "s",
            median(open_floors),
            OPEN_GOAL,
            len(opens),
            len(open_floors),
            note=f"slowest {max(opens) * 1000:.0f} ms; page {size.width()}×{size.height()} px "
            f"(fit width, window 1140×700); {len(data) / 1e6:.1f} MB PDF from the database; "
            "floor: QPdfDocument load of the same bytes + render of page 1, nothing else",
        )

        document = reader.canvas.document
        assert document is not None

        def bare_render(page: int) -> float:
            start = time.perf_counter()
            document.render(page, size)
            return time.perf_counter() - start

        reader.go_to(0)
        app.processEvents()
        turns: list[float] = []
        for _ in range(min(PAGES - 1, 40 * repeats)):
            start = time.perf_counter()
            reader.next_page()
            reader.canvas.repaint()
            turns.append(time.perf_counter() - start)
            app.processEvents()  # between key presses: the idle prefetch may run
        floors = [bare_render(p) for p in range(0, PAGES, max(1, PAGES // len(turns)))]
        floor = statistics.median(floors)
        note = f"{len(turns)} PgDn turns; floor: a bare render of one page at the same size"
        yield Row(
            "reader: page turn (PgDn), median",
            median(turns),
            "s",
            floor,
            TURN_GOAL,
            len(turns),
            len(floors),
            note=note,
        )
        yield Row(
            "reader: page turn (PgDn), slowest",
            max(turns),
            "s",
            max(floors),
            TURN_GOAL,
            len(turns),
            len(floors),
            note=note + " (slowest of each)",
        )
        jumps: list[float] = []
        for n in range(min(30, 6 * repeats)):
            page = (n * 37 + 101) % PAGES
            reader.go_to(page)
            app.processEvents()
            far = (page + PAGES // 2) % PAGES
            start = time.perf_counter()
            reader.go_to(far)
            reader.canvas.repaint()
            jumps.append(time.perf_counter() - start)
        yield Row(
            "reader: jump to a far page, slowest",
            max(jumps),
            "s",
            max(floors),
            TURN_GOAL,
            len(jumps),
            len(floors),
            note=f"median {median(jumps) or 0:.3f} s over {len(jumps)} jumps to a page not "
            "prefetched (the full render); floor: the slowest bare render",
        )
        reader.close()
        reader.deleteLater()
        app.processEvents()
    finally:
        database.close()
