"""Minutes as one accessible HTML page: the same `MinutesDoc`, for publishing on the web.

Published council documents must meet WCAG 2.2 AA, so the page is plain
semantic HTML5 in `lang="en-GB"`: one `h1`, an `h2` per item (its number in the
text), `h3` for "Resolved", "Noted" and "Actions arising"; attendance as a
description list; tables with a caption and `th scope` header cells (the
children in care council's action cards an item considered are one: the card
in the young people's words, the board's response, status, who gave it); each KPI
chart an inline SVG with `role="img"`, its `<title>` and a visible caption
saying what it shows; RAG always as its word (the colour is a chip behind the
word, with a key); text colours of at least 7:1 and chip text chosen for at
least 4.5:1; no script. A public document holds no exempt text to begin with
(`db.minutes.doc.from_content(public=True)`), so an exempt item here is only its
title, the exclusion resolution and the paragraph of Schedule 12A relied on.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path

from db.minutes.doc import (
    CardEntry,
    DecisionEntry,
    MinutesDoc,
    MinutesItem,
    clock_time,
    long_date,
)
from exports.charts import kpi_caption, kpi_svg, text_colour

_CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;color:#0b0c0c;background:#fff;
max-width:48rem;margin:1.5rem auto;padding:0 1rem;line-height:1.5;font-size:1rem}
h1{font-size:1.75rem;margin:0 0 .25rem}h2{font-size:1.25rem;margin:1.75rem 0 .25rem}
h3{font-size:1rem;margin:1rem 0 .25rem}.status{font-weight:bold}
.meta,.report-of,figcaption,.note{color:#3d4347}
dl.attendance{display:grid;grid-template-columns:9rem 1fr;gap:.25rem 1rem}
dl.attendance dt{font-weight:bold}dl.attendance dd{margin:0}
dl.attendance ul{margin:0;padding:0;list-style:none}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #6f777b}
thead th{background:#f3f2f1;border-bottom:2px solid #0b0c0c}
.rag{display:inline-block;min-width:4.5rem;padding:0 .4rem;border-radius:.25rem;
font-weight:bold;text-align:center}
ol.resolutions{list-style:none;padding:0;margin:0}
ol.resolutions li{margin:0 0 .5rem 6.5rem;text-indent:-6.5rem}
.exclusion{border:2px solid #0b0c0c;background:#f3f2f1;padding:.5rem .75rem;margin:1.5rem 0 0}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
:focus{outline:3px solid #ffdd00}
"""


def render_minutes_html(doc: MinutesDoc) -> str:
    """The minutes as a complete HTML5 document (UTF-8 text).

    Args:
        doc: the minutes (a public document holds no exempt text).

    Returns:
        The page's text.
    """
    title = doc.title + (" (public version)" if doc.public else "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{escape(doc.board_name)}</h1>",
        f'<p class="meta">{escape(_held(doc))}</p>',
        f'<p class="status">{escape(_status(doc))}</p>',
    ]
    if doc.public:
        parts.append(
            '<p class="note">Public version. Items taken in private appear by title, with the '
            "paragraph of Schedule 12A to the Local Government Act 1972 relied on; their "
            "minutes are not for publication.</p>"
        )
    parts.append("</header>")
    parts.append("<main>")
    parts += _attendance(doc)
    if doc.uses_rag and doc.rag_key:
        parts += _rag_key(doc)
    figure = 0
    for item in doc.items:
        html, figure = _item(doc, item, figure)
        parts += html
    if doc.next_meeting is not None and not any(i.kind == "next_meeting" for i in doc.items):
        nxt = doc.next_meeting
        parts.append('<section aria-labelledby="next"><h2 id="next">Date of next meeting</h2>')
        parts.append(f"<p>The next meeting will be held on {escape(long_date(nxt.date))}.</p>")
        parts.append("</section>")
    if doc.end is not None:
        parts.append(f"<p>The meeting closed at {escape(clock_time(doc.end))}.</p>")
    parts += _signature(doc)
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_minutes_html(doc: MinutesDoc, out: str | os.PathLike[str]) -> None:
    """Write `render_minutes_html(doc)` to a file as UTF-8."""
    Path(out).write_text(render_minutes_html(doc), encoding="utf-8")


def _status(doc: MinutesDoc) -> str:
    record = doc.record
    kind = "Public minutes." if doc.public else "Full minutes: not for publication."
    if record is None or record.status in ("draft", "circulated"):
        return f"Draft, subject to approval by the Board. {kind}"
    if record.status == "approved":
        return f"Approved as a correct record, awaiting signature. {kind}"
    return f"Signed as a correct record (version {record.version}). {kind}"


def _held(doc: MinutesDoc) -> str:
    when = f"Minutes of the meeting held on {long_date(doc.date)}"
    if doc.start is not None:
        when += f" at {clock_time(doc.start)}"
    if doc.venue:
        when += f", {doc.venue}"
    if doc.hybrid:
        when += " (and online)"
    return when


def _attendance(doc: MinutesDoc) -> list[str]:
    rows = [
        (label, names)
        for label, names in (
            ("Present", doc.attendance.present),
            ("In attendance", doc.attendance.in_attendance),
            ("Apologies", doc.attendance.apologies),
            ("Absent", doc.attendance.absent),
        )
        if names
    ]
    if not rows:
        return []
    out = ['<section aria-labelledby="attendance">', '<h2 id="attendance">Attendance</h2>']
    out.append('<dl class="attendance">')
    for label, names in rows:
        items = "".join(f"<li>{escape(n)}</li>" for n in names)
        out.append(f"<dt>{label}</dt><dd><ul>{items}</ul></dd>")
    out += ["</dl>", "</section>"]
    return out


def _chip(rag: str | None, doc: MinutesDoc) -> str:
    entry = next((k for k in doc.rag_key if k.rag == rag), None)
    if entry is None:
        return "Not rated"
    return (
        f'<span class="rag" style="background:{entry.colour};'
        f'color:{text_colour(entry.colour)}">{escape(entry.label)}</span>'
    )


def _rag_key(doc: MinutesDoc) -> list[str]:
    out = [
        "<table>",
        "<caption>RAG key</caption>",
        '<thead><tr><th scope="col">RAG</th><th scope="col">Meaning</th></tr></thead>',
        "<tbody>",
    ]
    for entry in doc.rag_key:
        out.append(
            f'<tr><th scope="row">{_chip(entry.rag, doc)}</th><td>{escape(entry.meaning)}</td></tr>'
        )
    out += ["</tbody>", "</table>"]
    return out


def _paragraphs(text: str) -> list[str]:
    chunks = [c.strip() for c in text.replace("\r\n", "\n").split("\n\n")]
    return [f"<p>{escape(c).replace(chr(10), '<br>')}</p>" for c in chunks if c]


def _item(doc: MinutesDoc, item: MinutesItem, figure: int) -> tuple[list[str], int]:
    anchor = f"item-{item.number}"
    out: list[str] = []
    if item.exempt and item.exempt_paragraph is not None:
        out.append(f'<section class="exclusion" aria-labelledby="exclusion-{item.number}">')
        out.append(f'<h2 id="exclusion-{item.number}">Exclusion of the press and public</h2>')
        out.append(f"<p><strong>RESOLVED:</strong> {escape(item.exclusion or '')}</p>")
        out.append("</section>")
    marker = f" (exempt: paragraph {item.exempt_paragraph} of Schedule 12A)" if item.exempt else ""
    out.append(f'<section aria-labelledby="{anchor}">')
    out.append(f'<h2 id="{anchor}">{item.number}. {escape(item.title)}{escape(marker)}</h2>')
    if item.withheld:
        out.append(
            "<p>This item was considered in private. Its minute is not for publication by "
            f"virtue of paragraph {item.exempt_paragraph} of Part 1 of Schedule 12A to the "
            "Local Government Act 1972.</p>"
        )
        out.append("</section>")
        return out, figure
    if item.report_of:
        out.append(f'<p class="report-of"><strong>Report of:</strong> {escape(item.report_of)}</p>')
    if item.inquorate:
        out.append("<p><strong>The Board was not quorate when this item was taken.</strong></p>")
    out += _paragraphs(item.minutes)
    if item.action_cards:
        out += _cards(item, doc.public)
    if item.plan_actions:
        out += [
            "<table>",
            f"<caption>Plan actions considered under item {item.number}</caption>",
            '<thead><tr><th scope="col">Plan action</th><th scope="col">Title</th>'
            '<th scope="col">RAG at the meeting</th></tr></thead>',
            "<tbody>",
        ]
        for a in item.plan_actions:
            out.append(
                f'<tr><th scope="row">{escape(a.reference)}</th><td>{escape(a.title)}</td>'
                f"<td>{_chip(a.rag, doc)}</td></tr>"
            )
        out += ["</tbody>", "</table>"]
    for chart in item.kpis:
        figure += 1
        caption = kpi_caption(chart)
        cap_id = f"figure-{figure}"
        svg = (
            kpi_svg(chart)
            .replace("<svg ", f'<svg role="img" aria-labelledby="{cap_id}-title" ', 1)
            .replace("<title>...</title>", f'<title id="{cap_id}-title">{escape(caption)}</title>')
            .replace("<desc>...</desc>", "")
            .replace('id="clip"', f'id="{cap_id}-clip"')
            .replace("url(#clip)", f"url(#{cap_id}-clip)")
            .replace('id="group"', f'id="{cap_id}-group"')
        )
        out.append(f'<figure aria-labelledby="{cap_id}">{svg}')
        out.append(
            f'<figcaption id="{cap_id}"><strong>Figure {figure}.</strong> '
            f"{escape(caption)}</figcaption></figure>"
        )
    out += _decisions(item)
    if item.actions_arising:
        out += [
            "<table>",
            f"<caption>Actions arising from item {item.number}</caption>",
            '<thead><tr><th scope="col">Action</th><th scope="col">Owner</th>'
            '<th scope="col">Due</th></tr></thead>',
            "<tbody>",
        ]
        for arising in item.actions_arising:
            due = f"{arising.due.day} {arising.due:%B %Y}" if arising.due else "No date set"
            out.append(
                f"<tr><td>{escape(arising.text)}</td><td>{escape(arising.owner or 'Not assigned')}"
                f"</td><td>{escape(due)}</td></tr>"
            )
        out += ["</tbody>", "</table>"]
    out.append("</section>")
    return out, figure


def _cards(item: MinutesItem, public: bool) -> list[str]:
    out = [
        '<table class="cards">',
        f"<caption>Children in care council action cards considered under item {item.number}"
        "</caption>",
        '<thead><tr><th scope="col">Card</th><th scope="col">The children in care council '
        'asked</th><th scope="col">The Board\'s response</th><th scope="col">Status</th>'
        "</tr></thead>",
        "<tbody>",
    ]
    for card in item.action_cards:
        out.append(f"<tr>{_card_cells(card, public)}</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _card_cells(card: CardEntry, public: bool) -> str:
    number = f"Card {card.number}"
    if card.exempt and not public:
        number += '<br><span class="note">Exempt</span>'
    ask = f"\u201c{escape(card.text)}\u201d"
    if card.addressed_to:
        ask += f'<br><span class="note">For: {escape(card.addressed_to)}</span>'
    if card.received is not None:
        day = f"{card.received.day} {card.received:%B %Y}"
        ask += f'<br><span class="note">Received at the meeting of {day}</span>'
    if card.response:
        answer = escape(card.response).replace("\n", "<br>")
        if card.given_by:
            answer += f'<br><span class="note">Given by: {escape(card.given_by)}</span>'
    else:
        answer = '<span class="note">No response was recorded at the meeting.</span>'
    status = escape(card.status_label)
    if card.status:
        status = f"<strong>{status}</strong>"
    return f'<th scope="row">{number}</th><td>{ask}</td><td>{answer}</td><td>{status}</td>'


def _votes(d: DecisionEntry) -> str | None:
    if d.named_votes:
        parts = []
        for key, label in (("for", "For"), ("against", "Against"), ("abstain", "Abstained")):
            who = [v.name for v in d.named_votes if v.vote == key]
            if who:
                parts.append(f"{label} ({len(who)}): {', '.join(who)}")
        return "A named vote was recorded. " + "; ".join(parts) + "."
    if d.votes_for is None and d.votes_against is None and d.votes_abstain is None:
        return None
    return (
        f"Votes: for {d.votes_for or 0}, against {d.votes_against or 0}, "
        f"abstentions {d.votes_abstain or 0}."
    )


def _decisions(item: MinutesItem) -> list[str]:
    out: list[str] = []
    for label, group in (("Resolved", item.resolved), ("Noted", item.noted)):
        if not group:
            continue
        out.append(f"<h3>{label}</h3>")
        out.append('<ol class="resolutions">')
        for d in group:
            kind = f" ({escape(d.kind)})" if d.kind in {"deferred", "rejected"} else ""
            votes = _votes(d)
            extra = f"<br>{escape(votes)}" if votes else ""
            out.append(
                f"<li><strong>{escape(d.number)}</strong>&emsp;{escape(d.wording)}{kind}{extra}</li>"
            )
        out.append("</ol>")
    return out


def _signature(doc: MinutesDoc) -> list[str]:
    record = doc.record
    out = ['<section aria-labelledby="signature">', '<h2 id="signature">Signature</h2>']
    if record is not None and record.status == "signed" and record.signed_at is not None:
        when = record.signed_at
        out.append(
            f"<p>Signed as a correct record by <strong>{escape(record.signed_by or '')}</strong>, "
            f"Chair, on {escape(long_date(when.date()))} at {when:%H:%M} UTC.</p>"
        )
        if record.approved_by:
            out.append(f"<p>Approved: {escape(record.approved_by)}.</p>")
        out.append(
            f"<p>Record hash (SHA-256 of version {record.version}'s canonical text): "
            f"<code>{escape(record.content_hash or '')}</code></p>"
        )
        if record.supersedes_version:
            out.append(f"<p>This version corrects version {record.supersedes_version}.</p>")
    else:
        out.append(
            "<p>Not yet signed: the Chair signs the minutes once the Board has approved them.</p>"
        )
    out.append("</section>")
    return out
