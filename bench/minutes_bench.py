"""Minutes export benchmarks: the demo board's longest minutes, and a 40-item meeting with charts.

The Minutes issue's quality bar, in-process, each beside a floor measured in
the same run, interleaved:

- `minutes export, demo's longest`: the demo board's longest minutes (the full
  version, generated from the meeting record: the most pages of any meeting,
  with its KPI charts and RAG tables), from `db.minutes.build_minutes` on an
  open session to the PDF bytes from `exports.minutes_pdf.render_minutes_pdf`.
  Goal ≤ 0.3 s.
- `minutes export, 40 items + 8 KPI charts`: a synthetic 40-item meeting (two
  paragraphs, a plan-action RAG table, two decisions and an action arising per
  item) with 8 indicators charted, rendered from its `MinutesDoc`. The chart
  cache is cleared before every sample, so each sample draws its 8 charts once
  and reuses them. Goal ≤ 1 s.

The floor of each is reportlab alone laying out the same number of plain
paragraphs of the same text in the same embedded font (no tables, charts or
page furniture). The first export in the process (imports, font registration)
is timed once and given in the note; samples are warm.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from bench.context import Context, remove_db
from bench.runner import Goal, Row, interleaved, median, time_once

DEMO_GOAL = Goal.at_most(0.3, "s")
LARGE_GOAL = Goal.at_most(1.0, "s")
LARGE_ITEMS = 40
LARGE_CHARTS = 8


def _texts(doc: Any) -> list[str]:
    """Every text of a document, one per paragraph the floor will lay out."""
    out: list[str] = []

    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for f in dataclasses.fields(value):
                walk(getattr(value, f.name))
        elif isinstance(value, tuple | list):
            for v in value:
                walk(v)
        elif isinstance(value, str) and value.strip():
            out.append(value)

    walk(doc.attendance)
    walk(doc.items)
    return out


def _floor(texts: list[str]) -> float:
    """reportlab alone: the same number of plain paragraphs in the same font."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from exports.papers import FONT, _register_fonts

    _register_fonts()
    style = ParagraphStyle("Body", fontName=FONT, fontSize=10, leading=13.8, spaceAfter=5)

    def build() -> None:
        doc = SimpleDocTemplate(io.BytesIO(), pagesize=A4, invariant=1, initialFontName=FONT)
        doc.build([Paragraph(escape(t), style) for t in texts])

    return time_once(build)


def _large_doc() -> Any:
    """A 40-item meeting with 8 indicators charted (a `MinutesDoc`, no database)."""
    from db.minutes.doc import (
        ArisingEntry,
        Attendance,
        DecisionEntry,
        KpiChartEntry,
        KpiPointEntry,
        MinutesDoc,
        MinutesItem,
        PlanActionEntry,
        RagKey,
    )
    from db.views import DEFAULT_RAG_KEY

    charts = [
        KpiChartEntry(
            reference=f"K{k + 1}",
            title=f"Indicator {k + 1}: children seen within timescale",
            unit="%",
            higher_is_better=k % 2 == 0,
            target=70.0 + k,
            points=tuple(
                KpiPointEntry(
                    dt.date(2018 + (m + 6) // 12, (m + 6) % 12 + 1, 1),
                    60.0 + k + (m * 7 % 11),
                    65.0,
                    63.0,
                )
                for m in range(13)
            ),
        )
        for k in range(LARGE_CHARTS)
    ]
    rags = ["red", "amber", "green", "blue", None]
    sentence = (
        "The Director reported progress against the plan, the risks to delivery and the "
        "recovery actions in hand; members asked how the change would be evidenced, and "
        "the partners confirmed their contribution. "
    )
    items = tuple(
        MinutesItem(
            number=n,
            kind="business",
            title=f"Item {n}: progress report on theme {n % 5 + 1}",
            report_of="Lucy Hargreaves, Director of Children's Social Care",
            minutes=(sentence * 3).strip() + "\n\n" + (sentence * 2).strip(),
            decisions=(
                DecisionEntry(f"OPAB 19/{2 * n:02d}", "noted", "The Board noted the report."),
                DecisionEntry(
                    f"OPAB 19/{2 * n + 1:02d}",
                    "agreed",
                    "The Board agreed the recovery plan and asked for an update at its next "
                    "meeting.",
                ),
            ),
            actions_arising=(
                ArisingEntry(
                    "Report back on the recovery plan.", "Owen Pryce", dt.date(2019, 5, 1)
                ),
            ),
            plan_actions=tuple(
                PlanActionEntry(f"{n % 5 + 1}.{a + 1}", "Action title " * 4, rags[(n + a) % 5])
                for a in range(3)
            ),
            kpis=(charts[n // 5 - 1],) if n % 5 == 0 else (),
        )
        for n in range(1, LARGE_ITEMS + 1)
    )
    assert sum(len(i.kpis) for i in items) == LARGE_CHARTS
    return MinutesDoc(
        board_code="OPAB",
        board_name="Ofsted Priority Action Board",
        meeting_id="bench",
        date=dt.date(2019, 7, 9),
        start=dt.time(10),
        end=dt.time(16, 30),
        venue="Council Chamber, County Hall",
        hybrid=True,
        chair="Dr Helen Marchbank",
        attendance=Attendance(present=tuple(f"Member {i} (Partner)" for i in range(12))),
        declarations=(),
        items=items,
        next_meeting=None,
        rag_key=tuple(RagKey(r.value, r.label, m, c) for r, c, m in DEFAULT_RAG_KEY),
    )


def bench_minutes(ctx: Context) -> Iterator[Row]:
    """Both minutes exports against reportlab laying out the same paragraphs."""
    from db.demo import create_demo
    from db.minutes import build_minutes
    from exports.charts import kpi_drawing
    from exports.minutes_pdf import minutes_pdf_bytes, render_minutes_pdf

    def pages_of(doc: Any) -> int:
        return render_minutes_pdf(doc, io.BytesIO())

    demo_name, large_name, unit = (
        "minutes export, demo's longest",
        f"minutes export, {LARGE_ITEMS} items + {LARGE_CHARTS} KPI charts",
        "s",
    )
    path = ctx.scratch("minutes-demo")
    database = create_demo(path)
    try:
        with database.session() as s:
            from sqlalchemy import text

            chairs: dict[str, str] = dict(
                s.execute(
                    text(
                        "SELECT m.id, ms.person_id FROM meetings m JOIN memberships ms "
                        "ON ms.board_id = m.board_id AND ms.role = 'chair' "
                        "WHERE m.status = 'closed'"
                    )
                ).all()
            )
            first_id = next(iter(chairs))
            first = time_once(
                lambda: minutes_pdf_bytes(
                    build_minutes(s, chairs[first_id], first_id, public=False)
                )
            )
            sizes = {}
            for meeting_id, viewer in chairs.items():
                doc = build_minutes(s, viewer, meeting_id, public=False)
                ref = f"{doc.board_code}:{doc.date.isoformat()}"
                sizes[ref] = (pages_of(doc), len(minutes_pdf_bytes(doc)), meeting_id)
            longest = max(sizes, key=lambda r: sizes[r][:2])
            pages, _, meeting_id = sizes[longest]
            demo_doc = build_minutes(s, chairs[meeting_id], meeting_id, public=False)
            texts = _texts(demo_doc)

            def demo_subject() -> float:
                kpi_drawing.cache_clear()
                return time_once(
                    lambda: minutes_pdf_bytes(
                        build_minutes(s, chairs[meeting_id], meeting_id, public=False)
                    )
                )

            samples, floors = interleaved(demo_subject, lambda: _floor(texts), ctx.repeats(9, 2))
    finally:
        database.close()
        remove_db(path)
    yield Row(
        demo_name,
        median(samples),
        unit,
        median(floors),
        DEMO_GOAL,
        len(samples),
        len(floors),
        f"{longest}, full version generated from the record, {pages} pages, "
        f"{sum(len(i.kpis) for i in demo_doc.items)} charts; from the open session to PDF "
        f"bytes; floor: reportlab laying out the same {len(texts)} paragraphs plain; "
        f"first export in the process (imports, fonts) {first * 1000:.0f} ms",
    )

    large = _large_doc()
    large_texts = _texts(large)
    minutes_pdf_bytes(large)  # warm

    def large_subject() -> float:
        kpi_drawing.cache_clear()
        return time_once(lambda: minutes_pdf_bytes(large))

    samples, floors = interleaved(large_subject, lambda: _floor(large_texts), ctx.repeats(7, 2))
    large_pages = pages_of(large)
    yield Row(
        large_name,
        median(samples),
        unit,
        median(floors),
        LARGE_GOAL,
        len(samples),
        len(floors),
        f"{large_pages} pages, charts drawn once per sample "
        f"(cache cleared) and reused; floor: reportlab laying out the same "
        f"{len(large_texts)} paragraphs plain",
    )
