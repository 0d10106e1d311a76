"""A meeting under way, rehearsed on a scratch copy: for screenshots and demonstrations only.

`rehearse(path)` takes the board's next meeting in the database at `path`
(always a copy: `scratch_copy` makes one with SQLite's backup API, so a file
open elsewhere is copied consistently; an encrypted board's copy is encrypted
with the same key) and runs it as a chair would up to its first substantive
item with linked plan actions: attendance as at the board's last meeting, the
meeting opened, the standing items taken in turn, the previous minutes
approved, a RAG change agreed and an action arising given on the current
item, which was started long enough ago that its timer has just run over its
time box — so the cockpit shows what it looks like in use. Every write goes
through the same services as the GUI.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

#: How far past its time box the rehearsed current item is.
OVERRUN = dt.timedelta(minutes=2, seconds=10)


def _fixed(moment: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: moment


def scratch_copy(source: Path, dest: Path, key: bytes | None = None) -> Path:
    """Copy the database at `source` to `dest` consistently (SQLite online backup).

    An encrypted board (`key`, its data key) is copied through `db.backup` with the
    same key: the scratch copy is encrypted too, never a plaintext file on the disk.
    """
    if key is not None:
        from db.backup import copy_checked

        return copy_checked(source, dest, key)
    src = sqlite3.connect(source)
    out = sqlite3.connect(dest)
    try:
        src.backup(out)
    finally:
        out.close()
        src.close()
    return dest


def rehearse(path: Path, *, today: dt.date | None = None, key: bytes | None = None) -> str | None:
    """Run the board's next meeting at `path` up to its first business item with actions
    (an encrypted copy opened with `key`).

    Returns:
        The meeting's id, or None when the board has no meeting to rehearse.
    """
    from db.models import AttendanceMode, AttendanceStatus, Capacity, DecisionKind, ItemKind, Rag
    from db.services.attendance import set_attendance
    from db.services.decisions import add_action_arising, agree_rag_change, record_decision
    from db.services.meeting_notes import save_notes
    from db.services.meeting_view import meeting_view
    from db.services.meetings import meetings_of, open_meeting, start_item
    from db.store import open_database
    from db.views import default_board_context

    database = open_database(path, key=key)
    try:
        with database.session() as s:
            context = default_board_context(s)
            if context is None or context.viewer is None:
                return None
            actor = context.viewer.person_id
            listing = meetings_of(s, actor, context.board_id, today=today or dt.date.today())
            if not listing.upcoming:
                return None
            meeting = meeting_view(s, actor, listing.upcoming[0].meeting_id)
            last = meeting_view(s, actor, listing.past[0].meeting_id) if listing.past else None
        if meeting.status != "planned" or not meeting.items:
            return meeting.meeting_id
        target = next(
            (i for i in meeting.items if i.kind == ItemKind.BUSINESS.value and i.actions),
            meeting.items[0],
        )
        now = dt.datetime.now(dt.UTC)
        box = dt.timedelta(minutes=target.time_box_minutes or 10)
        started = now - box - OVERRUN
        earlier = [i for i in meeting.items if i.position < target.position]
        step = dt.timedelta(minutes=6)
        opened = started - step * len(earlier)

        with database.begin(actor, clock=lambda: opened) as s:
            for a in last.attendance if last is not None else ():
                set_attendance(
                    s,
                    actor,
                    meeting.meeting_id,
                    a.person_id,
                    AttendanceStatus(a.status),
                    mode=AttendanceMode(a.mode),
                    capacity=Capacity(a.capacity),
                )
            open_meeting(s, actor, meeting.meeting_id)
        for n, item in enumerate([*earlier, target]):
            moment = opened + step * n
            with database.begin(actor, clock=_fixed(moment)) as s:
                start_item(s, actor, item.item_id)
                if item.kind == ItemKind.PREVIOUS_MINUTES.value and last is not None:
                    record_decision(
                        s,
                        actor,
                        item.item_id,
                        DecisionKind.APPROVED,
                        f"The minutes of the meeting held on {last.meeting_date:%-d %B %Y} were "
                        "approved as a correct record and signed by the Chair.",
                    )
        # The record is dated as on the meeting's day (its history reads right); only the
        # item's start is real time, so the timer shows the overrun.
        start = meeting.start_time or dt.time(10, 0)
        on_the_day = dt.datetime.combine(meeting.meeting_date, start, dt.UTC) + step * (
            len(earlier) + 3
        )
        with database.begin(actor, clock=_fixed(on_the_day)) as s:
            if target.actions:
                agree_rag_change(
                    s,
                    actor,
                    target.item_id,
                    target.actions[0].id,
                    Rag.AMBER,
                    "Recovery plan agreed: audits every month until the March meeting.",
                    today=today or dt.date.today(),
                )
                add_action_arising(
                    s,
                    actor,
                    target.item_id,
                    f"Report progress on the recovery plan for {target.actions[0].label.split()[0]}"
                    " to the next meeting",
                    owner_id=target.presenter_id,
                    due_date=meeting.meeting_date + dt.timedelta(weeks=8),
                    plan_action_id=target.actions[0].id,
                )
            save_notes(
                s,
                actor,
                target.item_id,
                discussion=(
                    "The report was introduced. Members asked why two actions had slipped "
                    "and what the recovery plans were."
                ),
                chair_notes="Ask for a recovery date on each Red action. Thank the presenter.",
            )
        return meeting.meeting_id
    finally:
        database.close()
